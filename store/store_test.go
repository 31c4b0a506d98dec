package store_test

import (
	"context"
	"io/fs"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/store"
)

func TestMain(m *testing.M) { testdb.Main(m) }

func TestMigrationsMatchOnBothEngines(t *testing.T) {
	names := func(dir string) []string {
		var out []string
		entries, err := fs.ReadDir(os.DirFS("migrations"), dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			out = append(out, e.Name())
		}
		return out
	}
	lite, pg := names("sqlite"), names("postgres")
	if len(lite) == 0 || !reflect.DeepEqual(lite, pg) {
		t.Fatalf("migration files differ: sqlite %v, postgres %v", lite, pg)
	}
}

// world is a small register: a city with two districts, each with an estate.
type world struct {
	city, distA, distB, commA, commB *estate.Jurisdiction
	estA, estB                       *estate.Estate
	part                             *estate.Part
	owner                            *estate.Owner
}

func mustWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	ctx := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
	w := &world{}
	mk := func(parent *estate.Jurisdiction, level huanxin.Level, code, name string) *estate.Jurisdiction {
		j := &estate.Jurisdiction{Level: level, Code: code, Name: name}
		if parent != nil {
			j.ParentID, j.CityID, j.Path = parent.ID, parent.CityID, parent.Path
		}
		if err := db.CreateJurisdiction(ctx, j); err != nil {
			t.Fatal(err)
		}
		return j
	}
	prov := mk(nil, huanxin.LevelProvince, "330000", "某省")
	w.city = mk(prov, huanxin.LevelCity, "330100", "某市")
	w.distA = mk(w.city, huanxin.LevelDistrict, "330102", "上城区")
	w.distB = mk(w.city, huanxin.LevelDistrict, "330105", "拱墅区")
	w.commA = mk(mk(w.distA, huanxin.LevelStreet, "330102001", "清波街道"), huanxin.LevelCommunity, "330102001001", "柳翠井社区")
	w.commB = mk(mk(w.distB, huanxin.LevelStreet, "330105001", "米市巷街道"), huanxin.LevelCommunity, "330105001001", "卖鱼桥社区")
	est := func(j *estate.Jurisdiction, code, name string) *estate.Estate {
		e := &estate.Estate{CityID: w.city.ID, JurisdictionID: j.ID, Code: code, Name: name, Address: "中山路" + code + "号",
			YearBuilt: 1985, Management: estate.MgmtNone, Status: estate.StatusCandidate}
		if err := db.CreateEstate(ctx, e); err != nil {
			t.Fatal(err)
		}
		return e
	}
	w.estA = est(w.commA, "E1", "纺织新村电梯房")
	w.estB = est(w.commB, "E2", "安居苑")
	b := &estate.Building{CityID: w.city.ID, EstateID: w.estA.ID, No: "1", Floors: 6}
	if err := db.CreateBuilding(ctx, b); err != nil {
		t.Fatal(err)
	}
	s := &estate.Stairwell{CityID: w.city.ID, EstateID: w.estA.ID, BuildingID: b.ID, No: "1"}
	if err := db.CreateStairwell(ctx, s); err != nil {
		t.Fatal(err)
	}
	w.part = &estate.Part{CityID: w.city.ID, EstateID: w.estA.ID, BuildingID: b.ID, StairwellID: s.ID, Kind: estate.KindDwelling,
		Floor: 3, Room: "301", Area: 8532, AreaSource: estate.SourceRegister, Sold: true, Delivered: true}
	if err := db.CreatePart(ctx, w.part); err != nil {
		t.Fatal(err)
	}
	w.owner = &estate.Owner{CityID: w.city.ID, Kind: estate.OwnerPerson, Name: "张三", IDNumber: "11010519491231002X", Phone: "13812345678"}
	if err := db.CreateOwner(ctx, w.owner); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateOwnership(ctx, &estate.Ownership{CityID: w.city.ID, EstateID: w.estA.ID, PartID: w.part.ID,
		OwnerID: w.owner.ID, Representative: true, ShareNum: 1, ShareDen: 1}); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestRegisterRoundTripAndScope(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := mustWorld(t, db)
		if w.city.CityID != w.city.ID || w.commA.CityID != w.city.ID {
			t.Fatalf("city keys not propagated: %+v %+v", w.city, w.commA)
		}
		all, n, err := db.FindEstates(ctx, estate.Filter{Scope: huanxin.Scope{All: true}})
		if err != nil || n != 2 {
			t.Fatalf("FindEstates all = %d, %v", n, err)
		}
		// Pinyin order: 安居苑 (an) before 纺织新村 (fang).
		if all[0].Name != "安居苑" || all[1].District != "上城区" || all[1].Community != "柳翠井社区" {
			t.Fatalf("order/joins wrong: %+v / %+v", all[0], all[1])
		}
		scopeA := huanxin.Scope{Paths: []string{w.distA.Path}}
		got, n, _ := db.FindEstates(ctx, estate.Filter{Scope: scopeA})
		if n != 1 || got[0].ID != w.estA.ID {
			t.Fatalf("district scope sees %d estates", n)
		}
		if _, n, _ := db.FindEstates(ctx, estate.Filter{Scope: huanxin.Scope{Paths: []string{w.distB.Path}}, ID: &w.estA.ID}); n != 0 {
			t.Fatal("estate visible out of scope")
		}
		// Two-character search and case-insensitive code search.
		for _, q := range []string{"电梯", "e1", "中山路E1"} {
			if _, n, _ := db.FindEstates(ctx, estate.Filter{Scope: huanxin.Scope{All: true}, Q: q}); n != 1 {
				t.Errorf("search %q found %d", q, n)
			}
		}
		// LIKE wildcards in input are literal.
		if _, n, _ := db.FindEstates(ctx, estate.Filter{Scope: huanxin.Scope{All: true}, Q: "%"}); n != 0 {
			t.Errorf("wildcard search matched %d", n)
		}
		// A resident sees only their part, its building and owners.
		res := huanxin.Scope{PartIDs: []int64{w.part.ID}}
		if _, n, _ := db.FindParts(ctx, estate.Filter{Scope: res}); n != 1 {
			t.Errorf("resident sees %d parts", n)
		}
		if _, n, _ := db.FindBuildings(ctx, estate.Filter{Scope: res}); n != 1 {
			t.Errorf("resident sees %d buildings", n)
		}
		if _, n, _ := db.FindEstates(ctx, estate.Filter{Scope: res}); n != 1 {
			t.Errorf("resident sees %d estates", n)
		}
		// Personal data: masked unless asked for.
		os, _, _ := db.FindOwners(ctx, estate.Filter{Scope: scopeA})
		if len(os) != 1 || os[0].Phone != "" || os[0].PhoneMasked != "138****5678" || os[0].IDLast4 != "002X" {
			t.Fatalf("owner PII = %+v", os)
		}
		os, _, _ = db.FindOwners(ctx, estate.Filter{Scope: scopeA, WithPII: true})
		if os[0].Phone != "13812345678" {
			t.Fatalf("phone not decrypted: %q", os[0].Phone)
		}
		if _, n, _ := db.FindOwners(ctx, estate.Filter{Scope: huanxin.Scope{Paths: []string{w.distB.Path}}}); n != 0 {
			t.Fatal("owner visible out of scope")
		}
		// Unique natural keys map to ECONFLICT.
		dup := &estate.Owner{CityID: w.city.ID, Kind: estate.OwnerPerson, Name: "李四", IDNumber: "11010519491231002X"}
		if err := db.CreateOwner(ctx, dup); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("duplicate owner: %v", err)
		}
	})
}

