package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/demo"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/importer"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/store"
)

// The re-tally benchmark (docs/performance.md): 200 decisions of 5,000
// frozen voters each and 1,000,000 ballots. Seeding takes tens of seconds,
// so it runs only with HUANXIN_BENCH_RETALLY=1:
//
//	HUANXIN_BENCH_RETALLY=1 go test ./store/ -run '^$' -bench Retally -benchtime 3x
//	HUANXIN_BENCH_RETALLY=1 HUANXIN_BENCH_DB=postgres HUANXIN_TEST_POSTGRES=postgres://… go test ./store/ -run '^$' -bench Retally -benchtime 3x
const (
	retallyDecisions = 200
	retallyVoters    = 5000
)

type retallyFixture struct {
	db     *store.DB
	raw    *sql.DB // a plain connection for the SQL aggregate
	ds     []*decision.Decision
	seeded time.Duration
}

var (
	retallyOnce sync.Once
	retallyFix  *retallyFixture
)

// retallySeed builds the data set once per test binary: one estate, 200
// decisions (open and closed alternately) with two matters each, 5,000
// frozen voters each and one counted online ballot per voter, written by
// INSERT … SELECT over recursive CTEs (the same SQL on both engines but
// for random receipt hashes).
func retallySeed(b *testing.B) *retallyFixture {
	if os.Getenv("HUANXIN_BENCH_RETALLY") == "" {
		b.Skip("set HUANXIN_BENCH_RETALLY=1 to run the re-tally benchmark (it seeds 1,000,000 ballots)")
	}
	retallyOnce.Do(func() {
		dialect := store.SQLite
		if os.Getenv("HUANXIN_BENCH_DB") == "postgres" {
			dialect = store.Postgres
		}
		db := testdb.Open(b, dialect)
		ctx := context.Background()
		sys := huanxin.NewContextWithActor(ctx, huanxin.SystemActor)
		reg := &estate.Service{Store: db}
		if err := (&importer.Service{DB: db, Register: reg}).LoadDemo(sys, demo.Generate(demo.Options{Seed: 1, Estates: 1})); err != nil {
			b.Fatal(err)
		}
		es, _, err := reg.Estates().Find(sys, estate.Filter{Limit: 1})
		if err != nil || len(es) != 1 {
			b.Fatal(err)
		}
		est := es[0]
		start := time.Now()
		seq := func(n int) string {
			return fmt.Sprintf("WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < %d) ", n)
		}
		hash := "randomblob(32)"
		if dialect == store.Postgres {
			hash = "decode(md5(v.person || v.decision_id::text) || md5(v.decision_id::text || v.person), 'hex')"
		}
		for _, q := range []string{
			seq(retallyDecisions) + fmt.Sprintf(`INSERT INTO decisions (city_id, estate_id, title, description, status, scope_kind,
				scope_ids, notice_days, published_at, opens_at, closes_at, created_by, created, updated)
				SELECT %d, %d, 'retally ' || n, '', CASE WHEN n %% 2 = 0 THEN 'open' ELSE 'closed' END, 'estate', '', 0,
				1, 2, CASE WHEN n %% 2 = 0 THEN 0 ELSE 3 END, 1, 1, 1 FROM seq`, est.CityID, est.ID),
			`INSERT INTO decision_matters (city_id, decision_id, position, item, title)
				SELECT d.city_id, d.id, p.n, CASE WHEN p.n = 1 THEN 7 ELSE 4 END, 'matter ' || p.n
				FROM decisions d CROSS JOIN (SELECT 1 AS n UNION ALL SELECT 2) p`,
			seq(retallyVoters) + `INSERT INTO decision_voters (city_id, decision_id, person, representative, area, owners, parts)
				SELECT d.city_id, d.id, 'p' || (100000 + seq.n), seq.n, 5000 + (seq.n * 37) % 10000, '[' || seq.n || ']',
				'[{"PartID":' || seq.n || ',"BuildingID":' || (1 + seq.n / 100) || ',"Area":' || (5000 + (seq.n * 37) % 10000) ||
				',"Source":"register"}]'
				FROM decisions d CROSS JOIN seq`,
			`INSERT INTO ballots (city_id, decision_id, person, channel, choices, spoiled, receipt_hash, cast_by, cast_at, state)
				SELECT v.city_id, v.decision_id, v.person, 'online',
				'{"' || m1.id || '":' || (1 + v.representative % 3) || ',"' || m2.id || '":' || (1 + v.representative % 2) || '}',
				FALSE, ` + hash + `, 1, 1, 'counted'
				FROM decision_voters v
				JOIN decision_matters m1 ON m1.decision_id = v.decision_id AND m1.position = 1
				JOIN decision_matters m2 ON m2.decision_id = v.decision_id AND m2.position = 2`,
		} {
			if err := db.ExecForTest(ctx, q); err != nil {
				b.Fatalf("seed: %v\n%s", err, q)
			}
		}
		if dialect == store.Postgres {
			if err := db.ExecForTest(ctx, "ANALYZE"); err != nil {
				b.Fatal(err)
			}
		}
		ds, err := db.FindDecisions(ctx, huanxin.Scope{All: true}, est.ID)
		if err != nil || len(ds) != retallyDecisions {
			b.Fatalf("%d decisions: %v", len(ds), err)
		}
		driver, dsn := "sqlite", db.DSN
		if dialect == store.Postgres {
			driver = "pgx"
		}
		raw, err := sql.Open(driver, dsn)
		if err != nil {
			b.Fatal(err)
		}
		retallyFix = &retallyFixture{db: db, raw: raw, ds: ds, seeded: time.Since(start)}
		b.Logf("%s: seeded %d decisions, %d voters, %d ballots in %s", dialect, len(ds), len(ds)*retallyVoters,
			len(ds)*retallyVoters, retallyFix.seeded.Round(time.Millisecond))
	})
	if retallyFix == nil {
		b.Fatal("seeding failed")
	}
	return retallyFix
}

