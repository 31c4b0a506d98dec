-- +goose Up
-- Indicator values may come from owners' payments of their cost shares
-- (source 'shares'). SQLite cannot change a CHECK constraint: the table
-- is rebuilt with the new one and its rows copied.
CREATE TABLE indicator_values_new (
    city_id    BIGINT NOT NULL,
    estate_id  BIGINT NOT NULL REFERENCES estates(id),
    indicator  TEXT   NOT NULL,
    value      DOUBLE PRECISION NOT NULL,
    source     TEXT   NOT NULL CHECK (source IN ('survey', 'needs', 'manual', 'import', 'plan', 'shares')),
    as_of      BIGINT NOT NULL,
    entered_by BIGINT NOT NULL,
    updated    BIGINT NOT NULL,
    PRIMARY KEY (city_id, estate_id, indicator)
);
INSERT INTO indicator_values_new SELECT city_id, estate_id, indicator, value, source, as_of, entered_by, updated FROM indicator_values;
DROP TABLE indicator_values;
ALTER TABLE indicator_values_new RENAME TO indicator_values;

-- +goose Down
DELETE FROM indicator_values WHERE source = 'shares';
CREATE TABLE indicator_values_old (
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
INSERT INTO indicator_values_old SELECT city_id, estate_id, indicator, value, source, as_of, entered_by, updated FROM indicator_values;
DROP TABLE indicator_values;
ALTER TABLE indicator_values_old RENAME TO indicator_values;
