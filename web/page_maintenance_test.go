package web

import (
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
	"github.com/huanxin/huanxin/store"
)

// An officer imports the balances of an estate (a bad file is refused
// naming row and column), is refused a use on a decision whose result is
// not announced and an emergency with one approval, records an emergency
// with two approvals, approves and pays it and sees the balances fall; a
// resident sees the page without the forms.
func TestMaintenancePages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		f := newAdminFixture(t, db)
		sys := sysCtx()
		reg := f.p.Reg
		f.p.Decisions = &decision.Service{Store: db, Register: reg}
		f.p.Maintenance = &funding.Maintenance{Store: db, Register: reg, Decisions: f.p.Decisions}

		e := &estate.Estate{JurisdictionID: f.community.ID, Code: "M1", Name: "维修新村", YearBuilt: 1990}
		mustDo(t, reg.Estates().Create(sys, e))
		b := &estate.Building{EstateID: e.ID, No: "5", Floors: 2}
		mustDo(t, reg.Buildings().Create(sys, b))
		s := &estate.Stairwell{BuildingID: b.ID, No: "1"}
		mustDo(t, reg.Stairwells().Create(sys, s))
		var parts []*estate.Part
		for fl := 1; fl <= 2; fl++ {
			pt := &estate.Part{StairwellID: s.ID, Kind: estate.KindDwelling, Floor: fl, Room: strconv.Itoa(fl) + "01", Area: 5000, Sold: true, Delivered: true}
			mustDo(t, reg.Parts().Create(sys, pt))
			parts = append(parts, pt)
		}
		d := &decision.Decision{EstateID: e.ID, Title: "使用维修资金修屋面", ScopeKind: decision.ScopeEstate, NoticeDays: 15,
			Matters: []decision.Matter{{Item: decision.ItemUseFund, Title: "使用维修资金"}}}
		mustDo(t, f.p.Decisions.Create(huanxin.NewContextWithActor(sys, f.officer), d))
		owner := &huanxin.Actor{UserID: 77, Name: "业主", Role: huanxin.RoleResident, Scope: huanxin.Scope{PartIDs: []int64{parts[0].ID}}}
		base := "/estates/" + strconv.FormatInt(e.ID, 10) + "/maintenance-fund"

		rec, body := f.do(t, f.officer, "GET", "/maintenance-fund", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `href="`+base+`">维修新村</a>`, `href="/maintenance-fund"`)
		rec, body = f.do(t, f.officer, "GET", base, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "住宅专项维修资金 · 维修新村", "尚未导入余额", `href="/maintenance-fund/template.xlsx"`, `name="approval_name_1"`)
		rec, _ = f.do(t, f.officer, "GET", "/maintenance-fund/template.xlsx", nil)
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Body.String(), "PK") {
			t.Fatalf("template: %d", rec.Code)
		}

		// All or nothing: each bad cell named by row and column.
		rec, body = f.doMultipart(t, f.officer, base+"/import", url.Values{"as_of": {"2026-06-30"}}, "file", "余额.csv",
			[]byte("楼栋号,房号,余额(元)\n5,101,100\n5,909,1\n5,201,1.234\n"))
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="import-errors"`, "第 3 行 B 列", "第 4 行 C 列", "尚未导入余额")
		rec, body = f.doMultipart(t, f.officer, base+"/import", url.Values{"as_of": {"2026-06-30"}}, "file", "余额.csv",
			[]byte("楼栋号,房号,余额(元)\n5,101,\"1,000.00\"\n5,201,200.50\n"))
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), base+"?flash=maintenance_imported")

		bid := strconv.FormatInt(b.ID, 10)
		use := func(form url.Values) (int, string) {
			form.Set("purpose", "屋面抢修")
			form.Set("buildings", bid)
			rec, body := f.do(t, f.officer, "POST", base+"/uses", form)
			return rec.Code, body
		}
		code, body := use(url.Values{"amount": {"100"}, "basis": {"decision"}, "decision_id": {strconv.FormatInt(d.ID, 10)}})
		if code != http.StatusBadRequest || !strings.Contains(body, `id="mu-decision-err"`) || !strings.Contains(body, "表决结果尚未公布") {
			t.Fatalf("a decision not announced: %d %s", code, body)
		}
		code, body = use(url.Values{"amount": {"100"}, "basis": {"emergency"}, "emergency": {"屋面漏水"},
			"approval_name_0": {"王五"}, "approval_role_0": {"业主委员会"}, "approval_on_0": {"2026-07-01"}})
		if code != http.StatusBadRequest || !strings.Contains(body, `id="mu-approvals-err"`) || !strings.Contains(body, `value="屋面抢修"`) {
			t.Fatalf("one approval: %d %s", code, body)
		}
		code, body = use(url.Values{"amount": {"500"}, "basis": {"emergency"}, "emergency": {"屋面漏水"},
			"approval_name_0": {"王五"}, "approval_role_0": {"业主委员会"}, "approval_on_0": {"2026-07-01"},
			"approval_name_1": {"赵六"}, "approval_role_1": {"区住建局"}, "approval_on_1": {"2026-07-02"}})
		if code != http.StatusBadRequest || !strings.Contains(body, `id="mu-amount-err"`) || !strings.Contains(body, "5号楼201") {
			t.Fatalf("over the balance: %d %s", code, body)
		}
		code, _ = use(url.Values{"amount": {"300.01"}, "basis": {"emergency"}, "emergency": {"屋面漏水"},
			"approval_name_0": {"王五"}, "approval_role_0": {"业主委员会"}, "approval_on_0": {"2026-07-01"},
			"approval_name_1": {"赵六"}, "approval_role_1": {"区住建局"}, "approval_on_1": {"2026-07-02"}})
		if code != http.StatusSeeOther {
			t.Fatalf("emergency use: %d", code)
		}
		uses, err := f.p.Maintenance.Uses(huanxin.NewContextWithActor(sys, f.officer), e.ID)
		if err != nil || len(uses) != 1 {
			t.Fatal(uses, err)
		}
		uid := strconv.FormatInt(uses[0].ID, 10)
		rec, body = f.do(t, f.officer, "POST", base+"/uses/"+uid+"/pay", url.Values{})
		wantStatus(t, rec, body, http.StatusBadRequest)
		for _, step := range []string{"approve", "pay"} {
			rec, _ = f.do(t, f.officer, "POST", base+"/uses/"+uid+"/"+step, url.Values{})
			if rec.Code != http.StatusSeeOther {
				t.Fatalf("%s: %d", step, rec.Code)
			}
		}

		rec, body = f.do(t, owner, "GET", base, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "5 号楼", "<td>1单元 101</td><td class=\"num\">849.99</td>", "900.49", "50.50", "紧急情况（第二百八十一条）", "区住建局 赵六 2026-07-02", "已拨付")
		if strings.Contains(body, `action="`+base+`/uses"`) || strings.Contains(body, `action="`+base+`/import"`) {
			t.Fatal("a resident sees the forms")
		}
		rec, body = f.do(t, owner, "POST", base+"/raises", url.Values{"purpose": {"续筹"}, "amount": {"1"}, "decision_id": {"1"}})
		wantStatus(t, rec, body, http.StatusForbidden)
	})
}
