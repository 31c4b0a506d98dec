// Package planning holds what a housing bureau plans renovations with: the
// catalogue of renovation items (改造内容清单) of the 2020 guidance
// (国办发〔2020〕23号) in its three categories, edited per city. The
// priority ranking is the pure subpackage planning/rank.
package planning

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/decision"
)

// Term is a key kept in storage and the API with its Chinese and English
// names.
type Term struct {
	Key, Zh, En string
}

// Name returns the term's name in the language ("en…" for English,
// Chinese otherwise).
func (t Term) Name(lang string) string {
	if strings.HasPrefix(lang, "en") {
		return t.En
	}
	return t.Zh
}

// termOf finds a key among terms.
func termOf(terms []Term, key string) (Term, bool) {
	for _, t := range terms {
		if t.Key == key {
			return t, true
		}
	}
	return Term{}, false
}

// Category is one of the three categories of renovation content of the
// 2020 guidance.
type Category string

const (
	// CategoryBasic items meet safety and basic living needs.
	CategoryBasic Category = "basic" // 基础类
	// CategoryImprove items bring convenience and better living.
	CategoryImprove Category = "improve" // 完善类
	// CategoryEnhance items enrich community services.
	CategoryEnhance Category = "enhance" // 提升类
)

// Categories lists the categories in the guidance's order.
var Categories = []Category{CategoryBasic, CategoryImprove, CategoryEnhance}

var categoryTerms = []Term{
	{string(CategoryBasic), "基础类", "basic"},
	{string(CategoryImprove), "完善类", "improvement"},
	{string(CategoryEnhance), "提升类", "enhancement"},
}

// Valid reports whether c is one of the three categories.
func (c Category) Valid() bool { return slices.Contains(Categories, c) }

// Term returns the category with its names.
func (c Category) Term() Term {
	t, _ := termOf(categoryTerms, string(c))
	return t
}

// Units are the units of measure an item may be counted in.
var Units = []Term{
	{"m", "米", "m"},
	{"m²", "平方米", "m²"},
	{"m³", "立方米", "m³"},
	{"个", "个", "piece"},
	{"部", "部", "lift"},
	{"户", "户", "household"},
	{"处", "处", "site"},
	{"项", "项", "lot"},
	{"栋", "栋", "building"},
	{"单元", "单元", "stairwell"},
	{"套", "套", "set"},
	{"台", "台", "unit"},
	{"盏", "盏", "lamp"},
	{"组", "组", "group"},
}

// The kinds of funding source (issue 5) that may pay for an item.
const (
	SourceCentralSubsidy   = "central_subsidy"   // 中央补助资金
	SourceProvincialBudget = "provincial_budget" // 省级财政资金
	SourceCityBudget       = "city_budget"       // 市级财政资金
	SourceDistrictBudget   = "district_budget"   // 区县财政资金
	SourceSpecialBond      = "special_bond"      // 地方政府专项债券
	SourcePolicyLoan       = "policy_loan"       // 政策性银行贷款
	SourceCommercialLoan   = "commercial_loan"   // 商业银行贷款
	SourceSocialCapital    = "social_capital"    // 社会资本
	SourceUtility          = "utility"           // 管线专营单位出资
	SourceOriginalOwner    = "original_owner"    // 原产权单位出资
	SourceOwners           = "owners"            // 居民出资
	SourceMaintenanceFund  = "maintenance_fund"  // 住宅专项维修资金
	SourceProvidentFund    = "provident_fund"    // 提取住房公积金
	SourceCommonIncome     = "common_income"     // 共有部分收益
	SourceDonation         = "donation"          // 社会捐资捐物
)

