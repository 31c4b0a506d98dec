-- +goose Up
-- Social-capital appraisals of estates: a titled cash-flow model stored as
-- JSON (package funding/appraise).
CREATE TABLE appraisals (
    id         INTEGER PRIMARY KEY,
    city_id    BIGINT NOT NULL,
    estate_id  BIGINT NOT NULL REFERENCES estates(id),
    title      TEXT   NOT NULL,
    model      TEXT   NOT NULL,
    created_by BIGINT NOT NULL,
    created    BIGINT NOT NULL,
    updated    BIGINT NOT NULL
);
CREATE INDEX appraisals_estate ON appraisals(city_id, estate_id, id);

-- +goose Down
DROP TABLE appraisals;
