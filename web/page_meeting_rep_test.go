package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/represent"
	"github.com/huanxin/huanxin/store"
)

// A resident representative proposes and records a meeting from the
// phone pages and marks done the action assigned to them; a neighbour
// without a seat sees the meeting without any form and may not write.
func TestRepresentativeMeetingPages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := newNoticeWorld(t, db)
		w.p.Represent = &represent.Service{Store: db, Register: w.p.Reg, Files: w.p.Files}
		rep := w.resident
		neighbour := &huanxin.Actor{UserID: 9101, Name: "周大爷", Role: huanxin.RoleResident, Scope: huanxin.Scope{PartIDs: []int64{w.parts[1].ID}}}
		eid := strconv.FormatInt(w.estate.ID, 10)
		today := time.Now().In(huanxin.Shanghai)
		seat := &represent.Seat{EstateID: w.estate.ID, Role: represent.RoleRepresentative, PersonName: "陈阿姨", OwnerID: rep.OwnerID,
			How: represent.HowElected, TermStart: today.AddDate(-1, 0, 0), TermEnd: today.AddDate(2, 0, 0)}
		if err := w.p.Represent.CreateSeat(huanxin.NewContextWithActor(sysCtx(), w.officer), seat); err != nil {
			t.Fatal(err)
		}
		sid := strconv.FormatInt(seat.ID, 10)
		meeting := url.Values{"kind": {"open_air"}, "title": {"楼道照明坝坝会"}, "at": {"2026-03-08T19:30"}, "place": {"5幢楼下"},
			"agenda": {"更换灯具"}}

		rec, body := w.do(t, neighbour, "GET", "/estates/"+eid+"/meetings", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantAbsent(t, body, `action="/estates/`+eid+`/meetings"`)
		rec, _ = w.do(t, neighbour, "POST", "/estates/"+eid+"/meetings", meeting)
		if rec.Code != http.StatusForbidden {
			t.Fatalf("a resident without a seat recorded a meeting: %d", rec.Code)
		}

		rec, body = w.do(t, rep, "GET", "/estates/"+eid+"/meetings", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `class="resident`, `action="/estates/`+eid+`/meetings"`, "您是本小区的代表", `href="/estates/`+eid+`/plans"`)
		rec, _ = w.do(t, rep, "POST", "/estates/"+eid+"/meetings", meeting)
		loc := rec.Header().Get("Location")
		if rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/meetings/") {
			t.Fatalf("representative's meeting: %d %s", rec.Code, loc)
		}
		mpath := strings.TrimSuffix(loc, "?flash=meeting_saved")
		meeting.Set("seat_id", sid)
		meeting.Set("minutes", "同意更换为感应灯。")
		meeting.Set("others", "7")
		rec, _ = w.do(t, rep, "POST", mpath, meeting)
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), mpath+"?flash=meeting_saved")
		rec, _ = w.do(t, neighbour, "POST", mpath, meeting)
		if rec.Code != http.StatusForbidden {
			t.Fatalf("a resident without a seat edited the minutes: %d", rec.Code)
		}

		// The officer assigns one action to the representative's seat, another to a unit.
		rec, _ = w.do(t, w.officer, "POST", mpath+"/actions", url.Values{"what": {"联系电工"}, "owner_seat_id": {sid}, "due": {"2026-03-20"}})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), mpath+"?flash=action_saved")
		rec, _ = w.do(t, rep, "POST", mpath+"/actions", url.Values{"what": {"出具报价"}, "owner": {"物业"}, "due": {"2026-03-20"}})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), mpath+"?flash=action_saved")
		id, _ := strconv.ParseInt(strings.TrimPrefix(mpath, "/meetings/"), 10, 64)
		m, err := w.p.Represent.Meeting(huanxin.NewContextWithActor(sysCtx(), w.officer), id)
		if err != nil || len(m.Actions) != 2 || m.CreatedBy != rep.UserID || m.UpdatedBy != rep.UserID {
			t.Fatalf("stored meeting: %+v, %v", m, err)
		}
		mine, unit := strconv.FormatInt(m.Actions[0].ID, 10), strconv.FormatInt(m.Actions[1].ID, 10)

		rec, body = w.do(t, rep, "GET", mpath, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `class="resident`, "同意更换为感应灯。", `name="minutes"`, "由您负责", "负责人或单位：陈阿姨",
			`action="`+mpath+`/actions/`+mine+`/complete"`, `name="owner_seat_id"`, `<option value="`+sid+`">居民代表：陈阿姨</option>`)
		wantAbsent(t, body, `action="`+mpath+`/actions/`+unit+`/complete"`)
		rec, body = w.do(t, neighbour, "GET", mpath, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantAbsent(t, body, `/complete"`, `name="minutes"`, `name="photo"`)

		rec, _ = w.do(t, rep, "POST", mpath+"/actions/"+unit+"/complete", url.Values{})
		if rec.Code != http.StatusForbidden {
			t.Fatalf("the representative completed the unit's action: %d", rec.Code)
		}
		rec, _ = w.do(t, rep, "POST", mpath+"/actions/"+mine+"/complete", url.Values{"note": {"电工已上门"}})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), mpath+"?flash=action_done")
		rec, body = w.do(t, w.officer, "GET", mpath, nil)
		wantContains(t, body, "电工已上门", `action="`+mpath+`/actions/`+unit+`/complete"`)
	})
}
