package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
	"github.com/huanxin/huanxin/api"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/file"
	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/importer"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/notice"
	"github.com/huanxin/huanxin/notify"
	"github.com/huanxin/huanxin/pii"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/planning/plan"
	"github.com/huanxin/huanxin/planning/priority"
	"github.com/huanxin/huanxin/planning/programme"
	"github.com/huanxin/huanxin/questionnaire"
	"github.com/huanxin/huanxin/represent"
	"github.com/huanxin/huanxin/request"
	"github.com/huanxin/huanxin/store"
	"github.com/huanxin/huanxin/survey"
)

func TestMain(m *testing.M) {
	account.ArgonTime, account.ArgonMemory = 1, 64 // fast password hashes
	testdb.Main(m)
}

// ---------------------------------------------------------------------------
// The OpenAPI document

var (
	docOnce sync.Once
	doc     *openapi3.T
	docErr  error
)

// loadDoc loads and validates the embedded document once.
func loadDoc(t *testing.T) *openapi3.T {
	t.Helper()
	docOnce.Do(func() {
		doc, docErr = openapi3.NewLoader().LoadFromData(api.OpenAPI())
		if docErr == nil {
			docErr = doc.Validate(context.Background())
		}
	})
	if docErr != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI document: %v", docErr)
	}
	return doc
}

var pathParam = regexp.MustCompile(`\{([^}]+)\}`)

// TestOpenAPIMatchesRoutes holds the routes the API registers against the
// document: every route is documented, every documented operation is a
// route, with the same path and query parameters. A route added with
// API.Handle but not described in openapi.json fails here.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	d := loadDoc(t)
	a := api.NewWithExtras(&estate.Service{}, api.Extras{Accounts: &account.Service{}, Audit: &audit.Service{}, Importer: &importer.Service{},
		Decisions: &decision.Service{}, Files: &file.Service{}, Requests: &request.Service{}, Questionnaires: &questionnaire.Service{},
		Priority: &priority.Service{}, Surveys: &survey.Service{}, Notices: &notice.Service{}, Notify: &notify.Service{}, Plans: &plan.Service{},
		Programmes: &programme.Service{}, Represent: &represent.Service{}, Funding: &funding.Service{}, Catalogue: &planning.CatalogueService{},
		Appraisals: &funding.Appraisals{}, Maintenance: &funding.Maintenance{}, Shares: &funding.Shares{}, Spending: &funding.Spending{}})
	routes := a.Routes()

	// The register's routes are all there, and openapi.json itself.
	want := []string{"GET /api/v1/openapi.json"}
	for _, e := range []string{"jurisdictions", "estates", "buildings", "stairwells", "parts", "owners", "ownerships", "residents"} {
		want = append(want, "GET /api/v1/"+e, "GET /api/v1/"+e+"/{id}", "POST /api/v1/"+e, "PATCH /api/v1/"+e+"/{id}")
	}
	// And those of the extras.
	want = append(want, "GET /api/v1/me", "GET /api/v1/users", "POST /api/v1/users", "PATCH /api/v1/users/{id}",
		"POST /api/v1/users/{id}/password", "GET /api/v1/tokens", "POST /api/v1/tokens", "DELETE /api/v1/tokens/{id}",
		"POST /api/v1/owners/{id}/invitations", "POST /api/v1/invitations/redeem", "GET /api/v1/audit",
		"GET /api/v1/audit/verify", "POST /api/v1/import/{kind}", "GET /api/v1/export/{kind}")
	want = append(want, "GET /api/v1/deliveries", "POST /api/v1/deliveries/{id}/resend", "PUT /api/v1/users/{id}/wechat")
	for _, r := range want {
		if !slices.Contains(routes, r) {
			t.Errorf("route %q is not registered", r)
		}
	}

	registered := map[string]bool{}
	for _, r := range routes {
		if registered[r] {
			t.Errorf("route %q listed twice", r)
		}
		registered[r] = true
		method, path, _ := strings.Cut(r, " ")
		item := d.Paths.Value(path)
		if item == nil {
			t.Errorf("route %q: path %s is not in openapi.json", r, path)
			continue
		}
		op := item.GetOperation(method)
		if op == nil {
			t.Errorf("route %q: operation %s is not in openapi.json", r, method)
			continue
		}
		if op.OperationID == "" || op.Summary == "" {
			t.Errorf("route %q: operationId and summary are required", r)
		}
		params := map[string][]string{}
		for _, p := range append(slices.Clone(item.Parameters), op.Parameters...) {
			params[p.Value.In] = append(params[p.Value.In], p.Value.Name)
		}
		var inPath []string
		for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
			inPath = append(inPath, m[1])
		}
		if !sameSet(params["path"], inPath) {
			t.Errorf("route %q: documented path parameters %v, the pattern has %v", r, params["path"], inPath)
		}
		if accepted := api.QueryParams(a, r); !sameSet(params["query"], accepted) {
			t.Errorf("route %q: documented query parameters %v, the handler accepts %v", r, params["query"], accepted)
		}
		public := op.Security != nil && len(*op.Security) == 0
		for _, status := range []int{401, 500} {
			if !public && op.Responses.Status(status) == nil {
				t.Errorf("route %q: response %d is not documented", r, status)
			}
		}
		// Writes take JSON, except imports, which take the file itself, and
		// uploads, which take a form.
		if (method == http.MethodPost || method == http.MethodPatch) &&
			(op.RequestBody == nil || op.RequestBody.Value.Content.Get("application/json") == nil &&
				op.RequestBody.Value.Content.Get(api.MediaXLSX) == nil &&
				op.RequestBody.Value.Content.Get("multipart/form-data") == nil) {
			t.Errorf("route %q: no JSON request body documented", r)
		}
	}
	for path, item := range d.Paths.Map() {
		for method := range item.Operations() {
			if !registered[method+" "+path] {
				t.Errorf("openapi.json documents %s %s, which is not a registered route", method, path)
			}
		}
	}

	// Register mounts exactly these patterns.
	mux := http.NewServeMux()
	a.Register(mux)
	for _, r := range routes {
		method, path, _ := strings.Cut(r, " ")
		req := httptest.NewRequest(method, pathParam.ReplaceAllString(path, "1"), nil)
		if _, pattern := mux.Handler(req); pattern != r {
			t.Errorf("mux serves %s %s with pattern %q, want %q", method, req.URL.Path, pattern, r)
		}
	}

	// Bearer tokens and the session cookie are the documented credentials.
	if len(d.Security) != 2 || d.Components.SecuritySchemes["bearerAuth"] == nil ||
		d.Components.SecuritySchemes["bearerAuth"].Value.Scheme != "bearer" {
		t.Errorf("security = %+v, want bearer token or session cookie", d.Security)
	}
}

