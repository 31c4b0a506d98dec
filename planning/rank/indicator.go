// Package rank is the explainable priority ranking of estates for renovation
// (城镇老旧小区改造项目排序): an indicator system, weights by the analytic
// hierarchy process (AHP), by the entropy method or by a stated combination of
// the two, and a ranking by TOPSIS with a plain weighted sum beside it for
// comparison. Every score is shown with the part each indicator contributes,
// and a sensitivity analysis shows how ranks move when a weight moves by ±10%.
//
// The package is pure: no database, no clock, no I/O. Scores are float64 (they
// are scores, not money or votes); every comparison of floats in this package
// names its tolerance:
//
//   - weights must sum to 1 within WeightTolerance (1e-9);
//   - AHP power iteration stops when no component of the priority vector
//     moves by more than 1e-12;
//   - two scores that agree to 12 decimal places are a tie (see Rank order).
//
// # Rank order
//
// Estates are ranked by score, highest first. Scores are compared after
// rounding to 12 decimal places; estates whose rounded scores are equal are
// ordered by ID ascending (the register's estate ID, which neither a rename
// nor a re-import changes). Ranks are 1, 2, 3, ... with no shared ranks, so a
// page listing the top N always lists exactly N estates. All sums run over the
// estates in ID order, so the result does not depend on the order in which the
// estates were passed in (to the last bit).
//
// # Missing data
//
// An estate that lacks a value for an indicator, or whose value is NaN or
// infinite or negative, is refused with an EINVALID error naming the estate and
// the indicator. Nothing is guessed: filling a gap with an average or a zero
// would move that estate up or down the list for a reason no one chose.
package rank

import (
	"fmt"
	"math"
	"slices"

	"github.com/huanxin/huanxin"
)

// Direction says which way an indicator pushes an estate up the list.
type Direction int

const (
	// Benefit: a higher value means the estate needs (or is readier for)
	// renovation more, so it ranks higher. 效益型（越大越优先）.
	Benefit Direction = 1
	// Cost: a lower value ranks higher. 成本型（越小越优先）.
	Cost Direction = -1
)

func (d Direction) String() string {
	switch d {
	case Benefit:
		return "benefit"
	case Cost:
		return "cost"
	}
	return fmt.Sprintf("Direction(%d)", int(d))
}

// Normalisation names how an indicator's raw values are put on a common,
// unit-free scale before weighting.
type Normalisation string

const (
	// Vector normalisation r = x / √(Σ x²) over the estates: the TOPSIS
	// standard (Hwang & Yoon 1981). Direction is applied afterwards, by
	// choosing the ideal (max for benefit, min for cost). The zero value of
	// Normalisation means Vector.
	Vector Normalisation = "vector"
	// MinMax normalisation r = (x − min)/(max − min); inside TOPSIS the
	// direction is applied by the choice of ideal as for Vector.
	MinMax Normalisation = "minmax"
)

// What each method does, whatever the indicator's Normalisation says:
//
//   - TOPSIS uses the indicator's Normalisation (Vector unless MinMax is set).
//   - WeightedSum always uses direction-adjusted min–max, r = (x − min)/(max − min)
//     for benefit and (max − x)/(max − min) for cost, so 1 is the best estate and
//     0 the worst on that indicator and the score w·r can be read directly.
//     A constant indicator (max = min) gives r = 1 to every estate.
//   - EntropyWeights uses direction-adjusted min–max and then proportions
//     p = r / Σ r (see entropy.go); EntropyWeightsRaw uses p = x / Σ x.

// Indicator is one criterion of the priority ranking.
type Indicator struct {
	Key           string // stable machine key, e.g. "building_age"
	Name          string // 中文名称
	NameEn        string // English name
	Unit          string // unit of the raw value, e.g. "年", "%", "元/户", "分(0–100)"
	Direction     Direction
	Normalisation Normalisation // used by TOPSIS; "" means Vector
	Note          string        // why the direction is what it is (shown on the page)
}

func (ind Indicator) norm() Normalisation {
	if ind.Normalisation == "" {
		return Vector
	}
	return ind.Normalisation
}

