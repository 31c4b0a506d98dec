package web

import (
	"net/http"
	"strconv"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/planning/plan"
	"github.com/huanxin/huanxin/web/i18n"
)

// plansPage lists plans: an estate's (with the form for a new one) or,
// without an estate, those awaiting the actor's approval.
type plansPage struct {
	Base
	Estate  *estate.Estate
	Rows    []planRow
	CanAdd  bool
	Officer bool
	Form    string // the title as entered
	Message string
	Errors  []huanxin.FieldError
}

// planRow is one plan in a list.
type planRow struct {
	ID                            int64
	Estate, Title, Status, Awaits string
	Version                       int
	Total                         string
	Updated                       any
	Returned                      bool
}

func (p *Pages) planRows(r *http.Request, plans []*plan.Plan, l string) []planRow {
	estates := map[int64]string{}
	var out []planRow
	for _, x := range plans {
		if _, ok := estates[x.EstateID]; !ok {
			estates[x.EstateID] = "#" + strconv.FormatInt(x.EstateID, 10)
			if e, err := p.Reg.Estates().Get(r.Context(), x.EstateID); err == nil {
				estates[x.EstateID] = e.Name
			}
		}
		var total huanxin.Money
		for _, ln := range x.Lines {
			v, _ := ln.Total()
			total += v
		}
		row := planRow{ID: x.ID, Estate: estates[x.EstateID], Title: x.Title, Status: i18n.T(l, "plan.status."+string(x.Status)),
			Version: x.Version, Total: groupThousands(total.String()), Updated: x.Updated, Returned: x.ReturnedReason != ""}
		if lv, ok := plan.Approver(x.Status); ok {
			row.Awaits = i18n.T(l, "level."+string(lv))
		}
		out = append(out, row)
	}
	return out
}

// planList shows an estate's plans.
func (p *Pages) planList(w http.ResponseWriter, r *http.Request) {
	if !p.plansOn(w, r) {
		return
	}
	e, ok := p.pathEstate(w, r)
	if !ok {
		return
	}
	p.renderPlanList(w, r, http.StatusOK, &plansPage{Estate: e})
}

func (p *Pages) renderPlanList(w http.ResponseWriter, r *http.Request, status int, pg *plansPage) {
	plans, err := p.Plans.List(r.Context(), pg.Estate.ID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg.Base = p.base(r, "plans.title")
	pg.Title = i18n.T(pg.Lang, "plans.of", pg.Estate.Name)
	pg.Rows = p.planRows(r, plans, pg.Lang)
	pg.Officer = planOfficer(pg.Actor)
	pg.CanAdd = pg.Officer
	p.render(w, r, status, "plans", pg)
}

// planCreate starts a draft plan for the estate.
func (p *Pages) planCreate(w http.ResponseWriter, r *http.Request) {
	if !p.plansOn(w, r) {
		return
	}
	e, ok := p.pathEstate(w, r)
	if !ok {
		return
	}
	title := r.PostFormValue("title")
	pl, err := p.Plans.Create(r.Context(), e.ID, title)
	if err == nil {
		redirect(w, r, "/plans/"+strconv.FormatInt(pl.ID, 10), "plan_created")
		return
	}
	if huanxin.ErrorCode(err) != huanxin.EINVALID {
		p.fail(w, r, err)
		return
	}
	p.renderPlanList(w, r, http.StatusBadRequest, &plansPage{Estate: e, Form: title, Message: huanxin.ErrorMessage(err),
		Errors: huanxin.ErrorFields(err)})
}

// planAwaiting lists the plans awaiting the actor's approval; other
// roles reach plans from the estates.
func (p *Pages) planAwaiting(w http.ResponseWriter, r *http.Request) {
	if !p.plansOn(w, r) {
		return
	}
	pg := &plansPage{Base: p.base(r, "plans.awaiting")}
	pg.Officer = planOfficer(pg.Actor)
	if pg.Officer {
		plans, err := p.Plans.Awaiting(r.Context())
		if err != nil {
			p.fail(w, r, err)
			return
		}
		pg.Rows = p.planRows(r, plans, pg.Lang)
	}
	p.render(w, r, http.StatusOK, "plans", pg)
}
