package funding

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/planning/plan"
	"github.com/huanxin/huanxin/planning/programme"
)

// SpendingStore is what spending needs from storage. Allocate and Pay
// re-check, in their transaction and after locking the funding line and
// the contract, that nothing was allocated or paid since before was read
// (ECONFLICT otherwise), and set the funding line's status to what its
// allocations and payments make it, audited in the same transaction.
type SpendingStore interface {
	FundingLines(ctx context.Context, cityID, planID int64) ([]Line, error)
	// Contracts lists a plan's contracts with their lines and milestones.
	Contracts(ctx context.Context, cityID, planID int64) ([]*Contract, error)
	// CreateContract stores a contract, setting the IDs; EINVALID naming
	// "no" when its number is taken in the city.
	CreateContract(ctx context.Context, c *Contract) error
	// MoveContract stores a contract's status and reason if its status is
	// still from.
	MoveContract(ctx context.Context, c *Contract, from ContractStatus, by int64) error
	Allocations(ctx context.Context, cityID, planID int64) ([]Allocation, error)
	Disbursements(ctx context.Context, cityID, planID int64) ([]Disbursement, error)
	Allocate(ctx context.Context, a *Allocation, l Line, before Spent) error
	Disburse(ctx context.Context, p *Disbursement, l Line, before Spent) error
	// Books loads an estate's money records.
	Books(ctx context.Context, cityID, estateID int64) (*Books, error)
	// FundedEstates lists the estates of a city with funding lines, by ID.
	FundedEstates(ctx context.Context, cityID int64) ([]int64, error)
	// Ledger returns the latest audit entry of each funding line,
	// allocation and payment of a city.
	Ledger(ctx context.Context, cityID int64) (Ledger, error)
}

// Spending keeps the contracts of estate plans, the money allocated to
// them and the payments. Officers who may edit the estate's register
// write; everyone who sees the plan reads.
type Spending struct {
	Store      SpendingStore
	Funding    *Service
	Programmes *programme.Service
}

// Spend is a plan's spending: its funding lines, contracts, allocations
// and payments, and what was spent by record.
type Spend struct {
	Plan          *plan.Plan
	Lines         []Line
	Contracts     []*Contract
	Allocations   []Allocation
	Disbursements []Disbursement
	Spent         Spent
}