// SourceTypes lists the kinds of funding source with their names.
var SourceTypes = []Term{
	{SourceCentralSubsidy, "中央补助资金", "central government subsidy"},
	{SourceProvincialBudget, "省级财政资金", "provincial budget"},
	{SourceCityBudget, "市级财政资金", "city budget"},
	{SourceDistrictBudget, "区县财政资金", "district budget"},
	{SourceSpecialBond, "地方政府专项债券", "local special-purpose bond"},
	{SourcePolicyLoan, "政策性银行贷款", "policy bank loan"},
	{SourceCommercialLoan, "商业银行贷款", "commercial bank loan"},
	{SourceSocialCapital, "社会资本", "social capital"},
	{SourceUtility, "管线专营单位出资", "utility company"},
	{SourceOriginalOwner, "原产权单位出资", "original property unit"},
	{SourceOwners, "居民出资", "residents' contribution"},
	{SourceMaintenanceFund, "住宅专项维修资金", "housing maintenance fund"},
	{SourceProvidentFund, "提取住房公积金", "housing provident fund withdrawal"},
	{SourceCommonIncome, "共有部分收益", "income from common parts"},
	{SourceDonation, "社会捐资捐物", "donations"},
}

// The departments and utility companies whose sign-off an item may need.
const (
	SignOffWater       = "water"       // 供水
	SignOffDrainage    = "drainage"    // 排水
	SignOffPower       = "power"       // 供电
	SignOffGas         = "gas"         // 燃气
	SignOffHeating     = "heating"     // 供热
	SignOffTelecom     = "telecom"     // 通信
	SignOffTraffic     = "traffic"     // 交通（公安交管）
	SignOffEnvironment = "environment" // 生态环境、环卫
	SignOffFire        = "fire"        // 消防
	SignOffPlanning    = "planning"    // 自然资源和规划（加装电梯、新建设施）
	SignOffEquipment   = "equipment"   // 市场监管（特种设备：电梯）
	SignOffUrban       = "urban"       // 城市管理（拆除违法建设、绿化）
)

// SignOffBodies lists the bodies that may have to sign off an item.
var SignOffBodies = []Term{
	{SignOffWater, "供水企业", "water company"},
	{SignOffDrainage, "排水主管部门", "drainage authority"},
	{SignOffPower, "供电企业", "power company"},
	{SignOffGas, "燃气企业", "gas company"},
	{SignOffHeating, "供热企业", "heating company"},
	{SignOffTelecom, "通信运营企业", "telecom operators"},
	{SignOffTraffic, "公安交管部门", "traffic police"},
	{SignOffEnvironment, "生态环境与环卫部门", "environment and sanitation"},
	{SignOffFire, "消防救援机构", "fire service"},
	{SignOffPlanning, "自然资源和规划部门", "planning authority"},
	{SignOffEquipment, "市场监管部门（特种设备）", "market regulator (special equipment)"},
	{SignOffUrban, "城市管理部门", "urban management"},
}

// Item is one kind of renovation work of a city's catalogue. Code is its
// natural key within the city ("B01"); quantities in plans and surveys are
// counted in Unit, and UnitCost (fen per unit) is a reference price that a
// plan may override.
type Item struct {
	ID     int64
	CityID int64
	Code   string
	Name   string
	NameEn string
	// Category is the item's category in the 2020 guidance.
	Category Category
	// Unit is the key of one of Units.
	Unit string
	// UnitCost is the reference cost of one unit, in fen.
	UnitCost huanxin.Money
	// LifeYears is the typical service life; 0 for work that leaves no
	// lasting asset (demolition).
	LifeYears int
	// DecisionItem is the matter of Civil Code Art. 278 under which the
	// owners must decide the item (a lift is a rebuilding: item 7), or
	// decision.Consultation (0) when it needs no owners' decision of its
	// own.
	DecisionItem decision.Item
	// Sources are the keys (SourceTypes) of the funding sources that may
	// pay for the item.
	Sources []string
	// SignOffs are the keys (SignOffBodies) of the departments and utility
	// companies that must sign off the item.
	SignOffs []string
	// DependsOn lists the codes of items that must be done before this
	// one (road surfaces after underground pipes).
	DependsOn []string
	// Active items are offered to surveys and plans; items are never
	// deleted, only made inactive.
	Active    bool
	Notes     string
	UpdatedBy int64
	Updated   time.Time
}

