-- +goose Up
-- Attached files (plans, drawings, cost tables, ballot scans, proxy
-- authorisations, photos), content-addressed: the bytes are kept once per
-- city under their SHA-256 (hex) in file_blobs; each upload is a row of
-- files naming them. Metadata queries read files only, never the bytes.
-- One row per (city, estate, uploader, bytes): the same user uploading the
-- same bytes for the same estate again gets the stored row back.
CREATE TABLE file_blobs (
    city_id  BIGINT NOT NULL,
    sha256   TEXT   NOT NULL,
    size     BIGINT NOT NULL,
    data     BLOB   NOT NULL,
    created  BIGINT NOT NULL,
    PRIMARY KEY (city_id, sha256)
);

CREATE TABLE files (
    id           INTEGER PRIMARY KEY,
    city_id      BIGINT NOT NULL,
    estate_id    BIGINT NOT NULL REFERENCES estates(id),
    sha256       TEXT   NOT NULL,
    name         TEXT   NOT NULL,
    content_type TEXT   NOT NULL,
    size         BIGINT NOT NULL,
    created_by   BIGINT NOT NULL,
    created      BIGINT NOT NULL,
    FOREIGN KEY (city_id, sha256) REFERENCES file_blobs(city_id, sha256)
);
CREATE UNIQUE INDEX files_upload ON files(city_id, estate_id, created_by, sha256);
CREATE INDEX files_estate ON files(city_id, estate_id, created);

-- +goose Down
DROP TABLE files;
DROP TABLE file_blobs;
