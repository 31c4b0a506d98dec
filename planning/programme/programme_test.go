package programme

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
)

func solve(t testing.TB, p Problem) *Result {
	t.Helper()
	r, err := Solve(context.Background(), p, Options{})
	if err != nil {
		t.Fatalf("Solve: %v", err)
	}
	return r
}

// checkResult verifies a result against its problem exactly: every
// constraint, the totals, the value, the bound and an explanation per estate.
func checkResult(t *testing.T, p Problem, r *Result) {
	t.Helper()
	c := p.Constraints
	chosen := map[int64]bool{}
	for _, id := range r.Chosen {
		chosen[id] = true
	}
	var tot Totals
	cnt := map[int64]int{}
	dcost := map[int64]huanxin.Money{}
	for _, cd := range p.Candidates {
		in := chosen[cd.EstateID]
		if cd.Must && !in || cd.MustNot && in {
			t.Fatalf("estate %d: must=%v must-not=%v but in=%v", cd.EstateID, cd.Must, cd.MustNot, in)
		}
		if in {
			tot.Value += p.Objective.Benefit(cd)
			tot.Count++
			tot.Households += cd.Households
			tot.Cost += cd.Cost
			tot.BasicCost += cd.BasicCost
			cnt[cd.District]++
			dcost[cd.District] += cd.Cost
		}
	}
	if tot.Cost > c.Budget {
		t.Fatalf("cost %s over budget %s", tot.Cost, c.Budget)
	}
	for d, q := range c.DistrictQuota {
		if q.MaxCount > 0 && cnt[d] > q.MaxCount || q.MaxCost > 0 && dcost[d] > q.MaxCost {
			t.Fatalf("district %d over quota: %d estates, %s", d, cnt[d], dcost[d])
		}
	}
	if sh := c.MinBasicShare; sh.Den > 0 && int64(tot.BasicCost)*sh.Den < sh.Num*int64(tot.Cost) {
		t.Fatalf("basic share %s/%s below %d/%d", tot.BasicCost, tot.Cost, sh.Num, sh.Den)
	}
	if tot.Count != r.Count || tot.Households != r.Households || tot.Cost != r.Cost || tot.BasicCost != r.BasicCost ||
		math.Abs(tot.Value-r.Value) > 1e-9*math.Max(1, tot.Value) {
		t.Fatalf("totals %+v, result says %+v", tot, r.Totals)
	}
	if r.Bound < r.Value || r.Gap < 0 || r.Gap > 1 {
		t.Fatalf("bound %g, value %g, gap %g", r.Bound, r.Value, r.Gap)
	}
	if len(r.Estates) != len(p.Candidates) {
		t.Fatalf("%d explanations for %d candidates", len(r.Estates), len(p.Candidates))
	}
	for i, e := range r.Estates {
		if e.EstateID != p.Candidates[i].EstateID || e.In != chosen[e.EstateID] || len(e.Reasons) == 0 {
			t.Fatalf("explanation %d: %+v", i, e)
		}
	}
}

func TestExactMatchesExhaustive(t *testing.T) {
	var optimal, infeasible int
	for seed := range uint64(600) {
		p := small(seed)
		want, ok := exhaustive(p)
		r, err := Solve(context.Background(), p, Options{TimeLimit: time.Minute})
		if !ok {
			if huanxin.ErrorCode(err) != huanxin.EINVALID {
				t.Fatalf("seed %d: no selection is feasible, Solve gave %v, %+v", seed, err, r)
			}
			infeasible++
			continue
		}
		if err != nil {
			t.Fatalf("seed %d: exhaustive found %g, Solve: %v", seed, want, err)
		}
		checkResult(t, p, r)
		if !r.Optimal {
			t.Fatalf("seed %d: not proven optimal", seed)
		}
		if math.Abs(r.Value-want) > 1e-9*math.Max(1, want) {
			t.Fatalf("seed %d (%d candidates): Solve %g, exhaustive %g", seed, len(p.Candidates), r.Value, want)
		}
		if r.Bound < want-1e-9*math.Max(1, want) {
			t.Fatalf("seed %d: bound %g below the optimum %g", seed, r.Bound, want)
		}
		optimal++
	}
	t.Logf("%d optimal, %d infeasible", optimal, infeasible)
	if optimal < 400 || infeasible < 10 {
		t.Fatalf("generator covers too little: %d optimal, %d infeasible", optimal, infeasible)
	}
}

