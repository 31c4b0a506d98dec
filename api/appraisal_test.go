package api_test

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/api"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/store"
)

// The appraisal schemas list exactly the JSON members of their Go types
// and every route is documented.
func TestOpenAPIAppraisalSchemasMatchTypes(t *testing.T) {
	d := loadDoc(t)
	checkSchemas(t, d, map[string]reflect.Type{
		"AppraisalItem":     reflect.TypeFor[api.AppraisalItem](),
		"AppraisalLoan":     reflect.TypeFor[api.AppraisalLoan](),
		"AppraisalModel":    reflect.TypeFor[api.AppraisalModel](),
		"Appraisal":         reflect.TypeFor[api.Appraisal](),
		"AppraisalUpdate":   reflect.TypeFor[api.AppraisalUpdate](),
		"AppraisalCreate":   reflect.TypeFor[api.AppraisalCreate](),
		"AppraisalPayback":  reflect.TypeFor[api.AppraisalPayback](),
		"AppraisalYear":     reflect.TypeFor[api.AppraisalYear](),
		"AppraisalScenario": reflect.TypeFor[api.AppraisalScenario](),
		"AppraisalResult":   reflect.TypeFor[api.AppraisalResult](),

		"AppraisalScenarioInput":   reflect.TypeFor[api.AppraisalScenarioInput](),
		"AppraisalCustomScenario":  reflect.TypeFor[api.AppraisalCustomScenario](),
		"AppraisalCustomScenarios": reflect.TypeFor[api.AppraisalCustomScenarios](),
		"AppraisalScenarioResult":  reflect.TypeFor[api.AppraisalScenarioResult](),
	})
	routes := api.NewWithExtras(&estate.Service{}, api.Extras{Appraisals: &funding.Appraisals{}}).Routes()
	for _, r := range []string{"GET /api/v1/appraisals", "POST /api/v1/appraisals", "GET /api/v1/appraisals/{id}",
		"PUT /api/v1/appraisals/{id}", "GET /api/v1/appraisals/{id}/result", "GET /api/v1/appraisals/{id}/scenarios",
		"POST /api/v1/appraisals/{id}/scenarios", "PUT /api/v1/appraisals/{id}/scenarios/{scenario}",
		"DELETE /api/v1/appraisals/{id}/scenarios/{scenario}"} {
		method, path, _ := strings.Cut(r, " ")
		if !slices.Contains(routes, r) {
			t.Errorf("route %s not registered", r)
		} else if item := d.Paths.Value(path); item == nil || item.GetOperation(method) == nil {
			t.Errorf("route %s not documented", r)
		}
	}
}

func TestAppraisalHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		e := newFundingEnv(t, db)
		reg := &estate.Service{Store: db}
		api.NewWithExtras(reg, api.Extras{Appraisals: &funding.Appraisals{Store: db, Register: reg}}).Register(e.mux)
		community := e.actor(huanxin.RoleCommunity, e.w.commA)
		other := e.actor(huanxin.RoleCommunity, e.w.commB)
		resident := &huanxin.Actor{UserID: 300, Name: "业主", Role: huanxin.RoleResident, OwnerID: e.w.ownA.ID,
			Scope: huanxin.Scope{PartIDs: []int64{e.w.partA.ID}}}
		est := id(e.w.estA.ID)

		// −1000 then 600 a year for two years, no loan: IRR ≈ 13.07 %.
		model := `{"years":3,"capital_cost":[1000],"revenues":[{"category":"parking","values":[0,600,600]}],"tax_rate":0,"discount_rate":0.05}`
		create := `{"estate_id":` + est + `,"title":"停车","model":` + model + `}`
		r := e.do(t, nil, "POST", "/api/v1/appraisals", create)
		r.wantError(t, http.StatusUnauthorized, huanxin.EUNAUTHORIZED)
		r = e.do(t, resident, "POST", "/api/v1/appraisals", create)
		r.wantError(t, http.StatusForbidden, huanxin.EFORBIDDEN)
		r = e.do(t, community, "POST", "/api/v1/appraisals", `{"estate_id":`+est+`,"title":"","model":{"years":1,"loan":{"principal":5,"term":0,"repayment":"x"}}}`)
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "title", "years", "loan.term", "loan.repayment")
		r = e.do(t, community, "POST", "/api/v1/appraisals", create)
		if r.status != http.StatusCreated || r.body["title"] != "停车" {
			t.Fatalf("create: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "POST /api/v1/appraisals", create)
		ap := id(num(r.body["id"]))

		r = e.do(t, other, "GET", "/api/v1/appraisals/"+ap, "")
		r.wantError(t, http.StatusNotFound, huanxin.ENOTFOUND)
		r = e.do(t, community, "GET", "/api/v1/appraisals?estate_id="+est, "")
		if r.status != http.StatusOK || num(r.body["total"]) != 1 {
			t.Fatalf("list: %d %s", r.status, r.raw)
		}
		r = e.do(t, community, "GET", "/api/v1/appraisals", "")
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "estate_id")

		r = e.do(t, community, "GET", "/api/v1/appraisals/"+ap+"/result", "")
		irr, _ := r.body["irr"].(float64)
		if r.status != http.StatusOK || irr < 0.1306 || irr > 0.1307 || len(r.body["table"].([]any)) != 3 ||
			len(r.body["sensitivity"].([]any)) != 9 || r.body["min_dscr"] != nil {
			t.Fatalf("result: %d %s", r.status, r.raw)
		}

		// Custom scenarios: a revenue +20 % scenario agrees with the
		// sensitivity table's row; names are unique; bad changes name
		// their field.
		scenarios := "/api/v1/appraisals/" + ap + "/scenarios"
		more := `{"name":"收入增两成","revenue_change":0.2}`
		e.do(t, resident, "POST", scenarios, more).wantError(t, http.StatusForbidden, huanxin.EFORBIDDEN)
		e.do(t, other, "POST", scenarios, more).wantError(t, http.StatusNotFound, huanxin.ENOTFOUND)
		e.do(t, community, "POST", scenarios, `{"name":" ","revenue_change":-2,"discount_rate_change":1}`).
			wantError(t, http.StatusBadRequest, huanxin.EINVALID, "name", "revenue_change", "discount_rate_change")
		r = e.do(t, community, "POST", scenarios, more)
		if r.status != http.StatusCreated || r.body["name"] != "收入增两成" || r.body["revenue_change"] != 0.2 {
			t.Fatalf("add scenario: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "POST /api/v1/appraisals/{id}/scenarios", more)
		first := id(num(r.body["id"]))
		e.do(t, community, "POST", scenarios, more).wantError(t, http.StatusBadRequest, huanxin.EINVALID, "name")
		lower := `{"name":"折现率下调","discount_rate_change":-0.5,"loan_rate_change":0.01}`
		if r = e.do(t, community, "POST", scenarios, lower); r.status != http.StatusCreated {
			t.Fatalf("add a second scenario: %d %s", r.status, r.raw)
		}
		second := id(num(r.body["id"]))
		r = e.do(t, community, "GET", "/api/v1/appraisals/"+ap+"/result", "")
		sens, custom := r.body["sensitivity"].([]any), r.body["scenarios"].([]any)
		if r.status != http.StatusOK || len(custom) != 2 {
			t.Fatalf("result with scenarios: %d %s", r.status, r.raw)
		}
		plus20 := sens[1].(map[string]any)
		got := custom[0].(map[string]any)["result"].(map[string]any)
		if got["npv"] != plus20["npv"] || got["irr"] != plus20["irr"] || got["name"] != "收入增两成" {
			t.Errorf("revenue +20%%: %v, the sensitivity table has %v", got, plus20)
		}
		if lowNPV := custom[1].(map[string]any)["result"].(map[string]any)["npv"].(float64); lowNPV <= r.body["npv"].(float64) {
			t.Errorf("a lower discount rate lowers the NPV: %v", lowNPV)
		}

		edit := `{"name":"成本增五成","cost_change":0.5}`
		e.do(t, community, "PUT", scenarios+"/999999", edit).wantError(t, http.StatusNotFound, huanxin.ENOTFOUND)
		e.do(t, community, "PUT", scenarios+"/"+first, `{"name":"折现率下调"}`).wantError(t, http.StatusBadRequest, huanxin.EINVALID, "name")
		if r = e.do(t, community, "PUT", scenarios+"/"+first, edit); r.status != http.StatusOK || r.body["cost_change"] != 0.5 || r.body["revenue_change"] != 0.0 {
			t.Fatalf("update scenario: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "PUT /api/v1/appraisals/{id}/scenarios/{scenario}", edit)
		e.do(t, resident, "DELETE", scenarios+"/"+first, "").wantError(t, http.StatusForbidden, huanxin.EFORBIDDEN)
		del := httptest.NewRequest("DELETE", scenarios+"/"+first, nil)
		rec := httptest.NewRecorder()
		e.mux.ServeHTTP(rec, del.WithContext(huanxin.NewContextWithActor(del.Context(), community)))
		if rec.Code != http.StatusNoContent {
			t.Fatalf("delete scenario: %d %s", rec.Code, rec.Body)
		}
		e.do(t, community, "DELETE", scenarios+"/"+first, "").wantError(t, http.StatusNotFound, huanxin.ENOTFOUND)
		r = e.do(t, community, "GET", scenarios, "")
		if items := r.items(t); r.status != http.StatusOK || len(items) != 1 || id(num(items[0]["id"])) != second {
			t.Fatalf("scenarios: %d %s", r.status, r.raw)
		}

		// A model the kept scenario no longer fits: its row says why.
		lowRate := `{"title":"停车","model":{"years":3,"capital_cost":[1000],"revenues":[{"category":"parking","values":[0,600,600]}],"tax_rate":0,"discount_rate":-0.6}}`
		if r = e.do(t, community, "PUT", "/api/v1/appraisals/"+ap, lowRate); r.status != http.StatusOK {
			t.Fatalf("update: %d %s", r.status, r.raw)
		}
		r = e.do(t, community, "GET", "/api/v1/appraisals/"+ap+"/result", "")
		if custom := r.body["scenarios"].([]any); len(custom) != 1 || custom[0].(map[string]any)["result"] != nil || custom[0].(map[string]any)["error"] == "" {
			t.Fatalf("a scenario that no longer appraises: %s", r.raw)
		}

		// Flows −100, 230, −132 have two IRRs (10 % and 20 %): none is given, with the reason.
		update := `{"title":"两个收益率","model":{"years":3,"capital_cost":[100,0,132],"revenues":[{"category":"other","values":[0,230]}],"tax_rate":0,"discount_rate":0.05}}`
		r = e.do(t, community, "PUT", "/api/v1/appraisals/"+ap, update)
		if r.status != http.StatusOK || r.body["title"] != "两个收益率" {
			t.Fatalf("update: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "PUT /api/v1/appraisals/{id}", update)
		r = e.do(t, community, "GET", "/api/v1/appraisals/"+ap+"/result", "")
		if r.status != http.StatusOK || r.body["irr"] != nil || r.body["irr_note"] == "" {
			t.Fatalf("several IRRs: %d %s", r.status, r.raw)
		}
	})
}
