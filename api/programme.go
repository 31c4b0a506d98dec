package api

import (
	"cmp"
	"net/http"
	"slices"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/planning/programme"
)

var (
	programmeListParams    = []string{"jurisdiction_id", "year", "page", "per_page"}
	programmeCompareParams = []string{"with"}
)

// programmeHandlers serve annual programmes (年度改造计划): housing
// bureaus of a district or a city compute scenarios and adopt one; street
// and community officers and auditors read them (the service decides).
type programmeHandlers struct{ svc *programme.Service }

// DistrictQuota limits the estates of one district in a programme: at
// most max_count estates and max_cost fen (0: no limit).
type DistrictQuota struct {
	District int64         `json:"district"`
	MaxCount int           `json:"max_count"`
	MaxCost  huanxin.Money `json:"max_cost"`
}

// ProgrammeInput is the body of POST /api/v1/programmes: a scenario to
// compute. budget is in fen; min_basic_share the least share of 基础类
// cost as num/den ({0,0}: none); scores "equal" or "ranked" (by the
// weight set weight_set_id).
type ProgrammeInput struct {
	JurisdictionID int64               `json:"jurisdiction_id"`
	Year           int                 `json:"year"`
	Title          string              `json:"title"`
	Objective      programme.Objective `json:"objective"`
	Budget         huanxin.Money       `json:"budget"`
	DistrictQuotas []DistrictQuota     `json:"district_quotas"`
	MinBasicShare  programme.Share     `json:"min_basic_share"`
	Must           []int64             `json:"must"`
	MustNot        []int64             `json:"must_not"`
	Scores         string              `json:"scores"`
	WeightSetID    int64               `json:"weight_set_id"`
}

// ProgrammeSummary is a programme in lists: its input in brief and its
// totals.
type ProgrammeSummary struct {
	ID             int64               `json:"id"`
	CityID         int64               `json:"city_id"`
	JurisdictionID int64               `json:"jurisdiction_id"`
	Year           int                 `json:"year"`
	Title          string              `json:"title"`
	Objective      programme.Objective `json:"objective"`
	Status         programme.Status    `json:"status"`
	Budget         huanxin.Money       `json:"budget"`
	Count          int                 `json:"count"`
	Households     int64               `json:"households"`
	Cost           huanxin.Money       `json:"cost"`
	Value          float64             `json:"value"`
	Gap            float64             `json:"gap"`
	Optimal        bool                `json:"optimal"`
	CreatedBy      int64               `json:"created_by"`
	Created        time.Time           `json:"created"`
	AdoptedBy      int64               `json:"adopted_by"`
	Adopted        time.Time           `json:"adopted,omitzero"`
}

// Programme is a computed scenario with its input, every candidate as it
// stood with the reasons it is in or out, the totals per district and the
// proven bound on the best possible value.
type Programme struct {
	ProgrammeSummary
	DistrictQuotas []DistrictQuota           `json:"district_quotas"`
	MinBasicShare  programme.Share           `json:"min_basic_share"`
	Must           []int64                   `json:"must"`
	MustNot        []int64                   `json:"must_not"`
	Scores         programme.ScoreSource     `json:"scores"`
	WeightSetID    int64                     `json:"weight_set_id"`
	BasicCost      huanxin.Money             `json:"basic_cost"`
	Bound          float64                   `json:"bound"`
	Prices         programme.Prices          `json:"prices"`
	Districts      []programme.DistrictTotal `json:"districts"`
	Candidates     []ProgrammeCandidate      `json:"candidates"`
}

// ProgrammeCandidate is an estate offered for the programme: register
// facts, the approved plan's costs by category, its score, and whether
// it is in, with the computed reasons.
type ProgrammeCandidate struct {
	EstateID     int64              `json:"estate_id"`
	Code         string             `json:"code"`
	Name         string             `json:"name"`
	District     int64              `json:"district"`
	DistrictName string             `json:"district_name"`
	Street       string             `json:"street"`
	Community    string             `json:"community"`
	YearBuilt    int                `json:"year_built"`
	Buildings    int                `json:"buildings"`
	FloorArea    huanxin.Area       `json:"floor_area"`
	Households   int64              `json:"households"`
	Score        float64            `json:"score"`
	Unranked     bool               `json:"unranked"`
	PlanID       int64              `json:"plan_id"`
	PlanVersion  int                `json:"plan_version"`
	Cost         huanxin.Money      `json:"cost"`
	BasicCost    huanxin.Money      `json:"basic_cost"`
	ImproveCost  huanxin.Money      `json:"improve_cost"`
	EnhanceCost  huanxin.Money      `json:"enhance_cost"`
	Must         bool               `json:"must"`
	MustNot      bool               `json:"must_not"`
	In           bool               `json:"in"`
	Benefit      float64            `json:"benefit"`
	PerWan       float64            `json:"per_wan"`
	Price        float64            `json:"price"`
	Surplus      float64            `json:"surplus"`
	Reasons      []programme.Reason `json:"reasons"`
}

// ProgrammeComparison sets programme b (with) beside a: the estates that
// entered and left, the totals and their differences (b − a), and each
// district on both sides.
type ProgrammeComparison struct {
	A         ProgrammeSummary           `json:"a"`
	B         ProgrammeSummary           `json:"b"`
	Entered   []int64                    `json:"entered"`
	Left      []int64                    `json:"left"`
	Kept      int                        `json:"kept"`
	Delta     programme.Totals           `json:"delta"`
	Districts []programme.DistrictChange `json:"districts"`
}

