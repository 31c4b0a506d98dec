package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
	"github.com/huanxin/huanxin/api"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/file"
	"github.com/huanxin/huanxin/importer"
	"github.com/huanxin/huanxin/web/i18n"
)

// Sessions is what the pages need of the HTTP layer to sign people in.
type Sessions interface {
	SetSessionCookie(w http.ResponseWriter, raw string, expires time.Time)
	ClearSessionCookie(w http.ResponseWriter)
}

// SessionFunc returns the raw session ID and session of a request signed in
// by cookie (set by the HTTP layer).
type SessionFunc func(ctx context.Context) (string, *account.Session)

// Pages serves the HTML pages, one action per file (page_*.go).
type Pages struct {
	Reg      *estate.Service
	Accounts *account.Service
	Importer *importer.Service
	Audit    *audit.Service
	// Decisions runs owners' joint decisions; nil disables their pages.
	Decisions *decision.Service
	// Files stores uploads (ballot scans, authorisations, documents); nil
	// disables uploads.
	Files    *file.Service
	Sessions Sessions
	Session  SessionFunc
	r        *Renderer
}

// NewPages parses the templates and returns the page handlers.
func NewPages(reg *estate.Service, acc *account.Service, imp *importer.Service, aud *audit.Service) (*Pages, error) {
	r, err := NewRenderer()
	if err != nil {
		return nil, err
	}
	return &Pages{Reg: reg, Accounts: acc, Importer: imp, Audit: aud, r: r}, nil
}

// Register mounts the pages.
func (p *Pages) Register(mux *http.ServeMux) {
	mux.Handle("GET /static/", http.StripPrefix("/static/", p.r.Static()))
	mux.HandleFunc("GET /lang", p.lang)
	mux.HandleFunc("GET /scope", p.signedIn(p.scope))
	mux.HandleFunc("GET /login", p.loginForm)
	mux.HandleFunc("POST /login", p.login)
	mux.HandleFunc("POST /logout", p.logout)
	mux.HandleFunc("GET /redeem", p.redeemForm)
	mux.HandleFunc("POST /redeem", p.redeem)
	mux.HandleFunc("GET /{$}", p.signedIn(p.home))
	mux.HandleFunc("GET /my", p.signedIn(p.myHome))
	mux.HandleFunc("GET /estates", p.signedIn(p.estateList))
	mux.HandleFunc("GET /estates/{id}", p.signedIn(p.estateShow))
	mux.HandleFunc("GET /estates/{id}/map.svg", p.signedIn(p.estateMap))
	mux.HandleFunc("GET /estates/new", p.edits(p.estateNew))
	mux.HandleFunc("POST /estates", p.edits(p.estateCreate))
	mux.HandleFunc("GET /estates/{id}/edit", p.edits(p.estateEdit))
	mux.HandleFunc("POST /estates/{id}", p.edits(p.estateUpdate))
	mux.HandleFunc("POST /estates/{id}/buildings", p.edits(p.buildingCreate))
	mux.HandleFunc("GET /parts/{id}/edit", p.edits(p.partEdit))
	mux.HandleFunc("POST /parts/{id}", p.edits(p.partUpdate))
	mux.HandleFunc("POST /parts/{id}/residents", p.edits(p.residentCreate))
	mux.HandleFunc("GET /export/{kind}", p.signedIn(p.export))
	mux.HandleFunc("GET /import", p.signedIn(p.importForm))
	mux.HandleFunc("POST /import", p.signedIn(p.importUpload))
	mux.HandleFunc("GET /import/template/{kind}", p.signedIn(p.importTemplate))
	mux.HandleFunc("GET /jurisdictions", p.signedIn(p.jurisdictions))
	mux.HandleFunc("GET /users", p.signedIn(p.userList))
	mux.HandleFunc("POST /users", p.signedIn(p.userCreate))
	mux.HandleFunc("POST /owners/{id}/invite", p.signedIn(p.invite))
	mux.HandleFunc("POST /assist", p.signedIn(p.assist))
	mux.HandleFunc("GET /audit", p.signedIn(p.auditList))
	mux.HandleFunc("GET /tokens", p.signedIn(p.tokenList))
	mux.HandleFunc("POST /tokens", p.signedIn(p.tokenCreate))
	mux.HandleFunc("POST /tokens/{id}/revoke", p.signedIn(p.tokenRevoke))
	mux.HandleFunc("GET /decisions", p.signedIn(p.decisionList))
	mux.HandleFunc("GET /decisions/new", p.edits(p.decisionPick))
	mux.HandleFunc("GET /estates/{id}/decisions/new", p.edits(p.decisionNew))
	mux.HandleFunc("POST /estates/{id}/decisions", p.edits(p.decisionCreate))
	mux.HandleFunc("GET /decisions/{id}", p.signedIn(p.decisionShow))
	mux.HandleFunc("GET /decisions/{id}/ballots.xlsx", p.signedIn(p.decisionBallots))
	mux.HandleFunc("GET /decisions/{id}/notice", p.signedIn(p.decisionNotice))
	mux.HandleFunc("POST /decisions/{id}/ballots", p.edits(p.ballotEnter))
	mux.HandleFunc("POST /decisions/{id}/reviews", p.edits(p.ballotReview))
	mux.HandleFunc("GET /decisions/{id}/result.xlsx", p.signedIn(p.decisionResultSheet))
	mux.HandleFunc("POST /decisions/{id}/documents", p.edits(p.documentAttach))
	mux.HandleFunc("POST /decisions/{id}/documents/{file}/remove", p.edits(p.documentRemove))
	mux.HandleFunc("GET /decisions/{id}/documents/{file}", p.signedIn(p.voteDocument))
	mux.HandleFunc("POST /decisions/{id}/objections/{objection}/answer", p.edits(p.objectionAnswer))
	mux.HandleFunc("POST /decisions/{id}/{action}", p.edits(p.decisionMove))
	mux.HandleFunc("GET /vote", p.signedIn(p.voteList))
	mux.HandleFunc("GET /vote/{id}", p.signedIn(p.voteForm))
	mux.HandleFunc("POST /vote/{id}", p.signedIn(p.voteCast))
	mux.HandleFunc("GET /vote/{id}/documents/{file}", p.signedIn(p.voteDocument))
	mux.HandleFunc("POST /vote/{id}/objections", p.signedIn(p.voteObject))
	mux.HandleFunc("GET /receipt", p.signedIn(p.receiptCheck))
	mux.HandleFunc("GET /settings/decision-rules", p.signedIn(p.decisionRules))
	mux.HandleFunc("POST /settings/decision-rules", p.signedIn(p.decisionRulesSave))
}

