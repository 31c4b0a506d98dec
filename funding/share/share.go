// Package share splits a cost among the exclusive parts (专有部分) in scope,
// to the fen, so that the amounts add up exactly to the total.
//
// A Rule gives every part a weight: its floor area (ByArea), its floor's
// coefficient (ByFloorCoefficient, for lifts: coefficients per floor agreed
// by the stairwell's owners, the ground floor often 0), the coefficient times
// the area (ByFloorCoefficientArea), one (Equal), or weighted portions of the
// total each split by its own rule (Mix). Exempt parts weigh nothing under
// every rule.
//
// A part's exact share is its weight over the total weight (a rational, kept
// exactly for the printable statement "your share = your area / total area ×
// total"); its quota is share × total fen. Quotas are rarely whole fen, so
// each part first gets its quota rounded down and the fen left over (fewer
// than the number of parts with a positive weight) go where the Remainder
// option says. All arithmetic is on integers (math/big); there is no floating
// point anywhere in this package.
package share

import (
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/huanxin/huanxin"
)

// Part is one exclusive part in scope.
type Part struct {
	PartID int64
	Area   huanxin.Area // hundredths of a square metre, ≥ 0
	Floor  int          // the floor the part is on, looked up in a coefficient table
	Exempt bool         // pays nothing under any rule (e.g. exempted by the owners' decision)
}

// Basis names how a rule weighs the parts.
type Basis string

const (
	ByArea                 Basis = "area"       // weight = floor area
	ByFloorCoefficient     Basis = "floor"      // weight = the coefficient of the part's floor
	ByFloorCoefficientArea Basis = "floor_area" // weight = the coefficient of the part's floor × floor area
	Equal                  Basis = "equal"      // weight = 1 for every part not exempt
	Mix                    Basis = "mix"        // the total is split into weighted portions, each by its own rule
)

// Rule is how one cost is split.
type Rule struct {
	Basis Basis
	// Coefficients maps a floor to its coefficient, for the floor bases.
	// A part whose floor is not in the table (and that is not exempt) is
	// an error naming the part.
	Coefficients map[int]Ratio
	// Portions are the parts of a Mix, e.g. 70 % by area and 30 % equal.
	// Portion weights need not add up to anything: each portion gets
	// weight / Σ weights of the total. Portions may not themselves be Mix.
	Portions []Portion
}

// Portion is one weighted part of a Mix.
type Portion struct {
	Weight Ratio
	Rule   Rule
}

// Remainder says where the fen left over after rounding every quota down go.
type Remainder int

const (
	// LargestRemainder (Hamilton's method) gives one fen each to the parts
	// with the largest fractional parts of their quotas. Ties are broken
	// by the larger weight first, then the lower PartID. Every part then
	// pays its quota rounded down or up, never further from it.
	LargestRemainder Remainder = iota
	// ToPart gives all leftover fen to the part named by Options.Part,
	// which must be in scope with a positive weight. The others pay their
	// quota rounded down; the named part may pay up to (number of parts
	// with a positive weight − 1) fen more than its quota.
	ToPart
	// ToLargestWeight gives all leftover fen to the part with the largest
	// weight (ties: the lower PartID), e.g. the largest flat.
	ToLargestWeight
)

// String names the rule for statements.
func (r Remainder) String() string {
	switch r {
	case LargestRemainder:
		return "最大余额法 largest remainder (ties: larger weight, then lower part ID)"
	case ToPart:
		return "尾差计入指定专有部分 remainder to a named part"
	case ToLargestWeight:
		return "尾差计入权重最大者 remainder to the largest weight (ties: lower part ID)"
	}
	return fmt.Sprintf("Remainder(%d)", int(r))
}

// Options are the choices that do not change the exact shares.
type Options struct {
	Remainder Remainder
	Part      int64 // the PartID that takes the remainder with ToPart
}

// Share is one part's result.
type Share struct {
	PartID int64
	Amount huanxin.Money // in fen; the Amounts of all parts add up to the total
	// Share is the exact fraction of the total this part bears (reduced);
	// Amount is Share × total rounded by the Remainder option (for a Mix,
	// each portion is rounded separately, see Lines).
	Share *big.Rat
	// Lines explain the amount: one per rule (one for a plain rule, one per
	// portion for a Mix). The Lines' Amounts add up to Amount.
	Lines []Line
}

