package web

import (
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/funding/appraise"
	"github.com/huanxin/huanxin/web/i18n"
)

// appraisalFormPage enters or edits an appraisal's model: the years, the
// yearly amounts in 万元 (comma-separated from year 0, or one amount for
// every year from year 1), the loan and the rates in per cent.
type appraisalFormPage struct {
	Base
	Estate     *estate.Estate
	ID         int64 // 0 for a new appraisal
	Form       appraisalForm
	Repayments []option
	Message    string
	Errors     []huanxin.FieldError
}

// appraisalForm is the model as entered.
type appraisalForm struct {
	Title, Years, CapitalCost, Subsidies                       string
	Revenues, Costs                                            []appraisalSeries
	LoanPrincipal, LoanRate, LoanTerm, LoanRepayment, LoanYear string
	TaxRate, DiscountRate                                      string
}

// appraisalSeries is one category's yearly amounts as entered; Field is
// the form field ("revenue:parking", "cost:operation").
type appraisalSeries struct {
	Category, Label, Field, Value string
}

// appraisalRevenues are the revenue categories the form always offers, and
// appraisalCost the operating cost category of a new model.
var appraisalRevenues = []string{appraise.RevenueParking, appraise.RevenueCharging, appraise.RevenueAdvertising,
	appraise.RevenueElderlyCare, appraise.RevenuePropertyServices, appraise.RevenueOther}

const appraisalCost = "operation"

// appraisalCategory names a category in the page's language; free-text
// categories (from the API) show as they are.
func appraisalCategory(lang, prefix, category string) string {
	if v := i18n.T(lang, "appraisal."+prefix+"."+category); v != "appraisal."+prefix+"."+category {
		return v
	}
	return category
}

// appraisalRows lists the form rows of a model's items: the usual categories
// first, then any others the model has, in its order.
func appraisalRows(lang, prefix string, usual []string, its []appraise.Item, text func([]float64) string) []appraisalSeries {
	cats := slices.Clone(usual)
	vals := map[string][]float64{}
	for _, it := range its {
		if !slices.Contains(cats, it.Category) {
			cats = append(cats, it.Category)
		}
		vals[it.Category] = it.Values
	}
	var out []appraisalSeries
	for _, c := range cats {
		out = append(out, appraisalSeries{Category: c, Label: appraisalCategory(lang, prefix, c), Field: prefix + ":" + c, Value: text(vals[c])})
	}
	return out
}

// appraisalWan writes yuan as 万元.
func appraisalWan(v float64) string {
	return strconv.FormatFloat(math.Round(v/10000*1e6)/1e6, 'f', -1, 64)
}

// appraisalPct writes a rate in per cent.
func appraisalPct(v float64) string {
	return strconv.FormatFloat(math.Round(v*100*1e6)/1e6, 'f', -1, 64)
}

// appraisalYears writes yearly amounts from year 0.
func appraisalYears(v []float64) string {
	var s []string
	for _, x := range v {
		s = append(s, appraisalWan(x))
	}
	return strings.Join(s, ", ")
}

// appraisalFlows writes yearly amounts, as one amount when it is the same every
// year from year 1 and nothing in year 0.
func appraisalFlows(years int) func([]float64) string {
	return func(v []float64) string {
		if len(v) == years && years > 1 && v[0] == 0 {
			same := true
			for _, x := range v[1:] {
				same = same && x == v[1]
			}
			if same {
				return appraisalWan(v[1])
			}
		}
		return appraisalYears(v)
	}
}

// appraisalFormOf is the form of a stored model.
func appraisalFormOf(lang, title string, m appraise.Model) appraisalForm {
	flows := appraisalFlows(m.Years)
	f := appraisalForm{Title: title, Years: strconv.Itoa(m.Years), CapitalCost: appraisalYears(m.CapitalCost), Subsidies: flows(m.Subsidies),
		Revenues: appraisalRows(lang, "revenue", appraisalRevenues, m.Revenues, flows), Costs: appraisalRows(lang, "cost", []string{appraisalCost}, m.OperatingCosts, flows),
		LoanRepayment: string(m.Loan.Repayment), TaxRate: appraisalPct(m.TaxRate), DiscountRate: appraisalPct(m.DiscountRate)}
	if m.Loan.Principal > 0 {
		f.LoanPrincipal, f.LoanRate, f.LoanTerm, f.LoanYear = appraisalWan(m.Loan.Principal), appraisalPct(m.Loan.Rate), strconv.Itoa(m.Loan.Term), strconv.Itoa(m.Loan.Year)
	}
	return f
}

