// Package request is the channel of residents' questions, suggestions and
// complaints about their estate (诉求): each one is routed by category and
// estate to a responsible unit with a deadline, escalates one level up
// when the deadline passes without an answer, is answered, rated or
// reopened, and may become part of the estate's public FAQ. The pure
// rules (categories, routing levels, the overview's figures) live here;
// the Service enforces who may do what.
package request

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
)

// Kind says what a resident submits.
type Kind string

const (
	KindQuestion   Kind = "question"   // 咨询
	KindSuggestion Kind = "suggestion" // 建议
	KindComplaint  Kind = "complaint"  // 投诉
)

// Kinds lists the kinds in display order.
var Kinds = []Kind{KindQuestion, KindSuggestion, KindComplaint}

// Status is where a request stands. A request is routed when it is
// submitted, so its first stored status is assigned; answered waits for
// the resident, who closes it with a rating or reopens it (reopened waits
// for the unit again, as assigned does).
type Status string

const (
	StatusAssigned Status = "assigned" // 已分派，待答复
	StatusAnswered Status = "answered" // 已答复，待评价
	StatusClosed   Status = "closed"   // 已评价办结
	StatusReopened Status = "reopened" // 重新办理，待答复
)

// Statuses lists the statuses in display order.
var Statuses = []Status{StatusAssigned, StatusAnswered, StatusClosed, StatusReopened}

// Waiting reports whether the status waits for the unit's answer (and so
// can be overdue).
func (s Status) Waiting() bool { return s == StatusAssigned || s == StatusReopened }

// UnitKind is the kind of a responsible unit: a jurisdiction (community,
// street, district housing bureau) or an organisation (contractor,
// property company, utility).
type UnitKind string

const (
	UnitCommunity  UnitKind = "community"  // 社区
	UnitStreet     UnitKind = "street"     // 街道
	UnitDistrict   UnitKind = "district"   // 区住建局
	UnitContractor UnitKind = "contractor" // 施工单位
	UnitProperty   UnitKind = "property"   // 物业服务企业
	UnitUtility    UnitKind = "utility"    // 管线单位
)

// UnitKinds lists the unit kinds in display order.
var UnitKinds = []UnitKind{UnitCommunity, UnitStreet, UnitDistrict, UnitContractor, UnitProperty, UnitUtility}

// OrgKinds are the kinds of unit that are organisations.
var OrgKinds = []UnitKind{UnitContractor, UnitProperty, UnitUtility}

// IsOrg reports whether units of the kind are organisations (rather than
// jurisdictions).
func (k UnitKind) IsOrg() bool { return slices.Contains(OrgKinds, k) }

// Valid reports whether k is a known unit kind.
func (k UnitKind) Valid() bool { return slices.Contains(UnitKinds, k) }

// JurisdictionUnit is the unit kind of a jurisdiction level, "" for
// levels that answer no requests (province, city).
func JurisdictionUnit(l huanxin.Level) UnitKind {
	switch l {
	case huanxin.LevelCommunity:
		return UnitCommunity
	case huanxin.LevelStreet:
		return UnitStreet
	case huanxin.LevelDistrict:
		return UnitDistrict
	}
	return ""
}

// Unit is a responsible unit: a jurisdiction (ID of the jurisdiction) or
// an organisation (ID of the Organisation), with its name as it was when
// the request reached it.
type Unit struct {
	Kind UnitKind
	ID   int64
	Name string
}

// Organisation is a contractor, property company or utility of a city:
// the users who act for it and the estates it is responsible for.
type Organisation struct {
	ID      int64
	CityID  int64
	Kind    UnitKind // contractor, property or utility
	Name    string
	Members []int64 // user IDs
	Estates []int64 // estates it answers for
	// Inactive is when it stopped taking requests (its estates let go);
	// zero while it is active.
	Inactive time.Time
	Created  time.Time
	Updated  time.Time
}

// Escalation is a move of an overdue request one level up.
type Escalation struct {
	From, To Unit
	At       time.Time
	Reason   string
}

// Request is a question, suggestion or complaint about an estate.
type Request struct {
	ID           int64
	CityID       int64
	EstateID     int64
	BuildingID   int64 // 0: the estate as a whole
	Kind         Kind
	Category     string // code of one of the city's categories
	Title        string
	Body         string
	PhotoFileIDs []int64
	Location     string // free text, e.g. "3幢东侧"
	Lat, Lng     *int64 // optional point on the estate sketch, degrees × 10^6
	// AnonymousToResidents hides the submitter's name from other
	// residents (officers always see it).
	AnonymousToResidents bool
	// Public is the submitter's consent that the question and answer may
	// be shown to the estate's residents.
	Public bool
	// FAQ is set when an officer has published it, with the public
	// wording of question and answer.
	FAQ         bool
	FAQQuestion string
	FAQAnswer   string

	Status        Status
	Unit          Unit
	Deadline      time.Time
	SubmittedBy   int64 // user
	SubmitterName string
	OnBehalfOf    int64 // owner, when an officer submitted it for them
	// OwnerID is the owner it is from: the resident's owner record, or
	// OnBehalfOf; an officer assisting that owner acts for them on it.
	OwnerID int64

	Answer          string // the latest answer
	AnsweredBy      int64
	AnsweredUnit    Unit // the unit that gave the latest answer; a reopened request goes back to it
	AnsweredAt      time.Time
	FirstAnsweredAt time.Time
	ClosedAt        time.Time
	Rating          int // 1–5 once closed
	RatingComment   string
	Escalations     []Escalation
	Version         int64 // bumped by every change; writes check it
	Created         time.Time
	Updated         time.Time
}

