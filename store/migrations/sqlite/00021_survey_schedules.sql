-- +goose Up
-- Satisfaction surveys scheduled to go out automatically (when works are
-- accepted, a year later): the questionnaire's definition as JSON, when
-- to open it and for how many days. The sweep moves a schedule from
-- pending to sent with a conditional update, so that of several servers
-- exactly one sends it; questionnaire_id is the questionnaire it opened.
CREATE TABLE survey_schedules (
    id               INTEGER PRIMARY KEY,
    city_id          BIGINT NOT NULL,
    estate_id        BIGINT NOT NULL REFERENCES estates(id),
    template         TEXT   NOT NULL,
    at               BIGINT NOT NULL,
    closes_after     BIGINT NOT NULL,
    reason           TEXT   NOT NULL,
    status           TEXT   NOT NULL,
    questionnaire_id BIGINT REFERENCES questionnaires(id),
    created_by       BIGINT NOT NULL,
    created          BIGINT NOT NULL,
    updated          BIGINT NOT NULL
);
CREATE INDEX survey_schedules_estate ON survey_schedules(city_id, estate_id, at);
CREATE INDEX survey_schedules_due ON survey_schedules(status, at);

-- +goose Down
DROP TABLE survey_schedules;
