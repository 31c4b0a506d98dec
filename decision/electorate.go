package decision

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
)

// PersonID identifies a voting person of an electorate: "developer",
// "owner:<smallest owner ID of the person>", or "part:<part ID>" for a part
// outside the developer's hands that has no recorded owner.
type PersonID string

// Developer is the one person standing for every part the developer has not
// sold or not yet delivered.
const Developer PersonID = "developer"

// PartInput is an exclusive part in the scope of a vote, as the electorate
// needs it. Nil areas are unknown.
type PartInput struct {
	PartID                       int64
	BuildingID                   int64 // for turnout by building
	Floor                        int   // for extra conditions naming floors
	Register, Surveyed, Contract *huanxin.Area
	HeldByDeveloper              bool
	Owners                       []int64 // owner IDs of the (co-)owners
	// Representative is the co-owner flagged to vote for the part, or 0
	// (the person's smallest owner ID then votes; see Freeze).
	Representative int64
}

// VoterPart is one part counted for a person, with the area used and its
// source.
type VoterPart struct {
	PartID     int64
	BuildingID int64
	Floor      int
	Area       huanxin.Area
	Source     estate.AreaSource
}

// Voter is one person of the electorate: the developer, or a group of
// owners acting as one (see Freeze).
type Voter struct {
	ID             PersonID
	Owners         []int64 // sorted; empty for the developer
	Representative int64   // the owner who casts the ballot; 0 for the developer
	Parts          []VoterPart
	Area           huanxin.Area
}

// Electorate is the frozen set of voters of one vote: every exclusive part in
// scope counted once by area, grouped into persons.
type Electorate struct {
	Voters       []Voter // sorted by ID
	TotalArea    huanxin.Area
	TotalPersons int64
}

// Voter returns the voter with the given ID.
func (e Electorate) Voter(id PersonID) (Voter, bool) {
	i, ok := slices.BinarySearchFunc(e.Voters, id, func(v Voter, id PersonID) int { return cmp.Compare(v.ID, id) })
	if !ok {
		return Voter{}, false
	}
	return e.Voters[i], true
}

// Inputs turns register parts and their ownerships into PartInputs. A part's
// single Area goes to the field its AreaSource names (register when empty);
// the representative is the flagged ownership, else the smallest owner ID.
func Inputs(parts []estate.Part, ownerships []estate.Ownership) []PartInput {
	byPart := map[int64][]estate.Ownership{}
	for _, o := range ownerships {
		byPart[o.PartID] = append(byPart[o.PartID], o)
	}
	out := make([]PartInput, 0, len(parts))
	for _, p := range parts {
		in := PartInput{PartID: p.ID, BuildingID: p.BuildingID, Floor: p.Floor, HeldByDeveloper: p.HeldByDeveloper()}
		a := p.Area
		switch p.AreaSource {
		case estate.SourceSurveyed:
			in.Surveyed = &a
		case estate.SourceContract:
			in.Contract = &a
		default:
			in.Register = &a
		}
		os := byPart[p.ID]
		slices.SortFunc(os, func(x, y estate.Ownership) int { return cmp.Compare(x.OwnerID, y.OwnerID) })
		for _, o := range os {
			in.Owners = append(in.Owners, o.OwnerID)
			if o.Representative && in.Representative == 0 {
				in.Representative = o.OwnerID
			}
		}
		out = append(out, in)
	}
	return out
}

// area returns the area counted for a part: register, else surveyed, else
// contract.
func (p PartInput) area() (huanxin.Area, estate.AreaSource, bool) {
	switch {
	case p.Register != nil:
		return *p.Register, estate.SourceRegister, true
	case p.Surveyed != nil:
		return *p.Surveyed, estate.SourceSurveyed, true
	case p.Contract != nil:
		return *p.Contract, estate.SourceContract, true
	}
	return 0, "", false
}

