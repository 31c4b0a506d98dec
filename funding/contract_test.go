package funding

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/planning/plan"
)

func TestCheckCreditCode(t *testing.T) {
	cases := []struct {
		name, code, want string
	}{
		{"valid", "91350100M000100Y43", ""},
		{"valid, check character a letter", "91110000600037341L", ""},
		{"wrong check character", "91350100M000100Y44", "校验位不符（应为3）"},
		{"17 characters", "91350100M000100Y4", "应为18位"},
		{"19 characters", "91350100M000100Y430", "应为18位"},
		{"letter I is not in the alphabet", "9135010IM000100Y43", "第8位字符无效"},
		{"lower case", "91350100m000100Y43", "第9位字符无效"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckCreditCode(c.code)
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if fs := huanxin.ErrorFields(err); len(fs) != 1 || fs[0].Field != "credit_code" || !strings.Contains(fs[0].Message, c.want) {
				t.Fatalf("CheckCreditCode(%q) = %v, want %q", c.code, fs, c.want)
			}
		})
	}
}

var day = time.Date(2026, 3, 1, 0, 0, 0, 0, huanxin.Shanghai)

func contractInput() ContractInput {
	return ContractInput{No: " HT-2026-01 ", Title: "屋面及电梯施工", Kind: KindConstruction, Counterparty: "某建设公司", CreditCode: "91350100m000100y43",
		Signed: day, Lines: []ContractLine{{ItemCode: "B14", Amount: 20000000}, {ItemCode: "I15", Amount: 60000000}},
		Milestones: []Milestone{{Name: "预付款", Due: day, Amount: 24000000}, {Name: "竣工结算", Due: day.AddDate(0, 6, 0), Amount: 56000000}}}
}

func TestCheckContract(t *testing.T) {
	items := []string{"B14", "I15"}
	cases := []struct {
		name   string
		change func(*ContractInput)
		fields []string
	}{
		{"valid", func(*ContractInput) {}, nil},
		{"milestones one fen short", func(in *ContractInput) { in.Milestones[1].Amount-- }, []string{"milestones"}},
		{"milestones one fen over", func(in *ContractInput) { in.Milestones[0].Amount++ }, []string{"milestones"}},
		{"no milestones", func(in *ContractInput) { in.Milestones = nil }, []string{"milestones"}},
		{"item not in the plan", func(in *ContractInput) { in.Lines[1].ItemCode = "B01" }, []string{"lines.1.item_code"}},
		{"item twice", func(in *ContractInput) { in.Lines[1].ItemCode = "B14" }, []string{"lines.1.item_code"}},
		{"zero amount", func(in *ContractInput) { in.Lines[0].Amount = 0 }, []string{"lines.0.amount", "milestones"}},
		{"no lines", func(in *ContractInput) { in.Lines = nil }, []string{"lines", "milestones"}},
		{"required fields", func(in *ContractInput) {
			in.No, in.Title, in.Counterparty, in.Kind, in.Signed = " ", "", "", "works", time.Time{}
		}, []string{"no", "title", "counterparty", "kind", "signed"}},
		{"bad credit code", func(in *ContractInput) { in.CreditCode = "91350100M000100Y40" }, []string{"credit_code"}},
		{"milestone without name or date", func(in *ContractInput) { in.Milestones[0].Name, in.Milestones[0].Due = "", time.Time{} },
			[]string{"milestones.0.name", "milestones.0.due"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := contractInput()
			c.change(&in)
			got, err := CheckContract(in, items)
			if c.fields == nil {
				if err != nil || got.Amount != 80000000 || got.No != "HT-2026-01" || got.CreditCode != "91350100M000100Y43" || got.Status != ContractSigned {
					t.Fatalf("CheckContract = %+v, %v", got, err)
				}
				return
			}
			var fields []string
			for _, f := range huanxin.ErrorFields(err) {
				fields = append(fields, f.Field)
			}
			if !slices.Equal(fields, c.fields) {
				t.Fatalf("fields %v, want %v (%v)", fields, c.fields, err)
			}
		})
	}
}