// Line is the amount a part bears of one portion split by one rule:
// Amount ≈ Weight / TotalWeight × Portion.
type Line struct {
	Basis       Basis
	Portion     huanxin.Money // the amount split by this rule (the total, or a Mix portion)
	Weight      *big.Rat      // the part's weight in the rule's unit (m², coefficient, coefficient × m², 1)
	TotalWeight *big.Rat      // the sum of all parts' weights
	Amount      huanxin.Money
}

// String renders the line for a printable statement, e.g.
// "面积 area 85.32 / 4321.00 × 10000.00 = 197.45".
func (l Line) String() string {
	return fmt.Sprintf("%s %s / %s × %s = %s", basisLabel(l.Basis), FormatRat(l.Weight), FormatRat(l.TotalWeight), l.Portion, l.Amount)
}

func basisLabel(b Basis) string {
	switch b {
	case ByArea:
		return "面积 area"
	case ByFloorCoefficient:
		return "楼层系数 floor coefficient"
	case ByFloorCoefficientArea:
		return "楼层系数×面积 floor coefficient × area"
	case Equal:
		return "按户均摊 equal"
	}
	return string(b)
}

// FormatRat prints a rational as a decimal when it has one with at most
// six fraction digits ("85.32", "1.2", "0") and as "p/q" otherwise.
func FormatRat(r *big.Rat) string {
	if r == nil {
		return ""
	}
	if r.IsInt() {
		return r.Num().String()
	}
	for d := 1; d <= 6; d++ {
		scaled := new(big.Rat).Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d)), nil)))
		if scaled.IsInt() {
			return r.FloatString(d)
		}
	}
	return r.String()
}

