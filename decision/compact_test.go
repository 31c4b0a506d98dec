package decision

import (
	"cmp"
	"reflect"
	"slices"
	"testing"
	"time"

	"math/rand"
)

// TallyCounted gives what the service's tally of stored ballots gives —
// Resolve under the rule, then Tally — on random votes with strangers,
// duplicates on one channel, ballots on both channels (conflicts, with
// equal and different times), spoiled ballots, abstentions, unmarked and
// unknown choices and extra conditions; with the ballots ordered by person
// as a store reads them (resolved run by run) and in any order.
func TestTallyCountedEqualsTally(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	rules := []ConflictRule{ConflictFirst, ConflictPaper, ConflictOnline}
	byPerson := func(a, b Ballot) int { return cmp.Compare(a.Person, b.Person) }
	for i := range 3000 {
		e, ms, bs := randomVote(rng)
		for j := range ms {
			for range rng.Intn(3) {
				x := Extra{Label: "x", Rule: []ExtraRule{ExtraAllAgree, ExtraNoneOppose}[rng.Intn(2)]}
				for range 1 + rng.Intn(4) {
					x.Parts = append(x.Parts, int64(1+rng.Intn(30)))
				}
				ms[j].Extra = append(ms[j].Extra, x)
			}
		}
		t0 := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
		for j := range bs {
			bs[j].At = t0.Add(time.Duration(rng.Intn(4)) * time.Minute)
			if rng.Intn(20) == 0 && len(ms) > 0 {
				bs[j].Choices = map[MatterID]Choice{ms[0].ID: Choice(7), MatterID(99): Agree}
			}
		}
		if rng.Intn(2) == 0 {
			slices.SortStableFunc(bs, byPerson)
		}
		d := &Decision{Matters: ms, Conflict: rules[rng.Intn(len(rules))]}
		kept, conflicts := Resolve(d.Conflict, bs)
		want := Tally(e, ms, kept)
		want.Pending, want.Mismatched, want.Conflicts = 2, 1, conflicts
		got := TallyCounted(d, Counted{Electorate: e, Ballots: bs, Pending: 2, Mismatched: 1})
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("case %d (%s):\n got %+v\nwant %+v", i, d.Conflict, got, want)
		}
		if k, c := resolveByPerson(d.Conflict, bs); !reflect.DeepEqual(k, kept) && !(len(k) == 0 && len(kept) == 0) ||
			!reflect.DeepEqual(c, conflicts) {
			t.Fatalf("case %d: resolveByPerson\n%+v %+v\nResolve\n%+v %+v", i, k, c, kept, conflicts)
		}
	}
}
