package rank

import (
	"fmt"
	"math"

	"github.com/huanxin/huanxin"
)

// EntropyWeights derives objective weights from a decision matrix x (m estates
// × n indicators) by the entropy method, with dirs giving each indicator's
// direction.
//
// Normalisation: each column is first put on a direction-adjusted min–max
// scale, z = (x − min)/(max − min) for benefit and (max − x)/(max − min) for
// cost, which handles cost indicators and columns holding zeros or negative
// numbers alike; then p_ij = z_ij / Σ_i z_ij. (The worst estate on an indicator
// has z = 0 and so p = 0; no small constant is added, as some papers do,
// because that constant would change the weights.)
//
// Entropy e_j = −k Σ_i p_ij ln p_ij with k = 1/ln m and 0·ln 0 = 0; divergence
// d_j = 1 − e_j; weight w_j = d_j / Σ d. A constant column carries no
// information and gets weight 0; if every column is constant there is nothing
// to weigh and the call fails. At least two estates are needed.
func EntropyWeights(x [][]float64, dirs []Direction) ([]float64, error) {
	m, n, err := checkMatrix(x, len(dirs))
	if err != nil {
		return nil, err
	}
	for j, d := range dirs {
		if d != Benefit && d != Cost {
			return nil, huanxin.Invalid("指标方向有误 invalid direction", huanxin.FieldError{Field: fmt.Sprintf("directions[%d]", j), Message: "须为效益型或成本型 must be benefit or cost"})
		}
	}
	// Three passes over the rows, each column summed in row order as entropy
	// does: min and max; Σz; then Σ p ln p. Going row by row reads x in
	// memory order, which a pass per column would not.
	lo, hi := make([]float64, n), make([]float64, n)
	for j := range lo {
		lo[j], hi[j] = math.Inf(1), math.Inf(-1)
	}
	for _, row := range x {
		for j, v := range row {
			lo[j], hi[j] = min(lo[j], v), max(hi[j], v)
		}
	}
	z := func(j int, v float64) float64 {
		if dirs[j] == Cost {
			return (hi[j] - v) / (hi[j] - lo[j])
		}
		return (v - lo[j]) / (hi[j] - lo[j])
	}
	sum, h := make([]float64, n), make([]float64, n)
	for _, row := range x {
		for j, v := range row {
			if hi[j] != lo[j] {
				sum[j] += z(j, v)
			}
		}
	}
	for _, row := range x {
		for j, v := range row {
			if hi[j] != lo[j] && sum[j] != 0 {
				if zv := z(j, v); zv > 0 {
					p := zv / sum[j]
					h[j] -= p * math.Log(p)
				}
			}
		}
	}
	d := make([]float64, n)
	for j := range d {
		if hi[j] == lo[j] {
			continue // constant: no information, d_j = 0
		}
		d[j] = 1 - entropyOfSums(h[j], sum[j], m)
	}
	return divergenceWeights(d)
}

// EntropyWeightsRaw is the classic entropy method on raw, non-negative data
// (Zeleny 1982; Hwang & Yoon 1981; Xu 2004): p_ij = x_ij / Σ_i x_ij with no
// min–max step and no direction (the entropy of a column measures only how
// unevenly its values are spread). It is offered to reproduce published
// examples and for data already on a benefit scale; the ranking pages use
// EntropyWeights. A column summing to 0 is constant and gets weight 0.
func EntropyWeightsRaw(x [][]float64) ([]float64, error) {
	var n int
	if len(x) > 0 {
		n = len(x[0])
	}
	m, n, err := checkMatrix(x, n)
	if err != nil {
		return nil, err
	}
	col := make([]float64, m)
	d := make([]float64, n)
	for j := 0; j < n; j++ {
		for i := 0; i < m; i++ {
			if x[i][j] < 0 {
				return nil, huanxin.Invalid("经典熵值法要求非负数据 the classic entropy method needs non-negative data",
					huanxin.FieldError{Field: fmt.Sprintf("x[%d][%d]", i, j), Message: "不能为负数 must not be negative"})
			}
			col[i] = x[i][j]
		}
		d[j] = 1 - entropy(col)
	}
	return divergenceWeights(d)
}

// entropy returns −(1/ln m) Σ p ln p for p = v/Σv, with 0·ln 0 = 0. A vector
// summing to 0 has entropy 1 (no information).
func entropy(v []float64) float64 {
	var sum float64
	for _, x := range v {
		sum += x
	}
	var h float64
	for _, x := range v {
		if x > 0 {
			p := x / sum
			h -= p * math.Log(p)
		}
	}
	return entropyOfSums(h, sum, len(v))
}

// entropyOfSums finishes entropy from h = −Σ p ln p and the sum of the m
// values: a zero sum has entropy 1 (no information).
func entropyOfSums(h, sum float64, m int) float64 {
	if sum == 0 {
		return 1
	}
	e := h / math.Log(float64(m))
	return min(max(e, 0), 1) // clear rounding noise just outside [0, 1]
}

func divergenceWeights(d []float64) ([]float64, error) {
	var sum float64
	for _, v := range d {
		sum += v
	}
	if !(sum > 0) {
		return nil, huanxin.Invalid("所有指标在各小区间数值都相同，熵值法无法区分，请改用层次分析法或手工权重 every indicator has the same value for all estates; the entropy method cannot tell them apart, use AHP or set weights by hand",
			huanxin.FieldError{Field: "x", Message: "无差异 no variation"})
	}
	w := make([]float64, len(d))
	for j, v := range d {
		w[j] = v / sum
	}
	return w, nil
}

// checkMatrix checks a decision matrix: at least two rows, n columns each,
// every value finite.
func checkMatrix(x [][]float64, n int) (int, int, error) {
	m := len(x)
	if m < 2 {
		return 0, 0, huanxin.Invalid("熵值法至少需要两个小区 the entropy method needs at least two estates", huanxin.FieldError{Field: "x", Message: fmt.Sprintf("现有 %d have %d", m, m)})
	}
	if n < 1 {
		return 0, 0, huanxin.Invalid("没有指标 no indicators", huanxin.FieldError{Field: "x", Message: "至少一列 at least one column"})
	}
	for i, row := range x {
		if len(row) != n {
			return 0, 0, huanxin.Invalid("决策矩阵行长不一 rows of the decision matrix differ in length",
				huanxin.FieldError{Field: fmt.Sprintf("x[%d]", i), Message: fmt.Sprintf("有 %d 列，应为 %d has %d columns, want %d", len(row), n, len(row), n)})
		}
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, 0, huanxin.Invalid("决策矩阵含无效数值 the decision matrix holds a value that is not a finite number",
					huanxin.FieldError{Field: fmt.Sprintf("x[%d][%d]", i, j), Message: "无效数值 not finite"})
			}
		}
	}
	return m, n, nil
}
