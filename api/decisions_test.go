package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
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
	"github.com/huanxin/huanxin/store"
)

// The decision schemas list exactly the JSON members of their Go types.
func TestOpenAPIDecisionSchemasMatchTypes(t *testing.T) {
	d := loadDoc(t)
	types := map[string]reflect.Type{
		"Decision":          reflect.TypeFor[api.Decision](),
		"Matter":            reflect.TypeFor[api.Matter](),
		"DecisionCreate":    reflect.TypeFor[api.DecisionInput](),
		"MatterCreate":      reflect.TypeFor[api.MatterInput](),
		"Ballot":            reflect.TypeFor[api.BallotInput](),
		"Receipt":           reflect.TypeFor[api.Receipt](),
		"NewBallot":         reflect.TypeFor[api.NewBallot](),
		"DecisionResult":    reflect.TypeFor[api.Result](),
		"Count":             reflect.TypeFor[api.Count](),
		"Ratio":             reflect.TypeFor[api.Ratio](),
		"Condition":         reflect.TypeFor[api.Condition](),
		"MatterResult":      reflect.TypeFor[api.MatterResult](),
		"Rejection":         reflect.TypeFor[api.Rejection](),
		"DecisionTurnout":   reflect.TypeFor[api.Turnout](),
		"BallotRegisterRow": reflect.TypeFor[api.RegisterRow](),
		"BallotRegister":    reflect.TypeFor[api.BallotRegister](),
		"BuildingTurnout":   reflect.TypeFor[api.BuildingTurnout](),
	}
	checkSchemas(t, d, types)
	var statuses []string
	for _, v := range d.Components.Schemas["DecisionStatus"].Value.Enum {
		statuses = append(statuses, v.(string))
	}
	want := []string{string(decision.StatusDraft), string(decision.StatusPublished), string(decision.StatusOpen),
		string(decision.StatusClosed), string(decision.StatusAnnounced), string(decision.StatusFinal)}
	if !reflect.DeepEqual(statuses, want) {
		t.Errorf("DecisionStatus enum = %v, want %v", statuses, want)
	}
}

// newDecisionsEnv builds the world as newEnv does and mounts the API with
// the decision service.
func newDecisionsEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	var tick atomic.Int64
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return start.Add(time.Duration(tick.Add(1)) * time.Second) }
	e := &env{db: db, mux: http.NewServeMux(), doc: loadDoc(t), w: mustWorld(t, db)}
	reg := &estate.Service{Store: db}
	files := &file.Service{Store: db, Register: reg}
	api.NewWithExtras(reg, api.Extras{Decisions: &decision.Service{Store: db, Register: reg, Files: files, Now: db.Now}, Files: files}).Register(e.mux)
	// Votes open at once and results become final at once in this city.
	sys := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
	if err := db.SetCitySettings(sys, e.w.city.ID, decision.Rules{Conflict: decision.ConflictFirst}.Settings(), 1); err != nil {
		t.Fatal(err)
	}
	return e
}

// matterCount is the part of a matter's result that the test checks.
type figure struct {
	Num, Den  int64
	Percent   string
	Req       [2]int64
	Inclusive bool
	Met       bool
}

func condOf(t *testing.T, v any) figure {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("not a condition: %v", v)
	}
	req := m["required"].(map[string]any)
	return figure{num(m["numerator"]), num(m["denominator"]), m["percentage"].(string),
		[2]int64{num(req["numerator"]), num(req["denominator"])}, m["inclusive"].(bool), m["met"].(bool)}
}

func countOf(v any) [2]int64 {
	m := v.(map[string]any)
	return [2]int64{num(m["area"]), num(m["persons"])}
}

func TestDecisionsHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		e := newDecisionsEnv(t, db)
		w := e.w
		officer := e.actor(huanxin.RoleCommunity, w.commA)
		contractor := e.actor(huanxin.RoleContractor, w.commA)
		resident := &huanxin.Actor{UserID: 200, Name: "resident", Role: huanxin.RoleResident, OwnerID: w.ownA.ID,
			Scope: huanxin.Scope{PartIDs: []int64{w.partA.ID}}}
		outsider := &huanxin.Actor{UserID: 201, Name: "resident B", Role: huanxin.RoleResident, OwnerID: w.ownB.ID,
			Scope: huanxin.Scope{PartIDs: []int64{w.partB.ID}}}

		create := fmt.Sprintf(`{"estate_id": %d, "title": " 加装电梯 ", "description": "1号楼1单元", "scope_kind": "estate",
			"notice_days": 0, "matters": [{"item": 7, "title": "加装电梯"}, {"item": 0, "title": "征求意见：外墙颜色"}]}`, w.estA.ID)

		// Who may create, and what a draft needs.
		e.do(t, nil, "POST", "/api/v1/decisions", create).wantError(t, 401, huanxin.EUNAUTHORIZED)
		e.do(t, contractor, "POST", "/api/v1/decisions", create).wantError(t, 403, huanxin.EFORBIDDEN)
		e.do(t, resident, "POST", "/api/v1/decisions", create).wantError(t, 403, huanxin.EFORBIDDEN)
		e.do(t, officer, "POST", "/api/v1/decisions", fmt.Sprintf(`{"estate_id": %d, "title": "", "matters": [{"title": "x"}]}`, w.estA.ID)).
			wantError(t, 400, huanxin.EINVALID, "matters.0.item")
		e.do(t, officer, "POST", "/api/v1/decisions", fmt.Sprintf(`{"estate_id": %d, "title": "", "matters": []}`, w.estA.ID)).
			wantError(t, 400, huanxin.EINVALID, "title", "matters")
		e.do(t, officer, "POST", "/api/v1/decisions", `{"estate_id": 1, "bogus": 1}`).wantError(t, 400, huanxin.EINVALID, "bogus")

		r := e.do(t, officer, "POST", "/api/v1/decisions", create)
		if r.status != 201 {
			t.Fatalf("create: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, r.pattern, create)
		var d api.Decision
		if err := json.Unmarshal(r.raw, &d); err != nil {
			t.Fatal(err)
		}
		if d.ID == 0 || d.Status != decision.StatusDraft || d.Title != "加装电梯" || d.EstateID != w.estA.ID ||
			d.ScopeKind != decision.ScopeEstate || len(d.Matters) != 2 || d.Matters[0].Item != 7 || d.Matters[1].Item != 0 ||
			d.Matters[0].ID == 0 || d.CreatedBy != officer.UserID || !d.PublishedAt.IsZero() {
			t.Fatalf("created %+v", d)
		}
		if _, ok := r.body["published_at"]; ok {
			t.Errorf("a draft shows published_at: %s", r.raw)
		}
		base := "/api/v1/decisions/" + id(d.ID)
		m1, m2 := id(d.Matters[0].ID), id(d.Matters[1].ID)

		// Reading.
		if r := e.do(t, officer, "GET", base, ""); r.status != 200 || num(r.body["id"]) != d.ID {
			t.Errorf("get: %d %s", r.status, r.raw)
		}
		e.do(t, outsider, "GET", base, "").wantError(t, 404, huanxin.ENOTFOUND)
		e.do(t, officer, "GET", "/api/v1/decisions", "").wantError(t, 400, huanxin.EINVALID, "estate_id")
		e.do(t, officer, "GET", "/api/v1/decisions?estate_id="+id(w.estA.ID)+"&status=nope", "").wantError(t, 400, huanxin.EINVALID, "status")
		if r := e.do(t, officer, "GET", "/api/v1/decisions?estate_id="+id(w.estA.ID), ""); r.status != 200 ||
			!reflect.DeepEqual(r.ids(t), []int64{d.ID}) || num(r.body["total"]) != 1 {
			t.Errorf("list: %d %s", r.status, r.raw)
		}
		if r := e.do(t, officer, "GET", "/api/v1/decisions?estate_id="+id(w.estA.ID)+"&status=open", ""); r.status != 200 || len(r.items(t)) != 0 {
			t.Errorf("list open: %d %s", r.status, r.raw)
		}

		// Transitions: only the next one, only by officers.
		e.do(t, officer, "POST", base+"/open", "").wantError(t, 400, huanxin.EINVALID)
		e.do(t, officer, "POST", base+"/close", "").wantError(t, 400, huanxin.EINVALID)
		e.do(t, contractor, "POST", base+"/publish", "").wantError(t, 403, huanxin.EFORBIDDEN)
		e.do(t, officer, "POST", base+"/ballots", `{"choices": {}}`).wantError(t, 400, huanxin.EINVALID)
		r = e.do(t, officer, "POST", base+"/publish", "")
		if r.status != 200 || r.body["status"] != "published" || r.body["published_at"] == nil {
			t.Fatalf("publish: %d %s", r.status, r.raw)
		}
		e.do(t, officer, "POST", base+"/publish", "{}").wantError(t, 400, huanxin.EINVALID)
		e.do(t, officer, "GET", base+"/result", "").wantError(t, 400, huanxin.EINVALID)
		if r := e.do(t, officer, "POST", base+"/open", "{}"); r.status != 200 || r.body["status"] != "open" {
			t.Fatalf("open: %d %s", r.status, r.raw)
		}

		// The resident votes online for themselves, once.
		vote := fmt.Sprintf(`{"choices": {"%s": "agree", "%s": "oppose"}}`, m1, m2)
		e.do(t, resident, "POST", base+"/ballots", fmt.Sprintf(`{"choices": {"%s": "maybe"}}`, m1)).
			wantError(t, 400, huanxin.EINVALID, "choices."+m1)
		e.do(t, resident, "POST", base+"/ballots", `{"person": "owner:1", "choices": {}}`).wantError(t, 403, huanxin.EFORBIDDEN)
		r = e.do(t, resident, "POST", base+"/ballots", vote)
		if r.status != 201 {
			t.Fatalf("cast: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, r.pattern, vote)
		code, _ := r.body["code"].(string)
		if len(code) != 16 || r.body["channel"] != "online" || num(r.body["decision_id"]) != d.ID || r.body["counted"] != true ||
			!reflect.DeepEqual(r.body["choices"], map[string]any{m1: "agree", m2: "oppose"}) {
			t.Fatalf("cast: %s", r.raw)
		}
		e.do(t, resident, "POST", base+"/ballots", vote).wantError(t, 409, huanxin.ECONFLICT)
		e.do(t, outsider, "POST", base+"/ballots", vote).wantError(t, 404, huanxin.ENOTFOUND)

		// An officer enters a paper ballot for the part without an owner.
		paper := fmt.Sprintf(`{"person": "part:%d", "collection": "door", "choices": {"%s": "oppose"}}`, w.partA2.ID, m1)
		e.do(t, officer, "POST", base+"/ballots", fmt.Sprintf(`{"person": "part:%d", "collection": "mail"}`, w.partA2.ID)).
			wantError(t, 400, huanxin.EINVALID, "collection")
		e.do(t, officer, "POST", base+"/ballots", `{"person": "owner:999999", "collection": "door"}`).wantError(t, 403, huanxin.EFORBIDDEN)
		// Double entry: the first entry is pending, without a receipt; the
		// scan is a stored file.
		up := e.send(t, officer, uploadRequest(t, map[string]string{"estate_id": id(w.estA.ID)},
			formFile{"file", "ballot.pdf", []byte("%PDF-1.4\n%%EOF\n")}))
		if up.status != 201 {
			t.Fatalf("upload: %d %s", up.status, up.raw)
		}
		first := fmt.Sprintf(`{"person": "part:%d", "collection": "door", "choices": {"%s": "oppose"}, "scan_file_id": %d}`,
			w.partA2.ID, m1, num(up.body["id"]))
		r = e.do(t, officer, "POST", base+"/ballots", first)
		if _, hasCode := r.body["code"]; r.status != 201 || r.body["channel"] != "paper" || r.body["collection"] != "door" || r.body["state"] != "pending" ||
			r.body["counted"] != false || hasCode {
			t.Fatalf("paper ballot, first entry: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, r.pattern, first)
		if r := e.do(t, officer, "GET", base+"/turnout", ""); r.status != 200 || num(r.body["ballots"]) != 1 || num(r.body["pending"]) != 1 {
			t.Fatalf("turnout with a pending ballot: %d %s", r.status, r.raw)
		}
		// The same officer cannot confirm it; another officer's differing
		// entry flags it; here a matching entry counts it.
		e.do(t, officer, "POST", base+"/ballots", paper).wantError(t, 403, huanxin.EFORBIDDEN)
		secondOfficer := e.actor(huanxin.RoleCommunity, w.commA)
		secondOfficer.UserID = officer.UserID + 1
		r = e.do(t, secondOfficer, "POST", base+"/ballots", paper)
		if pc, _ := r.body["code"].(string); r.status != 201 || r.body["state"] != "counted" || r.body["counted"] != true || len(pc) != 16 {
			t.Fatalf("paper ballot, second entry: %d %s", r.status, r.raw)
		}
		e.do(t, officer, "POST", base+"/ballots", paper).wantError(t, 409, huanxin.ECONFLICT)
		// A person who voted online may also hand in a paper ballot: the
		// first one counts under this city's rule and the result says so.
		both := fmt.Sprintf(`{"person": %q, "collection": "onsite", "choices": {"%s": "agree", "%s": "agree"}}`,
			personOfPart(t, db, d.ID, w.partA.ID), m1, m2)
		for _, who := range []*huanxin.Actor{officer, secondOfficer} {
			if r := e.do(t, who, "POST", base+"/ballots", both); r.status != 201 {
				t.Fatalf("paper ballot of an online voter: %d %s", r.status, r.raw)
			}
		}

		// The receipt, in any case and with dashes.
		for _, c := range []string{code, strings.ToLower(code[:8]) + "-" + code[8:]} {
			r = e.do(t, resident, "GET", "/api/v1/receipts/"+c, "")
			if r.status != 200 || num(r.body["decision_id"]) != d.ID || r.body["channel"] != "online" || r.body["spoiled"] != false ||
				r.body["counted"] != true || !reflect.DeepEqual(r.body["choices"], map[string]any{m1: "agree", m2: "oppose"}) {
				t.Errorf("receipt %s: %d %s", c, r.status, r.raw)
			}
		}
		e.do(t, resident, "GET", "/api/v1/receipts/AAAAAAAAAAAAAAAA", "").wantError(t, 404, huanxin.ENOTFOUND)
		e.do(t, nil, "GET", "/api/v1/receipts/"+code, "").wantError(t, 401, huanxin.EUNAUTHORIZED)

		// The result: everyone waits for the close, officers included; the
		// turnout shows who took part, without choices.
		e.do(t, resident, "GET", base+"/result", "").wantError(t, 400, huanxin.EINVALID)
		e.do(t, officer, "GET", base+"/result", "").wantError(t, 400, huanxin.EINVALID)
		if r := e.do(t, officer, "GET", base+"/turnout", ""); r.status != 200 || num(r.body["ballots"]) != 2 || num(r.body["conflicts"]) != 1 ||
			!reflect.DeepEqual(r.body["participating"], map[string]any{"area": float64(17064), "persons": float64(2)}) ||
			!reflect.DeepEqual(r.body["by_channel"].(map[string]any)["online"], map[string]any{"area": float64(8532), "persons": float64(1)}) ||
			len(r.body["by_building"].([]any)) == 0 {
			t.Fatalf("turnout: %d %s", r.status, r.raw)
		}
		if r := e.do(t, officer, "POST", base+"/close", ""); r.status != 200 || r.body["status"] != "closed" {
			t.Fatalf("close: %d %s", r.status, r.raw)
		}
		e.do(t, resident, "POST", base+"/ballots", vote).wantError(t, 400, huanxin.EINVALID)
		// The ballot register: anonymised for officers, refused to residents.
		if r := e.do(t, officer, "GET", base+"/ballots", ""); r.status != 200 || !strings.Contains(string(r.raw), `"voter":"#1"`) || strings.Contains(string(r.raw), "owner:") {
			t.Fatalf("ballot register: %d %s", r.status, r.raw)
		}
		e.do(t, resident, "GET", base+"/ballots", "").wantError(t, 403, huanxin.EFORBIDDEN)
		r = e.do(t, resident, "GET", base+"/result", "")
		if r.status != 200 {
			t.Fatalf("result: %d %s", r.status, r.raw)
		}
		total := int64(w.partA.Area + w.partA2.Area) // 2 × 85.32 m²
		if countOf(r.body["electorate"]) != [2]int64{total, 2} || num(r.body["counted"]) != 2 || r.body["status"] != "closed" ||
			num(r.body["pending"]) != 0 || num(r.body["mismatched"]) != 0 ||
			len(r.body["rejected"].([]any)) != 0 ||
			!reflect.DeepEqual(r.body["conflicts"], []any{map[string]any{"person": personOfPart(t, db, d.ID, w.partA.ID), "rule": "first",
				"counted": "online", "set_aside": "paper"}}) {
			t.Errorf("result: %s", r.raw)
		}
		ms := r.body["matters"].([]any)
		if len(ms) != 2 {
			t.Fatalf("matters: %s", r.raw)
		}
		lift, poll := ms[0].(map[string]any), ms[1].(map[string]any)
		half := int64(w.partA.Area)
		if num(lift["id"]) != d.Matters[0].ID || num(lift["item"]) != 7 || lift["outcome"] != "failed" ||
			countOf(lift["participating"]) != [2]int64{total, 2} || countOf(lift["agree"]) != [2]int64{half, 1} ||
			countOf(lift["oppose"]) != [2]int64{half, 1} || countOf(lift["abstain"]) != [2]int64{0, 0} ||
			countOf(lift["spoiled"]) != [2]int64{0, 0} {
			t.Errorf("matter 1 counts: %v", lift)
		}
		for name, want := range map[string]figure{
			"quorum_area":    {total, total, "100.00", [2]int64{2, 3}, true, true},
			"quorum_persons": {2, 2, "100.00", [2]int64{2, 3}, true, true},
			"agree_area":     {half, total, "50.00", [2]int64{3, 4}, true, false},
			"agree_persons":  {1, 2, "50.00", [2]int64{3, 4}, true, false},
		} {
			if got := condOf(t, lift[name]); got != want {
				t.Errorf("matter 1 %s = %+v, want %+v", name, got, want)
			}
		}
		if poll["outcome"] != "consultation" || countOf(poll["agree"]) != [2]int64{0, 0} ||
			countOf(poll["oppose"]) != [2]int64{half, 1} || countOf(poll["abstain"]) != [2]int64{half, 1} {
			t.Errorf("matter 2 counts: %v", poll)
		}
		if got, want := condOf(t, poll["agree_persons"]), (figure{0, 2, "0.00", [2]int64{0, 0}, false, false}); got != want {
			t.Errorf("matter 2 agree_persons = %+v, want %+v", got, want)
		}

		// Announced, then final, and no further.
		if r := e.do(t, officer, "POST", base+"/announce", ""); r.status != 200 || r.body["status"] != "announced" {
			t.Fatalf("announce: %d %s", r.status, r.raw)
		}
		if r := e.do(t, officer, "POST", base+"/finalize", ""); r.status != 200 || r.body["status"] != "final" {
			t.Fatalf("finalize: %d %s", r.status, r.raw)
		}
		e.do(t, officer, "POST", base+"/finalize", "").wantError(t, 400, huanxin.EINVALID)
		e.do(t, officer, "POST", "/api/v1/decisions/0/publish", "").wantError(t, 400, huanxin.EINVALID, "id")
		e.do(t, officer, "POST", "/api/v1/decisions/999999/publish", "").wantError(t, 404, huanxin.ENOTFOUND)
	})
}

// personOfPart finds the voting person of a part in a decision's electorate.
func personOfPart(t *testing.T, db *store.DB, id, part int64) string {
	t.Helper()
	e, err := db.Electorate(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range e.Voters {
		for _, p := range v.Parts {
			if p.PartID == part {
				return string(v.ID)
			}
		}
	}
	t.Fatalf("part %d not in the electorate", part)
	return ""
}

// A mismatching second entry flags the paper ballot: not counted, and
// reported in the result.
func TestPaperBallotMismatchHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		e := newDecisionsEnv(t, db)
		w := e.w
		officer := e.actor(huanxin.RoleCommunity, w.commA)
		second := e.actor(huanxin.RoleCommunity, w.commA)
		second.UserID = officer.UserID + 1
		r := e.do(t, officer, "POST", "/api/v1/decisions", fmt.Sprintf(`{"estate_id": %d, "title": "选聘物业", "scope_kind": "estate",
			"notice_days": 0, "matters": [{"item": 4, "title": "选聘物业"}]}`, w.estA.ID))
		if r.status != 201 {
			t.Fatalf("create: %d %s", r.status, r.raw)
		}
		did := num(r.body["id"])
		base := "/api/v1/decisions/" + id(did)
		for _, step := range []string{"publish", "open"} {
			if r := e.do(t, officer, "POST", base+"/"+step, ""); r.status != 200 {
				t.Fatalf("%s: %d %s", step, r.status, r.raw)
			}
		}
		d, err := db.FindDecisionByID(context.Background(), huanxin.Scope{All: true}, did)
		if err != nil {
			t.Fatal(err)
		}
		m := id(int64(d.Matters[0].ID))
		person := personOfPart(t, db, did, w.partA2.ID)
		if r := e.do(t, officer, "POST", base+"/ballots", fmt.Sprintf(`{"person": %q, "collection": "onsite", "choices": {"%s": "agree"}}`, person, m)); r.status != 201 || r.body["state"] != "pending" {
			t.Fatalf("first entry: %d %s", r.status, r.raw)
		}
		r = e.do(t, second, "POST", base+"/ballots", fmt.Sprintf(`{"person": %q, "collection": "onsite", "choices": {"%s": "oppose"}}`, person, m))
		if _, hasCode := r.body["code"]; r.status != 201 || r.body["state"] != "mismatched" || r.body["counted"] != false || hasCode {
			t.Fatalf("mismatching entry: %d %s", r.status, r.raw)
		}
		if r := e.do(t, officer, "GET", base+"/turnout", ""); r.status != 200 || num(r.body["ballots"]) != 0 || num(r.body["mismatched"]) != 1 {
			t.Fatalf("turnout: %d %s", r.status, r.raw)
		}
		if r := e.do(t, officer, "POST", base+"/close", ""); r.status != 200 {
			t.Fatalf("close: %d %s", r.status, r.raw)
		}
		r = e.do(t, officer, "GET", base+"/result", "")
		if r.status != 200 || num(r.body["counted"]) != 0 || num(r.body["mismatched"]) != 1 || num(r.body["pending"]) != 0 {
			t.Fatalf("result: %d %s", r.status, r.raw)
		}
		if r := e.do(t, officer, "GET", base+"/paper-entries", ""); r.status != 200 || len(r.body["items"].([]any)) != 1 ||
			r.body["items"].([]any)[0].(map[string]any)["state"] != "mismatched" {
			t.Fatalf("paper entries: %d %s", r.status, r.raw)
		}
		e.do(t, officer, "POST", base+"/announce", "").wantError(t, 400, huanxin.EINVALID)
		// A third officer settles it from the scan.
		third := e.actor(huanxin.RoleCommunity, w.commA)
		third.UserID = officer.UserID + 2
		review := fmt.Sprintf(`{"person": %q, "collection": "onsite", "choices": {"%s": "agree"}, "note": "扫描件为同意"}`, person, m)
		e.do(t, second, "POST", base+"/reviews", review).wantError(t, 403, huanxin.EFORBIDDEN)
		e.do(t, third, "POST", base+"/reviews", fmt.Sprintf(`{"person": %q, "collection": "onsite"}`, person)).wantError(t, 400, huanxin.EINVALID, "note")
		r = e.do(t, third, "POST", base+"/reviews", review)
		if code, _ := r.body["code"].(string); r.status != 201 || r.body["state"] != "counted" || len(code) != 16 {
			t.Fatalf("review: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, r.pattern, review)
		if r := e.do(t, officer, "GET", base+"/result", ""); r.status != 200 || num(r.body["counted"]) != 1 || num(r.body["mismatched"]) != 0 {
			t.Fatalf("result after review: %d %s", r.status, r.raw)
		}
		if r := e.do(t, officer, "POST", base+"/announce", ""); r.status != 200 {
			t.Fatalf("announce: %d %s", r.status, r.raw)
		}
	})
}

// Documents, the objection period and the city's rules over HTTP.
func TestDecisionRecordsHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		e := newDecisionsEnv(t, db)
		w := e.w
		officer := e.actor(huanxin.RoleCommunity, w.commA)
		bureau := &huanxin.Actor{UserID: 300, Name: "bureau", Role: huanxin.RoleBureau, Scope: huanxin.Scope{Paths: []string{w.city.Path}}}
		resident := &huanxin.Actor{UserID: 200, Name: "resident", Role: huanxin.RoleResident, OwnerID: w.ownA.ID,
			Scope: huanxin.Scope{PartIDs: []int64{w.partA.ID}}}
		rulesURL := "/api/v1/cities/" + id(w.city.ID) + "/decision-rules"
		rules := `{"min_notice_days": 0, "objection_days": 3, "conflict_rule": "paper", "allow_change": true}`
		e.do(t, officer, "PUT", rulesURL, rules).wantError(t, 403, huanxin.EFORBIDDEN)
		e.do(t, bureau, "PUT", rulesURL, `{"min_notice_days": 0, "objection_days": 3, "conflict_rule": "last"}`).
			wantError(t, 400, huanxin.EINVALID, "decision.conflict_rule")
		if r := e.do(t, bureau, "PUT", rulesURL, rules); r.status != 200 {
			t.Fatalf("set rules: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "PUT /api/v1/cities/{id}/decision-rules", rules)
		if r := e.do(t, officer, "GET", rulesURL, ""); r.status != 200 || r.body["conflict_rule"] != "paper" || num(r.body["objection_days"]) != 3 {
			t.Fatalf("rules: %d %s", r.status, r.raw)
		}

		r := e.do(t, officer, "POST", "/api/v1/decisions", fmt.Sprintf(`{"estate_id": %d, "title": "改造方案", "scope_kind": "estate",
			"matters": [{"item": 7, "title": "改造方案", "extra": [{"label": "一层业主无人反对", "rule": "none_oppose", "floors": [1]}]}]}`, w.estA.ID))
		if r.status != 201 || r.body["conflict_rule"] != "paper" || r.body["allow_change"] != true || num(r.body["objection_days"]) != 3 {
			t.Fatalf("create: %d %s", r.status, r.raw)
		}
		did := num(r.body["id"])
		base := "/api/v1/decisions/" + id(did)
		up := e.send(t, officer, uploadRequest(t, map[string]string{"estate_id": id(w.estA.ID)},
			formFile{"file", "方案.pdf", []byte("%PDF-1.4\n%%EOF\n")}))
		fid := num(up.body["id"])
		r = e.do(t, officer, "POST", base+"/documents", fmt.Sprintf(`{"file_id": %d, "title": "改造方案图"}`, fid))
		if r.status != 201 || r.body["title"] != "改造方案图" || r.body["sha256"] != up.body["sha256"] {
			t.Fatalf("attach: %d %s", r.status, r.raw)
		}
		e.do(t, resident, "POST", base+"/documents", fmt.Sprintf(`{"file_id": %d}`, fid)).wantError(t, 403, huanxin.EFORBIDDEN)
		e.do(t, officer, "POST", base+"/documents", fmt.Sprintf(`{"file_id": %d}`, fid)).wantError(t, 409, huanxin.ECONFLICT)
		for _, step := range []string{"publish", "open"} {
			if r := e.do(t, officer, "POST", base+"/"+step, ""); r.status != 200 {
				t.Fatalf("%s: %d %s", step, r.status, r.raw)
			}
		}
		if r := e.do(t, resident, "GET", base+"/documents", ""); r.status != 200 || len(r.body["items"].([]any)) != 1 {
			t.Fatalf("documents: %d %s", r.status, r.raw)
		}
		// The owner reads the document through the decision, though the
		// file service shows residents only their own uploads.
		req := httptest.NewRequest("GET", base+"/documents/"+id(fid)+"/content", nil)
		rec := httptest.NewRecorder()
		e.mux.ServeHTTP(rec, req.WithContext(huanxin.NewContextWithActor(req.Context(), resident)))
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/pdf" || !strings.HasPrefix(rec.Body.String(), "%PDF") {
			t.Fatalf("document content: %d %s", rec.Code, rec.Header())
		}
		e.do(t, resident, "GET", "/api/v1/files/"+id(fid), "").wantError(t, 404, huanxin.ENOTFOUND)
		req = httptest.NewRequest("DELETE", base+"/documents/"+id(fid), nil)
		if r := e.send(t, officer, req); r.status != 400 {
			t.Fatalf("detach after publication: %d %s", r.status, r.raw)
		}

		// The owner votes and, as the city allows, changes the ballot.
		d, _ := db.FindDecisionByID(context.Background(), huanxin.Scope{All: true}, did)
		m := id(int64(d.Matters[0].ID))
		first := e.do(t, resident, "POST", base+"/ballots", fmt.Sprintf(`{"choices": {"%s": "oppose"}}`, m))
		changed := e.do(t, resident, "POST", base+"/ballots", fmt.Sprintf(`{"choices": {"%s": "agree"}}`, m))
		if first.status != 201 || changed.status != 201 || changed.body["revised"] != true {
			t.Fatalf("change: %s %s", first.raw, changed.raw)
		}
		if r := e.do(t, resident, "GET", "/api/v1/receipts/"+first.body["code"].(string), ""); r.status != 200 ||
			r.body["counted"] != false || r.body["replaced_at"] == nil {
			t.Fatalf("replaced receipt: %d %s", r.status, r.raw)
		}
		for _, step := range []string{"close", "announce"} {
			if r := e.do(t, officer, "POST", base+"/"+step, ""); r.status != 200 {
				t.Fatalf("%s: %d %s", step, r.status, r.raw)
			}
		}
		r = e.do(t, resident, "GET", base+"/result", "")
		extra := r.body["matters"].([]any)[0].(map[string]any)["extra"].([]any)
		if r.status != 200 || len(extra) != 1 || extra[0].(map[string]any)["met"] != true {
			t.Fatalf("result with the extra condition: %d %s", r.status, r.raw)
		}
		// Objections during the three-day period block finality until answered.
		obj := `{"body": "请公布纸质票扫描件"}`
		r = e.do(t, resident, "POST", base+"/objections", obj)
		if r.status != 201 || r.body["body"] != "请公布纸质票扫描件" {
			t.Fatalf("object: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, r.pattern, obj)
		oid := num(r.body["id"])
		e.do(t, officer, "POST", base+"/finalize", "").wantError(t, 400, huanxin.EINVALID)
		e.do(t, resident, "POST", base+"/objections/"+id(oid)+"/answer", `{"answer": "x"}`).wantError(t, 403, huanxin.EFORBIDDEN)
		if r := e.do(t, officer, "POST", base+"/objections/"+id(oid)+"/answer", `{"answer": "已在公示栏张贴"}`); r.status != 200 || r.body["answer"] != "已在公示栏张贴" {
			t.Fatalf("answer: %d %s", r.status, r.raw)
		}
		if r := e.do(t, resident, "GET", base+"/objections", ""); r.status != 200 || len(r.body["items"].([]any)) != 1 {
			t.Fatalf("objections: %d %s", r.status, r.raw)
		}
		if r := e.do(t, officer, "GET", base, ""); r.status != 200 || r.body["objections_until"] == nil {
			t.Fatalf("decision: %d %s", r.status, r.raw)
		}
	})
}