// newAppraisalForm is the form of a new appraisal: 20 years, tax 25 %,
// discount rate 6 %, repaid in equal instalments.
func newAppraisalForm(lang string) appraisalForm {
	f := appraisalFormOf(lang, "", appraise.Model{Years: 20, TaxRate: 0.25, DiscountRate: 0.06})
	f.LoanRepayment = string(appraise.EqualInstalments)
	return f
}

var appraisalSep = regexp.MustCompile(`[,，、;；\s]+`)

// readAppraisalForm reads the posted form into the model; amounts that are not
// numbers are listed as field errors.
func readAppraisalForm(r *http.Request, lang string) (appraisalForm, appraise.Model, []huanxin.FieldError) {
	get := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := appraisalForm{Title: get("title"), Years: get("years"), CapitalCost: get("capital_cost"), Subsidies: get("subsidies"),
		LoanPrincipal: get("loan.principal"), LoanRate: get("loan.rate"), LoanTerm: get("loan.term"), LoanRepayment: get("loan.repayment"),
		LoanYear: get("loan.year"), TaxRate: get("tax_rate"), DiscountRate: get("discount_rate")}
	var m appraise.Model
	var bad []huanxin.FieldError
	fail := func(field, key string) {
		bad = append(bad, huanxin.FieldError{Field: field, Message: i18n.T(lang, key)})
	}
	number := func(field, s string, scale float64) float64 {
		if s == "" {
			return 0
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			fail(field, "appraisal.err_number")
			return 0
		}
		return v * scale
	}
	integer := func(field, s string) int {
		if s == "" {
			return 0
		}
		v, err := strconv.Atoi(s)
		if err != nil {
			fail(field, "appraisal.err_integer")
		}
		return v
	}
	m.Years = integer("years", f.Years)
	if f.Years == "" {
		fail("years", "appraisal.err_integer")
	}
	// amounts reads 万元 from year 0; with every, one amount stands for
	// each year from year 1.
	amounts := func(field, s string, every bool) []float64 {
		var out []float64
		for _, p := range appraisalSep.Split(s, -1) {
			if p == "" {
				continue
			}
			v, err := strconv.ParseFloat(p, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				fail(field, "appraisal.err_amounts")
				return nil
			}
			out = append(out, v*10000)
		}
		if every && len(out) == 1 && m.Years >= 2 {
			v := out[0]
			out = make([]float64, m.Years)
			for i := 1; i < m.Years; i++ {
				out[i] = v
			}
		}
		return out
	}
	m.CapitalCost = amounts("capital_cost", f.CapitalCost, false)
	m.Subsidies = amounts("subsidies", f.Subsidies, true)
	items := func(prefix string, usual []string) ([]appraisalSeries, []appraise.Item) {
		var its []appraise.Item
		cats := slices.Clone(usual)
		for k := range r.PostForm {
			if c, ok := strings.CutPrefix(k, prefix+":"); ok && c != "" && !slices.Contains(cats, c) {
				cats = append(cats, c)
			}
		}
		slices.Sort(cats[len(usual):])
		var rows []appraisalSeries
		for _, c := range cats {
			s := appraisalSeries{Category: c, Label: appraisalCategory(lang, prefix, c), Field: prefix + ":" + c, Value: get(prefix + ":" + c)}
			rows = append(rows, s)
			if v := amounts(s.Field, s.Value, true); len(v) > 0 {
				its = append(its, appraise.Item{Category: c, Values: v})
			}
		}
		return rows, its
	}
	f.Revenues, m.Revenues = items("revenue", appraisalRevenues)
	f.Costs, m.OperatingCosts = items("cost", []string{appraisalCost})
	m.Loan = appraise.Loan{Principal: number("loan.principal", f.LoanPrincipal, 10000), Rate: number("loan.rate", f.LoanRate, 0.01),
		Term: integer("loan.term", f.LoanTerm), Repayment: appraise.Repayment(f.LoanRepayment), Year: integer("loan.year", f.LoanYear)}
	m.TaxRate = number("tax_rate", f.TaxRate, 0.01)
	m.DiscountRate = number("discount_rate", f.DiscountRate, 0.01)
	m.Name = f.Title
	return f, m, bad
}

var appraisalItemField = regexp.MustCompile(`^(revenues|operating_costs)\[\d+:(.*)\]$`)

