package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin/funding"
)

// maintenanceRaise records a raise or top-up of the fund under a passed
// item-6 decision, the amount in yuan split by floor area among the
// dwellings of the checked buildings. Problems show next to the fields.
func (p *Pages) maintenanceRaise(w http.ResponseWriter, r *http.Request) {
	if !p.maintenanceOn(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	r.ParseForm()
	f := maintenanceRaiseForm{Purpose: r.PostFormValue("purpose"), Amount: strings.TrimSpace(r.PostFormValue("amount")), DecisionID: r.PostFormValue("decision_id")}
	in := funding.RaiseInput{Purpose: f.Purpose}
	in.Buildings, f.Buildings = maintenanceBuildings(r)
	in.DecisionID, _ = strconv.ParseInt(f.DecisionID, 10, 64)
	pg := &maintenancePage{Use: maintenanceUseForm{Basis: funding.BasisDecision}, Raise: f}
	if in.Amount, err = maintenanceAmount(lang(r), f.Amount); err != nil {
		p.maintenanceFail(w, r, pg, "raise", err)
		return
	}
	if _, err := p.Maintenance.Raise(r.Context(), id, in); err != nil {
		p.maintenanceFail(w, r, pg, "raise", err)
		return
	}
	redirect(w, r, maintenancePath(r), "maintenance_raised")
}
