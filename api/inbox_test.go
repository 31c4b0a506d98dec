package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
	"github.com/huanxin/huanxin/api"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/notify"
	"github.com/huanxin/huanxin/store"
)

func TestOpenAPINotifySchemasMatchTypes(t *testing.T) {
	checkSchemas(t, loadDoc(t), map[string]reflect.Type{
		"WeChatBinding":                reflect.TypeFor[api.WeChatBinding](),
		"NotificationPreferencesInput": reflect.TypeFor[api.NotificationPreferences](),
	})
}

// A resident keeps addresses through the API, shown masked and kept when
// sent back; a channel is not switched on without its address; an officer
// binds WeChat for a resident of the estate only; the SMS gateway's
// refusals are listed by channel and reason and a failed delivery is sent
// again once.
func TestNotifyAddressesHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC) // 09:00 in Shanghai
		db.Now = func() time.Time { return now }
		e := &env{db: db, mux: http.NewServeMux(), doc: loadDoc(t), w: mustWorld(t, db)}
		w := e.w
		nt := &notify.Service{Store: db}
		api.NewWithExtras(&estate.Service{Store: db}, api.Extras{Notify: nt}).Register(e.mux)
		sys := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
		u := &account.User{Username: "owner-a", Name: "业主E1", Role: huanxin.RoleResident, OwnerID: w.ownA.ID}
		if err := db.CreateUser(sys, u, "x"); err != nil {
			t.Fatal(err)
		}
		resident := &huanxin.Actor{UserID: u.ID, Name: u.Name, Role: huanxin.RoleResident, OwnerID: w.ownA.ID,
			Scope: huanxin.Scope{PartIDs: []int64{w.partA.ID}}}
		officer, elsewhere := e.actor(huanxin.RoleCommunity, w.commA), e.actor(huanxin.RoleCommunity, w.commB)
		const prefs = "/api/v1/notification-preferences"

		e.do(t, resident, "PUT", prefs, `{"sms":true}`).wantError(t, 400, huanxin.EINVALID, "mobile")
		e.do(t, resident, "PUT", prefs, `{"quiet_from":"25:00","quiet_to":"7"}`).wantError(t, 400, huanxin.EINVALID, "quiet_from", "quiet_to")
		e.do(t, resident, "PUT", prefs, `{"sms":true,"mobile":"12812345678"}`).wantError(t, 400, huanxin.EINVALID, "mobile")
		e.do(t, resident, "PUT", prefs, `{"email_address":"not-mail","wechat_openid":"short"}`).wantError(t, 400, huanxin.EINVALID,
			"wechat_openid", "email_address")
		body := `{"sms":true,"mobile":"138 1234 5678","email":true,"email_address":"li@example.cn"}`
		r := e.do(t, resident, "PUT", prefs, body)
		if r.status != 200 || r.body["mobile"] != "138****5678" || r.body["email_address"] != "l***@example.cn" || r.body["wechat_openid"] != "" {
			t.Fatalf("set addresses: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "PUT "+prefs, body)
		// What was read, sent back with a change elsewhere, keeps them.
		r.body["digest"] = true
		if r = e.do(t, resident, "PUT", prefs, string(mustJSON(r.body))); r.status != 200 || r.body["digest"] != true {
			t.Fatalf("round trip: %s", r.raw)
		}
		p, err := db.Preferences(sys, u.ID)
		if err != nil || p.Mobile != "13812345678" || p.EmailAddress != "li@example.cn" || !p.Digest {
			t.Fatalf("stored %+v %v", p, err)
		}
		e.do(t, resident, "PUT", prefs, `{"mobile":""}`).wantError(t, 400, huanxin.EINVALID, "mobile")
		if r = e.do(t, resident, "PUT", prefs, `{"digest":false,"email":false,"email_address":""}`); r.status != 200 || r.body["email_address"] != "" {
			t.Fatalf("e-mail removed: %s", r.raw)
		}

		// WeChat bound by an officer of the resident's community.
		wechat := "/api/v1/users/" + id(u.ID) + "/wechat"
		e.do(t, officer, "PUT", wechat, `{"openid":"o-1"}`).wantError(t, 400, huanxin.EINVALID, "wechat_openid")
		e.do(t, elsewhere, "PUT", wechat, `{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}`).wantError(t, 404, huanxin.ENOTFOUND)
		e.do(t, resident, "PUT", wechat, `{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}`).wantError(t, 403, huanxin.EFORBIDDEN)
		if r = e.do(t, officer, "PUT", wechat, `{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}`); r.status != 200 || r.body["openid"] != "oUpF****eS6o" {
			t.Fatalf("bind: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "PUT /api/v1/users/{id}/wechat", `{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}`)
		if r = e.do(t, resident, "GET", prefs, ""); r.body["wechat"] != true || r.body["wechat_openid"] != "oUpF****eS6o" {
			t.Fatalf("bound: %s", r.raw)
		}

		// The SMS gateway refuses the number; WeChat goes out.
		gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"message":"空号 number does not exist"}`))
		}))
		defer gw.Close()
		d := &notify.Dispatcher{Store: db, Now: db.Now, Senders: map[notify.Channel]notify.Sender{
			notify.ChannelSMS: &notify.Gateway{Channel: notify.ChannelSMS, URL: gw.URL}, notify.ChannelWeChat: notify.Outboxes(t.TempDir())[notify.ChannelWeChat]}}
		if err := nt.ToUsers(sys, []int64{u.ID}, notify.Message{CityID: w.city.ID, Title: "停水通知"}); err != nil {
			t.Fatal(err)
		}
		for range notify.MaxAttempts {
			if err := d.Tick(sys); err != nil {
				t.Fatal(err)
			}
			now = now.Add(2 * time.Hour)
		}
		r = e.do(t, officer, "GET", "/api/v1/deliveries?channel=sms&reason=rejected", "")
		items, _ := r.body["items"].([]any)
		if r.status != 200 || len(items) != 1 {
			t.Fatalf("rejected sms: %s", r.raw)
		}
		first := items[0].(map[string]any)
		if first["recipient"] != "138****5678" || first["status"] != "failed" || first["last_error"] != "sms 400: 空号 number does not exist" {
			t.Fatalf("delivery %v", first)
		}
		for _, q := range []string{"?reason=no_address", "?channel=wechat", "?status=queued"} {
			if r = e.do(t, officer, "GET", "/api/v1/deliveries"+q, ""); len(r.body["items"].([]any)) != 0 {
				t.Errorf("%s: %s", q, r.raw)
			}
		}
		if r = e.do(t, elsewhere, "GET", "/api/v1/deliveries", ""); len(r.body["items"].([]any)) != 0 {
			t.Errorf("another community's deliveries: %s", r.raw)
		}
		e.do(t, officer, "GET", "/api/v1/deliveries?channel=fax&reason=lost", "").wantError(t, 400, huanxin.EINVALID, "channel", "reason")

		resend := "/api/v1/deliveries/" + id(num(first["id"])) + "/resend"
		e.do(t, resident, "POST", resend, "").wantError(t, 403, huanxin.EFORBIDDEN)
		e.do(t, elsewhere, "POST", resend, "").wantError(t, 404, huanxin.ENOTFOUND)
		if r = e.do(t, officer, "POST", resend, ""); r.status != 200 || r.body["status"] != "queued" || num(r.body["attempts"]) != 0 {
			t.Fatalf("resend: %d %s", r.status, r.raw)
		}
		e.do(t, officer, "POST", resend, "").wantError(t, 409, huanxin.ECONFLICT)
	})
}