func summaryOf(p *programme.Programme) ProgrammeSummary {
	return ProgrammeSummary{ID: p.ID, CityID: p.CityID, JurisdictionID: p.JurisdictionID, Year: p.Year, Title: p.Title,
		Objective: p.Objective, Status: p.Status, Budget: p.Constraints.Budget, Count: p.Summary.Count, Households: p.Summary.Households,
		Cost: p.Summary.Cost, Value: p.Summary.Value, Gap: p.Gap, Optimal: p.Optimal, CreatedBy: p.CreatedBy, Created: p.Created,
		AdoptedBy: p.AdoptedBy, Adopted: p.Adopted}
}

func quotasOf(c programme.Constraints) []DistrictQuota {
	out := []DistrictQuota{}
	for d, q := range c.DistrictQuota {
		out = append(out, DistrictQuota{District: d, MaxCount: q.MaxCount, MaxCost: q.MaxCost})
	}
	slices.SortFunc(out, func(a, b DistrictQuota) int { return cmp.Compare(a.District, b.District) })
	return out
}

func shownProgramme(p *programme.Programme) *Programme {
	r := p.Result
	out := &Programme{ProgrammeSummary: summaryOf(p), DistrictQuotas: quotasOf(p.Constraints), MinBasicShare: p.Constraints.MinBasicShare,
		Must: p.Must, MustNot: p.MustNot, Scores: p.Scores, WeightSetID: p.WeightSetID, BasicCost: r.BasicCost, Bound: r.Bound,
		Prices: r.Prices, Districts: r.Districts, Candidates: make([]ProgrammeCandidate, len(p.Candidates))}
	for i, e := range p.Candidates {
		x := r.Estates[i]
		out.Candidates[i] = ProgrammeCandidate{EstateID: e.EstateID, Code: e.Code, Name: e.Name, District: e.District,
			DistrictName: e.DistrictName, Street: e.Street, Community: e.Community, YearBuilt: e.YearBuilt, Buildings: e.Buildings,
			FloorArea: e.FloorArea, Households: e.Households, Score: e.Score, Unranked: e.Unranked, PlanID: e.PlanID,
			PlanVersion: e.PlanVersion, Cost: e.Cost, BasicCost: e.BasicCost, ImproveCost: e.ByCategory["improve"],
			EnhanceCost: e.ByCategory["enhance"], Must: e.Must, MustNot: e.MustNot, In: x.In, Benefit: x.Benefit, PerWan: x.PerWan,
			Price: x.Price, Surplus: x.Surplus, Reasons: x.Reasons}
	}
	for _, l := range []*[]int64{&out.Must, &out.MustNot} {
		if *l == nil {
			*l = []int64{}
		}
	}
	if out.Districts == nil {
		out.Districts = []programme.DistrictTotal{}
	}
	return out
}

func (h programmeHandlers) list(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	p := readParams(r, programmeListParams)
	page, perPage := p.paging()
	f := programme.Filter{JurisdictionID: p.id("jurisdiction_id", 1)}
	if y := p.get("year"); y != "" {
		n := p.number("year", 0, 2100)
		if n != 0 && n < 2000 {
			p.fail("year", "年度应在 2000–2100 之间 the year must lie between 2000 and 2100")
		}
		f.Year = &n
	}
	if err := p.err(); err != nil {
		WriteError(w, r, err)
		return
	}
	ps, err := h.svc.List(r.Context(), f)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	items := make([]*ProgrammeSummary, len(ps))
	for i, x := range ps {
		s := summaryOf(x)
		items[i] = &s
	}
	writeList(w, pageOf(items, page, perPage), len(items), page, perPage)
}

func (h programmeHandlers) create(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) || !requireWritable(w, r) {
		return
	}
	var in ProgrammeInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	c := programme.Constraints{Budget: in.Budget, MinBasicShare: in.MinBasicShare}
	for _, q := range in.DistrictQuotas {
		if c.DistrictQuota == nil {
			c.DistrictQuota = map[int64]programme.Quota{}
		}
		c.DistrictQuota[q.District] = programme.Quota{MaxCount: q.MaxCount, MaxCost: q.MaxCost}
	}
	p, err := h.svc.Create(r.Context(), programme.Input{JurisdictionID: in.JurisdictionID, Year: in.Year, Title: in.Title,
		Objective: in.Objective, Constraints: c, Must: in.Must, MustNot: in.MustNot, Scores: programme.ScoreSource(in.Scores),
		WeightSetID: in.WeightSetID})
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, shownProgramme(p))
}

func (h programmeHandlers) get(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	p, err := h.svc.Get(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, shownProgramme(p))
}

func (h programmeHandlers) compare(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	p := readParams(r, programmeCompareParams)
	with := p.id("with", 1)
	if p.get("with") == "" {
		p.fail("with", "必填 required")
	}
	if err := p.err(); err != nil {
		WriteError(w, r, err)
		return
	}
	c, err := h.svc.Compare(r.Context(), id, *with)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := ProgrammeComparison{A: summaryOf(c.A), B: summaryOf(c.B), Entered: c.Entered, Left: c.Left, Kept: c.Kept, Delta: c.Delta,
		Districts: c.Districts}
	if out.Districts == nil {
		out.Districts = []programme.DistrictChange{}
	}
	WriteJSON(w, http.StatusOK, out)
}

func (h programmeHandlers) adopt(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok || !requireWritable(w, r) {
		return
	}
	if err := optionalBody(w, r); err != nil {
		WriteError(w, r, err)
		return
	}
	p, err := h.svc.Adopt(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, shownProgramme(p))
}
