package api

import (
	"context"
	"io"
	"net/http"

	"github.com/huanxin/huanxin/account"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/file"
	"github.com/huanxin/huanxin/importer"
)

// Extras are the services behind the non-register endpoints. Each nil
// service leaves its routes out.
type Extras struct {
	Accounts *account.Service // users, tokens, invitations
	Audit    *audit.Service   // the ledger; Cities defaults to those of the actor's jurisdictions
	Importer Importer         // import and export of spreadsheets
	// Decisions runs owners' joint decisions and their ballots.
	Decisions *decision.Service
	// Files keeps attached documents and photos.
	Files *file.Service
}

// Importer reads and writes spreadsheets of register records;
// *importer.Service is one.
type Importer interface {
	// Import validates the whole file and writes nothing unless every row
	// is valid; the error then lists each bad cell (sheet, row, column,
	// field, message).
	Import(ctx context.Context, kind string, r io.Reader, filename string, progress func(int)) (*importer.Result, error)
	// Export writes the records of a kind that f selects as format (xlsx
	// or csv) and returns the number of rows.
	Export(ctx context.Context, kind string, f estate.Filter, format string, w io.Writer) (int, error)
	// Kinds lists the kinds that can be imported and exported.
	Kinds() []string
}

var _ Importer = (*importer.Service)(nil)

