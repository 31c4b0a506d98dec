// Package programme chooses the estates of a district's annual renovation
// programme (年度改造计划): which candidates, each with its plan's cost, enter
// this year, maximising a stated benefit under the budget, per-district
// quotas, a minimum share of 基础类 (basic) items and estates that must or
// must not be in. It explains why each estate is in or out and compares two
// programmes (what-if).
//
// The package is pure: no database, no clock beyond the caller's time limit,
// no I/O.
//
// # The problem
//
// Each candidate i is chosen (x_i = 1) or not (x_i = 0). Maximise Σ v_i x_i,
// where v_i is the candidate's benefit under the stated Objective, subject to
//
//	Σ cost_i x_i ≤ Budget
//	Σ_{i in district d} x_i ≤ MaxCount_d,  Σ_{i in d} cost_i x_i ≤ MaxCost_d   (where set)
//	Σ basic_i x_i ≥ Num/Den · Σ cost_i x_i, i.e. Σ (Den·basic_i − Num·cost_i) x_i ≥ 0
//	x_i = 1 for Must, x_i = 0 for MustNot.
//
// This is a 0/1 knapsack with several constraints. Every constraint is checked
// in exact integer arithmetic (fen); only the objective is float64.
//
// # The method
//
// Branch and bound, depth first, on the linear relaxation (0 ≤ x_i ≤ 1) solved
// by a dual simplex with bounded variables (lp.go). The start is a greedy
// selection by benefit per yuan and, after the root relaxation, by the
// relaxation's reduced costs, improved by adding and swapping estates; every
// node rounds its relaxation to a selection as well. Nodes are pruned by the
// weak-duality bound of their relaxation, and estates whose reduced cost shows
// they cannot change sides without losing more than the remaining gap are
// fixed. The search stops when every node is closed (Optimal) or at the time
// limit, the node limit or the context's end; the Result then carries the best
// selection found and a proven upper bound on the optimum.
//
// # Tolerance
//
// Benefits are float64. A node is pruned when its bound does not exceed the
// best value found by more than RelTolerance (1e-9) of that value, so an
// Optimal result is optimal to within that relative tolerance; Bound is the
// largest bound of any pruned or open part of the search, so Value ≤ optimum ≤
// Bound holds up to floating-point rounding in the sums.
package programme

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/huanxin/huanxin"
)

// RelTolerance is the relative tolerance of optimality (see the package
// documentation).
const RelTolerance = 1e-9

// ExactLimit is the number of candidates up to which Solve by default searches
// until the optimum is proven (with DefaultExactTime as a safety limit);
// larger sets get DefaultLargeTime and a proven gap.
const ExactLimit = 500

// Default time limits of Solve when Options.TimeLimit is 0.
const (
	DefaultExactTime = 30 * time.Second
	DefaultLargeTime = 1500 * time.Millisecond
)

// Candidate is an estate with its plan, offered for this year's programme.
type Candidate struct {
	EstateID   int64         `json:"estate_id"`
	Name       string        `json:"name"`
	District   int64         `json:"district"` // jurisdiction ID of the district
	Households int64         `json:"households"`
	Score      float64       `json:"score"`      // priority score (planning/rank), ≥ 0
	Cost       huanxin.Money `json:"cost"`       // total cost of the plan
	BasicCost  huanxin.Money `json:"basic_cost"` // the 基础类 part of Cost
	Must       bool          `json:"must"`
	MustNot    bool          `json:"must_not"`
}

// Objective names what the programme maximises.
type Objective string

const (
	// ObjectiveScoreHouseholds maximises Σ score × households: priority
	// weighted by the number of households who benefit. The default.
	ObjectiveScoreHouseholds Objective = "score_households"
	// ObjectiveScore maximises Σ score: the most urgent estates, whatever
	// their size.
	ObjectiveScore Objective = "score"
	// ObjectiveHouseholds maximises the number of households served.
	ObjectiveHouseholds Objective = "households"
)

