package store_test

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/represent"
	"github.com/huanxin/huanxin/store"
)

func TestMeetingsActionsAndPhotos(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := newRepresentWorld(t, db)
		rep := &represent.Seat{EstateID: w.estA.ID, Role: represent.RoleRepresentative, PersonName: "王五", How: represent.HowAppointed,
			TermStart: day("2026-01-01"), TermEnd: day("2028-12-31")}
		if err := w.svc.CreateSeat(w.asOfficer, rep); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 5, 3, 19, 30, 0, 0, huanxin.Shanghai)
		m := &represent.Meeting{EstateID: w.estA.ID, Kind: represent.KindOpenAir, Title: "加装电梯坝坝会", At: at, Place: "3幢楼下",
			Agenda: []string{"电梯位置", " ", "费用分摊"}, Attendance: represent.Attendance{SeatIDs: []int64{rep.ID},
				Residents: []string{"张三"}, Officers: []string{"社区 王主任"}, Others: 20}}
		if err := w.svc.CreateMeeting(w.asResident, m); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("resident recorded a meeting: %v", err)
		}
		if err := w.svc.CreateMeeting(w.asOfficer, m); err != nil {
			t.Fatal(err)
		}
		got, err := w.svc.Meeting(w.asResident, m.ID)
		if err != nil || !got.At.Equal(at) || len(got.Agenda) != 2 || got.Attendance.Count() != 23 || got.CityID != w.city.ID {
			t.Fatalf("resident reads %+v, %v", got, err)
		}
		_, err = w.svc.Meeting(w.asOther, m.ID)
		wantCode(t, err, huanxin.ENOTFOUND)
		_, err = w.svc.UpdateMeeting(w.asOther, m.ID, func(m *represent.Meeting) error { return nil })
		wantCode(t, err, huanxin.EFORBIDDEN)

		// Minutes and attendance; a seat of no seat of the estate is refused.
		up, err := w.svc.UpdateMeeting(w.asOfficer, m.ID, func(m *represent.Meeting) error {
			m.Minutes, m.Attendance.Others = "多数居民同意在北侧加装。", 25
			return nil
		})
		if err != nil || up.Minutes == "" || up.Attendance.Count() != 28 {
			t.Fatalf("UpdateMeeting = %+v, %v", up, err)
		}
		_, err = w.svc.UpdateMeeting(w.asOfficer, m.ID, func(m *represent.Meeting) error {
			m.Attendance.SeatIDs = append(m.Attendance.SeatIDs, rep.ID+100)
			return nil
		})
		wantField(t, err, "seat_ids")

		// Photos: images of the estate, served to residents through the meeting.
		png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
		photo, err := w.files.Put(w.asOfficer, w.estA.ID, "会场.png", bytes.NewReader(png))
		if err != nil {
			t.Fatal(err)
		}
		pdf, err := w.files.Put(w.asOfficer, w.estA.ID, "签到表.pdf", bytes.NewReader([]byte("%PDF-1.4\n%%EOF\n")))
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.SetPhotos(w.asOfficer, m.ID, []int64{photo.ID, pdf.ID})
		wantField(t, err, "photo_file_ids")
		if _, err := w.svc.SetPhotos(w.asOfficer, m.ID, []int64{photo.ID}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.files.Open(w.asResident, photo.ID); err == nil {
			t.Fatal("the file service shows a resident another's upload")
		}
		f, data, err := w.svc.Photo(w.asResident, m.ID, photo.ID)
		if err != nil || f.ContentType != "image/png" || !bytes.Equal(data, png) {
			t.Fatalf("Photo = %+v, %v", f, err)
		}
		_, _, err = w.svc.Photo(w.asResident, m.ID, pdf.ID)
		wantCode(t, err, huanxin.ENOTFOUND)

		// Actions: overdue ones listed per estate until completed.
		late := &represent.Action{What: "征求一楼住户意见", Owner: "楼栋长 钱七", Due: day("2026-05-01")}
		soon := &represent.Action{What: "提交设计方案", Owner: "施工单位", Due: day("2026-06-01")}
		for _, a := range []*represent.Action{late, soon} {
			if err := w.svc.AddAction(w.asOfficer, m.ID, a); err != nil {
				t.Fatal(err)
			}
		}
		wantField(t, w.svc.AddAction(w.asOfficer, m.ID, &represent.Action{What: "x"}), "owner")
		over, err := w.svc.OverdueActions(w.asResident, w.estA.ID)
		if err != nil || len(over) != 1 || over[0].ID != late.ID || !over[0].Overdue(*w.clock) {
			t.Fatalf("OverdueActions = %+v, %v", over, err)
		}
		_, err = w.svc.CompleteAction(w.asResident, m.ID, late.ID, "")
		wantCode(t, err, huanxin.EFORBIDDEN)
		done, err := w.svc.CompleteAction(w.asOfficer, m.ID, late.ID, "已逐户走访，同意")
		if err != nil || done.Status != represent.ActionDone || done.DoneAt.IsZero() || done.Note == "" {
			t.Fatalf("CompleteAction = %+v, %v", done, err)
		}
		_, err = w.svc.CompleteAction(w.asOfficer, m.ID, late.ID, "")
		wantCode(t, err, huanxin.ECONFLICT)
		if over, _ := w.svc.OverdueActions(w.asOfficer, w.estA.ID); len(over) != 0 {
			t.Fatalf("still overdue: %+v", over)
		}
		list, err := w.svc.Meetings(w.asResident, w.estA.ID)
		if err != nil || len(list) != 1 || len(list[0].Actions) != 2 || list[0].Actions[0].Status != represent.ActionDone ||
			len(list[0].PhotoFileIDs) != 1 {
			t.Fatalf("Meetings = %+v, %v", list, err)
		}
		es, _, err := db.FindAudit(context.Background(), audit.Filter{Entity: "meeting_action", EntityID: &late.ID, Action: audit.ActionUpdate}, nil)
		if err != nil || len(es) != 1 || es[0].ActorName != "社区" {
			t.Fatalf("completion audit: %+v, %v", es, err)
		}
	})
}

