package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/funding/appraise"
)

var appraisalListParams = []string{"estate_id", "page", "per_page"}

// appraisalHandlers serve the social-capital appraisals of estates
// (社会资本测算): officers who may change an estate's register keep them
// and read their results; the service decides.
type appraisalHandlers struct{ svc *funding.Appraisals }

// appraisalRoutes mounts the appraisal endpoints.
func (a *API) appraisalRoutes(svc *funding.Appraisals) {
	h := appraisalHandlers{svc: svc}
	base := Prefix + "/appraisals"
	a.handle("GET "+base, http.HandlerFunc(h.list), appraisalListParams)
	a.handle("POST "+base, http.HandlerFunc(h.create), nil)
	a.handle("GET "+base+"/{id}", http.HandlerFunc(h.get), nil)
	a.handle("PUT "+base+"/{id}", http.HandlerFunc(h.update), nil)
	a.handle("GET "+base+"/{id}/result", http.HandlerFunc(h.result), nil)
	a.handle("GET "+base+"/{id}/scenarios", http.HandlerFunc(h.scenarios), nil)
	a.handle("POST "+base+"/{id}/scenarios", http.HandlerFunc(h.addScenario), nil)
	a.handle("PUT "+base+"/{id}/scenarios/{scenario}", http.HandlerFunc(h.updateScenario), nil)
	a.handle("DELETE "+base+"/{id}/scenarios/{scenario}", http.HandlerFunc(h.deleteScenario), nil)
}

// AppraisalItem is one category of revenue or operating cost: yuan per
// year, index = year (missing years are zero).
type AppraisalItem struct {
	Category string    `json:"category"`
	Values   []float64 `json:"values"`
}

// AppraisalLoan is the investor's loan, drawn in full at the end of year
// and repaid over term years.
type AppraisalLoan struct {
	Principal float64 `json:"principal"`
	Rate      float64 `json:"rate"`
	Term      int     `json:"term"`
	Repayment string  `json:"repayment"`
	Year      int     `json:"year"`
}

// AppraisalModel is the cash-flow model in yuan per year (see package
// funding/appraise).
type AppraisalModel struct {
	Years          int             `json:"years"`
	CapitalCost    []float64       `json:"capital_cost"`
	OperatingCosts []AppraisalItem `json:"operating_costs"`
	Revenues       []AppraisalItem `json:"revenues"`
	Subsidies      []float64       `json:"subsidies"`
	Loan           AppraisalLoan   `json:"loan"`
	TaxRate        float64         `json:"tax_rate"`
	DiscountRate   float64         `json:"discount_rate"`
}

// Appraisal is a stored appraisal of an estate.
type Appraisal struct {
	ID        int64          `json:"id"`
	CityID    int64          `json:"city_id"`
	EstateID  int64          `json:"estate_id"`
	Title     string         `json:"title"`
	Model     AppraisalModel `json:"model"`
	CreatedBy int64          `json:"created_by"`
	Created   time.Time      `json:"created"`
	Updated   time.Time      `json:"updated"`
}

// AppraisalUpdate is the body of PUT /api/v1/appraisals/{id}.
type AppraisalUpdate struct {
	Title string         `json:"title"`
	Model AppraisalModel `json:"model"`
}

// AppraisalCreate is the body of POST /api/v1/appraisals.
type AppraisalCreate struct {
	EstateID int64 `json:"estate_id"`
	AppraisalUpdate
}

// AppraisalPayback is when the cumulative flow first reaches zero.
type AppraisalPayback struct {
	Reached bool    `json:"reached"`
	Years   float64 `json:"years"`
}

// AppraisalYear is one row of the yearly cash-flow table, in yuan; dscr
// is null in years without debt service.
type AppraisalYear struct {
	Year          int       `json:"year"`
	Revenues      []float64 `json:"revenues"`
	Revenue       float64   `json:"revenue"`
	Subsidy       float64   `json:"subsidy"`
	Costs         []float64 `json:"costs"`
	OperatingCost float64   `json:"operating_cost"`
	EBITDA        float64   `json:"ebitda"`
	Depreciation  float64   `json:"depreciation"`
	Interest      float64   `json:"interest"`
	Tax           float64   `json:"tax"`
	CFADS         float64   `json:"cfads"`
	CapitalCost   float64   `json:"capital_cost"`
	Drawdown      float64   `json:"drawdown"`
	Principal     float64   `json:"principal"`
	DebtService   float64   `json:"debt_service"`
	DSCR          *float64  `json:"dscr"`
	Balance       float64   `json:"balance"`
	ProjectFlow   float64   `json:"project_flow"`
	EquityFlow    float64   `json:"equity_flow"`
	Cumulative    float64   `json:"cumulative"`
}

