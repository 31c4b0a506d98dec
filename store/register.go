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
	if f.ID != nil { // a lookup by ID: never cached, it must see what another server just wrote
		out, err := scanPage(ctx, db, t, f, w)
		return out, len(out), err
	}
	// A page is read in three steps: the count and the page's IDs from the
	// filters and the order alone (which indexes can cover; filters refer
	// to the table's own columns, so no join is needed), then the page's
	// rows by ID with their display joins, so that joins and wide rows are
	// read for one page rather than for every match. The list cache keeps
	// the result until the next write.
	gen := db.lists.gen.Load()
	idQ := "SELECT x.id FROM " + t.name + " x" + w.sql() + " ORDER BY " + t.order + limit(f.Offset, f.Limit)
	key := cacheKey(idQ, w.args)
	if f.WithPII {
		key += "\x00pii"
	}
	if e, ok := db.lists.get(key); ok {
		return copies(e.rows.([]*T)), e.n, nil
	}
	r, err, _ := db.lists.load.Do(key, func() (any, error) {
		// The count does not depend on the page, so the pages of one list
		// share it.
		var e listEntry
		countQ := "SELECT COUNT(*) FROM " + t.name + " x" + w.sql()
		countKey := cacheKey(countQ, w.args)
		if c, ok := db.lists.get(countKey); ok {
			e.n = c.n
		} else if err := db.queryRow(ctx, countQ, w.args...).Scan(&e.n); err != nil {
			return e, err
		} else {
			db.lists.put(countKey, gen, listEntry{n: e.n})
		}
		var out []*T
		if e.n > 0 {
			ids, err := db.ids(ctx, idQ, w.args)
			if err != nil {
				return e, err
			}
			if len(ids) > 0 {
				var page where
				page.in("x.id", ids)
				if out, err = scanPage(ctx, db, t, f, page); err != nil {
					return e, err
				}
			}
		}
		e.rows = out
		db.lists.put(key, gen, e)
		return e, nil
	})
	if err != nil {
		return nil, 0, err
	}
	e := r.(listEntry)
	return copies(e.rows.([]*T)), e.n, nil
}

// scanPage reads the rows matching w with their display joins.
func scanPage[T any](ctx context.Context, db *DB, t *table[T], f estate.Filter, w where) ([]*T, error) {
	cols := "x.id, x.city_id, x." + strings.Join(t.cols, ", x.") + ", x.created, x.updated" + t.extra
	rows, err := db.query(ctx, "SELECT "+cols+" FROM "+t.name+" x"+t.join+w.sql()+" ORDER BY "+t.order+limit(0, f.Limit), w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		v := new(T)
		if err := rows.Scan(t.dest(v)...); err != nil {
			return nil, err
		}
		if t.after != nil {
			t.after(db, v, f)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// copies returns fresh copies of cached records, so that callers may
// change what they get without changing the cache.
func copies[T any](rows []*T) []*T {
	out := make([]*T, len(rows))
	for i, v := range rows {
		c := *v
		out[i] = &c
	}
	return out
}

// ids runs a query returning one ID column.
func (db *DB) ids(ctx context.Context, query string, args []any) ([]int64, error) {
	rows, err := db.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
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
// itself, with col "x.id") to the scope. On the estates table the condition
// is on the row itself; elsewhere a correlated EXISTS, so that a query
// already narrowed to an estate checks just that estate.
func scopeEstates(col string) func(huanxin.Scope, *where) {
	return func(s huanxin.Scope, w *where) {
		if s.All {
			return
		}
		alias := "x"
		if col != "x.id" {
			alias = "se"
		}
		var or []string
		var args []any
		for _, p := range s.Paths {
			or = append(or, pathPrefix(alias+".jpath"))
			lo, hi := prefixRange(p)
			args = append(args, lo, hi)
		}
		if len(s.EstateIDs) > 0 {
			or = append(or, alias+".id IN ("+placeholders(len(s.EstateIDs))+")")
			for _, id := range s.EstateIDs {
				args = append(args, id)
			}
		}
		if len(s.PartIDs) > 0 {
			or = append(or, alias+".id IN (SELECT estate_id FROM parts WHERE id IN ("+placeholders(len(s.PartIDs))+"))")
			for _, id := range s.PartIDs {
				args = append(args, id)
			}
		}
		if len(or) == 0 {
			w.conds = append(w.conds, "1 = 0")
			return
		}
		cond := "(" + strings.Join(or, " OR ") + ")"
		if alias != "x" {
			cond = "EXISTS (SELECT 1 FROM estates se WHERE se.id = " + col + " AND " + cond + ")"
		}
		w.add(cond, args...)
	}
}

// pathPrefix is the condition that a materialized path column starts with
// a scope path, as a range (two arguments from prefixRange) so that an
// index on the column serves it. Paths hold only digits and '/', and the
// path columns compare bytewise (COLLATE "C" on PostgreSQL).
func pathPrefix(col string) string { return "(" + col + " >= ? AND " + col + " < ?)" }

// prefixRange returns the bounds of the paths under p ("/1/2/"): every
// such path is >= p and < p with its final '/' replaced by '0', the next
// byte.
func prefixRange(p string) (lo, hi string) {
	return p, p[:len(p)-1] + string(p[len(p)-1]+1)
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