// DefaultIndicators is the indicator system proposed by the planning issue.
// A city may use a subset or add its own; keys must stay unique.
//
// Condition deficits are split by category (building body, networks, amenities)
// because the national programme funds them as separate contents of work
// (基础类、完善类、提升类), and a city may want to weigh them differently.
// Deficit and hazard indicators are survey scores: the share (0–100) of the
// category's checklist items found deficient, or a count of hazards found.
func DefaultIndicators() []Indicator {
	return []Indicator{
		{Key: "building_age", Name: "房龄", NameEn: "Building age", Unit: "年", Direction: Benefit,
			Note: "效益型：越老越需要改造（2000年底前建成为政策对象） benefit: older estates need renovation more"},
		{Key: "deficit_structure", Name: "房屋本体缺陷（屋面、外墙、楼道）", NameEn: "Building body deficits (roof, facade, stairwells)", Unit: "分(0–100)", Direction: Benefit,
			Note: "效益型：缺陷越多越需要改造 benefit: more deficits, more need"},
		{Key: "deficit_networks", Name: "管网设施缺陷（水电气热、排水）", NameEn: "Network deficits (water, power, gas, heating, drainage)", Unit: "分(0–100)", Direction: Benefit,
			Note: "效益型：基础类设施缺陷越多越优先 benefit: more basic-service deficits, more need"},
		{Key: "deficit_amenities", Name: "配套设施缺陷（电梯、无障碍、停车、养老托育）", NameEn: "Amenity deficits (lifts, accessibility, parking, care)", Unit: "分(0–100)", Direction: Benefit,
			Note: "效益型：完善类设施越缺越优先 benefit: more missing amenities, more need"},
		{Key: "safety_hazards", Name: "安全隐患", NameEn: "Safety hazards", Unit: "处", Direction: Benefit,
			Note: "效益型：消防、燃气、结构隐患越多越紧迫 benefit: more fire, gas and structural hazards, more urgent"},
		{Key: "population", Name: "居住人口", NameEn: "Residents", Unit: "人", Direction: Benefit,
			Note: "效益型：受益人越多越优先 benefit: more people benefit"},
		{Key: "elderly_share", Name: "60岁以上老年人占比", NameEn: "Share of residents aged 60+", Unit: "%", Direction: Benefit,
			Note: "效益型：老年人多，适老化改造需求大 benefit: more elderly residents, more need for age-friendly works"},
		{Key: "support_rate", Name: "居民改造意愿（同意率）", NameEn: "Resident support rate", Unit: "%", Direction: Benefit,
			Note: "效益型：同意率高，改造能顺利推进（居民自愿为前提） benefit: renovation proceeds where residents want it"},
		{Key: "cofund_willingness", Name: "居民出资意愿", NameEn: "Willingness to co-fund", Unit: "%", Direction: Benefit,
			Note: "效益型：愿意出资的比例高，共建共享更可行 benefit: shared funding is more feasible"},
		{Key: "cost_per_household", Name: "户均改造成本", NameEn: "Cost per household", Unit: "元/户", Direction: Cost,
			Note: "成本型：同样的资金惠及更多住户 cost: the same money reaches more households"},
		{Key: "management_after", Name: "改造后长效管理落实", NameEn: "Management in place after renovation", Unit: "分(0–100)", Direction: Benefit,
			Note: "效益型：有物业或自治管理承接，改造成果不易衰退 benefit: results do not decay when someone will maintain them"},
		{Key: "heritage_value", Name: "历史文化价值", NameEn: "Historical and cultural value", Unit: "分(0–100)", Direction: Benefit,
			Note: "效益型：有保护价值的街区宜尽早保护性改造，避免继续损毁 benefit: protective renovation before further loss"},
	}
}

// Alternative is one estate to be ranked, with its raw indicator values by
// indicator key. A key absent from Values is a missing value.
type Alternative struct {
	ID     int64 // the estate's register ID; unique within one ranking
	Name   string
	Values map[string]float64
}

