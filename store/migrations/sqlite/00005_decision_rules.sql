-- +goose Up
-- Rules of owners' decisions that each city sets (notice and objection
-- periods, which ballot counts when a person voted both online and on
-- paper, whether an online ballot may be changed until closing), kept as
-- named values per city so later features can add their own.
CREATE TABLE city_settings (
    city_id    BIGINT NOT NULL,
    name       TEXT   NOT NULL,
    value      TEXT   NOT NULL,
    updated_by BIGINT NOT NULL,
    updated    BIGINT NOT NULL,
    PRIMARY KEY (city_id, name)
);

-- A decision keeps the city's rules as they stood when it was created, so
-- that changing a setting never moves a running vote.
ALTER TABLE decisions ADD COLUMN conflict_rule TEXT NOT NULL DEFAULT 'first';
ALTER TABLE decisions ADD COLUMN allow_change BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE decisions ADD COLUMN objection_days BIGINT NOT NULL DEFAULT 0;
-- Whether officers may see the running count while the vote is open.
ALTER TABLE decisions ADD COLUMN open_count BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE decisions ADD COLUMN announced_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE decisions ADD COLUMN finalized_at BIGINT NOT NULL DEFAULT 0;

-- Extra conditions local rules add to a matter (e.g. every owner of the
-- ground floor must agree to a lift), as JSON.
ALTER TABLE decision_matters ADD COLUMN extra TEXT NOT NULL DEFAULT '[]';

-- Documents put to the owners with the decision (the plan, drawings, cost
-- table): stored files, named by their SHA-256 for anyone to check.
CREATE TABLE decision_documents (
    city_id     BIGINT NOT NULL,
    decision_id BIGINT NOT NULL REFERENCES decisions(id),
    file_id     BIGINT NOT NULL,
    title       TEXT   NOT NULL,
    sha256      TEXT   NOT NULL,
    added_by    BIGINT NOT NULL,
    added       BIGINT NOT NULL,
    PRIMARY KEY (city_id, decision_id, file_id)
);