// TestOpenAPISchemasMatchTypes checks that each entity schema lists
// exactly the JSON members of its Go type, and that enumerations match.
func TestOpenAPISchemasMatchTypes(t *testing.T) {
	d := loadDoc(t)
	types := map[string]reflect.Type{
		"Jurisdiction": reflect.TypeFor[estate.Jurisdiction](),
		"Estate":       reflect.TypeFor[estate.Estate](),
		"Building":     reflect.TypeFor[estate.Building](),
		"Stairwell":    reflect.TypeFor[estate.Stairwell](),
		"Part":         reflect.TypeFor[estate.Part](),
		"Owner":        reflect.TypeFor[estate.Owner](),
		"Ownership":    reflect.TypeFor[estate.Ownership](),
		"Resident":     reflect.TypeFor[estate.Resident](),
		"FieldError":   reflect.TypeFor[huanxin.FieldError](),
	}
	for name, typ := range types {
		ref := d.Components.Schemas[name]
		if ref == nil {
			t.Errorf("schema %s missing", name)
			continue
		}
		var props []string
		for p := range ref.Value.Properties {
			props = append(props, p)
		}
		if fields := jsonFields(typ); !sameSet(props, fields) {
			t.Errorf("schema %s has properties %v, Go type %s has %v", name, sorted(props), typ, sorted(fields))
		}
		if ap := ref.Value.AdditionalProperties.Has; ap == nil || *ap {
			t.Errorf("schema %s must set additionalProperties: false", name)
		}
		if list := d.Components.Schemas[name+"List"]; name != "FieldError" && list == nil {
			t.Errorf("schema %sList missing", name)
		}
	}
	enum := func(schema string, want any) {
		var got, exp []string
		for _, v := range d.Components.Schemas[schema].Value.Enum {
			got = append(got, v.(string))
		}
		rv := reflect.ValueOf(want)
		for i := range rv.Len() {
			exp = append(exp, rv.Index(i).String())
		}
		if !slices.Equal(got, exp) {
			t.Errorf("schema %s enum = %v, want %v", schema, got, exp)
		}
	}
	enum("Level", huanxin.Levels)
	enum("Status", estate.Statuses)
	enum("ManagementModel", estate.ManagementModels)
}

func jsonFields(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = f.Name
		}
		out = append(out, name)
	}
	return out
}

func sorted(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }

func sameSet(a, b []string) bool { return slices.Equal(sorted(a), sorted(b)) }

// ---------------------------------------------------------------------------
// Errors

func TestWriteErrorStatus(t *testing.T) {
	for _, c := range []struct {
		err    error
		status int
		code   string
	}{
		{huanxin.Invalid("bad", huanxin.FieldError{Field: "name", Message: "required", Row: 3}), 400, "invalid"},
		{huanxin.Errorf(huanxin.EUNAUTHORIZED, "sign in"), 401, "unauthorized"},
		{huanxin.Errorf(huanxin.EFORBIDDEN, "no"), 403, "forbidden"},
		{huanxin.Errorf(huanxin.ENOTFOUND, "gone"), 404, "not_found"},
		{huanxin.Errorf(huanxin.ECONFLICT, "taken"), 409, "conflict"},
		{huanxin.Errorf(huanxin.ETOOMANY, "slow down"), 429, "too_many"},
		{huanxin.Errorf(huanxin.EUNAVAILABLE, "no SMS gateway"), 501, "not_available"},
		{fmt.Errorf("wrapped: %w", huanxin.Errorf(huanxin.ENOTFOUND, "gone")), 404, "not_found"},
		{errors.New("pq: secret table exploded"), 500, "internal"},
		{huanxin.Errorf(huanxin.EINTERNAL, "secret detail"), 500, "internal"},
		{huanxin.Errorf("weird_code", "secret detail"), 500, "internal"},
	} {
		var logged bytes.Buffer
		restore := captureLog(&logged)
		rec := httptest.NewRecorder()
		api.WriteError(rec, httptest.NewRequest("GET", "/api/v1/estates", nil), c.err)
		restore()
		var body api.ErrorBody
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("%v: body %q: %v", c.err, rec.Body, err)
		}
		if rec.Code != c.status || body.Error.Code != c.code || api.StatusFor(c.code) != c.status {
			t.Errorf("%v: status %d code %q, want %d %q", c.err, rec.Code, body.Error.Code, c.status, c.code)
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%v: Content-Type %q", c.err, ct)
		}
		if c.status == 500 {
			if strings.Contains(rec.Body.String(), "secret") || body.Error.Message == "" || body.Error.Fields != nil {
				t.Errorf("%v: internal error leaked: %s", c.err, rec.Body)
			}
			if !strings.Contains(logged.String(), "secret") {
				t.Errorf("%v: internal error not logged: %q", c.err, logged.String())
			}
		} else {
			if body.Error.Message != huanxin.ErrorMessage(c.err) || logged.Len() != 0 {
				t.Errorf("%v: message %q, log %q", c.err, body.Error.Message, logged.String())
			}
		}
		if c.status == 400 && (len(body.Error.Fields) != 1 || body.Error.Fields[0] != (huanxin.FieldError{Field: "name", Message: "required", Row: 3})) {
			t.Errorf("fields = %+v", body.Error.Fields)
		}
		if got := rec.Header().Get("WWW-Authenticate"); (c.status == 401) != (got != "") {
			t.Errorf("%v: WWW-Authenticate %q", c.err, got)
		}
	}
}

// captureLog sends slog's default logger to buf until restore is called.
func captureLog(buf *bytes.Buffer) (restore func()) {
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(buf, nil)))
	return func() { slog.SetDefault(old) }
}

func TestInternalErrorOverHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		db.Close() // every query now fails inside the store
		var logged bytes.Buffer
		restore := captureLog(&logged)
		r := e.do(t, admin(), "GET", "/api/v1/estates", "")
		restore()
		r.wantError(t, 500, "internal")
		if strings.Contains(strings.ToLower(string(r.raw)), "closed") || strings.Contains(string(r.raw), "sql") {
			t.Errorf("internal error leaked: %s", r.raw)
		}
		if !strings.Contains(logged.String(), "closed") {
			t.Errorf("internal error not logged: %q", logged.String())
		}
	})
}

// ---------------------------------------------------------------------------
// A small world and an HTTP client for it

// world is a register of one city with two districts, A and B, each with a
// community, an estate, a building, a stairwell unit, parts, an owner
// holding a part, and a resident. A has a second part, 302.
type world struct {
	prov, city, distA, distB, streetA, commA, commB *estate.Jurisdiction
	estA, estB                                      *estate.Estate
	bldA, bldB                                      *estate.Building
	stwA, stwB                                      *estate.Stairwell
	partA, partA2, partB                            *estate.Part
	ownA, ownB                                      *estate.Owner
	shipA, shipB                                    *estate.Ownership
	resA, resB                                      *estate.Resident
}

// validID completes 17 digits with the check character of GB 11643.
func validID(t *testing.T, first17 string) string {
	for _, c := range "0123456789X" {
		if id := first17 + string(c); pii.ValidChineseID(id) {
			return id
		}
	}
	t.Fatalf("no check character for %s", first17)
	return ""
}