// checkIndicators validates an indicator list.
func checkIndicators(inds []Indicator) error {
	if len(inds) == 0 {
		return huanxin.Invalid("没有指标 no indicators", huanxin.FieldError{Field: "indicators", Message: "至少一个 at least one"})
	}
	seen := make(map[string]bool, len(inds))
	var fields []huanxin.FieldError
	for i, ind := range inds {
		f := fmt.Sprintf("indicators[%d]", i)
		switch {
		case ind.Key == "":
			fields = append(fields, huanxin.FieldError{Field: f, Message: "缺少指标键 key missing"})
		case seen[ind.Key]:
			fields = append(fields, huanxin.FieldError{Field: f, Message: fmt.Sprintf("指标键 %s 重复 duplicate key %s", ind.Key, ind.Key)})
		}
		seen[ind.Key] = true
		if ind.Direction != Benefit && ind.Direction != Cost {
			fields = append(fields, huanxin.FieldError{Field: f, Message: fmt.Sprintf("%s：方向须为效益型或成本型 direction must be benefit or cost", ind.Key)})
		}
		if n := ind.norm(); n != Vector && n != MinMax {
			fields = append(fields, huanxin.FieldError{Field: f, Message: fmt.Sprintf("%s：未知的标准化方法 %q unknown normalisation", ind.Key, n)})
		}
	}
	if len(fields) > 0 {
		return huanxin.Invalid("指标设置有误 invalid indicators", fields...)
	}
	return nil
}

// table is the decision matrix in canonical order: estates sorted by ID,
// indicators in the given order; x is row-major, m rows × n columns.
type table struct {
	inds  []Indicator
	ids   []int64
	names []string
	x     []float64
	m, n  int
}

// newTable checks the estates and builds the decision matrix. Every estate
// must have a finite, non-negative value for every indicator; the error names
// each estate and indicator that does not (all of them, not just the first).
func newTable(inds []Indicator, alts []Alternative) (*table, error) {
	if err := checkIndicators(inds); err != nil {
		return nil, err
	}
	if len(alts) == 0 {
		return nil, huanxin.Invalid("没有参与排序的小区 no estates to rank", huanxin.FieldError{Field: "estates", Message: "至少一个 at least one"})
	}
	order := make([]int, len(alts))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		switch {
		case alts[a].ID < alts[b].ID:
			return -1
		case alts[a].ID > alts[b].ID:
			return 1
		}
		return 0
	})
	t := &table{inds: inds, m: len(alts), n: len(inds)}
	t.ids = make([]int64, t.m)
	t.names = make([]string, t.m)
	t.x = make([]float64, t.m*t.n)
	var fields []huanxin.FieldError
	for r, i := range order {
		a := alts[i]
		if r > 0 && t.ids[r-1] == a.ID {
			fields = append(fields, huanxin.FieldError{Field: "estates", Message: fmt.Sprintf("小区编号 %d 重复 duplicate estate ID %d", a.ID, a.ID)})
		}
		t.ids[r] = a.ID
		t.names[r] = a.Name
		for j, ind := range inds {
			v, ok := a.Values[ind.Key]
			var msg string
			switch {
			case !ok:
				msg = "缺少数据，不作估算，请补齐后再排序 value missing; it is not guessed, fill it in and rank again"
			case math.IsNaN(v) || math.IsInf(v, 0):
				msg = "数值无效 not a finite number"
			case v < 0:
				msg = "不能为负数 must not be negative"
			}
			if msg != "" {
				fields = append(fields, huanxin.FieldError{
					Field:   ind.Key,
					Message: fmt.Sprintf("小区「%s」(%d) 的指标「%s」%s；estate %q (%d), indicator %q: %s", a.Name, a.ID, ind.Name, msg, a.Name, a.ID, ind.NameEn, msg),
				})
				continue
			}
			t.x[r*t.n+j] = v
		}
	}
	if len(fields) > 0 {
		return nil, huanxin.Invalid("小区指标数据不完整或有误，无法排序 estate data incomplete or invalid; cannot rank", fields...)
	}
	return t, nil
}

// colStats returns each column's smallest and largest value and its sum of
// squares (summed in row order), read in one pass over the row-major matrix:
// a pass per column would stride through all of it once per indicator.
func (t *table) colStats() (lo, hi, ss []float64) {
	lo, hi, ss = make([]float64, t.n), make([]float64, t.n), make([]float64, t.n)
	for j := range lo {
		lo[j], hi[j] = math.Inf(1), math.Inf(-1)
	}
	for i := 0; i < t.m; i++ {
		row := t.x[i*t.n : (i+1)*t.n]
		for j, v := range row {
			lo[j] = min(lo[j], v)
			hi[j] = max(hi[j], v)
			ss[j] += v * v
		}
	}
	return lo, hi, ss
}
