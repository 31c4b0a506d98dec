package web

import (
	"net/http"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/api"
)

type redeemPage struct {
	Base
	Code, Username, Phone string
	Message               string
	Errors                []huanxin.FieldError
}

// redeemForm is where an owner turns the code printed by their community
// into an account.
func (p *Pages) redeemForm(w http.ResponseWriter, r *http.Request) {
	b := p.base(r, "redeem.title")
	b.Resident = true
	p.render(w, r, http.StatusOK, "redeem", &redeemPage{Base: b, Code: r.URL.Query().Get("code")})
}

func (p *Pages) redeem(w http.ResponseWriter, r *http.Request) {
	pg := &redeemPage{Code: r.FormValue("code"), Username: r.FormValue("username"), Phone: r.FormValue("phone")}
	password := r.FormValue("password")
	if password != r.FormValue("password2") {
		pg.Errors = []huanxin.FieldError{{Field: "password2", Message: "两次输入的密码不一致 passwords differ"}}
	} else if _, err := p.Accounts.Redeem(r.Context(), pg.Code, pg.Username, pg.Phone, password, api.ClientIP(r)); err != nil {
		pg.Message, pg.Errors = huanxin.ErrorMessage(err), huanxin.ErrorFields(err)
	} else {
		raw, sess, err := p.Accounts.SignIn(r.Context(), pg.Username, password, api.ClientIP(r))
		if err != nil {
			p.fail(w, r, err)
			return
		}
		p.Sessions.SetSessionCookie(w, raw, sess.Expires)
		redirect(w, r, "/my", "welcome")
		return
	}
	pg.Base = p.base(r, "redeem.title")
	pg.Resident = true
	p.render(w, r, http.StatusBadRequest, "redeem", pg)
}
