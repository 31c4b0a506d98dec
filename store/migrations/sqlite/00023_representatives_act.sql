-- +goose Up
-- Representatives record meetings themselves: who last changed a meeting,
-- and the seat a follow-up action is assigned to (0: a unit or a person
-- without a seat), so that its holder may mark it done.
ALTER TABLE meetings ADD COLUMN updated_by BIGINT NOT NULL DEFAULT 0;
ALTER TABLE meeting_actions ADD COLUMN owner_seat_id BIGINT NOT NULL DEFAULT 0;

-- Objections an officer recorded on behalf of an owner (assisted mode or
-- handed in on paper): the owner, besides the officer in raised_by.
ALTER TABLE notice_objections ADD COLUMN on_behalf BIGINT NOT NULL DEFAULT 0;
ALTER TABLE decision_objections ADD COLUMN on_behalf BIGINT NOT NULL DEFAULT 0;

-- A responsible organisation stops taking requests (its estates are let
-- go): when, 0 while it is active.
ALTER TABLE request_orgs ADD COLUMN inactive BIGINT NOT NULL DEFAULT 0;

-- The owner a request is from: the resident's owner record, or the owner
-- an officer filed it for, so that an officer assisting that owner later
-- rates or reopens it in their name.
ALTER TABLE requests ADD COLUMN owner_id BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE requests DROP COLUMN owner_id;
ALTER TABLE request_orgs DROP COLUMN inactive;
ALTER TABLE decision_objections DROP COLUMN on_behalf;
ALTER TABLE notice_objections DROP COLUMN on_behalf;
ALTER TABLE meeting_actions DROP COLUMN owner_seat_id;
ALTER TABLE meetings DROP COLUMN updated_by;
