package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/file"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/request"
	"github.com/huanxin/huanxin/store"
)

// requestWorld is the store test world with a request service on a fake
// clock, a resident of estate A, its community officer, a property
// company with one member, and a district officer.
type requestWorld struct {
	*world
	svc                                 *request.Service
	clock                               *time.Time
	street                              *estate.Jurisdiction
	resident, officer, staff, district  *huanxin.Actor
	org                                 *request.Organisation
	asResident, asOfficer, asStaff, sys context.Context
}

func newRequestWorld(t *testing.T, db *store.DB) *requestWorld {
	t.Helper()
	w := &requestWorld{world: mustWorld(t, db)}
	now := time.Date(2026, 5, 4, 1, 0, 0, 0, time.UTC)
	w.clock = &now
	db.Now = func() time.Time { return *w.clock }
	reg := &estate.Service{Store: db}
	w.svc = &request.Service{Store: db, Register: reg, Files: &file.Service{Store: db, Register: reg}, Now: func() time.Time { return *w.clock }}
	w.sys = huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
	var err error
	if w.street, err = reg.Jurisdictions().Get(w.sys, w.commA.ParentID); err != nil {
		t.Fatal(err)
	}
	user := func(name string, role huanxin.Role) int64 {
		u := &account.User{Username: name, Name: name, Role: role}
		if err := db.CreateUser(w.sys, u, "x"); err != nil {
			t.Fatal(err)
		}
		return u.ID
	}
	w.resident = &huanxin.Actor{UserID: user("resident", huanxin.RoleResident), Name: "张三", Role: huanxin.RoleResident,
		OwnerID: w.owner.ID, Scope: huanxin.Scope{PartIDs: []int64{w.part.ID}}}
	w.officer = &huanxin.Actor{UserID: user("community", huanxin.RoleCommunity), Name: "社区", Role: huanxin.RoleCommunity,
		Scope: huanxin.Scope{Paths: []string{w.commA.Path}}}
	w.staff = &huanxin.Actor{UserID: user("property", huanxin.RoleProperty), Name: "物业", Role: huanxin.RoleProperty,
		Scope: huanxin.Scope{EstateIDs: []int64{w.estA.ID}}}
	w.district = &huanxin.Actor{UserID: user("district", huanxin.RoleBureau), Name: "区住建局", Role: huanxin.RoleBureau,
		Scope: huanxin.Scope{Paths: []string{w.distA.Path}}}
	w.asResident = huanxin.NewContextWithActor(context.Background(), w.resident)
	w.asOfficer = huanxin.NewContextWithActor(context.Background(), w.officer)
	w.asStaff = huanxin.NewContextWithActor(context.Background(), w.staff)
	w.org = &request.Organisation{Kind: request.UnitProperty, Name: "某物业公司", Members: []int64{w.staff.UserID}, Estates: []int64{w.estA.ID}}
	if err := w.svc.SaveOrganisation(w.asOfficer, w.org); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *requestWorld) advance(d time.Duration) { *w.clock = w.clock.Add(d) }

