package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/planning/plan"
	"github.com/huanxin/huanxin/web/i18n"
)

// contractFormPage is the form of a new contract (合同): its particulars,
// the amount per plan item (blank: not in the contract) and up to
// milestoneRows payment milestones.
type contractFormPage struct {
	Base
	Plan        *plan.Plan
	Form        contractForm
	KindOptions []option
	Message     string
	Errors      []huanxin.FieldError
}

// milestoneRows is how many milestone rows the form offers.
const milestoneRows = 5

// contractForm is the contract form as entered.
type contractForm struct {
	No, Title, Kind, Counterparty, CreditCode, Signed string
	Items                                             []contractItemRow
	Milestones                                        []contractMilestoneRow
}

// contractItemRow is one plan item's amount on the form.
type contractItemRow struct {
	Code, Name, Amount string
	Budget             huanxin.Money
}

// contractMilestoneRow is one milestone row on the form.
type contractMilestoneRow struct {
	Name, Due, Amount string
}

// contractPage is a contract with its lines, milestones, the money
// allocated to it and its payments, and the officer's forms.
type contractPage struct {
	Base
	Plan          *plan.Plan
	C             *funding.Contract
	KindName      string
	StatusName    string
	Lines         []contractLineRow
	Milestones    []contractMilestoneShown
	Allocations   []contractAllocationRow
	Payments      []contractPaymentRow
	Allocated     huanxin.Money
	Paid          huanxin.Money
	CanEdit       bool
	Open          bool // not terminated: money may be allocated and paid
	LineOptions   []option
	MoneyOptions  []option // received funding lines with money left
	DueOptions    []option // milestones with money unpaid
	AllocOptions  []option // allocations with money unpaid
	Alloc         allocForm
	Pay           payOutForm
	Message       string
	Errors        []huanxin.FieldError
	FailedSection string // "alloc", "pay" or "status": the form the errors belong to
}

type contractLineRow struct {
	Code, Name              string
	Amount, Allocated, Paid huanxin.Money
}

type contractMilestoneShown struct {
	Name                 string
	Due                  time.Time
	Amount, Paid, Unpaid huanxin.Money
}

type contractAllocationRow struct {
	ID                 int64
	Item, Source       string
	Amount, Paid, Left huanxin.Money
}

type contractPaymentRow struct {
	Milestone, Source string
	Amount            huanxin.Money
	PaidOn            time.Time
	Voucher           string
}

type allocForm struct{ ContractLineID, FundingLineID, Amount string }

type payOutForm struct{ MilestoneID, AllocationID, Amount, PaidOn, Voucher string }

// spendingOn answers 404 when spending is not wired.
func (p *Pages) spendingOn(w http.ResponseWriter, r *http.Request) bool {
	if p.Spending == nil {
		p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "合同功能未启用 contracts are not enabled"))
		return false
	}
	return true
}

// itemNames names a plan's items by code.
func itemNames(pl *plan.Plan) map[string]string {
	names := map[string]string{}
	for _, l := range pl.Lines {
		names[l.ItemCode] = l.Name
	}
	return names
}

// contractNew shows the empty contract form.
func (p *Pages) contractNew(w http.ResponseWriter, r *http.Request) {
	if !p.spendingOn(w, r) {
		return
	}
	pl, ok := pathGet(p, w, r, p.Funding.Plans.Get)
	if !ok {
		return
	}
	f := contractForm{Kind: string(funding.KindConstruction), Signed: time.Now().In(huanxin.Shanghai).Format(time.DateOnly)}
	for i := range milestoneRows {
		row := contractMilestoneRow{}
		if i < len(funding.MilestoneNames) {
			row.Name = funding.MilestoneNames[i]
		}
		f.Milestones = append(f.Milestones, row)
	}
	p.renderContractForm(w, r, http.StatusOK, pl, f, nil)
}

