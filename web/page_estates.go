package web

import (
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/web/i18n"
)

const perPage = 50

// The list's labels and options are worked out in Go, not by template
// function calls: the list is the busiest page of the back office.
type estateListPage struct {
	Base
	Rows        template.HTML
	Pager       Pager
	Query       url.Values
	Statuses    []option
	Models      []option
	Districts   []option
	Streets     []option
	ExportQuery string
	Errors      []huanxin.FieldError
}

// estateRows writes the table rows of the list. It is Go rather than
// template code because html/template calls its escapers through
// reflection for every cell, which was most of this page's cost (see
// docs/performance.md); html.EscapeString escapes every text the same way.
func estateRows(list []*estate.Estate, lang string) template.HTML {
	if len(list) == 0 {
		return template.HTML(`<tr><td colspan="10">` + html.EscapeString(i18n.T(lang, "common.none")) + "</td></tr>\n")
	}
	var b strings.Builder
	esc := html.EscapeString
	for _, e := range list {
		fmt.Fprintf(&b, `<tr><td>%s</td><td><a href="/estates/%d">%s</a><br><small>%s</small></td>`+
			`<td>%s</td><td>%s</td><td>%s</td><td class="num">%d</td><td class="num">%d</td><td class="num">%d</td>`+
			`<td>%s</td><td><span class="badge">%s</span></td></tr>`+"\n",
			esc(e.Code), e.ID, esc(e.Name), esc(e.Address), esc(e.District), esc(e.Street), esc(e.Community),
			e.YearBuilt, e.Buildings, e.Dwellings, esc(i18n.T(lang, "mgmt."+string(e.Management))),
			esc(i18n.T(lang, "status."+string(e.Status))))
	}
	return template.HTML(b.String())
}

// option is one <option> of a filter select.
type option struct {
	Value, Label string
	Selected     bool
}

// options builds a select's options from values and their labels,
// marking the one equal to selected.
func options[T any](items []T, value func(T) string, label func(T) string, selected string) []option {
	out := make([]option, len(items))
	for i, it := range items {
		v := value(it)
		out[i] = option{Value: v, Label: label(it), Selected: v == selected}
	}
	return out
}

// estateFilter reads the estate list's filters from the query string:
// district, street (either narrows to that jurisdiction), year range,
// status, management model and a name/address search.
func estateFilter(r *http.Request) (estate.Filter, []huanxin.FieldError) {
	q := r.URL.Query()
	var f estate.Filter
	var errs []huanxin.FieldError
	num := func(key string) *int64 {
		v := strings.TrimSpace(q.Get(key))
		if v == "" {
			return nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			errs = append(errs, huanxin.FieldError{Field: key, Message: "应为数字 must be a number"})
			return nil
		}
		return &n
	}
	for _, key := range []string{"street", "district", "jurisdiction_id"} {
		if id := num(key); id != nil && f.JurisdictionID == nil {
			f.JurisdictionID = id
		}
	}
	if f.JurisdictionID == nil {
		if id := selectedScope(r); id != 0 {
			f.JurisdictionID = &id
		}
	}
	if v := num("year_from"); v != nil {
		f.YearFrom = ptr(int(*v))
	}
	if v := num("year_to"); v != nil {
		f.YearTo = ptr(int(*v))
	}
	if s := estate.Status(q.Get("status")); s != "" {
		f.Status = &s
	}
	if m := estate.ManagementModel(q.Get("management")); m != "" {
		f.Management = &m
	}
	f.Q = q.Get("q")
	f.Limit, f.Offset = perPage, (PageOf(q)-1)*perPage
	return f, errs
}

