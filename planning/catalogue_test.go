package planning_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/planning"
)

// TestDefaultCatalogueCoversTheGuidance checks that every item domain.md
// §1 lists under each category of the 2020 guidance has an item of that
// category in the default catalogue.
func TestDefaultCatalogueCoversTheGuidance(t *testing.T) {
	items := planning.DefaultCatalogue()
	listed := map[planning.Category][]string{
		planning.CategoryBasic: {"供水", "排水", "供电", "弱电", "道路", "燃气", "供热", "消防", "安防", "垃圾分类",
			"移动通信", "光纤入户", "架空线", "屋面", "外墙", "楼梯间", "其他公共部位"},
		planning.CategoryImprove: {"拆除违法建设", "绿化", "照明", "适老化", "无障碍", "停车", "电动自行车充电", "汽车充电",
			"快件箱", "信报箱", "文化", "休闲", "健身", "物业管理用房", "节能改造", "加装电梯"},
		planning.CategoryEnhance: {"社区综合服务", "卫生服务站", "幼儿园", "周界防护", "智能感知", "养老", "托育", "助餐",
			"家政", "便民市场", "便利店", "邮政快递"},
	}
	for cat, words := range listed {
		for _, w := range words {
			if !slices.ContainsFunc(items, func(it *planning.Item) bool { return it.Category == cat && strings.Contains(it.Name, w) }) {
				t.Errorf("no %s item for %q", cat, w)
			}
		}
	}
	codes := map[string]bool{}
	for _, it := range items {
		if err := it.Validate(); err != nil {
			t.Errorf("%s: %v", it.Code, err)
		}
		if codes[it.Code] {
			t.Errorf("code %s twice", it.Code)
		}
		codes[it.Code] = true
		if !it.Active || it.NameEn == "" || len(it.Sources) == 0 {
			t.Errorf("%s: inactive, without English name or without sources: %+v", it.Code, it)
		}
	}
	if err := planning.CheckDependencies(items); err != nil {
		t.Fatal(err)
	}
	lift := items[slices.IndexFunc(items, func(it *planning.Item) bool { return it.Name == "加装电梯" })]
	if lift.DecisionItem != decision.ItemRebuild || lift.Unit != "部" || lift.UnitCost != 700000_00 || lift.Category != planning.CategoryImprove {
		t.Errorf("lift %+v", lift)
	}
	// Each call returns its own copy: editing one leaves the next intact.
	items[0].Sources[0], items[0].Name = "changed", "changed"
	if again := planning.DefaultCatalogue(); again[0].Sources[0] == "changed" || again[0].Name == "changed" {
		t.Error("DefaultCatalogue shares its lists")
	}
}

func TestItemValidate(t *testing.T) {
	good := func() *planning.Item {
		return &planning.Item{Code: " b99 ", Name: " 屋面防水 ", Category: planning.CategoryBasic, Unit: "m²", UnitCost: 200_00,
			LifeYears: 15, DecisionItem: decision.ItemUseFund, Sources: []string{planning.SourceMaintenanceFund, " "},
			SignOffs: []string{planning.SignOffFire}, DependsOn: []string{"b01"}, Active: true}
	}
	it := good()
	if err := it.Validate(); err != nil {
		t.Fatal(err)
	}
	if it.Code != "B99" || it.Name != "屋面防水" || !slices.Equal(it.Sources, []string{"maintenance_fund"}) || !slices.Equal(it.DependsOn, []string{"B01"}) {
		t.Errorf("not normalized: %+v", it)
	}
	cases := []struct {
		name  string
		edit  func(it *planning.Item)
		field string
	}{
		{"code empty", func(it *planning.Item) { it.Code = "" }, "code"},
		{"code starts with a digit", func(it *planning.Item) { it.Code = "1B" }, "code"},
		{"code with a comma", func(it *planning.Item) { it.Code = "B,1" }, "code"},
		{"code too long", func(it *planning.Item) { it.Code = "B" + strings.Repeat("1", 16) }, "code"},
		{"name missing", func(it *planning.Item) { it.Name = "  " }, "name"},
		{"name too long", func(it *planning.Item) { it.Name = strings.Repeat("屋", 101) }, "name"},
		{"English name too long", func(it *planning.Item) { it.NameEn = strings.Repeat("a", 201) }, "name_en"},
		{"notes too long", func(it *planning.Item) { it.Notes = strings.Repeat("注", 2001) }, "notes"},
		{"category unknown", func(it *planning.Item) { it.Category = "luxury" }, "category"},
		{"unit unknown", func(it *planning.Item) { it.Unit = "斤" }, "unit"},
		{"cost negative", func(it *planning.Item) { it.UnitCost = -1 }, "unit_cost"},
		{"cost too high", func(it *planning.Item) { it.UnitCost = planning.MaxUnitCost + 1 }, "unit_cost"},
		{"life negative", func(it *planning.Item) { it.LifeYears = -1 }, "life_years"},
		{"life too long", func(it *planning.Item) { it.LifeYears = 101 }, "life_years"},
		{"decision item 10", func(it *planning.Item) { it.DecisionItem = 10 }, "decision_item"},
		{"unknown source", func(it *planning.Item) { it.Sources = []string{"lottery"} }, "sources"},
		{"source twice", func(it *planning.Item) { it.Sources = []string{"owners", "owners"} }, "sources"},
		{"unknown sign-off", func(it *planning.Item) { it.SignOffs = []string{"mayor"} }, "sign_offs"},
		{"sign-off twice", func(it *planning.Item) { it.SignOffs = []string{"fire", "fire"} }, "sign_offs"},
		{"depends on itself", func(it *planning.Item) { it.DependsOn = []string{"b99"} }, "depends_on"},
		{"dependency twice", func(it *planning.Item) { it.DependsOn = []string{"B01", "b01"} }, "depends_on"},
		{"dependency not a code", func(it *planning.Item) { it.DependsOn = []string{"路面"} }, "depends_on"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			it := good()
			c.edit(it)
			err := it.Validate()
			fs := huanxin.ErrorFields(err)
			if huanxin.ErrorCode(err) != huanxin.EINVALID || len(fs) != 1 || fs[0].Field != c.field {
				t.Fatalf("got %v, want one problem with %s", err, c.field)
			}
		})
	}
	// Boundaries are accepted.
	for _, edit := range []func(it *planning.Item){
		func(it *planning.Item) { it.UnitCost, it.LifeYears, it.DecisionItem = 0, 0, decision.Consultation },
		func(it *planning.Item) {
			it.UnitCost, it.LifeYears, it.DecisionItem = planning.MaxUnitCost, 100, decision.ItemOtherMajor
		},
		func(it *planning.Item) { it.Code, it.Name = "B"+strings.Repeat("9", 15), strings.Repeat("屋", 100) },
	} {
		it := good()
		edit(it)
		if err := it.Validate(); err != nil {
			t.Errorf("%+v: %v", it, err)
		}
	}
}

