package rank

import (
	"math"
	"testing"

	"github.com/huanxin/huanxin"
)

func TestEntropyWorkedExamples(t *testing.T) {
	for _, file := range []string{"entropy_xu2004.json", "entropy_hand_minmax.json"} {
		t.Run(file, func(t *testing.T) {
			var c struct {
				Method     string
				Directions []string
				Matrix     [][]float64
				Weights    []float64
				Tolerance  float64
			}
			loadJSON(t, file, &c)
			var w []float64
			var err error
			if c.Method == "raw" {
				w, err = EntropyWeightsRaw(c.Matrix)
			} else {
				w, err = EntropyWeights(c.Matrix, directions(t, c.Directions))
			}
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("w=%.6f", w)
			if !near(sum(w), 1, 1e-12) {
				t.Errorf("Σw = %.15f", sum(w))
			}
			for j := range c.Weights {
				if !near(w[j], c.Weights[j], c.Tolerance) {
					t.Errorf("w[%d]=%.6f, want %.6f ± %g", j, w[j], c.Weights[j], c.Tolerance)
				}
			}
		})
	}
}

func TestEntropyEdges(t *testing.T) {
	// Two estates: every non-constant column is (0, 1) after min–max, e = 0.
	w, err := EntropyWeights([][]float64{{1, 5, 3}, {2, 1, 3}}, []Direction{Benefit, Cost, Benefit})
	if err != nil || !near(w[0], 0.5, 1e-15) || !near(w[1], 0.5, 1e-15) || w[2] != 0 {
		t.Errorf("w=%v err=%v", w, err)
	}
	// Direction reverses the min–max scale: a column skewed one way is
	// less even the other way round.
	x := [][]float64{{0, 0}, {1, 1}, {10, 10}}
	w, _ = EntropyWeights(x, []Direction{Benefit, Cost})
	if !(w[0] > w[1]) {
		t.Errorf("benefit (0, .1, 1) is less even than cost (1, .9, 0): w=%v", w)
	}
	for name, tt := range map[string]struct {
		x    [][]float64
		dirs []Direction
	}{
		"all constant": {[][]float64{{1, 2}, {1, 2}, {1, 2}}, []Direction{Benefit, Cost}},
		"one estate":   {[][]float64{{1, 2}}, []Direction{Benefit, Cost}},
		"ragged":       {[][]float64{{1, 2}, {1}}, []Direction{Benefit, Cost}},
		"NaN":          {[][]float64{{1, math.NaN()}, {1, 2}}, []Direction{Benefit, Cost}},
		"no direction": {[][]float64{{1, 2}, {2, 1}}, []Direction{Benefit, 0}},
		"no columns":   {[][]float64{{}, {}}, nil},
	} {
		if _, err := EntropyWeights(tt.x, tt.dirs); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Errorf("%s: err=%v, want EINVALID", name, err)
		}
	}
	if _, err := EntropyWeightsRaw([][]float64{{1, -2}, {1, 2}}); huanxin.ErrorCode(err) != huanxin.EINVALID {
		t.Errorf("raw with a negative value: %v", err)
	}
	w, err = EntropyWeightsRaw([][]float64{{0, 1}, {0, 3}})
	if err != nil || w[0] != 0 || w[1] != 1 {
		t.Errorf("zero column: w=%v err=%v", w, err)
	}
}

func TestCombine(t *testing.T) {
	s := []float64{0.6, 0.3, 0.1}
	o := []float64{0.2, 0.2, 0.6}
	for _, tt := range []struct {
		alpha float64
		want  []float64
	}{
		{1, s},
		{0, o},
		{0.5, []float64{0.4, 0.25, 0.35}},
		{0.7, []float64{0.48, 0.27, 0.25}},
	} {
		w, err := Combine(s, o, tt.alpha)
		if err != nil {
			t.Fatal(err)
		}
		for j := range w {
			if !near(w[j], tt.want[j], 1e-15) {
				t.Errorf("α=%v: w=%v, want %v", tt.alpha, w, tt.want)
			}
		}
	}
	w, err := CombineMultiplicative(s, o)
	// 0.12, 0.06, 0.06 over 0.24
	if err != nil || !near(w[0], 0.5, 1e-15) || !near(w[1], 0.25, 1e-15) || !near(w[2], 0.25, 1e-15) {
		t.Errorf("multiplicative: w=%v err=%v", w, err)
	}
	if _, err := CombineMultiplicative([]float64{1, 0}, []float64{0, 1}); huanxin.ErrorCode(err) != huanxin.EINVALID {
		t.Errorf("disjoint supports: %v", err)
	}
	for name, f := range map[string]func() error{
		"alpha>1":   func() error { _, err := Combine(s, o, 1.1); return err },
		"alpha NaN": func() error { _, err := Combine(s, o, math.NaN()); return err },
		"lengths":   func() error { _, err := Combine(s, o[:2], 0.5); return err },
		"sum≠1":     func() error { _, err := Combine([]float64{0.5, 0.4, 0.2}, o, 0.5); return err },
		"negative":  func() error { _, err := Combine([]float64{1.2, -0.2, 0}, o, 0.5); return err },
	} {
		if huanxin.ErrorCode(f()) != huanxin.EINVALID {
			t.Errorf("%s must be refused", name)
		}
	}
}

