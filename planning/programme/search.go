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

// search is one run of branch and bound.
type search struct {
	ctx       context.Context
	in        *inst
	lp        *lp
	deadline  time.Time
	nodeLimit int
	nodes     int

	best  *pick
	z     float64 // value of best
	order []int   // free estates, most promising first (root reduced cost)

	rootBound float64
	rootY     []float64 // the root relaxation's duals (prices), per row
	rootDD    []float64 // and reduced costs, per estate
	rootDone  bool      // the root relaxation was solved to optimality
	closed    float64   // largest bound of a pruned part of the tree
	open      float64   // largest bound of a part left unexplored
	stopped   bool
	states    []lpState

	// rows of the relaxation
	rowBudget, rowShare int   // rowShare is -1 without a share
	rowCount, rowCost   []int // per district index, -1 without that quota
}

func newSearch(ctx context.Context, in *inst, o Options, started time.Time) *search {
	s := &search{ctx: ctx, in: in, deadline: started.Add(o.TimeLimit), nodeLimit: o.NodeLimit,
		rowShare: -1, closed: math.Inf(-1), open: math.Inf(-1)}
	var b []float64
	row := func(rhs float64) int { b = append(b, rhs); return len(b) - 1 }
	s.rowBudget = row(1)
	if in.share {
		s.rowShare = row(0)
	}
	s.rowCount = make([]int, len(in.dists))
	s.rowCost = make([]int, len(in.dists))
	for k := range in.dists {
		s.rowCount[k], s.rowCost[k] = -1, -1
		if in.maxCount[k] > 0 {
			s.rowCount[k] = row(1)
		}
		if in.maxCost[k] > 0 {
			s.rowCost[k] = row(1)
		}
	}
	// rows are scaled so that their right-hand sides are 1 (0 for the share)
	B := float64(in.budget)
	start := make([]int32, in.n+1)
	var rows []int32
	var vals []float64
	lo, up := make([]float64, in.n), make([]float64, in.n)
	for j := range in.n {
		put := func(r int, v float64) {
			if r >= 0 && v != 0 {
				rows = append(rows, int32(r))
				vals = append(vals, v)
			}
		}
		c, d := float64(in.cost[j]), in.dist[j]
		put(s.rowBudget, c/B)
		if in.share {
			put(s.rowShare, -float64(in.slack[j])/(float64(in.shareDen)*B))
		}
		if in.maxCount[d] > 0 {
			put(s.rowCount[d], 1/float64(in.maxCount[d]))
		}
		if in.maxCost[d] > 0 {
			put(s.rowCost[d], c/float64(in.maxCost[d]))
		}
		start[j+1] = int32(len(rows))
		switch in.forced[j] {
		case 1:
			lo[j], up[j] = 1, 1
		case -1:
			lo[j], up[j] = 0, 0
		default:
			lo[j], up[j] = 0, 1
		}
	}
	s.lp = newLP(in.v, start, rows, vals, b, lo, up)
	return s
}

func (s *search) tol() float64 { return RelTolerance * max(1, math.Abs(s.z)) }

func (s *search) offer(p *pick) {
	if !s.in.feasible(p) {
		return
	}
	if v := s.in.sumValue(p); s.best == nil || v > s.z+s.tol() {
		p.value = v
		s.in.improve(p, s.order, s.deadline)
		p.value = s.in.sumValue(p)
		s.best, s.z = p.clone(), p.value
	}
}

func (s *search) run() {
	in := s.in
	// first incumbent: benefit per yuan
	ratio := make([]int, 0, in.n)
	for j, f := range in.forced {
		if f == 0 {
			ratio = append(ratio, j)
		}
	}
	slices.SortStableFunc(ratio, func(a, b int) int {
		// v_a/c_a > v_b/c_b first, compared by cross multiplication
		return cmp.Compare(in.v[b]*float64(in.cost[a]), in.v[a]*float64(in.cost[b]))
	})
	s.order = ratio
	s.offer(in.greedy(ratio))

	st := s.lp.solve()
	if st == lpInfeasible && s.best == nil {
		return
	}
	s.rootDone = st == lpOptimal
	s.rootBound = s.lp.bound()
	s.rootY = slices.Clone(s.lp.y)
	s.rootDD = slices.Clone(s.lp.dd[:in.n])
	s.order = slices.Clone(ratio)
	slices.SortStableFunc(s.order, func(a, b int) int { return cmp.Compare(s.rootDD[b], s.rootDD[a]) })
	s.offer(in.greedy(s.order))
	if st == lpInfeasible {
		// rounding made the relaxation look infeasible although a selection
		// satisfies every constraint exactly: keep it, prove nothing more
		s.stopped, s.open = true, s.rootBound
		return
	}
	s.node(0, s.rootBound)
}

func (s *search) stop() bool {
	if s.stopped {
		return true
	}
	if s.nodeLimit > 0 && s.nodes > s.nodeLimit || s.ctx.Err() != nil || time.Now().After(s.deadline) {
		s.stopped = true
	}
	return s.stopped
}

