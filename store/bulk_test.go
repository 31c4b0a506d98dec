package store_test

import (
	"context"
	"errors"
	"maps"
	"strconv"
	"strings"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/store"
)

// bulkTree writes a small tree and an estate with a building through a bulk.
func bulkTree(t *testing.T, b *store.Bulk) (city, comm *estate.Jurisdiction, e *estate.Estate, bld *estate.Building) {
	t.Helper()
	var parent int64
	var js []*estate.Jurisdiction
	for i, l := range huanxin.Levels {
		j := &estate.Jurisdiction{Level: l, Code: "39" + string(rune('0'+i)), Name: "辖区" + string(l), ParentID: parent}
		if err := b.PutJurisdiction(j); err != nil {
			t.Fatal(err)
		}
		parent, js = j.ID, append(js, j)
	}
	city, comm = js[1], js[4]
	es := []estate.Estate{{CityID: city.ID, JurisdictionID: comm.ID, Code: "E1", Name: "Alpha 新村", Address: "中山路1号",
		YearBuilt: 1985, Management: estate.MgmtNone, Status: estate.StatusCandidate}}
	if _, err := b.Estates(es, store.Upsert, nil); err != nil {
		t.Fatal(err)
	}
	bs := []estate.Building{{CityID: city.ID, EstateID: es[0].ID, No: "1", Floors: 6}}
	if _, err := b.Buildings(bs, store.Upsert, nil); err != nil {
		t.Fatal(err)
	}
	return city, comm, &es[0], &bs[0]
}

func TestBulkWritesByNaturalKey(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		ctx := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
		var city, comm *estate.Jurisdiction
		var e *estate.Estate
		var bld *estate.Building
		var parts []estate.Part
		err := db.Bulk(ctx, func(b *store.Bulk) error {
			city, comm, e, bld = bulkTree(t, b)
			if !strings.HasPrefix(comm.Path, city.Path) || !strings.HasSuffix(comm.Path, "/"+strconv.FormatInt(comm.ID, 10)+"/") ||
				strings.Count(comm.Path, "/") != 6 || comm.CityID != city.ID || city.CityID != city.ID {
				t.Errorf("paths: city %+v community %+v", city, comm)
			}
			ws := []estate.Stairwell{{CityID: city.ID, EstateID: e.ID, BuildingID: bld.ID, No: "1"},
				{CityID: city.ID, EstateID: e.ID, BuildingID: bld.ID, No: "2"}}
			if _, err := b.Stairwells(ws, store.Ensure, nil); err != nil {
				return err
			}
			for i, room := range []string{"101", "102", "201"} {
				parts = append(parts, estate.Part{CityID: city.ID, EstateID: e.ID, BuildingID: bld.ID, StairwellID: ws[i/2].ID,
					Kind: estate.KindDwelling, Floor: 1 + i/2, Room: room, Area: 6000, AreaSource: estate.SourceRegister, Sold: true, Delivered: true})
			}
			_, err := b.Parts(parts, store.Upsert, nil)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// The estate is found by scope and search like one created singly.
		scope := huanxin.Scope{Paths: []string{comm.Path}}
		if es, n, _ := db.FindEstates(ctx, estate.Filter{Scope: scope, Q: "alpha"}); n != 1 || es[0].Community != comm.Name {
			t.Fatalf("estate by scope and search: %d %+v", n, es)
		}
		err = db.Bulk(ctx, func(b *store.Bulk) error {
			// Ref finds stored records and names the missing ones.
			refs := []estate.Building{{CityID: city.ID, EstateID: e.ID, No: "1"}, {CityID: city.ID, EstateID: e.ID, No: "9"}}
			if missing, err := b.Buildings(refs, store.Ref, nil); err != nil || len(missing) != 1 || missing[0] != 1 || refs[0].ID != bld.ID {
				t.Errorf("ref: missing %v, %+v, %v", missing, refs, err)
			}
			// Ensure leaves a stored record as it is.
			if _, err := b.Buildings([]estate.Building{{CityID: city.ID, EstateID: e.ID, No: "1", Floors: 9}}, store.Ensure, nil); err != nil {
				return err
			}
			// Upsert writes only the columns named, only where they differ.
			again := append([]estate.Part(nil), parts...)
			for i := range again {
				again[i].ID, again[i].Floor = 0, 7
			}
			again[0].Area = 6100
			if _, err := b.Parts(again, store.Upsert, []string{"area"}); err != nil {
				return err
			}
			if again[2].ID != parts[2].ID {
				t.Errorf("part IDs %d, want %d", again[2].ID, parts[2].ID)
			}
			_, err := b.Parts(again, store.Upsert, []string{"room"})
			if err == nil {
				t.Error("a key column was accepted as an update column")
			}
			want := map[int64]map[string]store.Count{city.ID: {"building": {Unchanged: 1}, "part": {Updated: 1, Unchanged: 2}}}
			if got := b.Counts(); !maps.EqualFunc(got, want, maps.Equal) {
				t.Errorf("counts %v, want %v", got, want)
			}
			return b.Audit(city.ID, audit.ActionImport, "parts", map[string]int{"rows": 3}, "test")
		})
		if err != nil {
			t.Fatal(err)
		}
		all := estate.Filter{Scope: huanxin.Scope{All: true}}
		bs, _, _ := db.FindBuildings(ctx, all)
		ps, _, _ := db.FindParts(ctx, all)
		if bs[0].Floors != 6 || ps[0].Area != 6100 || ps[0].Floor != 1 || ps[2].StairwellNo != "2" {
			t.Errorf("stored: %+v %+v %+v", bs[0], ps[0], ps[2])
		}
		if entries, n, _ := db.FindAudit(ctx, audit.Filter{Action: audit.ActionImport}, nil); n != 1 || entries[0].Detail != "test" {
			t.Errorf("audit %d %+v", n, entries)
		}
		if b, _, err := db.VerifyAudit(ctx); b != nil || err != nil {
			t.Errorf("ledger %+v %v", b, err)
		}
	})
}

