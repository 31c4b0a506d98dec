package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/sheet"
	"github.com/huanxin/huanxin/web/i18n"
)

// planExport writes a plan's lines and its totals by category and in all
// to xlsx: quantities in the item's unit and money in yuan, with two
// decimals.
func (p *Pages) planExport(w http.ResponseWriter, r *http.Request) {
	if !p.plansOn(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	rv, err := p.Plans.Review(r.Context(), id)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	_, buildings, err := p.estateBuildings(r, rv.EstateID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	l := lang(r)
	tpl := sheet.Template{Kind: "plan", Sheet: i18n.T(l, "plan.sheet")}
	for _, k := range []string{"category", "code", "item", "unit", "quantity", "unit_cost", "total", "phase", "zone"} {
		tpl.Columns = append(tpl.Columns, sheet.Column{Key: k, Header: i18n.T(l, "plan."+k)})
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="plan-%d-v%d.xlsx"`, rv.ID, rv.Version))
	x, err := sheet.NewXLSXWriter(w, tpl)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	for _, c := range planning.Categories {
		for _, ln := range rv.Lines {
			if ln.Category != string(c) {
				continue
			}
			total, _ := ln.Total()
			if err := x.Write(c.Term().Name(l), ln.ItemCode, ln.Name, ln.Unit, huanxin.FormatCenti(ln.Quantity), ln.UnitCost.String(),
				total.String(), ln.Phase, zoneNames(ln.Zone, buildings, l)); err != nil {
				return // the response has started; the client sees a cut file
			}
		}
	}
	for _, c := range planning.Categories {
		if v, ok := rv.Totals.ByCategory[string(c)]; ok {
			if err := x.Write(c.Term().Name(l), "", i18n.T(l, "plan.subtotal"), "", "", "", v.String(), "", ""); err != nil {
				return
			}
		}
	}
	if err := x.Write("", "", strings.TrimSpace(i18n.T(l, "plan.total_all")), "", "", "", rv.Totals.Total.String(), "", ""); err != nil {
		return
	}
	x.Close()
}
