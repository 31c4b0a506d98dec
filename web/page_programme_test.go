package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/planning/plan"
	"github.com/huanxin/huanxin/planning/programme"
	"github.com/huanxin/huanxin/store"
	"github.com/xuri/excelize/v2"
)

func TestProgrammePages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		f := newAdminFixture(t, db)
		f.p.Programmes = &programme.Service{Store: db, Register: f.p.Reg}
		sys := sysCtx()
		plans := &plan.Service{Store: db, Register: f.p.Reg, Catalogue: &planning.CatalogueService{Store: db, Register: f.p.Reg}}
		// Two estates with approved plans: 龙井苑 costs 40,000 yuan (all
		// basic), 虎跑里 15,000 yuan of greening.
		var ids []int64
		for _, x := range []struct {
			code, name string
			line       plan.LineInput
		}{{"W1", "龙井苑", plan.LineInput{ItemCode: "B14", Quantity: 10000, UnitCost: 40000, Phase: 1}},
			{"W2", "虎跑里", plan.LineInput{ItemCode: "I02", Quantity: 10000, UnitCost: 15000, Phase: 1}}} {
			e := &estate.Estate{JurisdictionID: f.community.ID, Code: x.code, Name: x.name, YearBuilt: 1988, Dwellings: 40, Buildings: 2}
			if err := f.p.Reg.Estates().Create(sys, e); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, e.ID)
			p, err := plans.Create(sys, e.ID, "方案")
			if err == nil {
				_, err = plans.SetLines(sys, p.ID, []plan.LineInput{x.line})
			}
			if err == nil {
				err = plans.Submit(sys, p.ID)
			}
			for range 3 {
				if err == nil {
					err = plans.Approve(sys, p.ID)
				}
			}
			if err != nil {
				t.Fatal(err)
			}
		}

		// The community officer has the menu entry and the list, not the form.
		rec, body := f.do(t, f.officer, "GET", "/programmes", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `href="/programmes"`, "年度改造计划")
		wantAbsent(t, body, `id="programme-form"`)
		rec, body = f.do(t, f.officer, "POST", "/programmes", url.Values{"jurisdiction_id": {strconv.FormatInt(f.district.ID, 10)}})
		wantStatus(t, rec, body, http.StatusForbidden)

		// The bureau sees the form with the objectives explained and the candidates.
		rec, body = f.do(t, f.bureau, "GET", "/programmes?j="+strconv.FormatInt(f.district.ID, 10), nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `id="programme-form"`, "优先得分 × 户数", "只看受益人数", "龙井苑", "虎跑里", `name="quota_count_`+strconv.FormatInt(f.district.ID, 10)+`"`,
			`name="must" value="`+strconv.FormatInt(ids[0], 10)+`"`, `<option value="`+strconv.FormatInt(f.district.ID, 10)+`" selected>西湖区`)

		// Invalid input comes back next to the fields, as entered.
		form := url.Values{"jurisdiction_id": {strconv.FormatInt(f.district.ID, 10)}, "title": {"2026年度计划"}, "year": {"2026"},
			"budget": {"abc"}, "min_basic_share": {"120"}, "objective": {"score_households"}, "scores": {"equal"}}
		rec, body = f.do(t, f.bureau, "POST", "/programmes", form)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, "请填写大于零的金额", "请填写 0 到 100 之间的百分数", `value="2026年度计划"`)
		// A must-in estate over the budget: the solver's message.
		form.Set("budget", "20000")
		form.Set("min_basic_share", "")
		form["must"] = []string{strconv.FormatInt(ids[0], 10)}
		rec, body = f.do(t, f.bureau, "POST", "/programmes", form)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, "超出预算", `name="must" value="`+strconv.FormatInt(ids[0], 10)+`" checked`)

		// 20,000 yuan: 虎跑里 in, 龙井苑 out for the budget.
		delete(form, "must")
		rec, _ = f.do(t, f.bureau, "POST", "/programmes", form)
		loc := rec.Header().Get("Location")
		if rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/programmes/") {
			t.Fatalf("compute: %d %s", rec.Code, loc)
		}
		first := strings.TrimPrefix(strings.Split(loc, "?")[0], "/programmes/")
		rec, body = f.do(t, f.bureau, "GET", "/programmes/"+first, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "已证明最优", "¥15,000.00 / ¥20,000.00", "预算不足：还需 ¥3.50 万", `id="programme-adopt"`,
			`href="/programmes/`+first+`/export.xlsx"`, "同一年度还没有其他方案可比较")
		rec, body = f.do(t, f.officer, "GET", "/programmes/"+first, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantAbsent(t, body, `id="programme-adopt"`)

		// What-if with 60,000 yuan, then side by side.
		form.Set("budget", "60000")
		form.Set("title", "加预算")
		rec, _ = f.do(t, f.bureau, "POST", "/programmes", form)
		second := strings.TrimPrefix(strings.Split(rec.Header().Get("Location"), "?")[0], "/programmes/")
		rec, body = f.do(t, f.bureau, "GET", "/programmes/"+first, nil)
		wantContains(t, body, `<option value="`+second+`">加预算`)
		rec, body = f.do(t, f.officer, "GET", "/programmes/"+first+"/compare?with="+second, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "新入选的小区", "龙井苑（西湖区，40 户，4.00 万元）", "40,000.00", "&#43;1")

		// Export: the chosen estates in the reporting layout, with a total row.
		rec, _ = f.do(t, f.officer, "GET", "/programmes/"+second+"/export.xlsx", nil)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Fatalf("export: %d %s", rec.Code, rec.Header().Get("Content-Type"))
		}
		x, err := excelize.OpenReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		sheetRows, err := x.GetRows(x.GetSheetName(0))
		if err != nil || len(sheetRows) != 4 {
			t.Fatalf("rows %v %v", sheetRows, err)
		}
		if h := strings.Join(sheetRows[0], "|"); h != "序号|区|街道|社区|小区名称|建成年代|楼栋数|户数|建筑面积(㎡)|基础类(万元)|完善类(万元)|提升类(万元)|总投资(万元)|优先得分|入选理由" {
			t.Errorf("header %s", h)
		}
		if r := strings.Join(sheetRows[1][:13], "|"); r != "1|西湖区|北山街道|幸福社区|龙井苑|1988|2|40|0.00|4.00|0.00|0.00|4.00" {
			t.Errorf("row %s", r)
		}
		if r := strings.Join(sheetRows[3][:13], "|"); r != "合计||||2 个小区||4|80|0.00|4.00|1.50|0.00|5.50" {
			t.Errorf("total %s", r)
		}

		// Adopting.
		rec, body = f.do(t, f.officer, "POST", "/programmes/"+second+"/adopt", url.Values{})
		wantStatus(t, rec, body, http.StatusForbidden)
		rec, _ = f.do(t, f.bureau, "POST", "/programmes/"+second+"/adopt", url.Values{})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("adopt: %d", rec.Code)
		}
		rec, body = f.do(t, f.bureau, "GET", "/programmes/"+second, nil)
		wantContains(t, body, "已采用")
		wantAbsent(t, body, `id="programme-adopt"`)
	})
}
