package programme

import (
	"math/rand/v2"

	"github.com/huanxin/huanxin"
)

// realistic generates a district-level instance as the issue describes it:
// costs of 2–50 million yuan, 100–3,000 households, scores in [0, 1), 10–15
// districts, a count and a cost quota per district, a 60% basic share, and a
// budget of a quarter of the total cost.
func realistic(seed uint64, n int) Problem {
	rng := rand.New(rand.NewPCG(seed, 7))
	nd := 10 + rng.IntN(6)
	p := Problem{Objective: ObjectiveScoreHouseholds}
	var total huanxin.Money
	perDist := make([]huanxin.Money, nd)
	cnt := make([]int, nd)
	for i := range n {
		cost := huanxin.Money(200_000_000 + rng.Int64N(4_800_000_001))
		d := rng.IntN(nd)
		c := Candidate{EstateID: int64(1000 + i), District: int64(100 + d),
			Households: 100 + rng.Int64N(2901), Score: rng.Float64(), Cost: cost,
			BasicCost: cost * huanxin.Money(30+rng.IntN(61)) / 100}
		switch r := rng.IntN(200); {
		case r < 2:
			c.Must = true
		case r < 4:
			c.MustNot = true
		}
		total += cost
		perDist[d] += cost
		cnt[d]++
		p.Candidates = append(p.Candidates, c)
	}
	p.Constraints = Constraints{Budget: total / 4, MinBasicShare: Share{60, 100},
		DistrictQuota: map[int64]Quota{}}
	for d := range nd {
		p.Constraints.DistrictQuota[int64(100+d)] = Quota{MaxCount: cnt[d]*3/10 + 1, MaxCost: perDist[d] * 35 / 100}
	}
	// must-in estates within the limits they alone must meet
	var must huanxin.Money
	for i := range p.Candidates {
		c := &p.Candidates[i]
		if c.Must && must+c.Cost > p.Constraints.Budget/10 {
			c.Must = false
		}
		if c.Must {
			must += c.Cost
		}
	}
	return p
}

// small generates a random instance of n ≤ 18 candidates with small integer
// amounts (so that ties and constraints met with equality are common),
// quotas, a basic share and must/must-not flags.
func small(seed uint64) Problem {
	rng := rand.New(rand.NewPCG(seed, 11))
	n := 1 + rng.IntN(18)
	nd := 1 + rng.IntN(4)
	obj := Objectives[rng.IntN(len(Objectives))]
	p := Problem{Objective: obj, Constraints: Constraints{DistrictQuota: map[int64]Quota{}}}
	var total huanxin.Money
	for i := range n {
		cost := huanxin.Money(1 + rng.IntN(40))
		if rng.IntN(15) == 0 {
			cost = 0
		}
		c := Candidate{EstateID: int64(10 + i), District: int64(1 + rng.IntN(nd)),
			Households: int64(rng.IntN(60)), Score: float64(rng.IntN(11)) / 10, Cost: cost}
		c.BasicCost = huanxin.Money(rng.Int64N(int64(cost) + 1))
		switch r := rng.IntN(20); {
		case r == 0:
			c.Must = true
		case r == 1:
			c.MustNot = true
		}
		total += cost
		p.Candidates = append(p.Candidates, c)
	}
	p.Constraints.Budget = 1 + total*huanxin.Money(1+rng.IntN(8))/10
	for d := 1; d <= nd; d++ {
		if rng.IntN(2) == 0 {
			p.Constraints.DistrictQuota[int64(d)] = Quota{MaxCount: rng.IntN(4), MaxCost: huanxin.Money(rng.IntN(3) * (10 + rng.IntN(60)))}
		}
	}
	if rng.IntN(3) > 0 {
		p.Constraints.MinBasicShare = Share{int64(rng.IntN(8)), 10}
	}
	return p
}

// exhaustive returns the best value over every selection that meets every
// constraint, and false if none does.
func exhaustive(p Problem) (float64, bool) {
	c := p.Constraints
	best, found := 0.0, false
	n := len(p.Candidates)
	cnt := map[int64]int{}
	dcost := map[int64]huanxin.Money{}
	var rec func(i int, cost, basic huanxin.Money, v float64)
	rec = func(i int, cost, basic huanxin.Money, v float64) {
		if cost > c.Budget {
			return
		}
		if i == n {
			for d, q := range c.DistrictQuota {
				if q.MaxCount > 0 && cnt[d] > q.MaxCount || q.MaxCost > 0 && dcost[d] > q.MaxCost {
					return
				}
			}
			sh := c.MinBasicShare
			if sh.Den > 0 && int64(basic)*sh.Den < sh.Num*int64(cost) {
				return
			}
			if !found || v > best {
				best, found = v, true
			}
			return
		}
		cd := p.Candidates[i]
		if !cd.Must {
			rec(i+1, cost, basic, v)
		}
		if !cd.MustNot {
			cnt[cd.District]++
			dcost[cd.District] += cd.Cost
			rec(i+1, cost+cd.Cost, basic+cd.BasicCost, v+p.Objective.Benefit(cd))
			cnt[cd.District]--
			dcost[cd.District] -= cd.Cost
		}
	}
	rec(0, 0, 0, 0)
	return best, found
}