// Split divides total among parts by rule. The result has one Share per
// part, in the order given, and its Amounts add up to total exactly.
//
// Errors (EINVALID): no parts, a duplicate PartID, a negative area, total
// or coefficient, a floor missing from the coefficient table (naming the
// part), every weight zero, and a remainder part that is not in scope or
// weighs nothing.
func Split(total huanxin.Money, parts []Part, rule Rule, opt Options) ([]Share, error) {
	if total < 0 {
		return nil, huanxin.Invalid("分摊总额不能为负 the total may not be negative", huanxin.FieldError{Field: "total", Message: total.String()})
	}
	if len(parts) == 0 {
		return nil, huanxin.Invalid("没有参与分摊的专有部分 no parts to share among")
	}
	seen := make(map[int64]struct{}, len(parts))
	for i, p := range parts {
		if _, dup := seen[p.PartID]; dup {
			return nil, huanxin.Invalid("专有部分重复 a part is listed twice", partField(i, p, "part_id", "重复 duplicate"))
		}
		seen[p.PartID] = struct{}{}
		if p.Area < 0 {
			return nil, huanxin.Invalid("面积不能为负 an area may not be negative", partField(i, p, "area", p.Area.String()))
		}
	}
	switch opt.Remainder {
	case LargestRemainder, ToLargestWeight:
	case ToPart:
		if _, ok := seen[opt.Part]; !ok {
			return nil, huanxin.Invalid("尾差承担者不在分摊范围内 the remainder part is not in scope", huanxin.FieldError{Field: "remainder_part", Message: fmt.Sprint(opt.Part)})
		}
	default:
		return nil, huanxin.Invalid("未知的尾差规则 unknown remainder rule", huanxin.FieldError{Field: "remainder", Message: opt.Remainder.String()})
	}

	out := make([]Share, len(parts))
	for i, p := range parts {
		out[i] = Share{PartID: p.PartID, Share: new(big.Rat)}
	}
	if rule.Basis != Mix {
		w, err := rule.weights(parts)
		if err != nil {
			return nil, err
		}
		if err := w.addTo(out, total, int64(total), opt); err != nil {
			return nil, err
		}
		for i := range out {
			out[i].Share.SetFrac(w.ints[i], w.total)
		}
		return out, nil
	}

	if len(rule.Portions) == 0 {
		return nil, huanxin.Invalid("混合分摊没有分项 a mix has no portions", huanxin.FieldError{Field: "portions", Message: "空 empty"})
	}
	pw := make([]*big.Rat, len(rule.Portions))
	pids := make([]int64, len(rule.Portions))
	for k, po := range rule.Portions {
		if po.Rule.Basis == Mix {
			return nil, huanxin.Invalid("混合分摊不能嵌套 a mix may not contain a mix", huanxin.FieldError{Field: fmt.Sprintf("portions[%d]", k), Message: "mix"})
		}
		r, err := po.Weight.rat()
		if err != nil || r.Sign() < 0 {
			return nil, huanxin.Invalid("分项权重无效 bad portion weight", huanxin.FieldError{Field: fmt.Sprintf("portions[%d].weight", k), Message: po.Weight.String()})
		}
		pw[k], pids[k] = r, int64(k)
	}
	pint, ptotal := integerWeights(pw)
	if ptotal.Sign() == 0 {
		return nil, huanxin.Invalid("分项权重全为零 every portion weighs zero", huanxin.FieldError{Field: "portions", Message: "0"})
	}
	// The portions are split with Hamilton's method, ties to the larger
	// weight, then the earlier portion.
	pamt := apportion(int64(total), pint, ptotal, pids, Options{Remainder: LargestRemainder})
	// A part's exact share is Σ_k (p_k / P) × (w_ik / W_k). Over the common
	// denominator D = P × Π W_k its numerator is Σ_k w_ik × p_k × Π_{j≠k} W_j.
	var ws []*weighting
	for k, po := range rule.Portions {
		if pint[k].Sign() == 0 {
			continue
		}
		w, err := po.Rule.weights(parts)
		if err != nil {
			return nil, err
		}
		if err := w.addTo(out, huanxin.Money(pamt[k]), pamt[k], opt); err != nil {
			return nil, err
		}
		w.portion = pint[k]
		ws = append(ws, w)
	}
	den := new(big.Int).Set(ptotal)
	coef := make([]*big.Int, len(ws))
	for k, w := range ws {
		den.Mul(den, w.total)
		coef[k] = new(big.Int).Set(w.portion)
		for j, v := range ws {
			if j != k {
				coef[k].Mul(coef[k], v.total)
			}
		}
	}
	num, t := new(big.Int), new(big.Int)
	for i := range out {
		num.SetInt64(0)
		for k, w := range ws {
			num.Add(num, t.Mul(coef[k], w.ints[i]))
		}
		out[i].Share.SetFrac(num, den)
	}
	return out, nil
}

func partField(i int, p Part, field, msg string) huanxin.FieldError {
	return huanxin.FieldError{Field: fmt.Sprintf("parts[%d].%s", i, field), Message: fmt.Sprintf("专有部分 part %d：%s", p.PartID, msg)}
}

// weighting is one rule applied to the parts: each weight as a rational in
// the rule's unit, and the same weights scaled to integers.
type weighting struct {
	basis  Basis
	rats   []*big.Rat
	ints   []*big.Int
	total  *big.Int
	rtotal *big.Rat
	ids    []int64
	// portion is the Mix portion's integer weight (nil for a plain rule).
	portion *big.Int
}