func TestBulkOwnersAndOwnerships(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		ctx := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
		var city *estate.Jurisdiction
		var e *estate.Estate
		var part estate.Part
		owners := []estate.Owner{{Kind: estate.OwnerPerson, Name: "张三", IDNumber: "11010519491231002X", Phone: "13812345678"},
			{Kind: estate.OwnerPerson, Name: "李四", IDNumber: "110105194912310021"}}
		err := db.Bulk(ctx, func(b *store.Bulk) error {
			var bld *estate.Building
			city, _, e, bld = bulkTree(t, b)
			ws := []estate.Stairwell{{CityID: city.ID, EstateID: e.ID, BuildingID: bld.ID, No: "1"}}
			if _, err := b.Stairwells(ws, store.Upsert, nil); err != nil {
				return err
			}
			ps := []estate.Part{{CityID: city.ID, EstateID: e.ID, BuildingID: bld.ID, StairwellID: ws[0].ID, Kind: estate.KindDwelling,
				Floor: 1, Room: "101", Area: 6000, AreaSource: estate.SourceRegister, Sold: true, Delivered: true}}
			if _, err := b.Parts(ps, store.Upsert, nil); err != nil {
				return err
			}
			part = ps[0]
			for i := range owners {
				owners[i].CityID = city.ID
			}
			if _, err := b.Owners(owners, store.Upsert, nil); err != nil {
				return err
			}
			_, err := b.Ownerships([]estate.Ownership{
				{CityID: city.ID, EstateID: e.ID, PartID: part.ID, OwnerID: owners[0].ID, Representative: true, ShareNum: 1, ShareDen: 2},
				{CityID: city.ID, EstateID: e.ID, PartID: part.ID, OwnerID: owners[1].ID, ShareNum: 1, ShareDen: 2}}, store.Upsert, nil)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// The ID number is hashed as by CreateOwner: the same number conflicts.
		dup := &estate.Owner{CityID: city.ID, Kind: estate.OwnerPerson, Name: "王五", IDNumber: owners[0].IDNumber}
		if err := db.CreateOwner(ctx, dup); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Errorf("same ID number created again: %v", err)
		}
		all := estate.Filter{Scope: huanxin.Scope{All: true}, WithPII: true}
		got, _, _ := db.FindOwners(ctx, all)
		if got[0].Phone != "13812345678" || got[0].PhoneMasked != "138****5678" || got[0].IDLast4 != "002X" || owners[0].IDLast4 != "002X" {
			t.Errorf("owner %+v", got[0])
		}
		err = db.Bulk(ctx, func(b *store.Bulk) error {
			again := append([]estate.Owner(nil), owners...)
			again[1].Phone = "13900000000"
			if _, err := b.Owners(again, store.Upsert, []string{"name", "phone_enc", "phone_masked"}); err != nil {
				return err
			}
			// A new representative replaces the stored one.
			_, err := b.Ownerships([]estate.Ownership{{CityID: city.ID, EstateID: e.ID, PartID: part.ID, OwnerID: owners[1].ID,
				Representative: true, ShareNum: 1, ShareDen: 2}}, store.Upsert, []string{"representative"})
			want := map[string]store.Count{"owner": {Updated: 1, Unchanged: 1}, "ownership": {Updated: 2}}
			if c := b.Counts()[city.ID]; !maps.Equal(c, want) {
				t.Errorf("counts %v, want %v", c, want)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		ships, _, _ := db.FindOwnerships(ctx, all)
		if len(ships) != 2 || ships[0].Representative || !ships[1].Representative {
			t.Errorf("representatives %+v %+v", ships[0], ships[1])
		}
		// Scope: an owner is visible through a holding in scope.
		err = db.Bulk(ctx, func(b *store.Bulk) error {
			vis, err := b.Visible(estate.EntityOwner, huanxin.Scope{Paths: []string{"/nowhere/"}}, []int64{owners[0].ID})
			if err != nil || vis[owners[0].ID] {
				t.Errorf("visible out of scope: %v %v", vis, err)
			}
			vis, err = b.Visible(estate.EntityOwner, huanxin.Scope{EstateIDs: []int64{e.ID}}, []int64{owners[0].ID, owners[1].ID})
			if err != nil || len(vis) != 2 {
				t.Errorf("visible in scope: %v %v", vis, err)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestBulkIsOneTransaction(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		ctx := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
		boom := errors.New("boom")
		var e *estate.Estate
		err := db.Bulk(ctx, func(b *store.Bulk) error {
			_, _, e, _ = bulkTree(t, b)
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("error %v", err)
		}
		all := estate.Filter{Scope: huanxin.Scope{All: true}}
		if _, n, _ := db.FindJurisdictions(ctx, all); n != 0 {
			t.Errorf("%d jurisdictions left after a failed bulk", n)
		}
		// Foreign keys are enforced again after a bulk.
		if err := db.Bulk(ctx, func(b *store.Bulk) error { _, _, e, _ = bulkTree(t, b); return nil }); err != nil {
			t.Fatal(err)
		}
		bad := &estate.Building{CityID: e.CityID, EstateID: e.ID + 1000, No: "1"}
		if err := db.CreateBuilding(ctx, bad); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Errorf("building of a missing estate: %v", err)
		}
	})
}
