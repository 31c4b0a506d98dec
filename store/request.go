package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/request"
)

// Entity names of requests in the audit ledger.
const (
	entityRequest    = "request"
	entityRequestOrg = "request_org"
)

const requestCols = `x.id, x.city_id, x.estate_id, x.building_id, x.kind, x.category, x.title, x.body, x.photo_ids, x.location,
	x.lat, x.lng, x.anonymous, x.public, x.faq, x.faq_question, x.faq_answer, x.status, x.unit_kind, x.unit_id, x.unit_name,
	x.deadline, x.submitted_by, x.submitter_name, x.on_behalf, x.answer, x.answered_by, x.answered_unit_kind,
	x.answered_unit_id, x.answered_unit_name, x.answered_at, x.first_answered_at, x.closed_at, x.rating, x.rating_comment,
	x.owner_id, x.version, x.created, x.updated`

// opt stores a time that may be unset as 0.
func opt(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return micro(t)
}

// requestSet is the list of columns a save writes, with requestValues.
const requestSet = `building_id = ?, kind = ?, category = ?, title = ?, body = ?, photo_ids = ?, location = ?, lat = ?, lng = ?,
	anonymous = ?, public = ?, faq = ?, faq_question = ?, faq_answer = ?, status = ?, unit_kind = ?, unit_id = ?, unit_name = ?,
	deadline = ?, submitted_by = ?, submitter_name = ?, on_behalf = ?, answer = ?, answered_by = ?, answered_unit_kind = ?,
	answered_unit_id = ?, answered_unit_name = ?, answered_at = ?, first_answered_at = ?, closed_at = ?, rating = ?,
	rating_comment = ?`

// requestValues are the values of requestSet.
func requestValues(r *request.Request) []any {
	return []any{r.BuildingID, string(r.Kind), r.Category, r.Title, r.Body, joinIDs(r.PhotoFileIDs), r.Location, r.Lat, r.Lng,
		r.AnonymousToResidents, r.Public, r.FAQ, r.FAQQuestion, r.FAQAnswer, string(r.Status), string(r.Unit.Kind), r.Unit.ID,
		r.Unit.Name, micro(r.Deadline), r.SubmittedBy, r.SubmitterName, r.OnBehalfOf, r.Answer, r.AnsweredBy,
		string(r.AnsweredUnit.Kind), r.AnsweredUnit.ID, r.AnsweredUnit.Name, opt(r.AnsweredAt), opt(r.FirstAnsweredAt),
		opt(r.ClosedAt), r.Rating, r.RatingComment}
}

