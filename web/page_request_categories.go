package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/request"
	"github.com/huanxin/huanxin/web/i18n"
)

// requestCategoriesPage lists a city's request categories (with the unit
// kind they are routed to and the hours to answer) and, for those who may
// change them (city-wide administrators and housing bureaus), a form to
// add one; Edit is the category being changed on its own page.
type requestCategoriesPage struct {
	Base
	Cities     []ScopeOption
	CityID     int64
	CityName   string
	CanEdit    bool
	Categories []categoryRow
	Units      []option
	Form       categoryForm
	Edit       bool
	Message    string
	Errors     []huanxin.FieldError
}

// categoryRow is a category as listed.
type categoryRow struct {
	request.Category
	Name, UnitName string
}

// categoryForm is a category as entered.
type categoryForm struct{ Code, Label, Unit, Hours string }

// requestCategoriesOf checks that the actor is an officer and picks the
// city; residents have no business here.
func (p *Pages) requestCategoriesOf(w http.ResponseWriter, r *http.Request, asked string) (*requestCategoriesPage, bool) {
	if !p.requestsOn(w, r) {
		return nil, false
	}
	a := huanxin.ActorFromContext(r.Context())
	if a.Role == huanxin.RoleResident {
		p.fail(w, r, huanxin.Errorf(huanxin.EFORBIDDEN, "无权查看诉求分类设置 you may not view the category settings"))
		return nil, false
	}
	rp, ok := p.pickCity(w, r, asked)
	if !ok {
		return nil, false
	}
	return &requestCategoriesPage{Cities: rp.Cities, CityID: rp.CityID, CityName: rp.CityName, CanEdit: rp.CanEdit && mayRunRules(a),
		Form: categoryForm{Unit: string(request.UnitCommunity), Hours: "72"}}, true
}

// renderCategories fills the list and the unit choices and renders the
// list page, or the edit page when pg.Edit.
func (p *Pages) renderCategories(w http.ResponseWriter, r *http.Request, status int, pg *requestCategoriesPage) {
	pg.Base = p.base(r, "request.categories.title")
	cats, err := p.Requests.Categories(r.Context(), pg.CityID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	for _, c := range cats {
		pg.Categories = append(pg.Categories, categoryRow{Category: c, Name: categoryLabel(pg.Lang, cats, c.Code),
			UnitName: i18n.T(pg.Lang, "request.unit."+string(c.Unit))})
	}
	for _, k := range request.UnitKinds {
		pg.Units = append(pg.Units, option{Value: string(k), Label: i18n.T(pg.Lang, "request.unit."+string(k)), Selected: string(k) == pg.Form.Unit})
	}
	page := "request_categories"
	if pg.Edit {
		page = "request_category"
	}
	p.render(w, r, status, page, pg)
}

// requestCategories shows a city's categories.
func (p *Pages) requestCategories(w http.ResponseWriter, r *http.Request) {
	if pg, ok := p.requestCategoriesOf(w, r, r.URL.Query().Get("city")); ok {
		p.renderCategories(w, r, http.StatusOK, pg)
	}
}

// requestCategoryEdit shows one category's form.
func (p *Pages) requestCategoryEdit(w http.ResponseWriter, r *http.Request) {
	pg, ok := p.requestCategoriesOf(w, r, r.URL.Query().Get("city"))
	if !ok {
		return
	}
	cats, err := p.Requests.Categories(r.Context(), pg.CityID)
	c, found := request.Find(cats, r.PathValue("code"))
	if err == nil && !found {
		err = huanxin.Errorf(huanxin.ENOTFOUND, "诉求分类不存在 no such category")
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg.Edit, pg.Form = true, categoryForm{Code: c.Code, Label: c.Label, Unit: string(c.Unit), Hours: strconv.Itoa(c.Hours)}
	p.renderCategories(w, r, http.StatusOK, pg)
}

// requestCategorySave adds a category (no code in the path) or changes
// one; problems are shown next to the fields.
func (p *Pages) requestCategorySave(w http.ResponseWriter, r *http.Request) {
	pg, ok := p.requestCategoriesOf(w, r, r.PostFormValue("city"))
	if !ok {
		return
	}
	code, isNew := r.PathValue("code"), r.PathValue("code") == ""
	if isNew {
		code = r.PostFormValue("code")
	}
	pg.Edit, pg.Form = !isNew, categoryForm{Code: strings.TrimSpace(code), Label: r.PostFormValue("label"), Unit: r.PostFormValue("unit"),
		Hours: strings.TrimSpace(r.PostFormValue("hours"))}
	hours, err := strconv.Atoi(pg.Form.Hours)
	if err != nil {
		err = huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "hours", Message: i18n.T(lang(r), "request.categories.hours_invalid")})
	} else {
		err = p.Requests.SaveCategory(r.Context(), pg.CityID, request.Category{Code: pg.Form.Code, Label: pg.Form.Label,
			Unit: request.UnitKind(pg.Form.Unit), Hours: hours}, isNew)
	}
	p.categoryDone(w, r, pg, err, "category_saved")
}

// requestCategoryActive stops or resumes a category (active=0 or 1).
func (p *Pages) requestCategoryActive(w http.ResponseWriter, r *http.Request) {
	pg, ok := p.requestCategoriesOf(w, r, r.PostFormValue("city"))
	if !ok {
		return
	}
	active := r.PostFormValue("active") == "1"
	flash := "category_stopped"
	if active {
		flash = "category_resumed"
	}
	p.categoryDone(w, r, pg, p.Requests.SetCategoryActive(r.Context(), pg.CityID, r.PathValue("code"), active), flash)
}

// categoryDone answers a categories form: back to the list, or the form
// again with the problems.
func (p *Pages) categoryDone(w http.ResponseWriter, r *http.Request, pg *requestCategoriesPage, err error, flash string) {
	switch huanxin.ErrorCode(err) {
	case "":
		redirect(w, r, "/requests/categories?city="+strconv.FormatInt(pg.CityID, 10), flash)
	case huanxin.EINVALID:
		pg.Message, pg.Errors = huanxin.ErrorMessage(err), huanxin.ErrorFields(err)
		p.renderCategories(w, r, http.StatusBadRequest, pg)
	default:
		p.fail(w, r, err)
	}
}
