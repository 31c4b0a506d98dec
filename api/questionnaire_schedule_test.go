package api_test

import (
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/api"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/questionnaire"
	"github.com/huanxin/huanxin/store"
)

// The schedule schemas list exactly the JSON members of their Go types.
func TestOpenAPIQuestionnaireScheduleSchemasMatchTypes(t *testing.T) {
	checkSchemas(t, loadDoc(t), map[string]reflect.Type{
		"QuestionnaireSchedule":       reflect.TypeFor[api.QuestionnaireSchedule](),
		"QuestionnaireScheduleCreate": reflect.TypeFor[api.QuestionnaireScheduleInput](),
		"QuestionnaireSchedules":      reflect.TypeFor[api.QuestionnaireSchedules](),
		"SurveyTemplate":              reflect.TypeFor[questionnaire.Template](),
	})
}

func TestQuestionnaireSchedulesHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
		e := &env{db: db, mux: http.NewServeMux(), doc: loadDoc(t), w: mustWorld(t, db)}
		reg := &estate.Service{Store: db}
		svc := &questionnaire.Service{Store: db, Register: reg, Hash: testdb.Keys().Hash, Now: func() time.Time { return now }}
		api.NewWithExtras(reg, api.Extras{Questionnaires: svc}).Register(e.mux)
		w := e.w
		officer := e.actor(huanxin.RoleCommunity, w.commA)
		resident := &huanxin.Actor{UserID: 200, Role: huanxin.RoleResident, OwnerID: w.ownA.ID, Scope: huanxin.Scope{PartIDs: []int64{w.partA.ID}}}
		base := "/api/v1/questionnaire-schedules"

		body := `{"estate_id":` + id(w.estA.ID) + `,"at":"2026-06-01T07:00:00Z","closes_after":30,"reason":"works_accepted"}`
		e.do(t, resident, "POST", base, body).wantError(t, http.StatusForbidden, huanxin.EFORBIDDEN)
		e.do(t, officer, "POST", base, `{"estate_id":`+id(w.estA.ID)+`,"at":"2026-06-01T07:00:00Z","closes_after":0,"reason":"",
			"template":{"title":"","intro":"","anonymous":false,"per":"household","questions":[]}}`).
			wantError(t, http.StatusBadRequest, huanxin.EINVALID, "template.title", "template.questions", "closes_after", "reason")
		r := e.do(t, officer, "POST", base, body)
		if r.status != http.StatusCreated || r.body["status"] != "pending" || r.body["questionnaire_id"] != nil {
			t.Fatalf("create: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "POST "+base, body)
		first := id(num(r.body["id"]))
		later := `{"estate_id":` + id(w.estA.ID) + `,"at":"2027-06-01T07:00:00Z","closes_after":30,"reason":"one_year_later"}`
		r = e.do(t, officer, "POST", base, later)
		second := id(num(r.body["id"]))
		if r = e.do(t, officer, "POST", base+"/"+second+"/cancel", ""); r.status != http.StatusOK || r.body["status"] != "cancelled" {
			t.Fatalf("cancel: %d %s", r.status, r.raw)
		}
		e.do(t, officer, "POST", base+"/"+second+"/cancel", "").wantError(t, http.StatusBadRequest, huanxin.EINVALID)
		e.do(t, officer, "POST", base+"/999999/cancel", "").wantError(t, http.StatusNotFound, huanxin.ENOTFOUND)

		if n, err := svc.SendDue(t.Context()); err != nil || n != 1 {
			t.Fatalf("sweep: %d %v", n, err)
		}
		e.do(t, officer, "GET", base, "").wantError(t, http.StatusBadRequest, huanxin.EINVALID, "estate_id")
		e.do(t, resident, "GET", base+"?estate_id="+id(w.estA.ID), "").wantError(t, http.StatusForbidden, huanxin.EFORBIDDEN)
		r = e.do(t, officer, "GET", base+"?estate_id="+id(w.estA.ID), "")
		items, _ := r.body["items"].([]any)
		if r.status != http.StatusOK || len(items) != 2 {
			t.Fatalf("list: %d %s", r.status, r.raw)
		}
		sent := items[0].(map[string]any)
		if id(num(sent["id"])) != first || sent["status"] != "sent" || sent["questionnaire_id"] == nil {
			t.Fatalf("sent schedule %v", sent)
		}
		q := e.do(t, resident, "GET", "/api/v1/questionnaires/"+id(num(sent["questionnaire_id"])), "")
		if q.status != http.StatusOK || q.body["status"] != "open" {
			t.Fatalf("the resident sees the satisfaction survey: %d %s", q.status, q.raw)
		}
	})
}
