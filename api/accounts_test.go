package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
	"github.com/huanxin/huanxin/api"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/importer"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/store"
)

// ---------------------------------------------------------------------------
// The document describes the account-side types

// TestOpenAPIExtraSchemasMatchTypes holds the schemas of the account-side
// endpoints against their Go types, as TestOpenAPISchemasMatchTypes does
// for the register.
func TestOpenAPIExtraSchemasMatchTypes(t *testing.T) {
	d := loadDoc(t)
	types := map[string]reflect.Type{
		"Me":                reflect.TypeFor[api.Me](),
		"User":              reflect.TypeFor[account.User](),
		"ScopeRef":          reflect.TypeFor[account.ScopeRef](),
		"ScopeInput":        reflect.TypeFor[api.ScopeInput](),
		"UserCreate":        reflect.TypeFor[api.UserInput](),
		"UserPatch":         reflect.TypeFor[api.UserPatch](),
		"Password":          reflect.TypeFor[api.PasswordInput](),
		"Token":             reflect.TypeFor[api.TokenInfo](),
		"NewToken":          reflect.TypeFor[api.NewToken](),
		"TokenCreate":       reflect.TypeFor[api.TokenInput](),
		"Invitation":        reflect.TypeFor[api.InvitationCode](),
		"Redeem":            reflect.TypeFor[api.RedeemInput](),
		"AuditEntry":        reflect.TypeFor[audit.Entry](),
		"AuditVerification": reflect.TypeFor[api.AuditVerification](),
		"ImportResult":      reflect.TypeFor[importer.Result](),
		"ImportCount":       reflect.TypeFor[store.Count](),
	}
	checkSchemas(t, d, types)
	checkProps(t, "Me.scope", d.Components.Schemas["Me"].Value.Properties["scope"].Value.Properties, reflect.TypeFor[api.MeScope]())
	checkProps(t, "AuditVerification.break", d.Components.Schemas["AuditVerification"].Value.Properties["break"].Value.Properties,
		reflect.TypeFor[api.AuditBreak]())
	var roles []string
	for _, v := range d.Components.Schemas["Role"].Value.Enum {
		roles = append(roles, v.(string))
	}
	var want []string
	for _, r := range huanxin.Roles {
		want = append(want, string(r))
	}
	if !slices.Equal(roles, want) {
		t.Errorf("schema Role enum = %v, want %v", roles, want)
	}
	var kinds []string
	for _, v := range d.Components.Parameters["Kind"].Value.Schema.Value.Enum {
		kinds = append(kinds, v.(string))
	}
	if want := (&importer.Service{}).Kinds(); !slices.Equal(kinds, want) {
		t.Errorf("parameter Kind enum = %v, the importer's kinds %v", kinds, want)
	}
}

// checkSchemas checks that each named schema exists, lists exactly the
// JSON fields of its Go type and forbids other properties.
func checkSchemas(t *testing.T, d *openapi3.T, types map[string]reflect.Type) {
	t.Helper()
	for name, typ := range types {
		ref := d.Components.Schemas[name]
		if ref == nil {
			t.Errorf("schema %s missing", name)
			continue
		}
		checkProps(t, name, ref.Value.Properties, typ)
		if ap := ref.Value.AdditionalProperties.Has; ap == nil || *ap {
			t.Errorf("schema %s must set additionalProperties: false", name)
		}
	}
}

func checkProps[M ~map[string]V, V any](t *testing.T, name string, props M, typ reflect.Type) {
	t.Helper()
	var got []string
	for p := range props {
		got = append(got, p)
	}
	if fields := flatFields(typ); !sameSet(got, fields) {
		t.Errorf("schema %s has properties %v, Go type %s has %v", name, sorted(got), typ, sorted(fields))
	}
}

// flatFields lists the JSON members of a struct type, with those of
// embedded structs.
func flatFields(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Tag.Get("json") == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, flatFields(f.Type)...)
			continue
		}
		out = append(out, jsonFields(reflect.StructOf([]reflect.StructField{f}))...)
	}
	return out
}

// New alone serves the register only; the extras come with their services.
func TestNewWithExtrasRoutes(t *testing.T) {
	base := api.New(&estate.Service{}).Routes()
	if slices.Contains(base, "GET /api/v1/me") {
		t.Error("New registers the extras")
	}
	only := api.NewWithExtras(&estate.Service{}, api.Extras{}).Routes()
	if want := append(slices.Clone(base), "GET /api/v1/me"); !slices.Equal(only, want) {
		t.Errorf("without services: %v", only)
	}
	noImport := api.NewWithExtras(&estate.Service{}, api.Extras{Accounts: &account.Service{}, Audit: &audit.Service{}}).Routes()
	if slices.Contains(noImport, "POST /api/v1/import/{kind}") || !slices.Contains(noImport, "GET /api/v1/audit/verify") ||
		!slices.Contains(noImport, "POST /api/v1/invitations/redeem") {
		t.Errorf("without importer: %v", noImport)
	}
	var none *importer.Service
	if r := api.NewWithExtras(&estate.Service{}, api.Extras{Importer: none}).Routes(); !slices.Equal(r, only) {
		t.Errorf("with a nil importer: %v", r)
	}
}

// Every route but the document and redeeming an invitation needs an actor.
func TestExtrasNeedAnActor(t *testing.T) {
	e := &env{mux: http.NewServeMux(), doc: loadDoc(t)}
	a := api.NewWithExtras(&estate.Service{}, api.Extras{Accounts: &account.Service{}, Audit: &audit.Service{}, Importer: &importer.Service{}})
	a.Register(e.mux)
	public := []string{"GET /api/v1/openapi.json", "POST /api/v1/invitations/redeem"}
	for _, route := range a.Routes() {
		if slices.Contains(public, route) {
			continue
		}
		method, path, _ := strings.Cut(route, " ")
		target := strings.ReplaceAll(pathParam.ReplaceAllString(path, "1"), "/import/1", "/import/buildings")
		req := httptest.NewRequest(method, strings.ReplaceAll(target, "/export/1", "/export/buildings"), nil)
		e.sendRaw(t, nil, req).wantError(t, 401, "unauthorized")
	}
}

// ---------------------------------------------------------------------------
// Users, tokens, invitations and the ledger over HTTP, on real stores

// people are real accounts in the world, with their actors as the
// authentication layer would resolve them.
type people struct {
	acc                                   *account.Service
	admin, bureau, community, auditor     *huanxin.Actor
	adminU, bureauU, communityU, auditorU *account.User
}

