-- +goose Up
-- Residents' representatives of an estate (居民代表, 楼栋长, 业委会委员和
-- 主任) with their terms. Terms are days (midnight Asia/Shanghai as unix
-- microseconds, both ends included); ended is the day a term was ended
-- early, 0 while it runs. Seats are never deleted: past holders are
-- history. owner_id, resident_id and user_id are 0 when not linked.
CREATE TABLE seats (
    id          INTEGER PRIMARY KEY,
    city_id     BIGINT NOT NULL,
    estate_id   BIGINT NOT NULL REFERENCES estates(id),
    building_id BIGINT NOT NULL DEFAULT 0,
    role        TEXT   NOT NULL CHECK (role IN ('resident_representative', 'building_leader', 'committee_member', 'committee_chair')),
    person_name TEXT   NOT NULL,
    owner_id    BIGINT NOT NULL DEFAULT 0,
    resident_id BIGINT NOT NULL DEFAULT 0,
    user_id     BIGINT NOT NULL DEFAULT 0,
    how         TEXT   NOT NULL CHECK (how IN ('elected', 'appointed')),
    term_start  BIGINT NOT NULL,
    term_end    BIGINT NOT NULL,
    ended       BIGINT NOT NULL DEFAULT 0,
    end_reason  TEXT   NOT NULL DEFAULT '',
    created_by  BIGINT NOT NULL,
    created     BIGINT NOT NULL,
    updated     BIGINT NOT NULL,
    CHECK (term_end >= term_start)
);
CREATE INDEX seats_estate ON seats(city_id, estate_id, role);
CREATE INDEX seats_user ON seats(user_id) WHERE user_id <> 0;
CREATE INDEX seats_owner ON seats(owner_id) WHERE owner_id <> 0;

-- Meetings with residents (议事会, 坝坝会, 业主大会筹备会): agenda and
-- attendance as JSON, photos as a comma-separated list of file IDs.
CREATE TABLE meetings (
    id         INTEGER PRIMARY KEY,
    city_id    BIGINT NOT NULL,
    estate_id  BIGINT NOT NULL REFERENCES estates(id),
    kind       TEXT   NOT NULL CHECK (kind IN ('council', 'open_air', 'assembly_prep', 'other')),
    title      TEXT   NOT NULL,
    agenda     TEXT   NOT NULL DEFAULT '[]',
    at         BIGINT NOT NULL,
    place      TEXT   NOT NULL,
    attendance TEXT   NOT NULL DEFAULT '{}',
    minutes    TEXT   NOT NULL DEFAULT '',
    photo_ids  TEXT   NOT NULL DEFAULT '',
    created_by BIGINT NOT NULL,
    created    BIGINT NOT NULL,
    updated    BIGINT NOT NULL
);
CREATE INDEX meetings_estate ON meetings(city_id, estate_id, at);

-- Decisions and follow-up actions of a meeting, tracked to completion.
-- due is a day; done_at 0 while open.
CREATE TABLE meeting_actions (
    id         INTEGER PRIMARY KEY,
    city_id    BIGINT NOT NULL,
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    estate_id  BIGINT NOT NULL,
    what       TEXT   NOT NULL,
    owner      TEXT   NOT NULL,
    due        BIGINT NOT NULL,
    status     TEXT   NOT NULL CHECK (status IN ('open', 'done')),
    done_at    BIGINT NOT NULL DEFAULT 0,
    done_by    BIGINT NOT NULL DEFAULT 0,
    note       TEXT   NOT NULL DEFAULT '',
    created_by BIGINT NOT NULL,
    created    BIGINT NOT NULL
);
CREATE INDEX meeting_actions_meeting ON meeting_actions(city_id, meeting_id);
CREATE INDEX meeting_actions_open ON meeting_actions(city_id, estate_id, status, due);

-- +goose Down
DROP TABLE meeting_actions;
DROP TABLE meetings;
DROP TABLE seats;
