package funding

import (
	"context"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/funding/appraise"
)

// Appraisal is a stored social-capital appraisal of an estate: a titled
// cash-flow model (see package appraise).
type Appraisal struct {
	ID        int64
	CityID    int64
	EstateID  int64
	Title     string
	Model     appraise.Model
	CreatedBy int64
	Created   time.Time
	Updated   time.Time
}

// AppraisalStore is what Appraisals needs from storage.
type AppraisalStore interface {
	// FindAppraisals lists the appraisals of an estate within the scope,
	// newest first.
	FindAppraisals(ctx context.Context, s huanxin.Scope, estateID int64) ([]*Appraisal, error)
	// FindAppraisalByID returns an appraisal within the scope or ENOTFOUND.
	FindAppraisalByID(ctx context.Context, s huanxin.Scope, id int64) (*Appraisal, error)
	// CreateAppraisal stores a new appraisal, setting ID, Created and Updated.
	CreateAppraisal(ctx context.Context, a *Appraisal) error
	// UpdateAppraisal stores an appraisal's title and model, setting Updated.
	UpdateAppraisal(ctx context.Context, a *Appraisal, by int64) error
	// AppraisalScenarios lists the custom scenarios of an appraisal in the
	// order they were added.
	AppraisalScenarios(ctx context.Context, cityID, appraisalID int64) ([]*AppraisalScenario, error)
	// CreateAppraisalScenario stores a new scenario, setting ID, Created
	// and Updated; a name the appraisal already has is ECONFLICT.
	CreateAppraisalScenario(ctx context.Context, sc *AppraisalScenario) error
	// UpdateAppraisalScenario stores a scenario's name and changes,
	// setting Updated.
	UpdateAppraisalScenario(ctx context.Context, sc *AppraisalScenario, by int64) error
	// DeleteAppraisalScenario removes a scenario.
	DeleteAppraisalScenario(ctx context.Context, sc *AppraisalScenario, by int64) error
}

// AppraisalScenario is a named custom scenario kept with an appraisal: a
// variation of its model (relative changes of revenues, costs and
// subsidies, absolute changes of the discount and loan rates) that the
// officers negotiating with an investor want to see beside the base case.
type AppraisalScenario struct {
	ID          int64
	CityID      int64
	AppraisalID int64
	appraise.Scenario
	CreatedBy int64
	Created   time.Time
	Updated   time.Time
}

// Appraisals keeps the social-capital appraisals of estates. Only officers
// who may edit the register of the estate see and change them: they are
// working papers for negotiating with investors, not public.
type Appraisals struct {
	Store    AppraisalStore
	Register *estate.Service
}

// Appraised is an appraisal with its result, sensitivity table and the
// results of its custom scenarios.
type Appraised struct {
	Appraisal   *Appraisal
	Result      *appraise.Result
	Sensitivity []appraise.Outcome
	Scenarios   []ScenarioOutcome
}

// ScenarioOutcome is a custom scenario's result, or why the model varied
// by it does not appraise (Result nil), e.g. after the model changed.
type ScenarioOutcome struct {
	Scenario *AppraisalScenario
	Result   *appraise.Result
	Error    string
}

func appraiser(ctx context.Context) (*huanxin.Actor, error) {
	return huanxin.Officer(ctx, "无权查看或编制社会资本测算 you may not see or change appraisals")
}

