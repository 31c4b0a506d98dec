package programme

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/planning/plan"
)

// Status is where a programme stands: a scenario (draft) or the one the
// district adopted for the year.
type Status string

const (
	StatusDraft   Status = "draft"   // 方案（测算）
	StatusAdopted Status = "adopted" // 已采用
)

// ScoreSource says where the candidates' priority scores come from.
type ScoreSource string

const (
	// ScoresRanked takes each estate's score from the priority ranking by
	// a weight set (planning/priority); estates the ranking leaves out
	// (missing indicator values) score 0 and are marked Unranked.
	ScoresRanked ScoreSource = "ranked"
	// ScoresEqual gives every estate the score 1: the objective then
	// counts households (or estates) only.
	ScoresEqual ScoreSource = "equal"
)

// Entry is a candidate as it stood when the programme was computed: what
// the solver needs and what the report upward shows (register facts and
// the plan's costs by category).
type Entry struct {
	Candidate
	Code         string                   `json:"code"`
	DistrictName string                   `json:"district_name"`
	Street       string                   `json:"street"`
	Community    string                   `json:"community"`
	YearBuilt    int                      `json:"year_built"`
	Buildings    int                      `json:"buildings"`
	FloorArea    huanxin.Area             `json:"floor_area"`
	PlanID       int64                    `json:"plan_id"`
	PlanVersion  int                      `json:"plan_version"`
	ByCategory   map[string]huanxin.Money `json:"by_category"` // basic, improve, enhance
	Unranked     bool                     `json:"unranked"`    // ranked scores: the ranking left it out
}

// Input is what an officer gives to compute a programme (a scenario).
type Input struct {
	JurisdictionID int64
	Year           int
	Title          string
	Objective      Objective
	Constraints    Constraints
	Must, MustNot  []int64 // estate IDs
	Scores         ScoreSource
	WeightSetID    int64 // with ScoresRanked
	// TimeLimit bounds the search (0: Solve's default).
	TimeLimit time.Duration
}

// Programme is one computed scenario of a jurisdiction's annual programme.
type Programme struct {
	ID             int64
	CityID         int64
	JurisdictionID int64 // the district or city running it
	Path           string
	Year           int
	Title          string
	Objective      Objective
	Constraints    Constraints
	Must, MustNot  []int64
	Scores         ScoreSource
	WeightSetID    int64
	Candidates     []Entry // nil in lists
	Result         *Result // nil in lists
	Summary        Totals
	Gap            float64
	Optimal        bool
	Status         Status
	CreatedBy      int64
	Created        time.Time
	AdoptedBy      int64
	Adopted        time.Time
}

// PlannedEstate is an estate's latest approved plan, with the floor area
// of its exclusive parts.
type PlannedEstate struct {
	EstateID  int64
	PlanID    int64
	Version   int
	Lines     []plan.Line
	FloorArea huanxin.Area
}

// Filter selects programmes.
type Filter struct {
	JurisdictionID *int64
	Year           *int
}

// Store is what programmes need from storage.
type Store interface {
	// ApprovedPlans lists the latest approved plan of each estate of the
	// city under the jurisdiction path, by estate ID.
	ApprovedPlans(ctx context.Context, cityID int64, path string) ([]PlannedEstate, error)
	// CreateProgramme stores a computed programme, audited.
	CreateProgramme(ctx context.Context, p *Programme) error
	// FindProgrammes lists, newest first and without candidates and
	// result, the programmes the scope sees: those of jurisdictions in
	// it, above it or equal to it.
	FindProgrammes(ctx context.Context, s huanxin.Scope, f Filter) ([]*Programme, error)
	// FindProgrammeByID returns a programme the scope sees, or ENOTFOUND.
	FindProgrammeByID(ctx context.Context, s huanxin.Scope, id int64) (*Programme, error)
	// AdoptProgramme marks a programme adopted and the one adopted
	// before for the same jurisdiction and year (if any) a draft again.
	AdoptProgramme(ctx context.Context, id, by int64) error
}

// Scorer returns the priority scores of the estates under a jurisdiction
// ranked by a weight set; estates the ranking leaves out are absent.
type Scorer func(ctx context.Context, jurisdictionID, weightSetID int64) (map[int64]float64, error)

