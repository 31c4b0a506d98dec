package plan

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/notice"
	"github.com/huanxin/huanxin/planning"
)

// Plan is an estate's renovation plan: its current version's lines and
// where it stands. Lines change only while the plan is a draft; each
// submission freezes a version, and a plan returned or revised continues
// as the next version.
type Plan struct {
	ID             int64
	CityID         int64
	EstateID       int64
	Title          string
	Status         Status
	Version        int
	Lines          []Line
	SignOffs       []SignOff
	ReturnedReason string
	DecisionID     int64 // the owners' decision created from the plan, 0 if none
	NoticeID       int64 // the notice publishing it for comments (公示), 0 if none
	CreatedBy      int64
	Created        time.Time
	Updated        time.Time
}

// Link is what a plan leads to: the owners' decision on it, the notice
// that publishes it for residents' comments.
type Link struct {
	DecisionID int64
	NoticeID   int64
}

// SignOff is a department's or utility company's approval of an item of
// the plan (a key of planning.SignOffBodies), recorded by whoever
// received it.
type SignOff struct {
	ItemCode string
	Body     string
	By       int64
	At       time.Time
	Note     string
}

// Version is a frozen set of lines.
type Version struct {
	Version int
	Lines   []Line
	By      int64
	At      time.Time
}

// Step is one move of a plan's status, with the reason of a return.
type Step struct {
	From, To Status
	By       int64
	At       time.Time
	Reason   string
}

// Store is what plans need from storage.
type Store interface {
	// CreatePlan stores a new draft plan as version 1 with its lines.
	CreatePlan(ctx context.Context, p *Plan) error
	// FindPlans lists the plans of an estate within the scope, newest first.
	FindPlans(ctx context.Context, s huanxin.Scope, estateID int64) ([]*Plan, error)
	// FindPlansByStatus lists the plans within the scope in any of the
	// statuses, newest first.
	FindPlansByStatus(ctx context.Context, s huanxin.Scope, statuses []Status) ([]*Plan, error)
	// FindPlanByID returns a plan within the scope with its current lines
	// and sign-offs, or ENOTFOUND.
	FindPlanByID(ctx context.Context, s huanxin.Scope, id int64) (*Plan, error)
	// SavePlanLines replaces the lines of a draft plan's current version;
	// ECONFLICT when the plan is no longer that draft version.
	SavePlanLines(ctx context.Context, id int64, version int, lines []Line, by int64) error
	// MovePlan changes a plan's status from step.From to step.To, keeping
	// the step; with newVersion the plan continues as the next version
	// (its lines copied). ECONFLICT when the plan is no longer in From.
	MovePlan(ctx context.Context, id int64, step Step, reason string, newVersion bool) error
	// PlanVersions lists the frozen and current versions, oldest first;
	// PlanSteps the moves, oldest first.
	PlanVersions(ctx context.Context, id int64) ([]Version, error)
	PlanSteps(ctx context.Context, id int64) ([]Step, error)
	// AddSignOff records a sign-off.
	AddSignOff(ctx context.Context, id int64, so *SignOff) error
	// LinkPlan records the owners' decision created from a plan or the
	// notice publishing it (the non-zero ones).
	LinkPlan(ctx context.Context, id int64, l Link) error
}

// Service runs renovation plans. Officers of the estate's jurisdiction
// draft them; the community, the sub-district and the district approve
// them in turn, each only at its own step.
type Service struct {
	Store     Store
	Register  *estate.Service
	Catalogue *planning.CatalogueService
	Decisions *decision.Service
	// Notices publishes plans for residents' comments.
	Notices *notice.Service
	// Needs returns the needs the latest survey of an estate shows (for
	// omissions); nil when surveys are not wired.
	Needs func(ctx context.Context, estateID int64) ([]Need, error)
	// Asks returns, per catalogue item, the households of an estate that
	// asked for it in the needs questionnaire; nil when not wired.
	Asks func(ctx context.Context, estateID int64) (map[string]int64, error)
	// Approved, when set, is told of a plan the district has just
	// approved (planning derives the ranking's cost per household); its
	// error is returned after the approval is stored.
	Approved func(ctx context.Context, p *Plan) error
}

