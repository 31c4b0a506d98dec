package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
	"github.com/huanxin/huanxin/request"
	"github.com/huanxin/huanxin/web/i18n"
)

// requestUnitsPage lists the organisations that answer requests
// (contractors, property companies, utilities) with their estates and
// members; communities, sub-districts and districts answer by
// jurisdiction and are kept in the register.
type requestUnitsPage struct {
	Base
	Units   []unitRow
	CanEdit bool
}

// unitRow is an organisation as listed, with its estates' and members'
// names.
type unitRow struct {
	*request.Organisation
	KindName string
	Estates  []string
	Members  []string
}

// unitFormPage is the form of one organisation: its kind, name, the
// estates it answers for (of the switcher's estates, and those it has)
// and its members (accounts of the organisations' roles).
type unitFormPage struct {
	Base
	Unit    *request.Organisation // nil for a new one
	Form    unitForm
	Kinds   []option
	Estates []checkOption
	Members []checkOption
	Message string
	Errors  []huanxin.FieldError
}

// unitForm is an organisation as entered.
type unitForm struct {
	Kind, Name, MoreMembers string
	EstateIDs, MemberIDs    []int64
}

// checkOption is a checkbox of a list.
type checkOption struct {
	ID      int64
	Label   string
	Checked bool
}

// requestUnitsOn checks that requests are on and the actor is an officer
// who may manage organisations.
func (p *Pages) requestUnitsOn(w http.ResponseWriter, r *http.Request) bool {
	if !p.requestsOn(w, r) {
		return false
	}
	if !canEdit(r) {
		p.fail(w, r, huanxin.Errorf(huanxin.EFORBIDDEN, "无权管理责任单位 you may not manage the units"))
		return false
	}
	return true
}

// requestUnits lists the organisations of the cities the officer sees.
func (p *Pages) requestUnits(w http.ResponseWriter, r *http.Request) {
	if !p.requestUnitsOn(w, r) {
		return
	}
	ctx := r.Context()
	orgs, err := p.Requests.Organisations(ctx)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &requestUnitsPage{Base: p.base(r, "request.units.title"), CanEdit: true}
	for _, o := range orgs {
		row := unitRow{Organisation: o, KindName: i18n.T(pg.Lang, "request.unit."+string(o.Kind))}
		for _, id := range o.Estates {
			row.Estates = append(row.Estates, p.estateName(r, id))
		}
		names, err := p.Accounts.Names(ctx, o.Members...)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		for _, id := range o.Members {
			row.Members = append(row.Members, memberLabel(names, id))
		}
		pg.Units = append(pg.Units, row)
	}
	p.render(w, r, http.StatusOK, "request_units", pg)
}

// estateName names an estate the officer sees, or gives its number.
func (p *Pages) estateName(r *http.Request, id int64) string {
	if e, err := p.Reg.Estates().Get(r.Context(), id); err == nil {
		return e.Name
	}
	return "#" + strconv.FormatInt(id, 10)
}

// memberLabel names an account: its name when the officer sees it, and
// its number.
func memberLabel(names map[int64]string, id int64) string {
	if n, ok := names[id]; ok {
		return n + "（#" + strconv.FormatInt(id, 10) + "）"
	}
	return "#" + strconv.FormatInt(id, 10)
}

// unitOf loads the organisation of the {id} path segment among those the
// officer sees.
func (p *Pages) unitOf(w http.ResponseWriter, r *http.Request) (*request.Organisation, bool) {
	return pathGet(p, w, r, func(ctx context.Context, id int64) (*request.Organisation, error) {
		orgs, err := p.Requests.Organisations(ctx)
		if err != nil {
			return nil, err
		}
		if i := slices.IndexFunc(orgs, func(o *request.Organisation) bool { return o.ID == id }); i >= 0 {
			return orgs[i], nil
		}
		return nil, huanxin.Errorf(huanxin.ENOTFOUND, "责任单位不存在 no such unit")
	})
}

// requestUnitNew shows the form of a new organisation.
func (p *Pages) requestUnitNew(w http.ResponseWriter, r *http.Request) {
	if p.requestUnitsOn(w, r) {
		p.renderUnitForm(w, r, http.StatusOK, &unitFormPage{Form: unitForm{Kind: string(request.UnitProperty)}})
	}
}

// requestUnitEdit shows an organisation's form.
func (p *Pages) requestUnitEdit(w http.ResponseWriter, r *http.Request) {
	if !p.requestUnitsOn(w, r) {
		return
	}
	if o, ok := p.unitOf(w, r); ok {
		p.renderUnitForm(w, r, http.StatusOK, &unitFormPage{Unit: o, Form: unitForm{Kind: string(o.Kind), Name: o.Name,
			EstateIDs: o.Estates, MemberIDs: o.Members}})
	}
}

