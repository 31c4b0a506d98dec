package store

import (
	"context"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/notify"
)

// Entity names of notifications in the audit ledger.
const (
	entityMessage     = "message"
	entityPreferences = "notification_prefs"
	entityDelivery    = "delivery"
)

// CreateMessages stores one message per user, audited as one entry.
func (db *DB) CreateMessages(ctx context.Context, userIDs []int64, m notify.Message) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		for _, u := range userIDs {
			if _, err := tx.exec(`INSERT INTO messages (city_id, user_id, kind, title, body, link, created) VALUES (?,?,?,?,?,?,?)`,
				m.CityID, u, m.Kind, m.Title, m.Body, m.Link, micro(tx.now)); err != nil {
				return err
			}
		}
		return tx.Audit(m.CityID, audit.ActionCreate, entityMessage, 0, map[string]any{"users": userIDs, "kind": m.Kind,
			"title": m.Title, "link": m.Link}, string(m.Kind))
	})
}

// createMessagesFrom stores one message per user ID the query users
// (selecting one column, id) returns, in the transaction of the write that
// causes them, audited as one entry with their number.
func (tx *Tx) createMessagesFrom(m notify.Message, users string, args ...any) error {
	res, err := tx.exec(`INSERT INTO messages (city_id, user_id, kind, title, body, link, created)
		SELECT CAST(? AS BIGINT), r.id, CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT)
		FROM (`+users+`) r`, append([]any{m.CityID, m.Kind, m.Title, m.Body, m.Link, micro(tx.now)}, args...)...)
	if err != nil {
		return err
	}
	k, err := res.RowsAffected()
	if err != nil || k == 0 {
		return err
	}
	return tx.Audit(m.CityID, audit.ActionCreate, entityMessage, 0, map[string]any{"users": k, "kind": m.Kind,
		"title": m.Title, "link": m.Link}, string(m.Kind))
}