// mustWorld creates the world through the store, as the system.
func mustWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	ctx := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	w := &world{}
	mk := func(parent *estate.Jurisdiction, level huanxin.Level, code, name string) *estate.Jurisdiction {
		j := &estate.Jurisdiction{Level: level, Code: code, Name: name}
		if parent != nil {
			j.ParentID, j.CityID, j.Path = parent.ID, parent.CityID, parent.Path
		}
		must(db.CreateJurisdiction(ctx, j))
		return j
	}
	w.prov = mk(nil, huanxin.LevelProvince, "330000", "某省")
	w.city = mk(w.prov, huanxin.LevelCity, "330100", "某市")
	w.distA = mk(w.city, huanxin.LevelDistrict, "330102", "上城区")
	w.distB = mk(w.city, huanxin.LevelDistrict, "330105", "拱墅区")
	w.streetA = mk(w.distA, huanxin.LevelStreet, "330102001", "清波街道")
	w.commA = mk(w.streetA, huanxin.LevelCommunity, "330102001001", "柳翠井社区")
	w.commB = mk(mk(w.distB, huanxin.LevelStreet, "330105001", "米市巷街道"), huanxin.LevelCommunity, "330105001001", "卖鱼桥社区")

	est := func(j *estate.Jurisdiction, code, name string, year int) *estate.Estate {
		e := &estate.Estate{CityID: w.city.ID, JurisdictionID: j.ID, Code: code, Name: name, Address: "中山路" + code + "号",
			YearBuilt: year, Management: estate.MgmtNone, Status: estate.StatusCandidate}
		must(db.CreateEstate(ctx, e))
		return e
	}
	w.estA = est(w.commA, "E1", "纺织新村电梯房", 1985)
	w.estB = est(w.commB, "E2", "安居苑", 1992)

	part := func(s *estate.Stairwell, room string) *estate.Part {
		p := &estate.Part{CityID: w.city.ID, EstateID: s.EstateID, BuildingID: s.BuildingID, StairwellID: s.ID,
			Kind: estate.KindDwelling, Floor: 3, Room: room, Area: 8532, AreaSource: estate.SourceRegister, Sold: true, Delivered: true}
		must(db.CreatePart(ctx, p))
		return p
	}
	side := func(e *estate.Estate, idNumber, phone string) (*estate.Building, *estate.Stairwell, *estate.Part, *estate.Owner, *estate.Ownership, *estate.Resident) {
		b := &estate.Building{CityID: w.city.ID, EstateID: e.ID, No: "1", Floors: 6}
		must(db.CreateBuilding(ctx, b))
		s := &estate.Stairwell{CityID: w.city.ID, EstateID: e.ID, BuildingID: b.ID, No: "1"}
		must(db.CreateStairwell(ctx, s))
		p := part(s, "301")
		o := &estate.Owner{CityID: w.city.ID, Kind: estate.OwnerPerson, Name: "业主" + e.Code, IDNumber: idNumber, Phone: phone}
		must(db.CreateOwner(ctx, o))
		sh := &estate.Ownership{CityID: w.city.ID, EstateID: e.ID, PartID: p.ID, OwnerID: o.ID, Representative: true, ShareNum: 1, ShareDen: 1}
		must(db.CreateOwnership(ctx, sh))
		r := &estate.Resident{CityID: w.city.ID, EstateID: e.ID, PartID: p.ID, Kind: estate.ResidentFamily, Name: "住户" + e.Code,
			BirthYear: 1950, Phone: phone}
		must(db.CreateResident(ctx, r))
		return b, s, p, o, sh, r
	}
	w.bldA, w.stwA, w.partA, w.ownA, w.shipA, w.resA = side(w.estA, "11010519491231002X", "13812345678")
	w.bldB, w.stwB, w.partB, w.ownB, w.shipB, w.resB = side(w.estB, validID(t, "33010519800101001"), "13987654321")
	w.partA2 = part(w.stwA, "302")
	return w
}

type env struct {
	db  *store.DB
	mux *http.ServeMux
	doc *openapi3.T
	w   *world
}

// newEnv builds the world on db, with a clock that advances one second per
// transaction, and mounts the API on a fresh mux.
func newEnv(t *testing.T, db *store.DB) *env {
	var tick atomic.Int64
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return start.Add(time.Duration(tick.Add(1)) * time.Second) }
	e := &env{db: db, mux: http.NewServeMux(), doc: loadDoc(t), w: mustWorld(t, db)}
	api.New(&estate.Service{Store: db}).Register(e.mux)
	return e
}

func admin() *huanxin.Actor {
	return &huanxin.Actor{UserID: 1, Name: "admin", Role: huanxin.RoleAdmin, Scope: huanxin.Scope{All: true}}
}

func (e *env) actor(role huanxin.Role, paths ...*estate.Jurisdiction) *huanxin.Actor {
	a := &huanxin.Actor{UserID: 100, Name: string(role), Role: role}
	for _, j := range paths {
		a.Scope.Paths = append(a.Scope.Paths, j.Path)
	}
	return a
}

type result struct {
	pattern string
	status  int
	header  http.Header
	raw     []byte
	body    map[string]any
}

