package server_test

import (
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
	"github.com/huanxin/huanxin/api"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/server"
	"github.com/huanxin/huanxin/store"
)

func TestMain(m *testing.M) {
	account.ArgonTime, account.ArgonMemory = 1, 64
	testdb.Main(m)
}

func TestAuthenticationCSRFAndHealth(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		sys := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
		reg := &estate.Service{Store: db}
		acc := &account.Service{Store: db, Register: reg, Keys: testdb.Keys()}
		prov := &estate.Jurisdiction{Level: huanxin.LevelProvince, Code: "330000", Name: "某省"}
		if err := reg.Jurisdictions().Create(sys, prov); err != nil {
			t.Fatal(err)
		}
		if err := acc.CreateUser(sys, &account.User{Username: "root", Name: "管理员", Role: huanxin.RoleAdmin}, "root-password"); err != nil {
			t.Fatal(err)
		}
		srv := server.New(db, acc, slog.New(slog.NewTextHandler(io.Discard, nil)), api.New(reg))
		srv.MaxForm = 4 << 10
		ts := httptest.NewServer(srv.Handler())
		defer ts.Close()

		raw, sess, err := acc.SignIn(context.Background(), "root", "root-password", "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		aCtx, _, _ := acc.SessionActor(context.Background(), raw)
		tok, _, err := acc.CreateToken(huanxin.NewContextWithActor(context.Background(), aCtx), "ci", false, 0)
		if err != nil {
			t.Fatal(err)
		}
		patch := `{"name":"浙江省"}`
		// Multipart forms carry their CSRF token in the body, read only up
		// to MaxForm: a larger form is refused before it is spooled.
		form := func(padding int) (string, string) {
			var b strings.Builder
			mw := multipart.NewWriter(&b)
			mw.WriteField("csrf", sess.CSRF)
			fw, _ := mw.CreateFormFile("file", "big.csv")
			fw.Write([]byte(strings.Repeat("x", padding)))
			mw.Close()
			return b.String(), mw.FormDataContentType()
		}
		small, smallType := form(100)
		big, bigType := form(8 << 10)
		cases := []struct {
			name, method, path, body string
			cookie, csrf, bearer     string
			contentType              string
			want                     int
			contains                 string
		}{
			{name: "health", method: "GET", path: "/healthz", want: 200, contains: "ok"},
			{name: "ready", method: "GET", path: "/readyz", want: 200, contains: "ready"},
			{name: "anonymous api", method: "GET", path: "/api/v1/jurisdictions", want: 401},
			{name: "cookie read", method: "GET", path: "/api/v1/jurisdictions", cookie: raw, want: 200, contains: "某省"},
			{name: "cookie write without csrf", method: "PATCH", path: "/api/v1/jurisdictions/1", body: patch, cookie: raw, want: 403, contains: "CSRF"},
			{name: "cookie write with wrong csrf", method: "PATCH", path: "/api/v1/jurisdictions/1", body: patch, cookie: raw, csrf: "nope", want: 403},
			{name: "cookie write with csrf", method: "PATCH", path: "/api/v1/jurisdictions/1", body: patch, cookie: raw, csrf: sess.CSRF, want: 200, contains: "浙江省"},
			{name: "cookie form with csrf in the body", method: "POST", path: "/api/v1/files", body: small, contentType: smallType, cookie: raw, want: 404},
			{name: "cookie form over the cap", method: "POST", path: "/api/v1/files", body: big, contentType: bigType, cookie: raw, want: 403, contains: "CSRF"},
			{name: "bearer read", method: "GET", path: "/api/v1/jurisdictions/1", bearer: tok, want: 200, contains: "浙江省"},
			{name: "bearer write needs no csrf", method: "PATCH", path: "/api/v1/jurisdictions/1", body: `{"name":"某省"}`, bearer: tok, want: 200},
			{name: "bad bearer", method: "GET", path: "/api/v1/jurisdictions", bearer: "hx_forged", want: 401},
			{name: "expired cookie is anonymous", method: "GET", path: "/api/v1/jurisdictions", cookie: "s_forged", want: 401},
			{name: "metrics", method: "GET", path: "/metrics", want: 200, contains: `huanxin_http_requests_total{code="2xx",route="GET /healthz"}`},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				req, _ := http.NewRequest(c.method, ts.URL+c.path, strings.NewReader(c.body))
				if c.contentType != "" {
					req.Header.Set("Content-Type", c.contentType)
				} else if c.body != "" {
					req.Header.Set("Content-Type", "application/json")
				}
				if c.cookie != "" {
					req.AddCookie(&http.Cookie{Name: server.SessionCookie, Value: c.cookie})
				}
				if c.csrf != "" {
					req.Header.Set("X-CSRF-Token", c.csrf)
				}
				if c.bearer != "" {
					req.Header.Set("Authorization", "Bearer "+c.bearer)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != c.want || !strings.Contains(string(b), c.contains) {
					t.Fatalf("%s %s = %d %s; want %d containing %q", c.method, c.path, resp.StatusCode, b, c.want, c.contains)
				}
				if resp.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'self'") {
					t.Fatalf("security headers missing: %v", resp.Header)
				}
			})
		}
		// A session used in the second half of its life is renewed, and
		// the cookie is sent again with the new expiry.
		acc.Now = func() time.Time { return time.Now().Add(7 * time.Hour) }
		req, _ := http.NewRequest("GET", ts.URL+"/api/v1/jurisdictions", nil)
		req.AddCookie(&http.Cookie{Name: server.SessionCookie, Value: raw})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		var renewed *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Name == server.SessionCookie {
				renewed = c
			}
		}
		if resp.StatusCode != 200 || renewed == nil || renewed.Value != raw || renewed.Expires.Before(time.Now().Add(18*time.Hour)) {
			t.Fatalf("renewed session: %d %+v", resp.StatusCode, renewed)
		}
	})
}
