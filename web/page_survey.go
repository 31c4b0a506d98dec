package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/api"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/survey"
	"github.com/huanxin/huanxin/web/i18n"
)

// surveyListPage lists the surveys of an estate, with a picker of
// estates and a form to compare two surveys.
type surveyListPage struct {
	Base
	Estates []option
	Estate  *estate.Estate
	Rows    []surveyRow
	CanEdit bool
}

type surveyRow struct {
	ID                                  int64
	SurveyedOn, Surveyor, Status, Where string
	Findings, Hazards                   int
}

// surveyFormPage is the phone-first survey form: one section per aspect.
type surveyFormPage struct {
	Base
	Estate    *estate.Estate
	Action    string
	IsNew     bool
	Form      surveyForm
	Buildings []option
	Sections  []surveySection
	Facts     []factField
	Errors    []huanxin.FieldError
	Message   string
}

type surveyForm struct{ SurveyedOn, BuildingID, Notes string }

// surveySection is one aspect in the form or on the survey page.
type surveySection struct {
	Code, Name, Unit, Quantity string
	Building                   bool
	Grade                      int
	GradeLabel                 string
	Qty                        string
	Hazard                     bool
	Notes                      string
	Photos                     []survey.Photo
	Err                        string
}

// factField is an entered household fact beside the register's count.
type factField struct{ Name, Value, Register, Err string }

// surveyPage shows one survey.
type surveyPage struct {
	Base
	Survey   *survey.Survey
	Estate   *estate.Estate
	Building string
	Sections []surveySection
	Facts    []factField
	Over60   string
	CanEdit  bool
	Others   []option
}

// comparePage shows two surveys of an estate side by side.
type comparePage struct {
	Base
	Estate   *estate.Estate
	From, To *survey.Survey
	Rows     []compareRow
}

type compareRow struct {
	Name, From, To, FromQty, ToQty, Trend, TrendKey string
}

func (p *Pages) surveysOn(w http.ResponseWriter, r *http.Request) bool {
	if p.Surveys == nil {
		p.fail(w, r, huanxin.Errorf(huanxin.EUNAVAILABLE, "未启用摸底调查 condition surveys are not enabled"))
		return false
	}
	return true
}

func aspectName(lang string, a survey.Aspect) string {
	if lang == "en" {
		return a.NameEn
	}
	return a.Name
}

func aspectQuantity(lang string, a survey.Aspect) string {
	if lang == "en" {
		return a.QuantityEn
	}
	return a.Quantity
}

func gradeText(lang string, g survey.Grade) string {
	if !g.Valid() {
		return "—"
	}
	return i18n.T(lang, "survey.grade."+strconv.Itoa(int(g)))
}

// surveyList lists the surveys of the chosen estate.
func (p *Pages) surveyList(w http.ResponseWriter, r *http.Request) {
	if !p.surveysOn(w, r) {
		return
	}
	ctx := r.Context()
	ests, _, err := p.switcherEstates(ctx, r, 200)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &surveyListPage{Base: p.base(r, "survey.title"), CanEdit: canEdit(r)}
	chosen, _ := parseID(r.URL.Query().Get("estate_id"))
	for _, e := range ests {
		pg.Estates = append(pg.Estates, option{Value: strconv.FormatInt(e.ID, 10), Label: e.Name, Selected: e.ID == chosen})
	}
	if chosen > 0 {
		if pg.Estate, err = p.Reg.Estates().Get(ctx, chosen); err != nil {
			p.fail(w, r, err)
			return
		}
		list, err := p.Surveys.List(ctx, chosen)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		for _, v := range list {
			row := surveyRow{ID: v.ID, SurveyedOn: v.SurveyedOn, Surveyor: v.SurveyorName, Status: i18n.T(pg.Lang, "survey.status."+string(v.Status)),
				Findings: len(v.Findings), Where: p.buildingName(r, v.BuildingID)}
			for _, f := range v.Findings {
				if f.Hazard {
					row.Hazards++
				}
			}
			pg.Rows = append(pg.Rows, row)
		}
	}
	p.render(w, r, http.StatusOK, "surveys", pg)
}

