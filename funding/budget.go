package funding

import (
	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/planning/plan"
)

// BudgetRow is an item's (or an estate's, or a total's) budget, what
// contracts commit to it, what was paid, and what is left of the budget.
// A terminated contract commits only what was paid under it.
type BudgetRow struct {
	ItemCode  string
	Name      string
	EstateID  int64 // rows of a programme's table
	Budget    huanxin.Money
	Committed huanxin.Money
	Paid      huanxin.Money
	Remaining huanxin.Money // budget − committed; negative on an overrun
}

// Over says what the row overruns and by how much: "paid" when more was
// paid than committed (which the rules prevent, and the check proves),
// "committed" when contracts commit more than the budget, "" when none.
func (r BudgetRow) Over() (string, huanxin.Money) {
	switch {
	case r.Paid > r.Committed:
		return "paid", r.Paid - r.Committed
	case r.Committed > r.Budget:
		return "committed", r.Committed - r.Budget
	}
	return "", 0
}

// Overrun is the row's overrun in words (zh then en), "" when there is none.
func (r BudgetRow) Overrun() string {
	switch what, by := r.Over(); what {
	case "paid":
		return "已付" + r.Paid.String() + "元超过合同金额" + r.Committed.String() + "元 paid exceeds committed by " + by.String()
	case "committed":
		return "合同金额超出预算" + by.String() + "元 committed exceeds the budget by " + by.String()
	}
	return ""
}

// add adds another row's money to r.
func (r *BudgetRow) add(o BudgetRow) {
	r.Budget += o.Budget
	r.Committed += o.Committed
	r.Paid += o.Paid
	r.Remaining = r.Budget - r.Committed
}

// Budget lists per item (in plan order; items of contracts no longer in
// the plan follow with a budget of 0) the budget from the plan lines, the
// money committed by contracts and paid under them (a payment counts for
// the item of the contract line its allocation went to), and the total.
func Budget(lines []plan.Line, contracts []*Contract, allocs []Allocation, pays []Disbursement) ([]BudgetRow, BudgetRow, error) {
	covers, _, err := Coverage(lines, nil)
	if err != nil {
		return nil, BudgetRow{}, err
	}
	var rows []BudgetRow
	idx := map[string]int{}
	row := func(code, name string) *BudgetRow {
		i, ok := idx[code]
		if !ok {
			i = len(rows)
			idx[code] = i
			rows = append(rows, BudgetRow{ItemCode: code, Name: name})
		}
		return &rows[i]
	}
	for _, c := range covers {
		row(c.ItemCode, c.Name).Budget += c.Cost
	}
	toLine := map[int64]int64{} // allocation → contract line
	for _, a := range allocs {
		toLine[a.ID] = a.ContractLineID
	}
	paid := map[int64]huanxin.Money{} // by contract line
	for _, p := range pays {
		paid[toLine[p.AllocationID]] += p.Amount
	}
	for _, c := range contracts {
		for _, l := range c.Lines {
			r := row(l.ItemCode, l.ItemCode)
			r.Paid += paid[l.ID]
			if c.Status == ContractTerminated {
				r.Committed += paid[l.ID]
			} else {
				r.Committed += l.Amount
			}
		}
	}
	var total BudgetRow
	for i := range rows {
		rows[i].Remaining = rows[i].Budget - rows[i].Committed
		total.add(rows[i])
	}
	return rows, total, nil
}
