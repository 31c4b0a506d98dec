package notice

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
)

// Minimum is the shortest publicity period of a type of notice.
type Minimum struct {
	Length int
	Unit   Unit
}

// Rules are what a city sets for its notices: the shortest publicity
// period of each type and the working-day calendar.
type Rules struct {
	Minimums map[Type]Minimum
	Calendar Calendar
}

// DefaultRules are the rules of a city that has set none: a renovation
// plan is shown for at least 5 working days, a vote is announced at least
// 15 days ahead (the notice owners' assemblies require), works are
// announced 3 days ahead, a general notice has no minimum; the calendar is
// the national schedule of 2026.
func DefaultRules() Rules {
	return Rules{
		Minimums: map[Type]Minimum{
			TypePlan:    {5, WorkingDays},
			TypeVote:    {15, Days},
			TypeWorks:   {3, Days},
			TypeGeneral: {0, Days},
		},
		Calendar: Calendar{Holidays: slices.Clone(National2026.Holidays), Workdays: slices.Clone(National2026.Workdays)},
	}
}

// Names of the settings in a city's settings: notice.min.<type> holds
// "<n> days" or "<n> working_days"; notice.holidays and notice.workdays
// hold comma-separated YYYY-MM-DD dates.
const (
	SettingMinPrefix = "notice.min."
	SettingHolidays  = "notice.holidays"
	SettingWorkdays  = "notice.workdays"
)

// Min returns the minimum of a type (none for an unknown type).
func (r Rules) Min(t Type) Minimum { return r.Minimums[t] }

// Settings returns the rules as named setting values.
func (r Rules) Settings() map[string]string {
	out := map[string]string{
		SettingHolidays: strings.Join(r.Calendar.Holidays, ","),
		SettingWorkdays: strings.Join(r.Calendar.Workdays, ","),
	}
	for _, t := range Types {
		m := r.Minimums[t]
		out[SettingMinPrefix+string(t)] = strconv.Itoa(m.Length) + " " + string(cmp.Or(m.Unit, Days))
	}
	return out
}

// RulesFrom reads rules from named setting values, starting from the
// defaults; each malformed value is an error naming its setting.
func RulesFrom(settings map[string]string) (Rules, error) {
	r := DefaultRules()
	var bad []huanxin.FieldError
	for _, t := range Types {
		name := SettingMinPrefix + string(t)
		v, ok := settings[name]
		if !ok {
			continue
		}
		n, u, _ := strings.Cut(strings.TrimSpace(v), " ")
		length, err := strconv.Atoi(n)
		if err != nil || length < 0 || length > 90 || !Unit(u).Valid() {
			bad = append(bad, huanxin.FieldError{Field: name, Message: "应为 0–90 天或工作日 must be 0–90 days or working days"})
			continue
		}
		r.Minimums[t] = Minimum{length, Unit(u)}
	}
	dates := func(name string, dst *[]string) {
		v, ok := settings[name]
		if !ok {
			return
		}
		list, err := ParseDates(v)
		if err != nil {
			bad = append(bad, huanxin.FieldError{Field: name, Message: err.Error()})
			return
		}
		*dst = list
	}
	dates(SettingHolidays, &r.Calendar.Holidays)
	dates(SettingWorkdays, &r.Calendar.Workdays)
	for _, d := range r.Calendar.Workdays {
		if slices.Contains(r.Calendar.Holidays, d) {
			bad = append(bad, huanxin.FieldError{Field: SettingWorkdays, Message: d + " 同时列为假日和调休上班日 listed both as a holiday and as a working day"})
		}
	}
	if len(bad) > 0 {
		return DefaultRules(), huanxin.Invalid("公告规则设置有误 invalid notice rules", bad...)
	}
	return r, nil
}

// ParseDates reads YYYY-MM-DD dates separated by commas, spaces or line
// breaks, and returns them sorted without repeats.
func ParseDates(s string) ([]string, error) {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '\n' || r == '\r' || r == '\t' }) {
		d, err := time.Parse(time.DateOnly, f)
		if err != nil {
			return nil, huanxin.Errorf(huanxin.EINVALID, "日期 %q 应为 YYYY-MM-DD a date must be YYYY-MM-DD", f)
		}
		out = append(out, d.Format(time.DateOnly))
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// Rules returns the notice rules of a city.
func (s *Service) Rules(ctx context.Context, cityID int64) (Rules, error) {
	set, err := s.Store.CitySettings(ctx, cityID)
	if err != nil {
		return DefaultRules(), err
	}
	return RulesFrom(set)
}

// SetRules changes the notice rules of a city; only an administrator or a
// housing bureau whose jurisdiction covers the whole city may. Published
// notices keep the period they were published with.
func (s *Service) SetRules(ctx context.Context, cityID int64, r Rules) error {
	a, err := s.Register.CityWide(ctx, cityID, "只有市级管理员或住建局可以修改全市公告规则 only city-wide administrators or housing bureaus may change the city's rules")
	if err != nil {
		return err
	}
	// Read back from the settings: the dates sorted without repeats, each
	// malformed value named.
	checked, err := RulesFrom(r.Settings())
	if err != nil {
		return err
	}
	return s.Store.SetCitySettings(ctx, cityID, checked.Settings(), a.UserID)
}
