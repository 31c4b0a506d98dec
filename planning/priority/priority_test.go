package priority

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
)

func TestFromRegister(t *testing.T) {
	at := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	values := func(f EstateFacts) map[string]float64 {
		out := map[string]float64{}
		for _, v := range FromRegister(f, 2026, at) {
			if v.Source != SourceRegister || v.EstateID != f.EstateID || !v.AsOf.Equal(at) {
				t.Errorf("value %+v", v)
			}
			out[v.Key] = v.Value
		}
		return out
	}
	for _, c := range []struct {
		name string
		f    EstateFacts
		want map[string]float64
	}{
		{"full register", EstateFacts{EstateID: 1, YearBuilt: 1986, Management: estate.MgmtSelf, Dwellings: 90, DwellingParts: 80,
			Residents: 200, BirthKnown: 160, Elderly: 40, Disabled: 5},
			map[string]float64{KeyBuildingAge: 40, KeyHouseholds: 80, KeyPopulation: 200, KeyElderly: 25, KeyDisabled: 2.5, KeyManagement: 50}},
		// Declared dwellings stand in for unrecorded parts; no residents
		// means no population and no shares (missing, not zero).
		{"declared only", EstateFacts{EstateID: 2, YearBuilt: 1990, Management: estate.MgmtProfessional, Dwellings: 120},
			map[string]float64{KeyBuildingAge: 36, KeyHouseholds: 120, KeyManagement: 100}},
		// Residents without birth years: no elderly share.
		{"no birth years", EstateFacts{EstateID: 3, YearBuilt: 2030, Management: estate.MgmtNone, Residents: 4, Disabled: 1},
			map[string]float64{KeyBuildingAge: 0, KeyPopulation: 4, KeyDisabled: 25, KeyManagement: 0}},
	} {
		if got := values(c.f); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestAlternativesListWhatIsMissing(t *testing.T) {
	d := &Data{Estates: []EstateFacts{{EstateID: 1, Code: "A", Name: "甲"}, {EstateID: 2, Code: "B", Name: "乙"}},
		Values: map[int64]map[string]IndicatorValue{
			1: {"building_age": {Value: 30}, "safety_hazards": {Value: 2}},
			2: {"building_age": {Value: 20}},
		}}
	alts, missing := d.Alternatives([]string{"building_age", "safety_hazards", "heritage_value"})
	if len(alts) != 0 || len(missing) != 2 || !reflect.DeepEqual(missing[1], Missing{EstateID: 2, Code: "B", Name: "乙", Keys: []string{"safety_hazards", "heritage_value"}}) {
		t.Fatalf("alts %v missing %+v", alts, missing)
	}
	alts, missing = d.Alternatives([]string{"building_age", "safety_hazards"})
	if len(alts) != 1 || alts[0].ID != 1 || alts[0].Values["safety_hazards"] != 2 || len(missing) != 1 {
		t.Fatalf("alts %v missing %+v", alts, missing)
	}
}

func TestCheckValue(t *testing.T) {
	for _, c := range []struct {
		key  string
		v    float64
		want string // part of the message; "" for accepted
	}{
		{"safety_hazards", 12, ""},
		{"support_rate", 100, ""},
		{"support_rate", 100.5, "100"},
		{"heritage_value", -1, "非负"},
		{"cost_per_household", 250000, ""},
		{"building_age", 30, "登记信息"},
		{"nope", 1, "未知指标"},
	} {
		got := checkValue(c.key, c.v)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s=%g: %q, want %q", c.key, c.v, got, c.want)
		}
	}
}

func TestCheckAHP(t *testing.T) {
	keys := []string{"building_age", "safety_hazards", "population"}
	c := CheckAHP(keys, [][]float64{{1, 3, 5}, {1.0 / 3, 1, 3}, {0.2, 1.0 / 3, 1}})
	if c.Err != nil || c.CR <= 0 || c.CR >= 0.1 || c.Weights["building_age"] < c.Weights["safety_hazards"] {
		t.Fatalf("consistent: %+v", c)
	}
	c = CheckAHP(keys, [][]float64{{1, 9, 1.0 / 9}, {1.0 / 9, 1, 9}, {9, 1.0 / 9, 1}})
	if huanxin.ErrorCode(c.Err) != huanxin.EINVALID || c.CR < 0.1 || c.Weights == nil || !strings.Contains(huanxin.ErrorMessage(c.Err), "安全隐患") {
		t.Fatalf("inconsistent: %+v", c)
	}
	// Keys out of the system's order are refused (the matrix would be read wrongly).
	if c := CheckAHP([]string{"population", "building_age"}, [][]float64{{1, 2}, {0.5, 1}}); huanxin.ErrorCode(c.Err) != huanxin.EINVALID || c.Weights != nil {
		t.Fatalf("order: %+v", c)
	}
	if got := OrderKeys([]string{"population", "nope", "building_age"}); !reflect.DeepEqual(got, []string{"building_age", "population"}) {
		t.Errorf("OrderKeys = %v", got)
	}
}

func TestRoles(t *testing.T) {
	for _, c := range []struct {
		role              huanxin.Role
		read, enter, edit bool
	}{
		{huanxin.RoleAdmin, true, true, true},
		{huanxin.RoleBureau, true, true, true},
		{huanxin.RoleStreet, true, true, false},
		{huanxin.RoleCommunity, true, true, false},
		{huanxin.RoleAuditor, true, false, false},
		{huanxin.RoleCommittee, false, false, false},
		{huanxin.RoleResident, false, false, false},
		{huanxin.RoleContractor, false, false, false},
	} {
		if MayRead(c.role) != c.read || MayEnter(c.role) != c.enter || MayWeigh(c.role) != c.edit {
			t.Errorf("%s: read %v enter %v weigh %v", c.role, MayRead(c.role), MayEnter(c.role), MayWeigh(c.role))
		}
	}
}