// List returns the appraisals of an estate, newest first.
func (s *Appraisals) List(ctx context.Context, estateID int64) ([]*Appraisal, error) {
	a, err := appraiser(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.Register.Estates().Get(ctx, estateID); err != nil {
		return nil, err
	}
	return s.Store.FindAppraisals(ctx, a.Scope, estateID)
}

// Get returns an appraisal.
func (s *Appraisals) Get(ctx context.Context, id int64) (*Appraisal, error) {
	a, err := appraiser(ctx)
	if err != nil {
		return nil, err
	}
	return s.Store.FindAppraisalByID(ctx, a.Scope, id)
}

// check validates a title and a model: the model must appraise.
func checkAppraisal(title string, m appraise.Model) (string, error) {
	title = strings.TrimSpace(title)
	var bad []huanxin.FieldError
	if title == "" || utf8.RuneCountInString(title) > 200 {
		bad = append(bad, huanxin.FieldError{Field: "title", Message: "标题须为 1 至 200 字 the title must be 1 to 200 characters"})
	}
	if _, err := m.Appraise(); err != nil {
		if huanxin.ErrorCode(err) != huanxin.EINVALID {
			return "", err
		}
		bad = append(bad, huanxin.ErrorFields(err)...)
	}
	if len(bad) > 0 {
		return "", huanxin.Invalid("测算有误 the appraisal is invalid", bad...)
	}
	return title, nil
}

// Create stores a new appraisal of an estate.
func (s *Appraisals) Create(ctx context.Context, estateID int64, title string, m appraise.Model) (*Appraisal, error) {
	a, err := appraiser(ctx)
	if err != nil {
		return nil, err
	}
	e, err := s.Register.Estates().Get(ctx, estateID)
	if err != nil {
		return nil, err
	}
	if title, err = checkAppraisal(title, m); err != nil {
		return nil, err
	}
	ap := &Appraisal{CityID: e.CityID, EstateID: e.ID, Title: title, Model: m, CreatedBy: a.UserID}
	return ap, s.Store.CreateAppraisal(ctx, ap)
}

// Update replaces the title and model of an appraisal.
func (s *Appraisals) Update(ctx context.Context, id int64, title string, m appraise.Model) (*Appraisal, error) {
	a, err := appraiser(ctx)
	if err != nil {
		return nil, err
	}
	ap, err := s.Store.FindAppraisalByID(ctx, a.Scope, id)
	if err != nil {
		return nil, err
	}
	if ap.Title, err = checkAppraisal(title, m); err != nil {
		return nil, err
	}
	ap.Model = m
	return ap, s.Store.UpdateAppraisal(ctx, ap, a.UserID)
}

// Appraise returns an appraisal with its yearly table, measures and
// sensitivity table.
func (s *Appraisals) Appraise(ctx context.Context, id int64) (*Appraised, error) {
	ap, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	r, err := ap.Model.Appraise()
	if err != nil {
		return nil, err
	}
	sens, err := appraise.Sensitivity(ap.Model)
	if err != nil {
		return nil, err
	}
	scs, err := s.Store.AppraisalScenarios(ctx, ap.CityID, ap.ID)
	if err != nil {
		return nil, err
	}
	x := &Appraised{Appraisal: ap, Result: r, Sensitivity: sens}
	for _, sc := range scs {
		o := ScenarioOutcome{Scenario: sc}
		if o.Result, err = sc.Apply(ap.Model).Appraise(); err != nil {
			o.Error = huanxin.ErrorMessage(err)
		}
		x.Scenarios = append(x.Scenarios, o)
	}
	return x, nil
}

// Scenarios lists the custom scenarios of an appraisal.
func (s *Appraisals) Scenarios(ctx context.Context, id int64) ([]*AppraisalScenario, error) {
	ap, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.Store.AppraisalScenarios(ctx, ap.CityID, ap.ID)
}

// checkScenario validates a custom scenario against the model it varies
// and the appraisal's other scenarios: a name of 1 to 100 characters that
// no other has, changes from −100 % to +1000 % and rate changes within ±50
// points, and the model varied by it must appraise.
func checkScenario(m appraise.Model, sc appraise.Scenario, others []*AppraisalScenario, self int64) (appraise.Scenario, error) {
	sc.Name = strings.TrimSpace(sc.Name)
	var bad []huanxin.FieldError
	if sc.Name == "" || utf8.RuneCountInString(sc.Name) > 100 {
		bad = append(bad, huanxin.FieldError{Field: "name", Message: "名称须为 1 至 100 字 the name must be 1 to 100 characters"})
	}
	for _, o := range others {
		if o.ID != self && o.Name == sc.Name {
			bad = append(bad, huanxin.FieldError{Field: "name", Message: "已有同名情景 another scenario has this name"})
		}
	}
	for _, c := range []struct {
		field string
		v     float64
	}{{"revenue_change", sc.RevenueChange}, {"cost_change", sc.CostChange}, {"subsidy_change", sc.SubsidyChange}} {
		if math.IsNaN(c.v) || c.v < -1 || c.v > 10 {
			bad = append(bad, huanxin.FieldError{Field: c.field, Message: "变动须在 −100% 至 +1000% 之间 the change must be from −100% to +1000%"})
		}
	}
	for _, c := range []struct {
		field string
		v     float64
	}{{"discount_rate_change", sc.DiscountRateChange}, {"loan_rate_change", sc.LoanRateChange}} {
		if math.IsNaN(c.v) || math.Abs(c.v) > 0.5 {
			bad = append(bad, huanxin.FieldError{Field: c.field, Message: "利率变动须在 ±50 个百分点以内 the rate change must be within ±50 points"})
		}
	}
	if len(bad) == 0 {
		if _, err := sc.Apply(m).Appraise(); err != nil {
			if huanxin.ErrorCode(err) != huanxin.EINVALID {
				return sc, err
			}
			msg := huanxin.ErrorMessage(err)
			for _, f := range huanxin.ErrorFields(err) {
				msg += "; " + f.Field + ": " + f.Message
			}
			bad = append(bad, huanxin.FieldError{Field: "scenario", Message: msg})
		}
	}
	if len(bad) > 0 {
		return sc, huanxin.Invalid("情景有误 the scenario is invalid", bad...)
	}
	return sc, nil
}

// AddScenario keeps a new custom scenario with an appraisal.
func (s *Appraisals) AddScenario(ctx context.Context, id int64, in appraise.Scenario) (*AppraisalScenario, error) {
	e, err := s.scenarios(ctx, id)
	if err != nil {
		return nil, err
	}
	if in, err = checkScenario(e.ap.Model, in, e.others, 0); err != nil {
		return nil, err
	}
	sc := &AppraisalScenario{CityID: e.ap.CityID, AppraisalID: e.ap.ID, Scenario: in, CreatedBy: e.by}
	return sc, s.Store.CreateAppraisalScenario(ctx, sc)
}

// scenarioEdit is a custom scenario being changed: the scenario, its
// appraisal, the appraisal's scenarios and who changes it.
type scenarioEdit struct {
	sc     *AppraisalScenario
	ap     *Appraisal
	others []*AppraisalScenario
	by     int64
}

// scenarios loads an appraisal the actor may change with its custom
// scenarios (no scenario chosen yet).
func (s *Appraisals) scenarios(ctx context.Context, id int64) (*scenarioEdit, error) {
	a, err := appraiser(ctx)
	if err != nil {
		return nil, err
	}
	ap, err := s.Store.FindAppraisalByID(ctx, a.Scope, id)
	if err != nil {
		return nil, err
	}
	scs, err := s.Store.AppraisalScenarios(ctx, ap.CityID, ap.ID)
	if err != nil {
		return nil, err
	}
	return &scenarioEdit{ap: ap, others: scs, by: a.UserID}, nil
}

// scenario returns a custom scenario of an appraisal the actor may change.
func (s *Appraisals) scenario(ctx context.Context, id, scenarioID int64) (*scenarioEdit, error) {
	e, err := s.scenarios(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, sc := range e.others {
		if sc.ID == scenarioID {
			e.sc = sc
			return e, nil
		}
	}
	return nil, huanxin.Errorf(huanxin.ENOTFOUND, "情景不存在 scenario not found")
}

// UpdateScenario replaces the name and changes of a custom scenario.
func (s *Appraisals) UpdateScenario(ctx context.Context, id, scenarioID int64, in appraise.Scenario) (*AppraisalScenario, error) {
	e, err := s.scenario(ctx, id, scenarioID)
	if err != nil {
		return nil, err
	}
	if e.sc.Scenario, err = checkScenario(e.ap.Model, in, e.others, e.sc.ID); err != nil {
		return nil, err
	}
	return e.sc, s.Store.UpdateAppraisalScenario(ctx, e.sc, e.by)
}

// DeleteScenario removes a custom scenario.
func (s *Appraisals) DeleteScenario(ctx context.Context, id, scenarioID int64) error {
	e, err := s.scenario(ctx, id, scenarioID)
	if err != nil {
		return err
	}
	return s.Store.DeleteAppraisalScenario(ctx, e.sc, e.by)
}
