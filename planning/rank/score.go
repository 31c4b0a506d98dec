package rank

import (
	"fmt"
	"math"
	"slices"

	"github.com/huanxin/huanxin"
)

// Model is a way of turning weighted indicators into one score.
type Model string

const (
	// ModelTOPSIS: closeness to the ideal (Hwang & Yoon 1981). See TOPSIS.
	ModelTOPSIS Model = "topsis"
	// ModelWeightedSum: Σ w·r on min–max scales, shown beside TOPSIS for
	// comparison. See WeightedSum.
	ModelWeightedSum Model = "weighted_sum"
)

// Result is a ranking: the estates in rank order with their scores and the
// contribution of every indicator.
type Result struct {
	Model      Model
	Indicators []Indicator
	Weights    []float64 // in the order of Indicators
	Estates    []Scored  // in rank order, Estates[k].Rank == k+1
}

// Scored is one estate's place in a ranking.
type Scored struct {
	ID    int64
	Name  string
	Rank  int     // 1 is the highest priority
	Score float64 // 0…1; TOPSIS closeness or weighted sum

	// TOPSIS only: Euclidean distances of the weighted, normalised values to
	// the ideal (DPlus) and anti-ideal (DMinus); Score = DMinus/(DPlus+DMinus).
	DPlus, DMinus float64

	Contributions []Contribution // in the order of Result.Indicators
}

// Contribution explains one indicator's part in one estate's score.
//
// Score and Gap split the estate's score and its shortfall 1 − Score among the
// indicators: Σ Score = the estate's score and Σ Gap = 1 − score (to rounding,
// 1e-12), so each estate's bar of length 1 divides into the indicators that
// lift it (Score) and those that hold it back (Gap).
//
// Weighted sum: Score = w·r and Gap = w·(1 − r), where r is the min–max value
// (1 = best estate on that indicator, 0 = worst). "Building age adds 0.12 of
// the score 0.64".
//
// TOPSIS: the score C = D⁻/(D⁺ + D⁻) is the estate's distance from the worst
// case as a share of its distances from the worst and the best. Each distance
// is the square root of a sum of one squared term per indicator. The score is
// split in proportion to each indicator's share of the squared distance from
// the worst, Score_j = C·(d⁻_j)²/(D⁻)², and the shortfall in proportion to its
// share of the squared distance from the best, Gap_j = (1 − C)·(d⁺_j)²/(D⁺)².
// For a district officer: "of this estate's score 0.64, 0.20 comes from its
// safety hazards (it is far from the best-off estates there), and of what it
// lacks to reach 1, 0.10 is because its residents' support is low". Neither
// share is negative. When an estate is both the ideal and the anti-ideal on
// every weighted indicator (all estates alike), C is 1/2 and both halves are
// split in proportion to the weights.
type Contribution struct {
	Key        string
	Raw        float64 // the estate's value as given
	Normalised float64 // r, on the model's scale
	Weighted   float64 // w·r
	Score      float64
	Gap        float64
}

// TOPSIS ranks estates by closeness to the ideal:
//
//  1. normalise each indicator by its Normalisation (Vector by default:
//     r = x/√Σx²);
//  2. weight: v = w·r;
//  3. ideal A⁺ = max v for benefit and min v for cost indicators, anti-ideal
//     A⁻ the opposite;
//  4. D⁺ and D⁻ = Euclidean distances of each estate's v to A⁺ and A⁻;
//  5. closeness C = D⁻/(D⁺ + D⁻), 1 at the ideal, 0 at the anti-ideal.
//
// weights follow inds and must be ≥ 0 and sum to 1 (within 1e-9). Ties and
// missing data are handled as described in the package documentation.
func TOPSIS(inds []Indicator, alts []Alternative, weights []float64) (*Result, error) {
	return Rank(ModelTOPSIS, inds, alts, weights)
}

