package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/planning/priority"
	"github.com/huanxin/huanxin/planning/rank"
	"github.com/huanxin/huanxin/store"
)

func TestPriorityStore(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		ctx := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
		w := mustWorld(t, db)
		for _, r := range []*estate.Resident{
			{Name: "老李", BirthYear: 1950, Disabled: true},
			{Name: "小李", BirthYear: 1990},
			{Name: "无年份"},
		} {
			r.CityID, r.EstateID, r.PartID, r.Kind = w.city.ID, w.estA.ID, w.part.ID, estate.ResidentFamily
			if err := db.CreateResident(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		all := huanxin.Scope{All: true}
		facts, err := db.FindEstateFacts(ctx, all, w.city.ID, w.city.Path, 2026)
		if err != nil || len(facts) != 2 {
			t.Fatalf("facts %+v %v", facts, err)
		}
		want := priority.EstateFacts{EstateID: w.estA.ID, CityID: w.city.ID, JurisdictionID: w.commA.ID, Code: "E1", Name: "纺织新村电梯房",
			YearBuilt: 1985, Management: estate.MgmtNone, DwellingParts: 1, Residents: 3, BirthKnown: 2, Elderly: 1, Disabled: 1}
		if facts[0] != want || facts[1].EstateID != w.estB.ID || facts[1].Residents != 0 {
			t.Fatalf("facts:\n%+v\n%+v", facts, want)
		}
		// The district path and the scope both narrow the estates.
		if fs, err := db.FindEstateFacts(ctx, all, w.city.ID, w.distB.Path, 2026); err != nil || len(fs) != 1 || fs[0].EstateID != w.estB.ID {
			t.Fatalf("district B: %+v %v", fs, err)
		}
		if fs, err := db.FindEstateFacts(ctx, huanxin.Scope{Paths: []string{w.distA.Path}}, w.city.ID, w.city.Path, 2026); err != nil || len(fs) != 1 || fs[0].EstateID != w.estA.ID {
			t.Fatalf("scope A: %+v %v", fs, err)
		}

		asOf := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		vals := []priority.IndicatorValue{
			{CityID: w.city.ID, EstateID: w.estA.ID, Key: "safety_hazards", Value: 3, Source: priority.SourceManual, AsOf: asOf, By: 7},
			{CityID: w.city.ID, EstateID: w.estB.ID, Key: "safety_hazards", Value: 1.5, Source: priority.SourceImport, AsOf: asOf, By: 7},
		}
		if err := db.PutIndicatorValues(ctx, w.city.ID, vals, "test"); err != nil {
			t.Fatal(err)
		}
		// Entering again replaces.
		vals[0].Value, vals[0].Source = 4, priority.SourceSurvey
		if err := db.PutIndicatorValues(ctx, w.city.ID, vals[:1], ""); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindIndicatorValues(ctx, all, w.city.ID, w.city.Path)
		if err != nil || !reflect.DeepEqual(got, vals) {
			t.Fatalf("values:\n%+v\n%+v %v", got, vals, err)
		}
		if got, err := db.FindIndicatorValues(ctx, huanxin.Scope{EstateIDs: []int64{w.estB.ID}}, w.city.ID, w.city.Path); err != nil || len(got) != 1 || got[0].EstateID != w.estB.ID {
			t.Fatalf("estate scope: %+v %v", got, err)
		}
		// A value of another city in the batch refuses the whole batch.
		bad := append(vals[:1:1], priority.IndicatorValue{CityID: w.city.ID + 99, EstateID: w.estB.ID, Key: "safety_hazards", Value: 9, Source: priority.SourceManual, AsOf: asOf})
		if err := db.PutIndicatorValues(ctx, w.city.ID, bad, ""); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("mixed cities: %v", err)
		}

		inds := priority.Indicators()[:3]
		ahp, err := rank.NewAHPWeightSet("重安全", inds, [][]float64{{1, 3, 5}, {1.0 / 3, 1, 3}, {1.0 / 5, 1.0 / 3, 1}})
		if err != nil {
			t.Fatal(err)
		}
		ws := &priority.WeightSet{CityID: w.city.ID, WeightSet: ahp, CreatedBy: 7}
		if err := db.CreateWeightSet(ctx, ws); err != nil {
			t.Fatal(err)
		}
		again := &priority.WeightSet{CityID: w.city.ID, WeightSet: ahp, CreatedBy: 7}
		if err := db.CreateWeightSet(ctx, again); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("same name: %v", err)
		}
		back, err := db.FindWeightSetByID(ctx, ws.ID)
		if err != nil || !reflect.DeepEqual(back, ws) {
			t.Fatalf("round trip:\n%+v\n%+v %v", back, ws, err)
		}
		manual, _ := rank.NewManualWeightSet("平均", inds[:2], map[string]float64{inds[0].Key: 0.5, inds[1].Key: 0.5})
		ws.WeightSet = manual
		if err := db.UpdateWeightSet(ctx, ws); err != nil {
			t.Fatal(err)
		}
		list, err := db.FindWeightSets(ctx, w.city.ID)
		if err != nil || len(list) != 1 || !reflect.DeepEqual(list[0], ws) {
			t.Fatalf("list %+v %v", list, err)
		}
		if _, err := db.FindWeightSetByID(ctx, ws.ID+100); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Fatalf("missing: %v", err)
		}
	})
}