// Service runs annual programmes. Housing bureaus (and administrators)
// of a district or a city compute scenarios and adopt one; street and
// community officers and auditors read them.
type Service struct {
	Store    Store
	Register *estate.Service
	// Scores ranks estates; nil leaves equal scores the only source.
	Scores Scorer
}

// MayRead reports whether a role may see programmes.
func MayRead(r huanxin.Role) bool {
	switch r {
	case huanxin.RoleAdmin, huanxin.RoleBureau, huanxin.RoleStreet, huanxin.RoleCommunity, huanxin.RoleAuditor:
		return true
	}
	return false
}

// MayRun reports whether a role may compute and adopt programmes.
func MayRun(r huanxin.Role) bool { return r == huanxin.RoleAdmin || r == huanxin.RoleBureau }

func reader(ctx context.Context) (*huanxin.Actor, error) {
	a := huanxin.ActorFromContext(ctx)
	switch {
	case a == nil:
		return nil, huanxin.Errorf(huanxin.EUNAUTHORIZED, "请先登录 please sign in")
	case !MayRead(a.Role):
		return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "无权查看年度改造计划 you may not view annual programmes")
	}
	return a, nil
}

func runner(ctx context.Context) (*huanxin.Actor, error) {
	a, err := reader(ctx)
	if err != nil {
		return nil, err
	}
	if !MayRun(a.Role) || a.ReadOnly {
		return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "只有区、市住建局可以编制和采用年度改造计划 only district and city housing bureaus prepare and adopt annual programmes")
	}
	return a, nil
}

// Jurisdiction returns the district or city a programme may be run for:
// one in the actor's scope at district or city level.
func (s *Service) Jurisdiction(ctx context.Context, id int64) (*estate.Jurisdiction, error) {
	if _, err := runner(ctx); err != nil {
		return nil, err
	}
	j, err := s.Register.Jurisdictions().Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if j.Level != huanxin.LevelDistrict && j.Level != huanxin.LevelCity {
		return nil, huanxin.Invalid("年度计划须由区或市编制 a programme is run by a district or a city",
			huanxin.FieldError{Field: "jurisdiction_id", Message: "须为区或市 must be a district or a city"})
	}
	return j, nil
}

// Candidates returns the estates under a district or city that have an
// approved plan, with their plan's costs and their priority scores, in
// estate ID order.
func (s *Service) Candidates(ctx context.Context, jurisdictionID int64, src ScoreSource, weightSetID int64) ([]Entry, error) {
	j, err := s.Jurisdiction(ctx, jurisdictionID)
	if err != nil {
		return nil, err
	}
	var scores map[int64]float64
	switch src {
	case ScoresEqual:
	case ScoresRanked:
		if s.Scores == nil {
			return nil, huanxin.Invalid("优先排序尚不可用 ranked scores are not available",
				huanxin.FieldError{Field: "scores", Message: "请选择“同等得分” choose equal scores"})
		}
		if scores, err = s.Scores(ctx, j.ID, weightSetID); err != nil {
			return nil, err
		}
	default:
		return nil, huanxin.Invalid("得分来源有误 unknown score source", huanxin.FieldError{Field: "scores", Message: "须为 ranked 或 equal must be ranked or equal"})
	}
	planned, err := s.Store.ApprovedPlans(ctx, j.CityID, j.Path)
	if err != nil {
		return nil, err
	}
	byEstate := make(map[int64]PlannedEstate, len(planned))
	for _, pe := range planned {
		byEstate[pe.EstateID] = pe
	}
	var out []Entry
	districts := map[int64]*estate.Jurisdiction{}
	for off := 0; len(byEstate) > 0; off += 1000 {
		es, total, err := s.Register.Estates().Find(ctx, estate.Filter{JurisdictionID: &j.ID, Offset: off, Limit: 1000})
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			pe, ok := byEstate[e.ID]
			if !ok {
				continue
			}
			t, err := plan.Sum(pe.Lines)
			if err != nil {
				return nil, err
			}
			d, err := s.district(ctx, e.JurisdictionID, districts)
			if err != nil {
				return nil, err
			}
			en := Entry{Candidate: Candidate{EstateID: e.ID, Name: e.Name, District: d.ID, Households: int64(e.Dwellings),
				Score: 1, Cost: t.Total, BasicCost: t.ByCategory["basic"]},
				Code: e.Code, DistrictName: d.Name, Street: e.Street, Community: e.Community, YearBuilt: e.YearBuilt,
				Buildings: e.Buildings, FloorArea: pe.FloorArea, PlanID: pe.PlanID, PlanVersion: pe.Version, ByCategory: t.ByCategory}
			if src == ScoresRanked {
				en.Score, ok = scores[e.ID]
				en.Unranked = !ok
			}
			out = append(out, en)
		}
		if off+len(es) >= total || len(es) == 0 {
			break
		}
	}
	slices.SortFunc(out, func(a, b Entry) int { return int(a.EstateID - b.EstateID) })
	return out, nil
}