// WeightedSum ranks estates by S = Σ w·r, where r is the direction-adjusted
// min–max value of each indicator (1 for the best estate on it, 0 for the
// worst; 1 for all when the indicator is constant). The contributions w·r add
// up to S exactly (to rounding).
func WeightedSum(inds []Indicator, alts []Alternative, weights []float64) (*Result, error) {
	return Rank(ModelWeightedSum, inds, alts, weights)
}

// Rank ranks estates by the given model.
func Rank(model Model, inds []Indicator, alts []Alternative, weights []float64) (*Result, error) {
	p, err := prepare(model, inds, alts)
	if err != nil {
		return nil, err
	}
	if err := p.checkWeights(weights); err != nil {
		return nil, err
	}
	return p.result(weights), nil
}

// prepared holds what does not depend on the weights: the table and its
// normalised values, so that sensitivity runs only re-weight.
type prepared struct {
	model       Model
	t           *table
	r           []float64 // m×n normalised values, row-major
	best, worst []float64 // per indicator, on the r scale (TOPSIS)
}

func prepare(model Model, inds []Indicator, alts []Alternative) (*prepared, error) {
	if model != ModelTOPSIS && model != ModelWeightedSum {
		return nil, huanxin.Invalid(fmt.Sprintf("未知的排序模型 %q unknown ranking model", model), huanxin.FieldError{Field: "model", Message: string(model)})
	}
	t, err := newTable(inds, alts)
	if err != nil {
		return nil, err
	}
	p := &prepared{model: model, t: t, r: make([]float64, t.m*t.n),
		best: make([]float64, t.n), worst: make([]float64, t.n)}
	// Each column's scale, then the normalised values in one row-major pass.
	lo, hi, ss := t.colStats()
	const (
		minMax     = iota // (x − min)/(max − min)
		minMaxCost        // (max − x)/(max − min), the weighted sum's cost scale
		vector            // x/√Σx²
	)
	mode := make([]int, t.n)
	norm := make([]float64, t.n)
	for j, ind := range inds {
		switch {
		case model == ModelWeightedSum && ind.Direction == Cost:
			mode[j] = minMaxCost
		case model == ModelWeightedSum || ind.norm() == MinMax:
			mode[j] = minMax
		default:
			mode[j] = vector
			norm[j] = math.Sqrt(ss[j])
		}
	}
	rlo, rhi := make([]float64, t.n), make([]float64, t.n)
	for j := range rlo {
		rlo[j], rhi[j] = math.Inf(1), math.Inf(-1)
	}
	for i := 0; i < t.m; i++ {
		row := t.x[i*t.n : (i+1)*t.n]
		out := p.r[i*t.n : (i+1)*t.n]
		for j, x := range row {
			var v float64
			switch {
			case mode[j] == vector:
				if norm[j] > 0 {
					v = x / norm[j]
				}
			case hi[j] == lo[j]: // a constant column: 1 for all
				v = 1
			case mode[j] == minMaxCost:
				v = (hi[j] - x) / (hi[j] - lo[j])
			default:
				v = (x - lo[j]) / (hi[j] - lo[j])
			}
			out[j] = v
			rlo[j], rhi[j] = min(rlo[j], v), max(rhi[j], v)
		}
	}
	for j, ind := range inds {
		lo, hi := rlo[j], rhi[j]
		if ind.Direction == Cost && model == ModelTOPSIS {
			p.best[j], p.worst[j] = lo, hi
		} else {
			p.best[j], p.worst[j] = hi, lo
		}
	}
	return p, nil
}

func (p *prepared) checkWeights(w []float64) error {
	if len(w) != p.t.n {
		return huanxin.Invalid(fmt.Sprintf("权重个数 %d 与指标数 %d 不符 %d weights for %d indicators", len(w), p.t.n, len(w), p.t.n),
			huanxin.FieldError{Field: "weights", Message: "个数不符 wrong count"})
	}
	return checkVector(w, "weights")
}

