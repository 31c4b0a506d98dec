package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
	"github.com/huanxin/huanxin/api"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/file"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/represent"
	"github.com/huanxin/huanxin/store"
)

// A resident holding a seat records a meeting of the estate through the
// API and completes the action assigned to the seat; every write names
// them. A resident without a seat may do neither.
func TestRepresentativeMeetingsHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		e := &env{db: db, mux: http.NewServeMux(), doc: loadDoc(t), w: mustWorld(t, db)}
		w := e.w
		reg := &estate.Service{Store: db}
		files := &file.Service{Store: db, Register: reg}
		svc := &represent.Service{Store: db, Register: reg, Files: files, Now: func() time.Time { return time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC) }}
		api.NewWithExtras(reg, api.Extras{Files: files, Represent: svc}).Register(e.mux)
		sys := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
		u := &account.User{Username: "rep-a", Name: "代表A", Role: huanxin.RoleResident, OwnerID: w.ownA.ID}
		if err := db.CreateUser(sys, u, "x"); err != nil {
			t.Fatal(err)
		}
		officer := e.actor(huanxin.RoleCommunity, w.commA)
		rep := &huanxin.Actor{UserID: u.ID, Name: u.Name, Role: huanxin.RoleResident, OwnerID: w.ownA.ID,
			Scope: huanxin.Scope{PartIDs: []int64{w.partA.ID}}}
		plain := &huanxin.Actor{UserID: 301, Name: "租户", Role: huanxin.RoleResident, Scope: huanxin.Scope{PartIDs: []int64{w.partA.ID}}}

		meeting := `{"estate_id":` + id(w.estA.ID) + `,"kind":"council","title":"楼道议事会","agenda":["照明"],
			"at":"2026-03-12T19:30:00+08:00","place":"活动室"}`
		e.do(t, rep, "POST", "/api/v1/meetings", meeting).wantError(t, 403, huanxin.EFORBIDDEN)
		r := e.do(t, officer, "POST", "/api/v1/seats", `{"estate_id":`+id(w.estA.ID)+`,"role":"resident_representative","person_name":"代表A",
			"owner_id":`+id(w.ownA.ID)+`,"how":"elected","term_start":"2026-01-01","term_end":"2028-12-31"}`)
		if r.status != 201 {
			t.Fatalf("seat: %d %s", r.status, r.raw)
		}
		sid := id(num(r.body["id"]))

		r = e.do(t, rep, "POST", "/api/v1/meetings", meeting)
		if r.status != 201 || num(r.body["created_by"]) != u.ID || num(r.body["updated_by"]) != u.ID {
			t.Fatalf("representative's meeting: %d %s", r.status, r.raw)
		}
		mid := id(num(r.body["id"]))
		e.do(t, plain, "POST", "/api/v1/meetings", meeting).wantError(t, 403, huanxin.EFORBIDDEN)
		e.do(t, plain, "PUT", "/api/v1/meetings/"+mid+"/minutes", `{"minutes":"x"}`).wantError(t, 403, huanxin.EFORBIDDEN)
		if r = e.do(t, rep, "PUT", "/api/v1/meetings/"+mid+"/attendance", `{"seat_ids":[`+sid+`],"others":9}`); r.status != 200 {
			t.Fatalf("attendance: %d %s", r.status, r.raw)
		}
		if r = e.do(t, officer, "PUT", "/api/v1/meetings/"+mid+"/minutes", `{"minutes":"同意更换灯具"}`); r.status != 200 ||
			num(r.body["updated_by"]) == u.ID {
			t.Fatalf("officer's minutes: %d %s", r.status, r.raw)
		}

		body := `{"what":"联系电工","owner_seat_id":` + sid + `,"due":"2026-03-20"}`
		r = e.do(t, officer, "POST", "/api/v1/meetings/"+mid+"/actions", body)
		if r.status != 201 || r.body["owner"] != "代表A" || id(num(r.body["owner_seat_id"])) != sid {
			t.Fatalf("assigned action: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "POST /api/v1/meetings/{id}/actions", body)
		mine := id(num(r.body["id"]))
		r = e.do(t, rep, "POST", "/api/v1/meetings/"+mid+"/actions", `{"what":"报价","owner":"物业","due":"2026-03-20"}`)
		if r.status != 201 || num(r.body["created_by"]) != u.ID {
			t.Fatalf("representative's action: %d %s", r.status, r.raw)
		}
		theirs := id(num(r.body["id"]))
		e.do(t, rep, "POST", "/api/v1/meetings/"+mid+"/actions/"+theirs+"/complete", `{}`).wantError(t, 403, huanxin.EFORBIDDEN)
		e.do(t, plain, "POST", "/api/v1/meetings/"+mid+"/actions/"+mine+"/complete", `{}`).wantError(t, 403, huanxin.EFORBIDDEN)
		if r = e.do(t, rep, "POST", "/api/v1/meetings/"+mid+"/actions/"+mine+"/complete", `{"note":"已修好"}`); r.status != 200 ||
			r.body["status"] != "done" || num(r.body["done_by"]) != u.ID || r.body["note"] != "已修好" {
			t.Fatalf("representative completes: %d %s", r.status, r.raw)
		}
		if r = e.do(t, officer, "POST", "/api/v1/meetings/"+mid+"/actions/"+theirs+"/complete", `{}`); r.status != 200 {
			t.Fatalf("officer completes: %d %s", r.status, r.raw)
		}
	})
}
