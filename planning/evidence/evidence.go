// Package evidence turns what surveys measured into what planning uses:
// the survey indicators of the priority ranking (condition deficits by
// group, safety hazards) and the needs an estate plan must answer.
package evidence

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/planning/plan"
	"github.com/huanxin/huanxin/planning/priority"
	"github.com/huanxin/huanxin/questionnaire"
	"github.com/huanxin/huanxin/survey"
)

// Deficit groups: which surveyed aspects (catalogue codes) make up each
// deficit indicator of the ranking.
var groups = map[string][]string{
	"deficit_structure": {"B14", "B15", "B16"},                                    // roofs, walls, stairwells
	"deficit_networks":  {"B01", "B02", "B03", "B04", "B06", "B07", "B08", "B13"}, // pipes, lines, fire safety
	"deficit_amenities": {"I02", "I03", "I04", "I05", "I06", "I07", "I08", "I15"}, // greening to lifts
}

// Latest keeps, for each building of an estate (0 for the estate as a
// whole), its latest submitted survey: by survey date, then ID.
func Latest(surveys []*survey.Survey) []*survey.Survey {
	latest := map[int64]*survey.Survey{}
	for _, s := range surveys {
		if s.Status != survey.StatusSubmitted {
			continue
		}
		if cur, ok := latest[s.BuildingID]; !ok || cmp.Or(cmp.Compare(s.SurveyedOn, cur.SurveyedOn), cmp.Compare(s.ID, cur.ID)) > 0 {
			latest[s.BuildingID] = s
		}
	}
	out := make([]*survey.Survey, 0, len(latest))
	for _, s := range latest {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b *survey.Survey) int { return cmp.Compare(a.BuildingID, b.BuildingID) })
	return out
}

// Values computes an estate's survey indicators from its latest surveys:
// each deficit as the mean over the graded aspects of its group of
// (grade − 1) / 3 × 100 (good 0, fair 33.3, poor 66.7, dangerous 100),
// and safety hazards as the number of findings marked as hazards or
// graded dangerous. A group no survey graded gives no value (missing, not
// zero: the ranking then says what to survey).
func Values(cityID, estateID int64, latest []*survey.Survey, by int64) []priority.IndicatorValue {
	if len(latest) == 0 {
		return nil
	}
	var asOf time.Time
	sum, n := map[string]float64{}, map[string]int{}
	hazards := 0
	for _, s := range latest {
		if d, err := time.Parse(time.DateOnly, s.SurveyedOn); err == nil && d.After(asOf) {
			asOf = d
		}
		for _, f := range s.Findings {
			if f.Hazard || f.Grade == survey.GradeDangerous {
				hazards++
			}
			for key, codes := range groups {
				if slices.Contains(codes, f.ItemCode) && f.Grade.Valid() {
					sum[key] += float64(f.Grade-1) / 3 * 100
					n[key]++
				}
			}
		}
	}
	out := []priority.IndicatorValue{{CityID: cityID, EstateID: estateID, Key: "safety_hazards", Value: float64(hazards),
		Source: priority.SourceSurvey, AsOf: asOf, By: by}}
	for _, key := range []string{"deficit_structure", "deficit_networks", "deficit_amenities"} {
		if n[key] > 0 {
			out = append(out, priority.IndicatorValue{CityID: cityID, EstateID: estateID, Key: key, Value: sum[key] / float64(n[key]),
				Source: priority.SourceSurvey, AsOf: asOf, By: by})
		}
	}
	return out
}

// Needs lists what the latest surveys call for: every finding graded poor
// or dangerous, or marked as a hazard, of the building it was found in (0
// for the estate), with the item's category in the city's catalogue.
func Needs(latest []*survey.Survey, items []*planning.Item) []plan.Need {
	category := map[string]string{}
	for _, it := range items {
		category[it.Code] = string(it.Category)
	}
	var out []plan.Need
	for _, s := range latest {
		for _, f := range s.Findings {
			if f.Grade < survey.GradePoor && !f.Hazard {
				continue
			}
			out = append(out, plan.Need{FindingID: s.ID, ItemCode: f.ItemCode, Category: category[f.ItemCode], Building: s.BuildingID,
				Grade: int(f.Grade), Hazard: f.Hazard})
		}
	}
	return out
}

// Links connects surveys and needs questionnaires to the ranking and to
// plans.
type Links struct {
	Surveys        *survey.Service
	Questionnaires *questionnaire.Service
	Priority       *priority.Service
	Catalogue      *planning.CatalogueService
}

// SurveySubmitted stores the survey indicators of the estate of a survey
// just submitted, from the estate's latest surveys (survey.Service's
// Submitted hook).
func (l Links) SurveySubmitted(ctx context.Context, s *survey.Survey) error {
	all, err := l.Surveys.List(ctx, s.EstateID)
	if err != nil {
		return err
	}
	a := huanxin.ActorFromContext(ctx)
	vals := Values(s.CityID, s.EstateID, Latest(all), a.UserID)
	if len(vals) == 0 {
		return nil
	}
	return l.Priority.PutValues(ctx, vals)
}

// PlanNeeds returns the needs of an estate's latest surveys (plan.Service's
// Needs).
func (l Links) PlanNeeds(ctx context.Context, estateID int64) ([]plan.Need, error) {
	all, err := l.Surveys.List(ctx, estateID)
	if err != nil || len(all) == 0 {
		return nil, err
	}
	items, err := l.Catalogue.Items(ctx, all[0].CityID, planning.Filter{})
	if err != nil {
		return nil, err
	}
	return Needs(Latest(all), items), nil
}

// SharesPaid stores the share of an estate's households that have paid
// their cost shares in full (funding.Shares' Paid hook).
func (l Links) SharesPaid(ctx context.Context, cityID, estateID int64, percent float64) error {
	a := huanxin.ActorFromContext(ctx)
	return l.Priority.PutValues(ctx, []priority.IndicatorValue{{CityID: cityID, EstateID: estateID, Key: priority.KeyOwnersPaid,
		Value: percent, Source: priority.SourceShares, AsOf: time.Now().UTC(), By: a.UserID}})
}

// PlanApproved stores the cost per household of an estate from its plan
// just approved: the plan's total in yuan over the estate's dwellings
// (plan.Service's Approved hook). An estate without dwellings on record
// gets no value.
func (l Links) PlanApproved(ctx context.Context, p *plan.Plan) error {
	e, err := l.Priority.Reg.Estates().Get(ctx, p.EstateID)
	if err != nil || e.Dwellings <= 0 {
		return err
	}
	t, err := plan.Sum(p.Lines)
	if err != nil {
		return err
	}
	a := huanxin.ActorFromContext(ctx)
	return l.Priority.PutValues(ctx, []priority.IndicatorValue{{CityID: p.CityID, EstateID: p.EstateID, Key: "cost_per_household",
		Value: float64(t.Total) / 100 / float64(e.Dwellings), Source: priority.SourcePlan, AsOf: p.Updated, By: a.UserID}})
}
