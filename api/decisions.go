package api

import (
	"cmp"
	"context"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/decision"
)

var decisionListParams = []string{"estate_id", "status", "page", "per_page"}

// decisionStatuses lists the stages of a decision in order.
var decisionStatuses = []decision.Status{decision.StatusDraft, decision.StatusPublished, decision.StatusOpen,
	decision.StatusClosed, decision.StatusAnnounced, decision.StatusFinal}

// choiceNames are the JSON names of the choices of a ballot.
var choiceNames = map[decision.Choice]string{decision.Agree: "agree", decision.Oppose: "oppose", decision.Abstain: "abstain"}

// decisionHandlers serve owners' joint decisions: officers who may edit
// the register prepare and run them, residents vote online, officers enter
// off-line ballots. Who may do what is decided by the decision service.
type decisionHandlers struct{ svc *decision.Service }

// Decision is an owners' joint decision (业主共同决定) with its agenda.
type Decision struct {
	ID          int64              `json:"id"`
	CityID      int64              `json:"city_id"`
	EstateID    int64              `json:"estate_id"`
	Title       string             `json:"title"`
	Description string             `json:"description"`
	Status      decision.Status    `json:"status"`
	ScopeKind   decision.ScopeKind `json:"scope_kind"`
	ScopeIDs    []int64            `json:"scope_ids"`
	NoticeDays  int                `json:"notice_days"`
	// The city's rules as they stood when the decision was created.
	ObjectionDays   int                   `json:"objection_days"`
	ConflictRule    decision.ConflictRule `json:"conflict_rule"`
	AllowChange     bool                  `json:"allow_change"`
	OpenCount       bool                  `json:"open_count"`
	PublishedAt     time.Time             `json:"published_at,omitzero"`
	OpensAt         time.Time             `json:"opens_at,omitzero"`
	ClosesAt        time.Time             `json:"closes_at,omitzero"`
	AnnouncedAt     time.Time             `json:"announced_at,omitzero"`
	ObjectionsUntil time.Time             `json:"objections_until,omitzero"`
	FinalizedAt     time.Time             `json:"finalized_at,omitzero"`
	CreatedBy       int64                 `json:"created_by"`
	Created         time.Time             `json:"created"`
	Updated         time.Time             `json:"updated"`
	Matters         []Matter              `json:"matters"`
}

// Matter is one question of a decision's agenda: item is the matter of
// Civil Code Art. 278 para. 1 (1–9) it decides, or 0 for a non-binding
// consultation.
type Matter struct {
	ID    int64   `json:"id"`
	Item  int     `json:"item"`
	Title string  `json:"title"`
	Extra []Extra `json:"extra"`
}

// Extra is a condition local rules add to a matter for the owners it
// affects (those holding a part on one of floors or one of parts):
// all_agree (each must agree) or none_oppose (none may oppose).
type Extra struct {
	Label  string             `json:"label"`
	Rule   decision.ExtraRule `json:"rule"`
	Floors []int              `json:"floors"`
	Parts  []int64            `json:"parts"`
}

// DecisionInput is the body of POST /api/v1/decisions.
type DecisionInput struct {
	EstateID    int64         `json:"estate_id"`
	Title       string        `json:"title"`
	Description string        `json:"description"`
	ScopeKind   string        `json:"scope_kind"`
	ScopeIDs    []int64       `json:"scope_ids"`
	NoticeDays  int           `json:"notice_days"`
	OpenCount   bool          `json:"open_count"`
	Matters     []MatterInput `json:"matters"`
}

// MatterInput is one matter of a new decision.
type MatterInput struct {
	Item  *int    `json:"item"`
	Title string  `json:"title"`
	Extra []Extra `json:"extra"`
}

// BallotInput is the body of POST /api/v1/decisions/{id}/ballots. A
// resident voting online for themselves gives choices (and spoiled) only;
// an officer entering a paper ballot names the person and how it was
// collected (onsite, door, video), the proxy who signed it with the stored
// file of the written authorisation, and optionally the stored scan.
//
// A paper ballot is entered twice, by two different officers (double
// entry); both entries use this body.
type BallotInput struct {
	Person      string           `json:"person"`
	Collection  string           `json:"collection"`
	Proxy       string           `json:"proxy"`
	ProxyFileID int64            `json:"proxy_file_id"`
	ScanFileID  int64            `json:"scan_file_id"`
	Choices     map[int64]string `json:"choices"`
	Spoiled     bool             `json:"spoiled"`
}

