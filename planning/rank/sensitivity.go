package rank

import (
	"fmt"

	"github.com/huanxin/huanxin"
)

// WeightChange is the relative change of one weight in the sensitivity view.
const WeightChange = 0.10

// Perturbation is one re-ranking of the sensitivity view: one indicator's
// weight changed by Change (relative, +0.1 or −0.1) and the others rescaled in
// proportion so the weights still sum to 1:
//
//	w'_k = w_k·(1 + Change)   (at most 1)
//	w'_j = w_j·(1 − w'_k)/(1 − w_k)   for j ≠ k
//
// A weight of 0 stays 0 (10% of nothing), and when w_k is 1 there is nothing
// to rescale; such perturbations change nothing and are marked NoOp.
type Perturbation struct {
	Key        string
	Name       string
	Change     float64
	Weights    []float64 // the perturbed weights, in indicator order
	NoOp       bool
	TopChanged bool // the set of the top N estates differs from the base ranking's
	Moved      int  // how many estates changed rank
	MaxShift   int  // the largest |rank change| of any estate
}

// EstateSensitivity is one estate's ranks across the perturbations.
type EstateSensitivity struct {
	ID       int64
	Name     string
	BaseRank int
	Ranks    []int // aligned with Sensitivity.Perturbations
	MaxShift int   // max |Ranks[p] − BaseRank|
}

// Sensitivity is the sensitivity view: the base ranking, one re-ranking per
// indicator and direction (2n in indicator order, +10% then −10%), each
// estate's ranks under each, and the indicators whose ±10% change alters the
// top-N set (Fragile, in indicator order).
type Sensitivity struct {
	Model         Model
	TopN          int
	Base          *Result
	Perturbations []Perturbation
	Estates       []EstateSensitivity // in base rank order
	Fragile       []string
}

// Analyse ranks the estates with the given weights and then once per
// perturbation (see Perturbation). topN is the size of the list the city
// funds first (clamped to the number of estates); it must be ≥ 1.
func Analyse(model Model, inds []Indicator, alts []Alternative, weights []float64, topN int) (*Sensitivity, error) {
	if topN < 1 {
		return nil, huanxin.Invalid("前 N 名的 N 须至少为 1 top N must be at least 1", huanxin.FieldError{Field: "top_n", Message: fmt.Sprintf("%d", topN)})
	}
	p, err := prepare(model, inds, alts)
	if err != nil {
		return nil, err
	}
	if err := p.checkWeights(weights); err != nil {
		return nil, err
	}
	base := p.result(weights)
	m, n := p.t.m, p.t.n
	topN = min(topN, m)

	// baseRank[i] is the base rank of table row i.
	baseRank := make([]int, m)
	rowOf := make(map[int64]int, m)
	for i, id := range p.t.ids {
		rowOf[id] = i
	}
	rowByRank := make([]int, m)
	for k, e := range base.Estates {
		i := rowOf[e.ID]
		baseRank[i] = k + 1
		rowByRank[k] = i
	}

	sens := &Sensitivity{Model: model, TopN: topN, Base: base, Perturbations: make([]Perturbation, 0, 2*n)}
	sens.Estates = make([]EstateSensitivity, m)
	ranks := make([]int, m*2*n) // ranks[k*2n+q]: estate at base rank k+1, perturbation q
	for k, e := range base.Estates {
		sens.Estates[k] = EstateSensitivity{ID: e.ID, Name: e.Name, BaseRank: k + 1, Ranks: ranks[k*2*n : (k+1)*2*n : (k+1)*2*n]}
	}

	scores := make([]float64, m)
	idx := make([]int, m)
	rank := make([]int, m)
	fragile := make([]bool, n)
	for j, ind := range inds {
		for _, change := range []float64{+WeightChange, -WeightChange} {
			q := len(sens.Perturbations)
			pt := Perturbation{Key: ind.Key, Name: ind.Name, Change: change}
			pt.Weights, pt.NoOp = perturb(weights, j, change)
			if pt.NoOp {
				copy(rank, baseRank)
			} else {
				p.scores(pt.Weights, scores, nil, nil)
				order(scores, idx)
				for k, i := range idx {
					rank[i] = k + 1
				}
			}
			for k := 0; k < m; k++ {
				i := rowByRank[k]
				r := rank[i]
				sens.Estates[k].Ranks[q] = r
				shift := abs(r - baseRank[i])
				if shift > 0 {
					pt.Moved++
				}
				pt.MaxShift = max(pt.MaxShift, shift)
				sens.Estates[k].MaxShift = max(sens.Estates[k].MaxShift, shift)
				// The top-N set changed iff some base top-N estate left it.
				if baseRank[i] <= topN && r > topN {
					pt.TopChanged = true
				}
			}
			fragile[j] = fragile[j] || pt.TopChanged
			sens.Perturbations = append(sens.Perturbations, pt)
		}
	}
	for j, f := range fragile {
		if f {
			sens.Fragile = append(sens.Fragile, inds[j].Key)
		}
	}
	return sens, nil
}

// perturb returns w with w[k] changed by the relative change and the others
// rescaled in proportion; noop when nothing can change.
func perturb(w []float64, k int, change float64) ([]float64, bool) {
	out := make([]float64, len(w))
	copy(out, w)
	rest := 1 - w[k]
	if w[k] == 0 || rest <= 0 {
		return out, true
	}
	nk := min(w[k]*(1+change), 1)
	scale := (1 - nk) / rest
	for j := range out {
		if j == k {
			out[j] = nk
		} else {
			out[j] = w[j] * scale
		}
	}
	return out, false
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