// district walks up from a jurisdiction to its district (or, for an
// estate directly under a city, the highest jurisdiction the actor sees).
func (s *Service) district(ctx context.Context, id int64, seen map[int64]*estate.Jurisdiction) (*estate.Jurisdiction, error) {
	if d, ok := seen[id]; ok {
		return d, nil
	}
	j, err := s.Register.Jurisdictions().Get(ctx, id)
	if err != nil {
		return nil, err
	}
	d := j
	if j.Level != huanxin.LevelDistrict && j.Level != huanxin.LevelCity && j.ParentID != 0 {
		if d, err = s.district(ctx, j.ParentID, seen); err != nil {
			return nil, err
		}
	}
	seen[id] = d
	return d, nil
}

// Create computes a scenario and stores it as a draft programme. The
// candidates are those of Candidates, marked must and must-not as asked;
// estates named in Must or MustNot that are not candidates are refused.
func (s *Service) Create(ctx context.Context, in Input) (*Programme, error) {
	a, err := runner(ctx)
	if err != nil {
		return nil, err
	}
	var bad []huanxin.FieldError
	in.Title = strings.TrimSpace(in.Title)
	if in.Title == "" || utf8.RuneCountInString(in.Title) > 200 {
		bad = append(bad, huanxin.FieldError{Field: "title", Message: "必填，200字以内 required, at most 200 characters"})
	}
	if in.Year < 2000 || in.Year > 2100 {
		bad = append(bad, huanxin.FieldError{Field: "year", Message: "年度应在 2000–2100 之间 the year must lie between 2000 and 2100"})
	}
	if len(bad) > 0 {
		return nil, huanxin.Invalid("输入有误 invalid input", bad...)
	}
	if in.Objective == "" {
		in.Objective = ObjectiveScoreHouseholds
	}
	j, err := s.Jurisdiction(ctx, in.JurisdictionID)
	if err != nil {
		return nil, err
	}
	entries, err := s.Candidates(ctx, j.ID, in.Scores, in.WeightSetID)
	if err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, huanxin.Invalid("没有可选的小区 no candidates",
			huanxin.FieldError{Field: "jurisdiction_id", Message: "辖区内没有已批复改造方案的小区 no estate of the jurisdiction has an approved plan"})
	}
	index := make(map[int64]int, len(entries))
	for i, e := range entries {
		index[e.EstateID] = i
	}
	in.Must, in.MustNot = sortedIDs(in.Must), sortedIDs(in.MustNot)
	for _, f := range []struct {
		field string
		ids   []int64
		must  bool
	}{{"must", in.Must, true}, {"must_not", in.MustNot, false}} {
		for _, id := range f.ids {
			i, ok := index[id]
			if !ok {
				bad = append(bad, huanxin.FieldError{Field: f.field, Message: fmt.Sprintf("小区 %d 不是候选小区（须有已批复的改造方案） estate %d is not a candidate (it needs an approved plan)", id, id)})
				continue
			}
			if f.must {
				entries[i].Must = true
			} else {
				entries[i].MustNot = true
			}
		}
	}
	if len(bad) > 0 {
		return nil, huanxin.Invalid("必须纳入或不纳入的小区有误 invalid must or must-not estates", bad...)
	}
	prob := Problem{Objective: in.Objective, Constraints: in.Constraints, Candidates: make([]Candidate, len(entries))}
	for i, e := range entries {
		prob.Candidates[i] = e.Candidate
	}
	res, err := Solve(ctx, prob, Options{TimeLimit: in.TimeLimit})
	if err != nil {
		return nil, err
	}
	p := &Programme{CityID: j.CityID, JurisdictionID: j.ID, Path: j.Path, Year: in.Year, Title: in.Title, Objective: in.Objective,
		Constraints: in.Constraints, Must: in.Must, MustNot: in.MustNot, Scores: in.Scores, WeightSetID: in.WeightSetID,
		Candidates: entries, Result: res, Summary: res.Totals, Gap: res.Gap, Optimal: res.Optimal, Status: StatusDraft, CreatedBy: a.UserID}
	if in.Scores != ScoresRanked {
		p.WeightSetID = 0
	}
	return p, s.Store.CreateProgramme(ctx, p)
}

