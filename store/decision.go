package store

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/decision"
)

// Entity names of decisions in the audit ledger.
const (
	entityDecision   = "decision"
	entityElectorate = "decision_electorate"
	entityBallot     = "ballot"
)

func joinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ",")
}

func splitIDs(s string) ([]int64, error) {
	if s == "" {
		return nil, nil
	}
	var out []int64
	for _, f := range strings.Split(s, ",") {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

// CreateDecision stores a decision with its matters, setting their IDs.
func (db *DB) CreateDecision(ctx context.Context, d *decision.Decision) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		id, err := tx.insertID(`INSERT INTO decisions (city_id, estate_id, title, description, status, scope_kind, scope_ids,
			notice_days, published_at, opens_at, closes_at, created_by, created, updated) VALUES (?,?,?,?,?,?,?,?,0,0,0,?,?,?)`,
			d.CityID, d.EstateID, d.Title, d.Description, d.Status, d.ScopeKind, joinIDs(d.ScopeIDs), d.NoticeDays,
			d.CreatedBy, micro(tx.now), micro(tx.now))
		if err != nil {
			return err
		}
		d.ID, d.Created, d.Updated = id, tx.now, tx.now
		for i := range d.Matters {
			m := &d.Matters[i]
			mid, err := tx.insertID(`INSERT INTO decision_matters (city_id, decision_id, position, item, title) VALUES (?,?,?,?,?)`,
				d.CityID, d.ID, i+1, int64(m.Item), m.Title)
			if err != nil {
				return err
			}
			m.ID = decision.MatterID(mid)
		}
		return tx.Audit(d.CityID, audit.ActionCreate, entityDecision, d.ID, d, "")
	})
}

const decisionCols = `x.id, x.city_id, x.estate_id, x.title, x.description, x.status, x.scope_kind, x.scope_ids,
	x.notice_days, x.published_at, x.opens_at, x.closes_at, x.created_by, x.created, x.updated`

// FindDecisions lists the decisions of an estate within the scope, newest
// first, with their matters.
func (db *DB) FindDecisions(ctx context.Context, s huanxin.Scope, estateID int64) ([]*decision.Decision, error) {
	var w where
	scopeEstates("x.estate_id")(s, &w)
	w.add("x.estate_id = ?", estateID)
	return db.findDecisions(ctx, w)
}

// FindDecisionByID returns a decision within the scope, or ENOTFOUND.
func (db *DB) FindDecisionByID(ctx context.Context, s huanxin.Scope, id int64) (*decision.Decision, error) {
	var w where
	scopeEstates("x.estate_id")(s, &w)
	w.add("x.id = ?", id)
	ds, err := db.findDecisions(ctx, w)
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, huanxin.Errorf(huanxin.ENOTFOUND, "表决不存在或不在您的管辖范围 decision not found")
	}
	return ds[0], nil
}

func (db *DB) findDecisions(ctx context.Context, w where) ([]*decision.Decision, error) {
	rows, err := db.query(ctx, "SELECT "+decisionCols+" FROM decisions x"+w.sql()+" ORDER BY x.created DESC, x.id DESC", w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*decision.Decision
	byID := map[int64]*decision.Decision{}
	for rows.Next() {
		d := new(decision.Decision)
		var scope string
		if err := rows.Scan(&d.ID, &d.CityID, &d.EstateID, &d.Title, &d.Description, &d.Status, &d.ScopeKind, &scope,
			&d.NoticeDays, stamp{&d.PublishedAt}, stamp{&d.OpensAt}, stamp{&d.ClosesAt}, &d.CreatedBy,
			stamp{&d.Created}, stamp{&d.Updated}); err != nil {
			return nil, err
		}
		if d.ScopeIDs, err = splitIDs(scope); err != nil {
			return nil, err
		}
		out = append(out, d)
		byID[d.ID] = d
	}
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]int64, 0, len(out))
	for _, d := range out {
		ids = append(ids, d.ID)
	}
	var mw where
	mw.in("decision_id", ids)
	mrows, err := db.query(ctx, "SELECT decision_id, id, item, title FROM decision_matters"+mw.sql()+" ORDER BY decision_id, position", mw.args...)
	if err != nil {
		return nil, err
	}
	defer mrows.Close()
	for mrows.Next() {
		var did int64
		var m decision.Matter
		if err := mrows.Scan(&did, &m.ID, &m.Item, &m.Title); err != nil {
			return nil, err
		}
		d := byID[did]
		d.Matters = append(d.Matters, m)
	}
	return out, mrows.Err()
}

