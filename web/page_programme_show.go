package web

import (
	"net/http"
	"strconv"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/planning/programme"
	"github.com/huanxin/huanxin/web/i18n"
)

// programmePage is a computed scenario: the summary against the budget,
// the districts, every candidate in or out with its reasons, the other
// scenarios of the same jurisdiction and year to compare with, and the
// adopt button.
type programmePage struct {
	Base
	P         *programme.Programme
	Gap       string // "已证明最优" or "与最优解差距不超过 x%"
	Objective string
	Share     string // the minimum basic share, "" when none
	BasicPct  string // the basic share of the chosen estates
	Rows      []programmeRow
	Districts []programmeDistrictRow
	Others    []*programme.Programme
	CanAdopt  bool
}

// programmeRow is one candidate with its explanation in words.
type programmeRow struct {
	programme.Entry
	In      bool
	Reasons []string
}

// Wan returns the row's costs by category and in all, in 10,000 yuan.
func (r programmeRow) Wan() [4]string {
	return [4]string{wan(r.ByCategory["basic"]), wan(r.ByCategory["improve"]), wan(r.ByCategory["enhance"]), wan(r.Cost)}
}

// ScoreText is the priority score with four decimals.
func (r programmeRow) ScoreText() string { return strconv.FormatFloat(r.Score, 'f', 4, 64) }

// programmeDistrictRow is one district's totals with its name.
type programmeDistrictRow struct {
	Name string
	programme.DistrictTotal
}

// wan formats fen as 10,000 yuan with two decimals.
func wan(m huanxin.Money) string {
	h := int64(m) / 10_000
	if r := int64(m) % 10_000; r >= 5_000 {
		h++
	} else if r <= -5_000 {
		h--
	}
	return groupThousands(huanxin.Money(h).String())
}

// reasonText renders a computed reason in the page language.
func reasonText(l string, r programme.Reason, e programme.Entry, x programme.Explanation, names map[int64]string) string {
	key := "programme.reason." + string(r.Code)
	switch r.Code {
	case programme.ReasonBudget:
		return i18n.T(l, key, wan(r.Amount))
	case programme.ReasonDistrictCount:
		return i18n.T(l, key, names[r.District], r.Count, r.Max)
	case programme.ReasonDistrictCost:
		return i18n.T(l, key, names[r.District], wan(r.Amount))
	case programme.ReasonBasicShare, programme.ReasonKeepsShare:
		return i18n.T(l, key, r.Share)
	case programme.ReasonAboveMargin, programme.ReasonBelowMargin, programme.ReasonFillsRoom:
		if e.Cost > 0 {
			return i18n.T(l, key+".ratio", x.PerWan, x.Price*1_000_000/float64(e.Cost))
		}
	}
	return i18n.T(l, key)
}

// gapText says how good the programme is: proven optimal, or within the
// proven gap.
func gapText(l string, p *programme.Programme) string {
	if p.Optimal || p.Gap <= programme.RelTolerance {
		return i18n.T(l, "programme.optimal")
	}
	return i18n.T(l, "programme.gap", strconv.FormatFloat(100*p.Gap, 'f', 2, 64))
}

// programmeShow shows a scenario.
func (p *Pages) programmeShow(w http.ResponseWriter, r *http.Request) {
	if !p.programmesOn(w, r) {
		return
	}
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	prog, err := p.Programmes.Get(ctx, id)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	l := lang(r)
	pg := &programmePage{Base: p.base(r, "programme.show"), P: prog, Gap: gapText(l, prog),
		Objective: i18n.T(l, "programme.objective."+string(prog.Objective))}
	pg.Title = prog.Title
	if sh := prog.Constraints.MinBasicShare; sh.Num > 0 {
		pg.Share = strconv.FormatFloat(sh.Percent(), 'f', -1, 64)
	}
	if prog.Summary.Cost > 0 {
		pg.BasicPct = strconv.FormatFloat(100*float64(prog.Result.BasicCost)/float64(prog.Summary.Cost), 'f', 1, 64)
	}
	names := districtNames(prog)
	for i, e := range prog.Candidates {
		x := prog.Result.Estates[i]
		row := programmeRow{Entry: e, In: x.In}
		for _, rs := range x.Reasons {
			row.Reasons = append(row.Reasons, reasonText(l, rs, e, x, names))
		}
		pg.Rows = append(pg.Rows, row)
	}
	for _, d := range prog.Result.Districts {
		pg.Districts = append(pg.Districts, programmeDistrictRow{Name: names[d.District], DistrictTotal: d})
	}
	year := prog.Year
	others, err := p.Programmes.List(ctx, programme.Filter{JurisdictionID: &prog.JurisdictionID, Year: &year})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	for _, o := range others {
		if o.ID != prog.ID {
			pg.Others = append(pg.Others, o)
		}
	}
	a := huanxin.ActorFromContext(ctx)
	pg.CanAdopt = programme.MayRun(a.Role) && !a.ReadOnly && a.Scope.CoversPath(prog.Path) && prog.Status != programme.StatusAdopted
	p.render(w, r, http.StatusOK, "programme", pg)
}

// districtNames maps the districts of a programme's candidates to their
// names.
func districtNames(p *programme.Programme) map[int64]string {
	out := map[int64]string{}
	for _, e := range p.Candidates {
		out[e.District] = e.DistrictName
	}
	return out
}

// programmeAdopt adopts a scenario.
func (p *Pages) programmeAdopt(w http.ResponseWriter, r *http.Request) {
	if !p.programmesOn(w, r) {
		return
	}
	id, err := pathID(r)
	if err == nil {
		_, err = p.Programmes.Adopt(r.Context(), id)
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	redirect(w, r, "/programmes/"+strconv.FormatInt(id, 10), "programme_adopted")
}
