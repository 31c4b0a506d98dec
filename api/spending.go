package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/funding"
)

// spendingHandlers serve the contracts of estate plans, the money
// allocated to them, their payments and the budget tables: everyone who
// sees a plan reads; officers who may change the register of its estate
// write (the service decides).
type spendingHandlers struct{ svc *funding.Spending }

// spendingRoutes mounts the spending endpoints.
func (a *API) spendingRoutes(svc *funding.Spending) {
	h := spendingHandlers{svc: svc}
	base := Prefix + "/plans/{id}/contracts"
	a.handle("GET "+base, http.HandlerFunc(h.list), nil)
	a.handle("POST "+base, http.HandlerFunc(h.create), nil)
	a.handle("GET "+base+"/{contract}", http.HandlerFunc(h.get), nil)
	a.handle("POST "+base+"/{contract}/status", http.HandlerFunc(h.move), nil)
	a.handle("GET "+base+"/{contract}/milestones", http.HandlerFunc(h.milestones), nil)
	a.handle("GET "+base+"/{contract}/allocations", http.HandlerFunc(h.allocations), nil)
	a.handle("POST "+base+"/{contract}/allocations", http.HandlerFunc(h.allocate), nil)
	a.handle("GET "+base+"/{contract}/payments", http.HandlerFunc(h.payments), nil)
	a.handle("POST "+base+"/{contract}/payments", http.HandlerFunc(h.pay), nil)
	a.handle("GET "+Prefix+"/estates/{id}/budget", http.HandlerFunc(h.estateBudget), nil)
	a.handle("GET "+Prefix+"/programmes/{id}/budget", http.HandlerFunc(h.programmeBudget), nil)
}

// ContractLine is the part of a contract for one item of the plan, with
// the money allocated to it and paid; amounts in fen.
type ContractLine struct {
	ID        int64  `json:"id"`
	ItemCode  string `json:"item_code"`
	Amount    int64  `json:"amount"`
	Allocated int64  `json:"allocated"`
	Paid      int64  `json:"paid"`
}

// ContractMilestone is a payment due under a contract and what was paid
// on it; due is a date (Asia/Shanghai).
type ContractMilestone struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Due    string `json:"due"`
	Amount int64  `json:"amount"`
	Paid   int64  `json:"paid"`
}

// Contract is a contract of an estate plan.
type Contract struct {
	ID           int64               `json:"id"`
	PlanID       int64               `json:"plan_id"`
	EstateID     int64               `json:"estate_id"`
	No           string              `json:"no"`
	Title        string              `json:"title"`
	Kind         string              `json:"kind"`
	Counterparty string              `json:"counterparty"`
	CreditCode   string              `json:"credit_code"`
	Signed       string              `json:"signed"`
	Amount       int64               `json:"amount"`
	Status       string              `json:"status"`
	Reason       string              `json:"reason"`
	Lines        []ContractLine      `json:"lines"`
	Milestones   []ContractMilestone `json:"milestones"`
	Allocated    int64               `json:"allocated"`
	Paid         int64               `json:"paid"`
}

// ContractLineInput is a line of a new contract.
type ContractLineInput struct {
	ItemCode string `json:"item_code"`
	Amount   int64  `json:"amount"`
}

// ContractMilestoneInput is a milestone of a new contract.
type ContractMilestoneInput struct {
	Name   string `json:"name"`
	Due    string `json:"due"`
	Amount int64  `json:"amount"`
}

// ContractInput is the body of POST /api/v1/plans/{id}/contracts.
type ContractInput struct {
	No           string                   `json:"no"`
	Title        string                   `json:"title"`
	Kind         string                   `json:"kind"`
	Counterparty string                   `json:"counterparty"`
	CreditCode   string                   `json:"credit_code"`
	Signed       string                   `json:"signed"`
	Lines        []ContractLineInput      `json:"lines"`
	Milestones   []ContractMilestoneInput `json:"milestones"`
}