// buildingName is "楼栋 3" for a building survey, "" for the estate.
func (p *Pages) buildingName(r *http.Request, id int64) string {
	if id == 0 {
		return i18n.T(lang(r), "survey.whole_estate")
	}
	if b, err := p.Reg.Buildings().Get(r.Context(), id); err == nil {
		return i18n.T(lang(r), "survey.building_no", b.No)
	}
	return "#" + strconv.FormatInt(id, 10)
}

// surveyNew shows an empty survey form for an estate.
func (p *Pages) surveyNew(w http.ResponseWriter, r *http.Request) {
	if !p.surveysOn(w, r) {
		return
	}
	e, ok := p.pathEstate(w, r)
	if !ok {
		return
	}
	v := &survey.Survey{EstateID: e.ID}
	p.renderSurveyForm(w, r, http.StatusOK, e, v, "", nil)
}

// surveyCreate stores a new draft survey, or shows the form again with
// the problems next to the fields.
func (p *Pages) surveyCreate(w http.ResponseWriter, r *http.Request) {
	if !p.surveysOn(w, r) {
		return
	}
	e, ok := p.pathEstate(w, r)
	if !ok {
		return
	}
	v := &survey.Survey{EstateID: e.ID}
	err := p.readSurveyForm(r, v)
	if err == nil {
		err = p.Surveys.Create(r.Context(), v)
	}
	if err != nil {
		p.surveyFormError(w, r, e, v, "", err)
		return
	}
	redirect(w, r, "/surveys/"+strconv.FormatInt(v.ID, 10), "survey_saved")
}

// surveyEdit shows a draft survey's form.
func (p *Pages) surveyEdit(w http.ResponseWriter, r *http.Request) {
	v, e, ok := p.pathSurvey(w, r)
	if !ok {
		return
	}
	p.renderSurveyForm(w, r, http.StatusOK, e, v, "/surveys/"+strconv.FormatInt(v.ID, 10), nil)
}

// surveyUpdate stores the changed draft.
func (p *Pages) surveyUpdate(w http.ResponseWriter, r *http.Request) {
	v, e, ok := p.pathSurvey(w, r)
	if !ok {
		return
	}
	action := "/surveys/" + strconv.FormatInt(v.ID, 10)
	form := *v
	err := p.readSurveyForm(r, &form)
	if err == nil {
		_, err = p.Surveys.Update(r.Context(), v.ID, func(s *survey.Survey) error {
			s.SurveyedOn, s.BuildingID, s.Notes, s.Findings, s.Entered = form.SurveyedOn, form.BuildingID, form.Notes, form.Findings, form.Entered
			return nil
		})
	}
	if err != nil {
		p.surveyFormError(w, r, e, &form, action, err)
		return
	}
	redirect(w, r, action, "survey_saved")
}

func (p *Pages) surveyFormError(w http.ResponseWriter, r *http.Request, e *estate.Estate, v *survey.Survey, action string, err error) {
	if huanxin.ErrorCode(err) != huanxin.EINVALID {
		p.fail(w, r, err)
		return
	}
	p.renderSurveyForm(w, r, http.StatusUnprocessableEntity, e, v, action, err)
}