func TestBoundHoldsWhenStoppedEarly(t *testing.T) {
	for seed := range uint64(300) {
		p := small(seed)
		want, ok := exhaustive(p)
		if !ok {
			continue
		}
		for _, limit := range []int{1, 2, 5} {
			r, err := Solve(context.Background(), p, Options{NodeLimit: limit})
			if err != nil {
				// a node limit may stop the search before a feasible
				// selection is found; that is reported, never a wrong one
				if huanxin.ErrorCode(err) != huanxin.EINVALID {
					t.Fatalf("seed %d limit %d: %v", seed, limit, err)
				}
				continue
			}
			checkResult(t, p, r)
			if r.Bound < want-1e-9*math.Max(1, want) || r.Value > want+1e-9*math.Max(1, want) {
				t.Fatalf("seed %d limit %d: value %g ≤ optimum %g ≤ bound %g fails", seed, limit, r.Value, want, r.Bound)
			}
		}
	}
}

func TestCancelledContextKeepsBestAndBound(t *testing.T) {
	p := realistic(3, 1500)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r, err := Solve(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, p, r)
	if r.Optimal {
		t.Fatalf("a cancelled search claims optimality")
	}
	if r.Gap > 0.005 {
		t.Fatalf("start heuristics alone leave a gap of %.4f%%", 100*r.Gap)
	}
}

func TestLargeGap(t *testing.T) {
	for seed := range uint64(2) {
		p := realistic(100+seed, 5000)
		start := time.Now()
		r := solve(t, p)
		took := time.Since(start)
		checkResult(t, p, r)
		t.Logf("seed %d: %v, gap %.5f%%, optimal %v, %d nodes", seed, took, 100*r.Gap, r.Optimal, r.Nodes)
		if r.Gap > 0.005 || took > 2*time.Second+DefaultLargeTime {
			t.Fatalf("gap %.4f%% after %v", 100*r.Gap, took)
		}
	}
}

func TestMoreBudgetNeverWorse(t *testing.T) {
	for seed := range uint64(200) {
		p := small(seed)
		a, err := Solve(context.Background(), p, Options{})
		if err != nil {
			continue
		}
		p.Constraints.Budget += 1 + p.Constraints.Budget/3
		b := solve(t, p)
		if b.Value < a.Value-1e-9*math.Max(1, a.Value) {
			t.Fatalf("seed %d: a larger budget gave %g < %g", seed, b.Value, a.Value)
		}
	}
}

func TestInputOrderDoesNotChangeTheValue(t *testing.T) {
	for seed := range uint64(100) {
		p := small(seed)
		a, err := Solve(context.Background(), p, Options{})
		if err != nil {
			continue
		}
		q := p
		q.Candidates = slices.Clone(p.Candidates)
		slices.Reverse(q.Candidates)
		b := solve(t, q)
		if math.Abs(a.Value-b.Value) > 1e-9*math.Max(1, a.Value) {
			t.Fatalf("seed %d: %g forward, %g reversed", seed, a.Value, b.Value)
		}
	}
}

