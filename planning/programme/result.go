package programme

import (
	"slices"
	"time"

	"github.com/huanxin/huanxin"
)

// Result is a chosen programme with the evidence for it.
type Result struct {
	Objective     Objective     `json:"objective"`
	Budget        huanxin.Money `json:"budget"`
	MinBasicShare Share         `json:"min_basic_share"`
	Chosen        []int64       `json:"chosen"` // estate IDs, ascending
	Totals
	// Bound is a proven upper bound on the best possible Value; Gap is
	// (Bound − Value)/Bound (0 when Bound is 0). Optimal is true when the
	// search closed every branch: Value is then the optimum within
	// RelTolerance.
	Bound     float64         `json:"bound"`
	Gap       float64         `json:"gap"`
	Optimal   bool            `json:"optimal"`
	Districts []DistrictTotal `json:"districts"` // every district with a candidate, by ID
	Prices    Prices          `json:"prices"`
	Estates   []Explanation   `json:"estates"` // every candidate, in input order
	Nodes     int             `json:"nodes"`
	Elapsed   time.Duration   `json:"elapsed"`
}

// Totals sum the chosen estates.
type Totals struct {
	Value      float64       `json:"value"` // the objective
	Count      int           `json:"count"`
	Households int64         `json:"households"`
	Cost       huanxin.Money `json:"cost"`
	BasicCost  huanxin.Money `json:"basic_cost"`
}

// DistrictTotal sums the chosen estates of one district, with its quota and
// the relaxation's prices of the quota (0 where the quota does not bind).
type DistrictTotal struct {
	District   int64         `json:"district"`
	Candidates int           `json:"candidates"`
	Count      int           `json:"count"`
	Households int64         `json:"households"`
	Cost       huanxin.Money `json:"cost"`
	Quota      Quota         `json:"quota"`
	CountPrice float64       `json:"count_price"`    // benefit per estate of the count quota
	CostPrice  float64       `json:"cost_price_wan"` // benefit per 10,000 yuan of the cost quota
}

// Prices are the dual prices of the linear relaxation at the root of the
// search: how much benefit one more unit of each limit would buy at the
// margin. They are what "benefit per yuan compared with the margin" means.
type Prices struct {
	Budget     float64 `json:"budget_wan"`      // benefit per 10,000 yuan of budget
	BasicShare float64 `json:"basic_share_wan"` // benefit per 10,000 yuan of basic cost the share requires
	// Exact is false when the root relaxation was stopped before its
	// optimum (then the prices are valid but not the tightest).
	Exact bool `json:"exact"`
}

// ReasonCode names a reason an estate is in or out. Pages translate the
// code and fill in the numbers of the Reason.
type ReasonCode string

const (
	// In.
	ReasonMust        ReasonCode = "must"              // required by the district
	ReasonAboveMargin ReasonCode = "above_margin"      // its benefit exceeds the price of what it uses (Surplus ≥ 0)
	ReasonFillsRoom   ReasonCode = "fills_room"        // below the margin, but it uses room the better estates cannot
	ReasonKeepsShare  ReasonCode = "keeps_basic_share" // without it the basic share would fall below the minimum (Share: the share without it, %)

	// Out.
	ReasonMustNot       ReasonCode = "must_not"       // excluded by the district
	ReasonZeroBenefit   ReasonCode = "zero_benefit"   // adds nothing to the objective
	ReasonBudget        ReasonCode = "budget"         // it would fit if the budget were Amount more
	ReasonDistrictCount ReasonCode = "district_count" // District already has Count of at most Max estates
	ReasonDistrictCost  ReasonCode = "district_cost"  // it would fit if District's cost quota were Amount more
	ReasonBasicShare    ReasonCode = "basic_share"    // with it the basic share would be Share %, below the minimum
	ReasonBelowMargin   ReasonCode = "below_margin"   // its benefit is less than the price of what it uses (Surplus < 0)
)

