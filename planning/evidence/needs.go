package evidence

import (
	"context"
	"slices"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/planning/priority"
	"github.com/huanxin/huanxin/questionnaire"
)

// isNeeds reports whether a questionnaire is a needs questionnaire: its
// first question offers catalogue items (options with codes).
func isNeeds(q *questionnaire.Questionnaire) bool {
	return len(q.Questions) > 0 && q.Questions[0].Kind == questionnaire.KindMultiple && len(q.Questions[0].Codes) > 0
}

// NeedsValues computes an estate's needs indicators from the results of
// its needs questionnaire, by households:
//   - support_rate: those who agree to the renovation, in percent of those
//     who answered the question;
//   - cofund_willingness: the answers willing to pay (by floor area, or a
//     little) over every co-funding question, in percent of the answers to
//     them (a household answers one per category).
//
// Nil when the questionnaire is not a needs questionnaire or nobody
// answered.
func NeedsValues(cityID, estateID int64, q *questionnaire.Questionnaire, res questionnaire.Results, asOf time.Time, by int64) []priority.IndicatorValue {
	if !isNeeds(q) {
		return nil
	}
	var support, supportOf, willing, willingOf int
	for _, qr := range res.Overall.Questions {
		switch {
		case slices.Equal(qr.Question.Codes, questionnaire.SupportCodes):
			support, supportOf = qr.Options[0].Households, qr.Answered.Households
		case slices.Equal(qr.Question.Options, questionnaire.CoFund):
			willing += qr.Options[0].Households + qr.Options[1].Households
			willingOf += qr.Answered.Households
		}
	}
	var out []priority.IndicatorValue
	add := func(key string, num, den int) {
		if den > 0 {
			out = append(out, priority.IndicatorValue{CityID: cityID, EstateID: estateID, Key: key, Value: 100 * float64(num) / float64(den),
				Source: priority.SourceNeeds, AsOf: asOf, By: by})
		}
	}
	add("support_rate", support, supportOf)
	add("cofund_willingness", willing, willingOf)
	return out
}

// Asked counts, per catalogue item, the households that asked for it in
// a needs questionnaire.
func Asked(q *questionnaire.Questionnaire, res questionnaire.Results) map[string]int64 {
	if !isNeeds(q) || len(res.Overall.Questions) == 0 {
		return nil
	}
	first := res.Overall.Questions[0]
	out := map[string]int64{}
	for i, code := range q.Questions[0].Codes {
		if i < len(first.Options) {
			out[code] = int64(first.Options[i].Households)
		}
	}
	return out
}

// NeedsClosed stores the needs indicators of the estate of a needs
// questionnaire just closed (questionnaire.Service's Closed hook).
func (l Links) NeedsClosed(ctx context.Context, q *questionnaire.Questionnaire) error {
	if !isNeeds(q) {
		return nil
	}
	q, res, err := l.Questionnaires.Results(ctx, q.ID)
	if err != nil {
		return err
	}
	a := huanxin.ActorFromContext(ctx)
	vals := NeedsValues(q.CityID, q.EstateID, q, res, q.ClosesAt, a.UserID)
	if len(vals) == 0 {
		return nil
	}
	return l.Priority.PutValues(ctx, vals)
}

// PlanAsks returns, per catalogue item, the households that asked for it
// in the estate's latest needs questionnaire that collected answers
// (plan.Service's Asks).
func (l Links) PlanAsks(ctx context.Context, estateID int64) (map[string]int64, error) {
	qs, err := l.Questionnaires.List(ctx, estateID)
	if err != nil {
		return nil, err
	}
	var latest *questionnaire.Questionnaire
	for _, q := range qs {
		if isNeeds(q) && q.Status != questionnaire.StatusDraft && (latest == nil || q.ID > latest.ID) {
			latest = q
		}
	}
	if latest == nil {
		return nil, nil
	}
	q, res, err := l.Questionnaires.Results(ctx, latest.ID)
	if err != nil {
		return nil, err
	}
	return Asked(q, res), nil
}
