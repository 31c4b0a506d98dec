package funding_test

import (
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/funding/share"
)

// benchParts is an estate of n dwellings in six-storey buildings of 24
// each, with areas from 45 to 135 m² to the hundredth.
func benchParts(n int) []funding.SharePart {
	out := make([]funding.SharePart, n)
	for i := range out {
		out[i] = funding.SharePart{PartID: int64(i + 1), BuildingID: int64(i/24 + 1), BuildingNo: "1", Room: "101",
			Floor: i%6 + 1, Area: huanxin.Area(4500 + (i*7919)%9000)}
	}
	return out
}

// Owners' shares for an estate of 10,000 parts (docs/performance.md:
// ≤ 20 ms), by each basis.
func BenchmarkShares10k(b *testing.B) {
	parts := benchParts(10000)
	for _, r := range []funding.ShareRule{{Basis: share.ByArea}, {Basis: share.ByFloorCoefficient, Coefficients: liftCoefficients},
		{Basis: share.Mix, Coefficients: liftCoefficients, Portions: map[share.Basis]string{share.ByArea: "70%", share.ByFloorCoefficient: "30%"}}} {
		b.Run(string(r.Basis), func(b *testing.B) {
			for b.Loop() {
				rows, err := funding.Compute(123456789, parts, r)
				if err != nil || len(rows) != len(parts) {
					b.Fatal(err)
				}
			}
		})
	}
}

// The split alone, for comparison with Compute.
func BenchmarkSplit10k(b *testing.B) {
	parts := benchParts(10000)
	in := make([]share.Part, len(parts))
	for i, p := range parts {
		in[i] = share.Part{PartID: p.PartID, Area: p.Area, Floor: p.Floor}
	}
	for b.Loop() {
		if _, err := share.Split(123456789, in, share.Rule{Basis: share.ByArea}, share.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
