-- +goose Up
-- Spending: the contracts an estate's plan is carried out under, each
-- with its lines per plan item (adding up to the amount) and its payment
-- milestones (adding up to the amount too); the allocations of received
-- money of funding lines to contract lines of the same item; and the
-- payments (disbursements) of milestones out of allocations. Allocating
-- and paying set the funding line's status in the same transaction;
-- `huanxin funding check` reconciles these tables and the audit ledger.
CREATE TABLE contracts (
    id           INTEGER PRIMARY KEY,
    city_id      BIGINT NOT NULL,
    estate_id    BIGINT NOT NULL REFERENCES estates(id),
    plan_id      BIGINT NOT NULL REFERENCES plans(id),
    no           TEXT   NOT NULL,
    title        TEXT   NOT NULL,
    kind         TEXT   NOT NULL CHECK (kind IN ('construction', 'design', 'supervision', 'procurement', 'other')),
    counterparty TEXT   NOT NULL,
    credit_code  TEXT   NOT NULL,
    signed       BIGINT NOT NULL,
    amount       BIGINT NOT NULL CHECK (amount > 0),
    status       TEXT   NOT NULL CHECK (status IN ('signed', 'completed', 'terminated')),
    reason       TEXT   NOT NULL DEFAULT '',
    created_by   BIGINT NOT NULL,
    created      BIGINT NOT NULL,
    updated      BIGINT NOT NULL
);
CREATE UNIQUE INDEX contracts_no ON contracts(city_id, no);
CREATE INDEX contracts_plan ON contracts(city_id, plan_id, id);
CREATE INDEX contracts_estate ON contracts(city_id, estate_id);

CREATE TABLE contract_lines (
    id          INTEGER PRIMARY KEY,
    city_id     BIGINT NOT NULL,
    contract_id BIGINT NOT NULL REFERENCES contracts(id),
    item_code   TEXT   NOT NULL,
    amount      BIGINT NOT NULL CHECK (amount > 0)
);
CREATE INDEX contract_lines_contract ON contract_lines(city_id, contract_id, id);

CREATE TABLE contract_milestones (
    id          INTEGER PRIMARY KEY,
    city_id     BIGINT NOT NULL,
    contract_id BIGINT NOT NULL REFERENCES contracts(id),
    name        TEXT   NOT NULL,
    due         BIGINT NOT NULL,
    amount      BIGINT NOT NULL CHECK (amount > 0)
);
CREATE INDEX contract_milestones_contract ON contract_milestones(city_id, contract_id, id);

CREATE TABLE fund_allocations (
    id               INTEGER PRIMARY KEY,
    city_id          BIGINT NOT NULL,
    estate_id        BIGINT NOT NULL REFERENCES estates(id),
    plan_id          BIGINT NOT NULL REFERENCES plans(id),
    contract_id      BIGINT NOT NULL REFERENCES contracts(id),
    contract_line_id BIGINT NOT NULL REFERENCES contract_lines(id),
    funding_line_id  BIGINT NOT NULL REFERENCES funding_lines(id),
    item_code        TEXT   NOT NULL,
    amount           BIGINT NOT NULL CHECK (amount > 0),
    created_by       BIGINT NOT NULL,
    created          BIGINT NOT NULL
);
CREATE INDEX fund_allocations_plan ON fund_allocations(city_id, plan_id, id);
CREATE INDEX fund_allocations_estate ON fund_allocations(city_id, estate_id);
CREATE INDEX fund_allocations_line ON fund_allocations(city_id, funding_line_id);

CREATE TABLE fund_disbursements (
    id            INTEGER PRIMARY KEY,
    city_id       BIGINT NOT NULL,
    estate_id     BIGINT NOT NULL REFERENCES estates(id),
    plan_id       BIGINT NOT NULL REFERENCES plans(id),
    contract_id   BIGINT NOT NULL REFERENCES contracts(id),
    milestone_id  BIGINT NOT NULL REFERENCES contract_milestones(id),
    allocation_id BIGINT NOT NULL REFERENCES fund_allocations(id),
    amount        BIGINT NOT NULL CHECK (amount > 0),
    paid_on       BIGINT NOT NULL,
    voucher       TEXT   NOT NULL,
    created_by    BIGINT NOT NULL,
    created       BIGINT NOT NULL
);
CREATE INDEX fund_disbursements_plan ON fund_disbursements(city_id, plan_id, id);
CREATE INDEX fund_disbursements_estate ON fund_disbursements(city_id, estate_id);

-- +goose Down
DROP TABLE fund_disbursements;
DROP TABLE fund_allocations;
DROP TABLE contract_milestones;
DROP TABLE contract_lines;
DROP TABLE contracts;