// Overdue reports whether the request waits for an answer past its
// deadline at now.
func (r *Request) Overdue(now time.Time) bool { return r.Status.Waiting() && now.After(r.Deadline) }

// Action names what an event did.
type Action string

const (
	ActionSubmitted Action = "submitted"
	ActionAssigned  Action = "assigned"
	ActionEscalated Action = "escalated"
	ActionAnswered  Action = "answered"
	ActionClosed    Action = "closed"
	ActionReopened  Action = "reopened"
	ActionPublished Action = "published" // made part of the FAQ
)

// Event is one change in a request's history.
type Event struct {
	ID        int64
	RequestID int64
	At        time.Time
	ActorID   int64
	ActorName string
	Action    Action
	Status    Status // after the change
	Unit      Unit   // responsible after the change
	Note      string // the answer, the reason, the rating comment…
}

// Category is a kind of matter a city's residents raise, with the unit
// kind that answers it by default and the hours it has to answer.
type Category struct {
	Code  string   `json:"code"`
	Label string   `json:"label"`
	Unit  UnitKind `json:"unit"`
	Hours int      `json:"hours"`
	// Inactive categories take no new requests; those filed under them
	// keep their category and its hours.
	Inactive bool `json:"inactive,omitempty"`
}

// SettingCategories is the name of the city setting that holds the
// categories (a JSON array of Category).
const SettingCategories = "request.categories"

// MaxHours is the longest deadline a category may set (90 days).
const MaxHours = 90 * 24

// DefaultCategories are the categories of a city that has set none.
var DefaultCategories = []Category{
	{Code: "water", Label: "供水", Unit: UnitUtility, Hours: 48},
	{Code: "drainage", Label: "排水", Unit: UnitUtility, Hours: 48},
	{Code: "power", Label: "供电", Unit: UnitUtility, Hours: 24},
	{Code: "gas", Label: "燃气", Unit: UnitUtility, Hours: 12},
	{Code: "heating", Label: "供暖", Unit: UnitUtility, Hours: 48},
	{Code: "roads", Label: "道路", Unit: UnitCommunity, Hours: 120},
	{Code: "greening", Label: "绿化", Unit: UnitProperty, Hours: 120},
	{Code: "parking", Label: "停车", Unit: UnitProperty, Hours: 72},
	{Code: "lifts", Label: "电梯", Unit: UnitProperty, Hours: 24},
	{Code: "construction_noise", Label: "施工噪声", Unit: UnitContractor, Hours: 24},
	{Code: "construction_safety", Label: "施工安全", Unit: UnitContractor, Hours: 12},
	{Code: "property_service", Label: "物业服务", Unit: UnitProperty, Hours: 72},
	{Code: "other", Label: "其他", Unit: UnitCommunity, Hours: 120},
}

// CategoriesFrom reads a city's categories from its settings: the
// defaults when none are set; a malformed value is an error naming the
// setting.
func CategoriesFrom(settings map[string]string) ([]Category, error) {
	v, ok := settings[SettingCategories]
	if !ok {
		return slices.Clone(DefaultCategories), nil
	}
	var cs []Category
	if err := json.Unmarshal([]byte(v), &cs); err != nil {
		return slices.Clone(DefaultCategories), huanxin.Invalid("诉求分类设置有误 invalid request categories",
			huanxin.FieldError{Field: SettingCategories, Message: "不是有效的 JSON not valid JSON"})
	}
	if err := CheckCategories(cs); err != nil {
		return slices.Clone(DefaultCategories), err
	}
	return cs, nil
}

