package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/sheet"
	"github.com/huanxin/huanxin/web/i18n"
)

// budgetPage is a budget table (预算执行): per item of an estate, or per
// estate of a programme, the budget, what contracts commit, what was
// paid and what is left, overruns flagged.
type budgetPage struct {
	Base
	Heading  string
	Back     option // the page it belongs to
	Export   string // the xlsx link
	ByEstate bool   // rows are estates (a programme's table)
	Rows     []budgetRow
	Total    budgetRow
	Overruns int
}

// budgetRow is a row as shown; Link goes to an estate's own table.
type budgetRow struct {
	funding.BudgetRow
	Link    string
	Overrun string
}

// budgetTable is what both tables are made of.
type budgetTable struct {
	heading, back, backLabel, file string
	byEstate                       bool
	rows                           []funding.BudgetRow
	total                          funding.BudgetRow
}

// estateBudgetTable loads an estate's table.
func (p *Pages) estateBudgetTable(w http.ResponseWriter, r *http.Request) (*budgetTable, bool) {
	if !p.spendingOn(w, r) {
		return nil, false
	}
	b, ok := pathGet(p, w, r, p.Spending.EstateBudget)
	if !ok {
		return nil, false
	}
	id := strconv.FormatInt(b.Estate.ID, 10)
	return &budgetTable{heading: b.Estate.Name, back: "/estates/" + id, backLabel: b.Estate.Name, file: "budget-estate-" + id,
		rows: b.Rows, total: b.Total}, true
}

// programmeBudgetTable loads a programme's table.
func (p *Pages) programmeBudgetTable(w http.ResponseWriter, r *http.Request) (*budgetTable, bool) {
	if !p.spendingOn(w, r) {
		return nil, false
	}
	b, ok := pathGet(p, w, r, p.Spending.ProgrammeBudget)
	if !ok {
		return nil, false
	}
	id := strconv.FormatInt(b.Programme.ID, 10)
	return &budgetTable{heading: b.Programme.Title, back: "/programmes/" + id, backLabel: b.Programme.Title, file: "budget-programme-" + id,
		byEstate: true, rows: b.Rows, total: b.Total}, true
}

// estateBudget shows an estate's budget table.
func (p *Pages) estateBudget(w http.ResponseWriter, r *http.Request) {
	if t, ok := p.estateBudgetTable(w, r); ok {
		p.renderBudget(w, r, t)
	}
}

// programmeBudget shows a programme's budget table.
func (p *Pages) programmeBudget(w http.ResponseWriter, r *http.Request) {
	if t, ok := p.programmeBudgetTable(w, r); ok {
		p.renderBudget(w, r, t)
	}
}

func (p *Pages) renderBudget(w http.ResponseWriter, r *http.Request, t *budgetTable) {
	pg := &budgetPage{Base: p.base(r, "budget.title"), Heading: t.heading, Back: option{Value: t.back, Label: t.backLabel},
		Export: strings.TrimSuffix(r.URL.Path, "/") + ".xlsx", ByEstate: t.byEstate, Total: budgetRow{BudgetRow: t.total, Overrun: overrun(t.total, lang(r))}}
	pg.Title = t.heading + " · " + pg.Title
	for _, b := range t.rows {
		row := budgetRow{BudgetRow: b, Overrun: overrun(b, pg.Lang)}
		if t.byEstate {
			row.Link = "/estates/" + strconv.FormatInt(b.EstateID, 10) + "/budget"
		}
		if row.Overrun != "" {
			pg.Overruns++
		}
		pg.Rows = append(pg.Rows, row)
	}
	p.render(w, r, http.StatusOK, "budget", pg)
}

// overrun says a row's overrun in the page's language, "" if none.
func overrun(b funding.BudgetRow, l string) string {
	what, by := b.Over()
	if what == "" {
		return ""
	}
	return i18n.T(l, "budget.over_"+what, money(by))
}

// budgetColumns are the columns of the exported table.
var budgetColumns = []string{"item", "budget", "committed", "paid", "remaining", "overrun"}

// estateBudgetExport writes an estate's table to xlsx.
func (p *Pages) estateBudgetExport(w http.ResponseWriter, r *http.Request) {
	if t, ok := p.estateBudgetTable(w, r); ok {
		p.exportBudget(w, r, t)
	}
}

// programmeBudgetExport writes a programme's table to xlsx.
func (p *Pages) programmeBudgetExport(w http.ResponseWriter, r *http.Request) {
	if t, ok := p.programmeBudgetTable(w, r); ok {
		p.exportBudget(w, r, t)
	}
}

// exportBudget writes a table's rows (amounts in yuan) and its total.
func (p *Pages) exportBudget(w http.ResponseWriter, r *http.Request, t *budgetTable) {
	l := lang(r)
	tpl := sheet.Template{Kind: "budget", Sheet: i18n.T(l, "budget.sheet")}
	for _, k := range budgetColumns {
		key := "budget.col." + k
		if k == "item" && t.byEstate {
			key = "budget.col.estate"
		}
		tpl.Columns = append(tpl.Columns, sheet.Column{Key: k, Header: i18n.T(l, key)})
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.xlsx"`, t.file))
	x, err := sheet.NewXLSXWriter(w, tpl)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	write := func(name string, b funding.BudgetRow) error {
		return x.Write(name, b.Budget.String(), b.Committed.String(), b.Paid.String(), b.Remaining.String(), overrun(b, l))
	}
	for _, b := range t.rows {
		name := strings.TrimSpace(b.ItemCode + " " + b.Name)
		if t.byEstate {
			name = b.Name
		}
		if err := write(name, b); err != nil {
			return // the response has started; the client sees a cut file
		}
	}
	if write(i18n.T(l, "funding.total"), t.total) == nil {
		x.Close()
	}
}
