package store_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/notify"
	"github.com/huanxin/huanxin/store"
)

// Addresses are stored encrypted with masked copies;
// an e-mail address of the old plain column is still read; an officer's
// binding of WeChat switches it on; deliveries are filtered by channel
// and reason for the officers of the resident's estate only, a failed one
// is resent once, and the residents not reached are listed with their
// households and the owner's phone.
func TestNotifyAddressesStore(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		ctx := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
		w := mustWorld(t, db)
		res := &account.User{Username: "res", Name: "张三", Role: huanxin.RoleResident, OwnerID: w.owner.ID}
		if err := db.CreateUser(ctx, res, "x"); err != nil {
			t.Fatal(err)
		}
		p := notify.DefaultPreferences(res.ID)
		p.SMS, p.Mobile, p.Email, p.EmailAddress = true, "13912345678", true, "zhang@example.cn"
		if err := db.SetPreferences(ctx, p); err != nil {
			t.Fatal(err)
		}
		got, err := db.Preferences(ctx, res.ID)
		if err != nil || got.Mobile != p.Mobile || got.EmailAddress != p.EmailAddress || !got.SMS || got.WeChat {
			t.Fatalf("preferences %+v %v", got, err)
		}
		uid := strconv.FormatInt(res.ID, 10)
		var masked string
		var plain int
		if err := db.QueryRowForTest(ctx, "SELECT mobile_masked FROM notification_prefs WHERE user_id = "+uid).Scan(&masked); err != nil || masked != "139****5678" {
			t.Fatalf("masked %q %v", masked, err)
		}
		if err := db.QueryRowForTest(ctx, "SELECT COUNT(*) FROM notification_prefs WHERE email_address <> '' OR email_masked <> 'z***@example.cn'").Scan(&plain); err != nil || plain != 0 {
			t.Fatalf("addresses in plain text: %d %v", plain, err)
		}
		// A row written before the addresses were encrypted.
		if err := db.ExecForTest(ctx, "UPDATE notification_prefs SET email_enc = NULL, email_address = 'old@example.cn' WHERE user_id = "+uid); err != nil {
			t.Fatal(err)
		}
		if got, err := db.Preferences(ctx, res.ID); err != nil || got.EmailAddress != "old@example.cn" {
			t.Fatalf("legacy e-mail %+v %v", got, err)
		}
		if err := db.SetWeChat(ctx, res.ID, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"); err != nil {
			t.Fatal(err)
		}
		if got, err := db.Preferences(ctx, res.ID); err != nil || !got.WeChat || got.WeChatOpenID != "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" || !got.SMS {
			t.Fatalf("bound %+v %v", got, err)
		}

		inA, inB := huanxin.Scope{Paths: []string{w.commA.Path}}, huanxin.Scope{Paths: []string{w.commB.Path}}
		for _, c := range []struct {
			s    huanxin.Scope
			want bool
		}{{inA, true}, {inB, false}, {huanxin.Scope{All: true}, true}} {
			if name, ok, err := db.ResidentInScope(ctx, res.ID, c.s); err != nil || ok != c.want || ok && name != "张三" {
				t.Errorf("resident in %+v: %q %v %v", c.s, name, ok, err)
			}
		}
		ds := []*notify.Delivery{
			{CityID: w.city.ID, UserID: res.ID, Channel: notify.ChannelSMS, To: "139****5678", Title: "停水", Status: notify.StatusFailed,
				Reason: notify.ReasonRejected, LastError: "sms 400: 空号", Attempts: 5},
			{CityID: w.city.ID, UserID: res.ID, Channel: notify.ChannelWeChat, Title: "停电", Status: notify.StatusFailed,
				Reason: notify.ReasonNoAddress, LastError: "no openid"},
			{CityID: w.city.ID, UserID: res.ID, Channel: notify.ChannelEmail, Title: "公示", Status: notify.StatusQueued},
		}
		if err := db.Dispatch(ctx, nil, ds); err != nil {
			t.Fatal(err)
		}
		find := func(f notify.DeliveryFilter) string {
			t.Helper()
			got, err := db.FindDeliveries(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var titles []string
			for _, d := range got {
				titles = append(titles, d.Title)
			}
			return strings.Join(titles, ",")
		}
		for _, c := range []struct {
			f    notify.DeliveryFilter
			want string
		}{
			{notify.DeliveryFilter{Scope: inA}, "停水,停电,公示"},
			{notify.DeliveryFilter{Scope: inB}, ""},
			{notify.DeliveryFilter{Scope: inA, Channel: notify.ChannelSMS}, "停水"},
			{notify.DeliveryFilter{Scope: inA, Reason: notify.ReasonNoAddress}, "停电"},
			{notify.DeliveryFilter{Scope: inA, Status: []notify.Status{notify.StatusQueued}}, "公示"},
		} {
			if got := find(c.f); got != c.want {
				t.Errorf("%+v: %q, want %q", c.f, got, c.want)
			}
		}
		if _, err := db.Resend(ctx, ds[0].ID, inB); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Fatalf("resent outside the scope: %v", err)
		}
		if _, err := db.Resend(ctx, ds[2].ID, inA); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("resent a queued delivery: %v", err)
		}
		d, err := db.Resend(ctx, ds[0].ID, inA)
		if err != nil || d.Status != notify.StatusQueued || d.Attempts != 0 || d.Reason != "" {
			t.Fatalf("resent %+v %v", d, err)
		}
		if got := find(notify.DeliveryFilter{Scope: inA, Status: []notify.Status{notify.StatusQueued}}); got != "停水,公示" {
			t.Fatalf("queued after the resend: %q", got)
		}
		var audited int
		if err := db.QueryRowForTest(ctx, "SELECT COUNT(*) FROM audit WHERE entity = 'delivery' AND detail = 'resend'").Scan(&audited); err != nil || audited != 1 {
			t.Fatalf("resend audited %d %v", audited, err)
		}

		us, err := db.Unreached(ctx, notify.DeliveryFilter{Scope: inA}, false)
		if err != nil || len(us) != 1 {
			t.Fatalf("unreached %+v %v", us, err)
		}
		u := us[0]
		if u.Name != "张三" || u.EstateName != w.estA.Name || u.BuildingNo != "1" || u.StairwellNo != "1" || u.Floor != 3 || u.Room != "301" ||
			u.Phone != "138****5678" || u.Deliveries != 3 || u.LastTitle != "公示" || u.Channels != "sms,wechat,email" || u.Reasons != "no_address" {
			t.Fatalf("unreached %+v", u)
		}
		if us, err := db.Unreached(ctx, notify.DeliveryFilter{Scope: inA, Channel: notify.ChannelSMS}, true); err != nil || len(us) != 1 || us[0].Phone != "13812345678" {
			t.Fatalf("unreached with phones %+v %v", us, err)
		}
		if us, err := db.Unreached(ctx, notify.DeliveryFilter{Scope: inB}, true); err != nil || len(us) != 0 {
			t.Fatalf("unreached outside the scope %+v %v", us, err)
		}
		var exports int
		if err := db.QueryRowForTest(ctx, "SELECT COUNT(*) FROM audit WHERE action = 'export' AND entity = 'delivery'").Scan(&exports); err != nil || exports != 2 {
			t.Fatalf("exports audited %d %v", exports, err)
		}
	})
}
