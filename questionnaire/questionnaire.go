// Package questionnaire builds questionnaires (single and multiple choice,
// rating, ranking, free text, matrix), takes one response per household
// or per resident — online from residents or entered from paper by
// officers — and counts the results by households and by floor area, per
// building and overall. The residents' needs questionnaire of the
// renovation planning (问需于民) is one built from the catalogue
// (NeedsFromCatalogue).
package questionnaire

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
)

// Status is the stage of a questionnaire: draft (editable) → open
// (answers accepted) → closed.
type Status string

const (
	StatusDraft  Status = "draft"  // 草稿
	StatusOpen   Status = "open"   // 收集中
	StatusClosed Status = "closed" // 已结束
)

// Statuses lists the stages in order.
var Statuses = []Status{StatusDraft, StatusOpen, StatusClosed}

// Per says whose answer counts once: each household (exclusive part) or
// each resident.
type Per string

const (
	PerHousehold Per = "household" // 每户一份
	PerResident  Per = "resident"  // 每人一份
)

// Pers lists the choices of Per.
var Pers = []Per{PerHousehold, PerResident}

// Kind is the kind of a question.
type Kind string

const (
	KindSingle   Kind = "single"   // 单选
	KindMultiple Kind = "multiple" // 多选
	KindRating   Kind = "rating"   // 评分（1–5 或 1–10）
	KindRanking  Kind = "ranking"  // 排序（选出前 N 项并排序）
	KindText     Kind = "text"     // 文字
	KindMatrix   Kind = "matrix"   // 矩阵（每行单选）
)

// Kinds lists the kinds of question in the builder's order.
var Kinds = []Kind{KindSingle, KindMultiple, KindRating, KindRanking, KindText, KindMatrix}

// Channel is how a response arrived.
type Channel string

const (
	ChannelOnline Channel = "online" // 线上填写
	ChannelPaper  Channel = "paper"  // 纸质问卷，工作人员录入
)

// Limits of a questionnaire's definition and of answers.
const (
	MaxQuestions  = 100
	MaxOptions    = 60
	MaxTitle      = 200
	MaxIntro      = 5000
	MaxText       = 2000 // characters of a free-text answer
	DefaultTopN   = 5    // a ranking's default number of places
	DefaultRating = 5
)

// Question is one question. Options are the choices (for a matrix, its
// columns); Codes optionally name them (catalogue item codes of a needs
// questionnaire), in the same order. Rows are a matrix's rows. MaxPicks
// caps a multiple choice (0: any number) and is the number of places of a
// ranking. Scale is a rating's highest mark, 5 or 10.
type Question struct {
	ID       int      `json:"id"` // 1-based, stable within the questionnaire
	Kind     Kind     `json:"kind"`
	Title    string   `json:"title"`
	Required bool     `json:"required"`
	Options  []string `json:"options,omitempty"`
	Codes    []string `json:"codes,omitempty"`
	Rows     []string `json:"rows,omitempty"`
	MaxPicks int      `json:"max_picks,omitempty"`
	Scale    int      `json:"scale,omitempty"`
}

// Places is the number of places of a ranking question.
func (q *Question) Places() int {
	if q.MaxPicks > 0 && q.MaxPicks < len(q.Options) {
		return q.MaxPicks
	}
	return len(q.Options)
}

// Questionnaire is a questionnaire of one estate. An anonymous one keeps
// no link from a response to its household or person (see Response).
type Questionnaire struct {
	ID        int64
	CityID    int64
	EstateID  int64
	Title     string
	Intro     string
	Status    Status
	Anonymous bool
	Per       Per
	OpensAt   time.Time // zero: when opened
	ClosesAt  time.Time // zero: when closed
	Questions []Question
	CreatedBy int64
	Created   time.Time
	Updated   time.Time
}

