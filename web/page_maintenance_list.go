package web

import (
	"net/http"

	"github.com/huanxin/huanxin"
)

// maintenanceListPage lists the estates in the chosen jurisdiction with
// the balance of their maintenance fund, each linking to its page.
type maintenanceListPage struct {
	Base
	Rows []maintenanceListRow
	More bool // more estates than shown
}

// maintenanceListRow is one estate's fund in total.
type maintenanceListRow struct {
	EstateID   int64
	EstateName string
	Balance    huanxin.Money
	Dwellings  int // dwellings with an imported balance
}

// maintenanceList shows the estates' maintenance funds.
func (p *Pages) maintenanceList(w http.ResponseWriter, r *http.Request) {
	if !p.maintenanceOn(w, r) {
		return
	}
	ctx := r.Context()
	es, more, err := p.switcherEstates(ctx, r, fundingListEstates)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &maintenanceListPage{Base: p.base(r, "maintenance.list"), More: more}
	for _, e := range es {
		bs, err := p.Maintenance.Balances(ctx, e.ID)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		row := maintenanceListRow{EstateID: e.ID, EstateName: e.Name}
		for _, b := range bs {
			if b.PartID != 0 {
				row.Balance += b.Amount
				row.Dwellings++
			}
		}
		pg.Rows = append(pg.Rows, row)
	}
	p.render(w, r, http.StatusOK, "maintenance_list", pg)
}
