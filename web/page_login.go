package web

import (
	"net/http"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/api"
)

type loginPage struct {
	Base
	Login   string
	Back    string
	Message string
}

func (p *Pages) loginForm(w http.ResponseWriter, r *http.Request) {
	p.render(w, r, http.StatusOK, "login", &loginPage{Base: p.base(r, "login.title"), Back: LocalPath(r.URL.Query().Get("back"))})
}

func (p *Pages) login(w http.ResponseWriter, r *http.Request) {
	login, back := strings.TrimSpace(r.FormValue("login")), LocalPath(r.FormValue("back"))
	raw, sess, err := p.Accounts.SignIn(r.Context(), login, r.FormValue("password"), api.ClientIP(r))
	if err != nil {
		status := StatusOf(err)
		if status == http.StatusInternalServerError {
			p.fail(w, r, err)
			return
		}
		p.render(w, r, status, "login", &loginPage{Base: p.base(r, "login.title"), Login: login, Back: back, Message: huanxin.ErrorMessage(err)})
		return
	}
	p.Sessions.SetSessionCookie(w, raw, sess.Expires)
	if back == "/" {
		if a, _, err := p.Accounts.SessionActor(r.Context(), raw); err == nil && a.Role == huanxin.RoleResident {
			back = "/my"
		}
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

func (p *Pages) logout(w http.ResponseWriter, r *http.Request) {
	if raw, _ := p.Session(r.Context()); raw != "" {
		p.Accounts.SignOut(r.Context(), raw)
	}
	p.Sessions.ClearSessionCookie(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