// Objectives lists the objectives in menu order.
var Objectives = []Objective{ObjectiveScoreHouseholds, ObjectiveScore, ObjectiveHouseholds}

// Valid reports whether o is a known objective ("" counts as the default).
func (o Objective) Valid() bool { return o == "" || slices.Contains(Objectives, o) }

// Benefit returns the candidate's contribution to the objective.
func (o Objective) Benefit(c Candidate) float64 {
	switch o {
	case ObjectiveScore:
		return c.Score
	case ObjectiveHouseholds:
		return float64(c.Households)
	}
	return c.Score * float64(c.Households)
}

// Share is an exact ratio Num/Den; the zero Share imposes nothing.
type Share struct {
	Num int64 `json:"num"`
	Den int64 `json:"den"`
}

// Quota limits one district: at most MaxCount estates and at most MaxCost;
// 0 means no limit on that count or amount.
type Quota struct {
	MaxCount int           `json:"max_count"`
	MaxCost  huanxin.Money `json:"max_cost"`
}

// Constraints are the limits of a programme.
type Constraints struct {
	Budget        huanxin.Money   `json:"budget"` // required, > 0
	DistrictQuota map[int64]Quota `json:"district_quota,omitempty"`
	// MinBasicShare: the basic cost of the chosen estates must be at least
	// this share of their total cost.
	MinBasicShare Share `json:"min_basic_share"`
}

// Problem is one programme to choose.
type Problem struct {
	Candidates  []Candidate `json:"candidates"`
	Objective   Objective   `json:"objective"`
	Constraints Constraints `json:"constraints"`
}

// Options limit the search. Zero values take the defaults.
type Options struct {
	TimeLimit time.Duration // default DefaultExactTime up to ExactLimit candidates, else DefaultLargeTime
	NodeLimit int           // branch-and-bound nodes; 0 = no limit
}

// inst is a validated problem in solver form: candidates in input order,
// districts as indexes, every constraint coefficient exact.
type inst struct {
	n        int
	v        []float64
	cost     []int64
	basic    []int64
	slack    []int64 // Den·basic − Num·cost (0 when no share is set)
	dist     []int
	forced   []int8 // +1 must, -1 must not, 0 free
	budget   int64
	share    bool // a minimum basic share is set
	shareNum int64
	shareDen int64
	dists    []int64 // district IDs, ascending
	maxCount []int   // per district index, 0 = none
	maxCost  []int64 // per district index, 0 = none
}

// Solve chooses the programme. Invalid input, and input no programme can
// satisfy, is an EINVALID error naming the cause. A Result that is not
// Optimal carries the best programme found and the proven gap to the optimum.
func Solve(ctx context.Context, p Problem, o Options) (*Result, error) {
	in, err := build(p)
	if err != nil {
		return nil, err
	}
	if o.TimeLimit <= 0 {
		o.TimeLimit = DefaultLargeTime
		if in.n <= ExactLimit {
			o.TimeLimit = DefaultExactTime
		}
	}
	started := time.Now()
	s := newSearch(ctx, in, o, started)
	s.run()
	if s.best == nil {
		return nil, s.infeasible()
	}
	return s.result(p, time.Since(started)), nil
}

