package programme

import (
	"context"

	"github.com/huanxin/huanxin/planning/priority"
)

// RankedScores is the Scorer of the priority ranking (TOPSIS, the
// ranking's default model) of the estates under a jurisdiction by a
// city's weight set.
func RankedScores(p *priority.Service) Scorer {
	return func(ctx context.Context, jurisdictionID, weightSetID int64) (map[int64]float64, error) {
		r, err := p.Rank(ctx, priority.RankRequest{JurisdictionID: jurisdictionID, WeightSetID: weightSetID})
		if err != nil {
			return nil, err
		}
		out := map[int64]float64{}
		if r.Result != nil {
			for _, e := range r.Result.Estates {
				out[e.ID] = e.Score
			}
		}
		return out, nil
	}
}
