package store_test

import (
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/internal/testworld"
	"github.com/huanxin/huanxin/store"
)

// Balances are replaced per dwelling; paying a use takes its charges from
// the balances or, when one falls short, changes nothing; a use moves only
// from the status it was read in; every write is audited.
func TestMaintenanceFundStore(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := testworld.New(t, db)
		ctx, e := w.System, w.Estate
		s := &estate.Stairwell{EstateID: e.ID, BuildingID: w.B1.ID, No: "1"}
		if err := w.Register.Stairwells().Create(ctx, s); err != nil {
			t.Fatal(err)
		}
		var parts []*estate.Part
		for _, room := range []string{"101", "102"} {
			p := &estate.Part{EstateID: e.ID, BuildingID: w.B1.ID, StairwellID: s.ID, Kind: estate.KindDwelling, Floor: 1, Room: room, Area: 5000,
				AreaSource: estate.SourceRegister}
			if err := w.Register.Parts().Create(ctx, p); err != nil {
				t.Fatal(err)
			}
			parts = append(parts, p)
		}
		asOf := time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)
		put := func(a, b huanxin.Money) {
			t.Helper()
			if err := db.PutFundBalances(ctx, e.CityID, e.ID, []funding.Balance{{BuildingID: w.B1.ID, PartID: parts[0].ID, Amount: a, AsOf: asOf},
				{BuildingID: w.B1.ID, PartID: parts[1].ID, Amount: b, AsOf: asOf}}, 1); err != nil {
				t.Fatal(err)
			}
		}
		put(1, 2)
		put(10000, 5000)
		bs, err := db.FundBalances(ctx, e.CityID, e.ID)
		if err != nil || len(bs) != 2 || bs[0].Amount != 10000 || bs[1].Room != "102" || bs[1].BuildingNo != "1" || !bs[1].AsOf.Equal(asOf) {
			t.Fatalf("balances %+v %v", bs, err)
		}
		u := &funding.FundUse{CityID: e.CityID, EstateID: e.ID, Purpose: "抢修", Amount: 9000, Basis: funding.BasisEmergency, Emergency: "爆管",
			Approvals: []funding.Approval{{Name: "甲", Role: "业委会", On: asOf}, {Name: "乙", Role: "房管局", On: asOf}}, Status: funding.UseApproved,
			Charges: []funding.Charge{{PartID: parts[0].ID, Amount: 4000}, {PartID: parts[1].ID, Amount: 5000}}, CreatedBy: 1}
		if err := db.CreateFundUse(ctx, u); err != nil {
			t.Fatal(err)
		}
		got, err := db.FundUse(ctx, e.CityID, u.ID)
		if err != nil || got.DecisionID != 0 || len(got.Approvals) != 2 || !got.Approvals[1].On.Equal(asOf) || len(got.Charges) != 2 ||
			got.Charges[1].Room != "102" || got.Charges[1].Amount != 5000 {
			t.Fatalf("read back %+v %v", got, err)
		}
		put(10000, 4999)
		got.Status, got.PaidBy = funding.UsePaid, 1
		if err := db.AdvanceFundUse(ctx, got, funding.UseApproved); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("paid over a balance: %v", err)
		}
		if again, _ := db.FundUse(ctx, e.CityID, u.ID); again.Status != funding.UseApproved {
			t.Fatalf("a refused payment changed the use: %+v", again)
		}
		put(10000, 5000)
		if err := db.AdvanceFundUse(ctx, got, funding.UseApproved); err != nil {
			t.Fatal(err)
		}
		if err := db.AdvanceFundUse(ctx, got, funding.UseApproved); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("paid twice: %v", err)
		}
		bs, _ = db.FundBalances(ctx, e.CityID, e.ID)
		if bs[0].Amount != 6000 || bs[1].Amount != 0 {
			t.Fatalf("after paying %+v", bs)
		}
		r := &funding.FundRaise{CityID: e.CityID, EstateID: e.ID, DecisionID: 77, Purpose: "续筹", Amount: 3, Buildings: []int64{w.B1.ID},
			Charges: []funding.Charge{{PartID: parts[0].ID, Amount: 2}, {PartID: parts[1].ID, Amount: 1}}, CreatedBy: 1}
		if err := db.CreateFundRaise(ctx, r); err != nil {
			t.Fatal(err)
		}
		rs, err := db.FundRaises(ctx, e.CityID, e.ID)
		if err != nil || len(rs) != 1 || rs[0].DecisionID != 77 || rs[0].Buildings[0] != w.B1.ID || len(rs[0].Charges) != 2 {
			t.Fatalf("raises %+v %v", rs, err)
		}
		for entity, want := range map[string]int{"fund_balances": 4, "fund_use": 2, "fund_raise": 1} {
			if _, n, err := db.FindAudit(ctx, audit.Filter{Entity: entity}, nil); err != nil || n != want {
				t.Fatalf("audit of %s: %d %v", entity, n, err)
			}
		}
		if b, _, err := db.VerifyAudit(ctx); err != nil || b != nil {
			t.Fatalf("audit chain: %+v %v", b, err)
		}
	})
}
