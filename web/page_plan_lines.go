package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/planning/plan"
	"github.com/huanxin/huanxin/web/i18n"
)

// inputsOf turns a plan's lines back into the inputs that give them.
func inputsOf(lines []plan.Line) []plan.LineInput {
	out := make([]plan.LineInput, len(lines))
	for i, l := range lines {
		out[i] = plan.LineInput{ItemCode: l.ItemCode, Quantity: l.Quantity, UnitCost: l.UnitCost, Phase: l.Phase,
			Zone: l.Zone, Findings: l.Findings, Asked: l.Asked}
	}
	return out
}

// planLineSave adds a line to a draft (field "line" empty) or changes the
// line it names. Quantities are decimals in the item's unit, the unit cost
// in yuan (empty: the catalogue's). Problems come back next to the fields.
func (p *Pages) planLineSave(w http.ResponseWriter, r *http.Request) {
	if !p.plansOn(w, r) {
		return
	}
	pl, ok := pathGet(p, w, r, p.Plans.Get)
	if !ok {
		return
	}
	ctx := r.Context()
	l := lang(r)
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	pg := &planPage{Editor: planEditor{Line: v("line"), Code: v("item_code"), Quantity: v("quantity"), UnitCost: v("unit_cost"),
		Phase: v("phase"), Posted: true}}
	index := len(pl.Lines)
	if pg.Editor.Line != "" {
		n, err := strconv.Atoi(pg.Editor.Line)
		if err != nil || n < 0 || n >= len(pl.Lines) {
			p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "该行不存在 no such line"))
			return
		}
		index = n
	}
	var bad []huanxin.FieldError
	in := plan.LineInput{ItemCode: v("item_code")}
	if index < len(pl.Lines) {
		in.Findings, in.Asked = pl.Lines[index].Findings, pl.Lines[index].Asked
	}
	if q, ok := huanxin.ParseCenti(pg.Editor.Quantity); ok {
		in.Quantity = q
	} else {
		bad = append(bad, huanxin.FieldError{Field: "quantity", Message: i18n.T(l, "plan.quantity.invalid")})
	}
	if pg.Editor.UnitCost != "" {
		if c, ok := huanxin.ParseCenti(pg.Editor.UnitCost); ok {
			in.UnitCost = huanxin.Money(c)
		} else {
			bad = append(bad, huanxin.FieldError{Field: "unit_cost", Message: i18n.T(l, "plan.unit_cost.invalid")})
		}
	}
	if ph, err := strconv.Atoi(pg.Editor.Phase); err == nil {
		in.Phase = ph
	} else {
		bad = append(bad, huanxin.FieldError{Field: "phase", Message: i18n.T(l, "plan.phase.invalid")})
	}
	for _, b := range r.PostForm["zone"] {
		if bid, err := parseID(b); err == nil {
			in.Zone = append(in.Zone, bid)
		}
	}
	if len(bad) == 0 {
		inputs := inputsOf(pl.Lines)
		if index < len(inputs) {
			inputs[index] = in
		} else {
			inputs = append(inputs, in)
		}
		_, err := p.Plans.SetLines(ctx, pl.ID, inputs)
		if err == nil {
			redirect(w, r, "/plans/"+strconv.FormatInt(pl.ID, 10), "plan_line_saved")
			return
		}
		if huanxin.ErrorCode(err) != huanxin.EINVALID {
			p.fail(w, r, err)
			return
		}
		// Problems of this line go next to its fields; others stay as
		// they are (lines.<i>.<field>, shown in the table).
		prefix := "lines." + strconv.Itoa(index) + "."
		for _, fe := range huanxin.ErrorFields(err) {
			fe.Field = strings.TrimPrefix(fe.Field, prefix)
			bad = append(bad, fe)
		}
		if len(bad) == 0 {
			bad = []huanxin.FieldError{{Field: "item_code", Message: huanxin.ErrorMessage(err)}}
		}
	}
	pg.Message, pg.Errors = i18n.T(l, "plan.invalid"), bad
	for _, b := range in.Zone {
		pg.Editor.Zone = append(pg.Editor.Zone, strconv.FormatInt(b, 10))
	}
	p.renderPlan(w, r, http.StatusBadRequest, pl.ID, pg)
}

// planLineRemove removes a line of a draft.
func (p *Pages) planLineRemove(w http.ResponseWriter, r *http.Request) {
	if !p.plansOn(w, r) {
		return
	}
	pl, ok := pathGet(p, w, r, p.Plans.Get)
	if !ok {
		return
	}
	ctx := r.Context()
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 0 || n >= len(pl.Lines) {
		p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "该行不存在 no such line"))
		return
	}
	if _, err := p.Plans.SetLines(ctx, pl.ID, slices.Delete(inputsOf(pl.Lines), n, n+1)); err != nil {
		p.fail(w, r, err)
		return
	}
	redirect(w, r, "/plans/"+strconv.FormatInt(pl.ID, 10), "plan_line_removed")
}
