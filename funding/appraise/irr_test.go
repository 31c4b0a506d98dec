package appraise

import (
	"encoding/csv"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/huanxin/huanxin"
)

// refCase is one row of testdata/results.csv, computed by LibreOffice Calc
// (see testdata/README.md).
type refCase struct {
	name      string
	irr       float64 // Calc's IRR(flows); NaN for Err:523
	guess     float64
	irrGuess  float64 // Calc's IRR(flows; guess)
	npv       map[float64]float64
	flows     []float64
	irrFailed bool
}

func parseCalc(t *testing.T, s string) float64 {
	t.Helper()
	if strings.HasPrefix(s, "Err:") {
		return math.NaN()
	}
	scale := 1.0
	if strings.HasSuffix(s, "%") {
		s, scale = strings.TrimSuffix(s, "%"), 0.01
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("testdata: %q: %v", s, err)
	}
	return v * scale
}

func loadReference(t *testing.T) []refCase {
	t.Helper()
	f, err := os.Open("testdata/results.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []refCase
	for _, row := range rows {
		c := refCase{name: row[0], irr: parseCalc(t, row[1]), guess: parseCalc(t, row[2]), irrGuess: parseCalc(t, row[3]),
			npv: map[float64]float64{-0.05: parseCalc(t, row[4]), 0: parseCalc(t, row[5]), 0.08: parseCalc(t, row[6]), -0.015: parseCalc(t, row[7])}}
		for _, s := range row[8:] {
			c.flows = append(c.flows, parseCalc(t, s))
		}
		out = append(out, c)
	}
	if len(out) < 12 {
		t.Fatalf("testdata: %d cases", len(out))
	}
	return out
}

const tol = 1e-6

func near(a, b float64) bool { return math.Abs(a-b) <= tol }

func TestNPVAgainstLibreOffice(t *testing.T) {
	for _, c := range loadReference(t) {
		for rate, want := range c.npv {
			if got := SpreadsheetNPV(rate, c.flows); !near(got, want) {
				t.Errorf("%s: SpreadsheetNPV(%g) = %.12g, Calc %.12g (diff %.3g)", c.name, rate, got, want, got-want)
			}
			// The finance NPV is Calc's NPV times (1+r), and is
			// =flows[0]+NPV(r; flows[1:]) in a spreadsheet.
			if got := NPV(rate, c.flows); !near(got, want*(1+rate)) {
				t.Errorf("%s: NPV(%g) = %.12g, Calc×(1+r) %.12g", c.name, rate, got, want*(1+rate))
			}
			if got, alt := NPV(rate, c.flows), c.flows[0]+SpreadsheetNPV(rate, c.flows[1:]); math.Abs(got-alt) > 1e-9*(1+math.Abs(got)) {
				t.Errorf("%s: NPV %.12g ≠ f0 + SpreadsheetNPV(rest) %.12g", c.name, got, alt)
			}
		}
	}
}

func TestIRRAgainstLibreOffice(t *testing.T) {
	cases := loadReference(t)
	byName := map[string]refCase{}
	for _, c := range cases {
		byName[c.name] = c
	}
	// Flows with two IRRs; a spreadsheet returns one or the other depending
	// on the guess. Our IRR reports none and lists both.
	several := map[string][2]float64{
		"two_irr_low":    {byName["two_irr_low"].irrGuess, byName["two_irr_high"].irrGuess},
		"two_irr_high":   {byName["two_irr_low"].irrGuess, byName["two_irr_high"].irrGuess},
		"late_costs":     {byName["late_costs"].irrGuess, byName["late_costs"].irr},         // −85.6 % and 34.0 %
		"concession_30y": {byName["concession_30y"].irrGuess, byName["concession_30y"].irr}, // −41.7 % and 4.45 %
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := IRR(c.flows)
			switch {
			case strings.HasPrefix(c.name, "no_irr"):
				if err == nil || !strings.Contains(err.Error(), "没有内部收益率 no IRR exists") {
					t.Fatalf("IRR = %v, %v; want no IRR", got, err)
				}
				if !math.IsNaN(c.irr) {
					t.Fatalf("Calc found an IRR %g", c.irr)
				}
			case several[c.name] != [2]float64{}:
				// Two roots, each found by Calc from a different guess.
				if err == nil || !strings.Contains(err.Error(), "存在多个内部收益率 several IRRs") {
					t.Fatalf("IRR = %v, %v; want several", got, err)
				}
				roots := IRRs(c.flows)
				want := several[c.name]
				if len(roots) != 2 || !near(roots[0], want[0]) || !near(roots[1], want[1]) {
					t.Fatalf("IRRs = %v, Calc %.12g and %.12g", roots, want[0], want[1])
				}
				for _, r := range roots {
					if !strings.Contains(err.Error(), Percent(r)) {
						t.Errorf("message does not list %s: %v", Percent(r), err)
					}
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if !near(got, c.irrGuess) {
					t.Errorf("IRR = %.15g, Calc %.15g (diff %.3g)", got, c.irrGuess, got-c.irrGuess)
				}
				if !math.IsNaN(c.irr) && !near(got, c.irr) {
					t.Errorf("IRR = %.15g, Calc default guess %.15g", got, c.irr)
				}
				if v := NPV(got, c.flows); math.Abs(v) > 1e-6*maxAbs(c.flows) {
					t.Errorf("NPV at IRR = %g", v)
				}
			}
		})
	}
	// Calc misses this root from its default guess; we find it.
	if c := byName["deep_negative"]; !math.IsNaN(c.irr) || math.IsNaN(c.irrGuess) {
		t.Errorf("deep_negative: expected Calc to fail from 10%% and succeed from −40%%")
	}
}