func officer(ctx context.Context) (*huanxin.Actor, error) {
	return huanxin.Officer(ctx, "无权编制改造方案 you may not prepare renovation plans")
}

// Create starts a draft plan for an estate in the officer's scope.
func (s *Service) Create(ctx context.Context, estateID int64, title string) (*Plan, error) {
	a, err := officer(ctx)
	if err != nil {
		return nil, err
	}
	e, err := s.Register.Estates().Get(ctx, estateID)
	if err != nil {
		return nil, err
	}
	title = strings.TrimSpace(title)
	if title == "" || utf8.RuneCountInString(title) > 200 {
		return nil, huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "title", Message: "必填，200字以内 required, at most 200 characters"})
	}
	p := &Plan{CityID: e.CityID, EstateID: e.ID, Title: title, Status: Draft, Version: 1, CreatedBy: a.UserID}
	return p, s.Store.CreatePlan(ctx, p)
}

// Get returns a plan visible to the actor.
func (s *Service) Get(ctx context.Context, id int64) (*Plan, error) {
	a := huanxin.ActorFromContext(ctx)
	if a == nil {
		return nil, huanxin.Errorf(huanxin.EUNAUTHORIZED, "请先登录 please sign in")
	}
	return s.Store.FindPlanByID(ctx, a.Scope, id)
}

// List returns the plans of an estate visible to the actor.
func (s *Service) List(ctx context.Context, estateID int64) ([]*Plan, error) {
	a := huanxin.ActorFromContext(ctx)
	if a == nil {
		return nil, huanxin.Errorf(huanxin.EUNAUTHORIZED, "请先登录 please sign in")
	}
	return s.Store.FindPlans(ctx, a.Scope, estateID)
}

// items returns the city's catalogue by code.
func (s *Service) items(ctx context.Context, cityID int64) (map[string]*planning.Item, error) {
	its, err := s.Catalogue.Items(ctx, cityID, planning.Filter{})
	if err != nil {
		return nil, err
	}
	out := make(map[string]*planning.Item, len(its))
	for _, it := range its {
		out[it.Code] = it
	}
	return out, nil
}

// LineInput is a line as an officer enters it: the catalogue item, the
// quantity in hundredths of its unit, the phase and the buildings; a zero
// UnitCost takes the catalogue's reference cost.
type LineInput struct {
	ItemCode string
	Quantity int64
	UnitCost huanxin.Money
	Phase    int
	Zone     []int64
	Findings []int64
	Asked    int64
}

// SetLines replaces the lines of a draft plan. Each line is checked
// against the city's catalogue (active items only) and the estate's
// buildings; errors name the line and field.
func (s *Service) SetLines(ctx context.Context, id int64, in []LineInput) (*Plan, error) {
	a, p, err := s.draft(ctx, id)
	if err != nil {
		return nil, err
	}
	items, err := s.items(ctx, p.CityID)
	if err != nil {
		return nil, err
	}
	buildings := map[int64]bool{}
	bs, _, err := s.Register.Buildings().Find(ctx, estate.Filter{EstateID: &p.EstateID, Limit: 10000})
	if err != nil {
		return nil, err
	}
	for _, b := range bs {
		buildings[b.ID] = true
	}
	var bad []huanxin.FieldError
	lines := make([]Line, 0, len(in))
	for i, li := range in {
		f := "lines." + strconv.Itoa(i)
		fail := func(field, msg string) { bad = append(bad, huanxin.FieldError{Field: f + "." + field, Message: msg}) }
		it, ok := items[strings.TrimSpace(li.ItemCode)]
		if !ok || !it.Active {
			fail("item_code", "不是本市改造内容清单中的有效项目 not an active item of the city's catalogue")
			continue
		}
		if li.Quantity <= 0 {
			fail("quantity", "应大于0 must be positive")
		}
		if li.UnitCost < 0 || li.UnitCost > planning.MaxUnitCost {
			fail("unit_cost", "单价超出范围 unit cost out of range")
		}
		if li.Phase < 1 || li.Phase > 20 {
			fail("phase", "应为1–20期 must be phase 1–20")
		}
		for _, b := range li.Zone {
			if !buildings[b] {
				fail("zone", "楼栋 "+strconv.FormatInt(b, 10)+" 不属于本小区 is not a building of the estate")
			}
		}
		cost := li.UnitCost
		if cost == 0 {
			cost = it.UnitCost
		}
		zone := slices.Clone(li.Zone)
		slices.Sort(zone)
		lines = append(lines, Line{ItemCode: it.Code, Name: it.Name, Category: string(it.Category), Unit: it.Unit,
			Quantity: li.Quantity, UnitCost: cost, Phase: li.Phase, Zone: slices.Compact(zone), Findings: li.Findings, Asked: li.Asked})
	}
	if len(bad) == 0 {
		if _, err := Sum(lines); err != nil {
			return nil, err
		}
	}
	if len(bad) > 0 {
		return nil, huanxin.Invalid("方案有误 invalid plan lines", bad...)
	}
	if err := s.Store.SavePlanLines(ctx, p.ID, p.Version, lines, a.UserID); err != nil {
		return nil, err
	}
	return s.Get(ctx, p.ID)
}

