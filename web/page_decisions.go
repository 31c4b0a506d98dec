package web

import (
	"cmp"
	"context"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/web/i18n"
)

// maxMatterRows is the number of matter rows on the new-decision form.
const maxMatterRows = 5

// decisionStatuses lists the stages of a decision in order.
var decisionStatuses = []decision.Status{decision.StatusDraft, decision.StatusPublished, decision.StatusOpen,
	decision.StatusClosed, decision.StatusAnnounced, decision.StatusFinal}

// decisionActions maps each status to the action that moves it on.
var decisionActions = map[decision.Status]string{
	decision.StatusDraft:     "publish",
	decision.StatusPublished: "open",
	decision.StatusOpen:      "close",
	decision.StatusClosed:    "announce",
	decision.StatusAnnounced: "finalize",
}

// offlineChannels are the channels an officer may enter a ballot for.

var allItems = []decision.Item{decision.ItemProcedure, decision.ItemCovenant, decision.ItemCommittee, decision.ItemManager,
	decision.ItemUseFund, decision.ItemRaiseFund, decision.ItemRebuild, decision.ItemChangeUse, decision.ItemOtherMajor,
	decision.Consultation}

// pathDecision loads the decision named by the {id} path segment, or
// answers with the error page.
func (p *Pages) pathDecision(w http.ResponseWriter, r *http.Request) (*decision.Decision, bool) {
	if !p.decisionsOn(w, r) {
		return nil, false
	}
	return pathGet(p, w, r, p.Decisions.Get)
}

// decisionsOn answers 404 when the decision service is not wired.
func (p *Pages) decisionsOn(w http.ResponseWriter, r *http.Request) bool {
	if p.Decisions == nil {
		p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "表决功能未启用 owners' decisions are not enabled"))
		return false
	}
	return true
}

// boundText writes a required ratio as "≥ 2/3" or "> 1/2" (sep between
// the sign and the fraction).
func boundText(b decision.Bound, sep string) string {
	sign := ">"
	if b.Inclusive {
		sign = "≥"
	}
	return sign + sep + strconv.FormatInt(b.Num, 10) + "/" + strconv.FormatInt(b.Den, 10)
}

// itemLabel names an Art. 278 item, e.g. "第7项 改建、重建…".
func itemLabel(l string, it decision.Item) string {
	return i18n.T(l, "item."+strconv.Itoa(int(it)))
}

// ruleText describes the counting rule of an item in words.
func ruleText(l string, it decision.Item) string {
	rule := it.Rule()
	if !rule.Binding {
		return i18n.T(l, "rule.consultation")
	}
	return i18n.T(l, "rule.binding", boundText(rule.QuorumArea, ""), boundText(rule.AgreeArea, ""))
}

// itemOption is the label of an item in the select: name and rule.
func itemOption(l string, it decision.Item) string {
	return itemLabel(l, it) + i18n.T(l, "rule.sep") + ruleText(l, it)
}

// statusBadge is the badge class of a status.
func statusBadge(s decision.Status) string {
	switch s {
	case decision.StatusOpen:
		return "good"
	case decision.StatusPublished, decision.StatusClosed:
		return "warn"
	case decision.StatusAnnounced, decision.StatusFinal:
		return "good"
	}
	return ""
}

type decisionRow struct {
	*decision.Decision
	EstateName string
	Badge      string
}

type decisionListPage struct {
	Base
	Rows    []decisionRow
	Estates []option
	CanEdit bool
}

// decisionList lists the decisions of the estates in the actor's scope.
func (p *Pages) decisionList(w http.ResponseWriter, r *http.Request) {
	if !p.decisionsOn(w, r) {
		return
	}
	ctx := r.Context()
	ests, _, err := p.switcherEstates(ctx, r, 200)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &decisionListPage{Base: p.base(r, "decisions.title"), CanEdit: canEdit(r)}
	for _, e := range ests {
		pg.Estates = append(pg.Estates, option{Value: strconv.FormatInt(e.ID, 10), Label: e.Name})
		ds, err := p.Decisions.List(ctx, e.ID)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		for _, d := range ds {
			pg.Rows = append(pg.Rows, decisionRow{Decision: d, EstateName: e.Name, Badge: statusBadge(d.Status)})
		}
	}
	slices.SortStableFunc(pg.Rows, func(a, b decisionRow) int { return b.Created.Compare(a.Created) })
	p.render(w, r, http.StatusOK, "decisions", pg)
}

