package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/store"
)

func TestMain(m *testing.M) {
	account.ArgonTime, account.ArgonMemory = 1, 64
	testdb.Main(m)
}

const adminTestCSRF = "csrf-admin-test-token"

// adminFixture is a register with one chain of jurisdictions, an admin, a
// bureau officer bound to the city and a community officer bound to the
// community, and the pages over it, routed as in Pages.Register.
type adminFixture struct {
	db                                  *store.DB
	p                                   *Pages
	mux                                 *http.ServeMux
	province, city, district, community *estate.Jurisdiction
	admin, bureau, officer              *huanxin.Actor
}

func newAdminFixture(t testing.TB, db *store.DB) *adminFixture {
	t.Helper()
	sys := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
	reg := &estate.Service{Store: db}
	acc := &account.Service{Store: db, Register: reg, Keys: testdb.Keys()}
	r, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	f := &adminFixture{db: db, p: &Pages{Reg: reg, Accounts: acc, Audit: &audit.Service{Store: db, Cities: reg.Cities}, r: r,
		Session: func(context.Context) (string, *account.Session) {
			return "s_test", &account.Session{CSRF: adminTestCSRF}
		}}}
	mk := func(parent *estate.Jurisdiction, level huanxin.Level, code, name string) *estate.Jurisdiction {
		j := &estate.Jurisdiction{Level: level, Code: code, Name: name}
		if parent != nil {
			j.ParentID = parent.ID
		}
		if err := reg.Jurisdictions().Create(sys, j); err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		return j
	}
	f.province = mk(nil, huanxin.LevelProvince, "330000", "浙江省")
	f.city = mk(f.province, huanxin.LevelCity, "330100", "杭州市")
	f.district = mk(f.city, huanxin.LevelDistrict, "330106", "西湖区")
	street := mk(f.district, huanxin.LevelStreet, "330106001", "北山街道")
	f.community = mk(street, huanxin.LevelCommunity, "330106001001", "幸福社区")

	user := func(username, name string, role huanxin.Role, phone string, scope *estate.Jurisdiction) *huanxin.Actor {
		u := &account.User{Username: username, Name: name, Role: role, Phone: phone}
		if scope != nil {
			u.Scopes = []account.ScopeRef{{JurisdictionID: scope.ID}}
		}
		if err := acc.CreateUser(sys, u, "secret-pass-1"); err != nil {
			t.Fatalf("create user %s: %v", username, err)
		}
		a, err := db.Actor(sys, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	f.admin = user("root", "管理员老周", huanxin.RoleAdmin, "", nil)
	f.bureau = user("wang.jw", "王科长", huanxin.RoleBureau, "13900001111", f.city)
	f.officer = user("zhang.sq", "张社区", huanxin.RoleCommunity, "13700002222", f.community)

	f.mux = http.NewServeMux()
	f.p.Register(f.mux) // the real routes, with their wrappers
	return f
}

// do sends a request as the actor; form, when not nil, is posted.
func (f *adminFixture) do(t testing.TB, a *huanxin.Actor, method, target string, form url.Values) (*httptest.ResponseRecorder, string) {
	t.Helper()
	var req *http.Request
	if form != nil {
		form.Set("csrf", adminTestCSRF)
		req = httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	req = req.WithContext(huanxin.NewContextWithActor(req.Context(), a))
	rec := httptest.NewRecorder()
	f.mux.ServeHTTP(rec, req)
	return rec, rec.Body.String()
}

func wantStatus(t *testing.T, rec *httptest.ResponseRecorder, body string, status int) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status = %d, want %d; body:\n%s", rec.Code, status, body)
	}
}

func wantContains(t *testing.T, body string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(body, s) {
			t.Errorf("page lacks %q", s)
		}
	}
	if t.Failed() {
		t.Logf("body:\n%s", body)
	}
}

func wantAbsent(t *testing.T, body string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if strings.Contains(body, s) {
			t.Errorf("page unexpectedly contains %q", s)
		}
	}
}

// between returns the part of s from the first from up to the next to.
func between(s, from, to string) string {
	_, after, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	before, _, _ := strings.Cut(after, to)
	return before
}

