// Package priority keeps what the priority ranking needs from a city: the
// value of each indicator for each estate (computed from the register, or
// entered and imported by officers), the city's named weight sets, and the
// ranking of the estates of a jurisdiction with a chosen weight set and model
// (the maths is in package rank).
package priority

import (
	"slices"
	"time"

	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/planning/rank"
)

// Source says where an indicator value comes from.
type Source string

const (
	SourceRegister Source = "register" // computed from the register, never stored
	SourceSurvey   Source = "survey"   // condition survey
	SourceNeeds    Source = "needs"    // residents' needs questionnaire
	SourceManual   Source = "manual"   // typed in by an officer
	SourceImport   Source = "import"   // imported from a spreadsheet
	SourcePlan     Source = "plan"     // an approved estate plan (cost per household)
	SourceShares   Source = "shares"   // owners' payments of their cost shares
)

// Sources lists the sources a stored value may have.
var Sources = []Source{SourceSurvey, SourceNeeds, SourceManual, SourceImport, SourcePlan, SourceShares}

// IndicatorValue is one estate's value of one indicator.
type IndicatorValue struct {
	CityID   int64     `json:"city_id"`
	EstateID int64     `json:"estate_id"`
	Key      string    `json:"key"`
	Value    float64   `json:"value"`
	Source   Source    `json:"source"`
	AsOf     time.Time `json:"as_of"` // when the value was true (the survey's date, the register's today)
	By       int64     `json:"by"`    // the user who entered it; 0 for register values
}

// Keys of the indicators computed from the register.
const (
	KeyBuildingAge = "building_age"
	KeyPopulation  = "population"
	KeyHouseholds  = "households"
	KeyElderly     = "elderly_share"
	KeyDisabled    = "disabled_share"
	KeyManagement  = "management_after"
)

// KeyOwnersPaid is the indicator fed by owners' payments of their cost
// shares (funding.Shares' Paid hook): the share of households paid up.
const KeyOwnersPaid = "owners_paid"

// RegisterKeys are the indicators computed from the register; they cannot be
// entered (correct the register instead).
var RegisterKeys = []string{KeyBuildingAge, KeyPopulation, KeyHouseholds, KeyElderly, KeyDisabled, KeyManagement}

// ElderlyAge is the age from which a resident counts as elderly (老年人).
const ElderlyAge = 60

// ManagementScores turn an estate's management model into the 0–100 score of
// the "management in place after renovation" indicator: a professional
// property company 100, an employer's own management 75, residents' self-
// management 50, nobody 0.
var ManagementScores = map[estate.ManagementModel]float64{
	estate.MgmtProfessional: 100, estate.MgmtEmployer: 75, estate.MgmtSelf: 50, estate.MgmtNone: 0,
}

// Indicators is the indicator system of the ranking: the default indicators
// of package rank and two more the register gives, households and the share
// of residents with disabilities. A weight set uses a subset of them.
func Indicators() []rank.Indicator {
	inds := rank.DefaultIndicators()
	return append(inds,
		rank.Indicator{Key: KeyHouseholds, Name: "户数", NameEn: "Households", Unit: "户", Direction: rank.Benefit,
			Note: "效益型：受益住户越多越优先 benefit: more households benefit"},
		rank.Indicator{Key: KeyDisabled, Name: "残疾人占比", NameEn: "Share of residents with disabilities", Unit: "%", Direction: rank.Benefit,
			Note: "效益型：残疾人多，无障碍改造需求大 benefit: more need for accessibility works"},
		rank.Indicator{Key: KeyOwnersPaid, Name: "业主出资到位率", NameEn: "Owners who have paid their shares", Unit: "%", Direction: rank.Benefit,
			Note: "效益型：已缴清分摊费用的住户占比高，居民出资已落实，可优先安排 benefit: where most owners have paid, the owners' money is in place"},
	)
}

// Indicator returns the indicator of that key.
func Indicator(key string) (rank.Indicator, bool) {
	for _, ind := range Indicators() {
		if ind.Key == key {
			return ind, true
		}
	}
	return rank.Indicator{}, false
}

// IsRegisterKey reports whether the indicator is computed from the register.
func IsRegisterKey(key string) bool { return slices.Contains(RegisterKeys, key) }

// EnterableKeys are the indicators officers enter or import, in system order.
func EnterableKeys() []string {
	var ks []string
	for _, ind := range Indicators() {
		if !IsRegisterKey(ind.Key) {
			ks = append(ks, ind.Key)
		}
	}
	return ks
}

// EstateFacts are the register figures of one estate the register-derived
// indicators come from.
type EstateFacts struct {
	EstateID       int64
	CityID         int64
	JurisdictionID int64
	Code, Name     string
	YearBuilt      int
	Management     estate.ManagementModel
	Dwellings      int // declared on the estate
	DwellingParts  int // dwellings recorded as exclusive parts
	Residents      int
	BirthKnown     int // residents with a birth year
	Elderly        int // of those, aged ElderlyAge or more in the year
	Disabled       int
}

// FromRegister computes the register-derived indicators of one estate in the
// given year. A value the register cannot give is left out (and so reported
// missing): population and the shares when no resident is recorded, the
// elderly share when no birth year is, households when neither dwellings are
// recorded nor declared.
func FromRegister(f EstateFacts, year int, asOf time.Time) []IndicatorValue {
	var out []IndicatorValue
	add := func(key string, v float64) {
		out = append(out, IndicatorValue{CityID: f.CityID, EstateID: f.EstateID, Key: key, Value: v, Source: SourceRegister, AsOf: asOf})
	}
	if f.YearBuilt > 0 {
		add(KeyBuildingAge, float64(max(year-f.YearBuilt, 0)))
	}
	switch {
	case f.DwellingParts > 0:
		add(KeyHouseholds, float64(f.DwellingParts))
	case f.Dwellings > 0:
		add(KeyHouseholds, float64(f.Dwellings))
	}
	if f.Residents > 0 {
		add(KeyPopulation, float64(f.Residents))
		add(KeyDisabled, 100*float64(f.Disabled)/float64(f.Residents))
	}
	if f.BirthKnown > 0 {
		add(KeyElderly, 100*float64(f.Elderly)/float64(f.BirthKnown))
	}
	if s, ok := ManagementScores[f.Management]; ok {
		add(KeyManagement, s)
	}
	return out
}
