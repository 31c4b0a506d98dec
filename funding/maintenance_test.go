package funding_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/internal/testworld"
	"github.com/huanxin/huanxin/store"
)

// result is a tally with one matter per item and outcome.
func result(ms ...decision.MatterResult) decision.Result { return decision.Result{Matters: ms} }

func matter(item decision.Item, o decision.Outcome) decision.MatterResult {
	return decision.MatterResult{Matter: decision.Matter{Item: item}, Outcome: o}
}

func TestCheckBasis(t *testing.T) {
	announced := &decision.Decision{EstateID: 7, Status: decision.StatusAnnounced}
	final := &decision.Decision{EstateID: 7, Status: decision.StatusFinal}
	for _, c := range []struct {
		name string
		d    *decision.Decision
		r    decision.Result
		item decision.Item
		want string // "" passes; else a word of the field's message
	}{
		{"item 5 passed, announced", announced, result(matter(decision.ItemUseFund, decision.OutcomePassed)), decision.ItemUseFund, ""},
		{"item 5 passed, final, among others", final, result(matter(decision.ItemRebuild, decision.OutcomeFailed),
			matter(decision.ItemUseFund, decision.OutcomePassed)), decision.ItemUseFund, ""},
		{"item 6 passed", final, result(matter(decision.ItemRaiseFund, decision.OutcomePassed)), decision.ItemRaiseFund, ""},
		{"item 5 failed", final, result(matter(decision.ItemUseFund, decision.OutcomeFailed)), decision.ItemUseFund, "did not pass"},
		{"wrong item", final, result(matter(decision.ItemRaiseFund, decision.OutcomePassed)), decision.ItemUseFund, "no matter of item 5"},
		{"item 6 asked, item 5 passed", final, result(matter(decision.ItemUseFund, decision.OutcomePassed)), decision.ItemRaiseFund, "no matter of item 6"},
		{"other estate", &decision.Decision{EstateID: 8, Status: decision.StatusFinal}, result(matter(decision.ItemUseFund, decision.OutcomePassed)),
			decision.ItemUseFund, "another estate"},
		{"only closed", &decision.Decision{EstateID: 7, Status: decision.StatusClosed}, result(matter(decision.ItemUseFund, decision.OutcomePassed)),
			decision.ItemUseFund, "not announced"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := funding.CheckBasis(c.d, c.r, 7, c.item, "decision_id")
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			fs := huanxin.ErrorFields(err)
			if huanxin.ErrorCode(err) != huanxin.EINVALID || len(fs) != 1 || fs[0].Field != "decision_id" || !strings.Contains(fs[0].Message, c.want) {
				t.Fatalf("got %v %+v", err, fs)
			}
		})
	}
}

func TestCheckBalances(t *testing.T) {
	bs := []funding.Balance{{PartID: 1, Amount: 10000}, {PartID: 2, Amount: 500}}
	if err := funding.CheckBalances([]funding.Charge{{PartID: 1, Amount: 10000}, {PartID: 2, Amount: 500}}, bs); err != nil {
		t.Fatalf("exact balances: %v", err)
	}
	err := funding.CheckBalances([]funding.Charge{{PartID: 1, Amount: 10001, BuildingNo: "1", Room: "101"}, {PartID: 3, Amount: 1, BuildingNo: "2", Room: "301"}}, bs)
	fs := huanxin.ErrorFields(err)
	if len(fs) != 2 || !strings.Contains(fs[0].Message, "1号楼101") || !strings.Contains(fs[1].Message, "2号楼301") {
		t.Fatalf("short balances: %v %+v", err, fs)
	}
}

// fakeDecisions answers for decisions by ID; a missing ID is ENOTFOUND.
type fakeDecisions map[int64]struct {
	d *decision.Decision
	r decision.Result
}

func (f fakeDecisions) Get(_ context.Context, id int64) (*decision.Decision, error) {
	if x, ok := f[id]; ok {
		return x.d, nil
	}
	return nil, huanxin.Errorf(huanxin.ENOTFOUND, "not found")
}

func (f fakeDecisions) Result(_ context.Context, id int64) (decision.Result, error) {
	return f[id].r, nil
}

