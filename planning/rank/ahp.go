package rank

import (
	"fmt"
	"math"

	"github.com/huanxin/huanxin"
)

// MaxCR is the largest consistency ratio accepted; a matrix with CR ≥ MaxCR is
// refused (Saaty's 10% rule).
const MaxCR = 0.1

// MaxAHPSize is the largest comparison matrix for which a random index is
// tabulated. Larger indicator systems should be compared in groups.
const MaxAHPSize = 15

// Tolerances of the AHP input checks and the eigenvector computation.
const (
	// reciprocalTol: a_ij·a_ji must be 1 within this (relative), which lets
	// "0.333" stand for 1/3. The matrix is then rebuilt with exact reciprocals.
	reciprocalTol = 1e-3
	// scaleTol: the larger entry of each pair must be an integer 1…9 within this.
	scaleTol = 1e-9
	// powerTol: power iteration stops when no weight moves by more than this.
	powerTol = 1e-12
	powerMax = 100000
)

// randomIndex is Saaty's random consistency index RI(n): the mean CI of random
// reciprocal matrices of order n on the 1–9 scale.
//
// Sources: n = 1…10 from T. L. Saaty, The Analytic Hierarchy Process,
// McGraw-Hill, 1980 (the values reprinted in Chinese textbooks: 0.58 for n = 3,
// 0.90 for n = 4, …); n = 11…15 from T. L. Saaty, Theory and Applications of
// the Analytic Network Process, RWS Publications, 2005, p. 31, computed from
// larger samples. For n = 1, 2 every reciprocal matrix is consistent and CR is 0.
var randomIndex = [MaxAHPSize + 1]float64{
	0, 0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49,
	1.52, 1.54, 1.56, 1.58, 1.59,
}

// RandomIndex returns Saaty's random index RI(n) for 1 ≤ n ≤ MaxAHPSize.
func RandomIndex(n int) (float64, bool) {
	if n < 1 || n > MaxAHPSize {
		return 0, false
	}
	return randomIndex[n], true
}

// AHP derives weights from a pairwise comparison matrix: a[i][j] says how much
// more important indicator i is than indicator j on Saaty's 1–9 scale (1 equal,
// 3 moderate, 5 strong, 7 very strong, 9 extreme, even numbers between), and
// a[j][i] = 1/a[i][j].
//
// The matrix must be square (1 ≤ n ≤ 15), positive, with a diagonal of 1, and
// reciprocal within 0.1% (so 0.333 may stand for 1/3); the larger entry of each
// pair must be an integer 1…9. The computation uses the exact reciprocals of
// those integers.
//
// weights is the principal eigenvector (power iteration to 1e-12, started from
// the row geometric means), normalised to sum to 1; lambdaMax its eigenvalue;
// CI = (λmax − n)/(n − 1); CR = CI/RI(n), and 0 for n ≤ 2.
//
// A matrix with CR ≥ 0.1 is refused with an EINVALID error that names the most
// inconsistent pair (see MostInconsistentPair) and the value the other
// judgements imply for it; the numbers are still returned so that the page can
// show them beside the message.
func AHP(matrix [][]float64) (weights []float64, lambdaMax, CI, CR float64, err error) {
	return ahp(matrix, nil, nil)
}

