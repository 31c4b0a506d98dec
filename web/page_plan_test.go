package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/file"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/notice"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/planning/plan"
	"github.com/huanxin/huanxin/sheet"
	"github.com/huanxin/huanxin/store"
)

// TestPlanPages drafts a plan through the pages: errors next to the
// fields, the problems and the phase timeline, a refused submission, the
// approval steps with a return, the diff of two versions, a sign-off, the
// export and the owners' decision.
func TestPlanPages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		f := newAdminFixture(t, db)
		reg := f.p.Reg
		f.p.Catalogue = &planning.CatalogueService{Store: db, Register: reg}
		f.p.Decisions = &decision.Service{Store: db, Register: reg}
		f.p.Plans = &plan.Service{Store: db, Register: reg, Catalogue: f.p.Catalogue, Decisions: f.p.Decisions,
			Notices: &notice.Service{Store: db, Register: reg, Files: &file.Service{Store: db, Register: reg}},
			Needs: func(context.Context, int64) ([]plan.Need, error) {
				return []plan.Need{{FindingID: 7, ItemCode: "I02", Category: "improve", Grade: 3}}, nil
			}}
		sys := sysCtx()
		e := &estate.Estate{JurisdictionID: f.community.ID, Code: "PL1", Name: "棉纺新村", YearBuilt: 1982}
		if err := reg.Estates().Create(sys, e); err != nil {
			t.Fatal(err)
		}
		b1 := &estate.Building{EstateID: e.ID, No: "1", Floors: 6}
		if err := reg.Buildings().Create(sys, b1); err != nil {
			t.Fatal(err)
		}
		if err := db.SetCitySettings(sys, e.CityID, decision.Rules{Conflict: decision.ConflictFirst}.Settings(), 1); err != nil {
			t.Fatal(err)
		}
		streetJ, err := reg.Jurisdictions().Get(sys, f.community.ParentID)
		if err != nil {
			t.Fatal(err)
		}
		street := &huanxin.Actor{UserID: 900, Name: "街道", Role: huanxin.RoleStreet, Scope: huanxin.Scope{Paths: []string{streetJ.Path}}}
		est := "/estates/" + strconv.FormatInt(e.ID, 10)

		// From the estate to its plans; a new plan.
		rec, body := f.do(t, f.officer, "GET", est, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `href="`+est+`/plans"`)
		rec, body = f.do(t, f.officer, "GET", est+"/plans", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "棉纺新村的改造方案", "暂无改造方案", `action="`+est+`/plans"`)
		rec, body = f.do(t, f.officer, "POST", est+"/plans", url.Values{"title": {" "}})
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="np-title-err"`)
		rec, _ = f.do(t, f.officer, "POST", est+"/plans", url.Values{"title": {"棉纺新村综合改造"}})
		loc := rec.Header().Get("Location")
		if rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/plans/") || !strings.HasSuffix(loc, "?flash=plan_created") {
			t.Fatalf("create: %d %s", rec.Code, loc)
		}
		path := strings.TrimSuffix(loc, "?flash=plan_created")
		pid, _ := strconv.ParseInt(strings.TrimPrefix(path, "/plans/"), 10, 64)
		bid := strconv.FormatInt(b1.ID, 10)

		// The line editor: items by category, buildings as checkboxes.
		rec, body = f.do(t, f.officer, "GET", path, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "方案还没有改造项目", `<optgroup label="基础类">`, `<option value="B05">B05 小区道路改造（220.00元/m²）</option>`,
			`name="zone" value="`+bid+`"> 1幢`, `action="`+path+`/lines"`, "修了楼、忘了环境", "绿化提升")
		wantAbsent(t, body, `action="`+path+`/submit"`)

		// Bad input comes back next to the fields, as entered.
		rec, body = f.do(t, f.officer, "POST", path+"/lines", url.Values{"item_code": {"B05"}, "quantity": {"很多"}, "phase": {"1"}})
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="pl-quantity-err"`, `value="很多"`, `<option value="B05" selected>`)
		rec, body = f.do(t, f.officer, "POST", path+"/lines", url.Values{"item_code": {"B05"}, "quantity": {"1200"}, "phase": {"0"},
			"zone": {bid}})
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="pl-phase-err"`, "应为1–20期", `name="zone" value="`+bid+`" checked`)

		// Roads in phase 1 over water pipes in phase 2.
		for _, form := range []url.Values{{"item_code": {"B05"}, "quantity": {"1,200"}, "phase": {"1"}},
			{"item_code": {"B01"}, "quantity": {"300.5"}, "unit_cost": {"650"}, "phase": {"2"}, "zone": {bid}}} {
			rec, _ = f.do(t, f.officer, "POST", path+"/lines", form)
			wantRedirect(t, rec.Code, rec.Header().Get("Location"), path+"?flash=plan_line_saved")
		}
		rec, body = f.do(t, f.officer, "GET", path, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "1200.00 m²", "300.50 m", "264,000.00", "195,325.00", "459,325.00", "1幢", "全小区",
			"“小区道路改造”排在第1期，但须先完成的“供水设施改造”在第2期", "尚缺部门和单位会签", "供水企业",
			`<svg xmlns="http://www.w3.org/2000/svg" role="img"`, "<title>小区道路改造 · 第1期 · 全小区 · 264,000.00元</title>",
			`fill="#2b6cb0"`, `id="plan-phases"`, `action="`+path+`/submit"`, `href="`+path+`/export.xlsx"`)
		rec, body = f.do(t, f.officer, "POST", path+"/submit", url.Values{})
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, "施工顺序有误", `<tr id="line-0"><td>B05 小区道路改造<p class="field-error">`)

		// Change the roads' phase through the editor.
		rec, body = f.do(t, f.officer, "GET", path+"?line=0", nil)
		wantContains(t, body, `name="line" value="0"`, `value="1200.00"`, `value="220.00"`, "修改改造项目")
		rec, _ = f.do(t, f.officer, "POST", path+"/lines", url.Values{"line": {"0"}, "item_code": {"B05"}, "quantity": {"1200"},
			"unit_cost": {"220"}, "phase": {"3"}})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), path+"?flash=plan_line_saved")
		rec, _ = f.do(t, f.officer, "POST", path+"/submit", url.Values{})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), path+"?flash=plan_submit")

		// Waiting for the community: its officer sees it and approves.
		rec, body = f.do(t, f.officer, "GET", "/plans", nil)
		wantContains(t, body, `href="`+path+`"`, "待社区审核", `href="/plans"`)
		_, body = f.do(t, street, "GET", "/plans", nil)
		wantAbsent(t, body, `href="`+path+`"`)
		_, body = f.do(t, street, "GET", path, nil)
		wantAbsent(t, body, `action="`+path+`/approve"`, `action="`+path+`/lines"`)
		_, body = f.do(t, f.officer, "GET", path, nil)
		wantContains(t, body, `action="`+path+`/approve"`, `action="`+path+`/return"`)
		rec, _ = f.do(t, f.officer, "POST", path+"/approve", url.Values{})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), path+"?flash=plan_approve")

		// The street returns it, with a reason.
		rec, body = f.do(t, street, "POST", path+"/return", url.Values{"reason": {""}})
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="pr-reason-err"`)
		rec, _ = f.do(t, street, "POST", path+"/return", url.Values{"reason": {"道路面积偏大"}})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), path+"?flash=plan_return")
		_, body = f.do(t, f.officer, "GET", path, nil)
		wantContains(t, body, "提交审核", "社区审核通过", "退回修改", "原因：道路面积偏大", "第2版", "张社区")

		// A sign-off, once.
		so := url.Values{"sign_off": {"B05/traffic"}, "note": {"交警意见 2026-3"}}
		rec, _ = f.do(t, f.officer, "POST", path+"/sign-offs", so)
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), path+"?flash=plan_signed_off")
		rec, body = f.do(t, f.officer, "POST", path+"/sign-offs", so)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="so-which-err"`)

		// Version 2: less road, no pipes; the diff shows both.
		rec, _ = f.do(t, f.officer, "POST", path+"/lines", url.Values{"line": {"0"}, "item_code": {"B05"}, "quantity": {"1000"},
			"phase": {"3"}, "unit_cost": {"220"}})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), path+"?flash=plan_line_saved")
		rec, _ = f.do(t, f.officer, "POST", path+"/lines/1/remove", url.Values{})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), path+"?flash=plan_line_removed")
		_, body = f.do(t, f.officer, "GET", path, nil)
		wantContains(t, body, `href="`+path+`/diff?from=1&amp;to=2"`)
		rec, body = f.do(t, f.officer, "GET", path+"/diff", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "第1版 → 第2版", `class="badge warn">修改`, "数量：<del>1200.00 m²</del> → <ins>1000.00 m²</ins>",
			`class="badge bad">删除`, "供水设施改造", "<del>300.50 m</del>")
		rec, body = f.do(t, f.officer, "GET", path+"/diff?from=9", nil)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="pd-from-err"`)

		// Approved at every level; the owners' decision from the plan.
		for _, step := range []struct {
			who    *huanxin.Actor
			action string
		}{{f.officer, "submit"}, {f.officer, "approve"}, {street, "approve"}, {f.bureau, "approve"}} {
			rec, _ = f.do(t, step.who, "POST", path+"/"+step.action, url.Values{})
			wantRedirect(t, rec.Code, rec.Header().Get("Location"), path+"?flash=plan_"+step.action)
		}
		_, body = f.do(t, f.officer, "GET", path, nil)
		wantContains(t, body, "已批复", "区审核批复", `action="`+path+`/decision"`, "发起业主表决")
		rec, body = f.do(t, f.officer, "POST", path+"/decision", url.Values{"notice_days": {"x"}})
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="pdn-days-err"`)
		rec, _ = f.do(t, f.officer, "POST", path+"/decision", url.Values{"notice_days": {"7"}})
		got, _ := f.p.Plans.Get(sys, pid)
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/decisions/"+strconv.FormatInt(got.DecisionID, 10)+"?flash=plan_decision")
		_, body = f.do(t, f.officer, "GET", path, nil)
		wantContains(t, body, `href="/decisions/`+strconv.FormatInt(got.DecisionID, 10)+`"`)
		wantAbsent(t, body, `action="`+path+`/decision"`)
		// Published for the residents' comments as a notice of the estate.
		wantContains(t, body, `action="`+path+`/publish"`)
		rec, body = f.do(t, f.officer, "POST", path+"/publish", url.Values{"publicity_end": {"x"}})
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="pp-end-err"`)
		end := time.Now().In(huanxin.Shanghai).AddDate(0, 0, 20).Format(time.DateOnly)
		rec, _ = f.do(t, f.officer, "POST", path+"/publish", url.Values{"publicity_end": {end}})
		got, _ = f.p.Plans.Get(sys, pid)
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/notices/"+strconv.FormatInt(got.NoticeID, 10)+"?flash=plan_publish")
		_, body = f.do(t, f.officer, "GET", path, nil)
		wantContains(t, body, `href="/notices/`+strconv.FormatInt(got.NoticeID, 10)+`"`)
		wantAbsent(t, body, `action="`+path+`/publish"`)

		// The export: lines, subtotals and the total in yuan.
		rec, body = f.do(t, f.officer, "GET", path+"/export.xlsx", nil)
		wantStatus(t, rec, body, http.StatusOK)
		tpl := sheet.Template{Kind: "plan", Sheet: "改造方案", Columns: []sheet.Column{{Key: "code", Header: "编号"},
			{Key: "item", Header: "改造内容"}, {Key: "quantity", Header: "数量"}, {Key: "total", Header: "金额（元）"}}}
		rd, err := sheet.Open(bytes.NewReader(rec.Body.Bytes()), "plan.xlsx", tpl)
		if err != nil {
			t.Fatal(err)
		}
		var rows [][]string
		for rd.Next() {
			row := rd.Row()
			rows = append(rows, []string{row.Get("code"), row.Get("item"), row.Get("quantity"), row.Get("total")})
		}
		if err := rd.Err(); err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 || rows[0][0] != "B05" || rows[0][2] != "1000.00" || rows[0][3] != "220000.00" ||
			rows[1][1] != "小计" || rows[2][1] != "合计" || rows[2][3] != "220000.00" {
			t.Errorf("export rows %v", rows)
		}
	})
}
