-- +goose Up
-- Notices (公告/公示) to the residents of a jurisdiction, an estate or some
-- of its buildings, with a publicity period (first and last day, as unix
-- microseconds of midnight Asia/Shanghai). jpath is the jurisdiction's
-- path (the estate's jurisdiction's for estate and building notices), for
-- officers' scope; attachments are file IDs, comma-separated.
CREATE TABLE notices (
    id              INTEGER PRIMARY KEY,
    city_id         BIGINT NOT NULL,
    scope_kind      TEXT   NOT NULL CHECK (scope_kind IN ('jurisdiction', 'estate', 'buildings')),
    jurisdiction_id BIGINT NOT NULL DEFAULT 0,
    estate_id       BIGINT NOT NULL DEFAULT 0,
    jpath           TEXT   NOT NULL,
    type            TEXT   NOT NULL,
    title           TEXT   NOT NULL,
    body            TEXT   NOT NULL,
    attachments     TEXT   NOT NULL DEFAULT '',
    publicity_start BIGINT NOT NULL DEFAULT 0,
    publicity_end   BIGINT NOT NULL DEFAULT 0,
    status          TEXT   NOT NULL CHECK (status IN ('draft', 'published', 'withdrawn')),
    published_at    BIGINT NOT NULL DEFAULT 0,
    withdrawn_at    BIGINT NOT NULL DEFAULT 0,
    created_by      BIGINT NOT NULL,
    created         BIGINT NOT NULL,
    updated         BIGINT NOT NULL
);
CREATE INDEX notices_path ON notices(city_id, jpath);
CREATE INDEX notices_estate ON notices(city_id, estate_id);

-- The buildings of a notice for some buildings of an estate.
CREATE TABLE notice_buildings (
    city_id     BIGINT NOT NULL,
    notice_id   BIGINT NOT NULL REFERENCES notices(id),
    building_id BIGINT NOT NULL REFERENCES buildings(id),
    PRIMARY KEY (city_id, notice_id, building_id)
);
CREATE INDEX notice_buildings_building ON notice_buildings(city_id, building_id);

-- Objections raised during the publicity period, with answers.
CREATE TABLE notice_objections (
    id          INTEGER PRIMARY KEY,
    city_id     BIGINT NOT NULL,
    notice_id   BIGINT NOT NULL REFERENCES notices(id),
    raised_by   BIGINT NOT NULL,
    name        TEXT   NOT NULL,
    body        TEXT   NOT NULL,
    raised      BIGINT NOT NULL,
    answer      TEXT   NOT NULL DEFAULT '',
    answered_by BIGINT NOT NULL DEFAULT 0,
    answered    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX notice_objections_notice ON notice_objections(city_id, notice_id, raised);

-- Households (exclusive parts) reached: a resident opened the notice, or
-- an officer handed it over on paper. The first receipt is kept.
CREATE TABLE notice_receipts (
    city_id   BIGINT NOT NULL,
    notice_id BIGINT NOT NULL REFERENCES notices(id),
    part_id   BIGINT NOT NULL REFERENCES parts(id),
    channel   TEXT   NOT NULL CHECK (channel IN ('online', 'paper')),
    by_user   BIGINT NOT NULL,
    at        BIGINT NOT NULL,
    PRIMARY KEY (city_id, notice_id, part_id)
);

-- Inbox messages, one per user; dispatched once the dispatcher has made
-- their deliveries (or found the user wants the inbox only).
CREATE TABLE messages (
    id         INTEGER PRIMARY KEY,
    city_id    BIGINT  NOT NULL,
    user_id    BIGINT  NOT NULL REFERENCES users(id),
    kind       TEXT    NOT NULL,
    title      TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    link       TEXT    NOT NULL,
    created    BIGINT  NOT NULL,
    read_at    BIGINT  NOT NULL DEFAULT 0,
    dispatched BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX messages_user ON messages(user_id, created);
CREATE INDEX messages_city ON messages(city_id, user_id);
CREATE INDEX messages_pending ON messages(dispatched, id);

-- How each user wants to be reached besides the inbox (accounts are
-- city 0, as in the ledger).
CREATE TABLE notification_prefs (
    user_id       BIGINT  NOT NULL PRIMARY KEY REFERENCES users(id),
    sms           BOOLEAN NOT NULL DEFAULT FALSE,
    wechat        BOOLEAN NOT NULL DEFAULT FALSE,
    email         BOOLEAN NOT NULL DEFAULT FALSE,
    email_address TEXT    NOT NULL DEFAULT '',
    digest        BOOLEAN NOT NULL DEFAULT FALSE,
    quiet_from    BIGINT  NOT NULL,
    quiet_to      BIGINT  NOT NULL,
    updated       BIGINT  NOT NULL
);

-- Deliveries of messages through SMS, WeChat or e-mail: one message, or a
-- daily digest of several (message_ids, comma-separated).
CREATE TABLE deliveries (
    id           INTEGER PRIMARY KEY,
    city_id      BIGINT NOT NULL,
    user_id      BIGINT NOT NULL REFERENCES users(id),
    channel      TEXT   NOT NULL CHECK (channel IN ('sms', 'wechat', 'email')),
    recipient    TEXT   NOT NULL DEFAULT '',
    title        TEXT   NOT NULL,
    body         TEXT   NOT NULL,
    link         TEXT   NOT NULL,
    message_ids  TEXT   NOT NULL,
    status       TEXT   NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts     BIGINT NOT NULL DEFAULT 0,
    last_error   TEXT   NOT NULL DEFAULT '',
    next_attempt BIGINT NOT NULL,
    created      BIGINT NOT NULL,
    sent_at      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX deliveries_due ON deliveries(status, next_attempt);
CREATE INDEX deliveries_city ON deliveries(city_id, status, created);

-- +goose Down
DROP TABLE deliveries;
DROP TABLE notification_prefs;
DROP TABLE messages;
DROP TABLE notice_receipts;
DROP TABLE notice_objections;
DROP TABLE notice_buildings;
DROP TABLE notices;
