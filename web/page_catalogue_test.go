package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/sheet"
	"github.com/huanxin/huanxin/store"
)

func TestCataloguePages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		f := newAdminFixture(t, db)
		f.p.Catalogue = &planning.CatalogueService{Store: db, Register: f.p.Reg}
		city := strconv.FormatInt(f.city.CityID, 10)

		// Officers read the catalogue grouped by category, with the menu
		// entry; only the city-wide bureau and admins get edit links.
		rec, body := f.do(t, f.officer, "GET", "/catalogue", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "杭州市的改造内容清单", `href="/catalogue"`, "改造内容清单", `scope="rowgroup" colspan="10">基础类`,
			">完善类<", ">提升类<", "加装电梯", "700000.00", "第7项 改建重建（含加装电梯）", "供水企业", "B01、B02、B04、B06、B07、B13",
			"共 42 项", `href="/catalogue.xlsx?city=`+city+`"`)
		wantAbsent(t, body, "/catalogue/new", "/edit\"")
		rec, body = f.do(t, f.officer, "GET", "/catalogue?category=enhance&q=幼儿园", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "共 1 项", "E03", `colspan="10">提升类`)
		wantAbsent(t, body, `colspan="10">基础类`, "I15")
		rec, body = f.do(t, f.officer, "GET", "/catalogue?category=luxury", nil)
		wantStatus(t, rec, body, http.StatusBadRequest)
		rec, body = f.do(t, f.officer, "GET", "/catalogue/new", nil)
		wantStatus(t, rec, body, http.StatusForbidden)
		rec, body = f.do(t, f.bureau, "GET", "/catalogue", nil)
		wantContains(t, body, `href="/catalogue/new?city=`+city+`"`)

		items, err := f.p.Catalogue.Items(sysCtx(), f.city.CityID, planning.Filter{Q: "加装电梯"})
		if err != nil || len(items) != 1 {
			t.Fatalf("lift: %v %v", items, err)
		}
		lift := items[0]
		path := "/catalogue/" + strconv.FormatInt(lift.ID, 10)
		wantContains(t, body, `href="`+path+`/edit"`)

		// The edit form shows the item; the community officer may not post.
		rec, body = f.do(t, f.bureau, "GET", path+"/edit", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `action="`+path+`"`, `name="csrf" value="`+adminTestCSRF+`"`, `value="I15" readonly`,
			`value="加装电梯"`, `<option value="7" selected>`, `<option value="部" selected>`, `value="700000.00"`,
			`name="sources" value="provident_fund" checked`, `name="sign_offs" value="equipment" checked`,
			`name="sign_offs" value="heating">`)
		form := url.Values{"name": {"加装电梯（含连廊）"}, "category": {"improve"}, "unit": {"部"}, "unit_cost": {"650,000.50"},
			"life_years": {"25"}, "decision_item": {"7"}, "sources": {"owners", "provident_fund"}, "sign_offs": {"planning"},
			"depends_on": {""}, "notes": {"本市补助"}, "active": {"1"}}
		rec, body = f.do(t, f.officer, "POST", path, form)
		wantStatus(t, rec, body, http.StatusForbidden)
		rec, _ = f.do(t, f.bureau, "POST", path, form)
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/catalogue?city="+city+"&flash=catalogue_saved&q=I15")
		got, _ := f.p.Catalogue.Item(sysCtx(), lift.ID)
		if got.Name != "加装电梯（含连廊）" || got.UnitCost != 65000050 || got.LifeYears != 25 || len(got.Sources) != 2 || got.Code != "I15" {
			t.Errorf("saved %+v", got)
		}

		// Bad input comes back with the problems next to the fields.
		bad := url.Values{"name": {""}, "category": {"improve"}, "unit": {"部"}, "unit_cost": {"很多"}, "life_years": {"25"},
			"decision_item": {"7"}, "depends_on": {"B01，ZZ9"}}
		rec, body = f.do(t, f.bureau, "POST", path, bad)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="cf-unit_cost-err"`, "请填写金额", `value="很多"`, "部分内容填写有误")
		bad.Set("unit_cost", "1")
		rec, body = f.do(t, f.bureau, "POST", path, bad)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="cf-name-err"`, `id="cf-depends_on-err"`, "ZZ9", `value="B01，ZZ9"`)

		// A new item.
		rec, body = f.do(t, f.bureau, "GET", "/catalogue/new?city="+city, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `action="/catalogue"`, `name="code" required`)
		form.Set("code", "x01")
		form.Set("name", "海绵化改造")
		form.Set("city", city)
		form.Set("depends_on", "B01, B02")
		rec, _ = f.do(t, f.bureau, "POST", "/catalogue", form)
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/catalogue?city="+city+"&flash=catalogue_saved&q=X01")
		rec, body = f.do(t, f.bureau, "POST", "/catalogue", form)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="cf-code-err"`, "编号已存在")

		// The export holds every item, with yuan and names.
		rec, body = f.do(t, f.officer, "GET", "/catalogue.xlsx", nil)
		wantStatus(t, rec, body, http.StatusOK)
		tpl := sheet.Template{Kind: "catalogue", Sheet: "改造内容清单", Columns: []sheet.Column{{Key: "code", Header: "编号"},
			{Key: "name", Header: "名称"}, {Key: "unit_cost", Header: "参考单价（元）"}, {Key: "decision_item", Header: "业主表决事项"}}}
		rd, err := sheet.Open(bytes.NewReader(rec.Body.Bytes()), "catalogue.xlsx", tpl)
		if err != nil {
			t.Fatal(err)
		}
		rows := map[string][]string{}
		for rd.Next() {
			row := rd.Row()
			rows[row.Get("code")] = []string{row.Get("name"), row.Get("unit_cost"), row.Get("decision_item")}
		}
		if err := rd.Err(); err != nil {
			t.Fatal(err)
		}
		if len(rows) != 43 || rows["I15"][1] != "650000.50" || rows["X01"][0] != "海绵化改造" || rows["B01"][2] != "无需单独表决" {
			t.Errorf("export rows %d: %v %v %v", len(rows), rows["I15"], rows["X01"], rows["B01"])
		}

		// Another city is not found; anonymous visitors sign in first.
		rec, body = f.do(t, f.officer, "GET", "/catalogue?city=999999", nil)
		wantStatus(t, rec, body, http.StatusNotFound)
		rec, _ = f.do(t, nil, "GET", "/catalogue", nil)
		if rec.Code != http.StatusSeeOther {
			t.Errorf("anonymous: %d", rec.Code)
		}
	})
}
