// Package store is the only package that talks SQL. It runs the same
// hand-written, portable SQL on SQLite (embedded, modernc.org/sqlite, no
// cgo) and PostgreSQL (pgx); the few engine differences live in dialect.go.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/pii"
	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers "sqlite"
)

//go:embed migrations
var migrations embed.FS

// Dialect names the database engine.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is a handle on the database: a read pool and a write pool (the same
// pool on PostgreSQL; a single connection on SQLite, so that writes queue in
// the process instead of failing with SQLITE_BUSY).
type DB struct {
	read, write *sql.DB
	Dialect     Dialect
	DSN         string
	// Now returns the current time; tests replace it. Each transaction
	// reads it once at BEGIN.
	Now  func() time.Time
	Keys *pii.Keys

	rebound sync.Map // query with ? -> query with $n (PostgreSQL)
	lists   listCache
	group   *groupCommit // SQLite: concurrent write transactions share one commit (groupcommit.go)
}

// IsPostgres reports whether a DSN selects PostgreSQL.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to dsn: a postgres:// URL, or the path of a SQLite file
// (created if missing). It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string, keys *pii.Keys) (*DB, error) {
	db := &DB{DSN: dsn, Keys: keys, Now: func() time.Time { return time.Now().UTC() }}
	if IsPostgres(dsn) {
		pool, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, err
		}
		pool.SetMaxOpenConns(4 * runtime.GOMAXPROCS(0))
		pool.SetMaxIdleConns(4 * runtime.GOMAXPROCS(0))
		db.read, db.write, db.Dialect = pool, pool, Postgres
	} else {
		if dir := filepath.Dir(dsn); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, err
			}
		}
		// Pragmas in the DSN apply to every pooled connection.
		// synchronous=FULL: a commit is on disk (the WAL is fsynced) before
		// it is acknowledged, so a power cut loses nothing acknowledged —
		// ballots and the ledger need that; it costs casting about 45 %
		// (docs/performance.md).
		q := url.Values{}
		for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)",
			"foreign_keys(1)", "cache_size(-32000)", "temp_store(MEMORY)"} {
			q.Add("_pragma", p)
		}
		q.Set("_txlock", "immediate")
		base := "file:" + dsn + "?" + q.Encode()
		w, err := sql.Open("sqlite", base)
		if err != nil {
			return nil, err
		}
		w.SetMaxOpenConns(1)
		r, err := sql.Open("sqlite", base)
		if err != nil {
			return nil, err
		}
		r.SetMaxOpenConns(2 * runtime.GOMAXPROCS(0))
		r.SetMaxIdleConns(2 * runtime.GOMAXPROCS(0))
		db.read, db.write, db.Dialect = r, w, SQLite
		// One fsync per commit would cap durable writes; concurrent write
		// transactions share one commit instead (groupcommit.go).
		db.group = newGroupCommit(db)
	}
	if err := db.write.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: cannot reach database: %w", err)
	}
	if db.Dialect == SQLite {
		// Planner statistics for tables that lack or outgrew them (SQLite's
		// advice for long-running processes); cheap when they are current.
		if _, err := db.write.ExecContext(ctx, "PRAGMA optimize=0x10002"); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	if db.group != nil {
		db.group.stop()
	}
	err := db.write.Close()
	if db.read != db.write {
		if e := db.read.Close(); err == nil {
			err = e
		}
	}
	return err
}

func (db *DB) goose() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+string(db.Dialect))
	if err != nil {
		return nil, err
	}
	d := goose.DialectPostgres
	if db.Dialect == SQLite {
		d = goose.DialectSQLite3
	}
	return goose.NewProvider(d, db.write, sub)
}

// Migrate applies every pending migration.
func (db *DB) Migrate(ctx context.Context) error {
	p, err := db.goose()
	if err != nil {
		return err
	}
	_, err = p.Up(ctx)
	return err
}

// MigrationsCurrent reports whether every migration has been applied.
func (db *DB) MigrationsCurrent(ctx context.Context) (bool, error) {
	p, err := db.goose()
	if err != nil {
		return false, err
	}
	pending, err := p.HasPending(ctx)
	return !pending, err
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.read.PingContext(ctx) }

// q rewrites ? placeholders to $n for PostgreSQL, once per query text.
func (db *DB) q(query string) string {
	if db.Dialect != Postgres {
		return query
	}
	if v, ok := db.rebound.Load(query); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
		} else {
			b.WriteByte(query[i])
		}
	}
	db.rebound.Store(query, b.String())
	return b.String()
}

// Tx is a write transaction with its time fixed at BEGIN and the actor
// whose changes it audits.
type Tx struct {
	tx    *sql.Tx
	db    *DB
	ctx   context.Context
	now   time.Time
	actor *huanxin.Actor
}

