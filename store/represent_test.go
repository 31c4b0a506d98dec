package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/file"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/notice"
	"github.com/huanxin/huanxin/represent"
	"github.com/huanxin/huanxin/store"
)

// representWorld is the store test world with the representatives
// service on a fake clock, the estate's community officer, an officer of
// the other community, and a resident account bound to the owner of A.
type representWorld struct {
	*world
	svc                                     *represent.Service
	files                                   *file.Service
	clock                                   *time.Time
	building                                *estate.Building
	resident                                *huanxin.Actor
	asOfficer, asOther, asResident, asAudit context.Context
}

func newRepresentWorld(t *testing.T, db *store.DB) *representWorld {
	t.Helper()
	w := &representWorld{world: mustWorld(t, db)}
	now := time.Date(2026, 5, 4, 2, 0, 0, 0, time.UTC) // 10:00 in Shanghai
	w.clock = &now
	db.Now = func() time.Time { return *w.clock }
	reg := &estate.Service{Store: db}
	w.files = &file.Service{Store: db, Register: reg}
	w.svc = &represent.Service{Store: db, Register: reg, Files: w.files, Now: func() time.Time { return *w.clock }}
	sys := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
	user := func(name string, role huanxin.Role, owner int64) int64 {
		u := &account.User{Username: name, Name: name, Role: role, OwnerID: owner}
		if err := db.CreateUser(sys, u, "x"); err != nil {
			t.Fatal(err)
		}
		return u.ID
	}
	bs, _, err := reg.Buildings().Find(sys, estate.Filter{EstateID: &w.estA.ID})
	if err != nil || len(bs) != 1 {
		t.Fatal(bs, err)
	}
	w.building = bs[0]
	act := func(a *huanxin.Actor) context.Context { return huanxin.NewContextWithActor(context.Background(), a) }
	w.asOfficer = act(&huanxin.Actor{UserID: user("community", huanxin.RoleCommunity, 0), Name: "社区", Role: huanxin.RoleCommunity,
		Scope: huanxin.Scope{Paths: []string{w.commA.Path}}})
	w.asOther = act(&huanxin.Actor{UserID: user("other", huanxin.RoleCommunity, 0), Name: "别的社区", Role: huanxin.RoleCommunity,
		Scope: huanxin.Scope{Paths: []string{w.commB.Path}}})
	w.resident = &huanxin.Actor{UserID: user("resident", huanxin.RoleResident, w.owner.ID), Name: "张三", Role: huanxin.RoleResident,
		OwnerID: w.owner.ID, Scope: huanxin.Scope{PartIDs: []int64{w.part.ID}}}
	w.asResident = act(w.resident)
	w.asAudit = act(&huanxin.Actor{UserID: user("auditor", huanxin.RoleAuditor, 0), Role: huanxin.RoleAuditor, Scope: huanxin.Scope{All: true}})
	return w
}

func day(s string) time.Time {
	d, ok := notice.ParseDay(s)
	if !ok {
		panic(s)
	}
	return d
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if huanxin.ErrorCode(err) != code {
		t.Fatalf("got %v, want %s", err, code)
	}
}

func wantField(t *testing.T, err error, field string) {
	t.Helper()
	for _, f := range huanxin.ErrorFields(err) {
		if f.Field == field {
			return
		}
	}
	t.Fatalf("got %v, want a problem with %s", err, field)
}