// Question returns the question with the ID, or nil.
func (q *Questionnaire) Question(id int) *Question {
	for i := range q.Questions {
		if q.Questions[i].ID == id {
			return &q.Questions[i]
		}
	}
	return nil
}

// Accepting reports whether answers are accepted at t.
func (q *Questionnaire) Accepting(t time.Time) bool {
	return q.Status == StatusOpen && (q.OpensAt.IsZero() || !t.Before(q.OpensAt)) && (q.ClosesAt.IsZero() || t.Before(q.ClosesAt))
}

// Answer is the answer to one question. Picks are option indexes
// (0-based): the one choice of a single choice, the choices of a multiple
// choice, the options of a ranking from first place down, and for a
// matrix the chosen column of each row (-1 for a row left blank). Value
// is a rating's mark; Text a free-text answer.
type Answer struct {
	Picks []int  `json:"picks,omitempty"`
	Value int    `json:"value,omitempty"`
	Text  string `json:"text,omitempty"`
}

// empty reports whether the answer says nothing.
func (a Answer) empty() bool {
	if a.Value != 0 || strings.TrimSpace(a.Text) != "" {
		return false
	}
	for _, p := range a.Picks {
		if p >= 0 {
			return false
		}
	}
	return true
}

// Response is one household's or resident's answers. Respondent is the
// key that allows one response each — "part:<id>", "owner:<id>" or
// "resident:<id>" — and Household the household's key ("part:<id>"). In
// an anonymous questionnaire both are keyed hashes instead (see
// Service.Hash) and PartID, OwnerID, ResidentID and UserID are zero, and
// Submitted is cut to the day: the row says which building the answer
// came from and the household's area (for the results by area), not who
// gave it. EnteredBy is the officer who entered a paper response.
type Response struct {
	ID              int64
	CityID          int64
	QuestionnaireID int64
	Respondent      string
	Household       string
	PartID          int64
	BuildingID      int64
	Area            huanxin.Area
	OwnerID         int64
	ResidentID      int64
	UserID          int64
	Channel         Channel
	EnteredBy       int64
	Answers         map[int]Answer
	Submitted       time.Time
}

// fieldOf names a question in field errors: "answers.<id>".
func fieldOf(id int) string { return "answers." + strconv.Itoa(id) }

// Check validates answers against the questions and returns them cleaned
// (free text trimmed, empty answers dropped), or field errors naming each
// question: "answers.<id>" with the question's number and title in the
// message.
func (q *Questionnaire) Check(answers map[int]Answer) (map[int]Answer, []huanxin.FieldError) {
	var bad []huanxin.FieldError
	out := map[int]Answer{}
	for id := range answers {
		if q.Question(id) == nil {
			bad = append(bad, huanxin.FieldError{Field: fieldOf(id), Message: "没有这道题 no such question"})
		}
	}
	for i := range q.Questions {
		qu := &q.Questions[i]
		a, ok := answers[qu.ID]
		a.Text = strings.TrimSpace(a.Text)
		if !ok || a.empty() {
			if qu.Required {
				bad = append(bad, huanxin.FieldError{Field: fieldOf(qu.ID),
					Message: fmt.Sprintf("第%d题「%s」必答 question %d is required", i+1, qu.Title, i+1)})
			}
			continue
		}
		if msg := qu.check(&a); msg != "" {
			bad = append(bad, huanxin.FieldError{Field: fieldOf(qu.ID), Message: fmt.Sprintf("第%d题「%s」：%s", i+1, qu.Title, msg)})
			continue
		}
		out[qu.ID] = a
	}
	slices.SortFunc(bad, func(x, y huanxin.FieldError) int { return strings.Compare(x.Field, y.Field) })
	return out, bad
}

