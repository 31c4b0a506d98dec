package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/web/i18n"
)

// maintenanceBuildings reads the checked buildings of a form.
func maintenanceBuildings(r *http.Request) ([]int64, map[int64]bool) {
	var ids []int64
	checked := map[int64]bool{}
	for _, v := range r.PostForm["buildings"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 && !checked[id] {
			ids = append(ids, id)
			checked[id] = true
		}
	}
	return ids, checked
}

// maintenanceAmount parses an amount in yuan with at most two decimals
// into fen, or says what is wrong next to the field.
func maintenanceAmount(l, s string) (huanxin.Money, error) {
	v, ok := huanxin.ParseCenti(s)
	if !ok || v <= 0 {
		return 0, huanxin.Invalid(i18n.T(l, "maintenance.invalid"), huanxin.FieldError{Field: "amount", Message: i18n.T(l, "maintenance.amount_invalid")})
	}
	return huanxin.Money(v), nil
}

// maintenanceUse requests a use of the fund: the amount in yuan is split
// by floor area among the dwellings of the checked buildings; its basis
// is a passed decision or an emergency with its approvals. Problems show
// next to the fields.
func (p *Pages) maintenanceUse(w http.ResponseWriter, r *http.Request) {
	if !p.maintenanceOn(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	l := lang(r)
	r.ParseForm()
	f := maintenanceUseForm{Purpose: r.PostFormValue("purpose"), Amount: strings.TrimSpace(r.PostFormValue("amount")), Basis: r.PostFormValue("basis"),
		DecisionID: r.PostFormValue("decision_id"), Emergency: r.PostFormValue("emergency")}
	in := funding.UseInput{Purpose: f.Purpose, Basis: f.Basis, Emergency: f.Emergency}
	in.Buildings, f.Buildings = maintenanceBuildings(r)
	pg := &maintenancePage{Use: f}
	for i := range f.Approvals {
		n := strconv.Itoa(i)
		a := maintenanceApproval{Name: r.PostFormValue("approval_name_" + n), Role: r.PostFormValue("approval_role_" + n), On: r.PostFormValue("approval_on_" + n)}
		pg.Use.Approvals[i] = a
		if strings.TrimSpace(a.Name+a.Role+a.On) == "" {
			continue
		}
		on, err := time.ParseInLocation(time.DateOnly, a.On, huanxin.Shanghai)
		if err != nil {
			p.maintenanceFail(w, r, pg, "use", huanxin.Invalid(i18n.T(l, "maintenance.invalid"),
				huanxin.FieldError{Field: "approvals." + strconv.Itoa(len(in.Approvals)), Message: i18n.T(l, "maintenance.date_invalid")}))
			return
		}
		in.Approvals = append(in.Approvals, funding.Approval{Name: a.Name, Role: a.Role, On: on.UTC()})
	}
	if in.Amount, err = maintenanceAmount(l, f.Amount); err != nil {
		p.maintenanceFail(w, r, pg, "use", err)
		return
	}
	if f.Basis == funding.BasisDecision {
		in.DecisionID, _ = strconv.ParseInt(f.DecisionID, 10, 64)
	}
	if _, err := p.Maintenance.RequestUse(r.Context(), id, in); err != nil {
		p.maintenanceFail(w, r, pg, "use", err)
		return
	}
	redirect(w, r, maintenancePath(r), "maintenance_requested")
}
