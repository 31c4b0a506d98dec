package web

import (
	"fmt"
	"net/http"

	"github.com/huanxin/huanxin/sheet"
	"github.com/huanxin/huanxin/web/i18n"
)

// shareExport writes a run's rows with what each part paid to xlsx.
func (p *Pages) shareExport(w http.ResponseWriter, r *http.Request) {
	c, ok := p.shareRun(w, r)
	if !ok {
		return
	}
	l := lang(r)
	tpl := sheet.Template{Kind: "shares", Sheet: i18n.T(l, "shares.sheet")}
	for _, k := range []string{"building", "stairwell", "room", "floor_col", "area", "fraction", "amount", "paid"} {
		tpl.Columns = append(tpl.Columns, sheet.Column{Key: k, Header: i18n.T(l, "shares."+k)})
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="shares-%d.xlsx"`, c.Run.ID))
	x, err := sheet.NewXLSXWriter(w, tpl)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	for _, row := range c.Run.Rows {
		if err := x.Write(row.BuildingNo, row.Stairwell, row.Room, row.Floor, row.Area.String(), row.Fraction, row.Amount.String(), min(c.Paid[row.PartID], row.Amount).String()); err != nil {
			return // the response has started; the client sees a cut file
		}
	}
	x.Close()
}