// check validates a non-empty answer to one question, normalising it.
func (qu *Question) check(a *Answer) string {
	n := len(qu.Options)
	inRange := func(p int) bool { return p >= 0 && p < n }
	distinct := func(ps []int) bool {
		s := slices.Clone(ps)
		slices.Sort(s)
		return len(slices.Compact(s)) == len(ps)
	}
	if qu.Kind != KindText && a.Text != "" {
		return "此题不填文字 this question takes no text"
	}
	if qu.Kind != KindRating && a.Value != 0 {
		return "此题不打分 this question takes no mark"
	}
	switch qu.Kind {
	case KindSingle:
		if len(a.Picks) != 1 || !inRange(a.Picks[0]) {
			return "请选择一项 choose one option"
		}
	case KindMultiple:
		for _, p := range a.Picks {
			if !inRange(p) {
				return "选项无效 invalid option"
			}
		}
		if !distinct(a.Picks) {
			return "选项重复 an option is chosen twice"
		}
		if qu.MaxPicks > 0 && len(a.Picks) > qu.MaxPicks {
			return fmt.Sprintf("最多选 %d 项 choose at most %d", qu.MaxPicks, qu.MaxPicks)
		}
		slices.Sort(a.Picks)
	case KindRanking:
		for _, p := range a.Picks {
			if !inRange(p) {
				return "选项无效 invalid option"
			}
		}
		if !distinct(a.Picks) {
			return "同一项不能排两个名次 an option is ranked twice"
		}
		if len(a.Picks) > qu.Places() {
			return fmt.Sprintf("最多排 %d 项 rank at most %d", qu.Places(), qu.Places())
		}
	case KindRating:
		if len(a.Picks) > 0 || a.Value < 1 || a.Value > qu.Scale {
			return fmt.Sprintf("请打 1–%d 分 give a mark from 1 to %d", qu.Scale, qu.Scale)
		}
	case KindText:
		if len(a.Picks) > 0 {
			return "此题只填文字 this question takes text only"
		}
		if utf8.RuneCountInString(a.Text) > MaxText {
			return fmt.Sprintf("不超过 %d 字 at most %d characters", MaxText, MaxText)
		}
	case KindMatrix:
		if len(a.Picks) != len(qu.Rows) {
			return "每行选一项 choose one per row"
		}
		for r, p := range a.Picks {
			if p != -1 && !inRange(p) {
				return "选项无效 invalid option"
			}
			if p == -1 && qu.Required {
				return fmt.Sprintf("「%s」一行未选 row %q is not answered", qu.Rows[r], qu.Rows[r])
			}
		}
	}
	return ""
}

// Validate checks and normalises a questionnaire's definition: title,
// intro, how it counts, dates and every question, numbering the
// questions that have no ID yet after the highest one.
func (q *Questionnaire) Validate() error {
	var bad []huanxin.FieldError
	fail := func(field, msg string) { bad = append(bad, huanxin.FieldError{Field: field, Message: msg}) }
	q.Title, q.Intro = strings.TrimSpace(q.Title), strings.TrimSpace(q.Intro)
	if q.Title == "" {
		fail("title", "必填 required")
	} else if utf8.RuneCountInString(q.Title) > MaxTitle {
		fail("title", fmt.Sprintf("过长 too long (max %d)", MaxTitle))
	}
	if utf8.RuneCountInString(q.Intro) > MaxIntro {
		fail("intro", fmt.Sprintf("过长 too long (max %d)", MaxIntro))
	}
	if q.Per == "" {
		q.Per = PerHousehold
	}
	if !slices.Contains(Pers, q.Per) {
		fail("per", "取值无效 invalid value "+string(q.Per))
	}
	if !q.OpensAt.IsZero() && !q.ClosesAt.IsZero() && !q.ClosesAt.After(q.OpensAt) {
		fail("closes_at", "结束时间须晚于开始时间 must be after the opening time")
	}
	if len(q.Questions) == 0 {
		fail("questions", "至少一道题 at least one question")
	} else if len(q.Questions) > MaxQuestions {
		fail("questions", fmt.Sprintf("最多 %d 道题 at most %d questions", MaxQuestions, MaxQuestions))
	}
	next := 0
	for _, qu := range q.Questions {
		next = max(next, qu.ID)
	}
	seen := map[int]bool{}
	for i := range q.Questions {
		qu := &q.Questions[i]
		if qu.ID <= 0 || seen[qu.ID] {
			next++
			qu.ID = next
		}
		seen[qu.ID] = true
		for _, f := range qu.validate() {
			fail("questions."+strconv.Itoa(i)+"."+f.Field, f.Message)
		}
	}
	if len(bad) > 0 {
		return huanxin.Invalid("输入有误 invalid input", bad...)
	}
	return nil
}

