package api

import (
	"net"
	"net/http"
	"time"

	"github.com/huanxin/huanxin/account"
)

// invitationHandlers serve the paper invitation codes that bind residents
// to their owner records: officers who may edit the register create them
// for owners they can see; a resident redeems one without signing in.
type invitationHandlers struct{ svc *account.Service }

// InvitationCode is a new invitation: the code, shown once, to be printed
// for the owner.
type InvitationCode struct {
	Code    string    `json:"code"`
	OwnerID int64     `json:"owner_id"`
	Expires time.Time `json:"expires"`
}

// RedeemInput is the body of POST /api/v1/invitations/redeem.
type RedeemInput struct {
	Code     string `json:"code"`
	Username string `json:"username"`
	Phone    string `json:"phone"`
	Password string `json:"password"`
}

func (h invitationHandlers) invite(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	if err := optionalBody(w, r); err != nil {
		WriteError(w, r, err)
		return
	}
	code, inv, err := h.svc.Invite(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, InvitationCode{Code: code, OwnerID: inv.OwnerID, Expires: inv.Expires})
}

// redeem needs no actor: the code is the credential.
func (h invitationHandlers) redeem(w http.ResponseWriter, r *http.Request) {
	var in RedeemInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	u, err := h.svc.Redeem(r.Context(), in.Code, in.Username, in.Phone, in.Password, ClientIP(r))
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, shown(u))
}

// ClientIP returns the request's client address: the direct peer (a
// proxy's X-Forwarded-For is not trusted). Sign-in and invitation
// throttling count by it.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