func TestMoveContract(t *testing.T) {
	if err := MoveContract(ContractSigned, ContractCompleted, ""); err != nil {
		t.Fatal(err)
	}
	if err := MoveContract(ContractSigned, ContractTerminated, "施工方违约"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		from, to ContractStatus
		reason   string
		field    string
	}{
		{ContractSigned, ContractTerminated, " ", "reason"},
		{ContractCompleted, ContractTerminated, "x", "status"},
		{ContractTerminated, ContractCompleted, "", "status"},
		{ContractSigned, ContractSigned, "", "status"},
	} {
		if fs := huanxin.ErrorFields(MoveContract(c.from, c.to, c.reason)); len(fs) != 1 || fs[0].Field != c.field {
			t.Errorf("%s → %s: %v", c.from, c.to, fs)
		}
	}
}

// spendFixture is a contract of two lines and two milestones, two
// received funding lines of the roof and one committed of the lift.
func spendFixture() (*Contract, []Line) {
	c := &Contract{ID: 1, Amount: 80000000, Status: ContractSigned,
		Lines:      []ContractLine{{ID: 11, ItemCode: "B14", Amount: 20000000}, {ID: 12, ItemCode: "I15", Amount: 60000000}},
		Milestones: []Milestone{{ID: 21, Name: "预付款", Amount: 24000000}, {ID: 22, Name: "竣工结算", Amount: 56000000}}}
	lines := []Line{{ID: 1, ItemCode: "B14", Source: "district_budget", Amount: 15000000, Status: Received},
		{ID: 2, ItemCode: "B14", Source: "owners", Amount: 10000000, Status: Received},
		{ID: 3, ItemCode: "I15", Source: "city_budget", Amount: 60000000, Status: Committed}}
	return c, lines
}

func TestCheckAllocation(t *testing.T) {
	c, lines := spendFixture()
	spent := Tally([]Allocation{{ID: 31, ContractLineID: 11, FundingLineID: 1, Amount: 12000000}}, nil)
	withdrawn := lines[1]
	withdrawn.Withdrawn = true
	terminated := *c
	terminated.Status = ContractTerminated
	cases := []struct {
		name   string
		c      *Contract
		cl     ContractLine
		l      Line
		amount huanxin.Money
		want   string
	}{
		{"what is left of the line", c, c.Lines[0], lines[0], 3000000, ""},
		{"one fen more than left of the line", c, c.Lines[0], lines[0], 3000001, "超过该笔资金尚未安排的30000.00元"},
		{"what is left of the contract line", c, c.Lines[0], lines[1], 8000000, ""},
		{"one fen more than left of the contract line", c, c.Lines[0], lines[1], 8000001, "超过合同明细尚未安排的80000.00元"},
		{"committed money", c, c.Lines[1], lines[2], 100, "只有已到位的资金可以安排到合同"},
		{"withdrawn money", c, c.Lines[0], withdrawn, 100, "该资金已撤回"},
		{"another item", c, c.Lines[1], lines[0], 100, "资金用于B14"},
		{"zero", c, c.Lines[0], lines[0], 0, "金额应大于0"},
		{"terminated contract", &terminated, c.Lines[0], lines[0], 100, "合同已终止"},
	}
	for _, k := range cases {
		t.Run(k.name, func(t *testing.T) {
			err := CheckAllocation(k.c, k.cl, k.l, k.amount, spent)
			if k.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), k.want) && !slices.ContainsFunc(huanxin.ErrorFields(err), func(f huanxin.FieldError) bool {
				return strings.Contains(f.Message, k.want)
			}) {
				t.Fatalf("CheckAllocation = %v (%v), want %q", err, huanxin.ErrorFields(err), k.want)
			}
		})
	}
}

