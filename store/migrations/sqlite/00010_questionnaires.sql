-- +goose Up
-- Questionnaires of an estate (builder, residents' needs) and their
-- responses. Questions are kept as JSON in the questionnaire (edited as a
-- whole while a draft, fixed once opened); answers as JSON per response.
CREATE TABLE questionnaires (
    id         INTEGER PRIMARY KEY,
    city_id    BIGINT  NOT NULL,
    estate_id  BIGINT  NOT NULL REFERENCES estates(id),
    title      TEXT    NOT NULL,
    intro      TEXT    NOT NULL DEFAULT '',
    status     TEXT    NOT NULL,
    anonymous  BOOLEAN NOT NULL,
    per        TEXT    NOT NULL,
    opens_at   BIGINT  NOT NULL DEFAULT 0,
    closes_at  BIGINT  NOT NULL DEFAULT 0,
    questions  TEXT    NOT NULL,
    created_by BIGINT  NOT NULL,
    created    BIGINT  NOT NULL,
    updated    BIGINT  NOT NULL
);
CREATE INDEX questionnaires_estate ON questionnaires(city_id, estate_id, created);

-- One response per respondent (household or person): the unique key is
-- what refuses a second one, however many arrive at once. In an anonymous
-- questionnaire respondent and household are keyed hashes and part_id,
-- owner_id, resident_id and user_id are 0 (see questionnaire.Service.blind).
CREATE TABLE questionnaire_responses (
    id               INTEGER PRIMARY KEY,
    city_id          BIGINT NOT NULL,
    questionnaire_id BIGINT NOT NULL REFERENCES questionnaires(id),
    respondent       TEXT   NOT NULL,
    household        TEXT   NOT NULL,
    part_id          BIGINT NOT NULL DEFAULT 0,
    building_id      BIGINT NOT NULL DEFAULT 0,
    area             BIGINT NOT NULL DEFAULT 0,
    owner_id         BIGINT NOT NULL DEFAULT 0,
    resident_id      BIGINT NOT NULL DEFAULT 0,
    user_id          BIGINT NOT NULL DEFAULT 0,
    channel          TEXT   NOT NULL,
    entered_by       BIGINT NOT NULL DEFAULT 0,
    answers          TEXT   NOT NULL,
    submitted        BIGINT NOT NULL
);
CREATE UNIQUE INDEX questionnaire_responses_respondent ON questionnaire_responses(city_id, questionnaire_id, respondent);

-- +goose Down
DROP TABLE questionnaire_responses;
DROP TABLE questionnaires;