// ahp is AHP with optional Chinese and English indicator names for the messages.
func ahp(matrix [][]float64, zh, en []string) (weights []float64, lambdaMax, CI, CR float64, err error) {
	a, err := checkPairwise(matrix, zh)
	if err != nil {
		return nil, 0, 0, 0, err
	}
	n := len(a)
	weights, lambdaMax = principal(a)
	if n > 2 {
		CI = (lambdaMax - float64(n)) / float64(n-1)
		CR = CI / randomIndex[n]
		if CI < 0 { // λmax ≥ n in exact arithmetic; clear rounding noise
			CI, CR = 0, 0
		}
	}
	if CR >= MaxCR {
		i, j, _ := MostInconsistentPair(a, weights)
		implied := indirect(a, i, j)
		zi, zj, ei, ej := label(zh, i), label(zh, j), labelEn(en, i), labelEn(en, j)
		is, want := scaleString(a[i][j]), scaleString(nearestScale(implied))
		msg := fmt.Sprintf("判断矩阵一致性比率 CR=%.3f ≥ %.1f，各项判断相互矛盾，请修改后重新提交。"+
			"最不一致的一对是「%s」比「%s」：填的是 %s，而经由其他各项的判断推算约为 %s（Saaty 标度上最接近 %s）。"+
			" The comparison matrix is inconsistent (CR=%.3f ≥ %.1f): the judgements contradict each other; revise them."+
			" The most inconsistent pair is %s vs %s: it says %s, while the judgements through the other items imply about %s (nearest on the Saaty scale: %s).",
			CR, MaxCR, zi, zj, is, ratioString(implied), want,
			CR, MaxCR, ei, ej, is, ratioString(implied), want)
		return weights, lambdaMax, CI, CR, huanxin.Invalid(msg, huanxin.FieldError{
			Field:   fmt.Sprintf("ahp[%d][%d]", i, j),
			Message: fmt.Sprintf("「%s」比「%s」现为 %s，建议重新考虑，约为 %s；%s vs %s is %s, consider about %s", zi, zj, is, want, ei, ej, is, want),
		})
	}
	return weights, lambdaMax, CI, CR, nil
}

func label(names []string, i int) string {
	if i < len(names) && names[i] != "" {
		return names[i]
	}
	return fmt.Sprintf("第%d项", i+1)
}

func labelEn(names []string, i int) string {
	if i < len(names) && names[i] != "" {
		return names[i]
	}
	return fmt.Sprintf("item %d", i+1)
}

// indirect is what the other judgements say about the pair (i, j): the
// geometric mean over every other item k of a_ik·a_kj. Unlike w_i/w_j it is
// not pulled towards the judgement under suspicion. For n = 2 there is no
// other item and it returns a_ij.
func indirect(a [][]float64, i, j int) float64 {
	var l float64
	var k int
	for m := range a {
		if m != i && m != j {
			l += math.Log(a[i][m] * a[m][j])
			k++
		}
	}
	if k == 0 {
		return a[i][j]
	}
	return math.Exp(l / float64(k))
}

// checkPairwise validates a comparison matrix and returns a copy with exact
// reciprocals.
func checkPairwise(matrix [][]float64, names []string) ([][]float64, error) {
	n := len(matrix)
	if n < 1 || n > MaxAHPSize {
		return nil, huanxin.Invalid(fmt.Sprintf("判断矩阵须为 1 到 %d 阶，现为 %d 阶；指标多时请分组逐层比较 the comparison matrix must have 1 to %d rows, it has %d; compare indicators in groups", MaxAHPSize, n, MaxAHPSize, n),
			huanxin.FieldError{Field: "ahp", Message: "阶数不符 wrong size"})
	}
	var fields []huanxin.FieldError
	bad := func(i, j int, msg string) {
		fields = append(fields, huanxin.FieldError{Field: fmt.Sprintf("ahp[%d][%d]", i, j),
			Message: fmt.Sprintf("「%s」比「%s」：%s", label(names, i), label(names, j), msg)})
	}
	for i, row := range matrix {
		if len(row) != n {
			return nil, huanxin.Invalid("判断矩阵须为方阵 the comparison matrix must be square",
				huanxin.FieldError{Field: fmt.Sprintf("ahp[%d]", i), Message: fmt.Sprintf("第%d行有 %d 个数，应为 %d row %d has %d entries, want %d", i+1, len(row), n, i+1, len(row), n)})
		}
	}
	a := make([][]float64, n)
	for i := range a {
		a[i] = make([]float64, n)
		a[i][i] = 1
		if v := matrix[i][i]; math.Abs(v-1) > scaleTol {
			bad(i, i, fmt.Sprintf("对角线须为 1，现为 %g diagonal must be 1, is %g", v, v))
		}
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			x, y := matrix[i][j], matrix[j][i]
			if !(x > 0) || !(y > 0) || math.IsInf(x, 0) || math.IsInf(y, 0) {
				bad(i, j, fmt.Sprintf("须为正数，现为 %g 与 %g must be positive, are %g and %g", x, y, x, y))
				continue
			}
			if math.Abs(x*y-1) > reciprocalTol {
				bad(i, j, fmt.Sprintf("a[i][j]·a[j][i] 须为 1（互反），现为 %g × %g must be reciprocal, are %g and %g", x, y, x, y))
				continue
			}
			big := max(x, y)
			k := math.Round(big)
			if k < 1 || k > 9 || math.Abs(big-k) > scaleTol {
				bad(i, j, fmt.Sprintf("须取 Saaty 1–9 标度或其倒数，现为 %g must be on the Saaty 1–9 scale or its reciprocal, is %g", x, x))
				continue
			}
			if x >= y {
				a[i][j], a[j][i] = k, 1/k
			} else {
				a[i][j], a[j][i] = 1/k, k
			}
		}
	}
	if len(fields) > 0 {
		return nil, huanxin.Invalid("判断矩阵有误 invalid comparison matrix", fields...)
	}
	return a, nil
}

