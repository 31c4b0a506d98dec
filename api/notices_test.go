package api_test

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
	"github.com/huanxin/huanxin/api"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/file"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/notice"
	"github.com/huanxin/huanxin/notify"
	"github.com/huanxin/huanxin/store"
)

// The notice and notification schemas list exactly the JSON members of
// their Go types.
func TestOpenAPINoticeSchemasMatchTypes(t *testing.T) {
	checkSchemas(t, loadDoc(t), map[string]reflect.Type{
		"Notice":                  reflect.TypeFor[api.Notice](),
		"NoticeAttachment":        reflect.TypeFor[api.NoticeAttachment](),
		"NoticeInput":             reflect.TypeFor[api.NoticeInput](),
		"Notices":                 reflect.TypeFor[api.Notices](),
		"NoticeObjection":         reflect.TypeFor[api.NoticeObjection](),
		"NoticeObjections":        reflect.TypeFor[api.NoticeObjections](),
		"NoticeReceipt":           reflect.TypeFor[api.NoticeReceipt](),
		"NoticeReceipts":          reflect.TypeFor[api.NoticeReceipts](),
		"PaperReceiptInput":       reflect.TypeFor[api.PaperReceiptInput](),
		"Household":               reflect.TypeFor[api.Household](),
		"NotReached":              reflect.TypeFor[api.NotReached](),
		"Message":                 reflect.TypeFor[api.Message](),
		"Inbox":                   reflect.TypeFor[api.Inbox](),
		"NotificationPreferences": reflect.TypeFor[api.NotificationPreferences](),
		"Delivery":                reflect.TypeFor[api.Delivery](),
		"Deliveries":              reflect.TypeFor[api.Deliveries](),
		"NoticeRules":             reflect.TypeFor[api.NoticeRules](),
		"NoticeMinimum":           reflect.TypeFor[api.NoticeMinimum](),
	})
}

func TestNoticesHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		var tick atomic.Int64
		start := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC) // Monday 09:00 in Shanghai
		db.Now = func() time.Time { return start.Add(time.Duration(tick.Add(1)) * time.Second) }
		e := &env{db: db, mux: http.NewServeMux(), doc: loadDoc(t), w: mustWorld(t, db)}
		w := e.w
		reg := &estate.Service{Store: db}
		files := &file.Service{Store: db, Register: reg}
		nt := &notify.Service{Store: db}
		api.NewWithExtras(reg, api.Extras{Files: files, Notify: nt,
			Notices: &notice.Service{Store: db, Register: reg, Files: files, Now: db.Now}}).Register(e.mux)
		sys := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
		u := &account.User{Username: "owner-a", Name: "业主E1", Role: huanxin.RoleResident, OwnerID: w.ownA.ID}
		if err := db.CreateUser(sys, u, "x"); err != nil {
			t.Fatal(err)
		}
		officer := e.actor(huanxin.RoleCommunity, w.commA)
		resident := &huanxin.Actor{UserID: u.ID, Name: u.Name, Role: huanxin.RoleResident, OwnerID: w.ownA.ID,
			Scope: huanxin.Scope{PartIDs: []int64{w.partA.ID}}}
		outsider := &huanxin.Actor{UserID: 201, Name: "B", Role: huanxin.RoleResident, OwnerID: w.ownB.ID, Scope: huanxin.Scope{PartIDs: []int64{w.partB.ID}}}

		body := `{"scope_kind":"estate","estate_id":` + id(w.estA.ID) + `,"type":"plan","title":"改造方案公示","body":"第一段\n\n第二段",
			"publicity_start":"2026-03-02","publicity_end":"2026-03-05"}`
		r := e.do(t, officer, "POST", "/api/v1/notices", body)
		if r.status != 201 || r.body["status"] != "draft" {
			t.Fatalf("create: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "POST /api/v1/notices", body)
		nid := id(num(r.body["id"]))
		e.do(t, e.actor(huanxin.RoleCommunity, w.commB), "POST", "/api/v1/notices",
			strings.Replace(body, `"type":"plan"`, `"type":"works"`, 1)).wantError(t, 403, huanxin.EFORBIDDEN)
		// Four working days are too short for a plan: the error names the
		// earliest end (five working days from Monday 2 March: Friday).
		r = e.do(t, officer, "POST", "/api/v1/notices/"+nid+"/publish", "")
		r.wantError(t, 400, huanxin.EINVALID, "publicity_end")
		if !strings.Contains(string(r.raw), "2026-03-06") {
			t.Fatalf("no earliest end: %s", r.raw)
		}
		if r = e.do(t, officer, "PATCH", "/api/v1/notices/"+nid, `{"publicity_end":"2026-03-06"}`); r.status != 200 || r.body["publicity_end"] != "2026-03-06" {
			t.Fatalf("patch: %d %s", r.status, r.raw)
		}
		if r = e.do(t, officer, "POST", "/api/v1/notices/"+nid+"/publish", ""); r.status != 200 || r.body["status"] != "published" {
			t.Fatalf("publish: %d %s", r.status, r.raw)
		}
		e.do(t, officer, "PATCH", "/api/v1/notices/"+nid, `{"title":"x"}`).wantError(t, 400, huanxin.EINVALID)

		// The resident sees it in the list and in the inbox; others do not.
		if r = e.do(t, resident, "GET", "/api/v1/notices", ""); len(r.items(t)) != 1 {
			t.Fatalf("resident's notices: %s", r.raw)
		}
		if r = e.do(t, outsider, "GET", "/api/v1/notices", ""); len(r.items(t)) != 0 {
			t.Fatalf("outsider's notices: %s", r.raw)
		}
		e.do(t, outsider, "GET", "/api/v1/notices/"+nid, "").wantError(t, 404, huanxin.ENOTFOUND)
		r = e.do(t, resident, "GET", "/api/v1/inbox", "")
		if num(r.body["unread"]) != 1 || r.items(t)[0]["link"] != "/notices/"+nid {
			t.Fatalf("inbox: %s", r.raw)
		}
		mid := id(num(r.items(t)[0]["id"]))
		if r = e.do(t, resident, "POST", "/api/v1/inbox/"+mid+"/read", ""); r.body["read_at"] == nil {
			t.Fatalf("read: %s", r.raw)
		}
		e.do(t, officer, "POST", "/api/v1/inbox/"+mid+"/read", "").wantError(t, 404, huanxin.ENOTFOUND)

		// Not reached: both households of the estate; the resident's reading
		// reaches one, the officer records the other on paper.
		if r = e.do(t, officer, "GET", "/api/v1/notices/"+nid+"/not-reached", ""); len(r.items(t)) != 2 {
			t.Fatalf("not reached: %s", r.raw)
		}
		e.do(t, resident, "GET", "/api/v1/notices/"+nid+"/not-reached", "").wantError(t, 403, huanxin.EFORBIDDEN)
		e.do(t, resident, "GET", "/api/v1/notices/"+nid, "")
		if r = e.do(t, officer, "GET", "/api/v1/notices/"+nid+"/not-reached", ""); len(r.items(t)) != 1 || num(r.items(t)[0]["part_id"]) != w.partA2.ID {
			t.Fatalf("not reached after reading: %s", r.raw)
		}
		e.do(t, officer, "POST", "/api/v1/notices/"+nid+"/receipts", `{"part_ids":[`+id(w.partB.ID)+`]}`).wantError(t, 400, huanxin.EINVALID, "part_ids")
		if r = e.do(t, officer, "POST", "/api/v1/notices/"+nid+"/receipts", `{"part_ids":[`+id(w.partA2.ID)+`]}`); len(r.items(t)) != 2 {
			t.Fatalf("paper receipt: %d %s", r.status, r.raw)
		}

		// Objection and answer, shown to the resident; the answer is notified.
		r = e.do(t, resident, "POST", "/api/v1/notices/"+nid+"/objections", `{"body":"停车位太少"}`)
		if r.status != 201 {
			t.Fatalf("object: %d %s", r.status, r.raw)
		}
		oid := id(num(r.body["id"]))
		e.do(t, resident, "POST", "/api/v1/notices/"+nid+"/objections/"+oid+"/answer", `{"answer":"x"}`).wantError(t, 403, huanxin.EFORBIDDEN)
		if r = e.do(t, officer, "POST", "/api/v1/notices/"+nid+"/objections/"+oid+"/answer", `{"answer":"将增设停车位"}`); r.status != 200 {
			t.Fatalf("answer: %d %s", r.status, r.raw)
		}
		if r = e.do(t, resident, "GET", "/api/v1/notices/"+nid+"/objections", ""); r.items(t)[0]["answer"] != "将增设停车位" {
			t.Fatalf("objections: %s", r.raw)
		}
		if r = e.do(t, resident, "GET", "/api/v1/inbox", ""); num(r.body["unread"]) != 1 || num(r.body["total"]) != 2 {
			t.Fatalf("inbox after the answer: %s", r.raw)
		}

		// Preferences.
		if r = e.do(t, resident, "GET", "/api/v1/notification-preferences", ""); r.body["quiet_from"] != "22:00" {
			t.Fatalf("preferences: %s", r.raw)
		}
		e.do(t, resident, "PUT", "/api/v1/notification-preferences", `{"email":true}`).wantError(t, 400, huanxin.EINVALID, "email_address")
		body = `{"sms":true,"mobile":"13812345678","digest":true,"quiet_from":"21:30"}`
		if r = e.do(t, resident, "PUT", "/api/v1/notification-preferences", body); r.body["sms"] != true || r.body["quiet_from"] != "21:30" {
			t.Fatalf("set preferences: %s", r.raw)
		}
		e.checkRequest(t, "PUT /api/v1/notification-preferences", body)
		if r = e.do(t, officer, "GET", "/api/v1/deliveries", ""); r.status != 200 {
			t.Fatalf("deliveries: %s", r.raw)
		}
		e.do(t, resident, "GET", "/api/v1/deliveries", "").wantError(t, 403, huanxin.EFORBIDDEN)

		if r = e.do(t, officer, "POST", "/api/v1/notices/"+nid+"/withdraw", ""); r.body["status"] != "withdrawn" {
			t.Fatalf("withdraw: %s", r.raw)
		}
		e.do(t, resident, "POST", "/api/v1/notices/"+nid+"/objections", `{"body":"x"}`).wantError(t, 400, huanxin.EINVALID)
	})
}

