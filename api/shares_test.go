package api_test

import (
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
	"github.com/huanxin/huanxin/funding/share"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/planning/plan"
	"github.com/huanxin/huanxin/store"
)

// The owners' share schemas list exactly the JSON members of their Go
// types, the basis enum the offered bases, and every route is documented.
func TestOpenAPISharesSchemasMatchTypes(t *testing.T) {
	d := loadDoc(t)
	checkSchemas(t, d, map[string]reflect.Type{
		"ShareRule":          reflect.TypeFor[api.ShareRule](),
		"ShareRunCreate":     reflect.TypeFor[api.ShareRunCreate](),
		"ShareRun":           reflect.TypeFor[api.ShareRun](),
		"ShareRuns":          reflect.TypeFor[api.ShareRuns](),
		"ShareRow":           reflect.TypeFor[api.ShareRow](),
		"ShareRunRows":       reflect.TypeFor[api.ShareRunRows](),
		"SharePayment":       reflect.TypeFor[api.SharePayment](),
		"SharePaymentCreate": reflect.TypeFor[api.SharePaymentCreate](),
		"ShareStatement":     reflect.TypeFor[api.ShareStatement](),
		"ShareStatements":    reflect.TypeFor[api.ShareStatements](),
		"ShareRate":          reflect.TypeFor[api.ShareRate](),
		"ShareCollection":    reflect.TypeFor[api.ShareCollection](),
		"ShareReminder":      reflect.TypeFor[api.ShareReminder](),
		"ShareReminders":     reflect.TypeFor[api.ShareReminders](),
	})
	rule := d.Components.Schemas["ShareRule"].Value.Properties
	var got, want []string
	for _, v := range rule["basis"].Value.Enum {
		got = append(got, v.(string))
	}
	for _, b := range funding.ShareBases {
		want = append(want, string(b))
	}
	if !slices.Equal(got, want) {
		t.Errorf("ShareRule.basis enum = %v, want %v", got, want)
	}
	got = nil
	for _, v := range rule["remainder"].Value.Enum {
		got = append(got, v.(string))
	}
	if want := []string{"", funding.RemainderLargest, funding.RemainderLargestWeight, funding.RemainderPart}; !slices.Equal(got, want) {
		t.Errorf("ShareRule.remainder enum = %v, want %v", got, want)
	}
	routes := api.NewWithExtras(&estate.Service{}, api.Extras{Shares: &funding.Shares{}}).Routes()
	for _, r := range []string{"GET /api/v1/plans/{id}/shares", "POST /api/v1/plans/{id}/shares", "GET /api/v1/shares/{id}",
		"GET /api/v1/shares/{id}/parts/{part}", "POST /api/v1/shares/{id}/payments", "GET /api/v1/shares/{id}/collection",
		"GET /api/v1/shares/{id}/reminders", "GET /api/v1/me/shares"} {
		method, path, _ := strings.Cut(r, " ")
		if !slices.Contains(routes, r) {
			t.Errorf("route %s not registered", r)
		} else if item := d.Paths.Value(path); item == nil || item.GetOperation(method) == nil {
			t.Errorf("route %s not documented", r)
		}
	}
}

func TestSharesHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		e := newFundingEnv(t, db)
		reg := &estate.Service{Store: db}
		cat := &planning.CatalogueService{Store: db, Register: reg}
		plans := &plan.Service{Store: db, Register: reg, Catalogue: cat, Decisions: &decision.Service{Store: db, Register: reg}}
		fund := &funding.Service{Store: db, Register: reg, Plans: plans, Catalogue: cat}
		api.NewWithExtras(reg, api.Extras{Shares: &funding.Shares{Funding: fund, Store: db}}).Register(e.mux)
		community := e.actor(huanxin.RoleCommunity, e.w.commA)
		other := e.actor(huanxin.RoleCommunity, e.w.commB)
		resident := &huanxin.Actor{UserID: 300, Name: "业主", Role: huanxin.RoleResident, OwnerID: e.w.ownA.ID,
			Scope: huanxin.Scope{PartIDs: []int64{e.w.partA.ID}}}
		ctx := huanxin.NewContextWithActor(t.Context(), community)
		p, err := plans.Create(ctx, e.w.estA.ID, "加装电梯")
		if err != nil {
			t.Fatal(err)
		}
		// A lift of building 1, the owners paying 200,000.01 yuan: rooms 301
		// and 302 have the same area, and the odd fen goes where the rule says.
		if _, err := plans.SetLines(ctx, p.ID, []plan.LineInput{{ItemCode: "I15", Quantity: 100, Phase: 1, Zone: []int64{e.w.bldA.ID}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := fund.Add(ctx, p.ID, funding.Line{ItemCode: "I15", Source: planning.SourceOwners, Amount: 20000001}); err != nil {
			t.Fatal(err)
		}
		runs := "/api/v1/plans/" + id(p.ID) + "/shares"
		e.do(t, nil, "GET", runs, "").wantError(t, http.StatusUnauthorized, huanxin.EUNAUTHORIZED)
		e.do(t, other, "GET", runs, "").wantError(t, http.StatusNotFound, huanxin.ENOTFOUND)
		toRoom302 := `{"item_code":"I15","rule":{"basis":"` + string(share.ByArea) + `","remainder":"part","remainder_part":` + id(e.w.partA2.ID) + `}}`
		e.do(t, resident, "POST", runs, toRoom302).wantError(t, http.StatusForbidden, huanxin.EFORBIDDEN)
		e.do(t, other, "POST", runs, toRoom302).wantError(t, http.StatusNotFound, huanxin.ENOTFOUND)
		e.do(t, community, "POST", runs, `{"rule":{"basis":"floor","coefficients":{"三":"1"}}}`).
			wantError(t, http.StatusBadRequest, huanxin.EINVALID, "coefficients")
		e.do(t, community, "POST", runs, `{"rule":{"basis":"area","remainder":"part"}}`).
			wantError(t, http.StatusBadRequest, huanxin.EINVALID, "remainder_part")
		e.do(t, community, "POST", runs, `{"item_code":"B14","rule":{"basis":"area"}}`).
			wantError(t, http.StatusBadRequest, huanxin.EINVALID, "item_code")

		r := e.do(t, community, "POST", runs, toRoom302)
		if r.status != http.StatusCreated || num(r.body["total"]) != 20000001 || num(r.body["parts"]) != 2 || r.body["item_name"] == "" {
			t.Fatalf("generate: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "POST /api/v1/plans/{id}/shares", toRoom302)
		run := "/api/v1/shares/" + id(num(r.body["id"]))
		if r := e.do(t, resident, "GET", runs, ""); r.status != http.StatusOK || len(r.body["items"].([]any)) != 1 {
			t.Fatalf("runs: %d %s", r.status, r.raw)
		}

		// Rows are paged; the named part bears the odd fen; a resident
		// sees only their own row.
		r = e.do(t, community, "GET", run+"?per_page=1&page=2", "")
		if items := r.items(t); r.status != http.StatusOK || num(r.body["total"]) != 2 || len(items) != 1 ||
			num(items[0]["part_id"]) != e.w.partA2.ID || num(items[0]["amount"]) != 10000001 {
			t.Fatalf("rows: %d %s", r.status, r.raw)
		}
		e.do(t, community, "GET", run+"?per_page=0", "").wantError(t, http.StatusBadRequest, huanxin.EINVALID, "per_page")
		r = e.do(t, resident, "GET", run, "")
		if items := r.items(t); r.status != http.StatusOK || len(items) != 1 || num(items[0]["part_id"]) != e.w.partA.ID ||
			num(items[0]["amount"]) != 10000000 {
			t.Fatalf("resident's rows: %d %s", r.status, r.raw)
		}
		e.do(t, other, "GET", run, "").wantError(t, http.StatusNotFound, huanxin.ENOTFOUND)

		// A resident sees their own statement and not the neighbour's.
		own, neighbour := run+"/parts/"+id(e.w.partA.ID), run+"/parts/"+id(e.w.partA2.ID)
		if r := e.do(t, resident, "GET", own, ""); r.status != http.StatusOK || num(r.body["due"]) != 10000000 || r.body["plan_title"] != "加装电梯" {
			t.Fatalf("own statement: %d %s", r.status, r.raw)
		}
		e.do(t, resident, "GET", neighbour, "").wantError(t, http.StatusNotFound, huanxin.ENOTFOUND)
		if r := e.do(t, community, "GET", neighbour, ""); r.status != http.StatusOK || num(r.body["due"]) != 10000001 {
			t.Fatalf("officer's statement: %d %s", r.status, r.raw)
		}

		// Officers record payments from receipts; residents may not.
		pay := `{"part_id":` + id(e.w.partA.ID) + `,"amount":10000000,"paid_on":"2026-04-01","receipt":"SJ-0001"}`
		e.do(t, resident, "POST", run+"/payments", pay).wantError(t, http.StatusForbidden, huanxin.EFORBIDDEN)
		e.do(t, community, "POST", run+"/payments", `{"part_id":`+id(e.w.partA.ID)+`,"amount":10000001,"paid_on":"4/1","receipt":""}`).
			wantError(t, http.StatusBadRequest, huanxin.EINVALID, "amount", "paid_on", "receipt")
		r = e.do(t, community, "POST", run+"/payments", pay)
		if r.status != http.StatusCreated || r.body["method"] != funding.MethodManual || num(r.body["amount"]) != 10000000 {
			t.Fatalf("pay: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "POST /api/v1/shares/{id}/payments", pay)
		e.do(t, community, "POST", run+"/payments", `{"part_id":`+id(e.w.partA2.ID)+`,"amount":1,"paid_on":"2026-04-01","receipt":"SJ-0001"}`).
			wantError(t, http.StatusBadRequest, huanxin.EINVALID, "receipt")

		// Rates per building and in all; the reminders list who still owes.
		e.do(t, resident, "GET", run+"/collection", "").wantError(t, http.StatusForbidden, huanxin.EFORBIDDEN)
		r = e.do(t, community, "GET", run+"/collection", "")
		total := r.body["total"].(map[string]any)
		if r.status != http.StatusOK || len(r.body["buildings"].([]any)) != 1 || num(total["paid_households"]) != 1 || num(total["households"]) != 2 ||
			total["household_percent"] != "50.0" || total["money_percent"] != "49.9" {
			t.Fatalf("collection: %d %s", r.status, r.raw)
		}
		r = e.do(t, community, "GET", run+"/reminders", "")
		if items := r.items(t); r.status != http.StatusOK || len(items) != 1 || num(items[0]["due"]) != 10000001 ||
			num(items[0]["row"].(map[string]any)["part_id"]) != e.w.partA2.ID {
			t.Fatalf("reminders: %d %s", r.status, r.raw)
		}
		e.do(t, resident, "GET", run+"/reminders", "").wantError(t, http.StatusForbidden, huanxin.EFORBIDDEN)

		// The owner's own statements, with the payment.
		e.do(t, nil, "GET", "/api/v1/me/shares", "").wantError(t, http.StatusUnauthorized, huanxin.EUNAUTHORIZED)
		r = e.do(t, resident, "GET", "/api/v1/me/shares", "")
		if items := r.items(t); r.status != http.StatusOK || len(items) != 1 || num(items[0]["due"]) != 0 || len(items[0]["payments"].([]any)) != 1 {
			t.Fatalf("mine: %d %s", r.status, r.raw)
		}
		if r := e.do(t, community, "GET", "/api/v1/me/shares", ""); r.status != http.StatusOK || len(r.items(t)) != 0 {
			t.Fatalf("an officer's own shares: %d %s", r.status, r.raw)
		}
	})
}
