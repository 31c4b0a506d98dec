package rank

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/huanxin/huanxin"
)

// loadJSON reads testdata/name into v; every file must state its source.
func loadJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var src struct{ Source string }
	if err := json.Unmarshal(b, &src); err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(src.Source) == "" {
		t.Fatalf("%s: no source stated", name)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

// fraction parses "3", "1/9", "0.5".
func fraction(t *testing.T, s string) float64 {
	t.Helper()
	num, den, ok := strings.Cut(s, "/")
	a, err := strconv.ParseFloat(num, 64)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		return a
	}
	b, err := strconv.ParseFloat(den, 64)
	if err != nil {
		t.Fatal(err)
	}
	return a / b
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func sum(w []float64) float64 {
	var s float64
	for _, v := range w {
		s += v
	}
	return s
}

func directions(t *testing.T, ss []string) []Direction {
	t.Helper()
	d := make([]Direction, len(ss))
	for j, s := range ss {
		switch s {
		case "benefit":
			d[j] = Benefit
		case "cost":
			d[j] = Cost
		default:
			t.Fatalf("direction %q", s)
		}
	}
	return d
}

// problem turns a plain matrix into indicators and estates (IDs 1…m unless given).
func problem(x [][]float64, dirs []Direction, ids []int64) ([]Indicator, []Alternative) {
	inds := make([]Indicator, len(dirs))
	for j, d := range dirs {
		k := "c" + strconv.Itoa(j+1)
		inds[j] = Indicator{Key: k, Name: k, NameEn: k, Direction: d}
	}
	alts := make([]Alternative, len(x))
	for i, row := range x {
		id := int64(i + 1)
		if ids != nil {
			id = ids[i]
		}
		alts[i] = Alternative{ID: id, Name: "A" + strconv.Itoa(i+1), Values: map[string]float64{}}
		for j, v := range row {
			alts[i].Values[inds[j].Key] = v
		}
	}
	return inds, alts
}

func TestDefaultIndicators(t *testing.T) {
	inds := DefaultIndicators()
	if err := checkIndicators(inds); err != nil {
		t.Fatal(err)
	}
	if len(inds) != 12 {
		t.Errorf("%d default indicators, want 12", len(inds))
	}
	for _, ind := range inds {
		if ind.Name == "" || ind.NameEn == "" || ind.Unit == "" || ind.Note == "" {
			t.Errorf("%s: name, English name, unit and note must all be stated", ind.Key)
		}
	}
	costs := 0
	for _, ind := range inds {
		if ind.Direction == Cost {
			costs++
			if ind.Key != "cost_per_household" {
				t.Errorf("%s is a cost indicator", ind.Key)
			}
		}
	}
	if costs != 1 {
		t.Errorf("%d cost indicators, want 1 (cost per household)", costs)
	}
}

func TestMissingDataRefused(t *testing.T) {
	inds := DefaultIndicators()[:3]
	alts := []Alternative{
		{ID: 7, Name: "幸福里", Values: map[string]float64{"building_age": 30, "deficit_structure": 50, "deficit_networks": 20}},
		{ID: 9, Name: "光明新村", Values: map[string]float64{"building_age": 35, "deficit_networks": 40}},
		{ID: 11, Name: "东风小区", Values: map[string]float64{"building_age": math.NaN(), "deficit_structure": -1, "deficit_networks": 1}},
	}
	for _, model := range []Model{ModelTOPSIS, ModelWeightedSum} {
		_, err := Rank(model, inds, alts, []float64{0.5, 0.3, 0.2})
		if huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("%s: got %v, want EINVALID", model, err)
		}
		fields := huanxin.ErrorFields(err)
		if len(fields) != 3 {
			t.Fatalf("%s: %d field errors, want 3: %v", model, len(fields), err)
		}
		f := fields[0]
		if f.Field != "deficit_structure" || !strings.Contains(f.Message, "光明新村") || !strings.Contains(f.Message, "房屋本体缺陷") || !strings.Contains(f.Message, "(9)") {
			t.Errorf("message must name the estate and the indicator: %+v", f)
		}
		if !strings.Contains(fields[1].Message, "东风小区") || !strings.Contains(fields[2].Message, "negative") {
			t.Errorf("NaN and negative must be refused by name: %v", fields[1:])
		}
	}
	if _, err := NewEntropyWeightSet("e", inds, alts); huanxin.ErrorCode(err) != huanxin.EINVALID {
		t.Errorf("entropy weights from incomplete data: %v", err)
	}
}

func TestTableErrors(t *testing.T) {
	inds, alts := problem([][]float64{{1, 2}, {3, 4}}, []Direction{Benefit, Cost}, []int64{5, 5})
	if _, err := TOPSIS(inds, alts, []float64{0.5, 0.5}); huanxin.ErrorCode(err) != huanxin.EINVALID {
		t.Errorf("duplicate IDs: %v", err)
	}
	inds, alts = problem([][]float64{{1, 2}, {3, 4}}, []Direction{Benefit, Cost}, nil)
	for name, w := range map[string][]float64{
		"short":    {1},
		"sum≠1":    {0.5, 0.6},
		"negative": {1.5, -0.5},
		"NaN":      {math.NaN(), 1},
	} {
		if _, err := TOPSIS(inds, alts, w); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Errorf("%s weights: %v", name, err)
		}
	}
	if _, err := TOPSIS(inds, alts, []float64{0.5 + 5e-10, 0.5}); err != nil {
		t.Errorf("sum within 1e-9 must pass: %v", err)
	}
	bad := slicesClone(inds)
	bad[1].Key = bad[0].Key
	if _, err := TOPSIS(bad, alts, []float64{0.5, 0.5}); huanxin.ErrorCode(err) != huanxin.EINVALID {
		t.Errorf("duplicate indicator keys: %v", err)
	}
	bad = slicesClone(inds)
	bad[0].Direction = 0
	if _, err := TOPSIS(bad, alts, []float64{0.5, 0.5}); huanxin.ErrorCode(err) != huanxin.EINVALID {
		t.Errorf("no direction: %v", err)
	}
	if _, err := Rank("vikor", inds, alts, []float64{0.5, 0.5}); huanxin.ErrorCode(err) != huanxin.EINVALID {
		t.Errorf("unknown model: %v", err)
	}
	if _, err := TOPSIS(inds, nil, []float64{0.5, 0.5}); huanxin.ErrorCode(err) != huanxin.EINVALID {
		t.Errorf("no estates: %v", err)
	}
}

func slicesClone(inds []Indicator) []Indicator { return append([]Indicator(nil), inds...) }