func TestUserPages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		f := newAdminFixture(t, db)

		rec, body := f.do(t, f.admin, "GET", "/users", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "<title>用户管理",
			"<td>zhang.sq</td>", "<td>张社区</td>", "<td>社区</td>", "137****2222", "幸福社区",
			"<td>wang.jw</td>", "<td>住建局</td>", "139****1111", "杭州市",
			`action="/users"`, `name="csrf" value="`+adminTestCSRF+`"`)
		if roles := between(body, `id="f-role"`, "</select>"); !strings.Contains(roles, `value="admin"`) {
			t.Errorf("admin cannot choose the admin role: %s", roles)
		}
		if scopes := between(body, `id="f-scopes"`, "</select>"); !strings.Contains(scopes, `value="`+strconv.FormatInt(f.community.ID, 10)+`"`) {
			t.Errorf("jurisdiction choices lack the community: %s", scopes)
		}
		if strings.Contains(body, "13700002222") {
			t.Error("full phone number shown in the list")
		}

		// Filters: role and text.
		_, body = f.do(t, f.admin, "GET", "/users?role=community", nil)
		wantContains(t, body, "<td>zhang.sq</td>")
		wantAbsent(t, body, "<td>wang.jw</td>")
		_, body = f.do(t, f.admin, "GET", "/users?q=%E7%8E%8B", nil) // 王
		wantContains(t, body, "<td>wang.jw</td>", "共 1 条")
		wantAbsent(t, body, "<td>zhang.sq</td>")

		// The bureau officer sees accounts bound inside the city and may
		// not create admins or bureau officers.
		rec, body = f.do(t, f.bureau, "GET", "/users", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "<td>zhang.sq</td>")
		roles := between(body, `id="f-role"`, "</select>")
		if !strings.Contains(roles, `value="street"`) || strings.Contains(roles, `value="admin"`) || strings.Contains(roles, `value="bureau"`) {
			t.Errorf("bureau role choices = %s", roles)
		}
		if scopes := between(body, `id="f-scopes"`, "</select>"); strings.Contains(scopes, "浙江省") || !strings.Contains(scopes, "西湖区") {
			t.Errorf("bureau jurisdiction choices = %s", scopes)
		}

		// An invalid phone comes back inline, with what was entered.
		form := url.Values{"username": {"li.jd"}, "name": {"李街道"}, "phone": {"12345"}, "role": {"street"},
			"scopes": {strconv.FormatInt(f.district.ID, 10)}, "password": {"another-pass-1"}}
		rec, body = f.do(t, f.bureau, "POST", "/users", form)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="f-phone-err"`, "手机号格式不正确", `value="li.jd"`, `value="李街道"`, `value="12345"`,
			`<option value="street" selected>`, `<option value="`+strconv.FormatInt(f.district.ID, 10)+`" selected>`)
		if phone := between(body, `id="f-phone"`, ">"); !strings.Contains(phone, `aria-invalid="true"`) {
			t.Errorf("phone input not marked invalid: %s", phone)
		}
		wantAbsent(t, body, "another-pass-1")

		// A role the actor may not manage is forbidden.
		form = url.Values{"username": {"boss"}, "name": {"老板"}, "role": {"admin"}, "password": {"another-pass-1"}}
		rec, body = f.do(t, f.bureau, "POST", "/users", form)
		wantStatus(t, rec, body, http.StatusForbidden)

		// A valid account is created and the list says so.
		form = url.Values{"username": {"li.jd"}, "name": {"李街道"}, "phone": {"13612345678"}, "role": {"street"},
			"scopes": {strconv.FormatInt(f.district.ID, 10)}, "password": {"another-pass-1"}}
		rec, body = f.do(t, f.bureau, "POST", "/users", form)
		wantStatus(t, rec, body, http.StatusSeeOther)
		if loc := rec.Header().Get("Location"); loc != "/users?flash=user_created" {
			t.Fatalf("Location = %q", loc)
		}
		_, body = f.do(t, f.bureau, "GET", "/users?flash=user_created", nil)
		wantContains(t, body, "账号已创建", "<td>li.jd</td>", "136****5678", "西湖区")

		// A community officer may not manage accounts.
		rec, body = f.do(t, f.officer, "GET", "/users", nil)
		wantStatus(t, rec, body, http.StatusForbidden)
		wantAbsent(t, body, "zhang.sq</td>")
		rec, body = f.do(t, f.officer, "POST", "/users", url.Values{"username": {"x"}, "name": {"x"}, "role": {"resident"}, "password": {"another-pass-1"}})
		wantStatus(t, rec, body, http.StatusForbidden)
	})
}

func TestAuditPage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		f := newAdminFixture(t, db)
		did := strconv.FormatInt(f.district.ID, 10)

		rec, body := f.do(t, f.admin, "GET", "/audit", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "<title>审计日志", "<td>create</td>", "<td>jurisdiction</td>", "<td>user</td>",
			"system <span", `href="/audit?verify=1"`)
		wantAbsent(t, body, "chain-ok", "chain-broken")
		if n := strings.Count(body, `<code class="hash"`); n != 8 { // 5 jurisdictions, 3 users
			t.Errorf("%d entries listed, want 8", n)
		}

		// Verify: every chain is intact.
		rec, body = f.do(t, f.admin, "GET", "/audit?verify=1", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `class="chain-ok"`, "哈希链完整：已校验 8 条记录")
		wantAbsent(t, body, "chain-broken")

		// Filters.
		_, body = f.do(t, f.admin, "GET", "/audit?entity=jurisdiction&entity_id="+did, nil)
		if n := strings.Count(body, `<code class="hash"`); n != 1 || !strings.Contains(body, `<td class="num">`+did+`</td>`) {
			t.Errorf("entity filter: %d entries", n)
		}
		_, body = f.do(t, f.admin, "GET", "/audit?entity=user&from=2000-01-01&to=2999-12-31", nil)
		if n := strings.Count(body, `<code class="hash"`); n != 3 {
			t.Errorf("user entries: %d, want 3", n)
		}
		_, body = f.do(t, f.admin, "GET", "/audit?to=2000-01-01", nil)
		wantContains(t, body, "没有符合条件的日志")
		rec, body = f.do(t, f.admin, "GET", "/audit?from=2026-13-01&actor_id=x", nil)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="af-from-err"`, `id="af-actor-id-err"`, `value="2026-13-01"`)

		// The bureau officer sees only the city's chain: the district and
		// below, not accounts (city 0) or the province.
		rec, body = f.do(t, f.bureau, "GET", "/audit", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `<td class="num">`+did+`</td>`, "<td>jurisdiction</td>")
		wantAbsent(t, body, "<td>user</td>")
		rec, body = f.do(t, f.bureau, "GET", "/audit?verify=1", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `class="chain-ok"`)

		auditor := *f.bureau
		auditor.Role = huanxin.RoleAuditor
		rec, body = f.do(t, &auditor, "GET", "/audit", nil)
		wantStatus(t, rec, body, http.StatusOK)

		rec, body = f.do(t, f.officer, "GET", "/audit", nil)
		wantStatus(t, rec, body, http.StatusForbidden)
		wantAbsent(t, body, `<code class="hash"`)
	})
}

