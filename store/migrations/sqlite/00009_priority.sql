-- +goose Up
-- Indicator values of the priority ranking entered or imported for an
-- estate (those computed from the register are not stored): one value per
-- city, estate and indicator, replaced when entered again.
CREATE TABLE indicator_values (
    city_id    BIGINT NOT NULL,
    estate_id  BIGINT NOT NULL REFERENCES estates(id),
    indicator  TEXT   NOT NULL,
    value      DOUBLE PRECISION NOT NULL,
    source     TEXT   NOT NULL CHECK (source IN ('survey', 'needs', 'manual', 'import', 'plan')),
    as_of      BIGINT NOT NULL,
    entered_by BIGINT NOT NULL,
    updated    BIGINT NOT NULL,
    PRIMARY KEY (city_id, estate_id, indicator)
);

-- A city's named weight sets: the weights by indicator key and how they
-- were obtained (the AHP matrix with its consistency figures, the entropy
-- weights and the number of estates they came from, alpha), as JSON where
-- they are lists or maps.
CREATE TABLE weight_sets (
    id              INTEGER PRIMARY KEY,
    city_id         BIGINT NOT NULL,
    name            TEXT   NOT NULL,
    method          TEXT   NOT NULL,
    weights         TEXT   NOT NULL,
    ahp_keys        TEXT   NOT NULL DEFAULT '[]',
    ahp_matrix      TEXT   NOT NULL DEFAULT '[]',
    lambda_max      DOUBLE PRECISION NOT NULL DEFAULT 0,
    ci              DOUBLE PRECISION NOT NULL DEFAULT 0,
    cr              DOUBLE PRECISION NOT NULL DEFAULT 0,
    entropy_weights TEXT   NOT NULL DEFAULT '{}',
    entropy_estates BIGINT NOT NULL DEFAULT 0,
    alpha           DOUBLE PRECISION NOT NULL DEFAULT 0,
    note            TEXT   NOT NULL DEFAULT '',
    created_by      BIGINT NOT NULL,
    created         BIGINT NOT NULL,
    updated         BIGINT NOT NULL
);
CREATE UNIQUE INDEX weight_sets_name ON weight_sets(city_id, name);

-- The register figures of the ranking (residents, their ages and
-- disabilities, dwellings) are counted per estate from these indexes alone.
CREATE INDEX residents_facts ON residents(city_id, estate_id, birth_year, disabled);
CREATE INDEX parts_kind ON parts(city_id, estate_id, kind);

-- +goose Down
DROP INDEX parts_kind;
DROP INDEX residents_facts;
DROP TABLE weight_sets;
DROP TABLE indicator_values;