// decisionPick sends the estate chosen on the list to its new-decision form.
func (p *Pages) decisionPick(w http.ResponseWriter, r *http.Request) {
	id, err := parseID(r.URL.Query().Get("estate"))
	if err != nil || id <= 0 {
		redirect(w, r, "/decisions", "")
		return
	}
	redirect(w, r, "/estates/"+strconv.FormatInt(id, 10)+"/decisions/new", "")
}

// decisionFormPage is the form that prepares a draft decision.
type decisionFormPage struct {
	Base
	Estate     *estate.Estate
	Action     string
	Form       decisionForm
	ScopeKinds []option
	Buildings  []option
	Stairwells []option
	Rows       []matterRow
	Message    string
	Errors     []huanxin.FieldError
}

type decisionForm struct {
	Title, Description, ScopeKind, BuildingID, StairwellID, NoticeDays string
	OpenCount                                                          bool
	Matters                                                            [maxMatterRows]matterForm
}

// matterForm is one matter row as submitted, with at most one extra
// condition (label, rule, floors as "1, 2").
type matterForm struct{ Title, Item, ExtraLabel, ExtraRule, ExtraFloors string }

type matterRow struct {
	N                 int // 1-based row number
	Index             int
	Title             string
	Items             []option
	TitleErr, ItemErr string
	ExtraLabel        string
	ExtraRules        []option
	ExtraFloors       string
	ExtraErr          string
}

