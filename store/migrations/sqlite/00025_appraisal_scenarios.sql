-- +goose Up
-- Named custom scenarios of a social-capital appraisal: relative changes
-- of revenues, costs and subsidies and absolute changes of the discount
-- and loan rates (package funding/appraise, Scenario).
CREATE TABLE appraisal_scenarios (
    id                   INTEGER PRIMARY KEY,
    city_id              BIGINT NOT NULL,
    appraisal_id         BIGINT NOT NULL REFERENCES appraisals(id),
    name                 TEXT   NOT NULL,
    revenue_change       REAL   NOT NULL,
    cost_change          REAL   NOT NULL,
    subsidy_change       REAL   NOT NULL,
    discount_rate_change REAL   NOT NULL,
    loan_rate_change     REAL   NOT NULL,
    created_by           BIGINT NOT NULL,
    created              BIGINT NOT NULL,
    updated              BIGINT NOT NULL
);
CREATE UNIQUE INDEX appraisal_scenarios_name ON appraisal_scenarios(city_id, appraisal_id, name);

-- +goose Down
DROP TABLE appraisal_scenarios;
