package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/file"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/notice"
	"github.com/huanxin/huanxin/notify"
	"github.com/huanxin/huanxin/store"
)

// noticeWorld is an estate of one building with two households, the first
// owned by a resident with an account, and the notice and inbox pages.
type noticeWorld struct {
	*adminFixture
	estate   *estate.Estate
	parts    []*estate.Part
	resident *huanxin.Actor
}

func newNoticeWorld(t *testing.T, db *store.DB) *noticeWorld {
	t.Helper()
	f := newAdminFixture(t, db)
	f.p.Files = &file.Service{Store: db, Register: f.p.Reg}
	f.p.Notices = &notice.Service{Store: db, Register: f.p.Reg, Files: f.p.Files}
	f.p.Notify = &notify.Service{Store: db}
	ctx := sysCtx()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	w := &noticeWorld{adminFixture: f, estate: &estate.Estate{JurisdictionID: f.community.ID, Code: "XH-0300", Name: "丝绸新村", YearBuilt: 1984}}
	must(f.p.Reg.Estates().Create(ctx, w.estate))
	b := &estate.Building{EstateID: w.estate.ID, No: "5", Floors: 6}
	must(f.p.Reg.Buildings().Create(ctx, b))
	sw := &estate.Stairwell{BuildingID: b.ID, No: "2"}
	must(f.p.Reg.Stairwells().Create(ctx, sw))
	var owners []*estate.Owner
	for i, name := range []string{"陈阿姨", "周大爷"} {
		pt := &estate.Part{StairwellID: sw.ID, Floor: i + 1, Room: strconv.Itoa(i+1) + "01", Area: 6000, Sold: true, Delivered: true}
		must(f.p.Reg.Parts().Create(ctx, pt))
		o := &estate.Owner{Kind: estate.OwnerPerson, Name: name, IDNumber: []string{"110105194912310011", "110105194912310022"}[i]}
		must(db.CreateOwner(ctx, o))
		must(db.CreateOwnership(ctx, &estate.Ownership{CityID: pt.CityID, EstateID: w.estate.ID, PartID: pt.ID, OwnerID: o.ID,
			Representative: true, ShareNum: 1, ShareDen: 1}))
		w.parts, owners = append(w.parts, pt), append(owners, o)
	}
	u := &account.User{Username: "chen", Name: "陈阿姨", Role: huanxin.RoleResident, OwnerID: owners[0].ID}
	must(f.p.Accounts.CreateUser(ctx, u, "secret-pass-1"))
	var err error
	w.resident, err = db.Actor(ctx, u.ID)
	must(err)
	return w
}

