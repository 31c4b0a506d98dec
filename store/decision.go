package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/decision"
)

// Entity names of decisions in the audit ledger.
const (
	entityDecision   = "decision"
	entityElectorate = "decision_electorate"
	entityBallot     = "ballot"
	entityDocument   = "decision_document"
	entityObjection  = "decision_objection"
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
			notice_days, objection_days, conflict_rule, allow_change, open_count, created_by, created, updated)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			d.CityID, d.EstateID, d.Title, d.Description, d.Status, d.ScopeKind, joinIDs(d.ScopeIDs), d.NoticeDays,
			d.ObjectionDays, string(d.Conflict), d.AllowChange, d.OpenCount, d.CreatedBy, micro(tx.now), micro(tx.now))
		if err != nil {
			return err
		}
		d.ID, d.Created, d.Updated = id, tx.now, tx.now
		for i := range d.Matters {
			m := &d.Matters[i]
			extra, err := json.Marshal(m.Extra)
			if err != nil {
				return err
			}
			if m.Extra == nil {
				extra = []byte("[]")
			}
			mid, err := tx.insertID(`INSERT INTO decision_matters (city_id, decision_id, position, item, title, extra) VALUES (?,?,?,?,?,?)`,
				d.CityID, d.ID, i+1, int64(m.Item), m.Title, string(extra))
			if err != nil {
				return err
			}
			m.ID = decision.MatterID(mid)
		}
		return tx.Audit(d.CityID, audit.ActionCreate, entityDecision, d.ID, d, "")
	})
}

