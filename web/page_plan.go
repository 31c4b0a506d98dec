package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/planning/plan"
	"github.com/huanxin/huanxin/survey"
	"github.com/huanxin/huanxin/web/i18n"
)

// planPage is an estate's renovation plan: its facts and approval steps,
// its lines by category with their totals, the problems its review finds,
// the phases as a timeline, the line editor and the actions the actor may
// take.
type planPage struct {
	Base
	Plan        *plan.Plan
	Estate      *estate.Estate
	StatusLabel string
	Awaits      string // the level whose approval the plan waits for, translated; "" when none
	Steps       []planStep
	Groups      []planGroup
	Total       string
	Violations  []string
	Omissions   []planOmission
	Missing     []planMissing
	SignOffs    []planSignOff
	Gantt       planGantt
	Versions    []int
	// What the actor may do.
	CanEdit, CanSubmit, CanApprove, CanRevise, CanDecide, CanSignOff bool
	CanPublish                                                       bool   // may publish the plan for comments
	PublicityEnd                                                     string // the publication form re-shown after an error
	Editor                                                           planEditor
	Reason, NoticeDays                                               string // forms re-shown after an error
	Message                                                          string
	Errors                                                           []huanxin.FieldError
}

// planStep is one move of the plan in the approval timeline.
type planStep struct {
	Label, By, Reason string
	At                any
	Returned          bool
}

// planGroup is the lines of one category with their total.
type planGroup struct {
	Name, Total string
	Lines       []planLine
}

// planLine is one line as the table shows it; Index is its place in the
// plan (the editor's and the errors' line number).
type planLine struct {
	Index                                 int
	Code, Name, Quantity, UnitCost, Total string
	Phase                                 int
	Zone                                  string
	Findings                              []int64
	Asked                                 int64
	Error                                 string
}

// planOmission is a survey need the plan leaves out.
type planOmission struct {
	Name, Category, Where, Grade string
	Hazard                       bool
}

// planMissing is an item with the bodies that have yet to sign it off.
type planMissing struct {
	Code, Name string
	Bodies     []option
}

// planSignOff is a recorded sign-off.
type planSignOff struct {
	Name, Body, By, Note string
	At                   any
}

// planEditor is the line form: empty Line for a new line, else the index
// of the line it changes; Posted marks a failed submission shown again.
type planEditor struct {
	Line, Code                string
	Quantity, UnitCost, Phase string
	Zone                      []string
	Posted                    bool
	Groups                    []planItemGroup
	Buildings                 []option
}

// planItemGroup is the catalogue items of one category, for <optgroup>.
type planItemGroup struct {
	Name    string
	Options []option
}

// planGantt is the phases drawn as a timeline: one column per phase, one
// bar per line, coloured by category.
type planGantt struct {
	Width, Height int
	Phases        []planGanttPhase
	Bars          []planGanttBar
	Legend        []planGanttLegend
}

type planGanttPhase struct {
	X, Phase     int
	Label, Shade string
	Total        string
	Lines        []string
}

type planGanttBar struct {
	X, Y, W, LabelY int
	Fill            string
	Name, Title     string
}

type planGanttLegend struct {
	X    int
	Fill string
	Name string
}

// categoryFill is the colour of each category's bars.
var categoryFill = map[planning.Category]string{planning.CategoryBasic: "#2b6cb0", planning.CategoryImprove: "#2f855a",
	planning.CategoryEnhance: "#b7791f"}

const (
	ganttLabel = 180 // width of the line names
	ganttCol   = 120 // width of a phase
	ganttRow   = 26
	ganttHead  = 28
)

func (p *Pages) plansOn(w http.ResponseWriter, r *http.Request) bool {
	if p.Plans == nil {
		p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "页面不存在 not found"))
		return false
	}
	return true
}

func planOfficer(a *huanxin.Actor) bool { return a != nil && a.Role.CanEditRegister() && !a.ReadOnly }

// zoneNames lists a zone's building numbers, or "whole estate".
func zoneNames(zone []int64, buildings map[int64]string, l string) string {
	if len(zone) == 0 {
		return i18n.T(l, "plan.zone.all")
	}
	names := make([]string, len(zone))
	for i, b := range zone {
		names[i] = buildings[b] + i18n.T(l, "my.building")
	}
	return strings.Join(names, "、")
}

// estateBuildings returns the estate's buildings in order, and their
// numbers by ID.
func (p *Pages) estateBuildings(r *http.Request, estateID int64) ([]*estate.Building, map[int64]string, error) {
	bs, _, err := p.Reg.Buildings().Find(r.Context(), estate.Filter{EstateID: &estateID, Limit: 10000})
	if err != nil {
		return nil, nil, err
	}
	names := map[int64]string{}
	for _, b := range bs {
		names[b.ID] = b.No
	}
	return bs, names, nil
}

// planStepLabel names a move of the plan.
func planStepLabel(s plan.Step, l string) string {
	if s.To == plan.Draft {
		if s.From == plan.Approved {
			return i18n.T(l, "plan.step.revise")
		}
		return i18n.T(l, "plan.step.return")
	}
	return i18n.T(l, "plan.step."+string(s.To))
}