// surveySubmit makes a draft read-only.
func (p *Pages) surveySubmit(w http.ResponseWriter, r *http.Request) {
	if !p.surveysOn(w, r) {
		return
	}
	id, err := pathID(r)
	if err == nil {
		_, err = p.Surveys.Submit(r.Context(), id)
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	redirect(w, r, "/surveys/"+strconv.FormatInt(id, 10), "survey_submitted")
}

// pathSurvey loads the survey named in the path with its estate.
func (p *Pages) pathSurvey(w http.ResponseWriter, r *http.Request) (*survey.Survey, *estate.Estate, bool) {
	if !p.surveysOn(w, r) {
		return nil, nil, false
	}
	id, err := pathID(r)
	var v *survey.Survey
	var e *estate.Estate
	if err == nil {
		v, err = p.Surveys.Get(r.Context(), id)
	}
	if err == nil {
		e, err = p.Reg.Estates().Get(r.Context(), v.EstateID)
	}
	if err != nil {
		p.fail(w, r, err)
		return nil, nil, false
	}
	return v, e, true
}

// readSurveyForm reads the form onto v, storing uploaded photos first.
// Problems of the input itself are returned as field errors named as the
// service names them (findings.N.field), N counting the graded aspects.
func (p *Pages) readSurveyForm(r *http.Request, v *survey.Survey) error {
	if err := r.ParseMultipartForm(32 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return huanxin.Invalid("表单读取失败 the form could not be read", huanxin.FieldError{Field: "form", Message: err.Error()})
	}
	var bad []huanxin.FieldError
	v.SurveyedOn = strings.TrimSpace(r.PostFormValue("surveyed_on"))
	v.Notes = r.PostFormValue("notes")
	v.BuildingID = 0
	if s := r.PostFormValue("building_id"); s != "" {
		if id, err := parseID(s); err == nil {
			v.BuildingID = id
		} else {
			bad = append(bad, huanxin.FieldError{Field: "building_id", Message: "取值无效 invalid value"})
		}
	}
	v.Entered = survey.Entered{}
	for name, dst := range enteredFields(&v.Entered) {
		if s := strings.TrimSpace(r.PostFormValue("fact_" + name)); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				bad = append(bad, huanxin.FieldError{Field: "entered." + name, Message: "应为整数 must be a whole number"})
				continue
			}
			*dst = &n
		}
	}
	v.Findings = nil
	for _, a := range survey.Aspects {
		g, _ := strconv.Atoi(r.PostFormValue("grade_" + a.Code))
		field := "findings." + strconv.Itoa(len(v.Findings))
		f := survey.Finding{ItemCode: a.Code, Grade: survey.Grade(g), Hazard: r.PostFormValue("hazard_"+a.Code) == "1",
			Notes: r.PostFormValue("notes_" + a.Code)}
		if q := strings.TrimSpace(r.PostFormValue("qty_" + a.Code)); q != "" {
			var ok bool
			if f.Quantity, ok = huanxin.ParseCenti(q); !ok {
				bad = append(bad, huanxin.FieldError{Field: field + ".quantity", Message: "应为最多两位小数的数 a number with at most two decimals"})
			}
		}
		for _, s := range r.PostForm["keep_"+a.Code] {
			if id, err := parseID(s); err == nil {
				f.Photos = append(f.Photos, survey.Photo{FileID: id})
			}
		}
		id, err := p.storeUpload(r, v.EstateID, "photo_"+a.Code)
		if err != nil {
			bad = append(bad, huanxin.FieldError{Field: field + ".photos", Message: huanxin.ErrorMessage(err)})
		} else if id > 0 {
			f.Photos = append(f.Photos, survey.Photo{FileID: id})
		}
		if g == 0 && (f.Quantity != 0 || f.Hazard || strings.TrimSpace(f.Notes) != "" || len(f.Photos) > 0) {
			bad = append(bad, huanxin.FieldError{Field: field + ".grade", Message: "请评定等级 choose a grade"})
		}
		if g != 0 || f.Quantity != 0 || f.Hazard || strings.TrimSpace(f.Notes) != "" || len(f.Photos) > 0 {
			v.Findings = append(v.Findings, f)
		}
	}
	if len(bad) > 0 {
		return huanxin.Invalid("输入有误 invalid input", bad...)
	}
	return nil
}

