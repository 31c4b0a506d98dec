package notify_test

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/notify"
	"github.com/huanxin/huanxin/store"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// failing fails every send.
type failing struct{}

func (failing) Name() string                                { return "sms" }
func (failing) Send(context.Context, notify.Delivery) error { return errors.New("gateway down") }

func lines(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0
	} else if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	for sc := bufio.NewScanner(f); sc.Scan(); {
		n++
	}
	return n
}

func TestDispatcher(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		sys := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
		// 2026-03-02 09:00 in Shanghai.
		now := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		clock := func() time.Time { return now }
		var ids []int64
		for _, name := range []string{"now", "digest", "quiet", "inbox"} {
			u := &account.User{Username: name, Name: name, Role: huanxin.RoleCommunity}
			if err := db.CreateUser(sys, u, "x"); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, u.ID)
		}
		dir := t.TempDir()
		svc := &notify.Service{Store: db}
		d := &notify.Dispatcher{Store: db, Senders: notify.Outboxes(dir), Now: clock}
		prefs := []notify.Preferences{
			{UserID: ids[0], SMS: true, Mobile: "138 1234 5678", Email: true, EmailAddress: "a@example.cn"},
			{UserID: ids[1], SMS: true, Mobile: "+86 13912345678", Digest: true},
			{UserID: ids[2], WeChat: true, WeChatOpenID: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", QuietFrom: 8 * 60, QuietTo: 12 * 60}, // quiet 08:00–12:00
			notify.DefaultPreferences(ids[3]),
		}
		for _, p := range prefs {
			if err := svc.SetPreferences(huanxin.NewContextWithActor(sys, &huanxin.Actor{UserID: p.UserID, Role: huanxin.RoleCommunity}), p); err != nil {
				t.Fatal(err)
			}
		}
		for _, title := range []string{"公示一", "公示二"} {
			if err := svc.ToUsers(sys, ids, notify.Message{CityID: 1, Kind: notify.KindNotice, Title: title, Link: "/notices/1"}); err != nil {
				t.Fatal(err)
			}
		}
		if err := d.Tick(sys); err != nil {
			t.Fatal(err)
		}
		// At once: two messages × SMS and e-mail; the quiet user waits.
		if n := lines(t, filepath.Join(dir, "sms.jsonl")); n != 2 {
			t.Fatalf("sms lines %d, want 2", n)
		}
		if n := lines(t, filepath.Join(dir, "email.jsonl")); n != 2 {
			t.Fatalf("email lines %d", n)
		}
		if n := lines(t, filepath.Join(dir, "wechat.jsonl")); n != 0 {
			t.Fatalf("wechat sent in quiet hours: %d", n)
		}
		officer := huanxin.NewContextWithActor(sys, &huanxin.Actor{UserID: 99, Role: huanxin.RoleAdmin, Scope: huanxin.Scope{All: true}})
		queued, err := svc.Deliveries(officer, notify.DeliveryFilter{Status: []notify.Status{notify.StatusQueued}, Limit: 100})
		if err != nil || len(queued) != 2 || queued[0].UserID != ids[2] {
			t.Fatalf("queued %+v %v", queued, err)
		}
		// 12:00: the quiet hours end; 18:00: the digest folds both messages.
		now = time.Date(2026, 3, 2, 4, 0, 0, 0, time.UTC)
		if err := d.Tick(sys); err != nil {
			t.Fatal(err)
		}
		if n := lines(t, filepath.Join(dir, "wechat.jsonl")); n != 2 {
			t.Fatalf("wechat after quiet hours %d", n)
		}
		if n := lines(t, filepath.Join(dir, "sms.jsonl")); n != 2 {
			t.Fatalf("digest sent before its hour: %d", n)
		}
		now = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
		if err := d.Tick(sys); err != nil {
			t.Fatal(err)
		}
		if n := lines(t, filepath.Join(dir, "sms.jsonl")); n != 3 {
			t.Fatalf("sms lines after the digest %d, want 3", n)
		}
		if err := d.Tick(sys); err != nil {
			t.Fatal(err)
		}
		if n := lines(t, filepath.Join(dir, "sms.jsonl")); n != 3 {
			t.Fatalf("digest sent twice")
		}

		// A failing channel is retried with backoff, then given up and
		// listed for officers.
		d.Senders[notify.ChannelSMS] = failing{}
		if err := svc.ToUsers(sys, ids[:1], notify.Message{CityID: 1, Title: "表决开始"}); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < notify.MaxAttempts; i++ {
			if err := d.Tick(sys); err != nil {
				t.Fatal(err)
			}
			now = now.Add(24 * time.Hour)
		}
		failed, err := svc.Deliveries(officer, notify.DeliveryFilter{Status: []notify.Status{notify.StatusFailed}, Limit: 100})
		if err != nil || len(failed) != 1 || failed[0].Attempts != notify.MaxAttempts || failed[0].LastError != "gateway down" {
			t.Fatalf("failed %+v %v", failed, err)
		}
		if _, err := svc.Deliveries(huanxin.NewContextWithActor(sys, &huanxin.Actor{UserID: ids[0], Role: huanxin.RoleResident}), notify.DeliveryFilter{}); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("resident lists deliveries: %v", err)
		}
		// Every user still has every message in the inbox.
		ms, total, err := svc.Inbox(huanxin.NewContextWithActor(sys, &huanxin.Actor{UserID: ids[3]}), 0, 10)
		if err != nil || total != 2 || len(ms) != 2 {
			t.Fatalf("inbox %v %d %v", ms, total, err)
		}
	})
}

