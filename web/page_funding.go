package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/planning/plan"
	"github.com/huanxin/huanxin/web/i18n"
)

// fundingPage is a plan's funding plan (资金计划): the alerts first, the
// cost of each item with its money by source and status and its gap, the
// total gap, the lines with their buttons, and the form to add a line.
type fundingPage struct {
	Base
	Plan                       *plan.Plan
	Estate                     *estate.Estate
	Items                      []fundingRow
	Total                      fundingRow
	Lines                      []fundingLineRow
	Alerts                     []fundingAlertRow
	Contracts                  []contractSummary // nil when spending is not wired
	Spending                   bool
	CanEdit                    bool
	ItemOptions, SourceOptions []option
	Form                       fundingForm
	Message                    string
	Errors                     []huanxin.FieldError
}

// fundingRow is the cover of one item (or of the plan) as shown.
type fundingRow struct {
	Code, Name                           string
	Cost, Gap, Surplus                   huanxin.Money
	Committed, Received, Allocated, Paid huanxin.Money
	Sources                              []fundingSource
}

// fundingSource is one source's money for an item.
type fundingSource struct {
	Name   string
	Amount huanxin.Money
}

// fundingLineRow is one funding line with the statuses it may move to.
type fundingLineRow struct {
	funding.Line
	ItemName, SourceName, StatusName string
	Next                             []option
}

// fundingAlertRow is an item that lost its money.
type fundingAlertRow struct {
	Name string
	Gap  huanxin.Money
	Lost []string // "source amount"
}

// fundingForm is the add-a-line form as entered.
type fundingForm struct {
	ItemCode, Source, Amount, Ref string
}

// fundingOn answers 404 when funding is not wired.
func (p *Pages) fundingOn(w http.ResponseWriter, r *http.Request) bool {
	if p.Funding == nil || p.Shares == nil {
		p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "资金功能未启用 funding is not enabled"))
		return false
	}
	return true
}

// sourceName names a source kind in the page's language.
func sourceName(key, lang string) string { return termNames([]string{key}, planning.SourceTypes, lang) }

// coverRow turns a cover into its shown row.
func coverRow(c funding.Cover, lang string) fundingRow {
	row := fundingRow{Code: c.ItemCode, Name: c.Name, Cost: c.Cost, Gap: c.Gap, Surplus: c.Surplus, Committed: c.ByStatus[funding.Committed],
		Received: c.ByStatus[funding.Received], Allocated: c.ByStatus[funding.Allocated], Paid: c.ByStatus[funding.Paid]}
	for _, t := range planning.SourceTypes {
		if v := c.BySource[t.Key]; v != 0 {
			row.Sources = append(row.Sources, fundingSource{Name: t.Name(lang), Amount: v})
		}
	}
	return row
}

// fundingShow shows a plan's funding plan.
func (p *Pages) fundingShow(w http.ResponseWriter, r *http.Request) {
	p.renderFunding(w, r, http.StatusOK, fundingForm{}, nil)
}

// fundingAdd adds a line: the amount is entered in yuan with at most two
// decimals and becomes fen exactly; problems show next to the fields.
func (p *Pages) fundingAdd(w http.ResponseWriter, r *http.Request) {
	if !p.fundingOn(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	l := lang(r)
	f := fundingForm{ItemCode: r.PostFormValue("item_code"), Source: r.PostFormValue("source"),
		Amount: strings.TrimSpace(r.PostFormValue("amount")), Ref: r.PostFormValue("ref")}
	amount, ok := huanxin.ParseCenti(f.Amount)
	if !ok || amount <= 0 {
		p.renderFunding(w, r, http.StatusBadRequest, f, huanxin.Invalid(i18n.T(l, "funding.invalid"),
			huanxin.FieldError{Field: "amount", Message: i18n.T(l, "funding.amount_invalid")}))
		return
	}
	_, err = p.Funding.Add(r.Context(), id, funding.Line{ItemCode: f.ItemCode, Source: f.Source, Amount: huanxin.Money(amount), Ref: f.Ref})
	switch huanxin.ErrorCode(err) {
	case "":
		redirect(w, r, "/plans/"+strconv.FormatInt(id, 10)+"/funding", "funding_added")
	case huanxin.EINVALID:
		p.renderFunding(w, r, http.StatusBadRequest, f, err)
	default:
		p.fail(w, r, err)
	}
}

// renderFunding loads the plan's funding and renders the page with the
// form as given and the error of a failed submission.
func (p *Pages) renderFunding(w http.ResponseWriter, r *http.Request, status int, form fundingForm, failed error) {
	if !p.fundingOn(w, r) {
		return
	}
	f, ok := pathGet(p, w, r, p.Funding.Get)
	if !ok {
		return
	}
	ctx := r.Context()
	pg := &fundingPage{Base: p.base(r, "funding.title"), Plan: f.Plan, CanEdit: canEdit(r), Form: form}
	l := pg.Lang
	var err error
	if pg.Estate, err = p.Reg.Estates().Get(ctx, f.Plan.EstateID); err != nil {
		p.fail(w, r, err)
		return
	}
	if failed != nil {
		pg.Message, pg.Errors = huanxin.ErrorMessage(failed), huanxin.ErrorFields(failed)
	}
	names := map[string]string{}
	for _, c := range f.Covers {
		pg.Items = append(pg.Items, coverRow(c, l))
		names[c.ItemCode] = c.Name
		pg.ItemOptions = append(pg.ItemOptions, option{Value: c.ItemCode, Label: c.ItemCode + " " + c.Name, Selected: c.ItemCode == form.ItemCode})
	}
	pg.Total = coverRow(f.Total, l)
	for _, t := range planning.SourceTypes {
		pg.SourceOptions = append(pg.SourceOptions, option{Value: t.Key, Label: t.Name(l), Selected: t.Key == form.Source})
	}
	for _, ln := range f.Lines {
		row := fundingLineRow{Line: ln, ItemName: names[ln.ItemCode], SourceName: sourceName(ln.Source, l),
			StatusName: i18n.T(l, "funding.status."+string(ln.Status))}
		if !ln.Withdrawn {
			for _, s := range funding.Statuses {
				if funding.Advance(ln.Status, s) == nil {
					row.Next = append(row.Next, option{Value: string(s), Label: i18n.T(l, "funding.status."+string(s))})
				}
			}
		}
		pg.Lines = append(pg.Lines, row)
	}
	for _, a := range f.Alerts {
		row := fundingAlertRow{Name: a.Name, Gap: a.Gap}
		for _, ln := range a.Lost {
			row.Lost = append(row.Lost, sourceName(ln.Source, l)+" "+ln.Amount.String())
		}
		pg.Alerts = append(pg.Alerts, row)
	}
	if pg.Contracts, err = p.contractSummaries(ctx, f.Plan.ID, l); err != nil {
		p.fail(w, r, err)
		return
	}
	pg.Spending = p.Spending != nil
	pg.Title = i18n.T(l, "funding.title") + " · " + f.Plan.Title
	p.render(w, r, status, "funding", pg)
}