// TestRepresentativesRecordMeetings: a resident holding a seat records
// meetings of the estate, their attendance, minutes and photos, and marks
// done the actions assigned to them; a resident without a seat may not,
// nor the holder once the term has ended. Every write names who did it.
func TestRepresentativesRecordMeetings(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := newRepresentWorld(t, db)
		sys := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
		tenant := &account.User{Username: "tenant", Name: "李四", Role: huanxin.RoleResident}
		if err := db.CreateUser(sys, tenant, "x"); err != nil {
			t.Fatal(err)
		}
		asTenant := huanxin.NewContextWithActor(context.Background(), &huanxin.Actor{UserID: tenant.ID, Name: "李四",
			Role: huanxin.RoleResident, Scope: huanxin.Scope{PartIDs: []int64{w.part.ID}}})
		seat := &represent.Seat{EstateID: w.estA.ID, BuildingID: w.building.ID, Role: represent.RoleBuildingLeader, PersonName: "张三",
			OwnerID: w.owner.ID, How: represent.HowElected, TermStart: day("2026-01-01"), TermEnd: day("2028-12-31")}
		if err := w.svc.CreateSeat(w.asOfficer, seat); err != nil {
			t.Fatal(err)
		}
		newMeeting := func(title string) *represent.Meeting {
			return &represent.Meeting{EstateID: w.estA.ID, Kind: represent.KindCouncil, Title: title, Place: "活动室",
				At: time.Date(2026, 5, 10, 19, 0, 0, 0, huanxin.Shanghai), Agenda: []string{"楼道照明"}}
		}
		if ok, err := w.svc.MayPropose(asTenant, w.estA.ID); ok || err != nil {
			t.Fatalf("MayPropose(tenant) = %v, %v", ok, err)
		}
		wantCode(t, w.svc.CreateMeeting(asTenant, newMeeting("没有代表身份")), huanxin.EFORBIDDEN)
		wantCode(t, w.svc.CreateMeeting(w.asResident, &represent.Meeting{EstateID: w.estB.ID, Kind: represent.KindCouncil,
			Title: "别的小区", Place: "x", At: time.Now()}), huanxin.EFORBIDDEN)

		// The building leader proposes a meeting and records it.
		own := newMeeting("1幢楼栋议事会")
		if ok, err := w.svc.MayPropose(w.asResident, w.estA.ID); !ok || err != nil {
			t.Fatalf("MayPropose(leader) = %v, %v", ok, err)
		}
		if err := w.svc.CreateMeeting(w.asResident, own); err != nil {
			t.Fatal(err)
		}
		if own.CreatedBy != w.resident.UserID || own.UpdatedBy != w.resident.UserID {
			t.Fatalf("created by %d/%d, want the leader %d", own.CreatedBy, own.UpdatedBy, w.resident.UserID)
		}
		up, err := w.svc.UpdateMeeting(w.asResident, own.ID, func(m *represent.Meeting) error {
			m.Minutes, m.Attendance = "同意更换楼道灯。", represent.Attendance{SeatIDs: []int64{seat.ID}, Residents: []string{"李四"}, Others: 6}
			return nil
		})
		if err != nil || up.Attendance.Count() != 8 || up.UpdatedBy != w.resident.UserID {
			t.Fatalf("leader's minutes: %+v, %v", up, err)
		}
		_, err = w.svc.UpdateMeeting(asTenant, own.ID, func(m *represent.Meeting) error { return nil })
		wantCode(t, err, huanxin.EFORBIDDEN)

		// An officer's meeting: the leader records it only once present.
		theirs := newMeeting("社区议事会")
		if err := w.svc.CreateMeeting(w.asOfficer, theirs); err != nil {
			t.Fatal(err)
		}
		if r, err := w.svc.Rights(w.asResident, theirs); err != nil || r.Record {
			t.Fatalf("Rights before attending = %+v, %v", r, err)
		}
		_, err = w.svc.UpdateMeeting(w.asResident, theirs.ID, func(m *represent.Meeting) error { return nil })
		wantCode(t, err, huanxin.EFORBIDDEN)
		if _, err := w.svc.UpdateMeeting(w.asOfficer, theirs.ID, func(m *represent.Meeting) error {
			m.Attendance.SeatIDs = []int64{seat.ID}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
		officerPhoto, err := w.files.Put(w.asOfficer, w.estA.ID, "签到.png", bytes.NewReader(png))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.SetPhotos(w.asOfficer, theirs.ID, []int64{officerPhoto.ID}); err != nil {
			t.Fatal(err)
		}
		leaderPhoto, err := w.files.Put(w.asResident, w.estA.ID, "现场.png", bytes.NewReader(append(slices.Clone(png), 0)))
		if err != nil {
			t.Fatal(err)
		}
		ph, err := w.svc.SetPhotos(w.asResident, theirs.ID, []int64{officerPhoto.ID, leaderPhoto.ID})
		if err != nil || len(ph.PhotoFileIDs) != 2 || ph.UpdatedBy != w.resident.UserID {
			t.Fatalf("leader's photos: %+v, %v", ph, err)
		}
		_, err = w.svc.SetPhotos(w.asResident, theirs.ID, []int64{officerPhoto.ID, leaderPhoto.ID, leaderPhoto.ID})
		wantField(t, err, "photo_file_ids")

		// Actions: the one assigned to the leader's seat is theirs to complete.
		mine := &represent.Action{What: "联系电工", OwnerSeatID: seat.ID, Due: day("2026-05-20")}
		unit := &represent.Action{What: "出具报价", Owner: "物业", Due: day("2026-05-20")}
		for _, a := range []*represent.Action{mine, unit} {
			if err := w.svc.AddAction(w.asOfficer, theirs.ID, a); err != nil {
				t.Fatal(err)
			}
		}
		if mine.Owner != "张三" || mine.OwnerSeatID != seat.ID {
			t.Fatalf("assigned action: %+v", mine)
		}
		wantField(t, w.svc.AddAction(w.asOfficer, theirs.ID, &represent.Action{What: "x", OwnerSeatID: seat.ID + 99, Due: day("2026-05-20")}),
			"owner_seat_id")
		seen, err := w.svc.Meeting(w.asResident, theirs.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r, err := w.svc.Rights(w.asResident, seen); err != nil || !r.Record || !r.MayComplete(mine.ID) || r.MayComplete(unit.ID) {
			t.Fatalf("Rights = %+v, %v", r, err)
		}
		_, err = w.svc.CompleteAction(w.asResident, theirs.ID, unit.ID, "")
		wantCode(t, err, huanxin.EFORBIDDEN)
		_, err = w.svc.CompleteAction(asTenant, theirs.ID, mine.ID, "")
		wantCode(t, err, huanxin.EFORBIDDEN)
		done, err := w.svc.CompleteAction(w.asResident, theirs.ID, mine.ID, "电工已上门")
		if err != nil || done.DoneBy != w.resident.UserID || done.Note != "电工已上门" {
			t.Fatalf("leader completes: %+v, %v", done, err)
		}
		es, _, err := db.FindAudit(context.Background(), audit.Filter{Entity: "meeting_action", EntityID: &mine.ID, Action: audit.ActionUpdate}, nil)
		if err != nil || len(es) != 1 || es[0].ActorID != w.resident.UserID || es[0].ActorName != "张三" {
			t.Fatalf("completion audit: %+v, %v", es, err)
		}
		es, _, err = db.FindAudit(context.Background(), audit.Filter{Entity: "meeting", EntityID: &own.ID, Action: audit.ActionCreate}, nil)
		if err != nil || len(es) != 1 || es[0].ActorID != w.resident.UserID {
			t.Fatalf("meeting audit: %+v, %v", es, err)
		}

		// Once the term has ended the holder records nothing more.
		if _, err := w.svc.EndSeat(w.asOfficer, seat.ID, day("2026-05-04"), "搬离"); err != nil {
			t.Fatal(err)
		}
		*w.clock = w.clock.AddDate(0, 0, 1)
		wantCode(t, w.svc.CreateMeeting(w.asResident, newMeeting("任期结束后")), huanxin.EFORBIDDEN)
		_, err = w.svc.UpdateMeeting(w.asResident, own.ID, func(m *represent.Meeting) error { return nil })
		wantCode(t, err, huanxin.EFORBIDDEN)
	})
}
