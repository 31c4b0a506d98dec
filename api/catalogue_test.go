package api_test

import (
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/api"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/store"
)

// The catalogue's schemas list exactly the JSON members of their Go types,
// and its enums the keys the domain knows.
func TestOpenAPICatalogueSchemasMatchTypes(t *testing.T) {
	d := loadDoc(t)
	checkSchemas(t, d, map[string]reflect.Type{
		"CatalogueItem":       reflect.TypeFor[api.CatalogueItem](),
		"CatalogueItemCreate": reflect.TypeFor[api.CatalogueItemInput](),
		"CatalogueItemPatch":  reflect.TypeFor[api.CatalogueFields](),
	})
	enum := func(schema string, want []string) {
		var got []string
		for _, v := range d.Components.Schemas[schema].Value.Enum {
			got = append(got, v.(string))
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s enum = %v, want %v", schema, got, want)
		}
	}
	keys := func(terms []planning.Term) []string {
		var out []string
		for _, x := range terms {
			out = append(out, x.Key)
		}
		return out
	}
	var cats []string
	for _, c := range planning.Categories {
		cats = append(cats, string(c))
	}
	enum("CatalogueCategory", cats)
	enum("CatalogueUnit", keys(planning.Units))
	enum("FundingSourceKind", keys(planning.SourceTypes))
	enum("SignOffBody", keys(planning.SignOffBodies))

	// Every catalogue route is documented.
	routes := api.NewWithExtras(&estate.Service{}, api.Extras{Catalogue: &planning.CatalogueService{}}).Routes()
	want := []string{"GET /api/v1/catalogue", "POST /api/v1/catalogue/items", "GET /api/v1/catalogue/items/{id}", "PATCH /api/v1/catalogue/items/{id}"}
	for _, r := range want {
		method, path, _ := strings.Cut(r, " ")
		if !slices.Contains(routes, r) {
			t.Errorf("route %s not registered", r)
		} else if item := d.Paths.Value(path); item == nil || item.GetOperation(method) == nil {
			t.Errorf("route %s not documented", r)
		}
	}
}

func newCatalogueEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	var tick atomic.Int64
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return start.Add(time.Duration(tick.Add(1)) * time.Second) }
	e := &env{db: db, mux: http.NewServeMux(), doc: loadDoc(t), w: mustWorld(t, db)}
	reg := &estate.Service{Store: db}
	api.NewWithExtras(reg, api.Extras{Catalogue: &planning.CatalogueService{Store: db, Register: reg}}).Register(e.mux)
	return e
}

func TestCatalogueHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		e := newCatalogueEnv(t, db)
		city := id(e.w.city.ID)
		bureau := e.actor(huanxin.RoleBureau, e.w.city)
		community := e.actor(huanxin.RoleCommunity, e.w.commA)
		resident := &huanxin.Actor{UserID: 300, Name: "业主", Role: huanxin.RoleResident, OwnerID: e.w.ownA.ID,
			Scope: huanxin.Scope{PartIDs: []int64{e.w.partA.ID}}}

		// Anyone signed in reads; the first read creates the default.
		r := e.do(t, nil, "GET", "/api/v1/catalogue", "")
		r.wantError(t, http.StatusUnauthorized, huanxin.EUNAUTHORIZED)
		r = e.do(t, community, "GET", "/api/v1/catalogue?per_page=100", "")
		if r.status != http.StatusOK || num(r.body["total"]) != int64(len(planning.DefaultCatalogue())) {
			t.Fatalf("list: %d %s", r.status, r.raw)
		}
		first := r.items(t)[0]
		if first["code"] != "B01" || first["category"] != "basic" || num(first["city_id"]) != e.w.city.ID || first["active"] != true {
			t.Errorf("first item %v", first)
		}
		r = e.do(t, resident, "GET", "/api/v1/catalogue?category=improve&q=电梯&city_id="+city, "")
		items := r.items(t)
		if r.status != http.StatusOK || len(items) != 1 || items[0]["code"] != "I15" || num(items[0]["decision_item"]) != 7 ||
			num(items[0]["unit_cost"]) != 700000_00 || items[0]["unit"] != "部" {
			t.Fatalf("lift: %d %s", r.status, r.raw)
		}
		lift := id(num(items[0]["id"]))
		r = e.do(t, e.actor(huanxin.RoleBureau, e.w.distB), "GET", "/api/v1/catalogue?active=false", "")
		if r.status != http.StatusOK || num(r.body["total"]) != 0 {
			t.Errorf("inactive: %s", r.raw)
		}
		r = e.do(t, community, "GET", "/api/v1/catalogue?category=luxury&active=yes&city_id=x&sort=code", "")
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "sort", "city_id", "category", "active")
		r = e.do(t, community, "GET", "/api/v1/catalogue?city_id=999999", "")
		r.wantError(t, http.StatusNotFound, huanxin.ENOTFOUND)
		r = e.do(t, community, "GET", "/api/v1/catalogue/items/"+lift, "")
		if r.status != http.StatusOK || r.body["name"] != "加装电梯" {
			t.Fatalf("get: %s", r.raw)
		}
		r = e.do(t, community, "GET", "/api/v1/catalogue/items/99999999", "")
		r.wantError(t, http.StatusNotFound, huanxin.ENOTFOUND)

		// Only city-wide bureaus and administrators change items; members
		// present change, the code does not.
		r = e.do(t, community, "PATCH", "/api/v1/catalogue/items/"+lift, `{"unit_cost": 65000000}`)
		r.wantError(t, http.StatusForbidden, huanxin.EFORBIDDEN)
		r = e.do(t, e.actor(huanxin.RoleBureau, e.w.distA), "PATCH", "/api/v1/catalogue/items/"+lift, `{"unit_cost": 65000000}`)
		r.wantError(t, http.StatusForbidden, huanxin.EFORBIDDEN)
		r = e.do(t, bureau, "PATCH", "/api/v1/catalogue/items/"+lift, `{"code": "Z1", "unit_cost": "lots"}`)
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "code", "unit_cost")
		r = e.do(t, bureau, "PATCH", "/api/v1/catalogue/items/"+lift, `{"unit_cost": -1, "sources": ["lottery"], "depends_on": ["Q9"]}`)
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "unit_cost", "sources", "depends_on")
		body := `{"unit_cost": 65000000, "life_years": 25, "notes": "本市补助每部20万元"}`
		r = e.do(t, bureau, "PATCH", "/api/v1/catalogue/items/"+lift, body)
		if r.status != http.StatusOK || num(r.body["unit_cost"]) != 65000000 || num(r.body["life_years"]) != 25 ||
			r.body["code"] != "I15" || num(r.body["decision_item"]) != 7 || num(r.body["updated_by"]) != bureau.UserID {
			t.Fatalf("patch: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "PATCH /api/v1/catalogue/items/{id}", body)
		readOnly := *bureau
		readOnly.ReadOnly = true
		r = e.do(t, &readOnly, "PATCH", "/api/v1/catalogue/items/"+lift, `{"active": false}`)
		r.wantError(t, http.StatusForbidden, huanxin.EFORBIDDEN)

		// New items.
		body = `{"code": "x01", "name": "海绵化改造", "name_en": "Sponge retrofit", "category": "improve", "unit": "m²",
			"unit_cost": 18000, "life_years": 20, "sources": ["city_budget", "owners"], "sign_offs": ["drainage"], "depends_on": ["B02"]}`
		r = e.do(t, community, "POST", "/api/v1/catalogue/items", body)
		r.wantError(t, http.StatusForbidden, huanxin.EFORBIDDEN)
		r = e.do(t, bureau, "POST", "/api/v1/catalogue/items", body)
		if r.status != http.StatusCreated || r.body["code"] != "X01" || r.body["active"] != true || num(r.body["city_id"]) != e.w.city.ID {
			t.Fatalf("create: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "POST /api/v1/catalogue/items", body)
		r = e.do(t, bureau, "POST", "/api/v1/catalogue/items", body)
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "code")
		r = e.do(t, bureau, "POST", "/api/v1/catalogue/items", `{"code": "X02", "name": "", "category": "luxury", "unit": "斤", "id": 5}`)
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "id")
		r = e.do(t, bureau, "POST", "/api/v1/catalogue/items", `{"code": "X02", "name": "", "category": "luxury", "unit": "斤"}`)
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "name", "category", "unit")
		// A dependency cycle is refused.
		r = e.do(t, bureau, "GET", "/api/v1/catalogue?q=雨污分流", "")
		b02 := id(num(r.items(t)[0]["id"]))
		r = e.do(t, bureau, "PATCH", "/api/v1/catalogue/items/"+b02, `{"depends_on": ["X01"]}`)
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "depends_on")
	})
}
