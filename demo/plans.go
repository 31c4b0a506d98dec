package demo

import (
	"context"
	"slices"

	"github.com/huanxin/huanxin/estate"
	renovation "github.com/huanxin/huanxin/planning/plan"
)

// ApprovePlans gives n estates of the loaded demo city an approved
// renovation plan, so that an annual programme has candidates: every
// fifth estate in ID order, spread over the districts. Each plan repairs
// the roofs (500 m² per building) and the water pipes (8 m per dwelling),
// greens 300–600 m², and on some estates adds a lift or a meal service
// point; it is drafted, submitted and approved at every level through
// svc on ctx's authority (the system's, at loading time). The lines
// depend only on the estate's declared counts and its place in the order,
// so the plans are the same on every load.
func ApprovePlans(ctx context.Context, svc *renovation.Service, reg *estate.Service, n int) error {
	es, _, err := reg.Estates().Find(ctx, estate.Filter{Limit: 1000})
	if err != nil {
		return err
	}
	slices.SortFunc(es, func(a, b *estate.Estate) int { return int(a.ID - b.ID) })
	for k := 0; k < n && 5*k < len(es); k++ {
		e := es[5*k]
		lines := []renovation.LineInput{
			{ItemCode: "B14", Quantity: int64(max(e.Buildings, 1)) * 50_000, Phase: 1},
			{ItemCode: "B01", Quantity: int64(max(e.Dwellings, 1)) * 800, Phase: 1},
			{ItemCode: "I02", Quantity: int64(300+100*(k%4)) * 100, Phase: 1},
		}
		if k%3 == 0 {
			lines = append(lines, renovation.LineInput{ItemCode: "I15", Quantity: 100, Phase: 1})
		}
		if k%4 == 1 {
			lines = append(lines, renovation.LineInput{ItemCode: "E07", Quantity: 100, Phase: 1})
		}
		p, err := svc.Create(ctx, e.ID, e.Name+"综合改造方案")
		if err != nil {
			return err
		}
		if _, err := svc.SetLines(ctx, p.ID, lines); err != nil {
			return err
		}
		if err := svc.Submit(ctx, p.ID); err != nil {
			return err
		}
		for range 3 { // community, street, district
			if err := svc.Approve(ctx, p.ID); err != nil {
				return err
			}
		}
	}
	return nil
}