// Freeze builds the electorate of a vote from the parts in its scope.
//
// Area: each part counts once, by its register area, else surveyed, else
// contract area. Persons: every part held by the developer (unsold or
// undelivered, whatever buyers are recorded) belongs to the one person
// Developer. The other parts are grouped by the union of their owner sets:
// two parts belong to the same person when they share an owner, directly or
// through a chain of co-owned parts. So a buyer holding several parts is one
// person, and an owner who holds one part alone and co-owns another with a
// spouse makes, with the spouse, a single person holding both parts (the
// co-owners of a part must act as one, and a buyer of several parts counts
// once, so they cannot be split without counting someone twice). The
// person's ID is "owner:" and its smallest owner ID; its representative is
// the first flagged representative of its parts in part-ID order, else its
// smallest owner ID. A part with no owner outside the developer's hands is a
// person of its own, "part:<id>".
//
// Freeze fails with an EINVALID *huanxin.Error on a repeated part ID, a part
// without any area, or a negative area.
func Freeze(parts []PartInput) (Electorate, error) {
	ps := slices.Clone(parts)
	slices.SortFunc(ps, func(a, b PartInput) int { return cmp.Compare(a.PartID, b.PartID) })
	var bad []huanxin.FieldError
	parent := map[int64]int64{}
	var find func(int64) int64
	find = func(x int64) int64 {
		p, ok := parent[x]
		if !ok {
			parent[x] = x
			return x
		}
		if p == x {
			return x
		}
		r := find(p)
		parent[x] = r
		return r
	}
	for i, p := range ps {
		field := "part " + strconv.FormatInt(p.PartID, 10)
		if i > 0 && ps[i-1].PartID == p.PartID {
			bad = append(bad, huanxin.FieldError{Field: field, Message: "专有部分重复"})
		}
		if a, _, ok := p.area(); !ok {
			bad = append(bad, huanxin.FieldError{Field: field, Message: "缺少登记、测绘或合同面积"})
		} else if a < 0 {
			bad = append(bad, huanxin.FieldError{Field: field, Message: "面积为负"})
		}
		if p.HeldByDeveloper || len(p.Owners) == 0 {
			continue
		}
		r0 := find(p.Owners[0])
		for _, o := range p.Owners[1:] {
			if r := find(o); r != r0 {
				if r < r0 { // keep the smallest owner ID as root
					r, r0 = r0, r
				}
				parent[r] = r0
			}
		}
	}
	if len(bad) > 0 {
		return Electorate{}, huanxin.Invalid("表决范围内的专有部分有误", bad...)
	}
	var e Electorate
	idx := map[PersonID]int{}
	for _, p := range ps {
		var id PersonID
		switch {
		case p.HeldByDeveloper:
			id = Developer
		case len(p.Owners) == 0:
			id = PersonID("part:" + strconv.FormatInt(p.PartID, 10))
		default:
			id = PersonID("owner:" + strconv.FormatInt(find(p.Owners[0]), 10))
		}
		i, ok := idx[id]
		if !ok {
			i = len(e.Voters)
			idx[id] = i
			e.Voters = append(e.Voters, Voter{ID: id})
		}
		v := &e.Voters[i]
		a, src, _ := p.area()
		v.Parts = append(v.Parts, VoterPart{PartID: p.PartID, BuildingID: p.BuildingID, Floor: p.Floor, Area: a, Source: src})
		v.Area += a
		e.TotalArea += a
		if id == Developer {
			continue
		}
		for _, o := range p.Owners {
			if !slices.Contains(v.Owners, o) {
				v.Owners = append(v.Owners, o)
			}
		}
		if v.Representative == 0 && p.Representative != 0 {
			v.Representative = p.Representative
		}
	}
	for i := range e.Voters {
		v := &e.Voters[i]
		slices.Sort(v.Owners)
		if v.Representative == 0 && len(v.Owners) > 0 {
			v.Representative = v.Owners[0]
		}
	}
	slices.SortFunc(e.Voters, func(a, b Voter) int { return cmp.Compare(a.ID, b.ID) })
	e.TotalPersons = int64(len(e.Voters))
	return e, nil
}
