package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/sheet"
	"github.com/huanxin/huanxin/web/i18n"
)

// cataloguePage is a city's renovation catalogue, grouped by category.
type cataloguePage struct {
	Base
	CityID     int64
	CityName   string
	CanEdit    bool
	Query      url.Values
	Categories []option
	Actives    []option
	Groups     []catalogueGroup
	Count      int
	Errors     []huanxin.FieldError
}

// catalogueGroup is the items of one category.
type catalogueGroup struct {
	Name  string
	Items []catalogueRow
}

// catalogueRow is one item as the table shows it.
type catalogueRow struct {
	ID                                 int64
	Code, Name, NameEn, Unit, UnitCost string
	Life, Decision, Sources, SignOffs  string
	DependsOn, Notes                   string
	Active                             bool
}

// catalogueFormPage adds or changes an item.
type catalogueFormPage struct {
	Base
	CityID   int64
	CityName string
	ItemID   int64 // 0 for a new item
	Form     catalogueForm
	Selects  []catalogueChoice // category, unit, decision item
	Checks   []catalogueChoice // sources and sign-offs; Selected is checked
	Message  string
	Errors   []huanxin.FieldError
}

// catalogueChoice is a form field with its options.
type catalogueChoice struct {
	Field   string
	Options []option
}

// catalogueForm holds an item as entered, so that a failed submission
// shows it again.
type catalogueForm struct {
	Code, Name, NameEn, Category, Unit string
	UnitCost, LifeYears, DecisionItem  string
	DependsOn, Notes                   string
	Sources, SignOffs                  []string
	Active                             bool
}

func (p *Pages) catalogueOn(w http.ResponseWriter, r *http.Request) bool {
	if p.Catalogue == nil {
		p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "记录不存在 not found"))
		return false
	}
	return true
}

// catalogueCity picks the city (asked, else the actor's first) and names
// it; the city's record may lie above the actor's scope, so its name is
// read on the system's authority.
func (p *Pages) catalogueCity(r *http.Request, asked string) (int64, string, error) {
	var id int64
	if asked = strings.TrimSpace(asked); asked != "" {
		n, err := parseID(asked)
		if err != nil {
			return 0, "", huanxin.Errorf(huanxin.ENOTFOUND, "记录不存在 not found")
		}
		id = n
	}
	id, err := p.Catalogue.City(r.Context(), id)
	if err != nil {
		return 0, "", err
	}
	name := "#" + strconv.FormatInt(id, 10)
	if j, err := p.Reg.Jurisdictions().Get(huanxin.NewContextWithActor(r.Context(), huanxin.SystemActor), id); err == nil {
		name = j.Name
	}
	return id, name, nil
}

// catalogueFilter reads the list's filters: category, text, active.
func catalogueFilter(q url.Values) (planning.Filter, []huanxin.FieldError) {
	var f planning.Filter
	var errs []huanxin.FieldError
	if v := q.Get("category"); v != "" {
		c := planning.Category(v)
		if !c.Valid() {
			errs = append(errs, huanxin.FieldError{Field: "category", Message: "取值无效 invalid value"})
		} else {
			f.Category = &c
		}
	}
	switch v := q.Get("active"); v {
	case "true", "false":
		active := v == "true"
		f.Active = &active
	case "":
	default:
		errs = append(errs, huanxin.FieldError{Field: "active", Message: "取值无效 invalid value"})
	}
	f.Q = strings.TrimSpace(q.Get("q"))
	return f, errs
}

func termNames(keys []string, terms []planning.Term, lang string) string {
	names := make([]string, 0, len(keys))
	for _, k := range keys {
		name := k
		if i := slices.IndexFunc(terms, func(t planning.Term) bool { return t.Key == k }); i >= 0 {
			name = terms[i].Name(lang)
		}
		names = append(names, name)
	}
	return strings.Join(names, "、")
}

func decisionName(it decision.Item, lang string) string {
	if it == decision.Consultation {
		return i18n.T(lang, "catalogue.decision.none")
	}
	return i18n.T(lang, "item."+strconv.Itoa(int(it)))
}

func categoryOptions(lang, selected string) []option {
	return options(planning.Categories, func(c planning.Category) string { return string(c) },
		func(c planning.Category) string { return c.Term().Name(lang) }, selected)
}