// Receipt is what a receipt code shows: the ballot as it was recorded.
// replaced_at is set when the owner changed the ballot later (the new one
// counts).
type Receipt struct {
	DecisionID int64            `json:"decision_id"`
	Channel    decision.Channel `json:"channel"`
	CastAt     time.Time        `json:"cast_at"`
	Choices    map[int64]string `json:"choices"`
	Spoiled    bool             `json:"spoiled"`
	Counted    bool             `json:"counted"`
	ReplacedAt time.Time        `json:"replaced_at,omitzero"`
}

// NewBallot is a ballot just cast or entered: its state and, once it is
// counted, its receipt code shown this once. The other members are those
// of this entry; revised says an online ballot replaced the owner's
// earlier one.
type NewBallot struct {
	State      string `json:"state"`          // counted, pending or mismatched
	Code       string `json:"code,omitempty"` // only when counted
	Collection string `json:"collection,omitempty"`
	Proxy      string `json:"proxy,omitempty"`
	Revised    bool   `json:"revised"`
	Receipt
}

// Result is the tally of a decision's ballots over its frozen electorate.
type Result struct {
	DecisionID int64          `json:"decision_id"`
	Status     string         `json:"status"`
	Electorate Count          `json:"electorate"`
	Counted    int            `json:"counted"`
	Matters    []MatterResult `json:"matters"`
	Rejected   []Rejection    `json:"rejected"`
	Pending    int            `json:"pending"`    // paper ballots awaiting their second entry, not counted
	Mismatched int            `json:"mismatched"` // paper ballots whose two entries differ, not counted
	Conflicts  []Conflict     `json:"conflicts"`  // persons who voted online and on paper
}

// Conflict is a person with both an online and a paper ballot: counted is
// the channel whose ballot counted under the decision's rule.
type Conflict struct {
	Person   string `json:"person"`
	Rule     string `json:"rule"`
	Counted  string `json:"counted"`
	SetAside string `json:"set_aside"`
}

// RegisterRow is one ballot of the ballot register: anonymised (voter
// "#n", in an order unrelated to who voted) except for auditors.
type RegisterRow struct {
	No      int               `json:"no"`
	Voter   string            `json:"voter"`
	Area    int64             `json:"area"`
	Parts   int               `json:"parts"`
	Via     string            `json:"via"` // online, paper_onsite, paper_door, paper_video
	Proxy   bool              `json:"proxy"`
	CastAt  time.Time         `json:"cast_at"`
	Spoiled bool              `json:"spoiled"`
	Choices map[string]string `json:"choices"` // matter ID -> agree|oppose|abstain
}

// BallotRegister is the ballot register of a decision.
type BallotRegister struct {
	Items []RegisterRow `json:"items"`
}

// Turnout is the participation in a vote so far, without any choice,
// also per channel and per building.
type Turnout struct {
	Electorate    Count             `json:"electorate"`
	Participating Count             `json:"participating"`
	Ballots       int               `json:"ballots"`
	ByChannel     map[string]Count  `json:"by_channel"` // online, paper_onsite, paper_door, paper_video
	Proxy         Count             `json:"proxy"`      // the part of it signed by proxies
	ByBuilding    []BuildingTurnout `json:"by_building"`
	Pending       int               `json:"pending"`
	Mismatched    int               `json:"mismatched"`
	Conflicts     int               `json:"conflicts"`
}

// BuildingTurnout is the turnout within one building.
type BuildingTurnout struct {
	BuildingID    int64 `json:"building_id"`
	Electorate    Count `json:"electorate"`
	Participating Count `json:"participating"`
}

// Count is an area (in hundredths of a square metre) and a number of
// persons.
type Count struct {
	Area    int64 `json:"area"`
	Persons int64 `json:"persons"`
}

// Ratio is an exact fraction.
type Ratio struct {
	Numerator   int64 `json:"numerator"`
	Denominator int64 `json:"denominator"`
}

// Condition is one ratio test of a matter: numerator/denominator, its
// percentage with two decimals computed exactly, the ratio required (zero
// for a consultation), whether reaching it exactly suffices, and whether it
// is met.
type Condition struct {
	Numerator   int64  `json:"numerator"`
	Denominator int64  `json:"denominator"`
	Percentage  string `json:"percentage"`
	Required    Ratio  `json:"required"`
	Inclusive   bool   `json:"inclusive"`
	Met         bool   `json:"met"`
}

