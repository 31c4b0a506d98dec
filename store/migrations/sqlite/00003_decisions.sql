-- +goose Up
-- Owners' joint decisions (Civil Code Art. 278): the agenda, the electorate
-- frozen when voting opens, and one ballot per person.
CREATE TABLE decisions (
    id          INTEGER PRIMARY KEY,
    city_id     BIGINT  NOT NULL,
    estate_id   BIGINT  NOT NULL REFERENCES estates(id),
    title       TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    status      TEXT    NOT NULL,
    scope_kind  TEXT    NOT NULL,
    scope_ids   TEXT    NOT NULL DEFAULT '',
    notice_days BIGINT  NOT NULL DEFAULT 0,
    published_at BIGINT NOT NULL DEFAULT 0,
    opens_at    BIGINT  NOT NULL DEFAULT 0,
    closes_at   BIGINT  NOT NULL DEFAULT 0,
    -- SHA-256 of the result as announced; a re-tally must reproduce it.
    result_digest TEXT  NOT NULL DEFAULT '',
    created_by  BIGINT  NOT NULL,
    created     BIGINT  NOT NULL,
    updated     BIGINT  NOT NULL
);
CREATE INDEX decisions_estate ON decisions(city_id, estate_id, created);

CREATE TABLE decision_matters (
    id          INTEGER PRIMARY KEY,
    city_id     BIGINT  NOT NULL,
    decision_id BIGINT  NOT NULL REFERENCES decisions(id),
    position    BIGINT  NOT NULL,
    item        BIGINT  NOT NULL,
    title       TEXT    NOT NULL
);
CREATE UNIQUE INDEX decision_matters_position ON decision_matters(city_id, decision_id, position);

-- The electorate frozen at opening: parts and owners as JSON arrays.
CREATE TABLE decision_voters (
    city_id        BIGINT NOT NULL,
    decision_id    BIGINT NOT NULL REFERENCES decisions(id),
    person         TEXT   NOT NULL,
    representative BIGINT NOT NULL,
    area           BIGINT NOT NULL,
    owners         TEXT   NOT NULL,
    parts          TEXT   NOT NULL,
    PRIMARY KEY (city_id, decision_id, person)
);

-- One ballot per person and decision: the unique key is what refuses a
-- second ballot, however many arrive at once. An off-line ballot is entered
-- twice by two different officers (double entry): after the first entry it
-- is 'pending' (its receipt_hash a random placeholder nobody holds), after
-- a matching second entry 'counted' with the receipt handed out, after a
-- differing one 'mismatched': flagged for review and not counted. Online
-- ballots are 'counted' at once. A scan of the paper ballot is kept as the
-- SHA-256 (hex) of the uploaded file and its name, not the file.
CREATE TABLE ballots (
    id           INTEGER PRIMARY KEY,
    city_id      BIGINT  NOT NULL,
    decision_id  BIGINT  NOT NULL REFERENCES decisions(id),
    person       TEXT    NOT NULL,
    channel      TEXT    NOT NULL,
    choices      TEXT    NOT NULL,
    spoiled      BOOLEAN NOT NULL DEFAULT FALSE,
    receipt_hash BLOB     NOT NULL,
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
CREATE INDEX ballots_receipt ON ballots(receipt_hash);

-- +goose Down
DROP TABLE ballots;
DROP TABLE decision_voters;
DROP TABLE decision_matters;
DROP TABLE decisions;
