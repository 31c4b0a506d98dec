package appraise

import (
	"fmt"
	"math"
	"strings"

	"github.com/huanxin/huanxin"
)

// The IRR search range: rates in (MinRate, MaxRate].
const (
	MinRate = -0.99
	MaxRate = 10.0
)

// NPV is the finance convention: flows[t] falls at the end of year t, so
// flows[0] (today, usually the investment) is not discounted:
//
//	NPV(r, f) = Σ_t f[t] / (1+r)^t
//
// It is the spreadsheet's NPV plus the first flow undiscounted:
// NPV(r, f) = f[0] + SpreadsheetNPV(r, f[1:]) = (1+r) × SpreadsheetNPV(r, f).
// The rate must be above −1; otherwise NPV is NaN.
func NPV(rate float64, flows []float64) float64 {
	if rate <= -1 || math.IsNaN(rate) {
		return math.NaN()
	}
	// Horner in x = 1/(1+r), from the last flow back.
	x := 1 / (1 + rate)
	v := 0.0
	for t := len(flows) - 1; t >= 0; t-- {
		v = v*x + flows[t]
	}
	return v
}

// SpreadsheetNPV is Excel's and LibreOffice's NPV(rate; values): every value,
// the first included, is discounted by its position plus one period:
//
//	SpreadsheetNPV(r, v) = Σ_i v[i] / (1+r)^(i+1) = NPV(r, v) / (1+r)
//
// Spreadsheet users write =v0+NPV(r; v1..vn) to get NPV(r, v).
func SpreadsheetNPV(rate float64, values []float64) float64 {
	return NPV(rate, values) / (1 + rate)
}

// SignChanges counts the sign changes in flows, zeros skipped. By
// Descartes' rule of signs this bounds the number of IRRs above −100 %
// (the roots in x = 1/(1+r) > 0): no change, no IRR; one change, exactly one.
func SignChanges(flows []float64) int {
	n, last := 0, 0.0
	for _, f := range flows {
		if f == 0 {
			continue
		}
		if last != 0 && (f > 0) != (last > 0) {
			n++
		}
		last = f
	}
	return n
}

// gridSteps is the number of grid intervals over ln(1+r) ∈ (ln 0.01, ln 11]:
// each spans about 0.35 % of 1+r.
const gridSteps = 2000

// IRRs returns every internal rate of return in (MinRate, MaxRate], in
// increasing order: it brackets the sign changes of NPV(r) on a grid even in
// ln(1+r), then bisects each bracket until the rates agree to about 1e-15.
// Two roots closer together than a grid step (or a double root, where NPV
// touches zero without crossing) are not separated.
func IRRs(flows []float64) []float64 {
	if SignChanges(flows) == 0 {
		return nil
	}
	lo, hi := math.Log(1+MinRate), math.Log(1+MaxRate)
	var roots []float64
	add := func(r float64) {
		if n := len(roots); n > 0 && math.Abs(roots[n-1]-r) <= 1e-12*(1+math.Abs(r)) {
			return
		}
		roots = append(roots, r)
	}
	prevR := MinRate
	prevV := NPV(prevR, flows)
	for k := 1; k <= gridSteps; k++ {
		r := math.Expm1(lo + (hi-lo)*float64(k)/gridSteps)
		if k == gridSteps {
			r = MaxRate
		}
		v := NPV(r, flows)
		switch {
		case v == 0:
			add(r)
		case prevV != 0 && (v > 0) != (prevV > 0):
			add(bisect(flows, prevR, r, prevV))
		}
		prevR, prevV = r, v
	}
	return roots
}