// enteredFields names the entered facts as the form and the service do.
func enteredFields(e *survey.Entered) map[string]**int {
	return map[string]**int{"households": &e.Households, "residents": &e.Residents, "over60": &e.Over60,
		"disabled": &e.Disabled, "stairwells_without_lift": &e.StairwellsWithoutLift,
		"upper_dwellings_without_lift": &e.UpperDwellingsNoLift}
}

// factOrder lists the facts in display order.
var factOrder = []string{"households", "residents", "over60", "disabled", "stairwells_without_lift", "upper_dwellings_without_lift"}

func registerFact(f survey.Facts, name string) int {
	return map[string]int{"households": f.Households, "residents": f.Residents, "over60": f.Over60, "disabled": f.Disabled,
		"stairwells_without_lift": f.StairwellsWithoutLift, "upper_dwellings_without_lift": f.UpperDwellingsNoLift}[name]
}

func (p *Pages) renderSurveyForm(w http.ResponseWriter, r *http.Request, status int, e *estate.Estate, v *survey.Survey, action string, err error) {
	pg := &surveyFormPage{Base: p.base(r, "survey.new_title"), Estate: e, Action: action, IsNew: action == "",
		Form: surveyForm{SurveyedOn: v.SurveyedOn, Notes: v.Notes}, Errors: huanxin.ErrorFields(err)}
	if pg.IsNew {
		pg.Action = "/estates/" + strconv.FormatInt(e.ID, 10) + "/surveys"
	} else {
		pg.Title = i18n.T(pg.Lang, "survey.edit_title")
	}
	if err != nil {
		pg.Message = huanxin.ErrorMessage(err)
	}
	if v.BuildingID != 0 {
		pg.Form.BuildingID = strconv.FormatInt(v.BuildingID, 10)
	}
	bs, _, berr := p.Reg.Buildings().Find(r.Context(), estate.Filter{EstateID: &e.ID, Limit: 1000})
	if berr != nil {
		p.fail(w, r, berr)
		return
	}
	for _, b := range bs {
		pg.Buildings = append(pg.Buildings, option{Value: strconv.FormatInt(b.ID, 10), Label: i18n.T(pg.Lang, "survey.building_no", b.No),
			Selected: b.ID == v.BuildingID})
	}
	pg.Sections = sections(pg.Lang, v, pg.Errors, true)
	entered := map[string]**int{}
	for k, ptr := range enteredFields(&v.Entered) {
		entered[k] = ptr
	}
	for _, name := range factOrder {
		f := factField{Name: name, Register: strconv.Itoa(registerFact(v.Register, name)), Err: fieldErr(pg.Errors, "entered."+name)}
		if n := *entered[name]; n != nil {
			f.Value = strconv.Itoa(*n)
		}
		pg.Facts = append(pg.Facts, f)
	}
	p.render(w, r, status, "survey_form", pg)
}

func fieldErr(errs []huanxin.FieldError, field string) string {
	var msgs []string
	for _, e := range errs {
		if e.Field == field || strings.HasPrefix(e.Field, field+".") {
			msgs = append(msgs, e.Message)
		}
	}
	return strings.Join(msgs, "；")
}

// sections lays out a survey's findings by aspect: every aspect for the
// form, only those surveyed otherwise. Errors of findings.N go to the
// aspect of the Nth finding.
func sections(lang string, v *survey.Survey, errs []huanxin.FieldError, all bool) []surveySection {
	var out []surveySection
	for _, a := range survey.Aspects {
		s := surveySection{Code: a.Code, Name: aspectName(lang, a), Unit: a.Unit, Quantity: aspectQuantity(lang, a), Building: a.Building}
		found := false
		for i, f := range v.Findings {
			if f.ItemCode != a.Code {
				continue
			}
			found = true
			s.Grade, s.GradeLabel, s.Hazard, s.Notes, s.Photos = int(f.Grade), gradeText(lang, f.Grade), f.Hazard, f.Notes, f.Photos
			s.Qty = huanxin.FormatCenti(f.Quantity)
			s.Err = fieldErr(errs, "findings."+strconv.Itoa(i))
		}
		if found || all {
			out = append(out, s)
		}
	}
	return out
}

