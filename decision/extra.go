package decision

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
)

// ExtraRule is what an extra condition requires of the owners it names.
type ExtraRule string

const (
	// ExtraAllAgree: every affected person casts a counted ballot that
	// agrees to the matter (e.g. all ground-floor owners consent to a lift).
	ExtraAllAgree ExtraRule = "all_agree" // 全部同意
	// ExtraNoneOppose: no affected person's counted ballot opposes the
	// matter; not voting is not opposing.
	ExtraNoneOppose ExtraRule = "none_oppose" // 无人反对
)

// Extra is a condition that local rules add to a matter for the owners
// directly affected by it: those holding a part on one of Floors or one
// of Parts within the decision's scope.
type Extra struct {
	Label  string // as shown on the result, e.g. "一层业主全部同意"
	Rule   ExtraRule
	Floors []int
	Parts  []int64
}

// ExtraResult is an extra condition as counted: the affected persons, how
// many agreed and opposed, and whether the condition is met. A condition
// without affected persons is met (nobody is affected).
type ExtraResult struct {
	Extra
	Affected, Agree, Oppose int64
	Met                     bool
}

// affects reports whether a voter holds a part the condition names.
func (x Extra) affects(v Voter) bool {
	return slices.ContainsFunc(v.Parts, func(p VoterPart) bool {
		return slices.Contains(x.Floors, p.Floor) || slices.Contains(x.Parts, p.PartID)
	})
}

// check counts the condition on one matter; ballotOf returns a person's
// counted ballot or nil.
func (x Extra) check(e Electorate, m MatterID, ballotOf func(PersonID) *Ballot) ExtraResult {
	r := ExtraResult{Extra: x}
	for _, v := range e.Voters {
		if !x.affects(v) {
			continue
		}
		r.Affected++
		if b := ballotOf(v.ID); b != nil && !b.Spoiled {
			switch b.Choices[m] {
			case Agree:
				r.Agree++
			case Oppose:
				r.Oppose++
			}
		}
	}
	switch x.Rule {
	case ExtraAllAgree:
		r.Met = r.Agree == r.Affected
	case ExtraNoneOppose:
		r.Met = r.Oppose == 0
	}
	return r
}

// validExtra checks the extra conditions of a matter; field prefixes the
// names of the fields in errors.
func validExtra(xs []Extra, field string) []huanxin.FieldError {
	var bad []huanxin.FieldError
	if len(xs) > 10 {
		bad = append(bad, huanxin.FieldError{Field: field, Message: "最多10项 at most 10"})
	}
	for i := range xs {
		x := &xs[i]
		f := field + "." + strconv.Itoa(i)
		x.Label = strings.TrimSpace(x.Label)
		if x.Label == "" {
			bad = append(bad, huanxin.FieldError{Field: f + ".label", Message: "必填 required"})
		} else if utf8.RuneCountInString(x.Label) > 100 {
			bad = append(bad, huanxin.FieldError{Field: f + ".label", Message: "过长 too long (max 100)"})
		}
		if x.Rule != ExtraAllAgree && x.Rule != ExtraNoneOppose {
			bad = append(bad, huanxin.FieldError{Field: f + ".rule", Message: "应为 all_agree 或 none_oppose must be all_agree or none_oppose"})
		}
		if len(x.Floors) == 0 && len(x.Parts) == 0 {
			bad = append(bad, huanxin.FieldError{Field: f + ".floors", Message: "请指明楼层或房屋 name floors or parts"})
		}
		if len(x.Floors)+len(x.Parts) > 1000 {
			bad = append(bad, huanxin.FieldError{Field: f + ".parts", Message: "过多 too many (max 1000)"})
		}
		slices.Sort(x.Floors)
		x.Floors = slices.Compact(x.Floors)
		slices.Sort(x.Parts)
		x.Parts = slices.Compact(x.Parts)
	}
	return bad
}
