package store_test

import (
	"context"
	"strconv"
	"strings"
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

// The funding check finds rows changed behind the platform's back: a
// payment's amount (against the ledger, and beyond its milestone), a
// line's status (against the records), and a row deleted from the
// tables that the ledger still has.
func TestFundingCheckFindsTampering(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := testworld.New(t, db)
		ctx := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
		cat := &planning.CatalogueService{Store: db, Register: w.Register}
		plans := &plan.Service{Store: db, Register: w.Register, Catalogue: cat, Decisions: &decision.Service{Store: db, Register: w.Register}}
		svc := &funding.Service{Store: db, Register: w.Register, Plans: plans, Catalogue: cat}
		sp := &funding.Spending{Store: db, Funding: svc}
		p, err := plans.Create(w.Community, w.Estate.ID, "屋面")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := plans.SetLines(w.Community, p.ID, []plan.LineInput{{ItemCode: "B14", Quantity: 100000, UnitCost: 15000, Phase: 1}}); err != nil {
			t.Fatal(err)
		}
		l, err := svc.Add(w.Community, p.ID, funding.Line{ItemCode: "B14", Source: planning.SourceDistrictBudget, Amount: 15000000})
		if err != nil {
			t.Fatal(err)
		}
		spare, err := svc.Add(w.Community, p.ID, funding.Line{ItemCode: "B14", Source: planning.SourceOwners, Amount: 100})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.Advance(w.Community, p.ID, l.ID, funding.Received, ""); err != nil {
			t.Fatal(err)
		}
		day := time.Date(2026, 3, 2, 0, 0, 0, 0, huanxin.Shanghai)
		c, err := sp.CreateContract(w.Community, p.ID, funding.ContractInput{No: "HT-1", Title: "屋面", Kind: funding.KindConstruction,
			Counterparty: "某公司", CreditCode: "91350100M000100Y43", Signed: day, Lines: []funding.ContractLine{{ItemCode: "B14", Amount: 15000000}},
			Milestones: []funding.Milestone{{Name: "预付款", Due: day, Amount: 5000000}, {Name: "竣工结算", Due: day, Amount: 10000000}}})
		if err != nil {
			t.Fatal(err)
		}
		a, err := sp.Allocate(w.Community, p.ID, c.ID, funding.AllocationInput{ContractLineID: c.Lines[0].ID, FundingLineID: l.ID, Amount: 15000000})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sp.Pay(w.Community, p.ID, c.ID, funding.DisbursementInput{MilestoneID: c.Milestones[0].ID, AllocationID: a.ID,
			Amount: 5000000, PaidOn: day, Voucher: "付1"}); err != nil {
			t.Fatal(err)
		}
		check := func() []string {
			t.Helper()
			checked, err := sp.Check(ctx, w.Estate.CityID)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, k := range checked {
				for _, d := range k.Discrepancies {
					out = append(out, d.String())
				}
			}
			return out
		}
		if ds := check(); len(ds) != 0 {
			t.Fatalf("intact books: %v", ds)
		}
		tamper := func(q string) {
			t.Helper()
			if err := db.ExecForTest(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		tamper("UPDATE fund_disbursements SET amount = 5000001")
		ds := strings.Join(check(), "\n")
		for _, want := range []string{"fund_disbursement", "audit", "milestone", "more paid than the milestone"} {
			if !strings.Contains(ds, want) {
				t.Fatalf("payment changed: %q lacks %q", ds, want)
			}
		}
		tamper("UPDATE fund_disbursements SET amount = 5000000")
		if ds := check(); len(ds) != 0 {
			t.Fatalf("restored: %v", ds)
		}
		tamper("UPDATE funding_lines SET status = 'paid' WHERE id = " + strconv.FormatInt(spare.ID, 10))
		if ds := strings.Join(check(), "\n"); !strings.Contains(ds, "funding_line "+strconv.FormatInt(spare.ID, 10)+" status") ||
			!strings.Contains(ds, "funding_line "+strconv.FormatInt(spare.ID, 10)+" audit") {
			t.Fatalf("status changed: %q", ds)
		}
		tamper("UPDATE funding_lines SET status = 'committed' WHERE id = " + strconv.FormatInt(spare.ID, 10))
		tamper("DELETE FROM fund_disbursements")
		if ds := strings.Join(check(), "\n"); !strings.Contains(ds, "estate 0: fund_disbursement") || !strings.Contains(ds, "被删除") {
			t.Fatalf("payment deleted: %q", ds)
		}
	})
}