func TestCheckDisbursement(t *testing.T) {
	c, _ := spendFixture()
	allocs := []Allocation{{ID: 31, ContractID: 1, ContractLineID: 11, FundingLineID: 1, Amount: 15000000},
		{ID: 32, ContractID: 2, ContractLineID: 99, FundingLineID: 2, Amount: 100}}
	spent := Tally(allocs, []Disbursement{{ID: 41, MilestoneID: 21, AllocationID: 31, Amount: 10000000}})
	cases := []struct {
		name    string
		m       Milestone
		a       Allocation
		amount  huanxin.Money
		voucher string
		field   string
	}{
		{"what is left of the allocation", c.Milestones[1], allocs[0], 5000000, "付字第2号", ""},
		{"one fen more than left of the allocation", c.Milestones[1], allocs[0], 5000001, "付字第2号", "amount"},
		{"what is left of the milestone", c.Milestones[0], allocs[0], 5000000, "付字第2号", ""},
		{"more than left of the milestone", c.Milestones[0], Allocation{ID: 33, ContractID: 1, Amount: 90000000}, 14000001, "付字第2号", "amount"},
		{"allocation of another contract", c.Milestones[0], allocs[1], 100, "付字第2号", "allocation_id"},
		{"no voucher", c.Milestones[1], allocs[0], 100, " ", "voucher"},
		{"zero", c.Milestones[1], allocs[0], 0, "v", "amount"},
	}
	for _, k := range cases {
		t.Run(k.name, func(t *testing.T) {
			err := CheckDisbursement(c, k.m, k.a, k.amount, k.voucher, day, spent)
			if k.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if fs := huanxin.ErrorFields(err); len(fs) != 1 || fs[0].Field != k.field {
				t.Fatalf("CheckDisbursement = %v, want field %s", fs, k.field)
			}
		})
	}
	if err := CheckDisbursement(c, c.Milestones[1], allocs[0], 100, "v", time.Time{}, spent); huanxin.ErrorFields(err)[0].Field != "paid_on" {
		t.Fatalf("no date: %v", err)
	}
}