// renderContractForm renders the form with the plan's items, keeping
// what was entered.
func (p *Pages) renderContractForm(w http.ResponseWriter, r *http.Request, status int, pl *plan.Plan, f contractForm, failed error) {
	pg := &contractFormPage{Base: p.base(r, "contract.new"), Plan: pl}
	covers, _, err := funding.Coverage(pl.Lines, nil)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	entered := map[string]string{}
	for _, it := range f.Items {
		entered[it.Code] = it.Amount
	}
	f.Items = nil
	for _, c := range covers {
		f.Items = append(f.Items, contractItemRow{Code: c.ItemCode, Name: c.Name, Amount: entered[c.ItemCode], Budget: c.Cost})
	}
	pg.Form = f
	for _, k := range funding.ContractKinds {
		pg.KindOptions = append(pg.KindOptions, option{Value: string(k), Label: i18n.T(pg.Lang, "contract.kind."+string(k)), Selected: string(k) == f.Kind})
	}
	if failed != nil {
		pg.Message, pg.Errors = huanxin.ErrorMessage(failed), huanxin.ErrorFields(failed)
	}
	p.render(w, r, status, "contract_form", pg)
}

// yuan reads an amount in yuan (at most two decimals) as fen; ok is false
// when it is not one.
func yuan(s string) (huanxin.Money, bool) {
	v, ok := huanxin.ParseCenti(s)
	return huanxin.Money(v), ok
}

// contractCreate records a contract from the form. Errors of a line or a
// milestone are named after the form's row (line.B14.amount,
// milestone.2.due) so that they show next to it.
func (p *Pages) contractCreate(w http.ResponseWriter, r *http.Request) {
	if !p.spendingOn(w, r) {
		return
	}
	pl, ok := pathGet(p, w, r, p.Funding.Plans.Get)
	if !ok {
		return
	}
	l := lang(r)
	f := contractForm{No: r.PostFormValue("no"), Title: r.PostFormValue("title"), Kind: r.PostFormValue("kind"),
		Counterparty: r.PostFormValue("counterparty"), CreditCode: r.PostFormValue("credit_code"), Signed: strings.TrimSpace(r.PostFormValue("signed"))}
	in := funding.ContractInput{No: f.No, Title: f.Title, Kind: funding.ContractKind(f.Kind), Counterparty: f.Counterparty, CreditCode: f.CreditCode}
	var bad []huanxin.FieldError
	badAmount := func(field string) {
		bad = append(bad, huanxin.FieldError{Field: field, Message: i18n.T(l, "funding.amount_invalid")})
	}
	if f.Signed != "" {
		if in.Signed, ok = funding.ParseDate(f.Signed); !ok {
			bad = append(bad, huanxin.FieldError{Field: "signed", Message: i18n.T(l, "contract.date_invalid")})
		}
	}
	var codes []string // the item of each line of in, for naming errors
	for _, ln := range pl.Lines {
		code := ln.ItemCode
		s := strings.TrimSpace(r.PostFormValue("amount_" + code))
		if slices.Contains(codes, code) || slices.ContainsFunc(f.Items, func(it contractItemRow) bool { return it.Code == code }) {
			continue
		}
		f.Items = append(f.Items, contractItemRow{Code: code, Amount: s})
		if s == "" {
			continue
		}
		if v, ok := yuan(s); ok {
			in.Lines = append(in.Lines, funding.ContractLine{ItemCode: code, Amount: v})
			codes = append(codes, code)
		} else {
			badAmount("line." + code + ".amount")
		}
	}
	var rows []int // the form row of each milestone of in
	for i := range milestoneRows {
		n := strconv.Itoa(i)
		m := contractMilestoneRow{Name: r.PostFormValue("ms_name_" + n), Due: strings.TrimSpace(r.PostFormValue("ms_due_" + n)),
			Amount: strings.TrimSpace(r.PostFormValue("ms_amount_" + n))}
		f.Milestones = append(f.Milestones, m)
		if m.Amount == "" && m.Due == "" {
			continue // an unused row, its suggested name or not
		}
		ms := funding.Milestone{Name: m.Name}
		if v, ok := yuan(m.Amount); ok {
			ms.Amount = v
		} else {
			badAmount("milestone." + n + ".amount")
		}
		if m.Due != "" {
			if ms.Due, ok = funding.ParseDate(m.Due); !ok {
				bad = append(bad, huanxin.FieldError{Field: "milestone." + n + ".due", Message: i18n.T(l, "contract.date_invalid")})
			}
		}
		in.Milestones = append(in.Milestones, ms)
		rows = append(rows, i)
	}
	if len(bad) > 0 {
		p.renderContractForm(w, r, http.StatusBadRequest, pl, f, huanxin.Invalid(i18n.T(l, "funding.invalid"), bad...))
		return
	}
	c, err := p.Spending.CreateContract(r.Context(), pl.ID, in)
	switch huanxin.ErrorCode(err) {
	case "":
		redirect(w, r, "/plans/"+strconv.FormatInt(pl.ID, 10)+"/contracts/"+strconv.FormatInt(c.ID, 10), "contract_created")
	case huanxin.EINVALID:
		fs := huanxin.ErrorFields(err)
		for i := range fs {
			fs[i].Field = formField(fs[i].Field, codes, rows)
		}
		p.renderContractForm(w, r, http.StatusBadRequest, pl, f, huanxin.Invalid(huanxin.ErrorMessage(err), fs...))
	default:
		p.fail(w, r, err)
	}
}

