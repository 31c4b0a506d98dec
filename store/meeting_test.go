package store_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
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