// NameIn returns the item's name in the language, the Chinese one when it
// has no English name.
func (it *Item) NameIn(lang string) string {
	if strings.HasPrefix(lang, "en") && it.NameEn != "" {
		return it.NameEn
	}
	return it.Name
}

var codePattern = regexp.MustCompile(`^[A-Z][A-Z0-9_-]{0,15}$`)

// MaxUnitCost bounds reference unit costs: one hundred million yuan.
const MaxUnitCost huanxin.Money = 100_000_000_00

// Normalize trims the item's text, upper-cases its codes and drops empty
// entries from its lists.
func (it *Item) Normalize() {
	it.Code = strings.ToUpper(strings.TrimSpace(it.Code))
	it.Name = strings.TrimSpace(it.Name)
	it.NameEn = strings.TrimSpace(it.NameEn)
	it.Unit = strings.TrimSpace(it.Unit)
	it.Notes = strings.TrimSpace(it.Notes)
	clean := func(keys []string, upper bool) []string {
		out := []string{}
		for _, k := range keys {
			if k = strings.TrimSpace(k); upper {
				k = strings.ToUpper(k)
			}
			if k != "" {
				out = append(out, k)
			}
		}
		return out
	}
	it.Sources = clean(it.Sources, false)
	it.SignOffs = clean(it.SignOffs, false)
	it.DependsOn = clean(it.DependsOn, true)
}

// Validate normalizes the item and checks each field on its own; whether
// its dependencies exist and form no cycle is CheckDependencies' part.
// Problems are named by the API's field names.
func (it *Item) Validate() error {
	it.Normalize()
	var bad []huanxin.FieldError
	fail := func(field, msg string) { bad = append(bad, huanxin.FieldError{Field: field, Message: msg}) }
	if !codePattern.MatchString(it.Code) {
		fail("code", "须为大写字母开头的1–16位字母、数字、-或_ must be 1–16 capital letters, digits, - or _, starting with a letter")
	}
	text := func(field, v string, max int, required bool) {
		if required && v == "" {
			fail(field, "必填 required")
		} else if utf8.RuneCountInString(v) > max {
			fail(field, "过长 too long (max "+strconv.Itoa(max)+")")
		}
	}
	text("name", it.Name, 100, true)
	text("name_en", it.NameEn, 200, false)
	text("notes", it.Notes, 2000, false)
	if !it.Category.Valid() {
		fail("category", "须为 basic、improve 或 enhance must be basic, improve or enhance")
	}
	if _, ok := termOf(Units, it.Unit); !ok {
		fail("unit", "未知计量单位 unknown unit of measure")
	}
	if it.UnitCost < 0 || it.UnitCost > MaxUnitCost {
		fail("unit_cost", "须在 0 到 1 亿元之间 must be from 0 to 100,000,000 yuan")
	}
	if it.LifeYears < 0 || it.LifeYears > 100 {
		fail("life_years", "须为 0–100 年 must be 0–100 years")
	}
	if !it.DecisionItem.Valid() {
		fail("decision_item", "须为 0（无需表决）或第1–9项 must be 0 (none) or item 1–9")
	}
	keys := func(field string, vals []string, terms []Term) {
		for i, v := range vals {
			if _, ok := termOf(terms, v); !ok {
				fail(field, "未知取值 unknown value "+strconv.Quote(v))
			} else if slices.Index(vals, v) != i {
				fail(field, "重复 duplicate "+strconv.Quote(v))
			}
		}
	}
	keys("sources", it.Sources, SourceTypes)
	keys("sign_offs", it.SignOffs, SignOffBodies)
	for i, c := range it.DependsOn {
		switch {
		case c == it.Code:
			fail("depends_on", "不能依赖自身 may not depend on itself")
		case !codePattern.MatchString(c):
			fail("depends_on", "编号无效 invalid code "+strconv.Quote(c))
		case slices.Index(it.DependsOn, c) != i:
			fail("depends_on", "重复 duplicate "+strconv.Quote(c))
		}
	}
	if len(bad) > 0 {
		return huanxin.Invalid("改造内容填写有误 invalid catalogue item", bad...)
	}
	return nil
}

