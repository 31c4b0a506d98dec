package funding

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/planning/plan"
)

// SourceSum is the money of one source over an estate's plans, counted at
// each status as Coverage counts it (paid money was also committed).
type SourceSum struct {
	Source   string
	ByStatus map[Status]huanxin.Money
}

// Disclosure is what the residents of an estate are shown of its money:
// each funded plan with its items' cost, funding and gap, the sources'
// money by status, the totals, and the reader's own shares.
type Disclosure struct {
	Estate  *estate.Estate
	Plans   []*Funding // plans with at least one funding line, oldest first
	Sources []SourceSum
	Total   Cover
	Mine    []*Statement
	Paid    []PaidTo // the funded plans' contracts: who is paid what for what
	// Reading is shared by every copy of a kept disclosure and new with
	// each reading from storage, so a page may keep what it renders of
	// the disclosure for as long as the Reading is the same.
	Reading *Reading
}

// Reading identifies one reading of a disclosure from storage.
type Reading struct{ At time.Time }

// Disclose returns the disclosure of an estate to anyone who sees the
// estate: its residents and the officers in scope. Residents reload it
// often, so it is kept per estate and reader until the next write; the
// caller must not change it.
func (s *Shares) Disclose(ctx context.Context, estateID int64) (*Disclosure, error) {
	a := huanxin.ActorFromContext(ctx)
	if a == nil {
		return nil, huanxin.Errorf(huanxin.EUNAUTHORIZED, "请先登录 please sign in")
	}
	key := fmt.Sprint(estateID, a.UserID, a.Role, a.OnBehalfOf, a.Scope)
	return s.Store.CachedDisclosure(key, func() (*Disclosure, error) { return s.disclose(ctx, estateID) })
}

func (s *Shares) disclose(ctx context.Context, estateID int64) (*Disclosure, error) {
	e, err := s.Funding.Register.Estates().Get(ctx, estateID)
	if err != nil {
		return nil, err
	}
	plans, err := s.Funding.Plans.List(ctx, estateID)
	if err != nil {
		return nil, err
	}
	d := &Disclosure{Estate: e, Reading: &Reading{At: time.Now()}, Total: Cover{BySource: map[string]huanxin.Money{}, ByStatus: map[Status]huanxin.Money{}}}
	sums := map[string]map[Status]huanxin.Money{}
	for _, p := range plans {
		lines, err := s.Funding.Store.FundingLines(ctx, p.CityID, p.ID)
		if err != nil {
			return nil, err
		}
		if len(lines) == 0 {
			continue
		}
		f, err := s.Funding.of(p, lines)
		if err != nil {
			return nil, err
		}
		d.Plans = append(d.Plans, f)
		for _, l := range lines {
			if l.Withdrawn {
				continue
			}
			if sums[l.Source] == nil {
				sums[l.Source] = map[Status]huanxin.Money{}
			}
			for _, st := range Statuses[:slices.Index(Statuses, l.Status)+1] {
				sums[l.Source][st] += l.Amount
			}
		}
		d.Total.Cost += f.Total.Cost
		d.Total.Gap += f.Total.Gap
		d.Total.Surplus += f.Total.Surplus
		for k, v := range f.Total.BySource {
			d.Total.BySource[k] += v
		}
		for k, v := range f.Total.ByStatus {
			d.Total.ByStatus[k] += v
		}
	}
	slices.SortStableFunc(d.Plans, func(a, b *Funding) int { return a.Plan.Created.Compare(b.Plan.Created) })
	if d.Paid, err = s.paidTo(ctx, d.Plans); err != nil {
		return nil, err
	}
	for _, t := range planning.SourceTypes {
		if m := sums[t.Key]; m != nil {
			d.Sources = append(d.Sources, SourceSum{Source: t.Key, ByStatus: m})
		}
	}
	known := make(map[int64]*plan.Plan, len(plans))
	for _, p := range plans {
		known[p.ID] = p
	}
	d.Mine, err = s.mine(ctx, known, estateID)
	return d, err
}