// signedIn sends anonymous visitors to the sign-in page.
func (p *Pages) signedIn(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if huanxin.ActorFromContext(r.Context()) == nil {
			http.Redirect(w, r, "/login?back="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		h(w, r)
	}
}

const langCookie, scopeCookie = "hx_lang", "hx_scope"

// lang is the page language: Chinese unless the visitor chose English
// with the switch (the browser's Accept-Language is not consulted: the
// product is Chinese first, and officers' browsers are often English).
func lang(r *http.Request) string {
	c, _ := r.Cookie(langCookie)
	v := ""
	if c != nil {
		v = c.Value
	}
	return i18n.Match("", v)
}

// base fills what the layout needs: language, actor, CSRF token, menu,
// flash and the jurisdiction switcher.
func (p *Pages) base(r *http.Request, titleKey string) Base {
	l := lang(r)
	b := Base{Lang: l, Title: i18n.T(l, titleKey), Path: r.URL.RequestURI()}
	a := huanxin.ActorFromContext(r.Context())
	if a == nil {
		return b
	}
	b.Actor = a
	if p.Session != nil {
		if _, s := p.Session(r.Context()); s != nil {
			b.CSRF = s.CSRF
		}
	}
	if f := r.URL.Query().Get("flash"); f != "" {
		b.Flash = i18n.T(l, "flash."+f)
	}
	b.Resident = a.Role == huanxin.RoleResident
	b.Menu = menu(a.Role, r.URL.Path)
	if !b.Resident {
		b.Scopes = p.scopeOptions(r)
	}
	return b
}

func menu(role huanxin.Role, path string) []MenuItem {
	item := func(key, href string) MenuItem { return MenuItem{Key: key, Href: href, Active: path == href} }
	if role == huanxin.RoleResident {
		return []MenuItem{item("nav.myhome", "/my"), item("nav.vote", "/vote")}
	}
	m := []MenuItem{item("nav.home", "/")}
	reg := MenuItem{Key: "nav.register", Children: []MenuItem{item("nav.estates", "/estates")}}
	if role != huanxin.RoleContractor && role != huanxin.RoleUtility && role != huanxin.RoleProperty && role != huanxin.RoleCommittee {
		reg.Children = append(reg.Children, item("nav.jurisdictions", "/jurisdictions"))
	}
	if role.CanEditRegister() {
		reg.Children = append(reg.Children, item("nav.import", "/import"))
	}
	m = append(m, reg)
	m = append(m, MenuItem{Key: "nav.votes", Children: []MenuItem{item("nav.decisions", "/decisions")}})
	sys := MenuItem{Key: "nav.system"}
	if role == huanxin.RoleAdmin || role == huanxin.RoleBureau {
		sys.Children = append(sys.Children, item("nav.users", "/users"))
		sys.Children = append(sys.Children, item("rules.nav", "/settings/decision-rules"))
	}
	if role == huanxin.RoleAdmin || role == huanxin.RoleAuditor || role == huanxin.RoleBureau {
		sys.Children = append(sys.Children, item("nav.audit", "/audit"))
	}
	sys.Children = append(sys.Children, item("nav.tokens", "/tokens"))
	return append(m, sys)
}

// scopeOptions lists the jurisdictions down to street level that the actor
// can switch to; the selected one filters the lists.
func (p *Pages) scopeOptions(r *http.Request) []ScopeOption {
	js, _, err := p.Reg.Jurisdictions().Find(r.Context(), estate.Filter{Limit: 300})
	if err != nil {
		return nil
	}
	sel := selectedScope(r)
	var out []ScopeOption
	for _, j := range js {
		if j.Level.Depth() > huanxin.LevelStreet.Depth() {
			continue
		}
		out = append(out, ScopeOption{ID: j.ID, Name: j.Name, Depth: j.Level.Depth(), Selected: j.ID == sel})
	}
	return out
}

func selectedScope(r *http.Request) int64 {
	c, err := r.Cookie(scopeCookie)
	if err != nil {
		return 0
	}
	id, _ := strconv.ParseInt(c.Value, 10, 64)
	return id
}

func (p *Pages) lang(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: i18n.Match("", r.URL.Query().Get("to")), Path: "/",
		MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, LocalPath(r.URL.Query().Get("back")), http.StatusSeeOther)
}

