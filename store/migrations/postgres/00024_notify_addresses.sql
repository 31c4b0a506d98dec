-- +goose Up
-- Where each user is reached: the mobile number, the WeChat openid and the
-- e-mail address, each encrypted with the personal-data key (package pii)
-- beside a masked copy for pages. email_address of 00011 is read only
-- until the user's preferences are next saved, which empties it.
ALTER TABLE notification_prefs ADD COLUMN mobile_enc BYTEA;
ALTER TABLE notification_prefs ADD COLUMN mobile_masked TEXT NOT NULL DEFAULT '';
ALTER TABLE notification_prefs ADD COLUMN wechat_enc BYTEA;
ALTER TABLE notification_prefs ADD COLUMN wechat_masked TEXT NOT NULL DEFAULT '';
ALTER TABLE notification_prefs ADD COLUMN email_enc BYTEA;
ALTER TABLE notification_prefs ADD COLUMN email_masked TEXT NOT NULL DEFAULT '';
-- Why a delivery is not (yet) made: no_address, rejected (the provider
-- answered with an error), unreachable (no answer), no_sender; empty once
-- sent. recipient holds the masked address from now on.
ALTER TABLE deliveries ADD COLUMN reason TEXT NOT NULL DEFAULT '';
CREATE INDEX deliveries_undelivered ON deliveries(status, channel, reason, created);
-- A digest user's deliveries since the day's digest hour (one a day).
CREATE INDEX deliveries_user ON deliveries(user_id, created);

-- A message is not sent through the channels before due (a notice
-- published ahead of its publicity period: when the period starts).
ALTER TABLE messages ADD COLUMN due BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE messages DROP COLUMN due;
DROP INDEX deliveries_user;
DROP INDEX deliveries_undelivered;
ALTER TABLE deliveries DROP COLUMN reason;
ALTER TABLE notification_prefs DROP COLUMN email_masked;
ALTER TABLE notification_prefs DROP COLUMN email_enc;
ALTER TABLE notification_prefs DROP COLUMN wechat_masked;
ALTER TABLE notification_prefs DROP COLUMN wechat_enc;
ALTER TABLE notification_prefs DROP COLUMN mobile_masked;
ALTER TABLE notification_prefs DROP COLUMN mobile_enc;
