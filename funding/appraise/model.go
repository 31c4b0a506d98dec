// Package appraise is the social-capital (社会资本) appraisal of a
// renovation concession: a yearly cash-flow model for an investor with NPV,
// IRR, payback periods, debt service coverage, scenarios and a sensitivity
// table.
//
// Money here is float64 yuan, not exact fen: an appraisal is a projection
// over decades at assumed rates, not a ledger, and its results are rounded
// for display. Amounts that come from or go to the ledger cross the boundary
// through Yuan and Fen. Everything that must add up to the fen (the owners'
// shares of a cost) lives in package share, in integers.
//
// Year t of the model is the flow at the end of year t, year 0 being today
// (construction); NPV discounts year t by (1+r)^t (see NPV and
// SpreadsheetNPV for the spreadsheet convention).
package appraise

import (
	"fmt"
	"math"

	"github.com/huanxin/huanxin"
)

// Yuan converts fen to yuan for the model.
func Yuan(m huanxin.Money) float64 { return float64(m) / 100 }

// Fen converts a modelled amount in yuan to fen, rounding half away from zero.
func Fen(yuan float64) huanxin.Money { return huanxin.Money(math.Round(yuan * 100)) }

// Revenue categories of a renovated estate. Categories are free text; these
// are the usual ones.
const (
	RevenueParking          = "parking"           // 停车
	RevenueCharging         = "charging"          // 充电
	RevenueAdvertising      = "advertising"       // 广告
	RevenueElderlyCare      = "elderly_care"      // 养老托育
	RevenuePropertyServices = "property_services" // 物业服务
	RevenueOther            = "other"             // 其他
)

// Item is one category of revenue or operating cost, yuan per year (index =
// year; missing years are zero).
type Item struct {
	Category string
	Values   []float64
}

// Repayment is how a loan is repaid.
type Repayment string

const (
	EqualInstalments Repayment = "equal_instalments" // 等额本息: the same payment every year
	EqualPrincipal   Repayment = "equal_principal"   // 等额本金: the same principal every year plus interest on the balance
)

// Loan is drawn in full at the end of year Year and repaid in the Term
// years after it, interest at Rate on the balance at the start of each year.
type Loan struct {
	Principal float64 // yuan; 0 for no loan
	Rate      float64 // per year, e.g. 0.042
	Term      int     // years
	Repayment Repayment
	Year      int // the year it is drawn (0 = today)
}

// Model is the investor's concession, in yuan per year.
//
// Taxes are simplified to one rate on each year's profit: revenue +
// subsidies − operating costs − interest − depreciation, never below zero
// (no loss carried forward, no VAT or surcharges, subsidies taxable). Each
// year's capital cost is depreciated straight-line over the remaining years
// of the concession, with no residual value (capital cost of the last year
// is expensed in it). The same tax is used for the project and the equity
// flows (the interest deduction is not removed for the project's flows).
type Model struct {
	Name           string
	Years          int       // years in the model, year 0 to Years−1
	CapitalCost    []float64 // per year
	OperatingCosts []Item
	Revenues       []Item
	Subsidies      []float64 // per year
	Loan           Loan
	TaxRate        float64 // on profit, e.g. 0.25
	DiscountRate   float64 // the investor's rate for NPV and discounted payback
}

// Year is one row of the cash-flow table.
type Year struct {
	Year          int
	Revenues      []float64 // per category, in the order of Model.Revenues
	Revenue       float64   // their sum
	Subsidy       float64
	Costs         []float64 // per category, in the order of Model.OperatingCosts
	OperatingCost float64   // their sum
	EBITDA        float64   // Revenue + Subsidy − OperatingCost
	Depreciation  float64
	Interest      float64
	Tax           float64
	CFADS         float64 // cash flow available for debt service: EBITDA − Tax
	CapitalCost   float64
	Drawdown      float64 // loan drawn
	Principal     float64 // loan principal repaid
	DebtService   float64 // Interest + Principal
	// DSCR is CFADS / DebtService; it is 0 in years without debt service
	// (HasDebtService false).
	DSCR           float64
	HasDebtService bool
	Balance        float64 // loan outstanding at the end of the year
	ProjectFlow    float64 // EBITDA − Tax − CapitalCost (before financing)
	EquityFlow     float64 // ProjectFlow + Drawdown − DebtService (the investor's)
	Cumulative     float64 // Σ EquityFlow up to this year
}

// Result is the appraisal of a Model.
type Result struct {
	Table []Year
	// The investor's (equity) flows at Model.DiscountRate.
	NPV               float64
	IRR               float64 // valid if HasIRR
	HasIRR            bool
	IRRNote           string // why there is no IRR (none, or several listed)
	Payback           Payback
	DiscountedPayback Payback
	// The project's flows before financing.
	ProjectNPV     float64
	ProjectIRR     float64
	HasProjectIRR  bool
	ProjectIRRNote string
	// MinDSCR is the lowest DSCR over the years with debt service, in
	// MinDSCRYear; MinDSCRYear is −1 when there is no debt service.
	MinDSCR     float64
	MinDSCRYear int
}

