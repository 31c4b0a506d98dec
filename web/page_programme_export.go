package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/sheet"
	"github.com/huanxin/huanxin/web/i18n"
)

// programmeColumns are the columns of the programme in the layout used for
// reporting upward.
var programmeColumns = []string{"no", "district", "street", "community", "estate", "year_built", "buildings", "households",
	"floor_area", "basic", "improve", "enhance", "total", "score", "reasons"}

// programmeExport writes the chosen estates of a programme to xlsx: one
// row per estate with its register facts, its investment by category in
// 10,000 yuan and why it was chosen, then a total row.
func (p *Pages) programmeExport(w http.ResponseWriter, r *http.Request) {
	if !p.programmesOn(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	prog, err := p.Programmes.Get(r.Context(), id)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	l := lang(r)
	tpl := sheet.Template{Kind: "programme", Sheet: i18n.T(l, "programme.sheet")}
	for _, k := range programmeColumns {
		tpl.Columns = append(tpl.Columns, sheet.Column{Key: k, Header: i18n.T(l, "programme.col."+k)})
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="programme-%d-%d.xlsx"`, prog.Year, prog.ID))
	x, err := sheet.NewXLSXWriter(w, tpl)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	names := districtNames(prog)
	var n, buildings int
	var households int64
	var area huanxin.Area
	var basic, improve, enhance, total huanxin.Money
	for i, e := range prog.Candidates {
		ex := prog.Result.Estates[i]
		if !ex.In {
			continue
		}
		n++
		var reasons []string
		for _, rs := range ex.Reasons {
			reasons = append(reasons, reasonText(l, rs, e, ex, names))
		}
		b, im, en := e.ByCategory["basic"], e.ByCategory["improve"], e.ByCategory["enhance"]
		if err := x.Write(n, e.DistrictName, e.Street, e.Community, e.Name, e.YearBuilt, e.Buildings, e.Households,
			e.FloorArea.String(), wan(b), wan(im), wan(en), wan(e.Cost), strconv.FormatFloat(e.Score, 'f', 4, 64),
			strings.Join(reasons, "；")); err != nil {
			return // the response has started; the client sees a cut file
		}
		buildings += e.Buildings
		households += e.Households
		area += e.FloorArea
		basic, improve, enhance, total = basic+b, improve+im, enhance+en, total+e.Cost
	}
	if err := x.Write(i18n.T(l, "programme.col.sum"), "", "", "", i18n.T(l, "programme.col.count", n), "", buildings, households,
		area.String(), wan(basic), wan(improve), wan(enhance), wan(total), "", ""); err != nil {
		return
	}
	x.Close()
}