// surveyShow shows a survey with its photos and facts.
func (p *Pages) surveyShow(w http.ResponseWriter, r *http.Request) {
	v, e, ok := p.pathSurvey(w, r)
	if !ok {
		return
	}
	pg := &surveyPage{Base: p.base(r, "survey.show_title"), Survey: v, Estate: e, Building: p.buildingName(r, v.BuildingID),
		CanEdit: canEdit(r) && v.Status == survey.StatusDraft}
	pg.Sections = sections(pg.Lang, v, nil, false)
	facts := v.Facts()
	for _, name := range factOrder {
		f := factField{Name: name, Value: strconv.Itoa(registerFact(facts, name)), Register: strconv.Itoa(registerFact(v.Register, name))}
		pg.Facts = append(pg.Facts, f)
	}
	if pm := facts.Over60Permille(); pm >= 0 {
		pg.Over60 = strconv.Itoa(pm/10) + "." + strconv.Itoa(pm%10) + "%"
	}
	others, err := p.Surveys.List(r.Context(), v.EstateID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	for _, o := range others {
		if o.ID != v.ID {
			pg.Others = append(pg.Others, option{Value: strconv.FormatInt(o.ID, 10), Label: o.SurveyedOn + " · " + p.buildingName(r, o.BuildingID) +
				" · " + i18n.T(pg.Lang, "survey.status."+string(o.Status))})
		}
	}
	p.render(w, r, http.StatusOK, "survey", pg)
}

// surveyPhoto serves a photo of a survey (rendition or original).
func (p *Pages) surveyPhoto(w http.ResponseWriter, r *http.Request) {
	if !p.surveysOn(w, r) {
		return
	}
	id, err := pathID(r)
	var fid int64
	if err == nil {
		fid, err = parseID(r.PathValue("file"))
	}
	if err == nil {
		f, data, err := p.Surveys.Photo(r.Context(), id, fid)
		if err == nil {
			api.ServeFile(w, r, f, data)
			return
		}
		p.fail(w, r, err)
		return
	}
	p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "照片不存在 no such photo"))
}

// surveyCompare compares the survey with another of the estate (?with=).
func (p *Pages) surveyCompare(w http.ResponseWriter, r *http.Request) {
	if !p.surveysOn(w, r) {
		return
	}
	id, err := pathID(r)
	var other int64
	if err == nil {
		if other, err = parseID(r.URL.Query().Get("with")); err != nil {
			err = huanxin.Errorf(huanxin.ENOTFOUND, "请选择另一次调查 choose another survey")
		}
	}
	var from, to *survey.Survey
	var changes []survey.Change
	if err == nil {
		from, to, changes, err = p.Surveys.Compare(r.Context(), id, other)
	}
	var e *estate.Estate
	if err == nil {
		e, err = p.Reg.Estates().Get(r.Context(), from.EstateID)
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &comparePage{Base: p.base(r, "survey.compare_title"), Estate: e, From: from, To: to}
	for _, c := range changes {
		a, _ := survey.AspectByCode(c.ItemCode)
		name := aspectName(pg.Lang, a)
		if name == "" {
			name = c.ItemCode
		}
		row := compareRow{Name: name, From: gradeText(pg.Lang, c.From), To: gradeText(pg.Lang, c.To), TrendKey: string(c.Trend),
			Trend: i18n.T(pg.Lang, "survey.trend."+string(c.Trend))}
		if c.From != 0 {
			row.FromQty = huanxin.FormatCenti(c.FromQty) + " " + a.Unit
		}
		if c.To != 0 {
			row.ToQty = huanxin.FormatCenti(c.ToQty) + " " + a.Unit
		}
		pg.Rows = append(pg.Rows, row)
	}
	p.render(w, r, http.StatusOK, "survey_compare", pg)
}
