package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/web/i18n"
)

// estateFormPage is the form that creates an estate or corrects one.
type estateFormPage struct {
	Base
	IsNew         bool
	Action        string // where the form posts
	Back          string // where "cancel" leads
	Form          estateForm
	Jurisdictions []ScopeOption
	Managements   []option
	Statuses      []option
	Message       string // summary of a failed submission
	Errors        []huanxin.FieldError
}

// estateForm holds what was entered, as typed, so that a failed
// submission shows it again unchanged.
type estateForm struct {
	JurisdictionID                      int64
	Code, Name, Address, YearBuilt      string
	LandArea, Management, OriginalOwner string
	Status, Lat, Lng, Boundary, Notes   string
}

// canEdit reports whether the request's actor may change the register;
// the service checks it again on every write.
func canEdit(r *http.Request) bool {
	a := huanxin.ActorFromContext(r.Context())
	return a != nil && a.Role.CanEditRegister() && !a.ReadOnly
}

// edits wraps the register's form pages and their POSTs: signed in, and
// 403 for roles that may not change the register, before any input is read.
func (p *Pages) edits(h http.HandlerFunc) http.HandlerFunc {
	return p.signedIn(func(w http.ResponseWriter, r *http.Request) {
		if !canEdit(r) {
			p.fail(w, r, huanxin.Errorf(huanxin.EFORBIDDEN, "无权修改 you may not change the register"))
			return
		}
		h(w, r)
	})
}

// estateNew shows the empty form for a new estate.
func (p *Pages) estateNew(w http.ResponseWriter, r *http.Request) {
	p.renderEstateForm(w, r, http.StatusOK, &estateFormPage{IsNew: true,
		Form: estateForm{Management: string(estate.MgmtNone), Status: string(estate.StatusCandidate)}})
}

// estateCreate adds an estate; invalid input shows the form again with the
// problems next to the fields.
func (p *Pages) estateCreate(w http.ResponseWriter, r *http.Request) {
	f := readEstateForm(r)
	e := &estate.Estate{}
	err := f.apply(e)
	if err == nil {
		err = p.Reg.Estates().Create(r.Context(), e)
	}
	if err == nil {
		redirect(w, r, "/estates/"+strconv.FormatInt(e.ID, 10), "estate_saved")
		return
	}
	p.estateFormFailed(w, r, &estateFormPage{IsNew: true, Form: f}, err)
}

// estateEdit shows the form filled with an estate's current facts.
func (p *Pages) estateEdit(w http.ResponseWriter, r *http.Request) {
	e, ok := p.pathEstate(w, r)
	if !ok {
		return
	}
	p.renderEstateForm(w, r, http.StatusOK, &estateFormPage{Form: estateFormOf(e), Action: "/estates/" + strconv.FormatInt(e.ID, 10)})
}

// estateUpdate saves the corrected facts of an estate.
func (p *Pages) estateUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	f := readEstateForm(r)
	_, err = p.Reg.Estates().Update(r.Context(), id, f.apply)
	if err == nil {
		redirect(w, r, "/estates/"+strconv.FormatInt(id, 10), "estate_saved")
		return
	}
	p.estateFormFailed(w, r, &estateFormPage{Form: f, Action: "/estates/" + strconv.FormatInt(id, 10)}, err)
}

// estateFormFailed shows the form again for invalid input (400) and the
// error page for anything else.
func (p *Pages) estateFormFailed(w http.ResponseWriter, r *http.Request, pg *estateFormPage, err error) {
	if huanxin.ErrorCode(err) != huanxin.EINVALID {
		p.fail(w, r, err)
		return
	}
	pg.Message, pg.Errors = huanxin.ErrorMessage(err), huanxin.ErrorFields(err)
	p.renderEstateForm(w, r, http.StatusBadRequest, pg)
}

// renderEstateForm fills the form's choices into pg and renders it.
func (p *Pages) renderEstateForm(w http.ResponseWriter, r *http.Request, status int, pg *estateFormPage) {
	ctx := r.Context()
	title := "estateform.edit"
	pg.Back = pg.Action
	if pg.IsNew {
		title, pg.Action, pg.Back = "estateform.new", "/estates", "/estates"
	}
	js, _, err := p.Reg.Jurisdictions().Find(ctx, estate.Filter{Limit: 1000})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	// Estates belong to communities or streets; the current jurisdiction
	// stays selectable even when it is a district.
	var keep []*estate.Jurisdiction
	for _, j := range js {
		if j.Level.Depth() >= huanxin.LevelStreet.Depth() || j.ID == pg.Form.JurisdictionID {
			keep = append(keep, j)
		}
	}
	pg.Jurisdictions = jurisdictionOptions(keep, pg.Form.JurisdictionID)
	pg.Base = p.base(r, title)
	l := pg.Lang
	pg.Managements = options(estate.ManagementModels, func(m estate.ManagementModel) string { return string(m) },
		func(m estate.ManagementModel) string { return i18n.T(l, "mgmt."+string(m)) }, pg.Form.Management)
	pg.Statuses = options(estate.Statuses, func(s estate.Status) string { return string(s) },
		func(s estate.Status) string { return i18n.T(l, "status."+string(s)) }, pg.Form.Status)
	p.render(w, r, status, "estate_form", pg)
}