func (p *Pages) scope(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.URL.Query().Get("id"), 10, 64)
	if _, err := p.Reg.Jurisdictions().Get(r.Context(), id); err != nil {
		id = 0
	}
	http.SetCookie(w, &http.Cookie{Name: scopeCookie, Value: strconv.FormatInt(id, 10), Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, LocalPath(r.URL.Query().Get("back")), http.StatusSeeOther)
}

type errorPage struct {
	Base
	Status  int
	Message string
	Fields  []huanxin.FieldError
}

// fail renders an error page with the status of the error's code.
func (p *Pages) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := StatusOf(err)
	if status == http.StatusInternalServerError {
		slog.Error("page", "path", r.URL.Path, "err", err)
	}
	b := p.base(r, "error.title")
	p.render(w, r, status, "error", &errorPage{Base: b, Status: status, Message: huanxin.ErrorMessage(err), Fields: huanxin.ErrorFields(err)})
}

// StatusOf maps an application error to its HTTP status, as the API does.
func StatusOf(err error) int { return api.StatusFor(huanxin.ErrorCode(err)) }

func (p *Pages) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	if err := p.r.Render(w, status, page, data); err != nil {
		slog.Error("render", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
	}
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, huanxin.Errorf(huanxin.ENOTFOUND, "记录不存在 not found")
	}
	return id, nil
}

// redirect answers a POST with a redirect to a page and an optional flash key.
func redirect(w http.ResponseWriter, r *http.Request, to, flash string) {
	if flash != "" {
		u, _ := url.Parse(to)
		q := u.Query()
		q.Set("flash", flash)
		u.RawQuery = q.Encode()
		to = u.String()
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func parseID(s string) (int64, error) { return strconv.ParseInt(strings.TrimSpace(s), 10, 64) }

// pathEstate loads the estate named by the {id} path segment, or answers
// with the error page (404 also for an estate outside the actor's scope).
func (p *Pages) pathEstate(w http.ResponseWriter, r *http.Request) (*estate.Estate, bool) {
	id, err := pathID(r)
	if err == nil {
		var e *estate.Estate
		if e, err = p.Reg.Estates().Get(r.Context(), id); err == nil {
			return e, true
		}
	}
	p.fail(w, r, err)
	return nil, false
}
