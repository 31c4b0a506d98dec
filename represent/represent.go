// Package represent keeps the residents' own representatives of an estate
// — resident representatives (居民代表), building leaders (楼栋长), owners'
// committee members and chairs (业委会委员、主任) with their terms — and the
// meetings they hold with residents and officers (议事会, 坝坝会), with
// attendance, minutes, photos and follow-up actions tracked to completion.
//
// A seat is what gives a resident account a say elsewhere: other services
// ask Service.HasSeat (review rights on plans, supervision during works, a
// say in upkeep) instead of a role of its own, so an account stays a
// resident and gains rights only while a term runs.
package represent

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/notice"
)

// Role is the office a seat holds.
type Role string

const (
	RoleRepresentative  Role = "resident_representative" // 居民代表
	RoleBuildingLeader  Role = "building_leader"         // 楼栋长
	RoleCommitteeMember Role = "committee_member"        // 业委会委员
	RoleCommitteeChair  Role = "committee_chair"         // 业委会主任
)

// Roles lists the offices in display order.
var Roles = []Role{RoleCommitteeChair, RoleCommitteeMember, RoleRepresentative, RoleBuildingLeader}

// Valid reports whether r is a known office.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Unique reports whether only one person may hold the office at a time:
// the committee's chair in an estate, the leader of a building.
func (r Role) Unique() bool { return r == RoleCommitteeChair || r == RoleBuildingLeader }

// How says how a seat was filled.
type How string

const (
	HowElected   How = "elected"   // 选举产生
	HowAppointed How = "appointed" // 推选/指定
)

// Hows lists the ways a seat is filled.
var Hows = []How{HowElected, HowAppointed}

// Seat is one person's term in an office of an estate. Terms are dates
// (midnight Asia/Shanghai, stored UTC), both included. Ending a term early
// sets Ended and keeps the seat: the list of past holders is history.
type Seat struct {
	ID         int64
	CityID     int64
	EstateID   int64
	BuildingID int64 // a building leader's building; optional for representatives
	Role       Role
	PersonName string
	OwnerID    int64 // the holder's owner record (estate.Owner), if an owner
	ResidentID int64 // or their resident record (estate.Resident)
	UserID     int64 // the holder's account, if they have one
	How        How
	TermStart  time.Time
	TermEnd    time.Time
	Ended      time.Time // the day the term was ended early; zero while it runs to TermEnd
	EndReason  string
	CreatedBy  int64
	Created    time.Time
	Updated    time.Time
}

// Last is the last day of the term: the day it was ended, or its end.
func (s *Seat) Last() time.Time {
	if !s.Ended.IsZero() {
		return s.Ended
	}
	return s.TermEnd
}

// ActiveOn reports whether the term runs on the civil date of t.
func (s *Seat) ActiveOn(t time.Time) bool {
	d := notice.Day(t)
	return !d.Before(notice.Day(s.TermStart)) && !d.After(notice.Day(s.Last()))
}

// SameOffice reports whether two seats are the same unique office: the
// chair of one estate, or the leader of one building.
func (s *Seat) SameOffice(o *Seat) bool {
	return s.Role.Unique() && s.Role == o.Role && s.EstateID == o.EstateID && s.BuildingID == o.BuildingID
}

// Overlaps reports whether the terms of two seats share a day.
func (s *Seat) Overlaps(o *Seat) bool {
	return !notice.Day(s.TermStart).After(notice.Day(o.Last())) && !notice.Day(o.TermStart).After(notice.Day(s.Last()))
}

// MaxName is the longest name, place or title kept, in characters.
const MaxName = 100

func field(name, msg string) huanxin.FieldError { return huanxin.FieldError{Field: name, Message: msg} }

func invalid(fields ...huanxin.FieldError) error {
	return huanxin.Invalid("输入有误 invalid input", fields...)
}

// Check validates a seat on its own: the office, its building, the name,
// how it was filled and the term.
func (s *Seat) Check() error {
	s.PersonName = strings.TrimSpace(s.PersonName)
	var bad []huanxin.FieldError
	if !s.Role.Valid() {
		bad = append(bad, field("role", "取值无效 invalid value"))
	}
	switch {
	case s.Role == RoleBuildingLeader && s.BuildingID == 0:
		bad = append(bad, field("building_id", "楼栋长须指定楼栋 a building leader needs a building"))
	case (s.Role == RoleCommitteeChair || s.Role == RoleCommitteeMember) && s.BuildingID != 0:
		bad = append(bad, field("building_id", "业委会职务属于整个小区 committee offices are for the whole estate"))
	}
	if s.PersonName == "" {
		bad = append(bad, field("person_name", "必填 required"))
	} else if utf8.RuneCountInString(s.PersonName) > MaxName {
		bad = append(bad, field("person_name", "过长 too long (max 100)"))
	}
	if s.OwnerID != 0 && s.ResidentID != 0 {
		bad = append(bad, field("resident_id", "业主与住户只填其一 give the owner or the resident, not both"))
	}
	if !slices.Contains(Hows, s.How) {
		bad = append(bad, field("how", "取值无效 invalid value"))
	}
	if s.TermStart.IsZero() {
		bad = append(bad, field("term_start", "必填 required"))
	}
	if s.TermEnd.IsZero() {
		bad = append(bad, field("term_end", "必填 required"))
	} else if !s.TermStart.IsZero() && notice.Day(s.TermEnd).Before(notice.Day(s.TermStart)) {
		bad = append(bad, field("term_end", "不能早于任期开始 must not be before the start of the term"))
	}
	if len(bad) > 0 {
		return invalid(bad...)
	}
	return nil
}

// CheckOverlap refuses a seat of a unique office whose term shares a day
// with another holder's term of the same office (ended terms count up to
// the day they were ended).
func CheckOverlap(s *Seat, others []*Seat) error {
	for _, o := range others {
		if o.ID != s.ID && s.SameOffice(o) && s.Overlaps(o) {
			return invalid(field("term_start", "与 "+o.PersonName+" 的任期（"+notice.Day(o.TermStart).Format(time.DateOnly)+
				" 至 "+notice.Day(o.Last()).Format(time.DateOnly)+"）重叠 overlaps the term of "+o.PersonName))
		}
	}
	return nil
}