// do sends a request as actor (nil: none) with a JSON body if body != "".
func (e *env) do(t *testing.T, actor *huanxin.Actor, method, target, body string) *result {
	t.Helper()
	var req *http.Request
	if body != "" {
		req = httptest.NewRequest(method, target, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	return e.send(t, actor, req)
}

// send serves req and checks the response against the OpenAPI document:
// its status must be documented for the route, and its body must match
// the documented schema.
func (e *env) send(t *testing.T, actor *huanxin.Actor, req *http.Request) *result {
	t.Helper()
	if actor != nil {
		req = req.WithContext(huanxin.NewContextWithActor(req.Context(), actor))
	}
	_, pattern := e.mux.Handler(req)
	rec := httptest.NewRecorder()
	e.mux.ServeHTTP(rec, req)
	r := &result{pattern: pattern, status: rec.Code, header: rec.Header(), raw: rec.Body.Bytes()}
	if err := json.Unmarshal(r.raw, &r.body); err != nil {
		t.Fatalf("%s %s: %d, body is not a JSON object: %v: %s", req.Method, req.URL, r.status, err, r.raw)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s %s: Content-Type %q", req.Method, req.URL, ct)
	}
	e.checkDocumented(t, req, r)
	return r
}

func (e *env) checkDocumented(t *testing.T, req *http.Request, r *result) {
	t.Helper()
	method, path, ok := strings.Cut(r.pattern, " ")
	if !ok {
		t.Errorf("%s %s: no route", req.Method, req.URL)
		return
	}
	op := e.doc.Paths.Value(path).GetOperation(method)
	ref := op.Responses.Status(r.status)
	if ref == nil {
		t.Errorf("%s %s: status %d is not documented for %s: %s", req.Method, req.URL, r.status, r.pattern, r.raw)
		return
	}
	mt := ref.Value.Content.Get("application/json")
	if mt == nil {
		t.Errorf("%s: response %d has no documented JSON body", r.pattern, r.status)
		return
	}
	var v any
	json.Unmarshal(r.raw, &v)
	if err := mt.Schema.Value.VisitJSON(v, openapi3.VisitAsResponse(), openapi3.MultiErrors()); err != nil {
		t.Errorf("%s %s: %d response does not match the documented schema: %v\n%s", req.Method, req.URL, r.status, err, r.raw)
	}
}

// checkRequest checks that a request body that the API accepted matches
// the documented request schema.
func (e *env) checkRequest(t *testing.T, pattern, body string) {
	t.Helper()
	method, path, _ := strings.Cut(pattern, " ")
	op := e.doc.Paths.Value(path).GetOperation(method)
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatal(err)
	}
	if err := op.RequestBody.Value.Content.Get("application/json").Schema.Value.VisitJSON(v, openapi3.VisitAsRequest(), openapi3.MultiErrors()); err != nil {
		t.Errorf("%s: accepted request body does not match the documented schema: %v\n%s", pattern, err, body)
	}
}

func (r *result) wantError(t *testing.T, status int, code string, fields ...string) {
	t.Helper()
	if r.status != status {
		t.Errorf("status %d, want %d: %s", r.status, status, r.raw)
		return
	}
	var body api.ErrorBody
	if err := json.Unmarshal(r.raw, &body); err != nil {
		t.Fatal(err)
	}
	if body.Error.Code != code || body.Error.Message == "" {
		t.Errorf("error %+v, want code %q with a message", body.Error, code)
	}
	var got []string
	for _, f := range body.Error.Fields {
		got = append(got, f.Field)
		if f.Message == "" {
			t.Errorf("field error %q without a message", f.Field)
		}
	}
	if !slices.Equal(got, fields) {
		t.Errorf("error fields %v, want %v (%s)", got, fields, r.raw)
	}
}

func (r *result) items(t *testing.T) []map[string]any {
	t.Helper()
	raw, ok := r.body["items"].([]any)
	if !ok {
		t.Fatalf("no items array: %s", r.raw)
	}
	out := make([]map[string]any, len(raw))
	for i, it := range raw {
		out[i] = it.(map[string]any)
	}
	return out
}

// ids returns the IDs of a list response's items.
func (r *result) ids(t *testing.T) []int64 {
	t.Helper()
	var out []int64
	for _, it := range r.items(t) {
		out = append(out, num(it["id"]))
	}
	return out
}

func num(v any) int64 {
	f, _ := v.(float64)
	return int64(f)
}

func id(v int64) string { return strconv.FormatInt(v, 10) }

// ---------------------------------------------------------------------------
// Scenarios over HTTP

type scenario struct {
	name   string
	actor  *huanxin.Actor // nil: not signed in
	method string
	target string
	body   string
	ctype  string // Content-Type when not application/json
	status int
	code   string   // error code, for errors
	fields []string // field errors, in order
	// readOnlyMembers marks bodies that deliberately carry members the
	// document marks read-only (the API ignores them).
	readOnlyMembers bool
	check           func(t *testing.T, r *result)
}

func TestRegisterHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		w := e.w
		ctx := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
		// Estate A gets buildings 2 to 5, for paging.
		for i := 2; i <= 5; i++ {
			if err := db.CreateBuilding(ctx, &estate.Building{CityID: w.city.ID, EstateID: w.estA.ID, No: strconv.Itoa(i), Floors: 6}); err != nil {
				t.Fatal(err)
			}
		}
		adm := admin()
		bureauA := e.actor(huanxin.RoleBureau, w.distA)
		committeeA := e.actor(huanxin.RoleCommittee, w.distA)
		newID := validID(t, "33010219700707123")

		names := func(want ...string) func(t *testing.T, r *result) {
			return func(t *testing.T, r *result) {
				t.Helper()
				var got []string
				for _, it := range r.items(t) {
					got = append(got, fmt.Sprint(it["name"]))
				}
				if !slices.Equal(got, want) || num(r.body["total"]) != int64(len(want)) {
					t.Errorf("names %v (total %v), want %v", got, r.body["total"], want)
				}
			}
		}
		ids := func(want ...int64) func(t *testing.T, r *result) {
			return func(t *testing.T, r *result) {
				t.Helper()
				if got := r.ids(t); !slices.Equal(got, want) || num(r.body["total"]) != int64(len(want)) {
					t.Errorf("ids %v (total %v), want %v", got, r.body["total"], want)
				}
			}
		}
		page := func(total, page, perPage int, nos ...string) func(t *testing.T, r *result) {
			return func(t *testing.T, r *result) {
				t.Helper()
				var got []string
				for _, it := range r.items(t) {
					got = append(got, fmt.Sprint(it["no"]))
				}
				if num(r.body["total"]) != int64(total) || num(r.body["page"]) != int64(page) ||
					num(r.body["per_page"]) != int64(perPage) || !slices.Equal(got, nos) {
					t.Errorf("page = %s, want total %d page %d per_page %d nos %v", r.raw, total, page, perPage, nos)
				}
			}
		}
		member := func(want map[string]any) func(t *testing.T, r *result) {
			return func(t *testing.T, r *result) {
				t.Helper()
				for k, v := range want {
					if got, ok := r.body[k]; v == nil && ok || v != nil && !reflect.DeepEqual(got, v) {
						t.Errorf("%s = %#v, want %#v", k, got, v)
					}
				}
			}
		}
		var created int64 // the estate created below
		big := `{"name": "x", "notes": "` + strings.Repeat("a", api.MaxBody) + `"}`
		estA := "/api/v1/estates/" + id(w.estA.ID)

		scenarios := []scenario{
			// Lists, filters and paging.
			{name: "list estates", actor: adm, method: "GET", target: "/api/v1/estates", status: 200,
				check: func(t *testing.T, r *result) {
					names("安居苑", "纺织新村电梯房")(t, r) // pinyin order
					if num(r.body["page"]) != 1 || num(r.body["per_page"]) != api.DefaultPerPage {
						t.Errorf("default paging: %s", r.raw)
					}
					if it := r.items(t)[1]; it["district"] != "上城区" || it["community"] != "柳翠井社区" {
						t.Errorf("display names: %v", it)
					}
				}},
			{name: "list estates limited to scope", actor: bureauA, method: "GET", target: "/api/v1/estates", status: 200, check: ids(w.estA.ID)},
			{name: "filter estates by jurisdiction", actor: adm, method: "GET", target: "/api/v1/estates?jurisdiction_id=" + id(w.distB.ID), status: 200, check: ids(w.estB.ID)},
			{name: "search estates", actor: adm, method: "GET", target: "/api/v1/estates?q=%E7%94%B5%E6%A2%AF", status: 200, check: ids(w.estA.ID)},
			{name: "filter estates by code", actor: adm, method: "GET", target: "/api/v1/estates?code=E2", status: 200, check: ids(w.estB.ID)},
			{name: "filter estates by year", actor: adm, method: "GET", target: "/api/v1/estates?year_from=1990&year_to=2000", status: 200, check: ids(w.estB.ID)},
			{name: "filter estates by status and management", actor: adm, method: "GET", target: "/api/v1/estates?status=candidate&management=none&year_to=1989", status: 200, check: ids(w.estA.ID)},
			{name: "filter estates by status, none", actor: adm, method: "GET", target: "/api/v1/estates?status=voting", status: 200, check: ids()},
			{name: "filter jurisdictions by level", actor: adm, method: "GET", target: "/api/v1/jurisdictions?level=district", status: 200, check: ids(w.distA.ID, w.distB.ID)},
			{name: "filter jurisdictions by parent and code", actor: adm, method: "GET", target: "/api/v1/jurisdictions?parent_id=" + id(w.city.ID) + "&code=330105", status: 200, check: ids(w.distB.ID)},
			{name: "page 1 of buildings", actor: adm, method: "GET", target: "/api/v1/buildings?estate_id=" + id(w.estA.ID) + "&per_page=2", status: 200, check: page(5, 1, 2, "1", "2")},
			{name: "page 2 of buildings", actor: adm, method: "GET", target: "/api/v1/buildings?estate_id=" + id(w.estA.ID) + "&per_page=2&page=2", status: 200, check: page(5, 2, 2, "3", "4")},
			{name: "page 3 of buildings", actor: adm, method: "GET", target: "/api/v1/buildings?estate_id=" + id(w.estA.ID) + "&per_page=2&page=3", status: 200, check: page(5, 3, 2, "5")},
			{name: "page past the end", actor: adm, method: "GET", target: "/api/v1/buildings?estate_id=" + id(w.estA.ID) + "&per_page=2&page=9", status: 200, check: page(5, 9, 2)},
			{name: "filter stairwells by building", actor: adm, method: "GET", target: "/api/v1/stairwells?building_id=" + id(w.bldB.ID), status: 200, check: ids(w.stwB.ID)},
			{name: "filter parts by stairwell", actor: adm, method: "GET", target: "/api/v1/parts?stairwell_id=" + id(w.stwA.ID), status: 200, check: ids(w.partA.ID, w.partA2.ID)},
			{name: "filter parts by owner", actor: adm, method: "GET", target: "/api/v1/parts?owner_id=" + id(w.ownB.ID), status: 200, check: ids(w.partB.ID)},
			{name: "search parts by room", actor: adm, method: "GET", target: "/api/v1/parts?q=302&building_id=" + id(w.bldA.ID), status: 200, check: ids(w.partA2.ID)},
			{name: "filter owners by estate", actor: adm, method: "GET", target: "/api/v1/owners?estate_id=" + id(w.estB.ID), status: 200, check: ids(w.ownB.ID)},
			{name: "filter ownerships by owner", actor: adm, method: "GET", target: "/api/v1/ownerships?owner_id=" + id(w.ownA.ID), status: 200, check: ids(w.shipA.ID)},
			{name: "filter residents by part", actor: adm, method: "GET", target: "/api/v1/residents?part_id=" + id(w.partB.ID), status: 200, check: ids(w.resB.ID)},

			// Personal data.
			{name: "owner phones masked by default", actor: bureauA, method: "GET", target: "/api/v1/owners", status: 200,
				check: func(t *testing.T, r *result) {
					its := r.items(t)
					if len(its) != 1 || its[0]["phone_masked"] != "138****5678" || its[0]["id_last4"] != "002X" || its[0]["phone"] != nil {
						t.Errorf("owners = %s", r.raw)
					}
				}},
			{name: "owner phones with pii=1", actor: bureauA, method: "GET", target: "/api/v1/owners?pii=1", status: 200,
				check: func(t *testing.T, r *result) {
					if its := r.items(t); len(its) != 1 || its[0]["phone"] != "13812345678" {
						t.Errorf("owners = %s", r.raw)
					}
				}},
			{name: "pii=1 refused to a committee member", actor: committeeA, method: "GET", target: "/api/v1/residents?pii=1", status: 200,
				check: func(t *testing.T, r *result) {
					if its := r.items(t); len(its) != 1 || its[0]["phone"] != nil || its[0]["phone_masked"] != "138****5678" {
						t.Errorf("residents = %s", r.raw)
					}
				}},
			{name: "get owner as committee: phone masked", actor: committeeA, method: "GET", target: "/api/v1/owners/" + id(w.ownA.ID), status: 200,
				check: member(map[string]any{"phone": nil, "phone_masked": "138****5678"})},

			// Bad query parameters.
			{name: "per_page 0", actor: adm, method: "GET", target: "/api/v1/estates?per_page=0", status: 400, code: "invalid", fields: []string{"per_page"}},
			{name: "per_page above 1000", actor: adm, method: "GET", target: "/api/v1/estates?per_page=1001", status: 400, code: "invalid", fields: []string{"per_page"}},
			{name: "per_page 1000", actor: adm, method: "GET", target: "/api/v1/estates?per_page=1000", status: 200,
				check: func(t *testing.T, r *result) {
					ids(w.estB.ID, w.estA.ID)(t, r)
					if num(r.body["per_page"]) != 1000 {
						t.Errorf("per_page = %v", r.body["per_page"])
					}
				}},
			{name: "page 0 and page not a number", actor: adm, method: "GET", target: "/api/v1/estates?page=0&per_page=x", status: 400, code: "invalid", fields: []string{"page", "per_page"}},
			{name: "bad id filter", actor: adm, method: "GET", target: "/api/v1/buildings?estate_id=abc", status: 400, code: "invalid", fields: []string{"estate_id"}},
			{name: "negative id filter", actor: adm, method: "GET", target: "/api/v1/parts?owner_id=-3", status: 400, code: "invalid", fields: []string{"owner_id"}},
			{name: "bad status", actor: adm, method: "GET", target: "/api/v1/estates?status=bogus&management=mafia", status: 400, code: "invalid", fields: []string{"status", "management"}},
			{name: "bad level", actor: adm, method: "GET", target: "/api/v1/jurisdictions?level=planet", status: 400, code: "invalid", fields: []string{"level"}},
			{name: "bad years", actor: adm, method: "GET", target: "/api/v1/estates?year_from=2000&year_to=1990", status: 400, code: "invalid", fields: []string{"year_to"}},
			{name: "bad year", actor: adm, method: "GET", target: "/api/v1/estates?year_from=85", status: 400, code: "invalid", fields: []string{"year_from"}},
			{name: "bad pii", actor: adm, method: "GET", target: "/api/v1/owners?pii=yes", status: 400, code: "invalid", fields: []string{"pii"}},
			{name: "unknown parameter", actor: adm, method: "GET", target: "/api/v1/estates?colour=red", status: 400, code: "invalid", fields: []string{"colour"}},
			{name: "filter that does not apply", actor: adm, method: "GET", target: "/api/v1/owners?building_id=1", status: 400, code: "invalid", fields: []string{"building_id"}},
			{name: "parameter given twice", actor: adm, method: "GET", target: "/api/v1/buildings?estate_id=1&estate_id=2", status: 400, code: "invalid", fields: []string{"estate_id"}},
			{name: "empty values count as absent", actor: adm, method: "GET", target: "/api/v1/estates?q=&status=&page=", status: 200, check: ids(w.estB.ID, w.estA.ID)},

			// Get.
			{name: "get estate", actor: bureauA, method: "GET", target: estA, status: 200,
				check: member(map[string]any{"name": "纺织新村电梯房", "code": "E1", "district": "上城区", "street": "清波街道", "year_built": 1985.0})},
			{name: "get part", actor: adm, method: "GET", target: "/api/v1/parts/" + id(w.partA2.ID), status: 200,
				check: member(map[string]any{"room": "302", "area": 8532.0, "building_no": "1", "stairwell_no": "1", "estate_id": float64(w.estA.ID)})},
			{name: "get missing estate", actor: adm, method: "GET", target: "/api/v1/estates/999999", status: 404, code: "not_found"},
			{name: "get bad id", actor: adm, method: "GET", target: "/api/v1/estates/abc", status: 400, code: "invalid", fields: []string{"id"}},
			{name: "get id 0", actor: adm, method: "GET", target: "/api/v1/buildings/0", status: 400, code: "invalid", fields: []string{"id"}},

			// Create.
			{name: "create estate", actor: bureauA, method: "POST", target: "/api/v1/estates",
				body:   `{"jurisdiction_id": ` + id(w.commA.ID) + `, "code": "E3", "name": "  新风小区 ", "address": "解放路1号", "year_built": 1990, "land_area": 1250050}`,
				status: 201,
				check: func(t *testing.T, r *result) {
					member(map[string]any{"name": "新风小区", "city_id": float64(w.city.ID), "district": "上城区", "community": "柳翠井社区",
						"status": "candidate", "management": "none", "land_area": 1250050.0})(t, r)
					created = num(r.body["id"])
					if loc := r.header.Get("Location"); loc != "/api/v1/estates/"+id(created) || created == 0 {
						t.Errorf("Location %q for id %d", loc, created)
					}
					if r.body["created"] == "0001-01-01T00:00:00Z" || r.body["created"] != r.body["updated"] {
						t.Errorf("timestamps not as stored: %v %v", r.body["created"], r.body["updated"])
					}
				}},
			{name: "the created estate can be read", actor: bureauA, method: "GET", target: "/api/v1/estates?code=E3", status: 200,
				check: func(t *testing.T, r *result) { ids(created)(t, r) }},
			{name: "create building", actor: bureauA, method: "POST", target: "/api/v1/buildings",
				body: `{"estate_id": ` + id(w.estA.ID) + `, "no": "6", "floors": 7, "year_built": 1986}`, status: 201,
				check: member(map[string]any{"no": "6", "floors": 7.0, "year_built": 1986.0, "city_id": float64(w.city.ID)})},
			{name: "create owner", actor: bureauA, method: "POST", target: "/api/v1/owners",
				body: `{"name": "王五", "id_number": "` + newID + `", "phone": "139 0000 1111"}`, status: 201,
				check: member(map[string]any{"name": "王五", "id_number": nil, "id_last4": newID[14:], "phone": "13900001111",
					"phone_masked": "139****1111", "city_id": float64(w.city.ID), "kind": "person"})},
			{name: "create with missing members", actor: bureauA, method: "POST", target: "/api/v1/estates",
				body: `{"jurisdiction_id": ` + id(w.commA.ID) + `, "year_built": 1990}`, status: 400, code: "invalid", fields: []string{"code", "name"}},
			{name: "create with bad values", actor: bureauA, method: "POST", target: "/api/v1/estates",
				body:   `{"jurisdiction_id": ` + id(w.commA.ID) + `, "code": "E4", "name": "x", "year_built": 1800, "status": "done"}`,
				status: 400, code: "invalid", fields: []string{"year_built", "status"}},
			{name: "create with unknown member", actor: bureauA, method: "POST", target: "/api/v1/estates",
				body:   `{"jurisdiction_id": ` + id(w.commA.ID) + `, "code": "E4", "name": "x", "colour": "red"}`,
				status: 400, code: "invalid", fields: []string{"colour"}},
			{name: "create with wrong types", actor: bureauA, method: "POST", target: "/api/v1/estates",
				body:   `{"jurisdiction_id": "one", "name": 5, "year_built": 1990.5, "lat_e6": true}`,
				status: 400, code: "invalid", fields: []string{"jurisdiction_id", "lat_e6", "name", "year_built"}},
			{name: "create with a bad timestamp", actor: bureauA, method: "POST", target: "/api/v1/buildings",
				body: `{"estate_id": 1, "no": "9", "created": "yesterday"}`, status: 400, code: "invalid", fields: []string{"created"}},
			{name: "create with malformed JSON", actor: bureauA, method: "POST", target: "/api/v1/estates",
				body: `{"name": "x",`, status: 400, code: "invalid", fields: []string{"body"}},
			{name: "create with an array", actor: bureauA, method: "POST", target: "/api/v1/estates",
				body: `[{"name": "x"}]`, status: 400, code: "invalid", fields: []string{"body"}},
			{name: "create with two objects", actor: bureauA, method: "POST", target: "/api/v1/estates",
				body: `{"name": "x"} {"name": "y"}`, status: 400, code: "invalid", fields: []string{"body"}},
			{name: "create with an empty body", actor: bureauA, method: "POST", target: "/api/v1/estates",
				body: " ", status: 400, code: "invalid", fields: []string{"body"}},
			{name: "create with a body over 1 MiB", actor: bureauA, method: "POST", target: "/api/v1/estates",
				body: big, status: 400, code: "invalid", fields: []string{"body"}},
			{name: "create as a form", actor: bureauA, method: "POST", target: "/api/v1/estates", ctype: "text/plain",
				body:   `{"jurisdiction_id": ` + id(w.commA.ID) + `, "code": "E5", "name": "x", "year_built": 1990}`,
				status: 400, code: "invalid", fields: []string{"Content-Type"}},
			{name: "create with a taken code", actor: bureauA, method: "POST", target: "/api/v1/estates",
				body: `{"jurisdiction_id": ` + id(w.commA.ID) + `, "code": "E2", "name": "重名", "year_built": 1990}`, status: 409, code: "conflict"},
			{name: "create outside the scope", actor: bureauA, method: "POST", target: "/api/v1/estates",
				body: `{"jurisdiction_id": ` + id(w.commB.ID) + `, "code": "E6", "name": "越界", "year_built": 1990}`, status: 403, code: "forbidden"},
			{name: "create as a committee member", actor: committeeA, method: "POST", target: "/api/v1/buildings",
				body: `{"estate_id": ` + id(w.estA.ID) + `, "no": "7"}`, status: 403, code: "forbidden"},

			// Update.
			{name: "patch estate name", actor: bureauA, method: "PATCH", target: estA, body: `{"name": "纺织新村"}`, status: 200,
				check: func(t *testing.T, r *result) {
					member(map[string]any{"name": "纺织新村", "address": "中山路E1号", "code": "E1", "year_built": 1985.0, "district": "上城区"})(t, r)
					if r.body["updated"] == r.body["created"] {
						t.Errorf("updated not advanced: %v", r.body["updated"])
					}
				}},
			{name: "the patch is stored", actor: adm, method: "GET", target: estA, status: 200, check: member(map[string]any{"name": "纺织新村", "address": "中山路E1号"})},
			{name: "patch coordinates", actor: bureauA, method: "PATCH", target: estA, body: `{"lat_e6": 30250000, "lng_e6": 120160000}`, status: 200,
				check: member(map[string]any{"lat_e6": 30250000.0, "lng_e6": 120160000.0, "name": "纺织新村"})},
			{name: "patch clears coordinates with null", actor: bureauA, method: "PATCH", target: estA, body: `{"lat_e6": null, "lng_e6": null}`, status: 200,
				check: member(map[string]any{"lat_e6": nil, "lng_e6": nil})},
			{name: "patch with an invalid value", actor: bureauA, method: "PATCH", target: estA, body: `{"name": " ", "lat_e6": 1}`,
				status: 400, code: "invalid", fields: []string{"name", "lat_e6"}},
			{name: "patch with an unknown member", actor: bureauA, method: "PATCH", target: estA, body: `{"name": "改名", "colour": "red"}`,
				status: 400, code: "invalid", fields: []string{"colour"}},
			{name: "patch with a wrong type", actor: bureauA, method: "PATCH", target: estA, body: `{"year_built": "1985"}`,
				status: 400, code: "invalid", fields: []string{"year_built"}},
			{name: "failed patches change nothing", actor: adm, method: "GET", target: estA, status: 200,
				check: member(map[string]any{"name": "纺织新村", "year_built": 1985.0, "lat_e6": nil})},
			{name: "patch ignores read-only members", actor: bureauA, method: "PATCH", target: estA, readOnlyMembers: true,
				body: `{"id": 77, "city_id": 99, "district": "别处", "notes": "已摸底"}`, status: 200,
				check: member(map[string]any{"id": float64(w.estA.ID), "city_id": float64(w.city.ID), "district": "上城区", "notes": "已摸底"})},
			{name: "patch part area", actor: bureauA, method: "PATCH", target: "/api/v1/parts/" + id(w.partA.ID), body: `{"area": 9001, "kind": "shop"}`, status: 200,
				check: member(map[string]any{"area": 9001.0, "kind": "shop", "room": "301", "building_no": "1"})},
			{name: "patch owner phone", actor: bureauA, method: "PATCH", target: "/api/v1/owners/" + id(w.ownA.ID), body: `{"phone": "13900002222"}`, status: 200,
				check: member(map[string]any{"phone": "13900002222", "phone_masked": "139****2222", "id_last4": "002X", "name": "业主E1"})},
			{name: "patch owner ID number refused", actor: bureauA, method: "PATCH", target: "/api/v1/owners/" + id(w.ownA.ID), body: `{"id_number": "` + newID + `"}`,
				status: 400, code: "invalid", fields: []string{"id_number"}},
			{name: "patch ownership share", actor: bureauA, method: "PATCH", target: "/api/v1/ownerships/" + id(w.shipA.ID), body: `{"share_num": 1, "share_den": 2}`, status: 200,
				check: member(map[string]any{"share_num": 1.0, "share_den": 2.0, "owner_name": "业主E1", "representative": true})},
			{name: "patch missing record", actor: adm, method: "PATCH", target: "/api/v1/estates/999999", body: `{"name": "x"}`, status: 404, code: "not_found"},
			{name: "patch bad id", actor: adm, method: "PATCH", target: "/api/v1/estates/x1", body: `{"name": "x"}`, status: 400, code: "invalid", fields: []string{"id"}},
			{name: "patch as a form", actor: bureauA, method: "PATCH", target: estA, ctype: "text/plain", body: `{"name": "x"}`,
				status: 400, code: "invalid", fields: []string{"Content-Type"}},

			// Not signed in.
			{name: "list without actor", method: "GET", target: "/api/v1/estates", status: 401, code: "unauthorized"},
			{name: "get without actor", method: "GET", target: estA, status: 401, code: "unauthorized"},
			{name: "create without actor", method: "POST", target: "/api/v1/buildings", body: `{"estate_id": 1, "no": "8"}`, status: 401, code: "unauthorized"},
			{name: "patch without actor", method: "PATCH", target: estA, body: `{"name": "x"}`, status: 401, code: "unauthorized"},
			{name: "bad query without actor", method: "GET", target: "/api/v1/owners?pii=2", status: 401, code: "unauthorized"},

			// The document is public.
			{name: "openapi.json", method: "GET", target: "/api/v1/openapi.json", status: 200,
				check: func(t *testing.T, r *result) {
					if !bytes.Equal(r.raw, api.OpenAPI()) {
						t.Error("served document differs from the embedded one")
					}
				}},
		}
		for _, c := range scenarios {
			t.Run(c.name, func(t *testing.T) {
				req := httptest.NewRequest(c.method, c.target, strings.NewReader(c.body))
				if c.body != "" {
					req.Header.Set("Content-Type", "application/json; charset=utf-8")
					if c.ctype != "" {
						req.Header.Set("Content-Type", c.ctype)
					}
				}
				r := e.send(t, c.actor, req)
				if c.code != "" {
					r.wantError(t, c.status, c.code, c.fields...)
				} else if r.status != c.status {
					t.Fatalf("status %d, want %d: %s", r.status, c.status, r.raw)
				}
				if c.status == 401 && r.header.Get("WWW-Authenticate") == "" {
					t.Error("401 without WWW-Authenticate")
				}
				if c.status < 300 && c.body != "" && !c.readOnlyMembers {
					e.checkRequest(t, r.pattern, c.body)
				}
				if c.check != nil {
					c.check(t, r)
				}
			})
		}
	})
}