func TestQuietHours(t *testing.T) {
	p := notify.Preferences{QuietFrom: 22 * 60, QuietTo: 7 * 60}
	at := func(h, m int) time.Time { return time.Date(2026, 3, 2, h, m, 0, 0, huanxin.Shanghai) }
	for _, tc := range []struct {
		name string
		t    time.Time
		want time.Time
	}{
		{"day", at(12, 0), at(12, 0)},
		{"evening", at(23, 30), at(7, 0).AddDate(0, 0, 1)},
		{"night", at(3, 0), at(7, 0)},
		{"end", at(7, 0), at(7, 0)},
		{"start", at(22, 0), at(7, 0).AddDate(0, 0, 1)},
	} {
		if got := p.NotBefore(tc.t); !got.Equal(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got.In(huanxin.Shanghai), tc.want)
		}
	}
	if got := (notify.Preferences{}).NotBefore(at(3, 0)); !got.Equal(at(3, 0)) {
		t.Error("no quiet hours")
	}
	if err := (notify.Preferences{Email: true}).Validate(); err == nil {
		t.Error("e-mail without an address accepted")
	}
}

// Addresses: a channel is on only with one, each is checked, and one sent
// back as shown (masked) keeps the stored one.
func TestPreferencesAddresses(t *testing.T) {
	cur := notify.Preferences{SMS: true, Mobile: "13812345678", WeChatOpenID: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", EmailAddress: "li@example.cn"}
	if cur.Masked(notify.ChannelSMS) != "138****5678" || cur.Masked(notify.ChannelWeChat) != "oUpF****eS6o" || cur.Masked(notify.ChannelEmail) != "l***@example.cn" {
		t.Fatalf("masked %q %q %q", cur.Masked(notify.ChannelSMS), cur.Masked(notify.ChannelWeChat), cur.Masked(notify.ChannelEmail))
	}
	p := notify.Preferences{SMS: true, Mobile: "138****5678", WeChatOpenID: " oUpF****eS6o ", EmailAddress: "+86 139-1234-5678"}
	p.Keep(cur)
	if p.Mobile != cur.Mobile || p.WeChatOpenID != cur.WeChatOpenID || p.EmailAddress != "+86 139-1234-5678" {
		t.Fatalf("kept %+v", p)
	}
	p = notify.Preferences{Mobile: "+86 139 1234 5678"}
	p.Keep(cur)
	if p.Mobile != "13912345678" {
		t.Fatalf("normalized %q", p.Mobile)
	}
	for _, c := range []struct {
		p      notify.Preferences
		fields []string
	}{
		{notify.Preferences{SMS: true, WeChat: true, Email: true}, []string{"mobile", "wechat_openid", "email_address"}},
		{notify.Preferences{Mobile: "12812345678", WeChatOpenID: "o-1", EmailAddress: "li@"}, []string{"mobile", "wechat_openid", "email_address"}},
		{notify.Preferences{Mobile: "138****5678"}, []string{"mobile"}},
		{notify.Preferences{SMS: true, Mobile: "19912345678", WeChat: true, WeChatOpenID: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}, nil},
	} {
		var got []string
		for _, f := range huanxin.ErrorFields(c.p.Validate()) {
			got = append(got, f.Field)
		}
		if !slices.Equal(got, c.fields) {
			t.Errorf("%+v: fields %v, want %v", c.p, got, c.fields)
		}
	}
}

// A delivery whose address was removed after it was queued fails at once
// without a sender being called; one of a channel the server has no
// sender for waits for a retry: each with its reason, for officers.
func TestUndeliverable(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		sys := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
		now := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC) // 09:00 in Shanghai, in the quiet hours
		u := &account.User{Username: "u", Name: "u", Role: huanxin.RoleCommunity}
		if err := db.CreateUser(sys, u, "x"); err != nil {
			t.Fatal(err)
		}
		p := notify.Preferences{UserID: u.ID, SMS: true, Mobile: "13812345678", Email: true, EmailAddress: "u@example.cn",
			QuietFrom: 8 * 60, QuietTo: 10 * 60}
		if err := db.SetPreferences(sys, p); err != nil {
			t.Fatal(err)
		}
		svc := &notify.Service{Store: db}
		if err := svc.ToUsers(sys, []int64{u.ID}, notify.Message{CityID: 1, Title: "通知"}); err != nil {
			t.Fatal(err)
		}
		d := &notify.Dispatcher{Store: db, Senders: map[notify.Channel]notify.Sender{notify.ChannelSMS: failing{}}, Now: func() time.Time { return now }}
		if err := d.Tick(sys); err != nil {
			t.Fatal(err)
		}
		p.SMS, p.Mobile = false, ""
		if err := db.SetPreferences(sys, p); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Hour)
		if err := d.Tick(sys); err != nil {
			t.Fatal(err)
		}
		officer := huanxin.NewContextWithActor(sys, &huanxin.Actor{UserID: 99, Role: huanxin.RoleAdmin, Scope: huanxin.Scope{All: true}})
		ds, err := svc.Deliveries(officer, notify.DeliveryFilter{})
		if err != nil || len(ds) != 2 {
			t.Fatalf("undelivered %+v %v", ds, err)
		}
		for _, dl := range ds {
			want := map[notify.Channel]struct {
				status notify.Status
				reason notify.Reason
			}{notify.ChannelSMS: {notify.StatusFailed, notify.ReasonNoAddress}, notify.ChannelEmail: {notify.StatusQueued, notify.ReasonNoSender}}[dl.Channel]
			if dl.Status != want.status || dl.Reason != want.reason || dl.LastError == "" {
				t.Errorf("%s: %s %s %q, want %v", dl.Channel, dl.Status, dl.Reason, dl.LastError, want)
			}
		}
	})
}