// ResidentsOfParts returns the enabled resident accounts bound to an owner
// of any of the parts, by ID.
func (db *DB) ResidentsOfParts(ctx context.Context, partIDs []int64) ([]int64, error) {
	var out []int64
	for start := 0; start < len(partIDs); start += 500 {
		var w where
		w.in("sh.part_id", partIDs[start:min(start+500, len(partIDs))])
		w.add("u.role = ?", huanxin.RoleResident)
		w.add("NOT u.disabled")
		rows, err := db.query(ctx, "SELECT DISTINCT u.id FROM users u JOIN ownerships sh ON sh.owner_id = u.owner_id"+w.sql(), w.args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

const messageCols = "id, city_id, user_id, kind, title, body, link, created, read_at"

func scanMessage(sc interface{ Scan(...any) error }, m *notify.Message) error {
	return sc.Scan(&m.ID, &m.CityID, &m.UserID, &m.Kind, &m.Title, &m.Body, &m.Link, stamp{&m.Created}, stamp{&m.ReadAt})
}

func (db *DB) messages(ctx context.Context, query string, args ...any) ([]notify.Message, error) {
	rows, err := db.query(ctx, "SELECT "+messageCols+" FROM messages "+query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []notify.Message
	for rows.Next() {
		var m notify.Message
		if err := scanMessage(rows, &m); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Inbox lists a user's messages, newest first, and their number.
func (db *DB) Inbox(ctx context.Context, userID int64, offset, n int) ([]notify.Message, int, error) {
	var total int
	if err := db.queryRow(ctx, "SELECT COUNT(*) FROM messages WHERE user_id = ?", userID).Scan(&total); err != nil {
		return nil, 0, err
	}
	ms, err := db.messages(ctx, "WHERE user_id = ? ORDER BY created DESC, id DESC"+limit(offset, n), userID)
	return ms, total, err
}

// Unread returns the number of a user's unread messages; it is kept in
// the list cache, as every page's header shows it.
func (db *DB) Unread(ctx context.Context, userID int64) (int, error) {
	n, err := cached(db, "unread\x00"+itoa64(userID), func() (*int, error) {
		var n int
		err := db.queryRow(ctx, "SELECT COUNT(*) FROM messages WHERE user_id = ? AND read_at = 0", userID).Scan(&n)
		return &n, err
	})
	if err != nil {
		return 0, err
	}
	return *n, nil
}

// ReadMessage marks a user's message read (the first reading is kept) and
// returns it; another user's message is ENOTFOUND.
func (db *DB) ReadMessage(ctx context.Context, userID, id int64) (*notify.Message, error) {
	var m notify.Message
	err := db.WithTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec("UPDATE messages SET read_at = ? WHERE id = ? AND user_id = ? AND read_at = 0", micro(tx.now), id, userID); err != nil {
			return err
		}
		return scanMessage(tx.queryRow("SELECT "+messageCols+" FROM messages WHERE id = ? AND user_id = ?", id, userID), &m)
	})
	if huanxin.ErrorCode(err) == huanxin.ENOTFOUND {
		return nil, huanxin.Errorf(huanxin.ENOTFOUND, "消息不存在 message not found")
	}
	return &m, err
}

// ReadAll marks every unread message of a user read.
func (db *DB) ReadAll(ctx context.Context, userID int64) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		_, err := tx.exec("UPDATE messages SET read_at = ? WHERE user_id = ? AND read_at = 0", micro(tx.now), userID)
		return err
	})
}

// Preferences returns a user's preferences, or the defaults.
func (db *DB) Preferences(ctx context.Context, userID int64) (notify.Preferences, error) {
	p := notify.DefaultPreferences(userID)
	err := db.queryRow(ctx, `SELECT sms, wechat, email, email_address, digest, quiet_from, quiet_to, updated
		FROM notification_prefs WHERE user_id = ?`, userID).Scan(&p.SMS, &p.WeChat, &p.Email, &p.EmailAddress, &p.Digest,
		&p.QuietFrom, &p.QuietTo, stamp{&p.Updated})
	if huanxin.ErrorCode(mapErr(err)) == huanxin.ENOTFOUND {
		return notify.DefaultPreferences(userID), nil
	}
	return p, err
}

// SetPreferences stores a user's preferences, audited (accounts are city 0).
func (db *DB) SetPreferences(ctx context.Context, p notify.Preferences) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(`INSERT INTO notification_prefs (user_id, sms, wechat, email, email_address, digest, quiet_from, quiet_to, updated)
			VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (user_id) DO UPDATE SET sms = excluded.sms, wechat = excluded.wechat,
			email = excluded.email, email_address = excluded.email_address, digest = excluded.digest, quiet_from = excluded.quiet_from,
			quiet_to = excluded.quiet_to, updated = excluded.updated`, p.UserID, p.SMS, p.WeChat, p.Email, p.EmailAddress, p.Digest,
			p.QuietFrom, p.QuietTo, micro(tx.now)); err != nil {
			return err
		}
		return tx.Audit(0, audit.ActionUpdate, entityPreferences, p.UserID, p, "")
	})
}

// PendingMessages lists undispatched messages that are due, oldest first.
func (db *DB) PendingMessages(ctx context.Context, digestCut time.Time, n int) ([]notify.Message, error) {
	return db.messages(ctx, `WHERE NOT dispatched AND (created <= ? OR NOT EXISTS
		(SELECT 1 FROM notification_prefs p WHERE p.user_id = messages.user_id AND p.digest)) ORDER BY id`+limit(0, n), micro(digestCut))
}

