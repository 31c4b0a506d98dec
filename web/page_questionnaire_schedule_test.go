package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/questionnaire"
	"github.com/huanxin/huanxin/store"
)

// An officer schedules the standard satisfaction survey of an estate,
// sees it pending, and cancels it; a bad form comes back with the errors
// next to the fields; residents may not schedule.
func TestQuestionnaireSchedulePage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := newQnWorld(t, db)
		page := "/estates/" + strconv.FormatInt(w.estate.ID, 10) + "/questionnaire-schedules"
		rec, body := w.do(t, w.officer, "GET", page, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "满意度调查计划", "丝绸新村", `name="closes_after"`, "尚无调查计划")

		rec, body = w.do(t, w.officer, "POST", page, url.Values{"reason": {"works_accepted"}, "at": {"2026-07-01T09:00"}, "closes_after": {"0"}})
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `class="field-error"`, `value="2026-07-01T09:00"`)
		rec, body = w.do(t, w.officer, "POST", page, url.Values{"reason": {"works_accepted"}, "at": {"tomorrow"}, "closes_after": {"30"}})
		wantStatus(t, rec, body, http.StatusBadRequest)

		rec, _ = w.do(t, w.officer, "POST", page, url.Values{"reason": {"one_year_later"}, "at": {"2027-07-01T09:00"}, "closes_after": {"30"}})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), page+"?flash=schedule_saved")
		ss, err := w.p.Questionnaires.Schedules(huanxin.NewContextWithActor(context.Background(), w.officer), w.estate.ID)
		if err != nil || len(ss) != 1 || ss[0].At.Format("2006-01-02 15:04") != "2027-07-01 01:00" || ss[0].ClosesAfter != 30 ||
			ss[0].Status != questionnaire.SchedulePending || len(ss[0].Template.Questions) != 3 {
			t.Fatalf("schedules %+v %v", ss, err)
		}
		_, body = w.do(t, w.officer, "GET", page, nil)
		wantContains(t, body, "验收一年后回访", "待发送", "2027-07-01 09:00", "/questionnaire-schedules/"+strconv.FormatInt(ss[0].ID, 10)+"/cancel")

		cancel := "/questionnaire-schedules/" + strconv.FormatInt(ss[0].ID, 10) + "/cancel"
		rec, body = w.do(t, w.resident, "POST", cancel, url.Values{})
		wantStatus(t, rec, body, http.StatusForbidden)
		rec, _ = w.do(t, w.officer, "POST", cancel, url.Values{})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), page+"?flash=schedule_cancelled")
		_, body = w.do(t, w.officer, "GET", page, nil)
		wantContains(t, body, "已取消")
		wantAbsent(t, body, cancel)
	})
}