// Reason is one computed reason; only the fields its code names are set.
type Reason struct {
	Code     ReasonCode    `json:"code"`
	District int64         `json:"district,omitempty"`
	Amount   huanxin.Money `json:"amount,omitempty"`
	Count    int           `json:"count,omitempty"`
	Max      int           `json:"max,omitempty"`
	Share    float64       `json:"share,omitempty"` // percent
}

// Explanation tells why one estate is in or out. Price is what the estate's
// use of the budget, its district's quotas and the basic share is worth at
// the relaxation's Prices, in units of the objective; Surplus = Benefit −
// Price is its reduced cost: positive means it earns more than the margin.
type Explanation struct {
	EstateID int64    `json:"estate_id"`
	Name     string   `json:"name"`
	District int64    `json:"district"`
	In       bool     `json:"in"`
	Benefit  float64  `json:"benefit"`
	PerWan   float64  `json:"per_wan"` // benefit per 10,000 yuan of cost (0 for a plan without cost)
	Price    float64  `json:"price"`
	Surplus  float64  `json:"surplus"`
	Reasons  []Reason `json:"reasons"`
}

const wan = 1_000_000 // fen in 10,000 yuan

func (s *search) result(p Problem, elapsed time.Duration) *Result {
	in, best := s.in, s.best
	c := p.Constraints
	r := &Result{Objective: p.Objective, Budget: c.Budget, MinBasicShare: c.MinBasicShare,
		Optimal: !s.stopped, Nodes: s.nodes, Elapsed: elapsed, Chosen: []int64{}}
	if r.Objective == "" {
		r.Objective = ObjectiveScoreHouseholds
	}
	r.Districts = make([]DistrictTotal, len(in.dists))
	for k, id := range in.dists {
		r.Districts[k] = DistrictTotal{District: id, Quota: c.DistrictQuota[id]}
	}
	for j, cd := range p.Candidates {
		dt := &r.Districts[in.dist[j]]
		dt.Candidates++
		if best.in[j] {
			r.Chosen = append(r.Chosen, cd.EstateID)
			r.Count++
			r.Households += cd.Households
			r.Cost += cd.Cost
			r.BasicCost += cd.BasicCost
			dt.Count++
			dt.Households += cd.Households
			dt.Cost += cd.Cost
		}
	}
	slices.Sort(r.Chosen)
	r.Value = s.z
	r.Bound = max(s.z, min(s.rootBound, max(s.closed, s.open)))
	if r.Bound > 0 {
		r.Gap = (r.Bound - r.Value) / r.Bound
	}
	y := s.rootY
	B := float64(in.budget)
	r.Prices = Prices{Budget: y[s.rowBudget] * wan / B, Exact: s.rootDone}
	if s.rowShare >= 0 {
		r.Prices.BasicShare = y[s.rowShare] * wan / B
	}
	for k := range in.dists {
		if row := s.rowCount[k]; row >= 0 {
			r.Districts[k].CountPrice = y[row] / float64(in.maxCount[k])
		}
		if row := s.rowCost[k]; row >= 0 {
			r.Districts[k].CostPrice = y[row] * wan / float64(in.maxCost[k])
		}
	}
	r.Estates = make([]Explanation, in.n)
	for j, cd := range p.Candidates {
		r.Estates[j] = s.explain(j, cd)
	}
	return r
}