// statusStamp names the time column a status change sets, if any.
var statusStamp = map[decision.Status]string{
	decision.StatusPublished: "published_at",
	decision.StatusOpen:      "opens_at",
	decision.StatusClosed:    "closes_at",
}

// setStatus moves a decision from one status to another inside tx.
func (tx *Tx) setStatus(id int64, from, to decision.Status) error {
	set := "status = ?, updated = ?"
	args := []any{to, micro(tx.now)}
	if col, ok := statusStamp[to]; ok {
		set += ", " + col + " = ?"
		args = append(args, micro(tx.now))
	}
	res, err := tx.exec("UPDATE decisions SET "+set+" WHERE id = ? AND status = ?", append(args, id, from)...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		if err := staleOrMissing(tx, "decisions", id); huanxin.ErrorCode(err) == huanxin.ENOTFOUND {
			return err
		}
		return huanxin.Errorf(huanxin.ECONFLICT, "表决状态已被他人改变，请刷新 the decision's status was changed meanwhile; reload")
	}
	var city int64
	if err := tx.queryRow("SELECT city_id FROM decisions WHERE id = ?", id).Scan(&city); err != nil {
		return err
	}
	return tx.Audit(city, audit.ActionUpdate, entityDecision, id, map[string]any{"from": from, "to": to}, string(from)+" -> "+string(to))
}

// AnnounceDecision moves a closed decision to announced and keeps the
// digest of the result announced, in one transaction.
func (db *DB) AnnounceDecision(ctx context.Context, id int64, digest string) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if err := tx.setStatus(id, decision.StatusClosed, decision.StatusAnnounced); err != nil {
			return err
		}
		_, err := tx.exec("UPDATE decisions SET result_digest = ? WHERE id = ?", digest, id)
		return err
	})
}

// DecisionResultDigest returns the digest of a decision's announced
// result ("" before announcement).
func (db *DB) DecisionResultDigest(ctx context.Context, id int64) (string, error) {
	var d string
	return d, mapErr(db.queryRow(ctx, "SELECT result_digest FROM decisions WHERE id = ?", id).Scan(&d))
}

// SetDecisionStatus moves a decision from one status to another, stamping
// publication, opening and closing times; ECONFLICT when it is no longer in
// from.
func (db *DB) SetDecisionStatus(ctx context.Context, id int64, from, to decision.Status) error {
	return db.WithTx(ctx, func(tx *Tx) error { return tx.setStatus(id, from, to) })
}