// scores writes every estate's score (in table order) into out; for TOPSIS
// it also writes D⁺ and D⁻ when dp and dm are not nil.
func (p *prepared) scores(w, out, dp, dm []float64) {
	n := p.t.n
	for i := 0; i < p.t.m; i++ {
		row := p.r[i*n : (i+1)*n]
		if p.model == ModelWeightedSum {
			var s float64
			for j, r := range row {
				s += w[j] * r
			}
			out[i] = s
			continue
		}
		var sp, sm float64
		for j, r := range row {
			a := w[j] * (r - p.best[j])
			b := w[j] * (r - p.worst[j])
			sp += a * a
			sm += b * b
		}
		dPlus, dMinus := math.Sqrt(sp), math.Sqrt(sm)
		if dPlus+dMinus > 0 {
			out[i] = dMinus / (dPlus + dMinus)
		} else {
			out[i] = 0.5
		}
		if dp != nil {
			dp[i], dm[i] = dPlus, dMinus
		}
	}
}

// tieScale: scores equal after rounding to 12 decimals are ties.
const tieScale = 1e12

// order fills idx with the table indices in rank order: score descending,
// ties (equal to 12 decimals) by ID ascending, which is table order.
//
// Scores lie in [0, 1], so the rounded score is an integer below 2⁴⁰ and,
// for fewer than 2²⁴ estates, score and index pack into one uint64 whose
// natural order is the rank order; sorting those is several times faster
// than sorting with a comparison function.
func order(scores []float64, idx []int) {
	const idxBits = 24
	if len(scores) >= 1<<idxBits {
		orderSlow(scores, idx)
		return
	}
	keys := make([]uint64, len(scores))
	for i, s := range scores {
		k := min(max(math.Round(s*tieScale), 0), tieScale)
		keys[i] = uint64(tieScale-k)<<idxBits | uint64(i)
	}
	slices.Sort(keys)
	for k, key := range keys {
		idx[k] = int(key & (1<<idxBits - 1))
	}
}

func orderSlow(scores []float64, idx []int) {
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		ka, kb := math.Round(scores[a]*tieScale), math.Round(scores[b]*tieScale)
		switch {
		case ka > kb:
			return -1
		case ka < kb:
			return 1
		}
		return a - b
	})
}

func (p *prepared) result(w []float64) *Result {
	t := p.t
	s := make([]float64, t.m)
	var dp, dm []float64
	if p.model == ModelTOPSIS {
		dp, dm = make([]float64, t.m), make([]float64, t.m)
	}
	p.scores(w, s, dp, dm)
	idx := make([]int, t.m)
	order(s, idx)
	res := &Result{Model: p.model, Indicators: t.inds, Weights: slices.Clone(w), Estates: make([]Scored, t.m)}
	contrib := make([]Contribution, t.m*t.n)
	for k, i := range idx {
		e := Scored{ID: t.ids[i], Name: t.names[i], Rank: k + 1, Score: s[i],
			Contributions: contrib[k*t.n : (k+1)*t.n : (k+1)*t.n]}
		if dp != nil {
			e.DPlus, e.DMinus = dp[i], dm[i]
		}
		for j, ind := range t.inds {
			r := p.r[i*t.n+j]
			c := Contribution{Key: ind.Key, Raw: t.x[i*t.n+j], Normalised: r, Weighted: w[j] * r}
			if p.model == ModelWeightedSum {
				c.Score, c.Gap = w[j]*r, w[j]*(1-r)
			} else {
				switch {
				case e.DPlus+e.DMinus == 0:
					c.Score, c.Gap = 0.5*w[j], 0.5*w[j]
				default:
					if e.DMinus > 0 {
						b := w[j] * (r - p.worst[j])
						c.Score = e.Score * b * b / (e.DMinus * e.DMinus)
					}
					if e.DPlus > 0 {
						a := w[j] * (r - p.best[j])
						c.Gap = (1 - e.Score) * a * a / (e.DPlus * e.DPlus)
					}
				}
			}
			e.Contributions[j] = c
		}
		res.Estates[k] = e
	}
	return res
}

// Find returns the estate of that ID in the result.
func (r *Result) Find(id int64) (Scored, bool) {
	for _, e := range r.Estates {
		if e.ID == id {
			return e, true
		}
	}
	return Scored{}, false
}
