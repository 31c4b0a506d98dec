package appraise

import (
	"math"
	"strings"
	"testing"

	"github.com/huanxin/huanxin"
)

func approx(a, b float64) bool { return math.Abs(a-b) <= 1e-9*(1+math.Abs(b)) }

// A three-year model computed by hand: 1000 built in year 0 with a loan
// of 1000 at 10 % over two years; 800 revenue and 100 cost in years 1 and 2;
// depreciation 500 a year; tax 25 % on profit.
func smallModel(rep Repayment) Model {
	return Model{
		Name:           "small",
		Years:          3,
		CapitalCost:    []float64{1000},
		Revenues:       []Item{{Category: RevenueParking, Values: []float64{0, 500, 500}}, {Category: RevenueCharging, Values: []float64{0, 300, 300}}},
		OperatingCosts: []Item{{Category: "maintenance", Values: []float64{0, 100, 100}}},
		Loan:           Loan{Principal: 1000, Rate: 0.1, Term: 2, Repayment: rep},
		TaxRate:        0.25,
		DiscountRate:   0.08,
	}
}

func TestAppraiseEqualPrincipal(t *testing.T) {
	r, err := smallModel(EqualPrincipal).Appraise()
	if err != nil {
		t.Fatal(err)
	}
	// Year 1: interest 100, principal 500; profit 700 − 100 − 500 = 100,
	// tax 25, CFADS 675, DSCR 675/600. Year 2: interest 50, principal 500;
	// profit 150, tax 37.5, CFADS 662.5, DSCR 662.5/550.
	want := []Year{
		{Year: 0, CapitalCost: 1000, Drawdown: 1000, Balance: 1000, ProjectFlow: -1000, EquityFlow: 0},
		{Year: 1, Revenue: 800, OperatingCost: 100, EBITDA: 700, Depreciation: 500, Interest: 100, Principal: 500, DebtService: 600, Tax: 25, CFADS: 675, DSCR: 1.125, Balance: 500, ProjectFlow: 675, EquityFlow: 75, Cumulative: 75},
		{Year: 2, Revenue: 800, OperatingCost: 100, EBITDA: 700, Depreciation: 500, Interest: 50, Principal: 500, DebtService: 550, Tax: 37.5, CFADS: 662.5, DSCR: 662.5 / 550, Balance: 0, ProjectFlow: 662.5, EquityFlow: 112.5, Cumulative: 187.5},
	}
	for i, w := range want {
		g := r.Table[i]
		for _, f := range []struct {
			name      string
			got, want float64
		}{
			{"revenue", g.Revenue, w.Revenue}, {"opex", g.OperatingCost, w.OperatingCost}, {"ebitda", g.EBITDA, w.EBITDA},
			{"depreciation", g.Depreciation, w.Depreciation}, {"interest", g.Interest, w.Interest}, {"principal", g.Principal, w.Principal},
			{"debt service", g.DebtService, w.DebtService}, {"tax", g.Tax, w.Tax}, {"cfads", g.CFADS, w.CFADS}, {"dscr", g.DSCR, w.DSCR},
			{"balance", g.Balance, w.Balance}, {"project", g.ProjectFlow, w.ProjectFlow}, {"equity", g.EquityFlow, w.EquityFlow},
			{"capital", g.CapitalCost, w.CapitalCost}, {"drawdown", g.Drawdown, w.Drawdown}, {"cumulative", g.Cumulative, w.Cumulative},
		} {
			if !approx(f.got, f.want) {
				t.Errorf("year %d %s = %g, want %g", i, f.name, f.got, f.want)
			}
		}
	}
	if r.Table[1].Revenues[0] != 500 || r.Table[1].Revenues[1] != 300 || r.Table[1].Costs[0] != 100 {
		t.Errorf("categories %v %v", r.Table[1].Revenues, r.Table[1].Costs)
	}
	if r.MinDSCRYear != 1 || !approx(r.MinDSCR, 1.125) {
		t.Errorf("min DSCR %g in year %d", r.MinDSCR, r.MinDSCRYear)
	}
	// Equity flows 0, 75, 112.5 never change sign: no IRR, with the reason.
	if r.HasIRR || !strings.Contains(r.IRRNote, "没有内部收益率") {
		t.Errorf("IRR %v %g %q", r.HasIRR, r.IRR, r.IRRNote)
	}
	if !approx(r.NPV, 75/1.08+112.5/1.08/1.08) {
		t.Errorf("NPV %g", r.NPV)
	}
	if !r.HasProjectIRR || !approx(NPV(r.ProjectIRR, r.ProjectFlows()), 0) {
		t.Errorf("project IRR %v %g", r.HasProjectIRR, r.ProjectIRR)
	}
	if !r.Payback.Reached || r.Payback.Years != 0 {
		t.Errorf("payback %v", r.Payback)
	}
}

