package decision

import (
	"errors"
	"math"
	"math/rand"
	"reflect"
	"strconv"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
)

func ar(v int64) *huanxin.Area { a := huanxin.Area(v); return &a }

// simple returns an electorate of one sole-owned part per area; owner i+1
// holds part i+1, so person i is "owner:<i+1>".
func simple(t testing.TB, areas ...int64) Electorate {
	t.Helper()
	in := make([]PartInput, len(areas))
	for i, a := range areas {
		in[i] = PartInput{PartID: int64(i + 1), Register: ar(a), Owners: []int64{int64(i + 1)}}
	}
	e, err := Freeze(in)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func pid(i int) PersonID { return PersonID("owner:" + strconv.Itoa(i+1)) }

// votes turns "AOXS-" (agree, oppose, abstain, spoiled, no ballot), one
// letter per person of simple, into ballots on matter 1.
func votes(s string) []Ballot {
	var bs []Ballot
	for i, c := range s {
		b := Ballot{Person: pid(i), Choices: map[MatterID]Choice{}, Channel: "paper"}
		switch c {
		case 'A':
			b.Choices[1] = Agree
		case 'O':
			b.Choices[1] = Oppose
		case 'X':
			b.Choices[1] = Abstain
		case 'S':
			b.Spoiled = true
		default:
			continue
		}
		bs = append(bs, b)
	}
	return bs
}

func TestTallyBoundaries(t *testing.T) {
	const T, F = true, false
	cases := []struct {
		name  string
		item  Item
		areas []int64
		votes string
		want  Outcome
		met   [4]bool // quorum area, quorum persons, agree area, agree persons
	}{
		{"quorum exactly 2/3 met", ItemManager, []int64{10000, 10000, 10000}, "AA-", OutcomePassed, [4]bool{T, T, T, T}},
		{"quorum area one hundredth under", ItemManager, []int64{10000, 9999, 10001}, "AA-", OutcomeFailed, [4]bool{F, T, T, T}},
		{"quorum persons exactly 4/6 met", ItemManager, []int64{10, 10, 10, 10, 10, 10}, "AAAA--", OutcomePassed, [4]bool{T, T, T, T}},
		{"quorum persons one under, area met", ItemManager, []int64{1000, 1000, 1000, 1, 1, 1}, "AAA---", OutcomeFailed, [4]bool{T, F, T, T}},
		{"quorum persons met, area not", ItemManager, []int64{1, 1, 100}, "AA-", OutcomeFailed, [4]bool{F, T, T, T}},
		{"3/4 exactly met", ItemRebuild, []int64{100, 100, 100, 100}, "AAAO", OutcomePassed, [4]bool{T, T, T, T}},
		{"3/4 area one hundredth under", ItemRebuild, []int64{100, 100, 99, 101}, "AAAO", OutcomeFailed, [4]bool{T, T, F, T}},
		{"3/4 persons exactly 6/8", ItemRaiseFund, []int64{100, 100, 100, 100, 100, 100, 100, 100}, "AAAAAAOO", OutcomePassed, [4]bool{T, T, T, T}},
		{"3/4 persons one under, area met", ItemChangeUse, []int64{100, 100, 100, 100, 100, 1, 1, 1}, "AAAAAOOO", OutcomeFailed, [4]bool{T, T, T, F}},
		{"3/4 area met, persons not", ItemChangeUse, []int64{1000, 1000, 1000, 1, 1}, "AAAOO", OutcomeFailed, [4]bool{T, T, T, F}},
		{"3/4 persons met, area not", ItemChangeUse, []int64{1, 1, 1, 100}, "AAAO", OutcomeFailed, [4]bool{T, T, F, T}},
		{"exactly half fails", ItemManager, []int64{100, 100, 100, 100}, "AAOO", OutcomeFailed, [4]bool{T, T, F, F}},
		{"exactly half fails item 5", ItemUseFund, []int64{100, 100, 100, 100}, "AAOO", OutcomeFailed, [4]bool{T, T, F, F}},
		{"area just over half, persons exactly half", ItemManager, []int64{101, 100, 100, 99}, "AAOO", OutcomeFailed, [4]bool{T, T, T, F}},
		{"just over half both", ItemUseFund, []int64{100, 100, 100, 100, 1}, "AAOOA", OutcomePassed, [4]bool{T, T, T, T}},
		{"persons over half, area exactly half", ItemManager, []int64{50, 50, 100}, "AAO", OutcomeFailed, [4]bool{T, T, F, T}},
		{"abstention takes part, majority holds", ItemManager, []int64{100, 100, 100}, "AAX", OutcomePassed, [4]bool{T, T, T, T}},
		{"abstention takes part, 3/4 missed", ItemRebuild, []int64{100, 100, 100}, "AAX", OutcomeFailed, [4]bool{T, T, F, F}},
		{"abstentions count against", ItemManager, []int64{100, 100, 100}, "AXX", OutcomeFailed, [4]bool{T, T, F, F}},
		{"spoiled takes part, not agree", ItemRebuild, []int64{100, 100, 100}, "AAS", OutcomeFailed, [4]bool{T, T, F, F}},
		{"spoiled makes quorum", ItemManager, []int64{100, 100, 100}, "ASS", OutcomeFailed, [4]bool{T, T, F, F}},
		{"no ballot at all", ItemManager, []int64{100, 100, 100}, "---", OutcomeFailed, [4]bool{F, F, F, F}},
		{"consultation", Consultation, []int64{100, 100, 100}, "AAA", OutcomeConsultation, [4]bool{F, F, F, F}},
		{"invalid item", Item(10), []int64{100, 100, 100}, "AAA", OutcomeInvalid, [4]bool{F, F, F, F}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := simple(t, c.areas...)
			r := Tally(e, []Matter{{ID: 1, Item: c.item}}, votes(c.votes))
			m := r.Matters[0]
			got := [4]bool{m.QuorumArea.Met, m.QuorumPersons.Met, m.AgreeArea.Met, m.AgreePersons.Met}
			if m.Outcome != c.want || got != c.met {
				t.Fatalf("outcome %s met %v, want %s %v; %+v", m.Outcome, got, c.want, c.met, m)
			}
			if len(r.Rejected) != 0 {
				t.Fatalf("rejected %v", r.Rejected)
			}
		})
	}
}

