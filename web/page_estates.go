package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
)

const perPage = 50

type estateListPage struct {
	Base
	Estates     []*estate.Estate
	Pager       Pager
	Query       url.Values
	Statuses    []estate.Status
	Models      []estate.ManagementModel
	Districts   []*estate.Jurisdiction
	Streets     []*estate.Jurisdiction
	ExportQuery string
	Errors      []huanxin.FieldError
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
	pg := &estateListPage{Base: p.base(r, "estates.title"), Query: r.URL.Query(), Statuses: estate.Statuses,
		Models: estate.ManagementModels, Errors: errs}
	list, total, err := p.Reg.Estates().Find(ctx, f)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg.Estates = list
	pg.Pager = NewPager(PageOf(pg.Query), perPage, total, pg.Query, pg.Lang)
	level := huanxin.LevelDistrict
	if pg.Districts, _, err = p.Reg.Jurisdictions().Find(ctx, estate.Filter{Level: &level, Limit: 200}); err != nil {
		p.fail(w, r, err)
		return
	}
	level2 := huanxin.LevelStreet
	sf := estate.Filter{Level: &level2, Limit: 500}
	if d, err := strconv.ParseInt(pg.Query.Get("district"), 10, 64); err == nil {
		sf.ParentID = &d
	}
	if pg.Streets, _, err = p.Reg.Jurisdictions().Find(ctx, sf); err != nil {
		p.fail(w, r, err)
		return
	}
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
