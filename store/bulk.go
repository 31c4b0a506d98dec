package store

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/pii"
)

// Mode says what a bulk write does with each record it is given.
type Mode int8

const (
	// Ref looks records up by natural key: they must exist, nothing is written.
	Ref Mode = iota
	// Ensure creates missing records and leaves existing ones as they are.
	Ensure
	// Upsert creates missing records and writes the update columns of
	// existing ones where they differ.
	Upsert
)

// Count tells what a bulk write did with the records of one entity.
type Count struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// Add adds the counts of c to n.
func (n *Count) Add(c Count) {
	n.Created, n.Updated, n.Unchanged = n.Created+c.Created, n.Updated+c.Updated, n.Unchanged+c.Unchanged
}

// Bulk writes many register records in one transaction, matching them to
// stored records by their natural keys (the unique indexes of the schema):
// imports and the demo loader use it. Each call of a record kind's method
// looks up the stored records it needs with a few queries (per estate, or
// by key), then writes with prepared multi-row statements: new records with
// inserts, stored ones with upserts (INSERT … ON CONFLICT DO UPDATE …
// RETURNING) that change only what differs. It fills the IDs into the
// records given and counts what it did. It writes no audit entries of its
// own: the caller adds one per city with Audit.
type Bulk struct {
	tx     *Tx
	now    int64
	stmts  map[string]*sql.Stmt
	counts map[int64]map[string]*Count
	jurs   map[string]*estate.Jurisdiction // by code, nil if missing
	jurIDs map[int64]*estate.Jurisdiction
}

// bulkCacheKiB is the SQLite page cache of a bulk write: a register of a
// million dwellings fits, so the transaction does not spill pages to the
// write-ahead log before it commits.
const bulkCacheKiB = 1 << 20

// Bulk runs fn in one write transaction, committing if it returns nil.
//
// On SQLite the transaction runs with a large page cache and without
// foreign key enforcement, which would make every multi-row insert keep a
// statement journal: the references a bulk writes are sound by
// construction, every parent ID being one that the transaction itself read
// or wrote (PostgreSQL checks them all the same).
func (db *DB) Bulk(ctx context.Context, fn func(b *Bulk) error) (err error) {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return mapErr(err)
	}
	defer conn.Close()
	if db.Dialect == SQLite {
		for _, p := range []struct {
			name string
			bulk int64
		}{{"cache_size", -bulkCacheKiB}, {"foreign_keys", 0}} {
			var was int64
			if err := conn.QueryRowContext(ctx, "PRAGMA "+p.name).Scan(&was); err != nil {
				return err
			}
			if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA %s = %d", p.name, p.bulk)); err != nil {
				return err
			}
			defer conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf("PRAGMA %s = %d", p.name, was))
		}
	}
	if err := db.inTx(ctx, conn, func(tx *Tx) error {
		return fn(&Bulk{tx: tx, now: micro(tx.now), stmts: map[string]*sql.Stmt{}, counts: map[int64]map[string]*Count{},
			jurs: map[string]*estate.Jurisdiction{}, jurIDs: map[int64]*estate.Jurisdiction{}})
	}); err != nil {
		return err
	}
	if db.Dialect == SQLite {
		// A large bulk leaves a write-ahead log as large as what it wrote;
		// fold it into the database now rather than slowing every reader.
		conn.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
		// and refresh the planner's statistics for the tables it changed.
		conn.ExecContext(ctx, "PRAGMA optimize")
	}
	return nil
}

// Now returns the transaction's time.
func (b *Bulk) Now() time.Time { return b.tx.now }

// Counts returns what the bulk has done so far, by city and entity.
func (b *Bulk) Counts() map[int64]map[string]Count {
	out := make(map[int64]map[string]Count, len(b.counts))
	for city, m := range b.counts {
		out[city] = make(map[string]Count, len(m))
		for e, c := range m {
			out[city][e] = *c
		}
	}
	return out
}

// Audit appends one entry to the city's ledger, for the whole bulk write.
func (b *Bulk) Audit(cityID int64, action, entity string, state any, detail string) error {
	return b.tx.Audit(cityID, action, entity, 0, state, detail)
}

func (b *Bulk) count(city int64, entity string) *Count {
	m := b.counts[city]
	if m == nil {
		m = map[string]*Count{}
		b.counts[city] = m
	}
	c := m[entity]
	if c == nil {
		c = &Count{}
		m[entity] = c
	}
	return c
}