func TestTallyCounts(t *testing.T) {
	e := simple(t, 100, 200, 300, 400, 500)
	r := Tally(e, []Matter{{ID: 1, Item: ItemRebuild}, {ID: 2, Item: Consultation}}, votes("AOXS-"))
	m := r.Matters[0]
	want := MatterResult{Matter: Matter{ID: 1, Item: ItemRebuild},
		Participating: Count{1000, 4}, Agree: Count{100, 1}, Oppose: Count{200, 1}, Abstain: Count{300, 1}, Spoiled: Count{400, 1},
		QuorumArea:    Condition{1000, 1500, Ratio{2, 3}, true, true, "66.67"},
		QuorumPersons: Condition{4, 5, Ratio{2, 3}, true, true, "80.00"},
		AgreeArea:     Condition{100, 1000, Ratio{3, 4}, true, false, "10.00"},
		AgreePersons:  Condition{1, 4, Ratio{3, 4}, true, false, "25.00"},
		Outcome:       OutcomeFailed}
	if !reflect.DeepEqual(m, want) {
		t.Fatalf("got  %+v\nwant %+v", m, want)
	}
	// Matter 2 is not marked on any ballot: abstain for the counted ones.
	c := r.Matters[1]
	if c.Outcome != OutcomeConsultation || c.Abstain != (Count{600, 3}) || c.Spoiled != (Count{400, 1}) ||
		c.AgreeArea.Required != (Ratio{}) || c.AgreeArea.Percent != "0.00" {
		t.Fatalf("consultation %+v", c)
	}
	if r.Counted != 4 || r.Electorate != (Count{1500, 5}) {
		t.Fatalf("counted %d electorate %+v", r.Counted, r.Electorate)
	}
}

func TestTallyRejects(t *testing.T) {
	e := simple(t, 100, 100, 100)
	bs := votes("AAA")
	bs = append(bs,
		Ballot{Person: pid(0), Choices: map[MatterID]Choice{1: Oppose}, Channel: "online"},
		Ballot{Person: "owner:99", Choices: map[MatterID]Choice{1: Agree}, Channel: "online"},
		Ballot{Person: Developer, Channel: "paper"})
	r := Tally(e, []Matter{{ID: 1, Item: ItemManager}}, bs)
	want := []Rejection{
		{Developer, "paper", RejectStranger},
		{pid(0), "online", RejectDuplicate},
		{pid(0), "paper", RejectDuplicate},
		{"owner:99", "online", RejectStranger},
	}
	if !reflect.DeepEqual(r.Rejected, want) {
		t.Fatalf("rejected %v", r.Rejected)
	}
	if m := r.Matters[0]; r.Counted != 2 || m.Participating != (Count{200, 2}) || m.Outcome != OutcomePassed {
		t.Fatalf("counted %d %+v", r.Counted, m)
	}
}