// newExtrasEnv builds the world as newEnv does, mounts the API with every
// extra service (the importer included), and creates accounts: an admin, a bureau officer of
// district A, a community officer of community A and an auditor of
// district A.
func newExtrasEnv(t *testing.T, db *store.DB) (*env, *people) {
	t.Helper()
	e := &env{db: db, mux: http.NewServeMux(), doc: loadDoc(t)}
	var tick atomic.Int64
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return start.Add(time.Duration(tick.Add(1)) * time.Second) }
	e.w = mustWorld(t, db)
	reg := &estate.Service{Store: db}
	acc := &account.Service{Store: db, Register: reg, Keys: testdb.Keys(), Now: func() time.Time { return db.Now() }}
	imp := &importer.Service{DB: db, Register: reg}
	api.NewWithExtras(reg, api.Extras{Accounts: acc, Audit: &audit.Service{Store: db}, Importer: imp}).Register(e.mux)

	sys := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
	p := &people{acc: acc}
	mk := func(username string, role huanxin.Role, scopes ...account.ScopeRef) (*account.User, *huanxin.Actor) {
		t.Helper()
		u := &account.User{Username: username, Name: username, Role: role, Scopes: scopes}
		if err := acc.CreateUser(sys, u, "password-"+username); err != nil {
			t.Fatalf("create %s: %v", username, err)
		}
		a, err := db.Actor(context.Background(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return u, a
	}
	p.adminU, p.admin = mk("root", huanxin.RoleAdmin)
	p.bureauU, p.bureau = mk("wang", huanxin.RoleBureau, account.ScopeRef{JurisdictionID: e.w.distA.ID})
	p.communityU, p.community = mk("zhao", huanxin.RoleCommunity, account.ScopeRef{JurisdictionID: e.w.commA.ID})
	p.auditorU, p.auditor = mk("qian", huanxin.RoleAuditor, account.ScopeRef{JurisdictionID: e.w.distA.ID})
	return e, p
}

// sendRaw serves req as send does, for responses that need not be JSON
// (204, files): a JSON response is checked against its schema, another
// against the documented status and media type.
func (e *env) sendRaw(t *testing.T, actor *huanxin.Actor, req *http.Request) *result {
	t.Helper()
	if actor != nil {
		req = req.WithContext(huanxin.NewContextWithActor(req.Context(), actor))
	}
	_, pattern := e.mux.Handler(req)
	rec := httptest.NewRecorder()
	e.mux.ServeHTTP(rec, req)
	r := &result{pattern: pattern, status: rec.Code, header: rec.Header(), raw: rec.Body.Bytes()}
	ct := r.header.Get("Content-Type")
	if strings.HasPrefix(ct, "application/json") {
		if err := json.Unmarshal(r.raw, &r.body); err != nil {
			t.Fatalf("%s %s: %d, body is not a JSON object: %v: %s", req.Method, req.URL, r.status, err, r.raw)
		}
		e.checkDocumented(t, req, r)
		return r
	}
	method, path, _ := strings.Cut(pattern, " ")
	ref := e.doc.Paths.Value(path).GetOperation(method).Responses.Status(r.status)
	if ref == nil {
		t.Errorf("%s %s: status %d is not documented for %s", req.Method, req.URL, r.status, pattern)
	} else if mt, _, _ := mime.ParseMediaType(ct); len(r.raw) > 0 && ref.Value.Content.Get(mt) == nil {
		t.Errorf("%s %s: %d with Content-Type %q, not documented", req.Method, req.URL, r.status, ct)
	} else if len(r.raw) == 0 && len(ref.Value.Content) > 0 && r.status != 200 {
		t.Errorf("%s %s: %d without a body", req.Method, req.URL, r.status)
	}
	return r
}

// run runs scenarios in order, as TestRegisterHTTP does.
func (e *env) run(t *testing.T, scenarios []scenario) {
	t.Helper()
	for _, c := range scenarios {
		t.Run(c.name, func(t *testing.T) {
			var req *http.Request
			if c.body != "" {
				req = httptest.NewRequest(c.method, c.target, strings.NewReader(c.body))
				req.Header.Set("Content-Type", "application/json")
				if c.ctype != "" {
					req.Header.Set("Content-Type", c.ctype)
				}
			} else {
				req = httptest.NewRequest(c.method, c.target, nil)
			}
			r := e.sendRaw(t, c.actor, req)
			if c.code != "" {
				r.wantError(t, c.status, c.code, c.fields...)
			} else if r.status != c.status {
				t.Fatalf("status %d, want %d: %s", r.status, c.status, r.raw)
			}
			if c.status == 401 && r.header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
			if c.status < 300 && c.body != "" && c.ctype == "" {
				e.checkRequest(t, r.pattern, c.body)
			}
			if c.check != nil {
				c.check(t, r)
			}
		})
	}
}

func members(want map[string]any) func(t *testing.T, r *result) {
	return func(t *testing.T, r *result) {
		t.Helper()
		for k, v := range want {
			if got, ok := r.body[k]; v == nil && ok && got != nil || v != nil && !reflect.DeepEqual(got, v) {
				t.Errorf("%s = %#v, want %#v (%s)", k, got, v, r.raw)
			}
		}
	}
}

func usernames(want ...string) func(t *testing.T, r *result) {
	return func(t *testing.T, r *result) {
		t.Helper()
		var got []string
		for _, it := range r.items(t) {
			got = append(got, it["username"].(string))
			if _, ok := it["phone"]; ok {
				t.Errorf("phone shown: %v", it)
			}
		}
		if !slices.Equal(got, want) || num(r.body["total"]) != int64(len(want)) {
			t.Errorf("usernames %v (total %v), want %v", got, r.body["total"], want)
		}
	}
}

func TestUsersHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		e, p := newExtrasEnv(t, db)
		w := e.w
		committee := e.actor(huanxin.RoleCommittee, w.distA)
		var street int64 // the account created below
		streetURL := func() string { return "/api/v1/users/" + id(street) }
		scopeOf := func(j *estate.Jurisdiction) string { return `[{"jurisdiction_id": ` + id(j.ID) + `}]` }
		newUser := func(username, role, scopes string) string {
			return `{"username": "` + username + `", "name": "` + username + `", "role": "` + role + `", "scopes": ` + scopes + `, "password": "long-enough-1"}`
		}

		e.run(t, []scenario{
			// Create.
			{name: "create a street officer", actor: p.admin, method: "POST", target: "/api/v1/users",
				body:   `{"username": "li", "name": " 李主任 ", "role": "street", "phone": "139 0000 1111", "scopes": ` + scopeOf(w.streetA) + `, "password": "long-enough-1"}`,
				status: 201,
				check: func(t *testing.T, r *result) {
					members(map[string]any{"username": "li", "name": "李主任", "role": "street", "phone_masked": "139****1111",
						"disabled": false, "phone": nil})(t, r)
					street = num(r.body["id"])
					want := []any{map[string]any{"jurisdiction_id": float64(w.streetA.ID), "name": "清波街道"}}
					if !reflect.DeepEqual(r.body["scopes"], want) {
						t.Errorf("scopes = %v, want %v", r.body["scopes"], want)
					}
				}},
			{name: "create with invalid members", actor: p.admin, method: "POST", target: "/api/v1/users",
				body:   `{"username": "a b", "name": " ", "role": "street", "phone": "12345", "scopes": [], "password": "long-enough-1"}`,
				status: 400, code: "invalid", fields: []string{"username", "name", "phone", "scopes"}},
			{name: "create with a bad role", actor: p.admin, method: "POST", target: "/api/v1/users", body: newUser("x1", "king", scopeOf(w.commA)),
				status: 400, code: "invalid", fields: []string{"role"}},
			{name: "create with a short password", actor: p.admin, method: "POST", target: "/api/v1/users",
				body: `{"username": "x2", "name": "x", "role": "admin", "password": "short"}`, status: 400, code: "invalid", fields: []string{"password"}},
			{name: "create without a password", actor: p.admin, method: "POST", target: "/api/v1/users",
				body: `{"username": "x2", "name": "x", "role": "admin"}`, status: 400, code: "invalid", fields: []string{"password"}},
			{name: "create with unknown and mistyped members", actor: p.admin, method: "POST", target: "/api/v1/users",
				body:   `{"username": "x3", "name": "x", "role": "admin", "password": "long-enough-1", "colour": "red", "scopes": "all"}`,
				status: 400, code: "invalid", fields: []string{"colour", "scopes"}},
			{name: "create with a scope naming both", actor: p.admin, method: "POST", target: "/api/v1/users",
				body:   newUser("x4", "street", `[{"jurisdiction_id": `+id(w.streetA.ID)+`, "estate_id": `+id(w.estA.ID)+`}]`),
				status: 400, code: "invalid", fields: []string{"scopes"}},
			{name: "create with a scope naming neither", actor: p.admin, method: "POST", target: "/api/v1/users",
				body: newUser("x4", "street", `[{}]`), status: 400, code: "invalid", fields: []string{"scopes"}},
			{name: "create with a read-only scope member", actor: p.admin, method: "POST", target: "/api/v1/users",
				body: newUser("x4", "street", `[{"jurisdiction_id": 1, "name": "x"}]`), status: 400, code: "invalid", fields: []string{"scopes"}},
			{name: "create with a taken username", actor: p.admin, method: "POST", target: "/api/v1/users", body: newUser("li", "street", scopeOf(w.streetA)),
				status: 409, code: "conflict"},
			{name: "create as a form", actor: p.admin, method: "POST", target: "/api/v1/users", ctype: "text/plain",
				body: newUser("x5", "street", scopeOf(w.streetA)), status: 400, code: "invalid", fields: []string{"Content-Type"}},
			{name: "bureau creates a community officer", actor: p.bureau, method: "POST", target: "/api/v1/users",
				body: newUser("sun", "community", `[{"estate_id": `+id(w.estA.ID)+`}]`), status: 201,
				check: members(map[string]any{"username": "sun", "role": "community", "phone_masked": nil})},
			{name: "bureau may not create an admin", actor: p.bureau, method: "POST", target: "/api/v1/users",
				body: `{"username": "x6", "name": "x", "role": "admin", "password": "long-enough-1"}`, status: 403, code: "forbidden"},
			{name: "bureau may not bind outside its scope", actor: p.bureau, method: "POST", target: "/api/v1/users",
				body: newUser("x7", "community", scopeOf(w.commB)), status: 403, code: "forbidden"},
			{name: "community officer may not create accounts", actor: p.community, method: "POST", target: "/api/v1/users",
				body: newUser("x8", "committee", scopeOf(w.commA)), status: 403, code: "forbidden"},
		})
		if street == 0 {
			t.Fatal("no account created")
		}
		e.run(t, []scenario{
			// List.
			{name: "admin lists every account", actor: p.admin, method: "GET", target: "/api/v1/users", status: 200,
				check: usernames("root", "wang", "zhao", "qian", "li", "sun")},
			{name: "bureau lists its scope", actor: p.bureau, method: "GET", target: "/api/v1/users", status: 200,
				check: usernames("wang", "zhao", "qian", "li", "sun")},
			{name: "auditor may list", actor: p.auditor, method: "GET", target: "/api/v1/users?role=community", status: 200,
				check: usernames("zhao", "sun")},
			{name: "search and page", actor: p.admin, method: "GET", target: "/api/v1/users?q=%E6%9D%8E&per_page=1", status: 200,
				check: usernames("li")},
			{name: "page 2", actor: p.admin, method: "GET", target: "/api/v1/users?per_page=4&page=2", status: 200,
				check: func(t *testing.T, r *result) {
					if n := len(r.items(t)); n != 2 || num(r.body["total"]) != 6 || num(r.body["page"]) != 2 {
						t.Errorf("page 2: %s", r.raw)
					}
				}},
			{name: "list with bad parameters", actor: p.admin, method: "GET", target: "/api/v1/users?role=king&per_page=0&colour=red",
				status: 400, code: "invalid", fields: []string{"colour", "per_page", "role"}},
			{name: "community officer may not list", actor: p.community, method: "GET", target: "/api/v1/users", status: 403, code: "forbidden"},
			{name: "list without actor", method: "GET", target: "/api/v1/users", status: 401, code: "unauthorized"},

			// Update.
			{name: "rename", actor: p.admin, method: "PATCH", target: streetURL(), body: `{"name": "李街道"}`, status: 200,
				check: func(t *testing.T, r *result) {
					members(map[string]any{"name": "李街道", "username": "li", "role": "street", "phone_masked": "139****1111", "disabled": false})(t, r)
					if sc := r.body["scopes"].([]any); len(sc) != 1 || num(sc[0].(map[string]any)["jurisdiction_id"]) != w.streetA.ID {
						t.Errorf("scopes changed: %v", sc)
					}
				}},
			{name: "rebind to an estate", actor: p.bureau, method: "PATCH", target: streetURL(), body: `{"scopes": [{"estate_id": ` + id(w.estA.ID) + `}], "phone": "13900002222"}`,
				status: 200, check: func(t *testing.T, r *result) {
					members(map[string]any{"name": "李街道", "phone_masked": "139****2222"})(t, r)
					want := []any{map[string]any{"estate_id": float64(w.estA.ID), "name": "纺织新村电梯房"}}
					if !reflect.DeepEqual(r.body["scopes"], want) {
						t.Errorf("scopes = %v, want %v", r.body["scopes"], want)
					}
				}},
			{name: "patch with invalid members", actor: p.admin, method: "PATCH", target: streetURL(), body: `{"name": "", "phone": "1"}`,
				status: 400, code: "invalid", fields: []string{"name", "phone"}},
			{name: "patch the username", actor: p.admin, method: "PATCH", target: streetURL(), body: `{"username": "lee"}`,
				status: 400, code: "invalid", fields: []string{"username"}},
			{name: "patch to no scopes", actor: p.admin, method: "PATCH", target: streetURL(), body: `{"scopes": []}`,
				status: 400, code: "invalid", fields: []string{"scopes"}},
			{name: "failed patches change nothing", actor: p.admin, method: "GET", target: "/api/v1/users?q=li", status: 200,
				check: func(t *testing.T, r *result) {
					if it := r.items(t); len(it) != 1 || it[0]["name"] != "李街道" || len(it[0]["scopes"].([]any)) != 1 {
						t.Errorf("after failed patches: %s", r.raw)
					}
				}},
			{name: "bureau may not promote to bureau", actor: p.bureau, method: "PATCH", target: streetURL(), body: `{"role": "bureau"}`,
				status: 403, code: "forbidden"},
			{name: "bureau may not change an admin", actor: p.bureau, method: "PATCH", target: "/api/v1/users/" + id(p.adminU.ID), body: `{"name": "x"}`,
				status: 404, code: "not_found"},
			{name: "community officer may not patch", actor: p.community, method: "PATCH", target: streetURL(), body: `{"name": "x"}`,
				status: 403, code: "forbidden"},
			{name: "patch a missing account", actor: p.admin, method: "PATCH", target: "/api/v1/users/99999", body: `{"name": "x"}`,
				status: 404, code: "not_found"},
			{name: "patch a bad id", actor: p.admin, method: "PATCH", target: "/api/v1/users/x", body: `{"name": "x"}`,
				status: 400, code: "invalid", fields: []string{"id"}},

			// Passwords.
			{name: "set another's password", actor: p.admin, method: "POST", target: streetURL() + "/password", body: `{"password": "new-password-1"}`,
				status: 204, check: func(t *testing.T, r *result) {
					if _, _, err := p.acc.SignIn(context.Background(), "li", "new-password-1", "10.0.0.1"); err != nil {
						t.Errorf("sign in with the new password: %v", err)
					}
				}},
			{name: "set one's own password", actor: p.community, method: "POST", target: "/api/v1/users/" + id(p.communityU.ID) + "/password",
				body: `{"password": "zhao-new-pass"}`, status: 204},
			{name: "set a short password", actor: p.admin, method: "POST", target: streetURL() + "/password", body: `{"password": "short"}`,
				status: 400, code: "invalid", fields: []string{"password"}},
			{name: "set another's password as a community officer", actor: p.community, method: "POST", target: streetURL() + "/password",
				body: `{"password": "new-password-2"}`, status: 403, code: "forbidden"},
			{name: "set a password with a read-only token", actor: readOnly(p.community), method: "POST", target: "/api/v1/users/" + id(p.communityU.ID) + "/password",
				body: `{"password": "zhao-new-pass2"}`, status: 403, code: "forbidden"},

			// Disable.
			{name: "disable", actor: p.admin, method: "PATCH", target: streetURL(), body: `{"disabled": true}`, status: 200,
				check: func(t *testing.T, r *result) {
					members(map[string]any{"disabled": true, "name": "李街道"})(t, r)
					if _, _, err := p.acc.SignIn(context.Background(), "li", "new-password-1", "10.0.0.1"); huanxin.ErrorCode(err) != huanxin.EUNAUTHORIZED {
						t.Errorf("a disabled account signed in: %v", err)
					}
				}},

			// Committee members manage nobody.
			{name: "committee member may not create", actor: committee, method: "POST", target: "/api/v1/users",
				body: newUser("x9", "resident", "[]"), status: 403, code: "forbidden"},
		})
	})
}

