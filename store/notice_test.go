package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/notice"
	"github.com/huanxin/huanxin/notify"
	"github.com/huanxin/huanxin/store"
)

func TestNoticeStore(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		ctx := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
		w := mustWorld(t, db)
		res := &account.User{Username: "res", Name: "张三", Role: huanxin.RoleResident, OwnerID: w.owner.ID}
		if err := db.CreateUser(ctx, res, "x"); err != nil {
			t.Fatal(err)
		}
		unread := func(want int) {
			t.Helper()
			if n, err := db.Unread(ctx, res.ID); err != nil || n != want {
				t.Fatalf("resident's unread messages: %d %v, want %d", n, err, want)
			}
		}
		start, _ := notice.ParseDay("2026-03-02")
		n := &notice.Notice{CityID: w.city.ID, ScopeKind: notice.ScopeBuildings, EstateID: w.estA.ID, BuildingIDs: []int64{w.part.BuildingID},
			Path: w.commA.Path, Type: notice.TypePlan, Title: "改造方案公示", Body: "一\n\n二", PublicityStart: start,
			PublicityEnd: start.AddDate(0, 0, 6), Status: notice.StatusDraft, CreatedBy: 1}
		if err := db.CreateNotice(ctx, n); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindNoticeByID(ctx, huanxin.Scope{Paths: []string{w.distA.Path}}, n.ID)
		if err != nil || !got.PublicityStart.Equal(start) || !slices.Equal(got.BuildingIDs, n.BuildingIDs) || got.Title != n.Title {
			t.Fatalf("found %+v, %v", got, err)
		}
		if _, err := db.FindNoticeByID(ctx, huanxin.Scope{Paths: []string{w.distB.Path}}, n.ID); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Fatalf("outside the scope: %v", err)
		}
		// A resident sees it only once published.
		mine := notice.Filter{Parts: []int64{w.part.ID}}
		if ns, err := db.FindNotices(ctx, mine); err != nil || len(ns) != 0 {
			t.Fatalf("draft seen by a resident: %v %v", ns, err)
		}
		// Publishing queues the residents' messages in the same
		// transaction: a second publication fails and queues nothing.
		m := notify.Message{CityID: w.city.ID, Kind: notify.KindNotice, Title: n.Title, Link: "/notices/1"}
		if err := db.PublishNotice(ctx, n, m); err != nil {
			t.Fatal(err)
		}
		unread(1)
		if err := db.PublishNotice(ctx, n, m); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("publishing twice: %v", err)
		}
		unread(1)
		if err := db.UpdateNotice(ctx, n); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("editing a published notice: %v", err)
		}
		// A notice for the whole district above reaches the resident too.
		wide := &notice.Notice{CityID: w.city.ID, ScopeKind: notice.ScopeJurisdiction, JurisdictionID: w.distA.ID, Path: w.distA.Path,
			Type: notice.TypeGeneral, Title: "全区通知", Status: notice.StatusDraft, CreatedBy: 1}
		other := &notice.Notice{CityID: w.city.ID, ScopeKind: notice.ScopeEstate, EstateID: w.estB.ID, Path: w.commB.Path,
			Type: notice.TypeGeneral, Title: "他区通知", Status: notice.StatusDraft, CreatedBy: 1}
		for _, x := range []*notice.Notice{wide, other} {
			if err := db.CreateNotice(ctx, x); err != nil {
				t.Fatal(err)
			}
			if err := db.SetNoticeStatus(ctx, x.ID, notice.StatusDraft, notice.StatusPublished); err != nil {
				t.Fatal(err)
			}
		}
		ns, err := db.FindNotices(ctx, mine)
		if err != nil || len(ns) != 2 || ns[0].ID != wide.ID || ns[1].ID != n.ID {
			t.Fatalf("resident's notices: %v %v", ns, err)
		}
		if parts, err := db.NoticeParts(ctx, wide); err != nil || !slices.Equal(parts, []int64{w.part.ID}) {
			t.Fatalf("district's parts: %v %v", parts, err)
		}

		// Not reached until a receipt; the first receipt is kept.
		hs, err := db.NotReached(ctx, n)
		if err != nil || len(hs) != 1 || hs[0].PartID != w.part.ID || hs[0].Owners != "张三" || hs[0].BuildingNo != "1" || hs[0].Room != "301" {
			t.Fatalf("not reached: %+v %v", hs, err)
		}
		r := notice.Receipt{CityID: w.city.ID, NoticeID: n.ID, PartID: w.part.ID, Channel: notice.ReachedPaper, By: 7}
		if err := db.AddReceipts(ctx, []notice.Receipt{r}); err != nil {
			t.Fatal(err)
		}
		r.Channel, r.By = notice.ReachedOnline, 8
		if err := db.AddReceipts(ctx, []notice.Receipt{r}); err != nil {
			t.Fatal(err)
		}
		if rs, err := db.Receipts(ctx, n.ID); err != nil || len(rs) != 1 || rs[0].Channel != notice.ReachedPaper || rs[0].By != 7 {
			t.Fatalf("receipts: %+v %v", rs, err)
		}
		if hs, err := db.NotReached(ctx, n); err != nil || len(hs) != 0 {
			t.Fatalf("not reached after a receipt: %+v %v", hs, err)
		}

		// Objections while published, answered once.
		o := &notice.Objection{CityID: w.city.ID, NoticeID: n.ID, RaisedBy: res.ID, Name: "张三", Body: "不同意"}
		if err := db.CreateNoticeObjection(ctx, o); err != nil || o.ID == 0 {
			t.Fatal(err)
		}
		o.Answer, o.AnsweredBy = "已研究", 1
		m.Title = "您的异议已有答复"
		if err := db.AnswerNoticeObjection(ctx, o, m); err != nil {
			t.Fatal(err)
		}
		unread(2)
		if err := db.AnswerNoticeObjection(ctx, o, m); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("second answer: %v", err)
		}
		unread(2)
		if os, err := db.NoticeObjections(ctx, n.ID); err != nil || len(os) != 1 || os[0].Answer != "已研究" || os[0].Answered.IsZero() {
			t.Fatalf("objections: %+v %v", os, err)
		}
		if err := db.SetNoticeStatus(ctx, n.ID, notice.StatusPublished, notice.StatusWithdrawn); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateNoticeObjection(ctx, o); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("objection to a withdrawn notice: %v", err)
		}
	})
}

