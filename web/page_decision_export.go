package web

import (
	"fmt"
	"net/http"

	"github.com/huanxin/huanxin/sheet"
	"github.com/huanxin/huanxin/web/i18n"
)

// decisionBallots exports the ballot register of a closed decision to
// xlsx: anonymised for everyone but auditors, in an order unrelated to
// who voted.
func (p *Pages) decisionBallots(w http.ResponseWriter, r *http.Request) {
	if !p.decisionsOn(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	d, rows, err := p.Decisions.BallotRegister(r.Context(), id)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	l := lang(r)
	tpl := sheet.Template{Kind: "ballots", Sheet: i18n.T(l, "ballots.sheet")}
	for _, k := range []string{"no", "voter", "area", "parts", "channel", "proxy", "cast_at", "spoiled"} {
		tpl.Columns = append(tpl.Columns, sheet.Column{Key: k, Header: i18n.T(l, "ballots."+k)})
	}
	for i, m := range d.Matters {
		tpl.Columns = append(tpl.Columns, sheet.Column{Key: fmt.Sprintf("m%d", i), Header: fmt.Sprintf("%d. %s", i+1, m.Title)})
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="decision-%d-ballots.xlsx"`, d.ID))
	x, err := sheet.NewXLSXWriter(w, tpl)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	for _, row := range rows {
		vals := []any{row.No, row.Voter, row.Area, row.Parts, i18n.T(l, "via."+row.Via), row.Proxy, row.CastAt, row.Spoiled}
		for _, c := range row.Choices {
			label := ""
			if key, ok := choiceKeys[c]; ok {
				label = i18n.T(l, key)
			}
			vals = append(vals, label)
		}
		if err := x.Write(vals...); err != nil {
			return // the response has started; the client sees a cut file
		}
	}
	x.Close()
}
