package web

import (
	"fmt"
	"html"
	"html/template"
	"net/http"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/planning/priority"
	"github.com/huanxin/huanxin/planning/rank"
	"github.com/huanxin/huanxin/web/i18n"
)

// priorityPage is the ranking of the estates of the jurisdiction chosen in
// the switcher with a weight set and a model: rank, estate, score and a bar
// of each indicator's contribution, and the estates missing values.
type priorityPage struct {
	Base
	Jurisdiction *estate.Jurisdiction
	Sets         []ScopeOption // the city's weight sets, ID and name
	SetID        int64
	Model        string
	Models       []option
	Legend       []legendItem
	Rows         []priorityRow
	Missing      []missingRow
	CanEnter     bool
	CanWeigh     bool
}

// legendItem is one indicator of the ranking with its colour and weight.
type legendItem struct {
	Key, Name, Colour string
	Weight            float64
}

type priorityRow struct {
	Rank     int
	EstateID int64
	Code     string
	Name     string
	Score    float64
	Bar      template.HTML
}

type missingRow struct {
	EstateID int64
	Code     string
	Name     string
	Lacks    string
}

// palette colours the indicators of a ranking in order (colour-blind safe,
// after Okabe & Ito, repeated in lighter tones past eight).
var palette = []string{"#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000",
	"#7fb8d8", "#f2cf80", "#7fceb9", "#e5bcd3", "#aad9f4", "#eaaf80"}

// indicatorName is the indicator's name in the page's language.
func indicatorName(lang string, ind rank.Indicator) string {
	if lang == "en" {
		return ind.NameEn
	}
	return ind.Name
}

func keyName(lang, key string) string {
	if ind, ok := priority.Indicator(key); ok {
		return indicatorName(lang, ind)
	}
	return key
}

// priorityReady checks that the priority pages are on and that the actor may
// read them.
func (p *Pages) priorityReady(w http.ResponseWriter, r *http.Request) bool {
	if p.Priority == nil {
		p.fail(w, r, huanxin.Errorf(huanxin.EUNAVAILABLE, "优先排序未启用 the priority ranking is not enabled"))
		return false
	}
	if a := huanxin.ActorFromContext(r.Context()); a == nil || !priority.MayRead(a.Role) {
		p.fail(w, r, huanxin.Errorf(huanxin.EFORBIDDEN, "只有管理部门可以查看优先排序 only officers may see the priority ranking"))
		return false
	}
	return true
}

// priorityJurisdiction is the jurisdiction chosen in the switcher, else the
// highest one the actor sees.
func (p *Pages) priorityJurisdiction(r *http.Request) (*estate.Jurisdiction, error) {
	if sel := selectedScope(r); sel != 0 {
		if j, err := p.Reg.Jurisdictions().Get(r.Context(), sel); err == nil {
			return j, nil
		}
	}
	js, _, err := p.Reg.Jurisdictions().Find(r.Context(), estate.Filter{Limit: 300})
	if err != nil {
		return nil, err
	}
	var best *estate.Jurisdiction
	for _, j := range js {
		if best == nil || j.Level.Depth() < best.Level.Depth() {
			best = j
		}
	}
	if best == nil {
		return nil, huanxin.Errorf(huanxin.ENOTFOUND, "您的管辖范围内没有辖区 there is no jurisdiction in your scope")
	}
	return best, nil
}

// rankingOf reads the page's choices (ws, model) and ranks, with the
// sensitivity analysis when asked. No weight set yet gives a nil ranking.
func (p *Pages) rankingOf(r *http.Request, sensitivity bool) (*priority.Ranking, []*priority.WeightSet, *estate.Jurisdiction, error) {
	j, err := p.priorityJurisdiction(r)
	if err != nil {
		return nil, nil, nil, err
	}
	sets, err := p.Priority.WeightSets(r.Context(), j.CityID)
	if err != nil || len(sets) == 0 {
		return nil, sets, j, err
	}
	wsID, _ := parseID(r.URL.Query().Get("ws"))
	if wsID == 0 {
		wsID = sets[0].ID
	}
	model := rank.Model(r.URL.Query().Get("model"))
	rk, err := p.Priority.Rank(r.Context(), priority.RankRequest{JurisdictionID: j.ID, WeightSetID: wsID, Model: model, Sensitivity: sensitivity})
	return rk, sets, j, err
}

