-- +goose Up
-- Times are unix microseconds UTC; areas hundredths of m²; money fen.
-- Every table with a jurisdiction's data carries city_id first in its keys.
CREATE TABLE jurisdictions (
    id        INTEGER PRIMARY KEY,
    city_id   INTEGER NOT NULL DEFAULT 0,
    parent_id INTEGER REFERENCES jurisdictions(id),
    level     TEXT    NOT NULL,
    code      TEXT    NOT NULL,
    name      TEXT    NOT NULL,
    name_sort BLOB    NOT NULL,
    path      TEXT    NOT NULL,
    created   INTEGER NOT NULL,
    updated   INTEGER NOT NULL
);
CREATE UNIQUE INDEX jurisdictions_code ON jurisdictions(code);
CREATE INDEX jurisdictions_parent ON jurisdictions(city_id, parent_id, name_sort);
CREATE INDEX jurisdictions_path ON jurisdictions(path);

CREATE TABLE estates (
    id              INTEGER PRIMARY KEY,
    city_id         INTEGER NOT NULL,
    jurisdiction_id INTEGER NOT NULL REFERENCES jurisdictions(id),
    jpath           TEXT    NOT NULL,
    code            TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    name_sort       BLOB    NOT NULL,
    search          TEXT    NOT NULL,
    address         TEXT    NOT NULL DEFAULT '',
    lat_e6          INTEGER,
    lng_e6          INTEGER,
    boundary        TEXT    NOT NULL DEFAULT '',
    year_built      INTEGER NOT NULL,
    land_area       INTEGER NOT NULL DEFAULT 0,
    buildings       INTEGER NOT NULL DEFAULT 0,
    dwellings       INTEGER NOT NULL DEFAULT 0,
    management      TEXT    NOT NULL,
    original_owner  TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL,
    notes           TEXT    NOT NULL DEFAULT '',
    created         INTEGER NOT NULL,
    updated         INTEGER NOT NULL
);
CREATE UNIQUE INDEX estates_code ON estates(city_id, code);
-- Lists are ordered by name (pinyin) and narrowed by jurisdiction path and
-- the common filters; the second index covers those counts.
CREATE INDEX estates_sort ON estates(name_sort, id);
CREATE INDEX estates_filter ON estates(jpath, status, year_built, management, name_sort);
CREATE INDEX estates_jurisdiction ON estates(jurisdiction_id);

CREATE TABLE buildings (
    id         INTEGER PRIMARY KEY,
    city_id    INTEGER NOT NULL,
    estate_id  INTEGER NOT NULL REFERENCES estates(id),
    no         TEXT    NOT NULL,
    floors     INTEGER NOT NULL DEFAULT 0,
    year_built INTEGER NOT NULL DEFAULT 0,
    created    INTEGER NOT NULL,
    updated    INTEGER NOT NULL
);
CREATE UNIQUE INDEX buildings_no ON buildings(city_id, estate_id, no);

CREATE TABLE stairwells (
    id          INTEGER PRIMARY KEY,
    city_id     INTEGER NOT NULL,
    estate_id   INTEGER NOT NULL REFERENCES estates(id),
    building_id INTEGER NOT NULL REFERENCES buildings(id),
    no          TEXT    NOT NULL,
    has_lift    BOOLEAN NOT NULL DEFAULT FALSE,
    created     INTEGER NOT NULL,
    updated     INTEGER NOT NULL
);
CREATE UNIQUE INDEX stairwells_no ON stairwells(city_id, building_id, no);
CREATE INDEX stairwells_estate ON stairwells(city_id, estate_id);

CREATE TABLE parts (
    id           INTEGER PRIMARY KEY,
    city_id      INTEGER NOT NULL,
    estate_id    INTEGER NOT NULL REFERENCES estates(id),
    building_id  INTEGER NOT NULL REFERENCES buildings(id),
    stairwell_id INTEGER NOT NULL REFERENCES stairwells(id),
    kind         TEXT    NOT NULL,
    floor        INTEGER NOT NULL,
    room         TEXT    NOT NULL,
    area         INTEGER NOT NULL,
    area_source  TEXT    NOT NULL,
    sold         BOOLEAN NOT NULL,
    delivered    BOOLEAN NOT NULL,
    created      INTEGER NOT NULL,
    updated      INTEGER NOT NULL
);
CREATE UNIQUE INDEX parts_room ON parts(city_id, stairwell_id, room);
CREATE INDEX parts_estate ON parts(city_id, estate_id);
CREATE INDEX parts_building ON parts(city_id, building_id);

CREATE TABLE owners (
    id           INTEGER PRIMARY KEY,
    city_id      INTEGER NOT NULL,
    kind         TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    id_hmac      BLOB    NOT NULL,
    id_last4     TEXT    NOT NULL,
    phone_enc    BLOB,
    phone_masked TEXT    NOT NULL DEFAULT '',
    created      INTEGER NOT NULL,
    updated      INTEGER NOT NULL
);
CREATE UNIQUE INDEX owners_idnumber ON owners(city_id, id_hmac);

CREATE TABLE ownerships (
    id             INTEGER PRIMARY KEY,
    city_id        INTEGER NOT NULL,
    estate_id      INTEGER NOT NULL REFERENCES estates(id),
    part_id        INTEGER NOT NULL REFERENCES parts(id),
    owner_id       INTEGER NOT NULL REFERENCES owners(id),
    representative BOOLEAN NOT NULL,
    share_num      INTEGER NOT NULL,
    share_den      INTEGER NOT NULL,
    created        INTEGER NOT NULL,
    updated        INTEGER NOT NULL
);
CREATE UNIQUE INDEX ownerships_part_owner ON ownerships(city_id, part_id, owner_id);
CREATE INDEX ownerships_owner ON ownerships(city_id, owner_id);
CREATE INDEX ownerships_estate ON ownerships(city_id, estate_id);

CREATE TABLE residents (
    id           INTEGER PRIMARY KEY,
    city_id      INTEGER NOT NULL,
    estate_id    INTEGER NOT NULL REFERENCES estates(id),
    part_id      INTEGER NOT NULL REFERENCES parts(id),
    kind         TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    birth_year   INTEGER NOT NULL DEFAULT 0,
    disabled     BOOLEAN NOT NULL DEFAULT FALSE,
    phone_enc    BLOB,
    phone_masked TEXT    NOT NULL DEFAULT '',
    moved_in     TEXT    NOT NULL DEFAULT '',
    created      INTEGER NOT NULL,
    updated      INTEGER NOT NULL
);
CREATE UNIQUE INDEX residents_part_name ON residents(city_id, part_id, name);
CREATE INDEX residents_estate ON residents(city_id, estate_id);

-- +goose Down
DROP TABLE residents;
DROP TABLE ownerships;
DROP TABLE owners;
DROP TABLE parts;
DROP TABLE stairwells;
DROP TABLE buildings;
DROP TABLE estates;
DROP TABLE jurisdictions;
