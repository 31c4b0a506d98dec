package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/planning"
)

// contractors are made-up builders with valid unified social credit codes.
var contractors = []struct{ name, code string }{
	{"焕新建设工程有限公司", "91350100M000100Y43"},
	{"安居房屋修缮有限公司", "91110000600037341L"},
}

// Spend gives the first n estates with a plan (in estate order) money
// spent on their roofs: the district budget pays the roof item
// (received), a construction contract for it has a down payment (30%)
// and a final payment, the money is allocated to it and the down payment
// paid. The first contract costs 5% more than the plan budgeted, so the
// budget table shows an overrun. Run on ctx's authority (the system's at
// loading time).
func Spend(ctx context.Context, sp *funding.Spending, reg *estate.Service, n int) error {
	es, _, err := reg.Estates().Find(ctx, estate.Filter{Limit: 1000})
	if err != nil {
		return err
	}
	slices.SortFunc(es, func(a, b *estate.Estate) int { return int(a.ID - b.ID) })
	signed := time.Date(2026, 3, 2, 0, 0, 0, 0, huanxin.Shanghai)
	k := 0
	for _, e := range es {
		if k == n {
			break
		}
		plans, err := sp.Funding.Plans.List(ctx, e.ID)
		if err != nil {
			return err
		}
		if len(plans) == 0 {
			continue
		}
		p := plans[0]
		var roof huanxin.Money
		for _, l := range p.Lines {
			if v, ok := l.Total(); ok && l.ItemCode == "B14" {
				roof += v
			}
		}
		if roof == 0 {
			continue
		}
		line, err := sp.Funding.Add(ctx, p.ID, funding.Line{ItemCode: "B14", Source: planning.SourceDistrictBudget, Amount: roof, Ref: "区财政拨款通知"})
		if err != nil {
			return err
		}
		if err := sp.Funding.Advance(ctx, p.ID, line.ID, funding.Received, "区财政到账凭证"); err != nil {
			return err
		}
		amount := roof
		if k == 0 {
			amount = roof * 105 / 100
		}
		down := amount * 30 / 100
		who := contractors[k%len(contractors)]
		c, err := sp.CreateContract(ctx, p.ID, funding.ContractInput{No: fmt.Sprintf("HX-2026-%03d", k+1), Title: e.Name + "屋面防水施工",
			Kind: funding.KindConstruction, Counterparty: who.name, CreditCode: who.code, Signed: signed,
			Lines: []funding.ContractLine{{ItemCode: "B14", Amount: amount}},
			Milestones: []funding.Milestone{{Name: "预付款", Due: signed.AddDate(0, 0, 10), Amount: down},
				{Name: "竣工结算", Due: signed.AddDate(0, 6, 0), Amount: amount - down}}})
		if err != nil {
			return err
		}
		a, err := sp.Allocate(ctx, p.ID, c.ID, funding.AllocationInput{ContractLineID: c.Lines[0].ID, FundingLineID: line.ID, Amount: min(roof, amount)})
		if err != nil {
			return err
		}
		if _, err := sp.Pay(ctx, p.ID, c.ID, funding.DisbursementInput{MilestoneID: c.Milestones[0].ID, AllocationID: a.ID, Amount: down,
			PaidOn: signed.AddDate(0, 0, 12), Voucher: fmt.Sprintf("区财付〔2026〕%d号", k+1)}); err != nil {
			return err
		}
		k++
	}
	return nil
}
