package api_test

import (
	"context"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/api"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/planning/plan"
	"github.com/huanxin/huanxin/planning/programme"
	"github.com/huanxin/huanxin/store"
)

// The programmes' schemas list exactly the JSON members of their Go
// types, their enums the domain's values, and every route is documented.
func TestOpenAPIProgrammeSchemasMatchTypes(t *testing.T) {
	d := loadDoc(t)
	checkSchemas(t, d, map[string]reflect.Type{
		"ProgrammeCreate":         reflect.TypeFor[api.ProgrammeInput](),
		"DistrictQuota":           reflect.TypeFor[api.DistrictQuota](),
		"ProgrammeShare":          reflect.TypeFor[programme.Share](),
		"ProgrammeQuota":          reflect.TypeFor[programme.Quota](),
		"ProgrammeSummary":        reflect.TypeFor[api.ProgrammeSummary](),
		"Programme":               reflect.TypeFor[api.Programme](),
		"ProgrammeCandidate":      reflect.TypeFor[api.ProgrammeCandidate](),
		"ProgrammeReason":         reflect.TypeFor[programme.Reason](),
		"ProgrammeDistrict":       reflect.TypeFor[programme.DistrictTotal](),
		"ProgrammePrices":         reflect.TypeFor[programme.Prices](),
		"ProgrammeTotals":         reflect.TypeFor[programme.Totals](),
		"ProgrammeComparison":     reflect.TypeFor[api.ProgrammeComparison](),
		"ProgrammeDistrictChange": reflect.TypeFor[programme.DistrictChange](),
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
	var objs []string
	for _, o := range programme.Objectives {
		objs = append(objs, string(o))
	}
	enum("ProgrammeObjective", objs)
	enum("ProgrammeStatus", []string{string(programme.StatusDraft), string(programme.StatusAdopted)})
	enum("ProgrammeScores", []string{string(programme.ScoresRanked), string(programme.ScoresEqual)})
	enum("ProgrammeReasonCode", []string{string(programme.ReasonMust), string(programme.ReasonAboveMargin), string(programme.ReasonFillsRoom),
		string(programme.ReasonKeepsShare), string(programme.ReasonMustNot), string(programme.ReasonZeroBenefit), string(programme.ReasonBudget),
		string(programme.ReasonDistrictCount), string(programme.ReasonDistrictCost), string(programme.ReasonBasicShare), string(programme.ReasonBelowMargin)})

	routes := api.NewWithExtras(&estate.Service{}, api.Extras{Programmes: &programme.Service{}}).Routes()
	for _, r := range []string{"GET /api/v1/programmes", "POST /api/v1/programmes", "GET /api/v1/programmes/{id}",
		"GET /api/v1/programmes/{id}/compare", "POST /api/v1/programmes/{id}/adopt"} {
		method, path, _ := strings.Cut(r, " ")
		if !slices.Contains(routes, r) {
			t.Errorf("route %s not registered", r)
		} else if item := d.Paths.Value(path); item == nil || item.GetOperation(method) == nil {
			t.Errorf("route %s not documented", r)
		}
	}
}

// newProgrammeEnv mounts the programmes' API over the world, where both
// estates have an approved plan: estate A's costs 40,000 yuan (all basic),
// estate B's 15,000 yuan of greening (no basic part).
func newProgrammeEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	e := newEnv(t, db)
	reg := &estate.Service{Store: db}
	sys := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
	plans := &plan.Service{Store: db, Register: reg, Catalogue: &planning.CatalogueService{Store: db, Register: reg}}
	for est, line := range map[int64]plan.LineInput{
		e.w.estA.ID: {ItemCode: "B14", Quantity: 10000, UnitCost: 40000, Phase: 1},
		e.w.estB.ID: {ItemCode: "I02", Quantity: 10000, UnitCost: 15000, Phase: 1},
	} {
		p, err := plans.Create(sys, est, "综合改造")
		if err == nil {
			_, err = plans.SetLines(sys, p.ID, []plan.LineInput{line})
		}
		if err == nil {
			err = plans.Submit(sys, p.ID)
		}
		for range 3 {
			if err == nil {
				err = plans.Approve(sys, p.ID)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	e.mux = http.NewServeMux()
	api.NewWithExtras(reg, api.Extras{Programmes: &programme.Service{Store: db, Register: reg}}).Register(e.mux)
	return e
}

func TestProgrammesHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		e := newProgrammeEnv(t, db)
		bureau := e.actor(huanxin.RoleBureau, e.w.city)
		community := e.actor(huanxin.RoleCommunity, e.w.commA)
		cityID := id(e.w.city.ID)

		// 20,000 yuan buys one estate: both score 1, so A (the costlier) is
		// out for the budget.
		body := `{"jurisdiction_id": ` + cityID + `, "year": 2026, "title": "2026年度计划", "objective": "score", "budget": 2000000,
			"scores": "equal", "district_quotas": [{"district": ` + id(e.w.distB.ID) + `, "max_count": 1, "max_cost": 0}],
			"min_basic_share": {"num": 0, "den": 0}, "must": [], "must_not": [], "weight_set_id": 0}`
		r := e.do(t, nil, "POST", "/api/v1/programmes", body)
		r.wantError(t, http.StatusUnauthorized, huanxin.EUNAUTHORIZED)
		r = e.do(t, community, "POST", "/api/v1/programmes", body)
		r.wantError(t, http.StatusForbidden, huanxin.EFORBIDDEN)
		readOnly := *bureau
		readOnly.ReadOnly = true
		r = e.do(t, &readOnly, "POST", "/api/v1/programmes", body)
		r.wantError(t, http.StatusForbidden, huanxin.EFORBIDDEN)
		r = e.do(t, bureau, "POST", "/api/v1/programmes", `{"jurisdiction_id": `+cityID+`, "year": 2026, "title": "x", "budget": 0, "scores": "equal", "extra": 1}`)
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "extra")
		r = e.do(t, bureau, "POST", "/api/v1/programmes", `{"jurisdiction_id": `+cityID+`, "year": 2026, "title": "x", "budget": 0, "scores": "equal"}`)
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "budget")
		r = e.do(t, bureau, "POST", "/api/v1/programmes", `{"jurisdiction_id": `+cityID+`, "year": 2026, "title": "x", "budget": 100, "scores": "equal",
			"must": [`+id(e.w.estA.ID)+`]}`)
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "budget")
		r = e.do(t, bureau, "POST", "/api/v1/programmes", body)
		if r.status != http.StatusCreated || num(r.body["count"]) != 1 || num(r.body["cost"]) != 1500000 || r.body["optimal"] != true ||
			r.body["status"] != "draft" || len(r.body["candidates"].([]any)) != 2 {
			t.Fatalf("create: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "POST /api/v1/programmes", body)
		aID := num(r.body["id"])
		a := id(aID)
		candA := r.body["candidates"].([]any)[0].(map[string]any)
		reason := candA["reasons"].([]any)[0].(map[string]any)
		if candA["in"] != false || candA["basic_cost"] != 4000000.0 || candA["floor_area"] != 17064.0 || reason["code"] != "budget" ||
			reason["amount"] != 3500000.0 || candA["district_name"] != e.w.distA.Name {
			t.Fatalf("estate A: %v", candA)
		}

		// What-if: a budget of 60,000 yuan takes both.
		body2 := `{"jurisdiction_id": ` + cityID + `, "year": 2026, "title": "加预算", "objective": "score", "budget": 6000000, "scores": "equal"}`
		r = e.do(t, bureau, "POST", "/api/v1/programmes", body2)
		if r.status != http.StatusCreated || num(r.body["count"]) != 2 {
			t.Fatalf("create B: %d %s", r.status, r.raw)
		}
		bID := num(r.body["id"])
		b := id(bID)
		r = e.do(t, community, "GET", "/api/v1/programmes/"+a+"/compare?with="+b, "")
		if r.status != http.StatusOK || len(r.body["entered"].([]any)) != 1 || num(r.body["entered"].([]any)[0]) != e.w.estA.ID ||
			num(r.body["delta"].(map[string]any)["cost"]) != 4000000 {
			t.Fatalf("compare: %d %s", r.status, r.raw)
		}
		r = e.do(t, community, "GET", "/api/v1/programmes/"+a+"/compare", "")
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "with")
		r = e.do(t, community, "GET", "/api/v1/programmes/"+a+"/compare?with=x", "")
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "with")

		// Lists: the community of district A sees the city's programmes;
		// residents none.
		r = e.do(t, community, "GET", "/api/v1/programmes?year=2026&jurisdiction_id="+cityID, "")
		if r.status != http.StatusOK || !slices.Equal(r.ids(t), []int64{bID, aID}) {
			t.Fatalf("list: %d %s", r.status, r.raw)
		}
		r = e.do(t, community, "GET", "/api/v1/programmes?year=1999&sort=x", "")
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "sort", "year")
		r = e.do(t, e.actor(huanxin.RoleResident), "GET", "/api/v1/programmes", "")
		r.wantError(t, http.StatusForbidden, huanxin.EFORBIDDEN)
		r = e.do(t, community, "GET", "/api/v1/programmes/"+a, "")
		if r.status != http.StatusOK || r.body["title"] != "2026年度计划" || num(r.body["district_quotas"].([]any)[0].(map[string]any)["max_count"]) != 1 {
			t.Fatalf("get: %d %s", r.status, r.raw)
		}
		r = e.do(t, community, "GET", "/api/v1/programmes/99999", "")
		r.wantError(t, http.StatusNotFound, huanxin.ENOTFOUND)

		// Adopting.
		r = e.do(t, community, "POST", "/api/v1/programmes/"+b+"/adopt", "")
		r.wantError(t, http.StatusForbidden, huanxin.EFORBIDDEN)
		r = e.do(t, bureau, "POST", "/api/v1/programmes/"+b+"/adopt", "")
		if r.status != http.StatusOK || r.body["status"] != "adopted" || r.body["adopted"] == nil {
			t.Fatalf("adopt: %d %s", r.status, r.raw)
		}
		r = e.do(t, bureau, "POST", "/api/v1/programmes/"+b+"/adopt", "{}")
		r.wantError(t, http.StatusConflict, huanxin.ECONFLICT)
	})
}
