package funding_test

import (
	"context"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/internal/testworld"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/planning/plan"
	"github.com/huanxin/huanxin/store"
)

func TestMain(m *testing.M) { testdb.Main(m) }

func TestFundingPlan(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := testworld.New(t, db)
		cat := &planning.CatalogueService{Store: db, Register: w.Register}
		plans := &plan.Service{Store: db, Register: w.Register, Catalogue: cat, Decisions: &decision.Service{Store: db, Register: w.Register}}
		svc := &funding.Service{Store: db, Register: w.Register, Plans: plans, Catalogue: cat}
		p, err := plans.Create(w.Community, w.Estate.ID, "综合改造")
		if err != nil {
			t.Fatal(err)
		}
		// Roof 1,000 m² at 150 yuan and a lift at 700,000 yuan.
		if _, err := plans.SetLines(w.Community, p.ID, []plan.LineInput{{ItemCode: "B14", Quantity: 100000, UnitCost: 15000, Phase: 1},
			{ItemCode: "I15", Quantity: 100, Phase: 2, Zone: []int64{w.B1.ID}}}); err != nil {
			t.Fatal(err)
		}
		add := func(code, source string, amount huanxin.Money) (*funding.Line, error) {
			return svc.Add(w.Community, p.ID, funding.Line{ItemCode: code, Source: source, Amount: amount, Ref: "文件1号"})
		}
		if _, err := add("I15", planning.SourceCentralSubsidy, 100); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("central subsidy for a lift: %v", err)
		}
		if _, err := add("B01", planning.SourceUtility, 100); huanxin.ErrorCode(err) != huanxin.EINVALID || huanxin.ErrorFields(err)[0].Field != "item_code" {
			t.Fatalf("item not in the plan: %v", err)
		}
		if _, err := svc.Add(w.Resident, p.ID, funding.Line{ItemCode: "B14", Source: planning.SourceOwners, Amount: 1}); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("resident commits money: %v", err)
		}
		roof, err := add("B14", planning.SourceCentralSubsidy, 15000000)
		if err != nil || roof.Status != funding.Committed {
			t.Fatalf("roof %+v %v", roof, err)
		}
		owners, err := add("I15", planning.SourceOwners, 20000000)
		if err != nil {
			t.Fatal(err)
		}
		city, err := add("I15", planning.SourceCityBudget, 50000000)
		if err != nil {
			t.Fatal(err)
		}
		f, err := svc.Get(w.Resident, p.ID)
		if err != nil || f.Total.Cost != 85000000 || f.Total.Gap != 0 || len(f.Alerts) != 0 {
			t.Fatalf("funded %+v %v", f.Total, err)
		}
		// Money moves forward only; the city withdraws its share of the lift.
		// Paid follows from payments under contracts, not by hand.
		if err := svc.Advance(w.Community, p.ID, roof.ID, funding.Paid, "拨付凭证 7"); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("paid by hand: %v", err)
		}
		if err := svc.Advance(w.Community, p.ID, roof.ID, funding.Received, "拨付凭证 7"); err != nil {
			t.Fatal(err)
		}
		if err := svc.Advance(w.Community, p.ID, roof.ID, funding.Committed, ""); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("backwards: %v", err)
		}
		if err := svc.Advance(w.Community, p.ID, owners.ID, funding.Received, ""); err != nil {
			t.Fatal(err)
		}
		if err := svc.Withdraw(w.Community, p.ID, city.ID, "市财政调整通知"); err != nil {
			t.Fatal(err)
		}
		f, err = svc.Get(w.Community, p.ID)
		if err != nil || f.Total.Gap != 50000000 || len(f.Alerts) != 1 || f.Alerts[0].ItemCode != "I15" ||
			f.Covers[0].ByStatus[funding.Received] != 15000000 || f.Covers[1].ByStatus[funding.Received] != 20000000 {
			t.Fatalf("after withdrawal %+v %+v %v", f.Total, f.Alerts, err)
		}
		// The city's cut-off year governs the central subsidy.
		if err := db.SetCitySettings(w.System, w.Estate.CityID, map[string]string{funding.SettingCutoffYear: "1980"}, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := add("B14", planning.SourceCentralSubsidy, 100); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("estate of 1982 after a 1980 cut-off: %v", err)
		}
		if b, _, err := db.VerifyAudit(context.Background()); err != nil || b != nil {
			t.Fatalf("audit chain: %+v %v", b, err)
		}
	})
}
