package rank

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/huanxin/huanxin"
)

type scoreCase struct {
	Model                string
	IDs                  []int64
	Directions           []string
	Weights              []float64
	Matrix               [][]float64
	Scores               []float64
	Ranks                []int
	ContributionsOfFirst *struct{ Score, Gap []float64 } `json:"contributions_of_first"`
	WeightedSumScores    []float64                       `json:"weighted_sum_scores"`
	WeightedSumRanks     []int                           `json:"weighted_sum_ranks"`
	Tolerance            float64
}

// check compares a result with expected scores and ranks given in input order.
func checkScores(t *testing.T, res *Result, ids []int64, scores []float64, ranks []int, tol float64) {
	t.Helper()
	for i, id := range ids {
		e, ok := res.Find(id)
		if !ok {
			t.Fatalf("estate %d missing", id)
		}
		if !near(e.Score, scores[i], tol) {
			t.Errorf("%s estate %d: score %.10f, want %.10f ± %g", res.Model, id, e.Score, scores[i], tol)
		}
		if e.Rank != ranks[i] {
			t.Errorf("%s estate %d: rank %d, want %d", res.Model, id, e.Rank, ranks[i])
		}
	}
}

func TestTOPSISWorkedExamples(t *testing.T) {
	for _, file := range []string{"topsis_papathanasiou2018.json", "topsis_hand_cost.json"} {
		t.Run(file, func(t *testing.T) {
			var c scoreCase
			loadJSON(t, file, &c)
			inds, alts := problem(c.Matrix, directions(t, c.Directions), c.IDs)
			ids := make([]int64, len(alts))
			for i, a := range alts {
				ids[i] = a.ID
			}
			res, err := TOPSIS(inds, alts, c.Weights)
			if err != nil {
				t.Fatal(err)
			}
			checkScores(t, res, ids, c.Scores, c.Ranks, c.Tolerance)
			checkContributions(t, res)
			if c.ContributionsOfFirst != nil {
				e, _ := res.Find(ids[0])
				for j, ct := range e.Contributions {
					if !near(ct.Score, c.ContributionsOfFirst.Score[j], c.Tolerance) || !near(ct.Gap, c.ContributionsOfFirst.Gap[j], c.Tolerance) {
						t.Errorf("contribution %d: %+v, want score %v gap %v", j, ct, c.ContributionsOfFirst.Score[j], c.ContributionsOfFirst.Gap[j])
					}
				}
			}
			if c.WeightedSumScores != nil {
				ws, err := WeightedSum(inds, alts, c.Weights)
				if err != nil {
					t.Fatal(err)
				}
				checkScores(t, ws, ids, c.WeightedSumScores, c.WeightedSumRanks, c.Tolerance)
				checkContributions(t, ws)
			}
		})
	}
}

// checkContributions: Σ Score = score and Σ Gap = 1 − score for every
// estate, none negative; ranks are 1…m in order.
func checkContributions(t *testing.T, res *Result) {
	t.Helper()
	for k, e := range res.Estates {
		if e.Rank != k+1 {
			t.Fatalf("rank %d at position %d", e.Rank, k)
		}
		if k > 0 && e.Score > res.Estates[k-1].Score+1e-12 {
			t.Fatalf("not in score order at %d", k)
		}
		var s, g float64
		for _, c := range e.Contributions {
			if c.Score < 0 || c.Gap < 0 {
				t.Fatalf("negative contribution %+v", c)
			}
			s += c.Score
			g += c.Gap
		}
		if !near(s, e.Score, 1e-12) || !near(g, 1-e.Score, 1e-12) {
			t.Fatalf("estate %d: Σscore %.15f vs %.15f, Σgap %.15f vs %.15f", e.ID, s, e.Score, g, 1-e.Score)
		}
		if res.Model == ModelTOPSIS && e.DPlus+e.DMinus > 0 && !near(e.Score, e.DMinus/(e.DPlus+e.DMinus), 1e-15) {
			t.Fatalf("C ≠ D-/(D+ + D-)")
		}
	}
}

