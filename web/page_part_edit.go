package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/web/i18n"
)

// partFormPage corrects an exclusive part and lists its residents, with a
// form to add one.
type partFormPage struct {
	Base
	Part      *estate.Part
	Estate    *estate.Estate
	Back      string // the estate page, on the part's building
	Form      partForm
	Kinds     []option
	Sources   []option
	Message   string
	Errors    []huanxin.FieldError
	Residents []*estate.Resident
	RForm     residentForm
	RKinds    []option
	RMessage  string
	RErrors   []huanxin.FieldError
}

// partForm holds the part's fields as entered.
type partForm struct {
	Kind, Floor, Room, Area, AreaSource string
	Sold, Delivered                     bool
}

// residentForm holds the "add resident" fields as entered (the phone too:
// it is the officer's own input, shown back only to them).
type residentForm struct {
	Name, Kind, BirthYear, Phone, MovedIn string
	Disabled                              bool
}

func partFormOf(pt *estate.Part) partForm {
	return partForm{Kind: string(pt.Kind), Floor: strconv.Itoa(pt.Floor), Room: pt.Room, Area: pt.Area.String(),
		AreaSource: string(pt.AreaSource), Sold: pt.Sold, Delivered: pt.Delivered}
}

// apply copies the form onto pt; a malformed number is a field error.
func (f partForm) apply(pt *estate.Part) error {
	var errs []huanxin.FieldError
	pt.Kind, pt.Room, pt.AreaSource = estate.PartKind(f.Kind), f.Room, estate.AreaSource(f.AreaSource)
	pt.Sold, pt.Delivered = f.Sold, f.Delivered
	pt.Floor = formInt(f.Floor, "floor", &errs)
	if v, ok := huanxin.ParseCenti(f.Area); ok {
		pt.Area = huanxin.Area(v)
	} else {
		errs = append(errs, huanxin.FieldError{Field: "area", Message: "应为平方米数，最多两位小数 must be square metres with at most two decimals"})
	}
	if len(errs) > 0 {
		return huanxin.Invalid("输入有误 invalid input", errs...)
	}
	return nil
}

// partEdit shows the part's form and its residents.
func (p *Pages) partEdit(w http.ResponseWriter, r *http.Request) {
	p.renderPartForm(w, r, http.StatusOK, &partFormPage{RForm: residentForm{Kind: string(estate.ResidentFamily)}})
}

// partUpdate saves the corrected part and goes back to its building.
func (p *Pages) partUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := partForm{Kind: v("kind"), Floor: v("floor"), Room: v("room"), Area: v("area"), AreaSource: v("area_source"),
		Sold: r.PostFormValue("sold") != "", Delivered: r.PostFormValue("delivered") != ""}
	pt, err := p.Reg.Parts().Update(r.Context(), id, f.apply)
	if err == nil {
		redirect(w, r, partBack(pt), "part_saved")
		return
	}
	if huanxin.ErrorCode(err) != huanxin.EINVALID {
		p.fail(w, r, err)
		return
	}
	p.renderPartForm(w, r, http.StatusBadRequest, &partFormPage{Form: f, Message: huanxin.ErrorMessage(err), Errors: huanxin.ErrorFields(err),
		RForm: residentForm{Kind: string(estate.ResidentFamily)}})
}

// residentCreate adds a resident to the part.
func (p *Pages) residentCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := residentForm{Name: v("name"), Kind: v("kind"), BirthYear: v("birth_year"), Phone: v("phone"),
		MovedIn: v("moved_in"), Disabled: r.PostFormValue("disabled") != ""}
	var errs []huanxin.FieldError
	x := &estate.Resident{PartID: id, Name: f.Name, Kind: estate.ResidentKind(f.Kind), Phone: f.Phone, MovedIn: f.MovedIn,
		Disabled: f.Disabled, BirthYear: formInt(f.BirthYear, "birth_year", &errs)}
	if len(errs) > 0 {
		err = huanxin.Invalid("输入有误 invalid input", errs...)
	} else {
		err = p.Reg.Residents().Create(r.Context(), x)
	}
	if err == nil {
		redirect(w, r, "/parts/"+strconv.FormatInt(id, 10)+"/edit", "resident_saved")
		return
	}
	if huanxin.ErrorCode(err) != huanxin.EINVALID {
		p.fail(w, r, err)
		return
	}
	p.renderPartForm(w, r, http.StatusBadRequest, &partFormPage{RForm: f, RMessage: huanxin.ErrorMessage(err), RErrors: huanxin.ErrorFields(err)})
}

func partBack(pt *estate.Part) string {
	return "/estates/" + strconv.FormatInt(pt.EstateID, 10) + "?building=" + strconv.FormatInt(pt.BuildingID, 10)
}

// renderPartForm loads the part, its estate and residents into pg; the
// part form shows the stored values unless pg.Form was entered.
func (p *Pages) renderPartForm(w http.ResponseWriter, r *http.Request, status int, pg *partFormPage) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if pg.Part, err = p.Reg.Parts().Get(ctx, id); err != nil {
		p.fail(w, r, err)
		return
	}
	if pg.Estate, err = p.Reg.Estates().Get(ctx, pg.Part.EstateID); err != nil {
		p.fail(w, r, err)
		return
	}
	if pg.Residents, _, err = p.Reg.Residents().Find(ctx, estate.Filter{PartID: &id, Limit: 200}); err != nil {
		p.fail(w, r, err)
		return
	}
	if pg.Form == (partForm{}) {
		pg.Form = partFormOf(pg.Part)
	}
	pg.Back = partBack(pg.Part)
	pg.Base = p.base(r, "partform.title")
	l := pg.Lang
	pg.Title = pg.Estate.Name + " " + pg.Part.BuildingNo + i18n.T(l, "my.building") + " " + pg.Part.Room
	pg.Kinds = options([]estate.PartKind{estate.KindDwelling, estate.KindShop}, func(k estate.PartKind) string { return string(k) },
		func(k estate.PartKind) string { return i18n.T(l, "partkind."+string(k)) }, pg.Form.Kind)
	pg.Sources = options([]estate.AreaSource{estate.SourceRegister, estate.SourceSurveyed, estate.SourceContract},
		func(s estate.AreaSource) string { return string(s) },
		func(s estate.AreaSource) string { return i18n.T(l, "areasource."+string(s)) }, pg.Form.AreaSource)
	pg.RKinds = options([]estate.ResidentKind{estate.ResidentFamily, estate.ResidentTenant}, func(k estate.ResidentKind) string { return string(k) },
		func(k estate.ResidentKind) string { return i18n.T(l, "residentkind."+string(k)) }, pg.RForm.Kind)
	p.render(w, r, status, "part_form", pg)
}
