package notice

import (
	"testing"
	"time"
)

func day(t *testing.T, s string) time.Time {
	t.Helper()
	d, ok := ParseDay(s)
	if !ok {
		t.Fatalf("bad date %s", s)
	}
	return d
}

func TestCalendar(t *testing.T) {
	c := National2026
	for _, tc := range []struct {
		date    string
		working bool
	}{
		{"2026-01-01", false}, // 元旦
		{"2026-01-04", true},  // Sunday, adjusted working day
		{"2026-01-05", true},  // Monday
		{"2026-01-10", false}, // Saturday
		{"2026-02-14", true},  // Saturday, adjusted
		{"2026-02-23", false}, // Monday, 春节
		{"2026-10-10", true},  // Saturday, adjusted
		{"2026-10-07", false}, // Wednesday, 国庆
	} {
		if got := c.Working(day(t, tc.date)); got != tc.working {
			t.Errorf("Working(%s) = %v, want %v", tc.date, got, tc.working)
		}
	}
	for _, tc := range []struct {
		name        string
		first, last string
		unit        Unit
		want        int
	}{
		{"one day", "2026-03-02", "2026-03-02", Days, 1},
		{"a week", "2026-03-02", "2026-03-08", Days, 7},
		{"a week of working days", "2026-03-02", "2026-03-08", WorkingDays, 5},
		{"over 劳动节 with the Saturday worked", "2026-04-30", "2026-05-11", WorkingDays, 6}, // 4/30, 5/6, 5/7, 5/8, 5/9 (Sat), 5/11
		{"ends before it starts", "2026-03-02", "2026-03-01", Days, 0},
	} {
		if got := c.Length(day(t, tc.first), day(t, tc.last), tc.unit); got != tc.want {
			t.Errorf("%s: Length = %d, want %d", tc.name, got, tc.want)
		}
	}
	for _, tc := range []struct {
		name  string
		first string
		min   int
		unit  Unit
		want  string
	}{
		{"no minimum", "2026-03-02", 0, Days, "2026-03-02"},
		{"7 days", "2026-03-02", 7, Days, "2026-03-08"},
		{"5 working days from a Monday", "2026-03-02", 5, WorkingDays, "2026-03-06"},
		{"5 working days from a Friday", "2026-03-06", 5, WorkingDays, "2026-03-12"},
		{"5 working days over 国庆", "2026-09-30", 5, WorkingDays, "2026-10-12"}, // 9/30, 10/8, 10/9, 10/10 (Sat), 10/12
		{"starting on a holiday", "2026-01-01", 1, WorkingDays, "2026-01-04"},
	} {
		got := c.EarliestEnd(day(t, tc.first), tc.min, tc.unit)
		if got.Format(time.DateOnly) != tc.want {
			t.Errorf("%s: EarliestEnd = %s, want %s", tc.name, got.Format(time.DateOnly), tc.want)
		}
		if tc.min > 0 && c.Length(day(t, tc.first), got, tc.unit) != tc.min {
			t.Errorf("%s: the earliest end does not give the minimum", tc.name)
		}
	}
	// An empty calendar has weekends only.
	if !(Calendar{}).Working(day(t, "2026-01-01")) || (Calendar{}).Working(day(t, "2026-01-04")) {
		t.Error("empty calendar")
	}
}

func TestRulesFromSettings(t *testing.T) {
	r, err := RulesFrom(DefaultRules().Settings())
	if err != nil || r.Min(TypePlan) != (Minimum{5, WorkingDays}) || len(r.Calendar.Holidays) != len(National2026.Holidays) {
		t.Fatalf("round trip: %+v %v", r, err)
	}
	r, err = RulesFrom(map[string]string{SettingMinPrefix + "works": "7 working_days", SettingHolidays: "2026-03-03, 2026-03-02", SettingWorkdays: ""})
	if err != nil || r.Min(TypeWorks) != (Minimum{7, WorkingDays}) || len(r.Calendar.Holidays) != 2 || r.Calendar.Holidays[0] != "2026-03-02" || len(r.Calendar.Workdays) != 0 {
		t.Fatalf("set: %+v %v", r, err)
	}
	for name, v := range map[string]string{SettingMinPrefix + "plan": "5 weeks", SettingMinPrefix + "vote": "91 days", SettingHolidays: "2026-13-01"} {
		if _, err := RulesFrom(map[string]string{name: v}); err == nil {
			t.Errorf("%s=%q accepted", name, v)
		}
	}
	if _, err := RulesFrom(map[string]string{SettingHolidays: "2026-03-07", SettingWorkdays: "2026-03-07"}); err == nil {
		t.Error("a date both off and working accepted")
	}
}
