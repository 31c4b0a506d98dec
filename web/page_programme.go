package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/planning/programme"
	"github.com/huanxin/huanxin/web/i18n"
)

// programmesPage lists the annual programmes the actor sees and, for
// housing bureaus, the form that computes a new scenario over the
// candidates of a district or city.
type programmesPage struct {
	Base
	CanRun         bool
	Jurisdictions  []ScopeOption // districts and cities the actor may run a programme for
	JurisdictionID int64
	Objectives     []programmeChoice
	Sources        []programmeChoice // equal scores, then each weight set
	Districts      []programmeDistrictField
	Candidates     []programmeRow
	Must, MustNot  map[int64]bool
	Form           programmeForm
	Scenarios      []*programme.Programme
	Message        string
	Errors         []huanxin.FieldError
}

// programmeForm holds the form as entered, so that a failed submission
// shows it again.
type programmeForm struct {
	Year, Title, Budget, MinBasicShare, Objective, Source string
}

// programmeChoice is one option of a select or radio group, with its
// explanation in plain words.
type programmeChoice struct {
	Value, Label, Hint string
	Checked            bool
}

// programmeDistrictField is a district's quota inputs (count, and cost in
// 10,000 yuan).
type programmeDistrictField struct {
	ID          int64
	Name        string
	Count, Cost string
	Error       string
}

func (p *Pages) programmesOn(w http.ResponseWriter, r *http.Request) bool {
	if p.Programmes == nil {
		p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "记录不存在 not found"))
		return false
	}
	return true
}

// programmeList shows the scenarios and, for bureaus, the form.
func (p *Pages) programmeList(w http.ResponseWriter, r *http.Request) {
	if !p.programmesOn(w, r) {
		return
	}
	pg := &programmesPage{Form: programmeForm{Year: strconv.Itoa(time.Now().In(huanxin.Shanghai).Year()),
		Objective: string(programme.ObjectiveScoreHouseholds), Source: string(programme.ScoresEqual)}}
	p.renderProgrammes(w, r, http.StatusOK, pg, r.URL.Query().Get("j"))
}

// programmeCreate computes a scenario and shows it; invalid input shows
// the form again with the problems next to the fields.
func (p *Pages) programmeCreate(w http.ResponseWriter, r *http.Request) {
	if !p.programmesOn(w, r) {
		return
	}
	if a := huanxin.ActorFromContext(r.Context()); !programme.MayRun(a.Role) || a.ReadOnly {
		p.fail(w, r, huanxin.Errorf(huanxin.EFORBIDDEN, "只有区、市住建局可以编制年度改造计划 only district and city housing bureaus prepare annual programmes"))
		return
	}
	l := lang(r)
	pg := &programmesPage{Form: programmeForm{Year: strings.TrimSpace(r.PostFormValue("year")), Title: r.PostFormValue("title"),
		Budget: strings.TrimSpace(r.PostFormValue("budget")), MinBasicShare: strings.TrimSpace(r.PostFormValue("min_basic_share")),
		Objective: r.PostFormValue("objective"), Source: r.PostFormValue("scores")}}
	jid, _ := parseID(r.PostFormValue("jurisdiction_id"))
	in := programme.Input{JurisdictionID: jid, Title: pg.Form.Title, Objective: programme.Objective(pg.Form.Objective)}
	bad := func(field, key string) {
		pg.Errors = append(pg.Errors, huanxin.FieldError{Field: field, Message: i18n.T(l, key)})
	}
	var err error
	if in.Year, err = strconv.Atoi(pg.Form.Year); err != nil {
		bad("year", "programme.year_invalid")
	}
	if c, ok := huanxin.ParseCenti(pg.Form.Budget); ok && c > 0 {
		in.Constraints.Budget = huanxin.Money(c)
	} else {
		bad("budget", "programme.budget_invalid")
	}
	if in.Constraints.MinBasicShare, err = programme.ShareOf(pg.Form.MinBasicShare); err != nil {
		bad("min_basic_share", "programme.share_invalid")
	}
	in.Scores = programme.ScoresEqual
	if ws, ok := strings.CutPrefix(pg.Form.Source, "ranked:"); ok {
		in.Scores = programme.ScoresRanked
		in.WeightSetID, _ = parseID(ws)
	}
	pg.Must, pg.MustNot = map[int64]bool{}, map[int64]bool{}
	for _, f := range []struct {
		name string
		ids  *[]int64
		set  map[int64]bool
	}{{"must", &in.Must, pg.Must}, {"must_not", &in.MustNot, pg.MustNot}} {
		for _, v := range r.PostForm[f.name] {
			if id, err := parseID(v); err == nil {
				*f.ids = append(*f.ids, id)
				f.set[id] = true
			}
		}
	}
	in.Constraints.DistrictQuota = map[int64]programme.Quota{}
	for key, vs := range r.PostForm {
		idText, ok := strings.CutPrefix(key, "quota_count_")
		if !ok {
			continue
		}
		id, err := parseID(idText)
		if err != nil {
			continue
		}
		var q programme.Quota
		if v := strings.TrimSpace(vs[0]); v != "" {
			if q.MaxCount, err = strconv.Atoi(v); err != nil || q.MaxCount < 0 {
				bad(fmt.Sprintf("district_quota[%d]", id), "programme.quota_invalid")
			}
		}
		if v := strings.TrimSpace(r.PostFormValue("quota_cost_" + idText)); v != "" {
			c, ok := huanxin.ParseCenti(v)
			if !ok || c < 0 {
				bad(fmt.Sprintf("district_quota[%d]", id), "programme.quota_invalid")
			}
			q.MaxCost = huanxin.Money(c) * 10_000 // hundredths of 10,000 yuan → fen
		}
		if q != (programme.Quota{}) {
			in.Constraints.DistrictQuota[id] = q
		}
	}
	if len(pg.Errors) == 0 {
		var prog *programme.Programme
		prog, err = p.Programmes.Create(r.Context(), in)
		switch {
		case err == nil:
			redirect(w, r, "/programmes/"+strconv.FormatInt(prog.ID, 10), "programme_computed")
			return
		case huanxin.ErrorCode(err) == huanxin.EINVALID:
			pg.Errors = append(pg.Errors, huanxin.ErrorFields(err)...)
		default:
			p.fail(w, r, err)
			return
		}
		pg.Message = huanxin.ErrorMessage(err)
	} else {
		pg.Message = i18n.T(l, "programme.invalid")
	}
	p.renderProgrammes(w, r, http.StatusBadRequest, pg, strconv.FormatInt(jid, 10))
}

