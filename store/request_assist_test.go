package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/request"
	"github.com/huanxin/huanxin/store"
)

// An officer assisting an owner reopens and rates the owner's request,
// though the owner filed it online; the history and the ledger name both
// the officer and the owner. An officer assisting another owner may not.
func TestRequestActedOnForTheOwner(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := newRequestWorld(t, db)
		assisting := func(owner int64) context.Context {
			a := *w.officer
			a.OnBehalfOf = owner
			return huanxin.NewContextWithActor(context.Background(), &a)
		}
		r := w.submit(t, "roads", "路面塌陷")
		if r.OwnerID != w.owner.ID || r.OnBehalfOf != 0 {
			t.Fatalf("filed online: owner %d, on behalf %d", r.OwnerID, r.OnBehalfOf)
		}
		if _, err := w.svc.Answer(w.asOfficer, r.ID, "已安排维修"); err != nil {
			t.Fatal(err)
		}
		_, err := w.svc.Reopen(assisting(w.owner.ID+999), r.ID, "x")
		wantCode(t, err, huanxin.EFORBIDDEN)
		_, err = w.svc.Reopen(w.asOfficer, r.ID, "x")
		wantCode(t, err, huanxin.EFORBIDDEN)
		if _, err := w.svc.Reopen(assisting(w.owner.ID), r.ID, "业主来电：还没修好"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Answer(w.asOfficer, r.ID, "今日已修复"); err != nil {
			t.Fatal(err)
		}
		closed, err := w.svc.Close(assisting(w.owner.ID), r.ID, 4, "业主口述：满意")
		if err != nil || closed.Status != request.StatusClosed || closed.Rating != 4 {
			t.Fatalf("closed for the owner: %+v %v", closed, err)
		}
		events, err := w.svc.History(w.asResident, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		var named int
		for _, ev := range events {
			if (ev.Action == request.ActionReopened || ev.Action == request.ActionClosed) && ev.ActorID == w.officer.UserID &&
				strings.Contains(ev.ActorName, "社区") && strings.Contains(ev.ActorName, "张三") {
				named++
			}
		}
		if named != 2 {
			t.Fatalf("history: %+v", events)
		}
		es, _, err := db.FindAudit(context.Background(), audit.Filter{Entity: "request", EntityID: &r.ID, Action: audit.ActionUpdate}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var both int
		for _, e := range es {
			if e.ActorID == w.officer.UserID && e.OnBehalf == w.owner.ID {
				both++
			}
		}
		if both != 2 {
			t.Fatalf("ledger: %+v", es)
		}

		// Filed by the officer for the owner: the owner's own account rates it.
		filed := &request.Request{EstateID: w.estA.ID, Kind: request.KindQuestion, Category: "other", Title: "代办：加装电梯", Body: "业主口述"}
		if err := w.svc.Submit(assisting(w.owner.ID), filed); err != nil {
			t.Fatal(err)
		}
		if filed.OnBehalfOf != w.owner.ID || filed.OwnerID != w.owner.ID || filed.SubmittedBy != w.officer.UserID {
			t.Fatalf("filed for the owner: %+v", filed)
		}
		if _, err := w.svc.Answer(w.asOfficer, filed.ID, "可以申请"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Close(w.asResident, filed.ID, 5, ""); err != nil {
			t.Fatal(err)
		}
	})
}