// formField names a field of ContractInput (lines.N.x, milestones.N.x)
// after the form's row it came from.
func formField(field string, codes []string, rows []int) string {
	parts := strings.SplitN(field, ".", 3)
	if len(parts) != 3 {
		return field
	}
	i, err := strconv.Atoi(parts[1])
	switch {
	case err != nil:
	case parts[0] == "lines" && i < len(codes):
		return "line." + codes[i] + "." + parts[2]
	case parts[0] == "milestones" && i < len(rows):
		return "milestone." + strconv.Itoa(rows[i]) + "." + parts[2]
	}
	return field
}

// contractOf loads the contract named by {contract} of the plan {id}.
func (p *Pages) contractOf(w http.ResponseWriter, r *http.Request) (*funding.Spend, *funding.Contract, bool) {
	if !p.spendingOn(w, r) {
		return nil, nil, false
	}
	id, err := pathID(r)
	var cid int64
	if err == nil {
		if cid, err = strconv.ParseInt(r.PathValue("contract"), 10, 64); err != nil {
			err = huanxin.Errorf(huanxin.ENOTFOUND, "合同不存在 contract not found")
		}
	}
	var sp *funding.Spend
	var c *funding.Contract
	if err == nil {
		sp, c, err = p.Spending.Contract(r.Context(), id, cid)
	}
	if err != nil {
		p.fail(w, r, err)
		return nil, nil, false
	}
	return sp, c, true
}

// contractShow shows a contract.
func (p *Pages) contractShow(w http.ResponseWriter, r *http.Request) {
	if sp, c, ok := p.contractOf(w, r); ok {
		p.renderContract(w, r, http.StatusOK, sp, c, allocForm{},
			payOutForm{PaidOn: time.Now().In(huanxin.Shanghai).Format(time.DateOnly)}, "", nil)
	}
}