func TestNotifyStore(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		ctx := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
		w := mustWorld(t, db)
		res := &account.User{Username: "res", Name: "张三", Role: huanxin.RoleResident, OwnerID: w.owner.ID}
		off := &account.User{Username: "off", Name: "赵", Role: huanxin.RoleCommunity}
		for _, u := range []*account.User{res, off} {
			if err := db.CreateUser(ctx, u, "x"); err != nil {
				t.Fatal(err)
			}
		}
		users, err := db.ResidentsOfParts(ctx, []int64{w.part.ID})
		if err != nil || !slices.Equal(users, []int64{res.ID}) {
			t.Fatalf("residents of the part: %v %v", users, err)
		}
		now := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		m := notify.Message{CityID: w.city.ID, Kind: notify.KindNotice, Title: "公示", Link: "/notices/1"}
		if err := db.CreateMessages(ctx, []int64{res.ID, off.ID}, m); err != nil {
			t.Fatal(err)
		}
		if n, err := db.Unread(ctx, res.ID); err != nil || n != 1 {
			t.Fatalf("unread %d %v", n, err)
		}
		ms, total, err := db.Inbox(ctx, res.ID, 0, 10)
		if err != nil || total != 1 || len(ms) != 1 || ms[0].Title != "公示" {
			t.Fatalf("inbox %+v %d %v", ms, total, err)
		}
		if _, err := db.ReadMessage(ctx, off.ID, ms[0].ID); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Fatalf("another's message: %v", err)
		}
		if got, err := db.ReadMessage(ctx, res.ID, ms[0].ID); err != nil || got.ReadAt.IsZero() {
			t.Fatalf("read %+v %v", got, err)
		}
		if n, err := db.Unread(ctx, res.ID); err != nil || n != 0 {
			t.Fatalf("unread after reading %d %v", n, err)
		}

		// Preferences: defaults, then stored.
		if p, err := db.Preferences(ctx, res.ID); err != nil || p != notify.DefaultPreferences(res.ID) {
			t.Fatalf("default preferences %+v %v", p, err)
		}
		p := notify.Preferences{UserID: res.ID, SMS: true, Digest: true, QuietFrom: 0, QuietTo: 0}
		if err := db.SetPreferences(ctx, p); err != nil {
			t.Fatal(err)
		}
		if got, err := db.Preferences(ctx, res.ID); err != nil || !got.SMS || !got.Digest || got.QuietFrom != 0 {
			t.Fatalf("preferences %+v %v", got, err)
		}
		// The digest user's message waits for the cut; the officer's does not.
		pending, err := db.PendingMessages(ctx, now.Add(time.Hour), now.Add(-time.Hour), 10)
		if err != nil || len(pending) != 1 || pending[0].UserID != off.ID {
			t.Fatalf("pending before the cut: %+v %v", pending, err)
		}
		pending, err = db.PendingMessages(ctx, now.Add(time.Hour), now.Add(time.Hour), 10)
		if err != nil || len(pending) != 2 {
			t.Fatalf("pending after the cut: %+v %v", pending, err)
		}
		d := &notify.Delivery{CityID: w.city.ID, UserID: res.ID, Channel: notify.ChannelSMS, Title: "公示", MessageIDs: []int64{pending[0].ID},
			Status: notify.StatusQueued, NextAttempt: now}
		if err := db.Dispatch(ctx, []int64{pending[0].ID, pending[1].ID}, []*notify.Delivery{d}); err != nil {
			t.Fatal(err)
		}
		if pending, err := db.PendingMessages(ctx, now.Add(time.Hour), now.Add(time.Hour), 10); err != nil || len(pending) != 0 {
			t.Fatalf("pending after dispatch: %+v %v", pending, err)
		}
		due, err := db.DueDeliveries(ctx, now, 10)
		if err != nil || len(due) != 1 || due[0].ID != d.ID || due[0].UserName != "张三" {
			t.Fatalf("due %+v %v", due, err)
		}
		d.Attempts, d.Status, d.LastError = 5, notify.StatusFailed, "gateway down"
		if err := db.SaveAttempt(ctx, d); err != nil {
			t.Fatal(err)
		}
		inScope := notify.DeliveryFilter{Scope: huanxin.Scope{Paths: []string{w.distA.Path}}}
		if ds, err := db.FindDeliveries(ctx, inScope); err != nil || len(ds) != 1 || ds[0].Status != notify.StatusFailed || ds[0].LastError != "gateway down" {
			t.Fatalf("undelivered in scope %+v %v", ds, err)
		}
		if ds, err := db.FindDeliveries(ctx, notify.DeliveryFilter{Scope: huanxin.Scope{Paths: []string{w.distB.Path}}}); err != nil || len(ds) != 0 {
			t.Fatalf("undelivered outside the scope %+v %v", ds, err)
		}
	})
}