// Contract returns a contract of the spend, or nil.
func (s *Spend) Contract(id int64) *Contract {
	for _, c := range s.Contracts {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// Plan returns a plan's spending to anyone who sees the plan.
func (s *Spending) Plan(ctx context.Context, planID int64) (*Spend, error) {
	p, err := s.Funding.Plans.Get(ctx, planID)
	if err != nil {
		return nil, err
	}
	return s.spend(ctx, p)
}

func (s *Spending) spend(ctx context.Context, p *plan.Plan) (*Spend, error) {
	sp := &Spend{Plan: p}
	var err error
	if sp.Lines, err = s.Store.FundingLines(ctx, p.CityID, p.ID); err != nil {
		return nil, err
	}
	SortLines(p.Lines, sp.Lines)
	if sp.Contracts, err = s.Store.Contracts(ctx, p.CityID, p.ID); err != nil {
		return nil, err
	}
	if sp.Allocations, err = s.Store.Allocations(ctx, p.CityID, p.ID); err != nil {
		return nil, err
	}
	if sp.Disbursements, err = s.Store.Disbursements(ctx, p.CityID, p.ID); err != nil {
		return nil, err
	}
	sp.Spent = Tally(sp.Allocations, sp.Disbursements)
	return sp, nil
}

// edit loads a plan's spending for an officer who may change it.
func (s *Spending) edit(ctx context.Context, planID int64) (*huanxin.Actor, *Spend, error) {
	a, err := huanxin.Officer(ctx, "无权管理合同和付款 you may not manage contracts and payments")
	if err != nil {
		return nil, nil, err
	}
	sp, err := s.Plan(ctx, planID)
	return a, sp, err
}

// contract finds a contract of a spend, or ENOTFOUND.
func (sp *Spend) contract(id int64) (*Contract, error) {
	if c := sp.Contract(id); c != nil {
		return c, nil
	}
	return nil, huanxin.Errorf(huanxin.ENOTFOUND, "合同不存在 contract not found")
}

// Contract returns a contract of a plan with the plan's spending.
func (s *Spending) Contract(ctx context.Context, planID, contractID int64) (*Spend, *Contract, error) {
	sp, err := s.Plan(ctx, planID)
	if err != nil {
		return nil, nil, err
	}
	c, err := sp.contract(contractID)
	return sp, c, err
}

// CreateContract records a signed contract of a plan.
func (s *Spending) CreateContract(ctx context.Context, planID int64, in ContractInput) (*Contract, error) {
	a, sp, err := s.edit(ctx, planID)
	if err != nil {
		return nil, err
	}
	var items []string
	for _, l := range sp.Plan.Lines {
		items = append(items, l.ItemCode)
	}
	c, err := CheckContract(in, items)
	if err != nil {
		return nil, err
	}
	c.CityID, c.EstateID, c.PlanID, c.CreatedBy = sp.Plan.CityID, sp.Plan.EstateID, sp.Plan.ID, a.UserID
	return c, s.Store.CreateContract(ctx, c)
}

// MoveContract completes a signed contract, or terminates it with the
// reason.
func (s *Spending) MoveContract(ctx context.Context, planID, contractID int64, to ContractStatus, reason string) (*Contract, error) {
	a, sp, err := s.edit(ctx, planID)
	if err != nil {
		return nil, err
	}
	c, err := sp.contract(contractID)
	if err != nil {
		return nil, err
	}
	if err := MoveContract(c.Status, to, reason); err != nil {
		return nil, err
	}
	from := c.Status
	c.Status = to
	if to == ContractTerminated {
		c.Reason = reason
	}
	return c, s.Store.MoveContract(ctx, c, from, a.UserID)
}

// AllocationInput is an officer's allocation of a funding line's money
// to a contract line.
type AllocationInput struct {
	ContractLineID int64
	FundingLineID  int64
	Amount         huanxin.Money
}

// Allocate assigns received money of a funding line to a line of a
// contract of the same plan and item.
func (s *Spending) Allocate(ctx context.Context, planID, contractID int64, in AllocationInput) (*Allocation, error) {
	a, sp, err := s.edit(ctx, planID)
	if err != nil {
		return nil, err
	}
	c, err := sp.contract(contractID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(c.Lines, func(l ContractLine) bool { return l.ID == in.ContractLineID })
	if i < 0 {
		return nil, huanxin.Invalid("请选择合同明细 choose the contract line", huanxin.FieldError{Field: "contract_line_id", Message: "合同中没有此明细 no such line"})
	}
	j := slices.IndexFunc(sp.Lines, func(l Line) bool { return l.ID == in.FundingLineID })
	if j < 0 {
		return nil, huanxin.Invalid("请选择资金 choose the money", huanxin.FieldError{Field: "funding_line_id", Message: "方案中没有此资金 no such funding line"})
	}
	l := sp.Lines[j]
	if err := CheckAllocation(c, c.Lines[i], l, in.Amount, sp.Spent); err != nil {
		return nil, err
	}
	al := &Allocation{CityID: c.CityID, EstateID: c.EstateID, PlanID: c.PlanID, ContractID: c.ID, ContractLineID: in.ContractLineID,
		FundingLineID: l.ID, ItemCode: l.ItemCode, Amount: in.Amount, CreatedBy: a.UserID}
	return al, s.Store.Allocate(ctx, al, l, sp.Spent)
}

// DisbursementInput is an officer's record of a payment on a milestone out of
// an allocation.
type DisbursementInput struct {
	MilestoneID  int64
	AllocationID int64
	Amount       huanxin.Money
	PaidOn       time.Time
	Voucher      string
}

// Pay records a payment on a milestone of a contract out of money
// allocated to the contract.
func (s *Spending) Pay(ctx context.Context, planID, contractID int64, in DisbursementInput) (*Disbursement, error) {
	a, sp, err := s.edit(ctx, planID)
	if err != nil {
		return nil, err
	}
	c, err := sp.contract(contractID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(c.Milestones, func(m Milestone) bool { return m.ID == in.MilestoneID })
	if i < 0 {
		return nil, huanxin.Invalid("请选择付款节点 choose the milestone", huanxin.FieldError{Field: "milestone_id", Message: "合同中没有此付款节点 no such milestone"})
	}
	j := slices.IndexFunc(sp.Allocations, func(al Allocation) bool { return al.ID == in.AllocationID })
	if j < 0 {
		return nil, huanxin.Invalid("请选择资金安排 choose the allocation", huanxin.FieldError{Field: "allocation_id", Message: "没有此资金安排 no such allocation"})
	}
	al := sp.Allocations[j]
	if err := CheckDisbursement(c, c.Milestones[i], al, in.Amount, in.Voucher, in.PaidOn, sp.Spent); err != nil {
		return nil, err
	}
	k := slices.IndexFunc(sp.Lines, func(l Line) bool { return l.ID == al.FundingLineID })
	if k < 0 {
		return nil, huanxin.Errorf(huanxin.ECONFLICT, "资金记录已变化，请刷新 the funding changed meanwhile; reload")
	}
	p := &Disbursement{CityID: c.CityID, EstateID: c.EstateID, PlanID: c.PlanID, ContractID: c.ID, MilestoneID: in.MilestoneID, AllocationID: al.ID,
		Amount: in.Amount, PaidOn: in.PaidOn, Voucher: in.Voucher, CreatedBy: a.UserID}
	return p, s.Store.Disburse(ctx, p, sp.Lines[k], sp.Spent)
}

// EstateBudget is the budget table of an estate: per item over the plans
// that have money or contracts.
type EstateBudget struct {
	Estate *estate.Estate
	Plans  []*plan.Plan
	Rows   []BudgetRow
	Total  BudgetRow
}

// EstateBudget returns an estate's budget table to anyone who sees the
// estate.
func (s *Spending) EstateBudget(ctx context.Context, estateID int64) (*EstateBudget, error) {
	e, err := s.Funding.Register.Estates().Get(ctx, estateID)
	if err != nil {
		return nil, err
	}
	plans, err := s.Funding.Plans.List(ctx, estateID)
	if err != nil {
		return nil, err
	}
	b := &EstateBudget{Estate: e}
	var lines []plan.Line
	var contracts []*Contract
	var allocs []Allocation
	var pays []Disbursement
	for _, p := range plans {
		sp, err := s.spend(ctx, p)
		if err != nil {
			return nil, err
		}
		if len(sp.Lines) == 0 && len(sp.Contracts) == 0 {
			continue
		}
		b.Plans = append(b.Plans, p)
		lines = append(lines, p.Lines...)
		contracts = append(contracts, sp.Contracts...)
		allocs = append(allocs, sp.Allocations...)
		pays = append(pays, sp.Disbursements...)
	}
	b.Rows, b.Total, err = Budget(lines, contracts, allocs, pays)
	return b, err
}

// ProgrammeBudget is the budget table of an annual programme: a row per
// chosen estate (its plan in the programme) and the total.
type ProgrammeBudget struct {
	Programme *programme.Programme
	Rows      []BudgetRow // Name is the estate's name
	Total     BudgetRow
}

// ProgrammeBudget returns the budget of a programme's chosen estates to
// those who read programmes; estates the reader does not see are left out.
func (s *Spending) ProgrammeBudget(ctx context.Context, programmeID int64) (*ProgrammeBudget, error) {
	pr, err := s.Programmes.Get(ctx, programmeID)
	if err != nil {
		return nil, err
	}
	out := &ProgrammeBudget{Programme: pr}
	if pr.Result == nil {
		return out, nil
	}
	planOf := map[int64]int64{}
	names := map[int64]string{}
	for _, c := range pr.Candidates {
		planOf[c.EstateID], names[c.EstateID] = c.PlanID, c.Name
	}
	for _, id := range pr.Result.Chosen {
		p, err := s.Funding.Plans.Get(ctx, planOf[id])
		if huanxin.ErrorCode(err) == huanxin.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		sp, err := s.spend(ctx, p)
		if err != nil {
			return nil, err
		}
		_, t, err := Budget(p.Lines, sp.Contracts, sp.Allocations, sp.Disbursements)
		if err != nil {
			return nil, err
		}
		t.EstateID, t.Name = id, names[id]
		out.Rows = append(out.Rows, t)
		out.Total.add(t)
	}
	return out, nil
}

// Checked is the outcome of checking one estate's books.
type Checked struct {
	CityID, EstateID int64
	Totals           Totals
	Discrepancies    []Discrepancy
}

// Check reconciles the books of every estate of a city that has funding
// and replays the city's audit ledger against them; the last Checked
// (estate 0) carries the ledger's records missing from the tables. Only
// administrators and auditors with a city-wide scope run it.
func (s *Spending) Check(ctx context.Context, cityID int64) ([]Checked, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, err
	}
	if (a.Role != huanxin.RoleAdmin && a.Role != huanxin.RoleAuditor) || !a.Scope.All {
		if _, err := s.Funding.Register.CityWide(ctx, cityID, "无权核对资金账目 you may not check the books"); err != nil {
			return nil, err
		}
	}
	ids, err := s.Store.FundedEstates(ctx, cityID)
	if err != nil {
		return nil, err
	}
	led, err := s.Store.Ledger(ctx, cityID)
	if err != nil {
		return nil, err
	}
	var out []Checked
	var all []*Books
	for _, id := range ids {
		b, err := s.Store.Books(ctx, cityID, id)
		if err != nil {
			return nil, err
		}
		all = append(all, b)
		t, ds := Reconcile(b)
		out = append(out, Checked{CityID: cityID, EstateID: id, Totals: t, Discrepancies: ds})
	}
	byEstate := map[int64]int{}
	for i, c := range out {
		byEstate[c.EstateID] = i
	}
	city := Checked{CityID: cityID}
	for _, d := range CheckLedger(all, led) {
		if i, ok := byEstate[d.EstateID]; ok && d.EstateID != 0 {
			out[i].Discrepancies = append(out[i].Discrepancies, d)
		} else {
			city.Discrepancies = append(city.Discrepancies, d)
		}
	}
	return append(out, city), nil
}

// PaidTo is what residents are told of a contract: with whom, what for
// (its title and the items), the amount and what was paid so far.
type PaidTo struct {
	Counterparty string
	Title        string
	Kind         ContractKind
	Items        []string // the names of its items
	Amount, Paid huanxin.Money
	Status       ContractStatus
}

// paidTo lists the contracts of the funded plans, oldest plan first.
func (s *Shares) paidTo(ctx context.Context, fs []*Funding) ([]PaidTo, error) {
	if s.Spending == nil {
		return nil, nil
	}
	var out []PaidTo
	for _, f := range fs {
		cs, err := s.Spending.Store.Contracts(ctx, f.Plan.CityID, f.Plan.ID)
		if err != nil {
			return nil, err
		}
		if len(cs) == 0 {
			continue
		}
		ds, err := s.Spending.Store.Disbursements(ctx, f.Plan.CityID, f.Plan.ID)
		if err != nil {
			return nil, err
		}
		names := map[string]string{}
		for _, l := range f.Plan.Lines {
			names[l.ItemCode] = l.Name
		}
		for _, c := range cs {
			p := PaidTo{Counterparty: c.Counterparty, Title: c.Title, Kind: c.Kind, Amount: c.Amount, Status: c.Status}
			for _, l := range c.Lines {
				p.Items = append(p.Items, cmp.Or(names[l.ItemCode], l.ItemCode))
			}
			for _, d := range ds {
				if d.ContractID == c.ID {
					p.Paid += d.Amount
				}
			}
			out = append(out, p)
		}
	}
	return out, nil
}