// contractAction allocates money to the contract (…/allocate), pays a
// milestone (…/pay), or completes or terminates it (…/status); a refusal
// shows on the contract page next to the form's fields.
func (p *Pages) contractAction(w http.ResponseWriter, r *http.Request) {
	sp, c, ok := p.contractOf(w, r)
	if !ok {
		return
	}
	l := lang(r)
	ctx := r.Context()
	af := allocForm{ContractLineID: r.PostFormValue("contract_line_id"), FundingLineID: r.PostFormValue("funding_line_id"),
		Amount: strings.TrimSpace(r.PostFormValue("amount"))}
	pf := payOutForm{MilestoneID: r.PostFormValue("milestone_id"), AllocationID: r.PostFormValue("allocation_id"),
		Amount: strings.TrimSpace(r.PostFormValue("amount")), PaidOn: strings.TrimSpace(r.PostFormValue("paid_on")), Voucher: r.PostFormValue("voucher")}
	id := func(s string) int64 { v, _ := strconv.ParseInt(s, 10, 64); return v }
	amount, amountOK := yuan(r.PostFormValue("amount"))
	var err error
	flash, section := "", r.PathValue("action")
	switch section {
	case "allocate":
		if !amountOK {
			err = huanxin.Invalid(i18n.T(l, "funding.invalid"), huanxin.FieldError{Field: "amount", Message: i18n.T(l, "funding.amount_invalid")})
			break
		}
		_, err = p.Spending.Allocate(ctx, c.PlanID, c.ID, funding.AllocationInput{ContractLineID: id(af.ContractLineID),
			FundingLineID: id(af.FundingLineID), Amount: amount})
		flash = "contract_allocated"
	case "pay":
		on, dateOK := funding.ParseDate(pf.PaidOn)
		switch {
		case !amountOK:
			err = huanxin.Invalid(i18n.T(l, "funding.invalid"), huanxin.FieldError{Field: "amount", Message: i18n.T(l, "funding.amount_invalid")})
		case !dateOK:
			err = huanxin.Invalid(i18n.T(l, "funding.invalid"), huanxin.FieldError{Field: "paid_on", Message: i18n.T(l, "contract.date_invalid")})
		default:
			_, err = p.Spending.Pay(ctx, c.PlanID, c.ID, funding.DisbursementInput{MilestoneID: id(pf.MilestoneID), AllocationID: id(pf.AllocationID),
				Amount: amount, PaidOn: on, Voucher: pf.Voucher})
		}
		flash = "contract_paid"
	case "status":
		_, err = p.Spending.MoveContract(ctx, c.PlanID, c.ID, funding.ContractStatus(r.PostFormValue("status")), r.PostFormValue("reason"))
		flash = "contract_moved"
	default:
		err = huanxin.Errorf(huanxin.ENOTFOUND, "页面不存在 not found")
	}
	switch huanxin.ErrorCode(err) {
	case "":
		redirect(w, r, "/plans/"+strconv.FormatInt(c.PlanID, 10)+"/contracts/"+strconv.FormatInt(c.ID, 10), flash)
	case huanxin.EINVALID, huanxin.ECONFLICT:
		p.renderContract(w, r, StatusOf(err), sp, c, af, pf, section, err)
	default:
		p.fail(w, r, err)
	}
}