// ---------------------------------------------------------------------------
// Authorization

// matrix gives, for each entity and role, the statuses of: list; read in
// scope; read out of scope; write (PATCH) in scope; write out of scope.
// Actors are scoped to district A (admins: everything; residents: their
// part in A). Reads out of scope are 404, so that nothing reveals what
// exists elsewhere; writes out of scope are 403.
var matrix = map[string]map[huanxin.Role]string{
	"jurisdictions": {
		huanxin.RoleAdmin:      "200 200 200 200 200",
		huanxin.RoleBureau:     "200 200 404 200 403",
		huanxin.RoleStreet:     "200 200 404 403 403",
		huanxin.RoleCommunity:  "200 200 404 403 403",
		huanxin.RoleCommittee:  "200 200 404 403 403",
		huanxin.RoleResident:   "403 403 403 403 403",
		huanxin.RoleContractor: "200 200 404 403 403",
		huanxin.RoleProperty:   "200 200 404 403 403",
		huanxin.RoleUtility:    "200 200 404 403 403",
		huanxin.RoleAuditor:    "200 200 404 403 403",
	},
	"estates": {
		huanxin.RoleAdmin:      "200 200 200 200 200",
		huanxin.RoleBureau:     "200 200 404 200 403",
		huanxin.RoleStreet:     "200 200 404 200 403",
		huanxin.RoleCommunity:  "200 200 404 200 403",
		huanxin.RoleCommittee:  "200 200 404 403 403",
		huanxin.RoleResident:   "200 200 404 403 403",
		huanxin.RoleContractor: "200 200 404 403 403",
		huanxin.RoleProperty:   "200 200 404 403 403",
		huanxin.RoleUtility:    "200 200 404 403 403",
		huanxin.RoleAuditor:    "200 200 404 403 403",
	},
	"buildings": {
		huanxin.RoleAdmin:      "200 200 200 200 200",
		huanxin.RoleBureau:     "200 200 404 200 403",
		huanxin.RoleStreet:     "200 200 404 200 403",
		huanxin.RoleCommunity:  "200 200 404 200 403",
		huanxin.RoleCommittee:  "200 200 404 403 403",
		huanxin.RoleResident:   "200 200 404 403 403",
		huanxin.RoleContractor: "200 200 404 403 403",
		huanxin.RoleProperty:   "200 200 404 403 403",
		huanxin.RoleUtility:    "200 200 404 403 403",
		huanxin.RoleAuditor:    "200 200 404 403 403",
	},
	"stairwells": {
		huanxin.RoleAdmin:      "200 200 200 200 200",
		huanxin.RoleBureau:     "200 200 404 200 403",
		huanxin.RoleStreet:     "200 200 404 200 403",
		huanxin.RoleCommunity:  "200 200 404 200 403",
		huanxin.RoleCommittee:  "200 200 404 403 403",
		huanxin.RoleResident:   "200 200 404 403 403",
		huanxin.RoleContractor: "200 200 404 403 403",
		huanxin.RoleProperty:   "200 200 404 403 403",
		huanxin.RoleUtility:    "200 200 404 403 403",
		huanxin.RoleAuditor:    "200 200 404 403 403",
	},
	"parts": {
		huanxin.RoleAdmin:      "200 200 200 200 200",
		huanxin.RoleBureau:     "200 200 404 200 403",
		huanxin.RoleStreet:     "200 200 404 200 403",
		huanxin.RoleCommunity:  "200 200 404 200 403",
		huanxin.RoleCommittee:  "200 200 404 403 403",
		huanxin.RoleResident:   "200 200 404 403 403",
		huanxin.RoleContractor: "200 200 404 403 403",
		huanxin.RoleProperty:   "200 200 404 403 403",
		huanxin.RoleUtility:    "200 200 404 403 403",
		huanxin.RoleAuditor:    "200 200 404 403 403",
	},
	"owners": {
		huanxin.RoleAdmin:      "200 200 200 200 200",
		huanxin.RoleBureau:     "200 200 404 200 403",
		huanxin.RoleStreet:     "200 200 404 200 403",
		huanxin.RoleCommunity:  "200 200 404 200 403",
		huanxin.RoleCommittee:  "200 200 404 403 403",
		huanxin.RoleResident:   "200 200 404 403 403",
		huanxin.RoleContractor: "403 403 403 403 403",
		huanxin.RoleProperty:   "200 200 404 403 403",
		huanxin.RoleUtility:    "403 403 403 403 403",
		huanxin.RoleAuditor:    "200 200 404 403 403",
	},
	"ownerships": {
		huanxin.RoleAdmin:      "200 200 200 200 200",
		huanxin.RoleBureau:     "200 200 404 200 403",
		huanxin.RoleStreet:     "200 200 404 200 403",
		huanxin.RoleCommunity:  "200 200 404 200 403",
		huanxin.RoleCommittee:  "200 200 404 403 403",
		huanxin.RoleResident:   "200 200 404 403 403",
		huanxin.RoleContractor: "403 403 403 403 403",
		huanxin.RoleProperty:   "200 200 404 403 403",
		huanxin.RoleUtility:    "403 403 403 403 403",
		huanxin.RoleAuditor:    "200 200 404 403 403",
	},
	"residents": {
		huanxin.RoleAdmin:      "200 200 200 200 200",
		huanxin.RoleBureau:     "200 200 404 200 403",
		huanxin.RoleStreet:     "200 200 404 200 403",
		huanxin.RoleCommunity:  "200 200 404 200 403",
		huanxin.RoleCommittee:  "200 200 404 403 403",
		huanxin.RoleResident:   "200 200 404 403 403",
		huanxin.RoleContractor: "403 403 403 403 403",
		huanxin.RoleProperty:   "200 200 404 403 403",
		huanxin.RoleUtility:    "403 403 403 403 403",
		huanxin.RoleAuditor:    "200 200 404 403 403",
	},
}

