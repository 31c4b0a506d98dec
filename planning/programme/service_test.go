package programme_test

import (
	"context"
	"slices"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/internal/testworld"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/planning/plan"
	"github.com/huanxin/huanxin/planning/programme"
	"github.com/huanxin/huanxin/store"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// city is the test world with a second district and estates with plans:
// in district 1, P1 (approved, 100 households), P2 (approved, 80), P3
// (approved, 60), P4 (a draft plan only); in district 2, Q1 (approved,
// 50 households).
type city struct {
	*testworld.World
	db             *store.DB
	svc            *programme.Service
	d1, d2         *estate.Jurisdiction
	p1, p2, p3, q1 *estate.Estate
	city           context.Context // a city-wide bureau
	d2Community    context.Context // a community officer of district 2
}

// wan is 10,000 yuan in fen.
const wan = huanxin.Money(1_000_000)

func newCity(t *testing.T, db *store.DB) *city {
	t.Helper()
	w := testworld.New(t, db)
	c := &city{World: w, db: db, svc: &programme.Service{Store: db, Register: w.Register}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	sys := w.System
	c.d1 = w.Jurisdictions[huanxin.LevelDistrict]
	mk := func(parent *estate.Jurisdiction, l huanxin.Level, code string) *estate.Jurisdiction {
		j := &estate.Jurisdiction{ParentID: parent.ID, Level: l, Code: code, Name: "二区" + string(l)}
		must(w.Register.Jurisdictions().Create(sys, j))
		j, err := w.Register.Jurisdictions().Get(sys, j.ID)
		must(err)
		return j
	}
	c.d2 = mk(w.Jurisdictions[huanxin.LevelCity], huanxin.LevelDistrict, "4402b")
	comm2 := mk(mk(c.d2, huanxin.LevelStreet, "4403b"), huanxin.LevelCommunity, "4404b")
	est := func(j *estate.Jurisdiction, code, name string, households int) *estate.Estate {
		e := &estate.Estate{JurisdictionID: j.ID, Code: code, Name: name, YearBuilt: 1985, Dwellings: households, Buildings: 3}
		must(w.Register.Estates().Create(sys, e))
		return e
	}
	comm1 := w.Jurisdictions[huanxin.LevelCommunity]
	p1, err := w.Register.Estates().Update(sys, w.Estate.ID, func(e *estate.Estate) error { e.Dwellings, e.Buildings = 100, 3; return nil })
	must(err)
	c.p1 = p1
	c.p2 = est(comm1, "P2", "东风小区", 80)
	c.p3 = est(comm1, "P3", "红旗新村", 60)
	p4 := est(comm1, "P4", "未批小区", 40)
	c.q1 = est(comm2, "Q1", "二区小区", 50)
	plans := &plan.Service{Store: db, Register: w.Register, Catalogue: &planning.CatalogueService{Store: db, Register: w.Register}}
	// Costs at the catalogue's prices: B14 roofs are basic, I02 greening
	// improves, E07 a meal point enhances.
	lines := map[int64][]plan.LineInput{
		c.p1.ID: {{ItemCode: "B14", Quantity: 400000, Phase: 1}, {ItemCode: "I02", Quantity: 50000, Phase: 1}},
		c.p2.ID: {{ItemCode: "B14", Quantity: 100000, Phase: 1}, {ItemCode: "E07", Quantity: 100, Phase: 1}},
		c.p3.ID: {{ItemCode: "I02", Quantity: 80000, Phase: 1}},
		p4.ID:   {{ItemCode: "B14", Quantity: 10000, Phase: 1}},
		c.q1.ID: {{ItemCode: "B14", Quantity: 150000, Phase: 1}},
	}
	for _, id := range []int64{c.p1.ID, c.p2.ID, c.p3.ID, p4.ID, c.q1.ID} {
		p, err := plans.Create(sys, id, "综合改造")
		must(err)
		_, err = plans.SetLines(sys, p.ID, lines[id])
		must(err)
		if id == p4.ID {
			continue
		}
		must(plans.Submit(sys, p.ID))
		for range 3 {
			must(plans.Approve(sys, p.ID))
		}
	}
	c.city = huanxin.NewContextWithActor(context.Background(), &huanxin.Actor{UserID: 4, Role: huanxin.RoleBureau,
		Scope: huanxin.Scope{Paths: []string{w.Jurisdictions[huanxin.LevelCity].Path}}})
	c.d2Community = huanxin.NewContextWithActor(context.Background(), &huanxin.Actor{UserID: 5, Role: huanxin.RoleCommunity,
		Scope: huanxin.Scope{Paths: []string{comm2.Path}}})
	return c
}

func ids(es []programme.Entry) []int64 {
	var out []int64
	for _, e := range es {
		out = append(out, e.EstateID)
	}
	return out
}

func TestCandidates(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db)
		if _, err := c.svc.Candidates(c.Street, c.d1.ID, programme.ScoresEqual, 0); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("street builds candidates: %v", err)
		}
		if _, err := c.svc.Candidates(c.District, c.Jurisdictions[huanxin.LevelStreet].ID, programme.ScoresEqual, 0); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("a street's programme: %v", err)
		}
		if _, err := c.svc.Candidates(c.District, c.d2.ID, programme.ScoresEqual, 0); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Fatalf("another district's programme: %v", err)
		}
		if _, err := c.svc.Candidates(c.District, c.d1.ID, programme.ScoresRanked, 1); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("ranked scores without a ranking: %v", err)
		}
		es, err := c.svc.Candidates(c.District, c.d1.ID, programme.ScoresEqual, 0)
		if err != nil || !slices.Equal(ids(es), []int64{c.p1.ID, c.p2.ID, c.p3.ID}) {
			t.Fatalf("district candidates %v %v", ids(es), err)
		}
		p1 := es[0]
		if p1.District != c.d1.ID || p1.DistrictName != c.d1.Name || p1.Households != 100 || p1.Score != 1 || p1.Buildings != 3 ||
			p1.Cost != p1.ByCategory["basic"]+p1.ByCategory["improve"] || p1.BasicCost != p1.ByCategory["basic"] || p1.BasicCost == 0 ||
			p1.Community != c.Jurisdictions[huanxin.LevelCommunity].Name || p1.PlanVersion != 1 {
			t.Fatalf("P1 %+v", p1)
		}
		// A city bureau sees both districts' estates, each under its district.
		es, err = c.svc.Candidates(c.city, c.Jurisdictions[huanxin.LevelCity].ID, programme.ScoresEqual, 0)
		if err != nil || len(es) != 4 || es[3].EstateID != c.q1.ID || es[3].District != c.d2.ID {
			t.Fatalf("city candidates %+v %v", es, err)
		}
		// Ranked scores come from the scorer; estates it leaves out score 0.
		c.svc.Scores = func(ctx context.Context, j, ws int64) (map[int64]float64, error) {
			if j != c.d1.ID || ws != 7 {
				t.Errorf("scorer asked for %d, %d", j, ws)
			}
			return map[int64]float64{c.p1.ID: 0.8, c.p2.ID: 0.5}, nil
		}
		es, err = c.svc.Candidates(c.District, c.d1.ID, programme.ScoresRanked, 7)
		if err != nil || es[0].Score != 0.8 || es[1].Score != 0.5 || es[2].Score != 0 || !es[2].Unranked || es[0].Unranked {
			t.Fatalf("ranked %+v %v", es, err)
		}
	})
}

