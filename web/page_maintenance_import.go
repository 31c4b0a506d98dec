package web

import (
	"bytes"
	"net/http"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/sheet"
	"github.com/huanxin/huanxin/web/i18n"
)

// maintenanceImport imports an uploaded xlsx or csv of the balance
// template as the bank's statement of the date entered: all rows or
// none, each bad cell named by row and column.
func (p *Pages) maintenanceImport(w http.ResponseWriter, r *http.Request) {
	if !p.maintenanceOn(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	l := lang(r)
	pg := &maintenancePage{Use: maintenanceUseForm{Basis: funding.BasisDecision}, AsOf: r.PostFormValue("as_of")}
	asOf, err := time.ParseInLocation(time.DateOnly, pg.AsOf, huanxin.Shanghai)
	if err != nil {
		p.maintenanceFail(w, r, pg, "import", huanxin.Invalid(i18n.T(l, "maintenance.invalid"),
			huanxin.FieldError{Field: "as_of", Message: i18n.T(l, "maintenance.date_invalid")}))
		return
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		p.maintenanceFail(w, r, pg, "import", huanxin.Invalid(i18n.T(l, "maintenance.invalid"),
			huanxin.FieldError{Field: "file", Message: i18n.T(l, "maintenance.file_missing")}))
		return
	}
	defer f.Close()
	if _, err := p.Maintenance.ImportBalances(r.Context(), id, asOf, f, hdr.Filename); err != nil {
		p.maintenanceFail(w, r, pg, "import", err)
		return
	}
	redirect(w, r, maintenancePath(r), "maintenance_imported")
}

// maintenanceTemplate sends the blank xlsx template of balances.
func (p *Pages) maintenanceTemplate(w http.ResponseWriter, r *http.Request) {
	var b bytes.Buffer
	if err := sheet.WriteTemplate(&b, funding.BalanceTemplate(), lang(r)); err != nil {
		p.fail(w, r, err)
		return
	}
	sendXLSX(w, "maintenance-fund-template.xlsx", b.Bytes())
}