// fundWorld is the test world with four dwellings: building 1 holds 101
// (60.00 m²) and 201 (40.00 m²), building 2 holds 101 and 102.
func fundWorld(t *testing.T, db *store.DB) (*testworld.World, *funding.Maintenance, []*estate.Part) {
	t.Helper()
	w := testworld.New(t, db)
	var parts []*estate.Part
	for _, b := range []*estate.Building{w.B1, w.B2} {
		s := &estate.Stairwell{EstateID: w.Estate.ID, BuildingID: b.ID, No: "1"}
		if err := w.Register.Stairwells().Create(w.System, s); err != nil {
			t.Fatal(err)
		}
		for i, room := range []string{"101", "201"} {
			p := &estate.Part{EstateID: w.Estate.ID, BuildingID: b.ID, StairwellID: s.ID, Kind: estate.KindDwelling, Floor: i + 1, Room: room,
				Area: huanxin.Area(6000 - 2000*i), AreaSource: estate.SourceRegister, Sold: true, Delivered: true}
			if err := w.Register.Parts().Create(w.System, p); err != nil {
				t.Fatal(err)
			}
			parts = append(parts, p)
		}
	}
	decs := fakeDecisions{
		1: {&decision.Decision{EstateID: w.Estate.ID, Status: decision.StatusFinal}, result(matter(decision.ItemUseFund, decision.OutcomePassed))},
		2: {&decision.Decision{EstateID: w.Estate.ID, Status: decision.StatusFinal}, result(matter(decision.ItemUseFund, decision.OutcomeFailed))},
		3: {&decision.Decision{EstateID: w.Estate.ID + 1, Status: decision.StatusFinal}, result(matter(decision.ItemUseFund, decision.OutcomePassed))},
		4: {&decision.Decision{EstateID: w.Estate.ID, Status: decision.StatusFinal}, result(matter(decision.ItemRaiseFund, decision.OutcomePassed))},
	}
	return w, &funding.Maintenance{Store: db, Register: w.Register, Decisions: decs}, parts
}

func TestMaintenanceFund(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w, svc, parts := fundWorld(t, db)
		asOf := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
		imp := func(ctx context.Context, csv string) (int, error) {
			return svc.ImportBalances(ctx, w.Estate.ID, asOf, strings.NewReader(csv), "余额.csv")
		}
		// All or nothing: the error names row and column of each bad cell.
		_, err := imp(w.Community, "楼栋号,房号,余额(元)\n1,101,100.00\n1,999,5\n2,101,1.234\n1,101,3\n")
		msg := err.Error()
		if huanxin.ErrorCode(err) != huanxin.EINVALID || !strings.Contains(msg, "第3行 B列 房号") || !strings.Contains(msg, "999") ||
			!strings.Contains(msg, "第4行 C列 余额(元)") || !strings.Contains(msg, "第5行 B列") {
			t.Fatalf("bad import: %v", err)
		}
		if bs, _ := svc.Balances(w.Community, w.Estate.ID); len(bs) != 0 {
			t.Fatalf("a bad file stored %+v", bs)
		}
		if _, err := imp(w.Resident, "楼栋号,房号,余额(元)\n1,101,1\n"); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("resident imports: %v", err)
		}
		n, err := imp(w.Community, "楼栋号,房号,余额(元)\n1,101,\"1,000.01\"\n1,201,500.00\n2,101,300\n2,201,0.05\n")
		if err != nil || n != 4 {
			t.Fatal(n, err)
		}
		bs, err := svc.Balances(w.Resident, w.Estate.ID)
		if err != nil || len(bs) != 6 || bs[0].PartID != 0 || bs[0].Amount != 150001 || bs[1].Amount != 100001 || bs[3].Amount != 30005 ||
			!bs[0].AsOf.Equal(asOf) {
			t.Fatalf("balances %+v %v", bs, err)
		}

		use := func(in funding.UseInput) (*funding.FundUse, error) {
			return svc.RequestUse(w.Community, w.Estate.ID, in)
		}
		field := func(err error) string {
			if fs := huanxin.ErrorFields(err); len(fs) > 0 {
				return fs[0].Field
			}
			return ""
		}
		for id, why := range map[int64]string{2: "not passed", 3: "other estate", 4: "wrong item", 99: "missing"} {
			if _, err := use(funding.UseInput{Purpose: "屋面防水", Amount: 100, Buildings: []int64{w.B1.ID}, Basis: funding.BasisDecision,
				DecisionID: id}); huanxin.ErrorCode(err) != huanxin.EINVALID || field(err) != "decision_id" {
				t.Fatalf("%s: %v", why, err)
			}
		}
		_, err = use(funding.UseInput{Purpose: "水泵抢修", Amount: 100, Buildings: []int64{w.B1.ID}, Basis: funding.BasisEmergency,
			Emergency: "水泵损坏", Approvals: []funding.Approval{{Name: "张三", Role: "业主委员会", On: asOf}}})
		if field(err) != "approvals" {
			t.Fatalf("one approval: %v", err)
		}
		// Building 1 by area 60:40 — 1,500.01 yuan is more than 500.00 of 201 can bear.
		_, err = use(funding.UseInput{Purpose: "屋面防水", Amount: 150001, Buildings: []int64{w.B1.ID}, Basis: funding.BasisDecision, DecisionID: 1})
		if field(err) != "amount" || !strings.Contains(huanxin.ErrorFields(err)[0].Message, "1号楼201") {
			t.Fatalf("over the balance: %v", err)
		}
		u, err := use(funding.UseInput{Purpose: "屋面防水", Amount: 100001, Buildings: []int64{w.B1.ID}, Basis: funding.BasisDecision, DecisionID: 1})
		if err != nil || len(u.Charges) != 2 || u.Charges[0].Amount+u.Charges[1].Amount != 100001 || u.Charges[0].Amount != 60001 {
			t.Fatalf("use %+v %v", u, err)
		}
		em, err := use(funding.UseInput{Purpose: "水泵抢修", Parts: map[int64]huanxin.Money{parts[2].ID: 30000}, Basis: funding.BasisEmergency,
			Emergency: "二次供水水泵烧毁，停水", Approvals: []funding.Approval{{Name: "张三", Role: "业主委员会", On: asOf}, {Name: "李四", Role: "区房管局", On: asOf}}})
		if err != nil || em.Amount != 30000 {
			t.Fatalf("emergency %+v %v", em, err)
		}
		if _, err := svc.Advance(w.Community, w.Estate.ID, u.ID, funding.UsePaid); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("paid before approval: %v", err)
		}
		for _, to := range []funding.UseStatus{funding.UseApproved, funding.UsePaid} {
			if _, err := svc.Advance(w.Community, w.Estate.ID, u.ID, to); err != nil {
				t.Fatal(to, err)
			}
		}
		bs, _ = svc.Balances(w.Community, w.Estate.ID)
		if bs[0].Amount != 50000 || bs[1].Amount != 40000 || bs[2].Amount != 10000 || bs[4].Amount != 30000 {
			t.Fatalf("after paying %+v", bs)
		}
		// A new statement lowers 2号楼101 below the emergency's charge: paying it is refused, nothing changes.
		if _, err := imp(w.Community, "楼栋号,房号,余额(元)\n2,101,299.99\n"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Advance(w.Community, w.Estate.ID, em.ID, funding.UseApproved); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Advance(w.Community, w.Estate.ID, em.ID, funding.UsePaid); field(err) != "amount" {
			t.Fatalf("paid over the balance: %v", err)
		}
		uses, err := svc.Uses(w.Resident, w.Estate.ID)
		if err != nil || len(uses) != 2 || uses[0].Status != funding.UseApproved || len(uses[0].Approvals) != 2 || uses[1].Status != funding.UsePaid ||
			uses[1].DecisionID != 1 || len(uses[1].Buildings) != 1 || len(uses[1].Charges) != 2 {
			t.Fatalf("uses %+v %v", uses, err)
		}

		if _, err := svc.Raise(w.Community, w.Estate.ID, funding.RaiseInput{DecisionID: 1, Purpose: "续筹", Amount: 1000, Buildings: []int64{w.B2.ID}}); field(err) != "decision_id" {
			t.Fatalf("raise under an item-5 decision: %v", err)
		}
		r, err := svc.Raise(w.Community, w.Estate.ID, funding.RaiseInput{DecisionID: 4, Purpose: "续筹", Amount: 100000, Buildings: []int64{w.B2.ID}})
		if err != nil || len(r.Charges) != 2 || r.Charges[0].Amount != 60000 {
			t.Fatalf("raise %+v %v", r, err)
		}
		rs, err := svc.Raises(w.Resident, w.Estate.ID)
		if err != nil || len(rs) != 1 || rs[0].Charges[1].Amount != 40000 {
			t.Fatalf("raises %+v %v", rs, err)
		}
	})
}

