package api_test

import (
	"context"
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
	"github.com/huanxin/huanxin/file"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/notice"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/planning/plan"
	"github.com/huanxin/huanxin/store"
)

// The plan schemas list exactly the JSON members of their Go types, the
// status enum the domain's statuses, and every plan route is documented.
func TestOpenAPIPlanSchemasMatchTypes(t *testing.T) {
	d := loadDoc(t)
	checkSchemas(t, d, map[string]reflect.Type{
		"Plan":              reflect.TypeFor[api.Plan](),
		"PlanReview":        reflect.TypeFor[api.PlanReview](),
		"PlanLine":          reflect.TypeFor[api.PlanLine](),
		"PlanLineInput":     reflect.TypeFor[api.PlanLineInput](),
		"PlanLines":         reflect.TypeFor[api.PlanLines](),
		"PlanCreate":        reflect.TypeFor[api.PlanCreate](),
		"PlanReturn":        reflect.TypeFor[api.PlanReturn](),
		"PlanSignOffInput":  reflect.TypeFor[api.PlanSignOffInput](),
		"PlanDecisionInput": reflect.TypeFor[api.PlanDecisionInput](),
		"PlanDecision":      reflect.TypeFor[api.PlanDecision](),
		"PlanPublishInput":  reflect.TypeFor[api.PlanPublishInput](),
		"PlanNotice":        reflect.TypeFor[api.PlanNotice](),
		"PlanSignOff":       reflect.TypeFor[api.PlanSignOff](),
		"PlanCategoryTotal": reflect.TypeFor[api.PlanCategoryTotal](),
		"PlanPhaseTotal":    reflect.TypeFor[api.PlanPhaseTotal](),
		"PlanViolation":     reflect.TypeFor[api.PlanViolation](),
		"PlanOmission":      reflect.TypeFor[api.PlanOmission](),
		"PlanMissing":       reflect.TypeFor[api.PlanMissing](),
		"PlanStep":          reflect.TypeFor[api.PlanStep](),
		"PlanVersion":       reflect.TypeFor[api.PlanVersion](),
		"PlanHistory":       reflect.TypeFor[api.PlanHistory](),
		"PlanChange":        reflect.TypeFor[api.PlanChange](),
		"PlanDiff":          reflect.TypeFor[api.PlanDiff](),
	})
	var got []string
	for _, v := range d.Components.Schemas["PlanStatus"].Value.Enum {
		got = append(got, v.(string))
	}
	var want []string
	for _, s := range plan.Statuses {
		want = append(want, string(s))
	}
	if !slices.Equal(got, want) {
		t.Errorf("PlanStatus enum = %v, want %v", got, want)
	}
	routes := api.NewWithExtras(&estate.Service{}, api.Extras{Plans: &plan.Service{}}).Routes()
	for _, r := range []string{"GET /api/v1/plans", "POST /api/v1/plans", "GET /api/v1/plans/{id}", "PUT /api/v1/plans/{id}/lines",
		"POST /api/v1/plans/{id}/submit", "POST /api/v1/plans/{id}/approve", "POST /api/v1/plans/{id}/return",
		"POST /api/v1/plans/{id}/revise", "POST /api/v1/plans/{id}/sign-offs", "GET /api/v1/plans/{id}/history",
		"GET /api/v1/plans/{id}/diff", "POST /api/v1/plans/{id}/decision", "POST /api/v1/plans/{id}/publish"} {
		method, path, _ := strings.Cut(r, " ")
		if !slices.Contains(routes, r) {
			t.Errorf("route %s not registered", r)
		} else if item := d.Paths.Value(path); item == nil || item.GetOperation(method) == nil {
			t.Errorf("route %s not documented", r)
		}
	}
}

func newPlansEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	var tick atomic.Int64
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return start.Add(time.Duration(tick.Add(1)) * time.Second) }
	e := &env{db: db, mux: http.NewServeMux(), doc: loadDoc(t), w: mustWorld(t, db)}
	reg := &estate.Service{Store: db}
	api.NewWithExtras(reg, api.Extras{Plans: &plan.Service{Store: db, Register: reg,
		Catalogue: &planning.CatalogueService{Store: db, Register: reg}, Decisions: &decision.Service{Store: db, Register: reg},
		Notices: &notice.Service{Store: db, Register: reg, Files: &file.Service{Store: db, Register: reg}, Now: db.Now}}}).Register(e.mux)
	if err := db.SetCitySettings(huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor), e.w.city.ID, decision.Rules{Conflict: decision.ConflictFirst}.Settings(), 1); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestPlansHTTP drafts a plan over HTTP: lines with errors, a submission
// refused for its order, the fix, approvals by the right levels only, the
// history and diff, sign-offs and the owners' decision.
func TestPlansHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		e := newPlansEnv(t, db)
		est, bld := id(e.w.estA.ID), id(e.w.bldA.ID)
		community := e.actor(huanxin.RoleCommunity, e.w.commA)
		street := e.actor(huanxin.RoleStreet, e.w.streetA)
		street.UserID = 101
		district := e.actor(huanxin.RoleBureau, e.w.distA)
		district.UserID = 102
		other := e.actor(huanxin.RoleCommunity, e.w.commB)
		resident := &huanxin.Actor{UserID: 300, Role: huanxin.RoleResident, OwnerID: e.w.ownA.ID, Scope: huanxin.Scope{PartIDs: []int64{e.w.partA.ID}}}

		r := e.do(t, community, "POST", "/api/v1/plans", `{"estate_id": 0, "title": "x"}`)
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "estate_id")
		r = e.do(t, resident, "POST", "/api/v1/plans", `{"estate_id": `+est+`, "title": "x"}`)
		r.wantError(t, http.StatusForbidden, huanxin.EFORBIDDEN)
		r = e.do(t, other, "POST", "/api/v1/plans", `{"estate_id": `+est+`, "title": "x"}`)
		r.wantError(t, http.StatusNotFound, huanxin.ENOTFOUND)
		body := `{"estate_id": ` + est + `, "title": "纺织新村综合改造"}`
		r = e.do(t, community, "POST", "/api/v1/plans", body)
		if r.status != http.StatusCreated || r.body["status"] != "draft" || num(r.body["version"]) != 1 || len(r.body["lines"].([]any)) != 0 {
			t.Fatalf("create: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "POST /api/v1/plans", body)
		pid := id(num(r.body["id"]))
		base := "/api/v1/plans/" + pid

		// Lines with errors: each named by line and field.
		r = e.do(t, community, "PUT", base+"/lines", `{"lines": [{"item_code": "Z99", "quantity": 100, "phase": 1},
			{"item_code": "B01", "quantity": 0, "phase": 0, "zone": [`+id(e.w.bldB.ID)+`]}]}`)
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "lines.0.item_code", "lines.1.quantity", "lines.1.phase", "lines.1.zone")
		r = e.do(t, community, "PUT", base+"/lines", `{"lines": [{"item_code": "B01", "quantity": "12.5", "phase": 1}]}`)
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "lines")
		// Roads in phase 1 over water pipes in phase 2: out of order.
		body = `{"lines": [{"item_code": "B05", "quantity": 120000, "phase": 1},
			{"item_code": "B01", "quantity": 30050, "phase": 2, "zone": [` + bld + `]},
			{"item_code": "I15", "quantity": 100, "unit_cost": 65000000, "phase": 3, "zone": [` + bld + `]}]}`
		r = e.do(t, community, "PUT", base+"/lines", body)
		if r.status != http.StatusOK {
			t.Fatalf("lines: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "PUT /api/v1/plans/{id}/lines", body)
		lines := r.body["lines"].([]any)
		lift := lines[2].(map[string]any)
		if len(lines) != 3 || lift["name"] != "加装电梯" || num(lift["total"]) != 65000000 || lift["category"] != "improve" ||
			num(lines[1].(map[string]any)["quantity"]) != 30050 {
			t.Fatalf("lines: %s", r.raw)
		}
		viol := r.body["violations"].([]any)
		if len(viol) != 1 || viol[0].(map[string]any)["requires"] != "B01" || num(viol[0].(map[string]any)["before"]) != 1 {
			t.Errorf("violations: %v", viol)
		}
		var byCat []string
		for _, c := range r.body["by_category"].([]any) {
			byCat = append(byCat, c.(map[string]any)["category"].(string))
		}
		if !slices.Equal(byCat, []string{"basic", "improve"}) || len(r.body["by_phase"].([]any)) != 3 {
			t.Errorf("totals: %v %v", r.body["by_category"], r.body["by_phase"])
		}
		var missingLift bool
		for _, m := range r.body["missing_sign_offs"].([]any) {
			missingLift = missingLift || m.(map[string]any)["item_code"] == "I15"
		}
		if !missingLift {
			t.Errorf("missing sign-offs: %v", r.body["missing_sign_offs"])
		}

		r = e.do(t, community, "POST", base+"/submit", "")
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "lines.0.phase")
		body = strings.Replace(body, `"quantity": 120000, "phase": 1`, `"quantity": 120000, "phase": 3`, 1)
		r = e.do(t, community, "PUT", base+"/lines", body)
		if r.status != http.StatusOK || len(r.body["violations"].([]any)) != 0 {
			t.Fatalf("fixed: %d %s", r.status, r.raw)
		}
		r = e.do(t, community, "POST", base+"/submit", "")
		if r.status != http.StatusOK || r.body["status"] != "submitted" {
			t.Fatalf("submit: %d %s", r.status, r.raw)
		}
		r = e.do(t, community, "PUT", base+"/lines", body)
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID)

		// The list, and the plans awaiting each level.
		r = e.do(t, community, "GET", "/api/v1/plans?estate_id="+est, "")
		if r.status != http.StatusOK || len(r.items(t)) != 1 || r.items(t)[0]["status"] != "submitted" {
			t.Fatalf("list: %s", r.raw)
		}
		r = e.do(t, community, "GET", "/api/v1/plans", "")
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "estate_id")
		r = e.do(t, community, "GET", "/api/v1/plans?estate_id="+est+"&status=lost&awaiting=maybe", "")
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "awaiting", "status")
		r = e.do(t, community, "GET", "/api/v1/plans?awaiting=true", "")
		if len(r.items(t)) != 1 {
			t.Errorf("community awaiting: %s", r.raw)
		}
		r = e.do(t, street, "GET", "/api/v1/plans?awaiting=true", "")
		if len(r.items(t)) != 0 {
			t.Errorf("street awaiting: %s", r.raw)
		}

		// Each level approves its own step only; the street returns it.
		r = e.do(t, street, "POST", base+"/approve", "")
		r.wantError(t, http.StatusForbidden, huanxin.EFORBIDDEN)
		r = e.do(t, community, "POST", base+"/approve", "{}")
		if r.status != http.StatusOK || r.body["status"] != "community" {
			t.Fatalf("community approves: %d %s", r.status, r.raw)
		}
		r = e.do(t, district, "POST", base+"/approve", "")
		r.wantError(t, http.StatusForbidden, huanxin.EFORBIDDEN)
		r = e.do(t, street, "POST", base+"/return", `{"reason": " "}`)
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "reason")
		r = e.do(t, street, "POST", base+"/return", `{"reason": "请补充外墙修缮"}`)
		if r.status != http.StatusOK || r.body["status"] != "draft" || num(r.body["version"]) != 2 || r.body["returned_reason"] != "请补充外墙修缮" {
			t.Fatalf("return: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "POST /api/v1/plans/{id}/return", `{"reason": "请补充外墙修缮"}`)
		body = strings.Replace(body, `]}]}`, `]}, {"item_code": "B15", "quantity": 250000, "phase": 1}]}`, 1)
		if r = e.do(t, community, "PUT", base+"/lines", body); r.status != http.StatusOK {
			t.Fatalf("version 2 lines: %s", r.raw)
		}
		for _, step := range []struct {
			who    *huanxin.Actor
			action string
			status string
		}{{community, "submit", "submitted"}, {community, "approve", "community"}, {street, "approve", "street"}, {district, "approve", "approved"}} {
			if r = e.do(t, step.who, "POST", base+"/"+step.action, ""); r.status != http.StatusOK || r.body["status"] != step.status {
				t.Fatalf("%s: %d %s", step.action, r.status, r.raw)
			}
		}

		// History and diff.
		r = e.do(t, resident, "GET", base+"/history", "")
		steps := r.body["steps"].([]any)
		if r.status != http.StatusOK || len(r.body["versions"].([]any)) != 2 || len(steps) != 7 ||
			steps[2].(map[string]any)["reason"] != "请补充外墙修缮" || num(steps[2].(map[string]any)["by"]) != street.UserID {
			t.Fatalf("history: %d %s", r.status, r.raw)
		}
		r = e.do(t, community, "GET", base+"/diff", "")
		changes := r.body["changes"].([]any)
		if r.status != http.StatusOK || num(r.body["from"]) != 1 || num(r.body["to"]) != 2 || len(changes) != 1 ||
			changes[0].(map[string]any)["kind"] != "added" || changes[0].(map[string]any)["item_code"] != "B15" || changes[0].(map[string]any)["from"] != nil {
			t.Fatalf("diff: %d %s", r.status, r.raw)
		}
		r = e.do(t, community, "GET", base+"/diff?from=2&to=1", "")
		if changes = r.body["changes"].([]any); len(changes) != 1 || changes[0].(map[string]any)["kind"] != "removed" {
			t.Errorf("reverse diff: %s", r.raw)
		}
		r = e.do(t, community, "GET", base+"/diff?from=9&to=x", "")
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "to")
		r = e.do(t, community, "GET", base+"/diff?from=9", "")
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "from")
		r = e.do(t, other, "GET", base, "")
		r.wantError(t, http.StatusNotFound, huanxin.ENOTFOUND)

		// Sign-offs: once per item and body the catalogue asks for.
		body = `{"item_code": "I15", "body": "fire", "note": "消防审核意见书"}`
		r = e.do(t, community, "POST", base+"/sign-offs", body)
		if r.status != http.StatusCreated || len(r.body["sign_offs"].([]any)) != 1 ||
			num(r.body["sign_offs"].([]any)[0].(map[string]any)["by"]) != community.UserID {
			t.Fatalf("sign-off: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "POST /api/v1/plans/{id}/sign-offs", body)
		r = e.do(t, community, "POST", base+"/sign-offs", body)
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "body")

		// The owners' decision on the approved plan, once.
		r = e.do(t, community, "POST", base+"/decision", `{"notice_days": 7}`)
		if r.status != http.StatusCreated || num(r.body["decision_id"]) == 0 ||
			r.header.Get("Location") != "/api/v1/decisions/"+id(num(r.body["decision_id"])) {
			t.Fatalf("decision: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "POST /api/v1/plans/{id}/decision", `{"notice_days": 7}`)
		dID := num(r.body["decision_id"])
		r = e.do(t, community, "POST", base+"/decision", `{"notice_days": 7}`)
		r.wantError(t, http.StatusConflict, huanxin.ECONFLICT)
		r = e.do(t, community, "GET", base, "")
		if num(r.body["decision_id"]) != dID || r.body["status"] != "approved" {
			t.Errorf("plan after the decision: %s", r.raw)
		}
		// Published for the residents' comments, once.
		r = e.do(t, community, "POST", base+"/publish", `{"publicity_end": "2026"}`)
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "publicity_end")
		pub := `{"publicity_end": "2026-03-31"}`
		r = e.do(t, community, "POST", base+"/publish", pub)
		if r.status != http.StatusCreated || num(r.body["notice_id"]) == 0 {
			t.Fatalf("publish: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "POST /api/v1/plans/{id}/publish", pub)
		if r := e.do(t, community, "GET", base, ""); num(r.body["notice_id"]) == 0 {
			t.Errorf("plan after publication: %s", r.raw)
		}
		e.do(t, community, "POST", base+"/publish", pub).wantError(t, http.StatusConflict, huanxin.ECONFLICT)
		r = e.do(t, community, "POST", base+"/revise", "")
		if r.status != http.StatusOK || r.body["status"] != "draft" || num(r.body["version"]) != 3 {
			t.Errorf("revise: %d %s", r.status, r.raw)
		}
	})
}
