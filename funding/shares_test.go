package funding_test

import (
	"context"
	"errors"
	"math"
	"math/big"
	"slices"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/funding/share"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/internal/testworld"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/planning/plan"
	"github.com/huanxin/huanxin/store"
)

// bank is a payment provider that confirms the receipts it knows.
type bank map[string]huanxin.Money

func (bank) Method() string { return "bank" }
func (b bank) Confirm(_ context.Context, p funding.Payment) error {
	if b[p.Receipt] != p.Amount {
		return errors.New("bank: no such payment")
	}
	return nil
}

// sharesWorld is the test world with parts: building 1 has one dwelling
// per floor 1–6, building 2 three on floor 1; a plan re-roofs the whole
// estate and adds a lift to building 1, with owners' money for both.
type sharesWorld struct {
	*testworld.World
	svc    *funding.Shares
	plan   *plan.Plan
	b1, b2 []*estate.Part
	owner  context.Context // a resident owning the 3rd floor of building 1
}

func newSharesWorld(t *testing.T, db *store.DB) *sharesWorld {
	t.Helper()
	w := testworld.New(t, db)
	cat := &planning.CatalogueService{Store: db, Register: w.Register}
	plans := &plan.Service{Store: db, Register: w.Register, Catalogue: cat, Decisions: &decision.Service{Store: db, Register: w.Register}}
	sw := &sharesWorld{World: w, svc: &funding.Shares{Funding: &funding.Service{Store: db, Register: w.Register, Plans: plans, Catalogue: cat}, Store: db}}
	part := func(b *estate.Building, floor int, room string, area huanxin.Area) *estate.Part {
		t.Helper()
		s := &estate.Stairwell{EstateID: w.Estate.ID, BuildingID: b.ID, No: room}
		if err := w.Register.Stairwells().Create(w.System, s); err != nil {
			t.Fatal(err)
		}
		p := &estate.Part{StairwellID: s.ID, Kind: estate.KindDwelling, Floor: floor, Room: room, Area: area, Sold: true, Delivered: true}
		if err := w.Register.Parts().Create(w.System, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for f := 1; f <= 6; f++ {
		sw.b1 = append(sw.b1, part(w.B1, f, string(rune('0'+f))+"01", huanxin.Area(7000+f*333)))
	}
	for i := 1; i <= 3; i++ {
		sw.b2 = append(sw.b2, part(w.B2, 1, "10"+string(rune('0'+i)), 6000))
	}
	sw.owner = huanxin.NewContextWithActor(context.Background(), &huanxin.Actor{UserID: 9, Role: huanxin.RoleResident,
		Scope: huanxin.Scope{EstateIDs: []int64{w.Estate.ID}, PartIDs: []int64{sw.b1[2].ID}}})
	var err error
	if sw.plan, err = plans.Create(w.Community, w.Estate.ID, "综合改造"); err != nil {
		t.Fatal(err)
	}
	if _, err := plans.SetLines(w.Community, sw.plan.ID, []plan.LineInput{{ItemCode: "B14", Quantity: 100000, UnitCost: 15000, Phase: 1},
		{ItemCode: "I15", Quantity: 100, Phase: 2, Zone: []int64{w.B1.ID}}}); err != nil {
		t.Fatal(err)
	}
	for _, l := range []funding.Line{{ItemCode: "I15", Source: planning.SourceOwners, Amount: 20000000},
		{ItemCode: "B14", Source: planning.SourceOwners, Amount: 1000001}, {ItemCode: "B14", Source: planning.SourceCentralSubsidy, Amount: 13999999}} {
		if _, err := sw.svc.Funding.Add(w.Community, sw.plan.ID, l); err != nil {
			t.Fatal(err)
		}
	}
	return sw
}

func sum(rows []funding.ShareRow) (t huanxin.Money) {
	for _, r := range rows {
		t += r.Amount
	}
	return t
}

var liftCoefficients = map[int]string{1: "0", 2: "0.5", 3: "0.8", 4: "1", 5: "1.2", 6: "1.5"}

func TestOwnersShares(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := newSharesWorld(t, db)
		svc, planID := w.svc, w.plan.ID

		// The lift is shared in building 1 only, by floor coefficients.
		lift, err := svc.Generate(w.Community, planID, "I15", funding.ShareRule{Basis: share.ByFloorCoefficient, Coefficients: liftCoefficients})
		if err != nil {
			t.Fatal(err)
		}
		if lift.Total != 20000000 || len(lift.Rows) != 6 || sum(lift.Rows) != lift.Total || !slices.Equal(lift.Buildings, []int64{w.B1.ID}) {
			t.Fatalf("lift run %+v", lift)
		}
		// Σ coefficients = 5; the ground floor pays nothing, the 3rd 0.8/5.
		if lift.Rows[0].Amount != 0 || lift.Rows[2].Fraction != "4/25" || lift.Rows[2].Amount != 3200000 {
			t.Errorf("lift rows %+v", lift.Rows[:3])
		}
		// Every fraction times the total is the amount to within a fen.
		for _, r := range lift.Rows {
			q, _ := new(big.Rat).SetString(r.Fraction)
			exact := new(big.Rat).Mul(q, big.NewRat(int64(lift.Total), 1))
			diff := new(big.Rat).Sub(exact, big.NewRat(int64(r.Amount), 1))
			if diff.Abs(diff).Cmp(big.NewRat(1, 1)) >= 0 {
				t.Errorf("part %d: %s × total = %s, amount %d", r.PartID, r.Fraction, exact.FloatString(2), r.Amount)
			}
		}
		// A missing floor is named.
		_, err = svc.Generate(w.Community, planID, "I15", funding.ShareRule{Basis: share.ByFloorCoefficient, Coefficients: map[int]string{1: "0"}})
		if huanxin.ErrorCode(err) != huanxin.EINVALID || huanxin.ErrorFields(err)[0].Field != "parts[1].floor" {
			t.Fatalf("missing floor: %v %v", err, huanxin.ErrorFields(err))
		}
		// The roof is shared by the whole estate by area, the odd fen by
		// the largest remainder.
		roof, err := svc.Generate(w.Community, planID, "B14", funding.ShareRule{Basis: share.ByArea})
		if err != nil || len(roof.Rows) != 9 || sum(roof.Rows) != 1000001 || roof.Buildings != nil {
			t.Fatalf("roof %+v %v", roof, err)
		}
		// A rerun replaces the previous run of the item.
		again, err := svc.Generate(w.Community, planID, "I15", funding.ShareRule{Basis: share.Mix, Coefficients: liftCoefficients,
			Portions: map[share.Basis]string{share.ByFloorCoefficient: "70%", share.Equal: "30%"}, Remainder: funding.RemainderLargestWeight})
		if err != nil || sum(again.Rows) != 20000000 || again.Rows[0].Amount != 1000000 {
			t.Fatalf("mix %+v %v", again, err)
		}
		runs, err := svc.Runs(w.Community, planID)
		if err != nil || len(runs) != 2 || runs[0].ItemCode != "B14" || runs[1].ID != again.ID || runs[1].ItemName != "加装电梯" {
			t.Fatalf("runs %+v %v", runs, err)
		}
		if _, _, err := svc.Run(w.Community, lift.ID); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Fatalf("replaced run: %v", err)
		}
		// Residents may not run splits; items without owners' money cannot be split.
		if _, err := svc.Generate(w.owner, planID, "I15", funding.ShareRule{Basis: share.Equal}); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("resident: %v", err)
		}
		if _, err := svc.Generate(w.Community, planID, "B01", funding.ShareRule{Basis: share.Equal}); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("item not in plan: %v", err)
		}

		// The owner sees their own row only, and their statements.
		run, _, err := svc.Run(w.owner, again.ID)
		if err != nil || len(run.Rows) != 1 || run.Rows[0].PartID != w.b1[2].ID {
			t.Fatalf("owner's run %+v %v", run, err)
		}
		if _, err := svc.Statement(w.owner, again.ID, w.b1[3].ID); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Fatalf("neighbour's statement: %v", err)
		}
		mine, err := svc.Mine(w.owner)
		if err != nil || len(mine) != 2 {
			t.Fatalf("mine %+v %v", mine, err)
		}

		// Payments: at most what is due, one receipt number once.
		due := again.Rows[2].Amount
		pay := func(ctx context.Context, part int64, amount huanxin.Money, receipt, method string) error {
			_, err := svc.Pay(ctx, again.ID, funding.Payment{PartID: part, Amount: amount, PaidOn: "2026-03-02", Receipt: receipt, Method: method})
			return err
		}
		if err := pay(w.Community, w.b1[2].ID, due+1, "R1", ""); huanxin.ErrorCode(err) != huanxin.EINVALID || huanxin.ErrorFields(err)[0].Field != "amount" {
			t.Fatalf("overpaid: %v", err)
		}
		if err := pay(w.owner, w.b1[2].ID, 100, "R1", ""); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("resident records: %v", err)
		}
		if err := pay(w.Community, w.b1[2].ID, 100, "R1", ""); err != nil {
			t.Fatal(err)
		}
		if err := pay(w.Community, w.b1[3].ID, 100, "R1", ""); huanxin.ErrorCode(err) != huanxin.EINVALID || huanxin.ErrorFields(err)[0].Field != "receipt" {
			t.Fatalf("receipt twice: %v", err)
		}
		if err := pay(w.Community, w.b1[2].ID, due-100, "B-77", "bank"); huanxin.ErrorCode(err) != huanxin.EINVALID || huanxin.ErrorFields(err)[0].Field != "method" {
			t.Fatalf("no provider: %v", err)
		}
		svc.Payer = bank{"B-77": due - 100}
		if err := pay(w.Community, w.b1[2].ID, due-101, "B-77", "bank"); err == nil {
			t.Fatal("the bank confirmed a payment it did not take")
		}
		if err := pay(w.Community, w.b1[2].ID, due-100, "B-77", "bank"); err != nil {
			t.Fatal(err)
		}
		if err := pay(w.Community, w.b1[4].ID, 5000, "R2", ""); err != nil {
			t.Fatal(err)
		}

		// A rerun keeps the payments, which belong to the plan's item.
		again, err = svc.Generate(w.Community, planID, "I15", funding.ShareRule{Basis: share.Mix, Coefficients: liftCoefficients,
			Portions: map[share.Basis]string{share.ByFloorCoefficient: "70%", share.Equal: "30%"}, Remainder: funding.RemainderLargestWeight})
		if err != nil {
			t.Fatal(err)
		}
		c, err := svc.Collection(w.Community, again.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Total.Households != 6 || c.Total.PaidHouseholds != 1 || c.Total.Paid != due+5000 || c.Total.Due != 20000000 ||
			len(c.Buildings) != 1 || len(c.Unpaid) != 5 || c.Unpaid[3].Paid != 5000 || c.Total.HouseholdPercent() != "16.6" {
			t.Fatalf("collection %+v unpaid %d", c.Total, len(c.Unpaid))
		}
		if _, err := svc.Collection(w.owner, again.ID); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("owner reads collection: %v", err)
		}

		// Each payment tells the ranking the share of the estate's
		// households that owe nothing: b1[2] paid the lift, not yet the
		// roof, so none; once the roof is paid too, 1 of the 9 billed.
		var told []float64
		svc.Paid = func(_ context.Context, cityID, estateID int64, percent float64) error {
			if cityID != w.plan.CityID || estateID != w.plan.EstateID {
				t.Errorf("told of city %d estate %d", cityID, estateID)
			}
			told = append(told, percent)
			return nil
		}
		ri := slices.IndexFunc(roof.Rows, func(r funding.ShareRow) bool { return r.PartID == w.b1[2].ID })
		roofDue := roof.Rows[ri].Amount
		if _, err := svc.Pay(w.Community, roof.ID, funding.Payment{PartID: w.b1[2].ID, Amount: roofDue - 1, PaidOn: "2026-03-03", Receipt: "R3"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Pay(w.Community, roof.ID, funding.Payment{PartID: w.b1[2].ID, Amount: 1, PaidOn: "2026-03-03", Receipt: "R4"}); err != nil {
			t.Fatal(err)
		}
		if len(told) != 2 || told[0] != 0 || math.Abs(told[1]-100.0/9) > 1e-9 {
			t.Errorf("told %v, want [0 11.11…]", told)
		}
		svc.Paid = nil
		st, err := svc.Statement(w.owner, again.ID, w.b1[2].ID)
		if err != nil || st.Due != 0 || st.Paid != due {
			t.Fatalf("statement %+v %v", st, err)
		}

		// The disclosure: sources by status, the gap, the owner's shares.
		d, err := svc.Disclose(w.owner, w.Estate.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Plans) != 1 || d.Total.Cost != 85000000 || d.Total.Gap != 50000000 || len(d.Sources) != 2 ||
			d.Sources[0].Source != planning.SourceCentralSubsidy || d.Sources[1].ByStatus[funding.Committed] != 21000001 || len(d.Mine) != 2 {
			t.Fatalf("disclosure %+v sources %+v mine %d", d.Total, d.Sources, len(d.Mine))
		}
		if b, _, err := db.VerifyAudit(context.Background()); err != nil || b != nil {
			t.Fatalf("audit chain: %+v %v", b, err)
		}
	})
}
