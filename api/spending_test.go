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
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/planning/plan"
	"github.com/huanxin/huanxin/planning/programme"
	"github.com/huanxin/huanxin/store"
)

// The spending schemas list exactly the JSON members of their Go types,
// the enums the domain's values, and every route is documented.
func TestOpenAPISpendingSchemasMatchTypes(t *testing.T) {
	d := loadDoc(t)
	checkSchemas(t, d, map[string]reflect.Type{
		"Contract":                reflect.TypeFor[api.Contract](),
		"ContractLine":            reflect.TypeFor[api.ContractLine](),
		"ContractMilestone":       reflect.TypeFor[api.ContractMilestone](),
		"ContractCreate":          reflect.TypeFor[api.ContractInput](),
		"ContractLineCreate":      reflect.TypeFor[api.ContractLineInput](),
		"ContractMilestoneCreate": reflect.TypeFor[api.ContractMilestoneInput](),
		"ContractStatusChange":    reflect.TypeFor[api.ContractStatusInput](),
		"Allocation":              reflect.TypeFor[api.Allocation](),
		"AllocationCreate":        reflect.TypeFor[api.AllocationInput](),
		"ContractPayment":         reflect.TypeFor[api.ContractPayment](),
		"ContractPaymentCreate":   reflect.TypeFor[api.ContractPaymentInput](),
		"BudgetRow":               reflect.TypeFor[api.BudgetRow](),
		"Budget":                  reflect.TypeFor[api.Budget](),
		"Contracts":               reflect.TypeFor[api.Contracts](),
		"ContractMilestones":      reflect.TypeFor[api.ContractMilestones](),
		"Allocations":             reflect.TypeFor[api.Allocations](),
		"ContractPayments":        reflect.TypeFor[api.ContractPayments](),
	})
	enum := func(name string) []string {
		var out []string
		for _, v := range d.Components.Schemas[name].Value.Enum {
			out = append(out, v.(string))
		}
		return out
	}
	var kinds, statuses []string
	for _, k := range funding.ContractKinds {
		kinds = append(kinds, string(k))
	}
	for _, s := range funding.ContractStatuses {
		statuses = append(statuses, string(s))
	}
	if got := enum("ContractKind"); !slices.Equal(got, kinds) {
		t.Errorf("ContractKind enum = %v, want %v", got, kinds)
	}
	if got := enum("ContractStatus"); !slices.Equal(got, statuses) {
		t.Errorf("ContractStatus enum = %v, want %v", got, statuses)
	}
	routes := api.NewWithExtras(&estate.Service{}, api.Extras{Spending: &funding.Spending{}}).Routes()
	base := "/api/v1/plans/{id}/contracts"
	for _, r := range []string{"GET " + base, "POST " + base, "GET " + base + "/{contract}", "POST " + base + "/{contract}/status",
		"GET " + base + "/{contract}/milestones", "GET " + base + "/{contract}/allocations", "POST " + base + "/{contract}/allocations",
		"GET " + base + "/{contract}/payments", "POST " + base + "/{contract}/payments", "GET /api/v1/estates/{id}/budget",
		"GET /api/v1/programmes/{id}/budget"} {
		method, path, _ := strings.Cut(r, " ")
		if !slices.Contains(routes, r) {
			t.Errorf("route %s not registered", r)
		} else if item := d.Paths.Value(path); item == nil || item.GetOperation(method) == nil {
			t.Errorf("route %s not documented", r)
		}
	}
}

func TestSpendingHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		e := newProgrammeEnv(t, db) // estates A and B with approved plans
		reg := &estate.Service{Store: db}
		cat := &planning.CatalogueService{Store: db, Register: reg}
		plans := &plan.Service{Store: db, Register: reg, Catalogue: cat, Decisions: &decision.Service{Store: db, Register: reg}}
		fs := &funding.Service{Store: db, Register: reg, Plans: plans, Catalogue: cat}
		progs := &programme.Service{Store: db, Register: reg}
		e.mux = http.NewServeMux()
		api.NewWithExtras(reg, api.Extras{Programmes: progs, Spending: &funding.Spending{Store: db, Funding: fs, Programmes: progs}}).Register(e.mux)
		community := e.actor(huanxin.RoleCommunity, e.w.commA)
		other := e.actor(huanxin.RoleCommunity, e.w.commB)
		bureau := e.actor(huanxin.RoleBureau, e.w.city)
		resident := &huanxin.Actor{UserID: 300, Name: "业主", Role: huanxin.RoleResident, OwnerID: e.w.ownA.ID,
			Scope: huanxin.Scope{PartIDs: []int64{e.w.partA.ID}}}
		ctx := huanxin.NewContextWithActor(context.Background(), community)
		ps, err := plans.List(ctx, e.w.estA.ID)
		if err != nil || len(ps) != 1 {
			t.Fatalf("plans %v %v", ps, err)
		}
		p := ps[0] // a roof of 40,000.00
		l, err := fs.Add(ctx, p.ID, funding.Line{ItemCode: "B14", Source: planning.SourceDistrictBudget, Amount: 4000000})
		if err == nil {
			err = fs.Advance(ctx, p.ID, l.ID, funding.Received, "")
		}
		if err != nil {
			t.Fatal(err)
		}
		base := "/api/v1/plans/" + id(p.ID) + "/contracts"

		r := e.do(t, nil, "GET", base, "")
		r.wantError(t, http.StatusUnauthorized, huanxin.EUNAUTHORIZED)
		r = e.do(t, other, "GET", base, "")
		r.wantError(t, http.StatusNotFound, huanxin.ENOTFOUND)
		body := `{"no":"HT-1","title":"屋面防水","kind":"construction","counterparty":"某建设公司","credit_code":"91350100M000100Y43","signed":"2026-03-02",
			"lines":[{"item_code":"B14","amount":4200000}],"milestones":[{"name":"预付款","due":"2026-03-10","amount":1260000},
			{"name":"竣工结算","due":"2026-09-01","amount":2940000}]}`
		r = e.do(t, resident, "POST", base, body)
		r.wantError(t, http.StatusForbidden, huanxin.EFORBIDDEN)
		r = e.do(t, community, "POST", base, strings.Replace(strings.Replace(body, "2940000", "2939999", 1), "Y43", "Y44", 1))
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "credit_code", "milestones")
		r = e.do(t, community, "POST", base, strings.Replace(body, `"due":"2026-03-10"`, `"due":"10/03/2026"`, 1))
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "milestones.0.due")
		r = e.do(t, community, "POST", base, body)
		if r.status != http.StatusCreated || num(r.body["amount"]) != 4200000 || r.body["signed"] != "2026-03-02" || r.body["status"] != "signed" {
			t.Fatalf("create: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "POST /api/v1/plans/{id}/contracts", body)
		c := base + "/" + id(num(r.body["id"]))
		line := num(r.body["lines"].([]any)[0].(map[string]any)["id"])
		ms := r.body["milestones"].([]any)
		down := num(ms[0].(map[string]any)["id"])
		r = e.do(t, community, "POST", base, body)
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "no")

		alloc := `{"contract_line_id":` + id(line) + `,"funding_line_id":` + id(l.ID) + `,"amount":4000001}`
		r = e.do(t, community, "POST", c+"/allocations", alloc)
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "amount")
		alloc = strings.Replace(alloc, "4000001", "4000000", 1)
		r = e.do(t, community, "POST", c+"/allocations", alloc)
		if r.status != http.StatusCreated || num(r.body["amount"]) != 4000000 {
			t.Fatalf("allocate: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "POST /api/v1/plans/{id}/contracts/{contract}/allocations", alloc)
		a := num(r.body["id"])
		pay := `{"milestone_id":` + id(down) + `,"allocation_id":` + id(a) + `,"amount":1260001,"paid_on":"2026-03-12","voucher":"付1"}`
		r = e.do(t, community, "POST", c+"/payments", pay)
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "amount")
		pay = strings.Replace(pay, "1260001", "1260000", 1)
		r = e.do(t, community, "POST", c+"/payments", pay)
		if r.status != http.StatusCreated || r.body["paid_on"] != "2026-03-12" || r.body["voucher"] != "付1" {
			t.Fatalf("pay: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "POST /api/v1/plans/{id}/contracts/{contract}/payments", pay)

		r = e.do(t, resident, "GET", c, "")
		if r.status != http.StatusOK || num(r.body["allocated"]) != 4000000 || num(r.body["paid"]) != 1260000 ||
			num(r.body["lines"].([]any)[0].(map[string]any)["paid"]) != 1260000 {
			t.Fatalf("get: %d %s", r.status, r.raw)
		}
		for path, n := range map[string]int{base: 1, c + "/milestones": 2, c + "/allocations": 1, c + "/payments": 1} {
			if r = e.do(t, resident, "GET", path, ""); r.status != http.StatusOK || len(r.body["items"].([]any)) != n {
				t.Fatalf("GET %s: %d %s", path, r.status, r.raw)
			}
		}
		r = e.do(t, community, "POST", c+"/status", `{"status":"terminated"}`)
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "reason")

		// The roof's contract overruns its budget by 2,000.00.
		r = e.do(t, resident, "GET", "/api/v1/estates/"+id(e.w.estA.ID)+"/budget", "")
		row := r.body["rows"].([]any)[0].(map[string]any)
		if r.status != http.StatusOK || num(row["budget"]) != 4000000 || num(row["committed"]) != 4200000 || num(row["paid"]) != 1260000 ||
			num(row["remaining"]) != -200000 || !strings.Contains(row["overrun"].(string), "合同金额超出预算2000.00元") {
			t.Fatalf("estate budget: %d %s", r.status, r.raw)
		}

		// A programme of both estates: a row per estate.
		r = e.do(t, bureau, "POST", "/api/v1/programmes", `{"jurisdiction_id": `+id(e.w.city.ID)+`, "year": 2026, "title": "全部", "objective": "score", "budget": 100000000, "scores": "equal"}`)
		if r.status != http.StatusCreated {
			t.Fatalf("programme: %d %s", r.status, r.raw)
		}
		pb := "/api/v1/programmes/" + id(num(r.body["id"])) + "/budget"
		r = e.do(t, e.actor(huanxin.RoleResident), "GET", pb, "")
		r.wantError(t, http.StatusForbidden, huanxin.EFORBIDDEN)
		// Community A's officer sees only estate A's row.
		r = e.do(t, community, "GET", pb, "")
		if rows := r.body["rows"].([]any); r.status != http.StatusOK || len(rows) != 1 || num(rows[0].(map[string]any)["estate_id"]) != e.w.estA.ID {
			t.Fatalf("community's programme budget: %d %s", r.status, r.raw)
		}
		r = e.do(t, bureau, "GET", pb, "")
		rows := r.body["rows"].([]any)
		total := r.body["total"].(map[string]any)
		if r.status != http.StatusOK || len(rows) != 2 || num(rows[0].(map[string]any)["estate_id"]) != e.w.estA.ID ||
			rows[0].(map[string]any)["overrun"] == "" || num(total["budget"]) != 5500000 || num(total["committed"]) != 4200000 ||
			num(total["paid"]) != 1260000 {
			t.Fatalf("programme budget: %d %s", r.status, r.raw)
		}
	})
}
