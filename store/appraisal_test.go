package store_test

import (
	"context"
	"reflect"
	"strconv"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/funding/appraise"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/store"
)

func TestAppraisalStore(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		ctx := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
		w := mustWorld(t, db)
		a := &funding.Appraisal{CityID: w.city.ID, EstateID: w.estA.ID, Title: "停车", CreatedBy: 7, Model: appraise.Model{
			Years: 3, CapitalCost: []float64{1000.5}, Revenues: []appraise.Item{{Category: appraise.RevenueParking, Values: []float64{0, 800, 800}}},
			Loan: appraise.Loan{Principal: 500, Rate: 0.042, Term: 2, Repayment: appraise.EqualPrincipal}, TaxRate: 0.25, DiscountRate: 0.06}}
		if err := db.CreateAppraisal(ctx, a); err != nil || a.ID == 0 || a.Created.IsZero() {
			t.Fatalf("create: %v %+v", err, a)
		}
		inA := huanxin.Scope{Paths: []string{w.distA.Path}}
		got, err := db.FindAppraisalByID(ctx, inA, a.ID)
		if err != nil || !reflect.DeepEqual(got, a) {
			t.Fatalf("round trip: %v\n%+v\n%+v", err, got, a)
		}
		if _, err := db.FindAppraisalByID(ctx, huanxin.Scope{Paths: []string{w.distB.Path}}, a.ID); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Fatalf("out of scope: %v", err)
		}
		a.Title, a.Model.Years = "停车与充电", 4
		if err := db.UpdateAppraisal(ctx, a, 8); err != nil {
			t.Fatal(err)
		}
		list, err := db.FindAppraisals(ctx, inA, w.estA.ID)
		if err != nil || len(list) != 1 || !reflect.DeepEqual(list[0], a) {
			t.Fatalf("list: %v %+v", err, list)
		}
		if list, err := db.FindAppraisals(ctx, huanxin.Scope{Paths: []string{w.distB.Path}}, w.estA.ID); err != nil || len(list) != 0 {
			t.Fatalf("list out of scope: %v %d", err, len(list))
		}
		var audited int
		if err := db.QueryRowForTest(ctx, "SELECT COUNT(*) FROM audit WHERE entity = 'appraisal' AND entity_id = "+strconv.FormatInt(a.ID, 10)).Scan(&audited); err != nil || audited != 2 {
			t.Fatalf("audited %d %v", audited, err)
		}

		// Custom scenarios: kept in the order added, names unique per
		// appraisal, every change audited.
		sc := &funding.AppraisalScenario{CityID: a.CityID, AppraisalID: a.ID, CreatedBy: 7,
			Scenario: appraise.Scenario{Name: "充电桩收入减半", RevenueChange: -0.5, LoanRateChange: 0.0125}}
		if err := db.CreateAppraisalScenario(ctx, sc); err != nil || sc.ID == 0 {
			t.Fatalf("create scenario: %v", err)
		}
		dup := &funding.AppraisalScenario{CityID: a.CityID, AppraisalID: a.ID, Scenario: appraise.Scenario{Name: sc.Name}}
		if err := db.CreateAppraisalScenario(ctx, dup); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("same name: %v", err)
		}
		sc.Name, sc.CostChange, sc.SubsidyChange, sc.DiscountRateChange = "成本上升", 0.1, -1, -0.005
		if err := db.UpdateAppraisalScenario(ctx, sc, 8); err != nil {
			t.Fatal(err)
		}
		other := &funding.AppraisalScenario{CityID: a.CityID, AppraisalID: a.ID, Scenario: appraise.Scenario{Name: "乐观"}}
		if err := db.CreateAppraisalScenario(ctx, other); err != nil {
			t.Fatal(err)
		}
		scs, err := db.AppraisalScenarios(ctx, a.CityID, a.ID)
		if err != nil || len(scs) != 2 || !reflect.DeepEqual(scs[0], sc) || scs[1].Name != "乐观" {
			t.Fatalf("scenarios: %v %+v", err, scs)
		}
		if err := db.DeleteAppraisalScenario(ctx, other, 8); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteAppraisalScenario(ctx, other, 8); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Fatalf("delete twice: %v", err)
		}
		if scs, err := db.AppraisalScenarios(ctx, a.CityID, a.ID); err != nil || len(scs) != 1 {
			t.Fatalf("after delete: %v %d", err, len(scs))
		}
		if err := db.QueryRowForTest(ctx, "SELECT COUNT(*) FROM audit WHERE entity = 'appraisal_scenario'").Scan(&audited); err != nil || audited != 4 {
			t.Fatalf("scenarios audited %d %v", audited, err)
		}
	})
}