// FreezeElectorate stores the electorate of a published decision and opens
// it, in one transaction. It refuses a decision whose electorate is
// already frozen or that is not published.
func (db *DB) FreezeElectorate(ctx context.Context, id int64, e decision.Electorate) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		var city int64
		var status decision.Status
		if err := tx.queryRow("SELECT city_id, status FROM decisions WHERE id = ?"+db.forUpdate(), id).Scan(&city, &status); err != nil {
			return err
		}
		var n int
		if err := tx.queryRow("SELECT COUNT(*) FROM decision_voters WHERE city_id = ? AND decision_id = ?", city, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 || status != decision.StatusPublished {
			return huanxin.Errorf(huanxin.ECONFLICT, "投票人名单已冻结或表决未在公告阶段 the electorate is already frozen or the decision is not published")
		}
		for _, v := range e.Voters {
			owners, err := json.Marshal(v.Owners)
			if err != nil {
				return err
			}
			parts, err := json.Marshal(v.Parts)
			if err != nil {
				return err
			}
			if _, err := tx.exec(`INSERT INTO decision_voters (city_id, decision_id, person, representative, area, owners, parts)
				VALUES (?,?,?,?,?,?,?)`, city, id, string(v.ID), v.Representative, int64(v.Area), string(owners), string(parts)); err != nil {
				return err
			}
		}
		if err := tx.Audit(city, audit.ActionCreate, entityElectorate, id, e, ""); err != nil {
			return err
		}
		return tx.setStatus(id, decision.StatusPublished, decision.StatusOpen)
	})
}

// Electorate loads the frozen electorate of a decision.
func (db *DB) Electorate(ctx context.Context, id int64) (decision.Electorate, error) {
	var e decision.Electorate
	rows, err := db.query(ctx, `SELECT v.person, v.representative, v.area, v.owners, v.parts FROM decision_voters v
		JOIN decisions d ON d.city_id = v.city_id AND d.id = v.decision_id WHERE d.id = ? ORDER BY v.person`, id)
	if err != nil {
		return e, err
	}
	defer rows.Close()
	for rows.Next() {
		var v decision.Voter
		var owners, parts string
		if err := rows.Scan(&v.ID, &v.Representative, &v.Area, &owners, &parts); err != nil {
			return e, err
		}
		if err := json.Unmarshal([]byte(owners), &v.Owners); err != nil {
			return e, err
		}
		if err := json.Unmarshal([]byte(parts), &v.Parts); err != nil {
			return e, err
		}
		e.Voters = append(e.Voters, v)
		e.TotalArea += v.Area
	}
	e.TotalPersons = int64(len(e.Voters))
	return e, rows.Err()
}

// choicesJSON encodes choices with matter IDs as keys, in key order.
func choicesJSON(c map[decision.MatterID]decision.Choice) (string, error) {
	if c == nil {
		c = map[decision.MatterID]decision.Choice{}
	}
	b, err := json.Marshal(c)
	return string(b), err
}

// CastBallot stores a ballot of an open decision. The unique key on the
// person is what refuses a second ballot: of any number of concurrent
// attempts exactly one is stored, the others fail with ECONFLICT.
func (db *DB) CastBallot(ctx context.Context, b *decision.StoredBallot) error {
	choices, err := choicesJSON(b.Choices)
	if err != nil {
		return err
	}
	err = db.WithTx(ctx, func(tx *Tx) error {
		var status decision.Status
		if err := tx.queryRow("SELECT status FROM decisions WHERE city_id = ? AND id = ?"+db.forUpdate(), b.CityID, b.DecisionID).
			Scan(&status); err != nil {
			return err
		}
		if status != decision.StatusOpen {
			return huanxin.Errorf(huanxin.EINVALID, "表决不在投票期内 the decision is not open for voting")
		}
		id, err := tx.insertID(`INSERT INTO ballots (city_id, decision_id, person, channel, choices, spoiled, receipt_hash, cast_by, cast_at,
			state, scan_sha256, scan_name) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`, b.CityID, b.DecisionID, string(b.Person), string(b.Channel),
			choices, b.Spoiled, b.ReceiptHash, b.CastBy, micro(tx.now), string(b.State), b.ScanSHA256, b.ScanName)
		if err != nil {
			return err
		}
		b.ID, b.CastAt = id, tx.now
		return tx.Audit(b.CityID, audit.ActionCreate, entityBallot, id, b, string(b.Channel))
	})
	if huanxin.ErrorCode(err) == huanxin.ECONFLICT {
		return huanxin.Errorf(huanxin.ECONFLICT, "此人已投票，不能重复投票 this person has already voted")
	}
	return err
}

