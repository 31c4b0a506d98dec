-- +goose Up
-- The notice that publishes a plan for residents' comments (公示); its
-- objections are the comments, answered there.
ALTER TABLE plans ADD COLUMN notice_id BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE plans DROP COLUMN notice_id;
