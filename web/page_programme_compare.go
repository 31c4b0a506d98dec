package web

import (
	"net/http"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/planning/programme"
)

// programmeComparePage sets two scenarios side by side (what-if): the
// estates that entered and left, the totals with their differences and
// each district on both sides.
type programmeComparePage struct {
	Base
	S                     *programme.Scenarios
	GapA, GapB            string
	Entered, Left         []programmeRow
	Districts             []programmeCompareDistrict
	DeltaCost, DeltaBasic huanxin.Money
	DeltaHouseholds       int64
	DeltaCount            int
	DeltaValue            float64
}

// programmeCompareDistrict is one district in both scenarios.
type programmeCompareDistrict struct {
	Name string
	programme.DistrictChange
}

// programmeCompare shows the scenario ?with= beside this one.
func (p *Pages) programmeCompare(w http.ResponseWriter, r *http.Request) {
	if !p.programmesOn(w, r) {
		return
	}
	id, err := pathID(r)
	var with int64
	if err == nil {
		if with, err = parseID(r.URL.Query().Get("with")); err != nil {
			err = huanxin.Invalid("请选择要比较的方案 choose a scenario to compare with", huanxin.FieldError{Field: "with", Message: "必填 required"})
		}
	}
	var s *programme.Scenarios
	if err == nil {
		s, err = p.Programmes.Compare(r.Context(), id, with)
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	l := lang(r)
	pg := &programmeComparePage{Base: p.base(r, "programme.compare"), S: s, GapA: gapText(l, s.A), GapB: gapText(l, s.B),
		DeltaCost: s.Delta.Cost, DeltaBasic: s.Delta.BasicCost, DeltaHouseholds: s.Delta.Households, DeltaCount: s.Delta.Count,
		DeltaValue: s.Delta.Value}
	entries := map[int64]programme.Entry{}
	for _, e := range s.A.Candidates {
		entries[e.EstateID] = e
	}
	for _, e := range s.B.Candidates {
		entries[e.EstateID] = e
	}
	for _, id := range s.Entered {
		pg.Entered = append(pg.Entered, programmeRow{Entry: entries[id], In: true})
	}
	for _, id := range s.Left {
		pg.Left = append(pg.Left, programmeRow{Entry: entries[id]})
	}
	names := districtNames(s.B)
	for k, v := range districtNames(s.A) {
		names[k] = v
	}
	for _, d := range s.Districts {
		pg.Districts = append(pg.Districts, programmeCompareDistrict{Name: names[d.District], DistrictChange: d})
	}
	p.render(w, r, http.StatusOK, "programme_compare", pg)
}