// ContractStatusInput is the body of POST …/contracts/{contract}/status.
type ContractStatusInput struct {
	Status string `json:"status"`
	Reason string `json:"reason"`
}

// Allocation is money of a funding line assigned to a contract line.
type Allocation struct {
	ID             int64  `json:"id"`
	ContractID     int64  `json:"contract_id"`
	ContractLineID int64  `json:"contract_line_id"`
	FundingLineID  int64  `json:"funding_line_id"`
	ItemCode       string `json:"item_code"`
	Amount         int64  `json:"amount"`
	Paid           int64  `json:"paid"`
	Created        string `json:"created"`
}

// AllocationInput is the body of POST …/contracts/{contract}/allocations.
type AllocationInput struct {
	ContractLineID int64 `json:"contract_line_id"`
	FundingLineID  int64 `json:"funding_line_id"`
	Amount         int64 `json:"amount"`
}

// ContractPayment is a payment on a milestone out of an allocation.
type ContractPayment struct {
	ID           int64  `json:"id"`
	ContractID   int64  `json:"contract_id"`
	MilestoneID  int64  `json:"milestone_id"`
	AllocationID int64  `json:"allocation_id"`
	Amount       int64  `json:"amount"`
	PaidOn       string `json:"paid_on"`
	Voucher      string `json:"voucher"`
	Created      string `json:"created"`
}

// ContractPaymentInput is the body of POST …/contracts/{contract}/payments.
type ContractPaymentInput struct {
	MilestoneID  int64  `json:"milestone_id"`
	AllocationID int64  `json:"allocation_id"`
	Amount       int64  `json:"amount"`
	PaidOn       string `json:"paid_on"`
	Voucher      string `json:"voucher"`
}

// BudgetRow is an item's (or, in a programme, an estate's) budget,
// committed, paid and remaining money, with the overrun in words ("" if
// none).
type BudgetRow struct {
	ItemCode  string `json:"item_code"`
	Name      string `json:"name"`
	EstateID  int64  `json:"estate_id"`
	Budget    int64  `json:"budget"`
	Committed int64  `json:"committed"`
	Paid      int64  `json:"paid"`
	Remaining int64  `json:"remaining"`
	Overrun   string `json:"overrun"`
}

// Contracts, ContractMilestones, Allocations and ContractPayments are
// lists, oldest first.
type Contracts struct {
	Items []Contract `json:"items"`
}

type ContractMilestones struct {
	Items []ContractMilestone `json:"items"`
}

type Allocations struct {
	Items []Allocation `json:"items"`
}

type ContractPayments struct {
	Items []ContractPayment `json:"items"`
}

// Budget is a budget table: per item of an estate, or per estate of a
// programme, and the total.
type Budget struct {
	Rows  []BudgetRow `json:"rows"`
	Total BudgetRow   `json:"total"`
}

func day(t time.Time) string { return t.In(huanxin.Shanghai).Format(time.DateOnly) }

func shownContract(c *funding.Contract, s funding.Spent) Contract {
	out := Contract{ID: c.ID, PlanID: c.PlanID, EstateID: c.EstateID, No: c.No, Title: c.Title, Kind: string(c.Kind), Counterparty: c.Counterparty,
		CreditCode: c.CreditCode, Signed: day(c.Signed), Amount: int64(c.Amount), Status: string(c.Status), Reason: c.Reason,
		Lines: []ContractLine{}, Milestones: []ContractMilestone{}}
	for _, l := range c.Lines {
		out.Lines = append(out.Lines, ContractLine{ID: l.ID, ItemCode: l.ItemCode, Amount: int64(l.Amount), Allocated: int64(s.ToLine[l.ID])})
		out.Allocated += int64(s.ToLine[l.ID])
	}
	for _, m := range c.Milestones {
		out.Milestones = append(out.Milestones, ContractMilestone{ID: m.ID, Name: m.Name, Due: day(m.Due), Amount: int64(m.Amount), Paid: int64(s.Milestone[m.ID])})
		out.Paid += int64(s.Milestone[m.ID])
	}
	return out
}

