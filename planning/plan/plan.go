// Package plan holds the rules of an estate's renovation plan (改造方案):
// the chosen catalogue items with quantities and costs, their phases and
// zones, the order their dependencies impose, the items a survey shows are
// needed but the plan leaves out, and the difference between two versions.
// It is pure: no storage, no clock.
package plan

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"strconv"

	"github.com/huanxin/huanxin"
)

// Line is one catalogue item chosen for the plan. Quantity is in
// hundredths of the item's unit (12.5 m² is 1250), UnitCost in fen per
// unit; Phase is 1-based; Zone lists the buildings it concerns, empty for
// the whole estate.
type Line struct {
	ItemCode string
	Name     string
	Category string // basic, improve, enhance (the catalogue's categories)
	Unit     string
	Quantity int64
	UnitCost huanxin.Money
	Phase    int
	Zone     []int64
	// Findings are the survey findings that justify the line, Asked the
	// households that asked for it in the needs questionnaire.
	Findings []int64
	Asked    int64
}

// Total is the line's cost in fen: Quantity × UnitCost / 100, rounded half
// up, computed exactly (128-bit). ok is false when it does not fit in fen
// or an input is negative.
func (l Line) Total() (huanxin.Money, bool) {
	if l.Quantity < 0 || l.UnitCost < 0 {
		return 0, false
	}
	hi, lo := bits.Mul64(uint64(l.Quantity), uint64(l.UnitCost))
	lo, carry := bits.Add64(lo, 50, 0)
	hi += carry
	if hi >= 100 {
		return 0, false
	}
	q, _ := bits.Div64(hi, lo, 100)
	if q > math.MaxInt64 {
		return 0, false
	}
	return huanxin.Money(q), true
}

// Totals are a plan's costs by category and by phase, and in all.
type Totals struct {
	ByCategory map[string]huanxin.Money
	ByPhase    map[int]huanxin.Money
	Total      huanxin.Money
}

// Sum adds up the lines' totals; it fails naming the first line whose cost
// does not fit.
func Sum(lines []Line) (Totals, error) {
	t := Totals{ByCategory: map[string]huanxin.Money{}, ByPhase: map[int]huanxin.Money{}}
	for i, l := range lines {
		v, ok := l.Total()
		if !ok || t.Total > math.MaxInt64-v {
			return Totals{}, huanxin.Invalid("金额超出范围 amount out of range",
				huanxin.FieldError{Field: "lines." + strconv.Itoa(i) + ".quantity", Message: "数量或单价超出范围 quantity or unit cost out of range"})
		}
		t.ByCategory[l.Category] += v
		t.ByPhase[l.Phase] += v
		t.Total += v
	}
	return t, nil
}

// overlaps reports whether two zones share a building; an empty zone is
// the whole estate and overlaps every zone.
func overlaps(a, b []int64) bool {
	if len(a) == 0 || len(b) == 0 {
		return true
	}
	return slices.ContainsFunc(a, func(x int64) bool { return slices.Contains(b, x) })
}

// Violation is a line planned before an item it depends on, in the same
// zone: e.g. resurfacing a road (phase 1) before the pipes under it are
// replaced (phase 2).
type Violation struct {
	Line, Before   int // indexes of the line and of its prerequisite
	Phase, Needs   int // the line's phase and the prerequisite's
	Item, Requires string
}

// Order checks the phases against the dependencies between items
// (dependsOn: item code → codes that must be done first). A line breaks
// the order when a prerequisite in an overlapping zone is planned in a
// later phase. Prerequisites not in the plan are not violations (they may
// be done already or by others). Violations come in line order.
func Order(lines []Line, dependsOn map[string][]string) []Violation {
	var out []Violation
	for i, l := range lines {
		for _, req := range dependsOn[l.ItemCode] {
			for j, p := range lines {
				if p.ItemCode == req && p.Phase > l.Phase && overlaps(l.Zone, p.Zone) {
					out = append(out, Violation{Line: i, Before: j, Phase: l.Phase, Needs: p.Phase, Item: l.ItemCode, Requires: req})
				}
			}
		}
	}
	return out
}

// Need is a survey finding that calls for an item: graded poor or worse,
// or a safety hazard. FindingID is the survey that found it (a survey has
// one finding per item).
type Need struct {
	FindingID int64
	ItemCode  string
	Category  string
	Building  int64 // 0 for the estate
	Grade     int
	Hazard    bool
}

// Omission is a need the plan does not cover: no line has its item for
// its building (a line for the whole estate covers every building).
type Omission struct {
	Need
}

// Omissions lists the needs no line covers, hazards first, then by
// category, item and building — "fixes buildings, forgets the environment"
// shows as basic and improvement needs of the estate left out.
func Omissions(lines []Line, needs []Need) []Omission {
	var out []Omission
	for _, n := range needs {
		covered := slices.ContainsFunc(lines, func(l Line) bool {
			return l.ItemCode == n.ItemCode && (len(l.Zone) == 0 || n.Building == 0 || slices.Contains(l.Zone, n.Building))
		})
		if !covered {
			out = append(out, Omission{n})
		}
	}
	slices.SortStableFunc(out, func(a, b Omission) int {
		if a.Hazard != b.Hazard {
			if a.Hazard {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.Category, b.Category), cmp.Compare(a.ItemCode, b.ItemCode), cmp.Compare(a.Building, b.Building))
	})
	return out
}

// ChangeKind says how a line differs between two versions.
type ChangeKind string

const (
	Added   ChangeKind = "added"
	Removed ChangeKind = "removed"
	Changed ChangeKind = "changed"
)

// Change is one difference between two versions of a plan, for a line
// identified by its item and zone. Fields names what changed.
type Change struct {
	Kind     ChangeKind
	ItemCode string
	Zone     []int64
	From, To *Line
	Fields   []string // quantity, unit_cost, phase (for Changed)
}

// lineKey identifies a line across versions: its item and zone.
func lineKey(l Line) string {
	z := slices.Clone(l.Zone)
	slices.Sort(z)
	k := l.ItemCode + "@"
	for _, b := range z {
		k += strconv.FormatInt(b, 10) + ","
	}
	return k
}

// Diff lists what changed from version a to version b, in the order of
// b's lines, then the lines removed in a's order.
func Diff(a, b []Line) []Change {
	old := map[string]int{}
	for i, l := range a {
		old[lineKey(l)] = i
	}
	seen := map[string]bool{}
	var out []Change
	for i := range b {
		nl := &b[i]
		k := lineKey(*nl)
		seen[k] = true
		j, ok := old[k]
		if !ok {
			out = append(out, Change{Kind: Added, ItemCode: nl.ItemCode, Zone: nl.Zone, To: nl})
			continue
		}
		ol := &a[j]
		var fields []string
		if ol.Quantity != nl.Quantity {
			fields = append(fields, "quantity")
		}
		if ol.UnitCost != nl.UnitCost {
			fields = append(fields, "unit_cost")
		}
		if ol.Phase != nl.Phase {
			fields = append(fields, "phase")
		}
		if len(fields) > 0 {
			out = append(out, Change{Kind: Changed, ItemCode: nl.ItemCode, Zone: nl.Zone, From: ol, To: nl, Fields: fields})
		}
	}
	for i := range a {
		if !seen[lineKey(a[i])] {
			out = append(out, Change{Kind: Removed, ItemCode: a[i].ItemCode, Zone: a[i].Zone, From: &a[i]})
		}
	}
	return out
}