-- Objections raised while a result is published (公示), with answers.
CREATE TABLE decision_objections (
    id          INTEGER PRIMARY KEY,
    city_id     BIGINT NOT NULL,
    decision_id BIGINT NOT NULL REFERENCES decisions(id),
    raised_by   BIGINT NOT NULL,
    body        TEXT   NOT NULL,
    raised      BIGINT NOT NULL,
    answer      TEXT   NOT NULL DEFAULT '',
    answered_by BIGINT NOT NULL DEFAULT 0,
    answered    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX decision_objections_decision ON decision_objections(city_id, decision_id, raised);

-- Ballots, rebuilt: the channel is 'online' or 'paper'; a paper ballot
-- says how it was collected (on site, door to door, by video call) and
-- whether a proxy signed it under a written authorisation (a stored file).
-- A person may hold one ballot per channel; which one counts when both
-- exist is the decision's conflict rule, applied by the tally and listed
-- on the result. The second entry of a paper ballot is kept apart
-- (second_*); a mismatched ballot is settled by a third officer whose
-- reading (review_*) is the one counted.
CREATE TABLE ballots_v2 (
    id             INTEGER PRIMARY KEY,
    city_id        BIGINT  NOT NULL,
    decision_id    BIGINT  NOT NULL REFERENCES decisions(id),
    person         TEXT    NOT NULL,
    channel        TEXT    NOT NULL CHECK (channel IN ('online', 'paper')),
    collection     TEXT    NOT NULL DEFAULT '',
    proxy_name     TEXT    NOT NULL DEFAULT '',
    proxy_file_id  BIGINT  NOT NULL DEFAULT 0,
    choices        TEXT    NOT NULL,
    spoiled        BOOLEAN NOT NULL DEFAULT FALSE,
    receipt_hash   BLOB NOT NULL,
    cast_by        BIGINT  NOT NULL,
    cast_at        BIGINT  NOT NULL,
    revised_at     BIGINT  NOT NULL DEFAULT 0,
    state          TEXT    NOT NULL DEFAULT 'counted' CHECK (state IN ('counted', 'pending', 'mismatched')),
    scan_file_id   BIGINT  NOT NULL DEFAULT 0,
    scan_sha256    TEXT    NOT NULL DEFAULT '',
    scan_name      TEXT    NOT NULL DEFAULT '',
    second_by      BIGINT  NOT NULL DEFAULT 0,
    second_entry   TEXT    NOT NULL DEFAULT '',
    second_at      BIGINT  NOT NULL DEFAULT 0,
    review_by      BIGINT  NOT NULL DEFAULT 0,
    review_entry   TEXT    NOT NULL DEFAULT '',
    review_note    TEXT    NOT NULL DEFAULT '',
    review_at      BIGINT  NOT NULL DEFAULT 0,
    UNIQUE (city_id, decision_id, person, channel)
);
INSERT INTO ballots_v2 (id, city_id, decision_id, person, channel, collection, proxy_name, choices, spoiled, receipt_hash,
    cast_by, cast_at, state, scan_sha256, scan_name, second_by, second_at)
SELECT id, city_id, decision_id, person,
    CASE channel WHEN 'online' THEN 'online' ELSE 'paper' END,
    CASE channel WHEN 'online' THEN '' WHEN 'paper_door' THEN 'door' WHEN 'video' THEN 'video' ELSE 'onsite' END,
    CASE channel WHEN 'proxy' THEN '(委托代理)' ELSE '' END,
    choices, spoiled, receipt_hash, cast_by, cast_at, state, scan_sha256, scan_name, second_by, second_at
FROM ballots;
DROP TABLE ballots;
ALTER TABLE ballots_v2 RENAME TO ballots;
CREATE INDEX ballots_receipt ON ballots(receipt_hash);

-- Online ballots changed before closing (where the city allows it): the
-- superseded versions, so an old receipt code still says what became of it.
CREATE TABLE ballot_revisions (
    city_id      BIGINT  NOT NULL,
    decision_id  BIGINT  NOT NULL REFERENCES decisions(id),
    ballot_id    BIGINT  NOT NULL,
    receipt_hash BLOB NOT NULL,
    choices      TEXT    NOT NULL,
    spoiled      BOOLEAN NOT NULL,
    cast_at      BIGINT  NOT NULL,
    replaced_at  BIGINT  NOT NULL
);
CREATE INDEX ballot_revisions_receipt ON ballot_revisions(receipt_hash);

-- +goose Down
DROP TABLE ballot_revisions;
CREATE TABLE ballots_v1 (
    id           INTEGER PRIMARY KEY,
    city_id      BIGINT  NOT NULL,
    decision_id  BIGINT  NOT NULL REFERENCES decisions(id),
    person       TEXT    NOT NULL,
    channel      TEXT    NOT NULL,
    choices      TEXT    NOT NULL,
    spoiled      BOOLEAN NOT NULL DEFAULT FALSE,
    receipt_hash BLOB NOT NULL,
    cast_by      BIGINT  NOT NULL,
    cast_at      BIGINT  NOT NULL,
    state        TEXT    NOT NULL DEFAULT 'counted' CHECK (state IN ('counted', 'pending', 'mismatched')),
    scan_sha256  TEXT    NOT NULL DEFAULT '',
    scan_name    TEXT    NOT NULL DEFAULT '',
    second_by      BIGINT  NOT NULL DEFAULT 0,
    second_channel TEXT    NOT NULL DEFAULT '',
    second_choices TEXT    NOT NULL DEFAULT '',
    second_spoiled BOOLEAN NOT NULL DEFAULT FALSE,
    second_at      BIGINT  NOT NULL DEFAULT 0,
    UNIQUE (city_id, decision_id, person)
);
-- Going back keeps one ballot per person: the paper one where both exist.
INSERT INTO ballots_v1 (id, city_id, decision_id, person, channel, choices, spoiled, receipt_hash, cast_by, cast_at, state,
    scan_sha256, scan_name, second_by, second_at)
SELECT id, city_id, decision_id, person,
    CASE WHEN channel = 'online' THEN 'online' WHEN proxy_name <> '' THEN 'proxy' WHEN collection = 'door' THEN 'paper_door'
         WHEN collection = 'video' THEN 'video' ELSE 'paper_onsite' END,
    choices, spoiled, receipt_hash, cast_by, cast_at, state, scan_sha256, scan_name, second_by, second_at
FROM ballots b
WHERE channel = 'paper' OR NOT EXISTS (SELECT 1 FROM ballots p WHERE p.city_id = b.city_id AND p.decision_id = b.decision_id
    AND p.person = b.person AND p.channel = 'paper');
DROP TABLE ballots;
ALTER TABLE ballots_v1 RENAME TO ballots;
CREATE INDEX ballots_receipt ON ballots(receipt_hash);
DROP TABLE decision_objections;
DROP TABLE decision_documents;
ALTER TABLE decision_matters DROP COLUMN extra;
ALTER TABLE decisions DROP COLUMN finalized_at;
ALTER TABLE decisions DROP COLUMN announced_at;
ALTER TABLE decisions DROP COLUMN open_count;
ALTER TABLE decisions DROP COLUMN objection_days;
ALTER TABLE decisions DROP COLUMN allow_change;
ALTER TABLE decisions DROP COLUMN conflict_rule;
DROP TABLE city_settings;
