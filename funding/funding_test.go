package funding

import (
	"strings"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/planning/plan"
)

func item(code string) *planning.Item {
	for _, it := range planning.DefaultCatalogue() {
		if it.Code == code {
			return it
		}
	}
	panic(code)
}

func TestEligible(t *testing.T) {
	cases := []struct {
		name   string
		item   string
		source string
		year   int
		ok     bool
		want   string
	}{
		{"central subsidy, basic item, old estate", "B14", planning.SourceCentralSubsidy, 1985, true, ""},
		{"central subsidy at the cut-off year", "B14", planning.SourceCentralSubsidy, 2000, true, ""},
		{"central subsidy, estate built after the cut-off", "B14", planning.SourceCentralSubsidy, 2001, false, "晚于本市中央补助截止年份2000年"},
		{"central subsidy, improvement item", "I15", planning.SourceCentralSubsidy, 1985, false, "只能用于基础类"},
		{"utility pays for its own network", "B01", planning.SourceUtility, 1985, true, ""},
		{"utility does not pay for a lift", "I15", planning.SourceUtility, 1985, false, "可用资金来源不含"},
		{"unknown source", "B01", "lottery", 1985, false, "未知的资金来源"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := DefaultRules.Eligible(item(c.item), c.source, c.year)
			if (err == nil) != c.ok {
				t.Fatalf("Eligible = %v", err)
			}
			if !c.ok {
				if fs := huanxin.ErrorFields(err); len(fs) != 1 || fs[0].Field != "source" || !strings.Contains(fs[0].Message, c.want) {
					t.Fatalf("message %v, want %q", fs, c.want)
				}
			}
		})
	}
}

func TestCoverageAndAlerts(t *testing.T) {
	lines := []plan.Line{
		{ItemCode: "B14", Name: "屋面修缮", Category: "basic", Quantity: 100000, UnitCost: 15000}, // 1,000 m² × 150 = 150,000.00
		{ItemCode: "I15", Name: "加装电梯", Category: "improve", Quantity: 100, UnitCost: 70000000},
		{ItemCode: "B14", Name: "屋面修缮", Category: "basic", Quantity: 50000, UnitCost: 15000}, // another building: 75,000.00
	}
	money := []Line{
		{ID: 1, ItemCode: "B14", Source: planning.SourceCentralSubsidy, Amount: 15000000, Status: Paid},
		{ID: 2, ItemCode: "B14", Source: planning.SourceDistrictBudget, Amount: 7500000, Status: Committed},
		{ID: 3, ItemCode: "I15", Source: planning.SourceOwners, Amount: 30000000, Status: Received},
		{ID: 4, ItemCode: "I15", Source: planning.SourceCityBudget, Amount: 40000000, Status: Committed, Withdrawn: true},
		{ID: 5, ItemCode: "X99", Source: planning.SourceDonation, Amount: 1, Status: Committed}, // not in the plan: ignored
	}
	covers, total, err := Coverage(lines, money)
	if err != nil || len(covers) != 2 {
		t.Fatalf("Coverage = %+v, %v", covers, err)
	}
	roof, lift := covers[0], covers[1]
	if roof.Cost != 22500000 || roof.Gap != 0 || roof.ByStatus[Committed] != 22500000 || roof.ByStatus[Paid] != 15000000 ||
		roof.ByStatus[Received] != 15000000 || roof.BySource[planning.SourceDistrictBudget] != 7500000 {
		t.Fatalf("roof %+v", roof)
	}
	if lift.Cost != 70000000 || lift.Gap != 40000000 || lift.ByStatus[Received] != 30000000 || lift.ByStatus[Allocated] != 0 {
		t.Fatalf("lift %+v", lift)
	}
	if total.Cost != 92500000 || total.Gap != 40000000 || total.ByStatus[Committed] != 52500000 || total.Surplus != 0 {
		t.Fatalf("total %+v", total)
	}
	alerts, err := Alerts(lines, money)
	if err != nil || len(alerts) != 1 || alerts[0].ItemCode != "I15" || alerts[0].Gap != 40000000 || len(alerts[0].Lost) != 1 || alerts[0].Lost[0].ID != 4 {
		t.Fatalf("Alerts = %+v, %v", alerts, err)
	}
	// More than needed shows as a surplus, not a negative gap.
	money = append(money, Line{ID: 6, ItemCode: "I15", Source: planning.SourceSpecialBond, Amount: 50000000, Status: Committed})
	covers, total, _ = Coverage(lines, money)
	if covers[1].Gap != 0 || covers[1].Surplus != 10000000 || total.Surplus != 10000000 || total.Gap != 0 {
		t.Fatalf("surplus %+v %+v", covers[1], total)
	}
}

func TestAdvance(t *testing.T) {
	if err := Advance(Committed, Received); err != nil {
		t.Fatal(err)
	}
	// Allocated and paid follow from contracts' records, never by hand.
	for _, c := range [][2]Status{{Committed, Allocated}, {Committed, Paid}, {Received, Allocated}, {Received, Paid}, {Allocated, Paid},
		{Received, Committed}, {Paid, Paid}, {"x", Received}} {
		if err := Advance(c[0], c[1]); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("%v: %v", c, err)
		}
	}
}