func TestInfeasible(t *testing.T) {
	base := func() Problem {
		return Problem{Constraints: Constraints{Budget: 100, DistrictQuota: map[int64]Quota{}},
			Candidates: []Candidate{
				{EstateID: 1, Name: "甲", District: 7, Households: 10, Score: 1, Cost: 60, BasicCost: 60},
				{EstateID: 2, Name: "乙", District: 7, Households: 10, Score: 1, Cost: 50, BasicCost: 10},
				{EstateID: 3, Name: "丙", District: 8, Households: 10, Score: 1, Cost: 30, BasicCost: 0},
			}}
	}
	tests := []struct {
		name   string
		change func(*Problem)
		field  string
		text   string
	}{
		{"must and must-not", func(p *Problem) { p.Candidates[0].Must, p.Candidates[0].MustNot = true, true }, "candidates[0].must", "both must-in and must-not"},
		{"must-ins over budget", func(p *Problem) { p.Candidates[0].Must, p.Candidates[1].Must = true, true }, "budget", "the must-in estates cost 1.10 yuan, more than the budget of 1.00 yuan"},
		{"must-ins over district count", func(p *Problem) {
			p.Candidates[0].Must = true
			p.Constraints.DistrictQuota[8] = Quota{MaxCount: 1}
			p.Constraints.DistrictQuota[7] = Quota{MaxCount: 0, MaxCost: 50}
		}, "district_quota[7]", "district 7's must-in estates cost 0.60 yuan, more than its quota of 0.50 yuan"},
		{"basic share unreachable", func(p *Problem) {
			p.Candidates[2].Must = true
			p.Candidates[0].MustNot = true
			p.Constraints.MinBasicShare = Share{60, 100}
		}, "min_basic_share", "the must-in estates' basic share is 0.00% and no selection within the budget and quotas raises it to 60.00%"},
		{"duplicate estate", func(p *Problem) { p.Candidates[2].EstateID = 1 }, "candidates[2].estate_id", "estate 1 is listed twice"},
		{"basic over cost", func(p *Problem) { p.Candidates[1].BasicCost = 51 }, "candidates[1].basic_cost", "between 0 and the total cost"},
		{"no budget", func(p *Problem) { p.Constraints.Budget = 0 }, "budget", "must be positive"},
		{"share over 1", func(p *Problem) { p.Constraints.MinBasicShare = Share{3, 2} }, "min_basic_share", "between 0 and 1"},
		{"negative quota", func(p *Problem) { p.Constraints.DistrictQuota[7] = Quota{MaxCount: -1} }, "district_quota[7]", "cannot be negative"},
		{"NaN score", func(p *Problem) { p.Candidates[0].Score = math.NaN() }, "candidates[0].score", "finite"},
		{"unknown objective", func(p *Problem) { p.Objective = "beauty" }, "objective", "unknown objective"},
		{"overflow", func(p *Problem) {
			p.Candidates[0].Cost, p.Candidates[0].BasicCost = math.MaxInt64/2, 0
			p.Constraints.MinBasicShare = Share{3, 10}
		}, "candidates", "exceeds 64-bit"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := base()
			tc.change(&p)
			_, err := Solve(context.Background(), p, Options{})
			if huanxin.ErrorCode(err) != huanxin.EINVALID {
				t.Fatalf("want EINVALID, got %v", err)
			}
			for _, f := range huanxin.ErrorFields(err) {
				if f.Field == tc.field && strings.Contains(f.Message, tc.text) {
					return
				}
			}
			t.Fatalf("no field %s saying %q in %v", tc.field, tc.text, err)
		})
	}
}

