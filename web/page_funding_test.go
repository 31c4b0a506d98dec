package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/planning/plan"
	"github.com/huanxin/huanxin/sheet"
	"github.com/huanxin/huanxin/store"
)

// An officer fills a plan's funding until the gap closes, splits the
// owners' money for a lift by floor coefficients, records a payment and
// prints the reminders; the owner sees their statement, their shares and
// the estate's disclosure.
func TestFundingPages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		f := newAdminFixture(t, db)
		sys := sysCtx()
		reg := f.p.Reg
		plans := withFunding(f, db)

		e := &estate.Estate{JurisdictionID: f.community.ID, Code: "F1", Name: "电梯新村", YearBuilt: 1988}
		mustDo(t, reg.Estates().Create(sys, e))
		b := &estate.Building{EstateID: e.ID, No: "3", Floors: 3}
		mustDo(t, reg.Buildings().Create(sys, b))
		s := &estate.Stairwell{BuildingID: b.ID, No: "1"}
		mustDo(t, reg.Stairwells().Create(sys, s))
		var parts []*estate.Part
		for fl := 1; fl <= 3; fl++ {
			pt := &estate.Part{StairwellID: s.ID, Kind: estate.KindDwelling, Floor: fl, Room: strconv.Itoa(fl) + "01", Area: 8000, Sold: true, Delivered: true}
			mustDo(t, reg.Parts().Create(sys, pt))
			parts = append(parts, pt)
		}
		owner := &huanxin.Actor{UserID: 77, Name: "三楼业主", Role: huanxin.RoleResident, Scope: huanxin.Scope{PartIDs: []int64{parts[2].ID}}}
		octx := huanxin.NewContextWithActor(sys, f.officer)
		pl, err := plans.Create(octx, e.ID, "加装电梯方案")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := plans.SetLines(octx, pl.ID, []plan.LineInput{{ItemCode: "I15", Quantity: 100, Phase: 1, Zone: []int64{b.ID}}}); err != nil {
			t.Fatal(err)
		}
		base := "/plans/" + strconv.FormatInt(pl.ID, 10)

		// The whole cost is a gap, shown in red, with the add form.
		rec, body := f.do(t, f.officer, "GET", base+"/funding", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "资金计划 · 加装电梯方案", `class="badge bad">缺口 700,000.00 元`, `href="/plans/`+strconv.FormatInt(pl.ID, 10)+`"`,
			`<option value="I15">I15 加装电梯</option>`, `<option value="owners">居民出资</option>`, `name="amount"`)

		// Bad amounts and ineligible sources come back next to their fields.
		rec, body = f.do(t, f.officer, "POST", base+"/funding", url.Values{"item_code": {"I15"}, "source": {"owners"}, "amount": {"12.345"}})
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="fd-amount-err"`, `value="12.345"`)
		rec, body = f.do(t, f.officer, "POST", base+"/funding", url.Values{"item_code": {"I15"}, "source": {"central_subsidy"}, "amount": {"100"}})
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="fd-source-err"`, "中央补助只能用于基础类改造内容")
		rec, body = f.do(t, owner, "POST", base+"/funding", url.Values{"item_code": {"I15"}, "source": {"owners"}, "amount": {"1"}})
		wantStatus(t, rec, body, http.StatusForbidden)

		// Owners 300,000.01 yuan and the city the rest: the gap closes.
		for _, v := range []url.Values{{"item_code": {"I15"}, "source": {"owners"}, "amount": {"300,000.01"}, "ref": {"业主决定"}},
			{"item_code": {"I15"}, "source": {"city_budget"}, "amount": {"399999.99"}}} {
			rec, _ = f.do(t, f.officer, "POST", base+"/funding", v)
			wantRedirect(t, rec.Code, rec.Header().Get("Location"), base+"/funding?flash=funding_added")
		}
		fd, err := f.p.Funding.Get(octx, pl.ID)
		if err != nil || fd.Total.Gap != 0 || fd.Lines[1].Amount != 30000001 {
			t.Fatalf("funding %+v %v", fd, err)
		}
		rec, body = f.do(t, f.officer, "GET", base+"/funding", nil)
		wantContains(t, body, `class="badge good">资金已足额落实`, "居民出资 300,000.01", "业主决定")
		city := strconv.FormatInt(fd.Lines[0].ID, 10)
		rec, _ = f.do(t, f.officer, "POST", base+"/funding/"+city+"/advance", url.Values{"status": {"received"}, "ref": {"拨款单1"}})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), base+"/funding?flash=funding_advanced")
		rec, body = f.do(t, f.officer, "POST", base+"/funding/"+city+"/advance", url.Values{"status": {"committed"}})
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, "只能把已承诺的资金标记为已到位")

		// The split by floor coefficients: the ground floor pays nothing.
		rec, body = f.do(t, f.officer, "GET", base+"/shares", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "I15 加装电梯（居民出资 300000.01 元）", `name="coef_3"`)
		wantAbsent(t, body, `name="coef_4"`)
		split := url.Values{"item_code": {"I15"}, "basis": {"floor"}, "coef_1": {"0"}, "coef_2": {"0.5"}, "remainder": {"largest"}}
		rec, body = f.do(t, f.officer, "POST", base+"/shares", split)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, "第3层没有楼层系数", `value="0.5"`)
		split.Set("coef_3", "1")
		rec, body = f.do(t, f.officer, "POST", base+"/shares", split)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("split: %d %s", rec.Code, body)
		}
		run := strings.TrimSuffix(strings.TrimPrefix(rec.Header().Get("Location"), "/shares/"), "?flash=shares_generated")
		rec, body = f.do(t, f.officer, "GET", "/shares/"+run, nil)
		wantStatus(t, rec, body, http.StatusOK)
		// Σ = 1.5: the 2nd floor 1/3, the 3rd 2/3 of 300,000.01.
		wantContains(t, body, "<td>1/3</td><td class=\"num\">100,000.00</td>", "<td>2/3</td><td class=\"num\">200,000.01</td>",
			`id="rate-households">0 / 2 (0.0%)`)

		// A payment, then a second with the same receipt.
		third := strconv.FormatInt(parts[2].ID, 10)
		pay := url.Values{"part_id": {third}, "amount": {"200000.01"}, "paid_on": {"2026-03-02"}, "receipt": {"SJ-001"}}
		rec, _ = f.do(t, owner, "POST", "/shares/"+run+"/payments", pay)
		wantStatus(t, rec, "", http.StatusForbidden)
		rec, _ = f.do(t, f.officer, "POST", "/shares/"+run+"/payments", pay)
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/shares/"+run+"?flash=payment_recorded")
		pay.Set("part_id", strconv.FormatInt(parts[1].ID, 10))
		pay.Set("amount", "1")
		rec, body = f.do(t, f.officer, "POST", "/shares/"+run+"/payments", pay)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, "收据号重复")
		rec, body = f.do(t, f.officer, "GET", "/shares/"+run+"/reminders", nil)
		wantContains(t, body, "尚未缴清 1 户", "<td>201</td>")
		wantAbsent(t, body, "<td>301</td>")

		// The export has every part with its fraction and payment.
		rec, body = f.do(t, f.officer, "GET", "/shares/"+run+"/export.xlsx", nil)
		wantStatus(t, rec, body, http.StatusOK)
		tpl := sheet.Template{Kind: "shares", Sheet: "居民出资分摊", Columns: []sheet.Column{{Key: "room", Header: "房号"},
			{Key: "fraction", Header: "分摊比例"}, {Key: "amount", Header: "应缴（元）"}, {Key: "paid", Header: "已缴（元）"}}}
		rd, err := sheet.Open(bytes.NewReader(rec.Body.Bytes()), "shares.xlsx", tpl)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for rd.Next() {
			row := rd.Row()
			got = append(got, row.Get("room")+" "+row.Get("fraction")+" "+row.Get("amount")+" "+row.Get("paid"))
		}
		if strings.Join(got, "; ") != "101 0 0.00 0.00; 201 1/3 100000.00 0.00; 301 2/3 200000.01 200000.01" {
			t.Errorf("export %q", got)
		}

		// The owner: their statement, not the neighbour's, and not the run.
		rec, body = f.do(t, owner, "GET", "/shares/"+run+"/parts/"+third, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "电梯新村 居民出资分摊通知单", "3幢1单元301室", "第3层，建筑面积 80.00 平方米", "2/3 × 300,000.01 = 200,000.01 元", "已缴清", "<td>2026-03-02</td><td>SJ-001</td>")
		rec, body = f.do(t, owner, "GET", "/shares/"+run+"/parts/"+strconv.FormatInt(parts[1].ID, 10), nil)
		wantStatus(t, rec, body, http.StatusNotFound)
		rec, body = f.do(t, owner, "GET", "/shares/"+run, nil)
		wantStatus(t, rec, body, http.StatusForbidden)
		rec, body = f.do(t, owner, "GET", "/my/shares", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "加装电梯方案 · 加装电梯", "200,000.01 元", `href="/estates/`+strconv.FormatInt(e.ID, 10)+`/disclosure"`, `href="/my/shares"`)

		// The disclosure: sources by status, items, the gap, the owner's share.
		rec, body = f.do(t, owner, "GET", "/estates/"+strconv.FormatInt(e.ID, 10)+"/disclosure", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "电梯新村 · 资金公开", "改造总造价 700,000.00 元，已落实资金 700,000.00 元", "<td>市级财政资金</td><td class=\"num\">399,999.99</td><td class=\"num\">399,999.99</td>",
			"<td>加装电梯</td>", `id="disclosure-mine"`, "资金已足额落实")
		rec, body = f.do(t, owner, "GET", "/estates/"+strconv.FormatInt(e.ID, 10)+"/disclosure/notice", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "电梯新村 改造资金公示", "<td>居民出资</td>")
		wantAbsent(t, body, `id="disclosure-mine"`)

		// The city withdraws its part: the alert and the gap are back.
		rec, _ = f.do(t, f.officer, "POST", base+"/funding/"+strconv.FormatInt(fd.Lines[0].ID, 10)+"/withdraw", url.Values{"ref": {"市财政调整通知"}})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), base+"/funding?flash=funding_withdrawn")
		rec, body = f.do(t, f.officer, "GET", base+"/funding", nil)
		wantContains(t, body, `role="alert">“加装电梯”原已足额落实资金`, `class="badge bad">缺口 399,999.99 元`, "市财政调整通知")
		rec, body = f.do(t, f.officer, "GET", "/funding", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `href="`+base+`/funding">加装电梯方案`, "缺口 399,999.99 元", `href="/funding"`)

		// The odd fen to a named dwelling: the 2nd floor may take it, the
		// ground floor, whose coefficient is 0, may not.
		first, second := strconv.FormatInt(parts[0].ID, 10), strconv.FormatInt(parts[1].ID, 10)
		rec, body = f.do(t, f.officer, "GET", base+"/shares", nil)
		wantContains(t, body, `<option value="part">尾差计入指定房屋</option>`, `<option value="`+second+`">3幢1单元201室</option>`)
		split.Set("remainder", "part")
		split.Set("remainder_part", first)
		rec, body = f.do(t, f.officer, "POST", base+"/shares", split)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, "尾差承担者的分摊权重为零", `<option value="`+first+`" selected>3幢1单元101室</option>`, `<option value="part" selected>`)
		split.Set("remainder_part", second)
		rec, body = f.do(t, f.officer, "POST", base+"/shares", split)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("split to a named part: %d %s", rec.Code, body)
		}
		run = strings.TrimSuffix(strings.TrimPrefix(rec.Header().Get("Location"), "/shares/"), "?flash=shares_generated")
		rec, body = f.do(t, f.officer, "GET", "/shares/"+run, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "<td>1/3</td><td class=\"num\">100,000.01</td>", "<td>2/3</td><td class=\"num\">200,000.00</td>", "尾差计入指定房屋 3幢1单元201室")
	})
}

// withFunding gives the fixture's pages the decision, funding and shares
// services and returns the plans service behind them.
func withFunding(f *adminFixture, db *store.DB) *plan.Service {
	reg := f.p.Reg
	cat := &planning.CatalogueService{Store: db, Register: reg}
	f.p.Decisions = &decision.Service{Store: db, Register: reg}
	plans := &plan.Service{Store: db, Register: reg, Catalogue: cat, Decisions: f.p.Decisions}
	f.p.Funding = &funding.Service{Store: db, Register: reg, Plans: plans, Catalogue: cat}
	f.p.Shares = &funding.Shares{Funding: f.p.Funding, Store: db}
	return plans
}

func mustDo(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
