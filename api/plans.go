package api

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/notice"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/planning/plan"
)

var (
	planListParams = []string{"estate_id", "status", "awaiting", "page", "per_page"}
	planDiffParams = []string{"from", "to"}
)

// planHandlers serve estates' renovation plans (改造方案): officers draft
// them, the community, the sub-district and the district approve them in
// turn. Who may do what is decided by the plan service.
type planHandlers struct{ svc *plan.Service }

// planRoutes mounts the plan endpoints.
func (a *API) planRoutes(svc *plan.Service) {
	h := planHandlers{svc: svc}
	base := Prefix + "/plans"
	a.handle("GET "+base, http.HandlerFunc(h.list), planListParams)
	a.handle("POST "+base, http.HandlerFunc(h.create), nil)
	a.handle("GET "+base+"/{id}", http.HandlerFunc(h.get), nil)
	a.handle("PUT "+base+"/{id}/lines", http.HandlerFunc(h.setLines), nil)
	a.handle("POST "+base+"/{id}/submit", h.move(svc.Submit), nil)
	a.handle("POST "+base+"/{id}/approve", h.move(svc.Approve), nil)
	a.handle("POST "+base+"/{id}/revise", h.move(svc.Revise), nil)
	a.handle("POST "+base+"/{id}/return", http.HandlerFunc(h.giveBack), nil)
	a.handle("POST "+base+"/{id}/sign-offs", http.HandlerFunc(h.signOff), nil)
	a.handle("GET "+base+"/{id}/history", http.HandlerFunc(h.history), nil)
	a.handle("GET "+base+"/{id}/diff", http.HandlerFunc(h.diff), planDiffParams)
	a.handle("POST "+base+"/{id}/decision", http.HandlerFunc(h.decision), nil)
	a.handle("POST "+base+"/{id}/publish", http.HandlerFunc(h.publish), nil)
}

// Plan is a renovation plan as listed: where it stands and its total in
// fen.
type Plan struct {
	ID             int64       `json:"id"`
	CityID         int64       `json:"city_id"`
	EstateID       int64       `json:"estate_id"`
	Title          string      `json:"title"`
	Status         plan.Status `json:"status"`
	Version        int         `json:"version"`
	ReturnedReason string      `json:"returned_reason"`
	DecisionID     int64       `json:"decision_id"`
	NoticeID       int64       `json:"notice_id"`
	CreatedBy      int64       `json:"created_by"`
	Created        time.Time   `json:"created"`
	Updated        time.Time   `json:"updated"`
	Total          int64       `json:"total"`
}

// PlanLine is one catalogue item of a plan: quantity in hundredths of the
// item's unit (12.5 m² is 1250), unit_cost and total in fen, the 1-based
// phase, the buildings it concerns (empty: the whole estate), the survey
// findings that justify it and the households that asked for it.
type PlanLine struct {
	ItemCode string  `json:"item_code"`
	Name     string  `json:"name"`
	Category string  `json:"category"`
	Unit     string  `json:"unit"`
	Quantity int64   `json:"quantity"`
	UnitCost int64   `json:"unit_cost"`
	Total    int64   `json:"total"`
	Phase    int     `json:"phase"`
	Zone     []int64 `json:"zone"`
	Findings []int64 `json:"findings"`
	Asked    int64   `json:"asked"`
}

// PlanLineInput is a line as entered: unit_cost 0 takes the catalogue's
// reference cost.
type PlanLineInput struct {
	ItemCode string  `json:"item_code"`
	Quantity int64   `json:"quantity"`
	UnitCost int64   `json:"unit_cost"`
	Phase    int     `json:"phase"`
	Zone     []int64 `json:"zone"`
	Findings []int64 `json:"findings"`
	Asked    int64   `json:"asked"`
}

// PlanLines is the body of PUT /api/v1/plans/{id}/lines: every line of
// the draft, replacing those it has.
type PlanLines struct {
	Lines []PlanLineInput `json:"lines"`
}

// PlanCreate is the body of POST /api/v1/plans.
type PlanCreate struct {
	EstateID int64  `json:"estate_id"`
	Title    string `json:"title"`
}

// PlanReturn is the body of POST /api/v1/plans/{id}/return.
type PlanReturn struct {
	Reason string `json:"reason"`
}

// PlanSignOffInput is the body of POST /api/v1/plans/{id}/sign-offs: the
// item, the signing body (a key of the catalogue's sign-off bodies) and a
// note (e.g. the reference of the written approval).
type PlanSignOffInput struct {
	ItemCode string `json:"item_code"`
	Body     string `json:"body"`
	Note     string `json:"note"`
}

