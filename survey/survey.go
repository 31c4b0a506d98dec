// Package survey is the condition survey (摸底调查) of an estate or one of
// its buildings: a grade for each surveyed aspect with its quantity, a
// hazard flag, notes and photos, the surveyor and the date, and the
// household facts that drive need (elderly residents, people with
// disabilities, dwellings without a lift) taken from the register or
// entered on site. Surveys are kept for good once submitted; a later
// survey is a new one, and two surveys compare aspect by aspect.
package survey

import (
	"slices"
	"time"
)

// Status is where a survey stands: a draft is filled and changed on site;
// a submitted survey is read-only.
type Status string

const (
	StatusDraft     Status = "draft"     // 草稿
	StatusSubmitted Status = "submitted" // 已提交
)

// Grade is the condition of a surveyed aspect, from 1 (good) to 4 (failed
// or dangerous).
type Grade int

const (
	GradeGood      Grade = 1 // 良好
	GradeFair      Grade = 2 // 一般
	GradePoor      Grade = 3 // 较差
	GradeDangerous Grade = 4 // 危险
)

// Grades lists the grades from best to worst.
var Grades = []Grade{GradeGood, GradeFair, GradePoor, GradeDangerous}

var gradeLabels = map[Grade]string{GradeGood: "良好", GradeFair: "一般", GradePoor: "较差", GradeDangerous: "危险"}

// Valid reports whether g is one of Grades.
func (g Grade) Valid() bool { return g >= GradeGood && g <= GradeDangerous }

// Label is the grade's Chinese name (良好, 一般, 较差, 危险), or "" for an
// invalid grade.
func (g Grade) Label() string { return gradeLabels[g] }

// Photo is a photo attached to a finding: the stored original, the
// phone-size rendition (at most MaxSide pixels on the long side; the
// original itself when it is that small already) and the original's
// SHA-256 (hex), kept so that the photo can be checked against the file
// later.
type Photo struct {
	FileID  int64  `json:"file_id"`
	ThumbID int64  `json:"thumb_file_id"`
	SHA256  string `json:"sha256"`
}

// Finding is what a survey found for one aspect. Quantity is in
// hundredths of the aspect's unit (12.5 m of pipe is 1250), exact as
// areas are (huanxin.ParseCenti and FormatCenti read and write it).
type Finding struct {
	ItemCode string  `json:"item_code"`
	Grade    Grade   `json:"grade"`
	Quantity int64   `json:"quantity"`
	Hazard   bool    `json:"hazard"` // a safety hazard that needs action now
	Notes    string  `json:"notes,omitempty"`
	Photos   []Photo `json:"photos"`
}

// Survey is a condition survey of an estate (BuildingID 0) or of one of
// its buildings. SurveyedOn is the day of the survey as YYYY-MM-DD.
// Register holds the household facts counted from the register: frozen at
// submission, counted afresh for a draft each time it is read.
type Survey struct {
	ID           int64
	CityID       int64
	EstateID     int64
	BuildingID   int64
	SurveyedOn   string
	Surveyor     int64  // the user who made the survey
	SurveyorName string // their name then
	Status       Status
	Findings     []Finding // in Aspects order
	Notes        string
	Register     Facts
	Entered      Entered
	Created      time.Time
	Updated      time.Time
	SubmittedAt  time.Time
}

// Finding returns the finding for an aspect, or nil.
func (s *Survey) Finding(code string) *Finding {
	for i := range s.Findings {
		if s.Findings[i].ItemCode == code {
			return &s.Findings[i]
		}
	}
	return nil
}

// Facts returns the household facts that apply: the register's, with each
// entered value in its place.
func (s *Survey) Facts() Facts { return s.Entered.Apply(s.Register) }

// Trend is how an aspect changed from one survey to a later one.
type Trend string

const (
	TrendBetter Trend = "better" // the grade improved
	TrendWorse  Trend = "worse"
	TrendSame   Trend = "same"
	TrendNew    Trend = "new"  // surveyed only in the later survey
	TrendGone   Trend = "gone" // surveyed only in the earlier survey
)

// Change is one aspect compared between two surveys; a grade of 0 means
// the aspect was not surveyed.
type Change struct {
	ItemCode             string
	From, To             Grade
	FromQty, ToQty       int64
	FromHazard, ToHazard bool
	Trend                Trend
}

// Compare compares survey a with survey b, aspect by aspect, in Aspects
// order (aspects unknown to Aspects after them, as they first appear): the trend is
// that from a to b, so a should be the earlier survey. Aspects surveyed in
// neither are left out.
func Compare(a, b *Survey) []Change {
	var codes []string
	for _, f := range append(slices.Clone(a.Findings), b.Findings...) {
		if !slices.Contains(codes, f.ItemCode) {
			codes = append(codes, f.ItemCode)
		}
	}
	slices.SortStableFunc(codes, func(x, y string) int { return order(x) - order(y) })
	out := make([]Change, 0, len(codes))
	for _, code := range codes {
		c := Change{ItemCode: code}
		fa, fb := a.Finding(code), b.Finding(code)
		if fa != nil {
			c.From, c.FromQty, c.FromHazard = fa.Grade, fa.Quantity, fa.Hazard
		}
		if fb != nil {
			c.To, c.ToQty, c.ToHazard = fb.Grade, fb.Quantity, fb.Hazard
		}
		switch {
		case fa == nil:
			c.Trend = TrendNew
		case fb == nil:
			c.Trend = TrendGone
		case c.To < c.From:
			c.Trend = TrendBetter
		case c.To > c.From:
			c.Trend = TrendWorse
		default:
			c.Trend = TrendSame
		}
		out = append(out, c)
	}
	return out
}
