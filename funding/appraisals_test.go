package funding_test

import (
	"context"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/funding/appraise"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/internal/testworld"
	"github.com/huanxin/huanxin/store"
)

// parkingModel is a ten-year concession: 1,000,000 yuan of works, parking
// and charging income, a loan of 600,000 at 4.2 %.
func parkingModel() appraise.Model {
	return appraise.Model{
		Years:          10,
		CapitalCost:    []float64{1000000},
		Revenues:       []appraise.Item{{Category: appraise.RevenueParking, Values: []float64{0, 200000, 200000, 200000, 200000, 200000, 200000, 200000, 200000, 200000}}},
		OperatingCosts: []appraise.Item{{Category: "operation", Values: []float64{0, 40000, 40000, 40000, 40000, 40000, 40000, 40000, 40000, 40000}}},
		Loan:           appraise.Loan{Principal: 600000, Rate: 0.042, Term: 5, Repayment: appraise.EqualInstalments},
		TaxRate:        0.25,
		DiscountRate:   0.06,
	}
}

func TestAppraisals(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := testworld.New(t, db)
		svc := &funding.Appraisals{Store: db, Register: w.Register}
		if _, err := svc.Create(w.Resident, w.Estate.ID, "停车", parkingModel()); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("resident creates: %v", err)
		}
		bad := parkingModel()
		bad.Years = 1
		_, err := svc.Create(w.Community, w.Estate.ID, " ", bad)
		fields := map[string]bool{}
		for _, f := range huanxin.ErrorFields(err) {
			fields[f.Field] = true
		}
		if huanxin.ErrorCode(err) != huanxin.EINVALID || !fields["title"] || !fields["years"] {
			t.Fatalf("invalid: %v %v", err, fields)
		}
		a, err := svc.Create(w.Community, w.Estate.ID, " 停车场特许经营 ", parkingModel())
		if err != nil || a.ID == 0 || a.Title != "停车场特许经营" || a.CityID != w.Estate.CityID {
			t.Fatalf("create %+v %v", a, err)
		}
		other := huanxin.NewContextWithActor(context.Background(), &huanxin.Actor{UserID: 5, Role: huanxin.RoleCommunity,
			Scope: huanxin.Scope{Paths: []string{"/999999/"}}})
		if _, err := svc.Get(other, a.ID); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Fatalf("out of scope get: %v", err)
		}
		if _, err := svc.List(other, w.Estate.ID); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Fatalf("out of scope list: %v", err)
		}
		m := parkingModel()
		m.Revenues = append(m.Revenues, appraise.Item{Category: appraise.RevenueCharging, Values: []float64{0, 50000}})
		if _, err := svc.Update(w.Street, a.ID, "停车与充电", m); err != nil {
			t.Fatal(err)
		}
		list, err := svc.List(w.Community, w.Estate.ID)
		if err != nil || len(list) != 1 || list[0].Title != "停车与充电" || len(list[0].Model.Revenues) != 2 ||
			list[0].Model.Loan.Repayment != appraise.EqualInstalments || list[0].Model.Revenues[1].Values[1] != 50000 {
			t.Fatalf("list %+v %v", list, err)
		}
		got, err := svc.Appraise(w.Community, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := m.Appraise()
		if !got.Result.HasIRR || got.Result.IRR != want.IRR || got.Result.NPV != want.NPV || len(got.Result.Table) != 10 ||
			len(got.Sensitivity) != len(appraise.SensitivityScenarios()) {
			t.Fatalf("appraised %+v", got.Result)
		}
	})
}
