package rank

import (
	"fmt"
	"math"
	"slices"

	"github.com/huanxin/huanxin"
)

// WeightTolerance is how far from 1 the sum of a weight set may be.
const WeightTolerance = 1e-9

// Combine mixes subjective (AHP) and objective (entropy) weights linearly:
// w_j = α·s_j + (1 − α)·o_j, then divides by Σ w so the result sums to 1
// exactly up to rounding. α = 1 is pure AHP, α = 0 pure entropy; 0 ≤ α ≤ 1.
// This is the combination the platform recommends: each weight stays between
// its two sources, so the result is easy to explain.
func Combine(subjective, objective []float64, alpha float64) ([]float64, error) {
	if err := checkPair(subjective, objective); err != nil {
		return nil, err
	}
	if !(alpha >= 0 && alpha <= 1) {
		return nil, huanxin.Invalid("组合系数 α 须在 0 到 1 之间 alpha must be between 0 and 1", huanxin.FieldError{Field: "alpha", Message: fmt.Sprintf("%g", alpha)})
	}
	w := make([]float64, len(subjective))
	for j := range w {
		w[j] = alpha*subjective[j] + (1-alpha)*objective[j]
	}
	return normalise(w)
}

// CombineMultiplicative mixes the two weight vectors multiplicatively:
// w_j = s_j·o_j / Σ_k s_k·o_k. It favours indicators on which both sources
// agree and gives 0 to any indicator either source gives 0 (for instance an
// indicator that is constant in the data). Offered for comparison; Combine is
// the default.
func CombineMultiplicative(subjective, objective []float64) ([]float64, error) {
	if err := checkPair(subjective, objective); err != nil {
		return nil, err
	}
	w := make([]float64, len(subjective))
	for j := range w {
		w[j] = subjective[j] * objective[j]
	}
	return normalise(w)
}

func checkPair(s, o []float64) error {
	if len(s) == 0 || len(s) != len(o) {
		return huanxin.Invalid("两组权重的指标数不一致 the two weight vectors differ in length",
			huanxin.FieldError{Field: "weights", Message: fmt.Sprintf("%d 与 %d (%d vs %d)", len(s), len(o), len(s), len(o))})
	}
	if err := checkVector(s, "subjective"); err != nil {
		return err
	}
	return checkVector(o, "objective")
}

// checkVector checks that w is a weight vector: finite, ≥ 0, Σ = 1 ± 1e-9.
func checkVector(w []float64, field string) error {
	var sum float64
	for j, v := range w {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return huanxin.Invalid("权重须为非负数 weights must be non-negative numbers",
				huanxin.FieldError{Field: fmt.Sprintf("%s[%d]", field, j), Message: fmt.Sprintf("%g", v)})
		}
		sum += v
	}
	if math.Abs(sum-1) > WeightTolerance {
		return huanxin.Invalid(fmt.Sprintf("权重之和须为 1，现为 %.12g weights must sum to 1, they sum to %.12g", sum, sum),
			huanxin.FieldError{Field: field, Message: fmt.Sprintf("Σ=%.12g", sum)})
	}
	return nil
}

func normalise(w []float64) ([]float64, error) {
	var sum float64
	for _, v := range w {
		sum += v
	}
	if !(sum > 0) {
		return nil, huanxin.Invalid("组合后权重全为 0 the combined weights are all zero", huanxin.FieldError{Field: "weights", Message: "Σ=0"})
	}
	for j := range w {
		w[j] /= sum
	}
	return w, nil
}

// WeightMethod says how a weight set was obtained.
type WeightMethod string

const (
	MethodManual          WeightMethod = "manual"           // set by hand (e.g. from a policy document)
	MethodAHP             WeightMethod = "ahp"              // 层次分析法
	MethodEntropy         WeightMethod = "entropy"          // 熵值法 (EntropyWeights on the estates of the time)
	MethodCombined        WeightMethod = "combined"         // α·AHP + (1−α)·entropy (Combine)
	MethodCombinedProduct WeightMethod = "combined_product" // AHP·entropy renormalised (CombineMultiplicative)
)

// WeightSet is a named set of weights a city keeps, e.g. "2025年度计划" or
// "重安全". Weights are by indicator key, non-negative, and sum to 1.
type WeightSet struct {
	Name    string
	Method  WeightMethod
	Weights map[string]float64

	// For AHP and combined sets: the comparison matrix in the order of
	// AHPKeys, and its consistency figures.
	AHPKeys   []string
	AHPMatrix [][]float64
	LambdaMax float64
	CI, CR    float64

	// For entropy and combined sets: the entropy weights as computed, and
	// the number of estates they were computed from (they change with the data).
	EntropyWeights map[string]float64
	EntropyEstates int

	Alpha float64 // for MethodCombined: the share of the AHP weights
	Note  string
}