// principal returns the principal eigenvector of a positive matrix, normalised
// to sum 1, and its eigenvalue, by power iteration from the row geometric means.
func principal(a [][]float64) ([]float64, float64) {
	n := len(a)
	w := make([]float64, n)
	var sum float64
	for i := range a {
		var l float64
		for _, v := range a[i] {
			l += math.Log(v)
		}
		w[i] = math.Exp(l / float64(n))
		sum += w[i]
	}
	for i := range w {
		w[i] /= sum
	}
	next := make([]float64, n)
	var lambda float64
	for it := 0; it < powerMax; it++ {
		lambda = 0
		for i := range a {
			var s float64
			for j, v := range a[i] {
				s += v * w[j]
			}
			next[i] = s
			lambda += s // Σ(Aw)_i = λ·Σw_i = λ since Σw = 1
		}
		var delta float64
		for i := range next {
			next[i] /= lambda
			delta = max(delta, math.Abs(next[i]-w[i]))
		}
		w, next = next, w
		if delta <= powerTol {
			break
		}
	}
	return w, lambda
}

// MostInconsistentPair returns the pair (i, j) whose judgement a[i][j]
// deviates most from the ratio w_i/w_j of the derived weights, measured as
// |ln(a_ij·w_j/w_i)| (so 3 against an implied 1/3 is as far as 1/3 against 3),
// oriented so that a[i][j] ≥ implied, and implied = w_i/w_j. Changing that
// judgement towards implied is the single change that helps consistency most
// (Saaty's own advice for revising a matrix). a must be a valid comparison
// matrix with n ≥ 2 and w its weights.
func MostInconsistentPair(a [][]float64, w []float64) (i, j int, implied float64) {
	worst := -1.0
	for r := range a {
		for c := range a[r] {
			if r == c {
				continue
			}
			ratio := w[r] / w[c]
			d := math.Log(a[r][c] / ratio)
			if d > worst { // d ≥ 0 for one of (r,c), (c,r); strict > keeps the first in row order
				worst, i, j, implied = d, r, c, ratio
			}
		}
	}
	return i, j, implied
}

// nearestScale returns the Saaty scale value (1…9 or 1/2…1/9) nearest to x on
// a logarithmic scale.
func nearestScale(x float64) float64 {
	best, bestD := 1.0, math.Inf(1)
	for k := 1.0; k <= 9; k++ {
		for _, v := range []float64{k, 1 / k} {
			if d := math.Abs(math.Log(x / v)); d < bestD {
				best, bestD = v, d
			}
		}
	}
	return best
}

// scaleString writes a scale value as an integer or 1/k.
func scaleString(v float64) string {
	if v >= 1 {
		return fmt.Sprintf("%g", math.Round(v*1000)/1000)
	}
	k := 1 / v
	if math.Abs(k-math.Round(k)) < 1e-9 {
		return fmt.Sprintf("1/%g", math.Round(k))
	}
	return fmt.Sprintf("%.3g", v)
}

func ratioString(v float64) string {
	if v >= 1/1.005 {
		return fmt.Sprintf("%.2f", v)
	}
	return fmt.Sprintf("1/%.2f", 1/v)
}