// withPaid fills in what was paid per contract line from the payments.
func withPaid(c Contract, sp *funding.Spend) Contract {
	line := map[int64]int64{}
	for _, a := range sp.Allocations {
		line[a.ID] = a.ContractLineID
	}
	paid := map[int64]int64{}
	for _, p := range sp.Disbursements {
		paid[line[p.AllocationID]] += int64(p.Amount)
	}
	for i := range c.Lines {
		c.Lines[i].Paid = paid[c.Lines[i].ID]
	}
	return c
}

// contractOf reads the plan and contract IDs and loads them.
func (h spendingHandlers) contractOf(w http.ResponseWriter, r *http.Request) (*funding.Spend, *funding.Contract, bool) {
	id, ok := actorAndID(w, r)
	if !ok {
		return nil, nil, false
	}
	cid, err := strconv.ParseInt(r.PathValue("contract"), 10, 64)
	if err != nil || cid <= 0 {
		WriteError(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "合同不存在 contract not found"))
		return nil, nil, false
	}
	sp, c, err := h.svc.Contract(r.Context(), id, cid)
	if err != nil {
		WriteError(w, r, err)
		return nil, nil, false
	}
	return sp, c, true
}

func (h spendingHandlers) list(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	sp, err := h.svc.Plan(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := Contracts{Items: []Contract{}}
	for _, c := range sp.Contracts {
		out.Items = append(out.Items, withPaid(shownContract(c, sp.Spent), sp))
	}
	WriteJSON(w, http.StatusOK, out)
}

// dateField parses a date of a body, adding a field error when it is not
// one.
func dateField(s, field string, bad *[]huanxin.FieldError) time.Time {
	t, ok := funding.ParseDate(s)
	if !ok && s != "" {
		*bad = append(*bad, huanxin.FieldError{Field: field, Message: "日期格式应为 2006-01-02 a date like 2006-01-02"})
	}
	return t
}

func (h spendingHandlers) create(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	var in ContractInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	var bad []huanxin.FieldError
	ci := funding.ContractInput{No: in.No, Title: in.Title, Kind: funding.ContractKind(in.Kind), Counterparty: in.Counterparty,
		CreditCode: in.CreditCode, Signed: dateField(in.Signed, "signed", &bad)}
	for _, l := range in.Lines {
		ci.Lines = append(ci.Lines, funding.ContractLine{ItemCode: l.ItemCode, Amount: huanxin.Money(l.Amount)})
	}
	for i, m := range in.Milestones {
		ci.Milestones = append(ci.Milestones, funding.Milestone{Name: m.Name, Amount: huanxin.Money(m.Amount),
			Due: dateField(m.Due, "milestones."+strconv.Itoa(i)+".due", &bad)})
	}
	if len(bad) > 0 {
		WriteError(w, r, huanxin.Invalid("日期有误 invalid date", bad...))
		return
	}
	c, err := h.svc.CreateContract(r.Context(), id, ci)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, shownContract(c, funding.Spent{}))
}

func (h spendingHandlers) get(w http.ResponseWriter, r *http.Request) {
	if sp, c, ok := h.contractOf(w, r); ok {
		WriteJSON(w, http.StatusOK, withPaid(shownContract(c, sp.Spent), sp))
	}
}

func (h spendingHandlers) move(w http.ResponseWriter, r *http.Request) {
	sp, c, ok := h.contractOf(w, r)
	if !ok {
		return
	}
	var in ContractStatusInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	c, err := h.svc.MoveContract(r.Context(), c.PlanID, c.ID, funding.ContractStatus(in.Status), in.Reason)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, withPaid(shownContract(c, sp.Spent), sp))
}

func (h spendingHandlers) milestones(w http.ResponseWriter, r *http.Request) {
	if sp, c, ok := h.contractOf(w, r); ok {
		WriteJSON(w, http.StatusOK, ContractMilestones{Items: shownContract(c, sp.Spent).Milestones})
	}
}

