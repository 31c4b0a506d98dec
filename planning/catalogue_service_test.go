package planning_test

import (
	"context"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/store"
)

func TestMain(m *testing.M) { testdb.Main(m) }

func as(a *huanxin.Actor) context.Context {
	return huanxin.NewContextWithActor(context.Background(), a)
}

func TestCatalogueService(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		sys := as(huanxin.SystemActor)
		reg := &estate.Service{Store: db}
		mk := func(parent *estate.Jurisdiction, level huanxin.Level, code, name string) *estate.Jurisdiction {
			j := &estate.Jurisdiction{Level: level, Code: code, Name: name}
			if parent != nil {
				j.ParentID = parent.ID
			}
			if err := reg.Jurisdictions().Create(sys, j); err != nil {
				t.Fatal(err)
			}
			return j
		}
		prov := mk(nil, huanxin.LevelProvince, "330000", "浙江省")
		city := mk(prov, huanxin.LevelCity, "330100", "杭州市")
		district := mk(city, huanxin.LevelDistrict, "330106", "西湖区")
		other := mk(prov, huanxin.LevelCity, "330200", "宁波市")
		svc := &planning.CatalogueService{Store: db, Register: reg}

		in := func(role huanxin.Role, j *estate.Jurisdiction) *huanxin.Actor {
			return &huanxin.Actor{UserID: 7, Name: string(role), Role: role, Scope: huanxin.Scope{Paths: []string{j.Path}}}
		}
		bureau, districtBureau := in(huanxin.RoleBureau, city), in(huanxin.RoleBureau, district)
		community, otherBureau := in(huanxin.RoleCommunity, district), in(huanxin.RoleBureau, other)
		admin := &huanxin.Actor{UserID: 1, Name: "admin", Role: huanxin.RoleAdmin, Scope: huanxin.Scope{All: true}}

		// The first read creates the city's catalogue from the default,
		// once, on the system's authority, in one audit entry.
		items, err := svc.Items(as(community), city.ID, planning.Filter{})
		if err != nil || len(items) != len(planning.DefaultCatalogue()) {
			t.Fatalf("first read: %d items, %v", len(items), err)
		}
		if items[0].Code != "B01" || items[len(items)-1].Code != "E10" || items[0].CityID != city.ID || items[0].ID == 0 {
			t.Errorf("order or keys: %+v … %+v", items[0], items[len(items)-1])
		}
		if _, err := svc.Items(as(bureau), city.ID, planning.Filter{}); err != nil {
			t.Fatal(err)
		}
		entries := func(entity string) []*audit.Entry {
			t.Helper()
			es, _, err := db.FindAudit(sys, audit.Filter{CityID: &city.ID, Entity: entity, Limit: 100}, []int64{city.ID})
			if err != nil {
				t.Fatal(err)
			}
			return es
		}
		if es := entries("catalogue"); len(es) != 1 || es[0].ActorName != "system" || es[0].Action != audit.ActionCreate {
			t.Fatalf("seed audit: %+v", es)
		}
		// The district's officers read their city's catalogue by default;
		// a city outside the scope is not found.
		if c, err := svc.City(as(community), 0); err != nil || c != city.ID {
			t.Errorf("default city %d %v", c, err)
		}
		if _, err := svc.Items(as(community), other.ID, planning.Filter{}); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Errorf("other city: %v", err)
		}
		if _, err := svc.Items(context.Background(), city.ID, planning.Filter{}); huanxin.ErrorCode(err) != huanxin.EUNAUTHORIZED {
			t.Errorf("anonymous: %v", err)
		}
		basic := planning.CategoryBasic
		if got, _ := svc.Items(as(community), city.ID, planning.Filter{Category: &basic, Q: "燃气"}); len(got) != 1 || got[0].Code != "B06" {
			t.Errorf("filtered: %+v", got)
		}
		lift := items[len(items)-11] // I15
		if lift.Code != "I15" {
			t.Fatalf("lift is %s", lift.Code)
		}
		if got, err := svc.Item(as(community), lift.ID); err != nil || got.Name != "加装电梯" {
			t.Errorf("item %+v %v", got, err)
		}
		if _, err := svc.Item(as(otherBureau), lift.ID); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Errorf("item of another city: %v", err)
		}

		// Only city-wide administrators and bureaus edit.
		edit := func(a *huanxin.Actor) error {
			it, err := svc.Item(as(admin), lift.ID)
			if err != nil {
				t.Fatal(err)
			}
			it.UnitCost, it.Code = 650000_00, "Z99"
			return svc.Update(as(a), it)
		}
		readOnly := *bureau
		readOnly.ReadOnly = true
		for _, a := range []*huanxin.Actor{community, districtBureau, &readOnly} {
			if err := edit(a); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
				t.Errorf("%s %v: %v", a.Role, a.Scope.Paths, err)
			}
		}
		if err := edit(otherBureau); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Errorf("bureau of another city: %v", err)
		}
		if err := edit(bureau); err != nil {
			t.Fatal(err)
		}
		got, _ := svc.Item(as(community), lift.ID)
		if got.UnitCost != 650000_00 || got.Code != "I15" || got.UpdatedBy != bureau.UserID || got.Updated.IsZero() {
			t.Errorf("updated %+v", got)
		}
		if es := entries("catalogue_item"); len(es) != 1 || es[0].EntityID != lift.ID || es[0].Action != audit.ActionUpdate || es[0].Detail != "I15" {
			t.Errorf("update audit %+v", es)
		}
		if err := edit(admin); err != nil {
			t.Fatal(err)
		}

		// New items: validated, codes unique in the city, dependencies
		// existing and acyclic.
		mine := &planning.Item{CityID: city.ID, Code: "x01", Name: "海绵城市改造", Category: planning.CategoryImprove, Unit: "m²",
			UnitCost: 180_00, LifeYears: 20, Sources: []string{planning.SourceCityBudget}, DependsOn: []string{"B02"}, Active: true}
		if err := svc.Create(as(community), mine); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Errorf("community created: %v", err)
		}
		dup := *mine
		dup.Code = "B01"
		if err := svc.Create(as(bureau), &dup); huanxin.ErrorCode(err) != huanxin.EINVALID || huanxin.ErrorFields(err)[0].Field != "code" {
			t.Errorf("duplicate code: %v", err)
		}
		missing := *mine
		missing.DependsOn = []string{"Q01"}
		if err := svc.Create(as(bureau), &missing); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Errorf("missing dependency: %v", err)
		}
		if err := svc.Create(as(bureau), mine); err != nil || mine.ID == 0 || mine.Code != "X01" {
			t.Fatalf("create: %v %+v", err, mine)
		}
		// B02 after X01 after B02 is a cycle.
		b02, _ := svc.Items(as(bureau), city.ID, planning.Filter{Q: "雨污分流"})
		b02[0].DependsOn = []string{"X01"}
		err = svc.Update(as(bureau), b02[0])
		if fs := huanxin.ErrorFields(err); huanxin.ErrorCode(err) != huanxin.EINVALID || len(fs) != 1 || fs[0].Field != "depends_on" {
			t.Errorf("cycle: %v", err)
		}
		// Deactivating keeps the item, out of the active list.
		mine.Active = false
		if err := svc.Update(as(bureau), mine); err != nil {
			t.Fatal(err)
		}
		active := true
		if got, _ := svc.Items(as(bureau), city.ID, planning.Filter{Active: &active}); len(got) != len(items) {
			t.Errorf("active items %d, want %d", len(got), len(items))
		}
		// Another city's catalogue is seeded separately.
		if got, err := svc.Items(as(otherBureau), other.ID, planning.Filter{}); err != nil || len(got) != len(items) || got[0].CityID != other.ID {
			t.Errorf("other city %d %v", len(got), err)
		}
	})
}
