package funding_test

import (
	"context"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/internal/testworld"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/planning/plan"
	"github.com/huanxin/huanxin/store"
)

// A contract is entered, received money allocated to it and a milestone
// paid: each step sets the funding line's status in its transaction, the
// rules refuse what would overspend, the books reconcile and the audit
// ledger replays (store's tests change rows behind its back).
func TestSpending(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := testworld.New(t, db)
		cat := &planning.CatalogueService{Store: db, Register: w.Register}
		plans := &plan.Service{Store: db, Register: w.Register, Catalogue: cat, Decisions: &decision.Service{Store: db, Register: w.Register}}
		svc := &funding.Service{Store: db, Register: w.Register, Plans: plans, Catalogue: cat}
		sp := &funding.Spending{Store: db, Funding: svc}
		p, err := plans.Create(w.Community, w.Estate.ID, "综合改造")
		if err != nil {
			t.Fatal(err)
		}
		// Roof 150,000.00 and a lift 700,000.00.
		if _, err := plans.SetLines(w.Community, p.ID, []plan.LineInput{{ItemCode: "B14", Quantity: 100000, UnitCost: 15000, Phase: 1},
			{ItemCode: "I15", Quantity: 100, Phase: 2, Zone: []int64{w.B1.ID}}}); err != nil {
			t.Fatal(err)
		}
		roof, err := svc.Add(w.Community, p.ID, funding.Line{ItemCode: "B14", Source: planning.SourceDistrictBudget, Amount: 15000000})
		if err != nil {
			t.Fatal(err)
		}
		lift, err := svc.Add(w.Community, p.ID, funding.Line{ItemCode: "I15", Source: planning.SourceOwners, Amount: 20000000})
		if err != nil {
			t.Fatal(err)
		}
		day := time.Date(2026, 3, 2, 0, 0, 0, 0, huanxin.Shanghai)
		in := funding.ContractInput{No: "HT-2026-01", Title: "屋面防水施工", Kind: funding.KindConstruction, Counterparty: "某建设工程有限公司",
			CreditCode: "91350100M000100Y43", Signed: day, Lines: []funding.ContractLine{{ItemCode: "B14", Amount: 16000000}},
			Milestones: []funding.Milestone{{Name: "预付款", Due: day, Amount: 4800000}, {Name: "竣工结算", Due: day.AddDate(0, 4, 0), Amount: 11200000}}}
		if _, err := sp.CreateContract(w.Resident, p.ID, in); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("resident enters a contract: %v", err)
		}
		c, err := sp.CreateContract(w.Community, p.ID, in)
		if err != nil || c.Amount != 16000000 || len(c.Milestones) != 2 || c.Milestones[0].ID == 0 {
			t.Fatalf("contract %+v %v", c, err)
		}
		if _, err := sp.CreateContract(w.Community, p.ID, in); huanxin.ErrorFields(err)[0].Field != "no" {
			t.Fatalf("number taken: %v", err)
		}
		alloc := funding.AllocationInput{ContractLineID: c.Lines[0].ID, FundingLineID: roof.ID, Amount: 15000000}
		if _, err := sp.Allocate(w.Community, p.ID, c.ID, alloc); huanxin.ErrorFields(err)[0].Field != "funding_line_id" {
			t.Fatalf("committed money allocated: %v", err)
		}
		if err := svc.Advance(w.Community, p.ID, roof.ID, funding.Received, "到账通知"); err != nil {
			t.Fatal(err)
		}
		if err := svc.Advance(w.Community, p.ID, lift.ID, funding.Received, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := sp.Allocate(w.Community, p.ID, c.ID, funding.AllocationInput{ContractLineID: c.Lines[0].ID, FundingLineID: lift.ID,
			Amount: 100}); huanxin.ErrorFields(err)[0].Field != "funding_line_id" {
			t.Fatalf("the lift's money for the roof: %v", err)
		}
		alloc.Amount = 15000001
		if _, err := sp.Allocate(w.Community, p.ID, c.ID, alloc); huanxin.ErrorFields(err)[0].Field != "amount" {
			t.Fatalf("more than the line: %v", err)
		}
		alloc.Amount = 15000000
		a, err := sp.Allocate(w.Community, p.ID, c.ID, alloc)
		if err != nil {
			t.Fatal(err)
		}
		f, _ := svc.Get(w.Community, p.ID)
		if f.Lines[0].ID != roof.ID || f.Lines[0].Status != funding.Allocated {
			t.Fatalf("fully allocated line: %+v", f.Lines[0])
		}
		if err := svc.Withdraw(w.Community, p.ID, roof.ID, ""); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("allocated money withdrawn: %v", err)
		}
		pay := funding.DisbursementInput{MilestoneID: c.Milestones[0].ID, AllocationID: a.ID, Amount: 4800001, PaidOn: day, Voucher: "付字第1号"}
		if _, err := sp.Pay(w.Community, p.ID, c.ID, pay); huanxin.ErrorFields(err)[0].Field != "amount" {
			t.Fatalf("more than the milestone: %v", err)
		}
		pay.Amount = 4800000
		if _, err := sp.Pay(w.Community, p.ID, c.ID, pay); err != nil {
			t.Fatal(err)
		}
		pay.MilestoneID, pay.Amount, pay.Voucher = c.Milestones[1].ID, 10200000, "付字第2号"
		if _, err := sp.Pay(w.Community, p.ID, c.ID, pay); err != nil {
			t.Fatal(err)
		}
		f, _ = svc.Get(w.Community, p.ID)
		if f.Lines[0].Status != funding.Paid || f.Covers[0].ByStatus[funding.Paid] != 15000000 {
			t.Fatalf("fully paid line: %+v", f.Lines[0])
		}
		pay.Amount = 1
		if _, err := sp.Pay(w.Community, p.ID, c.ID, pay); huanxin.ErrorFields(err)[0].Field != "amount" {
			t.Fatalf("more than the allocation: %v", err)
		}
		// The roof's contract is over its budget.
		b, err := sp.EstateBudget(w.Resident, w.Estate.ID)
		if err != nil || len(b.Rows) != 2 || b.Rows[0].Committed != 16000000 || b.Rows[0].Paid != 15000000 || b.Rows[0].Overrun() == "" ||
			b.Total.Budget != 85000000 || b.Total.Remaining != 69000000 {
			t.Fatalf("budget %+v %v", b, err)
		}
		if _, err := sp.MoveContract(w.Community, p.ID, c.ID, funding.ContractTerminated, ""); huanxin.ErrorFields(err)[0].Field != "reason" {
			t.Fatalf("terminated without reason: %v", err)
		}
		if c, err = sp.MoveContract(w.Community, p.ID, c.ID, funding.ContractCompleted, ""); err != nil || c.Status != funding.ContractCompleted {
			t.Fatalf("completed %+v %v", c, err)
		}

		ctx := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
		checked, err := sp.Check(ctx, w.Estate.CityID)
		if err != nil || len(checked) != 2 || checked[0].EstateID != w.Estate.ID || len(checked[0].Discrepancies) != 0 || len(checked[1].Discrepancies) != 0 {
			t.Fatalf("check %+v %v", checked, err)
		}
		if tot := checked[0].Totals; tot.Sources != 35000000 || tot.Allocated != 15000000 || tot.Paid != 15000000 || tot.Outstanding != 0 {
			t.Fatalf("totals %+v", tot)
		}
		if _, err := sp.Check(w.Community, w.Estate.CityID); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("community officer checks the city: %v", err)
		}
	})
}