func TestLineStatus(t *testing.T) {
	l := Line{Amount: 1000, Status: Received}
	cases := []struct {
		name            string
		status          Status
		allocated, paid huanxin.Money
		want            Status
	}{
		{"nothing allocated", Received, 0, 0, Received},
		{"one fen short of allocated", Received, 999, 0, Received},
		{"fully allocated", Received, 1000, 0, Allocated},
		{"fully allocated, partly paid", Allocated, 1000, 999, Allocated},
		{"fully paid", Allocated, 1000, 1000, Paid},
		{"committed stays committed", Committed, 0, 0, Committed},
	}
	for _, c := range cases {
		l.Status = c.status
		if got := LineStatus(l, c.allocated, c.paid); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestBudget(t *testing.T) {
	lines := []plan.Line{{ItemCode: "B14", Name: "屋面修缮", Quantity: 100000, UnitCost: 15000}, // 150000.00
		{ItemCode: "I15", Name: "加装电梯", Quantity: 100, UnitCost: 70000000}} // 700,000.00
	c, _ := spendFixture() // roof 200,000.00 (over budget), lift 600,000.00
	gone := &Contract{ID: 2, Status: ContractTerminated, Lines: []ContractLine{{ID: 13, ItemCode: "I15", Amount: 50000000}}}
	allocs := []Allocation{{ID: 31, ContractLineID: 11, Amount: 15000000}, {ID: 32, ContractLineID: 13, Amount: 1000000}}
	pays := []Disbursement{{AllocationID: 31, Amount: 10000000}, {AllocationID: 32, Amount: 700000}}
	rows, total, err := Budget(lines, []*Contract{c, gone}, allocs, pays)
	if err != nil || len(rows) != 2 {
		t.Fatalf("Budget = %+v, %v", rows, err)
	}
	roof, lift := rows[0], rows[1]
	if roof.Budget != 15000000 || roof.Committed != 20000000 || roof.Paid != 10000000 || roof.Remaining != -5000000 ||
		roof.Overrun() != "合同金额超出预算50000.00元 committed exceeds the budget by 50000.00" {
		t.Fatalf("roof %+v %q", roof, roof.Overrun())
	}
	// The terminated contract commits only the 7,000.00 paid under it.
	if lift.Budget != 70000000 || lift.Committed != 60700000 || lift.Paid != 700000 || lift.Remaining != 9300000 || lift.Overrun() != "" {
		t.Fatalf("lift %+v", lift)
	}
	if total.Budget != 85000000 || total.Committed != 80700000 || total.Paid != 10700000 || total.Remaining != 4300000 || total.Overrun() != "" {
		t.Fatalf("total %+v", total)
	}
	if o := (BudgetRow{Budget: 10, Committed: 5, Paid: 6}).Overrun(); !strings.HasPrefix(o, "已付0.06元超过合同金额0.05元") {
		t.Fatalf("paid over committed: %q", o)
	}
	// A contract for an item the plan no longer has is all overrun.
	rows, _, _ = Budget(lines[:1], []*Contract{c}, nil, nil)
	if len(rows) != 2 || rows[1].ItemCode != "I15" || rows[1].Budget != 0 || rows[1].Overrun() == "" {
		t.Fatalf("item left the plan: %+v", rows)
	}
}

// books are consistent books of one estate: the roof's lines received,
// 150,000 allocated (line 1 fully, so allocated; 0 of line 2), 100,000
// paid on the down payment.
func books() *Books {
	c, lines := spendFixture()
	lines[0].Status = Allocated
	return &Books{EstateID: 7, Lines: lines, Contracts: []*Contract{c},
		Allocations:   []Allocation{{ID: 31, ContractID: 1, ContractLineID: 11, FundingLineID: 1, ItemCode: "B14", Amount: 15000000}},
		Disbursements: []Disbursement{{ID: 41, ContractID: 1, MilestoneID: 21, AllocationID: 31, Amount: 10000000}}}
}

func TestReconcile(t *testing.T) {
	cases := []struct {
		name   string
		change func(b *Books)
		want   []string // "record field"
	}{
		{"consistent", func(*Books) {}, nil},
		{"allocation grew past its line", func(b *Books) { b.Allocations[0].Amount = 15000001 },
			[]string{"funding_line 1 amount", "estate sources"}},
		{"payment grew past its allocation", func(b *Books) { b.Disbursements[0].Amount = 15000001 },
			[]string{"funding_line 1 status", "allocation 31 amount", "estate allocations"}},
		{"payment past its milestone", func(b *Books) {
			b.Allocations[0].Amount, b.Lines[0].Amount = 25000000, 25000000
			b.Contracts[0].Lines[0].Amount, b.Contracts[0].Lines[1].Amount = 25000000, 55000000
			b.Disbursements[0].Amount = 24000001
		}, []string{"milestone 21 amount"}},
		{"status not set", func(b *Books) { b.Lines[0].Status = Received }, []string{"funding_line 1 status"}},
		{"status paid without payments", func(b *Books) { b.Lines[1].Status = Paid }, []string{"funding_line 2 status"}},
		{"allocation from committed money", func(b *Books) { b.Lines[0].Status = Committed }, []string{"funding_line 1 status", "estate sources"}},
		{"allocation to another item", func(b *Books) { b.Allocations[0].ContractLineID = 12 }, []string{"allocation 31 item_code"}},
		{"milestones no longer add up", func(b *Books) { b.Contracts[0].Milestones[1].Amount++ }, []string{"contract 1 milestones"}},
		{"payment of a missing allocation", func(b *Books) { b.Disbursements[0].AllocationID = 99 },
			[]string{"payment 41 allocation_id", "estate allocations"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := books()
			c.change(b)
			tot, ds := Reconcile(b)
			var got []string
			for _, d := range ds {
				if d.EstateID != 7 {
					t.Errorf("discrepancy of estate %d", d.EstateID)
				}
				got = append(got, d.Record+" "+d.Field)
			}
			if !slices.Equal(got, c.want) {
				t.Fatalf("discrepancies %v, want %v (%v)", got, c.want, ds)
			}
			if c.want == nil && (tot.Sources != 25000000 || tot.Allocated != 15000000 || tot.Unallocated != 10000000 || tot.Paid != 10000000 ||
				tot.Outstanding != 5000000) {
				t.Fatalf("totals %+v", tot)
			}
		})
	}
}

func TestCheckLedger(t *testing.T) {
	b := books()
	led := Ledger{EntityFundingLine: {}, EntityAllocation: {}, EntityDisbursement: {}}
	for i, l := range b.Lines {
		action := "create"
		if i == 0 {
			action = "update"
		}
		led[EntityFundingLine][l.ID] = Logged{Action: action, ActorID: 5, Digest: audit.Digest(LineState(l, action, 5))}
	}
	led[EntityAllocation][31] = Logged{Action: "create", Digest: audit.Digest(b.Allocations[0])}
	led[EntityDisbursement][41] = Logged{Action: "create", Digest: audit.Digest(b.Disbursements[0])}
	if ds := CheckLedger([]*Books{b}, led); len(ds) != 0 {
		t.Fatalf("intact: %v", ds)
	}
	b.Disbursements[0].Amount++
	b.Lines = b.Lines[1:]
	ds := CheckLedger([]*Books{b}, led)
	if len(ds) != 2 || ds[0].Record != "fund_disbursement 41" || ds[0].EstateID != 7 || ds[1].Record != "funding_line 1" || ds[1].EstateID != 0 ||
		!strings.Contains(ds[1].Message, "被删除") {
		t.Fatalf("tampered: %v", ds)
	}
}
