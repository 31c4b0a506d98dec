package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/api"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/planning/priority"
	"github.com/huanxin/huanxin/store"
)

// The priority schemas list exactly the JSON members of their Go types.
func TestOpenAPIPrioritySchemasMatchTypes(t *testing.T) {
	checkSchemas(t, loadDoc(t), map[string]reflect.Type{
		"Indicator":             reflect.TypeFor[api.Indicator](),
		"IndicatorValue":        reflect.TypeFor[api.IndicatorValue](),
		"EstateIndicatorValues": reflect.TypeFor[api.EstateValues](),
		"IndicatorValues":       reflect.TypeFor[api.IndicatorValues](),
		"IndicatorValuesInput":  reflect.TypeFor[api.IndicatorValuesInput](),
		"Stored":                reflect.TypeFor[api.Stored](),
		"WeightSet":             reflect.TypeFor[api.WeightSet](),
		"WeightSetInput":        reflect.TypeFor[api.WeightSetInput](),
		"AHPInput":              reflect.TypeFor[api.AHPInput](),
		"AHPResult":             reflect.TypeFor[api.AHPResult](),
		"RankingInput":          reflect.TypeFor[api.RankingInput](),
		"Ranking":               reflect.TypeFor[api.Ranking](),
		"RankedEstate":          reflect.TypeFor[api.RankedEstate](),
		"RankingContribution":   reflect.TypeFor[api.Contribution](),
		"MissingValues":         reflect.TypeFor[api.MissingValues](),
		"RankingSensitivity":    reflect.TypeFor[api.RankingSensitivity](),
		"RankingPerturbation":   reflect.TypeFor[api.Perturbation](),
		"EstateSensitivity":     reflect.TypeFor[api.EstateSensitivity](),
	})
}

func TestPriorityHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		w := e.w
		reg := &estate.Service{Store: db}
		e.mux = http.NewServeMux()
		api.NewWithExtras(reg, api.Extras{Priority: &priority.Service{Store: db, Reg: reg, Now: db.Now}}).Register(e.mux)
		bureau := e.actor(huanxin.RoleBureau, w.city)
		community := e.actor(huanxin.RoleCommunity, w.commA)
		auditor := e.actor(huanxin.RoleAuditor, w.city)
		contractor := e.actor(huanxin.RoleContractor, w.commA)
		city, js := id(w.city.ID), "/api/v1/indicators/values?jurisdiction_id="+id(w.city.ID)

		// The indicator system, and the register's values of both estates.
		if r := e.do(t, auditor, "GET", "/api/v1/indicators", ""); r.status != 200 {
			t.Fatalf("indicators: %d %s", r.status, r.raw)
		}
		e.do(t, contractor, "GET", js, "").wantError(t, 403, huanxin.EFORBIDDEN)
		e.do(t, bureau, "GET", "/api/v1/indicators/values", "").wantError(t, 400, huanxin.EINVALID, "jurisdiction_id")
		r := e.do(t, bureau, "GET", js, "")
		var vals api.IndicatorValues
		if err := json.Unmarshal(r.raw, &vals); err != nil || r.status != 200 || len(vals.Estates) != 2 {
			t.Fatalf("values: %d %s", r.status, r.raw)
		}
		a := vals.Estates[0].Values
		// Built 1985, counted in 2026; one resident born 1950; two dwelling parts.
		if a["building_age"].Value != 41 || a["population"].Value != 1 || a["elderly_share"].Value != 100 || a["households"].Value != 2 ||
			a["management_after"].Value != 0 || a["building_age"].Source != "register" {
			t.Errorf("register values %+v", a)
		}
		// The community sees only its estate.
		if r := e.do(t, community, "GET", "/api/v1/indicators/values?jurisdiction_id="+id(w.commA.ID), ""); r.status != 200 || strings.Contains(string(r.raw), "安居苑") {
			t.Errorf("community values: %d %s", r.status, r.raw)
		}

		// Entering: in scope, not register indicators, all or none.
		put := fmt.Sprintf(`{"values": [{"estate_id": %d, "key": "safety_hazards", "value": 4}, {"estate_id": %d, "key": "support_rate", "value": 82.5, "source": "needs"}]}`, w.estA.ID, w.estA.ID)
		e.do(t, contractor, "PUT", "/api/v1/indicators/values", put).wantError(t, 403, huanxin.EFORBIDDEN)
		e.do(t, community, "PUT", "/api/v1/indicators/values", fmt.Sprintf(`{"values": [{"estate_id": %d, "key": "safety_hazards", "value": 1}]}`, w.estB.ID)).
			wantError(t, 403, huanxin.EFORBIDDEN)
		e.do(t, community, "PUT", "/api/v1/indicators/values", fmt.Sprintf(`{"values": [{"estate_id": %d, "key": "safety_hazards", "value": 1}, {"estate_id": %d, "key": "building_age", "value": 3}, {"estate_id": %d, "key": "support_rate", "value": 120}]}`, w.estA.ID, w.estA.ID, w.estA.ID)).
			wantError(t, 400, huanxin.EINVALID, "values[1].value", "values[2].value")
		if r := e.do(t, community, "PUT", "/api/v1/indicators/values", put); r.status != 200 || num(r.body["stored"]) != 2 {
			t.Fatalf("put: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "PUT /api/v1/indicators/values", put)
		json.Unmarshal(e.do(t, bureau, "GET", js, "").raw, &vals)
		if v := vals.Estates[0].Values["support_rate"]; v.Value != 82.5 || v.Source != "needs" || v.By != community.UserID {
			t.Errorf("stored value %+v", v)
		}

		// Import: a CSV naming the row and column of a bad cell, nothing stored.
		imp := func(body string) *result {
			req := httptest.NewRequest("POST", "/api/v1/indicators/import?jurisdiction_id="+city, strings.NewReader(body))
			req.Header.Set("Content-Type", api.MediaCSV)
			return e.send(t, bureau, req)
		}
		r = imp("小区编码,安全隐患(处)\nE1,2\nE2,很多\nE9,1\n")
		r.wantError(t, 400, huanxin.EINVALID, "安全隐患(处)", "小区编码")
		if !strings.Contains(string(r.raw), `"row":3`) || !strings.Contains(string(r.raw), `"column":"B"`) || !strings.Contains(string(r.raw), "E9") {
			t.Errorf("import errors: %s", r.raw)
		}
		if r := imp("小区编码,安全隐患(处)\nE1,2\nE2,1\n"); r.status != 200 || num(r.body["stored"]) != 2 {
			t.Fatalf("import: %d %s", r.status, r.raw)
		}

		// Weight sets: bureau only; AHP checked.
		ahp := `{"keys": ["building_age", "safety_hazards", "population"], "matrix": [[1, 3, 5], [0.3333, 1, 3], [0.2, 0.3333, 1]]}`
		if r := e.do(t, auditor, "POST", "/api/v1/weight-sets/ahp", ahp); r.status != 200 || r.body["consistent"] != true {
			t.Errorf("ahp: %d %s", r.status, r.raw)
		}
		bad := `{"keys": ["building_age", "safety_hazards", "population"], "matrix": [[1, 9, 0.1111], [0.1111, 1, 9], [9, 0.1111, 1]]}`
		r = e.do(t, auditor, "POST", "/api/v1/weight-sets/ahp", bad)
		if r.status != 200 || r.body["consistent"] != false || r.body["cr"].(float64) < 0.1 || !strings.Contains(r.body["message"].(string), "「安全隐患」比「居住人口」") {
			t.Errorf("inconsistent ahp: %d %s", r.status, r.raw)
		}
		create := `{"city_id": ` + city + `, "name": "重安全", "method": "ahp", "keys": ["building_age", "safety_hazards", "population"], "matrix": [[1, 3, 5], [0.3333, 1, 3], [0.2, 0.3333, 1]]}`
		e.do(t, community, "POST", "/api/v1/weight-sets", create).wantError(t, 403, huanxin.EFORBIDDEN)
		e.do(t, bureau, "POST", "/api/v1/weight-sets", strings.Replace(create, `"matrix": [[1, 3, 5], [0.3333, 1, 3], [0.2, 0.3333, 1]]`,
			`"matrix": [[1, 9, 0.1111], [0.1111, 1, 9], [9, 0.1111, 1]]`, 1)).wantError(t, 400, huanxin.EINVALID, "ahp[1][2]")
		r = e.do(t, bureau, "POST", "/api/v1/weight-sets", create)
		if r.status != 201 || r.body["cr"].(float64) <= 0 {
			t.Fatalf("create: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, r.pattern, create)
		wsID := num(r.body["id"])
		e.do(t, bureau, "POST", "/api/v1/weight-sets", create).wantError(t, 409, huanxin.ECONFLICT)
		if r := e.do(t, auditor, "GET", "/api/v1/weight-sets?city_id="+city, ""); r.status != 200 || !strings.Contains(string(r.raw), "重安全") {
			t.Errorf("list: %d %s", r.status, r.raw)
		}

		// Ranking: both estates have every value.
		rankBody := fmt.Sprintf(`{"jurisdiction_id": %d, "weight_set_id": %d, "sensitivity": true, "top_n": 1}`, w.city.ID, wsID)
		r = e.do(t, auditor, "POST", "/api/v1/rankings", rankBody)
		var rk api.Ranking
		if err := json.Unmarshal(r.raw, &rk); err != nil || r.status != 200 || len(rk.Estates) != 2 || len(rk.Missing) != 0 ||
			rk.Sensitivity == nil || len(rk.Estates[0].Contributions) != 3 {
			t.Fatalf("ranking: %d %s", r.status, r.raw)
		}
		// E1: older (41 vs 34 years) and more hazards (2 vs 1): first.
		if rk.Estates[0].EstateID != w.estA.ID || rk.Estates[0].Rank != 1 || rk.Estates[0].Code != "E1" {
			t.Errorf("order %+v", rk.Estates)
		}
		// A manual set naming an indicator nobody has: both estates missing.
		r = e.do(t, bureau, "PUT", "/api/v1/weight-sets/"+id(wsID), `{"name": "重安全", "method": "manual", "weights": {"heritage_value": 1, "building_age": 3}}`)
		if r.status != 200 || r.body["method"] != "manual" || r.body["weights"].(map[string]any)["building_age"].(float64) != 0.75 {
			t.Fatalf("update: %d %s", r.status, r.raw)
		}
		r = e.do(t, bureau, "POST", "/api/v1/rankings", fmt.Sprintf(`{"jurisdiction_id": %d, "weight_set_id": %d, "model": "weighted_sum"}`, w.city.ID, wsID))
		if err := json.Unmarshal(r.raw, &rk); err != nil || r.status != 200 || len(rk.Estates) != 0 || len(rk.Missing) != 2 ||
			!reflect.DeepEqual(rk.Missing[0].Keys, []string{"heritage_value"}) {
			t.Fatalf("missing: %d %s", r.status, r.raw)
		}
		e.do(t, bureau, "POST", "/api/v1/rankings", fmt.Sprintf(`{"jurisdiction_id": %d, "weight_set_id": %d, "model": "nope"}`, w.city.ID, wsID)).
			wantError(t, 400, huanxin.EINVALID, "model")
		e.do(t, contractor, "POST", "/api/v1/rankings", rankBody).wantError(t, 403, huanxin.EFORBIDDEN)
	})
}