// randomProblem: m estates with the default indicators, values drawn from
// plausible ranges; seeded, so deterministic.
func randomProblem(m int, seed uint64) ([]Indicator, []Alternative, []float64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	inds := DefaultIndicators()
	alts := make([]Alternative, m)
	for i := range alts {
		v := map[string]float64{
			"building_age":       float64(20 + rng.IntN(50)),
			"deficit_structure":  100 * rng.Float64(),
			"deficit_networks":   100 * rng.Float64(),
			"deficit_amenities":  100 * rng.Float64(),
			"safety_hazards":     float64(rng.IntN(12)),
			"population":         float64(200 + rng.IntN(5000)),
			"elderly_share":      5 + 40*rng.Float64(),
			"support_rate":       50 + 50*rng.Float64(),
			"cofund_willingness": 100 * rng.Float64(),
			"cost_per_household": 10000 + 90000*rng.Float64(),
			"management_after":   100 * rng.Float64(),
			"heritage_value":     float64(rng.IntN(3) * 40),
		}
		alts[i] = Alternative{ID: int64(1000 + i*7), Name: "小区", Values: v}
	}
	w := make([]float64, len(inds))
	for j := range w {
		w[j] = 0.2 + rng.Float64()
	}
	w, _ = normalise(w)
	return inds, alts, w
}

func rankOf(res *Result) map[int64]int {
	m := make(map[int64]int, len(res.Estates))
	for _, e := range res.Estates {
		m[e.ID] = e.Rank
	}
	return m
}

func TestProperties(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		inds, alts, w := randomProblem(60, seed)
		if !near(sum(w), 1, 1e-12) {
			t.Fatal("Σw")
		}
		for _, model := range []Model{ModelTOPSIS, ModelWeightedSum} {
			base, err := Rank(model, inds, alts, w)
			if err != nil {
				t.Fatal(err)
			}
			checkContributions(t, base)
			want := rankOf(base)

			// Permutation invariance: same scores to the bit, same ranks.
			perm := slices.Clone(alts)
			rand.New(rand.NewPCG(seed, 2)).Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
			got, err := Rank(model, inds, perm, w)
			if err != nil {
				t.Fatal(err)
			}
			for k := range got.Estates {
				if got.Estates[k].ID != base.Estates[k].ID || got.Estates[k].Score != base.Estates[k].Score {
					t.Fatalf("seed %d %s: order depends on input order at %d", seed, model, k)
				}
			}

			// Scaling a benefit column (and a cost column) by a positive
			// factor changes no rank: both normalisations are scale-free.
			for _, key := range []string{"population", "cost_per_household"} {
				scaled := make([]Alternative, len(alts))
				for i, a := range alts {
					v := make(map[string]float64, len(a.Values))
					for k, x := range a.Values {
						v[k] = x
					}
					v[key] *= 37.5
					scaled[i] = Alternative{ID: a.ID, Name: a.Name, Values: v}
				}
				got, err := Rank(model, inds, scaled, w)
				if err != nil {
					t.Fatal(err)
				}
				for k, e := range got.Estates {
					if want[e.ID] != e.Rank || !near(e.Score, base.Estates[k].Score, 1e-12) {
						t.Fatalf("seed %d %s: scaling %s moved estate %d from %d to %d", seed, model, key, e.ID, want[e.ID], e.Rank)
					}
				}
			}
		}
		// Entropy and combined weights sum to 1.
		e, err := NewEntropyWeightSet("e", inds, alts)
		if err != nil {
			t.Fatal(err)
		}
		ev := vectorOf(inds, e.Weights)
		if !near(sum(ev), 1, 1e-12) {
			t.Fatalf("Σ entropy weights %.15f", sum(ev))
		}
		cw, _ := Combine(w, ev, 0.3)
		if !near(sum(cw), 1, 1e-12) {
			t.Fatalf("Σ combined %.15f", sum(cw))
		}
	}
}

// TestTOPSISDirection: raising a benefit value or lowering a cost value never
// lowers the estate's closeness.
func TestTOPSISDirection(t *testing.T) {
	inds, alts, w := randomProblem(30, 99)
	base, _ := TOPSIS(inds, alts, w)
	b, _ := base.Find(alts[5].ID)
	better := slices.Clone(alts)
	v := map[string]float64{}
	for k, x := range alts[5].Values {
		v[k] = x
	}
	v["safety_hazards"] += 3
	v["cost_per_household"] *= 0.5
	better[5] = Alternative{ID: alts[5].ID, Values: v}
	res, _ := TOPSIS(inds, better, w)
	a, _ := res.Find(alts[5].ID)
	if !(a.Score > b.Score) || a.Rank > b.Rank {
		t.Errorf("more hazards and lower cost must raise the estate: %v→%v, rank %d→%d", b.Score, a.Score, b.Rank, a.Rank)
	}
}