func item(code string, cat planning.Category, deps ...string) *planning.Item {
	return &planning.Item{Code: code, Category: cat, DependsOn: deps}
}

func codesOf(items []*planning.Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Code)
	}
	return out
}

func TestOrderAndDependencies(t *testing.T) {
	// Roads after the pipes under them; the lift (an improvement) after
	// nothing; category order otherwise, then code.
	items := []*planning.Item{
		item("E01", planning.CategoryEnhance),
		item("I02", planning.CategoryImprove, "B02"),
		item("B05", planning.CategoryBasic, "B06", "B01", "X99"),
		item("B06", planning.CategoryBasic),
		item("B01", planning.CategoryBasic),
		item("B02", planning.CategoryBasic, "I01"),
		item("I01", planning.CategoryImprove),
	}
	got, err := planning.Order(items)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"B01", "I01", "B02", "B06", "B05", "I02", "E01"}
	if !slices.Equal(codesOf(got), want) {
		t.Errorf("order %v, want %v", codesOf(got), want)
	}
	// The result does not depend on the input order.
	slices.Reverse(items)
	if again, _ := planning.Order(items); !slices.Equal(codesOf(again), want) {
		t.Errorf("reversed input: %v", codesOf(again))
	}
	// Order ignores a code outside the set; the catalogue check does not.
	err = planning.CheckDependencies(items)
	if fs := huanxin.ErrorFields(err); len(fs) != 1 || !strings.Contains(fs[0].Message, "B05 依赖的 X99 不在清单中") {
		t.Errorf("missing dependency: %v", err)
	}
	// A cycle is refused with its path.
	cyc := []*planning.Item{item("B01", planning.CategoryBasic, "B03"), item("B02", planning.CategoryBasic),
		item("B03", planning.CategoryBasic, "B04"), item("B04", planning.CategoryBasic, "B01")}
	_, err = planning.Order(cyc)
	if fs := huanxin.ErrorFields(err); huanxin.ErrorCode(err) != huanxin.EINVALID || len(fs) != 1 || fs[0].Message != "循环 cycle: B01 → B03 → B04 → B01" {
		t.Errorf("cycle: %v", err)
	}
	if err := planning.CheckDependencies(cyc); huanxin.ErrorCode(err) != huanxin.EINVALID {
		t.Errorf("cycle passed the check: %v", err)
	}
}

func TestFilterAndNames(t *testing.T) {
	items := planning.DefaultCatalogue()
	items[0].Active = false
	improve, active, inactive := planning.CategoryImprove, true, false
	count := func(f planning.Filter) int {
		n := 0
		for _, it := range items {
			if f.Match(it) {
				n++
			}
		}
		return n
	}
	if n := count(planning.Filter{}); n != len(items) {
		t.Errorf("no filter: %d", n)
	}
	if n := count(planning.Filter{Category: &improve}); n != 15 {
		t.Errorf("improvement items: %d", n)
	}
	if n := count(planning.Filter{Active: &inactive}); n != 1 {
		t.Errorf("inactive: %d", n)
	}
	if n := count(planning.Filter{Active: &active, Q: "b0"}); n != 8 { // B02–B09
		t.Errorf("active B0x: %d", n)
	}
	if n := count(planning.Filter{Q: "LIFT"}); n != 1 {
		t.Errorf("English name search: %d", n)
	}
	if n := count(planning.Filter{Q: "电梯", Category: &improve}); n != 1 {
		t.Errorf("Chinese name search: %d", n)
	}
	if planning.CategoryEnhance.Term().Name("zh-CN") != "提升类" || planning.CategoryBasic.Term().Name("en") != "basic" {
		t.Error("category names")
	}
	if items[0].NameIn("en") != "Water supply pipes and facilities" || items[0].NameIn("zh-CN") != "供水设施改造" {
		t.Error("item names")
	}
	if len(planning.SourceTypes) != 15 || len(planning.SignOffBodies) != 12 {
		t.Errorf("%d source types, %d sign-off bodies", len(planning.SourceTypes), len(planning.SignOffBodies))
	}
}