// Where two units of a building have the same room number, a balance row
// names the unit; without it the row is refused, pointing at the unit.
func TestMaintenanceBalancesByUnit(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w, svc, parts := fundWorld(t, db)
		s := &estate.Stairwell{EstateID: w.Estate.ID, BuildingID: w.B2.ID, No: "2"}
		if err := w.Register.Stairwells().Create(w.System, s); err != nil {
			t.Fatal(err)
		}
		other := &estate.Part{EstateID: w.Estate.ID, BuildingID: w.B2.ID, StairwellID: s.ID, Kind: estate.KindDwelling, Floor: 1, Room: "101",
			Area: 5000, AreaSource: estate.SourceRegister, Sold: true, Delivered: true}
		if err := w.Register.Parts().Create(w.System, other); err != nil {
			t.Fatal(err)
		}
		imp := func(csv string) (int, error) {
			return svc.ImportBalances(w.Community, w.Estate.ID, time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC), strings.NewReader(csv), "余额.csv")
		}
		_, err := imp("楼栋号,房号,余额(元)\n1,101,1\n2,101,2\n")
		if msg := err.Error(); huanxin.ErrorCode(err) != huanxin.EINVALID || !strings.Contains(msg, "第3行") || !strings.Contains(msg, "单元号") {
			t.Fatalf("a room of two units without its unit: %v", err)
		}
		_, err = imp("楼栋号,单元号,房号,余额(元)\n2,3,101,2\n")
		if msg := err.Error(); huanxin.ErrorCode(err) != huanxin.EINVALID || !strings.Contains(msg, "3单元没有房号 101") {
			t.Fatalf("an unknown unit: %v", err)
		}
		n, err := imp("楼栋号,单元号,房号,余额(元)\n1,,101,1\n2,1,101,2\n2,2,101,3\n")
		if err != nil || n != 3 {
			t.Fatal(n, err)
		}
		bs, err := svc.Balances(w.Community, w.Estate.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64]huanxin.Money{}
		for _, b := range bs {
			got[b.PartID] = b.Amount
		}
		if got[parts[0].ID] != 100 || got[parts[2].ID] != 200 || got[other.ID] != 300 {
			t.Fatalf("balances %+v", bs)
		}
	})
}
