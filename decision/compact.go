package decision

import (
	"cmp"
	"context"
	"slices"
)

// Counting a decision from what a store reads for a tally alone. A
// re-tally of a city's decisions is bound by reading the ballots, not by
// counting them: a store that can read only what a tally needs — the
// voters' persons and areas, the counted entries of the ballots ordered by
// person — implements Counter, and the service tallies from that instead
// of loading every StoredBallot.

// Counted is what a tally of one decision reads. Electorate carries the
// voters as the tally reads them: their persons and areas, and their parts
// where a matter has extra conditions. Ballots are the counted ballots
// (the counted entry of each), before conflicts between channels are
// resolved; ballots with the same choices may share one Choices map, which
// nobody may change. Pending and Mismatched count the paper ballots left
// out of the tally.
type Counted struct {
	Electorate          Electorate
	Ballots             []Ballot
	Pending, Mismatched int
}

// Counter is a Store that loads what a tally of a decision reads.
type Counter interface {
	Counted(ctx context.Context, d *Decision) (Counted, error)
}

// TallyCounted resolves conflicts between channels under the decision's
// rule and tallies, as the service tallies the stored ballots: the result
// equals Tally of the ballots Resolve keeps, with Pending, Mismatched and
// the conflicts set.
func TallyCounted(d *Decision, c Counted) Result {
	kept, conflicts := resolveByPerson(d.Conflict, c.Ballots)
	r := Tally(c.Electorate, d.Matters, kept)
	r.Pending, r.Mismatched, r.Conflicts = c.Pending, c.Mismatched, conflicts
	return r
}

// resolveByPerson is Resolve. When the ballots are ordered by person (as
// a store reads them by key), a conflict can only be within a run of one
// person's ballots, so only the runs of more than one ballot go through
// Resolve and a decision without conflicts costs one pass; in any other
// order it is Resolve itself.
func resolveByPerson(rule ConflictRule, ballots []Ballot) (kept []Ballot, conflicts []Conflict) {
	if !slices.IsSortedFunc(ballots, func(a, b Ballot) int { return cmp.Compare(a.Person, b.Person) }) {
		return Resolve(rule, ballots)
	}
	kept = ballots
	copied := false // kept is ballots until a run drops a ballot
	for i := 0; i < len(ballots); {
		j := i + 1
		for j < len(ballots) && ballots[j].Person == ballots[i].Person {
			j++
		}
		if j-i == 1 {
			if copied {
				kept = append(kept, ballots[i])
			}
			i = j
			continue
		}
		k, c := Resolve(rule, ballots[i:j])
		if len(c) > 0 && !copied {
			kept, copied = slices.Clone(ballots[:i]), true
		}
		if copied {
			kept = append(kept, k...)
		}
		conflicts = append(conflicts, c...)
		i = j
	}
	return kept, conflicts
}