func readOnly(a *huanxin.Actor) *huanxin.Actor {
	ro := *a
	ro.TokenID, ro.ReadOnly = 99, true
	return &ro
}

func TestMeHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		e, p := newExtrasEnv(t, db)
		assisting := *p.community
		assisting.OnBehalfOf = e.w.ownA.ID
		e.run(t, []scenario{
			{name: "admin", actor: p.admin, method: "GET", target: "/api/v1/me", status: 200,
				check: members(map[string]any{"user_id": float64(p.adminU.ID), "name": "root", "role": "admin", "read_only": false, "token": false,
					"on_behalf_of": nil, "scope": map[string]any{"all": true, "paths": []any{}, "estate_ids": []any{}, "part_ids": []any{}}})},
			{name: "community officer", actor: p.community, method: "GET", target: "/api/v1/me", status: 200,
				check: members(map[string]any{"user_id": float64(p.communityU.ID), "role": "community",
					"scope": map[string]any{"all": false, "paths": []any{e.w.commA.Path}, "estate_ids": []any{}, "part_ids": []any{}}})},
			{name: "assisting an owner", actor: &assisting, method: "GET", target: "/api/v1/me", status: 200,
				check: members(map[string]any{"on_behalf_of": float64(e.w.ownA.ID)})},
			{name: "read-only token", actor: readOnly(p.bureau), method: "GET", target: "/api/v1/me", status: 200,
				check: members(map[string]any{"read_only": true, "token": true, "role": "bureau"})},
			{name: "resident without holdings sees no parts", actor: &huanxin.Actor{UserID: 7, Name: "x", Role: huanxin.RoleResident,
				Scope: huanxin.Scope{PartIDs: []int64{-1}}}, method: "GET", target: "/api/v1/me", status: 200,
				check: members(map[string]any{"scope": map[string]any{"all": false, "paths": []any{}, "estate_ids": []any{}, "part_ids": []any{}}})},
			{name: "anonymous", method: "GET", target: "/api/v1/me", status: 401, code: "unauthorized"},
		})
	})
}

func TestTokensHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		e, p := newExtrasEnv(t, db)
		ctx := context.Background()
		var raw string
		var tokenID int64
		var tokenActor *huanxin.Actor
		e.run(t, []scenario{
			{name: "create", actor: p.bureau, method: "POST", target: "/api/v1/tokens", body: `{"name": "报表", "read_only": true, "days": 30}`, status: 201,
				check: func(t *testing.T, r *result) {
					members(map[string]any{"name": "报表", "read_only": true, "revoked": nil, "last_used": nil})(t, r)
					raw, tokenID = r.body["token"].(string), num(r.body["id"])
					created, _ := time.Parse(time.RFC3339, r.body["created"].(string))
					expires, _ := time.Parse(time.RFC3339, r.body["expires"].(string))
					if d := expires.Sub(created) - 30*24*time.Hour; d < 0 || d > 2*time.Second {
						t.Errorf("lifetime 30 days %+v", d)
					}
					var err error
					if tokenActor, err = p.acc.TokenActor(ctx, raw); err != nil || tokenActor.UserID != p.bureauU.ID || !tokenActor.ReadOnly {
						t.Fatalf("the token does not authenticate: %+v %v", tokenActor, err)
					}
				}},
			{name: "create with the default lifetime", actor: p.bureau, method: "POST", target: "/api/v1/tokens", body: `{"name": "同步"}`, status: 201,
				check: func(t *testing.T, r *result) {
					created, _ := time.Parse(time.RFC3339, r.body["created"].(string))
					expires, _ := time.Parse(time.RFC3339, r.body["expires"].(string))
					if d := expires.Sub(created) - api.DefaultTokenDays*24*time.Hour; d < 0 || d > 2*time.Second || r.body["read_only"] != false {
						t.Errorf("lifetime %d days %+v: %s", api.DefaultTokenDays, d, r.raw)
					}
				}},
			{name: "create without a name", actor: p.bureau, method: "POST", target: "/api/v1/tokens", body: `{"name": " "}`,
				status: 400, code: "invalid", fields: []string{"name"}},
			{name: "create with bad days", actor: p.bureau, method: "POST", target: "/api/v1/tokens", body: `{"name": "x", "days": 400}`,
				status: 400, code: "invalid", fields: []string{"days"}},
			{name: "create with mistyped members", actor: p.bureau, method: "POST", target: "/api/v1/tokens", body: `{"name": "x", "read_only": "yes", "days": "7"}`,
				status: 400, code: "invalid", fields: []string{"days", "read_only"}},
			{name: "list", actor: p.bureau, method: "GET", target: "/api/v1/tokens", status: 200,
				check: func(t *testing.T, r *result) {
					its := r.items(t)
					if len(its) != 2 || its[0]["name"] != "同步" || its[1]["name"] != "报表" || num(r.body["total"]) != 2 {
						t.Fatalf("tokens = %s", r.raw)
					}
					if strings.Contains(string(r.raw), raw) || its[1]["token"] != nil {
						t.Error("the token is shown again")
					}
				}},
			{name: "list page 2", actor: p.bureau, method: "GET", target: "/api/v1/tokens?per_page=1&page=2", status: 200,
				check: func(t *testing.T, r *result) {
					if its := r.items(t); len(its) != 1 || its[0]["name"] != "报表" || num(r.body["total"]) != 2 {
						t.Errorf("page 2 = %s", r.raw)
					}
				}},
			{name: "others' tokens are not listed", actor: p.admin, method: "GET", target: "/api/v1/tokens", status: 200,
				check: func(t *testing.T, r *result) {
					if len(r.items(t)) != 0 {
						t.Errorf("admin sees %s", r.raw)
					}
				}},
			{name: "list with a bad parameter", actor: p.bureau, method: "GET", target: "/api/v1/tokens?page=x", status: 400, code: "invalid", fields: []string{"page"}},
		})
		if tokenActor == nil {
			t.Fatal("no token created")
		}
		e.run(t, []scenario{
			{name: "a token may not create tokens", actor: tokenActor, method: "POST", target: "/api/v1/tokens", body: `{"name": "再来一个"}`,
				status: 403, code: "forbidden"},
			{name: "a full token may not either", actor: func() *huanxin.Actor { a := *tokenActor; a.ReadOnly = false; return &a }(),
				method: "POST", target: "/api/v1/tokens", body: `{"name": "再来一个"}`, status: 403, code: "forbidden"},
			{name: "the token's /me", actor: tokenActor, method: "GET", target: "/api/v1/me", status: 200,
				check: members(map[string]any{"token": true, "read_only": true, "user_id": float64(p.bureauU.ID)})},
			{name: "a read-only token may not revoke", actor: tokenActor, method: "DELETE", target: "/api/v1/tokens/" + id(tokenID),
				status: 403, code: "forbidden"},
			{name: "another user may not revoke it", actor: p.admin, method: "DELETE", target: "/api/v1/tokens/" + id(tokenID),
				status: 404, code: "not_found"},
			{name: "revoke", actor: p.bureau, method: "DELETE", target: "/api/v1/tokens/" + id(tokenID), status: 204,
				check: func(t *testing.T, r *result) {
					if len(r.raw) != 0 {
						t.Errorf("body %q", r.raw)
					}
					if _, err := p.acc.TokenActor(ctx, raw); huanxin.ErrorCode(err) != huanxin.EUNAUTHORIZED {
						t.Errorf("revoked token still works: %v", err)
					}
				}},
			{name: "revoke again", actor: p.bureau, method: "DELETE", target: "/api/v1/tokens/" + id(tokenID), status: 404, code: "not_found"},
			{name: "revoke a bad id", actor: p.bureau, method: "DELETE", target: "/api/v1/tokens/0", status: 400, code: "invalid", fields: []string{"id"}},
			{name: "the revoked token is listed as revoked", actor: p.bureau, method: "GET", target: "/api/v1/tokens", status: 200,
				check: func(t *testing.T, r *result) {
					if its := r.items(t); its[1]["revoked"] == nil || its[0]["revoked"] != nil {
						t.Errorf("tokens = %s", r.raw)
					}
				}},
			{name: "create without actor", method: "POST", target: "/api/v1/tokens", body: `{"name": "x"}`, status: 401, code: "unauthorized"},
		})
	})
}

func TestInvitationsHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		e, p := newExtrasEnv(t, db)
		w := e.w
		code := regexp.MustCompile(`^[0-9]{4}-[0-9]{4}-[0-9]{4}$`)
		var first, second string
		invite := "/api/v1/owners/" + id(w.ownA.ID) + "/invitations"
		var resident int64
		e.run(t, []scenario{
			{name: "community officer invites an owner in scope", actor: p.community, method: "POST", target: invite, status: 201,
				check: func(t *testing.T, r *result) {
					first = r.body["code"].(string)
					expires, _ := time.Parse(time.RFC3339, r.body["expires"].(string))
					if !code.MatchString(first) || num(r.body["owner_id"]) != w.ownA.ID || expires.Before(time.Date(2026, 4, 29, 0, 0, 0, 0, time.UTC)) {
						t.Errorf("invitation = %s", r.raw)
					}
				}},
			{name: "with an empty JSON body", actor: p.community, method: "POST", target: invite, body: `{}`, status: 201,
				check: func(t *testing.T, r *result) {
					if second = r.body["code"].(string); second == first {
						t.Error("the same code twice")
					}
				}},
			{name: "with members", actor: p.community, method: "POST", target: invite, body: `{"days": 3}`, status: 400, code: "invalid", fields: []string{"days"}},
			{name: "as a form", actor: p.community, method: "POST", target: invite, body: `days=3`, ctype: "application/x-www-form-urlencoded",
				status: 400, code: "invalid", fields: []string{"Content-Type"}},
			{name: "an owner out of scope", actor: p.community, method: "POST", target: "/api/v1/owners/" + id(w.ownB.ID) + "/invitations",
				status: 404, code: "not_found"},
			{name: "a missing owner", actor: p.admin, method: "POST", target: "/api/v1/owners/99999/invitations", status: 404, code: "not_found"},
			{name: "a committee member may not invite", actor: e.actor(huanxin.RoleCommittee, w.distA), method: "POST", target: invite,
				status: 403, code: "forbidden"},
			{name: "an auditor may not invite", actor: p.auditor, method: "POST", target: invite, status: 403, code: "forbidden"},
			{name: "a read-only token may not invite", actor: readOnly(p.community), method: "POST", target: invite, status: 403, code: "forbidden"},
			{name: "without actor", method: "POST", target: invite, status: 401, code: "unauthorized"},
		})
		e.run(t, []scenario{
			{name: "redeem anonymously", method: "POST", target: "/api/v1/invitations/redeem",
				body:   `{"code": "` + strings.ReplaceAll(first, "-", " ") + `", "username": "li-nainai", "phone": "13700001234", "password": "li-password"}`,
				status: 201,
				check: func(t *testing.T, r *result) {
					members(map[string]any{"username": "li-nainai", "name": "业主E1", "role": "resident", "owner_id": float64(w.ownA.ID),
						"phone_masked": "137****1234", "phone": nil, "disabled": false})(t, r)
					resident = num(r.body["id"])
				}},
			{name: "redeem the same code again", method: "POST", target: "/api/v1/invitations/redeem",
				body: `{"code": "` + first + `", "username": "li-2", "password": "li-password"}`, status: 400, code: "invalid"},
			{name: "redeem a wrong code", method: "POST", target: "/api/v1/invitations/redeem",
				body: `{"code": "0000-0000-0000", "username": "li-3", "password": "li-password"}`, status: 400, code: "invalid"},
			{name: "redeem with bad members", method: "POST", target: "/api/v1/invitations/redeem",
				body: `{"code": "` + second + `", "username": "li 4", "phone": "123", "password": "short"}`, status: 400, code: "invalid",
				fields: []string{"username", "phone", "password"}},
			{name: "redeem with a taken username", method: "POST", target: "/api/v1/invitations/redeem",
				body: `{"code": "` + second + `", "username": "zhao", "password": "li-password"}`, status: 409, code: "conflict"},
			{name: "redeem with an unknown member", method: "POST", target: "/api/v1/invitations/redeem",
				body: `{"code": "` + second + `", "username": "li-5", "password": "li-password", "role": "admin"}`, status: 400, code: "invalid",
				fields: []string{"role"}},
			{name: "the second code still works", method: "POST", target: "/api/v1/invitations/redeem",
				body: `{"code": "` + second + `", "username": "li-6", "password": "li-password"}`, status: 201},
		})
		// The new resident sees their own part.
		a, err := db.Actor(context.Background(), resident)
		if err != nil {
			t.Fatal(err)
		}
		e.run(t, []scenario{
			{name: "the resident's /me", actor: a, method: "GET", target: "/api/v1/me", status: 200,
				check: members(map[string]any{"role": "resident", "user_id": float64(resident),
					"scope": map[string]any{"all": false, "paths": []any{}, "estate_ids": []any{}, "part_ids": []any{float64(w.partA.ID)}}})},
		})
	})
}

func TestAuditHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		e, p := newExtrasEnv(t, db)
		w := e.w
		// A change in city A's chain, by the bureau officer.
		e.do(t, p.bureau, "PATCH", "/api/v1/estates/"+id(w.estA.ID), `{"notes": "已摸底"}`)
		all := func(t *testing.T, r *result, pred func(map[string]any) bool) {
			t.Helper()
			its := r.items(t)
			if len(its) == 0 {
				t.Fatalf("no entries: %s", r.raw)
			}
			for _, it := range its {
				if !pred(it) {
					t.Errorf("entry %v does not match", it)
				}
			}
		}
		var total int64
		e.run(t, []scenario{
			{name: "admin lists the ledger", actor: p.admin, method: "GET", target: "/api/v1/audit?per_page=1000", status: 200,
				check: func(t *testing.T, r *result) {
					total = num(r.body["total"])
					its := r.items(t)
					if int64(len(its)) != total || total < 20 {
						t.Fatalf("%d entries, total %d", len(its), total)
					}
					if its[0]["action"] != "update" || its[0]["entity"] != "estate" || num(its[0]["actor_id"]) != p.bureauU.ID {
						t.Errorf("newest entry = %v", its[0])
					}
					cities := map[int64]bool{}
					for _, it := range its {
						cities[num(it["city_id"])] = true
					}
					if !cities[0] || !cities[w.city.ID] {
						t.Errorf("chains %v", cities)
					}
				}},
			{name: "filter by action and entity", actor: p.admin, method: "GET", target: "/api/v1/audit?action=create&entity=user", status: 200,
				check: func(t *testing.T, r *result) {
					all(t, r, func(it map[string]any) bool { return it["action"] == "create" && it["entity"] == "user" })
					if num(r.body["total"]) != 4 {
						t.Errorf("%v accounts created", r.body["total"])
					}
				}},
			{name: "filter by entity id and actor", actor: p.admin, method: "GET",
				target: "/api/v1/audit?entity=estate&entity_id=" + id(w.estA.ID) + "&actor_id=" + id(p.bureauU.ID), status: 200,
				check: func(t *testing.T, r *result) {
					all(t, r, func(it map[string]any) bool { return it["action"] == "update" && num(it["entity_id"]) == w.estA.ID })
				}},
			{name: "the system's entries", actor: p.admin, method: "GET", target: "/api/v1/audit?actor_id=0&entity=jurisdiction", status: 200,
				check: func(t *testing.T, r *result) {
					all(t, r, func(it map[string]any) bool { return num(it["actor_id"]) == 0 && it["actor_name"] == "system" })
				}},
			{name: "a day in Shanghai", actor: p.admin, method: "GET", target: "/api/v1/audit?from=2026-03-01&to=2026-03-01&per_page=1", status: 200,
				check: func(t *testing.T, r *result) {
					if num(r.body["total"]) != total {
						t.Errorf("total %v, want %d", r.body["total"], total)
					}
				}},
			{name: "the day before", actor: p.admin, method: "GET", target: "/api/v1/audit?to=2026-02-28", status: 200,
				check: func(t *testing.T, r *result) {
					if num(r.body["total"]) != 0 {
						t.Errorf("total %v", r.body["total"])
					}
				}},
			{name: "from an instant with an offset", actor: p.admin, method: "GET", target: "/api/v1/audit?from=2026-03-01T16:00:10%2B08:00", status: 200,
				check: func(t *testing.T, r *result) {
					all(t, r, func(it map[string]any) bool {
						at, _ := time.Parse(time.RFC3339, it["at"].(string))
						return !at.Before(time.Date(2026, 3, 1, 8, 0, 10, 0, time.UTC))
					})
					if n := num(r.body["total"]); n == 0 || n >= total {
						t.Errorf("total %d of %d", n, total)
					}
				}},
			{name: "an unescaped plus", actor: p.admin, method: "GET", target: "/api/v1/audit?from=2026-03-01T16:00:10+08:00", status: 200},
			{name: "before an instant", actor: p.admin, method: "GET", target: "/api/v1/audit?to=2026-03-01T08:00:10Z", status: 200,
				check: func(t *testing.T, r *result) {
					all(t, r, func(it map[string]any) bool {
						at, _ := time.Parse(time.RFC3339, it["at"].(string))
						return at.Before(time.Date(2026, 3, 1, 8, 0, 10, 0, time.UTC))
					})
				}},
			{name: "bad parameters", actor: p.admin, method: "GET", target: "/api/v1/audit?from=yesterday&entity_id=-1&actor_id=x&city=1",
				status: 400, code: "invalid", fields: []string{"city", "entity_id", "actor_id", "from"}},
			{name: "to before from", actor: p.admin, method: "GET", target: "/api/v1/audit?from=2026-03-02&to=2026-03-01",
				status: 400, code: "invalid", fields: []string{"to"}},
			{name: "an auditor sees the chains of their cities", actor: p.auditor, method: "GET", target: "/api/v1/audit?per_page=1000", status: 200,
				check: func(t *testing.T, r *result) {
					all(t, r, func(it map[string]any) bool { return num(it["city_id"]) == w.city.ID })
				}},
			{name: "a community officer may not", actor: p.community, method: "GET", target: "/api/v1/audit", status: 403, code: "forbidden"},
			{name: "without actor", method: "GET", target: "/api/v1/audit", status: 401, code: "unauthorized"},

			{name: "verify", actor: p.admin, method: "GET", target: "/api/v1/audit/verify", status: 200,
				check: func(t *testing.T, r *result) {
					// The listing above is not in the ledger; the count is that of the list.
					members(map[string]any{"intact": true, "break": nil, "checked": float64(total)})(t, r)
				}},
			{name: "an auditor may verify", actor: p.auditor, method: "GET", target: "/api/v1/audit/verify", status: 200,
				check: members(map[string]any{"intact": true})},
			{name: "a community officer may not verify", actor: p.community, method: "GET", target: "/api/v1/audit/verify", status: 403, code: "forbidden"},
		})
	})
}

