package rank

import (
	"slices"
	"testing"

	"github.com/huanxin/huanxin"
)

func TestPerturb(t *testing.T) {
	for _, tt := range []struct {
		name   string
		w      []float64
		k      int
		change float64
		want   []float64
		noop   bool
	}{
		// w'_0 = 0.55, the others share 0.45 in the ratio 3:2.
		{"raise", []float64{0.5, 0.3, 0.2}, 0, 0.1, []float64{0.55, 0.27, 0.18}, false},
		{"lower", []float64{0.5, 0.3, 0.2}, 0, -0.1, []float64{0.45, 0.33, 0.22}, false},
		{"raise small", []float64{0.5, 0.3, 0.2}, 2, 0.1, []float64{0.5 * 0.78 / 0.8, 0.3 * 0.78 / 0.8, 0.22}, false},
		{"zero weight", []float64{0.5, 0.5, 0}, 2, 0.1, []float64{0.5, 0.5, 0}, true},
		{"only weight", []float64{1, 0}, 0, -0.1, []float64{1, 0}, true},
		{"capped at 1", []float64{0.95, 0.05}, 0, 0.1, []float64{1, 0}, false},
	} {
		got, noop := perturb(tt.w, tt.k, tt.change)
		if noop != tt.noop {
			t.Errorf("%s: noop %v", tt.name, noop)
		}
		for j := range got {
			if !near(got[j], tt.want[j], 1e-15) {
				t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
				break
			}
		}
		if !near(sum(got), 1, 1e-12) {
			t.Errorf("%s: Σ=%v", tt.name, sum(got))
		}
	}
}

// TestSensitivityHand: three estates, two indicators, weighted sum, where the
// ranks can be followed by hand.
//
//	r (min–max)   A(1): (1, 0)   B(2): (0, 1)   C(3): (0.5, 0.45)
//	w = (0.52, 0.48): S = A 0.52, B 0.48, C 0.476  → A, B, C
//	+10% on 1: w = (0.572, 0.428): A 0.572, C 0.4786, B 0.428 → A, C, B
//	−10% on 1: w = (0.468, 0.532): B 0.532, C 0.4734, A 0.468 → B, C, A
//	+10% on 2 = (0.4704, 0.5296) → B 0.5296, C 0.4735, A 0.4704 → B, C, A
//	−10% on 2 = (0.5632, 0.4368) → A 0.5632, C 0.4782, B 0.4368 → A, C, B
func TestSensitivityHand(t *testing.T) {
	x := [][]float64{{10, 0}, {0, 100}, {5, 45}}
	inds, alts := problem(x, []Direction{Benefit, Benefit}, nil)
	s, err := Analyse(ModelWeightedSum, inds, alts, []float64{0.52, 0.48}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Perturbations) != 4 || s.Perturbations[0].Key != "c1" || s.Perturbations[0].Change != 0.1 || s.Perturbations[1].Change != -0.1 {
		t.Fatalf("perturbations %+v", s.Perturbations)
	}
	want := map[int64][]int{ // base rank, then +c1, −c1, +c2, −c2
		1: {1, 1, 3, 3, 1},
		2: {2, 3, 1, 1, 3},
		3: {3, 2, 2, 2, 2},
	}
	for _, e := range s.Estates {
		got := append([]int{e.BaseRank}, e.Ranks...)
		if !slices.Equal(got, want[e.ID]) {
			t.Errorf("estate %d ranks %v, want %v", e.ID, got, want[e.ID])
		}
	}
	if s.Estates[0].ID != 1 || s.Estates[0].MaxShift != 2 || s.Estates[2].MaxShift != 1 {
		t.Errorf("max shifts %+v", s.Estates)
	}
	top := []bool{false, true, true, false}
	for q, p := range s.Perturbations {
		if p.TopChanged != top[q] {
			t.Errorf("perturbation %d (%s %+v): top changed %v, want %v", q, p.Key, p.Change, p.TopChanged, top[q])
		}
	}
	if p := s.Perturbations[1]; p.Moved != 3 || p.MaxShift != 2 {
		t.Errorf("−10%% on c1: moved %d, max shift %d", p.Moved, p.MaxShift)
	}
	if !slices.Equal(s.Fragile, []string{"c1", "c2"}) {
		t.Errorf("fragile %v", s.Fragile)
	}
	// Watching the top 2: −10% on c1 gives B, C, A, so A leaves the top 2;
	// +10% on c1 gives A, C, B, so B leaves it.
	s1, _ := Analyse(ModelWeightedSum, inds, alts, []float64{0.52, 0.48}, 2)
	if !s1.Perturbations[0].TopChanged || !s1.Perturbations[1].TopChanged {
		t.Errorf("top 2: %+v", s1.Perturbations)
	}
	s2, _ := Analyse(ModelWeightedSum, inds, alts, []float64{0.52, 0.48}, 5)
	if s2.TopN != 3 || len(s2.Fragile) != 0 {
		t.Errorf("top N clamps to the number of estates and then nothing can leave it: %d %v", s2.TopN, s2.Fragile)
	}
}

func TestSensitivityConsistentWithRank(t *testing.T) {
	inds, alts, w := randomProblem(200, 11)
	for _, model := range []Model{ModelTOPSIS, ModelWeightedSum} {
		s, err := Analyse(model, inds, alts, w, 20)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Perturbations) != 2*len(inds) {
			t.Fatalf("%d perturbations", len(s.Perturbations))
		}
		// Each perturbation's ranks equal a fresh ranking with its weights.
		for q, p := range s.Perturbations {
			res, err := Rank(model, inds, alts, p.Weights)
			if err != nil {
				t.Fatal(err)
			}
			r := rankOf(res)
			moved, maxShift := 0, 0
			for _, e := range s.Estates {
				if e.Ranks[q] != r[e.ID] {
					t.Fatalf("%s %s%+v: estate %d rank %d, fresh %d", model, p.Key, p.Change, e.ID, e.Ranks[q], r[e.ID])
				}
				if d := abs(e.Ranks[q] - e.BaseRank); d > 0 {
					moved++
					maxShift = max(maxShift, d)
				}
			}
			if moved != p.Moved || maxShift != p.MaxShift {
				t.Errorf("moved %d/%d max %d/%d", p.Moved, moved, p.MaxShift, maxShift)
			}
		}
	}
	if _, err := Analyse(ModelTOPSIS, inds, alts, w, 0); huanxin.ErrorCode(err) != huanxin.EINVALID {
		t.Errorf("top 0: %v", err)
	}
	if _, err := Analyse(ModelTOPSIS, inds, alts, w[:3], 10); huanxin.ErrorCode(err) != huanxin.EINVALID {
		t.Errorf("short weights: %v", err)
	}
}

// BenchmarkTOPSISSensitivity: 10,000 estates × 12 indicators, TOPSIS with
// contributions plus the 24 re-rankings of the sensitivity view.
func BenchmarkTOPSISSensitivity(b *testing.B) {
	inds, alts, w := randomProblem(10000, 42)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Analyse(ModelTOPSIS, inds, alts, w, 100); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTOPSIS: the ranking alone, 10,000 × 12.
func BenchmarkTOPSIS(b *testing.B) {
	inds, alts, w := randomProblem(10000, 42)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := TOPSIS(inds, alts, w); err != nil {
			b.Fatal(err)
		}
	}
}