// AppraisalScenario is one row of the sensitivity table: the investor's
// NPV, IRR (null with irr_note when there is none or several), payback and
// lowest DSCR under a variation of the model.
type AppraisalScenario struct {
	Name    string           `json:"name"`
	NPV     float64          `json:"npv"`
	IRR     *float64         `json:"irr"`
	IRRNote string           `json:"irr_note"`
	Payback AppraisalPayback `json:"payback"`
	MinDSCR *float64         `json:"min_dscr"`
}

// AppraisalScenarioInput is the body of POST and PUT …/scenarios: a named
// variation of the model. Revenue, cost (operating and capital) and
// subsidy changes are relative (0.1 is +10 %, −1 removes them); discount
// and loan rate changes are absolute (0.01 is one percentage point).
type AppraisalScenarioInput struct {
	Name               string  `json:"name"`
	RevenueChange      float64 `json:"revenue_change"`
	CostChange         float64 `json:"cost_change"`
	SubsidyChange      float64 `json:"subsidy_change"`
	DiscountRateChange float64 `json:"discount_rate_change"`
	LoanRateChange     float64 `json:"loan_rate_change"`
}

// AppraisalCustomScenario is a custom scenario kept with an appraisal.
type AppraisalCustomScenario struct {
	ID          int64 `json:"id"`
	AppraisalID int64 `json:"appraisal_id"`
	AppraisalScenarioInput
	CreatedBy int64     `json:"created_by"`
	Created   time.Time `json:"created"`
	Updated   time.Time `json:"updated"`
}

// AppraisalCustomScenarios lists an appraisal's custom scenarios in the
// order they were added.
type AppraisalCustomScenarios struct {
	Items []AppraisalCustomScenario `json:"items"`
}

// AppraisalScenarioResult is a custom scenario's measures beside the base
// case, or error (and null measures) when the model varied by it no
// longer appraises.
type AppraisalScenarioResult struct {
	Scenario AppraisalCustomScenario `json:"scenario"`
	Result   *AppraisalScenario      `json:"result"`
	Error    string                  `json:"error"`
}

// AppraisalResult is an appraisal with its yearly table and measures: the
// investor's NPV at the discount rate, IRR (null with the reason in
// irr_note when none or several exist), paybacks, the project's measures
// before financing, the lowest DSCR and its year (null without debt) and
// the sensitivity table, and the results of the custom scenarios.
type AppraisalResult struct {
	Appraisal         Appraisal                 `json:"appraisal"`
	Table             []AppraisalYear           `json:"table"`
	NPV               float64                   `json:"npv"`
	IRR               *float64                  `json:"irr"`
	IRRNote           string                    `json:"irr_note"`
	Payback           AppraisalPayback          `json:"payback"`
	DiscountedPayback AppraisalPayback          `json:"discounted_payback"`
	ProjectNPV        float64                   `json:"project_npv"`
	ProjectIRR        *float64                  `json:"project_irr"`
	ProjectIRRNote    string                    `json:"project_irr_note"`
	MinDSCR           *float64                  `json:"min_dscr"`
	MinDSCRYear       *int                      `json:"min_dscr_year"`
	Sensitivity       []AppraisalScenario       `json:"sensitivity"`
	Scenarios         []AppraisalScenarioResult `json:"scenarios"`
}

func shownItems(its []appraise.Item) []AppraisalItem {
	out := []AppraisalItem{}
	for _, it := range its {
		out = append(out, AppraisalItem{Category: it.Category, Values: orEmpty(it.Values)})
	}
	return out
}

func modelItems(its []AppraisalItem) []appraise.Item {
	var out []appraise.Item
	for _, it := range its {
		out = append(out, appraise.Item{Category: it.Category, Values: it.Values})
	}
	return out
}