// An officer writes a notice with attachments, publishing is refused for
// a period shorter than the city's minimum with the earliest end named,
// the resident finds it in the inbox, opens it (read receipt), objects,
// the officer answers and records a paper delivery, and the not-reached
// list shrinks; a withdrawn notice takes no more objections.
func TestNoticePages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := newNoticeWorld(t, db)
		officer, resident := w.officer, w.resident
		eid := strconv.FormatInt(w.estate.ID, 10)
		today := notice.Day(time.Now())
		day := func(t time.Time) string { return t.Format(time.DateOnly) }

		rec, body := w.do(t, officer, "GET", "/notices/new?estate="+eid, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `enctype="multipart/form-data"`, `name="estate_id" inputmode="numeric" required value="`+eid+`"`, `name="attachment" type="file"`,
			`value="`+day(today)+`"`, "改造方案公示")
		rec, body = w.do(t, resident, "GET", "/notices/new", nil)
		wantStatus(t, rec, body, http.StatusForbidden)

		// A missing title is shown next to the field with the input kept.
		pdf := []byte("%PDF-1.4\n% plan\n%%EOF\n")
		form := url.Values{"estate_id": {eid}, "type": {"plan"}, "title": {""}, "body": {"一、改造内容\n\n二、征求意见"},
			"start": {day(today)}, "end": {day(today.AddDate(0, 0, 1))}}
		rec, body = w.doMultipart(t, officer, "/notices", form, "attachment", "plan.pdf", pdf)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `class="field-error"`, "二、征求意见")
		form.Set("title", "丝绸新村改造方案公示")
		rec, body = w.doMultipart(t, officer, "/notices", form, "attachment", "plan.pdf", pdf)
		m := regexp.MustCompile(`^/notices/(\d+)\?flash=notice_saved$`).FindStringSubmatch(rec.Header().Get("Location"))
		if m == nil {
			t.Fatalf("create: %d %q\n%s", rec.Code, rec.Header().Get("Location"), body)
		}
		nid, path := m[1], "/notices/"+m[1]
		id, _ := strconv.ParseInt(nid, 10, 64)
		get := func() *notice.Notice {
			t.Helper()
			n, err := w.p.Notices.Get(huanxin.NewContextWithActor(context.Background(), officer), id)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := get(); len(n.Attachments) != 1 || n.Status != notice.StatusDraft || n.EstateID != w.estate.ID {
			t.Fatalf("stored %+v", n)
		}
		// A second attachment while it is a draft.
		png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
		rec, body = w.doMultipart(t, officer, path+"/attachments", url.Values{}, "attachment", "site.png", png)
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), path+"?flash=attachment_added#attachments")
		atts := get().Attachments
		if len(atts) != 2 {
			t.Fatalf("attachments %v", atts)
		}

		// Two days are too short for a plan: the error names the earliest end.
		earliest := notice.DefaultRules().Calendar.EarliestEnd(today, 5, notice.WorkingDays)
		rec, body = w.do(t, officer, "POST", path+"/publish", url.Values{})
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, "公示期短于本市规定", "最早可于 "+day(earliest)+" 结束", `action="`+path+`/period"`)
		rec, body = w.do(t, officer, "POST", path+"/period", url.Values{"start": {day(today)}, "end": {day(earliest)}})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), path+"?flash=notice_saved")
		rec, body = w.do(t, officer, "POST", path+"/publish", url.Values{})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), path+"?flash=notice_publish")

		// The resident finds it in the inbox, unread, counted in the header.
		rec, body = w.do(t, resident, "GET", "/inbox", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `id="unread-count">1<`, "丝绸新村改造方案公示", `class="card unread"`)
		mid := between(body, `action="/inbox/`, `/open"`)
		rec, body = w.do(t, officer, "GET", path+"/not-reached", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `id="unreached-total">2<`, "陈阿姨", "周大爷", "5幢")
		// Opening the message marks it read and leads to the notice, whose
		// opening is the household's read receipt.
		rec, body = w.do(t, resident, "POST", "/inbox/"+mid+"/open", url.Values{})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), path)
		rec, body = w.do(t, resident, "GET", path, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "一、改造内容", path+"/attachments/"+strconv.FormatInt(atts[0], 10), `action="`+path+`/objections"`,
			`">plan.pdf</a> <span class="muted">PDF · 22 B</span>`, `">site.png</a> <span class="muted">PNG · 33 B</span>`)
		wantAbsent(t, body, `id="unread-count"`, `/publish"`, `/period"`, `/not-reached"`)
		rec, body = w.do(t, resident, "GET", path+"/attachments/"+strconv.FormatInt(atts[0], 10), nil)
		wantStatus(t, rec, body, http.StatusOK)
		if body != string(pdf) {
			t.Fatalf("attachment %q", body)
		}
		rec, body = w.do(t, officer, "GET", path+"/not-reached", nil)
		wantContains(t, body, `id="unreached-total">1<`, "周大爷")
		wantAbsent(t, body, "陈阿姨")
		rec, body = w.do(t, resident, "GET", path+"/not-reached", nil)
		wantStatus(t, rec, body, http.StatusForbidden)

		// An objection, answered by the officer; the answer reaches the inbox.
		rec, body = w.do(t, resident, "POST", path+"/objections", url.Values{"body": {"  "}})
		wantStatus(t, rec, body, http.StatusBadRequest)
		rec, body = w.do(t, resident, "POST", path+"/objections", url.Values{"body": {"加装电梯的费用怎么分摊？"}})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), path+"?flash=objection_raised#objections")
		rec, body = w.do(t, officer, "GET", path, nil)
		wantContains(t, body, "加装电梯的费用怎么分摊？", `/answer"`)
		oid := between(body, `action="`+path+`/objections/`, `/answer"`)
		rec, body = w.do(t, resident, "POST", path+"/objections/"+oid+"/answer", url.Values{"answer": {"x"}})
		wantStatus(t, rec, body, http.StatusForbidden)
		rec, body = w.do(t, officer, "POST", path+"/objections/"+oid+"/answer", url.Values{"answer": {"按面积分摊，详见附件。"}})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), path+"?flash=objection_answered#objections")
		rec, body = w.do(t, resident, "GET", path, nil)
		wantContains(t, body, "按面积分摊，详见附件。", `id="unread-count">1<`)
		rec, body = w.do(t, resident, "GET", "/inbox", nil)
		wantContains(t, body, "您的异议已有答复")

		// The other household is handed the notice on paper.
		rec, body = w.do(t, officer, "POST", path+"/paper", url.Values{"part_id": {strconv.FormatInt(w.parts[1].ID, 10)}})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), path+"/not-reached?flash=reached_on_paper")
		rec, body = w.do(t, officer, "GET", path+"/not-reached", nil)
		wantContains(t, body, `id="unreached-total">0<`)
		wantAbsent(t, body, "周大爷")

		// An officer assisting the owner objects in her name; the page says so.
		assisting := *officer
		assisting.OnBehalfOf = resident.OwnerID
		rec, body = w.do(t, &assisting, "GET", path, nil)
		wantContains(t, body, `action="`+path+`/objections"`, "您正在代业主提出异议")
		rec, body = w.do(t, &assisting, "POST", path+"/objections", url.Values{"body": {"业主来电：希望周末不施工"}})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), path+"?flash=objection_raised#objections")
		rec, body = w.do(t, officer, "GET", path, nil)
		wantContains(t, body, "<strong>陈阿姨</strong>", "工作人员代办", "业主来电：希望周末不施工")
		wantAbsent(t, body, "您正在代业主提出异议")

		// Withdrawn within its dates: no form, and objections are refused.
		rec, body = w.do(t, officer, "POST", path+"/withdraw", url.Values{})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), path+"?flash=notice_withdraw")
		rec, body = w.do(t, resident, "GET", path, nil)
		wantContains(t, body, "已撤回")
		wantAbsent(t, body, `action="`+path+`/objections"`)
		rec, body = w.do(t, resident, "POST", path+"/objections", url.Values{"body": {"还有意见"}})
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, "公告已撤回，不再受理异议")
		if os, _ := w.p.Notices.Objections(huanxin.NewContextWithActor(context.Background(), officer), id); len(os) != 2 || os[1].OnBehalfOf != resident.OwnerID || os[1].RaisedBy != officer.UserID {
			t.Fatalf("objections after withdrawal: %+v", os)
		}
	})
}