// Dispatch stores deliveries and marks their messages dispatched, in one
// transaction, audited per city as one entry.
func (db *DB) Dispatch(ctx context.Context, messageIDs []int64, ds []*notify.Delivery) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		var w where
		w.in("id", messageIDs)
		if _, err := tx.exec("UPDATE messages SET dispatched = TRUE"+w.sql(), w.args...); err != nil {
			return err
		}
		for _, d := range ds {
			id, err := tx.insertID(`INSERT INTO deliveries (city_id, user_id, channel, recipient, title, body, link, message_ids, status,
				next_attempt, created) VALUES (?,?,?,?,?,?,?,?,?,?,?)`, d.CityID, d.UserID, d.Channel, d.To, d.Title, d.Body, d.Link,
				joinIDs(d.MessageIDs), d.Status, micro(d.NextAttempt), micro(tx.now))
			if err != nil {
				return err
			}
			d.ID, d.Created = id, tx.now
			if err := tx.Audit(d.CityID, audit.ActionCreate, entityDelivery, id, map[string]any{"user": d.UserID,
				"channel": d.Channel, "messages": d.MessageIDs}, string(d.Channel)); err != nil {
				return err
			}
		}
		return nil
	})
}

const deliveryCols = `x.id, x.city_id, x.user_id, x.channel, x.recipient, x.title, x.body, x.link, x.message_ids, x.status, x.attempts,
	x.last_error, x.next_attempt, x.created, x.sent_at, COALESCE(u.name, '')`

func (db *DB) deliveries(ctx context.Context, w where, tail string) ([]*notify.Delivery, error) {
	rows, err := db.query(ctx, "SELECT "+deliveryCols+" FROM deliveries x LEFT JOIN users u ON u.id = x.user_id"+w.sql()+tail, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*notify.Delivery
	for rows.Next() {
		d := new(notify.Delivery)
		var ids string
		if err := rows.Scan(&d.ID, &d.CityID, &d.UserID, &d.Channel, &d.To, &d.Title, &d.Body, &d.Link, &ids, &d.Status, &d.Attempts,
			&d.LastError, stamp{&d.NextAttempt}, stamp{&d.Created}, stamp{&d.SentAt}, &d.UserName); err != nil {
			return nil, err
		}
		if d.MessageIDs, err = splitIDs(ids); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// DueDeliveries lists queued deliveries whose next attempt is due.
func (db *DB) DueDeliveries(ctx context.Context, now time.Time, n int) ([]*notify.Delivery, error) {
	var w where
	w.add("x.status = ?", notify.StatusQueued)
	w.add("x.next_attempt <= ?", micro(now))
	return db.deliveries(ctx, w, " ORDER BY x.next_attempt, x.id"+limit(0, n))
}

// SaveAttempt stores the outcome of a delivery attempt, audited.
func (db *DB) SaveAttempt(ctx context.Context, d *notify.Delivery) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(`UPDATE deliveries SET status = ?, attempts = ?, last_error = ?, next_attempt = ?, sent_at = ? WHERE id = ?`,
			d.Status, d.Attempts, d.LastError, micro(d.NextAttempt), microOrZero(d.SentAt), d.ID); err != nil {
			return err
		}
		return tx.Audit(d.CityID, audit.ActionUpdate, entityDelivery, d.ID, map[string]any{"status": d.Status,
			"attempts": d.Attempts, "error": d.LastError}, string(d.Status))
	})
}

// FindDeliveries lists deliveries to residents of the scope (those whose
// owner record holds a part of an estate in it), oldest first.
func (db *DB) FindDeliveries(ctx context.Context, f notify.DeliveryFilter) ([]*notify.Delivery, error) {
	var w where
	statuses := f.Status
	if len(statuses) == 0 {
		statuses = []notify.Status{notify.StatusQueued, notify.StatusFailed}
	}
	var in []string
	for _, s := range statuses {
		in = append(in, "?")
		w.args = append(w.args, s)
	}
	w.conds = append(w.conds, "x.status IN ("+strings.Join(in, ",")+")")
	if !f.Scope.All {
		var sw where
		scopeEstates("sh.estate_id")(f.Scope, &sw)
		w.add("EXISTS (SELECT 1 FROM ownerships sh WHERE sh.owner_id = u.owner_id AND "+strings.Join(sw.conds, " AND ")+")", sw.args...)
	}
	return db.deliveries(ctx, w, " ORDER BY x.created, x.id"+limit(0, f.Limit))
}