// draft loads a plan an officer may edit: a draft in scope.
func (s *Service) draft(ctx context.Context, id int64) (*huanxin.Actor, *Plan, error) {
	a, err := officer(ctx)
	if err != nil {
		return nil, nil, err
	}
	p, err := s.Store.FindPlanByID(ctx, a.Scope, id)
	if err != nil {
		return nil, nil, err
	}
	if p.Status != Draft {
		return nil, nil, huanxin.Errorf(huanxin.EINVALID, "方案已提交审核，不能修改；请先退回或修订 the plan is under approval; return or revise it first")
	}
	return a, p, nil
}

// Review is a plan with what is computed from it: totals, lines out of
// dependency order, survey needs it leaves out, and the sign-offs each
// line still lacks (item code → bodies).
type Review struct {
	*Plan
	Totals     Totals
	Violations []Violation
	Omissions  []Omission
	Missing    map[string][]string
}

// Review returns a plan with its checks.
func (s *Service) Review(ctx context.Context, id int64) (*Review, error) {
	p, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	items, err := s.items(ctx, p.CityID)
	if err != nil {
		return nil, err
	}
	r := &Review{Plan: p, Missing: map[string][]string{}}
	if r.Totals, err = Sum(p.Lines); err != nil {
		return nil, err
	}
	deps := map[string][]string{}
	for code, it := range items {
		deps[code] = it.DependsOn
	}
	r.Violations = Order(p.Lines, deps)
	if s.Asks != nil {
		asked, err := s.Asks(ctx, p.EstateID)
		if err != nil {
			return nil, err
		}
		for i := range r.Lines {
			if n, ok := asked[r.Lines[i].ItemCode]; ok {
				r.Lines[i].Asked = n
			}
		}
	}
	if s.Needs != nil {
		needs, err := s.Needs(ctx, p.EstateID)
		if err != nil {
			return nil, err
		}
		r.Omissions = Omissions(p.Lines, needs)
	}
	for _, l := range p.Lines {
		it := items[l.ItemCode]
		if it == nil {
			continue
		}
		for _, body := range it.SignOffs {
			signed := slices.ContainsFunc(p.SignOffs, func(so SignOff) bool { return so.ItemCode == l.ItemCode && so.Body == body })
			if !signed && !slices.Contains(r.Missing[l.ItemCode], body) {
				r.Missing[l.ItemCode] = append(r.Missing[l.ItemCode], body)
			}
		}
	}
	return r, nil
}

