package rank

import (
	"math"
	"strings"
	"testing"

	"github.com/huanxin/huanxin"
)

type ahpCase struct {
	Name             string
	Items            []string
	Matrix           [][]string
	Weights          []float64
	WeightsTolerance float64  `json:"weights_tolerance"`
	LambdaMax        *float64 `json:"lambda_max"`
	LambdaMaxMin     *float64 `json:"lambda_max_min"`
	LambdaMaxMax     *float64 `json:"lambda_max_max"`
	CI               *float64
	CR               *float64
	Tolerance        float64
	Accept           bool
	WorstPair        []int `json:"worst_pair"`
}

func (c ahpCase) matrix(t *testing.T) [][]float64 {
	a := make([][]float64, len(c.Matrix))
	for i, row := range c.Matrix {
		for _, s := range row {
			a[i] = append(a[i], fraction(t, s))
		}
	}
	return a
}

func TestAHPWorkedExamples(t *testing.T) {
	for _, file := range []string{"ahp_saaty2008_drinks.json", "ahp_hand_3x3.json", "ahp_inconsistent.json"} {
		t.Run(file, func(t *testing.T) {
			var c ahpCase
			loadJSON(t, file, &c)
			w, l, ci, cr, err := AHP(c.matrix(t))
			t.Logf("%s: w=%.6f λmax=%.6f CI=%.6f CR=%.6f", c.Name, w, l, ci, cr)
			if !c.Accept {
				if huanxin.ErrorCode(err) != huanxin.EINVALID || cr < MaxCR {
					t.Fatalf("CR=%.4f err=%v, want refusal", cr, err)
				}
				msg := huanxin.ErrorMessage(err)
				for _, want := range []string{"CR=0.403", "「第4项」比「第1项」：填的是 2", "约为 1/8.00", "item 4 vs item 1: it says 2", "inconsistent", "nearest on the Saaty scale: 1/8"} {
					if !strings.Contains(msg, want) {
						t.Errorf("message lacks %q: %s", want, msg)
					}
				}
				a, _ := checkPairwise(c.matrix(t), nil)
				i, j, implied := MostInconsistentPair(a, w)
				if i != c.WorstPair[0] || j != c.WorstPair[1] || !(a[i][j] >= implied) {
					t.Errorf("worst pair (%d,%d) implied %.3f, want %v", i, j, implied, c.WorstPair)
				}
				if f := huanxin.ErrorFields(err); len(f) != 1 || f[0].Field != "ahp[3][0]" {
					t.Errorf("fields %v", f)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !near(sum(w), 1, 1e-12) {
				t.Errorf("Σw = %.15f", sum(w))
			}
			for i := range c.Weights {
				if !near(w[i], c.Weights[i], c.WeightsTolerance) {
					t.Errorf("%s: w=%.6f, want %.6f ± %g", c.Items[i], w[i], c.Weights[i], c.WeightsTolerance)
				}
			}
			if c.LambdaMax != nil && !near(l, *c.LambdaMax, c.Tolerance) {
				t.Errorf("λmax=%.10f, want %.10f", l, *c.LambdaMax)
			}
			if c.LambdaMaxMin != nil && (l < *c.LambdaMaxMin || l > *c.LambdaMaxMax) {
				t.Errorf("λmax=%.6f, want in [%.4f, %.4f]", l, *c.LambdaMaxMin, *c.LambdaMaxMax)
			}
			if c.CI != nil && !near(ci, *c.CI, c.Tolerance) {
				t.Errorf("CI=%.10f, want %.10f", ci, *c.CI)
			}
			if c.CR != nil && !near(cr, *c.CR, c.Tolerance) {
				t.Errorf("CR=%.10f, want %.10f", cr, *c.CR)
			}
			ri, _ := RandomIndex(len(w))
			if !near(cr, ci/ri, 1e-15) {
				t.Errorf("CR ≠ CI/RI")
			}
		})
	}
}

func TestAHPSmallAndConsistent(t *testing.T) {
	tests := []struct {
		name string
		a    [][]float64
		want []float64
	}{
		{"n=1", [][]float64{{1}}, []float64{1}},
		{"n=2", [][]float64{{1, 3}, {1.0 / 3, 1}}, []float64{0.75, 0.25}},
		{"n=2 rounded reciprocal", [][]float64{{1, 0.333}, {3, 1}}, []float64{0.25, 0.75}},
		{"consistent 4x4", [][]float64{{1, 2, 4, 8}, {0.5, 1, 2, 4}, {0.25, 0.5, 1, 2}, {0.125, 0.25, 0.5, 1}}, []float64{8.0 / 15, 4.0 / 15, 2.0 / 15, 1.0 / 15}},
		{"all equal 9x9", ones(9), repeat(1.0/9, 9)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, l, ci, cr, err := AHP(tt.a)
			if err != nil {
				t.Fatal(err)
			}
			for i := range w {
				if !near(w[i], tt.want[i], 1e-12) {
					t.Errorf("w=%v, want %v", w, tt.want)
				}
			}
			if !near(l, float64(len(w)), 1e-9) || ci != 0 && !near(ci, 0, 1e-12) || !near(cr, 0, 1e-10) {
				t.Errorf("λ=%v CI=%v CR=%v for a consistent matrix", l, ci, cr)
			}
		})
	}
}

func ones(n int) [][]float64 {
	a := make([][]float64, n)
	for i := range a {
		a[i] = repeat(1, n)
	}
	return a
}

func repeat(v float64, n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = v
	}
	return w
}