func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

func TestIRRHandComputed(t *testing.T) {
	for _, tc := range []struct {
		name  string
		flows []float64
		want  float64
		err   string
	}{
		{"ten percent", []float64{-100, 110}, 0.1, ""},
		{"zero", []float64{-100, 100}, 0, ""},
		{"minus half", []float64{-100, 50}, -0.5, ""},
		{"two years 20%", []float64{-100, 0, 144}, 0.2, ""},
		{"leading zeros", []float64{0, 0, -100, 110}, 0.1, ""},
		{"investor lends", []float64{100, -110}, 0.1, ""},
		{"all zero", []float64{0, 0, 0}, 0, "没有内部收益率"},
		{"empty", nil, 0, "没有内部收益率"},
		{"above the range", []float64{-1, 100}, 0, "没有内部收益率"},
		{"two sign changes, no root", []float64{-100, 150, -100}, 0, "没有内部收益率"},
		{"three roots", []float64{-6, 11, -6, 1}, 0, "存在多个内部收益率"}, // x = 1, 2, 3 ⇒ r = 0, −50 %, −66.7 %
		{"NaN", []float64{-1, math.NaN()}, 0, "non-finite"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := IRR(tc.flows)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || huanxin.ErrorCode(err) != huanxin.EINVALID {
					t.Fatalf("IRR = %v, %v; want error %q", got, err, tc.err)
				}
				return
			}
			if err != nil || math.Abs(got-tc.want) > 1e-12 {
				t.Fatalf("IRR = %.15g, %v; want %g", got, err, tc.want)
			}
		})
	}
	if roots := IRRs([]float64{-6, 11, -6, 1}); len(roots) != 3 || math.Abs(roots[0]+2.0/3) > 1e-12 || math.Abs(roots[1]+0.5) > 1e-12 || math.Abs(roots[2]) > 1e-12 {
		t.Errorf("IRRs = %v", roots)
	}
}

// TestIRRConventional checks random flows with one sign change: exactly one
// IRR (Descartes), found where NPV is zero.
func TestIRRConventional(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for i := 0; i < 2000; i++ {
		n := 2 + r.IntN(40)
		flows := make([]float64, n)
		k := 1 + r.IntN(n-1) // first k flows negative
		for j := range flows {
			flows[j] = r.Float64() * 1e6
			if j < k {
				flows[j] = -flows[j]
			}
		}
		got, err := IRR(flows)
		if err != nil {
			// only a root outside (−99 %, 1000 %] may be missing
			if !strings.Contains(err.Error(), "没有内部收益率") {
				t.Fatalf("%v: %v", flows, err)
			}
			lo, hi := NPV(MinRate, flows), NPV(MaxRate, flows)
			if (lo > 0) != (hi > 0) {
				t.Fatalf("%v: no IRR reported, but NPV changes sign in range", flows)
			}
			continue
		}
		// NPV at the IRR is zero up to rounding: compare with NPV one
		// ulp-scale step away.
		h := 1e-9 * (1 + math.Abs(got))
		if a, b := NPV(got-h, flows), NPV(got+h, flows); (a > 0) == (b > 0) && a != 0 && b != 0 {
			t.Fatalf("%v: IRR %.15g is not a sign change of NPV (%g, %g)", flows, got, a, b)
		}
	}
}

func TestSignChanges(t *testing.T) {
	for _, tc := range []struct {
		flows []float64
		want  int
	}{
		{nil, 0}, {[]float64{1, 2}, 0}, {[]float64{-1, 0, 2}, 1}, {[]float64{-100, 230, -132}, 2}, {[]float64{0, -1, 0, 0, 1, -1, 1}, 3},
	} {
		if got := SignChanges(tc.flows); got != tc.want {
			t.Errorf("SignChanges(%v) = %d, want %d", tc.flows, got, tc.want)
		}
	}
}

func TestPayback(t *testing.T) {
	for _, tc := range []struct {
		name  string
		rate  float64 // 0 for simple
		flows []float64
		want  float64
		never bool
	}{
		{"ordinary", 0, []float64{-1000, 300, 400, 500, 200}, 2.6, false}, // −1000, −700, −300, +200: 2 + 300/500
		{"exact in a year", 0, []float64{-100, 50, 50}, 2, false},
		{"never", 0, []float64{-100, 10, 10}, 0, true},
		{"never negative", 0, []float64{100, 50}, 0, false},
		{"late start", 0, []float64{0, -100, 50, 60}, 2 + 50.0/60, false},
		{"discounted", 0.1, []float64{-100, 60, 60}, 1 + 11.0/12, false}, // 500/11 of 6000/121 left
		{"discounted never", 0.1, []float64{-100, 55, 55}, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got Payback
			if tc.rate == 0 {
				got = SimplePayback(tc.flows)
			} else {
				got = DiscountedPayback(tc.rate, tc.flows)
			}
			if got.Reached == tc.never || math.Abs(got.Years-tc.want) > 1e-12 {
				t.Fatalf("payback = %+v, want %g (never %v)", got, tc.want, tc.never)
			}
			if tc.never && got.String() != "不回收 never" {
				t.Errorf("String %q", got)
			}
		})
	}
}