var rawTokenRE = regexp.MustCompile(`hx_[A-Za-z0-9_-]{20,}`)

func TestTokenPages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		f := newAdminFixture(t, db)

		rec, body := f.do(t, f.officer, "GET", "/tokens", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "<title>访问令牌", "您还没有令牌", `action="/tokens"`)

		rec, body = f.do(t, f.officer, "POST", "/tokens", url.Values{"name": {"报表系统"}, "read_only": {"1"}, "days": {"30"}})
		wantStatus(t, rec, body, http.StatusOK)
		raw := rawTokenRE.FindString(body)
		if raw == "" {
			t.Fatalf("no raw token on the page:\n%s", body)
		}
		wantContains(t, body, "只显示这一次", `已创建令牌“报表系统”`, "<td>报表系统</td>", "<td>只读</td>")
		if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control = %q", cc)
		}
		if ta, err := f.p.Accounts.TokenActor(context.Background(), raw); err != nil || !ta.ReadOnly || ta.UserID != f.officer.UserID {
			t.Fatalf("token shown does not work: %+v %v", ta, err)
		}

		// Listed afterwards, never shown again.
		rec, body = f.do(t, f.officer, "GET", "/tokens", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "<td>报表系统</td>", "有效", `name="csrf" value="`+adminTestCSRF+`"`)
		wantAbsent(t, body, raw, "hx_", "只显示这一次")
		action := between(body, `<form method="post" action="/tokens/`, `"`)
		if !strings.HasSuffix(action, "/revoke") {
			t.Fatalf("no revoke form: %q", action)
		}

		// Other users do not see it.
		_, body = f.do(t, f.bureau, "GET", "/tokens", nil)
		wantAbsent(t, body, "报表系统")
		rec, _ = f.do(t, f.bureau, "POST", "/tokens/"+action, url.Values{})
		if rec.Code == http.StatusSeeOther {
			t.Error("another user revoked the token")
		}

		rec, body = f.do(t, f.officer, "POST", "/tokens/"+action, url.Values{})
		wantStatus(t, rec, body, http.StatusSeeOther)
		if loc := rec.Header().Get("Location"); loc != "/tokens?flash=token_revoked" {
			t.Fatalf("Location = %q", loc)
		}
		_, body = f.do(t, f.officer, "GET", "/tokens?flash=token_revoked", nil)
		wantContains(t, body, "令牌已吊销", "已吊销")
		wantAbsent(t, body, "/revoke")
		if _, err := f.p.Accounts.TokenActor(context.Background(), raw); err == nil {
			t.Fatal("revoked token still works")
		}

		// Invalid input stays on the form.
		rec, body = f.do(t, f.officer, "POST", "/tokens", url.Values{"name": {" "}, "days": {"999"}})
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="t-name-err"`, `id="t-days-err"`, `value="999"`)
		wantAbsent(t, body, "hx_")
	})
}

func TestJurisdictionsPage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		f := newAdminFixture(t, db)

		rec, body := f.do(t, f.admin, "GET", "/jurisdictions", nil)
		wantStatus(t, rec, body, http.StatusOK)
		link := func(j *estate.Jurisdiction) string {
			return `<a href="/estates?jurisdiction_id=` + strconv.FormatInt(j.ID, 10) + `">` + j.Name + `</a>`
		}
		wantContains(t, body, "<title>辖区", link(f.province), link(f.city), link(f.district), link(f.community),
			"北山街道", "330106001001", ">省</span>", ">社区</span>")
		// Five levels nest five lists, each inside its parent's item.
		tree := between(body, `<ul class="tree">`, "</nav>")
		if n := strings.Count(tree, `<ul class="tree">`); n != 4 {
			t.Errorf("%d nested lists below the root, want 4:\n%s", n, tree)
		}
		last := -1
		for _, name := range []string{"浙江省", "杭州市", "西湖区", "北山街道", "幸福社区"} {
			i := strings.Index(tree, name)
			if i < last {
				t.Errorf("%s out of tree order", name)
			}
			last = i
		}
		if !strings.Contains(tree, "北山街道</a><span class=\"code muted\">330106001</span><ul class=\"tree\">") {
			t.Errorf("the community is not nested in its street:\n%s", tree)
		}

		// The community officer sees their community as the root.
		rec, body = f.do(t, f.officer, "GET", "/jurisdictions", nil)
		wantStatus(t, rec, body, http.StatusOK)
		tree = between(body, `<ul class="tree">`, "</nav>")
		wantContains(t, tree, link(f.community))
		wantAbsent(t, tree, "杭州市", "西湖区", `<ul class="tree">`)
	})
}

func TestInvitePage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		f := newAdminFixture(t, db)
		o := &estate.Owner{CityID: f.city.ID, Name: "李奶奶", IDNumber: "11010519491231002X"}
		if err := db.CreateOwner(huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor), o); err != nil {
			t.Fatal(err)
		}
		rec, body := f.do(t, f.admin, "POST", "/owners/"+strconv.FormatInt(o.ID, 10)+"/invite", url.Values{})
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "李奶奶：您好！", "/redeem</strong>", "使用浏览器打印", "邀请码只能用一次", "请在 ")
		code := between(body, `class="digits" aria-label="`, `"`)
		if !regexp.MustCompile(`^\d{4}-\d{4}-\d{4}$`).MatchString(code) {
			t.Fatalf("code = %q", code)
		}
		for _, g := range strings.Split(code, "-") {
			wantContains(t, body, "<span>"+g+"</span>")
		}
		if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control = %q", cc)
		}
		wantAbsent(t, body, "<script>", "onclick")
		if _, err := f.p.Accounts.Redeem(context.Background(), code, "li.nainai", "", "li-password-1", "192.0.2.1"); err != nil {
			t.Fatalf("printed code does not redeem: %v", err)
		}

		rec, body = f.do(t, f.admin, "POST", "/owners/999999/invite", url.Values{})
		wantStatus(t, rec, body, http.StatusNotFound)
		auditor := *f.bureau
		auditor.Role = huanxin.RoleAuditor
		rec, body = f.do(t, &auditor, "POST", "/owners/"+strconv.FormatInt(o.ID, 10)+"/invite", url.Values{})
		wantStatus(t, rec, body, http.StatusForbidden)
	})
}
