package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/notify"
	"github.com/huanxin/huanxin/store"
)

// downSender is an SMS gateway that is down.
type downSender struct{}

func (downSender) Name() string                                { return string(notify.ChannelSMS) }
func (downSender) Send(context.Context, notify.Delivery) error { return errors.New("gateway down") }

// The inbox counts unread messages in the header and marks them read when
// opened; the preferences form keeps bad input with the problem next to
// the field; officers see the deliveries that failed, residents do not.
func TestInboxPages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := newNoticeWorld(t, db)
		ctx := sysCtx()
		res := w.resident
		for _, title := range []string{"停水通知", "加装电梯说明会"} {
			if err := w.p.Notify.ToUsers(ctx, []int64{res.UserID}, notify.Message{CityID: w.estate.CityID, Title: title}); err != nil {
				t.Fatal(err)
			}
		}
		rec, body := w.do(t, res, "GET", "/inbox", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `id="unread-count">2<`, "停水通知", "加装电梯说明会", `href="/inbox/preferences"`)
		mid := between(body, `action="/inbox/`, `/open"`)
		// A message without a link leads back to the inbox.
		rec, _ = w.do(t, res, "POST", "/inbox/"+mid+"/open", url.Values{})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/inbox")
		rec, body = w.do(t, res, "GET", "/inbox", nil)
		wantContains(t, body, `id="unread-count">1<`)
		// Another user cannot open it.
		rec, body = w.do(t, w.officer, "POST", "/inbox/"+mid+"/open", url.Values{})
		wantStatus(t, rec, body, http.StatusNotFound)

		// Preferences: the defaults (inbox only, quiet 22:00–07:00), then
		// e-mail without an address is refused next to the field.
		const prefs = "/inbox/preferences"
		rec, body = w.do(t, res, "GET", prefs, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `name="quiet_from" type="time" value="22:00"`, `name="quiet_to" type="time" value="07:00"`,
			`value="now" checked`, `class="form big"`)
		wantAbsent(t, body, `name="sms" value="1" checked`)
		form := url.Values{"sms": {"1"}, "mobile": {"1381234567"}, "email": {"1"}, "email_address": {""}, "digest": {"daily"},
			"quiet_from": {"21:30"}, "quiet_to": {"07:00"}}
		rec, body = w.do(t, res, "POST", prefs, form)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, "开启邮件提醒须先填写电子邮箱", "请填写11位手机号", `value="1381234567"`, `value="21:30"`, `value="daily" checked`,
			`aria-describedby="p-mobile-err"`)
		form.Del("email")
		form.Set("mobile", "138 1234 5678")
		rec, _ = w.do(t, res, "POST", prefs, form)
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), prefs+"?flash=prefs_saved")
		p, err := w.p.Notify.Preferences(huanxin.NewContextWithActor(context.Background(), res))
		if err != nil || !p.SMS || p.Email || !p.Digest || p.QuietFrom != 21*60+30 || p.Mobile != "13812345678" {
			t.Fatalf("preferences %+v %v", p, err)
		}
		// The number is shown masked and kept when the form comes back.
		rec, body = w.do(t, res, "GET", prefs, nil)
		wantContains(t, body, `name="mobile" type="tel" inputmode="tel" autocomplete="tel" value="138****5678"`)
		form.Set("mobile", "138****5678")
		rec, _ = w.do(t, res, "POST", prefs, form)
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), prefs+"?flash=prefs_saved")
		if p, err := w.p.Notify.Preferences(huanxin.NewContextWithActor(context.Background(), res)); err != nil || p.Mobile != "13812345678" {
			t.Fatalf("mobile after the round trip %+v %v", p, err)
		}

		// The day's digest goes out by SMS at 18:00 and fails five times.
		now := time.Date(2030, 1, 2, 10, 0, 0, 0, time.UTC) // 18:00 in Shanghai
		d := &notify.Dispatcher{Store: db, Senders: map[notify.Channel]notify.Sender{notify.ChannelSMS: downSender{}},
			Now: func() time.Time { return now }}
		for range notify.MaxAttempts {
			if err := d.Tick(ctx); err != nil {
				t.Fatal(err)
			}
			now = now.Add(2 * time.Hour)
		}
		rec, body = w.do(t, w.officer, "GET", "/deliveries", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "陈阿姨", "短信", "138****5678", "您有 2 条新消息", "发送失败", "gateway down", `<td>5</td>`, "服务商无响应")
		rec, body = w.do(t, w.officer, "GET", "/deliveries?status=sent", nil)
		wantContains(t, body, `id="deliveries-none"`)
		rec, body = w.do(t, w.officer, "GET", "/deliveries?status=lost", nil)
		wantStatus(t, rec, body, http.StatusBadRequest)
		rec, body = w.do(t, res, "GET", "/deliveries", nil)
		wantStatus(t, rec, body, http.StatusForbidden)
	})
}
