package funding

import (
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
)

// Books are an estate's money records: the funding lines of all its
// plans, its contracts, the allocations and the payments.
type Books struct {
	CityID        int64
	EstateID      int64
	Lines         []Line
	Contracts     []*Contract
	Allocations   []Allocation
	Disbursements []Disbursement
}

// Totals are the sums Reconcile proves: sources (non-withdrawn money
// received or further) = allocated + unallocated, allocated = paid +
// outstanding.
type Totals struct {
	Sources, Allocated, Unallocated, Paid, Outstanding huanxin.Money
}

// Discrepancy is one way the books do not agree, naming the estate, the
// record (e.g. "payment 12") and its field.
type Discrepancy struct {
	EstateID int64
	Record   string
	Field    string
	Message  string
}

func (d Discrepancy) String() string {
	return fmt.Sprintf("estate %d: %s %s: %s", d.EstateID, d.Record, d.Field, d.Message)
}

func record(kind string, id int64) string { return kind + " " + strconv.FormatInt(id, 10) }

// Reconcile proves an estate's books: sources = allocations +
// unallocated and allocations = payments + outstanding, every allocation
// within its funding line and contract line (same item, received
// money), every payment within its milestone and allocation, contracts'
// lines and milestones adding up to their amounts, and each line's
// status what its allocations and payments make it. It returns the
// totals and the discrepancies, none when the books agree.
func Reconcile(b *Books) (Totals, []Discrepancy) {
	var t Totals
	var out []Discrepancy
	bad := func(rec, field, msg string) {
		out = append(out, Discrepancy{EstateID: b.EstateID, Record: rec, Field: field, Message: msg})
	}
	s := Tally(b.Allocations, b.Disbursements)
	lines := map[int64]Line{}
	for _, l := range b.Lines {
		lines[l.ID] = l
	}
	cls, ms := map[int64]ContractLine{}, map[int64]int64{} // contract lines; milestone → contract
	msAmount := map[int64]huanxin.Money{}
	for _, c := range b.Contracts {
		rec := record("contract", c.ID)
		var sum, due huanxin.Money
		for _, l := range c.Lines {
			cls[l.ID] = l
			sum += l.Amount
		}
		for _, m := range c.Milestones {
			ms[m.ID], msAmount[m.ID] = c.ID, m.Amount
			due += m.Amount
		}
		if sum != c.Amount {
			bad(rec, "lines", "合同明细合计"+sum.String()+"，合同金额"+c.Amount.String()+" lines do not add up to the amount")
		}
		if due != c.Amount {
			bad(rec, "milestones", "付款节点合计"+due.String()+"，合同金额"+c.Amount.String()+" milestones do not add up to the amount")
		}
	}
	for _, l := range b.Lines {
		if l.Withdrawn || l.Status == Committed {
			if s.FromLine[l.ID] != 0 {
				bad(record("funding_line", l.ID), "status", "未到位或已撤回的资金被安排了"+s.FromLine[l.ID].String()+" money not received or withdrawn was allocated")
			}
			continue
		}
		t.Sources += l.Amount
		left := l.Amount - s.FromLine[l.ID]
		if left < 0 {
			bad(record("funding_line", l.ID), "amount", "安排"+s.FromLine[l.ID].String()+"超过资金"+l.Amount.String()+" more allocated than the line holds")
		}
		t.Unallocated += max(left, 0)
		if want := LineStatus(l, s.FromLine[l.ID], s.PaidLine[l.ID]); want != l.Status {
			bad(record("funding_line", l.ID), "status", "状态为"+string(l.Status)+"，按拨款和付款记录应为"+string(want)+" status disagrees with the records")
		}
	}
	allocs := map[int64]Allocation{}
	for _, a := range b.Allocations {
		rec := record("allocation", a.ID)
		allocs[a.ID] = a
		t.Allocated += a.Amount
		l, ok := lines[a.FundingLineID]
		cl, okc := cls[a.ContractLineID]
		switch {
		case a.Amount <= 0:
			bad(rec, "amount", "金额应大于0 amount must be positive")
		case !ok:
			bad(rec, "funding_line_id", "资金记录不存在 no such funding line")
		case !okc:
			bad(rec, "contract_line_id", "合同明细不存在 no such contract line")
		case l.ItemCode != cl.ItemCode || a.ItemCode != l.ItemCode:
			bad(rec, "item_code", "资金、合同明细与安排的项目不一致 items disagree")
		}
		paid := s.Allocation[a.ID]
		if paid > a.Amount {
			bad(rec, "amount", "付款"+paid.String()+"超过安排"+a.Amount.String()+" more paid than allocated")
		}
		t.Outstanding += max(a.Amount-paid, 0)
	}
	for id, sum := range s.ToLine {
		if cl, ok := cls[id]; ok && sum > cl.Amount {
			bad(record("contract_line", id), "amount", "安排"+sum.String()+"超过合同明细"+cl.Amount.String()+" more allocated than the contract line")
		}
	}
	for _, p := range b.Disbursements {
		rec := record("payment", p.ID)
		t.Paid += p.Amount
		a, ok := allocs[p.AllocationID]
		c, okm := ms[p.MilestoneID]
		switch {
		case p.Amount <= 0:
			bad(rec, "amount", "金额应大于0 amount must be positive")
		case !ok:
			bad(rec, "allocation_id", "资金安排不存在 no such allocation")
		case !okm:
			bad(rec, "milestone_id", "付款节点不存在 no such milestone")
		case a.ContractID != c || p.ContractID != c:
			bad(rec, "contract_id", "付款节点与资金安排不属于同一合同 milestone and allocation of different contracts")
		}
	}
	for id, sum := range s.Milestone {
		if amount, ok := msAmount[id]; ok && sum > amount {
			bad(record("milestone", id), "amount", "付款"+sum.String()+"超过节点金额"+amount.String()+" more paid than the milestone")
		}
	}
	if t.Sources != t.Allocated+t.Unallocated {
		bad("estate", "sources", "资金来源"+t.Sources.String()+" ≠ 已安排"+t.Allocated.String()+" + 未安排"+t.Unallocated.String()+" sources ≠ allocations + unallocated")
	}
	if t.Allocated != t.Paid+t.Outstanding {
		bad("estate", "allocations", "已安排"+t.Allocated.String()+" ≠ 已付"+t.Paid.String()+" + 未付"+t.Outstanding.String()+" allocations ≠ payments + outstanding")
	}
	return t, out
}

