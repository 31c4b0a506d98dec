package api

import (
	"net/http"

	"github.com/huanxin/huanxin/audit"
)

var auditListParams = []string{"page", "per_page", "action", "entity", "entity_id", "actor_id", "from", "to"}

// auditHandlers serve the ledger to admins (every chain), auditors and
// housing bureaus (the chains of the cities in their scope); the audit
// service decides.
type auditHandlers struct{ svc *audit.Service }

// AuditVerification is the result of recomputing the ledger's hash chains.
type AuditVerification struct {
	Intact  bool        `json:"intact"`
	Checked int64       `json:"checked"` // entries checked
	Break   *AuditBreak `json:"break"`   // null when intact
}

// AuditBreak is where a chain first fails verification. CityID and Seq
// are null when the break lies in a chain the caller may not read.
type AuditBreak struct {
	CityID *int64 `json:"city_id"`
	Seq    *int64 `json:"seq"`
	Reason string `json:"reason"`
}

func (h auditHandlers) list(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	p := readParams(r, auditListParams)
	page, perPage := p.paging()
	f := audit.Filter{
		Action:   p.text("action", 40),
		Entity:   p.text("entity", 40),
		EntityID: p.id("entity_id", 0),
		ActorID:  p.id("actor_id", 0),
		From:     p.when("from", false),
		To:       p.when("to", true),
		Offset:   (page - 1) * perPage,
		Limit:    perPage,
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		p.fail("to", "须晚于 from must be after from")
	}
	if err := p.err(); err != nil {
		WriteError(w, r, err)
		return
	}
	entries, total, err := h.svc.Find(r.Context(), f)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	writeList(w, entries, total, page, perPage)
}

func (h auditHandlers) verify(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	b, n, err := h.svc.Verify(r.Context())
	if err != nil {
		WriteError(w, r, err)
		return
	}
	v := AuditVerification{Intact: b == nil, Checked: n}
	if b != nil {
		v.Break = &AuditBreak{Reason: b.Reason}
		if !b.Hidden {
			city, seq := b.CityID, b.Seq
			v.Break.CityID, v.Break.Seq = &city, &seq
		}
	}
	WriteJSON(w, http.StatusOK, v)
}