// Submit hands a draft plan to the community for approval. A plan with no
// lines, or with lines out of dependency order, is refused with the lines
// named.
func (s *Service) Submit(ctx context.Context, id int64) error {
	a, p, err := s.draft(ctx, id)
	if err != nil {
		return err
	}
	if len(p.Lines) == 0 {
		return huanxin.Errorf(huanxin.EINVALID, "方案还没有改造项目 the plan has no lines")
	}
	r, err := s.Review(ctx, id)
	if err != nil {
		return err
	}
	if len(r.Violations) > 0 {
		var bad []huanxin.FieldError
		for _, v := range r.Violations {
			bad = append(bad, huanxin.FieldError{Field: "lines." + strconv.Itoa(v.Line) + ".phase",
				Message: "“" + p.Lines[v.Line].Name + "”排在第" + strconv.Itoa(v.Phase) + "期，但须先完成的“" + p.Lines[v.Before].Name +
					"”在第" + strconv.Itoa(v.Needs) + "期 planned before an item it depends on"})
		}
		return huanxin.Invalid("施工顺序有误 lines out of dependency order", bad...)
	}
	return s.Store.MovePlan(ctx, p.ID, Step{From: Draft, To: Submitted, By: a.UserID}, "", false)
}

// level returns the level of the jurisdiction an officer is bound to: the
// deepest of their scope's paths.
func (s *Service) level(ctx context.Context, a *huanxin.Actor) (huanxin.Level, error) {
	if a.Scope.All {
		return huanxin.LevelProvince, nil
	}
	var best huanxin.Level
	for _, path := range a.Scope.Paths {
		parts := strings.Split(strings.Trim(path, "/"), "/")
		id, err := strconv.ParseInt(parts[len(parts)-1], 10, 64)
		if err != nil {
			continue
		}
		j, err := s.Register.Jurisdictions().Get(ctx, id)
		if err != nil {
			continue
		}
		if slices.Index(huanxin.Levels, j.Level) > slices.Index(huanxin.Levels, best) {
			best = j.Level
		}
	}
	return best, nil
}

// approves reports whether an officer bound at level lv approves the step
// of level want: officers of that level, and administrators and city
// bureaus above the district for any level.
func approves(a *huanxin.Actor, lv, want huanxin.Level) bool {
	above := slices.Index(huanxin.Levels, lv) < slices.Index(huanxin.Levels, huanxin.LevelDistrict)
	return lv == want || above && (a.Role == huanxin.RoleAdmin || a.Role == huanxin.RoleBureau)
}

// approver loads a plan awaiting the actor's approval: the actor's level
// must be the one of the plan's step (administrators and city bureaus may
// act for any level).
func (s *Service) approver(ctx context.Context, id int64) (*huanxin.Actor, *Plan, error) {
	a, err := officer(ctx)
	if err != nil {
		return nil, nil, err
	}
	p, err := s.Store.FindPlanByID(ctx, a.Scope, id)
	if err != nil {
		return nil, nil, err
	}
	want, ok := Approver(p.Status)
	if !ok {
		return nil, nil, huanxin.Errorf(huanxin.EINVALID, "方案当前不在审核中 the plan is not awaiting approval")
	}
	lv, err := s.level(ctx, a)
	if err != nil {
		return nil, nil, err
	}
	if !approves(a, lv, want) {
		return nil, nil, huanxin.Errorf(huanxin.EFORBIDDEN, "此步应由%s审核 this step is approved at the %s level", want, want)
	}
	return a, p, nil
}

// Awaiting lists the plans in the actor's scope that wait for the
// actor's approval: those whose current step is approved at the actor's
// level (every step for administrators and city bureaus above the
// district).
func (s *Service) Awaiting(ctx context.Context) ([]*Plan, error) {
	a, err := officer(ctx)
	if err != nil {
		return nil, err
	}
	lv, err := s.level(ctx, a)
	if err != nil {
		return nil, err
	}
	var statuses []Status
	for _, st := range Statuses {
		if want, ok := Approver(st); ok && approves(a, lv, want) {
			statuses = append(statuses, st)
		}
	}
	return s.Store.FindPlansByStatus(ctx, a.Scope, statuses)
}

// Approve moves a plan one approval step on.
func (s *Service) Approve(ctx context.Context, id int64) error {
	a, p, err := s.approver(ctx, id)
	if err != nil {
		return err
	}
	to, _ := Next(p.Status)
	if err := s.Store.MovePlan(ctx, p.ID, Step{From: p.Status, To: to, By: a.UserID}, "", false); err != nil {
		return err
	}
	if to != Approved || s.Approved == nil {
		return nil
	}
	p.Status = Approved
	return s.Approved(ctx, p)
}

