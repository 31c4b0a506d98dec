package decision

import (
	"context"
	"strconv"

	"github.com/huanxin/huanxin"
)

// ConflictRule says which ballot counts when a person has voted both
// online and on paper.
type ConflictRule string

const (
	// ConflictFirst counts the ballot cast first (a ballot is final once
	// cast).
	ConflictFirst ConflictRule = "first" // 以先投者为准
	// ConflictPaper counts the signed paper ballot.
	ConflictPaper ConflictRule = "paper" // 以书面票为准
	// ConflictOnline counts the online ballot.
	ConflictOnline ConflictRule = "online" // 以线上票为准
)

// Valid reports whether r is a known rule.
func (r ConflictRule) Valid() bool {
	return r == ConflictFirst || r == ConflictPaper || r == ConflictOnline
}

// Rules are what a city sets for its owners' decisions. A decision copies
// them when it is created, so that a later change does not move it.
type Rules struct {
	// MinNoticeDays is the shortest notice (公告) a decision may give
	// between publication and the opening of the vote.
	MinNoticeDays int
	// ObjectionDays is how long a published result stays open to
	// objections (公示期) before it may become final.
	ObjectionDays int
	// Conflict says which ballot counts when a person voted both online
	// and on paper.
	Conflict ConflictRule
	// AllowChange lets an owner change an online ballot until closing.
	AllowChange bool
}

// DefaultRules are the rules of a city that has set none: 15 days' notice,
// as the guidance on owners' assemblies requires before a meeting; a 7-day
// publication of the result; the first ballot counts; no changes.
var DefaultRules = Rules{MinNoticeDays: 15, ObjectionDays: 7, Conflict: ConflictFirst}

// The names under which the rules are kept in a city's settings.
const (
	SettingMinNoticeDays = "decision.min_notice_days"
	SettingObjectionDays = "decision.objection_days"
	SettingConflict      = "decision.conflict_rule"
	SettingAllowChange   = "decision.allow_change"
)

// Settings returns the rules as named setting values.
func (r Rules) Settings() map[string]string {
	return map[string]string{
		SettingMinNoticeDays: strconv.Itoa(r.MinNoticeDays),
		SettingObjectionDays: strconv.Itoa(r.ObjectionDays),
		SettingConflict:      string(r.Conflict),
		SettingAllowChange:   strconv.FormatBool(r.AllowChange),
	}
}

// RulesFrom reads rules from named setting values, starting from the
// defaults; a malformed value is an error naming the setting.
func RulesFrom(settings map[string]string) (Rules, error) {
	r := DefaultRules
	var bad []huanxin.FieldError
	days := func(name string, dst *int) {
		v, ok := settings[name]
		if !ok {
			return
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 90 {
			bad = append(bad, huanxin.FieldError{Field: name, Message: "应为 0–90 的天数 must be 0–90 days"})
			return
		}
		*dst = n
	}
	days(SettingMinNoticeDays, &r.MinNoticeDays)
	days(SettingObjectionDays, &r.ObjectionDays)
	if v, ok := settings[SettingConflict]; ok {
		if r.Conflict = ConflictRule(v); !r.Conflict.Valid() {
			bad = append(bad, huanxin.FieldError{Field: SettingConflict, Message: "应为 first、paper 或 online must be first, paper or online"})
		}
	}
	if v, ok := settings[SettingAllowChange]; ok {
		var err error
		if r.AllowChange, err = strconv.ParseBool(v); err != nil {
			bad = append(bad, huanxin.FieldError{Field: SettingAllowChange, Message: "应为 true 或 false must be true or false"})
		}
	}
	if len(bad) > 0 {
		return DefaultRules, huanxin.Invalid("表决规则设置有误 invalid decision rules", bad...)
	}
	return r, nil
}

// Rules returns the decision rules of a city.
func (s *Service) Rules(ctx context.Context, cityID int64) (Rules, error) {
	set, err := s.Store.CitySettings(ctx, cityID)
	if err != nil {
		return DefaultRules, err
	}
	return RulesFrom(set)
}

// SetRules changes the decision rules of a city; only an administrator or
// a housing bureau whose jurisdiction covers the whole city may. Running
// and past decisions keep the rules they were created under.
func (s *Service) SetRules(ctx context.Context, cityID int64, r Rules) error {
	a, err := s.Register.CityWide(ctx, cityID, "只有市级管理员或住建局可以修改全市表决规则 only city-wide administrators or housing bureaus may change the city's rules")
	if err != nil {
		return err
	}
	if _, err := RulesFrom(r.Settings()); err != nil {
		return err
	}
	return s.Store.SetCitySettings(ctx, cityID, r.Settings(), a.UserID)
}
