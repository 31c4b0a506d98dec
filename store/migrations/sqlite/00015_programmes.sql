-- +goose Up
-- Annual programmes (年度改造计划): each row is one scenario a district or
-- city computed, with its input, the candidates as they stood (JSON) and
-- the solver's result (JSON); the totals are columns so lists need not
-- read the JSON. At most one programme per jurisdiction and year is
-- adopted.
CREATE TABLE programmes (
    id              INTEGER PRIMARY KEY,
    city_id         BIGINT NOT NULL,
    jurisdiction_id BIGINT NOT NULL REFERENCES jurisdictions(id),
    jpath           TEXT   NOT NULL,
    year            BIGINT NOT NULL,
    title           TEXT   NOT NULL,
    objective       TEXT   NOT NULL,
    budget          BIGINT NOT NULL,
    status          TEXT   NOT NULL CHECK (status IN ('draft', 'adopted')),
    chosen          BIGINT NOT NULL,
    cost            BIGINT NOT NULL,
    households      BIGINT NOT NULL,
    value           DOUBLE PRECISION NOT NULL,
    gap             DOUBLE PRECISION NOT NULL,
    optimal         BOOLEAN NOT NULL,
    input           TEXT   NOT NULL,
    candidates      TEXT   NOT NULL,
    result          TEXT   NOT NULL,
    created_by      BIGINT NOT NULL,
    created         BIGINT NOT NULL,
    adopted_by      BIGINT NOT NULL DEFAULT 0,
    adopted         BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX programmes_path ON programmes(city_id, jpath, year, created);
CREATE UNIQUE INDEX programmes_adopted ON programmes(city_id, jurisdiction_id, year) WHERE status = 'adopted';

-- +goose Down
DROP TABLE programmes;
