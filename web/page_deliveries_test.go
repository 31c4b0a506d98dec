package web

import (
	"bytes"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/notify"
	"github.com/huanxin/huanxin/sheet"
	"github.com/huanxin/huanxin/store"
)

// A delivery to a channel without an address fails at once with its
// reason; officers filter the undelivered page by channel and reason,
// export the residents not reached with their households, send a failed
// delivery again and bind the resident's WeChat, after which it goes out.
func TestDeliveriesPage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := newNoticeWorld(t, db)
		ctx := sysCtx()
		res := w.resident
		// WeChat chosen before addresses were required: no openid.
		p := notify.DefaultPreferences(res.UserID)
		p.WeChat, p.SMS, p.Mobile, p.QuietFrom = true, true, "13812345678", p.QuietTo
		if err := db.SetPreferences(ctx, p); err != nil {
			t.Fatal(err)
		}
		if err := w.p.Notify.ToUsers(ctx, []int64{res.UserID}, notify.Message{CityID: w.estate.CityID, Title: "停水通知", Link: "/inbox"}); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		d := &notify.Dispatcher{Store: db, Senders: notify.Outboxes(dir), Now: func() time.Time { return time.Date(2030, 1, 2, 2, 0, 0, 0, time.UTC) }}
		if err := d.Tick(ctx); err != nil {
			t.Fatal(err)
		}

		rec, body := w.do(t, w.officer, "GET", "/deliveries", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "陈阿姨", "停水通知", "微信", "未填写号码或地址", "开启微信提醒须先绑定微信", `id="dl-channel"`, `id="dl-reason"`,
			`href="/deliveries/unreached.xlsx"`)
		wantAbsent(t, body, "138****5678") // the SMS went out
		rec, body = w.do(t, w.officer, "GET", "/deliveries?status=sent&channel=sms", nil)
		wantContains(t, body, "138****5678", `<option value="sms" selected>`, `href="/deliveries/unreached.xlsx?channel=sms&amp;status=sent"`)
		rec, body = w.do(t, w.officer, "GET", "/deliveries?reason=rejected", nil)
		wantContains(t, body, `id="deliveries-none"`)
		rec, body = w.do(t, w.officer, "GET", "/deliveries?channel=fax", nil)
		wantStatus(t, rec, body, http.StatusBadRequest)

		// The export lists the resident's household.
		rec, body = w.do(t, w.officer, "GET", "/deliveries/unreached.xlsx?reason=no_address", nil)
		wantStatus(t, rec, "", http.StatusOK)
		if !strings.HasPrefix(body, "PK") || !strings.Contains(rec.Header().Get("Content-Disposition"), "unreached-") {
			t.Fatalf("not an xlsx download: %q", rec.Header())
		}
		rd, err := sheet.Open(bytes.NewReader(rec.Body.Bytes()), "unreached.xlsx", sheet.Template{Kind: "unreached", Sheet: "未送达住户",
			Columns: []sheet.Column{{Key: "name", Header: "住户"}, {Key: "building", Header: "楼栋"}, {Key: "room", Header: "房号"},
				{Key: "channels", Header: "方式"}, {Key: "reasons", Header: "原因"}}})
		if err != nil {
			t.Fatal(err)
		}
		var rows []string
		for rd.Next() {
			r := rd.Row()
			rows = append(rows, strings.Join([]string{r.Get("name"), r.Get("building"), r.Get("room"), r.Get("channels"), r.Get("reasons")}, " "))
		}
		if len(rows) != 1 || rows[0] != "陈阿姨 5 101 微信 未填写号码或地址" {
			t.Fatalf("exported %q", rows)
		}
		rec, _ = w.do(t, res, "GET", "/deliveries/unreached.xlsx", nil)
		wantStatus(t, rec, "", http.StatusForbidden)

		// The officer binds the resident's WeChat.
		uid := strconv.FormatInt(res.UserID, 10)
		bind := "/deliveries/users/" + uid + "/wechat"
		wantContains(t, body0(w.do(t, w.officer, "GET", "/deliveries", nil)), `href="`+bind+`"`)
		rec, body = w.do(t, w.officer, "GET", bind, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `id="wechat-user">陈阿姨<`, "未绑定")
		rec, body = w.do(t, w.officer, "POST", bind, url.Values{"openid": {"bad id"}})
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, "微信标识应为16–64位", `value="bad id"`, `aria-invalid="true"`)
		rec, _ = w.do(t, w.officer, "POST", bind, url.Values{"openid": {"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/deliveries?flash=wechat_bound")
		rec, body = w.do(t, w.officer, "GET", bind, nil)
		wantContains(t, body, `id="wechat-current">oUpF****eS6o<`)
		rec, body = w.do(t, res, "GET", bind, nil)
		wantStatus(t, rec, body, http.StatusForbidden)

		// And sends the failed delivery again: it goes out.
		did := between(body0(w.do(t, w.officer, "GET", "/deliveries?reason=no_address", nil)), `action="/deliveries/`, `/resend"`)
		rec, _ = w.do(t, w.officer, "POST", "/deliveries/"+did+"/resend", url.Values{"back": {"reason=no_address"}})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/deliveries?flash=delivery_resent&reason=no_address")
		rec, body = w.do(t, w.officer, "POST", "/deliveries/"+did+"/resend", url.Values{})
		wantStatus(t, rec, body, http.StatusConflict)
		if err := d.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		rec, body = w.do(t, w.officer, "GET", "/deliveries", nil)
		wantContains(t, body, `id="deliveries-none"`)
		if b, err := os.ReadFile(filepath.Join(dir, "wechat.jsonl")); err != nil || bytes.Count(b, []byte("\n")) != 1 {
			t.Fatalf("wechat deliveries %q %v", b, err)
		}
	})
}

func body0(_ any, body string) string { return body }