// priorityList shows the ranking.
func (p *Pages) priorityList(w http.ResponseWriter, r *http.Request) {
	if !p.priorityReady(w, r) {
		return
	}
	rk, sets, j, err := p.rankingOf(r, false)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &priorityPage{Base: p.base(r, "priority.title"), Jurisdiction: j, Model: string(rank.ModelTOPSIS)}
	a := pg.Actor
	pg.CanEnter, pg.CanWeigh = priority.MayEnter(a.Role) && !a.ReadOnly, priority.MayWeigh(a.Role) && !a.ReadOnly
	for _, ws := range sets {
		pg.Sets = append(pg.Sets, ScopeOption{ID: ws.ID, Name: ws.Name})
	}
	if rk != nil {
		pg.SetID, pg.Model = rk.WeightSet.ID, string(rk.Model)
		for i := range pg.Sets {
			pg.Sets[i].Selected = pg.Sets[i].ID == pg.SetID
		}
		for _, m := range rk.Missing {
			names := make([]string, len(m.Keys))
			for i, k := range m.Keys {
				names[i] = keyName(pg.Lang, k)
			}
			pg.Missing = append(pg.Missing, missingRow{EstateID: m.EstateID, Code: m.Code, Name: m.Name, Lacks: strings.Join(names, i18n.T(pg.Lang, "priority.list_sep"))})
		}
		if res := rk.Result; res != nil {
			for j, ind := range res.Indicators {
				pg.Legend = append(pg.Legend, legendItem{Key: ind.Key, Name: indicatorName(pg.Lang, ind), Colour: palette[j%len(palette)], Weight: res.Weights[j]})
			}
			for _, e := range res.Estates {
				pg.Rows = append(pg.Rows, priorityRow{Rank: e.Rank, EstateID: e.ID, Code: rk.Codes[e.ID], Name: e.Name, Score: e.Score,
					Bar: contributionBar(pg.Lang, res.Indicators, e)})
			}
		}
	}
	for _, m := range []rank.Model{rank.ModelTOPSIS, rank.ModelWeightedSum} {
		pg.Models = append(pg.Models, option{Value: string(m), Label: i18n.T(pg.Lang, "priority.model."+string(m)), Selected: string(m) == pg.Model})
	}
	p.render(w, r, http.StatusOK, "priority", pg)
}

