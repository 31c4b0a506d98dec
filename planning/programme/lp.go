package programme

import (
	"math"
	"slices"
)

// lp is the linear relaxation of the selection problem in bounded form:
//
//	maximise Σ c_j x_j  subject to  Σ_j a_ij x_j + s_i = b_i,  s_i ≥ 0,  lo_j ≤ x_j ≤ up_j
//
// solved by the dual simplex method with a dense basis inverse (the rows are
// few: the budget, the basic share, two per district) and the bound-flipping
// ("long step") ratio test, which is what makes a start with every estate at
// its upper bound cheap. Variables 0..n-1 are the estates, n..n+m-1 the row
// slacks. Columns are stored sparsely (each estate touches at most four rows).
//
// The start (all slacks basic, every estate at 1) is dual feasible because
// every c_j ≥ 0, and the dual simplex keeps it so: y = c_B B⁻¹ stays ≥ 0 up to
// rounding. Bounds are not taken from the simplex objective but recomputed
// from y by weak duality (see bound), so they are valid even when rounding or
// the iteration limit stops the simplex early.
type lp struct {
	n, m   int
	c      []float64 // n+m
	start  []int32   // n+1: column j is rows[start[j]:start[j+1]]
	rows   []int32
	vals   []float64
	b      []float64 // m
	lo, up []float64 // n+m; slacks have up = +Inf

	basis []int     // m: the variable basic in each row
	pos   []int     // n+m: the row a variable is basic in, or -1
	atUp  []bool    // n+m: a nonbasic variable sits at its upper bound
	binv  []float64 // m×m, row-major
	xb    []float64 // m: values of the basic variables
	d     []float64 // n+m: reduced costs

	// scratch
	alphaR, alphaQ, w []float64
	cand              []flipCand
	y, dd             []float64
}

type flipCand struct {
	j     int
	a     float64 // α_rj
	ratio float64
}

const (
	feasTol  = 1e-9  // a basic variable this far outside its bounds counts as inside
	pivotTol = 1e-9  // smaller pivots are not taken
	fracTol  = 1e-6  // an estate's LP value this close to 0 or 1 is integral
	refactor = 64    // iterations between refactorisations of the basis inverse
	maxIters = 20000 // per solve; the bound stays valid if it is reached
)

type lpStatus int

const (
	lpOptimal lpStatus = iota
	lpInfeasible
	lpStopped // iteration limit or a singular basis
)

// newLP builds the relaxation with every slack basic and every free estate at
// its upper bound.
func newLP(c []float64, start, rows []int32, vals, b, lo, up []float64) *lp {
	n, m := len(c), len(b)
	p := &lp{n: n, m: m, start: start, rows: rows, vals: vals, b: b,
		c: make([]float64, n+m), lo: make([]float64, n+m), up: make([]float64, n+m),
		basis: make([]int, m), pos: make([]int, n+m), atUp: make([]bool, n+m),
		binv: make([]float64, m*m), xb: make([]float64, m), d: make([]float64, n+m),
		alphaR: make([]float64, n+m), alphaQ: make([]float64, m), w: make([]float64, m),
		y: make([]float64, m), dd: make([]float64, n+m)}
	copy(p.c, c)
	copy(p.lo, lo)
	copy(p.up, up)
	for i := range m {
		p.lo[n+i], p.up[n+i] = 0, math.Inf(1)
	}
	for j := range n {
		p.pos[j] = -1
		p.atUp[j] = true
	}
	for i := range m {
		p.basis[i] = n + i
		p.pos[n+i] = i
	}
	p.refactor()
	return p
}

func (p *lp) value(j int) float64 {
	if r := p.pos[j]; r >= 0 {
		return p.xb[r]
	}
	if p.atUp[j] {
		return p.up[j]
	}
	return p.lo[j]
}

// dot returns w·A_j.
func (p *lp) dot(w []float64, j int) float64 {
	if j >= p.n {
		return w[j-p.n]
	}
	s := 0.0
	for k := p.start[j]; k < p.start[j+1]; k++ {
		s += w[p.rows[k]] * p.vals[k]
	}
	return s
}

// addCol adds f·A_j to w (a vector over the rows).
func (p *lp) addCol(w []float64, j int, f float64) {
	if j >= p.n {
		w[j-p.n] += f
		return
	}
	for k := p.start[j]; k < p.start[j+1]; k++ {
		w[p.rows[k]] += f * p.vals[k]
	}
}

// ftran sets out = B⁻¹ w.
func (p *lp) ftran(w, out []float64) {
	m := p.m
	for i := range m {
		s := 0.0
		row := p.binv[i*m : i*m+m]
		for k, v := range w {
			if v != 0 {
				s += row[k] * v
			}
		}
		out[i] = s
	}
}

