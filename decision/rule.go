// Package decision is the pure domain core of owners' joint decisions
// (业主共同决定, Civil Code Art. 278): the counting rule of each item, the
// frozen electorate of a vote (SPC interpretation on building-division
// ownership, arts. 8–9) and the tally of ballots. It does no I/O and never
// uses floating point: every ratio is an exact integer fraction.
package decision

import (
	"math/big"
	"math/bits"
)

// Item is the matter of Art. 278 para. 1 that a vote decides (1–9), or
// Consultation (0) for a non-binding opinion poll.
type Item int

// The items of Art. 278, numbered as in the article.
const (
	Consultation   Item = 0 // 征求意见，不具约束力
	ItemProcedure  Item = 1 // 制定和修改业主大会议事规则
	ItemCovenant   Item = 2 // 制定和修改管理规约
	ItemCommittee  Item = 3 // 选举业主委员会或者更换业主委员会成员
	ItemManager    Item = 4 // 选聘和解聘物业服务企业或者其他管理人
	ItemUseFund    Item = 5 // 使用建筑物及其附属设施的维修资金
	ItemRaiseFund  Item = 6 // 筹集建筑物及其附属设施的维修资金
	ItemRebuild    Item = 7 // 改建、重建建筑物及其附属设施（含加装电梯）
	ItemChangeUse  Item = 8 // 改变共有部分的用途或者利用共有部分从事经营活动
	ItemOtherMajor Item = 9 // 有关共有和共同管理权利的其他重大事项
)

// Valid reports whether i is Consultation or one of items 1–9.
func (i Item) Valid() bool { return i >= Consultation && i <= ItemOtherMajor }

// Ratio is an exact non-negative fraction Num/Den.
type Ratio struct{ Num, Den int64 }

// Bound is a required ratio: a share must reach it (Inclusive, "以上") or
// exceed it (not Inclusive, "过半数").
type Bound struct {
	Ratio
	Inclusive bool
}

// Rule is the quorum (participants over electorate) and the threshold
// (agreeing over participants) of an item; both the area and the persons
// condition of each pair must hold. Binding is false for Consultation, whose
// bounds are zero.
type Rule struct {
	Binding                   bool
	QuorumArea, QuorumPersons Bound
	AgreeArea, AgreePersons   Bound
}

var (
	twoThirds     = Bound{Ratio{2, 3}, true}
	threeQuarters = Bound{Ratio{3, 4}, true}
	overHalf      = Bound{Ratio{1, 2}, false}
)

// Rule returns the counting rule of the item: every binding item needs at
// least 2/3 of the area and of the persons to take part; items 6, 7 and 8
// then need at least 3/4 of the participating area and persons to agree, all
// other items more than half. An invalid item yields the zero Rule.
func (i Item) Rule() Rule {
	if !i.Valid() || i == Consultation {
		return Rule{}
	}
	r := Rule{Binding: true, QuorumArea: twoThirds, QuorumPersons: twoThirds,
		AgreeArea: overHalf, AgreePersons: overHalf}
	if i == ItemRaiseFund || i == ItemRebuild || i == ItemChangeUse {
		r.AgreeArea, r.AgreePersons = threeQuarters, threeQuarters
	}
	return r
}

// Meets reports whether num/den reaches the bound. A zero or negative
// denominator, or a negative numerator, never meets it. The comparison
// num·b.Den ⋛ b.Num·den is done in 128 bits and cannot overflow.
func (b Bound) Meets(num, den int64) bool {
	if den <= 0 || num < 0 || b.Den <= 0 || b.Num < 0 {
		return false
	}
	lh, ll := bits.Mul64(uint64(num), uint64(b.Den))
	rh, rl := bits.Mul64(uint64(b.Num), uint64(den))
	c := cmp128(lh, ll, rh, rl)
	return c > 0 || (c == 0 && b.Inclusive)
}

func cmp128(ah, al, bh, bl uint64) int {
	switch {
	case ah != bh:
		if ah < bh {
			return -1
		}
		return 1
	case al < bl:
		return -1
	case al > bl:
		return 1
	}
	return 0
}

// Percent formats num/den as a percentage with two decimals, rounded half
// up, by exact integer arithmetic ("66.67"); "-" when den is not positive.
func Percent(num, den int64) string {
	if den <= 0 {
		return "-"
	}
	neg := num < 0
	n := new(big.Int).Abs(big.NewInt(num))
	n.Mul(n, big.NewInt(10000))
	d := big.NewInt(den)
	n, r := n.QuoRem(n, d, new(big.Int))
	if r.Lsh(r, 1).Cmp(d) >= 0 {
		n.Add(n, big.NewInt(1))
	}
	s := n.String()
	for len(s) < 3 {
		s = "0" + s
	}
	s = s[:len(s)-2] + "." + s[len(s)-2:]
	if neg {
		s = "-" + s
	}
	return s
}