func TestExplanations(t *testing.T) {
	p := Problem{Objective: ObjectiveScoreHouseholds,
		Constraints: Constraints{Budget: 100_00, MinBasicShare: Share{1, 2},
			DistrictQuota: map[int64]Quota{7: {MaxCount: 2}, 8: {MaxCost: 30_00}}},
		Candidates: []Candidate{
			{EstateID: 1, District: 7, Households: 100, Score: 0.9, Cost: 40_00, BasicCost: 30_00},
			{EstateID: 2, District: 7, Households: 100, Score: 0.8, Cost: 20_00, BasicCost: 10_00},
			{EstateID: 3, District: 7, Households: 100, Score: 0.7, Cost: 10_00, BasicCost: 10_00}, // count quota full
			{EstateID: 4, District: 8, Households: 100, Score: 0.6, Cost: 25_00, BasicCost: 25_00},
			{EstateID: 5, District: 8, Households: 100, Score: 0.5, Cost: 10_00, BasicCost: 0}, // district 8 cost quota
			{EstateID: 6, District: 9, Households: 100, Score: 0.9, Cost: 60_00, BasicCost: 0}, // budget
			{EstateID: 7, District: 9, Households: 0, Score: 0.9, Cost: 1_00, BasicCost: 1_00}, // no benefit
			{EstateID: 8, District: 9, Households: 10, Score: 1, Cost: 0, MustNot: true},
			{EstateID: 9, District: 9, Households: 10, Score: 0.1, Cost: 5_00, BasicCost: 0, Must: true},
		}}
	r := solve(t, p)
	checkResult(t, p, r)
	if !slices.Equal(r.Chosen, []int64{1, 2, 4, 9}) {
		t.Fatalf("chosen %v", r.Chosen)
	}
	has := func(id int64, want Reason) {
		t.Helper()
		for _, e := range r.Estates {
			if e.EstateID == id && slices.Contains(e.Reasons, want) {
				return
			}
		}
		t.Errorf("estate %d: no reason %+v in %+v", id, want, r.Estates)
	}
	has(9, Reason{Code: ReasonMust})
	has(8, Reason{Code: ReasonMustNot})
	has(3, Reason{Code: ReasonDistrictCount, District: 7, Count: 2, Max: 2})
	has(5, Reason{Code: ReasonDistrictCost, District: 8, Amount: 5_00})
	has(6, Reason{Code: ReasonBudget, Amount: 50_00})
	has(7, Reason{Code: ReasonZeroBenefit})
	for _, e := range r.Estates {
		if math.Abs(e.Benefit-e.Price-e.Surplus) > 1e-9 {
			t.Errorf("estate %d: benefit %g − price %g ≠ surplus %g", e.EstateID, e.Benefit, e.Price, e.Surplus)
		}
	}
	for _, e := range r.Estates {
		if e.In && e.EstateID != 9 && !slices.ContainsFunc(e.Reasons, func(x Reason) bool {
			return x.Code == ReasonAboveMargin || x.Code == ReasonFillsRoom
		}) {
			t.Errorf("estate %d is in without a margin reason: %+v", e.EstateID, e.Reasons)
		}
	}
}

func TestKeepsBasicShare(t *testing.T) {
	p := Problem{Constraints: Constraints{Budget: 100, MinBasicShare: Share{1, 2}},
		Candidates: []Candidate{
			{EstateID: 1, District: 1, Households: 100, Score: 1, Cost: 50, BasicCost: 0},
			{EstateID: 2, District: 1, Households: 1, Score: 1, Cost: 50, BasicCost: 50},
		}}
	r := solve(t, p)
	if r.Count != 2 {
		t.Fatalf("chosen %v", r.Chosen)
	}
	if want := (Reason{Code: ReasonKeepsShare, Share: 0}); !slices.Contains(r.Estates[1].Reasons, want) {
		t.Fatalf("estate 2: %+v", r.Estates[1].Reasons)
	}
	p.Constraints.Budget = 50
	r = solve(t, p)
	if want := (Reason{Code: ReasonBasicShare, Share: 50}); !slices.Equal(r.Chosen, []int64{2}) {
		t.Fatalf("chosen %v", r.Chosen)
	} else if !slices.Contains(r.Estates[0].Reasons, Reason{Code: ReasonBudget, Amount: 50}) || slices.Contains(r.Estates[0].Reasons, want) {
		t.Fatalf("estate 1: %+v", r.Estates[0].Reasons)
	}
}

func TestCompare(t *testing.T) {
	p := realistic(5, 300)
	a := solve(t, p)
	p.Constraints.Budget = p.Constraints.Budget * 12 / 10
	b := solve(t, p)
	c := Compare(*a, *b)
	if len(c.Entered) == 0 || c.Kept+len(c.Entered) != b.Count || c.Kept+len(c.Left) != a.Count {
		t.Fatalf("entered %d, left %d, kept %d; counts %d → %d", len(c.Entered), len(c.Left), c.Kept, a.Count, b.Count)
	}
	if c.Delta.Value != b.Value-a.Value || c.Delta.Cost != b.Cost-a.Cost || c.Delta.Households != b.Households-a.Households {
		t.Fatalf("delta %+v", c.Delta)
	}
	back := Compare(*b, *a)
	if !slices.Equal(back.Entered, c.Left) || !slices.Equal(back.Left, c.Entered) {
		t.Fatalf("Compare is not symmetric")
	}
	sum := 0
	for _, d := range c.Districts {
		sum += d.B.Count - d.A.Count
	}
	if sum != c.Delta.Count || len(c.Districts) != len(a.Districts) {
		t.Fatalf("district counts move by %d, total by %d", sum, c.Delta.Count)
	}
}