func TestAppraiseEqualInstalments(t *testing.T) {
	r, err := smallModel(EqualInstalments).Appraise()
	if err != nil {
		t.Fatal(err)
	}
	a := 1000 * 0.1 / (1 - 1/1.21) // 576.19…
	if y := r.Table[1]; !approx(y.DebtService, a) || !approx(y.Interest, 100) || !approx(y.Principal, a-100) {
		t.Errorf("year 1 %+v, instalment %g", y, a)
	}
	if y := r.Table[2]; !approx(y.DebtService, a) || !approx(y.Interest, (1000-(a-100))*0.1) || y.Balance != 0 {
		t.Errorf("year 2 %+v", y)
	}
}

func TestAppraiseNoLoan(t *testing.T) {
	m := smallModel(EqualPrincipal)
	m.Loan = Loan{}
	m.TaxRate = 0
	r, err := m.Appraise()
	if err != nil {
		t.Fatal(err)
	}
	// −1000, 700, 700: IRR solves 700x² + 700x = 1000.
	x := (-700 + math.Sqrt(700*700+4*700*1000)) / (2 * 700)
	if !r.HasIRR || math.Abs(r.IRR-(1/x-1)) > 1e-12 {
		t.Errorf("IRR %g, want %g", r.IRR, 1/x-1)
	}
	if r.MinDSCRYear != -1 {
		t.Errorf("min DSCR year %d without a loan", r.MinDSCRYear)
	}
	if !r.Payback.Reached || !approx(r.Payback.Years, 1+300.0/700) {
		t.Errorf("payback %v", r.Payback)
	}
	if !r.DiscountedPayback.Reached || r.DiscountedPayback.Years <= r.Payback.Years {
		t.Errorf("discounted payback %v", r.DiscountedPayback)
	}
}

// concession is a 20- or 30-year model of a renovated estate.
func concession(years int) Model {
	rev := func(base, growth float64) []float64 {
		v := make([]float64, years)
		for t := 2; t < years; t++ {
			v[t] = base * math.Pow(1+growth, float64(t-2))
		}
		return v
	}
	capex := make([]float64, years)
	capex[0], capex[1] = 12e6, 6e6
	capex[years/2] = 2e6 // mid-term renewal of chargers and lifts
	return Model{
		Name:        "某小区停车充电养老特许经营",
		Years:       years,
		CapitalCost: capex,
		Revenues: []Item{
			{Category: RevenueParking, Values: rev(1.2e6, 0.02)},
			{Category: RevenueCharging, Values: rev(0.6e6, 0.05)},
			{Category: RevenueAdvertising, Values: rev(0.1e6, 0)},
			{Category: RevenueElderlyCare, Values: rev(0.8e6, 0.03)},
			{Category: RevenuePropertyServices, Values: rev(0.5e6, 0.02)},
			{Category: RevenueOther, Values: rev(0.05e6, 0)},
		},
		OperatingCosts: []Item{
			{Category: "staff", Values: rev(0.9e6, 0.03)},
			{Category: "energy", Values: rev(0.3e6, 0.02)},
			{Category: "maintenance", Values: rev(0.2e6, 0.02)},
		},
		Subsidies:    []float64{0, 3e6, 0.2e6, 0.2e6, 0.2e6},
		Loan:         Loan{Principal: 10e6, Rate: 0.042, Term: 15, Repayment: EqualInstalments, Year: 1},
		TaxRate:      0.25,
		DiscountRate: 0.06,
	}
}

func TestConcessionConsistency(t *testing.T) {
	for _, years := range []int{20, 30} {
		for _, rep := range []Repayment{EqualInstalments, EqualPrincipal} {
			m := concession(years)
			m.Loan.Repayment = rep
			r, err := m.Appraise()
			if err != nil {
				t.Fatal(err)
			}
			var principal, drawn float64
			for _, y := range r.Table {
				principal += y.Principal
				drawn += y.Drawdown
				if !approx(y.EquityFlow, y.Revenue+y.Subsidy-y.OperatingCost-y.Tax-y.CapitalCost+y.Drawdown-y.Interest-y.Principal) {
					t.Fatalf("year %d: equity flow does not add up", y.Year)
				}
				if y.Tax < 0 {
					t.Fatalf("year %d: negative tax", y.Year)
				}
			}
			if !approx(principal, 10e6) || !approx(drawn, 10e6) || math.Abs(r.Table[years-1].Balance) > 1e-6 {
				t.Errorf("%d %s: repaid %g of %g, balance %g", years, rep, principal, drawn, r.Table[years-1].Balance)
			}
			if !r.HasIRR {
				t.Fatalf("%d years: %s", years, r.IRRNote)
			}
			if v := NPV(r.IRR, r.EquityFlows()); math.Abs(v) > 1e-3 {
				t.Errorf("NPV at IRR %g", v)
			}
			if r.MinDSCRYear < 2 || r.MinDSCR <= 0 {
				t.Errorf("min DSCR %g in %d", r.MinDSCR, r.MinDSCRYear)
			}
			t.Logf("%d years %s: NPV %.0f IRR %s project IRR %s payback %s discounted %s min DSCR %.3f (year %d)",
				years, rep, r.NPV, Percent(r.IRR), Percent(r.ProjectIRR), r.Payback, r.DiscountedPayback, r.MinDSCR, r.MinDSCRYear)
		}
	}
}

