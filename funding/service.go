package funding

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/planning/plan"
)

// SettingCutoffYear names the city setting of Rules.CutoffYear.
const SettingCutoffYear = "funding.cutoff_year"

// Store is what funding needs from storage.
type Store interface {
	// CitySettings returns the named settings of a city.
	CitySettings(ctx context.Context, cityID int64) (map[string]string, error)
	// FundingLines lists the funding lines of a plan, withdrawn ones too.
	FundingLines(ctx context.Context, cityID, planID int64) ([]Line, error)
	// CreateFundingLine stores a new line of a plan, setting its ID.
	CreateFundingLine(ctx context.Context, cityID, estateID, planID int64, l *Line, by int64) error
	// UpdateFundingLine stores a line's status, reference and withdrawal;
	// ECONFLICT when it changed since it was read (from is its old status).
	UpdateFundingLine(ctx context.Context, cityID, planID int64, l *Line, from Status, by int64) error
	// Allocations lists the allocations of a plan's money to contracts.
	Allocations(ctx context.Context, cityID, planID int64) ([]Allocation, error)
}

// Service keeps the funding plans of estate plans. Officers who may edit
// the register of the estate enter and move money; everyone who sees the
// plan sees its funding.
type Service struct {
	Store     Store
	Register  *estate.Service
	Plans     *plan.Service
	Catalogue *planning.CatalogueService
}

// Rules returns a city's eligibility rules.
func (s *Service) Rules(ctx context.Context, cityID int64) (Rules, error) {
	set, err := s.Store.CitySettings(ctx, cityID)
	if err != nil {
		return DefaultRules, err
	}
	r := DefaultRules
	if v, ok := set[SettingCutoffYear]; ok {
		y, err := strconv.Atoi(v)
		if err != nil || y < 1949 || y > 2100 {
			return DefaultRules, huanxin.Invalid("资金规则设置有误 invalid funding rules",
				huanxin.FieldError{Field: SettingCutoffYear, Message: "应为年份 must be a year"})
		}
		r.CutoffYear = y
	}
	return r, nil
}

// Funding is a plan's funding: its lines, the cover of each item and of
// the whole plan, and the alerts.
type Funding struct {
	Plan   *plan.Plan
	Lines  []Line
	Covers []Cover
	Total  Cover
	Alerts []Alert
}

// Get returns the funding of a plan visible to the actor.
func (s *Service) Get(ctx context.Context, planID int64) (*Funding, error) {
	p, err := s.Plans.Get(ctx, planID)
	if err != nil {
		return nil, err
	}
	lines, err := s.Store.FundingLines(ctx, p.CityID, p.ID)
	if err != nil {
		return nil, err
	}
	return s.of(p, lines)
}

// of is the funding of a plan with its lines.
func (s *Service) of(p *plan.Plan, lines []Line) (*Funding, error) {
	SortLines(p.Lines, lines)
	f := &Funding{Plan: p, Lines: lines}
	var err error
	if f.Covers, f.Total, err = Coverage(p.Lines, lines); err != nil {
		return nil, err
	}
	f.Alerts, err = Alerts(p.Lines, lines)
	return f, err
}

func officer(ctx context.Context) (*huanxin.Actor, error) {
	return huanxin.Officer(ctx, "无权编制资金计划 you may not change funding plans")
}

// Add commits money of a source to an item of a plan, after checking that
// the item is in the plan and the source may pay for it.
func (s *Service) Add(ctx context.Context, planID int64, l Line) (*Line, error) {
	a, err := officer(ctx)
	if err != nil {
		return nil, err
	}
	p, err := s.Plans.Get(ctx, planID)
	if err != nil {
		return nil, err
	}
	e, err := s.Register.Estates().Get(ctx, p.EstateID)
	if err != nil {
		return nil, err
	}
	var bad []huanxin.FieldError
	inPlan := false
	for _, pl := range p.Lines {
		inPlan = inPlan || pl.ItemCode == l.ItemCode
	}
	if !inPlan {
		bad = append(bad, huanxin.FieldError{Field: "item_code", Message: "方案中没有此项目 the plan has no such item"})
	}
	if l.Amount <= 0 {
		bad = append(bad, huanxin.FieldError{Field: "amount", Message: "金额应大于0 must be positive"})
	}
	l.Ref = strings.TrimSpace(l.Ref)
	if utf8.RuneCountInString(l.Ref) > 200 {
		bad = append(bad, huanxin.FieldError{Field: "ref", Message: "过长 too long (max 200)"})
	}
	if len(bad) > 0 {
		return nil, huanxin.Invalid("输入有误 invalid input", bad...)
	}
	items, err := s.Catalogue.Items(ctx, p.CityID, planning.Filter{})
	if err != nil {
		return nil, err
	}
	rules, err := s.Rules(ctx, p.CityID)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		if it.Code == l.ItemCode {
			if err := rules.Eligible(it, l.Source, e.YearBuilt); err != nil {
				return nil, err
			}
		}
	}
	l.ID, l.Status, l.Withdrawn = 0, Committed, false
	return &l, s.Store.CreateFundingLine(ctx, p.CityID, p.EstateID, p.ID, &l, a.UserID)
}

// line loads a line of a plan for an officer.
func (s *Service) line(ctx context.Context, planID, lineID int64) (*huanxin.Actor, *plan.Plan, *Line, error) {
	a, err := officer(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	p, err := s.Plans.Get(ctx, planID)
	if err != nil {
		return nil, nil, nil, err
	}
	lines, err := s.Store.FundingLines(ctx, p.CityID, p.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	for i := range lines {
		if lines[i].ID == lineID {
			return a, p, &lines[i], nil
		}
	}
	return nil, nil, nil, huanxin.Errorf(huanxin.ENOTFOUND, "资金记录不存在 funding line not found")
}

// Advance marks committed money received with the document that proves
// it; allocating and paying it are recorded by Spending.
func (s *Service) Advance(ctx context.Context, planID, lineID int64, to Status, ref string) error {
	a, p, l, err := s.line(ctx, planID, lineID)
	if err != nil {
		return err
	}
	if l.Withdrawn {
		return huanxin.Errorf(huanxin.EINVALID, "该资金已撤回 the money was withdrawn")
	}
	if err := Advance(l.Status, to); err != nil {
		return err
	}
	from := l.Status
	l.Status = to
	if ref = strings.TrimSpace(ref); ref != "" {
		l.Ref = ref
	}
	return s.Store.UpdateFundingLine(ctx, p.CityID, p.ID, l, from, a.UserID)
}

// Withdraw records that a source took its money back. Money already
// allocated to a contract (in part or in full) cannot be withdrawn.
func (s *Service) Withdraw(ctx context.Context, planID, lineID int64, ref string) error {
	a, p, l, err := s.line(ctx, planID, lineID)
	if err != nil {
		return err
	}
	allocs, err := s.Store.Allocations(ctx, p.CityID, p.ID)
	if err != nil {
		return err
	}
	if l.Withdrawn || slices.ContainsFunc(allocs, func(a Allocation) bool { return a.FundingLineID == l.ID }) {
		return huanxin.Errorf(huanxin.EINVALID, "已安排到合同或已撤回的资金不能撤回 money allocated to a contract or withdrawn cannot be withdrawn")
	}
	l.Withdrawn = true
	if ref = strings.TrimSpace(ref); ref != "" {
		l.Ref = ref
	}
	return s.Store.UpdateFundingLine(ctx, p.CityID, p.ID, l, l.Status, a.UserID)
}
