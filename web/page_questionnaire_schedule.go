package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/questionnaire"
	"github.com/huanxin/huanxin/web/i18n"
)

// scheduleReasons are the reasons offered by the form.
var scheduleReasons = []string{questionnaire.ReasonWorksAccepted, questionnaire.ReasonOneYearLater}

// scheduleForm is the form that schedules the standard satisfaction survey.
type scheduleForm struct {
	At, ClosesAfter, Reason string
}

// schedulePage lists an estate's scheduled surveys with the form that
// schedules the standard satisfaction survey and a cancel button for each
// pending one.
type schedulePage struct {
	Base
	Estate    *estate.Estate
	Schedules []*questionnaire.Schedule
	Reasons   []string
	Form      scheduleForm
	Errors    []huanxin.FieldError
	Message   string
}

func schedulesPath(estateID int64) string {
	return "/estates/" + strconv.FormatInt(estateID, 10) + "/questionnaire-schedules"
}

// questionnaireSchedules shows an estate's survey schedules.
func (p *Pages) questionnaireSchedules(w http.ResponseWriter, r *http.Request) {
	p.showSchedules(w, r, http.StatusOK, &schedulePage{Form: scheduleForm{ClosesAfter: "30", Reason: questionnaire.ReasonWorksAccepted,
		At: time.Now().In(huanxin.Shanghai).Format(qnTimeLayout)}})
}

func (p *Pages) showSchedules(w http.ResponseWriter, r *http.Request, status int, pg *schedulePage) {
	if !p.questionnairesOn(w, r) {
		return
	}
	id, err := pathID(r)
	if err == nil {
		pg.Estate, err = p.Reg.Estates().Get(r.Context(), id)
	}
	if err == nil {
		pg.Schedules, err = p.Questionnaires.Schedules(r.Context(), id)
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg.Base, pg.Reasons = p.base(r, "schedule.title"), scheduleReasons
	p.render(w, r, status, "questionnaire_schedules", pg)
}

// questionnaireScheduleCreate schedules the standard satisfaction survey.
func (p *Pages) questionnaireScheduleCreate(w http.ResponseWriter, r *http.Request) {
	if !p.questionnairesOn(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	l := lang(r)
	f := scheduleForm{At: r.PostFormValue("at"), ClosesAfter: strings.TrimSpace(r.PostFormValue("closes_after")), Reason: r.PostFormValue("reason")}
	s := &questionnaire.Schedule{EstateID: id, Template: questionnaire.SatisfactionTemplate(), Reason: f.Reason}
	var bad []huanxin.FieldError
	if t, err := time.ParseInLocation(qnTimeLayout, f.At, huanxin.Shanghai); err == nil {
		s.At = t.UTC()
	} else {
		bad = append(bad, huanxin.FieldError{Field: "at", Message: i18n.T(l, "qn.bad_time")})
	}
	if n, err := strconv.Atoi(f.ClosesAfter); err == nil {
		s.ClosesAfter = n
	} else {
		bad = append(bad, huanxin.FieldError{Field: "closes_after", Message: i18n.T(l, "qn.bad_number")})
	}
	err = huanxin.Invalid("输入有误 invalid input", bad...)
	if len(bad) == 0 {
		err = p.Questionnaires.ScheduleSurvey(r.Context(), s)
	}
	switch {
	case err == nil:
		redirect(w, r, schedulesPath(id), "schedule_saved")
	case huanxin.ErrorCode(err) == huanxin.EINVALID:
		p.showSchedules(w, r, http.StatusBadRequest, &schedulePage{Form: f, Errors: huanxin.ErrorFields(err), Message: huanxin.ErrorMessage(err)})
	default:
		p.fail(w, r, err)
	}
}

// questionnaireScheduleCancel cancels a pending schedule.
func (p *Pages) questionnaireScheduleCancel(w http.ResponseWriter, r *http.Request) {
	if !p.questionnairesOn(w, r) {
		return
	}
	id, err := pathID(r)
	var s *questionnaire.Schedule
	if err == nil {
		s, err = p.Questionnaires.Cancel(r.Context(), id)
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	redirect(w, r, schedulesPath(s.EstateID), "schedule_cancelled")
}
