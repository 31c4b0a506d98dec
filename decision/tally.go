package decision

import (
	"cmp"
	"slices"
	"time"

	"github.com/huanxin/huanxin"
)

// Choice is a person's answer on one matter.
type Choice int

// The choices of a ballot. The zero value, or any unknown value, and a matter
// missing from a counted ballot are all taken as Abstain.
const (
	Agree   Choice = 1 // 同意
	Oppose  Choice = 2 // 反对
	Abstain Choice = 3 // 弃权
)

// MatterID identifies a matter on the agenda of a vote.
type MatterID int64

// Matter is one question put to the vote.
type Matter struct {
	ID    MatterID
	Item  Item
	Title string
	// Extra are the conditions local rules add to the matter; a binding
	// matter passes only if every one is met as well.
	Extra []Extra
}

// Ballot is one person's vote on every matter of the agenda. Channel says how
// it arrived (online or paper) and At when; Resolve uses them to choose
// between a person's online and paper ballots, Tally only reports them.
//
// A counted ballot makes its person take part in every matter of the agenda:
// an abstention, an unmarked matter and a Spoiled ballot (废票) count as
// taking part and never as agreeing. Choices for matters not on the agenda
// are ignored.
type Ballot struct {
	Person  PersonID
	Choices map[MatterID]Choice
	Spoiled bool
	Channel string
	At      time.Time
}

// Rejection reasons.
const (
	RejectStranger  = "stranger"  // the person is not in the electorate
	RejectDuplicate = "duplicate" // the person handed in more than one ballot
)

// Rejection is a ballot that was not counted. When a person hands in several
// ballots, none of them is counted (the tally cannot tell which one stands,
// and must not depend on ballot order): each is listed here and the person
// counts as not having taken part until the duplicates are resolved.
type Rejection struct {
	Person  PersonID
	Channel string
	Reason  string
}

// Count is an area and a number of persons.
type Count struct {
	Area    huanxin.Area
	Persons int64
}

// Condition is one ratio test of a vote: Num/Den against Required. Percent is
// Num/Den in percent with two decimals, computed exactly.
type Condition struct {
	Num, Den  int64
	Required  Ratio
	Inclusive bool
	Met       bool
	Percent   string
}

// Outcome is the result of one matter.
type Outcome string

// Outcomes. OutcomeInvalid marks a matter whose Item is out of range.
const (
	OutcomePassed       Outcome = "passed"
	OutcomeFailed       Outcome = "failed"
	OutcomeConsultation Outcome = "consultation"
	OutcomeInvalid      Outcome = "invalid"
)

// MatterResult is the count of one matter. The conditions of a Consultation
// matter carry the shares only (Required zero, Met false).
type MatterResult struct {
	Matter
	Participating, Agree, Oppose, Abstain, Spoiled Count
	QuorumArea, QuorumPersons                      Condition
	AgreeArea, AgreePersons                        Condition
	Extra                                          []ExtraResult
	Outcome                                        Outcome
}

// Result is the tally of a vote: one MatterResult per matter in agenda order,
// the number of ballots counted and the rejected ballots sorted by person,
// reason and channel. Pending and Mismatched are the paper ballots left out
// of the tally because their second entry is missing or differs from the
// first; Tally leaves them 0, the service sets them.
type Result struct {
	Electorate Count
	Counted    int
	Matters    []MatterResult
	Rejected   []Rejection
	Pending    int
	Mismatched int
	// Conflicts lists the persons who voted both online and on paper,
	// with the ballot that counted under the decision's rule; the service
	// sets it.
	Conflicts []Conflict
}

// Conflict is a person with both an online and a paper ballot: Counted is
// the channel whose ballot counted under Rule, the other was set aside.
type Conflict struct {
	Person   PersonID
	Rule     ConflictRule
	Counted  string
	SetAside string
}

// Resolve keeps one ballot per person where a person has ballots on two
// channels: the earlier one (ties: the paper one) under ConflictFirst, the
// paper or the online one under the other rules. Ballots of persons with
// one ballot, or with several on the same channel, are passed on as they
// are for Tally to count or reject. The conflicts are sorted by person.
func Resolve(rule ConflictRule, ballots []Ballot) (kept []Ballot, conflicts []Conflict) {
	return resolve(rule, ballots, func(b Ballot) Ballot { return b })
}

// resolve is Resolve over any values that carry a ballot.
func resolve[T any](rule ConflictRule, items []T, ballot func(T) Ballot) (kept []T, conflicts []Conflict) {
	channels := map[PersonID]map[string]int{}
	for _, it := range items {
		b := ballot(it)
		if channels[b.Person] == nil {
			channels[b.Person] = map[string]int{}
		}
		channels[b.Person][b.Channel]++
	}
	// The item chosen for each person in conflict.
	chosen := map[PersonID]int{}
	for i, it := range items {
		b := ballot(it)
		if c := channels[b.Person]; len(c) != 2 || c[b.Channel] != 1 {
			continue
		}
		if j, seen := chosen[b.Person]; !seen || prefer(rule, b, ballot(items[j])) {
			chosen[b.Person] = i
		}
	}
	for i, it := range items {
		b := ballot(it)
		j, inConflict := chosen[b.Person]
		if !inConflict || i == j {
			kept = append(kept, it)
			continue
		}
		conflicts = append(conflicts, Conflict{Person: b.Person, Rule: rule, Counted: ballot(items[j]).Channel, SetAside: b.Channel})
	}
	slices.SortFunc(conflicts, func(a, b Conflict) int { return cmp.Compare(a.Person, b.Person) })
	return kept, conflicts
}

