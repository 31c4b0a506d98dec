package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/web/i18n"
)

// rulesPage is a city's settings for owners' decisions: the shortest
// notice, the objection period, which ballot counts when an owner voted
// both online and on paper, and whether owners may change an online
// ballot. Decisions copy the rules when they are created.
type rulesPage struct {
	Base
	Cities    []ScopeOption // the cities the actor sees, when more than one
	CityID    int64
	CityName  string
	CanEdit   bool // the actor's scope covers the whole city
	Form      rulesForm
	Conflicts []rulesConflict
	Message   string // summary of a failed submission
	Errors    []huanxin.FieldError
}

// rulesForm holds the rules as entered, so that a failed submission shows
// them again.
type rulesForm struct {
	MinNoticeDays, ObjectionDays string
	Conflict                     string
	AllowChange                  bool
}

// rulesConflict is one choice of the conflict rule with its explanation.
type rulesConflict struct {
	Value, Label, Hint string
	Checked            bool
}

var conflictRules = []decision.ConflictRule{decision.ConflictFirst, decision.ConflictPaper, decision.ConflictOnline}

// mayRunRules reports whether the actor's role may see the city's rules
// page: administrators and housing bureaus.
func mayRunRules(a *huanxin.Actor) bool {
	return a != nil && (a.Role == huanxin.RoleAdmin || a.Role == huanxin.RoleBureau)
}

