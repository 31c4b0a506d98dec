package api_test

import (
	"fmt"
	"net/http"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/api"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/questionnaire"
	"github.com/huanxin/huanxin/store"
)

// The questionnaire schemas list exactly the JSON members of their Go types.
func TestOpenAPIQuestionnaireSchemasMatchTypes(t *testing.T) {
	checkSchemas(t, loadDoc(t), map[string]reflect.Type{
		"Questionnaire":            reflect.TypeFor[api.Questionnaire](),
		"QuestionnaireCreate":      reflect.TypeFor[api.QuestionnaireInput](),
		"NeedsCreate":              reflect.TypeFor[api.NeedsInput](),
		"Question":                 reflect.TypeFor[questionnaire.Question](),
		"Answer":                   reflect.TypeFor[questionnaire.Answer](),
		"QuestionnaireResponse":    reflect.TypeFor[api.ResponseInput](),
		"NewQuestionnaireResponse": reflect.TypeFor[api.NewResponse](),
		"Tally":                    reflect.TypeFor[api.Tally](),
		"QuestionResult":           reflect.TypeFor[api.QuestionResult](),
		"ResultSection":            reflect.TypeFor[api.ResultSection](),
		"QuestionnaireResults":     reflect.TypeFor[api.QuestionnaireResults](),
		"TextAnswer":               reflect.TypeFor[api.TextAnswer](),
		"TextAnswers":              reflect.TypeFor[api.TextAnswers](),
	})
}

func TestQuestionnairesHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		var tick atomic.Int64
		start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return start.Add(time.Duration(tick.Add(1)) * time.Second) }
		e := &env{db: db, mux: http.NewServeMux(), doc: loadDoc(t), w: mustWorld(t, db)}
		reg := &estate.Service{Store: db}
		api.NewWithExtras(reg, api.Extras{Questionnaires: &questionnaire.Service{Store: db, Register: reg, Hash: testdb.Keys().Hash,
			Now: db.Now}}).Register(e.mux)
		w := e.w
		officer := e.actor(huanxin.RoleCommunity, w.commA)
		resident := &huanxin.Actor{UserID: 200, Role: huanxin.RoleResident, OwnerID: w.ownA.ID, Scope: huanxin.Scope{PartIDs: []int64{w.partA.ID}}}

		body := fmt.Sprintf(`{"estate_id":%d,"title":"改造满意度","questions":[
			{"kind":"single","title":"是否满意","required":true,"options":["满意","不满意"]},
			{"kind":"ranking","title":"优先","options":["道路","照明","绿化"],"max_picks":2},
			{"kind":"text","title":"意见"}]}`, w.estA.ID)
		r := e.do(t, resident, "POST", "/api/v1/questionnaires", body)
		r.wantError(t, http.StatusForbidden, huanxin.EFORBIDDEN)
		r = e.do(t, officer, "POST", "/api/v1/questionnaires", `{"estate_id":`+id(w.estA.ID)+`,"title":"","questions":[{"kind":"single","title":"x","options":["a"]}]}`)
		r.wantError(t, http.StatusBadRequest, huanxin.EINVALID, "title", "questions.0.options")
		r = e.do(t, officer, "POST", "/api/v1/questionnaires", body)
		if r.status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "POST /api/v1/questionnaires", body)
		qid := id(num(r.body["id"]))
		base := "/api/v1/questionnaires/" + qid
		if r = e.do(t, officer, "PATCH", base, `{"intro":"请每户填写一份"}`); r.status != http.StatusOK || r.body["intro"] != "请每户填写一份" {
			t.Fatalf("patch: %d %s", r.status, r.raw)
		}
		if r = e.do(t, resident, "GET", base, ""); r.status != http.StatusNotFound {
			t.Fatalf("a resident sees a draft: %d", r.status)
		}
		if r = e.do(t, officer, "POST", base+"/open", ""); r.status != http.StatusOK || r.body["status"] != "open" {
			t.Fatalf("open: %d %s", r.status, r.raw)
		}
		e.do(t, officer, "PATCH", base, `{"title":"x"}`).wantError(t, http.StatusBadRequest, huanxin.EINVALID)

		answer := `{"channel":"online","answers":{"1":{"picks":[0]},"2":{"picks":[2,0]},"3":{"text":"路灯太暗"}}}`
		e.do(t, resident, "POST", base+"/responses", `{"channel":"online","answers":{"2":{"picks":[0,1,2]}}}`).
			wantError(t, http.StatusBadRequest, huanxin.EINVALID, "answers.1", "answers.2")
		if r = e.do(t, resident, "POST", base+"/responses", answer); r.status != http.StatusCreated {
			t.Fatalf("respond: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "POST /api/v1/questionnaires/{id}/responses", answer)
		e.do(t, resident, "POST", base+"/responses", answer).wantError(t, http.StatusConflict, huanxin.ECONFLICT)
		paper := fmt.Sprintf(`{"channel":"paper","part_id":%d,"answers":{"1":{"picks":[1]},"2":{"picks":[0]}}}`, w.partA.ID)
		e.do(t, officer, "POST", base+"/responses", paper).wantError(t, http.StatusConflict, huanxin.ECONFLICT)
		paper = fmt.Sprintf(`{"channel":"paper","part_id":%d,"answers":{"1":{"picks":[1]},"2":{"picks":[0]}}}`, w.partA2.ID)
		if r = e.do(t, officer, "POST", base+"/responses", paper); r.status != http.StatusCreated || r.body["channel"] != "paper" {
			t.Fatalf("paper: %d %s", r.status, r.raw)
		}
		e.do(t, resident, "GET", base+"/results", "").wantError(t, http.StatusForbidden, huanxin.EFORBIDDEN)
		r = e.do(t, officer, "GET", base+"/results", "")
		if r.status != http.StatusOK {
			t.Fatalf("results: %d %s", r.status, r.raw)
		}
		overall := r.body["overall"].(map[string]any)
		if resp := overall["respondents"].(map[string]any); num(resp["households"]) != 2 || num(resp["area"]) != 2*8532 || num(overall["paper"]) != 1 {
			t.Fatalf("respondents %v", overall)
		}
		ranking := overall["questions"].([]any)[1].(map[string]any)
		if fmt.Sprint(ranking["points"]) != "[3 0 2]" { // 2 places: 2 points for first, 1 for second
			t.Fatalf("borda %v", ranking["points"])
		}
		r = e.do(t, officer, "GET", base+"/texts?question=3&q=路灯", "")
		if items := r.body["items"].([]any); r.status != http.StatusOK || len(items) != 1 {
			t.Fatalf("texts: %d %s", r.status, r.raw)
		}
		if r = e.do(t, officer, "POST", base+"/close", ""); r.status != http.StatusOK || r.body["status"] != "closed" {
			t.Fatalf("close: %d %s", r.status, r.raw)
		}
		e.do(t, officer, "POST", base+"/responses", paper).wantError(t, http.StatusBadRequest, huanxin.EINVALID)
		if r = e.do(t, resident, "GET", "/api/v1/questionnaires?estate_id="+id(w.estA.ID), ""); r.status != http.StatusOK || len(r.items(t)) != 1 {
			t.Fatalf("list: %d %s", r.status, r.raw)
		}
	})
}