// planShow shows a plan.
func (p *Pages) planShow(w http.ResponseWriter, r *http.Request) {
	if !p.plansOn(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &planPage{}
	if n := r.URL.Query().Get("line"); n != "" {
		pg.Editor.Line = n
	}
	p.renderPlan(w, r, http.StatusOK, id, pg)
}

// renderPlan fills the plan page around what pg holds already (the
// editor's input, a message and field errors) and sends it.
func (p *Pages) renderPlan(w http.ResponseWriter, r *http.Request, status int, id int64, pg *planPage) {
	ctx := r.Context()
	rv, err := p.Plans.Review(ctx, id)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pl := rv.Plan
	pg.Base = p.base(r, "plan.title")
	pg.Title = pl.Title
	l := pg.Lang
	pg.Plan = pl
	if pg.Estate, err = p.Reg.Estates().Get(ctx, pl.EstateID); err != nil {
		p.fail(w, r, err)
		return
	}
	bs, buildings, err := p.estateBuildings(r, pl.EstateID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	items, err := p.Catalogue.Items(ctx, pl.CityID, planning.Filter{})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	byCode := map[string]*planning.Item{}
	for _, it := range items {
		byCode[it.Code] = it
	}
	itemName := func(code string) string {
		if it := byCode[code]; it != nil {
			return it.Name
		}
		return code
	}
	pg.StatusLabel = i18n.T(l, "plan.status."+string(pl.Status))
	if lv, ok := plan.Approver(pl.Status); ok {
		pg.Awaits = i18n.T(l, "level."+string(lv))
	}

	// The approval timeline.
	versions, steps, err := p.Plans.History(ctx, id)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	ids := []int64{pl.CreatedBy}
	for _, s := range steps {
		ids = append(ids, s.By)
	}
	for _, so := range pl.SignOffs {
		ids = append(ids, so.By)
	}
	names := p.userNames(ctx, ids...)
	pg.Steps = append(pg.Steps, planStep{Label: i18n.T(l, "plan.step.created"), By: names[pl.CreatedBy], At: pl.Created})
	for _, s := range steps {
		st := planStep{Label: planStepLabel(s, l), By: names[s.By], At: s.At}
		if s.To == plan.Draft && s.From != plan.Approved {
			st.Reason, st.Returned = s.Reason, true
		}
		pg.Steps = append(pg.Steps, st)
	}
	for _, v := range versions {
		pg.Versions = append(pg.Versions, v.Version)
	}

	// Lines by category, with the errors a refused submission named.
	lineErr := map[int]string{}
	for _, fe := range pg.Errors {
		if rest, ok := strings.CutPrefix(fe.Field, "lines."); ok {
			n, _, _ := strings.Cut(rest, ".")
			if i, err := strconv.Atoi(n); err == nil && i < len(pl.Lines) {
				lineErr[i] = fe.Message
			}
		}
	}
	for _, c := range planning.Categories {
		g := planGroup{Name: c.Term().Name(l), Total: groupThousands(rv.Totals.ByCategory[string(c)].String())}
		for i, ln := range pl.Lines {
			if ln.Category != string(c) {
				continue
			}
			total, _ := ln.Total()
			g.Lines = append(g.Lines, planLine{Index: i, Code: ln.ItemCode, Name: ln.Name,
				Quantity: huanxin.FormatCenti(ln.Quantity) + " " + ln.Unit, UnitCost: groupThousands(ln.UnitCost.String()),
				Total: groupThousands(total.String()), Phase: ln.Phase, Zone: zoneNames(ln.Zone, buildings, l),
				Findings: ln.Findings, Asked: ln.Asked, Error: lineErr[i]})
		}
		if len(g.Lines) > 0 {
			pg.Groups = append(pg.Groups, g)
		}
	}
	pg.Total = groupThousands(rv.Totals.Total.String())

	// The problems the review finds.
	for _, v := range rv.Violations {
		pg.Violations = append(pg.Violations, i18n.T(l, "plan.violation", pl.Lines[v.Line].Name, v.Phase, pl.Lines[v.Before].Name, v.Needs))
	}
	for _, o := range rv.Omissions {
		where := i18n.T(l, "plan.zone.all")
		if o.Building != 0 {
			where = buildings[o.Building] + i18n.T(l, "my.building")
		}
		pg.Omissions = append(pg.Omissions, planOmission{Name: itemName(o.ItemCode),
			Category: planning.Category(o.Category).Term().Name(l), Where: where, Grade: survey.Grade(o.Grade).Label(), Hazard: o.Hazard})
	}
	for _, ln := range pl.Lines {
		bodies := rv.Missing[ln.ItemCode]
		if len(bodies) == 0 || slices.ContainsFunc(pg.Missing, func(m planMissing) bool { return m.Code == ln.ItemCode }) {
			continue
		}
		m := planMissing{Code: ln.ItemCode, Name: ln.Name}
		for _, b := range bodies {
			m.Bodies = append(m.Bodies, option{Value: b, Label: termNames([]string{b}, planning.SignOffBodies, l)})
		}
		pg.Missing = append(pg.Missing, m)
	}
	for _, so := range pl.SignOffs {
		pg.SignOffs = append(pg.SignOffs, planSignOff{Name: itemName(so.ItemCode), Body: termNames([]string{so.Body}, planning.SignOffBodies, l),
			By: names[so.By], Note: so.Note, At: so.At})
	}
	pg.Gantt = planTimeline(pl.Lines, rv.Totals, buildings, l)

	// What the actor may do.
	a := huanxin.ActorFromContext(ctx)
	officer := planOfficer(a)
	pg.CanEdit = officer && pl.Status == plan.Draft
	pg.CanSubmit = pg.CanEdit && len(pl.Lines) > 0
	pg.CanRevise = officer && pl.Status == plan.Approved
	pg.CanDecide = pg.CanRevise && pl.DecisionID == 0
	pg.CanPublish = officer && pl.Status != plan.Draft && pl.NoticeID == 0 && p.Plans.Notices != nil
	pg.CanSignOff = len(pg.Missing) > 0 && a != nil && !a.ReadOnly && (a.Role.CanEditRegister() || a.Role == huanxin.RoleUtility)
	if officer {
		if awaiting, err := p.Plans.Awaiting(ctx); err == nil {
			pg.CanApprove = slices.ContainsFunc(awaiting, func(x *plan.Plan) bool { return x.ID == pl.ID })
		}
	}
	if pg.CanEdit {
		p.fillEditor(pg, items, bs)
	}
	p.render(w, r, status, "plan", pg)
}

// fillEditor completes the line form: the active catalogue items grouped
// by category and the estate's buildings as checkboxes, with the line
// being changed filled in unless the form holds a failed submission.
func (p *Pages) fillEditor(pg *planPage, items []*planning.Item, bs []*estate.Building) {
	l := pg.Lang
	e := &pg.Editor
	if !e.Posted {
		if n, err := strconv.Atoi(e.Line); err == nil && n >= 0 && n < len(pg.Plan.Lines) {
			ln := pg.Plan.Lines[n]
			e.Code, e.Quantity, e.UnitCost, e.Phase = ln.ItemCode, huanxin.FormatCenti(ln.Quantity), ln.UnitCost.String(), strconv.Itoa(ln.Phase)
			for _, b := range ln.Zone {
				e.Zone = append(e.Zone, strconv.FormatInt(b, 10))
			}
		} else {
			e.Line, e.Phase = "", "1"
		}
	}
	for _, c := range planning.Categories {
		g := planItemGroup{Name: c.Term().Name(l)}
		for _, it := range items {
			if it.Category == c && it.Active {
				g.Options = append(g.Options, option{Value: it.Code, Label: it.Code + " " + it.Name + "（" +
					groupThousands(it.UnitCost.String()) + i18n.T(l, "plan.per") + it.Unit + "）", Selected: it.Code == e.Code})
			}
		}
		if len(g.Options) > 0 {
			e.Groups = append(e.Groups, g)
		}
	}
	for _, b := range bs {
		v := strconv.FormatInt(b.ID, 10)
		e.Buildings = append(e.Buildings, option{Value: v, Label: b.No + i18n.T(l, "my.building"), Selected: slices.Contains(e.Zone, v)})
	}
}

// planTimeline lays out the phases: a column per phase, a bar per line in
// its phase's column, each with a title; the phase totals and lines feed
// the table beside it.
func planTimeline(lines []plan.Line, totals plan.Totals, buildings map[int64]string, l string) planGantt {
	phases := 1
	for _, ln := range lines {
		phases = max(phases, ln.Phase)
	}
	g := planGantt{Width: ganttLabel + phases*ganttCol, Height: ganttHead + max(len(lines), 1)*ganttRow + ganttRow}
	for ph := 1; ph <= phases; ph++ {
		col := planGanttPhase{X: ganttLabel + (ph-1)*ganttCol, Phase: ph, Label: i18n.T(l, "plan.phase.n", ph), Shade: "#ffffff",
			Total: groupThousands(totals.ByPhase[ph].String())}
		if ph%2 == 1 {
			col.Shade = "#f5f7fa"
		}
		for _, ln := range lines {
			if ln.Phase == ph {
				col.Lines = append(col.Lines, ln.Name)
			}
		}
		g.Phases = append(g.Phases, col)
	}
	for i, ln := range lines {
		y := ganttHead + i*ganttRow
		total, _ := ln.Total()
		g.Bars = append(g.Bars, planGanttBar{X: ganttLabel + (ln.Phase-1)*ganttCol + 4, Y: y + 4, W: ganttCol - 8, LabelY: y + 17,
			Fill: categoryFill[planning.Category(ln.Category)], Name: ln.Name,
			Title: ln.Name + " · " + i18n.T(l, "plan.phase.n", ln.Phase) + " · " + zoneNames(ln.Zone, buildings, l) + " · " +
				groupThousands(total.String()) + i18n.T(l, "plan.yuan")})
	}
	for i, c := range planning.Categories {
		g.Legend = append(g.Legend, planGanttLegend{X: 4 + i*110, Fill: categoryFill[c], Name: c.Term().Name(l)})
	}
	return g
}
