package web

import (
	"fmt"
	"net/http"

	"github.com/huanxin/huanxin/funding/appraise"
	"github.com/huanxin/huanxin/sheet"
	"github.com/huanxin/huanxin/web/i18n"
)

// appraisalExport writes an appraisal's yearly cash-flow table to xlsx,
// in yuan.
func (p *Pages) appraisalExport(w http.ResponseWriter, r *http.Request) {
	if !p.appraisalsOn(w, r) {
		return
	}
	x, ok := pathGet(p, w, r, p.Appraisals.Appraise)
	if !ok {
		return
	}
	l := lang(r)
	cols := []string{"year", "revenue", "subsidy", "operating_cost", "ebitda", "depreciation", "interest", "tax", "cfads", "capital_cost",
		"drawdown", "principal", "debt_service", "dscr", "balance", "project_flow", "equity_flow", "cumulative"}
	tpl := sheet.Template{Kind: "appraisal", Sheet: i18n.T(l, "appraisal.sheet")}
	for _, k := range cols {
		tpl.Columns = append(tpl.Columns, sheet.Column{Key: k, Header: i18n.T(l, "appraisal.col."+k)})
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="appraisal-%d.xlsx"`, x.Appraisal.ID))
	xw, err := sheet.NewXLSXWriter(w, tpl)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	yuan := func(v float64) string { return appraise.Fen(v).String() }
	for _, y := range x.Result.Table {
		dscr := ""
		if y.HasDebtService {
			dscr = fmt.Sprintf("%.4f", y.DSCR)
		}
		if err := xw.Write(fmt.Sprint(y.Year), yuan(y.Revenue), yuan(y.Subsidy), yuan(y.OperatingCost), yuan(y.EBITDA), yuan(y.Depreciation),
			yuan(y.Interest), yuan(y.Tax), yuan(y.CFADS), yuan(y.CapitalCost), yuan(y.Drawdown), yuan(y.Principal), yuan(y.DebtService), dscr,
			yuan(y.Balance), yuan(y.ProjectFlow), yuan(y.EquityFlow), yuan(y.Cumulative)); err != nil {
			return // the response has started; the client sees a cut file
		}
	}
	xw.Close()
}
