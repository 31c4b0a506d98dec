package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
)

// buildingFormPage shows the "new building" form on its own when what was
// entered on the estate page needs correcting.
type buildingFormPage struct {
	Base
	Estate  *estate.Estate
	Form    buildingForm
	Message string
	Errors  []huanxin.FieldError
}

type buildingForm struct{ No, Floors, Year string }

// buildingCreate adds a building to an estate from the inline form of the
// estate page, then goes back to the estate showing the new building.
func (p *Pages) buildingCreate(w http.ResponseWriter, r *http.Request) {
	e, ok := p.pathEstate(w, r)
	if !ok {
		return
	}
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := buildingForm{No: v("no"), Floors: v("floors"), Year: v("year_built")}
	var errs []huanxin.FieldError
	var err error
	b := &estate.Building{EstateID: e.ID, No: f.No, Floors: formInt(f.Floors, "floors", &errs), Year: formInt(f.Year, "year_built", &errs)}
	if len(errs) > 0 {
		err = huanxin.Invalid("输入有误 invalid input", errs...)
	} else {
		err = p.Reg.Buildings().Create(r.Context(), b)
	}
	if err == nil {
		redirect(w, r, "/estates/"+strconv.FormatInt(e.ID, 10)+"?building="+strconv.FormatInt(b.ID, 10), "building_saved")
		return
	}
	if huanxin.ErrorCode(err) != huanxin.EINVALID {
		p.fail(w, r, err)
		return
	}
	pg := &buildingFormPage{Base: p.base(r, "buildingform.title"), Estate: e, Form: f,
		Message: huanxin.ErrorMessage(err), Errors: huanxin.ErrorFields(err)}
	p.render(w, r, http.StatusBadRequest, "building_form", pg)
}