// catalogueList shows a city's catalogue, filtered, grouped by category.
func (p *Pages) catalogueList(w http.ResponseWriter, r *http.Request) {
	if !p.catalogueOn(w, r) {
		return
	}
	q := r.URL.Query()
	city, name, err := p.catalogueCity(r, q.Get("city"))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &cataloguePage{Base: p.base(r, "catalogue.title"), CityID: city, CityName: name, Query: q,
		CanEdit: p.Catalogue.MayEdit(r.Context(), city) == nil}
	l := pg.Lang
	pg.Categories = categoryOptions(l, q.Get("category"))
	pg.Actives = options([]string{"true", "false"}, func(s string) string { return s },
		func(s string) string { return i18n.T(l, "catalogue.active."+s) }, q.Get("active"))
	f, errs := catalogueFilter(q)
	pg.Errors = errs
	items, err := p.Catalogue.Items(r.Context(), city, f)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg.Count = len(items)
	for _, c := range planning.Categories {
		g := catalogueGroup{Name: c.Term().Name(l)}
		for _, it := range items {
			if it.Category != c {
				continue
			}
			life := ""
			if it.LifeYears > 0 {
				life = strconv.Itoa(it.LifeYears)
			}
			g.Items = append(g.Items, catalogueRow{ID: it.ID, Code: it.Code, Name: it.Name, NameEn: it.NameEn,
				Unit: termNames([]string{it.Unit}, planning.Units, l), UnitCost: it.UnitCost.String(), Life: life,
				Decision: decisionName(it.DecisionItem, l), Sources: termNames(it.Sources, planning.SourceTypes, l),
				SignOffs: termNames(it.SignOffs, planning.SignOffBodies, l), DependsOn: strings.Join(it.DependsOn, "、"),
				Notes: it.Notes, Active: it.Active})
		}
		if len(g.Items) > 0 {
			pg.Groups = append(pg.Groups, g)
		}
	}
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusBadRequest
	}
	p.render(w, r, status, "catalogue", pg)
}

