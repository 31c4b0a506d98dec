// Package funding blends the money for an estate's renovation plan: which
// source pays how much of which item, whether a source may pay for an item
// at all, what is still missing (the gap) and which items lost money they
// had. Owners' cost shares are in funding/share, the social-capital
// appraisal in funding/appraise.
package funding

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/planning/plan"
)

// Status is how far a source's money for an item has come: promised,
// arrived, assigned to a contract, paid out.
type Status string

const (
	Committed Status = "committed" // 已承诺
	Received  Status = "received"  // 已到位
	Allocated Status = "allocated" // 已安排（合同）
	Paid      Status = "paid"      // 已支付
)

// Statuses lists the statuses in order; money only moves forward.
var Statuses = []Status{Committed, Received, Allocated, Paid}

// Line is the money of one source for one item of a plan.
type Line struct {
	ID        int64
	ItemCode  string
	Source    string // a key of planning.SourceTypes
	Amount    huanxin.Money
	Status    Status
	Ref       string // the document that commits or transfers it
	Withdrawn bool   // the source took it back: kept for the record, not counted
}

// Rules are a city's eligibility rules beyond each catalogue item's own
// list of sources.
type Rules struct {
	// CutoffYear: the central subsidy pays only for 基础类 items of estates
	// completed by the end of this year (2000 in the 2020 guidance).
	CutoffYear int
}

// DefaultRules follow the 2020 guidance.
var DefaultRules = Rules{CutoffYear: 2000}

// Eligible says whether a source may pay for an item of an estate built in
// yearBuilt; the error says why not, in words an officer can act on.
func (r Rules) Eligible(it *planning.Item, source string, yearBuilt int) error {
	name := source
	for _, t := range planning.SourceTypes {
		if t.Key == source {
			name = t.Zh
		}
	}
	switch {
	case !slices.ContainsFunc(planning.SourceTypes, func(t planning.Term) bool { return t.Key == source }):
		return huanxin.Invalid("资金来源无效 unknown funding source", huanxin.FieldError{Field: "source", Message: "未知的资金来源 unknown source " + source})
	case !slices.Contains(it.Sources, source):
		return huanxin.Invalid("该资金来源不能用于此项目 this source may not pay for the item", huanxin.FieldError{Field: "source",
			Message: "“" + it.Name + "”的可用资金来源不含“" + name + "” the catalogue does not let this source pay for the item"})
	case source == planning.SourceCentralSubsidy && it.Category != planning.CategoryBasic:
		return huanxin.Invalid("中央补助只能用于基础类项目 the central subsidy pays for basic items only", huanxin.FieldError{Field: "source",
			Message: "中央补助只能用于基础类改造内容 the central subsidy pays for basic items only"})
	case source == planning.SourceCentralSubsidy && r.CutoffYear > 0 && yearBuilt > r.CutoffYear:
		return huanxin.Invalid("中央补助只能用于老旧小区 the central subsidy is for old estates only", huanxin.FieldError{Field: "source",
			Message: "小区建成于" + strconv.Itoa(yearBuilt) + "年，晚于本市中央补助截止年份" + strconv.Itoa(r.CutoffYear) + "年 the estate was built after the cut-off year"})
	}
	return nil
}

// Cover is the funding of one item of a plan: its cost, the money counted
// at each status (a line counts at its status and every earlier one:
// paid money was also committed), and the gap still to find.
type Cover struct {
	ItemCode string
	Name     string
	Category string
	Cost     huanxin.Money
	BySource map[string]huanxin.Money
	ByStatus map[Status]huanxin.Money
	Gap      huanxin.Money // cost − committed, never below 0
	Surplus  huanxin.Money // committed − cost, when more was found than needed
}