func TestAuditChainDetectsTampering(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		db.Now = func() time.Time { return time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC) }
		mustWorld(t, db)
		b, n, err := db.VerifyAudit(ctx)
		if err != nil || b != nil || n < 10 {
			t.Fatalf("fresh ledger: break %+v, %d checked, %v", b, n, err)
		}
		entries, total, err := db.FindAudit(ctx, audit.Filter{Entity: "estate"}, nil)
		if err != nil || total != 2 || entries[0].At.Year() != 2026 {
			t.Fatalf("FindAudit = %d, %v", total, err)
		}
		// Tamper with one entry directly in the database.
		if err := db.ExecForTest(ctx, "UPDATE audit SET actor_name = 'mallory' WHERE entity = 'building'"); err != nil {
			t.Fatal(err)
		}
		b, _, err = db.VerifyAudit(ctx)
		if err != nil || b == nil {
			t.Fatalf("tampering not detected: %+v %v", b, err)
		}
		var bseq int64
		if err := db.QueryRowForTest(ctx, "SELECT seq FROM audit WHERE entity = 'building'").Scan(&bseq); err != nil {
			t.Fatal(err)
		}
		if b.Seq != bseq {
			t.Fatalf("break at %d, tampered entry is %d", b.Seq, bseq)
		}
	})
}