// catalogueExport writes the city's whole catalogue to xlsx.
func (p *Pages) catalogueExport(w http.ResponseWriter, r *http.Request) {
	if !p.catalogueOn(w, r) {
		return
	}
	city, _, err := p.catalogueCity(r, r.URL.Query().Get("city"))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	items, err := p.Catalogue.Items(r.Context(), city, planning.Filter{})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	l := lang(r)
	tpl := sheet.Template{Kind: "catalogue", Sheet: i18n.T(l, "catalogue.sheet")}
	for _, k := range []string{"code", "name", "name_en", "category", "unit", "unit_cost", "life_years", "decision_item",
		"sources", "sign_offs", "depends_on", "active", "notes"} {
		tpl.Columns = append(tpl.Columns, sheet.Column{Key: k, Header: i18n.T(l, "catalogue."+k)})
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="catalogue-%d.xlsx"`, city))
	x, err := sheet.NewXLSXWriter(w, tpl)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	for _, it := range items {
		if err := x.Write(it.Code, it.Name, it.NameEn, it.Category.Term().Name(l), it.Unit, it.UnitCost.String(), it.LifeYears,
			decisionName(it.DecisionItem, l), termNames(it.Sources, planning.SourceTypes, l),
			termNames(it.SignOffs, planning.SignOffBodies, l), strings.Join(it.DependsOn, ","), it.Active, it.Notes); err != nil {
			return // the response has started; the client sees a cut file
		}
	}
	x.Close()
}

// catalogueNew shows an empty item form to those who may edit.
func (p *Pages) catalogueNew(w http.ResponseWriter, r *http.Request) {
	if !p.catalogueOn(w, r) {
		return
	}
	city, name, err := p.catalogueCity(r, r.URL.Query().Get("city"))
	if err == nil {
		err = p.Catalogue.MayEdit(r.Context(), city)
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &catalogueFormPage{CityID: city, CityName: name, Form: catalogueForm{Category: string(planning.CategoryBasic),
		Unit: "项", DecisionItem: "0", Active: true}}
	p.renderCatalogueForm(w, r, http.StatusOK, pg)
}

// catalogueEdit shows an item's form to those who may edit.
func (p *Pages) catalogueEdit(w http.ResponseWriter, r *http.Request) {
	if !p.catalogueOn(w, r) {
		return
	}
	it, name, err := p.catalogueItem(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &catalogueFormPage{CityID: it.CityID, CityName: name, ItemID: it.ID, Form: catalogueForm{Code: it.Code,
		Name: it.Name, NameEn: it.NameEn, Category: string(it.Category), Unit: it.Unit, UnitCost: it.UnitCost.String(),
		LifeYears: strconv.Itoa(it.LifeYears), DecisionItem: strconv.Itoa(int(it.DecisionItem)),
		DependsOn: strings.Join(it.DependsOn, ", "), Notes: it.Notes, Sources: it.Sources, SignOffs: it.SignOffs, Active: it.Active}}
	p.renderCatalogueForm(w, r, http.StatusOK, pg)
}

// catalogueItem loads the item named by the path for an actor who may
// change it, with its city's name.
func (p *Pages) catalogueItem(r *http.Request) (*planning.Item, string, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, "", err
	}
	it, err := p.Catalogue.Item(r.Context(), id)
	if err != nil {
		return nil, "", err
	}
	if err := p.Catalogue.MayEdit(r.Context(), it.CityID); err != nil {
		return nil, "", err
	}
	_, name, err := p.catalogueCity(r, strconv.FormatInt(it.CityID, 10))
	return it, name, err
}

// catalogueSave creates (POST /catalogue) or changes (POST
// /catalogue/{id}) an item; invalid input shows the form again with the
// problems next to the fields.
func (p *Pages) catalogueSave(w http.ResponseWriter, r *http.Request) {
	if !p.catalogueOn(w, r) {
		return
	}
	var it *planning.Item
	pg := &catalogueFormPage{}
	if r.PathValue("id") != "" {
		var err error
		if it, pg.CityName, err = p.catalogueItem(r); err != nil {
			p.fail(w, r, err)
			return
		}
		pg.CityID, pg.ItemID = it.CityID, it.ID
	} else {
		city, name, err := p.catalogueCity(r, r.PostFormValue("city"))
		if err == nil {
			err = p.Catalogue.MayEdit(r.Context(), city)
		}
		if err != nil {
			p.fail(w, r, err)
			return
		}
		it = &planning.Item{CityID: city, Code: r.PostFormValue("code")}
		pg.CityID, pg.CityName = city, name
	}
	l := lang(r)
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	pg.Form = catalogueForm{Code: it.Code, Name: v("name"), NameEn: v("name_en"), Category: v("category"), Unit: v("unit"),
		UnitCost: v("unit_cost"), LifeYears: v("life_years"), DecisionItem: v("decision_item"), DependsOn: v("depends_on"),
		Notes: v("notes"), Sources: r.PostForm["sources"], SignOffs: r.PostForm["sign_offs"], Active: r.PostFormValue("active") != ""}
	it.Name, it.NameEn, it.Category, it.Unit = pg.Form.Name, pg.Form.NameEn, planning.Category(pg.Form.Category), pg.Form.Unit
	it.Notes, it.Sources, it.SignOffs, it.Active = pg.Form.Notes, pg.Form.Sources, pg.Form.SignOffs, pg.Form.Active
	it.DependsOn = strings.FieldsFunc(pg.Form.DependsOn, func(c rune) bool { return c == ',' || c == '，' || c == '、' || c == ' ' })
	if cost, ok := huanxin.ParseCenti(pg.Form.UnitCost); ok {
		it.UnitCost = huanxin.Money(cost)
	} else {
		pg.Errors = append(pg.Errors, huanxin.FieldError{Field: "unit_cost", Message: i18n.T(l, "catalogue.unit_cost.invalid")})
	}
	if n, err := strconv.Atoi(pg.Form.LifeYears); err == nil {
		it.LifeYears = n
	} else {
		pg.Errors = append(pg.Errors, huanxin.FieldError{Field: "life_years", Message: i18n.T(l, "catalogue.life_years.invalid")})
	}
	n, _ := strconv.Atoi(pg.Form.DecisionItem)
	it.DecisionItem = decision.Item(n)
	if len(pg.Errors) > 0 {
		pg.Message = i18n.T(l, "catalogue.invalid")
		p.renderCatalogueForm(w, r, http.StatusBadRequest, pg)
		return
	}
	var err error
	if it.ID == 0 {
		err = p.Catalogue.Create(r.Context(), it)
	} else {
		err = p.Catalogue.Update(r.Context(), it)
	}
	switch huanxin.ErrorCode(err) {
	case "":
		redirect(w, r, "/catalogue?city="+strconv.FormatInt(it.CityID, 10)+"&q="+url.QueryEscape(it.Code), "catalogue_saved")
	case huanxin.EINVALID:
		pg.Form.Code = it.Code
		pg.Message, pg.Errors = huanxin.ErrorMessage(err), huanxin.ErrorFields(err)
		p.renderCatalogueForm(w, r, http.StatusBadRequest, pg)
	default:
		p.fail(w, r, err)
	}
}

// renderCatalogueForm fills the form's choices and renders it.
func (p *Pages) renderCatalogueForm(w http.ResponseWriter, r *http.Request, status int, pg *catalogueFormPage) {
	title := "catalogue.edit"
	if pg.ItemID == 0 {
		title = "catalogue.new"
	}
	pg.Base = p.base(r, title)
	l := pg.Lang
	units := options(planning.Units, func(t planning.Term) string { return t.Key },
		func(t planning.Term) string { return t.Name(l) }, pg.Form.Unit)
	items := []decision.Item{decision.Consultation}
	for i := decision.ItemProcedure; i <= decision.ItemOtherMajor; i++ {
		items = append(items, i)
	}
	decisions := options(items, func(i decision.Item) string { return strconv.Itoa(int(i)) },
		func(i decision.Item) string { return decisionName(i, l) }, pg.Form.DecisionItem)
	checks := func(terms []planning.Term, checked []string) []option {
		out := make([]option, len(terms))
		for i, t := range terms {
			out[i] = option{Value: t.Key, Label: t.Name(l), Selected: slices.Contains(checked, t.Key)}
		}
		return out
	}
	pg.Selects = []catalogueChoice{{"category", categoryOptions(l, pg.Form.Category)}, {"unit", units}, {"decision_item", decisions}}
	pg.Checks = []catalogueChoice{{"sources", checks(planning.SourceTypes, pg.Form.Sources)},
		{"sign_offs", checks(planning.SignOffBodies, pg.Form.SignOffs)}}
	p.render(w, r, status, "catalogue_form", pg)
}