func (w *requestWorld) submit(t *testing.T, category, title string) *request.Request {
	t.Helper()
	r := &request.Request{EstateID: w.estA.ID, Kind: request.KindComplaint, Category: category, Title: title, Body: "详情", Public: true}
	if err := w.svc.Submit(w.asResident, r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRequestRoutingAndEscalation(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := newRequestWorld(t, db)
		start := *w.clock

		// Lifts go to the estate's property company, with 24 hours; roads
		// to its community with 120; water, with no utility assigned, falls
		// back to the community with the category's 48 hours.
		lift := w.submit(t, "lifts", "电梯停运")
		road := w.submit(t, "roads", "路面坑洼")
		water := w.submit(t, "water", "水压低")
		for _, c := range []struct {
			r     *request.Request
			unit  request.Unit
			hours int
		}{
			{lift, request.Unit{Kind: request.UnitProperty, ID: w.org.ID, Name: "某物业公司"}, 24},
			{road, request.Unit{Kind: request.UnitCommunity, ID: w.commA.ID, Name: w.commA.Name}, 120},
			{water, request.Unit{Kind: request.UnitCommunity, ID: w.commA.ID, Name: w.commA.Name}, 48},
		} {
			got, err := w.svc.Get(w.asResident, c.r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Unit != c.unit || got.Status != request.StatusAssigned || !got.Deadline.Equal(start.Add(time.Duration(c.hours)*time.Hour)) ||
				got.SubmitterName != "张三" || got.CityID != w.city.ID {
				t.Errorf("%s routed to %+v, deadline %v, status %s", got.Title, got.Unit, got.Deadline, got.Status)
			}
		}

		// Nothing is overdue yet.
		if n, err := w.svc.Escalate(context.Background()); err != nil || n != 0 {
			t.Fatalf("early sweep moved %d: %v", n, err)
		}
		// After 25 hours the lift escalates from the property company to
		// the community; a second sweep moves nothing.
		w.advance(25 * time.Hour)
		if n, err := w.svc.Escalate(context.Background()); err != nil || n != 1 {
			t.Fatalf("sweep moved %d: %v", n, err)
		}
		if n, err := w.svc.Escalate(context.Background()); err != nil || n != 0 {
			t.Fatalf("second sweep moved %d: %v", n, err)
		}
		got, err := w.svc.Get(w.asOfficer, lift.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Unit.Kind != request.UnitCommunity || got.Unit.ID != w.commA.ID || len(got.Escalations) != 1 ||
			got.Escalations[0].From.ID != w.org.ID || !got.Deadline.Equal(w.clock.Add(24*time.Hour)) {
			t.Fatalf("escalated lift %+v", got)
		}
		// The property company no longer sees it in its queue.
		if _, err := w.svc.Get(w.asStaff, lift.ID); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Fatalf("staff sees the escalated request: %v", err)
		}
		// Water is overdue too (48 h): community → street, then street →
		// district, then it stays at the district.
		w.advance(25 * time.Hour)
		if n, err := w.svc.Escalate(context.Background()); err != nil || n != 2 { // lift and water
			t.Fatalf("sweep moved %d: %v", n, err)
		}
		if got, _ = w.svc.Get(w.asOfficer, water.ID); got.Unit.ID != w.street.ID || got.Unit.Kind != request.UnitStreet {
			t.Fatalf("water at %+v", got.Unit)
		}
		w.advance(49 * time.Hour)
		w.svc.Escalate(context.Background())
		w.advance(49 * time.Hour)
		w.svc.Escalate(context.Background())
		if got, _ = w.svc.Get(w.asOfficer, water.ID); got.Unit.ID != w.distA.ID || len(got.Escalations) != 2 {
			t.Fatalf("water at %+v after %d escalations", got.Unit, len(got.Escalations))
		}

		// The community officer may no longer answer water (it is the
		// district's now); the district officer may.
		if _, err := w.svc.Answer(w.asOfficer, water.ID, "已处理"); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("community answering a district request: %v", err)
		}
		asDistrict := huanxin.NewContextWithActor(context.Background(), w.district)
		ans, err := w.svc.Answer(asDistrict, water.ID, "已协调供水公司加压")
		if err != nil || ans.Status != request.StatusAnswered || ans.AnsweredUnit.ID != w.distA.ID || ans.FirstAnsweredAt.IsZero() {
			t.Fatalf("answer: %+v %v", ans, err)
		}
		// Reopened, it goes back to the district with a new deadline.
		w.advance(time.Hour)
		if _, err := w.svc.Reopen(w.asOfficer, water.ID, "x"); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("officer reopening: %v", err)
		}
		re, err := w.svc.Reopen(w.asResident, water.ID, "水压仍然低")
		if err != nil || re.Status != request.StatusReopened || re.Unit.ID != w.distA.ID || !re.Deadline.Equal(w.clock.Add(48*time.Hour)) {
			t.Fatalf("reopen: %+v %v", re, err)
		}
		first := re.FirstAnsweredAt
		w.advance(time.Hour)
		if re, err = w.svc.Answer(asDistrict, water.ID, "已更换加压泵"); err != nil || !re.FirstAnsweredAt.Equal(first) {
			t.Fatalf("second answer: %+v %v", re, err)
		}
		if _, err := w.svc.Close(w.asResident, water.ID, 6, ""); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("rating 6: %v", err)
		}
		cl, err := w.svc.Close(w.asResident, water.ID, 4, "好多了")
		if err != nil || cl.Status != request.StatusClosed || cl.Rating != 4 || cl.ClosedAt.IsZero() {
			t.Fatalf("close: %+v %v", cl, err)
		}
		if _, err := w.svc.Close(w.asResident, water.ID, 5, ""); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("closing twice: %v", err)
		}
		events, err := w.svc.History(w.asResident, water.ID)
		if err != nil {
			t.Fatal(err)
		}
		var actions []request.Action
		for _, e := range events {
			actions = append(actions, e.Action)
		}
		want := []request.Action{"submitted", "assigned", "escalated", "escalated", "answered", "reopened", "answered", "closed"}
		if len(actions) != len(want) {
			t.Fatalf("history %v, want %v", actions, want)
		}
		for i := range want {
			if actions[i] != want[i] {
				t.Fatalf("history %v, want %v", actions, want)
			}
		}

		// The FAQ: only published requests whose submitter agreed.
		if _, err := w.svc.Publish(w.asOfficer, water.ID, "水压低怎么办？", "已更换加压泵。"); err != nil {
			t.Fatal(err)
		}
		faq, err := w.svc.FAQ(w.asResident, w.estA.ID)
		if err != nil || len(faq) != 1 || faq[0].FAQQuestion != "水压低怎么办？" {
			t.Fatalf("faq %+v %v", faq, err)
		}

		// The overview per unit: times from submission to the first answer
		// and to closing, the rating; overdue waiting requests.
		figs, err := w.svc.Overview(w.asOfficer, request.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		byUnit := map[int64]request.UnitFigures{}
		for _, f := range figs {
			byUnit[f.Unit.ID] = f
		}
		// Lift and water reached the district (the sweeps above moved the
		// lift up on the way); road waits at the street with a new deadline.
		d := byUnit[w.distA.ID]
		if d.Requests != 2 || d.Answered != 1 || d.Closed != 1 || d.AverageRating != "4.00" || d.Rated != 1 ||
			d.FirstAnswerMed != first.Sub(water.Created) || d.FirstAnswerP90 != d.FirstAnswerMed ||
			d.CloseMed != cl.ClosedAt.Sub(water.Created) {
			t.Fatalf("district figures %+v", d)
		}
		if s := byUnit[w.street.ID]; len(figs) != 2 || s.Requests != 1 || s.Overdue != 0 || s.Answered != 0 || s.AverageRating != "" {
			t.Fatalf("figures %+v", figs)
		}
		// Residents see only their own; another estate's officer nothing.
		other := huanxin.NewContextWithActor(context.Background(), &huanxin.Actor{UserID: 999, Role: huanxin.RoleCommunity,
			Scope: huanxin.Scope{Paths: []string{w.commB.Path}}})
		if list, n, err := w.svc.Find(other, request.Filter{}); err != nil || n != 0 || len(list) != 0 {
			t.Fatalf("other community sees %d: %v", n, err)
		}
		if list, n, err := w.svc.Find(w.asOfficer, request.Filter{Status: []request.Status{request.StatusAssigned}}); err != nil || n != 2 ||
			list[0].ID != lift.ID {
			t.Fatalf("queue %d %v", n, err)
		}
	})
}

