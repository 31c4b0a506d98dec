-- +goose Up
-- Owners' cost shares: a run splits the owners' money of one item of a
-- plan (or of the whole plan, item_code '') among the exclusive parts in
-- scope by a rule; one row per part with its amount in fen and its exact
-- fraction of the total. A new run of the same plan and item replaces the
-- old one. Payments are recorded per plan, item and part, so that they
-- outlive a rerun. Rows carry no reference to their run: only
-- store.SaveShareRuns writes them, with their run, and it deletes a run's
-- rows with the run in the same transaction (the reference check cost
-- PostgreSQL 3.7 of 9 s for a programme's million rows).
-- The rows live in their key's b-tree (WITHOUT ROWID): a programme
-- writes a million of them at once.
CREATE TABLE share_runs (
    id         INTEGER PRIMARY KEY,
    city_id    BIGINT NOT NULL,
    estate_id  BIGINT NOT NULL REFERENCES estates(id),
    plan_id    BIGINT NOT NULL REFERENCES plans(id),
    item_code  TEXT   NOT NULL,
    total      BIGINT NOT NULL CHECK (total >= 0),
    basis      TEXT   NOT NULL,
    rule       TEXT   NOT NULL,
    remainder  TEXT   NOT NULL,
    buildings  TEXT   NOT NULL,
    parts      BIGINT NOT NULL,
    created_by BIGINT NOT NULL,
    created    BIGINT NOT NULL
);
CREATE UNIQUE INDEX share_runs_key ON share_runs(city_id, plan_id, item_code);

CREATE TABLE share_rows (
    city_id     BIGINT NOT NULL,
    run_id      BIGINT NOT NULL,
    part_id     BIGINT NOT NULL,
    building_id BIGINT NOT NULL,
    building_no TEXT   NOT NULL,
    stairwell_no TEXT  NOT NULL,
    room        TEXT   NOT NULL,
    floor       BIGINT NOT NULL,
    area        BIGINT NOT NULL,
    amount      BIGINT NOT NULL CHECK (amount >= 0),
    fraction    TEXT   NOT NULL,
    PRIMARY KEY (city_id, run_id, part_id)
) WITHOUT ROWID;
CREATE INDEX share_rows_part ON share_rows(part_id, run_id);

CREATE TABLE share_payments (
    id          INTEGER PRIMARY KEY,
    city_id     BIGINT NOT NULL,
    estate_id   BIGINT NOT NULL REFERENCES estates(id),
    plan_id     BIGINT NOT NULL REFERENCES plans(id),
    item_code   TEXT   NOT NULL,
    part_id     BIGINT NOT NULL,
    amount      BIGINT NOT NULL CHECK (amount > 0),
    paid_on     TEXT   NOT NULL,
    receipt     TEXT   NOT NULL,
    method      TEXT   NOT NULL,
    recorded_by BIGINT NOT NULL,
    created     BIGINT NOT NULL
);
CREATE UNIQUE INDEX share_payments_receipt ON share_payments(city_id, method, receipt);
CREATE INDEX share_payments_plan ON share_payments(city_id, plan_id, item_code, part_id);

-- +goose Down
DROP TABLE share_payments;
DROP TABLE share_rows;
DROP TABLE share_runs;