// NewWithExtras returns the API over the register, as New does, with the
// account-side endpoints of the services given in x:
//
//	GET    /api/v1/me                       the signed-in actor
//	GET    /api/v1/users                    accounts (Accounts)
//	POST   /api/v1/users
//	PATCH  /api/v1/users/{id}
//	POST   /api/v1/users/{id}/password
//	GET    /api/v1/tokens                   personal access tokens (Accounts)
//	POST   /api/v1/tokens
//	DELETE /api/v1/tokens/{id}
//	POST   /api/v1/owners/{id}/invitations  paper invitation codes (Accounts)
//	POST   /api/v1/invitations/redeem       anonymous
//	GET    /api/v1/audit                    the ledger (Audit)
//	GET    /api/v1/audit/verify
//	POST   /api/v1/import/{kind}            spreadsheets (Importer)
//	GET    /api/v1/export/{kind}
//	GET    /api/v1/decisions                owners' joint decisions (Decisions)
//	POST   /api/v1/decisions
//	GET    /api/v1/decisions/{id}
//	POST   /api/v1/decisions/{id}/publish   and open, close, announce, finalize
//	POST   /api/v1/decisions/{id}/ballots
//	GET    /api/v1/decisions/{id}/turnout
//	GET    /api/v1/decisions/{id}/ballots
//	GET    /api/v1/decisions/{id}/result
//	POST   /api/v1/decisions/{id}/reviews   settle a mismatched paper ballot
//	GET    /api/v1/decisions/{id}/paper-entries
//	GET    /api/v1/decisions/{id}/documents and POST, DELETE …/{file}, GET …/{file}/content
//	GET    /api/v1/decisions/{id}/objections and POST, POST …/{objection}/answer
//	GET    /api/v1/cities/{id}/decision-rules and PUT
//	GET    /api/v1/receipts/{code}
//	POST   /api/v1/files                    attached files (Files)
//	GET    /api/v1/files/{id}
//	GET    /api/v1/files/{id}/content
func NewWithExtras(svc *estate.Service, x Extras) *API {
	a := New(svc)
	a.handle("GET "+Prefix+"/me", http.HandlerFunc(serveMe), nil)
	if x.Accounts != nil {
		u := userHandlers{svc: x.Accounts}
		a.handle("GET "+Prefix+"/users", http.HandlerFunc(u.list), userListParams)
		a.handle("POST "+Prefix+"/users", http.HandlerFunc(u.create), nil)
		a.handle("PATCH "+Prefix+"/users/{id}", http.HandlerFunc(u.update), nil)
		a.handle("POST "+Prefix+"/users/{id}/password", http.HandlerFunc(u.password), nil)

		t := tokenHandlers{svc: x.Accounts}
		a.handle("GET "+Prefix+"/tokens", http.HandlerFunc(t.list), tokenListParams)
		a.handle("POST "+Prefix+"/tokens", http.HandlerFunc(t.create), nil)
		a.handle("DELETE "+Prefix+"/tokens/{id}", http.HandlerFunc(t.revoke), nil)

		i := invitationHandlers{svc: x.Accounts}
		a.handle("POST "+Prefix+"/owners/{id}/invitations", http.HandlerFunc(i.invite), nil)
		a.handle("POST "+Prefix+"/invitations/redeem", http.HandlerFunc(i.redeem), nil)
	}
	if x.Audit != nil {
		aud := *x.Audit
		if aud.Cities == nil {
			aud.Cities = svc.Cities
		}
		h := auditHandlers{svc: &aud}
		a.handle("GET "+Prefix+"/audit", http.HandlerFunc(h.list), auditListParams)
		a.handle("GET "+Prefix+"/audit/verify", http.HandlerFunc(h.verify), nil)
	}
	if s, ok := x.Importer.(*importer.Service); ok && s == nil {
		x.Importer = nil
	}
	if x.Importer != nil {
		h := sheetHandlers{imp: x.Importer}
		a.handle("POST "+Prefix+"/import/{kind}", http.HandlerFunc(h.importFile), importParams)
		a.handle("GET "+Prefix+"/export/{kind}", http.HandlerFunc(h.export), exportParams)
	}
	if x.Decisions != nil {
		h := decisionHandlers{svc: x.Decisions}
		base := Prefix + "/decisions"
		a.handle("GET "+base, http.HandlerFunc(h.list), decisionListParams)
		a.handle("POST "+base, http.HandlerFunc(h.create), nil)
		a.handle("GET "+base+"/{id}", http.HandlerFunc(h.get), nil)
		a.handle("POST "+base+"/{id}/publish", h.transition(x.Decisions.Publish), nil)
		a.handle("POST "+base+"/{id}/open", h.transition(x.Decisions.Open), nil)
		a.handle("POST "+base+"/{id}/close", h.transition(x.Decisions.Close), nil)
		a.handle("POST "+base+"/{id}/announce", h.transition(x.Decisions.Announce), nil)
		a.handle("POST "+base+"/{id}/finalize", h.transition(x.Decisions.Finalize), nil)
		a.handle("POST "+base+"/{id}/ballots", http.HandlerFunc(h.cast), nil)
		a.handle("GET "+base+"/{id}/turnout", http.HandlerFunc(h.turnout), nil)
		a.handle("GET "+base+"/{id}/ballots", http.HandlerFunc(h.register), nil)
		a.handle("GET "+base+"/{id}/result", http.HandlerFunc(h.result), nil)
		a.handle("POST "+base+"/{id}/reviews", http.HandlerFunc(h.review), nil)
		a.handle("GET "+base+"/{id}/paper-entries", http.HandlerFunc(h.paperEntries), nil)
		a.handle("GET "+base+"/{id}/documents", http.HandlerFunc(h.documents), nil)
		a.handle("POST "+base+"/{id}/documents", http.HandlerFunc(h.addDocument), nil)
		a.handle("DELETE "+base+"/{id}/documents/{file}", http.HandlerFunc(h.removeDocument), nil)
		a.handle("GET "+base+"/{id}/documents/{file}/content", http.HandlerFunc(h.documentContent), nil)
		a.handle("GET "+base+"/{id}/objections", http.HandlerFunc(h.objections), nil)
		a.handle("POST "+base+"/{id}/objections", http.HandlerFunc(h.object), nil)
		a.handle("POST "+base+"/{id}/objections/{objection}/answer", http.HandlerFunc(h.answer), nil)
		a.handle("GET "+Prefix+"/cities/{id}/decision-rules", http.HandlerFunc(h.rules), nil)
		a.handle("PUT "+Prefix+"/cities/{id}/decision-rules", http.HandlerFunc(h.setRules), nil)
		a.handle("GET "+Prefix+"/receipts/{code}", http.HandlerFunc(h.receipt), nil)
	}
	if x.Files != nil {
		h := fileHandlers{svc: x.Files}
		a.handle("POST "+Prefix+"/files", http.HandlerFunc(h.upload), nil)
		a.handle("GET "+Prefix+"/files/{id}", http.HandlerFunc(h.get), nil)
		a.handle("GET "+Prefix+"/files/{id}/content", http.HandlerFunc(h.content), nil)
	}
	return a
}