func TestFreeze(t *testing.T) {
	in := []PartInput{
		{PartID: 1, Register: ar(100), Surveyed: ar(90), Contract: ar(80), Owners: []int64{7}},
		{PartID: 2, Surveyed: ar(90), Contract: ar(80), Owners: []int64{7}},        // same buyer, second part
		{PartID: 3, Contract: ar(80), Owners: []int64{8}},                          // contract area only
		{PartID: 4, Register: ar(50), HeldByDeveloper: true},                       // unsold
		{PartID: 5, Register: ar(60), HeldByDeveloper: true, Owners: []int64{8}},   // sold, undelivered
		{PartID: 6, Register: ar(70), Owners: []int64{12, 11}, Representative: 12}, // co-owned
		{PartID: 7, Register: ar(10), Owners: []int64{12}},                         // co-owner's own part
		{PartID: 8, Register: ar(20), Owners: []int64{13, 14}},                     // chain 13–14–15
		{PartID: 9, Register: ar(30), Owners: []int64{15, 14}},
		{PartID: 10, Register: ar(0)}, // delivered, no owner on record
	}
	e, err := Freeze(in)
	if err != nil {
		t.Fatal(err)
	}
	want := Electorate{TotalArea: 100 + 90 + 80 + 50 + 60 + 70 + 10 + 20 + 30, TotalPersons: 6, Voters: []Voter{
		{ID: Developer, Parts: []VoterPart{{PartID: 4, Area: 50, Source: estate.SourceRegister}, {PartID: 5, Area: 60, Source: estate.SourceRegister}}, Area: 110},
		{ID: "owner:11", Owners: []int64{11, 12}, Representative: 12,
			Parts: []VoterPart{{PartID: 6, Area: 70, Source: estate.SourceRegister}, {PartID: 7, Area: 10, Source: estate.SourceRegister}}, Area: 80},
		{ID: "owner:13", Owners: []int64{13, 14, 15}, Representative: 13,
			Parts: []VoterPart{{PartID: 8, Area: 20, Source: estate.SourceRegister}, {PartID: 9, Area: 30, Source: estate.SourceRegister}}, Area: 50},
		{ID: "owner:7", Owners: []int64{7}, Representative: 7,
			Parts: []VoterPart{{PartID: 1, Area: 100, Source: estate.SourceRegister}, {PartID: 2, Area: 90, Source: estate.SourceSurveyed}}, Area: 190},
		{ID: "owner:8", Owners: []int64{8}, Representative: 8, Parts: []VoterPart{{PartID: 3, Area: 80, Source: estate.SourceContract}}, Area: 80},
		{ID: "part:10", Parts: []VoterPart{{PartID: 10, Area: 0, Source: estate.SourceRegister}}},
	}}
	if !reflect.DeepEqual(e, want) {
		t.Fatalf("got  %+v\nwant %+v", e, want)
	}
	if v, ok := e.Voter("owner:7"); !ok || v.Area != 190 {
		t.Fatalf("Voter(owner:7) = %+v %v", v, ok)
	}
	if _, ok := e.Voter("owner:12"); ok {
		t.Fatal("owner:12 is part of owner:11")
	}
	// Input order does not matter.
	rev := make([]PartInput, len(in))
	for i := range in {
		rev[len(in)-1-i] = in[i]
	}
	if e2, _ := Freeze(rev); !reflect.DeepEqual(e, e2) {
		t.Fatal("Freeze depends on input order")
	}
}

func TestFreezeErrors(t *testing.T) {
	_, err := Freeze([]PartInput{{PartID: 1, Register: ar(1)}, {PartID: 1, Register: ar(1)}, {PartID: 2}, {PartID: 3, Contract: ar(-1)}})
	var he *huanxin.Error
	if !errors.As(err, &he) || he.Code != huanxin.EINVALID || len(he.Fields) != 3 {
		t.Fatalf("err %v", err)
	}
}