// appraisalField names the form field of a field the service reports:
// "revenues[0:parking]" is "revenue:parking", "capital_cost[3]" is
// "capital_cost".
func appraisalField(f string) string {
	if m := appraisalItemField.FindStringSubmatch(f); m != nil {
		if m[1] == "revenues" {
			return "revenue:" + m[2]
		}
		return "cost:" + m[2]
	}
	if i := strings.IndexByte(f, '['); i > 0 {
		return f[:i]
	}
	return f
}

// appraisalNew shows the form of a new appraisal of ?estate_id=.
func (p *Pages) appraisalNew(w http.ResponseWriter, r *http.Request) {
	if !p.appraisalsOn(w, r) {
		return
	}
	id, err := parseID(r.URL.Query().Get("estate_id"))
	if err != nil {
		p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "小区不存在 estate not found"))
		return
	}
	if _, err := p.Appraisals.List(r.Context(), id); err != nil { // officers in scope only
		p.fail(w, r, err)
		return
	}
	p.renderAppraisalForm(w, r, http.StatusOK, id, 0, newAppraisalForm(lang(r)), nil)
}

// appraisalEdit shows the form of a stored appraisal.
func (p *Pages) appraisalEdit(w http.ResponseWriter, r *http.Request) {
	if !p.appraisalsOn(w, r) {
		return
	}
	a, ok := pathGet(p, w, r, p.Appraisals.Get)
	if !ok {
		return
	}
	p.renderAppraisalForm(w, r, http.StatusOK, a.EstateID, a.ID, appraisalFormOf(lang(r), a.Title, a.Model), nil)
}

// appraisalSave creates (POST /appraisals with estate_id) or updates
// (POST /appraisals/{id}) an appraisal and shows its result; problems
// come back next to their fields.
func (p *Pages) appraisalSave(w http.ResponseWriter, r *http.Request) {
	if !p.appraisalsOn(w, r) {
		return
	}
	l := lang(r)
	var estateID, id int64
	var err error
	if r.PathValue("id") != "" {
		a, ok := pathGet(p, w, r, p.Appraisals.Get)
		if !ok {
			return
		}
		estateID, id = a.EstateID, a.ID
	} else if estateID, err = parseID(r.PostFormValue("estate_id")); err != nil {
		p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "小区不存在 estate not found"))
		return
	}
	f, m, bad := readAppraisalForm(r, l)
	if len(bad) > 0 {
		p.renderAppraisalForm(w, r, http.StatusBadRequest, estateID, id, f, huanxin.Invalid(i18n.T(l, "appraisal.invalid"), bad...))
		return
	}
	var a *funding.Appraisal
	if id == 0 {
		a, err = p.Appraisals.Create(r.Context(), estateID, f.Title, m)
	} else {
		a, err = p.Appraisals.Update(r.Context(), id, f.Title, m)
	}
	switch huanxin.ErrorCode(err) {
	case "":
		redirect(w, r, "/appraisals/"+strconv.FormatInt(a.ID, 10), "appraisal_saved")
	case huanxin.EINVALID:
		p.renderAppraisalForm(w, r, http.StatusBadRequest, estateID, id, f, err)
	default:
		p.fail(w, r, err)
	}
}

// renderAppraisalForm renders the form with the error of a failed
// submission, its fields named as the form names them.
func (p *Pages) renderAppraisalForm(w http.ResponseWriter, r *http.Request, status int, estateID, id int64, f appraisalForm, failed error) {
	e, err := p.Reg.Estates().Get(r.Context(), estateID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	title := "appraisal.new"
	if id != 0 {
		title = "appraisal.edit"
	}
	pg := &appraisalFormPage{Base: p.base(r, title), Estate: e, ID: id, Form: f}
	pg.Repayments = []option{
		{Value: string(appraise.EqualInstalments), Label: i18n.T(pg.Lang, "appraisal.equal_instalments"), Selected: f.LoanRepayment != string(appraise.EqualPrincipal)},
		{Value: string(appraise.EqualPrincipal), Label: i18n.T(pg.Lang, "appraisal.equal_principal"), Selected: f.LoanRepayment == string(appraise.EqualPrincipal)},
	}
	if failed != nil {
		pg.Message = huanxin.ErrorMessage(failed)
		for _, fe := range huanxin.ErrorFields(failed) {
			pg.Errors = append(pg.Errors, huanxin.FieldError{Field: appraisalField(fe.Field), Message: fe.Message})
		}
	}
	p.render(w, r, status, "appraisal_form", pg)
}