func (r Rule) weights(parts []Part) (*weighting, error) {
	w := &weighting{basis: r.Basis, rats: make([]*big.Rat, len(parts)), ids: make([]int64, len(parts))}
	var coef map[int]*big.Rat
	switch r.Basis {
	case ByArea, Equal:
	case ByFloorCoefficient, ByFloorCoefficientArea:
		coef = make(map[int]*big.Rat, len(r.Coefficients))
		for f, c := range r.Coefficients {
			q, err := c.rat()
			if err != nil || q.Sign() < 0 {
				return nil, huanxin.Invalid("楼层系数无效 bad floor coefficient", huanxin.FieldError{Field: fmt.Sprintf("coefficients[%d]", f), Message: c.String()})
			}
			coef[f] = q
		}
	default:
		return nil, huanxin.Invalid("未知的分摊方式 unknown sharing basis", huanxin.FieldError{Field: "basis", Message: string(r.Basis)})
	}
	zero := new(big.Rat)
	one := new(big.Rat).SetInt64(1)
	for i, p := range parts {
		w.ids[i] = p.PartID
		if p.Exempt {
			w.rats[i] = zero
			continue
		}
		switch r.Basis {
		case ByArea:
			w.rats[i] = big.NewRat(int64(p.Area), 100)
		case Equal:
			w.rats[i] = one
		case ByFloorCoefficient, ByFloorCoefficientArea:
			c, ok := coef[p.Floor]
			if !ok {
				return nil, huanxin.Invalid(fmt.Sprintf("专有部分 %d 所在的第%d层没有楼层系数 no coefficient for floor %d of part %d", p.PartID, p.Floor, p.Floor, p.PartID),
					partField(i, p, "floor", fmt.Sprintf("第%d层没有系数 no coefficient for floor %d", p.Floor, p.Floor)))
			}
			if r.Basis == ByFloorCoefficient {
				w.rats[i] = c
			} else {
				w.rats[i] = new(big.Rat).Mul(c, big.NewRat(int64(p.Area), 100))
			}
		}
	}
	w.ints, w.total = integerWeights(w.rats)
	if w.total.Sign() == 0 {
		return nil, huanxin.Invalid("所有专有部分的分摊权重都为零 every part weighs zero", huanxin.FieldError{Field: "basis", Message: string(r.Basis)})
	}
	w.rtotal = new(big.Rat)
	for _, q := range w.rats {
		w.rtotal.Add(w.rtotal, q)
	}
	return w, nil
}

// addTo splits amount (fen) by the weighting and adds each part's amount
// and line to out.
func (w *weighting) addTo(out []Share, portion huanxin.Money, amount int64, opt Options) error {
	if opt.Remainder == ToPart {
		for i, id := range w.ids {
			if id == opt.Part && w.ints[i].Sign() == 0 {
				return huanxin.Invalid("尾差承担者的分摊权重为零 the remainder part weighs nothing", huanxin.FieldError{Field: "remainder_part", Message: fmt.Sprintf("专有部分 part %d (%s)", id, w.basis)})
			}
		}
	}
	amt := apportion(amount, w.ints, w.total, w.ids, opt)
	for i := range out {
		out[i].Amount += huanxin.Money(amt[i])
		out[i].Lines = append(out[i].Lines, Line{Basis: w.basis, Portion: portion, Weight: w.rats[i], TotalWeight: w.rtotal, Amount: huanxin.Money(amt[i])})
	}
	return nil
}

// integerWeights scales non-negative rationals by the least common multiple
// of their denominators, giving integers in the same proportions, and their sum.
func integerWeights(rats []*big.Rat) ([]*big.Int, *big.Int) {
	lcm := big.NewInt(1)
	g := new(big.Int)
	for _, r := range rats {
		d := r.Denom()
		if d.Cmp(lcm) == 0 || d.IsInt64() && d.Int64() == 1 {
			continue
		}
		g.GCD(nil, nil, lcm, d)
		lcm.Mul(lcm, new(big.Int).Quo(d, g))
	}
	ints := make([]*big.Int, len(rats))
	total := new(big.Int)
	for i, r := range rats {
		v := new(big.Int).Quo(lcm, r.Denom())
		v.Mul(v, r.Num())
		ints[i] = v
		total.Add(total, v)
	}
	return ints, total
}

// apportion splits total fen in proportion to the integer weights (whose
// sum is sum > 0) by the remainder option. The results add up to total.
func apportion(total int64, weights []*big.Int, sum *big.Int, ids []int64, opt Options) []int64 {
	n := len(weights)
	out := make([]int64, n)
	rem := make([]*big.Int, n)
	t := big.NewInt(total)
	q := new(big.Int)
	var given int64
	for i, w := range weights {
		r := new(big.Int)
		q.Mul(t, w)
		q.QuoRem(q, sum, r)
		out[i] = q.Int64() // ≤ total, so it fits
		rem[i] = r
		given += out[i]
	}
	left := total - given // < the number of positive weights
	if left == 0 {
		return out
	}
	switch opt.Remainder {
	case ToPart:
		for i, id := range ids {
			if id == opt.Part {
				out[i] += left
				return out
			}
		}
	case ToLargestWeight:
		best := -1
		for i, w := range weights {
			if best < 0 {
				best = i
				continue
			}
			if c := w.Cmp(weights[best]); c > 0 || c == 0 && ids[i] < ids[best] {
				best = i
			}
		}
		out[best] += left
		return out
	}
	idx := make([]int, 0, n)
	for i, r := range rem {
		if r.Sign() > 0 {
			idx = append(idx, i)
		}
	}
	sort.Slice(idx, func(a, b int) bool {
		i, j := idx[a], idx[b]
		if c := rem[i].Cmp(rem[j]); c != 0 {
			return c > 0
		}
		if c := weights[i].Cmp(weights[j]); c != 0 {
			return c > 0
		}
		return ids[i] < ids[j]
	})
	for k := int64(0); k < left; k++ {
		out[idx[k]]++
	}
	return out
}