func TestInputs(t *testing.T) {
	parts := []estate.Part{
		{ID: 1, Area: 100, AreaSource: estate.SourceRegister, Sold: true, Delivered: true},
		{ID: 2, Area: 90, AreaSource: estate.SourceSurveyed, Sold: true, Delivered: false},
		{ID: 3, Area: 80, AreaSource: estate.SourceContract, Sold: false},
		{ID: 4, Area: 70, Sold: true, Delivered: true},
	}
	owns := []estate.Ownership{{PartID: 1, OwnerID: 5}, {PartID: 2, OwnerID: 5}, {PartID: 4, OwnerID: 9},
		{PartID: 4, OwnerID: 6, Representative: true}}
	got := Inputs(parts, owns)
	want := []PartInput{
		{PartID: 1, Register: ar(100), Owners: []int64{5}},
		{PartID: 2, Surveyed: ar(90), HeldByDeveloper: true, Owners: []int64{5}},
		{PartID: 3, Contract: ar(80), HeldByDeveloper: true},
		{PartID: 4, Register: ar(70), Owners: []int64{6, 9}, Representative: 6},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v", got)
	}
	e, _ := Freeze(got)
	if e.TotalPersons != 3 || e.Voters[0].ID != Developer || e.Voters[0].Area != 170 {
		t.Fatalf("electorate %+v", e)
	}
}

func TestRule(t *testing.T) {
	for i := Item(1); i <= 9; i++ {
		r := i.Rule()
		if !r.Binding || r.QuorumArea != twoThirds || r.QuorumPersons != twoThirds {
			t.Errorf("item %d quorum %+v", i, r)
		}
		want := overHalf
		if i == 6 || i == 7 || i == 8 {
			want = threeQuarters
		}
		if r.AgreeArea != want || r.AgreePersons != want {
			t.Errorf("item %d threshold %+v", i, r)
		}
	}
	if Consultation.Rule().Binding || Item(-1).Valid() || Item(10).Valid() {
		t.Error("consultation or invalid item")
	}
}

func TestMeetsAndPercent(t *testing.T) {
	const M = math.MaxInt64
	for _, c := range []struct {
		b        Bound
		num, den int64
		want     bool
	}{
		{twoThirds, M / 3 * 2, M / 3 * 3, true},
		{twoThirds, M/3*2 - 1, M / 3 * 3, false},
		{Bound{Ratio{1, 1}, true}, M, M, true},
		{Bound{Ratio{1, 1}, true}, M - 1, M, false},
		{overHalf, 5_000_000_000_000, 10_000_000_000_000, false},
		{overHalf, 5_000_000_000_001, 10_000_000_000_000, true},
		{overHalf, 0, 0, false},
	} {
		if got := c.b.Meets(c.num, c.den); got != c.want {
			t.Errorf("%+v.Meets(%d, %d) = %v", c.b, c.num, c.den, got)
		}
	}
	for _, c := range []struct {
		num, den int64
		want     string
	}{{2, 3, "66.67"}, {1, 3, "33.33"}, {1, 2, "50.00"}, {1, 1, "100.00"}, {0, 5, "0.00"}, {5, 0, "-"},
		{1, 20000, "0.01"}, {1, 20001, "0.00"}, {M, M, "100.00"}, {M / 3 * 2, M / 3 * 3, "66.67"}} {
		if got := Percent(c.num, c.den); got != c.want {
			t.Errorf("Percent(%d, %d) = %s, want %s", c.num, c.den, got, c.want)
		}
	}
}

// randomVote builds a random electorate (areas up to 10^10 hundredths), a
// random agenda and random ballots including strangers and duplicates.
func randomVote(rng *rand.Rand) (Electorate, []Matter, []Ballot) {
	n := 1 + rng.Intn(25)
	in := make([]PartInput, n)
	for i := range in {
		a := rng.Int63n(20000) + 1
		if rng.Intn(4) == 0 {
			a = rng.Int63n(10_000_000_000)
		}
		in[i] = PartInput{PartID: int64(i + 1), Register: ar(a), HeldByDeveloper: rng.Intn(8) == 0,
			Owners: []int64{int64(1 + rng.Intn(n))}}
	}
	e, err := Freeze(in)
	if err != nil {
		panic(err)
	}
	ms := make([]Matter, 1+rng.Intn(3))
	for i := range ms {
		ms[i] = Matter{ID: MatterID(i + 1), Item: Item(rng.Intn(10))}
	}
	var bs []Ballot
	for _, v := range e.Voters {
		k := []int{0, 0, 1, 1, 1, 1, 1, 1, 1, 2}[rng.Intn(10)] // mostly one ballot, some none, a few two
		for ; k > 0; k-- {
			b := Ballot{Person: v.ID, Choices: map[MatterID]Choice{}, Spoiled: rng.Intn(15) == 0, Channel: []string{"paper", "online"}[rng.Intn(2)]}
			for _, m := range ms {
				if c := []Choice{0, Agree, Agree, Agree, Oppose, Abstain}[rng.Intn(6)]; c != 0 {
					b.Choices[m.ID] = c
				}
			}
			bs = append(bs, b)
		}
	}
	if rng.Intn(5) == 0 {
		bs = append(bs, Ballot{Person: "owner:999", Channel: "online"})
	}
	return e, ms, bs
}