// node explores the subtree whose bounds the relaxation holds now; parent
// is a valid bound on it.
func (s *search) node(depth int, parent float64) {
	s.nodes++
	if s.stop() {
		s.open = max(s.open, parent)
		return
	}
	p, in := s.lp, s.in
	st := p.solve()
	if st == lpInfeasible {
		return
	}
	L := min(p.bound(), parent)
	if s.best != nil && L <= s.z+s.tol() {
		s.closed = max(s.closed, L)
		return
	}
	s.round()
	if s.best != nil && L <= s.z+s.tol() {
		s.closed = max(s.closed, L)
		return
	}
	// reduced-cost fixing: an estate whose move to the other side would
	// cost more than the gap stays where it is in this subtree
	if s.best != nil && st == lpOptimal {
		for j := range in.n {
			if p.pos[j] >= 0 || p.lo[j] == p.up[j] {
				continue
			}
			dj := p.dd[j]
			if p.atUp[j] && dj > 0 && L-dj <= s.z+s.tol() {
				s.closed = max(s.closed, L-dj)
				p.fix(j, 1)
			} else if !p.atUp[j] && dj < 0 && L+dj <= s.z+s.tol() {
				s.closed = max(s.closed, L+dj)
				p.fix(j, 0)
			}
		}
	}
	j := s.branchVar(st)
	if j < 0 {
		// every estate is integral in the relaxation, or fixed
		q := in.newPick()
		for k := range in.n {
			if p.value(k) >= 0.5 {
				in.add(q, k)
			}
		}
		s.offer(q)
		if st == lpOptimal && in.feasible(q) || s.free() < 0 {
			s.closed = max(s.closed, L)
			return
		}
		j = s.free()
	}
	for len(s.states) <= depth {
		s.states = append(s.states, lpState{})
	}
	p.save(&s.states[depth])
	first := 0.0
	if p.value(j) >= 0.5 {
		first = 1
	}
	p.fix(j, first)
	s.node(depth+1, L)
	if s.stopped {
		s.open = max(s.open, L)
		return
	}
	p.restore(&s.states[depth])
	p.fix(j, 1-first)
	s.node(depth+1, L)
}

// branchVar returns the most fractional estate of an optimal relaxation, or
// -1 if none is fractional (or the relaxation was not solved to optimality).
func (s *search) branchVar(st lpStatus) int {
	if st != lpOptimal {
		return -1
	}
	best, bf := -1, fracTol
	for i, j := range s.lp.basis {
		if j >= s.in.n || s.lp.lo[j] == s.lp.up[j] {
			continue
		}
		x := s.lp.xb[i]
		if f := min(x, 1-x); f > bf {
			best, bf = j, f
		}
	}
	return best
}

// free returns an estate not yet fixed in the relaxation, basic ones first,
// or -1.
func (s *search) free() int {
	for _, j := range s.lp.basis {
		if j < s.in.n && s.lp.lo[j] != s.lp.up[j] {
			return j
		}
	}
	for j := range s.in.n {
		if s.lp.lo[j] != s.lp.up[j] {
			return j
		}
	}
	return -1
}

// round turns the relaxation into a selection: the estates at 1, then the
// others in the root's order while they fit.
func (s *search) round() {
	in, p := s.in, s.lp
	q := in.newPick()
	for j := range in.n {
		if in.forced[j] == 1 || p.value(j) >= 1-fracTol {
			in.add(q, j)
		}
	}
	if q.cost > in.budget {
		return
	}
	in.fill(q, s.order)
	s.offer(q)
}

// infeasible explains why no programme was found. The must-in estates alone
// satisfy the budget and the quotas (checked before the search), so the basic
// share is what cannot be met.
func (s *search) infeasible() error {
	in := s.in
	var basic, cost int64
	for j, f := range in.forced {
		if f == 1 {
			basic += in.basic[j]
			cost += in.cost[j]
		}
	}
	have := 0.0
	if cost > 0 {
		have = 100 * float64(basic) / float64(cost)
	}
	want := 100 * float64(in.shareNum) / float64(in.shareDen)
	if s.stopped {
		return huanxin.Invalid("在时限内未找到满足基础类占比的方案 no programme meeting the minimum basic share was found within the time limit",
			huanxin.FieldError{Field: "min_basic_share", Message: fmt.Sprintf(
				"必须纳入的小区基础类占比 %.2f%%，要求 %.2f%% the must-in estates' basic share is %.2f%%, %.2f%% is required", have, want, have, want)})
	}
	return huanxin.Invalid("基础类占比无法达到 the minimum basic share cannot be reached",
		huanxin.FieldError{Field: "min_basic_share", Message: fmt.Sprintf(
			"必须纳入的小区基础类占比 %.2f%%，在预算和限额内无法提高到 %.2f%% the must-in estates' basic share is %.2f%% and no selection within the budget and quotas raises it to %.2f%%",
			have, want, have, want)})
}
