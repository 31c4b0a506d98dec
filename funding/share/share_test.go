package share

import (
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/huanxin/huanxin"
)

func mustCoef(t testing.TB, m map[int]string) map[int]Ratio {
	t.Helper()
	c, err := ParseCoefficients(m)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestParseRatio(t *testing.T) {
	for _, tc := range []struct {
		in       string
		num, den int64
	}{
		{"1.2", 6, 5},
		{"0", 0, 1},
		{"0.0", 0, 1},
		{"2", 2, 1},
		{"0.85", 17, 20},
		{".5", 1, 2},
		{"1/3", 1, 3},
		{"4/6", 2, 3},
		{"70%", 7, 10},
		{"12.5%", 1, 8},
		{"1,000.5", 2001, 2},
		{" 1.000000000001 ", 1000000000001, 1000000000000},
	} {
		got, err := ParseRatio(tc.in)
		if err != nil || got != (Ratio{tc.num, tc.den}) {
			t.Errorf("ParseRatio(%q) = %v, %v; want %d/%d", tc.in, got, err, tc.num, tc.den)
		}
	}
	for _, in := range []string{"", "-1", "1.2.3", "abc", "1/0", "1e3", "0.1234567890123", "1234567890123456789", "1/-2", "."} {
		if got, err := ParseRatio(in); err == nil {
			t.Errorf("ParseRatio(%q) = %v, want an error", in, got)
		}
	}
}

func amounts(s []Share) []int64 {
	out := make([]int64, len(s))
	for i, x := range s {
		out[i] = int64(x.Amount)
	}
	return out
}

func TestSplitHandComputed(t *testing.T) {
	lift := map[int]string{1: "0", 2: "0.8", 3: "1", 4: "1.2"}
	for _, tc := range []struct {
		name   string
		total  huanxin.Money
		parts  []Part
		rule   Rule
		opt    Options
		want   []int64
		shares []string // exact shares, reduced, when checked
	}{
		{
			name:   "area, exact",
			total:  10000,
			parts:  []Part{{PartID: 1, Area: 5000}, {PartID: 2, Area: 3000}, {PartID: 3, Area: 2000}},
			rule:   Rule{Basis: ByArea},
			want:   []int64{5000, 3000, 2000},
			shares: []string{"1/2", "3/10", "1/5"},
		},
		{
			// 100/3 = 33.33 each; one fen left; equal remainders and equal
			// weights: the lowest PartID takes it.
			name:   "area, three equal, tie to lowest ID",
			total:  100,
			parts:  []Part{{PartID: 3, Area: 1000}, {PartID: 1, Area: 1000}, {PartID: 2, Area: 1000}},
			rule:   Rule{Basis: ByArea},
			want:   []int64{33, 34, 33},
			shares: []string{"1/3", "1/3", "1/3"},
		},
		{
			// quotas 4.2, 2.1, 0.7 → 4, 2, 0 and one fen to the largest
			// fraction (0.7).
			name:  "largest remainder goes to the largest fraction",
			total: 7,
			parts: []Part{{PartID: 1, Area: 6000}, {PartID: 2, Area: 3000}, {PartID: 3, Area: 1000}},
			rule:  Rule{Basis: ByArea},
			want:  []int64{4, 2, 1},
		},
		{
			// quotas 1.5 and 0.5: equal fractions; the larger weight wins
			// over the lower PartID.
			name:  "tie broken by larger weight first",
			total: 2,
			parts: []Part{{PartID: 2, Area: 300}, {PartID: 1, Area: 100}},
			rule:  Rule{Basis: ByArea},
			want:  []int64{2, 0},
		},
		{
			name:  "one fen among three",
			total: 1,
			parts: []Part{{PartID: 1, Area: 8000}, {PartID: 2, Area: 9000}, {PartID: 3, Area: 8999}},
			rule:  Rule{Basis: ByArea},
			want:  []int64{0, 1, 0},
		},
		{
			name:  "equal, 10 fen among 3",
			total: 10,
			parts: []Part{{PartID: 7}, {PartID: 3}, {PartID: 5}},
			rule:  Rule{Basis: Equal},
			want:  []int64{3, 4, 3},
		},
		{
			name:   "equal with an exempt part",
			total:  100,
			parts:  []Part{{PartID: 1}, {PartID: 2, Exempt: true}, {PartID: 3}},
			rule:   Rule{Basis: Equal},
			want:   []int64{50, 0, 50},
			shares: []string{"1/2", "0", "1/2"},
		},
		{
			// coefficients 0 + 0.8 + 1 + 1.2 = 3; 3000 yuan.
			name:   "lift by floor coefficient, ground floor pays nothing",
			total:  300000,
			parts:  []Part{{PartID: 101, Floor: 1}, {PartID: 201, Floor: 2}, {PartID: 301, Floor: 3}, {PartID: 401, Floor: 4}},
			rule:   Rule{Basis: ByFloorCoefficient, Coefficients: mustCoef(t, lift)},
			want:   []int64{0, 80000, 100000, 120000},
			shares: []string{"0", "4/15", "1/3", "2/5"},
		},
		{
			// 1 × 50 m² and 1.2 × 100 m² = 50 and 120 of 170; 1000 fen:
			// quotas 294.1176… and 705.8823… → 294 + 705 and the fen to
			// the larger fraction (0.88, part 301).
			name:   "floor coefficient × area",
			total:  1000,
			parts:  []Part{{PartID: 101, Floor: 1, Area: 9000}, {PartID: 201, Floor: 3, Area: 5000}, {PartID: 301, Floor: 4, Area: 10000}},
			rule:   Rule{Basis: ByFloorCoefficientArea, Coefficients: mustCoef(t, lift)},
			want:   []int64{0, 294, 706},
			shares: []string{"0", "5/17", "12/17"},
		},
		{
			// 70 % by area: 7000 → 4200 + 2800; 30 % equal: 3000 → 1500 + 1500.
			// Shares 0.7 × 0.6 + 0.3 × 0.5 = 0.57 and 0.43.
			name:  "mix 70 % area, 30 % equal",
			total: 10000,
			parts: []Part{{PartID: 1, Area: 6000}, {PartID: 2, Area: 4000}},
			rule: Rule{Basis: Mix, Portions: []Portion{
				{Weight: R(7, 10), Rule: Rule{Basis: ByArea}},
				{Weight: R(3, 10), Rule: Rule{Basis: Equal}},
			}},
			want:   []int64{5700, 4300},
			shares: []string{"57/100", "43/100"},
		},
		{
			// portions of 5 fen: 1:1 → 2.5 each → 3 to the first portion
			// (equal weights, earlier portion), 2 to the second. Area 3:1
			// of 3 → 2.25, 0.75 → 2, 1. Equal of 2 → 1, 1.
			name:  "mix of a few fen, each portion split exactly",
			total: 5,
			parts: []Part{{PartID: 1, Area: 300}, {PartID: 2, Area: 100}},
			rule: Rule{Basis: Mix, Portions: []Portion{
				{Weight: R(1, 1), Rule: Rule{Basis: ByArea}},
				{Weight: R(1, 1), Rule: Rule{Basis: Equal}},
			}},
			want:   []int64{3, 2},
			shares: []string{"5/8", "3/8"},
		},
		{
			name:  "remainder to a named part",
			total: 100,
			parts: []Part{{PartID: 1}, {PartID: 2}, {PartID: 3}},
			rule:  Rule{Basis: Equal},
			opt:   Options{Remainder: ToPart, Part: 3},
			want:  []int64{33, 33, 34},
		},
		{
			// quotas 16.67, 33.33, 50 → 16, 33, 50 and one fen to the largest.
			name:  "remainder to the largest weight",
			total: 100,
			parts: []Part{{PartID: 1, Area: 1000}, {PartID: 2, Area: 2000}, {PartID: 3, Area: 3000}},
			rule:  Rule{Basis: ByArea},
			opt:   Options{Remainder: ToLargestWeight},
			want:  []int64{16, 33, 51},
		},
		{
			name:  "zero total",
			total: 0,
			parts: []Part{{PartID: 1, Area: 1000}, {PartID: 2, Area: 2000}},
			rule:  Rule{Basis: ByArea},
			want:  []int64{0, 0},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Split(tc.total, tc.parts, tc.rule, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if a := amounts(got); !equal(a, tc.want) {
				t.Fatalf("amounts %v, want %v", a, tc.want)
			}
			for i, s := range tc.shares {
				if got[i].Share.RatString() != s {
					t.Errorf("part %d share %s, want %s", got[i].PartID, got[i].Share.RatString(), s)
				}
			}
			checkInvariants(t, tc.total, tc.parts, tc.rule, tc.opt, got)
		})
	}
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestLineString(t *testing.T) {
	got, err := Split(1000000, []Part{{PartID: 1, Area: 8532}, {PartID: 2, Area: 432100 - 8532}}, Rule{Basis: ByArea}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s := got[0].Lines[0].String(); s != "面积 area 85.32 / 4321 × 10000.00 = 197.45" {
		t.Errorf("line %q", s)
	}
	c := mustCoef(t, map[int]string{2: "1/3", 3: "1"})
	got, err = Split(400, []Part{{PartID: 1, Floor: 2}, {PartID: 2, Floor: 3}}, Rule{Basis: ByFloorCoefficient, Coefficients: c}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s := got[0].Lines[0].String(); s != "楼层系数 floor coefficient 1/3 / 4/3 × 4.00 = 1.00" {
		t.Errorf("line %q", s)
	}
}

func TestSplitErrors(t *testing.T) {
	c := mustCoef(t, map[int]string{1: "0", 2: "1"})
	for _, tc := range []struct {
		name  string
		total huanxin.Money
		parts []Part
		rule  Rule
		opt   Options
		want  string // in the message or a field
	}{
		{"no parts", 100, nil, Rule{Basis: Equal}, Options{}, "no parts"},
		{"negative total", -1, []Part{{PartID: 1}}, Rule{Basis: Equal}, Options{}, "negative"},
		{"negative area", 100, []Part{{PartID: 1, Area: -1}}, Rule{Basis: ByArea}, Options{}, "negative"},
		{"duplicate part", 100, []Part{{PartID: 1}, {PartID: 1}}, Rule{Basis: Equal}, Options{}, "twice"},
		{"all zero areas", 100, []Part{{PartID: 1}, {PartID: 2}}, Rule{Basis: ByArea}, Options{}, "every part weighs zero"},
		{"all exempt", 100, []Part{{PartID: 1, Exempt: true}}, Rule{Basis: Equal}, Options{}, "every part weighs zero"},
		{"only ground floor", 100, []Part{{PartID: 1, Floor: 1}}, Rule{Basis: ByFloorCoefficient, Coefficients: c}, Options{}, "every part weighs zero"},
		{"missing floor names the part", 100, []Part{{PartID: 1, Floor: 1}, {PartID: 4711, Floor: 9}}, Rule{Basis: ByFloorCoefficient, Coefficients: c}, Options{}, "part 4711"},
		{"negative coefficient", 100, []Part{{PartID: 1, Floor: 1}}, Rule{Basis: ByFloorCoefficient, Coefficients: map[int]Ratio{1: R(-1, 1)}}, Options{}, "bad floor coefficient"},
		{"zero denominator", 100, []Part{{PartID: 1, Floor: 1}}, Rule{Basis: ByFloorCoefficient, Coefficients: map[int]Ratio{1: R(1, 0)}}, Options{}, "bad floor coefficient"},
		{"unknown basis", 100, []Part{{PartID: 1}}, Rule{Basis: "volume"}, Options{}, "unknown sharing basis"},
		{"nested mix", 100, []Part{{PartID: 1}}, Rule{Basis: Mix, Portions: []Portion{{Weight: R(1, 1), Rule: Rule{Basis: Mix}}}}, Options{}, "may not contain a mix"},
		{"empty mix", 100, []Part{{PartID: 1}}, Rule{Basis: Mix}, Options{}, "no portions"},
		{"zero mix", 100, []Part{{PartID: 1}}, Rule{Basis: Mix, Portions: []Portion{{Rule: Rule{Basis: Equal}}}}, Options{}, "every portion weighs zero"},
		{"remainder part not in scope", 100, []Part{{PartID: 1}}, Rule{Basis: Equal}, Options{Remainder: ToPart, Part: 2}, "not in scope"},
		{"remainder part exempt", 100, []Part{{PartID: 1}, {PartID: 2, Exempt: true}}, Rule{Basis: Equal}, Options{Remainder: ToPart, Part: 2}, "weighs nothing"},
		{"unknown remainder", 100, []Part{{PartID: 1}}, Rule{Basis: Equal}, Options{Remainder: 9}, "unknown remainder"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Split(tc.total, tc.parts, tc.rule, tc.opt)
			if huanxin.ErrorCode(err) != huanxin.EINVALID {
				t.Fatalf("err = %v, want EINVALID", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

// checkInvariants checks what every result must satisfy: one share per
// part in order, amounts non-negative and adding up to the total, exact
// shares adding up to 1, weightless parts paying nothing, and, for a plain
// rule with the largest remainder, every amount within one fen of its quota.
func checkInvariants(t testing.TB, total huanxin.Money, parts []Part, rule Rule, opt Options, got []Share) {
	t.Helper()
	if len(got) != len(parts) {
		t.Fatalf("%d shares for %d parts", len(got), len(parts))
	}
	var sum huanxin.Money
	shares := new(big.Rat)
	for i, s := range got {
		if s.PartID != parts[i].PartID {
			t.Fatalf("share %d is part %d, want %d", i, s.PartID, parts[i].PartID)
		}
		if s.Amount < 0 {
			t.Fatalf("part %d: negative amount %d", s.PartID, s.Amount)
		}
		var lines huanxin.Money
		for _, l := range s.Lines {
			lines += l.Amount
		}
		if lines != s.Amount {
			t.Fatalf("part %d: lines add to %d, amount %d", s.PartID, lines, s.Amount)
		}
		sum += s.Amount
		shares.Add(shares, s.Share)
		if s.Share.Sign() == 0 && s.Amount != 0 && !(opt.Remainder == ToPart && opt.Part == s.PartID) {
			t.Fatalf("part %d weighs nothing but pays %d", s.PartID, s.Amount)
		}
		if rule.Basis != Mix && opt.Remainder == LargestRemainder {
			// |amount − share × total| < 1
			q := new(big.Rat).Mul(s.Share, new(big.Rat).SetInt64(int64(total)))
			d := new(big.Rat).Sub(new(big.Rat).SetInt64(int64(s.Amount)), q)
			if d.Abs(d).Cmp(big.NewRat(1, 1)) >= 0 {
				t.Fatalf("part %d: amount %d is a fen or more from its quota %s", s.PartID, s.Amount, q.FloatString(4))
			}
		}
	}
	if sum != total {
		t.Fatalf("amounts add up to %d, want %d", sum, total)
	}
	if shares.Cmp(big.NewRat(1, 1)) != 0 {
		t.Fatalf("shares add up to %s, want 1", shares.RatString())
	}
}

var coefTable = map[int]Ratio{1: R(0, 1), 2: R(4, 5), 3: R(1, 1), 4: R(6, 5), 5: R(7, 5), 6: R(3, 2), 7: R(17, 10), 8: R(1, 3), 9: R(2, 7)}

func randomParts(r *rand.Rand, n int) []Part {
	parts := make([]Part, n)
	for i := range parts {
		parts[i] = Part{PartID: int64(i*7 + 1 + r.IntN(7)), Floor: 1 + r.IntN(9)}
		switch r.IntN(10) {
		case 0:
			// zero area
		case 1:
			parts[i].Area = huanxin.Area(r.Int64N(1e12)) // very large
		default:
			parts[i].Area = huanxin.Area(3000 + r.Int64N(15000))
		}
		parts[i].Exempt = r.IntN(15) == 0
	}
	r.Shuffle(n, func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
	return parts
}

func randomRule(r *rand.Rand) Rule {
	plain := []Basis{ByArea, ByFloorCoefficient, ByFloorCoefficientArea, Equal}
	if r.IntN(5) > 0 {
		return Rule{Basis: plain[r.IntN(len(plain))], Coefficients: coefTable}
	}
	var ps []Portion
	for k := 0; k < 1+r.IntN(3); k++ {
		ps = append(ps, Portion{Weight: R(r.Int64N(10), 1+r.Int64N(4)), Rule: Rule{Basis: plain[r.IntN(len(plain))], Coefficients: coefTable}})
	}
	ps[0].Weight = R(1, 1)
	return Rule{Basis: Mix, Portions: ps}
}

func randomTotal(r *rand.Rand) huanxin.Money {
	switch r.IntN(5) {
	case 0:
		return 1
	case 1:
		return huanxin.Money(r.Int64N(100))
	case 2:
		return huanxin.Money(r.Int64N(1e12 + 1))
	case 3:
		return 1e12
	}
	return huanxin.Money(r.Int64N(1e8))
}

func TestSplitProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := 3000
	if testing.Short() {
		n = 300
	}
	for i := 0; i < n; i++ {
		parts := randomParts(r, 1+r.IntN(60))
		rule := randomRule(r)
		total := randomTotal(r)
		opt := Options{Remainder: Remainder(r.IntN(3))}
		if opt.Remainder == ToPart {
			opt.Part = parts[r.IntN(len(parts))].PartID
		}
		got, err := Split(total, parts, rule, opt)
		if err != nil {
			code := huanxin.ErrorCode(err)
			msg := err.Error()
			if code == huanxin.EINVALID && (strings.Contains(msg, "weighs zero") || strings.Contains(msg, "weighs nothing")) {
				continue // all weights zero, or the remainder part weighs nothing
			}
			t.Fatalf("case %d: %v", i, err)
		}
		checkInvariants(t, total, parts, rule, opt, got)
	}
}

// TestSplitLarge splits 10^12 fen (10 billion yuan) among 10^5 parts.
func TestSplitLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("large")
	}
	r := rand.New(rand.NewPCG(3, 4))
	parts := randomParts(r, 100000)
	for _, rule := range []Rule{{Basis: ByArea}, {Basis: ByFloorCoefficientArea, Coefficients: coefTable}, {Basis: Equal}, {Basis: Mix, Portions: []Portion{
		{Weight: R(7, 10), Rule: Rule{Basis: ByArea}}, {Weight: R(3, 10), Rule: Rule{Basis: ByFloorCoefficient, Coefficients: coefTable}}}}} {
		for _, total := range []huanxin.Money{1, 1e12 - 1} {
			for _, rem := range []Remainder{LargestRemainder, ToLargestWeight} {
				got, err := Split(total, parts, rule, Options{Remainder: rem})
				if err != nil {
					t.Fatal(err)
				}
				checkInvariants(t, total, parts, rule, Options{Remainder: rem}, got)
			}
		}
	}
}

func BenchmarkSplitFloorCoefficient10k(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	parts := randomParts(r, 10000)
	rule := Rule{Basis: ByFloorCoefficient, Coefficients: coefTable}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Split(123456789012, parts, rule, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSplitArea10k(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	parts := randomParts(r, 10000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Split(123456789012, parts, Rule{Basis: ByArea}, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
