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
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/store"
)

// The maintenance-fund schemas list exactly the JSON members of their Go
// types, the enums the domain's values, and every route is documented.
func TestOpenAPIMaintenanceSchemasMatchTypes(t *testing.T) {
	d := loadDoc(t)
	checkSchemas(t, d, map[string]reflect.Type{
		"FundBalance":     reflect.TypeFor[api.FundBalance](),
		"FundBalances":    reflect.TypeFor[api.FundBalances](),
		"FundCharge":      reflect.TypeFor[api.FundCharge](),
		"FundApproval":    reflect.TypeFor[api.FundApproval](),
		"FundUse":         reflect.TypeFor[api.FundUse](),
		"FundUses":        reflect.TypeFor[api.FundUses](),
		"FundUseCreate":   reflect.TypeFor[api.FundUseInput](),
		"FundRaise":       reflect.TypeFor[api.FundRaise](),
		"FundRaises":      reflect.TypeFor[api.FundRaises](),
		"FundRaiseCreate": reflect.TypeFor[api.FundRaiseInput](),
	})
	enum := func(schema string, want ...string) {
		var got []string
		for _, v := range d.Components.Schemas[schema].Value.Enum {
			got = append(got, v.(string))
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s enum = %v, want %v", schema, got, want)
		}
	}
	enum("FundUseStatus", string(funding.UseRequested), string(funding.UseApproved), string(funding.UsePaid))
	enum("FundUseBasis", funding.BasisDecision, funding.BasisEmergency)
	routes := api.NewWithExtras(&estate.Service{}, api.Extras{Maintenance: &funding.Maintenance{}}).Routes()
	base := "/api/v1/estates/{id}/maintenance-fund"
	for _, r := range []string{"GET " + base + "/balances", "POST " + base + "/balances/import", "GET " + base + "/uses", "POST " + base + "/uses",
		"POST " + base + "/uses/{use}/approve", "POST " + base + "/uses/{use}/pay", "GET " + base + "/raises", "POST " + base + "/raises"} {
		method, path, _ := strings.Cut(r, " ")
		if !slices.Contains(routes, r) {
			t.Errorf("route %s not registered", r)
		} else if item := d.Paths.Value(path); item == nil || item.GetOperation(method) == nil {
			t.Errorf("route %s not documented", r)
		}
	}
}

func TestMaintenanceFundHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		e := newFundingEnv(t, db)
		reg := &estate.Service{Store: db}
		decisions := &decision.Service{Store: db, Register: reg}
		api.NewWithExtras(reg, api.Extras{Maintenance: &funding.Maintenance{Store: db, Register: reg, Decisions: decisions}}).Register(e.mux)
		community := e.actor(huanxin.RoleCommunity, e.w.commA)
		other := e.actor(huanxin.RoleCommunity, e.w.commB)
		resident := &huanxin.Actor{UserID: 300, Name: "业主", Role: huanxin.RoleResident, OwnerID: e.w.ownA.ID,
			Scope: huanxin.Scope{PartIDs: []int64{e.w.partA.ID}}}
		base := "/api/v1/estates/" + id(e.w.estA.ID) + "/maintenance-fund"

		imp := func(actor *huanxin.Actor, body string) *result {
			req := httptest.NewRequest("POST", base+"/balances/import?as_of=2026-06-30", strings.NewReader(body))
			req.Header.Set("Content-Type", api.MediaCSV)
			return e.send(t, actor, req)
		}
		r := imp(community, "楼栋号,房号,余额(元)\n1,301,100.5\n1,999,1\n1,302,1.001\n")
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "房号", "余额(元)")
		if !strings.Contains(string(r.raw), `"row":3`) || !strings.Contains(string(r.raw), `"column":"C"`) {
			t.Errorf("import errors: %s", r.raw)
		}
		imp(resident, "楼栋号,房号,余额(元)\n1,301,1\n").wantError(t, http.StatusForbidden, huanxin.EFORBIDDEN)
		if r := imp(community, "楼栋号,房号,余额(元)\n1,301,\"1,000.50\"\n1,302,200\n"); r.status != http.StatusOK || num(r.body["stored"]) != 2 {
			t.Fatalf("import: %d %s", r.status, r.raw)
		}
		e.do(t, other, "GET", base+"/balances", "").wantError(t, http.StatusNotFound, huanxin.ENOTFOUND)
		r = e.do(t, resident, "GET", base+"/balances", "")
		items := r.body["items"].([]any)
		if r.status != http.StatusOK || len(items) != 3 || num(items[0].(map[string]any)["amount"]) != 120050 || num(items[0].(map[string]any)["part_id"]) != 0 ||
			items[1].(map[string]any)["stairwell"] != "1" {
			t.Fatalf("balances: %d %s", r.status, r.raw)
		}

		// A decision of the estate whose result is not announced, and one of another estate.
		ctx := huanxin.NewContextWithActor(t.Context(), huanxin.SystemActor)
		draft := &decision.Decision{EstateID: e.w.estA.ID, Title: "使用维修资金", ScopeKind: decision.ScopeEstate, NoticeDays: 15,
			Matters: []decision.Matter{{Item: decision.ItemUseFund, Title: "使用维修资金修屋面"}}}
		elsewhere := &decision.Decision{EstateID: e.w.estB.ID, Title: "使用维修资金", ScopeKind: decision.ScopeEstate, NoticeDays: 15,
			Matters: []decision.Matter{{Item: decision.ItemUseFund, Title: "使用维修资金修屋面"}}}
		for _, d := range []*decision.Decision{draft, elsewhere} {
			if err := decisions.Create(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
		for _, dec := range []int64{draft.ID, elsewhere.ID, 999999} {
			body := `{"purpose":"屋面防水","amount":1000,"buildings":[` + id(e.w.bldA.ID) + `],"basis":"decision","decision_id":` + id(dec) + `}`
			e.do(t, community, "POST", base+"/uses", body).wantError(t, http.StatusBadRequest, huanxin.EINVALID, "decision_id")
		}
		e.do(t, community, "POST", base+"/raises", `{"decision_id":`+id(draft.ID)+`,"purpose":"续筹","amount":100,"buildings":[`+id(e.w.bldA.ID)+`]}`).
			wantError(t, http.StatusBadRequest, huanxin.EINVALID, "decision_id")

		// An emergency needs two approvals; each dwelling's charge must be covered.
		e.do(t, community, "POST", base+"/uses", `{"purpose":"水管爆裂","amount":1000,"buildings":[`+id(e.w.bldA.ID)+`],"basis":"emergency","emergency":"爆管"}`).
			wantError(t, http.StatusBadRequest, huanxin.EINVALID, "approvals")
		approvals := `"approvals":[{"name":"王五","role":"业主委员会","on":"2026-07-01T00:00:00Z"},{"name":"赵六","role":"区住建局","on":"2026-07-01T00:00:00Z"}]`
		over := `{"purpose":"水管爆裂","amount":50000,"buildings":[` + id(e.w.bldA.ID) + `],"basis":"emergency","emergency":"爆管",` + approvals + `}`
		r = e.do(t, community, "POST", base+"/uses", over)
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "amount")
		if !strings.Contains(string(r.raw), "1号楼302") {
			t.Errorf("the short dwelling is not named: %s", r.raw)
		}
		body := `{"purpose":"水管爆裂","amount":30001,"buildings":[` + id(e.w.bldA.ID) + `],"basis":"emergency","emergency":"爆管",` + approvals + `}`
		r = e.do(t, community, "POST", base+"/uses", body)
		if r.status != http.StatusCreated || r.body["status"] != "requested" || len(r.body["charges"].([]any)) != 2 {
			t.Fatalf("use: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "POST /api/v1/estates/{id}/maintenance-fund/uses", body)
		use := id(num(r.body["id"]))
		e.do(t, community, "POST", base+"/uses/"+use+"/pay", "").wantError(t, http.StatusBadRequest, huanxin.EINVALID)
		e.do(t, resident, "POST", base+"/uses/"+use+"/approve", "").wantError(t, http.StatusForbidden, huanxin.EFORBIDDEN)
		e.do(t, community, "POST", base+"/uses/999999/approve", "").wantError(t, http.StatusNotFound, huanxin.ENOTFOUND)
		for _, step := range []string{"approve", "pay"} {
			if r := e.do(t, community, "POST", base+"/uses/"+use+"/"+step, ""); r.status != http.StatusOK {
				t.Fatalf("%s: %d %s", step, r.status, r.raw)
			}
		}
		r = e.do(t, resident, "GET", base+"/balances", "")
		if items := r.body["items"].([]any); num(items[0].(map[string]any)["amount"]) != 120050-30001 {
			t.Fatalf("balances after paying: %s", r.raw)
		}
		r = e.do(t, resident, "GET", base+"/uses", "")
		if items := r.body["items"].([]any); len(items) != 1 || items[0].(map[string]any)["status"] != "paid" ||
			len(items[0].(map[string]any)["approvals"].([]any)) != 2 {
			t.Fatalf("uses: %s", r.raw)
		}
		if r := e.do(t, resident, "GET", base+"/raises", ""); r.status != http.StatusOK || len(r.body["items"].([]any)) != 0 {
			t.Fatalf("raises: %d %s", r.status, r.raw)
		}
	})
}