// refactor recomputes B⁻¹ by Gauss–Jordan elimination with partial pivoting,
// then the basic values and the reduced costs. It reports false if the basis
// is singular (it never is in exact arithmetic).
func (p *lp) refactor() bool {
	m := p.m
	a := make([]float64, m*m)
	for i, j := range p.basis {
		col := make([]float64, m)
		p.addCol(col, j, 1)
		for k := range m {
			a[k*m+i] = col[k]
		}
	}
	inv := p.binv
	clear(inv)
	for i := range m {
		inv[i*m+i] = 1
	}
	for col := range m {
		best, br := 0.0, -1
		for r := col; r < m; r++ {
			if v := math.Abs(a[r*m+col]); v > best {
				best, br = v, r
			}
		}
		if best < 1e-12 {
			return false
		}
		if br != col {
			for k := range m {
				a[col*m+k], a[br*m+k] = a[br*m+k], a[col*m+k]
				inv[col*m+k], inv[br*m+k] = inv[br*m+k], inv[col*m+k]
			}
		}
		piv := a[col*m+col]
		for k := range m {
			a[col*m+k] /= piv
			inv[col*m+k] /= piv
		}
		for r := range m {
			if r == col {
				continue
			}
			f := a[r*m+col]
			if f == 0 {
				continue
			}
			for k := range m {
				a[r*m+k] -= f * a[col*m+k]
				inv[r*m+k] -= f * inv[col*m+k]
			}
		}
	}
	// x_B = B⁻¹ (b − N x_N)
	w := p.w
	copy(w, p.b)
	for j := range p.n + m {
		if p.pos[j] < 0 {
			if v := p.value(j); v != 0 {
				p.addCol(w, j, -v)
			}
		}
	}
	p.ftran(w, p.xb)
	p.duals(p.y)
	for j := range p.n + m {
		if p.pos[j] >= 0 {
			p.d[j] = 0
		} else {
			p.d[j] = p.c[j] - p.dot(p.y, j)
		}
	}
	return true
}

// duals sets y = c_B B⁻¹.
func (p *lp) duals(y []float64) {
	m := p.m
	clear(y)
	for i, j := range p.basis {
		if cj := p.c[j]; cj != 0 {
			row := p.binv[i*m : i*m+m]
			for k := range m {
				y[k] += cj * row[k]
			}
		}
	}
}

// fix sets lo_j = up_j = v. A nonbasic variable moves at once (the basic
// values follow); a basic one is left for the dual simplex to drive out.
func (p *lp) fix(j int, v float64) {
	old := p.value(j)
	p.lo[j], p.up[j] = v, v
	if p.pos[j] >= 0 || old == v {
		return
	}
	clear(p.w)
	p.addCol(p.w, j, v-old)
	p.ftran(p.w, p.alphaQ)
	for i := range p.m {
		p.xb[i] -= p.alphaQ[i]
	}
}