func TestSeatsTermsAndChecks(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := newRepresentWorld(t, db)
		seat := func(role represent.Role, building int64, name, from, to string) *represent.Seat {
			return &represent.Seat{EstateID: w.estA.ID, BuildingID: building, Role: role, PersonName: name, How: represent.HowElected,
				TermStart: day(from), TermEnd: day(to)}
		}
		// The chair, tied to the owner record of the resident's account.
		chair := seat(represent.RoleCommitteeChair, 0, "张三", "2026-01-01", "2030-12-31")
		chair.OwnerID = w.owner.ID
		if err := w.svc.CreateSeat(w.asOfficer, chair); err != nil {
			t.Fatal(err)
		}
		if chair.CityID != w.city.ID || chair.ID == 0 {
			t.Fatalf("stored seat %+v", chair)
		}
		uid := w.resident.UserID
		ok, err := w.svc.HasSeat(context.Background(), uid, w.estA.ID, represent.RoleCommitteeChair, represent.RoleCommitteeMember)
		if err != nil || !ok {
			t.Fatalf("HasSeat = %v, %v", ok, err)
		}
		if ok, _ := w.svc.HasSeat(context.Background(), uid, w.estA.ID, represent.RoleBuildingLeader); ok {
			t.Fatal("chair counted as building leader")
		}
		if ok, _ := w.svc.HasSeat(context.Background(), uid, w.estB.ID); ok {
			t.Fatal("seat counted in another estate")
		}

		// A second chair overlapping by one day is refused; one after is not.
		wantField(t, w.svc.CreateSeat(w.asOfficer, seat(represent.RoleCommitteeChair, 0, "李四", "2030-12-31", "2035-12-31")), "term_start")
		if err := w.svc.CreateSeat(w.asOfficer, seat(represent.RoleCommitteeChair, 0, "李四", "2031-01-01", "2035-12-31")); err != nil {
			t.Fatal(err)
		}
		// Representatives and members may serve side by side.
		for _, n := range []string{"王五", "赵六"} {
			if err := w.svc.CreateSeat(w.asOfficer, seat(represent.RoleRepresentative, 0, n, "2026-01-01", "2028-12-31")); err != nil {
				t.Fatal(err)
			}
		}
		// One leader per building at a time; a leader needs a building of the estate.
		wantField(t, w.svc.CreateSeat(w.asOfficer, seat(represent.RoleBuildingLeader, 0, "钱七", "2026-01-01", "2027-12-31")), "building_id")
		if err := w.svc.CreateSeat(w.asOfficer, seat(represent.RoleBuildingLeader, w.building.ID, "钱七", "2026-01-01", "2027-12-31")); err != nil {
			t.Fatal(err)
		}
		wantField(t, w.svc.CreateSeat(w.asOfficer, seat(represent.RoleBuildingLeader, w.building.ID, "孙八", "2027-06-01", "2029-12-31")), "term_start")
		// Bad input, each reported on its field.
		wantField(t, w.svc.CreateSeat(w.asOfficer, seat(represent.RoleRepresentative, 0, "周九", "2026-05-01", "2026-04-30")), "term_end")
		wantField(t, w.svc.CreateSeat(w.asOfficer, seat(represent.RoleCommitteeMember, w.building.ID, "周九", "2026-01-01", "2026-12-31")), "building_id")
		wantField(t, w.svc.CreateSeat(w.asOfficer, seat("mayor", 0, "周九", "2026-01-01", "2026-12-31")), "role")
		stranger := seat(represent.RoleRepresentative, 0, "周九", "2026-01-01", "2026-12-31")
		stranger.UserID = 999999
		wantField(t, w.svc.CreateSeat(w.asOfficer, stranger), "user_id")
		other := seat(represent.RoleRepresentative, 0, "周九", "2026-01-01", "2026-12-31")
		other.EstateID, other.OwnerID = w.estA.ID, w.owner.ID+1000
		wantField(t, w.svc.CreateSeat(w.asOfficer, other), "owner_id")
		// Only officers over the estate fill seats.
		wantCode(t, w.svc.CreateSeat(w.asResident, seat(represent.RoleRepresentative, 0, "周九", "2026-01-01", "2026-12-31")), huanxin.EFORBIDDEN)
		wantCode(t, w.svc.CreateSeat(w.asOther, seat(represent.RoleRepresentative, 0, "周九", "2026-01-01", "2026-12-31")), huanxin.EFORBIDDEN)
		wantCode(t, w.svc.CreateSeat(w.asAudit, seat(represent.RoleRepresentative, 0, "周九", "2026-01-01", "2026-12-31")), huanxin.EFORBIDDEN)

		// Ending the chair's term today keeps the seat; it counts until the day ends.
		if _, err := w.svc.EndSeat(w.asResident, chair.ID, time.Time{}, "辞职"); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("resident ended a term: %v", err)
		}
		wantField(t, func() error { _, err := w.svc.EndSeat(w.asOfficer, chair.ID, day("2025-12-31"), ""); return err }(), "ended")
		ended, err := w.svc.EndSeat(w.asOfficer, chair.ID, time.Time{}, "辞职 resigned")
		if err != nil || !ended.Ended.Equal(day("2026-05-04")) {
			t.Fatalf("EndSeat = %+v, %v", ended, err)
		}
		_, err = w.svc.EndSeat(w.asOfficer, chair.ID, time.Time{}, "")
		wantCode(t, err, huanxin.ECONFLICT)
		if ok, _ := w.svc.HasSeat(context.Background(), uid, w.estA.ID); !ok {
			t.Fatal("seat lost on the day it ended")
		}
		*w.clock = w.clock.Add(24 * time.Hour)
		if seats, err := w.svc.Seats(context.Background(), uid); err != nil || len(seats) != 0 {
			t.Fatalf("Seats after the end = %v, %v", seats, err)
		}
		// The office is free from the next day.
		if err := w.svc.CreateSeat(w.asOfficer, seat(represent.RoleCommitteeChair, 0, "吴十", "2026-05-05", "2030-12-31")); err != nil {
			t.Fatal(err)
		}

		// History: every seat stays; residents see names and offices only.
		all, err := w.svc.EstateSeats(w.asOfficer, w.estA.ID)
		if err != nil || len(all) != 6 {
			t.Fatalf("EstateSeats = %d, %v", len(all), err)
		}
		mine, err := w.svc.EstateSeats(w.asResident, w.estA.ID)
		if err != nil || len(mine) != 6 {
			t.Fatalf("resident EstateSeats = %d, %v", len(mine), err)
		}
		for _, s := range mine {
			if s.OwnerID != 0 || s.UserID != 0 || s.ResidentID != 0 {
				t.Fatalf("resident sees links: %+v", s)
			}
		}
		_, err = w.svc.EstateSeats(w.asOther, w.estA.ID)
		wantCode(t, err, huanxin.ENOTFOUND)
		es, _, err := db.FindAudit(context.Background(), audit.Filter{Entity: "seat", EntityID: &chair.ID}, nil)
		if err != nil || len(es) != 2 {
			t.Fatalf("audit of the chair's seat: %d, %v", len(es), err)
		}
	})
}
