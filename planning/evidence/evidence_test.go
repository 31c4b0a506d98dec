package evidence

import (
	"math"
	"testing"

	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/survey"
)

func TestLatestValuesAndNeeds(t *testing.T) {
	submitted := survey.StatusSubmitted
	ss := []*survey.Survey{
		// An old estate survey, superseded by the later one.
		{ID: 1, BuildingID: 0, SurveyedOn: "2024-05-01", Status: submitted, Findings: []survey.Finding{{ItemCode: "I02", Grade: 4}}},
		{ID: 2, BuildingID: 0, SurveyedOn: "2026-05-01", Status: submitted, Findings: []survey.Finding{
			{ItemCode: "I02", Grade: 3}, {ItemCode: "B05", Grade: 2}, {ItemCode: "B01", Grade: 4}}},
		// Building 7: roof dangerous, walls good, a hazard on the stairwell.
		{ID: 3, BuildingID: 7, SurveyedOn: "2026-06-01", Status: submitted, Findings: []survey.Finding{
			{ItemCode: "B14", Grade: 4}, {ItemCode: "B15", Grade: 1}, {ItemCode: "B16", Grade: 2, Hazard: true}}},
		// A draft does not count.
		{ID: 4, BuildingID: 7, SurveyedOn: "2026-07-01", Status: survey.StatusDraft, Findings: []survey.Finding{{ItemCode: "B14", Grade: 1}}},
	}
	latest := Latest(ss)
	if len(latest) != 2 || latest[0].ID != 2 || latest[1].ID != 3 {
		t.Fatalf("latest %v", latest)
	}
	got := map[string]float64{}
	for _, v := range Values(1, 5, latest, 9) {
		if v.EstateID != 5 || v.Source != "survey" || v.AsOf.Format("2006-01-02") != "2026-06-01" {
			t.Fatalf("value %+v", v)
		}
		got[v.Key] = v.Value
	}
	// structure: (100 + 0 + 33.3)/3; networks: B01 dangerous = 100; amenities: I02 poor = 66.7;
	// hazards: B01 and B14 dangerous, B16 marked = 3.
	want := map[string]float64{"deficit_structure": 400.0 / 9, "deficit_networks": 100, "deficit_amenities": 200.0 / 3, "safety_hazards": 3}
	if len(got) != len(want) {
		t.Fatalf("values %v", got)
	}
	for k, w := range want {
		if math.Abs(got[k]-w) > 1e-9 {
			t.Fatalf("%s = %v, want %v", k, got[k], w)
		}
	}
	needs := Needs(latest, planning.DefaultCatalogue())
	var codes []string
	for _, n := range needs {
		codes = append(codes, n.ItemCode+"@"+n.Category)
	}
	if len(needs) != 4 || codes[0] != "I02@improve" || codes[1] != "B01@basic" || codes[2] != "B14@basic" || codes[3] != "B16@basic" ||
		needs[2].Building != 7 || needs[2].FindingID != 3 {
		t.Fatalf("needs %v %+v", codes, needs)
	}
	if Values(1, 5, nil, 9) != nil {
		t.Fatal("no survey, no values")
	}
}
