package questionnaire

import (
	"context"
	"slices"

	"github.com/huanxin/huanxin/planning"
)

// CoFund are the choices of the co-funding questions.
var CoFund = []string{"愿意按面积分摊出资 willing to pay a share by floor area", "愿意少量出资 willing to pay a little",
	"视具体方案而定 depends on the plan", "不愿意出资 not willing to pay"}

// Support are the choices of the question whether the household agrees to
// renovating the estate, and SupportCodes their codes (the ranking's
// support rate counts the first).
var (
	Support      = []string{"同意改造 agree", "不同意 disagree", "无所谓 no opinion"}
	SupportCodes = []string{"support:agree", "support:disagree", "support:none"}
)

// NeedsFromCatalogue returns the draft of the residents' needs
// questionnaire (问需于民) of an estate built from catalogue items: which
// items the household wants (multiple choice), the five it wants most in
// order (ranking; Borda points in the results), for each category whether
// it would share the cost, and other wishes in free text. The options
// carry the items' codes, so that plans can cite the needs that ask for
// an item. One answer per household, named.
func NeedsFromCatalogue(estateID int64, items []*planning.Item) *Questionnaire {
	names, codes := make([]string, len(items)), make([]string, len(items))
	var cats []planning.Category
	for i, it := range items {
		names[i], codes[i] = it.Name, it.Code
		if !slices.Contains(cats, it.Category) {
			cats = append(cats, it.Category)
		}
	}
	q := &Questionnaire{EstateID: estateID, Status: StatusDraft, Per: PerHousehold,
		Title: "老旧小区改造居民需求调查（问需于民） Residents' needs for the renovation",
		Intro: "请选择您家希望改造的项目，排出最迫切的几项，并告诉我们是否愿意共同出资。每户填写一份。 " +
			"Tell us which works your household wants, which matter most, and whether you would share the cost. One answer per household.",
		Questions: []Question{
			{Kind: KindMultiple, Required: true, Title: "您家希望改造哪些项目？（可多选） Which works do you want? (choose any)",
				Options: names, Codes: codes},
			{Kind: KindRanking, MaxPicks: min(DefaultTopN, len(items)),
				Title: "最希望优先实施的项目，请按先后排序 Which works first? Rank your top choices", Options: names, Codes: codes},
		}}
	for _, c := range cats {
		label := c.Term().Zh
		q.Questions = append(q.Questions, Question{Kind: KindSingle, Required: true, Options: CoFund,
			Title: "对「" + label + "」项目，您家是否愿意共同出资？ Would you share the cost of " + label + " works?"})
	}
	q.Questions = append(q.Questions,
		Question{Kind: KindSingle, Required: true, Options: Support, Codes: SupportCodes,
			Title: "您家是否同意本小区实施改造？ Does your household agree to renovating the estate?"},
		Question{Kind: KindText, Title: "其他意见和建议 Other wishes and suggestions"})
	for i := range q.Questions {
		q.Questions[i].ID = i + 1
	}
	return q
}

// Catalogue gives a city's renovation catalogue (*planning.CatalogueService).
type Catalogue interface {
	Items(ctx context.Context, cityID int64, f planning.Filter) ([]*planning.Item, error)
}

// CreateNeeds creates the draft needs questionnaire of an estate from the
// active items of its city's catalogue.
func (s *Service) CreateNeeds(ctx context.Context, estateID int64) (*Questionnaire, error) {
	if _, err := officer(ctx); err != nil {
		return nil, err
	}
	est, err := s.Register.Estates().Get(ctx, estateID)
	if err != nil {
		return nil, err
	}
	active := true
	items, err := s.Catalogue.Items(ctx, est.CityID, planning.Filter{Active: &active})
	if err != nil {
		return nil, err
	}
	q := NeedsFromCatalogue(est.ID, items)
	return q, s.Create(ctx, q)
}