func TestRequestValidationAndConflicts(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := newRequestWorld(t, db)
		bad := &request.Request{EstateID: w.estA.ID, Kind: "rant", Category: "nope", Title: "", Body: "x", PhotoFileIDs: []int64{12345}}
		err := w.svc.Submit(w.asResident, bad)
		var fields []string
		for _, f := range huanxin.ErrorFields(err) {
			fields = append(fields, f.Field)
		}
		if huanxin.ErrorCode(err) != huanxin.EINVALID || len(fields) != 4 {
			t.Fatalf("invalid request: %v %v", err, fields)
		}
		if err := w.svc.Submit(w.asOfficer, &request.Request{EstateID: w.estA.ID}); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("officer submitting without assisting: %v", err)
		}
		if err := w.svc.Submit(w.asResident, &request.Request{EstateID: w.estB.ID, Kind: request.KindQuestion, Category: "other",
			Title: "x", Body: "y"}); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("resident submitting for another estate: %v", err)
		}

		// A stale save is refused, and the sweep skips what changed.
		r := w.submit(t, "roads", "路灯不亮")
		stale := *r
		if _, err := w.svc.Answer(w.asOfficer, r.ID, "已修复"); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveRequest(w.sys, &stale, request.Event{Action: request.ActionAssigned}, nil); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("stale save: %v", err)
		}
		// Only the submitter's consent allows publication.
		r2 := &request.Request{EstateID: w.estA.ID, Kind: request.KindQuestion, Category: "other", Title: "私事", Body: "y"}
		if err := w.svc.Submit(w.asResident, r2); err != nil {
			t.Fatal(err)
		}
		w.svc.Answer(w.asOfficer, r2.ID, "答复")
		if _, err := w.svc.Publish(w.asOfficer, r2.ID, "q", "a"); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("publishing without consent: %v", err)
		}
		// Reassigning to a unit outside the estate's chain is refused; to
		// the street it works.
		r3 := w.submit(t, "roads", "井盖松动")
		if _, err := w.svc.Assign(w.asOfficer, r3.ID, request.Unit{Kind: request.UnitCommunity, ID: w.commB.ID}, "转办"); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("assign elsewhere: %v", err)
		}
		if got, err := w.svc.Assign(w.asOfficer, r3.ID, request.Unit{Kind: request.UnitStreet, ID: w.street.ID}, "转街道"); err != nil ||
			got.Unit.Name != w.street.Name {
			t.Fatalf("assign to street: %+v %v", got, err)
		}
		// An estate gets one organisation of a kind.
		dup := &request.Organisation{Kind: request.UnitProperty, Name: "另一物业", Estates: []int64{w.estA.ID}}
		if err := w.svc.SaveOrganisation(w.asOfficer, dup); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("second property company: %v", err)
		}
		orgs, err := w.svc.Organisations(w.asStaff)
		if err != nil || len(orgs) != 1 || orgs[0].ID != w.org.ID || len(orgs[0].Members) != 1 || orgs[0].Estates[0] != w.estA.ID {
			t.Fatalf("staff's organisations %+v %v", orgs, err)
		}
	})
}