// explain computes the reasons for estate j against the chosen programme.
func (s *search) explain(j int, cd Candidate) Explanation {
	in, best := s.in, s.best
	e := Explanation{EstateID: cd.EstateID, Name: cd.Name, District: cd.District, In: best.in[j],
		Benefit: in.v[j], Surplus: s.rootDD[j], Reasons: []Reason{}}
	e.Price = e.Benefit - e.Surplus
	if in.cost[j] > 0 {
		e.PerWan = in.v[j] * wan / float64(in.cost[j])
	}
	add := func(r Reason) { e.Reasons = append(e.Reasons, r) }
	d := in.dist[j]
	if e.In {
		switch {
		case in.forced[j] == 1:
			add(Reason{Code: ReasonMust})
		case e.Surplus >= 0:
			add(Reason{Code: ReasonAboveMargin})
		default:
			add(Reason{Code: ReasonFillsRoom})
		}
		if in.share && in.slack[j] > 0 && best.slack-in.slack[j] < 0 {
			add(Reason{Code: ReasonKeepsShare, Share: sharePct(best.cost-in.cost[j], sumBasic(in, best)-in.basic[j])})
		}
		return e
	}
	if in.forced[j] == -1 {
		add(Reason{Code: ReasonMustNot})
		return e
	}
	if in.v[j] <= 0 {
		add(Reason{Code: ReasonZeroBenefit})
	}
	if over := best.cost + in.cost[j] - in.budget; over > 0 {
		add(Reason{Code: ReasonBudget, Amount: huanxin.Money(over)})
	}
	if m := in.maxCount[d]; m > 0 && best.cnt[d] >= m {
		add(Reason{Code: ReasonDistrictCount, District: cd.District, Count: best.cnt[d], Max: m})
	}
	if m := in.maxCost[d]; m > 0 && best.dcost[d]+in.cost[j] > m {
		add(Reason{Code: ReasonDistrictCost, District: cd.District, Amount: huanxin.Money(best.dcost[d] + in.cost[j] - m)})
	}
	if in.share && best.slack+in.slack[j] < 0 {
		add(Reason{Code: ReasonBasicShare, Share: sharePct(best.cost+in.cost[j], sumBasic(in, best)+in.basic[j])})
	}
	if e.Surplus < 0 {
		add(Reason{Code: ReasonBelowMargin})
	}
	return e
}

func sumBasic(in *inst, p *pick) int64 {
	var s int64
	for j, ok := range p.in {
		if ok {
			s += in.basic[j]
		}
	}
	return s
}

func sharePct(cost, basic int64) float64 {
	if cost == 0 {
		return 0
	}
	return 100 * float64(basic) / float64(cost)
}

// Comparison sets two programmes side by side (what-if): A is the reference,
// B the variant.
type Comparison struct {
	Entered   []int64          `json:"entered"` // in B, not in A (ascending IDs)
	Left      []int64          `json:"left"`    // in A, not in B
	Kept      int              `json:"kept"`    // in both
	A         Totals           `json:"a"`
	B         Totals           `json:"b"`
	Delta     Totals           `json:"delta"` // B − A
	Districts []DistrictChange `json:"districts"`
}

// DistrictChange is one district in both programmes (a zero side: the
// district had no candidate there).
type DistrictChange struct {
	District int64         `json:"district"`
	A        DistrictTotal `json:"a"`
	B        DistrictTotal `json:"b"`
}

// Compare sets b beside a.
func Compare(a, b Result) Comparison {
	cmp := Comparison{A: a.Totals, B: b.Totals, Entered: []int64{}, Left: []int64{}}
	for _, id := range b.Chosen {
		if _, ok := slices.BinarySearch(a.Chosen, id); ok {
			cmp.Kept++
		} else {
			cmp.Entered = append(cmp.Entered, id)
		}
	}
	for _, id := range a.Chosen {
		if _, ok := slices.BinarySearch(b.Chosen, id); !ok {
			cmp.Left = append(cmp.Left, id)
		}
	}
	cmp.Delta = Totals{Value: b.Value - a.Value, Count: b.Count - a.Count, Households: b.Households - a.Households,
		Cost: b.Cost - a.Cost, BasicCost: b.BasicCost - a.BasicCost}
	byID := map[int64]*DistrictChange{}
	for _, d := range a.Districts {
		byID[d.District] = &DistrictChange{District: d.District, A: d}
	}
	for _, d := range b.Districts {
		if c, ok := byID[d.District]; ok {
			c.B = d
		} else {
			byID[d.District] = &DistrictChange{District: d.District, B: d}
		}
	}
	for _, c := range byID {
		cmp.Districts = append(cmp.Districts, *c)
	}
	slices.SortFunc(cmp.Districts, func(x, y DistrictChange) int {
		switch {
		case x.District < y.District:
			return -1
		case x.District > y.District:
			return 1
		}
		return 0
	})
	return cmp
}