// decisionRules shows the city's decision rules in a form.
func (p *Pages) decisionRules(w http.ResponseWriter, r *http.Request) {
	pg, ok := p.rulesPageOf(w, r, r.URL.Query().Get("city"))
	if !ok {
		return
	}
	rules, err := p.Decisions.Rules(r.Context(), pg.CityID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg.Form = rulesForm{MinNoticeDays: strconv.Itoa(rules.MinNoticeDays), ObjectionDays: strconv.Itoa(rules.ObjectionDays),
		Conflict: string(rules.Conflict), AllowChange: rules.AllowChange}
	p.renderRules(w, r, http.StatusOK, pg)
}

// decisionRulesSave stores the city's decision rules; invalid input shows
// the form again with the problems next to the fields.
func (p *Pages) decisionRulesSave(w http.ResponseWriter, r *http.Request) {
	pg, ok := p.rulesPageOf(w, r, r.PostFormValue("city"))
	if !ok {
		return
	}
	l := lang(r)
	pg.Form = rulesForm{MinNoticeDays: strings.TrimSpace(r.PostFormValue("min_notice_days")),
		ObjectionDays: strings.TrimSpace(r.PostFormValue("objection_days")),
		Conflict:      r.PostFormValue("conflict_rule"), AllowChange: r.PostFormValue("allow_change") != ""}
	rules := decision.Rules{Conflict: decision.ConflictRule(pg.Form.Conflict), AllowChange: pg.Form.AllowChange}
	for _, f := range []struct {
		field, value string
		dst          *int
	}{{"min_notice_days", pg.Form.MinNoticeDays, &rules.MinNoticeDays}, {"objection_days", pg.Form.ObjectionDays, &rules.ObjectionDays}} {
		n, err := strconv.Atoi(f.value)
		if err != nil {
			pg.Errors = append(pg.Errors, huanxin.FieldError{Field: f.field, Message: i18n.T(l, "rules.days_invalid")})
		}
		*f.dst = n
	}
	if !decision.ConflictRule(pg.Form.Conflict).Valid() {
		pg.Errors = append(pg.Errors, huanxin.FieldError{Field: "conflict_rule", Message: i18n.T(l, "rules.conflict_invalid")})
	}
	if len(pg.Errors) > 0 {
		pg.Message = i18n.T(l, "rules.invalid")
		p.renderRules(w, r, http.StatusBadRequest, pg)
		return
	}
	err := p.Decisions.SetRules(r.Context(), pg.CityID, rules)
	switch {
	case err == nil:
		redirect(w, r, "/settings/decision-rules?city="+strconv.FormatInt(pg.CityID, 10), "rules_saved")
	case huanxin.ErrorCode(err) == huanxin.EINVALID:
		pg.Message = huanxin.ErrorMessage(err)
		for _, fe := range huanxin.ErrorFields(err) {
			// The service names the settings ("decision.objection_days");
			// the form names their fields without the prefix.
			fe.Field = strings.TrimPrefix(fe.Field, "decision.")
			pg.Errors = append(pg.Errors, fe)
		}
		p.renderRules(w, r, http.StatusBadRequest, pg)
	default:
		p.fail(w, r, err)
	}
}

// rulesPageOf checks that the actor may see the rules page and picks the
// city: the one asked for (which must be one the actor sees), else the
// city of the jurisdiction chosen in the switcher, else the first.
func (p *Pages) rulesPageOf(w http.ResponseWriter, r *http.Request, asked string) (*rulesPage, bool) {
	if !p.decisionsOn(w, r) {
		return nil, false
	}
	if !mayRunRules(huanxin.ActorFromContext(r.Context())) {
		p.fail(w, r, huanxin.Errorf(huanxin.EFORBIDDEN, "只有管理员或住建局可以设置表决规则 only administrators and housing bureaus may set the decision rules"))
		return nil, false
	}
	return p.pickCity(w, r, asked)
}

// pickCity picks the city of a city-wide settings page among those the
// actor sees: the one asked for, else the city of the jurisdiction chosen
// in the switcher, else the first. CanEdit says whether the actor's scope
// covers the whole city.
func (p *Pages) pickCity(w http.ResponseWriter, r *http.Request, asked string) (*rulesPage, bool) {
	ctx := r.Context()
	a := huanxin.ActorFromContext(ctx)
	cities, err := p.Reg.Cities(ctx)
	if err == nil && len(cities) == 0 {
		err = huanxin.Errorf(huanxin.ENOTFOUND, "您的管辖范围内没有城市 there is no city in your scope")
	}
	if err != nil {
		p.fail(w, r, err)
		return nil, false
	}
	var city int64
	if asked = strings.TrimSpace(asked); asked != "" {
		id, err := parseID(asked)
		if err != nil || !slices.Contains(cities, id) {
			p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "记录不存在或不在您的管辖范围 not found"))
			return nil, false
		}
		city = id
	} else if sel := selectedScope(r); sel != 0 {
		if j, err := p.Reg.Jurisdictions().Get(ctx, sel); err == nil && slices.Contains(cities, j.CityID) {
			city = j.CityID
		}
	}
	if city == 0 {
		city = cities[0]
	}
	pg := &rulesPage{CityID: city}
	// The city's own record may lie above the actor's scope (a district
	// bureau): its name and path are read on the system's authority, to
	// name the city and to tell whether the actor's scope covers it.
	sys := huanxin.NewContextWithActor(ctx, huanxin.SystemActor)
	for _, id := range cities {
		name := "#" + strconv.FormatInt(id, 10)
		j, err := p.Reg.Jurisdictions().Get(sys, id)
		if err == nil {
			name = j.Name
		}
		if id == city {
			pg.CityName = name
			pg.CanEdit = err == nil && a.Scope.CoversPath(j.Path) && !a.ReadOnly
		}
		if len(cities) > 1 {
			pg.Cities = append(pg.Cities, ScopeOption{ID: id, Name: name, Selected: id == city})
		}
	}
	return pg, true
}

// renderRules fills the choices of the conflict rule and renders the page.
func (p *Pages) renderRules(w http.ResponseWriter, r *http.Request, status int, pg *rulesPage) {
	pg.Base = p.base(r, "rules.title")
	for _, c := range conflictRules {
		pg.Conflicts = append(pg.Conflicts, rulesConflict{Value: string(c), Label: i18n.T(pg.Lang, "rules.conflict."+string(c)),
			Hint: i18n.T(pg.Lang, "rules.conflict."+string(c)+".hint"), Checked: pg.Form.Conflict == string(c)})
	}
	p.render(w, r, status, "city_rules", pg)
}
