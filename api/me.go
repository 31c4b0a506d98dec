package api

import (
	"net/http"

	"github.com/huanxin/huanxin"
)

// Me is the signed-in actor, as GET /api/v1/me shows it.
type Me struct {
	UserID int64        `json:"user_id"`
	Name   string       `json:"name"`
	Role   huanxin.Role `json:"role"`
	Scope  MeScope      `json:"scope"`
	// OnBehalfOf is the owner an officer assists, or null.
	OnBehalfOf *int64 `json:"on_behalf_of"`
	// ReadOnly is set for read-only tokens.
	ReadOnly bool `json:"read_only"`
	// Token is set when the request is authenticated by an access token
	// rather than a signed-in session (tokens cannot create tokens).
	Token bool `json:"token"`
}

// MeScope is what the actor may see: everything (All), jurisdiction
// subtrees by path, single estates, and for residents their parts.
type MeScope struct {
	All       bool     `json:"all"`
	Paths     []string `json:"paths"`
	EstateIDs []int64  `json:"estate_ids"`
	PartIDs   []int64  `json:"part_ids"`
}

// MeOf describes an actor.
func MeOf(a *huanxin.Actor) Me {
	m := Me{UserID: a.UserID, Name: a.Name, Role: a.Role, ReadOnly: a.ReadOnly, Token: a.TokenID != 0,
		Scope: MeScope{All: a.Scope.All, Paths: []string{}, EstateIDs: []int64{}, PartIDs: []int64{}}}
	m.Scope.Paths = append(m.Scope.Paths, a.Scope.Paths...)
	m.Scope.EstateIDs = append(m.Scope.EstateIDs, a.Scope.EstateIDs...)
	for _, id := range a.Scope.PartIDs {
		if id > 0 { // a resident without holdings is scoped to part -1: none
			m.Scope.PartIDs = append(m.Scope.PartIDs, id)
		}
	}
	if a.OnBehalfOf != 0 {
		o := a.OnBehalfOf
		m.OnBehalfOf = &o
	}
	return m
}

func serveMe(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	WriteJSON(w, http.StatusOK, MeOf(huanxin.ActorFromContext(r.Context())))
}