// CreateRequest stores a new request with its first events, audited.
func (db *DB) CreateRequest(ctx context.Context, r *request.Request, events []request.Event) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		id, err := tx.insertID(`INSERT INTO requests (city_id, estate_id, owner_id, created, updated, version, building_id, kind, category,
			title, body, photo_ids, location, lat, lng, anonymous, public, faq, faq_question, faq_answer, status, unit_kind, unit_id,
			unit_name, deadline, submitted_by, submitter_name, on_behalf, answer, answered_by, answered_unit_kind, answered_unit_id,
			answered_unit_name, answered_at, first_answered_at, closed_at, rating, rating_comment)
			VALUES (?,?,?,?,?,1,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			append([]any{r.CityID, r.EstateID, r.OwnerID, micro(r.Created), micro(tx.now)}, requestValues(r)...)...)
		if err != nil {
			return err
		}
		r.ID, r.Version, r.Updated = id, 1, tx.now
		for i := range events {
			events[i].RequestID = id
			if err := tx.addRequestEvent(r.CityID, &events[i]); err != nil {
				return err
			}
		}
		return tx.Audit(r.CityID, audit.ActionCreate, entityRequest, r.ID, r, "")
	})
}

func (tx *Tx) addRequestEvent(city int64, e *request.Event) error {
	id, err := tx.insertID(`INSERT INTO request_events (city_id, request_id, at, actor_id, actor_name, action, status, unit_kind,
		unit_id, unit_name, note) VALUES (?,?,?,?,?,?,?,?,?,?,?)`, city, e.RequestID, micro(e.At), e.ActorID, e.ActorName,
		string(e.Action), string(e.Status), string(e.Unit.Kind), e.Unit.ID, e.Unit.Name, e.Note)
	e.ID = id
	return err
}

// SaveRequest stores a changed request with its event (and escalation),
// audited, unless its version moved since it was read: then ECONFLICT.
func (db *DB) SaveRequest(ctx context.Context, r *request.Request, ev request.Event, esc *request.Escalation) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		res, err := tx.exec("UPDATE requests SET "+requestSet+", version = version + 1, updated = ? WHERE id = ? AND version = ?",
			append(requestValues(r), micro(tx.now), r.ID, r.Version)...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			if err := staleOrMissing(tx, "requests", r.ID); huanxin.ErrorCode(err) == huanxin.ENOTFOUND {
				return err
			}
			return huanxin.Errorf(huanxin.ECONFLICT, "诉求已被他人处理，请刷新 the request was changed meanwhile; reload")
		}
		ev.RequestID = r.ID
		if err := tx.addRequestEvent(r.CityID, &ev); err != nil {
			return err
		}
		if esc != nil {
			if _, err := tx.exec(`INSERT INTO request_escalations (city_id, request_id, seq, from_kind, from_id, from_name, to_kind,
				to_id, to_name, at, reason) VALUES (?,?,(SELECT COUNT(*) + 1 FROM request_escalations WHERE city_id = ? AND request_id = ?),
				?,?,?,?,?,?,?,?)`, r.CityID, r.ID, r.CityID, r.ID, string(esc.From.Kind), esc.From.ID, esc.From.Name,
				string(esc.To.Kind), esc.To.ID, esc.To.Name, micro(esc.At), esc.Reason); err != nil {
				return err
			}
		}
		r.Version++
		r.Updated = tx.now
		return tx.Audit(r.CityID, audit.ActionUpdate, entityRequest, r.ID, r, string(ev.Action))
	})
}

// requestWhere turns a filter into conditions.
func requestWhere(f request.Filter) where {
	var w where
	scopeEstates("x.estate_id")(f.Scope, &w)
	eq(&w, "x.id", f.ID)
	eq(&w, "x.estate_id", f.EstateID)
	if len(f.Status) > 0 {
		var or []any
		for _, s := range f.Status {
			or = append(or, string(s))
		}
		w.add("x.status IN ("+placeholders(len(or))+")", or...)
	}
	if f.Category != "" {
		w.add("x.category = ?", f.Category)
	}
	if f.UnitKind != "" {
		w.add("x.unit_kind = ?", string(f.UnitKind))
	}
	eq(&w, "x.unit_id", f.UnitID)
	if len(f.UnitKinds) > 0 {
		var ks []any
		for _, k := range f.UnitKinds {
			ks = append(ks, string(k))
		}
		w.add("x.unit_kind IN ("+placeholders(len(ks))+")", ks...)
	}
	if f.OverdueAt != nil {
		w.add("x.status IN (?, ?) AND x.deadline < ?", string(request.StatusAssigned), string(request.StatusReopened), micro(*f.OverdueAt))
	}
	if !f.From.IsZero() {
		w.add("x.created >= ?", micro(f.From))
	}
	if !f.To.IsZero() {
		w.add("x.created < ?", micro(f.To))
	}
	switch {
	case f.SubmittedBy != nil && f.OnBehalfOf != nil:
		w.add("(x.submitted_by = ? OR (x.on_behalf <> 0 AND x.on_behalf = ?))", *f.SubmittedBy, *f.OnBehalfOf)
	case f.SubmittedBy != nil:
		w.add("x.submitted_by = ?", *f.SubmittedBy)
	}
	if f.Orgs != nil {
		w.add("x.unit_kind IN (?, ?, ?)", string(request.UnitContractor), string(request.UnitProperty), string(request.UnitUtility))
		w.in("x.unit_id", f.Orgs)
	}
	eq(&w, "x.faq", f.FAQ)
	return w
}

// FindRequests lists the requests a filter selects: those waiting for an
// answer first, nearest deadline first, then the others, newest first.
func (db *DB) FindRequests(ctx context.Context, f request.Filter) ([]*request.Request, int, error) {
	w := requestWhere(f)
	var total int
	if err := db.queryRow(ctx, "SELECT COUNT(*) FROM requests x"+w.sql(), w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.query(ctx, "SELECT "+requestCols+" FROM requests x"+w.sql()+
		` ORDER BY CASE WHEN x.status IN ('assigned', 'reopened') THEN 0 ELSE 1 END, CASE WHEN x.status IN ('assigned', 'reopened')
		THEN x.deadline ELSE -x.created END, x.id DESC`+limit(f.Offset, f.Limit), w.args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*request.Request
	byID := map[int64]*request.Request{}
	for rows.Next() {
		r := new(request.Request)
		var photos string
		var lat, lng sql.NullInt64
		if err := rows.Scan(&r.ID, &r.CityID, &r.EstateID, &r.BuildingID, &r.Kind, &r.Category, &r.Title, &r.Body, &photos,
			&r.Location, &lat, &lng, &r.AnonymousToResidents, &r.Public, &r.FAQ, &r.FAQQuestion, &r.FAQAnswer, &r.Status,
			&r.Unit.Kind, &r.Unit.ID, &r.Unit.Name, stamp{&r.Deadline}, &r.SubmittedBy, &r.SubmitterName, &r.OnBehalfOf,
			&r.Answer, &r.AnsweredBy, &r.AnsweredUnit.Kind, &r.AnsweredUnit.ID, &r.AnsweredUnit.Name, stamp{&r.AnsweredAt},
			stamp{&r.FirstAnsweredAt}, stamp{&r.ClosedAt}, &r.Rating, &r.RatingComment, &r.OwnerID, &r.Version, stamp{&r.Created},
			stamp{&r.Updated}); err != nil {
			return nil, 0, err
		}
		if r.PhotoFileIDs, err = splitIDs(photos); err != nil {
			return nil, 0, err
		}
		if lat.Valid && lng.Valid {
			r.Lat, r.Lng = &lat.Int64, &lng.Int64
		}
		out = append(out, r)
		byID[r.ID] = r
	}
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, total, err
	}
	var ew where
	ew.in("request_id", slicesKeys(byID))
	erows, err := db.query(ctx, `SELECT request_id, from_kind, from_id, from_name, to_kind, to_id, to_name, at, reason
		FROM request_escalations`+ew.sql()+" ORDER BY request_id, seq", ew.args...)
	if err != nil {
		return nil, 0, err
	}
	defer erows.Close()
	for erows.Next() {
		var id int64
		var e request.Escalation
		if err := erows.Scan(&id, &e.From.Kind, &e.From.ID, &e.From.Name, &e.To.Kind, &e.To.ID, &e.To.Name, stamp{&e.At}, &e.Reason); err != nil {
			return nil, 0, err
		}
		byID[id].Escalations = append(byID[id].Escalations, e)
	}
	return out, total, erows.Err()
}

func slicesKeys(m map[int64]*request.Request) []int64 {
	out := make([]int64, 0, len(m))
	for id := range m {
		out = append(out, id)
	}
	return out
}

// RequestFacts returns what the overview needs of every request the
// filter selects.
func (db *DB) RequestFacts(ctx context.Context, f request.Filter) ([]request.Facts, error) {
	w := requestWhere(f)
	rows, err := db.query(ctx, `SELECT x.unit_kind, x.unit_id, x.unit_name, x.status, x.created, x.deadline, x.first_answered_at,
		x.closed_at, x.rating FROM requests x`+w.sql()+" ORDER BY x.unit_kind, x.unit_id, x.id", w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []request.Facts
	for rows.Next() {
		var f request.Facts
		if err := rows.Scan(&f.Unit.Kind, &f.Unit.ID, &f.Unit.Name, &f.Status, stamp{&f.Created}, stamp{&f.Deadline},
			stamp{&f.FirstAnsweredAt}, stamp{&f.ClosedAt}, &f.Rating); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// RequestEvents lists the history of a request, oldest first.
func (db *DB) RequestEvents(ctx context.Context, id int64) ([]request.Event, error) {
	rows, err := db.query(ctx, `SELECT id, request_id, at, actor_id, actor_name, action, status, unit_kind, unit_id, unit_name, note
		FROM request_events WHERE request_id = ? ORDER BY at, id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []request.Event
	for rows.Next() {
		var e request.Event
		if err := rows.Scan(&e.ID, &e.RequestID, stamp{&e.At}, &e.ActorID, &e.ActorName, &e.Action, &e.Status, &e.Unit.Kind,
			&e.Unit.ID, &e.Unit.Name, &e.Note); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// CreateOrganisation stores an organisation with its members and estates,
// audited.
func (db *DB) CreateOrganisation(ctx context.Context, o *request.Organisation) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		id, err := tx.insertID("INSERT INTO request_orgs (city_id, kind, name, inactive, created, updated) VALUES (?,?,?,?,?,?)",
			o.CityID, string(o.Kind), o.Name, opt(o.Inactive), micro(tx.now), micro(tx.now))
		if err != nil {
			return err
		}
		o.ID, o.Created, o.Updated = id, tx.now, tx.now
		if err := tx.setOrgLinks(o); err != nil {
			return err
		}
		return tx.Audit(o.CityID, audit.ActionCreate, entityRequestOrg, o.ID, o, "")
	})
}

