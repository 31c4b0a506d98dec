-- +goose Up
-- Condition surveys (摸底调查) of an estate (building_id 0) or one of its
-- buildings. surveyed_on is the day as YYYY-MM-DD. register_facts is the
-- JSON of the household facts counted from the register, frozen at
-- submission ('{}' for a draft); entered_facts those entered on site.
CREATE TABLE surveys (
    id             INTEGER PRIMARY KEY,
    city_id        BIGINT NOT NULL,
    estate_id      BIGINT NOT NULL REFERENCES estates(id),
    building_id    BIGINT NOT NULL DEFAULT 0,
    surveyed_on    TEXT   NOT NULL,
    surveyor       BIGINT NOT NULL,
    surveyor_name  TEXT   NOT NULL,
    status         TEXT   NOT NULL,
    notes          TEXT   NOT NULL,
    register_facts TEXT   NOT NULL,
    entered_facts  TEXT   NOT NULL,
    created        BIGINT NOT NULL,
    updated        BIGINT NOT NULL,
    submitted_at   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX surveys_estate ON surveys(city_id, estate_id, surveyed_on);

-- One finding per survey and aspect (a catalogue item code); quantity in
-- hundredths of the aspect's unit; photos the JSON list of
-- {file_id, thumb_file_id, sha256}.
CREATE TABLE survey_findings (
    city_id   BIGINT NOT NULL,
    survey_id BIGINT NOT NULL REFERENCES surveys(id),
    item_code TEXT   NOT NULL,
    position  INTEGER NOT NULL,
    grade     INTEGER NOT NULL,
    quantity  BIGINT NOT NULL,
    hazard    BOOLEAN NOT NULL,
    notes     TEXT   NOT NULL,
    photos    TEXT   NOT NULL,
    PRIMARY KEY (city_id, survey_id, item_code)
);

-- +goose Down
DROP TABLE survey_findings;
DROP TABLE surveys;