// MatterResult is the count of one matter.
type MatterResult struct {
	ID            int64         `json:"id"`
	Item          int           `json:"item"`
	Title         string        `json:"title"`
	Participating Count         `json:"participating"`
	Agree         Count         `json:"agree"`
	Oppose        Count         `json:"oppose"`
	Abstain       Count         `json:"abstain"`
	Spoiled       Count         `json:"spoiled"`
	QuorumArea    Condition     `json:"quorum_area"`
	QuorumPersons Condition     `json:"quorum_persons"`
	AgreeArea     Condition     `json:"agree_area"`
	AgreePersons  Condition     `json:"agree_persons"`
	Extra         []ExtraResult `json:"extra"`
	Outcome       string        `json:"outcome"`
}

// ExtraResult is an extra condition as counted: of the affected persons,
// how many agreed and opposed, and whether it is met.
type ExtraResult struct {
	Extra
	Affected int64 `json:"affected"`
	Agree    int64 `json:"agree"`
	Oppose   int64 `json:"oppose"`
	Met      bool  `json:"met"`
}

// Rejection is a ballot that was not counted.
type Rejection struct {
	Person  string `json:"person"`
	Channel string `json:"channel"`
	Reason  string `json:"reason"`
}

func shownDecision(d *decision.Decision) *Decision {
	out := &Decision{ID: d.ID, CityID: d.CityID, EstateID: d.EstateID, Title: d.Title, Description: d.Description,
		Status: d.Status, ScopeKind: d.ScopeKind, ScopeIDs: d.ScopeIDs, NoticeDays: d.NoticeDays,
		ObjectionDays: d.ObjectionDays, ConflictRule: d.Conflict, AllowChange: d.AllowChange, OpenCount: d.OpenCount,
		PublishedAt: d.PublishedAt, OpensAt: d.OpensAt, ClosesAt: d.ClosesAt, AnnouncedAt: d.AnnouncedAt,
		ObjectionsUntil: d.ObjectionsUntil(), FinalizedAt: d.FinalizedAt, CreatedBy: d.CreatedBy,
		Created: d.Created, Updated: d.Updated, Matters: make([]Matter, len(d.Matters))}
	if out.ScopeIDs == nil {
		out.ScopeIDs = []int64{}
	}
	for i, m := range d.Matters {
		out.Matters[i] = Matter{ID: int64(m.ID), Item: int(m.Item), Title: m.Title, Extra: make([]Extra, len(m.Extra))}
		for j, x := range m.Extra {
			out.Matters[i].Extra[j] = shownExtra(x)
		}
	}
	return out
}

func shownExtra(x decision.Extra) Extra {
	out := Extra{Label: x.Label, Rule: x.Rule, Floors: x.Floors, Parts: x.Parts}
	if out.Floors == nil {
		out.Floors = []int{}
	}
	if out.Parts == nil {
		out.Parts = []int64{}
	}
	return out
}

func shownChoices(c map[decision.MatterID]decision.Choice) map[int64]string {
	out := make(map[int64]string, len(c))
	for id, v := range c {
		if name, ok := choiceNames[v]; ok {
			out[int64(id)] = name
		} else {
			out[int64(id)] = "abstain"
		}
	}
	return out
}

func shownCount(c decision.Count) Count { return Count{Area: int64(c.Area), Persons: c.Persons} }

func shownCondition(c decision.Condition) Condition {
	return Condition{Numerator: c.Num, Denominator: c.Den, Percentage: c.Percent,
		Required: Ratio{Numerator: c.Required.Num, Denominator: c.Required.Den}, Inclusive: c.Inclusive, Met: c.Met}
}