// A city's notice rules: defaults, changed by a city-wide bureau only,
// malformed values named, and the new minimum applied at publication.
func TestNoticeRulesHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.mux = http.NewServeMux()
		w := e.w
		reg := &estate.Service{Store: db}
		files := &file.Service{Store: db, Register: reg}
		api.NewWithExtras(reg, api.Extras{Notices: &notice.Service{Store: db, Register: reg, Files: files, Now: db.Now}}).Register(e.mux)
		url := "/api/v1/cities/" + id(w.city.ID) + "/notice-rules"
		r := e.do(t, e.actor(huanxin.RoleCommunity, w.commA), "GET", url, "")
		if r.status != 200 || !strings.Contains(string(r.raw), `{"type":"plan","length":5,"unit":"working_days"}`) ||
			!strings.Contains(string(r.raw), `"2026-10-10"`) {
			t.Fatalf("default rules: %d %s", r.status, r.raw)
		}
		body := `{"minimums":[{"type":"plan","length":7,"unit":"working_days"},{"type":"general","length":2,"unit":"days"}],
			"holidays":["2026-03-03","2026-03-03"],"workdays":["2026-03-07"]}`
		e.do(t, e.actor(huanxin.RoleCommunity, w.commA), "PUT", url, body).wantError(t, 403, huanxin.EFORBIDDEN)
		e.do(t, e.actor(huanxin.RoleBureau, w.distA), "PUT", url, body).wantError(t, 403, huanxin.EFORBIDDEN)
		bureau := e.actor(huanxin.RoleBureau, w.city)
		e.do(t, bureau, "PUT", url, `{"minimums":[{"type":"plan","length":91,"unit":"days"}],"holidays":["2026-3-3"],"workdays":[]}`).
			wantError(t, 400, huanxin.EINVALID, "notice.min.plan", "notice.holidays")
		e.do(t, bureau, "PUT", url, `{"minimums":[],"holidays":["2026-03-07"],"workdays":["2026-03-07"]}`).
			wantError(t, 400, huanxin.EINVALID, "notice.workdays")
		e.do(t, bureau, "PUT", url, `{"minimums":[{"type":"poster","length":1,"unit":"days"}],"holidays":[],"workdays":[]}`).
			wantError(t, 400, huanxin.EINVALID, "minimums[0].type")
		r = e.do(t, bureau, "PUT", url, body)
		if r.status != 200 || !strings.Contains(string(r.raw), `"holidays":["2026-03-03"],"workdays":["2026-03-07"]`) ||
			!strings.Contains(string(r.raw), `{"type":"vote","length":15,"unit":"days"}`) ||
			!strings.Contains(string(r.raw), `{"type":"plan","length":7,"unit":"working_days"}`) {
			t.Fatalf("set rules: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "PUT /api/v1/cities/{id}/notice-rules", body)

		// A plan from Monday 2 March: Tuesday is now a holiday and Saturday a
		// working day, so seven working days end on Tuesday 10 March.
		officer := e.actor(huanxin.RoleCommunity, w.commA)
		r = e.do(t, officer, "POST", "/api/v1/notices", `{"scope_kind":"estate","estate_id":`+id(w.estA.ID)+`,"type":"plan","title":"方案公示",
			"publicity_start":"2026-03-02","publicity_end":"2026-03-09"}`)
		nid := id(num(r.body["id"]))
		r = e.do(t, officer, "POST", "/api/v1/notices/"+nid+"/publish", "")
		r.wantError(t, 400, huanxin.EINVALID, "publicity_end")
		if !strings.Contains(string(r.raw), "2026-03-10") {
			t.Fatalf("earliest end: %s", r.raw)
		}
	})
}
