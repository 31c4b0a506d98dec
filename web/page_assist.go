package web

import (
	"net/http"
	"strconv"
)

// assist starts assisted mode: the officer acts on behalf of an owner in
// their scope (for owners who cannot use a phone), and every change made
// meanwhile is recorded in the ledger with that owner. Owner ID 0 (the
// stop button) ends it.
func (p *Pages) assist(w http.ResponseWriter, r *http.Request) {
	owner, err := strconv.ParseInt(r.FormValue("owner_id"), 10, 64)
	if err != nil || owner < 0 {
		owner = 0
	}
	raw, _ := p.Session(r.Context())
	if err := p.Accounts.Assist(r.Context(), raw, owner); err != nil {
		p.fail(w, r, err)
		return
	}
	flash := "assist_started"
	if owner == 0 {
		flash = "assist_stopped"
	}
	redirect(w, r, LocalPath(r.FormValue("back")), flash)
}