// Audited entities of money records.
const (
	EntityFundingLine  = "funding_line"
	EntityAllocation   = "fund_allocation"
	EntityDisbursement = "fund_disbursement"
)

// Logged is the latest audit entry of a record: its action, the digest
// of the state it recorded and who wrote it.
type Logged struct {
	Action  string
	Digest  string
	ActorID int64
}

// Ledger is the latest audit entry of each record by entity and ID.
type Ledger map[string]map[int64]Logged

// LineState is what the ledger records of a funding line when it is
// created (the line) and when it changes (the line and who changed it).
func LineState(l Line, action string, by int64) any {
	if action == audit.ActionCreate {
		return l
	}
	return map[string]any{"line": l, "by": by}
}

// CheckLedger replays a city's ledger against the books of its estates:
// every funding line, allocation and payment must be what its latest
// audit entry recorded (its digest), and every record the ledger has
// must still exist (reported for estate 0, the city, when it does not).
func CheckLedger(books []*Books, led Ledger) []Discrepancy {
	var out []Discrepancy
	seen := map[string]map[int64]bool{EntityFundingLine: {}, EntityAllocation: {}, EntityDisbursement: {}}
	for _, b := range books {
		check := func(entity string, id int64, state func(Logged) any) {
			seen[entity][id] = true
			e, ok := led[entity][id]
			switch {
			case !ok:
				out = append(out, Discrepancy{EstateID: b.EstateID, Record: record(entity, id), Field: "audit", Message: "审计日志中没有此记录 not in the audit ledger"})
			case audit.Digest(state(e)) != e.Digest:
				out = append(out, Discrepancy{EstateID: b.EstateID, Record: record(entity, id), Field: "audit",
					Message: "记录与审计日志不符（被改动过） the record differs from what the audit ledger recorded"})
			}
		}
		for _, l := range b.Lines {
			check(EntityFundingLine, l.ID, func(e Logged) any { return LineState(l, e.Action, e.ActorID) })
		}
		for _, a := range b.Allocations {
			check(EntityAllocation, a.ID, func(Logged) any { return a })
		}
		for _, p := range b.Disbursements {
			check(EntityDisbursement, p.ID, func(Logged) any { return p })
		}
	}
	for _, entity := range []string{EntityFundingLine, EntityAllocation, EntityDisbursement} {
		ids := slices.Sorted(maps.Keys(led[entity]))
		for _, id := range ids {
			if !seen[entity][id] {
				out = append(out, Discrepancy{Record: record(entity, id), Field: "audit", Message: "审计日志中有此记录，数据表中没有（被删除） in the ledger but missing from the tables"})
			}
		}
	}
	return out
}
