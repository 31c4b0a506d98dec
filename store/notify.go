package store

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
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
			if _, err := tx.exec(`INSERT INTO messages (city_id, user_id, kind, title, body, link, created, due) VALUES (?,?,?,?,?,?,?,?)`,
				m.CityID, u, m.Kind, m.Title, m.Body, m.Link, micro(tx.now), microOrZero(m.Due)); err != nil {
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
	res, err := tx.exec(`INSERT INTO messages (city_id, user_id, kind, title, body, link, created, due)
		SELECT CAST(? AS BIGINT), r.id, CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS BIGINT)
		FROM (`+users+`) r`, append([]any{m.CityID, m.Kind, m.Title, m.Body, m.Link, micro(tx.now), microOrZero(m.Due)}, args...)...)
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
	return db.residents(ctx, "SELECT DISTINCT u.id FROM users u JOIN ownerships sh ON sh.owner_id = u.owner_id", "sh.part_id", partIDs)
}

// ResidentsOfOwners returns the enabled resident accounts bound to any of
// the owners, by ID.
func (db *DB) ResidentsOfOwners(ctx context.Context, ownerIDs []int64) ([]int64, error) {
	return db.residents(ctx, "SELECT u.id FROM users u", "u.owner_id", ownerIDs)
}

// residents runs query for the enabled resident accounts with col among
// ids, 500 IDs at a time.
func (db *DB) residents(ctx context.Context, query, col string, ids []int64) ([]int64, error) {
	var out []int64
	for start := 0; start < len(ids); start += 500 {
		var w where
		w.in(col, ids[start:min(start+500, len(ids))])
		w.add("u.role = ?", huanxin.RoleResident)
		w.add("NOT u.disabled")
		rows, err := db.query(ctx, query+w.sql(), w.args...)
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

const messageCols = "id, city_id, user_id, kind, title, body, link, created, read_at, due"

func scanMessage(sc interface{ Scan(...any) error }, m *notify.Message) error {
	return sc.Scan(&m.ID, &m.CityID, &m.UserID, &m.Kind, &m.Title, &m.Body, &m.Link, stamp{&m.Created}, stamp{&m.ReadAt}, stamp{&m.Due})
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

// Preferences returns a user's preferences, or the defaults, with the
// addresses decrypted (an e-mail address stored before 00024 is read from
// its old plain column).
func (db *DB) Preferences(ctx context.Context, userID int64) (notify.Preferences, error) {
	p := notify.DefaultPreferences(userID)
	var legacyEmail string
	var enc [3][]byte
	err := db.queryRow(ctx, `SELECT sms, wechat, email, email_address, mobile_enc, wechat_enc, email_enc, digest, quiet_from, quiet_to, updated
		FROM notification_prefs WHERE user_id = ?`, userID).Scan(&p.SMS, &p.WeChat, &p.Email, &legacyEmail, &enc[0], &enc[1], &enc[2], &p.Digest,
		&p.QuietFrom, &p.QuietTo, stamp{&p.Updated})
	if huanxin.ErrorCode(mapErr(err)) == huanxin.ENOTFOUND {
		return notify.DefaultPreferences(userID), nil
	} else if err != nil {
		return p, err
	}
	for i, dst := range []*string{&p.Mobile, &p.WeChatOpenID, &p.EmailAddress} {
		if *dst, err = db.Keys.Decrypt(enc[i]); err != nil {
			return p, err
		}
	}
	if p.EmailAddress == "" {
		p.EmailAddress = legacyEmail
	}
	return p, nil
}

// prefsState is what the ledger keeps of preferences: addresses masked.
func prefsState(p notify.Preferences) map[string]any {
	return map[string]any{"sms": p.SMS, "wechat": p.WeChat, "email": p.Email, "mobile": p.Masked(notify.ChannelSMS),
		"wechat_openid": p.Masked(notify.ChannelWeChat), "email_address": p.Masked(notify.ChannelEmail), "digest": p.Digest,
		"quiet_from": p.QuietFrom, "quiet_to": p.QuietTo}
}

// SetPreferences stores a user's preferences, the addresses encrypted with
// masked copies, audited (accounts are city 0).
func (db *DB) SetPreferences(ctx context.Context, p notify.Preferences) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(`INSERT INTO notification_prefs (user_id, sms, wechat, email, email_address, mobile_enc, mobile_masked,
			wechat_enc, wechat_masked, email_enc, email_masked, digest, quiet_from, quiet_to, updated) VALUES (?,?,?,?,'',?,?,?,?,?,?,?,?,?,?)
			ON CONFLICT (user_id) DO UPDATE SET sms = excluded.sms, wechat = excluded.wechat, email = excluded.email, email_address = '',
			mobile_enc = excluded.mobile_enc, mobile_masked = excluded.mobile_masked, wechat_enc = excluded.wechat_enc,
			wechat_masked = excluded.wechat_masked, email_enc = excluded.email_enc, email_masked = excluded.email_masked,
			digest = excluded.digest, quiet_from = excluded.quiet_from, quiet_to = excluded.quiet_to, updated = excluded.updated`,
			p.UserID, p.SMS, p.WeChat, p.Email, db.Keys.Encrypt(p.Mobile), p.Masked(notify.ChannelSMS), db.Keys.Encrypt(p.WeChatOpenID),
			p.Masked(notify.ChannelWeChat), db.Keys.Encrypt(p.EmailAddress), p.Masked(notify.ChannelEmail), p.Digest,
			p.QuietFrom, p.QuietTo, micro(tx.now)); err != nil {
			return err
		}
		return tx.Audit(0, audit.ActionUpdate, entityPreferences, p.UserID, prefsState(p), "")
	})
}

