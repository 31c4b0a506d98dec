package evidence_test

import (
	"testing"

	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/internal/testworld"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/planning/evidence"
	"github.com/huanxin/huanxin/planning/priority"
	"github.com/huanxin/huanxin/store"
	"github.com/huanxin/huanxin/survey"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// Submitting a survey stores the estate's survey indicators, and plans
// see its needs.
func TestSurveyFeedsRankingAndPlans(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := testworld.New(t, db)
		surveys := &survey.Service{Store: db, Register: w.Register}
		pri := &priority.Service{Store: db, Reg: w.Register}
		links := evidence.Links{Surveys: surveys, Priority: pri, Catalogue: &planning.CatalogueService{Store: db, Register: w.Register}}
		surveys.Submitted = links.SurveySubmitted
		v := &survey.Survey{EstateID: w.Estate.ID, BuildingID: w.B1.ID, SurveyedOn: "2026-10-12",
			Findings: []survey.Finding{{ItemCode: "B14", Grade: survey.GradeDangerous}, {ItemCode: "B15", Grade: survey.GradeGood}}}
		if err := surveys.Create(w.Community, v); err != nil {
			t.Fatal(err)
		}
		if _, err := surveys.Submit(w.Community, v.ID); err != nil {
			t.Fatal(err)
		}
		data, err := pri.Data(w.Community, w.Jurisdictions["community"].ID)
		if err != nil {
			t.Fatal(err)
		}
		vals := data.Values[w.Estate.ID]
		if vals["deficit_structure"].Value != 50 || vals["safety_hazards"].Value != 1 || vals["deficit_structure"].Source != priority.SourceSurvey {
			t.Fatalf("values %+v", vals)
		}
		needs, err := links.PlanNeeds(w.Community, w.Estate.ID)
		if err != nil || len(needs) != 1 || needs[0].ItemCode != "B14" || needs[0].Building != w.B1.ID || needs[0].Category != "basic" {
			t.Fatalf("needs %+v %v", needs, err)
		}
	})
}