// contributionBar draws an estate's score as one bar split into each
// indicator's contribution (rank.Contribution.Score), 240 px for a score
// of 1, with the indicator and its share as each part's title.
func contributionBar(lang string, inds []rank.Indicator, e rank.Scored) template.HTML {
	const width, height = 240.0, 14.0
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="bar" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`,
		int(width), int(height), int(width), int(height), html.EscapeString(fmt.Sprintf("%s %.4f", i18n.T(lang, "priority.score"), e.Score)))
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%d" height="%d" fill="#eee"/>`, int(width), int(height))
	x := 0.0
	for j, c := range e.Contributions {
		wd := c.Score * width
		if wd <= 0 {
			continue
		}
		fmt.Fprintf(&b, `<rect x="%.2f" y="0" width="%.2f" height="%d" fill="%s"><title>%s %.4f</title></rect>`,
			x, wd, int(height), palette[j%len(palette)], html.EscapeString(indicatorName(lang, inds[j])), c.Score)
		x += wd
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// priorityEstatePage is one estate's place in the ranking: each indicator's
// value and contribution, and its rank when each weight moves by ±10%.
type priorityEstatePage struct {
	Base
	Estate        rank.Scored
	Code          string
	SetID         int64
	SetName       string
	Model         string // the model's name
	ModelKey      string
	Contributions []contributionRow
	Sensitivity   []sensitivityRow
	TopN          int
	Missing       bool
}

type contributionRow struct {
	Key, Name, Unit, Colour, Direction string
	Weight                             float64
	rank.Contribution
}

type sensitivityRow struct {
	Name          string
	Weight        float64
	Plus, Minus   int
	Fragile       bool
	PlusNoOp      bool
	MinusNoOp     bool
	PlusW, MinusW float64
}

// priorityEstate shows one estate's contributions and sensitivity.
func (p *Pages) priorityEstate(w http.ResponseWriter, r *http.Request) {
	if !p.priorityReady(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	rk, _, _, err := p.rankingOf(r, true)
	if err == nil && rk == nil {
		err = huanxin.Errorf(huanxin.ENOTFOUND, "还没有权重方案 there is no weight set yet")
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &priorityEstatePage{Base: p.base(r, "priority.estate_title"), Code: rk.Codes[id], SetName: rk.WeightSet.Name,
		SetID: rk.WeightSet.ID, Model: i18n.T(lang(r), "priority.model."+string(rk.Model)), ModelKey: string(rk.Model)}
	var found bool
	if rk.Result != nil {
		pg.Estate, found = rk.Result.Find(id)
	}
	if !found {
		if _, ok := rk.Codes[id]; !ok {
			p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "小区不存在或不在该辖区 estate not found in this jurisdiction"))
			return
		}
		// In the jurisdiction but lacking values: say so.
		pg.Missing = true
		pg.Estate.ID = id
		p.render(w, r, http.StatusOK, "priority_estate", pg)
		return
	}
	res, s := rk.Result, rk.Sensitivity
	fragile := map[string]bool{}
	for _, k := range s.Fragile {
		fragile[k] = true
	}
	var es rank.EstateSensitivity
	for _, x := range s.Estates {
		if x.ID == id {
			es = x
		}
	}
	pg.TopN = s.TopN
	for j, ind := range res.Indicators {
		pg.Contributions = append(pg.Contributions, contributionRow{Key: ind.Key, Name: indicatorName(pg.Lang, ind), Unit: ind.Unit,
			Colour: palette[j%len(palette)], Direction: i18n.T(pg.Lang, "priority.direction."+ind.Direction.String()),
			Weight: res.Weights[j], Contribution: pg.Estate.Contributions[j]})
		plus, minus := s.Perturbations[2*j], s.Perturbations[2*j+1]
		pg.Sensitivity = append(pg.Sensitivity, sensitivityRow{Name: indicatorName(pg.Lang, ind), Weight: res.Weights[j],
			Plus: es.Ranks[2*j], Minus: es.Ranks[2*j+1], Fragile: fragile[ind.Key], PlusNoOp: plus.NoOp, MinusNoOp: minus.NoOp,
			PlusW: plus.Weights[j], MinusW: minus.Weights[j]})
	}
	p.render(w, r, http.StatusOK, "priority_estate", pg)
}

// priorityMenu adds the ranking's pages to the planning group of the menu
// (creating the group if no other planning page made it).
func priorityMenu(m []MenuItem, role huanxin.Role, item func(key, href string) MenuItem) []MenuItem {
	if !priority.MayRead(role) {
		return m
	}
	items := []MenuItem{item("nav.priority", "/priority"), item("nav.priority_weights", "/priority/weights"),
		item("nav.priority_values", "/priority/values")}
	for i := range m {
		if m[i].Key == "nav.planning" {
			m[i].Children = append(m[i].Children, items...)
			return m
		}
	}
	return append(m, MenuItem{Key: "nav.planning", Children: items})
}
