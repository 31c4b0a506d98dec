package web

import (
	"net/http"
	"strconv"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/web/i18n"
)

// maintenancePage is an estate's housing maintenance fund (维修资金): the
// balances by building and dwelling with the import form, the uses with
// their basis (the owners' decision or the emergency and its approvals)
// and their buttons, the raises, and the forms to request a use and to
// record a raise.
type maintenancePage struct {
	Base
	Estate    *estate.Estate
	Balances  []funding.Balance
	Uses      []maintenanceUseRow
	Raises    []*funding.FundRaise
	Buildings []*estate.Building
	Decisions []option
	CanEdit   bool
	Use       maintenanceUseForm
	Raise     maintenanceRaiseForm
	AsOf      string
	// Failed names the form whose submission failed ("import", "use",
	// "raise", "move"); Message and Errors are its problems, also under
	// the form's name so that they show next to its fields only.
	Failed                               string
	Message                              string
	Errors                               []huanxin.FieldError
	ImportErrors, UseErrors, RaiseErrors []huanxin.FieldError
}

// maintenanceUseRow is a use as shown, with the step it may take next.
type maintenanceUseRow struct {
	*funding.FundUse
	StatusName string
	Next       string // "approve", "pay" or ""
}

// maintenanceUseForm is the request form as entered.
type maintenanceUseForm struct {
	Purpose, Amount, Basis, DecisionID, Emergency string
	Buildings                                     map[int64]bool
	Approvals                                     [3]maintenanceApproval
}

// maintenanceApproval is one approval row of the form.
type maintenanceApproval struct{ Name, Role, On string }

// maintenanceRaiseForm is the raise form as entered.
type maintenanceRaiseForm struct {
	Purpose, Amount, DecisionID string
	Buildings                   map[int64]bool
}

// maintenanceOn answers 404 when the fund is not wired.
func (p *Pages) maintenanceOn(w http.ResponseWriter, r *http.Request) bool {
	if p.Maintenance == nil || p.Decisions == nil {
		p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "维修资金功能未启用 the maintenance fund is not enabled"))
		return false
	}
	return true
}

// maintenanceShow shows an estate's maintenance fund.
func (p *Pages) maintenanceShow(w http.ResponseWriter, r *http.Request) {
	p.renderMaintenance(w, r, http.StatusOK, &maintenancePage{Use: maintenanceUseForm{Basis: funding.BasisDecision}}, nil)
}

// renderMaintenance loads the estate's fund into pg, with the error of
// the failed form, and renders it.
func (p *Pages) renderMaintenance(w http.ResponseWriter, r *http.Request, status int, pg *maintenancePage, failed error) {
	if !p.maintenanceOn(w, r) {
		return
	}
	e, ok := pathGet(p, w, r, p.Reg.Estates().Get)
	if !ok {
		return
	}
	ctx := r.Context()
	pg.Base, pg.Estate, pg.CanEdit = p.base(r, "maintenance.title"), e, canEdit(r)
	pg.Title = i18n.T(pg.Lang, "maintenance.title") + " · " + e.Name
	if failed != nil {
		pg.Message, pg.Errors = huanxin.ErrorMessage(failed), huanxin.ErrorFields(failed)
		switch pg.Failed {
		case "import":
			pg.ImportErrors = pg.Errors
		case "use":
			pg.UseErrors = pg.Errors
		case "raise":
			pg.RaiseErrors = pg.Errors
		}
	}
	var err error
	if pg.Balances, err = p.Maintenance.Balances(ctx, e.ID); err != nil {
		p.fail(w, r, err)
		return
	}
	uses, err := p.Maintenance.Uses(ctx, e.ID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	for _, u := range uses {
		row := maintenanceUseRow{FundUse: u, StatusName: i18n.T(pg.Lang, "maintenance.status."+string(u.Status))}
		switch u.Status {
		case funding.UseRequested:
			row.Next = "approve"
		case funding.UseApproved:
			row.Next = "pay"
		}
		pg.Uses = append(pg.Uses, row)
	}
	if pg.Raises, err = p.Maintenance.Raises(ctx, e.ID); err != nil {
		p.fail(w, r, err)
		return
	}
	if pg.CanEdit {
		eid := e.ID
		if pg.Buildings, _, err = p.Reg.Buildings().Find(ctx, estate.Filter{EstateID: &eid}); err != nil {
			p.fail(w, r, err)
			return
		}
		ds, err := p.Decisions.List(ctx, e.ID)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		for _, d := range ds {
			if d.Status == decision.StatusAnnounced || d.Status == decision.StatusFinal {
				id := strconv.FormatInt(d.ID, 10)
				pg.Decisions = append(pg.Decisions, option{Value: id, Label: d.Title, Selected: id == pg.Use.DecisionID || id == pg.Raise.DecisionID})
			}
		}
	}
	p.render(w, r, status, "maintenance", pg)
}

// maintenanceFail re-renders the page with a refused submission of form,
// or fails the request when the error is not the user's to fix.
func (p *Pages) maintenanceFail(w http.ResponseWriter, r *http.Request, pg *maintenancePage, form string, err error) {
	switch huanxin.ErrorCode(err) {
	case huanxin.EINVALID, huanxin.ECONFLICT:
		pg.Failed = form
		p.renderMaintenance(w, r, StatusOf(err), pg, err)
	default:
		p.fail(w, r, err)
	}
}

// maintenancePath is the page of the estate in the request's path.
func maintenancePath(r *http.Request) string {
	return "/estates/" + r.PathValue("id") + "/maintenance-fund"
}
