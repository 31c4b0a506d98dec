package store

import (
	"context"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/notice"
	"github.com/huanxin/huanxin/notify"
)

// Entity names of notices in the audit ledger.
const (
	entityNotice          = "notice"
	entityNoticeObjection = "notice_objection"
	entityNoticeReceipt   = "notice_receipt"
)

// CreateNotice stores a draft notice with its buildings.
func (db *DB) CreateNotice(ctx context.Context, n *notice.Notice) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		id, err := tx.insertID(`INSERT INTO notices (city_id, scope_kind, jurisdiction_id, estate_id, jpath, type, title, body,
			attachments, publicity_start, publicity_end, status, created_by, created, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			n.CityID, n.ScopeKind, n.JurisdictionID, n.EstateID, n.Path, n.Type, n.Title, n.Body, joinIDs(n.Attachments),
			microOrZero(n.PublicityStart), microOrZero(n.PublicityEnd), n.Status, n.CreatedBy, micro(tx.now), micro(tx.now))
		if err != nil {
			return err
		}
		n.ID, n.Created, n.Updated = id, tx.now, tx.now
		if err := tx.setNoticeBuildings(n); err != nil {
			return err
		}
		return tx.Audit(n.CityID, audit.ActionCreate, entityNotice, n.ID, n, string(n.Type))
	})
}

func (tx *Tx) setNoticeBuildings(n *notice.Notice) error {
	if _, err := tx.exec("DELETE FROM notice_buildings WHERE city_id = ? AND notice_id = ?", n.CityID, n.ID); err != nil {
		return err
	}
	for _, b := range n.BuildingIDs {
		if _, err := tx.exec("INSERT INTO notice_buildings (city_id, notice_id, building_id) VALUES (?,?,?)", n.CityID, n.ID, b); err != nil {
			return err
		}
	}
	return nil
}

// UpdateNotice stores the content of a draft notice.
func (db *DB) UpdateNotice(ctx context.Context, n *notice.Notice) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(`UPDATE notices SET scope_kind = ?, jurisdiction_id = ?, estate_id = ?, jpath = ?, type = ?, title = ?,
			body = ?, attachments = ?, publicity_start = ?, publicity_end = ?, updated = ? WHERE city_id = ? AND id = ? AND status = ?`,
			n.ScopeKind, n.JurisdictionID, n.EstateID, n.Path, n.Type, n.Title, n.Body, joinIDs(n.Attachments),
			microOrZero(n.PublicityStart), microOrZero(n.PublicityEnd), micro(tx.now), n.CityID, n.ID, notice.StatusDraft)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k != 1 {
			return huanxin.Errorf(huanxin.ECONFLICT, "公告已不是草稿，请刷新 the notice is no longer a draft; reload")
		}
		n.Updated = tx.now
		if err := tx.setNoticeBuildings(n); err != nil {
			return err
		}
		return tx.Audit(n.CityID, audit.ActionUpdate, entityNotice, n.ID, n, "")
	})
}

// noticeStamp names the time column a status change sets.
var noticeStamp = map[notice.Status]string{notice.StatusPublished: "published_at", notice.StatusWithdrawn: "withdrawn_at"}

// SetNoticeStatus moves a notice from one status to another; ECONFLICT
// when it is no longer in from.
func (db *DB) SetNoticeStatus(ctx context.Context, id int64, from, to notice.Status) error {
	return db.WithTx(ctx, func(tx *Tx) error { return tx.setNoticeStatus(id, from, to) })
}

// PublishNotice publishes a draft notice and, in the same transaction,
// puts m into the inbox of every resident account bound to an owner of a
// household in its scope: a notice is never published without its
// messages queued for the dispatcher, nor the other way round.
func (db *DB) PublishNotice(ctx context.Context, n *notice.Notice, m notify.Message) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if err := tx.setNoticeStatus(n.ID, notice.StatusDraft, notice.StatusPublished); err != nil {
			return err
		}
		cond, args := partsOfNotice(n)
		return tx.createMessagesFrom(m, `SELECT DISTINCT u.id FROM users u JOIN ownerships sh ON sh.owner_id = u.owner_id
			JOIN parts p ON p.id = sh.part_id WHERE u.role = ? AND NOT u.disabled AND `+cond, append([]any{huanxin.RoleResident}, args...)...)
	})
}

func (tx *Tx) setNoticeStatus(id int64, from, to notice.Status) error {
	res, err := tx.exec("UPDATE notices SET status = ?, updated = ?, "+noticeStamp[to]+" = ? WHERE id = ? AND status = ?",
		to, micro(tx.now), micro(tx.now), id, from)
	if err != nil {
		return err
	}
	if k, _ := res.RowsAffected(); k != 1 {
		if err := staleOrMissing(tx, "notices", id); huanxin.ErrorCode(err) == huanxin.ENOTFOUND {
			return err
		}
		return huanxin.Errorf(huanxin.ECONFLICT, "公告状态已被他人改变，请刷新 the notice's status was changed meanwhile; reload")
	}
	var city int64
	if err := tx.queryRow("SELECT city_id FROM notices WHERE id = ?", id).Scan(&city); err != nil {
		return err
	}
	return tx.Audit(city, audit.ActionUpdate, entityNotice, id, map[string]any{"from": from, "to": to}, string(from)+" -> "+string(to))
}

const noticeCols = `x.id, x.city_id, x.scope_kind, x.jurisdiction_id, x.estate_id, x.jpath, x.type, x.title, x.body, x.attachments,
	x.publicity_start, x.publicity_end, x.status, x.published_at, x.withdrawn_at, x.created_by, x.created, x.updated`

// FindNoticeByID returns a notice within an officer's scope, or ENOTFOUND.
func (db *DB) FindNoticeByID(ctx context.Context, s huanxin.Scope, id int64) (*notice.Notice, error) {
	var w where
	scopeNotices(s, &w)
	w.add("x.id = ?", id)
	ns, err := db.findNotices(ctx, w)
	if err != nil {
		return nil, err
	}
	if len(ns) == 0 {
		return nil, huanxin.Errorf(huanxin.ENOTFOUND, "公告不存在或不在您的管辖范围 notice not found")
	}
	return ns[0], nil
}

// scopeNotices limits notices to an officer's scope: those of the
// jurisdictions under the scope's paths, and those of its estates.
func scopeNotices(s huanxin.Scope, w *where) {
	if s.All {
		return
	}
	var or []string
	var args []any
	for _, p := range s.Paths {
		or = append(or, pathPrefix("x.jpath"))
		lo, hi := prefixRange(p)
		args = append(args, lo, hi)
	}
	if len(s.EstateIDs) > 0 {
		or = append(or, "x.estate_id IN ("+placeholders(len(s.EstateIDs))+")")
		for _, id := range s.EstateIDs {
			args = append(args, id)
		}
	}
	if len(or) == 0 {
		w.add("1 = 0")
		return
	}
	w.add("("+strings.Join(or, " OR ")+")", args...)
}

// FindNotices lists notices, newest first. With Parts (residents), the
// published and withdrawn notices whose scope holds one of the parts:
// for their estates, their buildings, or a jurisdiction above them.
func (db *DB) FindNotices(ctx context.Context, f notice.Filter) ([]*notice.Notice, error) {
	var w where
	if f.Parts != nil {
		if err := db.residentNotices(ctx, f.Parts, &w); err != nil {
			return nil, err
		}
	} else {
		scopeNotices(f.Scope, &w)
	}
	if f.EstateID != nil {
		w.add("x.estate_id = ?", *f.EstateID)
	}
	eq(&w, "x.status", f.Status)
	return db.findNotices(ctx, w)
}

// residentNotices adds the condition for a resident's notices.
func (db *DB) residentNotices(ctx context.Context, parts []int64, w *where) error {
	var pw where
	pw.in("p.id", parts)
	rows, err := db.query(ctx, "SELECT p.city_id, p.estate_id, p.building_id, e.jpath FROM parts p JOIN estates e ON e.id = p.estate_id"+pw.sql(), pw.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var estates, buildings []int64
	var paths []any
	city := int64(0)
	for rows.Next() {
		var est, bld int64
		var path string
		if err := rows.Scan(&city, &est, &bld, &path); err != nil {
			return err
		}
		estates, buildings = append(estates, est), append(buildings, bld)
		// Every ancestor path of the estate's jurisdiction: "/1/", "/1/3/", …
		for i := 1; i < len(path); i++ {
			if path[i] == '/' {
				paths = append(paths, path[:i+1])
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(estates) == 0 {
		w.add("1 = 0")
		return nil
	}
	cond := "x.city_id = ? AND x.status <> 'draft' AND ((x.scope_kind = 'estate' AND x.estate_id IN (" + placeholders(len(estates)) + ")) OR " +
		"(x.scope_kind = 'buildings' AND x.id IN (SELECT notice_id FROM notice_buildings WHERE city_id = ? AND building_id IN (" + placeholders(len(buildings)) + "))) OR " +
		"(x.scope_kind = 'jurisdiction' AND x.jpath IN (" + placeholders(len(paths)) + ")))"
	args := []any{city}
	for _, e := range estates {
		args = append(args, e)
	}
	args = append(args, city)
	for _, b := range buildings {
		args = append(args, b)
	}
	w.add(cond, append(args, paths...)...)
	return nil
}

func (db *DB) findNotices(ctx context.Context, w where) ([]*notice.Notice, error) {
	rows, err := db.query(ctx, "SELECT "+noticeCols+" FROM notices x"+w.sql()+" ORDER BY x.created DESC, x.id DESC", w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*notice.Notice
	var ids []int64
	byID := map[int64]*notice.Notice{}
	for rows.Next() {
		n := new(notice.Notice)
		var att string
		var start, end time.Time
		if err := rows.Scan(&n.ID, &n.CityID, &n.ScopeKind, &n.JurisdictionID, &n.EstateID, &n.Path, &n.Type, &n.Title, &n.Body, &att,
			stamp{&start}, stamp{&end}, &n.Status, stamp{&n.PublishedAt}, stamp{&n.WithdrawnAt}, &n.CreatedBy, stamp{&n.Created},
			stamp{&n.Updated}); err != nil {
			return nil, err
		}
		if !start.IsZero() {
			n.PublicityStart = notice.Day(start)
		}
		if !end.IsZero() {
			n.PublicityEnd = notice.Day(end)
		}
		if n.Attachments, err = splitIDs(att); err != nil {
			return nil, err
		}
		out = append(out, n)
		if n.ScopeKind == notice.ScopeBuildings {
			ids = append(ids, n.ID)
			byID[n.ID] = n
		}
	}
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return out, err
	}
	var bw where
	bw.in("notice_id", ids)
	brows, err := db.query(ctx, "SELECT notice_id, building_id FROM notice_buildings"+bw.sql()+" ORDER BY notice_id, building_id", bw.args...)
	if err != nil {
		return nil, err
	}
	defer brows.Close()
	for brows.Next() {
		var nid, bid int64
		if err := brows.Scan(&nid, &bid); err != nil {
			return nil, err
		}
		byID[nid].BuildingIDs = append(byID[nid].BuildingIDs, bid)
	}
	return out, brows.Err()
}

// partsOfNotice is the condition on the parts (aliased p) in a notice's
// scope, with its arguments.
func partsOfNotice(n *notice.Notice) (string, []any) {
	switch n.ScopeKind {
	case notice.ScopeJurisdiction:
		lo, hi := prefixRange(n.Path)
		return "p.city_id = ? AND p.estate_id IN (SELECT pe.id FROM estates pe WHERE " + pathPrefix("pe.jpath") + ")", []any{n.CityID, lo, hi}
	case notice.ScopeBuildings:
		return "p.city_id = ? AND p.building_id IN (SELECT building_id FROM notice_buildings WHERE city_id = ? AND notice_id = ?)",
			[]any{n.CityID, n.CityID, n.ID}
	}
	return "p.city_id = ? AND p.estate_id = ?", []any{n.CityID, n.EstateID}
}

// NoticeParts returns the exclusive parts in a notice's scope, by ID.
func (db *DB) NoticeParts(ctx context.Context, n *notice.Notice) ([]int64, error) {
	cond, args := partsOfNotice(n)
	rows, err := db.query(ctx, "SELECT p.id FROM parts p WHERE "+cond+" ORDER BY p.id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// NotReached lists the households in a notice's scope without a receipt,
// by estate, building, stairwell, floor and room, with their owners'
// names.
func (db *DB) NotReached(ctx context.Context, n *notice.Notice) ([]notice.Household, error) {
	cond, args := partsOfNotice(n)
	rows, err := db.query(ctx, `SELECT p.id, p.estate_id, e.name, p.building_id, b.no, s.no, p.floor, p.room
		FROM parts p JOIN estates e ON e.id = p.estate_id JOIN buildings b ON b.id = p.building_id
		LEFT JOIN stairwells s ON s.id = p.stairwell_id WHERE `+cond+`
		AND NOT EXISTS (SELECT 1 FROM notice_receipts r WHERE r.city_id = ? AND r.notice_id = ? AND r.part_id = p.id)
		ORDER BY e.name_sort, e.id, b.id, s.no, p.floor, p.room, p.id`, append(args, n.CityID, n.ID)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []notice.Household
	at := map[int64]int{}
	for rows.Next() {
		var h notice.Household
		var stair *string
		if err := rows.Scan(&h.PartID, &h.EstateID, &h.EstateName, &h.BuildingID, &h.BuildingNo, &stair, &h.Floor, &h.Room); err != nil {
			return nil, err
		}
		if stair != nil {
			h.StairwellNo = *stair
		}
		at[h.PartID] = len(out)
		out = append(out, h)
	}
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	orows, err := db.query(ctx, `SELECT sh.part_id, o.name FROM ownerships sh JOIN owners o ON o.id = sh.owner_id
		JOIN parts p ON p.id = sh.part_id WHERE `+cond+` ORDER BY sh.part_id, sh.id`, args...)
	if err != nil {
		return nil, err
	}
	defer orows.Close()
	for orows.Next() {
		var part int64
		var name string
		if err := orows.Scan(&part, &name); err != nil {
			return nil, err
		}
		if i, ok := at[part]; ok {
			if out[i].Owners != "" {
				out[i].Owners += "、"
			}
			out[i].Owners += name
		}
	}
	return out, orows.Err()
}

// AddReceipts records households reached; a household already reached
// keeps its first receipt. The receipts written are audited as one entry.
// When every household already has its receipt (a resident opening a
// notice again) nothing is written: a read answers, not a write
// transaction on every view.
func (db *DB) AddReceipts(ctx context.Context, rs []notice.Receipt) error {
	if len(rs) == 0 {
		return nil
	}
	if all, err := db.allReceipted(ctx, rs); err != nil || all {
		return err
	}
	return db.WithTx(ctx, func(tx *Tx) error {
		var added []int64
		for i := range rs {
			r := &rs[i]
			res, err := tx.exec(`INSERT INTO notice_receipts (city_id, notice_id, part_id, channel, by_user, at) VALUES (?,?,?,?,?,?)
				ON CONFLICT (city_id, notice_id, part_id) DO NOTHING`, r.CityID, r.NoticeID, r.PartID, r.Channel, r.By, micro(tx.now))
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 1 {
				r.At = tx.now
				added = append(added, r.PartID)
			}
		}
		if len(added) == 0 {
			return nil
		}
		return tx.Audit(rs[0].CityID, audit.ActionCreate, entityNoticeReceipt, rs[0].NoticeID,
			map[string]any{"parts": added, "channel": rs[0].Channel}, string(rs[0].Channel))
	})
}

// allReceipted reports whether each of the receipts' households already
// has a receipt for the notice (receipts of one notice).
func (db *DB) allReceipted(ctx context.Context, rs []notice.Receipt) (bool, error) {
	args := []any{rs[0].CityID, rs[0].NoticeID}
	for _, r := range rs {
		args = append(args, r.PartID)
	}
	var n int
	err := db.queryRow(ctx, `SELECT COUNT(*) FROM notice_receipts WHERE city_id = ? AND notice_id = ? AND part_id IN (`+
		placeholders(len(rs))+`)`, args...).Scan(&n)
	return n == len(rs), err
}

// Receipts lists the households reached for a notice, in the order
// reached.
func (db *DB) Receipts(ctx context.Context, noticeID int64) ([]notice.Receipt, error) {
	rows, err := db.query(ctx, `SELECT city_id, notice_id, part_id, channel, by_user, at FROM notice_receipts
		WHERE city_id = (SELECT city_id FROM notices WHERE id = ?) AND notice_id = ? ORDER BY at, part_id`, noticeID, noticeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []notice.Receipt
	for rows.Next() {
		var r notice.Receipt
		if err := rows.Scan(&r.CityID, &r.NoticeID, &r.PartID, &r.Channel, &r.By, stamp{&r.At}); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// CreateNoticeObjection stores an objection to a published notice.
func (db *DB) CreateNoticeObjection(ctx context.Context, o *notice.Objection) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		var status notice.Status
		if err := tx.queryRow("SELECT status FROM notices WHERE city_id = ? AND id = ?"+db.forUpdate(), o.CityID, o.NoticeID).Scan(&status); err != nil {
			return err
		}
		if status != notice.StatusPublished {
			return huanxin.Errorf(huanxin.EINVALID, "不在公示期内 the notice is not in its publicity period")
		}
		id, err := tx.insertID("INSERT INTO notice_objections (city_id, notice_id, raised_by, on_behalf, name, body, raised) VALUES (?,?,?,?,?,?,?)",
			o.CityID, o.NoticeID, o.RaisedBy, o.OnBehalfOf, o.Name, o.Body, micro(tx.now))
		if err != nil {
			return err
		}
		o.ID, o.Raised = id, tx.now
		return tx.Audit(o.CityID, audit.ActionCreate, entityNoticeObjection, id, o, "")
	})
}

// AnswerNoticeObjection stores the answer to an unanswered objection and,
// in the same transaction, puts m into the inbox of whoever raised it
// (the owner's accounts, when an officer raised it for an owner).
func (db *DB) AnswerNoticeObjection(ctx context.Context, o *notice.Objection, m notify.Message) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(`UPDATE notice_objections SET answer = ?, answered_by = ?, answered = ?
			WHERE city_id = ? AND id = ? AND answered_by = 0`, o.Answer, o.AnsweredBy, micro(tx.now), o.CityID, o.ID)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k != 1 {
			return huanxin.Errorf(huanxin.ECONFLICT, "该异议已答复 the objection has already been answered")
		}
		o.Answered = tx.now
		if err := tx.Audit(o.CityID, audit.ActionUpdate, entityNoticeObjection, o.ID, o, "answered"); err != nil {
			return err
		}
		if o.OnBehalfOf != 0 {
			return tx.createMessagesFrom(m, "SELECT id FROM users WHERE owner_id = ?", o.OnBehalfOf)
		}
		return tx.createMessagesFrom(m, "SELECT id FROM users WHERE id = ?", o.RaisedBy)
	})
}

// NoticeObjections lists the objections to a notice, oldest first.
func (db *DB) NoticeObjections(ctx context.Context, noticeID int64) ([]notice.Objection, error) {
	rows, err := db.query(ctx, `SELECT id, city_id, notice_id, raised_by, on_behalf, name, body, raised, answer, answered_by, answered
		FROM notice_objections WHERE city_id = (SELECT city_id FROM notices WHERE id = ?) AND notice_id = ? ORDER BY raised, id`,
		noticeID, noticeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []notice.Objection
	for rows.Next() {
		var o notice.Objection
		if err := rows.Scan(&o.ID, &o.CityID, &o.NoticeID, &o.RaisedBy, &o.OnBehalfOf, &o.Name, &o.Body, stamp{&o.Raised}, &o.Answer,
			&o.AnsweredBy, stamp{&o.Answered}); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