// target is a record of one entity in district A (in scope; for residents
// linked to their part) and one in district B, and the member a PATCH
// changes.
type target struct {
	entity  string
	in, out int64
	member  string
	value   func(tag string, n int) any
}

func TestAuthorizationMatrix(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		w := e.w
		text := func(tag string, _ int) any { return tag }
		targets := []target{
			{"jurisdictions", w.commA.ID, w.commB.ID, "name", text},
			{"estates", w.estA.ID, w.estB.ID, "notes", text},
			{"buildings", w.bldA.ID, w.bldB.ID, "no", text},
			{"stairwells", w.stwA.ID, w.stwB.ID, "no", text},
			{"parts", w.partA.ID, w.partB.ID, "room", text},
			{"owners", w.ownA.ID, w.ownB.ID, "name", text},
			{"ownerships", w.shipA.ID, w.shipB.ID, "share_den", func(_ string, n int) any { return n }},
			{"residents", w.resA.ID, w.resB.ID, "name", text},
		}
		actorFor := func(role huanxin.Role) *huanxin.Actor {
			a := &huanxin.Actor{UserID: 100, Name: string(role), Role: role}
			switch role {
			case huanxin.RoleAdmin:
				a.Scope = huanxin.Scope{All: true}
			case huanxin.RoleResident:
				a.Scope = huanxin.Scope{PartIDs: []int64{w.partA.ID}}
			default:
				a.Scope = huanxin.Scope{Paths: []string{w.distA.Path}}
			}
			return a
		}
		// value reads a member of a record as the system sees it.
		value := func(t *testing.T, entity string, rid int64, member string) any {
			t.Helper()
			r := e.do(t, admin(), "GET", "/api/v1/"+entity+"/"+id(rid), "")
			if r.status != 200 {
				t.Fatalf("read back %s %d: %d", entity, rid, r.status)
			}
			return r.body[member]
		}
		if len(matrix) != len(targets) {
			t.Fatalf("matrix has %d entities, targets %d", len(matrix), len(targets))
		}
		n := 1
		for _, tg := range targets {
			for _, role := range huanxin.Roles {
				want := strings.Fields(matrix[tg.entity][role])
				if len(want) != 5 {
					t.Fatalf("matrix[%s][%s] = %q", tg.entity, role, matrix[tg.entity][role])
				}
				t.Run(tg.entity+"/"+string(role), func(t *testing.T) {
					a := actorFor(role)
					status := func(r *result) string { return strconv.Itoa(r.status) }

					list := e.do(t, a, "GET", "/api/v1/"+tg.entity+"?per_page=1000", "")
					if got := status(list); got != want[0] {
						t.Errorf("list: %s, want %s: %s", got, want[0], list.raw)
					} else if got == "200" {
						ids := list.ids(t)
						if !slices.Contains(ids, tg.in) {
							t.Errorf("list %v lacks the in-scope record %d", ids, tg.in)
						}
						if slices.Contains(ids, tg.out) != (role == huanxin.RoleAdmin) {
							t.Errorf("list %v: out-of-scope record %d shown=%v", ids, tg.out, slices.Contains(ids, tg.out))
						}
					}
					for i, rid := range []int64{tg.in, tg.out} {
						r := e.do(t, a, "GET", "/api/v1/"+tg.entity+"/"+id(rid), "")
						if got := status(r); got != want[1+i] {
							t.Errorf("read %d (in scope: %v): %s, want %s: %s", rid, i == 0, got, want[1+i], r.raw)
						} else if got == "200" && num(r.body["id"]) != rid {
							t.Errorf("read %d returned %s", rid, r.raw)
						}
					}
					for i, rid := range []int64{tg.in, tg.out} {
						n++
						v := tg.value(fmt.Sprintf("%s-%d", role, i), n)
						body, _ := json.Marshal(map[string]any{tg.member: v})
						r := e.do(t, a, "PATCH", "/api/v1/"+tg.entity+"/"+id(rid), string(body))
						got := status(r)
						if got != want[3+i] {
							t.Errorf("write %d (in scope: %v): %s, want %s: %s", rid, i == 0, got, want[3+i], r.raw)
						}
						// The write took effect exactly when it was allowed.
						stored := value(t, tg.entity, rid, tg.member)
						jv, _ := json.Marshal(v)
						js, _ := json.Marshal(stored)
						if changed := bytes.Equal(jv, js); changed != (got == "200") {
							t.Errorf("write %d answered %s but stored %s = %s", rid, got, tg.member, js)
						}
						if got == "200" && !bytes.Equal(mustJSON(r.body[tg.member]), jv) {
							t.Errorf("write %d: response %s = %v", rid, tg.member, r.body[tg.member])
						}
						if got == "403" {
							r.wantError(t, 403, "forbidden")
						}
					}
					if role == huanxin.RoleAuditor && want[3] != "403" {
						t.Errorf("an auditor may write %s", tg.entity)
					}
				})
			}
		}

		// Residents see their own part, nothing next door.
		t.Run("resident sees only their part", func(t *testing.T) {
			res := actorFor(huanxin.RoleResident)
			for entity, want := range map[string][]int64{
				"parts":      {w.partA.ID},
				"buildings":  {w.bldA.ID},
				"stairwells": {w.stwA.ID},
				"estates":    {w.estA.ID},
				"owners":     {w.ownA.ID},
				"ownerships": {w.shipA.ID},
				"residents":  {w.resA.ID},
			} {
				if got := e.do(t, res, "GET", "/api/v1/"+entity, "").ids(t); !slices.Equal(got, want) {
					t.Errorf("resident lists %s %v, want %v", entity, got, want)
				}
			}
			if r := e.do(t, res, "GET", "/api/v1/parts/"+id(w.partA2.ID), ""); r.status != 404 {
				t.Errorf("neighbour's part: %d", r.status)
			}
			if r := e.do(t, res, "GET", "/api/v1/parts?stairwell_id="+id(w.stwA.ID), ""); !slices.Equal(r.ids(t), []int64{w.partA.ID}) {
				t.Errorf("filtered parts: %s", r.raw)
			}
		})

		// An auditor reads everything in scope and writes nothing, not even
		// by creating.
		t.Run("auditor may not write", func(t *testing.T) {
			aud := actorFor(huanxin.RoleAuditor)
			e.do(t, aud, "POST", "/api/v1/buildings", `{"estate_id": `+id(w.estA.ID)+`, "no": "审计"}`).wantError(t, 403, "forbidden")
			e.do(t, aud, "PATCH", "/api/v1/estates/"+id(w.estA.ID), `{"notes": "审计"}`).wantError(t, 403, "forbidden")
		})

		// A read-only token of a bureau officer reads but does not write.
		t.Run("read-only token", func(t *testing.T) {
			ro := actorFor(huanxin.RoleBureau)
			ro.TokenID, ro.ReadOnly = 9, true
			if r := e.do(t, ro, "GET", "/api/v1/estates/"+id(w.estA.ID), ""); r.status != 200 {
				t.Errorf("read: %d", r.status)
			}
			e.do(t, ro, "PATCH", "/api/v1/estates/"+id(w.estA.ID), `{"notes": "只读"}`).wantError(t, 403, "forbidden")
		})

		// A bureau edits below its node, not the node itself.
		t.Run("bureau may not edit its own node", func(t *testing.T) {
			b := actorFor(huanxin.RoleBureau)
			e.do(t, b, "PATCH", "/api/v1/jurisdictions/"+id(w.distA.ID), `{"name": "改名区"}`).wantError(t, 403, "forbidden")
			if r := e.do(t, b, "PATCH", "/api/v1/jurisdictions/"+id(w.streetA.ID), `{"name": "清波街道办"}`); r.status != 200 || r.body["name"] != "清波街道办" {
				t.Errorf("street below the bureau: %d %s", r.status, r.raw)
			}
		})
	})
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