func (p *Pages) estateList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, errs := estateFilter(r)
	q := r.URL.Query()
	pg := &estateListPage{Base: p.base(r, "estates.title"), Query: q, Errors: errs}
	l := pg.Lang
	pg.Statuses = options(estate.Statuses, func(s estate.Status) string { return string(s) },
		func(s estate.Status) string { return i18n.T(l, "status."+string(s)) }, q.Get("status"))
	pg.Models = options(estate.ManagementModels, func(m estate.ManagementModel) string { return string(m) },
		func(m estate.ManagementModel) string { return i18n.T(l, "mgmt."+string(m)) }, q.Get("management"))
	list, total, err := p.Reg.Estates().Find(ctx, f)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg.Rows = estateRows(list, l)
	pg.Pager = NewPager(PageOf(q), perPage, total, q, l)
	jurID := func(j *estate.Jurisdiction) string { return strconv.FormatInt(j.ID, 10) }
	jurName := func(j *estate.Jurisdiction) string { return j.Name }
	level := huanxin.LevelDistrict
	ds, _, err := p.Reg.Jurisdictions().Find(ctx, estate.Filter{Level: &level, Limit: 200})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg.Districts = options(ds, jurID, jurName, q.Get("district"))
	level2 := huanxin.LevelStreet
	sf := estate.Filter{Level: &level2, Limit: 500}
	if d, err := strconv.ParseInt(q.Get("district"), 10, 64); err == nil {
		sf.ParentID = &d
	}
	ss, _, err := p.Reg.Jurisdictions().Find(ctx, sf)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg.Streets = options(ss, jurID, jurName, q.Get("street"))
	eq := url.Values{}
	for k, v := range pg.Query {
		if k != "page" {
			eq[k] = v
		}
	}
	pg.ExportQuery = eq.Encode()
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusBadRequest
	}
	p.render(w, r, status, "estates", pg)
}

type estateShowPage struct {
	Base
	Estate     *estate.Estate
	Buildings  []*estate.Building
	Building   *estate.Building
	Stairwells []*estate.Stairwell
	Parts      []*estate.Part
	Owners     map[int64][]*estate.Ownership
	Residents  map[int64][]*estate.Resident
	Pager      Pager
	CanEdit    bool
	SeesPeople bool
	HasMap     bool
}

// estateShow is an estate's page: its facts, a map pin, its buildings and,
// for the chosen building, the dwellings with their owners (masked).
func (p *Pages) estateShow(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	e, err := p.Reg.Estates().Get(ctx, id)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	a := huanxin.ActorFromContext(ctx)
	pg := &estateShowPage{Base: p.base(r, "estate.title"), Estate: e, CanEdit: a.Role.CanEditRegister(),
		SeesPeople: a.Role != huanxin.RoleContractor && a.Role != huanxin.RoleUtility, HasMap: e.Lat != nil || e.Boundary != ""}
	pg.Title = e.Name
	if pg.Buildings, _, err = p.Reg.Buildings().Find(ctx, estate.Filter{EstateID: &id, Limit: 1000}); err != nil {
		p.fail(w, r, err)
		return
	}
	if len(pg.Buildings) == 0 {
		p.render(w, r, http.StatusOK, "estate", pg)
		return
	}
	pg.Building = pg.Buildings[0]
	if bid, err := strconv.ParseInt(r.URL.Query().Get("building"), 10, 64); err == nil {
		for _, b := range pg.Buildings {
			if b.ID == bid {
				pg.Building = b
			}
		}
	}
	q := r.URL.Query()
	f := estate.Filter{BuildingID: &pg.Building.ID, Limit: perPage, Offset: (PageOf(q) - 1) * perPage, Q: q.Get("room")}
	parts, total, err := p.Reg.Parts().Find(ctx, f)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg.Parts = parts
	pg.Pager = NewPager(PageOf(q), perPage, total, q, pg.Lang)
	if pg.SeesPeople && len(parts) > 0 {
		pg.Owners = map[int64][]*estate.Ownership{}
		// One query per page of dwellings, not one per dwelling.
		os, _, err := p.Reg.Ownerships().Find(ctx, estate.Filter{EstateID: &id, Limit: 1000, BuildingID: &pg.Building.ID})
		if err != nil {
			p.fail(w, r, err)
			return
		}
		for _, o := range os {
			pg.Owners[o.PartID] = append(pg.Owners[o.PartID], o)
		}
		rs, _, err := p.Reg.Residents().Find(ctx, estate.Filter{EstateID: &id, Limit: 1000, BuildingID: &pg.Building.ID})
		if err != nil {
			p.fail(w, r, err)
			return
		}
		pg.Residents = map[int64][]*estate.Resident{}
		for _, x := range rs {
			pg.Residents[x.PartID] = append(pg.Residents[x.PartID], x)
		}
	}
	p.render(w, r, http.StatusOK, "estate", pg)
}