// A broken chain is reported where it breaks, to those who may read it.
func TestAuditVerifyBreak(t *testing.T) {
	e := &env{mux: http.NewServeMux(), doc: loadDoc(t)}
	st := &brokenLedger{b: &audit.Break{CityID: 7, Seq: 42, Reason: "内容被改动 entry content does not match its hash"}, n: 41}
	cities := []int64{8}
	aud := &audit.Service{Store: st, Cities: func(context.Context) ([]int64, error) { return cities, nil }}
	api.NewWithExtras(&estate.Service{}, api.Extras{Audit: aud}).Register(e.mux)
	auditor := &huanxin.Actor{UserID: 5, Name: "qian", Role: huanxin.RoleAuditor, Scope: huanxin.Scope{Paths: []string{"/1/"}}}
	admin := &huanxin.Actor{UserID: 1, Name: "root", Role: huanxin.RoleAdmin, Scope: huanxin.Scope{All: true}}
	want := func(city, seq any) func(t *testing.T, r *result) {
		return members(map[string]any{"intact": false, "checked": 41.0,
			"break": map[string]any{"city_id": city, "seq": seq, "reason": st.b.Reason}})
	}
	e.run(t, []scenario{
		{name: "admin", actor: admin, method: "GET", target: "/api/v1/audit/verify", status: 200, check: want(7.0, 42.0)},
		{name: "auditor of another city", actor: auditor, method: "GET", target: "/api/v1/audit/verify", status: 200, check: want(nil, nil)},
	})
	cities = []int64{8, 7}
	e.run(t, []scenario{
		{name: "auditor of the city", actor: auditor, method: "GET", target: "/api/v1/audit/verify", status: 200, check: want(7.0, 42.0)},
	})
	st.err = errors.New("disk on fire")
	var logged bytes.Buffer
	restore := captureLog(&logged)
	e.run(t, []scenario{
		{name: "a failing store", actor: admin, method: "GET", target: "/api/v1/audit/verify", status: 500, code: "internal"},
	})
	restore()
}

type brokenLedger struct {
	b   *audit.Break
	n   int64
	err error
}

func (l *brokenLedger) FindAudit(context.Context, audit.Filter, []int64) ([]*audit.Entry, int, error) {
	return nil, 0, nil
}

func (l *brokenLedger) VerifyAudit(context.Context) (*audit.Break, int64, error) {
	if l.err != nil {
		return nil, 0, l.err
	}
	return l.b, l.n, nil
}

// ---------------------------------------------------------------------------
// Import and export

func TestImportExportHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		e, p := newExtrasEnv(t, db)
		w := e.w
		upload := func(actor *huanxin.Actor, target, ctype, body string) *result {
			t.Helper()
			req := httptest.NewRequest("POST", target, strings.NewReader(body))
			if ctype != "" {
				req.Header.Set("Content-Type", ctype)
			}
			return e.sendRaw(t, actor, req)
		}
		buildings := func() []string {
			t.Helper()
			var nos []string
			for _, it := range e.do(t, p.admin, "GET", "/api/v1/buildings?estate_id="+id(w.estA.ID), "").items(t) {
				nos = append(nos, it["no"].(string))
			}
			return nos
		}
		const header = "小区编码,楼栋号,层数,建成年份\n"

		// One bad cell: a 400 naming its sheet, row and column, and nothing
		// written, not even the good row.
		r := upload(p.bureau, "/api/v1/import/buildings?filename=%E6%A5%BC%E6%A0%8B.csv", "text/csv; charset=utf-8",
			header+"E1,7,6,1986\nE1,8,六层,1986\n")
		r.wantError(t, 400, "invalid", "层数")
		var body api.ErrorBody
		json.Unmarshal(r.raw, &body)
		if f := body.Error.Fields; len(f) != 1 || f[0].Row != 3 || f[0].Column != "C" || f[0].Sheet == "" {
			t.Errorf("fields = %+v", f)
		}
		if nos := buildings(); !slices.Equal(nos, []string{"1"}) {
			t.Errorf("a bad file wrote buildings: %v", nos)
		}

		// A valid file.
		r = upload(p.bureau, "/api/v1/import/buildings?filename=%E6%A5%BC%E6%A0%8B.csv", "text/csv", header+"E1,7,6,1986\nE1,8,5,\n")
		if r.status != 200 {
			t.Fatalf("import: %d %s", r.status, r.raw)
		}
		members(map[string]any{"kind": "buildings", "file": "楼栋.csv", "rows": 2.0,
			"counts": map[string]any{"building": map[string]any{"created": 2.0, "updated": 0.0, "unchanged": 0.0}}})(t, r)
		if nos := buildings(); !slices.Equal(nos, []string{"1", "7", "8"}) {
			t.Errorf("buildings %v", nos)
		}
		// Again, without a file name: the same records, unchanged.
		r = upload(p.bureau, "/api/v1/import/buildings", "text/csv", header+"E1,7,6,1986\nE1,8,5,\n")
		members(map[string]any{"file": "upload-buildings.csv",
			"counts": map[string]any{"building": map[string]any{"created": 0.0, "updated": 0.0, "unchanged": 2.0}}})(t, r)
		// A file name without an extension gets one; a path is dropped.
		r = upload(p.bureau, "/api/v1/import/buildings?filename=..%2F..%2Fnotes", "text/csv", header+"E1,7,6,1986\n")
		members(map[string]any{"file": "notes.csv"})(t, r)
		// The importer works as the caller: out of scope, or not an editor, is refused.
		upload(p.community, "/api/v1/import/buildings", "text/csv", header+"E2,9,6,1986\n").wantError(t, 400, "invalid", "小区编码")
		upload(p.auditor, "/api/v1/import/buildings", "text/csv", header+"E1,9,6,1986\n").wantError(t, 403, "forbidden")
		upload(readOnly(p.bureau), "/api/v1/import/buildings", "text/csv", header+"E1,9,6,1986\n").wantError(t, 403, "forbidden")
		if nos := buildings(); !slices.Equal(nos, []string{"1", "7", "8"}) {
			t.Errorf("refused imports wrote buildings: %v", nos)
		}

		// Refused before the importer sees the file.
		upload(p.bureau, "/api/v1/import/buildings", "application/json", `{"a": 1}`).wantError(t, 400, "invalid", "Content-Type")
		upload(p.bureau, "/api/v1/import/buildings", "", "a,b").wantError(t, 400, "invalid", "Content-Type")
		upload(p.bureau, "/api/v1/import/buildings?filename=b.xlsx", "text/csv", "a,b").wantError(t, 400, "invalid", "filename")
		upload(p.bureau, "/api/v1/import/buildings?filename=a&filename=b&sheet=1", "text/csv", "a,b").wantError(t, 400, "invalid", "filename", "sheet")
		upload(p.bureau, "/api/v1/import/planets", "text/csv", "a,b").wantError(t, 404, "not_found")
		upload(nil, "/api/v1/import/buildings", "text/csv", "a,b").wantError(t, 401, "unauthorized")
		// A csv declared as xlsx is not a workbook.
		upload(p.bureau, "/api/v1/import/buildings", api.MediaXLSX, header+"E1,7,6,1986\n").wantError(t, 400, "invalid")

		// Export: an xlsx workbook of the caller's scope, which imports again.
		get := func(actor *huanxin.Actor, target string) *result {
			t.Helper()
			return e.sendRaw(t, actor, httptest.NewRequest("GET", target, nil))
		}
		r = get(p.bureau, "/api/v1/export/buildings")
		if r.status != 200 || !bytes.HasPrefix(r.raw, []byte("PK\x03\x04")) {
			t.Fatalf("export: %d %q", r.status, r.raw[:min(len(r.raw), 200)])
		}
		if ct, cd := r.header.Get("Content-Type"), r.header.Get("Content-Disposition"); ct != api.MediaXLSX || cd != `attachment; filename="huanxin-buildings.xlsx"` {
			t.Errorf("headers %q %q", ct, cd)
		}
		xlsx := r.raw
		req := httptest.NewRequest("POST", "/api/v1/import/buildings?filename=again.xlsx", bytes.NewReader(xlsx))
		req.Header.Set("Content-Type", api.MediaXLSX)
		r = e.sendRaw(t, p.bureau, req)
		members(map[string]any{"rows": 3.0, "counts": map[string]any{"building": map[string]any{"created": 0.0, "updated": 0.0, "unchanged": 3.0}}})(t, r)

		// csv, filtered.
		r = get(p.admin, "/api/v1/export/estates?format=csv&status=candidate&year_to=1989")
		text := strings.TrimPrefix(string(r.raw), "\ufeff")
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") ||
			r.header.Get("Content-Disposition") != `attachment; filename="huanxin-estates.csv"` ||
			!strings.HasPrefix(text, "小区编码,") || !strings.Contains(text, "E1,") || strings.Contains(text, "E2,") {
			t.Errorf("csv export: %d %v\n%s", r.status, r.header, text)
		}
		r = get(p.admin, "/api/v1/export/estates?format=csv&estate_id="+id(w.estB.ID))
		if text := string(r.raw); !strings.Contains(text, "E2,") || strings.Contains(text, "E1,") {
			t.Errorf("export of one estate:\n%s", text)
		}
		r = get(p.admin, "/api/v1/export/buildings?format=csv&jurisdiction_id="+id(w.distB.ID))
		if text := string(r.raw); !strings.Contains(text, "E2,1") || strings.Contains(text, "E1,") {
			t.Errorf("export of district B's buildings:\n%s", text)
		}
		// Out of scope: the estates of district B are not the bureau's.
		r = get(p.bureau, "/api/v1/export/estates?format=csv")
		if text := string(r.raw); !strings.Contains(text, "E1,") || strings.Contains(text, "E2,") {
			t.Errorf("bureau's export:\n%s", text)
		}
		// An error found before the file is under way is an ordinary error
		// response, even after the csv header was written.
		r = get(p.bureau, "/api/v1/export/buildings?format=csv&estate_id="+id(w.estB.ID))
		r.wantError(t, 404, "not_found")
		if r.header.Get("Content-Disposition") != "" {
			t.Error("an error with Content-Disposition")
		}
		get(e.actor(huanxin.RoleContractor, w.distA), "/api/v1/export/owners").wantError(t, 403, "forbidden")

		get(p.bureau, "/api/v1/export/estates?format=pdf&year_from=2000&year_to=1990&estate_id=x").wantError(t, 400, "invalid", "estate_id", "year_to", "format")
		get(p.bureau, "/api/v1/export/estates?page=2").wantError(t, 400, "invalid", "page")
		get(p.bureau, "/api/v1/export/planets").wantError(t, 404, "not_found")
		get(nil, "/api/v1/export/estates").wantError(t, 401, "unauthorized")
	})
}
