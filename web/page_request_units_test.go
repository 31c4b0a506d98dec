package web

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/file"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/request"
	"github.com/huanxin/huanxin/store"
)

// The housing bureau adds, changes and stops a request category (which
// then leaves the residents' form); a community officer reads the
// categories and manages the units that answer for the estate: adds a
// property company, is told of a bad member number, stops it.
func TestRequestCategoryAndUnitPages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		f := newAdminFixture(t, db)
		f.p.Files = &file.Service{Store: db, Register: f.p.Reg}
		f.p.Requests = &request.Service{Store: db, Register: f.p.Reg, Files: f.p.Files}
		e := &estate.Estate{JurisdictionID: f.community.ID, Code: "XH-0400", Name: "和平里", YearBuilt: 1986}
		if err := f.p.Reg.Estates().Create(sysCtx(), e); err != nil {
			t.Fatal(err)
		}
		resident := &huanxin.Actor{UserID: 9201, Name: "住户", Role: huanxin.RoleResident}
		city := strconv.FormatInt(f.city.ID, 10)

		rec, body := f.do(t, f.officer, "GET", "/requests/categories", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `href="/requests/categories"`, `href="/requests/units"`, "<th scope=\"row\">道路</th>", "只有市级管理员和住建局可以修改")
		wantAbsent(t, body, `name="code"`, `/active"`)
		rec, _ = f.do(t, f.officer, "POST", "/requests/categories", url.Values{"city": {city}, "code": {"x"}, "label": {"x"}, "unit": {"community"}, "hours": {"1"}})
		wantStatus(t, rec, "", http.StatusForbidden)
		rec, _ = f.do(t, resident, "GET", "/requests/categories", nil)
		wantStatus(t, rec, "", http.StatusForbidden)

		rec, body = f.do(t, f.bureau, "GET", "/requests/categories", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `name="code"`, `<option value="contractor">施工单位</option>`)
		form := url.Values{"city": {city}, "code": {"lift_install"}, "label": {"加装电梯"}, "unit": {"contractor"}, "hours": {"三天"}}
		rec, body = f.do(t, f.bureau, "POST", "/requests/categories", form)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="cat-hours-err"`, `value="加装电梯"`)
		form.Set("hours", "72")
		rec, _ = f.do(t, f.bureau, "POST", "/requests/categories", form)
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/requests/categories?city="+city+"&flash=category_saved")
		rec, body = f.do(t, f.bureau, "POST", "/requests/categories", form)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="cat-code-err"`, "编码已存在")
		rec, body = f.do(t, f.bureau, "GET", "/requests/categories/lift_install?city="+city, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `value="加装电梯"`, `value="72"`, `<option value="contractor" selected>`)
		wantAbsent(t, body, `name="code"`)
		rec, _ = f.do(t, f.bureau, "POST", "/requests/categories/lift_install", url.Values{"city": {city}, "label": {"加装电梯咨询"}, "unit": {"community"}, "hours": {"48"}})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/requests/categories?city="+city+"&flash=category_saved")
		rec, _ = f.do(t, f.bureau, "POST", "/requests/categories/lift_install/active", url.Values{"city": {city}, "active": {"0"}})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/requests/categories?city="+city+"&flash=category_stopped")
		rec, body = f.do(t, f.officer, "GET", "/requests/categories", nil)
		wantContains(t, body, "<th scope=\"row\">加装电梯咨询</th><td><code>lift_install</code></td><td>社区</td><td class=\"num\">48</td>", "已停用")
		cats, err := f.p.Requests.Categories(sysCtx(), f.city.ID)
		if c, ok := request.Find(cats, "lift_install"); err != nil || !ok || !c.Inactive {
			t.Fatalf("stored category %+v %v", c, err)
		}

		// Units: a property company for the estate.
		rec, _ = f.do(t, resident, "GET", "/requests/units", nil)
		wantStatus(t, rec, "", http.StatusForbidden)
		eid := strconv.FormatInt(e.ID, 10)
		rec, body = f.do(t, f.officer, "GET", "/requests/units/new", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `name="estate_id" value="`+eid+`"`, `<option value="property" selected>物业</option>`)
		rec, _ = f.do(t, f.officer, "POST", "/requests/units", url.Values{"kind": {"property"}, "name": {"安居物业"}, "estate_id": {eid}})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/requests/units?flash=unit_saved")
		orgs, err := f.p.Requests.Organisations(huanxin.NewContextWithActor(sysCtx(), f.officer))
		if err != nil || len(orgs) != 1 {
			t.Fatalf("organisations %+v %v", orgs, err)
		}
		path := "/requests/units/" + strconv.FormatInt(orgs[0].ID, 10)
		rec, body = f.do(t, f.officer, "GET", "/requests/units", nil)
		wantContains(t, body, "安居物业", "和平里", `action="`+path+`/active"`)
		rec, body = f.do(t, f.officer, "POST", path, url.Values{"kind": {"property"}, "name": {"安居物业公司"}, "estate_id": {eid}, "more_members": {"七"}})
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `value="安居物业公司"`, "须为编号")
		rec, _ = f.do(t, f.officer, "POST", path+"/active", url.Values{"active": {"0"}})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/requests/units?flash=unit_stopped")
		rec, body = f.do(t, f.officer, "GET", "/requests/units", nil)
		wantContains(t, body, "起停用", "恢复")
		rec, body = f.do(t, f.officer, "GET", path, nil)
		wantContains(t, body, "该单位已停用")
		wantAbsent(t, body, `value="`+eid+`" checked`)
	})
}