// Return sends a plan under approval back to draft with the reason; it
// continues as the next version.
func (s *Service) Return(ctx context.Context, id int64, reason string) error {
	a, p, err := s.approver(ctx, id)
	if err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 2000 {
		return huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "reason", Message: "请说明退回原因 say why (at most 2000 characters)"})
	}
	return s.Store.MovePlan(ctx, p.ID, Step{From: p.Status, To: Draft, By: a.UserID, Reason: reason}, reason, true)
}

// Revise reopens an approved plan as the next draft version.
func (s *Service) Revise(ctx context.Context, id int64) error {
	a, err := officer(ctx)
	if err != nil {
		return err
	}
	p, err := s.Store.FindPlanByID(ctx, a.Scope, id)
	if err != nil {
		return err
	}
	if p.Status != Approved {
		return huanxin.Errorf(huanxin.EINVALID, "只有已批复的方案可以修订 only an approved plan is revised")
	}
	return s.Store.MovePlan(ctx, p.ID, Step{From: Approved, To: Draft, By: a.UserID, Reason: "revision"}, "", true)
}

// SignOff records a department's or utility company's approval of an item
// of the plan: officers record one received on paper; users of utility
// companies record their own.
func (s *Service) SignOff(ctx context.Context, id int64, itemCode, body, note string) error {
	a := huanxin.ActorFromContext(ctx)
	if a == nil {
		return huanxin.Errorf(huanxin.EUNAUTHORIZED, "请先登录 please sign in")
	}
	if a.ReadOnly || (!a.Role.CanEditRegister() && a.Role != huanxin.RoleUtility) {
		return huanxin.Errorf(huanxin.EFORBIDDEN, "无权登记会签 you may not record sign-offs")
	}
	r, err := s.Review(ctx, id)
	if err != nil {
		return err
	}
	if !slices.Contains(r.Missing[itemCode], body) {
		return huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "body",
			Message: "该项目不需要此部门会签，或已会签 the item needs no sign-off by this body, or has it already"})
	}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 1000 {
		return huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "note", Message: "过长 too long (max 1000)"})
	}
	return s.Store.AddSignOff(ctx, r.ID, &SignOff{ItemCode: itemCode, Body: body, By: a.UserID, Note: note})
}

// History returns a plan's versions and steps.
func (s *Service) History(ctx context.Context, id int64) ([]Version, []Step, error) {
	p, err := s.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	vs, err := s.Store.PlanVersions(ctx, p.ID)
	if err != nil {
		return nil, nil, err
	}
	st, err := s.Store.PlanSteps(ctx, p.ID)
	return vs, st, err
}

// Compare returns two versions of a plan and what changed between them:
// to defaults to the current version, from to the one before to. A
// version the plan does not have is EINVALID on field from or to.
func (s *Service) Compare(ctx context.Context, id int64, from, to *int64) (a, b Version, changes []Change, err error) {
	vs, _, err := s.History(ctx, id)
	if err != nil {
		return a, b, nil, err
	}
	pick := func(field string, n int64) (Version, error) {
		i := slices.IndexFunc(vs, func(v Version) bool { return int64(v.Version) == n })
		if i < 0 {
			return Version{}, huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: field,
				Message: "方案没有此版本 the plan has no such version"})
		}
		return vs[i], nil
	}
	last := int64(vs[len(vs)-1].Version)
	if to == nil {
		to = &last
	}
	if b, err = pick("to", *to); err != nil {
		return a, b, nil, err
	}
	if from == nil {
		prev := max(*to-1, 1)
		from = &prev
	}
	if a, err = pick("from", *from); err != nil {
		return a, b, nil, err
	}
	return a, b, Diff(a.Lines, b.Lines), nil
}