func shownModel(m appraise.Model) AppraisalModel {
	return AppraisalModel{Years: m.Years, CapitalCost: orEmpty(m.CapitalCost), OperatingCosts: shownItems(m.OperatingCosts), Revenues: shownItems(m.Revenues),
		Subsidies: orEmpty(m.Subsidies), TaxRate: m.TaxRate, DiscountRate: m.DiscountRate,
		Loan: AppraisalLoan{Principal: m.Loan.Principal, Rate: m.Loan.Rate, Term: m.Loan.Term, Repayment: string(m.Loan.Repayment), Year: m.Loan.Year}}
}

func (m AppraisalModel) model() appraise.Model {
	return appraise.Model{Years: m.Years, CapitalCost: m.CapitalCost, OperatingCosts: modelItems(m.OperatingCosts), Revenues: modelItems(m.Revenues),
		Subsidies: m.Subsidies, TaxRate: m.TaxRate, DiscountRate: m.DiscountRate,
		Loan: appraise.Loan{Principal: m.Loan.Principal, Rate: m.Loan.Rate, Term: m.Loan.Term, Repayment: appraise.Repayment(m.Loan.Repayment), Year: m.Loan.Year}}
}

func shownAppraisal(a *funding.Appraisal) *Appraisal {
	return &Appraisal{ID: a.ID, CityID: a.CityID, EstateID: a.EstateID, Title: a.Title, Model: shownModel(a.Model), CreatedBy: a.CreatedBy,
		Created: a.Created, Updated: a.Updated}
}

func shownPayback(p appraise.Payback) AppraisalPayback {
	return AppraisalPayback{Reached: p.Reached, Years: p.Years}
}

// some is a pointer to v when ok, else nil (JSON null).
func some[T any](v T, ok bool) *T {
	if !ok {
		return nil
	}
	return &v
}

func shownAppraised(x *funding.Appraised) *AppraisalResult {
	r := x.Result
	out := &AppraisalResult{Appraisal: *shownAppraisal(x.Appraisal), Table: []AppraisalYear{}, NPV: r.NPV, IRR: some(r.IRR, r.HasIRR),
		IRRNote: r.IRRNote, Payback: shownPayback(r.Payback), DiscountedPayback: shownPayback(r.DiscountedPayback), ProjectNPV: r.ProjectNPV,
		ProjectIRR: some(r.ProjectIRR, r.HasProjectIRR), ProjectIRRNote: r.ProjectIRRNote, MinDSCR: some(r.MinDSCR, r.MinDSCRYear >= 0),
		MinDSCRYear: some(r.MinDSCRYear, r.MinDSCRYear >= 0), Sensitivity: []AppraisalScenario{}}
	for _, y := range r.Table {
		out.Table = append(out.Table, AppraisalYear{Year: y.Year, Revenues: orEmpty(y.Revenues), Revenue: y.Revenue, Subsidy: y.Subsidy,
			Costs: orEmpty(y.Costs), OperatingCost: y.OperatingCost, EBITDA: y.EBITDA, Depreciation: y.Depreciation, Interest: y.Interest,
			Tax: y.Tax, CFADS: y.CFADS, CapitalCost: y.CapitalCost, Drawdown: y.Drawdown, Principal: y.Principal, DebtService: y.DebtService,
			DSCR: some(y.DSCR, y.HasDebtService), Balance: y.Balance, ProjectFlow: y.ProjectFlow, EquityFlow: y.EquityFlow, Cumulative: y.Cumulative})
	}
	for _, o := range x.Sensitivity {
		out.Sensitivity = append(out.Sensitivity, shownOutcome(o.Scenario.Name, o.Result))
	}
	out.Scenarios = []AppraisalScenarioResult{}
	for _, o := range x.Scenarios {
		sr := AppraisalScenarioResult{Scenario: shownCustomScenario(o.Scenario), Error: o.Error}
		if o.Result != nil {
			row := shownOutcome(o.Scenario.Name, o.Result)
			sr.Result = &row
		}
		out.Scenarios = append(out.Scenarios, sr)
	}
	return out
}