func build(p Problem) (*inst, error) {
	var errs []huanxin.FieldError
	bad := func(field, format string, args ...any) {
		errs = append(errs, huanxin.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	c := p.Constraints
	if !p.Objective.Valid() {
		bad("objective", "未知的目标 unknown objective %q", p.Objective)
	}
	if c.Budget <= 0 {
		bad("budget", "预算须大于零 the budget must be positive")
	}
	sh := c.MinBasicShare
	if sh != (Share{}) && (sh.Den <= 0 || sh.Num < 0 || sh.Num > sh.Den) {
		bad("min_basic_share", "基础类占比须在 0 到 1 之间 the basic share must be a ratio between 0 and 1 (%d/%d)", sh.Num, sh.Den)
	}
	for id, q := range c.DistrictQuota {
		if q.MaxCount < 0 || q.MaxCost < 0 {
			bad(fmt.Sprintf("district_quota[%d]", id), "限额不能为负 a quota cannot be negative")
		}
	}
	seen := make(map[int64]int, len(p.Candidates))
	for i, cd := range p.Candidates {
		f := fmt.Sprintf("candidates[%d]", i)
		if j, dup := seen[cd.EstateID]; dup {
			bad(f+".estate_id", "小区 %d 重复（见第 %d 项） estate %d is listed twice (also item %d)", cd.EstateID, j, cd.EstateID, j)
		}
		seen[cd.EstateID] = i
		if cd.Must && cd.MustNot {
			bad(f+".must", "小区 %d（%s）同时被列为必须纳入和不得纳入 estate %d (%s) is both must-in and must-not", cd.EstateID, cd.Name, cd.EstateID, cd.Name)
		}
		if !(cd.Score >= 0) || math.IsInf(cd.Score, 1) {
			bad(f+".score", "优先得分须为非负有限数 the priority score must be finite and ≥ 0 (%g)", cd.Score)
		}
		if cd.Households < 0 {
			bad(f+".households", "户数不能为负 households cannot be negative")
		}
		if cd.Cost < 0 || cd.BasicCost < 0 || cd.BasicCost > cd.Cost {
			bad(f+".basic_cost", "基础类费用须在 0 与总费用之间 the basic cost must lie between 0 and the total cost (%s of %s)", cd.BasicCost, cd.Cost)
		}
	}
	if len(errs) > 0 {
		return nil, huanxin.Invalid("年度计划的输入有误 the programme input is invalid", errs...)
	}

	n := len(p.Candidates)
	in := &inst{n: n, v: make([]float64, n), cost: make([]int64, n), slack: make([]int64, n),
		basic: make([]int64, n), dist: make([]int, n), forced: make([]int8, n),
		budget: int64(c.Budget), share: sh.Num > 0, shareNum: sh.Num, shareDen: max(sh.Den, 1)}
	for _, cd := range p.Candidates {
		in.dists = append(in.dists, cd.District)
	}
	slices.Sort(in.dists)
	in.dists = slices.Compact(in.dists)
	in.maxCount = make([]int, len(in.dists))
	in.maxCost = make([]int64, len(in.dists))
	for k, id := range in.dists {
		q := c.DistrictQuota[id]
		in.maxCount[k], in.maxCost[k] = q.MaxCount, int64(q.MaxCost)
	}
	var total, slackAbs int64
	overflow := false
	for i, cd := range p.Candidates {
		in.v[i] = p.Objective.Benefit(cd)
		in.cost[i] = int64(cd.Cost)
		in.basic[i] = int64(cd.BasicCost)
		in.dist[i], _ = slices.BinarySearch(in.dists, cd.District)
		switch {
		case cd.Must:
			in.forced[i] = 1
		case cd.MustNot:
			in.forced[i] = -1
		}
		total, overflow = addChecked(total, in.cost[i], overflow)
		if in.share {
			a, o1 := mulChecked(sh.Den, int64(cd.BasicCost))
			b, o2 := mulChecked(sh.Num, int64(cd.Cost))
			in.slack[i] = a - b
			slackAbs, overflow = addChecked(slackAbs, max(a, b), overflow || o1 || o2)
		}
	}
	if overflow {
		return nil, huanxin.Invalid("金额过大，无法精确计算 the amounts are too large to compute exactly",
			huanxin.FieldError{Field: "candidates", Message: "Σ 费用 × 占比分母超出 64 位整数 the sum of costs × share denominator exceeds 64-bit integers"})
	}
	return in, in.checkMust()
}

func addChecked(a, b int64, overflow bool) (int64, bool) {
	s := a + b
	return s, overflow || s < a
}

func mulChecked(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, false
	}
	p := a * b
	return p, p/b != a || p < 0
}

// checkMust refuses must-in estates that alone exceed the budget or a quota.
func (in *inst) checkMust() error {
	var cost int64
	cnt := make([]int, len(in.dists))
	dcost := make([]int64, len(in.dists))
	for i, f := range in.forced {
		if f == 1 {
			cost += in.cost[i]
			cnt[in.dist[i]]++
			dcost[in.dist[i]] += in.cost[i]
		}
	}
	var errs []huanxin.FieldError
	if cost > in.budget {
		errs = append(errs, huanxin.FieldError{Field: "budget", Message: fmt.Sprintf(
			"必须纳入的小区合计 %s 元，超出预算 %s 元 the must-in estates cost %s yuan, more than the budget of %s yuan",
			huanxin.Money(cost), huanxin.Money(in.budget), huanxin.Money(cost), huanxin.Money(in.budget))})
	}
	for k, id := range in.dists {
		f := fmt.Sprintf("district_quota[%d]", id)
		if m := in.maxCount[k]; m > 0 && cnt[k] > m {
			errs = append(errs, huanxin.FieldError{Field: f, Message: fmt.Sprintf(
				"区 %d 必须纳入 %d 个小区，超过限额 %d 个 district %d has %d must-in estates, more than its quota of %d",
				id, cnt[k], m, id, cnt[k], m)})
		}
		if m := in.maxCost[k]; m > 0 && dcost[k] > m {
			errs = append(errs, huanxin.FieldError{Field: f, Message: fmt.Sprintf(
				"区 %d 必须纳入的小区合计 %s 元，超过限额 %s 元 district %d's must-in estates cost %s yuan, more than its quota of %s yuan",
				id, huanxin.Money(dcost[k]), huanxin.Money(m), id, huanxin.Money(dcost[k]), huanxin.Money(m))})
		}
	}
	if len(errs) > 0 {
		return huanxin.Invalid("必须纳入的小区超出限额 the must-in estates exceed a limit", errs...)
	}
	return nil
}

// pick is a selection with its exact totals.
type pick struct {
	in    []bool
	cost  int64
	slack int64
	cnt   []int
	dcost []int64
	value float64
}

func (in *inst) newPick() *pick {
	return &pick{in: make([]bool, in.n), cnt: make([]int, len(in.dists)), dcost: make([]int64, len(in.dists))}
}

func (p *pick) clone() *pick {
	return &pick{in: slices.Clone(p.in), cost: p.cost, slack: p.slack, cnt: slices.Clone(p.cnt),
		dcost: slices.Clone(p.dcost), value: p.value}
}

func (in *inst) add(p *pick, j int) {
	p.in[j] = true
	p.cost += in.cost[j]
	p.slack += in.slack[j]
	p.cnt[in.dist[j]]++
	p.dcost[in.dist[j]] += in.cost[j]
	p.value += in.v[j]
}

func (in *inst) remove(p *pick, j int) {
	p.in[j] = false
	p.cost -= in.cost[j]
	p.slack -= in.slack[j]
	p.cnt[in.dist[j]]--
	p.dcost[in.dist[j]] -= in.cost[j]
	p.value -= in.v[j]
}

// fits reports whether j can join p within the budget and its district's
// quota (the basic share is checked by the caller).
func (in *inst) fits(p *pick, j int) bool {
	d := in.dist[j]
	return p.cost+in.cost[j] <= in.budget &&
		(in.maxCount[d] == 0 || p.cnt[d] < in.maxCount[d]) &&
		(in.maxCost[d] == 0 || p.dcost[d]+in.cost[j] <= in.maxCost[d])
}

// swapFits reports whether j can replace i (i in p, j not) within every
// constraint.
func (in *inst) swapFits(p *pick, i, j int) bool {
	if p.cost-in.cost[i]+in.cost[j] > in.budget || p.slack-in.slack[i]+in.slack[j] < 0 {
		return false
	}
	dj := in.dist[j]
	if in.dist[i] == dj {
		return in.maxCost[dj] == 0 || p.dcost[dj]-in.cost[i]+in.cost[j] <= in.maxCost[dj]
	}
	return (in.maxCount[dj] == 0 || p.cnt[dj] < in.maxCount[dj]) &&
		(in.maxCost[dj] == 0 || p.dcost[dj]+in.cost[j] <= in.maxCost[dj])
}

// feasible checks p against every constraint, exactly.
func (in *inst) feasible(p *pick) bool {
	if p.cost > in.budget || p.slack < 0 {
		return false
	}
	for k := range in.dists {
		if in.maxCount[k] > 0 && p.cnt[k] > in.maxCount[k] || in.maxCost[k] > 0 && p.dcost[k] > in.maxCost[k] {
			return false
		}
	}
	for j, f := range in.forced {
		if f != 0 && p.in[j] != (f == 1) {
			return false
		}
	}
	return true
}

// sumValue recomputes the objective of p in index order, so that equal
// selections always report the same value to the last bit.
func (in *inst) sumValue(p *pick) float64 {
	s := 0.0
	for j, ok := range p.in {
		if ok {
			s += in.v[j]
		}
	}
	return s
}

// greedy starts from the must-in estates, first adds estates with a surplus of
// basic cost (best surplus per fen first) while the must-in estates fall short
// of the basic share, then adds estates in the given order while they fit.
func (in *inst) greedy(order []int) *pick {
	p := in.newPick()
	for j, f := range in.forced {
		if f == 1 {
			in.add(p, j)
		}
	}
	if p.slack < 0 {
		var pos []int
		for j, f := range in.forced {
			if f == 0 && in.slack[j] > 0 {
				pos = append(pos, j)
			}
		}
		slices.SortFunc(pos, func(a, b int) int {
			// slack_a/cost_a > slack_b/cost_b, compared without division
			return cmp.Compare(float64(in.slack[b])*float64(in.cost[a]), float64(in.slack[a])*float64(in.cost[b]))
		})
		for _, j := range pos {
			if p.slack >= 0 {
				break
			}
			if in.fits(p, j) {
				in.add(p, j)
			}
		}
	}
	in.fill(p, order)
	return p
}

// fill adds estates of positive benefit, in order, that fit every constraint.
func (in *inst) fill(p *pick, order []int) {
	for _, j := range order {
		if !p.in[j] && in.forced[j] == 0 && in.v[j] > 0 && in.fits(p, j) && p.slack+in.slack[j] >= 0 {
			in.add(p, j)
		}
	}
}

// improve makes p better by adding estates that fit and by swapping one
// chosen estate for a better one that is out, until neither helps or the
// deadline passes.
func (in *inst) improve(p *pick, order []int, deadline time.Time) {
	var ins []int
	for pass := 0; pass < 50; pass++ {
		in.fill(p, order)
		ins = ins[:0]
		for j, ok := range p.in {
			if ok && in.forced[j] == 0 {
				ins = append(ins, j)
			}
		}
		improved := false
		for _, j := range order {
			if p.in[j] || in.forced[j] != 0 || in.v[j] <= 0 {
				continue
			}
			best, gain := -1, RelTolerance*max(1, p.value)
			for _, i := range ins {
				if g := in.v[j] - in.v[i]; g > gain && p.in[i] && in.swapFits(p, i, j) {
					best, gain = i, g
				}
			}
			if best >= 0 {
				in.remove(p, best)
				in.add(p, j)
				for k, i := range ins {
					if i == best {
						ins[k] = j
					}
				}
				improved = true
			}
			if time.Now().After(deadline) {
				return
			}
		}
		if !improved {
			in.fill(p, order)
			return
		}
	}
}