// retallyAsVerify re-tallies every decision as decision.Service.Verify
// does: the frozen electorate, every ballot, the counted ones, Tally.
func retallyAsVerify(b *testing.B, f *retallyFixture) []decision.Result {
	ctx := context.Background()
	out := make([]decision.Result, len(f.ds))
	for i, d := range f.ds {
		e, err := f.db.Electorate(ctx, d.ID)
		if err != nil {
			b.Fatal(err)
		}
		stored, err := f.db.Ballots(ctx, d.ID)
		if err != nil {
			b.Fatal(err)
		}
		out[i] = tallyStored(d, e, stored)
	}
	return out
}

func tallyStored(d *decision.Decision, e decision.Electorate, stored []*decision.StoredBallot) decision.Result {
	var bs []decision.Ballot
	pending, mismatched := 0, 0
	for _, s := range stored {
		switch s.State {
		case decision.BallotCounted:
			bs = append(bs, s.Ballot())
		case decision.BallotPending:
			pending++
		case decision.BallotMismatched:
			mismatched++
		}
	}
	r := decision.Tally(e, d.Matters, bs)
	r.Pending, r.Mismatched = pending, mismatched
	return r
}

// retallyFast re-tallies with the store's loaders for tallies: keyed reads,
// choices decoded by hand, several decisions at once.
func retallyFast(b *testing.B, f *retallyFixture) []decision.Result {
	idx := map[int64]int{}
	for i, d := range f.ds {
		idx[d.ID] = i
	}
	out := make([]decision.Result, len(f.ds))
	err := f.db.EachCounting(context.Background(), f.ds, func(c store.Counting) error {
		out[idx[c.Decision.ID]] = tallyStored(c.Decision, c.Electorate, c.Ballots)
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return out
}

// retallyAggregate is the yardstick: one plain SQL aggregate over the same
// rows, the participating area and persons per decision.
func retallyAggregate(b *testing.B, f *retallyFixture) (persons, area int64) {
	rows, err := f.raw.Query(`SELECT b.decision_id, COUNT(*), SUM(v.area) FROM ballots b
		JOIN decision_voters v ON v.city_id = b.city_id AND v.decision_id = b.decision_id AND v.person = b.person
		WHERE b.state = 'counted' GROUP BY b.decision_id`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id, p, a int64
		if err := rows.Scan(&id, &p, &a); err != nil {
			b.Fatal(err)
		}
		persons, area, n = persons+p, area+a, n+1
	}
	if err := rows.Err(); err != nil || n != retallyDecisions {
		b.Fatalf("%d decisions aggregated: %v", n, err)
	}
	return persons, area
}

func BenchmarkRetally(b *testing.B) {
	f := retallySeed(b)
	// The three must agree before anything is timed.
	persons, area := retallyAggregate(b, f)
	slow, fast := retallyAsVerify(b, f), retallyFast(b, f)
	var tp, ta int64
	for i := range f.ds {
		if fmt.Sprint(slow[i]) != fmt.Sprint(fast[i]) {
			b.Fatalf("decision %d: the fast re-tally differs:\n%v\n%v", f.ds[i].ID, slow[i], fast[i])
		}
		tp += slow[i].Matters[0].Participating.Persons
		ta += int64(slow[i].Matters[0].Participating.Area)
	}
	if tp != persons || ta != area || persons != retallyDecisions*retallyVoters {
		b.Fatalf("tally %d persons %d area; aggregate %d persons %d area", tp, ta, persons, area)
	}
	b.Run("sql-aggregate", func(b *testing.B) {
		for b.Loop() {
			retallyAggregate(b, f)
		}
	})
	b.Run("as-verify", func(b *testing.B) {
		for b.Loop() {
			retallyAsVerify(b, f)
		}
	})
	b.Run("fast", func(b *testing.B) {
		for b.Loop() {
			retallyFast(b, f)
		}
	})
}