func (p *Pages) decisionNew(w http.ResponseWriter, r *http.Request) {
	if !p.decisionsOn(w, r) {
		return
	}
	e, ok := p.pathEstate(w, r)
	if !ok {
		return
	}
	rules, err := p.Decisions.Rules(r.Context(), e.CityID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.renderDecisionForm(w, r, http.StatusOK, &decisionFormPage{Estate: e,
		Form: decisionForm{ScopeKind: string(decision.ScopeEstate), NoticeDays: strconv.Itoa(rules.MinNoticeDays)}})
}

func readDecisionForm(r *http.Request) decisionForm {
	f := decisionForm{
		Title:       r.PostFormValue("title"),
		Description: r.PostFormValue("description"),
		ScopeKind:   r.PostFormValue("scope_kind"),
		BuildingID:  r.PostFormValue("building_id"),
		StairwellID: r.PostFormValue("stairwell_id"),
		NoticeDays:  strings.TrimSpace(r.PostFormValue("notice_days")),
		OpenCount:   r.PostFormValue("open_count") == "1",
	}
	for i := range f.Matters {
		n := strconv.Itoa(i)
		f.Matters[i] = matterForm{Title: r.PostFormValue("matter_title_" + n), Item: r.PostFormValue("matter_item_" + n),
			ExtraLabel: r.PostFormValue("matter_extra_label_" + n), ExtraRule: r.PostFormValue("matter_extra_rule_" + n),
			ExtraFloors: r.PostFormValue("matter_extra_floors_" + n)}
	}
	return f
}

// decisionCreate stores a draft decision; invalid input shows the form
// again with the problems next to the fields.
func (p *Pages) decisionCreate(w http.ResponseWriter, r *http.Request) {
	if !p.decisionsOn(w, r) {
		return
	}
	e, ok := p.pathEstate(w, r)
	if !ok {
		return
	}
	f := readDecisionForm(r)
	d := &decision.Decision{EstateID: e.ID, Title: f.Title, Description: f.Description, ScopeKind: decision.ScopeKind(f.ScopeKind),
		OpenCount: f.OpenCount}
	var bad []huanxin.FieldError
	if n, err := strconv.Atoi(f.NoticeDays); err == nil {
		d.NoticeDays = n
	} else {
		bad = append(bad, huanxin.FieldError{Field: "notice_days", Message: "应为天数 must be a number of days"})
	}
	pick := func(field, v string) {
		id, err := parseID(v)
		if err != nil || id <= 0 {
			bad = append(bad, huanxin.FieldError{Field: "scope_ids", Message: "请选择 please choose"})
			return
		}
		d.ScopeIDs = []int64{id}
	}
	switch d.ScopeKind {
	case decision.ScopeBuildings:
		pick("building_id", f.BuildingID)
	case decision.ScopeStairwell:
		pick("stairwell_id", f.StairwellID)
	}
	var rows []int // form row of each matter
	for i, m := range f.Matters {
		if strings.TrimSpace(m.Title) == "" && m.Item == "" {
			continue
		}
		it, err := strconv.Atoi(m.Item)
		if err != nil {
			it = -1
		}
		dm := decision.Matter{Title: m.Title, Item: decision.Item(it)}
		if strings.TrimSpace(m.ExtraLabel) != "" || strings.TrimSpace(m.ExtraFloors) != "" {
			x := decision.Extra{Label: m.ExtraLabel, Rule: decision.ExtraRule(m.ExtraRule)}
			for _, fl := range strings.FieldsFunc(m.ExtraFloors, func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '、' }) {
				n, err := strconv.Atoi(fl)
				if err != nil {
					bad = append(bad, huanxin.FieldError{Field: "matters." + strconv.Itoa(len(d.Matters)) + ".extra",
						Message: "楼层应为数字，用逗号分隔 floors are numbers separated by commas"})
					break
				}
				x.Floors = append(x.Floors, n)
			}
			dm.Extra = []decision.Extra{x}
		}
		d.Matters = append(d.Matters, dm)
		rows = append(rows, i)
	}
	var err error
	if len(bad) > 0 {
		err = huanxin.Invalid("输入有误 invalid input", bad...)
	} else {
		err = p.Decisions.Create(r.Context(), d)
	}
	if err == nil {
		redirect(w, r, "/decisions/"+strconv.FormatInt(d.ID, 10), "decision_saved")
		return
	}
	if huanxin.ErrorCode(err) != huanxin.EINVALID {
		p.fail(w, r, err)
		return
	}
	pg := &decisionFormPage{Estate: e, Form: f, Message: huanxin.ErrorMessage(err)}
	// The service numbers matters as submitted; map them back to form rows.
	for _, fe := range huanxin.ErrorFields(err) {
		if rest, ok := strings.CutPrefix(fe.Field, "matters."); ok {
			if n, tail, ok := strings.Cut(rest, "."); ok {
				if i, err := strconv.Atoi(n); err == nil && i < len(rows) {
					fe.Field = "matters." + strconv.Itoa(rows[i]) + "." + tail
				}
			}
		}
		pg.Errors = append(pg.Errors, fe)
	}
	p.renderDecisionForm(w, r, http.StatusBadRequest, pg)
}