func TestTiesAndDegenerate(t *testing.T) {
	// Identical estates tie exactly and are ordered by ID, whatever the input order.
	x := [][]float64{{5, 3}, {1, 9}, {5, 3}, {5, 3}}
	inds, alts := problem(x, []Direction{Benefit, Cost}, []int64{40, 7, 12, 3})
	for _, model := range []Model{ModelTOPSIS, ModelWeightedSum} {
		res, err := Rank(model, inds, alts, []float64{0.5, 0.5})
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, e := range res.Estates {
			got = append(got, e.ID)
		}
		if !slices.Equal(got, []int64{3, 12, 40, 7}) {
			t.Errorf("%s: order %v, want [3 12 40 7]", model, got)
		}
	}
	// One estate, or all alike: C = 1/2, contributions split by weight.
	inds, alts = problem([][]float64{{2, 2}, {2, 2}}, []Direction{Benefit, Cost}, nil)
	res, err := TOPSIS(inds, alts, []float64{0.25, 0.75})
	if err != nil {
		t.Fatal(err)
	}
	checkContributions(t, res)
	if e := res.Estates[0]; e.Score != 0.5 || e.Contributions[1].Score != 0.375 || e.ID != 1 {
		t.Errorf("all alike: %+v", e)
	}
	ws, _ := WeightedSum(inds, alts[:1], []float64{0.25, 0.75})
	if ws.Estates[0].Score != 1 {
		t.Errorf("single estate weighted sum = %v, want 1 (constant columns give r = 1)", ws.Estates[0].Score)
	}
	// A zero-weight indicator contributes nothing.
	inds, alts, _ = randomProblem(10, 3)
	w := make([]float64, len(inds))
	w[0] = 1
	res, _ = TOPSIS(inds, alts, w)
	checkContributions(t, res)
	for _, e := range res.Estates {
		for _, c := range e.Contributions[1:] {
			if c.Score != 0 || c.Gap != 0 {
				t.Fatalf("zero weight contributes %+v", c)
			}
		}
	}
}

func TestMinMaxNormalisationInTOPSIS(t *testing.T) {
	x := [][]float64{{10, 1}, {20, 3}, {40, 2}}
	inds, alts := problem(x, []Direction{Benefit, Cost}, nil)
	inds[0].Normalisation, inds[1].Normalisation = MinMax, MinMax
	res, err := TOPSIS(inds, alts, []float64{0.5, 0.5})
	if err != nil {
		t.Fatal(err)
	}
	// r1 = (0, 1/3, 1), r2 = (0, 1, 1/2); ideal (0.5, 0), anti (0, 0.5).
	// estate 3: D+ = 0.25, D- = sqrt(0.25+0.0625) → C = 0.559/0.809
	e, _ := res.Find(3)
	want := math.Sqrt(0.3125) / (0.25 + math.Sqrt(0.3125))
	if !near(e.Score, want, 1e-12) || e.Rank != 1 {
		t.Errorf("got %+v, want C=%v rank 1", e, want)
	}
	inds[0].Normalisation = "zscore"
	if _, err := TOPSIS(inds, alts, []float64{0.5, 0.5}); huanxin.ErrorCode(err) != huanxin.EINVALID {
		t.Errorf("unknown normalisation: %v", err)
	}
}

func TestOrderFastEqualsSlow(t *testing.T) {
	scores := []float64{0.5, 1, 0, 0.5 + 1e-13, 0.5 - 4e-13, 0.25, 1 + 1e-16, 0.25, -1e-17, 0.7}
	a, b := make([]int, len(scores)), make([]int, len(scores))
	order(scores, a)
	orderSlow(scores, b)
	if !slices.Equal(a, b) {
		t.Errorf("fast %v, slow %v", a, b)
	}
	if want := []int{1, 6, 9, 0, 3, 4, 5, 7, 2, 8}; !slices.Equal(a, want) {
		t.Errorf("order %v, want %v", a, want)
	}
}