// Jurisdiction returns the node with the code as the transaction sees it
// (including nodes it wrote), or nil if there is none.
func (b *Bulk) Jurisdiction(code string) (*estate.Jurisdiction, error) {
	if j, ok := b.jurs[code]; ok {
		return j, nil
	}
	j, err := b.jurisdiction("code = ?", code)
	b.jurs[code] = j
	return j, err
}

func (b *Bulk) jurisdictionByID(id int64) (*estate.Jurisdiction, error) {
	if j, ok := b.jurIDs[id]; ok {
		return j, nil
	}
	j, err := b.jurisdiction("id = ?", id)
	if err == nil && j == nil {
		err = huanxin.Errorf(huanxin.ENOTFOUND, "辖区不存在 jurisdiction %d not found", id)
	}
	return j, err
}

func (b *Bulk) jurisdiction(cond string, arg any) (*estate.Jurisdiction, error) {
	j := &estate.Jurisdiction{}
	err := b.tx.queryRow("SELECT id, city_id, "+strings.Join(jurisdictionTable.cols, ", ")+
		", created, updated FROM jurisdictions WHERE "+cond, arg).Scan(jurisdictionTable.dest(j)...)
	if err == sql.ErrNoRows {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	b.jurIDs[j.ID] = j
	return j, nil
}

// PutJurisdiction stores a node by its code: a new node is created under
// j.ParentID (0 for a root) and gets its path and city; an existing one
// keeps its place in the tree and takes j.Name. It fills j.ID, CityID and
// Path.
func (b *Bulk) PutJurisdiction(j *estate.Jurisdiction) error {
	old, err := b.Jurisdiction(j.Code)
	if err != nil {
		return err
	}
	if old != nil {
		if old.ParentID != j.ParentID || old.Level != j.Level {
			return huanxin.Errorf(huanxin.EINVALID, "辖区%s的层级和上级不能修改 the level and parent of %s cannot change", j.Code, j.Code)
		}
		j.ID, j.CityID, j.Path, j.Created, j.Updated = old.ID, old.CityID, old.Path, old.Created, old.Updated
		c := b.count(j.CityID, estate.EntityJurisdiction)
		if old.Name == j.Name {
			c.Unchanged++
			return nil
		}
		c.Updated++
		j.Updated = b.tx.now
		_, err := b.tx.exec("UPDATE jurisdictions SET name = ?, name_sort = ?, updated = ? WHERE id = ?", j.Name, SortKey(j.Name), b.now, j.ID)
		*old = *j
		return err
	}
	parentPath := "/"
	j.CityID = 0
	if j.ParentID != 0 {
		p, err := b.jurisdictionByID(j.ParentID)
		if err != nil {
			return err
		}
		parentPath, j.CityID = p.Path, p.CityID
	}
	j.Path = parentPath + "pending/"
	args := append(append([]any{j.CityID}, jurisdictionTable.values(b.tx.db, j)...), b.now, b.now)
	if j.ID, err = b.tx.insertID("INSERT INTO jurisdictions (city_id, "+strings.Join(jurisdictionTable.cols, ", ")+
		", created, updated) VALUES ("+placeholders(len(args))+")", args...); err != nil {
		return err
	}
	j.Path = parentPath + itoa64(j.ID) + "/"
	if j.Level == huanxin.LevelCity {
		j.CityID = j.ID
	}
	j.Created, j.Updated = b.tx.now, b.tx.now
	if _, err := b.tx.exec("UPDATE jurisdictions SET path = ?, city_id = ? WHERE id = ?", j.Path, j.CityID, j.ID); err != nil {
		return err
	}
	b.count(j.CityID, estate.EntityJurisdiction).Created++
	cp := *j
	b.jurs[j.Code], b.jurIDs[j.ID] = &cp, &cp
	return nil
}

// The record kinds below share one implementation, put. Each takes the
// records, what to do with them, and, for Upsert, the columns (as named in
// the schema) that an existing record takes from the one given; nil means
// every column. The records must have their parents' IDs and city set and
// must not repeat a natural key. For Ref, the indexes of the records not
// found are returned; the others get their IDs.

// Estates writes estates by (city, code); their jpath is their
// jurisdiction's path.
func (b *Bulk) Estates(v []estate.Estate, m Mode, update []string) ([]int, error) {
	return put(b, estateBulk, v, m, update)
}

// Buildings writes buildings by (estate, number).
func (b *Bulk) Buildings(v []estate.Building, m Mode, update []string) ([]int, error) {
	return put(b, buildingBulk, v, m, update)
}

// Stairwells writes stairwell units by (building, number).
func (b *Bulk) Stairwells(v []estate.Stairwell, m Mode, update []string) ([]int, error) {
	return put(b, stairwellBulk, v, m, update)
}

// Parts writes exclusive parts by (stairwell, room).
func (b *Bulk) Parts(v []estate.Part, m Mode, update []string) ([]int, error) {
	return put(b, partBulk, v, m, update)
}

// Owners writes owners by (city, ID number): each number is hashed once,
// each phone encrypted once unless it equals the stored one, whose
// ciphertext is kept. The records get IDLast4 and PhoneMasked.
func (b *Bulk) Owners(v []estate.Owner, m Mode, update []string) ([]int, error) {
	return put(b, ownerBulk, v, m, update)
}

// Ownerships writes ownerships by (part, owner). A representative given
// for a part replaces the part's former one.
func (b *Bulk) Ownerships(v []estate.Ownership, m Mode, update []string) ([]int, error) {
	return put(b, ownershipBulk, v, m, update)
}

// Residents writes residents by (part, name); phones as for Owners.
func (b *Bulk) Residents(v []estate.Resident, m Mode, update []string) ([]int, error) {
	return put(b, residentBulk, v, m, update)
}

// Visible returns which of the IDs of records of entity (one of the
// estate.Entity names) the scope covers, by the same rules as the finders.
func (b *Bulk) Visible(entity string, s huanxin.Scope, ids []int64) (map[int64]bool, error) {
	var name string
	var scope func(huanxin.Scope, *where)
	switch entity {
	case estate.EntityOwner:
		name, scope = ownerTable.name, ownerTable.scope
	case estate.EntityEstate:
		name, scope = estateTable.name, estateTable.scope
	case estate.EntityJurisdiction:
		name, scope = jurisdictionTable.name, jurisdictionTable.scope
	default:
		return nil, fmt.Errorf("store: Visible does not support %s", entity)
	}
	out := make(map[int64]bool, len(ids))
	for chunk := range slices.Chunk(ids, 500) {
		var w where
		scope(s, &w)
		w.in("x.id", chunk)
		rows, err := b.tx.tx.QueryContext(b.tx.ctx, b.tx.db.q("SELECT x.id FROM "+name+" x"+w.sql()), w.args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = true
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// bkey is a natural key as the bulk matches it: the key columns after
// city_id (two integers and a text, unused ones zero).
type bkey struct {
	a, b int64
	s    string
}

// stored is what put looks up of a stored record.
type stored struct {
	id  int64
	enc []byte // the phone ciphertext, for tables with phones
}

// bulkTable says how put writes one table by natural key. Name, columns and
// values come from the table's descriptor in tables.go.
type bulkTable[T any] struct {
	*table[T]
	key      [3]string // the key after city_id: two integer and one text expression
	conflict string    // the columns of the unique index
	blobKey  bool      // the text key is binary (a hash)
	nkey     func(c *bulkCall[T], i int) bkey
	estate   func(*T) int64 // set if stored records are looked up by estate, else by key
	setID    func(*T, int64)
	prepare  func(c *bulkCall[T]) error // fills per-record values before the keys are taken
	phone    func(*T) string            // set for tables with an encrypted phone
	args     func(c *bulkCall[T], i int) []any
	after    func(c *bulkCall[T], old map[bkey]stored, keys []bkey) error
}

// bulkCall is one call of put.
type bulkCall[T any] struct {
	b    *Bulk
	v    []T
	hash [][]byte // owners: the keyed hashes of the ID numbers
	enc  [][]byte // phone ciphertexts
	path []string // estates: their jurisdictions' paths
}

func put[T any](b *Bulk, d *bulkTable[T], v []T, m Mode, update []string) (missing []int, err error) {
	if len(v) == 0 {
		return nil, nil
	}
	key := strings.Split(d.conflict, ", ")
	if update == nil {
		update = slices.DeleteFunc(slices.Clone(d.cols), func(c string) bool { return slices.Contains(key, c) })
	}
	for _, c := range update {
		if !slices.Contains(d.cols, c) || slices.Contains(key, c) {
			return nil, fmt.Errorf("store: %s cannot update column %q", d.name, c)
		}
	}
	c := &bulkCall[T]{b: b, v: v}
	if d.prepare != nil {
		if err := d.prepare(c); err != nil {
			return nil, err
		}
	}
	keys := make([]bkey, len(v))
	for i := range v {
		keys[i] = d.nkey(c, i)
	}
	old, err := d.stored(c, keys)
	if err != nil {
		return nil, err
	}
	todo := make([]int32, 0, len(v))
	for i := range v {
		f, ok := old[keys[i]]
		if ok {
			d.setID(&v[i], f.id)
		}
		switch {
		case m == Ref:
			if !ok {
				missing = append(missing, i)
			}
		case ok && (m == Ensure || len(update) == 0):
			b.count(d.city(&v[i]), d.entity).Unchanged++
		default:
			todo = append(todo, int32(i))
		}
	}
	if m == Ref {
		return missing, nil
	}
	if d.phone != nil {
		c.encryptPhones(d, old, keys, todo)
	}
	if m == Ensure {
		update = nil
	}
	if err := d.write(c, keys, old, todo, update); err != nil {
		return nil, err
	}
	if d.after != nil {
		return nil, d.after(c, old, keys)
	}
	return nil, nil
}

// stored looks up the stored records with the keys: per estate, or by key.
func (d *bulkTable[T]) stored(c *bulkCall[T], keys []bkey) (map[bkey]stored, error) {
	sel := "SELECT id, " + strings.Join(d.key[:], ", ")
	if d.phone != nil {
		sel += ", phone_enc"
	}
	sel += " FROM " + d.name + " WHERE city_id = ? AND "
	old := map[bkey]stored{}
	scan := func(query string, args ...any) error {
		rows, err := c.b.tx.tx.QueryContext(c.b.tx.ctx, c.b.tx.db.q(query), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k bkey
			var f stored
			dest := []any{&f.id, &k.a, &k.b, &k.s}
			if d.phone != nil {
				dest = append(dest, &f.enc)
			}
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			old[k] = f
		}
		return rows.Err()
	}
	type group struct{ city, estate int64 }
	seen := map[group][]any{}
	for i := range c.v {
		g := group{city: d.city(&c.v[i])}
		if d.estate != nil {
			g.estate = d.estate(&c.v[i])
			if _, ok := seen[g]; !ok {
				seen[g] = nil
				if err := scan(sel+"estate_id = ?", g.city, g.estate); err != nil {
					return nil, err
				}
			}
			continue
		}
		var k any = keys[i].s
		if d.blobKey {
			k = []byte(keys[i].s)
		}
		seen[g] = append(seen[g], k)
	}
	if d.estate == nil {
		for g, ks := range seen {
			// Look keys up in chunks, unless reading the city's records
			// costs less.
			var stored int
			if err := c.b.tx.queryRow("SELECT COUNT(*) FROM "+d.name+" WHERE city_id = ?", g.city).Scan(&stored); err != nil {
				return nil, err
			}
			if stored <= 2*len(ks) {
				if err := scan(strings.TrimSuffix(sel, " AND "), g.city); err != nil {
					return nil, err
				}
				continue
			}
			for chunk := range slices.Chunk(ks, 500) {
				if err := scan(sel+d.key[2]+" IN ("+placeholders(len(chunk))+")", append([]any{g.city}, chunk...)...); err != nil {
					return nil, err
				}
			}
		}
	}
	return old, nil
}

// encryptPhones sets c.enc for the records to write: the stored
// ciphertext if it holds the same phone, else a new one.
func (c *bulkCall[T]) encryptPhones(d *bulkTable[T], old map[bkey]stored, keys []bkey, todo []int32) {
	keysPII := c.b.tx.db.Keys
	c.enc = make([][]byte, len(c.v))
	parallel(len(todo), func(lo, hi int) {
		for _, i := range todo[lo:hi] {
			phone := d.phone(&c.v[i])
			if f, ok := old[keys[i]]; ok {
				if p, err := keysPII.Decrypt(f.enc); err == nil && p == phone {
					c.enc[i] = f.enc
					continue
				}
			}
			c.enc[i] = keysPII.Encrypt(phone)
		}
	})
}

// batchRows is how many records one upsert statement writes: enough to
// spread a statement's cost, few enough for the engines' parameter limits.
func batchRows(cols int) int { return max(1, min(64, 30000/(cols+3))) }

// write stores the records todo in batches and fills their IDs: new ones
// with inserts, stored ones with upserts that change them only where they
// differ.
func (d *bulkTable[T]) write(c *bulkCall[T], keys []bkey, old map[bkey]stored, todo []int32, update []string) error {
	var fresh, known []int32
	for _, i := range todo {
		if _, ok := old[keys[i]]; ok {
			known = append(known, i)
		} else {
			fresh = append(fresh, i)
		}
	}
	b := c.b
	sqlite := b.tx.db.Dialect == SQLite
	var last int64 // SQLite: the largest ID so far
	if sqlite && len(fresh) > 0 {
		if err := b.tx.queryRow("SELECT COALESCE(MAX(id), 0) FROM " + d.name).Scan(&last); err != nil {
			return err
		}
	}
	type job struct {
		fresh bool
		chunk []int32
		args  []any
	}
	jobs, free, stop := make(chan job, 2), make(chan []any, 3), make(chan struct{})
	for range cap(free) {
		free <- nil
	}
	defer close(stop)
	go func() { // makes the arguments of the next statements while the database runs one
		defer close(jobs)
		for pass, set := range [][]int32{fresh, known} {
			for chunk := range slices.Chunk(set, batchRows(len(d.cols))) {
				var args []any
				select {
				case args = <-free:
				case <-stop:
					return
				}
				for _, i := range chunk {
					args = append(args, d.city(&c.v[i]))
					if d.args != nil {
						args = append(args, d.args(c, int(i))...)
					} else {
						args = append(args, d.values(b.tx.db, &c.v[i])...)
					}
					args = append(args, b.now, b.now)
				}
				select {
				case jobs <- job{pass == 0, chunk, args}:
				case <-stop:
					return
				}
			}
		}
	}()
	batch := map[bkey]int32{}
	for j := range jobs {
		appending := j.fresh && sqlite
		stmt, err := b.stmt(d.insertSQL(len(j.chunk), update, j.fresh, appending))
		if err != nil {
			return err
		}
		if appending {
			last, err = d.appended(c, stmt, j.args, j.chunk, last)
		} else {
			clear(batch)
			for _, i := range j.chunk {
				if _, dup := batch[keys[i]]; dup {
					return fmt.Errorf("store: %s given twice with the same key", d.entity)
				}
				batch[keys[i]] = i
			}
			err = d.returned(c, stmt, j.args, batch, old)
		}
		if err != nil {
			return err
		}
		free <- j.args[:0]
	}
	return nil
}

// appended runs a SQLite insert of new records. Holding the write lock, and
// the tables having no AUTOINCREMENT, the records take the IDs after the
// largest one, in order, so that no IDs need to be returned; should the
// last ID say otherwise, the bulk fails rather than guess.
func (d *bulkTable[T]) appended(c *bulkCall[T], stmt *sql.Stmt, args []any, chunk []int32, last int64) (int64, error) {
	res, err := stmt.ExecContext(c.b.tx.ctx, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	if n != int64(len(chunk)) || id != last+n {
		return 0, fmt.Errorf("store: %s insert of %d records gave %d, last ID %d after %d", d.entity, len(chunk), n, id, last)
	}
	for j, i := range chunk {
		d.setID(&c.v[i], last+1+int64(j))
		c.b.count(d.city(&c.v[i]), d.entity).Created++
	}
	return id, nil
}

// returned runs an insert and takes the IDs of the records it returns.
func (d *bulkTable[T]) returned(c *bulkCall[T], stmt *sql.Stmt, args []any, batch map[bkey]int32, old map[bkey]stored) error {
	b := c.b
	rows, err := stmt.QueryContext(b.tx.ctx, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var id int64
	var k bkey
	for rows.Next() {
		if err := rows.Scan(&id, &k.a, &k.b, &k.s); err != nil {
			return err
		}
		i, ok := batch[k]
		if !ok {
			return fmt.Errorf("store: %s insert returned an unknown key", d.entity)
		}
		delete(batch, k)
		d.setID(&c.v[i], id)
		cnt := b.count(d.city(&c.v[i]), d.entity)
		if _, existed := old[k]; existed {
			cnt.Updated++
		} else {
			cnt.Created++
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for k, i := range batch { // not returned: unchanged, or taken meanwhile
		if _, existed := old[k]; !existed {
			return huanxin.Errorf(huanxin.ECONFLICT, "数据正被他人同时修改，请重新导入 the register changed meanwhile, import again")
		}
		b.count(d.city(&c.v[i]), d.entity).Unchanged++
	}
	return nil
}

// insertSQL is the statement writing n records. New records are inserted;
// appending (SQLite), "OR FAIL" and without RETURNING: a multi-row insert
// that cannot abort half-way needs no statement journal, and the
// transaction is undone on any error. Otherwise stored records take the
// update columns where they differ (none: they are left as they are), and
// the statement returns the ID and key of every record created or changed.
func (d *bulkTable[T]) insertSQL(n int, update []string, fresh, appending bool) string {
	var q strings.Builder
	row := "(" + placeholders(len(d.cols)+3) + ")"
	q.WriteString("INSERT ")
	if appending {
		q.WriteString("OR FAIL ")
	}
	q.WriteString("INTO " + d.name + " (city_id, " + strings.Join(d.cols, ", ") + ", created, updated) VALUES ")
	q.WriteString(strings.Repeat(row+", ", n-1) + row)
	if appending {
		return q.String()
	}
	q.WriteString(" ON CONFLICT (" + d.conflict + ") DO ")
	if fresh || len(update) == 0 {
		q.WriteString("NOTHING")
	} else {
		q.WriteString("UPDATE SET ")
		for _, c := range update {
			q.WriteString(c + " = excluded." + c + ", ")
		}
		q.WriteString("updated = excluded.updated WHERE ")
		for i, c := range update {
			if i > 0 {
				q.WriteString(" OR ")
			}
			q.WriteString(d.name + "." + c + " IS DISTINCT FROM excluded." + c)
		}
	}
	q.WriteString(" RETURNING id, " + strings.Join(d.key[:], ", "))
	return q.String()
}

// stmt prepares a statement once per bulk.
func (b *Bulk) stmt(query string) (*sql.Stmt, error) {
	if s, ok := b.stmts[query]; ok {
		return s, nil
	}
	s, err := b.tx.tx.PrepareContext(b.tx.ctx, b.tx.db.q(query))
	if err != nil {
		return nil, err
	}
	b.stmts[query] = s
	return s, nil
}

// parallel runs fn over [0, n) split among the processors when n is large.
func parallel(n int, fn func(lo, hi int)) {
	w := runtime.GOMAXPROCS(0)
	if n < 4096 || w == 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	for k := range w {
		wg.Go(func() { fn(n*k/w, n*(k+1)/w) })
	}
	wg.Wait()
}

var estateBulk = &bulkTable[estate.Estate]{
	table: estateTable, key: [3]string{"city_id", "0", "code"}, conflict: "city_id, code",
	nkey:  func(c *bulkCall[estate.Estate], i int) bkey { return bkey{a: c.v[i].CityID, s: c.v[i].Code} },
	setID: func(e *estate.Estate, id int64) { e.ID = id },
	prepare: func(c *bulkCall[estate.Estate]) error {
		c.path = make([]string, len(c.v))
		for i := range c.v {
			j, err := c.b.jurisdictionByID(c.v[i].JurisdictionID)
			if err != nil {
				return err
			}
			c.path[i] = j.Path
		}
		return nil
	},
	args: func(c *bulkCall[estate.Estate], i int) []any {
		vals := estateTable.values(c.b.tx.db, &c.v[i])
		vals[slices.Index(estateTable.cols, "jpath")] = c.path[i]
		return vals
	},
}

var buildingBulk = &bulkTable[estate.Building]{
	table: buildingTable, key: [3]string{"estate_id", "0", "no"}, conflict: "city_id, estate_id, no",
	nkey:   func(c *bulkCall[estate.Building], i int) bkey { return bkey{a: c.v[i].EstateID, s: c.v[i].No} },
	estate: func(v *estate.Building) int64 { return v.EstateID },
	setID:  func(v *estate.Building, id int64) { v.ID = id },
}

var stairwellBulk = &bulkTable[estate.Stairwell]{
	table: stairwellTable, key: [3]string{"building_id", "0", "no"}, conflict: "city_id, building_id, no",
	nkey:   func(c *bulkCall[estate.Stairwell], i int) bkey { return bkey{a: c.v[i].BuildingID, s: c.v[i].No} },
	estate: func(v *estate.Stairwell) int64 { return v.EstateID },
	setID:  func(v *estate.Stairwell, id int64) { v.ID = id },
}

var partBulk = &bulkTable[estate.Part]{
	table: partTable, key: [3]string{"stairwell_id", "0", "room"}, conflict: "city_id, stairwell_id, room",
	nkey:   func(c *bulkCall[estate.Part], i int) bkey { return bkey{a: c.v[i].StairwellID, s: c.v[i].Room} },
	estate: func(v *estate.Part) int64 { return v.EstateID },
	setID:  func(v *estate.Part, id int64) { v.ID = id },
}

var ownerBulk = &bulkTable[estate.Owner]{
	table: ownerTable, key: [3]string{"city_id", "0", "id_hmac"}, conflict: "city_id, id_hmac", blobKey: true,
	nkey:  func(c *bulkCall[estate.Owner], i int) bkey { return bkey{a: c.v[i].CityID, s: string(c.hash[i])} },
	setID: func(v *estate.Owner, id int64) { v.ID = id },
	prepare: func(c *bulkCall[estate.Owner]) error {
		c.hash = make([][]byte, len(c.v))
		parallel(len(c.v), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				o := &c.v[i]
				c.hash[i] = c.b.tx.db.Keys.Hash(o.IDNumber)
				o.IDLast4, o.PhoneMasked = pii.Last4(o.IDNumber), pii.MaskPhone(o.Phone)
			}
		})
		return nil
	},
	phone: func(o *estate.Owner) string { return o.Phone },
	args: func(c *bulkCall[estate.Owner], i int) []any { // as ownerTable.values, with the PII computed once
		o := &c.v[i]
		return []any{string(o.Kind), o.Name, c.hash[i], o.IDLast4, c.enc[i], o.PhoneMasked}
	},
}

var ownershipBulk = &bulkTable[estate.Ownership]{
	table: ownershipTable, key: [3]string{"part_id", "owner_id", "''"}, conflict: "city_id, part_id, owner_id",
	nkey:   func(c *bulkCall[estate.Ownership], i int) bkey { return bkey{a: c.v[i].PartID, b: c.v[i].OwnerID} },
	estate: func(v *estate.Ownership) int64 { return v.EstateID },
	setID:  func(v *estate.Ownership, id int64) { v.ID = id },
	after:  clearRepresentatives,
}

// clearRepresentatives takes the flag from stored co-owners that are not
// among those written when one of those written represents their part.
func clearRepresentatives(c *bulkCall[estate.Ownership], old map[bkey]stored, keys []bkey) error {
	if len(old) == 0 {
		return nil
	}
	given := make(map[bkey]bool, len(keys))
	reps := map[int64]int64{} // part → city
	for i, k := range keys {
		given[k] = true
		if c.v[i].Representative {
			reps[c.v[i].PartID] = c.v[i].CityID
		}
	}
	for k, f := range old {
		city, ok := reps[k.a]
		if !ok || given[k] {
			continue
		}
		res, err := c.b.tx.exec("UPDATE ownerships SET representative = FALSE, updated = ? WHERE id = ? AND representative", c.b.now, f.id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			c.b.count(city, estate.EntityOwnership).Updated++
		}
	}
	return nil
}

var residentBulk = &bulkTable[estate.Resident]{
	table: residentTable, key: [3]string{"part_id", "0", "name"}, conflict: "city_id, part_id, name",
	nkey:   func(c *bulkCall[estate.Resident], i int) bkey { return bkey{a: c.v[i].PartID, s: c.v[i].Name} },
	estate: func(v *estate.Resident) int64 { return v.EstateID },
	setID:  func(v *estate.Resident, id int64) { v.ID = id },
	phone:  func(r *estate.Resident) string { return r.Phone },
	prepare: func(c *bulkCall[estate.Resident]) error {
		for i := range c.v {
			c.v[i].PhoneMasked = pii.MaskPhone(c.v[i].Phone)
		}
		return nil
	},
	args: func(c *bulkCall[estate.Resident], i int) []any { // as residentTable.values, with the phone encrypted once
		r := &c.v[i]
		return []any{r.EstateID, r.PartID, string(r.Kind), r.Name, r.BirthYear, r.Disabled, c.enc[i], r.PhoneMasked, r.MovedIn}
	},
}
