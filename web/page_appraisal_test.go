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
	"github.com/huanxin/huanxin/funding/appraise"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/sheet"
	"github.com/huanxin/huanxin/store"
)

// An officer enters a parking concession, corrects the fields the page
// marks, reads the IRR and the sensitivity table, exports the cash flows
// and edits the model into one with two IRRs, which the page explains.
func TestAppraisalPages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		f := newAdminFixture(t, db)
		f.p.Appraisals = &funding.Appraisals{Store: db, Register: f.p.Reg}
		e := &estate.Estate{JurisdictionID: f.community.ID, Code: "A1", Name: "停车新村", YearBuilt: 1990}
		mustDo(t, f.p.Reg.Estates().Create(sysCtx(), e))
		est := strconv.FormatInt(e.ID, 10)

		rec, body := f.do(t, f.officer, "GET", "/appraisals", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `<option value="`+est+`">停车新村</option>`)
		rec, body = f.do(t, f.officer, "GET", "/appraisals/new?estate_id="+est, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `name="revenue:parking"`, `name="cost:operation"`, `name="loan.principal"`, `value="20"`)

		// 100万 built in year 0; parking 30万 a year, operation 5万 a year
		// for ten years; a loan of 60万 at 4.2 % over five years.
		form := url.Values{"estate_id": {est}, "title": {"停车场特许经营"}, "years": {"11"}, "capital_cost": {"100"},
			"revenue:parking": {"30"}, "revenue:charging": {"0, 2，2 3"}, "cost:operation": {"5"}, "loan.principal": {"60"}, "loan.rate": {"4.2"},
			"loan.term": {"5"}, "loan.year": {"0"}, "loan.repayment": {"equal_instalments"}, "tax_rate": {"25"}, "discount_rate": {"6"}}
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("revenue:parking", "30, abc")
		bad.Set("loan.term", "20")
		rec, body = f.do(t, f.officer, "POST", "/appraisals", bad)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="ap-revenue:parking-err"`, `value="30, abc"`)
		bad.Set("revenue:parking", "30")
		rec, body = f.do(t, f.officer, "POST", "/appraisals", bad)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="ap-loan-term-err"`, "贷款须在第 10 年内还清")
		rec, body = f.do(t, &huanxin.Actor{UserID: 99, Role: huanxin.RoleResident}, "POST", "/appraisals", form)
		wantStatus(t, rec, body, http.StatusForbidden)

		rec, _ = f.do(t, f.officer, "POST", "/appraisals", form)
		loc := rec.Header().Get("Location")
		if rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/appraisals/") {
			t.Fatalf("create: %d %s", rec.Code, loc)
		}
		page, _, _ := strings.Cut(loc, "?")
		list, err := f.p.Appraisals.List(huanxin.NewContextWithActor(sysCtx(), f.officer), e.ID)
		if err != nil || len(list) != 1 || list[0].Model.Revenues[0].Values[10] != 300000 || list[0].Model.Revenues[1].Values[3] != 30000 {
			t.Fatalf("stored %+v %v", list, err)
		}
		res, _ := list[0].Model.Appraise()
		rec, body = f.do(t, f.officer, "GET", page, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `id="appraisal-irr">`+strconv.FormatFloat(res.IRR*100, 'f', 2, 64)+`%`, `id="appraisal-sensitivity"`,
			"收入 revenue −20%", "贷款利率 loan rate −1pt", `id="appraisal-dscr"`, "内部收益率")
		wantAbsent(t, body, `id="appraisal-irr-none"`)

		// The export is an xlsx file with the yearly table.
		rec, body = f.do(t, f.officer, "GET", page+"/export.xlsx", nil)
		wantStatus(t, rec, "", http.StatusOK)
		if !strings.HasPrefix(body, "PK") {
			t.Fatalf("not an xlsx file: %q", body[:min(len(body), 20)])
		}
		rd, err := sheet.Open(bytes.NewReader(rec.Body.Bytes()), "appraisal.xlsx", sheet.Template{Kind: "appraisal", Sheet: "现金流测算",
			Columns: []sheet.Column{{Key: "year", Header: "年份"}, {Key: "revenue", Header: "经营收入"}, {Key: "equity_flow", Header: "投资者现金流"}}})
		if err != nil {
			t.Fatal(err)
		}
		var years []string
		for rd.Next() {
			years = append(years, rd.Row().Get("year")+" "+rd.Row().Get("revenue"))
		}
		if len(years) != 11 || years[1] != "1 320000.00" {
			t.Fatalf("exported %v", years)
		}

		// A custom scenario beside the base case: revenue +20 % agrees with
		// the sensitivity table; it can be changed and deleted.
		octx := huanxin.NewContextWithActor(sysCtx(), f.officer)
		rec, body = f.do(t, f.officer, "POST", page+"/scenarios", url.Values{"name": {""}, "revenue_change": {"abc"}})
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `name="revenue_change" inputmode="decimal" size="8" value="abc"`, "请填写数字")
		rec, body = f.do(t, f.officer, "POST", page+"/scenarios", url.Values{"name": {" "}, "revenue_change": {"20"}})
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, "名称须为 1 至 100 字")
		rec, _ = f.do(t, &huanxin.Actor{UserID: 99, Role: huanxin.RoleResident}, "POST", page+"/scenarios", url.Values{"name": {"x"}})
		wantStatus(t, rec, "", http.StatusForbidden)
		rec, _ = f.do(t, f.officer, "POST", page+"/scenarios", url.Values{"name": {"收入增两成"}, "revenue_change": {"+20%"}})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), page+"?flash=scenario_saved#ap-scenarios")
		plus, _ := appraise.Scenario{RevenueChange: 0.2}.Apply(list[0].Model).Appraise()
		npv := func(r *appraise.Result) string {
			return `<td class="num">` + groupThousands(appraise.Fen(r.NPV).String()) + `</td>`
		}
		rec, body = f.do(t, f.officer, "GET", page, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `<tr class="base"><th scope="row">基准情况</th><td>—</td>`+npv(res), "<th scope=\"row\">收入增两成</th><td>收入 &#43;20%</td>"+npv(plus),
			"+"+groupThousands((appraise.Fen(plus.NPV)-appraise.Fen(res.NPV)).String()))
		scs, err := f.p.Appraisals.Scenarios(octx, list[0].ID)
		if err != nil || len(scs) != 1 || scs[0].RevenueChange != 0.2 {
			t.Fatalf("scenarios %+v %v", scs, err)
		}
		sc := page + "/scenarios/" + strconv.FormatInt(scs[0].ID, 10)
		rec, body = f.do(t, f.officer, "GET", page+"?scenario="+strconv.FormatInt(scs[0].ID, 10), nil)
		wantContains(t, body, `action="`+sc+`"`, `name="revenue_change" inputmode="decimal" size="8" value="20"`, "修改情景")
		rec, _ = f.do(t, f.officer, "POST", sc, url.Values{"name": {"贷款利率上升"}, "loan_rate_change": {"0.5"}, "cost_change": {"-10"}})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), page+"?flash=scenario_saved#ap-scenarios")
		rec, body = f.do(t, f.officer, "GET", page, nil)
		wantContains(t, body, "<th scope=\"row\">贷款利率上升</th><td>成本 -10%；贷款利率 &#43;0.5 个百分点</td>")
		wantAbsent(t, body, "收入增两成")
		rec, _ = f.do(t, f.officer, "POST", sc+"/delete", nil)
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), page+"?flash=scenario_deleted#ap-scenarios")
		rec, body = f.do(t, f.officer, "GET", page, nil)
		wantContains(t, body, "尚无自定义情景")
		rec, _ = f.do(t, f.officer, "POST", sc+"/delete", nil)
		wantStatus(t, rec, "", http.StatusNotFound)

		// The edit form shows the model as entered; flows −100, +230, −132
		// have two IRRs, which the page explains instead of giving one.
		rec, body = f.do(t, f.officer, "GET", page+"/edit", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `name="revenue:parking" value="30"`, `value="0, 2, 2, 3"`, `name="loan.rate" inputmode="decimal" value="4.2"`)
		rec, _ = f.do(t, f.officer, "POST", page, url.Values{"title": {"两个收益率"}, "years": {"3"}, "capital_cost": {"0.01, 0, 0.0132"},
			"revenue:other": {"0, 0.023"}, "tax_rate": {"0"}, "discount_rate": {"5"}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("update: %d %s", rec.Code, rec.Body)
		}
		rec, body = f.do(t, f.officer, "GET", page, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `id="appraisal-irr-none">存在多个内部收益率（10.00%、20.00%）`, "无贷款")
	})
}