func shownResult(d *decision.Decision, r decision.Result) *Result {
	out := &Result{DecisionID: d.ID, Status: string(d.Status), Electorate: shownCount(r.Electorate), Counted: r.Counted, Pending: r.Pending, Mismatched: r.Mismatched,
		Matters: make([]MatterResult, len(r.Matters)), Rejected: make([]Rejection, len(r.Rejected))}
	for i, m := range r.Matters {
		out.Matters[i] = MatterResult{ID: int64(m.ID), Item: int(m.Item), Title: m.Title,
			Participating: shownCount(m.Participating), Agree: shownCount(m.Agree), Oppose: shownCount(m.Oppose),
			Abstain: shownCount(m.Abstain), Spoiled: shownCount(m.Spoiled),
			QuorumArea: shownCondition(m.QuorumArea), QuorumPersons: shownCondition(m.QuorumPersons),
			AgreeArea: shownCondition(m.AgreeArea), AgreePersons: shownCondition(m.AgreePersons), Outcome: string(m.Outcome),
			Extra: make([]ExtraResult, len(m.Extra))}
		for j, x := range m.Extra {
			out.Matters[i].Extra[j] = ExtraResult{Extra: shownExtra(x.Extra), Affected: x.Affected, Agree: x.Agree, Oppose: x.Oppose, Met: x.Met}
		}
	}
	out.Conflicts = make([]Conflict, len(r.Conflicts))
	for i, c := range r.Conflicts {
		out.Conflicts[i] = Conflict{Person: string(c.Person), Rule: string(c.Rule), Counted: c.Counted, SetAside: c.SetAside}
	}
	for i, rej := range r.Rejected {
		out.Rejected[i] = Rejection{Person: string(rej.Person), Channel: rej.Channel, Reason: rej.Reason}
	}
	return out
}

func (h decisionHandlers) list(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	p := readParams(r, decisionListParams)
	page, perPage := p.paging()
	estateID := p.id("estate_id", 1)
	if estateID == nil && p.get("estate_id") == "" {
		p.fail("estate_id", "必填 required")
	}
	var status decision.Status
	if v := p.get("status"); v != "" {
		if status = decision.Status(v); !slices.Contains(decisionStatuses, status) {
			p.fail("status", "取值无效 invalid value")
		}
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
	var items []*Decision
	for _, d := range all {
		if status == "" || d.Status == status {
			items = append(items, shownDecision(d))
		}
	}
	writeList(w, pageOf(items, page, perPage), len(items), page, perPage)
}

func (h decisionHandlers) get(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	d, err := h.svc.Get(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, shownDecision(d))
}

func (h decisionHandlers) create(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	var in DecisionInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	var bad []huanxin.FieldError
	if in.EstateID <= 0 {
		bad = append(bad, huanxin.FieldError{Field: "estate_id", Message: "必填 required"})
	}
	d := &decision.Decision{EstateID: in.EstateID, Title: in.Title, Description: in.Description,
		ScopeKind: decision.ScopeKind(in.ScopeKind), ScopeIDs: in.ScopeIDs, NoticeDays: in.NoticeDays, OpenCount: in.OpenCount}
	if d.ScopeKind == "" {
		d.ScopeKind = decision.ScopeEstate
	}
	for i, m := range in.Matters {
		if m.Item == nil {
			bad = append(bad, huanxin.FieldError{Field: "matters." + strconv.Itoa(i) + ".item", Message: "必填 required"})
			continue
		}
		dm := decision.Matter{Item: decision.Item(*m.Item), Title: m.Title}
		for _, x := range m.Extra {
			dm.Extra = append(dm.Extra, decision.Extra{Label: x.Label, Rule: x.Rule, Floors: x.Floors, Parts: x.Parts})
		}
		d.Matters = append(d.Matters, dm)
	}
	if len(bad) > 0 {
		WriteError(w, r, huanxin.Invalid("输入有误 invalid input", bad...))
		return
	}
	if err := h.svc.Create(r.Context(), d); err != nil {
		WriteError(w, r, err)
		return
	}
	h.reply(w, r, http.StatusCreated, d)
}

// reply reads a decision back after a write, for its stored times; if
// that fails, the written value is shown.
func (h decisionHandlers) reply(w http.ResponseWriter, r *http.Request, status int, written *decision.Decision) {
	if d, err := h.svc.Get(r.Context(), written.ID); err == nil {
		written = d
	}
	WriteJSON(w, status, shownDecision(written))
}

// transition returns the handler of one move of a decision's status.
func (h decisionHandlers) transition(move func(ctx context.Context, id int64) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !requireActor(w, r) {
			return
		}
		id, err := pathID(r)
		if err != nil {
			WriteError(w, r, err)
			return
		}
		if err := optionalBody(w, r); err != nil {
			WriteError(w, r, err)
			return
		}
		if err := move(r.Context(), id); err != nil {
			WriteError(w, r, err)
			return
		}
		d, err := h.svc.Get(r.Context(), id)
		if err != nil {
			WriteError(w, r, err)
			return
		}
		WriteJSON(w, http.StatusOK, shownDecision(d))
	}
}

func (h decisionHandlers) cast(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	var in BallotInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	choices, err := parseChoices(in.Choices)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	c, err := h.svc.Cast(r.Context(), id, decision.Vote{Person: decision.PersonID(in.Person), Collection: decision.Collection(in.Collection),
		Proxy: in.Proxy, ProxyFileID: in.ProxyFileID, ScanFileID: in.ScanFileID, Choices: choices, Spoiled: in.Spoiled})
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, shownCast(c))
}