// renderProgrammes fills the page for the jurisdiction asked for (else
// the one chosen in the switcher, else the actor's first city or
// district) and renders it.
func (p *Pages) renderProgrammes(w http.ResponseWriter, r *http.Request, status int, pg *programmesPage, asked string) {
	ctx := r.Context()
	l := lang(r)
	pg.Base = p.base(r, "programme.title")
	list, err := p.Programmes.List(ctx, programme.Filter{})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg.Scenarios = list
	a := huanxin.ActorFromContext(ctx)
	pg.CanRun = programme.MayRun(a.Role) && !a.ReadOnly
	if !pg.CanRun {
		p.render(w, r, status, "programmes", pg)
		return
	}
	var js []*estate.Jurisdiction
	for _, lv := range []huanxin.Level{huanxin.LevelCity, huanxin.LevelDistrict} {
		found, _, err := p.Reg.Jurisdictions().Find(ctx, estate.Filter{Level: &lv, Limit: 1000})
		if err != nil {
			p.fail(w, r, err)
			return
		}
		js = append(js, found...)
	}
	want, _ := parseID(asked)
	if want == 0 {
		want = selectedScope(r)
	}
	var chosen *estate.Jurisdiction
	for _, j := range js {
		if j.ID == want || chosen == nil {
			chosen = j
		}
	}
	if chosen == nil {
		pg.CanRun = false
		p.render(w, r, status, "programmes", pg)
		return
	}
	pg.JurisdictionID = chosen.ID
	for _, j := range js {
		pg.Jurisdictions = append(pg.Jurisdictions, ScopeOption{ID: j.ID, Name: j.Name, Depth: j.Level.Depth(), Selected: j.ID == chosen.ID})
	}
	for _, o := range programme.Objectives {
		pg.Objectives = append(pg.Objectives, programmeChoice{Value: string(o), Label: i18n.T(l, "programme.objective."+string(o)),
			Hint: i18n.T(l, "programme.objective."+string(o)+".hint"), Checked: pg.Form.Objective == string(o)})
	}
	pg.Sources = []programmeChoice{{Value: string(programme.ScoresEqual), Label: i18n.T(l, "programme.scores.equal"),
		Checked: pg.Form.Source == string(programme.ScoresEqual)}}
	if p.Priority != nil && p.Programmes.Scores != nil {
		sets, err := p.Priority.WeightSets(ctx, chosen.CityID)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		for _, ws := range sets {
			v := "ranked:" + strconv.FormatInt(ws.ID, 10)
			pg.Sources = append(pg.Sources, programmeChoice{Value: v, Label: i18n.T(l, "programme.scores.ranked", ws.Name), Checked: pg.Form.Source == v})
		}
	}
	cands, err := p.Programmes.Candidates(ctx, chosen.ID, programme.ScoresEqual, 0)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	seen := map[int64]bool{}
	for _, c := range cands {
		pg.Candidates = append(pg.Candidates, programmeRow{Entry: c})
		if seen[c.District] {
			continue
		}
		seen[c.District] = true
		idText := strconv.FormatInt(c.District, 10)
		pg.Districts = append(pg.Districts, programmeDistrictField{ID: c.District, Name: c.DistrictName,
			Count: r.PostFormValue("quota_count_" + idText), Cost: r.PostFormValue("quota_cost_" + idText),
			Error: fielderr(pg.Errors, "district_quota["+idText+"]")})
	}
	p.render(w, r, status, "programmes", pg)
}
