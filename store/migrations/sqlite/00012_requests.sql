-- +goose Up
-- Contractors, property companies and utilities of a city that answer
-- residents' requests: the users who act for each and the estates each
-- is responsible for (one organisation of a kind per estate).
CREATE TABLE request_orgs (
    id      INTEGER PRIMARY KEY,
    city_id BIGINT NOT NULL,
    kind    TEXT   NOT NULL CHECK (kind IN ('contractor', 'property', 'utility')),
    name    TEXT   NOT NULL,
    created BIGINT NOT NULL,
    updated BIGINT NOT NULL
);
CREATE UNIQUE INDEX request_orgs_name ON request_orgs(city_id, kind, name);

CREATE TABLE request_org_members (
    city_id BIGINT NOT NULL,
    org_id  BIGINT NOT NULL REFERENCES request_orgs(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    PRIMARY KEY (city_id, org_id, user_id)
);
CREATE INDEX request_org_members_user ON request_org_members(user_id);

CREATE TABLE request_estate_orgs (
    city_id   BIGINT NOT NULL,
    estate_id BIGINT NOT NULL REFERENCES estates(id),
    kind      TEXT   NOT NULL,
    org_id    BIGINT NOT NULL REFERENCES request_orgs(id),
    PRIMARY KEY (city_id, estate_id, kind)
);
CREATE INDEX request_estate_orgs_org ON request_estate_orgs(org_id);

-- Residents' questions, suggestions and complaints (诉求). The unit is a
-- jurisdiction (community, street, district) or an organisation; its
-- name is kept as it was when the request reached it. Times are unix
-- microseconds, 0 for not yet.
CREATE TABLE requests (
    id                 INTEGER PRIMARY KEY,
    city_id            BIGINT  NOT NULL,
    estate_id          BIGINT  NOT NULL REFERENCES estates(id),
    building_id        BIGINT  NOT NULL DEFAULT 0,
    kind               TEXT    NOT NULL CHECK (kind IN ('question', 'suggestion', 'complaint')),
    category           TEXT    NOT NULL,
    title              TEXT    NOT NULL,
    body               TEXT    NOT NULL,
    photo_ids          TEXT    NOT NULL DEFAULT '',
    location           TEXT    NOT NULL DEFAULT '',
    lat                BIGINT,
    lng                BIGINT,
    anonymous          BOOLEAN NOT NULL DEFAULT FALSE,
    public             BOOLEAN NOT NULL DEFAULT FALSE,
    faq                BOOLEAN NOT NULL DEFAULT FALSE,
    faq_question       TEXT    NOT NULL DEFAULT '',
    faq_answer         TEXT    NOT NULL DEFAULT '',
    status             TEXT    NOT NULL CHECK (status IN ('assigned', 'answered', 'closed', 'reopened')),
    unit_kind          TEXT    NOT NULL,
    unit_id            BIGINT  NOT NULL,
    unit_name          TEXT    NOT NULL,
    deadline           BIGINT  NOT NULL,
    submitted_by       BIGINT  NOT NULL,
    submitter_name     TEXT    NOT NULL,
    on_behalf          BIGINT  NOT NULL DEFAULT 0,
    answer             TEXT    NOT NULL DEFAULT '',
    answered_by        BIGINT  NOT NULL DEFAULT 0,
    answered_unit_kind TEXT    NOT NULL DEFAULT '',
    answered_unit_id   BIGINT  NOT NULL DEFAULT 0,
    answered_unit_name TEXT    NOT NULL DEFAULT '',
    answered_at        BIGINT  NOT NULL DEFAULT 0,
    first_answered_at  BIGINT  NOT NULL DEFAULT 0,
    closed_at          BIGINT  NOT NULL DEFAULT 0,
    rating             BIGINT  NOT NULL DEFAULT 0,
    rating_comment     TEXT    NOT NULL DEFAULT '',
    version            BIGINT  NOT NULL DEFAULT 1,
    created            BIGINT  NOT NULL,
    updated            BIGINT  NOT NULL
);
CREATE INDEX requests_queue ON requests(city_id, status, deadline);
CREATE INDEX requests_estate ON requests(city_id, estate_id, created);
CREATE INDEX requests_submitter ON requests(city_id, submitted_by);
CREATE INDEX requests_unit ON requests(city_id, unit_kind, unit_id);

-- Every change of a request, oldest first.
CREATE TABLE request_events (
    id         INTEGER PRIMARY KEY,
    city_id    BIGINT NOT NULL,
    request_id BIGINT NOT NULL REFERENCES requests(id),
    at         BIGINT NOT NULL,
    actor_id   BIGINT NOT NULL,
    actor_name TEXT   NOT NULL,
    action     TEXT   NOT NULL,
    status     TEXT   NOT NULL,
    unit_kind  TEXT   NOT NULL,
    unit_id    BIGINT NOT NULL,
    unit_name  TEXT   NOT NULL,
    note       TEXT   NOT NULL DEFAULT ''
);
CREATE INDEX request_events_request ON request_events(city_id, request_id, at);

-- Moves of overdue requests one level up.
CREATE TABLE request_escalations (
    city_id    BIGINT NOT NULL,
    request_id BIGINT NOT NULL REFERENCES requests(id),
    seq        BIGINT NOT NULL,
    from_kind  TEXT   NOT NULL,
    from_id    BIGINT NOT NULL,
    from_name  TEXT   NOT NULL,
    to_kind    TEXT   NOT NULL,
    to_id      BIGINT NOT NULL,
    to_name    TEXT   NOT NULL,
    at         BIGINT NOT NULL,
    reason     TEXT   NOT NULL,
    PRIMARY KEY (city_id, request_id, seq)
);

-- +goose Down
DROP TABLE request_escalations;
DROP TABLE request_events;
DROP TABLE requests;
DROP TABLE request_estate_orgs;
DROP TABLE request_org_members;
DROP TABLE request_orgs;
