package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/funding/appraise"
	"github.com/huanxin/huanxin/web/i18n"
)

// appraisalPage is an appraisal's result (测算结果): the measures with
// what they mean, the yearly cash-flow table and the sensitivity table.
type appraisalPage struct {
	Base
	Appraisal           *funding.Appraisal
	Estate              *estate.Estate
	Revenues, Costs     []string // category labels, the table's columns
	Rows                []appraisalRow
	NPV                 huanxin.Money
	Discount            string // the discount rate in per cent
	IRR                 string // "13.07%", or "" when there is none
	IRRWhy              string // why there is no IRR, in plain words
	Payback, Discounted string
	MinDSCR             string // "" without debt service
	MinDSCRYear         int
	Sensitivity         []appraisalScenarioRow
	BaseCase            appraisalScenarioRow // the base case beside the custom scenarios
	Scenarios           []appraisalCustomRow
	ScenarioForm        scenarioForm
	Message             string
	Errors              []huanxin.FieldError
}

// appraisalRow is one year of the cash-flow table, rounded to the fen.
type appraisalRow struct {
	Year                                                             int
	Revenues, Costs                                                  []huanxin.Money
	Subsidy, EBITDA, Tax, CapitalCost, Drawdown, DebtService, Equity huanxin.Money
	Project, Cumulative                                              huanxin.Money
	DSCR                                                             string
}

// appraisalScenarioRow is one row of the sensitivity table.
type appraisalScenarioRow struct {
	Name, IRR, Payback, MinDSCR string
	NPV                         huanxin.Money
}

// appraisalIRR is an IRR in per cent, or "" and why there is none: no
// rate makes the NPV zero, or several do (listed).
func appraisalIRR(lang string, r *appraise.Result) (string, string) {
	if r.HasIRR {
		return fmt.Sprintf("%.2f%%", r.IRR*100), ""
	}
	roots := appraise.IRRs(r.EquityFlows())
	if len(roots) < 2 {
		return "", i18n.T(lang, "appraisal.irr_none")
	}
	var rs []string
	for _, x := range roots {
		rs = append(rs, fmt.Sprintf("%.2f%%", x*100))
	}
	return "", i18n.T(lang, "appraisal.irr_several", strings.Join(rs, "、"))
}

func appraisalPayback(lang string, p appraise.Payback) string {
	if !p.Reached {
		return i18n.T(lang, "appraisal.never")
	}
	return i18n.T(lang, "appraisal.years_n", fmt.Sprintf("%.2f", p.Years))
}

func appraisalDSCR(r *appraise.Result) string {
	if r.MinDSCRYear < 0 {
		return ""
	}
	return fmt.Sprintf("%.2f", r.MinDSCR)
}

func fens(v []float64) []huanxin.Money {
	out := make([]huanxin.Money, len(v))
	for i, x := range v {
		out[i] = appraise.Fen(x)
	}
	return out
}

// appraisalShow shows an appraisal's result, with the form of a new
// custom scenario or, given ?scenario=, of that scenario.
func (p *Pages) appraisalShow(w http.ResponseWriter, r *http.Request) {
	p.renderAppraisal(w, r, http.StatusOK, nil, nil)
}

// renderAppraisal shows an appraisal's result; form is the scenario form
// as entered (nil: from ?scenario= or empty) and failed why it was not
// saved.
func (p *Pages) renderAppraisal(w http.ResponseWriter, r *http.Request, status int, form *scenarioForm, failed error) {
	if !p.appraisalsOn(w, r) {
		return
	}
	x, ok := pathGet(p, w, r, p.Appraisals.Appraise)
	if !ok {
		return
	}
	e, err := p.Reg.Estates().Get(r.Context(), x.Appraisal.EstateID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	res, m := x.Result, x.Appraisal.Model
	pg := &appraisalPage{Base: p.base(r, "appraisal.result"), Appraisal: x.Appraisal, Estate: e, NPV: appraise.Fen(res.NPV),
		Discount: appraisalPct(m.DiscountRate), MinDSCR: appraisalDSCR(res), MinDSCRYear: res.MinDSCRYear}
	l := pg.Lang
	pg.IRR, pg.IRRWhy = appraisalIRR(l, res)
	pg.Payback, pg.Discounted = appraisalPayback(l, res.Payback), appraisalPayback(l, res.DiscountedPayback)
	for _, it := range m.Revenues {
		pg.Revenues = append(pg.Revenues, appraisalCategory(l, "revenue", it.Category))
	}
	for _, it := range m.OperatingCosts {
		pg.Costs = append(pg.Costs, appraisalCategory(l, "cost", it.Category))
	}
	for _, y := range res.Table {
		row := appraisalRow{Year: y.Year, Revenues: fens(y.Revenues), Costs: fens(y.Costs), Subsidy: appraise.Fen(y.Subsidy),
			EBITDA: appraise.Fen(y.EBITDA), Tax: appraise.Fen(y.Tax), CapitalCost: appraise.Fen(y.CapitalCost), Drawdown: appraise.Fen(y.Drawdown),
			DebtService: appraise.Fen(y.DebtService), Equity: appraise.Fen(y.EquityFlow), Project: appraise.Fen(y.ProjectFlow),
			Cumulative: appraise.Fen(y.Cumulative)}
		if y.HasDebtService {
			row.DSCR = fmt.Sprintf("%.2f", y.DSCR)
		}
		pg.Rows = append(pg.Rows, row)
	}
	for _, o := range x.Sensitivity {
		pg.Sensitivity = append(pg.Sensitivity, appraisalOutcomeRow(l, o.Scenario.Name, o.Result))
	}
	pg.BaseCase = appraisalOutcomeRow(l, i18n.T(l, "appraisal.base"), res)
	if !p.customScenarios(w, r, pg, x, form, failed) {
		return
	}
	p.render(w, r, status, "appraisal", pg)
}

// appraisalOutcomeRow is the measures of a model varied by a scenario,
// with why there is no IRR in its place.
func appraisalOutcomeRow(l, name string, res *appraise.Result) appraisalScenarioRow {
	irr, why := appraisalIRR(l, res)
	if irr == "" {
		irr = why
	}
	return appraisalScenarioRow{Name: name, NPV: appraise.Fen(res.NPV), IRR: irr, Payback: appraisalPayback(l, res.Payback), MinDSCR: appraisalDSCR(res)}
}