// shownOutcome is the measures of a model varied by a scenario.
func shownOutcome(name string, s *appraise.Result) AppraisalScenario {
	return AppraisalScenario{Name: name, NPV: s.NPV, IRR: some(s.IRR, s.HasIRR), IRRNote: s.IRRNote, Payback: shownPayback(s.Payback),
		MinDSCR: some(s.MinDSCR, s.MinDSCRYear >= 0)}
}

func shownCustomScenario(sc *funding.AppraisalScenario) AppraisalCustomScenario {
	return AppraisalCustomScenario{ID: sc.ID, AppraisalID: sc.AppraisalID, AppraisalScenarioInput: AppraisalScenarioInput{Name: sc.Name,
		RevenueChange: sc.RevenueChange, CostChange: sc.CostChange, SubsidyChange: sc.SubsidyChange, DiscountRateChange: sc.DiscountRateChange,
		LoanRateChange: sc.LoanRateChange}, CreatedBy: sc.CreatedBy, Created: sc.Created, Updated: sc.Updated}
}

func (in AppraisalScenarioInput) scenario() appraise.Scenario {
	return appraise.Scenario{Name: in.Name, RevenueChange: in.RevenueChange, CostChange: in.CostChange, SubsidyChange: in.SubsidyChange,
		DiscountRateChange: in.DiscountRateChange, LoanRateChange: in.LoanRateChange}
}

func (h appraisalHandlers) list(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	p := readParams(r, appraisalListParams)
	page, perPage := p.paging()
	estateID := p.id("estate_id", 1)
	if estateID == nil && p.get("estate_id") == "" {
		p.fail("estate_id", "必填 required")
	}
	if err := p.err(); err != nil {
		WriteError(w, r, err)
		return
	}
	all, err := h.svc.List(r.Context(), *estateID)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	var out []*Appraisal
	for _, a := range all {
		out = append(out, shownAppraisal(a))
	}
	writeList(w, pageOf(out, page, perPage), len(out), page, perPage)
}

func (h appraisalHandlers) create(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	var in AppraisalCreate
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	a, err := h.svc.Create(r.Context(), in.EstateID, in.Title, in.Model.model())
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, shownAppraisal(a))
}

func (h appraisalHandlers) get(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	a, err := h.svc.Get(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, shownAppraisal(a))
}

func (h appraisalHandlers) update(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	var in AppraisalUpdate
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	a, err := h.svc.Update(r.Context(), id, in.Title, in.Model.model())
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, shownAppraisal(a))
}

func (h appraisalHandlers) result(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	x, err := h.svc.Appraise(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, shownAppraised(x))
}

func (h appraisalHandlers) scenarios(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	scs, err := h.svc.Scenarios(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := AppraisalCustomScenarios{Items: make([]AppraisalCustomScenario, len(scs))}
	for i, sc := range scs {
		out.Items[i] = shownCustomScenario(sc)
	}
	WriteJSON(w, http.StatusOK, out)
}

func (h appraisalHandlers) addScenario(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	var in AppraisalScenarioInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	sc, err := h.svc.AddScenario(r.Context(), id, in.scenario())
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, shownCustomScenario(sc))
}

// appraisalScenario reads the appraisal and scenario IDs of
// …/scenarios/{scenario}.
func appraisalScenario(w http.ResponseWriter, r *http.Request) (int64, int64, bool) {
	id, ok := actorAndID(w, r)
	if !ok {
		return 0, 0, false
	}
	sc, err := strconv.ParseInt(r.PathValue("scenario"), 10, 64)
	if err != nil || sc <= 0 {
		WriteError(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "情景不存在 scenario not found"))
		return 0, 0, false
	}
	return id, sc, true
}

func (h appraisalHandlers) updateScenario(w http.ResponseWriter, r *http.Request) {
	id, scID, ok := appraisalScenario(w, r)
	if !ok {
		return
	}
	var in AppraisalScenarioInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	sc, err := h.svc.UpdateScenario(r.Context(), id, scID, in.scenario())
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, shownCustomScenario(sc))
}

func (h appraisalHandlers) deleteScenario(w http.ResponseWriter, r *http.Request) {
	id, scID, ok := appraisalScenario(w, r)
	if !ok {
		return
	}
	if err := h.svc.DeleteScenario(r.Context(), id, scID); err != nil {
		WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