// ConfirmBallot stores the second entry of a pending off-line ballot of an
// open decision, with its new state and receipt hash. Of concurrent second
// entries exactly one is stored; the others fail with ECONFLICT.
func (db *DB) ConfirmBallot(ctx context.Context, b *decision.StoredBallot) error {
	second, err := choicesJSON(b.SecondChoices)
	if err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx *Tx) error {
		var status decision.Status
		if err := tx.queryRow("SELECT status FROM decisions WHERE city_id = ? AND id = ?"+db.forUpdate(), b.CityID, b.DecisionID).
			Scan(&status); err != nil {
			return err
		}
		if status != decision.StatusOpen {
			return huanxin.Errorf(huanxin.EINVALID, "表决不在投票期内 the decision is not open for voting")
		}
		res, err := tx.exec(`UPDATE ballots SET state = ?, receipt_hash = ?, scan_sha256 = ?, scan_name = ?, second_by = ?,
			second_channel = ?, second_choices = ?, second_spoiled = ?, second_at = ? WHERE id = ? AND state = ?`,
			string(b.State), b.ReceiptHash, b.ScanSHA256, b.ScanName, b.SecondBy, string(b.SecondChannel), second, b.SecondSpoiled,
			micro(tx.now), b.ID, string(decision.BallotPending))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return huanxin.Errorf(huanxin.ECONFLICT, "此票已复核录入，请刷新 the ballot's second entry has already been made; reload")
		}
		b.SecondAt = tx.now
		return tx.Audit(b.CityID, audit.ActionUpdate, entityBallot, b.ID, b, string(b.State))
	})
}

const ballotCols = `id, city_id, decision_id, person, channel, choices, spoiled, receipt_hash, cast_by, cast_at,
	state, scan_sha256, scan_name, second_by, second_channel, second_choices, second_spoiled, second_at`

func scanBallot(sc interface{ Scan(...any) error }) (*decision.StoredBallot, error) {
	b := new(decision.StoredBallot)
	var choices, second string
	if err := sc.Scan(&b.ID, &b.CityID, &b.DecisionID, &b.Person, &b.Channel, &choices, &b.Spoiled, &b.ReceiptHash,
		&b.CastBy, stamp{&b.CastAt}, &b.State, &b.ScanSHA256, &b.ScanName, &b.SecondBy, &b.SecondChannel, &second,
		&b.SecondSpoiled, stamp{&b.SecondAt}); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(choices), &b.Choices); err != nil {
		return nil, err
	}
	if second != "" {
		if err := json.Unmarshal([]byte(second), &b.SecondChoices); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// FindBallot returns the ballot of a person in a decision, or ENOTFOUND.
func (db *DB) FindBallot(ctx context.Context, id int64, person decision.PersonID) (*decision.StoredBallot, error) {
	b, err := scanBallot(db.queryRow(ctx, "SELECT "+ballotCols+" FROM ballots WHERE decision_id = ? AND person = ?", id, string(person)))
	if err != nil {
		return nil, mapErr(err)
	}
	return b, nil
}

// Ballots lists the ballots of a decision in the order they were cast.
func (db *DB) Ballots(ctx context.Context, id int64) ([]*decision.StoredBallot, error) {
	rows, err := db.query(ctx, "SELECT "+ballotCols+" FROM ballots WHERE decision_id = ? ORDER BY id", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*decision.StoredBallot
	for rows.Next() {
		b, err := scanBallot(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// FindReceipt returns the counted ballot with the receipt hash, or
// ENOTFOUND.
func (db *DB) FindReceipt(ctx context.Context, hash []byte) (*decision.StoredBallot, error) {
	b, err := scanBallot(db.queryRow(ctx, "SELECT "+ballotCols+" FROM ballots WHERE receipt_hash = ? AND state = ?", hash,
		string(decision.BallotCounted)))
	if err != nil {
		return nil, mapErr(err)
	}
	return b, nil
}
