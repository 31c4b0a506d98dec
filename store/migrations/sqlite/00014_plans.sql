-- +goose Up
-- Renovation plans: the plan, each version's lines (JSON, frozen once
-- submitted), the approval steps and the sign-offs of departments and
-- utility companies.
CREATE TABLE plans (
    id              INTEGER PRIMARY KEY,
    city_id         BIGINT NOT NULL,
    estate_id       BIGINT NOT NULL REFERENCES estates(id),
    title           TEXT   NOT NULL,
    status          TEXT   NOT NULL CHECK (status IN ('draft', 'submitted', 'community', 'street', 'approved')),
    version         BIGINT NOT NULL,
    returned_reason TEXT   NOT NULL DEFAULT '',
    decision_id     BIGINT NOT NULL DEFAULT 0,
    created_by      BIGINT NOT NULL,
    created         BIGINT NOT NULL,
    updated         BIGINT NOT NULL
);
CREATE INDEX plans_estate ON plans(city_id, estate_id, created);

CREATE TABLE plan_versions (
    city_id BIGINT NOT NULL,
    plan_id BIGINT NOT NULL REFERENCES plans(id),
    version BIGINT NOT NULL,
    lines   TEXT   NOT NULL,
    by_user BIGINT NOT NULL,
    at      BIGINT NOT NULL,
    PRIMARY KEY (city_id, plan_id, version)
);

CREATE TABLE plan_steps (
    id          INTEGER PRIMARY KEY,
    city_id     BIGINT NOT NULL,
    plan_id     BIGINT NOT NULL REFERENCES plans(id),
    from_status TEXT   NOT NULL,
    to_status   TEXT   NOT NULL,
    by_user     BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    reason      TEXT   NOT NULL DEFAULT ''
);
CREATE INDEX plan_steps_plan ON plan_steps(city_id, plan_id, at);

CREATE TABLE plan_signoffs (
    city_id   BIGINT NOT NULL,
    plan_id   BIGINT NOT NULL REFERENCES plans(id),
    item_code TEXT   NOT NULL,
    body      TEXT   NOT NULL,
    by_user   BIGINT NOT NULL,
    at        BIGINT NOT NULL,
    note      TEXT   NOT NULL DEFAULT '',
    PRIMARY KEY (city_id, plan_id, item_code, body)
);

-- +goose Down
DROP TABLE plan_signoffs;
DROP TABLE plan_steps;
DROP TABLE plan_versions;
DROP TABLE plans;
