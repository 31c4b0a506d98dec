package web

import (
	"net/http"
	"strconv"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/funding"
)

// maintenanceMove approves a requested use (…/approve) or records the
// payment of an approved one (…/pay), which takes its charges from the
// dwellings' balances; a refused step shows on the fund's page.
func (p *Pages) maintenanceMove(w http.ResponseWriter, r *http.Request) {
	if !p.maintenanceOn(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	use, err := strconv.ParseInt(r.PathValue("use"), 10, 64)
	if err != nil {
		p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "维修资金使用记录不存在 fund use not found"))
		return
	}
	to, flash := funding.UseApproved, "maintenance_approved"
	switch r.PathValue("action") {
	case "approve":
	case "pay":
		to, flash = funding.UsePaid, "maintenance_paid"
	default:
		p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "页面不存在 not found"))
		return
	}
	if _, err := p.Maintenance.Advance(r.Context(), id, use, to); err != nil {
		p.maintenanceFail(w, r, &maintenancePage{Use: maintenanceUseForm{Basis: funding.BasisDecision}}, "move", err)
		return
	}
	redirect(w, r, maintenancePath(r), flash)
}