// prefer reports whether b wins over c, two ballots of one person on
// different channels, under the rule.
func prefer(rule ConflictRule, b, c Ballot) bool {
	switch rule {
	case ConflictPaper:
		return b.Channel == string(ChannelPaper)
	case ConflictOnline:
		return b.Channel == string(ChannelOnline)
	}
	if !b.At.Equal(c.At) {
		return b.At.Before(c.At)
	}
	return b.Channel == string(ChannelPaper)
}

func condition(num, den int64, b Bound, binding bool) Condition {
	c := Condition{Num: num, Den: den, Percent: Percent(num, den)}
	if binding {
		c.Required, c.Inclusive, c.Met = b.Ratio, b.Inclusive, b.Meets(num, den)
	}
	return c
}

// Tally counts the ballots against the frozen electorate. Ballots of persons
// outside the electorate and all ballots of a person who handed in more than
// one are rejected and listed. The result does not depend on the order of
// the ballots.
func Tally(e Electorate, matters []Matter, ballots []Ballot) Result {
	idx := make(map[PersonID]int32, len(e.Voters))
	for i, v := range e.Voters {
		idx[v.ID] = int32(i)
	}
	seen := make(map[PersonID]int, len(ballots)) // person → index of its ballot, -1 if duplicated
	res := Result{Electorate: Count{e.TotalArea, e.TotalPersons}}
	for i, b := range ballots {
		if _, ok := idx[b.Person]; !ok {
			res.Rejected = append(res.Rejected, Rejection{b.Person, b.Channel, RejectStranger})
			continue
		}
		if j, dup := seen[b.Person]; dup {
			if j >= 0 {
				res.Rejected = append(res.Rejected, Rejection{b.Person, ballots[j].Channel, RejectDuplicate})
				seen[b.Person] = -1
			}
			res.Rejected = append(res.Rejected, Rejection{b.Person, b.Channel, RejectDuplicate})
			continue
		}
		seen[b.Person] = i
	}
	slices.SortFunc(res.Rejected, func(a, b Rejection) int {
		return cmp.Or(cmp.Compare(a.Person, b.Person), cmp.Compare(a.Reason, b.Reason), cmp.Compare(a.Channel, b.Channel))
	})
	type counted struct {
		area huanxin.Area
		b    *Ballot
	}
	valid := make([]counted, 0, len(seen))
	for p, i := range seen {
		if i >= 0 {
			valid = append(valid, counted{e.Voters[idx[p]].Area, &ballots[i]})
		}
	}
	res.Counted = len(valid)
	ballotOf := func(p PersonID) *Ballot {
		if i, ok := seen[p]; ok && i >= 0 {
			return &ballots[i]
		}
		return nil
	}
	add := func(c *Count, a huanxin.Area) { c.Area += a; c.Persons++ }
	for _, m := range matters {
		r := MatterResult{Matter: m}
		for _, v := range valid {
			add(&r.Participating, v.area)
			switch {
			case v.b.Spoiled:
				add(&r.Spoiled, v.area)
			case v.b.Choices[m.ID] == Agree:
				add(&r.Agree, v.area)
			case v.b.Choices[m.ID] == Oppose:
				add(&r.Oppose, v.area)
			default:
				add(&r.Abstain, v.area)
			}
		}
		rule := m.Item.Rule()
		p, t := r.Participating, Count{e.TotalArea, e.TotalPersons}
		r.QuorumArea = condition(int64(p.Area), int64(t.Area), rule.QuorumArea, rule.Binding)
		r.QuorumPersons = condition(p.Persons, t.Persons, rule.QuorumPersons, rule.Binding)
		r.AgreeArea = condition(int64(r.Agree.Area), int64(p.Area), rule.AgreeArea, rule.Binding)
		r.AgreePersons = condition(r.Agree.Persons, p.Persons, rule.AgreePersons, rule.Binding)
		extraMet := true
		for _, x := range m.Extra {
			er := x.check(e, m.ID, ballotOf)
			extraMet = extraMet && er.Met
			r.Extra = append(r.Extra, er)
		}
		switch {
		case !m.Item.Valid():
			r.Outcome = OutcomeInvalid
		case !rule.Binding:
			r.Outcome = OutcomeConsultation
		case r.QuorumArea.Met && r.QuorumPersons.Met && r.AgreeArea.Met && r.AgreePersons.Met && extraMet:
			r.Outcome = OutcomePassed
		default:
			r.Outcome = OutcomeFailed
		}
		res.Matters = append(res.Matters, r)
	}
	return res
}
