package web

import (
	"net/http"
	"strconv"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/planning/plan"
	"github.com/huanxin/huanxin/web/i18n"
)

// planDiffPage shows what changed between two versions of a plan.
type planDiffPage struct {
	Base
	Plan     *plan.Plan
	From, To int
	Versions []int
	Rows     []planDiffRow
	Errors   []huanxin.FieldError
}

// planDiffRow is one changed line: for a changed line, each field that
// changed with its old and new value; for an added or removed line, its
// values.
type planDiffRow struct {
	Kind, KindLabel, Name, Zone string
	Fields                      []planDiffField
}

type planDiffField struct {
	Label, Old, New string
}

// planDiff compares two versions (?from=&to=; default: the current one
// against the one before).
func (p *Pages) planDiff(w http.ResponseWriter, r *http.Request) {
	if !p.plansOn(w, r) {
		return
	}
	pl, ok := pathGet(p, w, r, p.Plans.Get)
	if !ok {
		return
	}
	ctx := r.Context()
	pg := &planDiffPage{Base: p.base(r, "plan.diff.title"), Plan: pl}
	l := pg.Lang
	num := func(k string) *int64 {
		n, err := strconv.ParseInt(r.URL.Query().Get(k), 10, 64)
		if err != nil {
			return nil
		}
		return &n
	}
	status := http.StatusOK
	a, b, changes, err := p.Plans.Compare(ctx, pl.ID, num("from"), num("to"))
	if huanxin.ErrorCode(err) == huanxin.EINVALID {
		status, pg.Errors = http.StatusBadRequest, huanxin.ErrorFields(err)
		a, b, changes, err = p.Plans.Compare(ctx, pl.ID, nil, nil)
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg.From, pg.To = a.Version, b.Version
	for v := 1; v <= pl.Version; v++ {
		pg.Versions = append(pg.Versions, v)
	}
	_, buildings, err := p.estateBuildings(r, pl.EstateID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	values := func(ln *plan.Line) map[string]string {
		if ln == nil {
			return map[string]string{}
		}
		total, _ := ln.Total()
		return map[string]string{"quantity": huanxin.FormatCenti(ln.Quantity) + " " + ln.Unit,
			"unit_cost": groupThousands(ln.UnitCost.String()), "phase": i18n.T(l, "plan.phase.n", ln.Phase),
			"total": groupThousands(total.String())}
	}
	for _, c := range changes {
		ln := c.To
		if ln == nil {
			ln = c.From
		}
		row := planDiffRow{Kind: string(c.Kind), KindLabel: i18n.T(l, "plan.diff."+string(c.Kind)), Name: ln.Name,
			Zone: zoneNames(c.Zone, buildings, l)}
		old, cur := values(c.From), values(c.To)
		fields := c.Fields
		if c.Kind != plan.Changed {
			fields = []string{"quantity", "unit_cost", "phase"}
		}
		for _, f := range append(fields, "total") {
			row.Fields = append(row.Fields, planDiffField{Label: i18n.T(l, "plan."+f), Old: old[f], New: cur[f]})
		}
		pg.Rows = append(pg.Rows, row)
	}
	p.render(w, r, status, "plan_diff", pg)
}
