package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
)

var tokenListParams = []string{"page", "per_page"}

// Token lifetimes, in days.
const (
	DefaultTokenDays = 90
	MaxTokenDays     = 366
)

// tokenHandlers serve /api/v1/tokens: the signed-in user's own personal
// access tokens.
type tokenHandlers struct{ svc *account.Service }

// TokenInfo is a personal access token as listed; the token itself is
// shown only once, when it is created.
type TokenInfo struct {
	ID       int64      `json:"id"`
	Name     string     `json:"name"`
	ReadOnly bool       `json:"read_only"`
	Created  time.Time  `json:"created"`
	Expires  time.Time  `json:"expires"`
	Revoked  *time.Time `json:"revoked"`   // null while valid
	LastUsed *time.Time `json:"last_used"` // null if never used
}

// NewToken is the answer to POST /api/v1/tokens: the raw token, shown
// once, and what is kept of it.
type NewToken struct {
	Token string `json:"token"`
	TokenInfo
}

// TokenInput is the body of POST /api/v1/tokens.
type TokenInput struct {
	Name     string `json:"name"`
	ReadOnly bool   `json:"read_only"`
	Days     int    `json:"days"` // 0: DefaultTokenDays
}

func tokenInfo(t *account.Token) *TokenInfo {
	at := func(v time.Time) *time.Time {
		if v.IsZero() {
			return nil
		}
		return &v
	}
	return &TokenInfo{ID: t.ID, Name: t.Name, ReadOnly: t.ReadOnly, Created: t.Created, Expires: t.Expires,
		Revoked: at(t.Revoked), LastUsed: at(t.LastUsed)}
}

func (h tokenHandlers) list(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	p := readParams(r, tokenListParams)
	page, perPage := p.paging()
	if err := p.err(); err != nil {
		WriteError(w, r, err)
		return
	}
	tokens, err := h.svc.Tokens(r.Context())
	if err != nil {
		WriteError(w, r, err)
		return
	}
	all := make([]*TokenInfo, len(tokens))
	for i, t := range tokens {
		all[i] = tokenInfo(t)
	}
	writeList(w, pageOf(all, page, perPage), len(all), page, perPage)
}

func (h tokenHandlers) create(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	var in TokenInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	days := in.Days
	if days == 0 {
		days = DefaultTokenDays
	} else if days < 1 || days > MaxTokenDays {
		WriteError(w, r, huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "days",
			Message: "须为 1 到 " + strconv.Itoa(MaxTokenDays) + " 的整数 must be an integer from 1 to " + strconv.Itoa(MaxTokenDays)}))
		return
	}
	raw, t, err := h.svc.CreateToken(r.Context(), in.Name, in.ReadOnly, time.Duration(days)*24*time.Hour)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, NewToken{Token: raw, TokenInfo: *tokenInfo(t)})
}

func (h tokenHandlers) revoke(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) || !requireWritable(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	if err := h.svc.RevokeToken(r.Context(), id); err != nil {
		WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
