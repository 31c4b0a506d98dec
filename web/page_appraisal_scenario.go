package web

import (
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/funding/appraise"
	"github.com/huanxin/huanxin/web/i18n"
)

// appraisalCustomRow is a custom scenario beside the base case: its
// changes in words, its measures and its NPV's difference from the base
// case, or why the model varied by it does not appraise.
type appraisalCustomRow struct {
	appraisalScenarioRow
	ID       int64
	Changes  string
	NPVDelta huanxin.Money
	Error    string
}

// scenarioForm is the custom scenario form as entered: revenue, cost and
// subsidy changes in per cent, rate changes in percentage points.
type scenarioForm struct {
	ID                                           int64 // 0: a new scenario
	Name, Revenue, Cost, Subsidy, Discount, Loan string
}

// scenarioChange is one change of a scenario: its form field, its text
// key and where it goes.
type scenarioChange struct {
	field, key string
	text       *string
	value      *float64
}

func scenarioChanges(f *scenarioForm, sc *appraise.Scenario) []scenarioChange {
	return []scenarioChange{{"revenue_change", "revenue_text", &f.Revenue, &sc.RevenueChange}, {"cost_change", "cost_text", &f.Cost, &sc.CostChange},
		{"subsidy_change", "subsidy_text", &f.Subsidy, &sc.SubsidyChange}, {"discount_rate_change", "discount_text", &f.Discount, &sc.DiscountRateChange},
		{"loan_rate_change", "loan_text", &f.Loan, &sc.LoanRateChange}}
}

// scenarioText says a scenario's changes ("收入 +10%；贷款利率 +0.5 个百分点").
func scenarioText(l string, sc appraise.Scenario) string {
	var out []string
	for _, c := range scenarioChanges(&scenarioForm{}, &sc) {
		if v := *c.value; v > 0 {
			out = append(out, i18n.T(l, "appraisal.sc."+c.key, "+"+appraisalPct(v)))
		} else if v < 0 {
			out = append(out, i18n.T(l, "appraisal.sc."+c.key, appraisalPct(v)))
		}
	}
	if len(out) == 0 {
		return i18n.T(l, "appraisal.sc.unchanged")
	}
	return strings.Join(out, "；")
}

// scenarioFormOf is the form of a stored scenario; changes of 0 are left
// empty.
func scenarioFormOf(sc *funding.AppraisalScenario) scenarioForm {
	f := scenarioForm{ID: sc.ID, Name: sc.Name}
	in := sc.Scenario
	for _, c := range scenarioChanges(&f, &in) {
		if *c.value != 0 {
			*c.text = appraisalPct(*c.value)
		}
	}
	return f
}

// readScenarioForm reads the posted scenario; changes that are not
// numbers are listed as field errors.
func readScenarioForm(r *http.Request, l string) (scenarioForm, appraise.Scenario, []huanxin.FieldError) {
	get := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	var f scenarioForm
	var sc appraise.Scenario
	var bad []huanxin.FieldError
	f.Name = get("name")
	sc.Name = f.Name
	for _, c := range scenarioChanges(&f, &sc) {
		*c.text = get(c.field)
		if *c.text == "" {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimPrefix(*c.text, "+"), "%"), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			bad = append(bad, huanxin.FieldError{Field: c.field, Message: i18n.T(l, "appraisal.err_number")})
			continue
		}
		*c.value = v / 100
	}
	return f, sc, bad
}

// customScenarios fills the custom scenarios of an appraisal page and
// the scenario form: as entered (form), that of ?scenario= or empty. It
// reports false when it answered with an error.
func (p *Pages) customScenarios(w http.ResponseWriter, r *http.Request, pg *appraisalPage, x *funding.Appraised, form *scenarioForm, failed error) bool {
	l := pg.Lang
	for _, o := range x.Scenarios {
		row := appraisalCustomRow{ID: o.Scenario.ID, Changes: scenarioText(l, o.Scenario.Scenario)}
		if o.Result == nil {
			row.Name, row.Error = o.Scenario.Name, i18n.T(l, "appraisal.sc.error", o.Error)
		} else {
			row.appraisalScenarioRow = appraisalOutcomeRow(l, o.Scenario.Name, o.Result)
			row.NPVDelta = row.NPV - pg.NPV
		}
		pg.Scenarios = append(pg.Scenarios, row)
	}
	switch v := r.URL.Query().Get("scenario"); {
	case form != nil:
		pg.ScenarioForm = *form
	case v != "":
		id, err := parseID(v)
		i := slices.IndexFunc(x.Scenarios, func(o funding.ScenarioOutcome) bool { return o.Scenario.ID == id })
		if err != nil || i < 0 {
			p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "情景不存在 scenario not found"))
			return false
		}
		pg.ScenarioForm = scenarioFormOf(x.Scenarios[i].Scenario)
	}
	if failed != nil {
		pg.Message, pg.Errors = huanxin.ErrorMessage(failed), huanxin.ErrorFields(failed)
	}
	return true
}

// appraisalScenarioIDs reads the appraisal and, when the path has one,
// the scenario of /appraisals/{id}/scenarios[/{scenario}].
func appraisalScenarioIDs(r *http.Request) (int64, int64, error) {
	id, err := pathID(r)
	if err != nil || r.PathValue("scenario") == "" {
		return id, 0, err
	}
	sc, err := strconv.ParseInt(r.PathValue("scenario"), 10, 64)
	if err != nil || sc <= 0 {
		return 0, 0, huanxin.Errorf(huanxin.ENOTFOUND, "情景不存在 scenario not found")
	}
	return id, sc, nil
}

// appraisalScenarioSave adds a custom scenario (POST …/scenarios) or
// changes one (POST …/scenarios/{scenario}); errors show next to the
// form's fields on the appraisal's page.
func (p *Pages) appraisalScenarioSave(w http.ResponseWriter, r *http.Request) {
	if !p.appraisalsOn(w, r) {
		return
	}
	id, scID, err := appraisalScenarioIDs(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	l := lang(r)
	f, in, bad := readScenarioForm(r, l)
	f.ID = scID
	switch {
	case len(bad) > 0:
		err = huanxin.Invalid(i18n.T(l, "appraisal.invalid"), bad...)
	case scID == 0:
		_, err = p.Appraisals.AddScenario(r.Context(), id, in)
	default:
		_, err = p.Appraisals.UpdateScenario(r.Context(), id, scID, in)
	}
	switch huanxin.ErrorCode(err) {
	case "":
		redirect(w, r, "/appraisals/"+strconv.FormatInt(id, 10)+"#ap-scenarios", "scenario_saved")
	case huanxin.EINVALID:
		p.renderAppraisal(w, r, http.StatusBadRequest, &f, err)
	default:
		p.fail(w, r, err)
	}
}

// appraisalScenarioDelete deletes a custom scenario.
func (p *Pages) appraisalScenarioDelete(w http.ResponseWriter, r *http.Request) {
	if !p.appraisalsOn(w, r) {
		return
	}
	id, scID, err := appraisalScenarioIDs(r)
	if err == nil {
		err = p.Appraisals.DeleteScenario(r.Context(), id, scID)
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	redirect(w, r, "/appraisals/"+strconv.FormatInt(id, 10)+"#ap-scenarios", "scenario_deleted")
}
