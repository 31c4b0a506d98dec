-- +goose Up
-- Each city's catalogue of renovation items (改造内容清单) in the three
-- categories of the 2020 guidance, created from the built-in default the
-- first time the city's catalogue is read. Items are never deleted, only
-- made inactive. sources, sign_offs and depends_on are comma-separated keys
-- (funding source kinds, signing bodies, codes of items that come first).
CREATE TABLE catalogue_items (
    id            INTEGER PRIMARY KEY,
    city_id       BIGINT  NOT NULL,
    code          TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    name_en       TEXT    NOT NULL DEFAULT '',
    category      TEXT    NOT NULL CHECK (category IN ('basic', 'improve', 'enhance')),
    unit          TEXT    NOT NULL,
    unit_cost     BIGINT  NOT NULL,
    life_years    BIGINT  NOT NULL,
    decision_item BIGINT  NOT NULL,
    sources       TEXT    NOT NULL DEFAULT '',
    sign_offs     TEXT    NOT NULL DEFAULT '',
    depends_on    TEXT    NOT NULL DEFAULT '',
    active        BOOLEAN NOT NULL,
    notes         TEXT    NOT NULL DEFAULT '',
    updated_by    BIGINT  NOT NULL,
    updated       BIGINT  NOT NULL,
    UNIQUE (city_id, code)
);

-- +goose Down
DROP TABLE catalogue_items;
