package web

import (
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/huanxin/huanxin"
)

// testFS returns the embedded layout, partials and static files plus the
// given pages (name → content of templates/pages/<name>.html).
func testFS(t *testing.T, pages map[string]string) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(p, "templates/pages/") {
			return err
		}
		b, err := files.ReadFile(p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, src := range pages {
		m["templates/pages/"+name+".html"] = &fstest.MapFile{Data: []byte(src)}
	}
	return m
}

const listPage = `{{define "content"}}<h1>{{.Title}}</h1>
<p id="area">{{area .Area}}</p><p id="money">{{money .Money}}</p><p id="when">{{when .At}}</p>
{{template "fielderrors" (dict "Lang" $.Lang "Errors" .Errors)}}
{{template "pager" .Pager}}{{end}}`

type listData struct {
	Base
	Area   huanxin.Area
	Money  huanxin.Money
	At     time.Time
	Errors []huanxin.FieldError
	Pager  Pager
}

type failingData struct{ Base }

func (failingData) Fail() (string, error) { return "", errors.New("boom") }

func newTestRenderer(t *testing.T) *Renderer {
	t.Helper()
	r, err := NewRendererFS(testFS(t, map[string]string{
		"list":   listPage,
		"broken": `{{define "content"}}<p>{{.Fail}}</p>{{end}}`,
	}))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestNewRendererEmbedded(t *testing.T) {
	if _, err := NewRenderer(); err != nil {
		t.Fatal(err)
	}
}

func TestRender(t *testing.T) {
	r := newTestRenderer(t)
	q := url.Values{"q": {"幸福 里"}, "page": {"3"}}
	data := listData{
		Base: Base{
			Lang:  "en",
			Title: "Estates",
			Actor: &huanxin.Actor{UserID: 7, Name: "王<芳>", Role: huanxin.RoleStreet, OnBehalfOf: 3},
			CSRF:  "tok\"en",
			Menu: []MenuItem{
				{Key: "nav.home", Href: "/"},
				{Key: "nav.estates", Children: []MenuItem{{Key: "nav.import", Href: "/import", Active: true}}},
			},
			Flash:  "Saved",
			Scopes: []ScopeOption{{ID: 1, Name: "City"}, {ID: 17, Name: "Street", Depth: 2, Selected: true}},
			Path:   "/estates?q=x&page=3",
		},
		Area:   8532,
		Money:  123456789,
		At:     time.Date(2024, 12, 31, 16, 30, 0, 0, time.UTC),
		Errors: []huanxin.FieldError{{Sheet: "小区", Row: 12, Column: "C", Field: "建成年份", Message: "不是年份"}},
		Pager:  NewPager(3, 20, 1000, q, "en"),
	}
	rec := httptest.NewRecorder()
	if err := r.Render(rec, http.StatusCreated, "list", data); err != nil {
		t.Fatal(err)
	}
	if rec.Code != http.StatusCreated {
		t.Errorf("status %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	body := rec.Body.String()
	for _, want := range []string{
		"<!doctype html>\n<html lang=\"en\">",
		"<title>Estates · Huanxin · Old Estate Renewal</title>",
		`<a class="skip" href="#main">Skip to content</a>`,
		`<link rel="stylesheet" href="` + StaticPath("app.css") + `">`,
		`<a href="/">Dashboard</a>`,
		`<span>Estates</span><ul class="menu">`,
		`<a href="/import" aria-current="page">Import</a>`,
		`<input type="hidden" name="csrf" value="tok&#34;en">`,
		`<form method="post" action="/logout">`,
		`王&lt;芳&gt; (Street office)`,
		`Assisted mode`,
		`<option value="17" selected>　　Street</option>`,
		`<input type="hidden" name="back" value="/estates?q=x&amp;page=3">`,
		`<a href="/lang?to=zh-CN&amp;back=%2festates%3fq%3dx%26page%3d3" lang="zh-CN" hreflang="zh-CN">中文</a>`,
		`lang="en" hreflang="en" aria-current="true">English</a>`,
		`<p class="flash" role="status">Saved</p>`,
		`<main id="main" tabindex="-1">`,
		`<p id="area">85.32</p><p id="money">1,234,567.89</p><p id="when">2025-01-01 00:30</p>`,
		`<caption>1 problems found</caption>`,
		`<td>小区</td><td class="num">12</td><td>C</td><td>建成年份</td><td>不是年份</td>`,
		`1000 in total · Page 3 of 50`,
		`<a href="?page=2&amp;q=%E5%B9%B8%E7%A6%8F&#43;%E9%87%8C" rel="prev">Previous</a>`,
		`<span aria-current="page">3</span>`,
		`aria-label="Page 50">50</a>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if n := strings.Count(body, `<nav `); n != 3 { // phone menu, side menu, pager
		t.Errorf("%d nav elements, want 3", n)
	}
	if strings.Contains(body, "<script>") || strings.Contains(body, "style=") {
		t.Error("inline script or style breaks the Content-Security-Policy")
	}
}

func TestRenderVariants(t *testing.T) {
	r := newTestRenderer(t)
	rec := httptest.NewRecorder()
	data := listData{Base: Base{Lang: "zh-CN", Resident: true, Flash: "失败", FlashErr: true,
		Menu: []MenuItem{{Key: "nav.myhome", Href: "/home", Active: true}}}, Pager: NewPager(1, 20, 0, nil, "zh-CN")}
	if err := r.Render(rec, http.StatusOK, "list", data); err != nil {
		t.Fatal(err)
	}
	body := rec.Body.String()
	for _, want := range []string{`<html lang="zh-CN">`, `<body class="resident">`, `aria-current="page">我的房屋</a>`,
		`<p class="flash error" role="alert">失败</p>`, `共 0 条 · 第 1/1 页`, `<title>焕新 · 老旧小区改造</title>`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	for _, unwanted := range []string{`/logout`, `name="csrf"`, `class="scope"`, `rel="next"`, `<table`} {
		if strings.Contains(body, unwanted) {
			t.Errorf("signed-out page without scopes, errors or pages has %s", unwanted)
		}
	}
}

func TestContentKeptByKey(t *testing.T) {
	r := newTestRenderer(t)
	calls := 0
	content := func(key any, money huanxin.Money) template.HTML {
		t.Helper()
		h, err := r.Content("list", key, func() any {
			calls++
			return listData{Base: Base{Lang: "zh-CN", Title: "清单"}, Money: money, Pager: NewPager(1, 20, 0, nil, "zh-CN")}
		})
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	first := content("a", 12345)
	if !strings.Contains(string(first), `<p id="money">123.45</p>`) || strings.Contains(string(first), "<html") {
		t.Fatalf("content = %s, want the page's content only", first)
	}
	if again := content("a", 99); again != first || calls != 1 {
		t.Errorf("second call with the same key rendered again (%d renderings) or changed: %s", calls, again)
	}
	if other := content("b", 99); !strings.Contains(string(other), `<p id="money">0.99</p>`) || calls != 2 {
		t.Errorf("another key: %s after %d renderings", other, calls)
	}
	rec := httptest.NewRecorder()
	if err := r.Render(rec, http.StatusOK, "list", listData{Base: Base{Lang: "zh-CN", Content: first}, Money: 1}); err != nil {
		t.Fatal(err)
	}
	if body := rec.Body.String(); !strings.Contains(body, `<main id="main" tabindex="-1">`) || !strings.Contains(body, string(first)) ||
		strings.Contains(body, `<p id="money">0.01</p>`) {
		t.Errorf("the layout did not show the kept content in place of the page's template:\n%s", body)
	}
	if _, err := r.Content("nosuchpage", "c", func() any { return nil }); err == nil {
		t.Error("content of an unknown page")
	}
}

func TestSwitchesFollowThePage(t *testing.T) {
	r := newTestRenderer(t)
	page := func(lang, path string, big bool) string {
		t.Helper()
		rec := httptest.NewRecorder()
		if err := r.Render(rec, http.StatusOK, "list", listData{Base: Base{Lang: lang, Path: path, Big: big}}); err != nil {
			t.Fatal(err)
		}
		return rec.Body.String()
	}
	for range 2 { // the second time from what was kept
		for _, c := range []struct {
			lang, path string
			big        bool
			want       []string
		}{
			{"zh-CN", "/a", false, []string{`href="/lang?to=en&amp;back=%2fa"`, `href="/bigtext?on=1&amp;back=%2fa"`, `hreflang="zh-CN" aria-current="true">中文`}},
			{"zh-CN", "/b", true, []string{`href="/lang?to=en&amp;back=%2fb"`, `href="/bigtext?on=0&amp;back=%2fb"`}},
			{"en", "/a", false, []string{`href="/lang?to=en&amp;back=%2fa" lang="en" hreflang="en" aria-current="true">English`}},
		} {
			wantContains(t, page(c.lang, c.path, c.big), c.want...)
		}
	}
}

// strictWriter fails the test if anything is written.
type strictWriter struct {
	*testing.T
	h http.Header
}

func (w strictWriter) Header() http.Header         { return w.h }
func (w strictWriter) Write(b []byte) (int, error) { w.Errorf("wrote %q", b); return len(b), nil }
func (w strictWriter) WriteHeader(code int)        { w.Errorf("wrote status %d", code) }

func TestRenderErrorWritesNothing(t *testing.T) {
	r := newTestRenderer(t)
	w := strictWriter{t, http.Header{}}
	if err := r.Render(w, http.StatusOK, "broken", failingData{Base{Lang: "zh-CN"}}); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("err = %v, want boom", err)
	}
	if err := r.Render(w, http.StatusOK, "nosuchpage", Base{}); err == nil {
		t.Error("unknown page rendered")
	}
	if len(w.h) != 0 {
		t.Errorf("headers set: %v", w.h)
	}
}

func TestNewRendererRejects(t *testing.T) {
	for _, c := range []struct{ name, page, err string }{
		{"syntax", `{{define "content"}}{{if}}{{end}}`, "missing value for if"},
		{"no content", `{{define "contents"}}<p>typo</p>{{end}}`, `does not define "content"`},
		{"escaping", `{{define "content"}}{{if .X}}<a href="{{end}}">x</a>{{end}}`, "branches end in different contexts"},
		{"no func", `{{define "content"}}{{nosuch 1}}{{end}}`, `function "nosuch" not defined`},
	} {
		_, err := NewRendererFS(testFS(t, map[string]string{"p": c.page}))
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.err)
		}
	}
}

func TestStatic(t *testing.T) {
	h := newTestRenderer(t).Static()
	get := func(target string, header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for _, name := range []string{"app.css", "app.js", "favicon.svg"} {
		p := StaticPath(name)
		v := strings.TrimPrefix(p, "/static/"+name+"?v=")
		if len(v) != 16 || v == p {
			t.Fatalf("StaticPath(%q) = %q", name, p)
		}
		rec := get(p)
		etag := rec.Header().Get("ETag")
		if rec.Code != http.StatusOK || etag != `"`+v+`"` || rec.Body.Len() == 0 {
			t.Fatalf("%s: %d, ETag %q, %d bytes", p, rec.Code, etag, rec.Body.Len())
		}
		if cc := rec.Header().Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Errorf("%s: Cache-Control %q", p, cc)
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, map[string]string{
			"app.css": "text/css", "app.js": "text/javascript", "favicon.svg": "image/svg+xml"}[name]) {
			t.Errorf("%s: Content-Type %q", p, ct)
		}
		if rec := get(p, "If-None-Match", etag); rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Errorf("%s with If-None-Match: %d, %d bytes", p, rec.Code, rec.Body.Len())
		}
		if rec := get("/static/"+name, "If-None-Match", `"stale"`); rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != "public, no-cache" {
			t.Errorf("unversioned %s: %d, Cache-Control %q", name, rec.Code, rec.Header().Get("Cache-Control"))
		}
	}
	if rec := get("/static/nosuch.css"); rec.Code != http.StatusNotFound {
		t.Errorf("missing file: %d", rec.Code)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/static/app.css", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", rec.Code)
	}
	if got := StaticPath("nosuch.css"); got != "/static/nosuch.css" {
		t.Errorf("StaticPath of a missing file = %q", got)
	}
}

func TestFuncs(t *testing.T) {
	r := newTestRenderer(t)
	f := r.funcs()
	when := f["when"].(func(any) (string, error))
	date := f["date"].(func(any) (string, error))
	ts := time.Date(2024, 6, 30, 17, 5, 0, 0, time.UTC)
	for _, c := range []struct {
		got, want string
	}{
		{f["area"].(func(huanxin.Area) string)(8532), "85.32"},
		{f["area"].(func(huanxin.Area) string)(5), "0.05"},
		{f["money"].(func(huanxin.Money) string)(0), "0.00"},
		{f["money"].(func(huanxin.Money) string)(99999), "999.99"},
		{f["money"].(func(huanxin.Money) string)(100000), "1,000.00"},
		{f["money"].(func(huanxin.Money) string)(-123456789012), "-1,234,567,890.12"},
		{must(when(ts)), "2024-07-01 01:05"},
		{must(when(&ts)), "2024-07-01 01:05"},
		{must(date(ts)), "2024-07-01"},
		{must(when(time.Time{})), ""},
		{must(date((*time.Time)(nil))), ""},
		{must(when(nil)), ""},
		{query(url.Values{"q": {"a b"}, "page": {"4"}}, "page", 5), "?page=5&q=a+b"},
		{query(url.Values{"q": {"x"}, "status": {"a", "b"}}, "q", ""), "?status=a&status=b"},
		{query(nil, "page", 2), "?page=2"},
		{f["static"].(func(string) string)("app.css"), StaticPath("app.css")},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if _, err := when("2024"); err == nil {
		t.Error("when accepted a string")
	}
	q := url.Values{"page": {"1"}}
	query(q, "page", 9)
	if q.Get("page") != "1" {
		t.Error("query changed its argument")
	}
	if m, err := dict("a", 1, "b", "x"); err != nil || m["a"] != 1 || m["b"] != "x" || len(m) != 2 {
		t.Errorf("dict = %v, %v", m, err)
	}
	for _, bad := range [][]any{{"a"}, {1, 2}} {
		if _, err := dict(bad...); err == nil {
			t.Errorf("dict(%v) accepted", bad)
		}
	}
	if got := seq(2, 5); !slices.Equal(got, []int{2, 3, 4, 5}) {
		t.Errorf("seq(2, 5) = %v", got)
	}
	if got := seq(3, 2); len(got) != 0 {
		t.Errorf("seq(3, 2) = %v", got)
	}
	errs := []huanxin.FieldError{{Field: "name", Message: "必填"}, {Field: "code", Message: "重复"}}
	fielderr := f["fielderr"].(func([]huanxin.FieldError, string) string)
	if fielderr(errs, "code") != "重复" || fielderr(errs, "year") != "" || fielderr(nil, "name") != "" {
		t.Error("fielderr")
	}
}

func must(s string, err error) string {
	if err != nil {
		panic(err)
	}
	return s
}

func TestPager(t *testing.T) {
	for _, c := range []struct {
		page, per, total int
		wantPage, pages  int
		numbers          []int
	}{
		{1, 20, 0, 1, 1, []int{1}},
		{1, 20, 20, 1, 1, []int{1}},
		{2, 20, 21, 2, 2, []int{1, 2}},
		{9, 20, 45, 3, 3, []int{1, 2, 3}},
		{-4, 20, 45, 1, 3, []int{1, 2, 3}},
		{1, 10, 100, 1, 10, []int{1, 2, 3, 0, 10}},
		{5, 10, 100, 5, 10, []int{1, 0, 3, 4, 5, 6, 7, 0, 10}},
		{4, 10, 100, 4, 10, []int{1, 2, 3, 4, 5, 6, 0, 10}},
		{10, 10, 100, 10, 10, []int{1, 0, 8, 9, 10}},
		{8, 10, 100, 8, 10, []int{1, 0, 6, 7, 8, 9, 10}},
		{3, 0, 100, 1, 1, []int{1}},
	} {
		p := NewPager(c.page, c.per, c.total, nil, "zh-CN")
		if p.Page != c.wantPage || p.Pages != c.pages || p.Total != c.total || !slices.Equal(p.Numbers(), c.numbers) {
			t.Errorf("NewPager(%d, %d, %d) = page %d of %d, numbers %v; want %d of %d, %v",
				c.page, c.per, c.total, p.Page, p.Pages, p.Numbers(), c.wantPage, c.pages, c.numbers)
		}
	}
	for in, want := range map[string]int{"": 1, "3": 3, "0": 1, "-2": 1, "x": 1, "99999999999999999999": 1} {
		if got := PageOf(url.Values{"page": {in}}); got != want {
			t.Errorf("PageOf(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/estates?page=2":       "/estates?page=2",
		"/":                     "/",
		"":                      "/",
		"estates":               "/",
		"//evil.example/x":      "/",
		"/\\evil.example":       "/",
		"https://evil.example/": "/",
		"javascript:alert(1)":   "/",
		"/a\r\nLocation: x":     "/",
	} {
		if got := LocalPath(in); got != want {
			t.Errorf("LocalPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestScopeOptionLabel(t *testing.T) {
	if got := (ScopeOption{Name: "幸福社区", Depth: 2}).Label(); got != "　　幸福社区" {
		t.Errorf("Label = %q", got)
	}
	if got := (ScopeOption{Name: "市", Depth: -1}).Label(); got != "市" {
		t.Errorf("Label = %q", got)
	}
}
