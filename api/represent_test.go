package api_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
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

// The seat and meeting schemas list exactly the JSON members of their Go
// types.
func TestOpenAPIRepresentSchemasMatchTypes(t *testing.T) {
	checkSchemas(t, loadDoc(t), map[string]reflect.Type{
		"Seat":              reflect.TypeFor[api.Seat](),
		"SeatInput":         reflect.TypeFor[api.SeatInput](),
		"SeatEndInput":      reflect.TypeFor[api.SeatEndInput](),
		"Seats":             reflect.TypeFor[api.Seats](),
		"Meeting":           reflect.TypeFor[api.Meeting](),
		"MeetingInput":      reflect.TypeFor[api.MeetingInput](),
		"MeetingAttendance": reflect.TypeFor[api.MeetingAttendance](),
		"MeetingAction":     reflect.TypeFor[api.MeetingAction](),
		"MeetingActions":    reflect.TypeFor[api.MeetingActions](),
		"Meetings":          reflect.TypeFor[api.Meetings](),
		"AttendanceInput":   reflect.TypeFor[api.AttendanceInput](),
		"MinutesInput":      reflect.TypeFor[api.MinutesInput](),
		"PhotosInput":       reflect.TypeFor[api.PhotosInput](),
		"ActionInput":       reflect.TypeFor[api.ActionInput](),
		"CompleteInput":     reflect.TypeFor[api.CompleteInput](),
	})
	d := loadDoc(t)
	for name, want := range map[string][]string{
		"SeatRole":     {string(represent.RoleCommitteeChair), string(represent.RoleCommitteeMember), string(represent.RoleRepresentative), string(represent.RoleBuildingLeader)},
		"SeatHow":      {string(represent.HowElected), string(represent.HowAppointed)},
		"MeetingKind":  {string(represent.KindCouncil), string(represent.KindOpenAir), string(represent.KindAssemblyPrep), string(represent.KindOther)},
		"ActionStatus": {string(represent.ActionOpen), string(represent.ActionDone)},
	} {
		var got []string
		for _, v := range d.Components.Schemas[name].Value.Enum {
			got = append(got, v.(string))
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s enum = %v, want %v", name, got, want)
		}
	}
}

func TestRepresentHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		e := &env{db: db, mux: http.NewServeMux(), doc: loadDoc(t), w: mustWorld(t, db)}
		w := e.w
		reg := &estate.Service{Store: db}
		files := &file.Service{Store: db, Register: reg}
		svc := &represent.Service{Store: db, Register: reg, Files: files, Now: func() time.Time { return time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC) }}
		api.NewWithExtras(reg, api.Extras{Files: files, Represent: svc}).Register(e.mux)
		sys := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
		u := &account.User{Username: "owner-a", Name: "业主A", Role: huanxin.RoleResident, OwnerID: w.ownA.ID}
		if err := db.CreateUser(sys, u, "x"); err != nil {
			t.Fatal(err)
		}
		officer := e.actor(huanxin.RoleCommunity, w.commA)
		resident := &huanxin.Actor{UserID: u.ID, Name: u.Name, Role: huanxin.RoleResident, OwnerID: w.ownA.ID,
			Scope: huanxin.Scope{PartIDs: []int64{w.partA.ID}}}
		outsider := &huanxin.Actor{UserID: 201, Name: "B", Role: huanxin.RoleResident, OwnerID: w.ownB.ID, Scope: huanxin.Scope{PartIDs: []int64{w.partB.ID}}}

		// The owner becomes leader of building A; the account now holds a seat.
		body := `{"estate_id":` + id(w.estA.ID) + `,"building_id":` + id(w.bldA.ID) + `,"role":"building_leader","person_name":"业主A",
			"owner_id":` + id(w.ownA.ID) + `,"how":"elected","term_start":"2026-01-01","term_end":"2028-12-31"}`
		r := e.do(t, officer, "POST", "/api/v1/seats", body)
		if r.status != 201 || r.body["active"] != true || r.body["term_end"] != "2028-12-31" {
			t.Fatalf("create seat: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "POST /api/v1/seats", body)
		sid := id(num(r.body["id"]))
		if ok, err := svc.HasSeat(context.Background(), u.ID, w.estA.ID, represent.RoleBuildingLeader); err != nil || !ok {
			t.Fatalf("HasSeat = %v, %v", ok, err)
		}
		e.do(t, officer, "POST", "/api/v1/seats", body).wantError(t, 400, huanxin.EINVALID, "term_start")
		e.do(t, resident, "POST", "/api/v1/seats", body).wantError(t, 403, huanxin.EFORBIDDEN)
		e.do(t, officer, "POST", "/api/v1/seats", `{"estate_id":`+id(w.estA.ID)+`,"role":"resident_representative","person_name":"x",
			"how":"elected","term_start":"2026-13-01","term_end":"2026-12-31"}`).wantError(t, 400, huanxin.EINVALID, "term_start")
		// Residents of the estate see the seat without its links; others do not see it.
		r = e.do(t, resident, "GET", "/api/v1/seats?estate_id="+id(w.estA.ID), "")
		if items := r.items(t); len(items) != 1 || items[0]["person_name"] != "业主A" || num(items[0]["owner_id"]) != 0 {
			t.Fatalf("resident's seats: %s", r.raw)
		}
		if r = e.do(t, officer, "GET", "/api/v1/seats?estate_id="+id(w.estA.ID), ""); num(r.items(t)[0]["owner_id"]) != w.ownA.ID {
			t.Fatalf("officer's seats: %s", r.raw)
		}
		e.do(t, outsider, "GET", "/api/v1/seats?estate_id="+id(w.estA.ID), "").wantError(t, 404, huanxin.ENOTFOUND)
		e.do(t, officer, "GET", "/api/v1/seats", "").wantError(t, 400, huanxin.EINVALID, "estate_id")
		if r = e.do(t, officer, "POST", "/api/v1/seats/"+sid+"/end", `{"ended":"2026-03-09","reason":"搬离"}`); r.status != 200 ||
			r.body["ended"] != "2026-03-09" || r.body["active"] != false {
			t.Fatalf("end: %d %s", r.status, r.raw)
		}
		e.do(t, officer, "POST", "/api/v1/seats/"+sid+"/end", `{}`).wantError(t, 409, huanxin.ECONFLICT)

		// A meeting, its attendance, minutes, photos and actions.
		body = `{"estate_id":` + id(w.estA.ID) + `,"kind":"open_air","title":"加装电梯坝坝会","agenda":["位置","分摊"],
			"at":"2026-03-08T19:30:00+08:00","place":"1幢楼下"}`
		r = e.do(t, officer, "POST", "/api/v1/meetings", body)
		if r.status != 201 || r.body["at"] != "2026-03-08T11:30:00Z" {
			t.Fatalf("create meeting: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "POST /api/v1/meetings", body)
		mid := id(num(r.body["id"]))
		e.do(t, resident, "POST", "/api/v1/meetings", body).wantError(t, 403, huanxin.EFORBIDDEN)
		if r = e.do(t, officer, "PATCH", "/api/v1/meetings/"+mid, `{"place":"活动室"}`); r.status != 200 || r.body["place"] != "活动室" || r.body["title"] != "加装电梯坝坝会" {
			t.Fatalf("patch: %d %s", r.status, r.raw)
		}
		r = e.do(t, officer, "PUT", "/api/v1/meetings/"+mid+"/attendance", `{"seat_ids":[`+sid+`],"residents":["张三"],"officers":["社区"],"others":12}`)
		if r.status != 200 || num(r.body["attendance"].(map[string]any)["count"]) != 15 {
			t.Fatalf("attendance: %d %s", r.status, r.raw)
		}
		if r = e.do(t, officer, "PUT", "/api/v1/meetings/"+mid+"/minutes", `{"minutes":"同意北侧加装"}`); r.status != 200 || r.body["minutes"] != "同意北侧加装" {
			t.Fatalf("minutes: %d %s", r.status, r.raw)
		}
		png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
		f, err := files.Put(huanxin.NewContextWithActor(context.Background(), officer), w.estA.ID, "会场.png", bytes.NewReader(png))
		if err != nil {
			t.Fatal(err)
		}
		fid := id(f.ID)
		if r = e.do(t, officer, "PUT", "/api/v1/meetings/"+mid+"/photos", `{"file_ids":[`+fid+`]}`); r.status != 200 {
			t.Fatalf("photos: %d %s", r.status, r.raw)
		}
		r = e.sendRaw(t, resident, httptest.NewRequest("GET", "/api/v1/meetings/"+mid+"/photos/"+fid+"/content", nil))
		if r.status != http.StatusOK || !bytes.Equal(r.raw, png) || r.header.Get("ETag") == "" {
			t.Fatalf("photo: %d %s", r.status, r.header)
		}
		e.do(t, outsider, "GET", "/api/v1/meetings/"+mid+"/photos/"+fid+"/content", "").wantError(t, 404, huanxin.ENOTFOUND)

		r = e.do(t, officer, "POST", "/api/v1/meetings/"+mid+"/actions", `{"what":"征求一楼意见","owner":"楼栋长","due":"2026-03-09"}`)
		if r.status != 201 || r.body["status"] != "open" || r.body["overdue"] != true {
			t.Fatalf("add action: %d %s", r.status, r.raw)
		}
		aid := id(num(r.body["id"]))
		e.do(t, officer, "POST", "/api/v1/meetings/"+mid+"/actions", `{"what":"x","due":"2026-03-09"}`).wantError(t, 400, huanxin.EINVALID, "owner")
		if r = e.do(t, resident, "GET", "/api/v1/meetings/overdue-actions?estate_id="+id(w.estA.ID), ""); len(r.items(t)) != 1 {
			t.Fatalf("overdue: %s", r.raw)
		}
		e.do(t, resident, "POST", "/api/v1/meetings/"+mid+"/actions/"+aid+"/complete", `{}`).wantError(t, 403, huanxin.EFORBIDDEN)
		if r = e.do(t, officer, "POST", "/api/v1/meetings/"+mid+"/actions/"+aid+"/complete", `{"note":"已走访"}`); r.status != 200 || r.body["status"] != "done" {
			t.Fatalf("complete: %d %s", r.status, r.raw)
		}
		e.do(t, officer, "POST", "/api/v1/meetings/"+mid+"/actions/"+aid+"/complete", `{}`).wantError(t, 409, huanxin.ECONFLICT)
		if r = e.do(t, officer, "GET", "/api/v1/meetings/overdue-actions?estate_id="+id(w.estA.ID), ""); len(r.items(t)) != 0 {
			t.Fatalf("overdue after completion: %s", r.raw)
		}
		r = e.do(t, resident, "GET", "/api/v1/meetings?estate_id="+id(w.estA.ID), "")
		if items := r.items(t); len(items) != 1 || len(items[0]["actions"].([]any)) != 1 || len(items[0]["photo_file_ids"].([]any)) != 1 {
			t.Fatalf("resident's meetings: %s", r.raw)
		}
		e.do(t, outsider, "GET", "/api/v1/meetings/"+mid, "").wantError(t, 404, huanxin.ENOTFOUND)
	})
}
