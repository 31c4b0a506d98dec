package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/store"
)

func TestDecisionRulesPage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		f := newAdminFixture(t, db)
		f.p.Decisions = &decision.Service{Store: db, Register: f.p.Reg}
		city := strconv.FormatInt(f.city.CityID, 10)
		const path = "/settings/decision-rules"
		rules := func() decision.Rules {
			t.Helper()
			r, err := f.p.Decisions.Rules(sysCtx(), f.city.CityID)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		form := func(notice, objection, conflict string, allow bool) url.Values {
			v := url.Values{"city": {city}, "min_notice_days": {notice}, "objection_days": {objection}, "conflict_rule": {conflict}}
			if allow {
				v.Set("allow_change", "1")
			}
			return v
		}

		// Only administrators and housing bureaus have the page, and the menu entry.
		rec, body := f.do(t, f.officer, "GET", path, nil)
		wantStatus(t, rec, body, http.StatusForbidden)
		rec, body = f.do(t, f.officer, "POST", path, form("3", "5", "paper", true))
		wantStatus(t, rec, body, http.StatusForbidden)
		if rules() != decision.DefaultRules {
			t.Fatalf("an officer changed the rules: %+v", rules())
		}
		rec, body = f.do(t, f.officer, "GET", "/decisions", nil)
		wantAbsent(t, body, `href="`+path+`"`)
		for _, a := range []*huanxin.Actor{f.admin, f.bureau} {
			rec, body = f.do(t, a, "GET", "/decisions", nil)
			wantContains(t, body, `href="`+path+`"`, "表决规则")
		}

		// The bureau sees the city's rules, the defaults until set.
		rec, body = f.do(t, f.bureau, "GET", path, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "杭州市", `action="`+path+`"`, `name="csrf" value="`+adminTestCSRF+`"`, `name="city" value="`+city+`"`,
			`name="min_notice_days" type="number" min="0" max="90" step="1" inputmode="numeric" required value="15"`,
			`name="objection_days" type="number" min="0" max="90" step="1" inputmode="numeric" required value="7"`,
			`value="first" required checked`, "以先投的为准", "以书面票为准", "以线上票为准", "无论先后，都按业主签字的书面票统计",
			`name="allow_change" value="1" aria-describedby`, `aria-current="page"`)
		wantAbsent(t, body, "fieldset disabled", "您可以查看")

		// Saving stores them for the city.
		rec, body = f.do(t, f.bureau, "POST", path, form("3", "5", "paper", true))
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), path+"?city="+city+"&flash=rules_saved")
		want := decision.Rules{MinNoticeDays: 3, ObjectionDays: 5, Conflict: decision.ConflictPaper, AllowChange: true}
		if got := rules(); got != want {
			t.Fatalf("rules = %+v, want %+v", got, want)
		}
		rec, body = f.do(t, f.bureau, "GET", path+"?city="+city+"&flash=rules_saved", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "表决规则已保存", `required value="3"`, `required value="5"`, `value="paper" checked`, `value="1" checked`)
		// Unticking the box turns changes off again.
		rec, body = f.do(t, f.bureau, "POST", path, form("3", "5", "online", false))
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), path+"?city="+city+"&flash=rules_saved")
		if got := rules(); got.AllowChange || got.Conflict != decision.ConflictOnline {
			t.Fatalf("rules = %+v", got)
		}

		// Bad values are shown again with the problems next to the fields;
		// nothing is stored.
		rec, body = f.do(t, f.bureau, "POST", path, form("三天", "5", "last", false))
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, "部分内容填写有误", `id="rl-notice-err"`, "请填写 0 到 90 之间的整数天数", `value="三天"`,
			`id="rl-conflict-err"`, "请选择一项规则", `aria-describedby="rl-notice-hint rl-notice-err" aria-invalid="true"`)
		wantAbsent(t, body, `id="rl-objection-err"`)
		rec, body = f.do(t, f.bureau, "POST", path, form("3", "120", "paper", false))
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="rl-objection-err"`, "0–90", `required value="120"`, `value="paper" checked`)
		wantAbsent(t, body, `id="rl-notice-err"`, `id="rl-conflict-err"`)
		if got := rules(); got.ObjectionDays != 5 || got.Conflict != decision.ConflictOnline {
			t.Fatalf("bad values stored: %+v", got)
		}

		// Administrators have the page too.
		rec, body = f.do(t, f.admin, "GET", path, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "杭州市", `value="online" checked`)
		wantAbsent(t, body, "fieldset disabled")

		// A city outside the actor's cities is not found.
		rec, body = f.do(t, f.bureau, "GET", path+"?city="+strconv.FormatInt(f.city.CityID+999, 10), nil)
		wantStatus(t, rec, body, http.StatusNotFound)

		// A district bureau sees its city's rules but may not change them.
		district := &huanxin.Actor{UserID: 777, Name: "区住建局", Role: huanxin.RoleBureau, Scope: huanxin.Scope{Paths: []string{f.district.Path}}}
		rec, body = f.do(t, district, "GET", path, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "杭州市", "您可以查看", "<fieldset disabled>", `value="online" checked`)
		rec, body = f.do(t, district, "POST", path, form("1", "1", "first", true))
		wantStatus(t, rec, body, http.StatusForbidden)
		if got := rules(); got.ObjectionDays != 5 {
			t.Fatalf("district bureau changed the rules: %+v", got)
		}

		// New decisions copy the saved rules.
		e := newVoteEstate(t, f, db, "XH-0300").e
		d := &decision.Decision{EstateID: e.ID, Title: "规则复制", ScopeKind: decision.ScopeEstate, NoticeDays: 3,
			Matters: []decision.Matter{{Item: decision.Consultation, Title: "征求意见"}}}
		if err := f.p.Decisions.Create(huanxin.NewContextWithActor(context.Background(), f.officer), d); err != nil {
			t.Fatal(err)
		}
		if d.ObjectionDays != 5 || d.Conflict != decision.ConflictOnline || d.AllowChange {
			t.Errorf("decision rules %+v", d)
		}
	})
}