// PlanDecisionInput is the body of POST /api/v1/plans/{id}/decision.
type PlanDecisionInput struct {
	NoticeDays int `json:"notice_days"`
}

// PlanDecision names the owners' decision created from a plan.
type PlanDecision struct {
	DecisionID int64 `json:"decision_id"`
}

// PlanPublishInput is the body of POST /api/v1/plans/{id}/publish: the
// last day (YYYY-MM-DD, Asia/Shanghai) of the publication for comments.
type PlanPublishInput struct {
	PublicityEnd string `json:"publicity_end"`
}

// PlanNotice names the notice publishing a plan for comments.
type PlanNotice struct {
	NoticeID int64 `json:"notice_id"`
}

// PlanSignOff is a department's or utility company's sign-off of an item.
type PlanSignOff struct {
	ItemCode string    `json:"item_code"`
	Body     string    `json:"body"`
	By       int64     `json:"by"`
	At       time.Time `json:"at"`
	Note     string    `json:"note"`
}

// PlanCategoryTotal and PlanPhaseTotal are a plan's costs in fen by
// category and by phase.
type PlanCategoryTotal struct {
	Category string `json:"category"`
	Total    int64  `json:"total"`
}

// PlanPhaseTotal is the cost of one phase in fen.
type PlanPhaseTotal struct {
	Phase int   `json:"phase"`
	Total int64 `json:"total"`
}

// PlanViolation is a line planned before an item it depends on: line and
// before are indexes into lines.
type PlanViolation struct {
	Line     int    `json:"line"`
	Before   int    `json:"before"`
	Phase    int    `json:"phase"`
	Needs    int    `json:"needs"`
	Item     string `json:"item_code"`
	Requires string `json:"requires"`
}

// PlanOmission is a survey need no line covers; building_id 0 is the
// estate as a whole.
type PlanOmission struct {
	FindingID  int64  `json:"finding_id"`
	ItemCode   string `json:"item_code"`
	Category   string `json:"category"`
	BuildingID int64  `json:"building_id"`
	Grade      int    `json:"grade"`
	Hazard     bool   `json:"hazard"`
}

// PlanMissing lists the bodies that have yet to sign off an item.
type PlanMissing struct {
	ItemCode string   `json:"item_code"`
	Bodies   []string `json:"bodies"`
}

// PlanReview is a plan with its lines and what is computed from them.
type PlanReview struct {
	Plan
	Lines           []PlanLine          `json:"lines"`
	SignOffs        []PlanSignOff       `json:"sign_offs"`
	ByCategory      []PlanCategoryTotal `json:"by_category"`
	ByPhase         []PlanPhaseTotal    `json:"by_phase"`
	Violations      []PlanViolation     `json:"violations"`
	Omissions       []PlanOmission      `json:"omissions"`
	MissingSignOffs []PlanMissing       `json:"missing_sign_offs"`
}

// PlanStep is one move of a plan's status, with the reason of a return.
type PlanStep struct {
	From   plan.Status `json:"from"`
	To     plan.Status `json:"to"`
	By     int64       `json:"by"`
	At     time.Time   `json:"at"`
	Reason string      `json:"reason"`
}

// PlanVersion is a frozen (or the current) set of lines.
type PlanVersion struct {
	Version int        `json:"version"`
	By      int64      `json:"by"`
	At      time.Time  `json:"at"`
	Lines   []PlanLine `json:"lines"`
}

// PlanHistory is a plan's versions and status moves, oldest first.
type PlanHistory struct {
	Versions []PlanVersion `json:"versions"`
	Steps    []PlanStep    `json:"steps"`
}

// PlanChange is one difference between two versions; fields names what
// changed of a changed line (quantity, unit_cost, phase).
type PlanChange struct {
	Kind     plan.ChangeKind `json:"kind"`
	ItemCode string          `json:"item_code"`
	Zone     []int64         `json:"zone"`
	From     *PlanLine       `json:"from"`
	To       *PlanLine       `json:"to"`
	Fields   []string        `json:"fields"`
}

