package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/notice"
	"github.com/huanxin/huanxin/web/i18n"
)

// planMove takes a plan a step: submit, approve, return (with a reason),
// revise, or decision (creates the owners' decision on an approved plan
// and opens it). A refusal shows the plan again with the problems: lines
// out of order next to their rows, a missing reason next to its field.
func (p *Pages) planMove(w http.ResponseWriter, r *http.Request) {
	if !p.plansOn(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	ctx := r.Context()
	action := r.PathValue("action")
	pg := &planPage{Reason: strings.TrimSpace(r.PostFormValue("reason")), NoticeDays: strings.TrimSpace(r.PostFormValue("notice_days")),
		PublicityEnd: strings.TrimSpace(r.PostFormValue("publicity_end"))}
	switch action {
	case "submit":
		err = p.Plans.Submit(ctx, id)
	case "approve":
		err = p.Plans.Approve(ctx, id)
	case "return":
		err = p.Plans.Return(ctx, id, pg.Reason)
	case "revise":
		err = p.Plans.Revise(ctx, id)
	case "decision":
		days, convErr := strconv.Atoi(pg.NoticeDays)
		if convErr != nil || days < 0 {
			err = huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "notice_days", Message: i18n.T(lang(r), "plan.notice_days.invalid")})
			break
		}
		d, derr := p.Plans.CreateDecision(ctx, id, days)
		if derr == nil {
			redirect(w, r, "/decisions/"+strconv.FormatInt(d.ID, 10), "plan_decision")
			return
		}
		err = derr
	case "publish":
		end, ok := notice.ParseDay(pg.PublicityEnd)
		if !ok {
			err = huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "publicity_end", Message: "应为日期 must be a date (YYYY-MM-DD)"})
			break
		}
		n, perr := p.Plans.PublishForComments(ctx, id, end)
		if perr == nil {
			redirect(w, r, "/notices/"+strconv.FormatInt(n.ID, 10), "plan_publish")
			return
		}
		err = perr
	default:
		err = huanxin.Errorf(huanxin.ENOTFOUND, "页面不存在 not found")
	}
	if err == nil {
		redirect(w, r, "/plans/"+strconv.FormatInt(id, 10), "plan_"+action)
		return
	}
	if huanxin.ErrorCode(err) != huanxin.EINVALID {
		p.fail(w, r, err)
		return
	}
	pg.Message, pg.Errors = huanxin.ErrorMessage(err), huanxin.ErrorFields(err)
	p.renderPlan(w, r, http.StatusBadRequest, id, pg)
}

// planSignOff records a department's or utility company's sign-off of an
// item; field "sign_off" is "<item code>/<body>".
func (p *Pages) planSignOff(w http.ResponseWriter, r *http.Request) {
	if !p.plansOn(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	code, body, _ := strings.Cut(r.PostFormValue("sign_off"), "/")
	err = p.Plans.SignOff(r.Context(), id, code, body, r.PostFormValue("note"))
	if err == nil {
		redirect(w, r, "/plans/"+strconv.FormatInt(id, 10), "plan_signed_off")
		return
	}
	if huanxin.ErrorCode(err) != huanxin.EINVALID {
		p.fail(w, r, err)
		return
	}
	pg := &planPage{Message: huanxin.ErrorMessage(err)}
	for _, fe := range huanxin.ErrorFields(err) {
		if fe.Field == "body" {
			fe.Field = "sign_off"
		}
		pg.Errors = append(pg.Errors, fe)
	}
	p.renderPlan(w, r, http.StatusBadRequest, id, pg)
}