func TestAHPInvalidMatrices(t *testing.T) {
	tests := []struct {
		name  string
		a     [][]float64
		field string
	}{
		{"empty", nil, "ahp"},
		{"16x16", ones(16), "ahp"},
		{"not square", [][]float64{{1, 2}, {0.5}}, "ahp[1]"},
		{"diagonal", [][]float64{{2, 1}, {1, 1}}, "ahp[0][0]"},
		{"zero", [][]float64{{1, 0}, {0, 1}}, "ahp[0][1]"},
		{"negative", [][]float64{{1, -3}, {-1.0 / 3, 1}}, "ahp[0][1]"},
		{"not reciprocal", [][]float64{{1, 3}, {0.5, 1}}, "ahp[0][1]"},
		{"off scale 10", [][]float64{{1, 10}, {0.1, 1}}, "ahp[0][1]"},
		{"off scale 2.5", [][]float64{{1, 2.5}, {0.4, 1}}, "ahp[0][1]"},
		{"NaN", [][]float64{{1, math.NaN()}, {1, 1}}, "ahp[0][1]"},
		{"Inf", [][]float64{{1, math.Inf(1)}, {0, 1}}, "ahp[0][1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, _, err := AHP(tt.a)
			if huanxin.ErrorCode(err) != huanxin.EINVALID {
				t.Fatalf("err=%v, want EINVALID", err)
			}
			if f := huanxin.ErrorFields(err); len(f) == 0 || f[0].Field != tt.field {
				t.Errorf("fields=%v, want %s", f, tt.field)
			}
		})
	}
}

// TestAHPThreshold: CR just under 0.1 is accepted, at or above refused. For
// n = 3, a = (1, x, 1/x… ) the closed form gives λmax = 1 + t + 1/t.
func TestAHPThreshold(t *testing.T) {
	for _, tt := range []struct {
		a, b, c float64
		accept  bool
	}{
		{3, 5, 3, true},  // CR 0.033
		{2, 1, 2, false}, // t = 4^(1/3): λ = 3.217, CR 0.187
		{9, 9, 9, false}, // t = 9^(1/3)
		{1, 9, 9, true},  // consistent: a·c = b
	} {
		m := [][]float64{{1, tt.a, tt.b}, {1 / tt.a, 1, tt.c}, {1 / tt.b, 1 / tt.c, 1}}
		_, l, _, cr, err := AHP(m)
		tc := math.Cbrt(tt.a * tt.c / tt.b)
		if !near(l, 1+tc+1/tc, 1e-9) {
			t.Errorf("%v: λ=%.10f, want %.10f", tt, l, 1+tc+1/tc)
		}
		if (err == nil) != tt.accept || (cr < MaxCR) != tt.accept {
			t.Errorf("%v: CR=%.4f err=%v, accept=%v", tt, cr, err, tt.accept)
		}
	}
}

func TestAHPWeightSetNamesIndicators(t *testing.T) {
	inds := DefaultIndicators()[:3]
	// building age vs body deficits 9, body deficits vs networks 9, but
	// building age vs networks 1/9: a cycle, every pair as bad as the others,
	// and the first in row order is named.
	m := [][]float64{{1, 9, 1.0 / 9}, {1.0 / 9, 1, 9}, {9, 1.0 / 9, 1}}
	_, err := NewAHPWeightSet("循环", inds, m)
	msg := huanxin.ErrorMessage(err)
	if huanxin.ErrorCode(err) != huanxin.EINVALID || !strings.Contains(msg, "「房屋本体缺陷（屋面、外墙、楼道）」比「管网设施缺陷（水电气热、排水）」：填的是 9") ||
		!strings.Contains(msg, "Building body deficits (roof, facade, stairwells) vs Network deficits (water, power, gas, heating, drainage): it says 9") {
		t.Fatalf("want a refusal naming the indicators, got %v", err)
	}
	ws, err := NewAHPWeightSet("三项", inds, [][]float64{{1, 3, 5}, {1.0 / 3, 1, 3}, {0.2, 1.0 / 3, 1}})
	if err != nil {
		t.Fatal(err)
	}
	if ws.Method != MethodAHP || !near(ws.CR, 0.0331992160, 1e-9) || !near(ws.Weights["building_age"], 0.6369855717, 1e-9) {
		t.Errorf("%+v", ws)
	}
	if err := ws.Validate(inds); err != nil {
		t.Error(err)
	}
}

func TestRandomIndex(t *testing.T) {
	for n, want := range map[int]float64{1: 0, 2: 0, 3: 0.58, 4: 0.90, 9: 1.45, 10: 1.49, 15: 1.59} {
		if ri, ok := RandomIndex(n); !ok || ri != want {
			t.Errorf("RI(%d) = %v, want %v", n, ri, want)
		}
	}
	for _, n := range []int{0, 16} {
		if _, ok := RandomIndex(n); ok {
			t.Errorf("RI(%d) must be undefined", n)
		}
	}
}