// Ratio is an exact non-negative rational Num/Den, e.g. a floor coefficient
// or a Mix portion weight. The zero Ratio is 0.
type Ratio struct {
	Num, Den int64
}

// R returns the ratio num/den.
func R(num, den int64) Ratio { return Ratio{Num: num, Den: den} }

func (r Ratio) rat() (*big.Rat, error) {
	den := r.Den
	if den == 0 && r.Num == 0 {
		den = 1
	}
	if den <= 0 {
		return nil, fmt.Errorf("share: ratio %d/%d has a non-positive denominator", r.Num, r.Den)
	}
	return big.NewRat(r.Num, den), nil
}

// String prints the ratio as FormatRat does ("1.2", "1/3").
func (r Ratio) String() string {
	q, err := r.rat()
	if err != nil {
		return fmt.Sprintf("%d/%d", r.Num, r.Den)
	}
	return FormatRat(q)
}

// ParseRatio parses a coefficient exactly: a decimal ("1.2", "0.85", "2",
// "1,000.5", at most 12 fraction digits and 18 digits in all), a fraction ("1/3") or a
// percentage ("70%"). It never uses floating point. Negative values are
// refused.
func ParseRatio(s string) (Ratio, error) {
	orig := s
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	bad := huanxin.Invalid("无法识别的系数 not an exact non-negative number", huanxin.FieldError{Field: "coefficient", Message: orig})
	pct := false
	if strings.HasSuffix(s, "%") {
		pct, s = true, strings.TrimSpace(strings.TrimSuffix(s, "%"))
	}
	if a, b, ok := strings.Cut(s, "/"); ok && !pct {
		n, okn := digits(a)
		d, okd := digits(b)
		if !okn || !okd || d == 0 {
			return Ratio{}, bad
		}
		return reduce(n, d), nil
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" || len(frac) > 12 || len(whole)+len(frac) > 18 {
		return Ratio{}, bad
	}
	if whole == "" {
		whole = "0"
	}
	w, okw := digits(whole)
	f := int64(0)
	okf := true
	if frac != "" {
		f, okf = digits(frac)
	}
	if !okw || !okf {
		return Ratio{}, bad
	}
	den := int64(1)
	for range frac {
		den *= 10
	}
	num := w*den + f
	if pct {
		den *= 100
	}
	return reduce(num, den), nil
}

func digits(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 18 {
		return 0, false
	}
	var v int64
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}

func reduce(n, d int64) Ratio {
	a, b := n, d
	for b != 0 {
		a, b = b, a%b
	}
	if a == 0 {
		return Ratio{0, 1}
	}
	return Ratio{n / a, d / a}
}

// ParseCoefficients parses a floor → coefficient table given as decimal
// strings, e.g. {1: "0", 2: "0.8", 3: "1", 4: "1.2"}.
func ParseCoefficients(table map[int]string) (map[int]Ratio, error) {
	out := make(map[int]Ratio, len(table))
	var bad []huanxin.FieldError
	for f, s := range table {
		r, err := ParseRatio(s)
		if err != nil {
			bad = append(bad, huanxin.FieldError{Field: fmt.Sprintf("第%d层 floor %d", f, f), Message: s})
			continue
		}
		out[f] = r
	}
	if len(bad) > 0 {
		sort.Slice(bad, func(i, j int) bool { return bad[i].Field < bad[j].Field })
		return nil, huanxin.Invalid("楼层系数无效 bad floor coefficients", bad...)
	}
	return out, nil
}
