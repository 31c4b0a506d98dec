-- +goose Up
-- Funding plans: the money of each source for each item of an estate's
-- plan, how far it has come, and whether the source withdrew it.
CREATE TABLE funding_lines (
    id        INTEGER PRIMARY KEY,
    city_id   BIGINT  NOT NULL,
    estate_id BIGINT  NOT NULL REFERENCES estates(id),
    plan_id   BIGINT  NOT NULL REFERENCES plans(id),
    item_code TEXT    NOT NULL,
    source    TEXT    NOT NULL,
    amount    BIGINT  NOT NULL CHECK (amount > 0),
    status    TEXT    NOT NULL CHECK (status IN ('committed', 'received', 'allocated', 'paid')),
    ref       TEXT    NOT NULL DEFAULT '',
    withdrawn BOOLEAN NOT NULL DEFAULT FALSE,
    created_by BIGINT NOT NULL,
    created   BIGINT  NOT NULL,
    updated   BIGINT  NOT NULL
);
CREATE INDEX funding_lines_plan ON funding_lines(city_id, plan_id, id);
CREATE INDEX funding_lines_estate ON funding_lines(city_id, estate_id);

-- +goose Down
DROP TABLE funding_lines;