func TestSensitivity(t *testing.T) {
	m := concession(20)
	before := m.Revenues[0].Values[5]
	out, err := Sensitivity(m)
	if err != nil {
		t.Fatal(err)
	}
	if m.Revenues[0].Values[5] != before {
		t.Fatal("Sensitivity changed the model")
	}
	if len(out) != 9 {
		t.Fatalf("%d rows", len(out))
	}
	base := out[0].Result
	npv := func(i int) float64 { return out[i].Result.NPV }
	irr := func(i int) float64 { return out[i].Result.IRR }
	for _, c := range []struct {
		name string
		ok   bool
	}{
		{"revenue +20% raises NPV and IRR", npv(1) > base.NPV && irr(1) > base.IRR},
		{"revenue −20% lowers NPV and IRR", npv(2) < base.NPV && irr(2) < base.IRR},
		{"cost +20% lowers NPV", npv(3) < base.NPV && irr(3) < base.IRR},
		{"cost −20% raises NPV", npv(4) > base.NPV && irr(4) > base.IRR},
		{"discount rate +1pt lowers NPV", npv(5) < base.NPV},
		{"discount rate −1pt raises NPV", npv(6) > base.NPV},
		{"discount rate leaves IRR", irr(5) == base.IRR && irr(6) == base.IRR},
		{"loan rate +1pt lowers NPV", npv(7) < base.NPV},
		{"loan rate −1pt raises NPV", npv(8) > base.NPV},
	} {
		if !c.ok {
			t.Errorf("%s", c.name)
		}
	}
	// Revenue +20 % is exactly the model with revenues scaled by hand.
	h := concession(20)
	for i := range h.Revenues {
		for t := range h.Revenues[i].Values {
			h.Revenues[i].Values[t] *= 1.2
		}
	}
	r, err := h.Appraise()
	if err != nil {
		t.Fatal(err)
	}
	if !approx(r.NPV, npv(1)) {
		t.Errorf("revenue +20%%: %g vs %g", r.NPV, npv(1))
	}
	for _, o := range out {
		t.Logf("%-28s NPV %14.0f IRR %s min DSCR %.3f", o.Scenario.Name, o.Result.NPV, Percent(o.Result.IRR), o.Result.MinDSCR)
	}
}

func TestScenarioNames(t *testing.T) {
	out, err := RunScenarios(concession(20), []Scenario{{Name: "悲观 pessimistic", RevenueChange: -0.3, CostChange: 0.1, SubsidyChange: -1}})
	if err != nil {
		t.Fatal(err)
	}
	if out[0].Result.NPV >= 0 {
		t.Errorf("pessimistic NPV %g", out[0].Result.NPV)
	}
	if m := (Scenario{Name: "x"}).Apply(concession(20)); !strings.HasSuffix(m.Name, " · x") {
		t.Errorf("name %q", m.Name)
	}
}

func TestModelInvalid(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*Model)
		field string
	}{
		{"one year", func(m *Model) { m.Years = 1 }, "years"},
		{"too many values", func(m *Model) { m.CapitalCost = make([]float64, 4) }, "capital_cost"},
		{"NaN revenue", func(m *Model) { m.Revenues[0].Values[1] = math.NaN() }, "revenues[0:parking][1]"},
		{"tax rate", func(m *Model) { m.TaxRate = 1 }, "tax_rate"},
		{"discount rate", func(m *Model) { m.DiscountRate = -1 }, "discount_rate"},
		{"negative principal", func(m *Model) { m.Loan.Principal = -1 }, "loan.principal"},
		{"term too long", func(m *Model) { m.Loan.Term = 3 }, "loan.term"},
		{"no term", func(m *Model) { m.Loan.Term = 0 }, "loan.term"},
		{"repayment", func(m *Model) { m.Loan.Repayment = "balloon" }, "loan.repayment"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := smallModel(EqualPrincipal)
			m.Revenues = []Item{{Category: RevenueParking, Values: []float64{0, 500, 500}}}
			tc.edit(&m)
			_, err := m.Appraise()
			if huanxin.ErrorCode(err) != huanxin.EINVALID {
				t.Fatalf("err %v", err)
			}
			found := false
			for _, f := range huanxin.ErrorFields(err) {
				found = found || f.Field == tc.field
			}
			if !found {
				t.Errorf("fields %v, want %s", huanxin.ErrorFields(err), tc.field)
			}
		})
	}
}

func TestFenYuan(t *testing.T) {
	if Yuan(12345) != 123.45 || Fen(123.456) != 12346 || Fen(-0.125) != -13 || Fen(Yuan(987654321)) != 987654321 {
		t.Errorf("conversions: %v %v %v", Yuan(12345), Fen(123.456), Fen(-0.125))
	}
}

func BenchmarkIRR30Years(b *testing.B) {
	r, err := concession(30).Appraise()
	if err != nil {
		b.Fatal(err)
	}
	flows := r.EquityFlows()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := IRR(flows); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppraise30Years(b *testing.B) {
	m := concession(30)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Appraise(); err != nil {
			b.Fatal(err)
		}
	}
}