func (p *Pages) renderDecisionForm(w http.ResponseWriter, r *http.Request, status int, pg *decisionFormPage) {
	ctx := r.Context()
	eid := pg.Estate.ID
	bs, _, err := p.Reg.Buildings().Find(ctx, estate.Filter{EstateID: &eid, Limit: 1000})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	ss, _, err := p.Reg.Stairwells().Find(ctx, estate.Filter{EstateID: &eid, Limit: 1000})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg.Base = p.base(r, "decisionform.title")
	l := pg.Lang
	pg.Action = "/estates/" + strconv.FormatInt(eid, 10) + "/decisions"
	pg.ScopeKinds = options([]decision.ScopeKind{decision.ScopeEstate, decision.ScopeBuildings, decision.ScopeStairwell},
		func(k decision.ScopeKind) string { return string(k) },
		func(k decision.ScopeKind) string { return i18n.T(l, "scope."+string(k)) }, pg.Form.ScopeKind)
	bno := map[int64]string{}
	for _, b := range bs {
		bno[b.ID] = b.No
		id := strconv.FormatInt(b.ID, 10)
		pg.Buildings = append(pg.Buildings, option{Value: id, Label: i18n.T(l, "decisions.building", b.No), Selected: id == pg.Form.BuildingID})
	}
	for _, s := range ss {
		id := strconv.FormatInt(s.ID, 10)
		pg.Stairwells = append(pg.Stairwells, option{Value: id, Label: i18n.T(l, "decisions.stairwell", bno[s.BuildingID], s.No),
			Selected: id == pg.Form.StairwellID})
	}
	for i, m := range pg.Form.Matters {
		n := strconv.Itoa(i)
		pg.Rows = append(pg.Rows, matterRow{N: i + 1, Index: i, Title: m.Title,
			Items: options(allItems, func(it decision.Item) string { return strconv.Itoa(int(it)) },
				func(it decision.Item) string { return itemOption(l, it) }, m.Item),
			TitleErr: fielderr(pg.Errors, "matters."+n+".title"), ItemErr: fielderr(pg.Errors, "matters."+n+".item"),
			ExtraLabel: m.ExtraLabel, ExtraFloors: m.ExtraFloors, ExtraErr: extraErr(pg.Errors, "matters."+n+".extra"),
			ExtraRules: options([]decision.ExtraRule{decision.ExtraAllAgree, decision.ExtraNoneOppose},
				func(x decision.ExtraRule) string { return string(x) },
				func(x decision.ExtraRule) string { return i18n.T(l, "extra."+string(x)) }, m.ExtraRule)})
	}
	p.render(w, r, status, "decision_form", pg)
}

// extraErr is the first error of a matter's extra condition, whatever
// member of it the error names.
func extraErr(errs []huanxin.FieldError, prefix string) string {
	for _, e := range errs {
		if e.Field == prefix || strings.HasPrefix(e.Field, prefix+".") {
			return e.Message
		}
	}
	return ""
}

