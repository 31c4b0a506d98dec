// Package testdb gives tests real databases: a migrated SQLite file per
// test, and, when HUANXIN_TEST_POSTGRES names a server, a PostgreSQL
// database per test cloned from a template that each test package creates
// and drops itself, so packages run in parallel without sharing data.
package testdb

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huanxin/huanxin/pii"
	"github.com/huanxin/huanxin/store"
)

// EnvPostgres names the variable holding the PostgreSQL server URL, e.g.
// postgres://postgres@127.0.0.1:5432/postgres. When CI is set, it is
// required, and an unreachable server fails the tests.
const EnvPostgres = "HUANXIN_TEST_POSTGRES"

var (
	prefix     = fmt.Sprintf("hxt_%d_%d", os.Getpid(), time.Now().UnixNano()%1e6)
	template   string // the package's migrated template database
	tplOnce    sync.Once
	tplErr     error
	seq        atomic.Int64
	sqliteTpl  []byte
	sqliteOnce sync.Once
)

// Keys returns fixed personal-data keys for tests.
func Keys() *pii.Keys {
	k, err := pii.New(bytes.Repeat([]byte("t"), 32))
	if err != nil {
		panic(err)
	}
	return k
}

// Main runs the package's tests and drops its PostgreSQL template after.
// Use it as: func TestMain(m *testing.M) { testdb.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	if template != "" {
		if admin, err := sql.Open("pgx", os.Getenv(EnvPostgres)); err == nil {
			admin.Exec("DROP DATABASE IF EXISTS " + template + " WITH (FORCE)")
			admin.Close()
		}
	}
	os.Exit(code)
}

// Engines lists the engines the tests run on.
func Engines(t testing.TB) []store.Dialect {
	if os.Getenv(EnvPostgres) != "" {
		return []store.Dialect{store.SQLite, store.Postgres}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("CI is set but %s is not: the PostgreSQL tests must run in CI", EnvPostgres)
	}
	return []store.Dialect{store.SQLite}
}

// Each runs fn as a subtest per engine, each with a fresh migrated database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	for _, d := range Engines(t) {
		t.Run(string(d), func(t *testing.T) { fn(t, Open(t, d)) })
	}
}

// Open returns a fresh migrated database of the given engine, closed and
// removed when the test ends.
func Open(t testing.TB, d store.Dialect) *store.DB {
	t.Helper()
	ctx := context.Background()
	var dsn string
	if d == store.Postgres {
		dsn = postgresDB(t)
	} else {
		dsn = filepath.Join(t.TempDir(), "huanxin.db")
		sqliteOnce.Do(func() { sqliteTpl = migratedSQLite(t) })
		if err := os.WriteFile(dsn, sqliteTpl, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	db, err := store.Open(ctx, dsn, Keys())
	if err != nil {
		t.Fatalf("open %s: %v", d, err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", d, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// migratedSQLite returns the bytes of a freshly migrated SQLite file, so
// that each test copies it instead of migrating again.
func migratedSQLite(t testing.TB) []byte {
	dir, err := os.MkdirTemp("", "hxtpl")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "tpl.db")
	db, err := store.Open(context.Background(), path, Keys())
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := db.Checkpoint(context.Background()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func postgresDB(t testing.TB) string {
	adminDSN := os.Getenv(EnvPostgres)
	admin, err := sql.Open("pgx", adminDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	tplOnce.Do(func() {
		name := prefix + "_tpl"
		if _, tplErr = admin.Exec("CREATE DATABASE " + name); tplErr != nil {
			return
		}
		template = name
		var db *store.DB
		if db, tplErr = store.Open(context.Background(), withDB(adminDSN, name), Keys()); tplErr != nil {
			return
		}
		tplErr = db.Migrate(context.Background())
		db.Close()
	})
	if tplErr != nil {
		t.Fatalf("PostgreSQL at %s: %v", adminDSN, tplErr)
	}
	name := fmt.Sprintf("%s_%d", prefix, seq.Add(1))
	if _, err := admin.Exec("CREATE DATABASE " + name + " TEMPLATE " + template); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", adminDSN)
		if err == nil {
			a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			a.Close()
		}
	})
	return withDB(adminDSN, name)
}

func withDB(dsn, name string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	u.Path = "/" + strings.TrimPrefix(name, "/")
	return u.String()
}