func TestPropertyOrderIndependence(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 3000; i++ {
		e, ms, bs := randomVote(rng)
		want := Tally(e, ms, bs)
		rng.Shuffle(len(bs), func(i, j int) { bs[i], bs[j] = bs[j], bs[i] })
		if got := Tally(e, ms, bs); !reflect.DeepEqual(got, want) {
			t.Fatalf("case %d: shuffled ballots changed the result\n%+v\n%+v", i, got, want)
		}
	}
}

func TestPropertyMonotone(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	passedLost := func(before, after Result) bool {
		for k, m := range before.Matters {
			if m.Outcome == OutcomePassed && after.Matters[k].Outcome != OutcomePassed {
				return true
			}
		}
		return false
	}
	passes := 0
	for i := 0; i < 3000; i++ {
		e, ms, bs := randomVote(rng)
		before := Tally(e, ms, bs)
		for _, m := range before.Matters {
			if m.Outcome == OutcomePassed {
				passes++
			}
		}
		// Turn one oppose, abstain, unmarked or spoiled ballot into agree.
		if len(bs) > 0 {
			k := rng.Intn(len(bs))
			b := bs[k]
			b.Choices = map[MatterID]Choice{}
			for id, c := range bs[k].Choices {
				b.Choices[id] = c
			}
			b.Spoiled = false
			m := ms[rng.Intn(len(ms))].ID
			b.Choices[m] = Agree
			after := append(append([]Ballot{}, bs[:k]...), b)
			after = append(after, bs[k+1:]...)
			if r := Tally(e, ms, after); passedLost(before, r) {
				t.Fatalf("case %d: agree on %d turned a pass into a failure", i, m)
			}
		}
		// Add an all-agree ballot from a voter who did not vote.
		voted := map[PersonID]bool{}
		for _, b := range bs {
			voted[b.Person] = true
		}
		for _, v := range e.Voters {
			if voted[v.ID] {
				continue
			}
			b := Ballot{Person: v.ID, Choices: map[MatterID]Choice{}}
			for _, m := range ms {
				b.Choices[m.ID] = Agree
			}
			if r := Tally(e, ms, append(append([]Ballot{}, bs...), b)); passedLost(before, r) {
				t.Fatalf("case %d: a new agree ballot turned a pass into a failure", i)
			}
			break
		}
	}
	if passes < 100 {
		t.Fatalf("only %d passed matters: the property is barely exercised", passes)
	}
	t.Logf("%d passed matters checked", passes)
}

func BenchmarkTally10k(b *testing.B) {
	const n = 10000
	rng := rand.New(rand.NewSource(3))
	in := make([]PartInput, n)
	for i := range in {
		in[i] = PartInput{PartID: int64(i + 1), Register: ar(5000 + rng.Int63n(15000)), Owners: []int64{int64(i + 1)}}
	}
	e, err := Freeze(in)
	if err != nil {
		b.Fatal(err)
	}
	ms := []Matter{{ID: 1, Item: ItemRebuild}, {ID: 2, Item: ItemUseFund}, {ID: 3, Item: Consultation}}
	bs := make([]Ballot, 0, n)
	for _, v := range e.Voters {
		bs = append(bs, Ballot{Person: v.ID, Choices: map[MatterID]Choice{
			1: Choice(1 + rng.Intn(3)), 2: Choice(1 + rng.Intn(3)), 3: Choice(1 + rng.Intn(3))}, Channel: "online"})
	}
	b.ResetTimer()
	for b.Loop() {
		Tally(e, ms, bs)
	}
}
