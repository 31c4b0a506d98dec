package plan_test

import (
	"context"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/planning/plan"
	"github.com/huanxin/huanxin/store"
)

// Each level sees the plans waiting for its own step; a city bureau sees
// every step.
func TestAwaiting(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := setup(t, db)
		s := w.svc
		p, err := s.Create(w.Community, w.Estate.ID, "待审方案")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetLines(w.Community, p.ID, []plan.LineInput{{ItemCode: "B15", Quantity: 10000, Phase: 1}}); err != nil {
			t.Fatal(err)
		}
		ids := func(ctx context.Context) []int64 {
			t.Helper()
			ps, err := s.Awaiting(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, x := range ps {
				out = append(out, x.ID)
			}
			return out
		}
		city := huanxin.NewContextWithActor(context.Background(), &huanxin.Actor{UserID: 4, Role: huanxin.RoleBureau,
			Scope: huanxin.Scope{All: true}})
		if got := ids(w.Community); len(got) != 0 {
			t.Fatalf("draft awaits %v", got)
		}
		if err := s.Submit(w.Community, p.ID); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name string
			ctx  context.Context
			n    int
		}{{"community", w.Community, 1}, {"street", w.Street, 0}, {"district", w.District, 0}, {"city bureau", city, 1}} {
			if got := ids(c.ctx); len(got) != c.n {
				t.Errorf("%s: awaiting %v, want %d", c.name, got, c.n)
			}
		}
		if err := s.Approve(w.Community, p.ID); err != nil {
			t.Fatal(err)
		}
		if got := ids(w.Street); len(got) != 1 || got[0] != p.ID {
			t.Errorf("street awaits %v", got)
		}
		if got := ids(w.Community); len(got) != 0 {
			t.Errorf("community still awaits %v", got)
		}
		if _, err := s.Awaiting(w.Resident); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Errorf("resident: %v", err)
		}
	})
}

// Compare defaults to the current version against the one before, and
// names the version asked for that the plan lacks.
func TestCompare(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := setup(t, db)
		s := w.svc
		p, err := s.Create(w.Community, w.Estate.ID, "版本")
		if err != nil {
			t.Fatal(err)
		}
		lines := []plan.LineInput{{ItemCode: "B15", Quantity: 10000, Phase: 1}}
		if _, err := s.SetLines(w.Community, p.ID, lines); err != nil {
			t.Fatal(err)
		}
		if err := s.Submit(w.Community, p.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.Return(w.Community, p.ID, "数量不对"); err != nil {
			t.Fatal(err)
		}
		lines[0].Quantity = 12000
		if _, err := s.SetLines(w.Community, p.ID, lines); err != nil {
			t.Fatal(err)
		}
		a, b, changes, err := s.Compare(w.Community, p.ID, nil, nil)
		if err != nil || a.Version != 1 || b.Version != 2 || len(changes) != 1 || changes[0].Kind != plan.Changed ||
			changes[0].From.Quantity != 10000 || changes[0].To.Quantity != 12000 {
			t.Fatalf("compare %d→%d %+v %v", a.Version, b.Version, changes, err)
		}
		one := int64(1)
		if a, b, changes, err = s.Compare(w.Community, p.ID, &one, &one); err != nil || a.Version != 1 || b.Version != 1 || len(changes) != 0 {
			t.Fatalf("same version %+v %v", changes, err)
		}
		three := int64(3)
		if _, _, _, err := s.Compare(w.Community, p.ID, &three, nil); huanxin.ErrorCode(err) != huanxin.EINVALID ||
			huanxin.ErrorFields(err)[0].Field != "from" {
			t.Fatalf("missing version: %v", err)
		}
		if _, _, _, err := s.Compare(w.Community, p.ID+100, nil, nil); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Fatalf("missing plan: %v", err)
		}
	})
}