func TestWeightSets(t *testing.T) {
	inds := DefaultIndicators()[:3]
	alts := []Alternative{
		{ID: 1, Name: "甲", Values: map[string]float64{"building_age": 20, "deficit_structure": 10, "deficit_networks": 40}},
		{ID: 2, Name: "乙", Values: map[string]float64{"building_age": 30, "deficit_structure": 80, "deficit_networks": 40}},
		{ID: 3, Name: "丙", Values: map[string]float64{"building_age": 40, "deficit_structure": 20, "deficit_networks": 40}},
	}
	m := [][]float64{{1, 3, 5}, {1.0 / 3, 1, 3}, {0.2, 1.0 / 3, 1}}
	e, err := NewEntropyWeightSet("熵值", inds, alts)
	if err != nil {
		t.Fatal(err)
	}
	if e.Weights["deficit_networks"] != 0 || e.EntropyEstates != 3 {
		t.Errorf("constant column must get 0: %+v", e)
	}
	c, err := NewCombinedWeightSet("组合", inds, m, alts, 0.6, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, ind := range inds {
		want := 0.6*map[string]float64{"building_age": 0.6369855717, "deficit_structure": 0.2582849944, "deficit_networks": 0.1047294339}[ind.Key] + 0.4*e.Weights[ind.Key]
		if !near(c.Weights[ind.Key], want, 1e-9) {
			t.Errorf("%s: %v, want %v", ind.Key, c.Weights[ind.Key], want)
		}
	}
	p, err := NewCombinedWeightSet("乘积", inds, m, alts, 0.6, true)
	if err != nil || p.Method != MethodCombinedProduct || p.Weights["deficit_networks"] != 0 {
		t.Errorf("product: %+v %v", p, err)
	}

	var cat Catalog
	for _, ws := range []WeightSet{e, c, p} {
		if err := cat.Put(ws, inds, false); err != nil {
			t.Fatal(err)
		}
	}
	if err := cat.Put(e, inds, false); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
		t.Errorf("same name twice: %v", err)
	}
	if err := cat.Put(e, inds, true); err != nil {
		t.Errorf("replace: %v", err)
	}
	if got := cat.Names(); len(got) != 3 || got[0] != "乘积" {
		t.Errorf("names %v", got)
	}
	if _, err := cat.Get("无"); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
		t.Errorf("get missing: %v", err)
	}
	cat.Delete("乘积")
	if _, err := cat.Get("乘积"); err == nil {
		t.Error("deleted set still there")
	}

	good := map[string]float64{"building_age": 0.5, "deficit_structure": 0.3, "deficit_networks": 0.2}
	if _, err := NewManualWeightSet("手工", inds, good); err != nil {
		t.Fatal(err)
	}
	for name, ws := range map[string]WeightSet{
		"no name":       {Method: MethodManual, Weights: good},
		"bad method":    {Name: "x", Method: "guess", Weights: good},
		"missing key":   {Name: "x", Method: MethodManual, Weights: map[string]float64{"building_age": 0.7, "deficit_structure": 0.3}},
		"unknown key":   {Name: "x", Method: MethodManual, Weights: map[string]float64{"building_age": 0.5, "deficit_structure": 0.3, "deficit_networks": 0.2, "x": 0}},
		"sum 1+1e-8":    {Name: "x", Method: MethodManual, Weights: map[string]float64{"building_age": 0.5 + 1e-8, "deficit_structure": 0.3, "deficit_networks": 0.2}},
		"negative":      {Name: "x", Method: MethodManual, Weights: map[string]float64{"building_age": 1.1, "deficit_structure": -0.1, "deficit_networks": 0}},
		"ahp no matrix": {Name: "x", Method: MethodAHP, Weights: good},
		"alpha":         {Name: "x", Method: MethodCombined, Weights: c.Weights, AHPKeys: c.AHPKeys, AHPMatrix: c.AHPMatrix, Alpha: 2},
	} {
		if err := cat.Put(ws, inds, true); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Errorf("%s: err=%v, want EINVALID", name, err)
		}
	}
	if _, err := (WeightSet{Name: "x", Method: MethodManual, Weights: good}).Vector(inds); err != nil {
		t.Error(err)
	}
}
