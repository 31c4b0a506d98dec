package audit

import (
	"testing"
	"time"
)

func chain(n int) []*Entry {
	prev := Genesis
	var out []*Entry
	for i := 1; i <= n; i++ {
		e := &Entry{CityID: 7, Seq: int64(i), At: time.Unix(int64(i), 0).UTC(), ActorID: 1,
			ActorName: "admin", Action: ActionCreate, Entity: "estate", EntityID: int64(i),
			Digest: Digest(map[string]int{"i": i}), PrevHash: prev}
		e.Hash = e.ComputeHash()
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

func verify(es []*Entry) *Break {
	var v Verifier
	for _, e := range es {
		if b := v.Check(e); b != nil {
			return b
		}
	}
	return nil
}

func TestVerifyIntactChain(t *testing.T) {
	if b := verify(chain(5)); b != nil {
		t.Fatalf("intact chain broken at %+v", b)
	}
}

func TestVerifyFindsFirstBreak(t *testing.T) {
	cases := []struct {
		name   string
		tamper func([]*Entry) []*Entry
		seq    int64
	}{
		{"edited field", func(es []*Entry) []*Entry { es[2].ActorName = "mallory"; return es }, 3},
		{"edited digest", func(es []*Entry) []*Entry { es[1].Digest = Digest("x"); return es }, 2},
		{"deleted entry", func(es []*Entry) []*Entry { return append(es[:3], es[4:]...) }, 5},
		{"rehashed entry", func(es []*Entry) []*Entry {
			es[1].Detail = "forged"
			es[1].Hash = es[1].ComputeHash()
			return es
		}, 3},
		{"reordered", func(es []*Entry) []*Entry { es[0], es[1] = es[1], es[0]; return es }, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := verify(c.tamper(chain(6)))
			if b == nil || b.Seq != c.seq {
				t.Fatalf("break = %+v, want at seq %d", b, c.seq)
			}
		})
	}
}

func TestHashFieldsAreDelimited(t *testing.T) {
	a := &Entry{ActorName: "ab", Action: "c", PrevHash: Genesis}
	b := &Entry{ActorName: "a", Action: "bc", PrevHash: Genesis}
	if a.ComputeHash() == b.ComputeHash() {
		t.Fatal("field boundaries are not part of the hash")
	}
}