// UpdateOrganisation replaces an organisation's name, kind, members,
// estates and whether it is inactive, audited.
func (db *DB) UpdateOrganisation(ctx context.Context, o *request.Organisation) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		res, err := tx.exec("UPDATE request_orgs SET kind = ?, name = ?, inactive = ?, updated = ? WHERE id = ? AND city_id = ?",
			string(o.Kind), o.Name, opt(o.Inactive), micro(tx.now), o.ID, o.CityID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return huanxin.Errorf(huanxin.ENOTFOUND, "责任单位不存在 no such unit")
		}
		o.Updated = tx.now
		for _, q := range []string{"DELETE FROM request_org_members WHERE org_id = ?", "DELETE FROM request_estate_orgs WHERE org_id = ?"} {
			if _, err := tx.exec(q, o.ID); err != nil {
				return err
			}
		}
		if err := tx.setOrgLinks(o); err != nil {
			return err
		}
		return tx.Audit(o.CityID, audit.ActionUpdate, entityRequestOrg, o.ID, o, "")
	})
}

// setOrgLinks stores an organisation's members and estates; an estate
// that already has an organisation of the kind is a conflict.
func (tx *Tx) setOrgLinks(o *request.Organisation) error {
	for _, u := range o.Members {
		if _, err := tx.exec("INSERT INTO request_org_members (city_id, org_id, user_id) VALUES (?,?,?)", o.CityID, o.ID, u); err != nil {
			return err
		}
	}
	for _, e := range o.Estates {
		if _, err := tx.exec("INSERT INTO request_estate_orgs (city_id, estate_id, kind, org_id) VALUES (?,?,?,?)",
			o.CityID, e, string(o.Kind), o.ID); err != nil {
			if constraintKind(err) == "unique" {
				return huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "estate_ids",
					Message: "小区 " + itoa64(e) + " 已有同类责任单位 the estate already has a unit of this kind"})
			}
			return err
		}
	}
	return nil
}

