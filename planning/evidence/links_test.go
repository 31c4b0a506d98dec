package evidence_test

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/internal/testworld"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/planning/evidence"
	"github.com/huanxin/huanxin/planning/plan"
	"github.com/huanxin/huanxin/planning/priority"
	"github.com/huanxin/huanxin/questionnaire"
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

// Closing the needs questionnaire stores the support and co-funding
// indicators, and plans see which items households asked for.
func TestNeedsFeedRankingAndPlans(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := testworld.New(t, db)
		cat := &planning.CatalogueService{Store: db, Register: w.Register}
		qs := &questionnaire.Service{Store: db, Register: w.Register, Hash: testdb.Keys().Hash, Catalogue: cat}
		pri := &priority.Service{Store: db, Reg: w.Register}
		links := evidence.Links{Questionnaires: qs, Priority: pri, Catalogue: cat}
		qs.Closed = links.NeedsClosed
		sw := &estate.Stairwell{BuildingID: w.B1.ID, No: "1"}
		if err := w.Register.Stairwells().Create(w.System, sw); err != nil {
			t.Fatal(err)
		}
		var parts []int64
		for i := range 4 {
			p := &estate.Part{StairwellID: sw.ID, Floor: 1 + i, Room: strconv.Itoa(i+1) + "01", Area: 7000, Sold: true, Delivered: true}
			if err := w.Register.Parts().Create(w.System, p); err != nil {
				t.Fatal(err)
			}
			parts = append(parts, p.ID)
		}
		q, err := qs.CreateNeeds(w.Community, w.Estate.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := qs.Open(w.Community, q.ID); err != nil {
			t.Fatal(err)
		}
		// Question IDs: 1 items, 2 ranking, 3–5 co-funding, 6 support, 7 text.
		roof := slices.Index(q.Questions[0].Codes, "B14")
		for i, part := range parts {
			support, cofund := 0, 0 // agree; willing by area
			if i == 3 {
				support, cofund = 1, 3 // disagree; not willing
			}
			answers := map[int]questionnaire.Answer{1: {Picks: []int{roof}}, 3: {Picks: []int{cofund}}, 4: {Picks: []int{3}},
				5: {Picks: []int{2}}, 6: {Picks: []int{support}}}
			if _, err := qs.Submit(w.Community, q.ID, questionnaire.Submission{Channel: questionnaire.ChannelPaper, PartID: part,
				Answers: answers}); err != nil {
				t.Fatal(err)
			}
		}
		asks, err := links.PlanAsks(w.Community, w.Estate.ID)
		if err != nil || asks["B14"] != 4 || asks["B01"] != 0 {
			t.Fatalf("asks %v %v", asks, err)
		}
		if err := qs.Close(w.Community, q.ID); err != nil {
			t.Fatal(err)
		}
		data, err := pri.Data(w.Community, w.Jurisdictions["community"].ID)
		if err != nil {
			t.Fatal(err)
		}
		vals := data.Values[w.Estate.ID]
		// Support 3 of 4; willing: 3 of the 12 co-funding answers.
		if vals["support_rate"].Value != 75 || vals["cofund_willingness"].Value != 25 || vals["support_rate"].Source != priority.SourceNeeds {
			t.Fatalf("values %+v", vals)
		}
	})
}

// An approved plan gives the ranking the estate's cost per household.
func TestApprovedPlanGivesCostPerHousehold(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := testworld.New(t, db)
		if _, err := w.Register.Estates().Update(w.System, w.Estate.ID, func(e *estate.Estate) error { e.Dwellings = 200; return nil }); err != nil {
			t.Fatal(err)
		}
		cat := &planning.CatalogueService{Store: db, Register: w.Register}
		pri := &priority.Service{Store: db, Reg: w.Register}
		links := evidence.Links{Priority: pri, Catalogue: cat}
		plans := &plan.Service{Store: db, Register: w.Register, Catalogue: cat, Approved: links.PlanApproved}
		p, err := plans.Create(w.Community, w.Estate.ID, "屋面")
		if err != nil {
			t.Fatal(err)
		}
		// 1,000 m² of roof at 150 yuan: 150,000 yuan for 200 households.
		if _, err := plans.SetLines(w.Community, p.ID, []plan.LineInput{{ItemCode: "B14", Quantity: 100000, UnitCost: 15000, Phase: 1}}); err != nil {
			t.Fatal(err)
		}
		for _, step := range []struct {
			who context.Context
			do  func(context.Context, int64) error
		}{{w.Community, plans.Submit}, {w.Community, plans.Approve}, {w.Street, plans.Approve}, {w.District, plans.Approve}} {
			if err := step.do(step.who, p.ID); err != nil {
				t.Fatal(err)
			}
		}
		data, err := pri.Data(w.Community, w.Jurisdictions["community"].ID)
		if err != nil {
			t.Fatal(err)
		}
		if v := data.Values[w.Estate.ID]["cost_per_household"]; v.Value != 750 || v.Source != priority.SourcePlan {
			t.Fatalf("cost per household %+v", v)
		}
	})
}

func TestOwnersPaymentsGiveTheirRate(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := testworld.New(t, db)
		pri := &priority.Service{Store: db, Reg: w.Register}
		links := evidence.Links{Priority: pri}
		if err := links.SharesPaid(w.Community, w.Estate.CityID, w.Estate.ID, 62.5); err != nil {
			t.Fatal(err)
		}
		data, err := pri.Data(w.Community, w.Jurisdictions["community"].ID)
		if err != nil {
			t.Fatal(err)
		}
		if v := data.Values[w.Estate.ID][priority.KeyOwnersPaid]; v.Value != 62.5 || v.Source != priority.SourceShares {
			t.Fatalf("owners paid %+v", v)
		}
		// A resident's payment does not reach the ranking in their name.
		if err := links.SharesPaid(w.Resident, w.Estate.CityID, w.Estate.ID, 70); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("resident: %v", err)
		}
	})
}