func readEstateForm(r *http.Request) estateForm {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := estateForm{Code: v("code"), Name: v("name"), Address: v("address"), YearBuilt: v("year_built"),
		LandArea: v("land_area"), Management: v("management"), OriginalOwner: v("original_owner"), Status: v("status"),
		Lat: v("lat"), Lng: v("lng"), Boundary: v("boundary"), Notes: strings.TrimSpace(r.PostFormValue("notes"))}
	f.JurisdictionID, _ = parseID(r.PostFormValue("jurisdiction_id"))
	return f
}

// estateFormOf is the form showing an estate's current facts.
func estateFormOf(e *estate.Estate) estateForm {
	f := estateForm{JurisdictionID: e.JurisdictionID, Code: e.Code, Name: e.Name, Address: e.Address,
		Management: string(e.Management), OriginalOwner: e.OriginalOwner, Status: string(e.Status),
		Boundary: e.Boundary, Notes: e.Notes}
	if e.YearBuilt != 0 {
		f.YearBuilt = strconv.Itoa(e.YearBuilt)
	}
	if e.LandArea != 0 {
		f.LandArea = e.LandArea.String()
	}
	if e.Lat != nil && e.Lng != nil {
		f.Lat, f.Lng = formatE6(*e.Lat), formatE6(*e.Lng)
	}
	return f
}

// apply copies the form onto e; text that cannot be read as a number is
// reported as a field error without touching the register.
func (f estateForm) apply(e *estate.Estate) error {
	var errs []huanxin.FieldError
	e.JurisdictionID = f.JurisdictionID
	e.Code, e.Name, e.Address = f.Code, f.Name, f.Address
	e.Management, e.OriginalOwner = estate.ManagementModel(f.Management), f.OriginalOwner
	e.Status, e.Boundary, e.Notes = estate.Status(f.Status), f.Boundary, f.Notes
	e.YearBuilt = formInt(f.YearBuilt, "year_built", &errs)
	e.LandArea = 0
	if f.LandArea != "" {
		if v, ok := huanxin.ParseCenti(f.LandArea); ok {
			e.LandArea = huanxin.Area(v)
		} else {
			errs = append(errs, huanxin.FieldError{Field: "land_area", Message: "应为平方米数，最多两位小数 must be square metres with at most two decimals"})
		}
	}
	e.Lat, e.Lng = nil, nil
	switch {
	case f.Lat == "" && f.Lng == "":
	case f.Lat == "" || f.Lng == "":
		errs = append(errs, huanxin.FieldError{Field: "lat", Message: "经纬度须同时填写 give both latitude and longitude"})
	default:
		lat, ok1 := parseE6(f.Lat)
		lng, ok2 := parseE6(f.Lng)
		if !ok1 {
			errs = append(errs, huanxin.FieldError{Field: "lat", Message: "应为十进制度数，最多6位小数 must be decimal degrees, at most 6 decimals"})
		}
		if !ok2 {
			errs = append(errs, huanxin.FieldError{Field: "lng", Message: "应为十进制度数，最多6位小数 must be decimal degrees, at most 6 decimals"})
		}
		if ok1 && ok2 {
			e.Lat, e.Lng = &lat, &lng
		}
	}
	if len(errs) > 0 {
		return huanxin.Invalid("输入有误 invalid input", errs...)
	}
	return nil
}

// formInt reads an optional whole number; empty is 0.
func formInt(s, field string, errs *[]huanxin.FieldError) int {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		*errs = append(*errs, huanxin.FieldError{Field: field, Message: "应为整数 must be a whole number"})
		return 0
	}
	return n
}

// parseE6 reads decimal degrees with at most six fraction digits as
// millionths of a degree, exactly, without floating point.
func parseE6(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg, s = s[0] == '-', s[1:]
	}
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || len(whole) > 3 || len(frac) > 6 || dot && frac == "" {
		return 0, false
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	frac += strings.Repeat("0", 6-len(frac))
	fr, _ := strconv.ParseInt(frac, 10, 64)
	v := w*1_000_000 + fr
	if neg {
		v = -v
	}
	return v, true
}

// formatE6 writes millionths of a degree as decimal degrees, without
// trailing zeros.
func formatE6(v int64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	s := sign + strconv.FormatInt(v/1_000_000, 10)
	if fr := v % 1_000_000; fr != 0 {
		s += "." + strings.TrimRight(strconv.FormatInt(1_000_000+fr, 10)[1:], "0")
	}
	return s
}