// parseChoices reads choices by matter ID as agree, oppose or abstain.
func parseChoices(in map[int64]string) (map[decision.MatterID]decision.Choice, error) {
	out := map[decision.MatterID]decision.Choice{}
	var bad []huanxin.FieldError
	for _, mid := range slices.Sorted(maps.Keys(in)) {
		found := false
		for choice, name := range choiceNames {
			if name == in[mid] {
				out[decision.MatterID(mid)], found = choice, true
			}
		}
		if !found {
			bad = append(bad, huanxin.FieldError{Field: "choices." + strconv.FormatInt(mid, 10),
				Message: "应为 agree、oppose 或 abstain must be agree, oppose or abstain"})
		}
	}
	if len(bad) > 0 {
		return nil, huanxin.Invalid("输入有误 invalid input", bad...)
	}
	return out, nil
}

func shownCast(c *decision.Cast) NewBallot {
	return NewBallot{State: string(c.State), Code: c.Code, Collection: string(c.Collection), Proxy: c.Proxy, Revised: c.Revised,
		Receipt: Receipt{DecisionID: c.DecisionID, Channel: c.Channel, CastAt: c.At, Choices: shownChoices(c.Choices),
			Spoiled: c.Spoiled, Counted: c.State == decision.BallotCounted}}
}

func shownReceipt(rc *decision.Receipt) Receipt {
	// A receipt exists only for a counted ballot (a paper ballot gets its
	// receipt when its second entry agrees or a review settles it); it
	// stops counting when the owner replaces it.
	return Receipt{DecisionID: rc.DecisionID, Channel: rc.Channel, CastAt: rc.CastAt, Choices: shownChoices(rc.Choices),
		Spoiled: rc.Spoiled, Counted: rc.ReplacedAt.IsZero(), ReplacedAt: rc.ReplacedAt}
}

func (h decisionHandlers) receipt(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	rc, err := h.svc.CheckReceipt(r.Context(), r.PathValue("code"))
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, shownReceipt(rc))
}

func (h decisionHandlers) register(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	d, rows, err := h.svc.BallotRegister(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := make([]RegisterRow, len(rows))
	for i, row := range rows {
		o := RegisterRow{No: row.No, Voter: row.Voter, Area: int64(row.Area), Parts: row.Parts, Via: row.Via, Proxy: row.Proxy,
			CastAt: row.CastAt, Spoiled: row.Spoiled, Choices: map[string]string{}}
		for j, c := range row.Choices {
			if name, ok := choiceNames[c]; ok {
				o.Choices[strconv.FormatInt(int64(d.Matters[j].ID), 10)] = name
			}
		}
		out[i] = o
	}
	WriteJSON(w, http.StatusOK, BallotRegister{Items: out})
}

func (h decisionHandlers) turnout(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	t, err := h.svc.Turnout(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	count := func(c decision.Count) Count { return Count{Area: int64(c.Area), Persons: c.Persons} }
	out := Turnout{Electorate: count(t.Electorate), Participating: count(t.Participating), Ballots: t.Ballots,
		Pending: t.Pending, Mismatched: t.Mismatched, Conflicts: t.Conflicts, ByChannel: map[string]Count{}, Proxy: count(t.Proxy),
		ByBuilding: []BuildingTurnout{}}
	for c, n := range t.ByChannel {
		out.ByChannel[c] = count(n)
	}
	for b, bt := range t.ByBuilding {
		out.ByBuilding = append(out.ByBuilding, BuildingTurnout{BuildingID: b, Electorate: count(bt.Electorate), Participating: count(bt.Participating)})
	}
	slices.SortFunc(out.ByBuilding, func(x, y BuildingTurnout) int { return cmp.Compare(x.BuildingID, y.BuildingID) })
	WriteJSON(w, http.StatusOK, out)
}

func (h decisionHandlers) result(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	res, err := h.svc.Result(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	d, err := h.svc.Get(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, shownResult(d, res))
}

// actorAndID answers 401 without an actor and 400 for a bad {id}; else it
// returns the ID.
func actorAndID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	if !requireActor(w, r) {
		return 0, false
	}
	id, err := pathID(r)
	if err != nil {
		WriteError(w, r, err)
		return 0, false
	}
	return id, true
}