// Validate checks the set against an indicator system: a name, a known
// method, a weight for every indicator and none for any other key, each ≥ 0,
// summing to 1 within WeightTolerance; an AHP matrix, where the method uses
// one, that matches the indicators and passes the consistency check; α in
// [0, 1] for a combined set.
func (ws WeightSet) Validate(inds []Indicator) error {
	if err := checkIndicators(inds); err != nil {
		return err
	}
	var fields []huanxin.FieldError
	add := func(field, msg string) { fields = append(fields, huanxin.FieldError{Field: field, Message: msg}) }
	if ws.Name == "" {
		add("name", "权重方案须有名称 a weight set needs a name")
	}
	switch ws.Method {
	case MethodManual, MethodAHP, MethodEntropy, MethodCombined, MethodCombinedProduct:
	default:
		add("method", fmt.Sprintf("未知的赋权方法 %q unknown method", ws.Method))
	}
	known := make(map[string]bool, len(inds))
	var sum float64
	for _, ind := range inds {
		known[ind.Key] = true
		v, ok := ws.Weights[ind.Key]
		switch {
		case !ok:
			add("weights."+ind.Key, fmt.Sprintf("缺少指标「%s」的权重 no weight for %s", ind.Name, ind.NameEn))
		case math.IsNaN(v) || math.IsInf(v, 0) || v < 0:
			add("weights."+ind.Key, fmt.Sprintf("权重须为非负数，现为 %g must be non-negative, is %g", v, v))
		default:
			sum += v
		}
	}
	for _, k := range sortedKeys(ws.Weights) {
		if !known[k] {
			add("weights."+k, fmt.Sprintf("指标 %s 不在指标体系中 not an indicator of this system", k))
		}
	}
	if len(fields) == 0 && math.Abs(sum-1) > WeightTolerance {
		add("weights", fmt.Sprintf("权重之和须为 1，现为 %.12g weights must sum to 1, they sum to %.12g", sum, sum))
	}
	if ws.Method == MethodAHP || ws.Method == MethodCombined || ws.Method == MethodCombinedProduct {
		if !slices.Equal(ws.AHPKeys, keys(inds)) {
			add("ahp_keys", "判断矩阵的指标与指标体系不一致 the comparison matrix does not list the indicators in order")
		} else if _, _, _, _, err := ahp(ws.AHPMatrix, namesZh(inds), namesEn(inds)); err != nil {
			return err
		}
	}
	if ws.Method == MethodCombined && !(ws.Alpha >= 0 && ws.Alpha <= 1) {
		add("alpha", fmt.Sprintf("组合系数 α 须在 0 到 1 之间，现为 %g alpha must be in [0, 1], is %g", ws.Alpha, ws.Alpha))
	}
	if len(fields) > 0 {
		return huanxin.Invalid(fmt.Sprintf("权重方案「%s」有误 invalid weight set %q", ws.Name, ws.Name), fields...)
	}
	return nil
}

// Vector returns the weights in the order of inds, after validating the set.
func (ws WeightSet) Vector(inds []Indicator) ([]float64, error) {
	if err := ws.Validate(inds); err != nil {
		return nil, err
	}
	w := make([]float64, len(inds))
	for j, ind := range inds {
		w[j] = ws.Weights[ind.Key]
	}
	return w, nil
}

// NewManualWeightSet makes a set from weights typed in by hand. They are used
// as given: they must already sum to 1 (within 1e-9).
func NewManualWeightSet(name string, inds []Indicator, weights map[string]float64) (WeightSet, error) {
	ws := WeightSet{Name: name, Method: MethodManual, Weights: weights}
	return ws, ws.Validate(inds)
}

// NewAHPWeightSet makes a set from a comparison matrix whose rows and columns
// follow inds. A matrix with CR ≥ 0.1 is refused (see AHP), the message naming
// the indicators of the most inconsistent pair.
func NewAHPWeightSet(name string, inds []Indicator, matrix [][]float64) (WeightSet, error) {
	if err := checkIndicators(inds); err != nil {
		return WeightSet{}, err
	}
	if len(matrix) != len(inds) {
		return WeightSet{}, huanxin.Invalid("判断矩阵阶数须等于指标数 the comparison matrix must have one row per indicator",
			huanxin.FieldError{Field: "ahp", Message: fmt.Sprintf("%d 行，%d 个指标 %d rows, %d indicators", len(matrix), len(inds), len(matrix), len(inds))})
	}
	w, l, ci, cr, err := ahp(matrix, namesZh(inds), namesEn(inds))
	if err != nil {
		return WeightSet{}, err
	}
	return WeightSet{Name: name, Method: MethodAHP, Weights: byKey(inds, w),
		AHPKeys: keys(inds), AHPMatrix: copyMatrix(matrix), LambdaMax: l, CI: ci, CR: cr}, nil
}