// PlanDiff is what changed from one version to another.
type PlanDiff struct {
	From    int          `json:"from"`
	To      int          `json:"to"`
	Changes []PlanChange `json:"changes"`
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func shownPlan(p *plan.Plan) Plan {
	var total huanxin.Money
	for _, l := range p.Lines {
		v, _ := l.Total()
		total += v
	}
	return Plan{ID: p.ID, CityID: p.CityID, EstateID: p.EstateID, Title: p.Title, Status: p.Status, Version: p.Version,
		ReturnedReason: p.ReturnedReason, DecisionID: p.DecisionID, NoticeID: p.NoticeID, CreatedBy: p.CreatedBy, Created: p.Created,
		Updated: p.Updated, Total: int64(total)}
}

func shownLine(l plan.Line) PlanLine {
	v, _ := l.Total()
	return PlanLine{ItemCode: l.ItemCode, Name: l.Name, Category: l.Category, Unit: l.Unit, Quantity: l.Quantity,
		UnitCost: int64(l.UnitCost), Total: int64(v), Phase: l.Phase, Zone: orEmpty(l.Zone), Findings: orEmpty(l.Findings), Asked: l.Asked}
}

func shownLines(ls []plan.Line) []PlanLine {
	out := make([]PlanLine, len(ls))
	for i, l := range ls {
		out[i] = shownLine(l)
	}
	return out
}

func shownReview(r *plan.Review) *PlanReview {
	out := &PlanReview{Plan: shownPlan(r.Plan), Lines: shownLines(r.Lines), SignOffs: []PlanSignOff{}, ByCategory: []PlanCategoryTotal{},
		ByPhase: []PlanPhaseTotal{}, Violations: []PlanViolation{}, Omissions: []PlanOmission{}, MissingSignOffs: []PlanMissing{}}
	out.Total = int64(r.Totals.Total)
	for _, so := range r.SignOffs {
		out.SignOffs = append(out.SignOffs, PlanSignOff{ItemCode: so.ItemCode, Body: so.Body, By: so.By, At: so.At, Note: so.Note})
	}
	for _, c := range planning.Categories {
		if v, ok := r.Totals.ByCategory[string(c)]; ok {
			out.ByCategory = append(out.ByCategory, PlanCategoryTotal{Category: string(c), Total: int64(v)})
		}
	}
	for _, ph := range slices.Sorted(maps.Keys(r.Totals.ByPhase)) {
		out.ByPhase = append(out.ByPhase, PlanPhaseTotal{Phase: ph, Total: int64(r.Totals.ByPhase[ph])})
	}
	for _, v := range r.Violations {
		out.Violations = append(out.Violations, PlanViolation{Line: v.Line, Before: v.Before, Phase: v.Phase, Needs: v.Needs,
			Item: v.Item, Requires: v.Requires})
	}
	for _, o := range r.Omissions {
		out.Omissions = append(out.Omissions, PlanOmission{FindingID: o.FindingID, ItemCode: o.ItemCode, Category: o.Category,
			BuildingID: o.Building, Grade: o.Grade, Hazard: o.Hazard})
	}
	// Missing sign-offs in the order of the lines.
	for _, l := range r.Lines {
		if bodies := r.Missing[l.ItemCode]; len(bodies) > 0 && !slices.ContainsFunc(out.MissingSignOffs,
			func(m PlanMissing) bool { return m.ItemCode == l.ItemCode }) {
			out.MissingSignOffs = append(out.MissingSignOffs, PlanMissing{ItemCode: l.ItemCode, Bodies: bodies})
		}
	}
	return out
}

func (h planHandlers) list(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	p := readParams(r, planListParams)
	page, perPage := p.paging()
	awaiting := false
	switch v := p.get("awaiting"); v {
	case "", "false":
	case "true":
		awaiting = true
	default:
		p.fail("awaiting", "须为 true 或 false must be true or false")
	}
	estateID := p.id("estate_id", 1)
	if estateID == nil && p.get("estate_id") == "" && !awaiting {
		p.fail("estate_id", "必填（或 awaiting=true） required (or awaiting=true)")
	}
	var status plan.Status
	if v := p.get("status"); v != "" {
		if status = plan.Status(v); !slices.Contains(plan.Statuses, status) {
			p.fail("status", "取值无效 invalid value")
		}
	}
	if err := p.err(); err != nil {
		WriteError(w, r, err)
		return
	}
	var all []*plan.Plan
	var err error
	if awaiting {
		all, err = h.svc.Awaiting(r.Context())
	} else {
		all, err = h.svc.List(r.Context(), *estateID)
	}
	if err != nil {
		WriteError(w, r, err)
		return
	}
	var items []*Plan
	for _, x := range all {
		if (status == "" || x.Status == status) && (estateID == nil || x.EstateID == *estateID) {
			sp := shownPlan(x)
			items = append(items, &sp)
		}
	}
	writeList(w, pageOf(items, page, perPage), len(items), page, perPage)
}

func (h planHandlers) create(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	var in PlanCreate
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	if in.EstateID <= 0 {
		WriteError(w, r, huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "estate_id", Message: "必填 required"}))
		return
	}
	p, err := h.svc.Create(r.Context(), in.EstateID, in.Title)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	h.review(w, r, p.ID, http.StatusCreated)
}

