package store_test

import (
	"slices"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/internal/testworld"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/planning/plan"
	"github.com/huanxin/huanxin/planning/programme"
	"github.com/huanxin/huanxin/store"
)

func TestProgrammeStore(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := testworld.New(t, db)
		sys := w.System
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		// Two dwellings of 85.32 m² and 60 m².
		st := &estate.Stairwell{EstateID: w.Estate.ID, BuildingID: w.B1.ID, No: "1"}
		must(w.Register.Stairwells().Create(sys, st))
		for i, area := range []huanxin.Area{8532, 6000} {
			must(w.Register.Parts().Create(sys, &estate.Part{EstateID: w.Estate.ID, BuildingID: w.B1.ID, StairwellID: st.ID,
				Kind: estate.KindDwelling, Floor: 1, Room: string(rune('1' + i)), Area: area, AreaSource: estate.SourceRegister}))
		}
		plans := &plan.Service{Store: db, Register: w.Register, Catalogue: &planning.CatalogueService{Store: db, Register: w.Register}}
		approve := func(qty int64) *plan.Plan {
			p, err := plans.Create(sys, w.Estate.ID, "方案")
			must(err)
			_, err = plans.SetLines(sys, p.ID, []plan.LineInput{{ItemCode: "B14", Quantity: qty, Phase: 1}})
			must(err)
			must(plans.Submit(sys, p.ID))
			for range 3 {
				must(plans.Approve(sys, p.ID))
			}
			return p
		}
		approve(100)
		latest := approve(200)
		// A plan revised after approval is a draft again and no longer counts.
		revised := approve(300)
		must(plans.Revise(sys, revised.ID))

		district := w.Jurisdictions[huanxin.LevelDistrict]
		got, err := db.ApprovedPlans(sys, district.CityID, district.Path)
		if err != nil || len(got) != 1 || got[0].PlanID != latest.ID || got[0].FloorArea != 14532 || got[0].Lines[0].Quantity != 200 {
			t.Fatalf("approved plans %+v %v", got, err)
		}
		if got, _ := db.ApprovedPlans(sys, district.CityID, "/999/"); len(got) != 0 {
			t.Fatalf("another path: %+v", got)
		}

		// Programmes are seen in their jurisdiction, below it and above it.
		mk := func(j *estate.Jurisdiction, year int) *programme.Programme {
			p := &programme.Programme{CityID: j.CityID, JurisdictionID: j.ID, Path: j.Path, Year: year, Title: "计划",
				Objective: programme.ObjectiveScore, Constraints: programme.Constraints{Budget: 100}, Must: []int64{}, MustNot: []int64{},
				Scores: programme.ScoresEqual, Candidates: []programme.Entry{}, Result: &programme.Result{Chosen: []int64{}},
				Status: programme.StatusDraft, CreatedBy: 3}
			must(db.CreateProgramme(sys, p))
			return p
		}
		dp := mk(district, 2026)
		cp := mk(w.Jurisdictions[huanxin.LevelCity], 2026)
		scope := func(l huanxin.Level) huanxin.Scope { return huanxin.Scope{Paths: []string{w.Jurisdictions[l].Path}} }
		for _, tc := range []struct {
			scope huanxin.Scope
			want  []int64
		}{
			{huanxin.Scope{All: true}, []int64{cp.ID, dp.ID}},
			{scope(huanxin.LevelCommunity), []int64{cp.ID, dp.ID}},
			{scope(huanxin.LevelDistrict), []int64{cp.ID, dp.ID}},
			{huanxin.Scope{Paths: []string{"/999/"}}, nil},
			{huanxin.Scope{EstateIDs: []int64{w.Estate.ID}}, nil},
		} {
			ps, err := db.FindProgrammes(sys, tc.scope, programme.Filter{})
			var ids []int64
			for _, p := range ps {
				ids = append(ids, p.ID)
			}
			if err != nil || !slices.Equal(ids, tc.want) {
				t.Errorf("scope %+v: %v %v", tc.scope, ids, err)
			}
		}
		jid := district.ID
		if ps, _ := db.FindProgrammes(sys, huanxin.Scope{All: true}, programme.Filter{JurisdictionID: &jid}); len(ps) != 1 || ps[0].ID != dp.ID {
			t.Errorf("by jurisdiction %+v", ps)
		}
		// One adopted programme per jurisdiction and year.
		dp2 := mk(district, 2026)
		dp27 := mk(district, 2027)
		must(db.AdoptProgramme(sys, dp.ID, 3))
		must(db.AdoptProgramme(sys, dp27.ID, 3))
		must(db.AdoptProgramme(sys, dp2.ID, 3))
		for id, want := range map[int64]programme.Status{dp.ID: programme.StatusDraft, dp2.ID: programme.StatusAdopted, dp27.ID: programme.StatusAdopted} {
			p, err := db.FindProgrammeByID(sys, huanxin.Scope{All: true}, id)
			if err != nil || p.Status != want || (want == programme.StatusAdopted) != (p.AdoptedBy == 3) {
				t.Errorf("programme %d: %+v %v", id, p, err)
			}
		}
		if err := db.AdoptProgramme(sys, dp2.ID, 3); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Errorf("adopt twice: %v", err)
		}
		if err := db.AdoptProgramme(sys, 999999, 3); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Errorf("adopt a missing programme: %v", err)
		}
	})
}