// Coverage lists the cover of each item of the plan's lines (lines of the
// same item in several zones or phases are one item) in plan order, and
// the totals of the whole plan as an item with an empty code.
func Coverage(lines []plan.Line, money []Line) ([]Cover, Cover, error) {
	var out []Cover
	idx := map[string]int{}
	for _, l := range lines {
		cost, ok := l.Total()
		if !ok {
			return nil, Cover{}, huanxin.Errorf(huanxin.EINVALID, "项目“%s”金额超出范围 the cost of %s is out of range", l.Name, l.ItemCode)
		}
		i, seen := idx[l.ItemCode]
		if !seen {
			i = len(out)
			idx[l.ItemCode] = i
			out = append(out, Cover{ItemCode: l.ItemCode, Name: l.Name, Category: l.Category, BySource: map[string]huanxin.Money{},
				ByStatus: map[Status]huanxin.Money{}})
		}
		out[i].Cost += cost
	}
	total := Cover{BySource: map[string]huanxin.Money{}, ByStatus: map[Status]huanxin.Money{}}
	for _, m := range money {
		i, ok := idx[m.ItemCode]
		if !ok || m.Withdrawn {
			continue
		}
		c := &out[i]
		c.BySource[m.Source] += m.Amount
		total.BySource[m.Source] += m.Amount
		for _, s := range Statuses[:slices.Index(Statuses, m.Status)+1] {
			c.ByStatus[s] += m.Amount
			total.ByStatus[s] += m.Amount
		}
	}
	for i := range out {
		c := &out[i]
		c.Gap, c.Surplus = max(c.Cost-c.ByStatus[Committed], 0), max(c.ByStatus[Committed]-c.Cost, 0)
		total.Cost += c.Cost
		total.Gap += c.Gap
		total.Surplus += c.Surplus
	}
	return out, total, nil
}

// Alert is an item that was fully funded and is no longer: a source
// withdrew or reduced its money.
type Alert struct {
	ItemCode string
	Name     string
	Gap      huanxin.Money
	Lost     []Line // the withdrawn lines that had covered it
}

// Alerts compares the cover with and without the withdrawn lines: an item
// whose gap is 0 counting them and positive without them has lost money
// it had. Alerts come in plan order.
func Alerts(lines []plan.Line, money []Line) ([]Alert, error) {
	withAll := slices.Clone(money)
	for i := range withAll {
		withAll[i].Withdrawn = false
	}
	before, _, err := Coverage(lines, withAll)
	if err != nil {
		return nil, err
	}
	now, _, err := Coverage(lines, money)
	if err != nil {
		return nil, err
	}
	var out []Alert
	for i, c := range now {
		if c.Gap > 0 && before[i].Gap == 0 {
			a := Alert{ItemCode: c.ItemCode, Name: c.Name, Gap: c.Gap}
			for _, m := range money {
				if m.Withdrawn && m.ItemCode == c.ItemCode {
					a.Lost = append(a.Lost, m)
				}
			}
			out = append(out, a)
		}
	}
	return out, nil
}

// Advance checks a status change made by hand: only committed money is
// marked received. Allocated and paid follow from the allocations to
// contracts and the payments (LineStatus), set when they are recorded.
func Advance(from, to Status) error {
	if from != Committed || to != Received {
		return huanxin.Invalid("状态无效 invalid status", huanxin.FieldError{Field: "status",
			Message: "只能把已承诺的资金标记为已到位；已安排、已支付由合同的资金安排和付款记录决定 only committed money is marked received by hand; allocated and paid follow from the contracts' allocations and payments"})
	}
	return nil
}

// SortLines orders funding lines by item (in plan order), then source, then ID.
func SortLines(lines []plan.Line, money []Line) {
	pos := map[string]int{}
	for i, l := range lines {
		if _, ok := pos[l.ItemCode]; !ok {
			pos[l.ItemCode] = i
		}
	}
	slices.SortStableFunc(money, func(a, b Line) int {
		return cmp.Or(cmp.Compare(pos[a.ItemCode], pos[b.ItemCode]), cmp.Compare(a.Source, b.Source), cmp.Compare(a.ID, b.ID))
	})
}