// fielderr is the message of the first error of a field, or "".
func fielderr(errs []huanxin.FieldError, field string) string {
	for _, e := range errs {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// decisionPage shows one decision: facts, agenda, stages, actions, the
// paper-ballot form while open and the result.
type decisionPage struct {
	Base
	D           *decision.Decision
	Badge       string
	EstateName  string
	ScopeText   string
	Matters     []matterView
	Steps       []stepView
	Action      string // the next action's name, or ""
	CanRun      bool
	Ballot      *ballotForm
	Receipt     string           // receipt code of a ballot just counted
	EntryState  string           // state of an off-line ballot just entered: pending or mismatched
	Entries     []paperEntryView // pending, mismatched and reviewed paper ballots, for officers
	Review      *reviewForm      // settling a mismatched paper ballot
	Documents   []documentView
	CanAttach   bool // a draft: documents may be attached
	Objections  []objectionView
	CanObject   bool   // within the objection period
	Conflict    string // the decision's conflict rule, in words
	Result      *resultView
	Turnout     *decision.Turnout
	TurnoutRows []turnoutRow // per building, then per channel
}

type matterView struct {
	ID        decision.MatterID
	Title     string
	ItemLabel string
	Rule      string
}

type stepView struct {
	Label         string
	Done, Current bool
	At            time.Time
	Until         time.Time // end of the objection period
}

// ballotForm is the off-line ballot form: the first entry of a ballot, or
// the confirming entry (第二人复核录入) of a pending one, which shows none
// of the first entry's choices.
type ballotForm struct {
	Persons      []option // nil once voting has closed: no new first entries
	Collections  []option
	Confirm      string // the person whose pending ballot is entered a second time
	ConfirmLabel string
}

// reviewForm settles a mismatched paper ballot from its scan.
type reviewForm struct {
	Person, Label string
	Collections   []option
	ScanFileID    int64
}

// paperEntryView is a pending, mismatched or reviewed paper ballot on the
// decision page, with the names of the officers who entered it.
type paperEntryView struct {
	Person, Label, Collection, Proxy, State string
	EnteredBy, SecondBy, ReviewBy           string
	EnteredAt                               time.Time
	Pending, Mismatched                     bool
	ReviewNote                              string
	ScanFileID                              int64
}

type resultView struct {
	Area       string
	Persons    int64
	Counted    int
	Rejected   int
	Pending    int
	Mismatched int
	Matters    []matterResultView
	Conflicts  []conflictView
}

type conflictView struct{ Person, Counted, SetAside string }

type matterResultView struct {
	Title, ItemLabel     string
	Outcome, OutcomeKind string
	Agree, Oppose        decision.Count
	Abstain, Spoiled     decision.Count
	Binding              bool
	Rows                 []conditionRow
	Extra                []extraView
}

// extraView is an extra condition of a matter as counted.
type extraView struct {
	Label, Rule             string
	Affected, Agree, Oppose int64
	Met                     bool
}

type conditionRow struct {
	Label, Num, Den, Percent, Required string
	Met, Binding                       bool
}

func (p *Pages) decisionShow(w http.ResponseWriter, r *http.Request) {
	p.showDecision(w, r, http.StatusOK, nil)
}

// showDecision renders a decision; entered is the ballot just cast or
// entered, if any.
func (p *Pages) showDecision(w http.ResponseWriter, r *http.Request, status int, entered *decision.Cast) {
	d, ok := p.pathDecision(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	pg := &decisionPage{Base: p.base(r, "decision.title"), D: d, Badge: statusBadge(d.Status), CanRun: canEdit(r)}
	if entered != nil {
		pg.Receipt = entered.Code
		if entered.State != decision.BallotCounted {
			pg.EntryState = string(entered.State)
		}
	}
	pg.Title = d.Title
	l := pg.Lang
	if e, err := p.Reg.Estates().Get(ctx, d.EstateID); err == nil {
		pg.EstateName = e.Name
	}
	pg.ScopeText = p.scopeText(r, d)
	pg.Matters = matterViews(l, d)
	cur := slices.Index(decisionStatuses, d.Status)
	for i, s := range decisionStatuses {
		st := stepView{Label: i18n.T(l, "dstatus."+string(s)), Done: i < cur, Current: i == cur}
		switch s {
		case decision.StatusPublished:
			st.At = d.PublishedAt
		case decision.StatusOpen:
			st.At = d.OpensAt
		case decision.StatusClosed:
			st.At = d.ClosesAt
		case decision.StatusAnnounced:
			st.At = d.AnnouncedAt
			if !d.AnnouncedAt.IsZero() {
				st.Until = d.ObjectionsUntil()
			}
		case decision.StatusFinal:
			st.At = d.FinalizedAt
		}
		pg.Steps = append(pg.Steps, st)
	}
	if pg.CanRun {
		pg.Action = decisionActions[d.Status]
	}
	pg.Conflict = i18n.T(l, "conflict."+string(d.Conflict))
	if pg.CanRun && (d.Status == decision.StatusOpen || d.Status == decision.StatusClosed) {
		if err := p.paperWork(r, pg); err != nil {
			p.fail(w, r, err)
			return
		}
	}
	if err := p.decisionRecords(r, pg); err != nil {
		p.fail(w, r, err)
		return
	}
	switch d.Status {
	case decision.StatusDraft, decision.StatusPublished:
	default:
		// While open: the turnout only, unless the decision lets officers
		// follow the count (the service decides).
		if d.Status != decision.StatusOpen || (d.OpenCount && pg.CanRun) {
			if res, err := p.Decisions.Result(ctx, d.ID); err == nil {
				pg.Result = resultViewOf(l, res)
			}
		}
		if to, err := p.Decisions.Turnout(ctx, d.ID); err == nil {
			pg.Turnout = &to
			pg.TurnoutRows = p.turnoutRows(ctx, l, d, to)
		}
	}
	p.render(w, r, status, "decision", pg)
}

func personLabel(l string, v decision.Voter) string {
	if v.ID == decision.Developer {
		return i18n.T(l, "decision.developer", v.Area.String(), len(v.Parts))
	}
	return i18n.T(l, "decision.person", string(v.ID), v.Area.String(), len(v.Parts))
}

func matterViews(l string, d *decision.Decision) []matterView {
	out := make([]matterView, len(d.Matters))
	for i, m := range d.Matters {
		out[i] = matterView{ID: m.ID, Title: m.Title, ItemLabel: itemLabel(l, m.Item), Rule: ruleText(l, m.Item)}
	}
	return out
}

// scopeText describes which parts a decision is put to.
func (p *Pages) scopeText(r *http.Request, d *decision.Decision) string {
	l := lang(r)
	ctx := r.Context()
	switch d.ScopeKind {
	case decision.ScopeBuildings:
		var names []string
		for _, id := range d.ScopeIDs {
			if b, err := p.Reg.Buildings().Get(ctx, id); err == nil {
				names = append(names, i18n.T(l, "decisions.building", b.No))
			}
		}
		return strings.Join(names, "、")
	case decision.ScopeStairwell:
		for _, id := range d.ScopeIDs {
			if s, err := p.Reg.Stairwells().Get(ctx, id); err == nil {
				no := ""
				if b, err := p.Reg.Buildings().Get(ctx, s.BuildingID); err == nil {
					no = b.No
				}
				return i18n.T(l, "decisions.stairwell", no, s.No)
			}
		}
	}
	return i18n.T(l, "scope."+string(d.ScopeKind))
}

func resultViewOf(l string, res decision.Result) *resultView {
	v := &resultView{Area: res.Electorate.Area.String(), Persons: res.Electorate.Persons, Counted: res.Counted, Rejected: len(res.Rejected),
		Pending: res.Pending, Mismatched: res.Mismatched}
	for _, m := range res.Matters {
		binding := m.Item.Rule().Binding
		mv := matterResultView{Title: m.Title, ItemLabel: itemLabel(l, m.Item), Outcome: i18n.T(l, "outcome."+string(m.Outcome)),
			Agree: m.Agree, Oppose: m.Oppose, Abstain: m.Abstain, Spoiled: m.Spoiled, Binding: binding}
		switch m.Outcome {
		case decision.OutcomePassed:
			mv.OutcomeKind = "good"
		case decision.OutcomeFailed, decision.OutcomeInvalid:
			mv.OutcomeKind = "bad"
		}
		for _, c := range []struct {
			key  string
			area bool
			c    decision.Condition
		}{{"cond.quorum_area", true, m.QuorumArea}, {"cond.quorum_persons", false, m.QuorumPersons},
			{"cond.agree_area", true, m.AgreeArea}, {"cond.agree_persons", false, m.AgreePersons}} {
			row := conditionRow{Label: i18n.T(l, c.key), Percent: c.c.Percent, Met: c.c.Met, Binding: binding}
			if c.area {
				row.Num, row.Den = huanxin.Area(c.c.Num).String(), huanxin.Area(c.c.Den).String()
			} else {
				row.Num, row.Den = strconv.FormatInt(c.c.Num, 10), strconv.FormatInt(c.c.Den, 10)
			}
			if binding {
				row.Required = boundText(decision.Bound{Ratio: c.c.Required, Inclusive: c.c.Inclusive}, " ")
			}
			mv.Rows = append(mv.Rows, row)
		}
		for _, x := range m.Extra {
			mv.Extra = append(mv.Extra, extraView{Label: x.Label, Rule: i18n.T(l, "extra."+string(x.Rule)), Affected: x.Affected,
				Agree: x.Agree, Oppose: x.Oppose, Met: x.Met})
		}
		v.Matters = append(v.Matters, mv)
	}
	for _, c := range res.Conflicts {
		v.Conflicts = append(v.Conflicts, conflictView{Person: string(c.Person), Counted: i18n.T(l, "channel."+c.Counted),
			SetAside: i18n.T(l, "channel."+c.SetAside)})
	}
	return v
}

// decisionMove runs one step of a decision's lifecycle.
func (p *Pages) decisionMove(w http.ResponseWriter, r *http.Request) {
	if !p.decisionsOn(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	ctx := r.Context()
	action := r.PathValue("action")
	switch action {
	case "publish":
		err = p.Decisions.Publish(ctx, id)
	case "open":
		err = p.Decisions.Open(ctx, id)
	case "close":
		err = p.Decisions.Close(ctx, id)
	case "announce":
		err = p.Decisions.Announce(ctx, id)
	case "finalize":
		err = p.Decisions.Finalize(ctx, id)
	default:
		err = huanxin.Errorf(huanxin.ENOTFOUND, "页面不存在 not found")
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	redirect(w, r, "/decisions/"+strconv.FormatInt(id, 10), "decision_"+action)
}

// choicesOf reads the choice of each matter from fields "m_<matter ID>";
// it reports whether every matter has one.
func choicesOf(r *http.Request, d *decision.Decision) (map[decision.MatterID]decision.Choice, bool) {
	out := map[decision.MatterID]decision.Choice{}
	all := true
	for _, m := range d.Matters {
		v := r.PostFormValue("m_" + strconv.FormatInt(int64(m.ID), 10))
		c, err := strconv.Atoi(v)
		if err != nil {
			all = false
			continue
		}
		out[m.ID] = decision.Choice(c)
	}
	return out, all
}

// ballotEnter records an entry of a paper ballot made by an officer, with
// its scan and, for a proxy, the written authorisation stored as files of
// the estate, and shows its state, and its receipt code once it counts.
func (p *Pages) ballotEnter(w http.ResponseWriter, r *http.Request) {
	d, ok := p.pathDecision(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	choices, _ := choicesOf(r, d)
	v := decision.Vote{Person: decision.PersonID(r.PostFormValue("person")), Collection: decision.Collection(r.PostFormValue("collection")),
		Proxy: r.PostFormValue("proxy"), Choices: choices, Spoiled: r.PostFormValue("spoiled") == "1"}
	var err error
	if v.ScanFileID, err = p.storeUpload(r, d.EstateID, "scan"); err == nil {
		v.ProxyFileID, err = p.storeUpload(r, d.EstateID, "authorisation")
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	c, err := p.Decisions.Cast(ctx, d.ID, v)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.showDecision(w, r, http.StatusOK, c)
}

// openDecisions lists the open decisions of the given estates.
func (p *Pages) openDecisions(r *http.Request, estateIDs []int64) ([]*decision.Decision, error) {
	if p.Decisions == nil {
		return nil, nil
	}
	slices.Sort(estateIDs)
	var out []*decision.Decision
	for _, id := range slices.Compact(estateIDs) {
		ds, err := p.Decisions.List(r.Context(), id)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			if d.Status == decision.StatusOpen {
				out = append(out, d)
			}
		}
	}
	slices.SortFunc(out, func(a, b *decision.Decision) int { return cmp.Compare(b.ID, a.ID) })
	return out, nil
}

// receiptURL is where a receipt code is checked.
func receiptURL(code string) string { return "/receipt?code=" + url.QueryEscape(code) }

// turnoutRow is one line of the turnout breakdown.
type turnoutRow struct {
	Label              string
	Area, AreaOf       string
	Persons, PersonsOf int64
}

// turnoutRows breaks the turnout down per building (named by its number)
// and per channel.
func (p *Pages) turnoutRows(ctx context.Context, l string, d *decision.Decision, to decision.Turnout) []turnoutRow {
	names := map[int64]string{}
	if bs, _, err := p.Reg.Buildings().Find(ctx, estate.Filter{EstateID: &d.EstateID, Limit: 1000}); err == nil {
		for _, b := range bs {
			names[b.ID] = b.No
		}
	}
	var rows []turnoutRow
	for _, id := range slices.Sorted(maps.Keys(to.ByBuilding)) {
		bt := to.ByBuilding[id]
		rows = append(rows, turnoutRow{Label: i18n.T(l, "turnout.building", names[id]), Area: bt.Participating.Area.String(),
			AreaOf: bt.Electorate.Area.String(), Persons: bt.Participating.Persons, PersonsOf: bt.Electorate.Persons})
	}
	for _, c := range slices.Sorted(maps.Keys(to.ByChannel)) {
		n := to.ByChannel[c]
		rows = append(rows, turnoutRow{Label: i18n.T(l, "channel."+string(c)), Area: n.Area.String(),
			AreaOf: to.Electorate.Area.String(), Persons: n.Persons, PersonsOf: to.Electorate.Persons})
	}
	return rows
}