const decisionCols = `x.id, x.city_id, x.estate_id, x.title, x.description, x.status, x.scope_kind, x.scope_ids,
	x.notice_days, x.objection_days, x.conflict_rule, x.allow_change, x.open_count, x.published_at, x.opens_at, x.closes_at,
	x.announced_at, x.finalized_at, x.created_by, x.created, x.updated`

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
			&d.NoticeDays, &d.ObjectionDays, &d.Conflict, &d.AllowChange, &d.OpenCount, stamp{&d.PublishedAt}, stamp{&d.OpensAt},
			stamp{&d.ClosesAt}, stamp{&d.AnnouncedAt}, stamp{&d.FinalizedAt}, &d.CreatedBy,
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
	mrows, err := db.query(ctx, "SELECT decision_id, id, item, title, extra FROM decision_matters"+mw.sql()+" ORDER BY decision_id, position", mw.args...)
	if err != nil {
		return nil, err
	}
	defer mrows.Close()
	for mrows.Next() {
		var did int64
		var m decision.Matter
		var extra string
		if err := mrows.Scan(&did, &m.ID, &m.Item, &m.Title, &extra); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(extra), &m.Extra); err != nil {
			return nil, err
		}
		if len(m.Extra) == 0 {
			m.Extra = nil
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
	decision.StatusAnnounced: "announced_at",
	decision.StatusFinal:     "finalized_at",
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

// openFor locks a decision inside tx and checks that its status is one of
// those given.
func (tx *Tx) openFor(db *DB, city, id int64, ok ...decision.Status) error {
	return tx.statusIn(db.forUpdate(), city, id, ok)
}

// openToCast checks inside tx that a decision is open, holding a shared
// lock on it (PostgreSQL) until tx ends: casts share it, so they do not
// wait for each other, while a close (an UPDATE of the row) waits for the
// casts that hold it to commit, and a cast that comes after the close
// reads the decision closed. No ballot is stored after the close commits.
func (tx *Tx) openToCast(db *DB, city, id int64) error {
	lock := ""
	if db.Dialect == Postgres {
		lock = " FOR SHARE"
	}
	return tx.statusIn(lock, city, id, []decision.Status{decision.StatusOpen})
}

// statusIn reads the status of a decision with the locking suffix lock and
// checks that it is one of ok.
func (tx *Tx) statusIn(lock string, city, id int64, ok []decision.Status) error {
	var status decision.Status
	if err := tx.queryRow("SELECT status FROM decisions WHERE city_id = ? AND id = ?"+lock, city, id).Scan(&status); err != nil {
		return err
	}
	if !slices.Contains(ok, status) {
		return huanxin.Errorf(huanxin.EINVALID, "表决不在投票期内 the decision is not open for voting")
	}
	return nil
}

// entryJSON encodes the second or review reading of a paper ballot.
func entryJSON(e decision.Entry) (string, error) {
	c, err := choicesJSON(e.Choices)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(storedEntry{Collection: e.Collection, Proxy: e.Proxy, Choices: json.RawMessage(c), Spoiled: e.Spoiled})
	return string(b), err
}

// storedEntry is a reading of a paper ballot as kept in second_entry and
// review_entry.
type storedEntry struct {
	Collection decision.Collection `json:"collection"`
	Proxy      string              `json:"proxy,omitempty"`
	Choices    json.RawMessage     `json:"choices"`
	Spoiled    bool                `json:"spoiled"`
}

func parseEntry(s string, e *decision.Entry) error {
	if s == "" {
		return nil
	}
	var se storedEntry
	if err := json.Unmarshal([]byte(s), &se); err != nil {
		return err
	}
	e.Collection, e.Proxy, e.Spoiled = se.Collection, se.Proxy, se.Spoiled
	return json.Unmarshal(se.Choices, &e.Choices)
}

// CastBallot stores a ballot of an open decision. The unique key on the
// person and channel is what refuses a second ballot: of any number of
// concurrent attempts exactly one is stored, the others fail with
// ECONFLICT.
func (db *DB) CastBallot(ctx context.Context, b *decision.StoredBallot) error {
	choices, err := choicesJSON(b.Choices)
	if err != nil {
		return err
	}
	err = db.WithTx(ctx, func(tx *Tx) error {
		if err := tx.openToCast(db, b.CityID, b.DecisionID); err != nil {
			return err
		}
		id, err := tx.insertID(`INSERT INTO ballots (city_id, decision_id, person, channel, collection, proxy_name, proxy_file_id,
			choices, spoiled, receipt_hash, cast_by, cast_at, state, scan_file_id, scan_sha256, scan_name)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, b.CityID, b.DecisionID, string(b.Person), string(b.Channel),
			string(b.Collection), b.Proxy, b.ProxyFileID, choices, b.Spoiled, b.ReceiptHash, b.CastBy, micro(tx.now),
			string(b.State), b.ScanFileID, b.ScanSHA256, b.ScanName)
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

// ReviseBallot replaces the entry and receipt of a person's online ballot
// in an open decision, keeping the replaced version in ballot_revisions so
// that its receipt code still tells what became of it.
func (db *DB) ReviseBallot(ctx context.Context, b *decision.StoredBallot) error {
	choices, err := choicesJSON(b.Choices)
	if err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx *Tx) error {
		if err := tx.openFor(db, b.CityID, b.DecisionID, decision.StatusOpen); err != nil {
			return err
		}
		prev, err := scanBallot(tx.queryRow("SELECT "+ballotCols+" FROM ballots WHERE city_id = ? AND decision_id = ? AND person = ? AND channel = ?",
			b.CityID, b.DecisionID, string(b.Person), string(decision.ChannelOnline)))
		if err != nil {
			return mapErr(err)
		}
		old, err := choicesJSON(prev.Choices)
		if err != nil {
			return err
		}
		if _, err := tx.exec(`INSERT INTO ballot_revisions (city_id, decision_id, ballot_id, receipt_hash, choices, spoiled, cast_at, replaced_at)
			VALUES (?,?,?,?,?,?,?,?)`, prev.CityID, prev.DecisionID, prev.ID, prev.ReceiptHash, old, prev.Spoiled,
			micro(cmp.Or(prev.RevisedAt, prev.CastAt)), micro(tx.now)); err != nil {
			return err
		}
		if _, err := tx.exec("UPDATE ballots SET choices = ?, spoiled = ?, receipt_hash = ?, revised_at = ? WHERE id = ?",
			choices, b.Spoiled, b.ReceiptHash, micro(tx.now), prev.ID); err != nil {
			return err
		}
		b.ID, b.CastAt, b.RevisedAt = prev.ID, prev.CastAt, tx.now
		return tx.Audit(b.CityID, audit.ActionUpdate, entityBallot, b.ID, b, "revised")
	})
}

// ConfirmBallot stores the second entry of a pending paper ballot of an
// open or closed decision, with its new state and receipt hash. Of
// concurrent second entries exactly one is stored; the others fail with
// ECONFLICT.
func (db *DB) ConfirmBallot(ctx context.Context, b *decision.StoredBallot) error {
	second, err := entryJSON(b.Second)
	if err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx *Tx) error {
		if err := tx.openFor(db, b.CityID, b.DecisionID, decision.StatusOpen, decision.StatusClosed); err != nil {
			return err
		}
		res, err := tx.exec(`UPDATE ballots SET state = ?, receipt_hash = ?, scan_file_id = ?, scan_sha256 = ?, scan_name = ?,
			proxy_file_id = ?, second_by = ?, second_entry = ?, second_at = ? WHERE id = ? AND state = ?`,
			string(b.State), b.ReceiptHash, b.ScanFileID, b.ScanSHA256, b.ScanName, b.ProxyFileID, b.SecondBy, second,
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

// ReviewBallot stores the reading that settles a mismatched paper ballot
// of an open or closed decision, with its new state and receipt hash.
func (db *DB) ReviewBallot(ctx context.Context, b *decision.StoredBallot) error {
	review, err := entryJSON(b.Review)
	if err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx *Tx) error {
		if err := tx.openFor(db, b.CityID, b.DecisionID, decision.StatusOpen, decision.StatusClosed); err != nil {
			return err
		}
		res, err := tx.exec(`UPDATE ballots SET state = ?, receipt_hash = ?, review_by = ?, review_entry = ?, review_note = ?,
			review_at = ? WHERE id = ? AND state = ?`, string(b.State), b.ReceiptHash, b.ReviewBy, review, b.ReviewNote,
			micro(tx.now), b.ID, string(decision.BallotMismatched))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return huanxin.Errorf(huanxin.ECONFLICT, "此票已复核，请刷新 the ballot has already been reviewed; reload")
		}
		b.ReviewAt = tx.now
		return tx.Audit(b.CityID, audit.ActionUpdate, entityBallot, b.ID, b, "reviewed")
	})
}

// cityOfDecision names the city of the decision given as the next
// argument, so that reads by decision use the ballots' key, which starts
// with the city.
const cityOfDecision = "(SELECT city_id FROM decisions WHERE id = ?)"

const ballotCols = `id, city_id, decision_id, person, channel, collection, proxy_name, proxy_file_id, choices, spoiled,
	receipt_hash, cast_by, cast_at, revised_at, state, scan_file_id, scan_sha256, scan_name, second_by, second_entry, second_at,
	review_by, review_entry, review_note, review_at`

func scanBallot(sc interface{ Scan(...any) error }) (*decision.StoredBallot, error) {
	b := new(decision.StoredBallot)
	var choices []byte
	var second, review string
	if err := sc.Scan(&b.ID, &b.CityID, &b.DecisionID, &b.Person, &b.Channel, &b.Collection, &b.Proxy, &b.ProxyFileID,
		&choices, &b.Spoiled, &b.ReceiptHash, &b.CastBy, stamp{&b.CastAt}, stamp{&b.RevisedAt}, &b.State, &b.ScanFileID,
		&b.ScanSHA256, &b.ScanName, &b.SecondBy, &second, stamp{&b.SecondAt}, &b.ReviewBy, &review, &b.ReviewNote,
		stamp{&b.ReviewAt}); err != nil {
		return nil, err
	}
	var err error
	if b.Choices, err = decodeChoices(choices); err != nil {
		return nil, err
	}
	if err := parseEntry(second, &b.Second); err != nil {
		return nil, err
	}
	return b, parseEntry(review, &b.Review)
}

// FindBallot returns the ballot of a person on a channel, or ENOTFOUND.
func (db *DB) FindBallot(ctx context.Context, id int64, person decision.PersonID, ch decision.Channel) (*decision.StoredBallot, error) {
	b, err := scanBallot(db.queryRow(ctx, "SELECT "+ballotCols+" FROM ballots WHERE city_id = "+cityOfDecision+
		" AND decision_id = ? AND person = ? AND channel = ?", id, id, string(person), string(ch)))
	if err != nil {
		return nil, mapErr(err)
	}
	return b, nil
}

// Ballots lists the ballots of a decision in the order they were cast,
// read by the ballots' key (BallotsOf).
func (db *DB) Ballots(ctx context.Context, id int64) ([]*decision.StoredBallot, error) {
	var city int64
	if err := db.queryRow(ctx, "SELECT city_id FROM decisions WHERE id = ?", id).Scan(&city); err != nil {
		return nil, mapErr(err)
	}
	return db.BallotsOf(ctx, city, id)
}

// FindReceipt returns the counted ballot with the receipt hash; for the
// receipt of a replaced online ballot, the ballot that replaced it and
// the time it was replaced; else ENOTFOUND.
func (db *DB) FindReceipt(ctx context.Context, hash []byte) (*decision.StoredBallot, time.Time, error) {
	b, err := scanBallot(db.queryRow(ctx, "SELECT "+ballotCols+" FROM ballots WHERE receipt_hash = ? AND state = ?", hash,
		string(decision.BallotCounted)))
	if err == nil || !errors.Is(err, sql.ErrNoRows) {
		return b, time.Time{}, mapErr(err)
	}
	var id int64
	var castAt, replaced time.Time
	var old string
	var spoiled bool
	if err := db.queryRow(ctx, "SELECT ballot_id, cast_at, replaced_at, choices, spoiled FROM ballot_revisions WHERE receipt_hash = ?", hash).
		Scan(&id, stamp{&castAt}, stamp{&replaced}, &old, &spoiled); err != nil {
		return nil, time.Time{}, mapErr(err)
	}
	if b, err = scanBallot(db.queryRow(ctx, "SELECT "+ballotCols+" FROM ballots WHERE id = ?", id)); err != nil {
		return nil, time.Time{}, mapErr(err)
	}
	// The receipt shows the ballot as it was when the code was handed out.
	b.CastAt, b.Spoiled = castAt, spoiled
	return b, replaced, json.Unmarshal([]byte(old), &b.Choices)
}

// AddDocument attaches a stored file to a draft decision.
func (db *DB) AddDocument(ctx context.Context, doc *decision.Document) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if err := tx.openFor(db, doc.CityID, doc.DecisionID, decision.StatusDraft); err != nil {
			return huanxin.Errorf(huanxin.EINVALID, "表决已公告，附件不能再改动 the decision has been published; its documents are fixed")
		}
		if _, err := tx.exec(`INSERT INTO decision_documents (city_id, decision_id, file_id, title, sha256, added_by, added)
			VALUES (?,?,?,?,?,?,?)`, doc.CityID, doc.DecisionID, doc.FileID, doc.Title, doc.SHA256, doc.AddedBy, micro(tx.now)); err != nil {
			if huanxin.ErrorCode(err) == huanxin.ECONFLICT {
				return huanxin.Errorf(huanxin.ECONFLICT, "该文件已附在本表决 the file is already attached")
			}
			return err
		}
		doc.Added = tx.now
		return tx.Audit(doc.CityID, audit.ActionCreate, entityDocument, doc.DecisionID, doc, doc.Title)
	})
}

// RemoveDocument detaches a file from a draft decision.
func (db *DB) RemoveDocument(ctx context.Context, decisionID, fileID int64) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		var city int64
		if err := tx.queryRow("SELECT city_id FROM decisions WHERE id = ?", decisionID).Scan(&city); err != nil {
			return err
		}
		if err := tx.openFor(db, city, decisionID, decision.StatusDraft); err != nil {
			return huanxin.Errorf(huanxin.EINVALID, "表决已公告，附件不能再改动 the decision has been published; its documents are fixed")
		}
		res, err := tx.exec("DELETE FROM decision_documents WHERE city_id = ? AND decision_id = ? AND file_id = ?", city, decisionID, fileID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return huanxin.Errorf(huanxin.ENOTFOUND, "附件不存在 no such document")
		}
		return tx.Audit(city, audit.ActionDelete, entityDocument, decisionID, map[string]int64{"file_id": fileID}, "")
	})
}

// Documents lists the documents of a decision in the order they were added.
func (db *DB) Documents(ctx context.Context, decisionID int64) ([]decision.Document, error) {
	rows, err := db.query(ctx, `SELECT city_id, decision_id, file_id, title, sha256, added_by, added FROM decision_documents
		WHERE decision_id = ? ORDER BY added, file_id`, decisionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []decision.Document
	for rows.Next() {
		var d decision.Document
		if err := rows.Scan(&d.CityID, &d.DecisionID, &d.FileID, &d.Title, &d.SHA256, &d.AddedBy, stamp{&d.Added}); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// CreateObjection stores an objection to an announced result.
func (db *DB) CreateObjection(ctx context.Context, o *decision.Objection) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if err := tx.openFor(db, o.CityID, o.DecisionID, decision.StatusAnnounced); err != nil {
			return huanxin.Errorf(huanxin.EINVALID, "不在公示期内 the result is not in its objection period")
		}
		id, err := tx.insertID("INSERT INTO decision_objections (city_id, decision_id, raised_by, on_behalf, body, raised) VALUES (?,?,?,?,?,?)",
			o.CityID, o.DecisionID, o.RaisedBy, o.OnBehalfOf, o.Body, micro(tx.now))
		if err != nil {
			return err
		}
		o.ID, o.Raised = id, tx.now
		return tx.Audit(o.CityID, audit.ActionCreate, entityObjection, id, o, "")
	})
}

// AnswerObjection stores the answer to an unanswered objection.
func (db *DB) AnswerObjection(ctx context.Context, o *decision.Objection) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(`UPDATE decision_objections SET answer = ?, answered_by = ?, answered = ?
			WHERE city_id = ? AND id = ? AND answered_by = 0`, o.Answer, o.AnsweredBy, micro(tx.now), o.CityID, o.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return huanxin.Errorf(huanxin.ECONFLICT, "该异议已答复 the objection has already been answered")
		}
		o.Answered = tx.now
		return tx.Audit(o.CityID, audit.ActionUpdate, entityObjection, o.ID, o, "answered")
	})
}

// Objections lists the objections to a decision, oldest first.
func (db *DB) Objections(ctx context.Context, decisionID int64) ([]decision.Objection, error) {
	rows, err := db.query(ctx, `SELECT id, city_id, decision_id, raised_by, on_behalf, body, raised, answer, answered_by, answered
		FROM decision_objections WHERE decision_id = ? ORDER BY raised, id`, decisionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []decision.Objection
	for rows.Next() {
		var o decision.Objection
		if err := rows.Scan(&o.ID, &o.CityID, &o.DecisionID, &o.RaisedBy, &o.OnBehalfOf, &o.Body, stamp{&o.Raised}, &o.Answer, &o.AnsweredBy,
			stamp{&o.Answered}); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
