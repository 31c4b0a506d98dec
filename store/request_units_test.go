package store_test

import (
	"context"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/request"
	"github.com/huanxin/huanxin/store"
)

// A city's categories are added, changed and stopped one at a time; a
// stopped category takes no new request. An organisation stopped lets its
// estates go (requests then route to the community) and may be started
// again and given estates anew.
func TestRequestCategoryAndOrganisationLifecycle(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := newRequestWorld(t, db)
		bureau := huanxin.NewContextWithActor(context.Background(), &huanxin.Actor{UserID: 1, Name: "市住建局", Role: huanxin.RoleBureau,
			Scope: huanxin.Scope{Paths: []string{w.city.Path}}})
		city := w.city.ID
		lift := request.Category{Code: "lift_install", Label: "加装电梯", Unit: request.UnitContractor, Hours: 72}
		wantCode(t, w.svc.SaveCategory(w.asOfficer, city, lift, true), huanxin.EFORBIDDEN)
		if err := w.svc.SaveCategory(bureau, city, lift, true); err != nil {
			t.Fatal(err)
		}
		wantField(t, w.svc.SaveCategory(bureau, city, lift, true), "code")
		wantField(t, w.svc.SaveCategory(bureau, city, request.Category{Code: "Bad Code", Label: "x", Unit: request.UnitCommunity, Hours: 1}, true), "code")
		lift.Label, lift.Hours = "加装电梯咨询", 9999
		wantField(t, w.svc.SaveCategory(bureau, city, lift, false), "hours")
		lift.Hours = 48
		if err := w.svc.SaveCategory(bureau, city, lift, false); err != nil {
			t.Fatal(err)
		}
		wantCode(t, w.svc.SaveCategory(bureau, city, request.Category{Code: "nope", Label: "x", Unit: request.UnitCommunity, Hours: 1}, false), huanxin.ENOTFOUND)
		cats, err := w.svc.Categories(w.asOfficer, city)
		if c, ok := request.Find(cats, "lift_install"); err != nil || !ok || c.Label != "加装电梯咨询" || c.Hours != 48 || len(cats) != len(request.DefaultCategories)+1 {
			t.Fatalf("categories %+v %v", cats, err)
		}
		r := w.submit(t, "lift_install", "何时报名")
		if err := w.svc.SetCategoryActive(bureau, city, "lift_install", false); err != nil {
			t.Fatal(err)
		}
		wantField(t, w.svc.Submit(w.asResident, &request.Request{EstateID: w.estA.ID, Kind: request.KindQuestion, Category: "lift_install",
			Title: "x", Body: "y"}), "category")
		if got, err := w.svc.Get(w.asResident, r.ID); err != nil || got.Category != "lift_install" {
			t.Fatalf("an earlier request: %+v %v", got, err)
		}
		if err := w.svc.SetCategoryActive(bureau, city, "lift_install", true); err != nil {
			t.Fatal(err)
		}
		w.submit(t, "lift_install", "费用")

		// The property company stops: its estate routes to the community.
		_, err = w.svc.SetOrganisationActive(context.Background(), w.org.ID, false)
		wantCode(t, err, huanxin.EUNAUTHORIZED)
		stopped, err := w.svc.SetOrganisationActive(w.asOfficer, w.org.ID, false)
		if err != nil || stopped.Inactive.IsZero() || len(stopped.Estates) != 0 || len(stopped.Members) != 1 {
			t.Fatalf("stopped %+v %v", stopped, err)
		}
		if x := w.submit(t, "parking", "车位"); x.Unit.Kind != request.UnitCommunity {
			t.Fatalf("routed to %+v", x.Unit)
		}
		again := *stopped
		again.Estates = []int64{w.estA.ID}
		wantField(t, w.svc.SaveOrganisation(w.asOfficer, &again), "estate_ids")
		other := &request.Organisation{Kind: request.UnitProperty, Name: "新物业", Estates: []int64{w.estA.ID}}
		if err := w.svc.SaveOrganisation(w.asOfficer, other); err != nil {
			t.Fatalf("the estate is free for another company: %v", err)
		}
		started, err := w.svc.SetOrganisationActive(w.asOfficer, w.org.ID, true)
		if err != nil || !started.Inactive.IsZero() {
			t.Fatalf("started %+v %v", started, err)
		}
	})
}
