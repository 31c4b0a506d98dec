package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
)

// tokenDefaultDays is how long a new token is valid unless the form says
// otherwise; account.Service allows at most tokenMaxDays.
const tokenDefaultDays, tokenMaxDays = 90, 366

type tokenListPage struct {
	Base
	Tokens []tokenRow
	// Raw is a token just created, shown this once and never again.
	Raw     string
	Created *account.Token
	Form    tokenForm
	Message string
	Errors  []huanxin.FieldError
}

type tokenRow struct {
	*account.Token
	State string // "active", "revoked" or "expired"
}

type tokenForm struct {
	Name     string
	ReadOnly bool
	Days     string
}

// tokenList lists the actor's own API tokens.
func (p *Pages) tokenList(w http.ResponseWriter, r *http.Request) {
	p.renderTokens(w, r, http.StatusOK, &tokenListPage{Form: tokenForm{ReadOnly: true, Days: strconv.Itoa(tokenDefaultDays)}})
}

// tokenCreate makes a token and shows it once on the page it renders (not
// a redirect, so the secret is in no URL and no history entry).
func (p *Pages) tokenCreate(w http.ResponseWriter, r *http.Request) {
	f := tokenForm{Name: strings.TrimSpace(r.FormValue("name")), ReadOnly: r.FormValue("read_only") != "",
		Days: strings.TrimSpace(r.FormValue("days"))}
	pg := &tokenListPage{Form: f}
	days := tokenDefaultDays
	if f.Days != "" {
		n, err := strconv.Atoi(f.Days)
		if err != nil || n < 1 || n > tokenMaxDays {
			pg.Errors = append(pg.Errors, huanxin.FieldError{Field: "days", Message: "应为 1–366 天 must be 1 to 366 days"})
		}
		days = n
	}
	if f.Name == "" {
		pg.Errors = append(pg.Errors, huanxin.FieldError{Field: "name", Message: "必填 required"})
	}
	if len(pg.Errors) > 0 {
		pg.Message = "输入有误 invalid input"
		p.renderTokens(w, r, http.StatusBadRequest, pg)
		return
	}
	raw, t, err := p.Accounts.CreateToken(r.Context(), f.Name, f.ReadOnly, time.Duration(days)*24*time.Hour)
	if huanxin.ErrorCode(err) == huanxin.EINVALID {
		pg.Message, pg.Errors = huanxin.ErrorMessage(err), huanxin.ErrorFields(err)
		p.renderTokens(w, r, http.StatusBadRequest, pg)
		return
	} else if err != nil {
		p.fail(w, r, err)
		return
	}
	pg.Raw, pg.Created = raw, t
	pg.Form = tokenForm{ReadOnly: true, Days: strconv.Itoa(tokenDefaultDays)}
	w.Header().Set("Cache-Control", "no-store")
	p.renderTokens(w, r, http.StatusOK, pg)
}

// tokenRevoke revokes one of the actor's tokens.
func (p *Pages) tokenRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = p.Accounts.RevokeToken(r.Context(), id)
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	redirect(w, r, "/tokens", "token_revoked")
}

func (p *Pages) renderTokens(w http.ResponseWriter, r *http.Request, status int, pg *tokenListPage) {
	list, err := p.Accounts.Tokens(r.Context())
	if err != nil {
		p.fail(w, r, err)
		return
	}
	now := time.Now()
	for _, t := range list {
		row := tokenRow{Token: t, State: "active"}
		if !t.Revoked.IsZero() {
			row.State = "revoked"
		} else if !t.Expires.After(now) {
			row.State = "expired"
		}
		pg.Tokens = append(pg.Tokens, row)
	}
	pg.Base = p.base(r, "tokens.title")
	p.render(w, r, status, "tokens", pg)
}
