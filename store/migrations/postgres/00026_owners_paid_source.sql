-- +goose Up
-- Indicator values may come from owners' payments of their cost shares
-- (source 'shares').
ALTER TABLE indicator_values DROP CONSTRAINT indicator_values_source_check;
ALTER TABLE indicator_values ADD CONSTRAINT indicator_values_source_check
    CHECK (source IN ('survey', 'needs', 'manual', 'import', 'plan', 'shares'));

-- +goose Down
DELETE FROM indicator_values WHERE source = 'shares';
ALTER TABLE indicator_values DROP CONSTRAINT indicator_values_source_check;
ALTER TABLE indicator_values ADD CONSTRAINT indicator_values_source_check
    CHECK (source IN ('survey', 'needs', 'manual', 'import', 'plan'));
