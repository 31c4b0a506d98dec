package web

import (
	"net/http"
	"strings"
	"time"
)

type invitePage struct {
	Base
	OwnerName string
	Code      string   // "1234-5678-9012"
	Groups    []string // the code's digit groups, printed large
	Expires   time.Time
	RedeemURL string // where the owner goes, e.g. "hx.example.gov.cn/redeem"
}

// invite creates a one-time invitation code for an owner and shows it on a
// page meant to be printed and handed over: most owners who cannot come to
// the office are elderly, so the instructions are short and plain.
func (p *Pages) invite(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	code, inv, err := p.Accounts.Invite(r.Context(), id)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	o, err := p.Reg.Owners().Get(r.Context(), inv.OwnerID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &invitePage{Base: p.base(r, "invite.title"), OwnerName: o.Name, Code: code,
		Groups: strings.Split(code, "-"), Expires: inv.Expires, RedeemURL: r.Host + "/redeem"}
	// The code is shown once and must not stay in any cache.
	w.Header().Set("Cache-Control", "no-store")
	p.render(w, r, http.StatusOK, "invite", pg)
}