// CheckCategories checks a list of categories: at least one in use,
// codes of lower-case letters, digits and "_" given once, a label, a known
// unit kind and 1…MaxHours hours. Fields are named
// "categories.<i>.<member>".
func CheckCategories(cs []Category) error {
	var bad []huanxin.FieldError
	fail := func(i int, member, msg string) {
		bad = append(bad, huanxin.FieldError{Field: "categories." + strconv.Itoa(i) + "." + member, Message: msg})
	}
	if !slices.ContainsFunc(cs, func(c Category) bool { return !c.Inactive }) {
		bad = append(bad, huanxin.FieldError{Field: "categories", Message: "至少一类在用 at least one category in use"})
	}
	seen := map[string]bool{}
	for i, c := range cs {
		switch {
		case c.Code == "" || len(c.Code) > 40 || strings.Trim(c.Code, "abcdefghijklmnopqrstuvwxyz0123456789_") != "":
			fail(i, "code", "应为小写字母、数字或下划线 lower-case letters, digits and _ only")
		case seen[c.Code]:
			fail(i, "code", "重复 given twice")
		}
		seen[c.Code] = true
		if l := utf8.RuneCountInString(strings.TrimSpace(c.Label)); l == 0 || l > 40 {
			fail(i, "label", "必填，最多 40 字 required, at most 40 characters")
		}
		if !c.Unit.Valid() {
			fail(i, "unit", "取值无效 invalid value")
		}
		if c.Hours < 1 || c.Hours > MaxHours {
			fail(i, "hours", "应为 1–2160 小时 must be 1–2160 hours")
		}
	}
	if len(bad) > 0 {
		return huanxin.Invalid("诉求分类设置有误 invalid request categories", bad...)
	}
	return nil
}

// Find returns the category with the code.
func Find(cs []Category, code string) (Category, bool) {
	for _, c := range cs {
		if c.Code == code {
			return c, true
		}
	}
	return Category{}, false
}

// Filter selects requests. Scope is always applied; Mine, Orgs narrow
// further for residents and organisations' staff.
type Filter struct {
	Scope       huanxin.Scope
	ID          *int64
	EstateID    *int64
	Status      []Status
	Category    string
	UnitKind    UnitKind
	UnitID      *int64
	UnitKinds   []UnitKind // the current unit is of one of these kinds
	OverdueAt   *time.Time // waiting for an answer with a deadline before this
	From, To    time.Time  // submitted in [From, To)
	SubmittedBy *int64     // submitted by this user, or (with OnBehalfOf) for this owner
	OnBehalfOf  *int64
	Orgs        []int64 // currently with one of these organisations
	FAQ         *bool
	Offset      int
	Limit       int // default 50, at most 1000
}

// Facts are what the overview needs of one request.
type Facts struct {
	Unit            Unit
	Status          Status
	Created         time.Time
	Deadline        time.Time
	FirstAnsweredAt time.Time
	ClosedAt        time.Time
	Rating          int
}

// UnitFigures are the figures of one unit in the overview. Durations are
// over the requests that reached that point; Median and P90 use the
// nearest-rank method (the smallest value with at least 50 %, resp. 90 %,
// of the values at or below it).
type UnitFigures struct {
	Unit           Unit
	Requests       int
	Answered       int
	Closed         int
	Overdue        int // waiting past the deadline now
	FirstAnswerMed time.Duration
	FirstAnswerP90 time.Duration
	CloseMed       time.Duration
	CloseP90       time.Duration
	Rated          int
	RatingSum      int
	AverageRating  string // RatingSum / Rated with two decimals, rounded half up; "" when none
}

// Percentile returns the nearest-rank p-th percentile (1 ≤ p ≤ 100) of
// ds: the value at rank ⌈p·n/100⌉ of the sorted values; 0 for no values.
// ds is sorted in place.
func Percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	rank := (p*len(ds) + 99) / 100
	return ds[max(rank, 1)-1]
}

// Average returns sum/n with two decimals, rounded half up, exactly.
func Average(sum, n int) string {
	if n == 0 {
		return ""
	}
	centi := (sum*200 + n) / (2 * n) // round(sum*100/n), half up, for non-negative sums
	return huanxin.FormatCenti(int64(centi))
}

// Overview computes the figures per unit of the facts at now, in the order
// in which the units first appear.
func Overview(facts []Facts, now time.Time) []UnitFigures {
	type key struct {
		k  UnitKind
		id int64
	}
	var out []UnitFigures
	index := map[key]int{}
	first := map[key][]time.Duration{}
	closing := map[key][]time.Duration{}
	for _, f := range facts {
		k := key{f.Unit.Kind, f.Unit.ID}
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, UnitFigures{Unit: f.Unit})
		}
		u := &out[i]
		u.Requests++
		if !f.FirstAnsweredAt.IsZero() {
			u.Answered++
			first[k] = append(first[k], f.FirstAnsweredAt.Sub(f.Created))
		}
		if !f.ClosedAt.IsZero() {
			u.Closed++
			closing[k] = append(closing[k], f.ClosedAt.Sub(f.Created))
		}
		if f.Status.Waiting() && now.After(f.Deadline) {
			u.Overdue++
		}
		if f.Rating > 0 {
			u.Rated++
			u.RatingSum += f.Rating
		}
	}
	for k, i := range index {
		u := &out[i]
		u.FirstAnswerMed, u.FirstAnswerP90 = Percentile(first[k], 50), Percentile(first[k], 90)
		u.CloseMed, u.CloseP90 = Percentile(closing[k], 50), Percentile(closing[k], 90)
		u.AverageRating = Average(u.RatingSum, u.Rated)
	}
	return out
}
