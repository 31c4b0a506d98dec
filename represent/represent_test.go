package represent

import (
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/notice"
)

func d(s string) time.Time {
	t, ok := notice.ParseDay(s)
	if !ok {
		panic(s)
	}
	return t
}

func TestOverlapBoundaries(t *testing.T) {
	base := &Seat{ID: 1, EstateID: 7, Role: RoleCommitteeChair, PersonName: "甲", TermStart: d("2026-01-01"), TermEnd: d("2026-12-31")}
	for _, c := range []struct {
		name       string
		seat       Seat
		conflict   bool
		endedEarly string
	}{
		{"the day after the end", Seat{Role: RoleCommitteeChair, TermStart: d("2027-01-01"), TermEnd: d("2029-12-31")}, false, ""},
		{"on the last day", Seat{Role: RoleCommitteeChair, TermStart: d("2026-12-31"), TermEnd: d("2029-12-31")}, true, ""},
		{"ending the day before the start", Seat{Role: RoleCommitteeChair, TermStart: d("2025-01-01"), TermEnd: d("2025-12-31")}, false, ""},
		{"ending on the first day", Seat{Role: RoleCommitteeChair, TermStart: d("2025-01-01"), TermEnd: d("2026-01-01")}, true, ""},
		{"after an early end", Seat{Role: RoleCommitteeChair, TermStart: d("2026-06-01"), TermEnd: d("2029-12-31")}, false, "2026-05-31"},
		{"on the day of an early end", Seat{Role: RoleCommitteeChair, TermStart: d("2026-05-31"), TermEnd: d("2029-12-31")}, true, "2026-05-31"},
		{"another office", Seat{Role: RoleCommitteeMember, TermStart: d("2026-01-01"), TermEnd: d("2026-12-31")}, false, ""},
		{"a representative", Seat{Role: RoleRepresentative, TermStart: d("2026-01-01"), TermEnd: d("2026-12-31")}, false, ""},
		{"another building's leader", Seat{Role: RoleBuildingLeader, BuildingID: 2, TermStart: d("2026-01-01"), TermEnd: d("2026-12-31")}, false, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			other := *base
			if c.endedEarly != "" {
				other.Ended = d(c.endedEarly)
			}
			s := c.seat
			s.EstateID = 7
			err := CheckOverlap(&s, []*Seat{&other})
			if (err != nil) != c.conflict {
				t.Fatalf("CheckOverlap = %v, want conflict %v", err, c.conflict)
			}
		})
	}
	leader := &Seat{ID: 3, EstateID: 7, BuildingID: 1, Role: RoleBuildingLeader, TermStart: d("2026-01-01"), TermEnd: d("2026-12-31")}
	if CheckOverlap(&Seat{EstateID: 7, BuildingID: 1, Role: RoleBuildingLeader, TermStart: d("2026-03-01"), TermEnd: d("2026-04-01")},
		[]*Seat{leader}) == nil {
		t.Fatal("two leaders of one building")
	}
}

func TestActiveOnIsByShanghaiDate(t *testing.T) {
	s := &Seat{TermStart: d("2026-01-01"), TermEnd: d("2026-12-31")}
	// 2026-12-31 23:30 in Shanghai is 15:30 UTC; 2027-01-01 00:30 there is 16:30 UTC the day before.
	if !s.ActiveOn(time.Date(2026, 12, 31, 15, 30, 0, 0, time.UTC)) || s.ActiveOn(time.Date(2026, 12, 31, 16, 30, 0, 0, time.UTC)) {
		t.Fatal("last day not by the Shanghai calendar")
	}
	if s.ActiveOn(time.Date(2025, 12, 31, 15, 59, 0, 0, time.UTC)) || !s.ActiveOn(time.Date(2025, 12, 31, 16, 0, 0, 0, time.UTC)) {
		t.Fatal("first day not by the Shanghai calendar")
	}
}

func TestChecksNameFields(t *testing.T) {
	s := &Seat{Role: RoleBuildingLeader, How: "voted", TermStart: d("2026-02-01"), TermEnd: d("2026-01-01"), OwnerID: 1, ResidentID: 2}
	got := map[string]bool{}
	for _, f := range huanxin.ErrorFields(s.Check()) {
		got[f.Field] = true
	}
	for _, f := range []string{"building_id", "person_name", "how", "term_end", "resident_id"} {
		if !got[f] {
			t.Errorf("no problem with %s: %v", f, got)
		}
	}
	m := &Meeting{Kind: "party", Agenda: []string{"  "}, Attendance: Attendance{Others: -1}}
	got = map[string]bool{}
	for _, f := range huanxin.ErrorFields(m.Check()) {
		got[f.Field] = true
	}
	for _, f := range []string{"kind", "title", "at", "place", "others"} {
		if !got[f] {
			t.Errorf("no problem with meeting %s: %v", f, got)
		}
	}
	if len(m.Agenda) != 0 {
		t.Errorf("blank agenda item kept: %q", m.Agenda)
	}
	a := &Action{Status: ActionOpen, Due: d("2026-05-03")}
	if a.Overdue(time.Date(2026, 5, 3, 15, 59, 0, 0, time.UTC)) || !a.Overdue(time.Date(2026, 5, 3, 16, 0, 0, 0, time.UTC)) {
		t.Error("overdue not from the day after the due date (Shanghai)")
	}
}
