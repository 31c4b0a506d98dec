package notice

import (
	"slices"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
)

// Calendar tells working days from days off: Saturdays and Sundays are
// off, except the adjusted working days (调休上班); the listed holidays are
// off whatever the weekday. Dates are civil dates in Asia/Shanghai.
type Calendar struct {
	Holidays []string // YYYY-MM-DD, days off
	Workdays []string // YYYY-MM-DD, weekend days that are working days
}

// National2026 is the State Council's schedule of public holidays and
// adjusted working days for 2026: 国务院办公厅关于2026年部分节假日安排的通知
// (dated 4 November 2025, published by Xinhua, e.g.
// https://politics.gmw.cn/2025-11/04/content_38391083.htm):
// 元旦 1月1日至3日, 1月4日（周日）上班; 春节 2月15日至23日, 2月14日（周六）、
// 2月28日（周六）上班; 清明节 4月4日至6日; 劳动节 5月1日至5日, 5月9日（周六）
// 上班; 端午节 6月19日至21日; 中秋节 9月25日至27日; 国庆节 10月1日至7日,
// 9月20日（周日）、10月10日（周六）上班.
var National2026 = Calendar{
	Holidays: []string{
		"2026-01-01", "2026-01-02", "2026-01-03",
		"2026-02-15", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-21", "2026-02-22", "2026-02-23",
		"2026-04-04", "2026-04-05", "2026-04-06",
		"2026-05-01", "2026-05-02", "2026-05-03", "2026-05-04", "2026-05-05",
		"2026-06-19", "2026-06-20", "2026-06-21",
		"2026-09-25", "2026-09-26", "2026-09-27",
		"2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07",
	},
	Workdays: []string{"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"},
}

// Day returns midnight in Asia/Shanghai of the civil date of t there: the
// form in which notices keep the first and last day of their period.
func Day(t time.Time) time.Time {
	t = t.In(huanxin.Shanghai)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, huanxin.Shanghai)
}

// ParseDay reads a YYYY-MM-DD date as midnight in Asia/Shanghai.
func ParseDay(s string) (time.Time, bool) {
	t, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), huanxin.Shanghai)
	return t, err == nil
}

// Working reports whether the civil date of day is a working day.
func (c Calendar) Working(day time.Time) bool {
	d := Day(day).Format(time.DateOnly)
	if slices.Contains(c.Workdays, d) {
		return true
	}
	if slices.Contains(c.Holidays, d) {
		return false
	}
	wd := Day(day).Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// Unit says how a publicity period is counted.
type Unit string

const (
	Days        Unit = "days"         // calendar days (自然日)
	WorkingDays Unit = "working_days" // working days (工作日)
)

// Valid reports whether u is a known unit.
func (u Unit) Valid() bool { return u == Days || u == WorkingDays }

// Length counts the days of the period from first to last (both included)
// in unit: every day, or only working days. A period whose last day lies
// before its first has length 0.
func (c Calendar) Length(first, last time.Time, unit Unit) int {
	first, last = Day(first), Day(last)
	n := 0
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		if unit == Days || c.Working(d) {
			n++
		}
	}
	return n
}

// EarliestEnd returns the first last day a period starting on first may
// have to last at least min days of unit: with min 0 or 1 in calendar days,
// first itself; in working days, the min-th working day from first on.
func (c Calendar) EarliestEnd(first time.Time, min int, unit Unit) time.Time {
	d := Day(first)
	if min <= 0 {
		return d
	}
	if unit == Days {
		return d.AddDate(0, 0, min-1)
	}
	for n := 0; ; d = d.AddDate(0, 0, 1) {
		if c.Working(d) {
			if n++; n == min {
				return d
			}
		}
	}
}
