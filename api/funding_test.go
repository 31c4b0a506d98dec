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
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/planning/plan"
	"github.com/huanxin/huanxin/store"
)

// The funding schemas list exactly the JSON members of their Go types,
// the status enum the domain's statuses, and every route is documented.
func TestOpenAPIFundingSchemasMatchTypes(t *testing.T) {
	d := loadDoc(t)
	checkSchemas(t, d, map[string]reflect.Type{
		"FundingLine":       reflect.TypeFor[api.FundingLine](),
		"FundingLineCreate": reflect.TypeFor[api.FundingLineInput](),
		"FundingCover":      reflect.TypeFor[api.FundingCover](),
		"FundingAlert":      reflect.TypeFor[api.FundingAlert](),
		"Funding":           reflect.TypeFor[api.Funding](),
		"FundingAdvance":    reflect.TypeFor[api.FundingAdvance](),
		"FundingWithdraw":   reflect.TypeFor[api.FundingWithdraw](),
	})
	var got, want []string
	for _, v := range d.Components.Schemas["FundingStatus"].Value.Enum {
		got = append(got, v.(string))
	}
	for _, s := range funding.Statuses {
		want = append(want, string(s))
	}
	if !slices.Equal(got, want) {
		t.Errorf("FundingStatus enum = %v, want %v", got, want)
	}
	routes := api.NewWithExtras(&estate.Service{}, api.Extras{Funding: &funding.Service{}}).Routes()
	for _, r := range []string{"GET /api/v1/plans/{id}/funding", "POST /api/v1/plans/{id}/funding",
		"POST /api/v1/plans/{id}/funding/{line}/advance", "POST /api/v1/plans/{id}/funding/{line}/withdraw"} {
		method, path, _ := strings.Cut(r, " ")
		if !slices.Contains(routes, r) {
			t.Errorf("route %s not registered", r)
		} else if item := d.Paths.Value(path); item == nil || item.GetOperation(method) == nil {
			t.Errorf("route %s not documented", r)
		}
	}
}

func newFundingEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	var tick atomic.Int64
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return start.Add(time.Duration(tick.Add(1)) * time.Second) }
	return &env{db: db, mux: http.NewServeMux(), doc: loadDoc(t), w: mustWorld(t, db)}
}

func TestFundingHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		e := newFundingEnv(t, db)
		reg := &estate.Service{Store: db}
		cat := &planning.CatalogueService{Store: db, Register: reg}
		plans := &plan.Service{Store: db, Register: reg, Catalogue: cat, Decisions: &decision.Service{Store: db, Register: reg}}
		svc := &funding.Service{Store: db, Register: reg, Plans: plans, Catalogue: cat}
		api.NewWithExtras(reg, api.Extras{Funding: svc}).Register(e.mux)
		community := e.actor(huanxin.RoleCommunity, e.w.commA)
		other := e.actor(huanxin.RoleCommunity, e.w.commB)
		resident := &huanxin.Actor{UserID: 300, Name: "业主", Role: huanxin.RoleResident, OwnerID: e.w.ownA.ID,
			Scope: huanxin.Scope{PartIDs: []int64{e.w.partA.ID}}}
		ctx := huanxin.NewContextWithActor(t.Context(), community)
		p, err := plans.Create(ctx, e.w.estA.ID, "综合改造")
		if err != nil {
			t.Fatal(err)
		}
		// A roof of 1,000 m² at 150 yuan and a lift of 700,000 yuan.
		if _, err := plans.SetLines(ctx, p.ID, []plan.LineInput{{ItemCode: "B14", Quantity: 100000, UnitCost: 15000, Phase: 1},
			{ItemCode: "I15", Quantity: 100, Phase: 2, Zone: []int64{e.w.bldA.ID}}}); err != nil {
			t.Fatal(err)
		}
		base := "/api/v1/plans/" + id(p.ID) + "/funding"

		r := e.do(t, nil, "GET", base, "")
		r.wantError(t, http.StatusUnauthorized, huanxin.EUNAUTHORIZED)
		r = e.do(t, other, "GET", base, "")
		r.wantError(t, http.StatusNotFound, huanxin.ENOTFOUND)
		r = e.do(t, resident, "GET", base, "")
		if r.status != http.StatusOK || num(r.body["total"].(map[string]any)["gap"]) != 85000000 {
			t.Fatalf("empty funding: %d %s", r.status, r.raw)
		}

		// Eligibility errors name the field.
		r = e.do(t, community, "POST", base, `{"item_code":"I15","source":"central_subsidy","amount":100}`)
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "source")
		r = e.do(t, community, "POST", base, `{"item_code":"B01","source":"city_budget","amount":0}`)
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "item_code", "amount")
		r = e.do(t, community, "POST", base, `{"item_code":"B14","source":"lottery","amount":100}`)
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "source")
		r = e.do(t, resident, "POST", base, `{"item_code":"B14","source":"owners","amount":100}`)
		r.wantError(t, http.StatusForbidden, huanxin.EFORBIDDEN)

		add := func(body string) int64 {
			t.Helper()
			r := e.do(t, community, "POST", base, body)
			if r.status != http.StatusCreated || r.body["status"] != "committed" {
				t.Fatalf("add %s: %d %s", body, r.status, r.raw)
			}
			e.checkRequest(t, "POST /api/v1/plans/{id}/funding", body)
			return num(r.body["id"])
		}
		roof := add(`{"item_code":"B14","source":"central_subsidy","amount":15000000,"ref":"财建〔2026〕1号"}`)
		add(`{"item_code":"I15","source":"owners","amount":20000000}`)
		city := add(`{"item_code":"I15","source":"city_budget","amount":50000000}`)

		// The gap closes.
		r = e.do(t, community, "GET", base, "")
		total := r.body["total"].(map[string]any)
		if r.status != http.StatusOK || num(total["gap"]) != 0 || num(total["cost"]) != 85000000 || len(r.body["lines"].([]any)) != 3 ||
			num(total["by_source"].(map[string]any)["owners"]) != 20000000 {
			t.Fatalf("funded: %s", r.raw)
		}

		// Money is marked received by hand; paid follows from payments.
		r = e.do(t, community, "POST", base+"/"+id(roof)+"/advance", `{"status":"paid","ref":"拨付凭证7"}`)
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "status")
		r = e.do(t, community, "POST", base+"/"+id(roof)+"/advance", `{"status":"received","ref":"到账通知7"}`)
		if r.status != http.StatusOK || num(r.body["total"].(map[string]any)["by_status"].(map[string]any)["received"]) != 15000000 {
			t.Fatalf("advance: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "POST /api/v1/plans/{id}/funding/{line}/advance", `{"status":"received","ref":"到账通知7"}`)
		r = e.do(t, community, "POST", base+"/"+id(roof)+"/advance", `{"status":"committed"}`)
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "status")
		r = e.do(t, community, "POST", base+"/999999/advance", `{"status":"received"}`)
		r.wantError(t, http.StatusNotFound, huanxin.ENOTFOUND)

		// The city withdraws; the lift raises an alert.
		r = e.do(t, community, "POST", base+"/"+id(city)+"/withdraw", `{"ref":"市财政调整通知"}`)
		alerts := r.body["alerts"].([]any)
		if r.status != http.StatusOK || len(alerts) != 1 || alerts[0].(map[string]any)["item_code"] != "I15" ||
			num(r.body["total"].(map[string]any)["gap"]) != 50000000 {
			t.Fatalf("withdraw: %d %s", r.status, r.raw)
		}
	})
}
