package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/file"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/represent"
	"github.com/huanxin/huanxin/store"
)

// The large-text switch sets a lasting cookie and returns to the page;
// with the cookie the body carries the class "big" and the switch offers
// normal text; without scripts, signed in or not.
func TestBigTextSwitch(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		f := newAdminFixture(t, db)
		rec, body := f.do(t, nil, "GET", "/login", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `<body class="office">`, `href="/bigtext?on=1&amp;back=%2flogin"`, ">大字版</a>")

		for _, method := range []string{"GET", "POST"} {
			req := httptest.NewRequest(method, "/bigtext?on=1&back=/my", nil)
			rec = httptest.NewRecorder()
			f.mux.ServeHTTP(rec, req)
			wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/my")
			c := rec.Result().Cookies()
			if len(c) != 1 || c[0].Name != "hx_big" || c[0].Value != "1" || c[0].MaxAge < 300*24*3600 || !c[0].HttpOnly {
				t.Fatalf("%s: cookie %+v", method, c)
			}
		}
		// Another site as back is refused: the switch returns home.
		rec = httptest.NewRecorder()
		f.mux.ServeHTTP(rec, httptest.NewRequest("GET", "/bigtext?on=1&back=//evil.example/", nil))
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/")

		req := httptest.NewRequest("GET", "/login", nil)
		req.AddCookie(&http.Cookie{Name: "hx_big", Value: "1"})
		rec = httptest.NewRecorder()
		f.mux.ServeHTTP(rec, req)
		body = rec.Body.String()
		wantContains(t, body, `<body class="office big">`, `href="/bigtext?on=0&amp;back=%2flogin">标准字</a>`)

		rec = httptest.NewRecorder()
		f.mux.ServeHTTP(rec, httptest.NewRequest("GET", "/bigtext?on=0&back=/login", nil))
		if c := rec.Result().Cookies(); len(c) != 1 || c[0].MaxAge >= 0 {
			t.Fatalf("switching off keeps the cookie: %+v", c)
		}
	})
}

