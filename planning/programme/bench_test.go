package programme

import (
	"context"
	"testing"
)

// BenchmarkExact500 solves realistic 500-candidate instances to proven
// optimality (target ≤ 5 s each).
func BenchmarkExact500(b *testing.B) {
	benchSolve(b, 500, Options{})
}

// BenchmarkLarge5000 solves realistic 5,000-candidate instances with the
// default time limit (target: gap ≤ 0.5% in ≤ 2 s).
func BenchmarkLarge5000(b *testing.B) {
	benchSolve(b, 5000, Options{})
}

func benchSolve(b *testing.B, n int, o Options) {
	var worstGap, worstSec float64
	var nodes, optimal int
	seed := uint64(0)
	for b.Loop() {
		b.StopTimer()
		p := realistic(seed, n)
		seed++
		b.StartTimer()
		r, err := Solve(context.Background(), p, o)
		if err != nil {
			b.Fatal(err)
		}
		worstGap = max(worstGap, r.Gap)
		worstSec = max(worstSec, r.Elapsed.Seconds())
		nodes += r.Nodes
		if r.Optimal {
			optimal++
		}
	}
	b.ReportMetric(worstGap*100, "worst-gap-%")
	b.ReportMetric(worstSec, "worst-s")
	b.ReportMetric(float64(nodes)/float64(seed), "nodes/op")
	b.ReportMetric(float64(optimal)/float64(seed), "optimal/op")
}