// renderContract renders a contract's page with its forms as given.
func (p *Pages) renderContract(w http.ResponseWriter, r *http.Request, status int, sp *funding.Spend, c *funding.Contract, af allocForm, pf payOutForm,
	section string, failed error) {
	pg := &contractPage{Base: p.base(r, "contract.title"), Plan: sp.Plan, C: c, CanEdit: canEdit(r), Open: c.Status != funding.ContractTerminated,
		Alloc: af, Pay: pf, FailedSection: section}
	l := pg.Lang
	pg.Title = i18n.T(l, "contract.title") + " " + c.No
	pg.KindName, pg.StatusName = i18n.T(l, "contract.kind."+string(c.Kind)), i18n.T(l, "contract.status."+string(c.Status))
	if failed != nil {
		pg.Message, pg.Errors = huanxin.ErrorMessage(failed), huanxin.ErrorFields(failed)
	}
	names := itemNames(sp.Plan)
	s := sp.Spent
	paidLine := map[int64]huanxin.Money{}
	lineOf := map[int64]int64{}
	for _, a := range sp.Allocations {
		lineOf[a.ID] = a.ContractLineID
	}
	for _, d := range sp.Disbursements {
		paidLine[lineOf[d.AllocationID]] += d.Amount
	}
	items := map[string]bool{}
	for _, cl := range c.Lines {
		pg.Lines = append(pg.Lines, contractLineRow{Code: cl.ItemCode, Name: names[cl.ItemCode], Amount: cl.Amount, Allocated: s.ToLine[cl.ID],
			Paid: paidLine[cl.ID]})
		pg.Allocated += s.ToLine[cl.ID]
		items[cl.ItemCode] = true
		if left := cl.Amount - s.ToLine[cl.ID]; left > 0 {
			pg.LineOptions = append(pg.LineOptions, option{Value: strconv.FormatInt(cl.ID, 10),
				Label: cl.ItemCode + " " + names[cl.ItemCode] + " · " + i18n.T(l, "contract.left", money(left)), Selected: af.ContractLineID == strconv.FormatInt(cl.ID, 10)})
		}
	}
	source := map[int64]string{}
	for _, fl := range sp.Lines {
		source[fl.ID] = sourceName(fl.Source, l)
		left := fl.Amount - s.FromLine[fl.ID]
		if items[fl.ItemCode] && !fl.Withdrawn && fl.Status != funding.Committed && left > 0 {
			pg.MoneyOptions = append(pg.MoneyOptions, option{Value: strconv.FormatInt(fl.ID, 10),
				Label: fl.ItemCode + " " + source[fl.ID] + " · " + i18n.T(l, "contract.left", money(left)), Selected: af.FundingLineID == strconv.FormatInt(fl.ID, 10)})
		}
	}
	msName := map[int64]string{}
	for _, m := range c.Milestones {
		msName[m.ID] = m.Name
		paid := s.Milestone[m.ID]
		pg.Milestones = append(pg.Milestones, contractMilestoneShown{Name: m.Name, Due: m.Due, Amount: m.Amount, Paid: paid, Unpaid: m.Amount - paid})
		pg.Paid += paid
		if paid < m.Amount {
			pg.DueOptions = append(pg.DueOptions, option{Value: strconv.FormatInt(m.ID, 10),
				Label: m.Name + " · " + i18n.T(l, "contract.unpaid", money(m.Amount-paid)), Selected: pf.MilestoneID == strconv.FormatInt(m.ID, 10)})
		}
	}
	allocSource := map[int64]string{}
	for _, a := range sp.Allocations {
		if a.ContractID != c.ID {
			continue
		}
		allocSource[a.ID] = source[a.FundingLineID]
		paid := s.Allocation[a.ID]
		pg.Allocations = append(pg.Allocations, contractAllocationRow{ID: a.ID, Item: a.ItemCode + " " + names[a.ItemCode], Source: source[a.FundingLineID],
			Amount: a.Amount, Paid: paid, Left: a.Amount - paid})
		if paid < a.Amount {
			pg.AllocOptions = append(pg.AllocOptions, option{Value: strconv.FormatInt(a.ID, 10),
				Label:    a.ItemCode + " " + source[a.FundingLineID] + " · " + i18n.T(l, "contract.unpaid", money(a.Amount-paid)),
				Selected: pf.AllocationID == strconv.FormatInt(a.ID, 10)})
		}
	}
	for _, d := range sp.Disbursements {
		if d.ContractID == c.ID {
			pg.Payments = append(pg.Payments, contractPaymentRow{Milestone: msName[d.MilestoneID], Source: allocSource[d.AllocationID], Amount: d.Amount,
				PaidOn: d.PaidOn, Voucher: d.Voucher})
		}
	}
	p.render(w, r, status, "contract", pg)
}

// contractSummary is a contract in the plan's list.
type contractSummary struct {
	ID                                int64
	No, Title, Counterparty, KindName string
	StatusName                        string
	Amount, Allocated, Paid           huanxin.Money
}

// contractSummaries lists a plan's contracts for its funding page; none
// when spending is not wired.
func (p *Pages) contractSummaries(ctx context.Context, planID int64, l string) ([]contractSummary, error) {
	if p.Spending == nil {
		return nil, nil
	}
	sp, err := p.Spending.Plan(ctx, planID)
	if err != nil {
		return nil, err
	}
	var out []contractSummary
	for _, c := range sp.Contracts {
		cs := contractSummary{ID: c.ID, No: c.No, Title: c.Title, Counterparty: c.Counterparty, KindName: i18n.T(l, "contract.kind."+string(c.Kind)),
			StatusName: i18n.T(l, "contract.status."+string(c.Status)), Amount: c.Amount}
		for _, cl := range c.Lines {
			cs.Allocated += sp.Spent.ToLine[cl.ID]
		}
		for _, m := range c.Milestones {
			cs.Paid += sp.Spent.Milestone[m.ID]
		}
		out = append(out, cs)
	}
	return out, nil
}

// money formats fen as the pages do (thousands grouped).
func money(m huanxin.Money) string { return groupThousands(m.String()) }
