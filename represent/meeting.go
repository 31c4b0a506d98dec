package represent

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/notice"
)

// Kind is the sort of meeting.
type Kind string

const (
	KindCouncil      Kind = "council"       // 议事会
	KindOpenAir      Kind = "open_air"      // 坝坝会（院坝会）
	KindAssemblyPrep Kind = "assembly_prep" // 业主大会筹备会
	KindOther        Kind = "other"         // 其他
)

// Kinds lists the sorts of meeting.
var Kinds = []Kind{KindCouncil, KindOpenAir, KindAssemblyPrep, KindOther}

// Attendance is who came: the seats present, residents and officers by
// name, and a count of other people (a 坝坝会 in a courtyard is rarely
// listed name by name).
type Attendance struct {
	SeatIDs   []int64
	Residents []string
	Officers  []string // officers or units present, e.g. "社区 王主任", "施工单位"
	Others    int
}

// Count is the number of people present.
func (a Attendance) Count() int {
	return len(a.SeatIDs) + len(a.Residents) + len(a.Officers) + a.Others
}

// Meeting is a meeting about an estate. At is stored UTC and shown in
// Asia/Shanghai.
type Meeting struct {
	ID           int64
	CityID       int64
	EstateID     int64
	Kind         Kind
	Title        string
	Agenda       []string
	At           time.Time
	Place        string
	Attendance   Attendance
	Minutes      string
	PhotoFileIDs []int64
	Actions      []Action // in the order they were added
	CreatedBy    int64
	UpdatedBy    int64 // who last changed it: an officer or a representative
	Created      time.Time
	Updated      time.Time
}

// ActionStatus is where a follow-up action stands.
type ActionStatus string

const (
	ActionOpen ActionStatus = "open" // 待办
	ActionDone ActionStatus = "done" // 已完成
)

// Action is a decision or follow-up of a meeting, owned by a person or a
// unit, due on a date (Asia/Shanghai), open until it is completed.
type Action struct {
	ID        int64
	CityID    int64
	MeetingID int64
	EstateID  int64
	What      string
	Owner     string
	// OwnerSeatID is the seat the action is assigned to, if its owner is
	// a representative: the holder may mark it done.
	OwnerSeatID int64
	Due         time.Time
	Status      ActionStatus
	DoneAt      time.Time
	DoneBy      int64
	Note        string
	CreatedBy   int64
	Created     time.Time
}

// Overdue reports whether an open action's due date has passed on the
// civil date of now.
func (a *Action) Overdue(now time.Time) bool {
	return a.Status == ActionOpen && notice.Day(a.Due).Before(notice.Day(now))
}

// Limits of a meeting's texts.
const (
	MaxAgenda  = 30
	MaxMinutes = 20000
	MaxText    = 500
	MaxPhotos  = 30
	MaxPeople  = 500
)

func tooLong(s string, max int) bool { return utf8.RuneCountInString(s) > max }

// trimAll trims every entry and drops empty ones.
func trimAll(list []string) []string {
	out := list[:0:0]
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Check validates what an officer writes of a meeting: kind, title, time,
// place, agenda, attendance and minutes. Photos and actions are checked
// where they are added.
func (m *Meeting) Check() error {
	m.Title, m.Place, m.Minutes = strings.TrimSpace(m.Title), strings.TrimSpace(m.Place), strings.TrimSpace(m.Minutes)
	m.Agenda = trimAll(m.Agenda)
	m.At = m.At.UTC().Truncate(time.Microsecond)
	m.Attendance.Residents, m.Attendance.Officers = trimAll(m.Attendance.Residents), trimAll(m.Attendance.Officers)
	var bad []huanxin.FieldError
	if !slices.Contains(Kinds, m.Kind) {
		bad = append(bad, field("kind", "取值无效 invalid value"))
	}
	if m.Title == "" {
		bad = append(bad, field("title", "必填 required"))
	} else if tooLong(m.Title, MaxName*2) {
		bad = append(bad, field("title", "过长 too long (max 200)"))
	}
	if m.At.IsZero() {
		bad = append(bad, field("at", "必填 required"))
	}
	if m.Place == "" {
		bad = append(bad, field("place", "必填 required"))
	} else if tooLong(m.Place, MaxName*2) {
		bad = append(bad, field("place", "过长 too long (max 200)"))
	}
	if len(m.Agenda) > MaxAgenda {
		bad = append(bad, field("agenda", "议题过多 too many items (max 30)"))
	}
	for _, a := range m.Agenda {
		if tooLong(a, MaxText) {
			bad = append(bad, field("agenda", "议题过长 an item is too long (max 500)"))
			break
		}
	}
	at := m.Attendance
	if at.Others < 0 {
		bad = append(bad, field("others", "不能为负数 must not be negative"))
	}
	if len(at.SeatIDs)+len(at.Residents)+len(at.Officers) > MaxPeople || at.Others > 100000 {
		bad = append(bad, field("attendance", "人数过多 too many people"))
	}
	for _, n := range append(slices.Clone(at.Residents), at.Officers...) {
		if tooLong(n, MaxName) {
			bad = append(bad, field("attendance", "姓名过长 a name is too long (max 100)"))
			break
		}
	}
	if tooLong(m.Minutes, MaxMinutes) {
		bad = append(bad, field("minutes", "过长 too long (max 20000)"))
	}
	if len(bad) > 0 {
		return invalid(bad...)
	}
	return nil
}

// Check validates a new follow-up action.
func (a *Action) Check() error {
	a.What, a.Owner, a.Note = strings.TrimSpace(a.What), strings.TrimSpace(a.Owner), strings.TrimSpace(a.Note)
	var bad []huanxin.FieldError
	if a.What == "" {
		bad = append(bad, field("what", "必填 required"))
	} else if tooLong(a.What, MaxText) {
		bad = append(bad, field("what", "过长 too long (max 500)"))
	}
	if a.Owner == "" {
		bad = append(bad, field("owner", "必填 required"))
	} else if tooLong(a.Owner, MaxName) {
		bad = append(bad, field("owner", "过长 too long (max 100)"))
	}
	if a.Due.IsZero() {
		bad = append(bad, field("due", "必填 required"))
	}
	if tooLong(a.Note, MaxText) {
		bad = append(bad, field("note", "过长 too long (max 500)"))
	}
	if len(bad) > 0 {
		return invalid(bad...)
	}
	return nil
}