// CheckDependencies checks that every dependency of the items names an
// item among them and that they form no cycle.
func CheckDependencies(items []*Item) error {
	codes := map[string]bool{}
	for _, it := range items {
		codes[it.Code] = true
	}
	var bad []huanxin.FieldError
	for _, it := range items {
		for _, d := range it.DependsOn {
			if !codes[d] {
				bad = append(bad, huanxin.FieldError{Field: "depends_on", Message: it.Code + " 依赖的 " + d + " 不在清单中 depends on " + d + ", which is not in the catalogue"})
			}
		}
	}
	if len(bad) > 0 {
		return huanxin.Invalid("改造内容的前置项有误 invalid dependencies", bad...)
	}
	_, err := Order(items)
	return err
}

// Order returns the items so that each comes after the items it depends
// on, and otherwise in category order and then by code. Dependencies on
// codes not among the items are ignored (a plan holds only some of the
// catalogue). A cycle is an EINVALID error naming it.
func Order(items []*Item) ([]*Item, error) {
	byCode := map[string]*Item{}
	for _, it := range items {
		byCode[it.Code] = it
	}
	sorted := slices.Clone(items)
	slices.SortStableFunc(sorted, compareItems)
	const (
		unseen = iota
		visiting
		done
	)
	state := map[string]int{}
	out := make([]*Item, 0, len(items))
	var path []string
	var visit func(it *Item) error
	visit = func(it *Item) error {
		switch state[it.Code] {
		case done:
			return nil
		case visiting:
			cycle := append(path[slices.Index(path, it.Code):], it.Code)
			return huanxin.Invalid("改造内容的前置项构成循环 the dependencies form a cycle",
				huanxin.FieldError{Field: "depends_on", Message: "循环 cycle: " + strings.Join(cycle, " → ")})
		}
		state[it.Code] = visiting
		path = append(path, it.Code)
		deps := slices.Clone(it.DependsOn)
		slices.SortFunc(deps, func(a, b string) int {
			da, db := byCode[a], byCode[b]
			if da == nil || db == nil {
				return strings.Compare(a, b)
			}
			return compareItems(da, db)
		})
		for _, d := range deps {
			if dep := byCode[d]; dep != nil {
				if err := visit(dep); err != nil {
					return err
				}
			}
		}
		path = path[:len(path)-1]
		state[it.Code] = done
		out = append(out, it)
		return nil
	}
	for _, it := range sorted {
		if err := visit(it); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// compareItems orders items by category (basic first) and then by code.
func compareItems(a, b *Item) int {
	if c := slices.Index(Categories, a.Category) - slices.Index(Categories, b.Category); c != 0 {
		return c
	}
	return strings.Compare(a.Code, b.Code)
}

// Filter selects items of a catalogue: by category, by a substring of the
// code or either name (case-insensitive), and by whether they are active.
type Filter struct {
	Category *Category
	Q        string
	Active   *bool
}

// Match reports whether the item passes the filter.
func (f Filter) Match(it *Item) bool {
	if f.Category != nil && it.Category != *f.Category {
		return false
	}
	if f.Active != nil && it.Active != *f.Active {
		return false
	}
	if q := strings.ToLower(strings.TrimSpace(f.Q)); q != "" {
		return strings.Contains(strings.ToLower(it.Code+"\x00"+it.Name+"\x00"+it.NameEn+"\x00"+it.Notes), q)
	}
	return true
}
