package priority

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/huanxin/huanxin/planning/rank"
)

// benchProblem makes n estates with values on k indicators (every fifth a
// cost indicator), from a fixed seed.
func benchProblem(n, k int) ([]rank.Indicator, []rank.Alternative) {
	r := rand.New(rand.NewPCG(7, 2026))
	inds := make([]rank.Indicator, k)
	for j := range inds {
		inds[j] = rank.Indicator{Key: fmt.Sprintf("k%02d", j), Name: fmt.Sprintf("指标%d", j), NameEn: fmt.Sprintf("indicator %d", j), Direction: rank.Benefit}
		if j%5 == 4 {
			inds[j].Direction = rank.Cost
		}
	}
	alts := make([]rank.Alternative, n)
	for i := range alts {
		vs := make(map[string]float64, k)
		for j, ind := range inds {
			vs[ind.Key] = float64(j+1) * (1 + 99*r.Float64())
		}
		alts[i] = rank.Alternative{ID: int64(i + 1), Name: fmt.Sprintf("小区%d", i+1), Values: vs}
	}
	return inds, alts
}

// BenchmarkRank220k ranks 220,000 estates on 20 indicators with entropy
// weights and TOPSIS: the weights from the data, then the ranking with
// every estate's contributions (the target: ≤ 1 s).
func BenchmarkRank220k(b *testing.B) {
	inds, alts := benchProblem(220000, 20)
	b.ReportAllocs()
	for b.Loop() {
		ws, err := rank.NewEntropyWeightSet("熵权", inds, alts)
		if err != nil {
			b.Fatal(err)
		}
		w, err := ws.Vector(inds)
		if err != nil {
			b.Fatal(err)
		}
		res, err := rank.TOPSIS(inds, alts, w)
		if err != nil || len(res.Estates) != len(alts) {
			b.Fatal(err)
		}
	}
}