// bisect narrows [a, b], where NPV changes sign (NPV(a) = va), to a root.
func bisect(flows []float64, a, b, va float64) float64 {
	for i := 0; i < 200; i++ {
		m := a + (b-a)/2
		if m <= a || m >= b {
			break
		}
		vm := NPV(m, flows)
		if vm == 0 {
			return m
		}
		if (vm > 0) == (va > 0) {
			a, va = m, vm
		} else {
			b = m
		}
	}
	// a and b are adjacent floating-point numbers (or within 1e-15): take
	// the one with the smaller |NPV|.
	if math.Abs(NPV(b, flows)) < math.Abs(va) {
		return b
	}
	return a
}

// IRR returns the internal rate of return: the rate at which NPV is zero.
// It agrees with a spreadsheet's IRR wherever that converges to the one
// root, and finds roots spreadsheets miss from their default guess (e.g.
// −48 %). It reports no IRR, with a message (EINVALID), where none exists in
// (MinRate, MaxRate] and where there are several, listing them: a
// spreadsheet would return one of them depending on its guess.
func IRR(flows []float64) (float64, error) {
	for _, f := range flows {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, huanxin.Errorf(huanxin.EINVALID, "现金流含无效数值 the cash flows hold a non-finite value")
		}
	}
	if SignChanges(flows) == 0 {
		return 0, huanxin.Errorf(huanxin.EINVALID, "没有内部收益率 no IRR exists: 现金流不变号 the cash flows never change sign")
	}
	roots := IRRs(flows)
	switch len(roots) {
	case 0:
		return 0, huanxin.Errorf(huanxin.EINVALID, "没有内部收益率 no IRR exists: 在 %s 至 %s 之间净现值不为零 NPV is not zero for any rate in (%s, %s]",
			Percent(MinRate), Percent(MaxRate), Percent(MinRate), Percent(MaxRate))
	case 1:
		return roots[0], nil
	}
	ps := make([]string, len(roots))
	for i, r := range roots {
		ps[i] = Percent(r)
	}
	return 0, huanxin.Errorf(huanxin.EINVALID, "存在多个内部收益率 several IRRs: %s (现金流变号 %d 次 the flows change sign %d times); 请以净现值判断 judge by NPV instead",
		strings.Join(ps, ", "), SignChanges(flows), SignChanges(flows))
}

// Percent formats a rate as a percentage with six decimals, e.g. "15.322138%".
func Percent(r float64) string { return fmt.Sprintf("%.6f%%", r*100) }

// Payback is when the cumulative cash flow first reaches zero, in years
// from the first flow (fractional, by linear interpolation within the year
// it is reached); Reached is false when it never is.
type Payback struct {
	Years   float64
	Reached bool
}

// String gives "4.25 年 years" or "不回收 never".
func (p Payback) String() string {
	if !p.Reached {
		return "不回收 never"
	}
	return fmt.Sprintf("%.2f 年 years", p.Years)
}

// SimplePayback is the payback period of undiscounted flows: once the
// cumulative sum Σ_{s≤t} f[s] has been negative, the first year t where it
// is ≥ 0 again, as t−1 + (−cumulative before t)/f[t]. Flows whose cumulative
// sum is never negative pay back at 0. It is the first time the cumulative
// sum recovers; a later dip (e.g. a major repair) is not considered, so read
// it with the yearly table.
func SimplePayback(flows []float64) Payback {
	return payback(flows, func(t int, f float64) float64 { return f })
}

// DiscountedPayback is SimplePayback of the flows discounted to year 0 at rate.
func DiscountedPayback(rate float64, flows []float64) Payback {
	return payback(flows, func(t int, f float64) float64 { return f / math.Pow(1+rate, float64(t)) })
}

func payback(flows []float64, value func(int, float64) float64) Payback {
	cum, negative := 0.0, false
	for t, f := range flows {
		v := value(t, f)
		next := cum + v
		switch {
		case next < 0:
			negative = true
		case negative:
			return Payback{Years: float64(t-1) + -cum/v, Reached: true}
		}
		cum = next
	}
	if !negative {
		return Payback{Years: 0, Reached: true}
	}
	return Payback{}
}
