package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
	"github.com/huanxin/huanxin/estate"
)

// usersPerPage is the number of accounts listed per page.
const usersPerPage = 50

type userListPage struct {
	Base
	Users []*account.User
	Pager Pager
	Q     string
	Role  string // role filter, "" for all
	Roles []huanxin.Role

	// The "new account" form; shown when Manageable is not empty.
	Manageable    []huanxin.Role
	Jurisdictions []ScopeOption
	Form          userForm
	Message       string // summary of a failed creation
	Errors        []huanxin.FieldError
}

// userForm holds what was entered in the "new account" form (never the
// password), so that a failed submission shows it again.
type userForm struct {
	Username, Name, Phone string
	Role                  huanxin.Role
	JurisdictionID        int64
}

// userList lists the accounts the actor manages, with a form to add one.
func (p *Pages) userList(w http.ResponseWriter, r *http.Request) {
	p.renderUsers(w, r, http.StatusOK, &userListPage{})
}

// userCreate adds an account; invalid input shows the form again with the
// problems next to the fields.
func (p *Pages) userCreate(w http.ResponseWriter, r *http.Request) {
	a := huanxin.ActorFromContext(r.Context())
	f := userForm{
		Username: strings.TrimSpace(r.FormValue("username")),
		Name:     strings.TrimSpace(r.FormValue("name")),
		Phone:    strings.TrimSpace(r.FormValue("phone")),
		Role:     huanxin.Role(r.FormValue("role")),
	}
	f.JurisdictionID, _ = strconv.ParseInt(r.FormValue("scopes"), 10, 64)
	if f.Role.Valid() && !account.Manages(a, f.Role) {
		p.fail(w, r, huanxin.Errorf(huanxin.EFORBIDDEN, "无权管理该角色的账号 you may not manage accounts of this role"))
		return
	}
	u := &account.User{Username: f.Username, Name: f.Name, Phone: f.Phone, Role: f.Role}
	if f.JurisdictionID > 0 {
		u.Scopes = []account.ScopeRef{{JurisdictionID: f.JurisdictionID}}
	}
	err := p.Accounts.CreateUser(r.Context(), u, r.FormValue("password"))
	if err == nil {
		redirect(w, r, "/users", "user_created")
		return
	}
	if huanxin.ErrorCode(err) != huanxin.EINVALID {
		p.fail(w, r, err)
		return
	}
	p.renderUsers(w, r, http.StatusBadRequest, &userListPage{Form: f, Message: huanxin.ErrorMessage(err), Errors: huanxin.ErrorFields(err)})
}

// renderUsers fills the list (filtered by the query string) and the form's
// choices into pg and renders it.
func (p *Pages) renderUsers(w http.ResponseWriter, r *http.Request, status int, pg *userListPage) {
	ctx := r.Context()
	a := huanxin.ActorFromContext(ctx)
	q := r.URL.Query()
	q.Del("flash")
	f := account.UserFilter{Q: strings.TrimSpace(q.Get("q")), Limit: usersPerPage}
	if role := huanxin.Role(q.Get("role")); role.Valid() {
		f.Role = &role
		pg.Role = string(role)
	}
	pg.Q = f.Q
	page := PageOf(q)
	f.Offset = (page - 1) * usersPerPage
	users, total, err := p.Accounts.FindUsers(ctx, f)
	if err == nil && len(users) == 0 && total > 0 && page > 1 {
		// Past the last page: show the last one.
		page = (total + usersPerPage - 1) / usersPerPage
		f.Offset = (page - 1) * usersPerPage
		users, total, err = p.Accounts.FindUsers(ctx, f)
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg.Users, pg.Roles = users, huanxin.Roles
	for _, role := range huanxin.Roles {
		if account.Manages(a, role) {
			pg.Manageable = append(pg.Manageable, role)
		}
	}
	if len(pg.Manageable) > 0 {
		js, _, err := p.Reg.Jurisdictions().Find(ctx, estate.Filter{Limit: 500})
		if err != nil {
			p.fail(w, r, err)
			return
		}
		pg.Jurisdictions = jurisdictionOptions(js, pg.Form.JurisdictionID)
	}
	pg.Base = p.base(r, "users.title")
	pg.Pager = NewPager(page, usersPerPage, total, keepFilters(q), pg.Lang)
	p.render(w, r, status, "users", pg)
}

// jurisdictionOptions turns jurisdictions in path order into select
// options indented below the shallowest level shown.
func jurisdictionOptions(js []*estate.Jurisdiction, selected int64) []ScopeOption {
	top := -1
	for _, j := range js {
		if d := j.Level.Depth(); top < 0 || d < top {
			top = d
		}
	}
	out := make([]ScopeOption, 0, len(js))
	for _, j := range js {
		out = append(out, ScopeOption{ID: j.ID, Name: j.Name + " " + j.Code, Depth: j.Level.Depth() - top, Selected: j.ID == selected})
	}
	return out
}

// keepFilters returns the list's query parameters without the page number.
func keepFilters(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		if k != "page" && k != "flash" {
			out[k] = v
		}
	}
	return out
}
