package web

import (
	"net/http"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/funding"
)

// fundingListPage is the funding of the plans of the estates in the
// chosen jurisdiction (资金): each plan's cost, the money found and the
// gap, and the gap in all.
type fundingListPage struct {
	Base
	Rows  []fundingListRow
	Total fundingRow
	More  bool // more estates than shown
}

// fundingListRow is one plan's funding.
type fundingListRow struct {
	EstateID         int64
	EstateName       string
	PlanID           int64
	PlanTitle        string
	Cost, Found, Gap huanxin.Money
}

// fundingListEstates is how many estates the list reads at most.
const fundingListEstates = 100

// fundingList shows the funding of the plans in scope.
func (p *Pages) fundingList(w http.ResponseWriter, r *http.Request) {
	if !p.fundingOn(w, r) {
		return
	}
	ctx := r.Context()
	es, more, err := p.switcherEstates(ctx, r, fundingListEstates)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &fundingListPage{Base: p.base(r, "funding.list"), More: more}
	total := funding.Cover{ByStatus: map[funding.Status]huanxin.Money{}}
	for _, e := range es {
		plans, err := p.Funding.Plans.List(ctx, e.ID)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		for _, pl := range plans {
			fd, err := p.Funding.Get(ctx, pl.ID)
			if err != nil {
				p.fail(w, r, err)
				return
			}
			c := fd.Total
			pg.Rows = append(pg.Rows, fundingListRow{EstateID: e.ID, EstateName: e.Name, PlanID: pl.ID, PlanTitle: pl.Title,
				Cost: c.Cost, Found: c.ByStatus[funding.Committed], Gap: c.Gap})
			total.Cost += c.Cost
			total.Gap += c.Gap
			total.ByStatus[funding.Committed] += c.ByStatus[funding.Committed]
		}
	}
	pg.Total = coverRow(total, pg.Lang)
	p.render(w, r, http.StatusOK, "funding_list", pg)
}