// NewEntropyWeightSet makes a set from the data of the given estates by
// EntropyWeights. Missing data is refused as for ranking.
func NewEntropyWeightSet(name string, inds []Indicator, alts []Alternative) (WeightSet, error) {
	w, err := entropyOf(inds, alts)
	if err != nil {
		return WeightSet{}, err
	}
	return WeightSet{Name: name, Method: MethodEntropy, Weights: byKey(inds, w),
		EntropyWeights: byKey(inds, w), EntropyEstates: len(alts)}, nil
}

// NewCombinedWeightSet makes α·AHP + (1−α)·entropy weights (Combine), or,
// with product set, the multiplicative combination (alpha is then ignored).
func NewCombinedWeightSet(name string, inds []Indicator, matrix [][]float64, alts []Alternative, alpha float64, product bool) (WeightSet, error) {
	a, err := NewAHPWeightSet(name, inds, matrix)
	if err != nil {
		return WeightSet{}, err
	}
	e, err := entropyOf(inds, alts)
	if err != nil {
		return WeightSet{}, err
	}
	s := vectorOf(inds, a.Weights)
	var w []float64
	method := MethodCombined
	if product {
		method, alpha = MethodCombinedProduct, 0
		w, err = CombineMultiplicative(s, e)
	} else {
		w, err = Combine(s, e, alpha)
	}
	if err != nil {
		return WeightSet{}, err
	}
	a.Method, a.Weights, a.Alpha = method, byKey(inds, w), alpha
	a.EntropyWeights, a.EntropyEstates = byKey(inds, e), len(alts)
	return a, nil
}

func entropyOf(inds []Indicator, alts []Alternative) ([]float64, error) {
	t, err := newTable(inds, alts)
	if err != nil {
		return nil, err
	}
	x := make([][]float64, t.m)
	for i := range x {
		x[i] = t.x[i*t.n : (i+1)*t.n]
	}
	dirs := make([]Direction, t.n)
	for j, ind := range inds {
		dirs[j] = ind.Direction
	}
	return EntropyWeights(x, dirs)
}

// Catalog is the named weight sets of one city. It is a value held in memory;
// storing it is the store's business.
type Catalog struct {
	City int64
	sets map[string]WeightSet
}

// Put validates ws against inds and adds it, or replaces the set of the same
// name when replace is true; otherwise a taken name is ECONFLICT.
func (c *Catalog) Put(ws WeightSet, inds []Indicator, replace bool) error {
	if err := ws.Validate(inds); err != nil {
		return err
	}
	if _, ok := c.sets[ws.Name]; ok && !replace {
		return huanxin.Errorf(huanxin.ECONFLICT, "权重方案「%s」已存在 weight set %q already exists", ws.Name, ws.Name)
	}
	if c.sets == nil {
		c.sets = make(map[string]WeightSet)
	}
	c.sets[ws.Name] = ws
	return nil
}

// Get returns the set of that name.
func (c *Catalog) Get(name string) (WeightSet, error) {
	ws, ok := c.sets[name]
	if !ok {
		return WeightSet{}, huanxin.Errorf(huanxin.ENOTFOUND, "没有名为「%s」的权重方案 no weight set named %q", name, name)
	}
	return ws, nil
}

// Delete removes the set of that name, if any.
func (c *Catalog) Delete(name string) { delete(c.sets, name) }

// Names lists the sets' names in sorted order.
func (c *Catalog) Names() []string { return sortedKeys(c.sets) }

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func keys(inds []Indicator) []string {
	ks := make([]string, len(inds))
	for j, ind := range inds {
		ks[j] = ind.Key
	}
	return ks
}

func namesZh(inds []Indicator) []string {
	ns := make([]string, len(inds))
	for j, ind := range inds {
		ns[j] = ind.Name
	}
	return ns
}

func namesEn(inds []Indicator) []string {
	ns := make([]string, len(inds))
	for j, ind := range inds {
		ns[j] = ind.NameEn
	}
	return ns
}

func byKey(inds []Indicator, w []float64) map[string]float64 {
	m := make(map[string]float64, len(inds))
	for j, ind := range inds {
		m[ind.Key] = w[j]
	}
	return m
}

func vectorOf(inds []Indicator, m map[string]float64) []float64 {
	w := make([]float64, len(inds))
	for j, ind := range inds {
		w[j] = m[ind.Key]
	}
	return w
}

func copyMatrix(a [][]float64) [][]float64 {
	c := make([][]float64, len(a))
	for i := range a {
		c[i] = slices.Clone(a[i])
	}
	return c
}