// SetWeChat binds a user's WeChat openid and switches WeChat on, or with
// "" unbinds it and switches WeChat off, audited.
func (db *DB) SetWeChat(ctx context.Context, userID int64, openID string) error {
	p := notify.DefaultPreferences(userID)
	p.WeChatOpenID, p.WeChat = openID, openID != ""
	masked := p.Masked(notify.ChannelWeChat)
	return db.WithTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(`INSERT INTO notification_prefs (user_id, wechat, wechat_enc, wechat_masked, quiet_from, quiet_to, updated)
			VALUES (?,?,?,?,?,?,?) ON CONFLICT (user_id) DO UPDATE SET wechat = excluded.wechat, wechat_enc = excluded.wechat_enc,
			wechat_masked = excluded.wechat_masked, updated = excluded.updated`, userID, p.WeChat, db.Keys.Encrypt(openID), masked,
			p.QuietFrom, p.QuietTo, micro(tx.now)); err != nil {
			return err
		}
		return tx.Audit(0, audit.ActionUpdate, entityPreferences, userID, map[string]any{"wechat": p.WeChat, "wechat_openid": masked}, "wechat")
	})
}

// residentOfScope is the condition that the user u is a resident bound to
// an owner of a part of an estate in the scope.
func residentOfScope(s huanxin.Scope, w *where) {
	w.add("u.role = ?", huanxin.RoleResident)
	if s.All {
		return
	}
	var sw where
	scopeEstates("sh.estate_id")(s, &sw)
	w.add("EXISTS (SELECT 1 FROM ownerships sh WHERE sh.owner_id = u.owner_id AND "+strings.Join(sw.conds, " AND ")+")", sw.args...)
}

// ResidentInScope returns the name of the user if a resident of the scope.
func (db *DB) ResidentInScope(ctx context.Context, userID int64, s huanxin.Scope) (string, bool, error) {
	var w where
	w.add("u.id = ?", userID)
	residentOfScope(s, &w)
	var name string
	err := db.queryRow(ctx, "SELECT u.name FROM users u"+w.sql(), w.args...).Scan(&name)
	if huanxin.ErrorCode(mapErr(err)) == huanxin.ENOTFOUND {
		return "", false, nil
	}
	return name, err == nil, err
}