func (h spendingHandlers) allocations(w http.ResponseWriter, r *http.Request) {
	sp, c, ok := h.contractOf(w, r)
	if !ok {
		return
	}
	out := Allocations{Items: []Allocation{}}
	for _, a := range sp.Allocations {
		if a.ContractID == c.ID {
			out.Items = append(out.Items, shownAllocation(a, sp.Spent))
		}
	}
	WriteJSON(w, http.StatusOK, out)
}

func shownAllocation(a funding.Allocation, s funding.Spent) Allocation {
	return Allocation{ID: a.ID, ContractID: a.ContractID, ContractLineID: a.ContractLineID, FundingLineID: a.FundingLineID, ItemCode: a.ItemCode,
		Amount: int64(a.Amount), Paid: int64(s.Allocation[a.ID]), Created: a.Created.Format(time.RFC3339)}
}

func shownPayment(p funding.Disbursement) ContractPayment {
	return ContractPayment{ID: p.ID, ContractID: p.ContractID, MilestoneID: p.MilestoneID, AllocationID: p.AllocationID, Amount: int64(p.Amount),
		PaidOn: day(p.PaidOn), Voucher: p.Voucher, Created: p.Created.Format(time.RFC3339)}
}

func (h spendingHandlers) allocate(w http.ResponseWriter, r *http.Request) {
	_, c, ok := h.contractOf(w, r)
	if !ok {
		return
	}
	var in AllocationInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	a, err := h.svc.Allocate(r.Context(), c.PlanID, c.ID, funding.AllocationInput{ContractLineID: in.ContractLineID, FundingLineID: in.FundingLineID,
		Amount: huanxin.Money(in.Amount)})
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, shownAllocation(*a, funding.Spent{}))
}

func (h spendingHandlers) payments(w http.ResponseWriter, r *http.Request) {
	sp, c, ok := h.contractOf(w, r)
	if !ok {
		return
	}
	out := ContractPayments{Items: []ContractPayment{}}
	for _, p := range sp.Disbursements {
		if p.ContractID == c.ID {
			out.Items = append(out.Items, shownPayment(p))
		}
	}
	WriteJSON(w, http.StatusOK, out)
}

func (h spendingHandlers) pay(w http.ResponseWriter, r *http.Request) {
	_, c, ok := h.contractOf(w, r)
	if !ok {
		return
	}
	var in ContractPaymentInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	var bad []huanxin.FieldError
	on := dateField(in.PaidOn, "paid_on", &bad)
	if len(bad) > 0 {
		WriteError(w, r, huanxin.Invalid("日期有误 invalid date", bad...))
		return
	}
	p, err := h.svc.Pay(r.Context(), c.PlanID, c.ID, funding.DisbursementInput{MilestoneID: in.MilestoneID, AllocationID: in.AllocationID,
		Amount: huanxin.Money(in.Amount), PaidOn: on, Voucher: in.Voucher})
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, shownPayment(*p))
}

func shownBudgetRow(b funding.BudgetRow) BudgetRow {
	return BudgetRow{ItemCode: b.ItemCode, Name: b.Name, EstateID: b.EstateID, Budget: int64(b.Budget), Committed: int64(b.Committed),
		Paid: int64(b.Paid), Remaining: int64(b.Remaining), Overrun: b.Overrun()}
}

func shownBudget(rows []funding.BudgetRow, total funding.BudgetRow) Budget {
	out := Budget{Rows: []BudgetRow{}, Total: shownBudgetRow(total)}
	for _, b := range rows {
		out.Rows = append(out.Rows, shownBudgetRow(b))
	}
	return out
}

func (h spendingHandlers) estateBudget(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	b, err := h.svc.EstateBudget(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, shownBudget(b.Rows, b.Total))
}

func (h spendingHandlers) programmeBudget(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	b, err := h.svc.ProgrammeBudget(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, shownBudget(b.Rows, b.Total))
}