// An officer records the estate's representatives and a meeting with an
// action; the resident owner sees the names and the meeting on the phone
// pages, without the form to complete an action not assigned to her;
// completing the action clears it from the overdue list.
func TestRepresentAndMeetingPages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		f := newAdminFixture(t, db)
		f.p.Files = &file.Service{Store: db, Register: f.p.Reg}
		f.p.Represent = &represent.Service{Store: db, Register: f.p.Reg, Files: f.p.Files}
		ctx := sysCtx()
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		e := &estate.Estate{JurisdictionID: f.community.ID, Code: "XH-0300", Name: "幸福里", YearBuilt: 1988}
		must(f.p.Reg.Estates().Create(ctx, e))
		b := &estate.Building{EstateID: e.ID, No: "3", Floors: 6}
		must(f.p.Reg.Buildings().Create(ctx, b))
		sw := &estate.Stairwell{BuildingID: b.ID, No: "1"}
		must(f.p.Reg.Stairwells().Create(ctx, sw))
		pt := &estate.Part{StairwellID: sw.ID, Floor: 2, Room: "201", Area: 7000, Sold: true, Delivered: true}
		must(f.p.Reg.Parts().Create(ctx, pt))
		o := &estate.Owner{Kind: estate.OwnerPerson, Name: "李奶奶", IDNumber: "110105194912310011"}
		must(db.CreateOwner(ctx, o))
		must(db.CreateOwnership(ctx, &estate.Ownership{CityID: pt.CityID, EstateID: e.ID, PartID: pt.ID, OwnerID: o.ID,
			Representative: true, ShareNum: 1, ShareDen: 1}))
		u := &account.User{Username: "li", Name: "李奶奶", Role: huanxin.RoleResident, OwnerID: o.ID}
		must(f.p.Accounts.CreateUser(ctx, u, "secret-pass-1"))
		resident, err := db.Actor(ctx, u.ID)
		must(err)
		eid := strconv.FormatInt(e.ID, 10)

		// A building leader without a building: the error is next to the field, the input kept.
		form := url.Values{"role": {"building_leader"}, "building_id": {"0"}, "person_name": {"李奶奶"}, "how": {"elected"},
			"owner_id": {strconv.FormatInt(o.ID, 10)}, "term_start": {"2026-01-01"}, "term_end": {"2028-12-31"}}
		rec, body := f.do(t, f.officer, "POST", "/estates/"+eid+"/representatives", form)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="st-building-err"`, `value="李奶奶"`, `role="alert"`)
		form.Set("building_id", strconv.FormatInt(b.ID, 10))
		rec, _ = f.do(t, f.officer, "POST", "/estates/"+eid+"/representatives", form)
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/estates/"+eid+"/representatives?flash=seat_saved")
		if ok, err := f.p.Represent.HasSeat(ctx, u.ID, e.ID, represent.RoleBuildingLeader); err != nil || !ok {
			t.Fatalf("the owner's account has no seat: %v %v", ok, err)
		}
		rec, body = f.do(t, resident, "GET", "/estates/"+eid+"/representatives", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `class="resident`, "李奶奶", "楼栋长", "3幢")
		wantAbsent(t, body, `action="/seats/`, `name="person_name"`)
		rec, _ = f.do(t, resident, "POST", "/estates/"+eid+"/representatives", form)
		if rec.Code != http.StatusForbidden {
			t.Fatalf("resident filled a seat: %d", rec.Code)
		}

		// A meeting with an overdue action.
		rec, _ = f.do(t, f.officer, "POST", "/estates/"+eid+"/meetings", url.Values{"kind": {"open_air"}, "title": {"加装电梯坝坝会"},
			"at": {"2026-03-08T19:30"}, "place": {"3幢楼下"}, "agenda": {"电梯位置\n费用分摊"}})
		loc := rec.Header().Get("Location")
		if rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/meetings/") {
			t.Fatalf("create meeting: %d %s", rec.Code, loc)
		}
		mpath := strings.TrimSuffix(loc, "?flash=meeting_saved")
		seats, err := f.p.Represent.EstateSeats(ctx, e.ID)
		must(err)
		rec, _ = f.do(t, f.officer, "POST", mpath, url.Values{"kind": {"open_air"}, "title": {"加装电梯坝坝会"}, "at": {"2026-03-08T19:30"},
			"place": {"3幢楼下"}, "agenda": {"电梯位置\n费用分摊"}, "seat_id": {strconv.FormatInt(seats[0].ID, 10)}, "residents": {"张三\n王五"}, "others": {"12"},
			"minutes": {"同意北侧加装。"}})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), mpath+"?flash=meeting_saved")
		rec, body = f.do(t, f.officer, "POST", mpath+"/actions", url.Values{"what": {"征求一楼意见"}, "owner": {""}, "due": {"2020-01-10"}})
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `value="征求一楼意见"`)
		rec, _ = f.do(t, f.officer, "POST", mpath+"/actions", url.Values{"what": {"征求一楼意见"}, "owner": {"楼栋长"}, "due": {"2020-01-10"}})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), mpath+"?flash=action_saved")

		rec, body = f.do(t, resident, "GET", "/meetings", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "幸福里", "楼栋长：李奶奶", `href="`+mpath+`"`)
		rec, body = f.do(t, resident, "GET", mpath, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "2026-03-08 19:30", "同意北侧加装。", "其他居民 12 人", "楼栋长：李奶奶", "已逾期", "<li>电梯位置</li>")
		// Present as building leader, she records the meeting but completes only what is assigned to her.
		wantContains(t, body, `name="minutes"`)
		wantAbsent(t, body, `/complete"`)
		rec, body = f.do(t, f.officer, "GET", "/estates/"+eid+"/meetings", nil)
		wantContains(t, body, "逾期未办的事项", "征求一楼意见")

		m, err := f.p.Represent.Meetings(ctx, e.ID)
		must(err)
		aid := strconv.FormatInt(m[0].Actions[0].ID, 10)
		rec, _ = f.do(t, resident, "POST", mpath+"/actions/"+aid+"/complete", url.Values{})
		if rec.Code != http.StatusForbidden {
			t.Fatalf("resident completed an action: %d", rec.Code)
		}
		rec, _ = f.do(t, f.officer, "POST", mpath+"/actions/"+aid+"/complete", url.Values{"note": {"已走访"}})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), mpath+"?flash=action_done")
		rec, body = f.do(t, f.officer, "GET", "/estates/"+eid+"/meetings", nil)
		wantAbsent(t, body, "逾期未办的事项")
		rec, body = f.do(t, f.officer, "GET", mpath, nil)
		wantContains(t, body, "已完成", "已走访", `name="seat_id" value="`+strconv.FormatInt(seats[0].ID, 10)+`" checked`)
	})
}