// PendingMessages lists undispatched messages that are due, oldest first:
// those due by now of users who want each at once, and those created and
// due by digestCut of users who want a digest and have had no delivery
// since digestCut — one created by a late transaction waits for the next
// day's digest rather than make a second one.
func (db *DB) PendingMessages(ctx context.Context, now, digestCut time.Time, n int) ([]notify.Message, error) {
	cut := micro(digestCut)
	return db.messages(ctx, `WHERE NOT dispatched AND (due <= ? AND NOT EXISTS
		(SELECT 1 FROM notification_prefs p WHERE p.user_id = messages.user_id AND p.digest) OR created <= ? AND due <= ? AND NOT EXISTS
		(SELECT 1 FROM deliveries x WHERE x.user_id = messages.user_id AND x.created >= ?)) ORDER BY id`+limit(0, n),
		micro(now), cut, cut, cut)
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
				last_error, reason, next_attempt, created) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`, d.CityID, d.UserID, d.Channel, d.To, d.Title,
				d.Body, d.Link, joinIDs(d.MessageIDs), d.Status, d.LastError, d.Reason, micro(d.NextAttempt), micro(tx.now))
			if err != nil {
				return err
			}
			d.ID, d.Created = id, tx.now
			if err := tx.Audit(d.CityID, audit.ActionCreate, entityDelivery, id, map[string]any{"user": d.UserID,
				"channel": d.Channel, "messages": d.MessageIDs, "status": d.Status, "reason": d.Reason}, string(d.Channel)); err != nil {
				return err
			}
		}
		return nil
	})
}

const deliveryCols = `x.id, x.city_id, x.user_id, x.channel, x.recipient, x.title, x.body, x.link, x.message_ids, x.status, x.attempts,
	x.last_error, x.reason, x.next_attempt, x.created, x.sent_at, COALESCE(u.name, '')`

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
			&d.LastError, &d.Reason, stamp{&d.NextAttempt}, stamp{&d.Created}, stamp{&d.SentAt}, &d.UserName); err != nil {
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
		if _, err := tx.exec(`UPDATE deliveries SET status = ?, attempts = ?, last_error = ?, reason = ?, next_attempt = ?, sent_at = ? WHERE id = ?`,
			d.Status, d.Attempts, d.LastError, d.Reason, micro(d.NextAttempt), microOrZero(d.SentAt), d.ID); err != nil {
			return err
		}
		return tx.Audit(d.CityID, audit.ActionUpdate, entityDelivery, d.ID, map[string]any{"status": d.Status,
			"attempts": d.Attempts, "error": d.LastError, "reason": d.Reason}, string(d.Status))
	})
}

// deliveryWhere is the condition of a filter on deliveries x of users u.
func deliveryWhere(f notify.DeliveryFilter) where {
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
	if f.Channel != "" {
		w.add("x.channel = ?", f.Channel)
	}
	if f.Reason != "" {
		w.add("x.reason = ?", f.Reason)
	}
	if !f.Scope.All {
		residentOfScope(f.Scope, &w)
	}
	return w
}

// FindDeliveries lists deliveries to residents of the scope (those whose
// owner record holds a part of an estate in it), oldest first.
func (db *DB) FindDeliveries(ctx context.Context, f notify.DeliveryFilter) ([]*notify.Delivery, error) {
	return db.deliveries(ctx, deliveryWhere(f), " ORDER BY x.created, x.id"+limit(0, f.Limit))
}

// Resend queues a failed delivery to a resident of the scope again with
// its attempts counted afresh, audited.
func (db *DB) Resend(ctx context.Context, id int64, s huanxin.Scope) (*notify.Delivery, error) {
	f := notify.DeliveryFilter{Scope: s, Status: []notify.Status{notify.StatusFailed, notify.StatusQueued, notify.StatusSent}}
	w := deliveryWhere(f)
	w.add("x.id = ?", id)
	ds, err := db.deliveries(ctx, w, "")
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, huanxin.Errorf(huanxin.ENOTFOUND, "提醒不存在 delivery not found")
	}
	d := ds[0]
	if d.Status != notify.StatusFailed {
		return nil, huanxin.Errorf(huanxin.ECONFLICT, "只能重发失败的提醒 only a failed delivery can be sent again")
	}
	err = db.WithTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(`UPDATE deliveries SET status = ?, attempts = 0, last_error = '', reason = '', next_attempt = ?
			WHERE id = ? AND status = ?`, notify.StatusQueued, micro(tx.now), id, notify.StatusFailed)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k != 1 {
			return huanxin.Errorf(huanxin.ECONFLICT, "该提醒已被他人重发，请刷新 the delivery was sent again meanwhile; reload")
		}
		d.Status, d.Attempts, d.LastError, d.Reason, d.NextAttempt = notify.StatusQueued, 0, "", "", tx.now
		return tx.Audit(d.CityID, audit.ActionUpdate, entityDelivery, id, map[string]any{"status": d.Status, "resent": true}, "resend")
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// Unreached lists (and audits as an export of personal data) the
// households (through their owner records) of the residents whose
// deliveries f selects, by estate, building, stairwell,
// floor and room, with the deliveries' number, latest title, channels and
// reasons; owners' phones in full only withPhones.
func (db *DB) Unreached(ctx context.Context, f notify.DeliveryFilter, withPhones bool) ([]notify.Unreached, error) {
	w := deliveryWhere(f)
	type agg struct {
		n                 int
		last              string
		channels, reasons []string
	}
	byUser := map[int64]*agg{}
	rows, err := db.query(ctx, "SELECT x.user_id, x.city_id, x.title, x.channel, x.reason FROM deliveries x JOIN users u ON u.id = x.user_id"+
		w.sql()+" ORDER BY x.created, x.id", w.args...)
	if err != nil {
		return nil, err
	}
	var users []int64
	cityOf := map[int64]int64{}
	for rows.Next() {
		var u, city int64
		var title, channel, reason string
		if err := rows.Scan(&u, &city, &title, &channel, &reason); err != nil {
			rows.Close()
			return nil, err
		}
		a := byUser[u]
		if a == nil {
			a = &agg{}
			byUser[u] = a
			users = append(users, u)
			cityOf[u] = city
		}
		a.n, a.last = a.n+1, title
		if !slices.Contains(a.channels, channel) {
			a.channels = append(a.channels, channel)
		}
		if reason != "" && !slices.Contains(a.reasons, reason) {
			a.reasons = append(a.reasons, reason)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(users) == 0 {
		return nil, err
	}
	var out []notify.Unreached
	for start := 0; start < len(users); start += 500 {
		var hw where
		hw.in("u.id", users[start:min(start+500, len(users))])
		hrows, err := db.query(ctx, `SELECT u.id, u.name, e.name, b.no, s.no, p.floor, p.room, o.phone_enc, o.phone_masked
			FROM users u JOIN owners o ON o.id = u.owner_id JOIN ownerships sh ON sh.owner_id = o.id JOIN parts p ON p.id = sh.part_id
			JOIN estates e ON e.id = p.estate_id JOIN buildings b ON b.id = p.building_id LEFT JOIN stairwells s ON s.id = p.stairwell_id`+
			hw.sql()+" ORDER BY e.name_sort, e.id, b.id, s.no, p.floor, p.room, u.id", hw.args...)
		if err != nil {
			return nil, err
		}
		for hrows.Next() {
			var h notify.Unreached
			var stair *string
			var enc []byte
			if err := hrows.Scan(&h.UserID, &h.Name, &h.EstateName, &h.BuildingNo, &stair, &h.Floor, &h.Room, &enc, &h.Phone); err != nil {
				hrows.Close()
				return nil, err
			}
			if stair != nil {
				h.StairwellNo = *stair
			}
			if withPhones {
				if h.Phone, err = db.Keys.Decrypt(enc); err != nil {
					hrows.Close()
					return nil, err
				}
			}
			a := byUser[h.UserID]
			h.Deliveries, h.LastTitle, h.Channels, h.Reasons = a.n, a.last, strings.Join(a.channels, ","), strings.Join(a.reasons, ",")
			out = append(out, h)
		}
		hrows.Close()
		if err := hrows.Err(); err != nil {
			return nil, err
		}
	}
	return out, db.auditUnreached(ctx, out, cityOf, withPhones)
}

// auditUnreached records the export of residents' households (personal
// data) in each city's ledger, with its number of rows.
func (db *DB) auditUnreached(ctx context.Context, rows []notify.Unreached, cityOf map[int64]int64, withPhones bool) error {
	perCity := map[int64]int{}
	for _, u := range rows {
		perCity[cityOf[u.UserID]]++
	}
	for _, city := range slices.Sorted(maps.Keys(perCity)) {
		detail, err := json.Marshal(map[string]any{"kind": "unreached", "rows": perCity[city], "phones": withPhones})
		if err != nil {
			return err
		}
		if err := db.Audit(ctx, city, audit.ActionExport, entityDelivery, 0, string(detail)); err != nil {
			return err
		}
	}
	return nil
}
