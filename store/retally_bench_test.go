package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"reflect"
	"runtime"
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
	"golang.org/x/sync/errgroup"
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
			// As autovacuum would after the load: statistics, and the
			// visibility map that lets index-only scans skip the heap.
			if err := db.ExecForTest(ctx, "VACUUM ANALYZE"); err != nil {
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

// retallyAsVerify re-tallies every decision as decision.Service did
// before stores read for tallies alone (tallyStoredBallots).
func retallyAsVerify(b *testing.B, f *retallyFixture) []decision.Result {
	out := make([]decision.Result, len(f.ds))
	for i, d := range f.ds {
		r, err := tallyStoredBallots(f.db, d)
		if err != nil {
			b.Fatal(err)
		}
		out[i] = r
	}
	return out
}

// tallyStoredBallots tallies a decision from the frozen electorate and
// every stored ballot: the counted ones resolved under the conflict rule,
// Tally.
func tallyStoredBallots(db *store.DB, d *decision.Decision) (decision.Result, error) {
	ctx := context.Background()
	e, err := db.Electorate(ctx, d.ID)
	if err != nil {
		return decision.Result{}, err
	}
	stored, err := db.Ballots(ctx, d.ID)
	if err != nil {
		return decision.Result{}, err
	}
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
	kept, conflicts := decision.Resolve(d.Conflict, bs)
	r := decision.Tally(e, d.Matters, kept)
	r.Pending, r.Mismatched, r.Conflicts = pending, mismatched, conflicts
	return r, nil
}

// testDecision stores a decision with two matters and six voters p1…p6
// over the first demo estate, in the status given, by SQL.
func testDecision(t *testing.T, db *store.DB, status decision.Status) *decision.Decision {
	t.Helper()
	ctx := context.Background()
	sys := huanxin.NewContextWithActor(ctx, huanxin.SystemActor)
	reg := &estate.Service{Store: db}
	if err := (&importer.Service{DB: db, Register: reg}).LoadDemo(sys, demo.Generate(demo.Options{Seed: 1, Estates: 1})); err != nil {
		t.Fatal(err)
	}
	es, _, err := reg.Estates().Find(sys, estate.Filter{Limit: 1})
	if err != nil || len(es) != 1 {
		t.Fatal(err)
	}
	city, est := es[0].CityID, es[0].ID
	exec := func(q string, args ...any) {
		t.Helper()
		if err := db.ExecForTest(ctx, fmt.Sprintf(q, args...)); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	exec(`INSERT INTO decisions (city_id, estate_id, title, description, status, scope_kind, scope_ids, notice_days,
		published_at, opens_at, closes_at, created_by, created, updated) VALUES (%d, %d, 't', '', '%s', 'estate', '', 0, 1, 2, 3, 1, 1, 1)`,
		city, est, status)
	ds, err := db.FindDecisions(ctx, huanxin.Scope{All: true}, est)
	if err != nil || len(ds) != 1 {
		t.Fatalf("%d decisions: %v", len(ds), err)
	}
	id := ds[0].ID
	exec(`INSERT INTO decision_matters (city_id, decision_id, position, item, title) VALUES (%d, %d, 1, 7, 'a'), (%d, %d, 2, 4, 'b')`,
		city, id, city, id)
	for i := 1; i <= 6; i++ {
		exec(`INSERT INTO decision_voters (city_id, decision_id, person, representative, area, owners, parts)
			VALUES (%d, %d, 'p%d', %d, %d, '[%d]', '[{"PartID":%d,"BuildingID":1,"Floor":%d,"Area":%d,"Source":"register"}]')`,
			city, id, i, i, 1000*i, i, i, i%3, 1000*i)
	}
	d, err := db.FindDecisionByID(ctx, huanxin.Scope{All: true}, id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Counted reads what the stored ballots give: paper ballots pending,
// mismatched and settled by a review (whose entry counts), a spoiled one,
// a person with ballots on both channels, a stranger, parts for an extra
// condition; under each conflict rule, on both engines.
func TestCountedEqualsStoredBallots(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := testDecision(t, db, decision.StatusClosed)
		city, id := d.CityID, d.ID
		exec := func(q string, args ...any) {
			t.Helper()
			if err := db.ExecForTest(ctx, fmt.Sprintf(q, args...)); err != nil {
				t.Fatalf("%v\n%s", err, q)
			}
		}
		m1, m2 := d.Matters[0].ID, d.Matters[1].ID
		ballot := func(person, channel, choices string, spoiled bool, at int, state string, reviewBy int, review string) {
			t.Helper()
			exec(`INSERT INTO ballots (city_id, decision_id, person, channel, choices, spoiled, receipt_hash, cast_by, cast_at, state,
				review_by, review_entry) VALUES (%d, %d, '%s', '%s', '%s', %t, '%s', 1, %d, '%s', %d, '%s')`,
				city, id, person, channel, choices, spoiled, person+channel, at, state, reviewBy, review)
		}
		ch := func(a, b decision.Choice) string { return fmt.Sprintf(`{"%d":%d,"%d":%d}`, m1, a, m2, b) }
		ballot("p1", "online", ch(1, 2), false, 10, "counted", 0, "")
		ballot("p2", "paper", ch(1, 1), true, 20, "counted", 0, "")
		ballot("p3", "paper", ch(1, 1), false, 30, "pending", 0, "")
		ballot("p4", "paper", ch(1, 1), false, 40, "mismatched", 0, "")
		ballot("p5", "paper", ch(1, 1), false, 50, "counted", 9, fmt.Sprintf(`{"collection":"onsite","choices":{"%d":2},"spoiled":false}`, m1))
		ballot("p6", "online", ch(1, 1), false, 100, "counted", 0, "")
		ballot("p6", "paper", ch(2, 2), false, 60, "counted", 0, "")
		ballot("p9", "online", ch(1, 1), false, 70, "counted", 0, "")
		d.Matters[0].Extra = []decision.Extra{{Label: "x", Rule: decision.ExtraNoneOppose, Floors: []int{2}, Parts: []int64{1}}}
		for _, rule := range []decision.ConflictRule{decision.ConflictFirst, decision.ConflictPaper, decision.ConflictOnline} {
			d.Conflict = rule
			want, err := tallyStoredBallots(db, d)
			if err != nil {
				t.Fatal(err)
			}
			c, err := db.Counted(ctx, d)
			if err != nil {
				t.Fatal(err)
			}
			got := decision.TallyCounted(d, c)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s:\n got %+v\nwant %+v", rule, got, want)
			}
			if want.Pending != 1 || want.Mismatched != 1 || len(want.Conflicts) != 1 || len(want.Rejected) != 1 || want.Counted != 4 ||
				want.Matters[0].Oppose.Persons == 0 || len(want.Matters[0].Extra) != 1 || want.Matters[0].Extra[0].Affected != 3 {
				t.Fatalf("%s: the case does not cover what it should: %+v", rule, want)
			}
		}
	})
}

// retallyCounted re-tallies as the service does now: store.Counted and
// decision.TallyCounted, as many decisions at once as there are cores.
func retallyCounted(b *testing.B, f *retallyFixture) []decision.Result {
	out := make([]decision.Result, len(f.ds))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, d := range f.ds {
		g.Go(func() error {
			c, err := f.db.Counted(context.Background(), d)
			out[i] = decision.TallyCounted(d, c)
			return err
		})
	}
	if err := g.Wait(); err != nil {
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
	slow, fast := retallyAsVerify(b, f), retallyCounted(b, f)
	var tp, ta int64
	for i := range f.ds {
		if fmt.Sprint(slow[i]) != fmt.Sprint(fast[i]) {
			b.Fatalf("decision %d: the re-tally from Counted differs:\n%v\n%v", f.ds[i].ID, slow[i], fast[i])
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
	b.Run("stored-ballots", func(b *testing.B) {
		for b.Loop() {
			retallyAsVerify(b, f)
		}
	})
	b.Run("counted", func(b *testing.B) {
		for b.Loop() {
			retallyCounted(b, f)
		}
	})
}

// A close racing casts: casts share the decision's lock, the close waits
// for those holding it, and no cast is stored once the close has
// committed; every cast is either stored and acknowledged or refused as
// not open. On both engines.
func TestCloseRacingCasts(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := testDecision(t, db, decision.StatusOpen)
		const workers, each = 6, 100 // fewer workers than the pool has connections, so the close gets one
		const n = workers * each
		errs := make([]error, n)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w * each; i < (w+1)*each; i++ {
					errs[i] = db.CastBallot(ctx, &decision.StoredBallot{CityID: d.CityID, DecisionID: d.ID, Person: decision.PersonID(fmt.Sprint("c", i)),
						Channel: decision.ChannelOnline, Entry: decision.Entry{Choices: map[decision.MatterID]decision.Choice{d.Matters[0].ID: decision.Agree}},
						ReceiptHash: []byte(fmt.Sprint("r", i)), CastBy: 1, State: decision.BallotCounted})
				}
			}()
		}
		time.Sleep(20 * time.Millisecond)
		if err := db.SetDecisionStatus(ctx, d.ID, decision.StatusOpen, decision.StatusClosed); err != nil {
			t.Fatal(err)
		}
		atClose, err := db.Ballots(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		after, err := db.Ballots(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(atClose) {
			t.Fatalf("%d ballots when the close committed, %d after the casts ended", len(atClose), len(after))
		}
		stored := map[decision.PersonID]bool{}
		for _, b := range after {
			stored[b.Person] = true
		}
		acked := 0
		for i, err := range errs {
			p := decision.PersonID(fmt.Sprint("c", i))
			switch {
			case err == nil && stored[p]:
				acked++
			case huanxin.ErrorCode(err) == huanxin.EINVALID && !stored[p]:
			default:
				t.Fatalf("cast %d: %v, stored %t", i, err, stored[p])
			}
		}
		if acked != len(after) {
			t.Fatalf("%d casts acknowledged, %d stored", acked, len(after))
		}
		t.Logf("%d of %d casts before the close", acked, n)
	})
}
