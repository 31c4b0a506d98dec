-- +goose Up
-- The housing maintenance fund (住宅专项维修资金): each dwelling's balance
-- as of the bank's last imported statement; uses of the fund charged to
-- dwellings, based on a passed owners' decision (Art. 278 item 5) or an
-- emergency (Art. 281) with its approvals (JSON); raises under an item-6
-- decision with what each dwelling is asked to pay. Paying a use takes its
-- charges from the balances in the same transaction. The decisions are
-- checked by package funding when a use or raise is recorded.
CREATE TABLE fund_balances (
    city_id     BIGINT NOT NULL,
    part_id     BIGINT NOT NULL REFERENCES parts(id),
    estate_id   BIGINT NOT NULL REFERENCES estates(id),
    building_id BIGINT NOT NULL,
    amount      BIGINT NOT NULL CHECK (amount >= 0),
    as_of       BIGINT NOT NULL,
    PRIMARY KEY (city_id, part_id)
);
CREATE INDEX fund_balances_estate ON fund_balances(city_id, estate_id);

CREATE TABLE fund_uses (
    id          INTEGER PRIMARY KEY,
    city_id     BIGINT NOT NULL,
    estate_id   BIGINT NOT NULL REFERENCES estates(id),
    purpose     TEXT   NOT NULL,
    amount      BIGINT NOT NULL CHECK (amount > 0),
    buildings   TEXT   NOT NULL,
    basis       TEXT   NOT NULL,
    decision_id BIGINT,
    emergency   TEXT   NOT NULL,
    approvals   TEXT   NOT NULL,
    status      TEXT   NOT NULL,
    created_by  BIGINT NOT NULL,
    created     BIGINT NOT NULL,
    approved_by BIGINT NOT NULL,
    approved    BIGINT NOT NULL,
    paid_by     BIGINT NOT NULL,
    paid        BIGINT NOT NULL
);
CREATE INDEX fund_uses_estate ON fund_uses(city_id, estate_id);

CREATE TABLE fund_raises (
    id          INTEGER PRIMARY KEY,
    city_id     BIGINT NOT NULL,
    estate_id   BIGINT NOT NULL REFERENCES estates(id),
    decision_id BIGINT NOT NULL,
    purpose     TEXT   NOT NULL,
    amount      BIGINT NOT NULL CHECK (amount > 0),
    buildings   TEXT   NOT NULL,
    created_by  BIGINT NOT NULL,
    created     BIGINT NOT NULL
);
CREATE INDEX fund_raises_estate ON fund_raises(city_id, estate_id);

-- kind 'use' or 'raise', of_id the use's or raise's id.
CREATE TABLE fund_charges (
    city_id     BIGINT NOT NULL,
    kind        TEXT   NOT NULL,
    of_id       BIGINT NOT NULL,
    part_id     BIGINT NOT NULL REFERENCES parts(id),
    amount      BIGINT NOT NULL CHECK (amount >= 0),
    PRIMARY KEY (city_id, kind, of_id, part_id)
);

-- +goose Down
DROP TABLE fund_charges;
DROP TABLE fund_raises;
DROP TABLE fund_uses;
DROP TABLE fund_balances;