// validate checks one question's definition.
func (qu *Question) validate() []huanxin.FieldError {
	var bad []huanxin.FieldError
	fail := func(field, msg string) { bad = append(bad, huanxin.FieldError{Field: field, Message: msg}) }
	qu.Title = strings.TrimSpace(qu.Title)
	if qu.Title == "" {
		fail("title", "必填 required")
	} else if utf8.RuneCountInString(qu.Title) > MaxTitle {
		fail("title", fmt.Sprintf("过长 too long (max %d)", MaxTitle))
	}
	clean := func(field string, list []string) []string {
		var out []string
		seen := map[string]bool{}
		for _, s := range list {
			if s = strings.TrimSpace(s); s == "" {
				continue
			}
			if seen[s] {
				fail(field, "重复："+s+" listed twice: "+s)
			}
			if utf8.RuneCountInString(s) > MaxTitle {
				fail(field, fmt.Sprintf("过长 too long (max %d)", MaxTitle))
			}
			seen[s] = true
			out = append(out, s)
		}
		if len(out) > MaxOptions {
			fail(field, fmt.Sprintf("最多 %d 项 at most %d", MaxOptions, MaxOptions))
		}
		return out
	}
	if len(qu.Codes) > 0 && len(qu.Codes) != len(qu.Options) {
		fail("codes", "编码应与选项一一对应 one code per option")
	}
	qu.Options, qu.Rows = clean("options", qu.Options), clean("rows", qu.Rows)
	need := func(field string, list []string, n int) {
		if len(list) < n {
			fail(field, fmt.Sprintf("至少 %d 项 at least %d", n, n))
		}
	}
	none := func(field string, list []string) {
		if len(list) > 0 {
			fail(field, "此类题不设 not used by this kind of question")
		}
	}
	switch qu.Kind {
	case KindSingle, KindMultiple, KindRanking:
		need("options", qu.Options, 2)
		none("rows", qu.Rows)
	case KindMatrix:
		need("options", qu.Options, 2)
		need("rows", qu.Rows, 1)
	case KindRating, KindText:
		none("options", qu.Options)
		none("rows", qu.Rows)
	default:
		fail("kind", "题型无效 invalid kind "+string(qu.Kind))
	}
	switch qu.Kind {
	case KindMultiple:
		if qu.MaxPicks < 0 || qu.MaxPicks > len(qu.Options) {
			fail("max_picks", "应为 0（不限）到选项数 must be 0 (any) to the number of options")
		}
	case KindRanking:
		if qu.MaxPicks == 0 {
			qu.MaxPicks = min(DefaultTopN, len(qu.Options))
		}
		if qu.MaxPicks < 1 || qu.MaxPicks > len(qu.Options) {
			fail("max_picks", "应为 1 到选项数 must be 1 to the number of options")
		}
	default:
		if qu.MaxPicks != 0 {
			fail("max_picks", "此类题不设 not used by this kind of question")
		}
	}
	if qu.Kind == KindRating {
		if qu.Scale == 0 {
			qu.Scale = DefaultRating
		}
		if qu.Scale != 5 && qu.Scale != 10 {
			fail("scale", "应为 5 或 10 must be 5 or 10")
		}
	} else if qu.Scale != 0 {
		fail("scale", "此类题不设 not used by this kind of question")
	}
	return bad
}
