package plan

import (
	"math"
	"math/rand"
	"reflect"
	"testing"

	"github.com/huanxin/huanxin"
)

func TestLineTotal(t *testing.T) {
	cases := []struct {
		name string
		qty  int64
		cost huanxin.Money
		want huanxin.Money
		ok   bool
	}{
		{"whole units", 300, 12345, 37035, true},         // 3 × 123.45 = 370.35
		{"half fen rounds up", 150, 1, 2, true},          // 1.5 × 0.01 = 0.015 → 0.02
		{"just under half rounds down", 149, 1, 1, true}, // 0.0149 → 0.01
		{"zero quantity", 0, 99999, 0, true},
		{"a lift", 100, 68000000, 68000000, true},
		{"large exact", 1_000_000_000_00, 1_000_000, 1_000_000_000_000_000, true},
		{"too large", math.MaxInt64, math.MaxInt64, 0, false},
		{"negative quantity", -1, 100, 0, false},
		{"negative cost", 100, -1, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := Line{Quantity: c.qty, UnitCost: c.cost}.Total()
			if got != c.want || ok != c.ok {
				t.Fatalf("Total = %d, %v; want %d, %v", got, ok, c.want, c.ok)
			}
		})
	}
	// Against float arithmetic where it is exact enough.
	rng := rand.New(rand.NewSource(1))
	for range 10000 {
		q, c := rng.Int63n(1_000_000), rng.Int63n(10_000_000)
		got, _ := Line{Quantity: q, UnitCost: huanxin.Money(c)}.Total()
		if want := (q*c + 50) / 100; int64(got) != want {
			t.Fatalf("%d × %d: %d, want %d", q, c, got, want)
		}
	}
}

func TestSum(t *testing.T) {
	lines := []Line{
		{ItemCode: "B01", Category: "basic", Quantity: 1000, UnitCost: 8000, Phase: 1},
		{ItemCode: "B02", Category: "basic", Quantity: 250, UnitCost: 4000, Phase: 2},
		{ItemCode: "I05", Category: "improve", Quantity: 100, UnitCost: 68000000, Phase: 2},
	}
	got, err := Sum(lines)
	want := Totals{ByCategory: map[string]huanxin.Money{"basic": 90000, "improve": 68000000},
		ByPhase: map[int]huanxin.Money{1: 80000, 2: 68010000}, Total: 68090000}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("Sum = %+v, %v", got, err)
	}
	lines = append(lines, Line{Quantity: math.MaxInt64 / 2, UnitCost: 100}, Line{Quantity: math.MaxInt64 / 2, UnitCost: 100})
	if _, err := Sum(lines); huanxin.ErrorCode(err) != huanxin.EINVALID || huanxin.ErrorFields(err)[0].Field != "lines.4.quantity" {
		t.Fatalf("overflow: %v", err)
	}
}

func TestOrder(t *testing.T) {
	deps := map[string][]string{"B07": {"B01", "B02"}} // roads after water and drainage pipes
	lines := []Line{
		{ItemCode: "B07", Phase: 1, Zone: []int64{1}}, // road over building 1 in phase 1
		{ItemCode: "B01", Phase: 2, Zone: []int64{1}}, // water pipes of building 1 later: wrong
		{ItemCode: "B02", Phase: 2, Zone: []int64{2}}, // drainage of building 2: another zone
		{ItemCode: "B07", Phase: 3},                   // roads of the whole estate after both: fine
	}
	got := Order(lines, deps)
	want := []Violation{{Line: 0, Before: 1, Phase: 1, Needs: 2, Item: "B07", Requires: "B01"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Order = %+v", got)
	}
	// The whole estate overlaps every zone.
	lines[0].Zone = nil
	if got := Order(lines, deps); len(got) != 2 || got[1].Requires != "B02" {
		t.Fatalf("estate-wide road: %+v", got)
	}
	if got := Order(lines[3:], deps); got != nil {
		t.Fatalf("prerequisites not in the plan are not violations: %+v", got)
	}
}

func TestOmissions(t *testing.T) {
	lines := []Line{{ItemCode: "B05", Zone: []int64{1}}, {ItemCode: "B01"}}
	needs := []Need{
		{FindingID: 1, ItemCode: "B05", Category: "basic", Building: 1, Grade: 3},     // covered: roof of building 1
		{FindingID: 2, ItemCode: "B05", Category: "basic", Building: 2, Grade: 4},     // roof of building 2: left out
		{FindingID: 3, ItemCode: "B01", Category: "basic", Building: 2, Grade: 3},     // covered by the estate-wide line
		{FindingID: 4, ItemCode: "I02", Category: "improve", Grade: 3},                // greening of the estate: left out
		{FindingID: 5, ItemCode: "B09", Category: "basic", Building: 3, Hazard: true}, // a fire hazard: first
	}
	var ids []int64
	for _, o := range Omissions(lines, needs) {
		ids = append(ids, o.FindingID)
	}
	if !reflect.DeepEqual(ids, []int64{5, 2, 4}) {
		t.Fatalf("omissions %v", ids)
	}
}

func TestDiff(t *testing.T) {
	a := []Line{
		{ItemCode: "B01", Quantity: 100, UnitCost: 10, Phase: 1},
		{ItemCode: "B05", Zone: []int64{2, 1}, Quantity: 200, UnitCost: 10, Phase: 1},
		{ItemCode: "I05", Zone: []int64{3}, Quantity: 100, UnitCost: 10, Phase: 2},
	}
	b := []Line{
		{ItemCode: "B05", Zone: []int64{1, 2}, Quantity: 300, UnitCost: 10, Phase: 2}, // same zone, other order
		{ItemCode: "B01", Quantity: 100, UnitCost: 10, Phase: 1},                      // unchanged
		{ItemCode: "E01", Quantity: 100, UnitCost: 10, Phase: 3},                      // added
	}
	got := Diff(a, b)
	if len(got) != 3 || got[0].Kind != Changed || !reflect.DeepEqual(got[0].Fields, []string{"quantity", "phase"}) ||
		got[1].Kind != Added || got[1].ItemCode != "E01" || got[2].Kind != Removed || got[2].ItemCode != "I05" {
		t.Fatalf("Diff = %+v", got)
	}
	if d := Diff(b, b); d != nil {
		t.Fatalf("no change: %+v", d)
	}
}

func TestWorkflow(t *testing.T) {
	s, steps := Submitted, []huanxin.Level{}
	for {
		l, ok := Approver(s)
		if !ok {
			break
		}
		steps = append(steps, l)
		if s, ok = Next(s); !ok {
			t.Fatal("no next status")
		}
	}
	if s != Approved || !reflect.DeepEqual(steps, []huanxin.Level{huanxin.LevelCommunity, huanxin.LevelStreet, huanxin.LevelDistrict}) {
		t.Fatalf("ended at %s after %v", s, steps)
	}
	if _, ok := Next(Draft); ok {
		t.Fatal("a draft is submitted, not approved")
	}
	if _, ok := Next(Approved); ok {
		t.Fatal("an approved plan goes nowhere")
	}
}
