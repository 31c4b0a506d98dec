// Package api is Huanxin's JSON API under /api/v1: the estate register
// (jurisdictions, estates, buildings, stairwells, parts, owners, ownerships,
// residents) and its OpenAPI document.
//
// Authentication is done by the layer in front: it puts a *huanxin.Actor in
// the request context (huanxin.NewContextWithActor) from a personal access
// token ("Authorization: Bearer …") or a web session cookie. Handlers answer
// 401 when there is none. What an actor may see and change is decided by
// the estate service, never here.
//
// Every error, from any handler, has one shape (see WriteError):
//
//	{"error": {"code": "invalid", "message": "…", "fields": [{"field": "name", "message": "…"}]}}
//
// # Adding routes
//
// Handlers written elsewhere (users, tokens, audit, import, export) are
// added with API.Handle so that they appear in Routes; the test fails
// until each route is also described in openapi.json.
package api

import (
	_ "embed"
	"net/http"
	"slices"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
)

// Prefix is the path prefix of every API route.
const Prefix = "/api/v1"

//go:embed openapi.json
var openAPIDocument []byte

// OpenAPI returns the OpenAPI 3.0 document describing the API.
func OpenAPI() []byte { return slices.Clone(openAPIDocument) }

// API is the JSON API. Create it with New, mount it with Register.
type API struct {
	svc    *estate.Service
	routes []route
}

type route struct {
	pattern string // "METHOD /path", a Go 1.22 ServeMux pattern
	handler http.Handler
	query   []string // accepted query parameters, in documentation order
}

// New returns the API over the estate register.
func New(svc *estate.Service) *API {
	a := &API{svc: svc}
	a.Handle("GET "+Prefix+"/openapi.json", http.HandlerFunc(serveOpenAPI))

	// One generic set of handlers serves every register entity; what differs
	// is the URL segment and which list filters the store applies.
	resource(a, "jurisdictions", svc.Jurisdictions(), "q", "code", "parent_id", "level")
	resource(a, "estates", svc.Estates(), "q", "code", "jurisdiction_id", "year_from", "year_to", "status", "management")
	resource(a, "buildings", svc.Buildings(), "estate_id")
	resource(a, "stairwells", svc.Stairwells(), "estate_id", "building_id")
	resource(a, "parts", svc.Parts(), "q", "estate_id", "building_id", "stairwell_id", "owner_id")
	resource(a, "owners", svc.Owners(), "q", "estate_id", "part_id", "pii")
	resource(a, "ownerships", svc.Ownerships(), "estate_id", "part_id", "owner_id")
	resource(a, "residents", svc.Residents(), "estate_id", "part_id", "pii")
	return a
}

// Handle adds a route; pattern is a ServeMux pattern with a method, e.g.
// "GET /api/v1/users/{id}". Call it before Register. It panics on a pattern
// without a method or outside Prefix, and on a duplicate.
func (a *API) Handle(pattern string, h http.Handler) {
	a.handle(pattern, h, nil)
}

func (a *API) handle(pattern string, h http.Handler, query []string) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok || method == "" || method != strings.ToUpper(method) || !strings.HasPrefix(path, Prefix+"/") {
		panic("api: route pattern must be \"METHOD " + Prefix + "/…\": " + pattern)
	}
	for _, r := range a.routes {
		if r.pattern == pattern {
			panic("api: duplicate route " + pattern)
		}
	}
	a.routes = append(a.routes, route{pattern: pattern, handler: h, query: query})
}

// Register mounts every route on mux.
func (a *API) Register(mux *http.ServeMux) {
	for _, r := range a.routes {
		mux.Handle(r.pattern, r.handler)
	}
}

// Routes lists the patterns Register mounts ("GET /api/v1/estates/{id}"),
// in registration order.
func (a *API) Routes() []string {
	out := make([]string, len(a.routes))
	for i, r := range a.routes {
		out[i] = r.pattern
	}
	return out
}

// queryParams returns the query parameters a route accepts.
func (a *API) queryParams(pattern string) []string {
	for _, r := range a.routes {
		if r.pattern == pattern {
			return slices.Clone(r.query)
		}
	}
	return nil
}

// serveOpenAPI serves the embedded document; it needs no actor, as it
// describes the API without revealing any data.
func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	w.Write(openAPIDocument)
}

// requireActor writes 401 and returns false when no actor is in the context.
func requireActor(w http.ResponseWriter, r *http.Request) bool {
	if huanxin.ActorFromContext(r.Context()) == nil {
		WriteError(w, r, huanxin.Errorf(huanxin.EUNAUTHORIZED, "请先登录 please sign in"))
		return false
	}
	return true
}
