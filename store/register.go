package store

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/estate"
)

// table describes how one register entity maps to SQL, so that finding,
// inserting and updating are written once for all of them.
type table[T any] struct {
	entity string
	name   string // table name; the alias in queries is "x"
	cols   []string
	// values returns the column values in cols order (after city_id).
	values func(db *DB, v *T) []any
	// dest returns scan targets for id, city_id, cols..., created, updated,
	// then extra (the joined display columns).
	dest  func(v *T) []any
	extra string // extra select expressions
	join  string
	// scope returns the condition that limits rows to the scope.
	scope func(s huanxin.Scope, w *where)
	// filter adds the entity's filter conditions.
	filter func(f estate.Filter, w *where)
	order  string
	city   func(v *T) int64
	after  func(db *DB, v *T, f estate.Filter) // fills derived fields after scan
}

func find[T any](ctx context.Context, db *DB, t *table[T], f estate.Filter) ([]*T, int, error) {
	var w where
	t.scope(f.Scope, &w)
	if f.ID != nil {
		w.add("x.id = ?", *f.ID)
	}
	t.filter(f, &w)
	from := " FROM " + t.name + " x" + t.join + w.sql()
	var n int
	if err := db.queryRow(ctx, "SELECT COUNT(*)"+from, w.args...).Scan(&n); err != nil {
		return nil, 0, err
	}
	if n == 0 {
		return nil, 0, nil
	}
	cols := "x.id, x.city_id, x." + strings.Join(t.cols, ", x.") + ", x.created, x.updated" + t.extra
	rows, err := db.query(ctx, "SELECT "+cols+from+" ORDER BY "+t.order+limit(f.Offset, f.Limit), w.args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		v := new(T)
		if err := rows.Scan(t.dest(v)...); err != nil {
			return nil, 0, err
		}
		if t.after != nil {
			t.after(db, v, f)
		}
		out = append(out, v)
	}
	return out, n, rows.Err()
}

// insert stores a new record and audits it; setID receives the new ID.
func insert[T any](ctx context.Context, db *DB, t *table[T], v *T, setID func(int64)) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		return insertTx(tx, t, v, setID)
	})
}

func insertTx[T any](tx *Tx, t *table[T], v *T, setID func(int64)) error {
	cols := "city_id, " + strings.Join(t.cols, ", ") + ", created, updated"
	args := append(append([]any{t.city(v)}, t.values(tx.db, v)...), micro(tx.now), micro(tx.now))
	id, err := tx.insertID("INSERT INTO "+t.name+" ("+cols+") VALUES ("+placeholders(len(t.cols)+3)+")", args...)
	if err != nil {
		return err
	}
	setID(id)
	created, updated := stamps(t, v)
	*created, *updated = tx.now, tx.now
	return tx.Audit(t.city(v), audit.ActionCreate, t.entity, id, v, "")
}

// update writes every column of an existing record and audits it.
func update[T any](ctx context.Context, db *DB, t *table[T], v *T, id int64) error {
	return db.WithTx(ctx, func(tx *Tx) error { return updateTx(tx, t, v, id) })
}

// updateTx is optimistic: the row must still carry the Updated time the
// record was read with, else someone changed it meanwhile (ECONFLICT).
func updateTx[T any](tx *Tx, t *table[T], v *T, id int64) error {
	_, updated := stamps(t, v)
	set := strings.Join(t.cols, " = ?, ") + " = ?, updated = ?"
	args := append(append(t.values(tx.db, v), micro(tx.now)), id, micro(*updated))
	res, err := tx.exec("UPDATE "+t.name+" SET "+set+" WHERE id = ? AND updated = ?", args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return staleOrMissing(tx, t.name, id)
	}
	*updated = tx.now
	return tx.Audit(t.city(v), audit.ActionUpdate, t.entity, id, v, "")
}

// staleOrMissing tells a record changed by someone else from a missing one.
func staleOrMissing(tx *Tx, table string, id int64) error {
	var n int
	if err := tx.queryRow("SELECT COUNT(*) FROM "+table+" WHERE id = ?", id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return huanxin.Errorf(huanxin.ENOTFOUND, "记录不存在 not found")
	}
	return huanxin.Errorf(huanxin.ECONFLICT, "记录已被他人修改，请刷新后重试 the record was changed by someone else; reload and try again")
}

// stamps returns pointers to a record's Created and Updated fields: the
// two stamp scanners among its scan targets.
func stamps[T any](t *table[T], v *T) (created, updated *time.Time) {
	var ss []*time.Time
	for _, d := range t.dest(v) {
		if s, ok := d.(stamp); ok {
			ss = append(ss, s.t)
		}
	}
	return ss[0], ss[1]
}

// scopeEstates limits rows having an estate_id column (or the estates table
// itself, with col "x.id") to the scope.
func scopeEstates(col string) func(huanxin.Scope, *where) {
	return func(s huanxin.Scope, w *where) {
		if s.All {
			return
		}
		var or []string
		for _, p := range s.Paths {
			or = append(or, "jpath LIKE ? ESCAPE '\\'")
			w.args = append(w.args, likeEscape(p)+"%")
		}
		if len(s.EstateIDs) > 0 {
			or = append(or, "id IN ("+placeholders(len(s.EstateIDs))+")")
			for _, id := range s.EstateIDs {
				w.args = append(w.args, id)
			}
		}
		if len(s.PartIDs) > 0 {
			or = append(or, "id IN (SELECT estate_id FROM parts WHERE id IN ("+placeholders(len(s.PartIDs))+"))")
			for _, id := range s.PartIDs {
				w.args = append(w.args, id)
			}
		}
		if len(or) == 0 {
			w.conds = append(w.conds, "1 = 0")
			return
		}
		w.conds = append(w.conds, col+" IN (SELECT id FROM estates WHERE "+strings.Join(or, " OR ")+")")
	}
}

// scopeParts limits rows to a resident's own parts when the scope is
// part-bound (col IN the parts' partCol), else to the scope's estates.
func scopeParts(col, partCol, estateCol string) func(huanxin.Scope, *where) {
	byEstate := scopeEstates(estateCol)
	return func(s huanxin.Scope, w *where) {
		if !s.All && len(s.Paths) == 0 && len(s.EstateIDs) == 0 && len(s.PartIDs) > 0 {
			w.conds = append(w.conds, col+" IN (SELECT "+partCol+" FROM parts WHERE id IN ("+placeholders(len(s.PartIDs))+"))")
			for _, id := range s.PartIDs {
				w.args = append(w.args, id)
			}
			return
		}
		byEstate(s, w)
	}
}

func eq[V any](w *where, col string, v *V) {
	if v != nil {
		w.add(col+" = ?", *v)
	}
}

func itoa64(v int64) string { return strconv.FormatInt(v, 10) }