// requestUnitSave creates (no {id}) or changes an organisation.
func (p *Pages) requestUnitSave(w http.ResponseWriter, r *http.Request) {
	if !p.requestUnitsOn(w, r) {
		return
	}
	pg := &unitFormPage{}
	o := &request.Organisation{}
	if r.PathValue("id") != "" {
		var ok bool
		if pg.Unit, ok = p.unitOf(w, r); !ok {
			return
		}
		o.ID = pg.Unit.ID
	}
	var errs []huanxin.FieldError
	pg.Form = unitForm{Kind: r.PostFormValue("kind"), Name: r.PostFormValue("name"), MoreMembers: r.PostFormValue("more_members")}
	for _, v := range r.PostForm["estate_id"] {
		pg.Form.EstateIDs = append(pg.Form.EstateIDs, formID(v, "estate_ids", &errs))
	}
	for _, v := range append(r.PostForm["member_id"], strings.FieldsFunc(pg.Form.MoreMembers, func(c rune) bool { return c == ',' || c == '，' || c == ' ' || c == '\n' })...) {
		pg.Form.MemberIDs = append(pg.Form.MemberIDs, formID(v, "member_ids", &errs))
	}
	o.Kind, o.Name, o.Estates, o.Members = request.UnitKind(pg.Form.Kind), pg.Form.Name, pg.Form.EstateIDs, pg.Form.MemberIDs
	err := error(huanxin.Invalid("输入有误 invalid input", errs...))
	if len(errs) == 0 {
		err = p.Requests.SaveOrganisation(r.Context(), o)
	}
	switch huanxin.ErrorCode(err) {
	case "":
		redirect(w, r, "/requests/units", "unit_saved")
	case huanxin.EINVALID:
		pg.Message, pg.Errors = huanxin.ErrorMessage(err), huanxin.ErrorFields(err)
		p.renderUnitForm(w, r, http.StatusBadRequest, pg)
	default:
		p.fail(w, r, err)
	}
}

// requestUnitActive stops or resumes an organisation (active=0 or 1).
func (p *Pages) requestUnitActive(w http.ResponseWriter, r *http.Request) {
	if !p.requestUnitsOn(w, r) {
		return
	}
	o, ok := p.unitOf(w, r)
	if !ok {
		return
	}
	active := r.PostFormValue("active") == "1"
	if _, err := p.Requests.SetOrganisationActive(r.Context(), o.ID, active); err != nil {
		p.fail(w, r, err)
		return
	}
	flash := "unit_stopped"
	if active {
		flash = "unit_resumed"
	}
	redirect(w, r, "/requests/units", flash)
}

// renderUnitForm fills the choices: the organisations' kinds, the
// switcher's estates and those chosen, the accounts of the organisations'
// roles the officer manages (administrators and bureaus) and those chosen.
func (p *Pages) renderUnitForm(w http.ResponseWriter, r *http.Request, status int, pg *unitFormPage) {
	ctx := r.Context()
	pg.Base = p.base(r, "request.units.form")
	for _, k := range request.OrgKinds {
		pg.Kinds = append(pg.Kinds, option{Value: string(k), Label: i18n.T(pg.Lang, "request.unit."+string(k)), Selected: string(k) == pg.Form.Kind})
	}
	es, _, err := p.switcherEstates(ctx, r, 200)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	seen := map[int64]bool{}
	for _, e := range es {
		pg.Estates, seen[e.ID] = append(pg.Estates, checkOption{ID: e.ID, Label: e.Name, Checked: slices.Contains(pg.Form.EstateIDs, e.ID)}), true
	}
	for _, id := range pg.Form.EstateIDs {
		if !seen[id] && id != 0 {
			pg.Estates, seen[id] = append(pg.Estates, checkOption{ID: id, Label: p.estateName(r, id), Checked: true}), true
		}
	}
	var users []*account.User
	if mayRunRules(pg.Actor) {
		for _, k := range request.OrgKinds {
			role := huanxin.Role(k)
			us, _, err := p.Accounts.FindUsers(ctx, account.UserFilter{Role: &role, Limit: 200})
			if err != nil {
				p.fail(w, r, err)
				return
			}
			users = append(users, us...)
		}
	}
	names, err := p.Accounts.Names(ctx, pg.Form.MemberIDs...)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	clear(seen)
	for _, u := range users {
		pg.Members, seen[u.ID] = append(pg.Members, checkOption{ID: u.ID, Label: u.Name + "（" + i18n.T(pg.Lang, "request.unit."+string(u.Role)) + "）",
			Checked: slices.Contains(pg.Form.MemberIDs, u.ID)}), true
	}
	for _, id := range pg.Form.MemberIDs {
		if !seen[id] && id != 0 {
			pg.Members, seen[id] = append(pg.Members, checkOption{ID: id, Label: memberLabel(names, id), Checked: true}), true
		}
	}
	pg.Form.MoreMembers = ""
	p.render(w, r, status, "request_unit_form", pg)
}
