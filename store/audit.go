package store

import (
	"context"
	"strings"

	"github.com/huanxin/huanxin/audit"
)

// Audit appends an entry to the city's chain inside the transaction: the
// chain head is locked, so concurrent writers of one city queue here.
func (tx *Tx) Audit(cityID int64, action, entity string, entityID int64, state any, detail string) error {
	if _, err := tx.exec(`INSERT INTO audit_head (city_id, seq, hash) VALUES (?, 0, ?) ON CONFLICT (city_id) DO NOTHING`,
		cityID, audit.Genesis); err != nil {
		return err
	}
	e := audit.Entry{CityID: cityID, At: tx.now, ActorID: tx.actor.UserID, ActorName: tx.actor.Name,
		OnBehalf: tx.actor.OnBehalfOf, Action: action, Entity: entity, EntityID: entityID, Detail: detail}
	if state != nil {
		e.Digest = audit.Digest(state)
	}
	if err := tx.queryRow(`SELECT seq, hash FROM audit_head WHERE city_id = ?`+tx.db.forUpdate(), cityID).
		Scan(&e.Seq, &e.PrevHash); err != nil {
		return err
	}
	e.Seq++
	e.Hash = e.ComputeHash()
	if _, err := tx.exec(`INSERT INTO audit (city_id, seq, at, actor_id, actor_name, on_behalf, action, entity,
		entity_id, digest, detail, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		e.CityID, e.Seq, micro(e.At), e.ActorID, e.ActorName, e.OnBehalf, e.Action, e.Entity,
		e.EntityID, e.Digest, e.Detail, e.PrevHash, e.Hash); err != nil {
		return err
	}
	_, err := tx.exec(`UPDATE audit_head SET seq = ?, hash = ? WHERE city_id = ?`, e.Seq, e.Hash, cityID)
	return err
}

// Audit records an event that changes nothing else (sign-in, export) in its
// own transaction.
func (db *DB) Audit(ctx context.Context, cityID int64, action, entity string, entityID int64, detail string) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		return tx.Audit(cityID, action, entity, entityID, nil, detail)
	})
}

const auditCols = `city_id, seq, at, actor_id, actor_name, on_behalf, action, entity, entity_id, digest, detail, prev_hash, hash`

func scanAudit(sc interface{ Scan(...any) error }) (*audit.Entry, error) {
	var e audit.Entry
	var at int64
	err := sc.Scan(&e.CityID, &e.Seq, &at, &e.ActorID, &e.ActorName, &e.OnBehalf, &e.Action, &e.Entity,
		&e.EntityID, &e.Digest, &e.Detail, &e.PrevHash, &e.Hash)
	e.At = fromMicro(at)
	return &e, err
}

// FindAudit lists ledger entries, newest first, with the total count.
// Cities limits the chains searched (nil: all).
func (db *DB) FindAudit(ctx context.Context, f audit.Filter, cities []int64) ([]*audit.Entry, int, error) {
	var w where
	if cities != nil {
		w.in("city_id", cities)
	}
	if f.CityID != nil {
		w.add("city_id = ?", *f.CityID)
	}
	if f.ActorID != nil {
		w.add("actor_id = ?", *f.ActorID)
	}
	if f.Action != "" {
		w.add("action = ?", f.Action)
	}
	if f.Entity != "" {
		w.add("entity = ?", f.Entity)
	}
	if f.EntityID != nil {
		w.add("entity_id = ?", *f.EntityID)
	}
	if !f.From.IsZero() {
		w.add("at >= ?", micro(f.From))
	}
	if !f.To.IsZero() {
		w.add("at < ?", micro(f.To))
	}
	var n int
	if err := db.queryRow(ctx, "SELECT COUNT(*) FROM audit"+w.sql(), w.args...).Scan(&n); err != nil {
		return nil, 0, err
	}
	rows, err := db.query(ctx, "SELECT "+auditCols+" FROM audit"+w.sql()+" ORDER BY at DESC, city_id, seq DESC"+limit(f.Offset, f.Limit), w.args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*audit.Entry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, e)
	}
	return out, n, rows.Err()
}

// VerifyAudit recomputes every chain and returns the first break, or nil,
// with the number of entries checked.
func (db *DB) VerifyAudit(ctx context.Context) (*audit.Break, int64, error) {
	rows, err := db.query(ctx, "SELECT "+auditCols+" FROM audit ORDER BY city_id, seq")
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var v audit.Verifier
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, v.Checked, err
		}
		if b := v.Check(e); b != nil {
			return b, v.Checked, nil
		}
	}
	if err := rows.Err(); err != nil {
		return nil, v.Checked, err
	}
	// The head must match the last entry: a truncated tail is a break too.
	heads, err := db.query(ctx, "SELECT h.city_id, h.seq, COALESCE(MAX(a.seq), 0) FROM audit_head h LEFT JOIN audit a ON a.city_id = h.city_id GROUP BY h.city_id, h.seq")
	if err != nil {
		return nil, v.Checked, err
	}
	defer heads.Close()
	for heads.Next() {
		var city, seq, max int64
		if err := heads.Scan(&city, &seq, &max); err != nil {
			return nil, v.Checked, err
		}
		if seq != max {
			return &audit.Break{CityID: city, Seq: max + 1, Reason: "链尾缺失 entries missing at the end of the chain"}, v.Checked, nil
		}
	}
	return nil, v.Checked, heads.Err()
}

// where accumulates AND-ed conditions and their arguments.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

// in adds "col IN (?,?,...)"; an empty list matches nothing.
func (w *where) in(col string, ids []int64) {
	if len(ids) == 0 {
		w.conds = append(w.conds, "1 = 0")
		return
	}
	w.conds = append(w.conds, col+" IN ("+placeholders(len(ids))+")")
	for _, id := range ids {
		w.args = append(w.args, id)
	}
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

func limit(offset, n int) string {
	if n <= 0 {
		n = 50
	} else if n > 1000 {
		n = 1000
	}
	if offset < 0 {
		offset = 0
	}
	return " LIMIT " + itoa(n) + " OFFSET " + itoa(offset)
}

// likeEscape escapes LIKE wildcards in user input; queries use ESCAPE '\'.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