// EquityFlows returns the investor's yearly flows.
func (r *Result) EquityFlows() []float64 {
	out := make([]float64, len(r.Table))
	for i, y := range r.Table {
		out[i] = y.EquityFlow
	}
	return out
}

// ProjectFlows returns the project's yearly flows before financing.
func (r *Result) ProjectFlows() []float64 {
	out := make([]float64, len(r.Table))
	for i, y := range r.Table {
		out[i] = y.ProjectFlow
	}
	return out
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// validate checks the model and returns EINVALID listing every problem.
func (m Model) validate() error {
	var bad []huanxin.FieldError
	add := func(field, format string, args ...any) {
		bad = append(bad, huanxin.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if m.Years < 2 || m.Years > 100 {
		add("years", "年数须在 2 至 100 之间 years must be 2 to 100, not %d", m.Years)
	}
	series := func(field string, v []float64) {
		if len(v) > m.Years && m.Years >= 2 {
			add(field, "超出年数 %d 年 more values than the %d years", m.Years, m.Years)
		}
		for i, x := range v {
			if !finite(x) {
				add(fmt.Sprintf("%s[%d]", field, i), "无效数值 not a number")
			}
		}
	}
	series("capital_cost", m.CapitalCost)
	series("subsidies", m.Subsidies)
	for i, it := range m.OperatingCosts {
		series(fmt.Sprintf("operating_costs[%d:%s]", i, it.Category), it.Values)
	}
	for i, it := range m.Revenues {
		series(fmt.Sprintf("revenues[%d:%s]", i, it.Category), it.Values)
	}
	if !(m.TaxRate >= 0 && m.TaxRate < 1) {
		add("tax_rate", "税率须在 0 至 1 之间 the tax rate must be in [0, 1)")
	}
	if !(m.DiscountRate > -1) || !finite(m.DiscountRate) {
		add("discount_rate", "折现率须大于 −100%% the discount rate must exceed −100%%")
	}
	l := m.Loan
	if !finite(l.Principal) || l.Principal < 0 {
		add("loan.principal", "贷款本金不能为负 the principal may not be negative")
	}
	if l.Principal > 0 {
		if !(l.Rate > -1) || !finite(l.Rate) {
			add("loan.rate", "贷款利率须大于 −100%% the loan rate must exceed −100%%")
		}
		if l.Term < 1 {
			add("loan.term", "贷款期限至少一年 the term must be at least one year")
		}
		if l.Year < 0 || l.Year+l.Term > m.Years-1 {
			add("loan.term", "贷款须在第 %d 年内还清 the loan must be repaid by year %d", m.Years-1, m.Years-1)
		}
		if l.Repayment != EqualInstalments && l.Repayment != EqualPrincipal {
			add("loan.repayment", "未知的还款方式 unknown repayment %q", l.Repayment)
		}
	}
	if len(bad) > 0 {
		return huanxin.Invalid("测算模型有误 the model is invalid", bad...)
	}
	return nil
}

func at(v []float64, t int) float64 {
	if t < len(v) {
		return v[t]
	}
	return 0
}

// Appraise builds the yearly cash-flow table and the measures.
func (m Model) Appraise() (*Result, error) {
	if err := m.validate(); err != nil {
		return nil, err
	}
	n := m.Years
	tab := make([]Year, n)

	// Depreciation: capital cost of year t spread over years t+1..n−1.
	dep := make([]float64, n)
	for t := 0; t < n; t++ {
		c := at(m.CapitalCost, t)
		if t == n-1 {
			dep[t] += c
			continue
		}
		per := c / float64(n-1-t)
		for s := t + 1; s < n; s++ {
			dep[s] += per
		}
	}

	// Loan schedule.
	l := m.Loan
	balance := 0.0
	annuity := 0.0
	if l.Principal > 0 && l.Repayment == EqualInstalments {
		if l.Rate == 0 {
			annuity = l.Principal / float64(l.Term)
		} else {
			annuity = l.Principal * l.Rate / (1 - math.Pow(1+l.Rate, -float64(l.Term)))
		}
	}

	cum := 0.0
	for t := 0; t < n; t++ {
		y := Year{Year: t, Revenues: make([]float64, len(m.Revenues)), Costs: make([]float64, len(m.OperatingCosts))}
		for i, it := range m.Revenues {
			y.Revenues[i] = at(it.Values, t)
			y.Revenue += y.Revenues[i]
		}
		for i, it := range m.OperatingCosts {
			y.Costs[i] = at(it.Values, t)
			y.OperatingCost += y.Costs[i]
		}
		y.Subsidy = at(m.Subsidies, t)
		y.EBITDA = y.Revenue + y.Subsidy - y.OperatingCost
		y.Depreciation = dep[t]
		y.CapitalCost = at(m.CapitalCost, t)

		if l.Principal > 0 {
			if k := t - l.Year; k >= 1 && k <= l.Term {
				y.Interest = balance * l.Rate
				switch l.Repayment {
				case EqualInstalments:
					y.Principal = annuity - y.Interest
				case EqualPrincipal:
					y.Principal = l.Principal / float64(l.Term)
				}
				if k == l.Term {
					y.Principal = balance // no rounding residue left over
				}
				balance -= y.Principal
			}
			if t == l.Year {
				y.Drawdown = l.Principal
				balance += l.Principal
			}
		}
		y.Balance = balance
		y.DebtService = y.Interest + y.Principal
		y.Tax = m.TaxRate * math.Max(0, y.EBITDA-y.Interest-y.Depreciation)
		y.CFADS = y.EBITDA - y.Tax
		if y.DebtService > 0 {
			y.HasDebtService = true
			y.DSCR = y.CFADS / y.DebtService
		}
		y.ProjectFlow = y.EBITDA - y.Tax - y.CapitalCost
		y.EquityFlow = y.ProjectFlow + y.Drawdown - y.DebtService
		cum += y.EquityFlow
		y.Cumulative = cum
		tab[t] = y
	}

	r := &Result{Table: tab, MinDSCRYear: -1}
	eq, pr := r.EquityFlows(), r.ProjectFlows()
	r.NPV = NPV(m.DiscountRate, eq)
	r.ProjectNPV = NPV(m.DiscountRate, pr)
	if v, err := IRR(eq); err == nil {
		r.IRR, r.HasIRR = v, true
	} else {
		r.IRRNote = huanxin.ErrorMessage(err)
	}
	if v, err := IRR(pr); err == nil {
		r.ProjectIRR, r.HasProjectIRR = v, true
	} else {
		r.ProjectIRRNote = huanxin.ErrorMessage(err)
	}
	r.Payback = SimplePayback(eq)
	r.DiscountedPayback = DiscountedPayback(m.DiscountRate, eq)
	for _, y := range tab {
		if y.HasDebtService && (r.MinDSCRYear < 0 || y.DSCR < r.MinDSCR) {
			r.MinDSCR, r.MinDSCRYear = y.DSCR, y.Year
		}
	}
	return r, nil
}

// Scenario is a named variation of a model. The zero Scenario is the model
// itself.
type Scenario struct {
	Name               string
	RevenueChange      float64 // relative: +0.2 is every revenue +20 %
	CostChange         float64 // relative, on operating and capital costs (the loan is unchanged)
	SubsidyChange      float64 // relative
	DiscountRateChange float64 // absolute: +0.01 is one percentage point
	LoanRateChange     float64 // absolute
}

// Apply returns a copy of m varied by the scenario; m is not changed.
func (s Scenario) Apply(m Model) Model {
	scale := func(v []float64, f float64) []float64 {
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = x * (1 + f)
		}
		return out
	}
	items := func(its []Item, f float64) []Item {
		out := make([]Item, len(its))
		for i, it := range its {
			out[i] = Item{Category: it.Category, Values: scale(it.Values, f)}
		}
		return out
	}
	v := m
	if s.Name != "" {
		v.Name = m.Name + " · " + s.Name
	}
	v.Revenues = items(m.Revenues, s.RevenueChange)
	v.OperatingCosts = items(m.OperatingCosts, s.CostChange)
	v.CapitalCost = scale(m.CapitalCost, s.CostChange)
	v.Subsidies = scale(m.Subsidies, s.SubsidyChange)
	v.DiscountRate += s.DiscountRateChange
	v.Loan.Rate += s.LoanRateChange
	return v
}

// Outcome is a scenario's appraisal.
type Outcome struct {
	Scenario Scenario
	Result   *Result
}

// RunScenarios appraises the model under each scenario, in order.
func RunScenarios(m Model, scenarios []Scenario) ([]Outcome, error) {
	out := make([]Outcome, len(scenarios))
	for i, s := range scenarios {
		r, err := s.Apply(m).Appraise()
		if err != nil {
			return nil, fmt.Errorf("scenario %q: %w", s.Name, err)
		}
		out[i] = Outcome{Scenario: s, Result: r}
	}
	return out, nil
}

// SensitivityScenarios are the rows of the standard sensitivity table: the
// base case; revenue ±20 %; costs (operating and capital) ±20 %; the
// discount rate ±1 point (moves NPV and discounted payback only); the loan
// rate ±1 point.
func SensitivityScenarios() []Scenario {
	return []Scenario{
		{Name: "基准 base"},
		{Name: "收入 revenue +20%", RevenueChange: 0.2},
		{Name: "收入 revenue −20%", RevenueChange: -0.2},
		{Name: "成本 cost +20%", CostChange: 0.2},
		{Name: "成本 cost −20%", CostChange: -0.2},
		{Name: "折现率 discount rate +1pt", DiscountRateChange: 0.01},
		{Name: "折现率 discount rate −1pt", DiscountRateChange: -0.01},
		{Name: "贷款利率 loan rate +1pt", LoanRateChange: 0.01},
		{Name: "贷款利率 loan rate −1pt", LoanRateChange: -0.01},
	}
}

// Sensitivity is the standard sensitivity table of the model.
func Sensitivity(m Model) ([]Outcome, error) {
	return RunScenarios(m, SensitivityScenarios())
}
