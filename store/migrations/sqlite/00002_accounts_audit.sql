-- +goose Up
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    city_id       INTEGER NOT NULL DEFAULT 0,
    username      TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    role          TEXT    NOT NULL,
    phone_hmac    BLOB,
    phone_masked  TEXT    NOT NULL DEFAULT '',
    password_hash TEXT    NOT NULL,
    owner_id      INTEGER REFERENCES owners(id),
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created       INTEGER NOT NULL,
    updated       INTEGER NOT NULL
);
CREATE UNIQUE INDEX users_username ON users(username);
CREATE UNIQUE INDEX users_phone ON users(phone_hmac) WHERE phone_hmac IS NOT NULL;

-- An account's scope: jurisdiction subtrees and/or single estates.
CREATE TABLE user_scopes (
    user_id         INTEGER NOT NULL REFERENCES users(id),
    jurisdiction_id INTEGER REFERENCES jurisdictions(id),
    estate_id       INTEGER REFERENCES estates(id)
);
CREATE INDEX user_scopes_user ON user_scopes(user_id);

CREATE TABLE sessions (
    id_hash    BLOB    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    csrf       TEXT    NOT NULL,
    on_behalf  INTEGER NOT NULL DEFAULT 0,
    created    INTEGER NOT NULL,
    expires    INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE tokens (
    id        INTEGER PRIMARY KEY,
    user_id   INTEGER NOT NULL REFERENCES users(id),
    name      TEXT    NOT NULL,
    hash      BLOB    NOT NULL,
    read_only BOOLEAN NOT NULL,
    created   INTEGER NOT NULL,
    expires   INTEGER NOT NULL,
    revoked   INTEGER NOT NULL DEFAULT 0,
    last_used INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX tokens_hash ON tokens(hash);

CREATE TABLE invitations (
    id         INTEGER PRIMARY KEY,
    city_id    INTEGER NOT NULL,
    owner_id   INTEGER NOT NULL REFERENCES owners(id),
    code_hash  BLOB    NOT NULL,
    created_by INTEGER NOT NULL,
    created    INTEGER NOT NULL,
    expires    INTEGER NOT NULL,
    used       INTEGER NOT NULL DEFAULT 0,
    user_id    INTEGER
);
CREATE UNIQUE INDEX invitations_code ON invitations(code_hash);

CREATE TABLE login_throttle (
    key          TEXT    PRIMARY KEY,
    window_start INTEGER NOT NULL,
    failures     INTEGER NOT NULL
);

-- The audit ledger: one hash chain per city (city 0 for work above cities).
CREATE TABLE audit (
    city_id    INTEGER NOT NULL,
    seq        INTEGER NOT NULL,
    at         INTEGER NOT NULL,
    actor_id   INTEGER NOT NULL,
    actor_name TEXT    NOT NULL,
    on_behalf  INTEGER NOT NULL,
    action     TEXT    NOT NULL,
    entity     TEXT    NOT NULL,
    entity_id  INTEGER NOT NULL,
    digest     TEXT    NOT NULL,
    detail     TEXT    NOT NULL,
    prev_hash  TEXT    NOT NULL,
    hash       TEXT    NOT NULL,
    PRIMARY KEY (city_id, seq)
);
CREATE INDEX audit_at ON audit(at);
CREATE INDEX audit_entity ON audit(entity, entity_id);
CREATE TABLE audit_head (
    city_id INTEGER PRIMARY KEY,
    seq     INTEGER NOT NULL,
    hash    TEXT    NOT NULL
);

-- +goose Down
DROP TABLE audit_head;
DROP TABLE audit;
DROP TABLE login_throttle;
DROP TABLE invitations;
DROP TABLE tokens;
DROP TABLE sessions;
DROP TABLE user_scopes;
DROP TABLE users;
