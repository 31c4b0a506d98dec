package api

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
)

var userListParams = []string{"page", "per_page", "q", "role"}

// userHandlers serve /api/v1/users. Who may list, create and change which
// accounts is decided by the account service: admins every account,
// housing bureaus the accounts below them bound inside their scope,
// auditors may list.
type userHandlers struct{ svc *account.Service }

// ScopeInput binds an account to one jurisdiction subtree or one estate:
// exactly one of the two is given.
type ScopeInput struct {
	JurisdictionID int64 `json:"jurisdiction_id,omitempty"`
	EstateID       int64 `json:"estate_id,omitempty"`
}

// UserInput is the body of POST /api/v1/users.
type UserInput struct {
	Username string       `json:"username"`
	Name     string       `json:"name"`
	Role     huanxin.Role `json:"role"`
	Phone    string       `json:"phone"`
	Scopes   []ScopeInput `json:"scopes"`
	Password string       `json:"password"`
}

// UserPatch is the body of PATCH /api/v1/users/{id}: the members present
// change. Scopes, when given, replace the account's scopes; an empty phone
// keeps the current one.
type UserPatch struct {
	Name     string        `json:"name"`
	Role     huanxin.Role  `json:"role"`
	Phone    string        `json:"phone"`
	Scopes   *[]ScopeInput `json:"scopes"`
	Disabled bool          `json:"disabled"`
}

// PasswordInput is the body of POST /api/v1/users/{id}/password.
type PasswordInput struct {
	Password string `json:"password"`
}

// scopeRefs checks the scopes of a body: each names exactly one positive
// jurisdiction or estate ID. Repeated ones are dropped.
func scopeRefs(in []ScopeInput) ([]account.ScopeRef, error) {
	out := []account.ScopeRef{}
	for _, s := range in {
		if s.JurisdictionID < 0 || s.EstateID < 0 || (s.JurisdictionID == 0) == (s.EstateID == 0) {
			return nil, huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "scopes",
				Message: "每项须给出 jurisdiction_id 或 estate_id 之一 each scope needs exactly one positive jurisdiction_id or estate_id"})
		}
		ref := account.ScopeRef{JurisdictionID: s.JurisdictionID, EstateID: s.EstateID}
		dup := false
		for _, o := range out {
			dup = dup || o == ref
		}
		if !dup {
			out = append(out, ref)
		}
	}
	return out, nil
}

// shown prepares an account for a response: the phone is write-only, and
// scopes are an array even when empty.
func shown(u *account.User) *account.User {
	v := *u
	v.Phone = ""
	if v.Scopes == nil {
		v.Scopes = []account.ScopeRef{}
	}
	return &v
}

func (h userHandlers) list(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	p := readParams(r, userListParams)
	page, perPage := p.paging()
	f := account.UserFilter{Q: p.text("q", 100), Offset: (page - 1) * perPage, Limit: perPage}
	if v := p.get("role"); v != "" {
		if role := huanxin.Role(v); role.Valid() {
			f.Role = &role
		} else {
			p.fail("role", "取值无效 must be one of "+roleNames())
		}
	}
	if err := p.err(); err != nil {
		WriteError(w, r, err)
		return
	}
	users, total, err := h.svc.FindUsers(r.Context(), f)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	for i, u := range users {
		users[i] = shown(u)
	}
	writeList(w, users, total, page, perPage)
}

func roleNames() string {
	names := make([]string, len(huanxin.Roles))
	for i, r := range huanxin.Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

func (h userHandlers) create(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	var in UserInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	scopes, err := scopeRefs(in.Scopes)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	u := &account.User{Username: in.Username, Name: in.Name, Role: in.Role, Phone: in.Phone, Scopes: scopes}
	if err := h.svc.CreateUser(r.Context(), u, in.Password); err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, h.reload(r, u))
}

func (h userHandlers) update(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	// The body is decoded onto the loaded account's changeable members,
	// so that only those present change.
	u, err := h.svc.UpdateUser(r.Context(), id, func(u *account.User) error {
		p := UserPatch{Name: u.Name, Role: u.Role, Phone: u.Phone, Disabled: u.Disabled}
		if err := decodeBody(w, r, &p); err != nil {
			return err
		}
		if p.Scopes != nil {
			scopes, err := scopeRefs(*p.Scopes)
			if err != nil {
				return err
			}
			u.Scopes = scopes
		}
		u.Name, u.Role, u.Phone, u.Disabled = p.Name, p.Role, p.Phone, p.Disabled
		return nil
	})
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, h.reload(r, u))
}

// reload reads an account back after a write, for the stored masked phone
// and scope names; if that fails, the written value is shown.
func (h userHandlers) reload(r *http.Request, written *account.User) *account.User {
	id := written.ID
	list, _, err := h.svc.FindUsers(r.Context(), account.UserFilter{ID: &id, Limit: 1})
	if err != nil || len(list) == 0 {
		if err != nil {
			slog.WarnContext(r.Context(), "api: cannot read back a written account", "id", id, "err", err)
		}
		return shown(written)
	}
	return shown(list[0])
}

func (h userHandlers) password(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) || !requireWritable(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	var in PasswordInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	if err := h.svc.SetPassword(r.Context(), id, in.Password); err != nil {
		WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
