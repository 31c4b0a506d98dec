package decision_test

import (
	"context"
	"os"
	"sync/atomic"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/demo"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/importer"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/store"
)

// BenchmarkCastOnline measures owners casting online ballots through the
// service (validation, one-ballot-per-person, audit, commit) with 64
// concurrent voters, on SQLite (HUANXIN_BENCH_DB=postgres for PostgreSQL).
// Each op is one ballot; run with -benchtime=Nx, N at most the electorate.
func BenchmarkCastOnline(b *testing.B) {
	dialect := store.SQLite
	if os.Getenv("HUANXIN_BENCH_DB") == "postgres" {
		dialect = store.Postgres
	}
	db := testdb.Open(b, dialect)
	sys := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
	reg := &estate.Service{Store: db}
	if err := (&importer.Service{DB: db, Register: reg}).LoadDemo(sys, demo.Generate(demo.Options{Seed: 1, Estates: 40})); err != nil {
		b.Fatal(err)
	}
	svc := &decision.Service{Store: db, Register: reg}
	// The decision covers the largest estate.
	es, _, err := reg.Estates().Find(sys, estate.Filter{Limit: 1000})
	if err != nil {
		b.Fatal(err)
	}
	// Votes open at once in this benchmark.
	if err := db.SetCitySettings(sys, es[0].CityID, decision.Rules{Conflict: decision.ConflictFirst}.Settings(), 1); err != nil {
		b.Fatal(err)
	}
	big := es[0]
	for _, e := range es {
		if e.Dwellings > big.Dwellings {
			big = e
		}
	}
	d := &decision.Decision{EstateID: big.ID, Title: "基准表决", ScopeKind: decision.ScopeEstate,
		Matters: []decision.Matter{{Item: decision.ItemRebuild, Title: "加装电梯"}, {Item: decision.ItemManager, Title: "选聘物业"}}}
	for _, step := range []func() error{
		func() error { return svc.Create(sys, d) },
		func() error { return svc.Publish(sys, d.ID) },
		func() error { return svc.Open(sys, d.ID) },
	} {
		if err := step(); err != nil {
			b.Fatal(err)
		}
	}
	e, err := svc.Electorate(sys, d.ID)
	if err != nil {
		b.Fatal(err)
	}
	var voters []context.Context
	for _, v := range e.Voters {
		if v.ID == decision.Developer || len(v.Owners) == 0 {
			continue
		}
		voters = append(voters, huanxin.NewContextWithActor(context.Background(), &huanxin.Actor{UserID: v.Owners[0],
			Role: huanxin.RoleResident, OwnerID: v.Owners[0], Scope: huanxin.Scope{PartIDs: []int64{v.Parts[0].PartID}}}))
	}
	if b.N > len(voters) {
		b.Fatalf("benchtime %d exceeds the %d voters of the estate", b.N, len(voters))
	}
	choices := map[decision.MatterID]decision.Choice{d.Matters[0].ID: decision.Agree, d.Matters[1].ID: decision.Oppose}
	var next atomic.Int64
	b.SetParallelism(32) // 64 goroutines on 2 cores
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1) - 1
			if _, err := svc.Cast(voters[i], d.ID, decision.Vote{Choices: choices}); err != nil {
				b.Error(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ballots/s")
}