func sortedIDs(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	out = slices.Compact(out)
	if out == nil {
		out = []int64{}
	}
	return out
}

// List returns the programmes the actor sees, newest first, without
// candidates and result.
func (s *Service) List(ctx context.Context, f Filter) ([]*Programme, error) {
	a, err := reader(ctx)
	if err != nil {
		return nil, err
	}
	return s.Store.FindProgrammes(ctx, a.Scope, f)
}

// Get returns a programme the actor sees, with its candidates and result.
func (s *Service) Get(ctx context.Context, id int64) (*Programme, error) {
	a, err := reader(ctx)
	if err != nil {
		return nil, err
	}
	return s.Store.FindProgrammeByID(ctx, a.Scope, id)
}

// Scenarios sets two scenarios side by side: A the reference, B the
// variant.
type Scenarios struct {
	A, B *Programme
	Comparison
}

// Compare compares two programmes of the same jurisdiction and year.
func (s *Service) Compare(ctx context.Context, a, b int64) (*Scenarios, error) {
	pa, err := s.Get(ctx, a)
	if err != nil {
		return nil, err
	}
	pb, err := s.Get(ctx, b)
	if err != nil {
		return nil, err
	}
	if pa.JurisdictionID != pb.JurisdictionID || pa.Year != pb.Year {
		return nil, huanxin.Invalid("只能比较同一辖区、同一年度的方案 only scenarios of the same jurisdiction and year compare",
			huanxin.FieldError{Field: "with", Message: "辖区或年度不同 another jurisdiction or year"})
	}
	return &Scenarios{A: pa, B: pb, Comparison: Compare(*pa.Result, *pb.Result)}, nil
}

// Adopt makes a programme the jurisdiction's adopted programme for its
// year; the one adopted before becomes a scenario again.
func (s *Service) Adopt(ctx context.Context, id int64) (*Programme, error) {
	a, err := runner(ctx)
	if err != nil {
		return nil, err
	}
	p, err := s.Store.FindProgrammeByID(ctx, a.Scope, id)
	if err != nil {
		return nil, err
	}
	if !a.Scope.CoversPath(p.Path) {
		return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "只有编制该计划的辖区可以采用 only the jurisdiction of the programme adopts it")
	}
	if p.Status == StatusAdopted {
		return nil, huanxin.Errorf(huanxin.ECONFLICT, "该方案已被采用 the programme is already adopted")
	}
	if err := s.Store.AdoptProgramme(ctx, p.ID, a.UserID); err != nil {
		return nil, err
	}
	return s.Store.FindProgrammeByID(ctx, a.Scope, id)
}

// ShareOf turns a percentage with at most two decimals (e.g. "35" or
// "35.5") into the exact Share num/10000; "" or "0" is no minimum.
func ShareOf(pct string) (Share, error) {
	pct = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(pct), "%"))
	if pct == "" {
		return Share{}, nil
	}
	c, ok := huanxin.ParseCenti(pct)
	if !ok || c < 0 || c > 10000 {
		return Share{}, huanxin.Invalid("占比有误 invalid share", huanxin.FieldError{Field: "min_basic_share",
			Message: "应为 0–100 之间的百分数，最多两位小数 a percentage between 0 and 100 with at most two decimals"})
	}
	if c == 0 {
		return Share{}, nil
	}
	return Share{Num: c, Den: 10000}, nil
}

// Percent is a share as a percentage.
func (sh Share) Percent() float64 {
	if sh.Den == 0 {
		return 0
	}
	return math.Round(1e4*float64(sh.Num)/float64(sh.Den)) / 100
}