func TestConcurrentUpdateIsRefused(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := mustWorld(t, db)
		if w.estA.Created.IsZero() || !w.estA.Updated.Equal(w.estA.Created) {
			t.Fatalf("create did not set timestamps: %v %v", w.estA.Created, w.estA.Updated)
		}
		a, b := *w.estA, *w.estA
		db.Now = func() time.Time { return time.Now().Add(time.Second) }
		a.Notes = "first"
		if err := db.UpdateEstate(ctx, &a); err != nil {
			t.Fatal(err)
		}
		if !a.Updated.After(w.estA.Updated) {
			t.Fatalf("update did not advance Updated: %v", a.Updated)
		}
		b.Notes = "second, from a stale copy"
		if err := db.UpdateEstate(ctx, &b); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("stale update: %v", err)
		}
		got, _, _ := db.FindEstates(ctx, estate.Filter{Scope: huanxin.Scope{All: true}, ID: &a.ID})
		if got[0].Notes != "first" {
			t.Fatalf("notes = %q", got[0].Notes)
		}
		missing := a
		missing.ID = 99999
		if err := db.UpdateEstate(ctx, &missing); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Fatalf("missing update: %v", err)
		}
	})
}

func TestListsSeeEveryWrite(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		ctx := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
		w := mustWorld(t, db)
		all := estate.Filter{Scope: huanxin.Scope{All: true}, Q: "村"}
		for i := 0; i < 2; i++ { // the second read is served from the list cache
			if _, n, err := db.FindEstates(ctx, all); err != nil || n != 1 {
				t.Fatalf("read %d: %d, %v", i, n, err)
			}
		}
		e := &estate.Estate{CityID: w.city.ID, JurisdictionID: w.commB.ID, Code: "E3", Name: "百花新村",
			YearBuilt: 1990, Management: estate.MgmtNone, Status: estate.StatusCandidate}
		if err := db.CreateEstate(ctx, e); err != nil {
			t.Fatal(err)
		}
		got, n, err := db.FindEstates(ctx, all)
		if err != nil || n != 2 || len(got) != 2 || got[0].Name != "百花新村" {
			t.Fatalf("after a write the list shows %d: %+v, %v", n, got, err)
		}
	})
}

// Every migration rolls back cleanly and applies again, on both engines.
func TestMigrationsRollBackAndReapply(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mustWorld(t, db)
		if err := db.MigrateDownAllForTest(ctx); err != nil {
			t.Fatalf("down: %v", err)
		}
		if ok, _ := db.MigrationsCurrent(ctx); ok {
			t.Fatal("migrations still current after rolling back")
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("up again: %v", err)
		}
		if ok, err := db.MigrationsCurrent(ctx); !ok || err != nil {
			t.Fatalf("not current: %v", err)
		}
		mustWorld(t, db) // the schema works again, from empty
	})
}
