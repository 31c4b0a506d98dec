package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/planning/plan"
	"github.com/huanxin/huanxin/sheet"
	"github.com/huanxin/huanxin/store"
)

// An officer records a contract of a roof with two milestones, sees a
// wrong credit code and milestones that do not add up next to their
// fields, allocates the received money, pays the down payment and sees
// the estate's budget with the overrun flagged, and exports it; the
// residents' disclosure says who was paid what for what.
func TestContractPages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		f := newAdminFixture(t, db)
		sys := sysCtx()
		reg := f.p.Reg
		plans := withFunding(f, db)
		f.p.Spending = &funding.Spending{Store: db, Funding: f.p.Funding}
		f.p.Shares.Spending = f.p.Spending

		e := &estate.Estate{JurisdictionID: f.community.ID, Code: "C1", Name: "屋面新村", YearBuilt: 1988}
		mustDo(t, reg.Estates().Create(sys, e))
		b := &estate.Building{EstateID: e.ID, No: "1", Floors: 6}
		mustDo(t, reg.Buildings().Create(sys, b))
		st := &estate.Stairwell{BuildingID: b.ID, No: "1"}
		mustDo(t, reg.Stairwells().Create(sys, st))
		pt := &estate.Part{StairwellID: st.ID, Kind: estate.KindDwelling, Floor: 1, Room: "101", Area: 8000, Sold: true, Delivered: true}
		mustDo(t, reg.Parts().Create(sys, pt))
		owner := &huanxin.Actor{UserID: 78, Name: "业主", Role: huanxin.RoleResident, Scope: huanxin.Scope{PartIDs: []int64{pt.ID}}}
		octx := huanxin.NewContextWithActor(sys, f.officer)
		pl, err := plans.Create(octx, e.ID, "屋面方案")
		if err != nil {
			t.Fatal(err)
		}
		// A roof of 1,000 m² at 150 yuan: 150,000.00.
		if _, err := plans.SetLines(octx, pl.ID, []plan.LineInput{{ItemCode: "B14", Quantity: 100000, UnitCost: 15000, Phase: 1}}); err != nil {
			t.Fatal(err)
		}
		l, err := f.p.Funding.Add(octx, pl.ID, funding.Line{ItemCode: "B14", Source: planning.SourceDistrictBudget, Amount: 15000000})
		if err != nil {
			t.Fatal(err)
		}
		base := "/plans/" + strconv.FormatInt(pl.ID, 10)

		rec, body := f.do(t, f.officer, "GET", base+"/funding", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `href="`+base+`/contracts/new"`, "还没有登记合同", `href="/estates/`+strconv.FormatInt(e.ID, 10)+`/budget"`)
		rec, body = f.do(t, f.officer, "GET", base+"/contracts/new", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `name="amount_B14"`, `value="预付款"`, `value="质保金"`, "150,000.00")

		form := url.Values{"no": {"HX-1"}, "title": {"屋面防水施工"}, "kind": {"construction"}, "counterparty": {"焕新建设工程有限公司"},
			"credit_code": {"91350100M000100Y44"}, "signed": {"2026-03-02"}, "amount_B14": {"160,000"},
			"ms_name_0": {"预付款"}, "ms_due_0": {"2026-03-10"}, "ms_amount_0": {"48000"},
			"ms_name_1": {"竣工结算"}, "ms_due_1": {"2026-09-01"}, "ms_amount_1": {"111999.99"}, "ms_name_2": {"进度款"}}
		rec, body = f.do(t, f.officer, "POST", base+"/contracts", form)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="ct-credit_code-err"`, "校验位不符（应为3）", "付款节点合计159999.99元", `value="111999.99"`, `value="160,000"`)
		form.Set("credit_code", "91350100m000100y43")
		form.Set("ms_amount_1", "112,000")
		rec, body = f.do(t, owner, "POST", base+"/contracts", form)
		wantStatus(t, rec, body, http.StatusForbidden)
		rec, _ = f.do(t, f.officer, "POST", base+"/contracts", form)
		loc := rec.Header().Get("Location")
		if rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, base+"/contracts/") || !strings.HasSuffix(loc, "?flash=contract_created") {
			t.Fatalf("create: %d %s", rec.Code, loc)
		}
		page := strings.TrimSuffix(loc, "?flash=contract_created")

		// Committed money cannot be allocated: the form says why.
		rec, body = f.do(t, f.officer, "GET", page, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "焕新建设工程有限公司（91350100M000100Y43）", "160,000.00", "没有可安排的资金")
		mustDo(t, f.p.Funding.Advance(octx, pl.ID, l.ID, funding.Received, "到账"))
		rec, body = f.do(t, f.officer, "GET", page, nil)
		wantContains(t, body, `name="funding_line_id"`, "区县财政资金 · 尚可安排 150,000.00 元", "B14 屋面修缮 · 尚可安排 160,000.00 元")
		sp, err := f.p.Spending.Plan(octx, pl.ID)
		if err != nil || len(sp.Contracts) != 1 {
			t.Fatalf("spend %+v %v", sp, err)
		}
		c := sp.Contracts[0]
		id := func(v int64) string { return strconv.FormatInt(v, 10) }
		alloc := url.Values{"contract_line_id": {id(c.Lines[0].ID)}, "funding_line_id": {id(l.ID)}, "amount": {"150000.01"}}
		rec, body = f.do(t, f.officer, "POST", page+"/allocate", alloc)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="al-amount-err"`, "超过该笔资金尚未安排的150000.00元")
		alloc.Set("amount", "150000")
		rec, _ = f.do(t, f.officer, "POST", page+"/allocate", alloc)
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), page+"?flash=contract_allocated")
		// Residents read the disclosure before the payment: nothing paid yet
		// (it is shown again after the payment, rendered anew).
		rec, body = f.do(t, owner, "GET", "/estates/"+id(e.ID)+"/disclosure", nil)
		wantContains(t, body, `id="disclosure-paid"`, "160,000.00")
		wantAbsent(t, body, "48,000.00")
		sp, _ = f.p.Spending.Plan(octx, pl.ID)
		pay := url.Values{"milestone_id": {id(c.Milestones[0].ID)}, "allocation_id": {id(sp.Allocations[0].ID)}, "amount": {"48000.01"},
			"paid_on": {"2026-03-12"}, "voucher": {"区财付〔2026〕1号"}}
		rec, body = f.do(t, f.officer, "POST", page+"/pay", pay)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="py-amount-err"`, "超过该节点未付的48000.00元")
		pay.Set("amount", "48000")
		rec, _ = f.do(t, f.officer, "POST", page+"/pay", pay)
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), page+"?flash=contract_paid")
		rec, body = f.do(t, f.officer, "GET", page, nil)
		wantContains(t, body, "已安排资金 150,000.00 元，已付款 48,000.00 元", "区财付〔2026〕1号", "2026-03-12", `class="badge good">已付清`)
		rec, body = f.do(t, f.officer, "POST", page+"/status", url.Values{"status": {"terminated"}})
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, "请说明终止原因")

		// The funding page lists the contract; the line is allocated.
		rec, body = f.do(t, f.officer, "GET", base+"/funding", nil)
		wantContains(t, body, `>HX-1</a>`, "160,000.00", "48,000.00", "<td>已安排</td>")

		// The budget: the roof's contract is 10,000.00 over.
		budget := "/estates/" + id(e.ID) + "/budget"
		rec, body = f.do(t, owner, "GET", budget, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `id="budget-overruns"`, "B14 屋面修缮", "150,000.00", "-10,000.00", "合同金额超出预算 10,000.00 元")
		rec, body = f.do(t, f.officer, "GET", budget+".xlsx", nil)
		wantStatus(t, rec, body, http.StatusOK)
		tpl := sheet.Template{Kind: "budget", Sheet: "预算执行", Columns: []sheet.Column{{Key: "item", Header: "改造项目"}, {Key: "budget", Header: "预算（元）"},
			{Key: "committed", Header: "合同金额（元）"}, {Key: "paid", Header: "已付（元）"}, {Key: "remaining", Header: "结余（元）"}, {Key: "overrun", Header: "超支"}}}
		rd, err := sheet.Open(bytes.NewReader(rec.Body.Bytes()), "budget.xlsx", tpl)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for rd.Next() {
			row := rd.Row()
			got = append(got, row.Get("item")+" "+row.Get("budget")+" "+row.Get("committed")+" "+row.Get("paid")+" "+row.Get("remaining")+" "+row.Get("overrun"))
		}
		if strings.Join(got, "; ") != "B14 屋面修缮 150000.00 160000.00 48000.00 -10000.00 合同金额超出预算 10,000.00 元; "+
			"合计 150000.00 160000.00 48000.00 -10000.00 合同金额超出预算 10,000.00 元" {
			t.Errorf("export %q", got)
		}

		// Residents see who was paid what for what.
		rec, body = f.do(t, owner, "GET", "/estates/"+id(e.ID)+"/disclosure", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `id="disclosure-paid"`, "焕新建设工程有限公司", "屋面防水施工", "160,000.00", "48,000.00")
	})
}