// CreateDecision prepares the owners' decision on an approved plan: one
// matter per Art. 278 item its lines need (a lift or other rebuilding is
// item 7), over the whole estate, as a draft the officer completes and
// publishes. The plan keeps the decision's ID.
func (s *Service) CreateDecision(ctx context.Context, id int64, noticeDays int) (*decision.Decision, error) {
	if _, err := officer(ctx); err != nil {
		return nil, err
	}
	p, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.Status != Approved {
		return nil, huanxin.Errorf(huanxin.EINVALID, "方案批复后才能发起业主表决 the owners vote on an approved plan")
	}
	if p.DecisionID != 0 {
		return nil, huanxin.Errorf(huanxin.ECONFLICT, "已为此方案发起表决 a decision has already been created for this plan")
	}
	items, err := s.items(ctx, p.CityID)
	if err != nil {
		return nil, err
	}
	byItem := map[decision.Item][]string{}
	for _, l := range p.Lines {
		if it := items[l.ItemCode]; it != nil && it.DecisionItem != decision.Consultation {
			byItem[it.DecisionItem] = append(byItem[it.DecisionItem], l.Name)
		}
	}
	d := &decision.Decision{EstateID: p.EstateID, Title: p.Title, ScopeKind: decision.ScopeEstate, NoticeDays: noticeDays,
		Description: "依据改造方案（第" + strconv.Itoa(p.Version) + "版）发起 from the renovation plan, version " + strconv.Itoa(p.Version)}
	for _, di := range slices.Sorted(maps.Keys(byItem)) {
		names := slices.Compact(slices.Sorted(slices.Values(byItem[di])))
		d.Matters = append(d.Matters, decision.Matter{Item: di, Title: "同意实施：" + strings.Join(names, "、")})
	}
	if len(d.Matters) == 0 {
		d.Matters = []decision.Matter{{Item: decision.Consultation, Title: "对改造方案的意见：" + p.Title}}
	}
	if err := s.Decisions.Create(ctx, d); err != nil {
		return nil, err
	}
	return d, s.Store.LinkPlan(ctx, p.ID, Link{DecisionID: d.ID})
}

// PublishForComments publishes a plan under approval or approved for the
// residents' comments (公示) from today to the end day, as a notice of the
// estate of type plan: residents object on the notice and officers answer
// there; the city's minimum publicity period applies. A plan is published
// once; the notice is kept on the plan.
func (s *Service) PublishForComments(ctx context.Context, id int64, end time.Time) (*notice.Notice, error) {
	if _, err := officer(ctx); err != nil {
		return nil, err
	}
	r, err := s.Review(ctx, id)
	if err != nil {
		return nil, err
	}
	switch {
	case r.Status == Draft:
		return nil, huanxin.Errorf(huanxin.EINVALID, "方案提交审核后才能公示 publish a plan for comments once it is submitted")
	case r.NoticeID != 0:
		return nil, huanxin.Errorf(huanxin.ECONFLICT, "方案已经公示 the plan has already been published for comments")
	}
	var body strings.Builder
	body.WriteString("《" + r.Title + "》（第" + strconv.Itoa(r.Version) + "版）现予公示，总投资 " + r.Totals.Total.String() + " 元。\n\n")
	for _, l := range r.Lines {
		t, _ := l.Total()
		body.WriteString("· " + l.Name + "：" + t.String() + " 元（第" + strconv.Itoa(l.Phase) + "期）\n")
	}
	body.WriteString("\n方案详情：/plans/" + strconv.FormatInt(r.ID, 10) + "\n\n公示期内如有意见，请在本公示下提出，我们将逐条答复。")
	n := &notice.Notice{ScopeKind: notice.ScopeEstate, EstateID: r.EstateID, Type: notice.TypePlan,
		Title: "改造方案公示：" + r.Title, Body: body.String(), PublicityStart: s.Notices.Today(), PublicityEnd: end}
	if err := s.Notices.Create(ctx, n); err != nil {
		return nil, err
	}
	if n, err = s.Notices.Publish(ctx, n.ID); err != nil {
		return nil, err
	}
	return n, s.Store.LinkPlan(ctx, r.ID, Link{NoticeID: n.ID})
}