func TestProgrammeScenarios(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db)
		s := c.svc
		all, err := s.Candidates(c.District, c.d1.ID, programme.ScoresEqual, 0)
		if err != nil {
			t.Fatal(err)
		}
		cost := map[int64]huanxin.Money{}
		for _, e := range all {
			cost[e.EstateID] = e.Cost
		}
		// A budget for P1 alone or P2 and P3 together: P1 serves 100
		// households, P2 and P3 together 140.
		budget := max(cost[c.p1.ID], cost[c.p2.ID]+cost[c.p3.ID])
		in := programme.Input{JurisdictionID: c.d1.ID, Year: 2026, Title: "2026年度改造计划", Scores: programme.ScoresEqual,
			Constraints: programme.Constraints{Budget: budget}}
		if _, err := s.Create(c.Street, in); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("street creates: %v", err)
		}
		bad := in
		bad.Title, bad.Year = " ", 1999
		if _, err := s.Create(c.District, bad); huanxin.ErrorCode(err) != huanxin.EINVALID || len(huanxin.ErrorFields(err)) != 2 {
			t.Fatalf("bad input: %v", err)
		}
		bad = in
		bad.Must, bad.MustNot = []int64{c.q1.ID}, []int64{999999}
		if _, err := s.Create(c.District, bad); huanxin.ErrorCode(err) != huanxin.EINVALID || len(huanxin.ErrorFields(err)) != 2 ||
			huanxin.ErrorFields(err)[0].Field != "must" {
			t.Fatalf("must outside the candidates: %v", err)
		}
		bad = in
		bad.Constraints.Budget = 0
		if _, err := s.Create(c.District, bad); huanxin.ErrorCode(err) != huanxin.EINVALID || huanxin.ErrorFields(err)[0].Field != "budget" {
			t.Fatalf("no budget: %v", err)
		}
		a, err := s.Create(c.District, in)
		if err != nil {
			t.Fatal(err)
		}
		if a.ID == 0 || a.Status != programme.StatusDraft || !a.Optimal || a.Objective != programme.ObjectiveScoreHouseholds ||
			!slices.Equal(a.Result.Chosen, []int64{c.p2.ID, c.p3.ID}) || a.Summary.Households != 140 || len(a.Candidates) != 3 {
			t.Fatalf("scenario A %+v", a)
		}
		// Scenario B: P1 must be in.
		in.Title, in.Must = "必须纳入棉纺新村", []int64{c.p1.ID}
		b, err := s.Create(c.District, in)
		if err != nil || !slices.Equal(b.Result.Chosen, []int64{c.p1.ID}) || !b.Candidates[0].Must {
			t.Fatalf("scenario B %+v %v", b, err)
		}
		got, err := s.Get(c.Street, b.ID)
		if err != nil || got.Title != in.Title || !slices.Equal(got.Must, []int64{c.p1.ID}) || got.Result.Estates[1].Reasons[0].Code != programme.ReasonBudget ||
			got.Candidates[1].Name != "东风小区" || got.Summary != b.Summary || got.Constraints.Budget != budget {
			t.Fatalf("street reads B %+v %v", got, err)
		}
		if _, err := s.Get(c.d2Community, b.ID); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Fatalf("another district's community reads B: %v", err)
		}
		if _, err := s.Get(c.Resident, b.ID); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("resident reads B: %v", err)
		}
		list, err := s.List(c.Community, programme.Filter{})
		if err != nil || len(list) != 2 || list[0].ID != b.ID || list[0].Candidates != nil || list[0].Summary.Households != 100 {
			t.Fatalf("list %+v %v", list, err)
		}
		if list, _ := s.List(c.d2Community, programme.Filter{}); len(list) != 0 {
			t.Fatalf("district 2 sees %d programmes", len(list))
		}
		year := 2027
		if list, _ := s.List(c.District, programme.Filter{Year: &year}); len(list) != 0 {
			t.Fatalf("2027 has %d programmes", len(list))
		}

		// What-if: B beside A.
		cmp, err := s.Compare(c.Community, a.ID, b.ID)
		if err != nil || !slices.Equal(cmp.Entered, []int64{c.p1.ID}) || !slices.Equal(cmp.Left, []int64{c.p2.ID, c.p3.ID}) ||
			cmp.Delta.Households != -40 || cmp.A.ID != a.ID || cmp.B.ID != b.ID {
			t.Fatalf("compare %+v %v", cmp, err)
		}
		// A city-wide scenario with a quota of one estate in district 1.
		cityIn := programme.Input{JurisdictionID: c.Jurisdictions[huanxin.LevelCity].ID, Year: 2026, Title: "全市", Scores: programme.ScoresEqual,
			Constraints: programme.Constraints{Budget: 1000 * wan, DistrictQuota: map[int64]programme.Quota{c.d1.ID: {MaxCount: 1}}}}
		cp, err := s.Create(c.city, cityIn)
		if err != nil || !slices.Equal(cp.Result.Chosen, []int64{c.p1.ID, c.q1.ID}) || len(cp.Result.Districts) != 2 {
			t.Fatalf("city scenario %+v %v", cp, err)
		}
		if _, err := s.Compare(c.city, a.ID, cp.ID); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("compare across jurisdictions: %v", err)
		}
		if _, err := s.Get(c.District, cp.ID); err != nil {
			t.Fatalf("the district reads the city's programme: %v", err)
		}

		// Adopting: only the running jurisdiction's bureau; a second
		// adoption replaces the first.
		if _, err := s.Adopt(c.Street, a.ID); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("street adopts: %v", err)
		}
		if _, err := s.Adopt(c.District, cp.ID); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("district adopts the city's: %v", err)
		}
		ad, err := s.Adopt(c.District, a.ID)
		if err != nil || ad.Status != programme.StatusAdopted || ad.AdoptedBy != 3 || ad.Adopted.IsZero() {
			t.Fatalf("adopt A %+v %v", ad, err)
		}
		if _, err := s.Adopt(c.District, a.ID); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("adopt A twice: %v", err)
		}
		if _, err := s.Adopt(c.District, b.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Get(c.District, a.ID); got.Status != programme.StatusDraft || !got.Adopted.IsZero() {
			t.Fatalf("A after B's adoption %+v", got)
		}
		if _, err := s.Adopt(c.city, cp.ID); err != nil {
			t.Fatalf("the city adopts its own: %v", err)
		}
		cityID := c.d1.CityID
		es, _, err := db.FindAudit(c.System, audit.Filter{CityID: &cityID, Entity: "programme", Limit: 20}, []int64{cityID})
		if err != nil || len(es) != 7 { // 3 created, 3 adopted, 1 superseded
			t.Fatalf("audit %d entries %v", len(es), err)
		}
	})
}

func TestShareOf(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want programme.Share
		ok   bool
	}{
		{"", programme.Share{}, true},
		{"0", programme.Share{}, true},
		{"35", programme.Share{Num: 3500, Den: 10000}, true},
		{"35.25%", programme.Share{Num: 3525, Den: 10000}, true},
		{"100", programme.Share{Num: 10000, Den: 10000}, true},
		{"100.01", programme.Share{}, false},
		{"-1", programme.Share{}, false},
		{"1.234", programme.Share{}, false},
		{"abc", programme.Share{}, false},
	} {
		got, err := programme.ShareOf(tc.in)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("ShareOf(%q) = %v, %v", tc.in, got, err)
		}
		if tc.ok && got.Percent() != map[bool]float64{true: 0, false: float64(tc.want.Num) / 100}[got.Den == 0] {
			t.Errorf("Percent(%v) = %v", got, got.Percent())
		}
	}
}