// FindOrganisations lists the organisations of the cities (every city for
// nil), only those with the member when member != 0, by name.
func (db *DB) FindOrganisations(ctx context.Context, cities []int64, member int64) ([]*request.Organisation, error) {
	var w where
	if cities != nil {
		w.in("x.city_id", cities)
	}
	if member != 0 {
		w.add("x.id IN (SELECT org_id FROM request_org_members WHERE user_id = ?)", member)
	}
	rows, err := db.query(ctx, "SELECT x.id, x.city_id, x.kind, x.name, x.inactive, x.created, x.updated FROM request_orgs x"+w.sql()+
		" ORDER BY x.name, x.id", w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*request.Organisation
	byID := map[int64]*request.Organisation{}
	for rows.Next() {
		o := new(request.Organisation)
		if err := rows.Scan(&o.ID, &o.CityID, &o.Kind, &o.Name, stamp{&o.Inactive}, stamp{&o.Created}, stamp{&o.Updated}); err != nil {
			return nil, err
		}
		out = append(out, o)
		byID[o.ID] = o
	}
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]int64, len(out))
	for i, o := range out {
		ids[i] = o.ID
	}
	for _, q := range []struct {
		sql string
		dst func(*request.Organisation) *[]int64
	}{
		{"SELECT org_id, user_id FROM request_org_members", func(o *request.Organisation) *[]int64 { return &o.Members }},
		{"SELECT org_id, estate_id FROM request_estate_orgs", func(o *request.Organisation) *[]int64 { return &o.Estates }},
	} {
		var lw where
		lw.in("org_id", ids)
		lrows, err := db.query(ctx, q.sql+lw.sql()+" ORDER BY 1, 2", lw.args...)
		if err != nil {
			return nil, err
		}
		for lrows.Next() {
			var org, v int64
			if err := lrows.Scan(&org, &v); err != nil {
				lrows.Close()
				return nil, err
			}
			dst := q.dst(byID[org])
			*dst = append(*dst, v)
		}
		lrows.Close()
		if err := lrows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// EstateOrganisation returns the organisation of a kind responsible for an
// estate, or ENOTFOUND.
func (db *DB) EstateOrganisation(ctx context.Context, estateID int64, kind request.UnitKind) (*request.Organisation, error) {
	var o request.Organisation
	err := db.queryRow(ctx, `SELECT o.id, o.city_id, o.kind, o.name, o.inactive, o.created, o.updated FROM request_estate_orgs e
		JOIN request_orgs o ON o.id = e.org_id WHERE e.estate_id = ? AND e.kind = ?`, estateID, string(kind)).
		Scan(&o.ID, &o.CityID, &o.Kind, &o.Name, stamp{&o.Inactive}, stamp{&o.Created}, stamp{&o.Updated})
	if err != nil {
		return nil, mapErr(err)
	}
	return &o, nil
}

var _ request.Store = (*DB)(nil)
