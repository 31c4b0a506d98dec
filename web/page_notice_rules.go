package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/notice"
	"github.com/huanxin/huanxin/web/i18n"
)

// noticeRulesPage is a city's settings for notices: the shortest
// publicity period of each type, in days or working days, and the
// working-day calendar (public holidays and adjusted working days).
type noticeRulesPage struct {
	Base
	Cities   []ScopeOption
	CityID   int64
	CityName string
	CanEdit  bool
	Minimums []noticeMinimumRow
	Holidays string // one date a line, as entered
	Workdays string
	Message  string
	Errors   []huanxin.FieldError
}

// noticeMinimumRow is one type's minimum as entered.
type noticeMinimumRow struct {
	Type   notice.Type
	Length string
	Unit   notice.Unit
}

// Units lists the ways a period is counted, for the select.
func (noticeMinimumRow) Units() []notice.Unit { return []notice.Unit{notice.Days, notice.WorkingDays} }

// noticeRules shows the city's notice rules in a form. The city is chosen
// as on the decision rules page, by the same roles.
func (p *Pages) noticeRules(w http.ResponseWriter, r *http.Request) {
	pg, ok := p.noticeRulesPageOf(w, r, r.URL.Query().Get("city"))
	if !ok {
		return
	}
	rules, err := p.Notices.Rules(r.Context(), pg.CityID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	for _, t := range notice.Types {
		m := rules.Min(t)
		pg.Minimums = append(pg.Minimums, noticeMinimumRow{Type: t, Length: strconv.Itoa(m.Length), Unit: m.Unit})
	}
	pg.Holidays, pg.Workdays = strings.Join(rules.Calendar.Holidays, "\n"), strings.Join(rules.Calendar.Workdays, "\n")
	p.renderNoticeRules(w, r, http.StatusOK, pg)
}

// noticeRulesSave stores the city's notice rules; invalid input shows the
// form again with the problems next to the fields.
func (p *Pages) noticeRulesSave(w http.ResponseWriter, r *http.Request) {
	pg, ok := p.noticeRulesPageOf(w, r, r.PostFormValue("city"))
	if !ok {
		return
	}
	l := lang(r)
	rules := notice.Rules{Minimums: map[notice.Type]notice.Minimum{}}
	for _, t := range notice.Types {
		row := noticeMinimumRow{Type: t, Length: strings.TrimSpace(r.PostFormValue("min_" + string(t))), Unit: notice.Unit(r.PostFormValue("unit_" + string(t)))}
		pg.Minimums = append(pg.Minimums, row)
		n, err := strconv.Atoi(row.Length)
		if err != nil {
			pg.Errors = append(pg.Errors, huanxin.FieldError{Field: "min_" + string(t), Message: i18n.T(l, "rules.days_invalid")})
		}
		rules.Minimums[t] = notice.Minimum{Length: n, Unit: row.Unit}
	}
	pg.Holidays, pg.Workdays = r.PostFormValue("holidays"), r.PostFormValue("workdays")
	for _, f := range []struct {
		field, value string
		dst          *[]string
	}{{"holidays", pg.Holidays, &rules.Calendar.Holidays}, {"workdays", pg.Workdays, &rules.Calendar.Workdays}} {
		dates, err := notice.ParseDates(f.value)
		if err != nil {
			pg.Errors = append(pg.Errors, huanxin.FieldError{Field: f.field, Message: huanxin.ErrorMessage(err)})
		}
		*f.dst = dates
	}
	err := error(huanxin.Invalid(i18n.T(l, "rules.invalid"), pg.Errors...))
	if len(pg.Errors) == 0 {
		err = p.Notices.SetRules(r.Context(), pg.CityID, rules)
	}
	switch {
	case err == nil:
		redirect(w, r, "/settings/notice-rules?city="+strconv.FormatInt(pg.CityID, 10), "notice_rules_saved")
	case huanxin.ErrorCode(err) == huanxin.EINVALID:
		pg.Message, pg.Errors = huanxin.ErrorMessage(err), nil
		for _, fe := range huanxin.ErrorFields(err) {
			// The service names the settings ("notice.min.plan"); the form
			// names their fields "min_plan".
			fe.Field = strings.Replace(strings.TrimPrefix(fe.Field, "notice."), "min.", "min_", 1)
			pg.Errors = append(pg.Errors, fe)
		}
		p.renderNoticeRules(w, r, http.StatusBadRequest, pg)
	default:
		p.fail(w, r, err)
	}
}

// noticeRulesPageOf checks that notices are on and picks the city as the
// decision rules page does (administrators and housing bureaus only).
func (p *Pages) noticeRulesPageOf(w http.ResponseWriter, r *http.Request, asked string) (*noticeRulesPage, bool) {
	if !p.noticesOn(w, r) {
		return nil, false
	}
	rp, ok := p.rulesPageOf(w, r, asked)
	if !ok {
		return nil, false
	}
	return &noticeRulesPage{Cities: rp.Cities, CityID: rp.CityID, CityName: rp.CityName, CanEdit: rp.CanEdit}, true
}

func (p *Pages) renderNoticeRules(w http.ResponseWriter, r *http.Request, status int, pg *noticeRulesPage) {
	pg.Base = p.base(r, "notices.rules.title")
	p.render(w, r, status, "notice_rules", pg)
}