// Now returns the transaction's time.
func (tx *Tx) Now() time.Time { return tx.now }

// WithTx runs fn in a write transaction, committing if it returns nil.
// On SQLite, concurrent calls share one transaction and one commit (group
// commit, groupcommit.go): fn's changes are still all or nothing, and
// WithTx returns only after they are committed.
func (db *DB) WithTx(ctx context.Context, fn func(tx *Tx) error) error {
	if db.group != nil {
		return db.group.run(ctx, fn)
	}
	return db.inTx(ctx, db.write, fn)
}

// beginner is a pool or a single connection that can start a transaction.
type beginner interface {
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

// inTx runs fn in a transaction with its time fixed at BEGIN and the
// context's actor (the system actor if none), commits if fn returns nil,
// and then empties the list cache.
func (db *DB) inTx(ctx context.Context, on beginner, fn func(tx *Tx) error) error {
	sqlTx, err := on.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(err)
	}
	actor := huanxin.ActorFromContext(ctx)
	if actor == nil {
		actor = huanxin.SystemActor
	}
	tx := &Tx{tx: sqlTx, db: db, ctx: ctx, now: db.Now().UTC().Truncate(time.Microsecond), actor: actor}
	defer func() {
		if p := recover(); p != nil {
			sqlTx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		sqlTx.Rollback()
		return mapErr(err)
	}
	if err := sqlTx.Commit(); err != nil {
		return mapErr(err)
	}
	db.lists.invalidate()
	return nil
}

func (tx *Tx) exec(query string, args ...any) (sql.Result, error) {
	return tx.tx.ExecContext(tx.ctx, tx.db.q(query), args...)
}

func (tx *Tx) queryRow(query string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(tx.ctx, tx.db.q(query), args...)
}

// insertID runs an INSERT ... RETURNING id.
func (tx *Tx) insertID(query string, args ...any) (int64, error) {
	var id int64
	err := tx.queryRow(query+" RETURNING id", args...).Scan(&id)
	return id, err
}

// querier is what reads need: the read pool, or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (db *DB) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return db.read.QueryContext(ctx, db.q(query), args...)
}

func (db *DB) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return db.read.QueryRowContext(ctx, db.q(query), args...)
}

func micro(t time.Time) int64 { return t.UnixMicro() }

func fromMicro(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

// mapErr turns constraint violations into application errors by code.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	var he *huanxin.Error
	if errors.As(err, &he) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return huanxin.Errorf(huanxin.ENOTFOUND, "记录不存在 not found")
	}
	switch constraintKind(err) {
	case "unique":
		return huanxin.Errorf(huanxin.ECONFLICT, "编号或名称已存在 already exists")
	case "foreign":
		return huanxin.Errorf(huanxin.ECONFLICT, "关联的记录不存在或仍被引用 referenced record missing or still in use")
	}
	return err
}

func itoa(n int) string { return fmt.Sprint(n) }

// stamp scans a unix-microsecond column into a UTC time: the one place
// where stored times become time.Time.
type stamp struct{ t *time.Time }

func (s stamp) Scan(src any) error {
	switch v := src.(type) {
	case int64:
		*s.t = fromMicro(v)
	case nil:
		*s.t = time.Time{}
	default:
		return fmt.Errorf("store: cannot scan %T as a timestamp", src)
	}
	return nil
}

// Checkpoint folds the SQLite write-ahead log into the main file, so that
// the file alone is a complete copy; it does nothing on PostgreSQL.
func (db *DB) Checkpoint(ctx context.Context) error {
	if db.Dialect != SQLite {
		return nil
	}
	_, err := db.write.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	return err
}

// Backup writes a consistent copy of a live database to dest: SQLite with
// VACUUM INTO, PostgreSQL with pg_dump when it is installed.
func (db *DB) Backup(ctx context.Context, dest string) error {
	if _, err := os.Stat(dest); err == nil {
		return huanxin.Errorf(huanxin.ECONFLICT, "%s already exists; choose a new file", dest)
	}
	if db.Dialect == SQLite {
		_, err := db.write.ExecContext(ctx, "VACUUM INTO ?", dest)
		return err
	}
	pgDump, err := exec.LookPath("pg_dump")
	if err != nil {
		return huanxin.Errorf(huanxin.EUNAVAILABLE, "pg_dump is not installed on this machine: install the PostgreSQL client tools, or back up with the database's own tools")
	}
	out, err := exec.CommandContext(ctx, pgDump, "--format=custom", "--file="+dest, db.DSN).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_dump: %v: %s", err, out)
	}
	return nil
}

func fmtAny(v any) string { return fmt.Sprint(v) }