// review answers with the plan and its checks.
func (h planHandlers) review(w http.ResponseWriter, r *http.Request, id int64, status int) {
	rv, err := h.svc.Review(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, status, shownReview(rv))
}

func (h planHandlers) get(w http.ResponseWriter, r *http.Request) {
	if id, ok := actorAndID(w, r); ok {
		h.review(w, r, id, http.StatusOK)
	}
}

func (h planHandlers) setLines(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	var in PlanLines
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	lines := make([]plan.LineInput, len(in.Lines))
	for i, l := range in.Lines {
		lines[i] = plan.LineInput{ItemCode: l.ItemCode, Quantity: l.Quantity, UnitCost: huanxin.Money(l.UnitCost), Phase: l.Phase,
			Zone: l.Zone, Findings: l.Findings, Asked: l.Asked}
	}
	if _, err := h.svc.SetLines(r.Context(), id, lines); err != nil {
		WriteError(w, r, err)
		return
	}
	h.review(w, r, id, http.StatusOK)
}

// move runs a status change that takes no input and answers with the plan.
func (h planHandlers) move(step func(ctx context.Context, id int64) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := actorAndID(w, r)
		if !ok {
			return
		}
		if err := optionalBody(w, r); err != nil {
			WriteError(w, r, err)
			return
		}
		if err := step(r.Context(), id); err != nil {
			WriteError(w, r, err)
			return
		}
		h.review(w, r, id, http.StatusOK)
	}
}

func (h planHandlers) giveBack(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	var in PlanReturn
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	if err := h.svc.Return(r.Context(), id, in.Reason); err != nil {
		WriteError(w, r, err)
		return
	}
	h.review(w, r, id, http.StatusOK)
}

func (h planHandlers) signOff(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	var in PlanSignOffInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	if err := h.svc.SignOff(r.Context(), id, in.ItemCode, in.Body, in.Note); err != nil {
		WriteError(w, r, err)
		return
	}
	h.review(w, r, id, http.StatusCreated)
}

func (h planHandlers) history(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	vs, steps, err := h.svc.History(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := PlanHistory{Versions: []PlanVersion{}, Steps: []PlanStep{}}
	for _, v := range vs {
		out.Versions = append(out.Versions, PlanVersion{Version: v.Version, By: v.By, At: v.At, Lines: shownLines(v.Lines)})
	}
	for _, s := range steps {
		out.Steps = append(out.Steps, PlanStep{From: s.From, To: s.To, By: s.By, At: s.At, Reason: s.Reason})
	}
	WriteJSON(w, http.StatusOK, out)
}

// diff compares two versions: to defaults to the current one, from to the
// one before it.
func (h planHandlers) diff(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	p := readParams(r, planDiffParams)
	from, to := p.id("from", 1), p.id("to", 1)
	if err := p.err(); err != nil {
		WriteError(w, r, err)
		return
	}
	a, b, changes, err := h.svc.Compare(r.Context(), id, from, to)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := PlanDiff{From: a.Version, To: b.Version, Changes: []PlanChange{}}
	for _, c := range changes {
		pc := PlanChange{Kind: c.Kind, ItemCode: c.ItemCode, Zone: orEmpty(c.Zone), Fields: orEmpty(c.Fields)}
		if c.From != nil {
			l := shownLine(*c.From)
			pc.From = &l
		}
		if c.To != nil {
			l := shownLine(*c.To)
			pc.To = &l
		}
		out.Changes = append(out.Changes, pc)
	}
	WriteJSON(w, http.StatusOK, out)
}

func (h planHandlers) decision(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	var in PlanDecisionInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	d, err := h.svc.CreateDecision(r.Context(), id, in.NoticeDays)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	w.Header().Set("Location", Prefix+"/decisions/"+strconv.FormatInt(d.ID, 10))
	WriteJSON(w, http.StatusCreated, PlanDecision{DecisionID: d.ID})
}

func (h planHandlers) publish(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	var in PlanPublishInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	end, ok := notice.ParseDay(in.PublicityEnd)
	if !ok {
		WriteError(w, r, huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "publicity_end", Message: "应为日期 must be a date (YYYY-MM-DD)"}))
		return
	}
	n, err := h.svc.PublishForComments(r.Context(), id, end)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	w.Header().Set("Location", Prefix+"/notices/"+strconv.FormatInt(n.ID, 10))
	WriteJSON(w, http.StatusCreated, PlanNotice{NoticeID: n.ID})
}