// The city's notice rules: administrators and housing bureaus only, the
// defaults with the 2026 calendar, errors next to the fields, and the
// saved minimum applied when a notice is published.
func TestNoticeRulesPage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := newNoticeWorld(t, db)
		w.p.Decisions = &decision.Service{Store: db, Register: w.p.Reg}
		city := strconv.FormatInt(w.city.CityID, 10)
		const path = "/settings/notice-rules"
		rec, body := w.do(t, w.officer, "GET", path, nil)
		wantStatus(t, rec, body, http.StatusForbidden)
		rec, body = w.do(t, w.bureau, "GET", "/notices", nil)
		wantContains(t, body, `href="`+path+`"`, `href="/deliveries"`)

		rec, body = w.do(t, w.bureau, "GET", path, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "杭州市", `name="min_plan" type="number" min="0" max="90" step="1" inputmode="numeric" required value="5"`,
			`<option value="working_days" selected>工作日</option>`, `name="min_vote" type="number" min="0" max="90" step="1" inputmode="numeric" required value="15"`,
			"2026-10-07", "2026-10-10", "国务院办公厅")
		wantAbsent(t, body, "fieldset disabled")

		form := url.Values{"city": {city}, "min_plan": {"7"}, "unit_plan": {"days"}, "min_vote": {"x"}, "unit_vote": {"days"},
			"min_works": {"3"}, "unit_works": {"days"}, "min_general": {"0"}, "unit_general": {"days"},
			"holidays": {"2026-12-01\n2026-13-01"}, "workdays": {""}}
		rec, body = w.do(t, w.bureau, "POST", path, form)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="nr-vote-err"`, `id="nr-holidays-err"`, "2026-13-01", `required value="7"`)
		form.Set("min_vote", "91")
		form.Set("holidays", "2026-12-01")
		rec, body = w.do(t, w.bureau, "POST", path, form)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="nr-vote-err"`)
		form.Set("min_vote", "20")
		form.Set("workdays", "2026-12-01")
		rec, body = w.do(t, w.bureau, "POST", path, form)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="nr-workdays-err"`)
		form.Set("workdays", "2026-12-05\n2026-12-05")
		rec, body = w.do(t, w.bureau, "POST", path, form)
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), path+"?city="+city+"&flash=notice_rules_saved")
		rules, err := w.p.Notices.Rules(sysCtx(), w.city.CityID)
		if err != nil || rules.Min(notice.TypePlan) != (notice.Minimum{Length: 7, Unit: notice.Days}) || rules.Min(notice.TypeVote).Length != 20 ||
			strings.Join(rules.Calendar.Holidays, ",") != "2026-12-01" || strings.Join(rules.Calendar.Workdays, ",") != "2026-12-05" {
			t.Fatalf("rules %+v %v", rules, err)
		}
		rec, body = w.do(t, w.bureau, "GET", path+"?city="+city+"&flash=notice_rules_saved", nil)
		wantContains(t, body, "公告规则已保存", `<option value="days" selected>自然日</option>`)
	})
}