// solve runs the dual simplex until the basis is primal feasible (optimal),
// a row proves the problem infeasible, or the iteration limit is reached.
func (p *lp) solve() lpStatus {
	m, n := p.m, p.n
	for it := 0; ; it++ {
		if it >= maxIters {
			return lpStopped
		}
		if it > 0 && it%refactor == 0 && !p.refactor() {
			return lpStopped
		}
		// leaving row: the largest bound violation
		r, viol := -1, feasTol
		for i, j := range p.basis {
			x := p.xb[i]
			if v := p.lo[j] - x; v > viol {
				r, viol = i, v
			} else if v := x - p.up[j]; v > viol {
				r, viol = i, v
			}
		}
		if r < 0 {
			return lpOptimal
		}
		leave := p.basis[r]
		below := p.xb[r] < p.lo[leave]
		sgn, target := -1.0, p.up[leave]
		if below {
			sgn, target = 1, p.lo[leave]
		}
		rho := p.binv[r*m : r*m+m]
		p.cand = p.cand[:0]
		// fixed variables never enter, and their reduced costs are not
		// needed (bound recomputes them; restore brings back the parent's)
		for j := range n + m {
			if p.pos[j] >= 0 || p.lo[j] == p.up[j] {
				continue
			}
			a := p.dot(rho, j)
			p.alphaR[j] = a
			if math.Abs(a) < pivotTol {
				continue
			}
			var dj float64
			if p.atUp[j] && sgn*a > 0 {
				dj = max(0, p.d[j])
			} else if !p.atUp[j] && sgn*a < 0 {
				dj = max(0, -p.d[j])
			} else {
				continue
			}
			p.cand = append(p.cand, flipCand{j: j, a: a, ratio: dj / math.Abs(a)})
		}
		slices.SortFunc(p.cand, func(x, y flipCand) int {
			if x.ratio != y.ratio {
				if x.ratio < y.ratio {
					return -1
				}
				return 1
			}
			if ax, ay := math.Abs(x.a), math.Abs(y.a); ax != ay {
				if ax > ay {
					return -1
				}
				return 1
			}
			return x.j - y.j
		})
		// bound flipping: pass over candidates whose full move still leaves
		// the row infeasible; the first one that does not enters the basis.
		q, flips := -1, 0
		for k, cd := range p.cand {
			rng := p.up[cd.j] - p.lo[cd.j]
			if step := math.Abs(cd.a) * rng; !math.IsInf(rng, 1) && viol-step > feasTol {
				viol -= step
				continue
			}
			q, flips = cd.j, k
			break
		}
		if q < 0 {
			return lpInfeasible
		}
		theta := p.d[q] / p.alphaR[q]
		for j := range n + m {
			if p.pos[j] < 0 && p.lo[j] != p.up[j] {
				p.d[j] -= theta * p.alphaR[j]
			}
		}
		// move the flipped variables to their other bound
		if flips > 0 {
			clear(p.w)
			for _, cd := range p.cand[:flips] {
				j := cd.j
				delta := p.up[j] - p.lo[j]
				if p.atUp[j] {
					delta = -delta
				}
				p.atUp[j] = !p.atUp[j]
				p.addCol(p.w, j, delta)
			}
			p.ftran(p.w, p.alphaQ)
			for i := range m {
				p.xb[i] -= p.alphaQ[i]
			}
		}
		// pivot q into row r
		clear(p.w)
		p.addCol(p.w, q, 1)
		p.ftran(p.w, p.alphaQ)
		aq := p.alphaQ
		piv := aq[r]
		step := (p.xb[r] - target) / piv
		xq := p.value(q) + step
		for i := range m {
			p.xb[i] -= aq[i] * step
		}
		p.xb[r] = xq
		rowR := p.binv[r*m : r*m+m]
		for k := range m {
			rowR[k] /= piv
		}
		for i := range m {
			if i == r || aq[i] == 0 {
				continue
			}
			f := aq[i]
			row := p.binv[i*m : i*m+m]
			for k := range m {
				row[k] -= f * rowR[k]
			}
		}
		p.basis[r] = q
		p.pos[q] = r
		p.pos[leave] = -1
		p.atUp[leave] = !below
		p.d[q] = 0
		p.d[leave] = -theta
	}
}

// bound returns an upper bound on Σ c_j x_j over every x within the current
// bounds that satisfies the rows, by weak duality: for any y ≥ 0,
//
//	Σ c_j x_j ≤ y·b + Σ_j max over lo_j ≤ x_j ≤ up_j of (c_j − y·A_j) x_j.
//
// y is the simplex's c_B B⁻¹ with negative rounding noise set to 0, so the
// bound holds whatever state the simplex stopped in; at an optimal basis it is
// the LP optimum. It leaves y and the reduced costs d̄_j = c_j − y·A_j in p.y
// and p.dd.
func (p *lp) bound() float64 {
	p.duals(p.y)
	for i, v := range p.y {
		if v < 0 {
			p.y[i] = 0
		}
	}
	sum := 0.0
	for i, v := range p.y {
		sum += v * p.b[i]
	}
	for j := range p.n {
		dj := p.c[j] - p.dot(p.y, j)
		p.dd[j] = dj
		if dj > 0 {
			sum += dj * p.up[j]
		} else {
			sum += dj * p.lo[j]
		}
	}
	return sum
}

// lpState is a saved copy of everything branching changes.
type lpState struct {
	basis, pos []int
	atUp       []bool
	binv, xb   []float64
	d, lo, up  []float64
}

func (p *lp) save(s *lpState) {
	s.basis = append(s.basis[:0], p.basis...)
	s.pos = append(s.pos[:0], p.pos...)
	s.atUp = append(s.atUp[:0], p.atUp...)
	s.binv = append(s.binv[:0], p.binv...)
	s.xb = append(s.xb[:0], p.xb...)
	s.d = append(s.d[:0], p.d...)
	s.lo = append(s.lo[:0], p.lo...)
	s.up = append(s.up[:0], p.up...)
}

func (p *lp) restore(s *lpState) {
	copy(p.basis, s.basis)
	copy(p.pos, s.pos)
	copy(p.atUp, s.atUp)
	copy(p.binv, s.binv)
	copy(p.xb, s.xb)
	copy(p.d, s.d)
	copy(p.lo, s.lo)
	copy(p.up, s.up)
}
