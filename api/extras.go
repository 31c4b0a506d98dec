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
	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/importer"
	"github.com/huanxin/huanxin/notice"
	"github.com/huanxin/huanxin/notify"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/planning/plan"
	"github.com/huanxin/huanxin/planning/priority"
	"github.com/huanxin/huanxin/planning/programme"
	"github.com/huanxin/huanxin/questionnaire"
	"github.com/huanxin/huanxin/represent"
	"github.com/huanxin/huanxin/request"
	"github.com/huanxin/huanxin/survey"
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
	// Notices are notices with publicity periods; Notify keeps inboxes,
	// notification preferences and deliveries.
	Notices *notice.Service
	Notify  *notify.Service
	// Requests runs residents' questions, suggestions and complaints.
	Requests *request.Service
	// Priority keeps indicator values and weight sets and ranks estates.
	Priority *priority.Service
	// Catalogue keeps the cities' catalogues of renovation items.
	Catalogue *planning.CatalogueService
	// Surveys keeps condition surveys.
	Surveys *survey.Service
	// Questionnaires runs questionnaires and their responses.
	Questionnaires *questionnaire.Service
	// Plans keeps estates' renovation plans.
	Plans *plan.Service
	// Programmes computes and keeps annual programmes.
	Programmes *programme.Service
	// Represent keeps estates' representatives (seats) and meetings.
	Represent *represent.Service
	// Funding keeps the funding plans of estate plans.
	Funding *funding.Service
	// Appraisals keeps the social-capital appraisals of estates.
	Appraisals *funding.Appraisals
	// Maintenance keeps the housing maintenance fund of estates.
	Maintenance *funding.Maintenance
	// Spending keeps plans' contracts, allocations and payments and the
	// budget tables.
	Spending *funding.Spending
	// Shares splits plans' owners' money among the parts and tracks payments.
	Shares *funding.Shares
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
//	GET    /api/v1/cities/{id}/notice-rules and PUT: minimum publicity periods, working-day calendar (Notices)
//	GET    /api/v1/requests                 residents' requests (Requests): queue, submit
//	POST   /api/v1/requests
//	GET    /api/v1/requests/overview        figures per unit
//	GET    /api/v1/requests/{id}            and …/events
//	POST   /api/v1/requests/{id}/assign     and answer, close, reopen, publish
//	GET    /api/v1/faq                      an estate's published questions
//	GET    /api/v1/units                    responsible organisations, and POST, PUT …/{id}
//	GET    /api/v1/cities/{id}/request-categories and PUT
//	GET    /api/v1/catalogue                renovation items of a city (Catalogue)
//	POST   /api/v1/catalogue/items
//	GET    /api/v1/catalogue/items/{id}
//	PATCH  /api/v1/catalogue/items/{id}
//	GET    /api/v1/surveys                  condition surveys (Surveys)
//	POST   /api/v1/surveys
//	GET    /api/v1/surveys/{id}
//	PATCH  /api/v1/surveys/{id}             a draft only
//	POST   /api/v1/surveys/{id}/submit
//	GET    /api/v1/surveys/{id}/compare/{other}
//	GET    /api/v1/questionnaires           questionnaires (Questionnaires)
//	POST   /api/v1/questionnaires and …/needs (from the catalogue)
//	GET    /api/v1/questionnaires/{id} and PATCH (a draft), POST …/open, …/close
//	POST   /api/v1/questionnaires/{id}/responses
//	GET    /api/v1/questionnaires/{id}/results and …/texts
//	GET    /api/v1/questionnaire-schedules  and POST; POST …/{id}/cancel: scheduled surveys (Questionnaires)
//	GET    /api/v1/indicators               the indicator system (Priority)
//	GET    /api/v1/indicators/values        and PUT; POST /api/v1/indicators/import
//	GET    /api/v1/weight-sets              and POST; GET, PUT …/{id}; POST …/ahp
//	POST   /api/v1/rankings
//	GET    /api/v1/plans/{id}/funding       a plan's funding (Funding), and POST a line
//	POST   /api/v1/plans/{id}/funding/{line}/advance and …/withdraw
//	GET    /api/v1/plans/{id}/contracts     a plan's contracts (Spending), and POST one; GET …/{contract}, POST …/{contract}/status
//	GET    /api/v1/plans/{id}/contracts/{contract}/milestones, …/allocations and POST, …/payments and POST
//	GET    /api/v1/estates/{id}/budget      budget, committed, paid and remaining per item; GET /api/v1/programmes/{id}/budget per estate
//	GET    /api/v1/plans/{id}/shares        owners' share runs of a plan (Shares); POST splits
//	GET    /api/v1/shares/{id}              a run with a page of rows; GET …/parts/{part} a statement
//	POST   /api/v1/shares/{id}/payments     and GET …/collection (rates), …/reminders (who owes)
//	GET    /api/v1/me/shares                the signed-in owner's statements
//	GET    /api/v1/estates/{id}/maintenance-fund/balances and POST …/balances/import (Maintenance)
//	GET    /api/v1/estates/{id}/maintenance-fund/uses and POST; POST …/uses/{use}/approve, …/pay
//	GET    /api/v1/estates/{id}/maintenance-fund/raises and POST
//	GET    /api/v1/appraisals               social-capital appraisals of an estate (Appraisals); POST
//	GET    /api/v1/appraisals/{id}          and PUT; GET …/result (table, NPV, IRR, paybacks, DSCR, sensitivity)
//	GET    /api/v1/plans                    renovation plans (Plans); POST
//	GET    /api/v1/plans/{id}               with totals, order violations, omissions, missing sign-offs
//	PUT    /api/v1/plans/{id}/lines
//	POST   /api/v1/plans/{id}/submit        and approve, return, revise, sign-offs, decision
//	GET    /api/v1/plans/{id}/history       and diff
//	GET    /api/v1/programmes               annual programmes (Programmes); POST computes a scenario
//	GET    /api/v1/programmes/{id}          and …/compare?with=, POST …/adopt
//	GET    /api/v1/seats                    representatives of an estate (Represent); POST, POST …/{id}/end
//	GET    /api/v1/meetings                 meetings of an estate (Represent); POST; GET …/overdue-actions
//	GET    /api/v1/meetings/{id}            and PATCH; PUT …/attendance, …/minutes, …/photos
//	GET    /api/v1/meetings/{id}/photos/{file}/content
//	POST   /api/v1/meetings/{id}/actions    and …/actions/{action}/complete
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
		a.handle("GET "+base+"/{id}/documents/{file}/content", ownedFile(x.Decisions.Document), nil)
		objectionRoutes(a, base, x.Decisions, shownObjection, func(os []Objection) any { return Objections{Items: os} })
		a.handle("GET "+Prefix+"/cities/{id}/decision-rules", http.HandlerFunc(h.rules), nil)
		a.handle("PUT "+Prefix+"/cities/{id}/decision-rules", http.HandlerFunc(h.setRules), nil)
		a.handle("GET "+Prefix+"/receipts/{code}", http.HandlerFunc(h.receipt), nil)
	}
	if x.Requests != nil {
		registerRequests(a, x.Requests)
	}
	if x.Files != nil {
		h := fileHandlers{svc: x.Files}
		a.handle("POST "+Prefix+"/files", http.HandlerFunc(h.upload), nil)
		a.handle("GET "+Prefix+"/files/{id}", http.HandlerFunc(h.get), nil)
		a.handle("GET "+Prefix+"/files/{id}/content", http.HandlerFunc(h.content), nil)
	}
	if x.Catalogue != nil {
		h := catalogueHandlers{svc: x.Catalogue}
		a.handle("GET "+Prefix+"/catalogue", http.HandlerFunc(h.list), catalogueListParams)
		a.handle("POST "+Prefix+"/catalogue/items", http.HandlerFunc(h.create), nil)
		a.handle("GET "+Prefix+"/catalogue/items/{id}", http.HandlerFunc(h.get), nil)
		a.handle("PATCH "+Prefix+"/catalogue/items/{id}", http.HandlerFunc(h.update), nil)
	}
	if x.Surveys != nil {
		h := surveyHandlers{svc: x.Surveys}
		base := Prefix + "/surveys"
		a.handle("GET "+base, http.HandlerFunc(h.list), surveyListParams)
		a.handle("POST "+base, http.HandlerFunc(h.create), nil)
		a.handle("GET "+base+"/{id}", http.HandlerFunc(h.get), nil)
		a.handle("PATCH "+base+"/{id}", http.HandlerFunc(h.update), nil)
		a.handle("POST "+base+"/{id}/submit", recordAction(h.svc.Submit, shownSurvey), nil)
		a.handle("GET "+base+"/{id}/compare/{other}", http.HandlerFunc(h.compare), nil)
	}
	if x.Questionnaires != nil {
		a.questionnaireRoutes(x.Questionnaires)
		a.questionnaireScheduleRoutes(x.Questionnaires)
	}
	if x.Priority != nil {
		h := priorityHandlers{svc: x.Priority}
		a.handle("GET "+Prefix+"/indicators", http.HandlerFunc(h.indicators), indicatorListParams)
		a.handle("GET "+Prefix+"/indicators/values", http.HandlerFunc(h.values), indicatorValuesParams)
		a.handle("PUT "+Prefix+"/indicators/values", http.HandlerFunc(h.putValues), nil)
		a.handle("POST "+Prefix+"/indicators/import", http.HandlerFunc(h.importValues), indicatorImportParams)
		a.handle("GET "+Prefix+"/weight-sets", http.HandlerFunc(h.weightSets), weightSetListParams)
		a.handle("POST "+Prefix+"/weight-sets", http.HandlerFunc(h.createWeightSet), nil)
		a.handle("POST "+Prefix+"/weight-sets/ahp", http.HandlerFunc(h.checkAHP), nil)
		a.handle("GET "+Prefix+"/weight-sets/{id}", http.HandlerFunc(h.weightSet), nil)
		a.handle("PUT "+Prefix+"/weight-sets/{id}", http.HandlerFunc(h.updateWeightSet), nil)
		a.handle("POST "+Prefix+"/rankings", http.HandlerFunc(h.rank), nil)
	}
	if x.Notices != nil {
		h := noticeHandlers{svc: x.Notices}
		base := Prefix + "/notices"
		a.handle("GET "+base, http.HandlerFunc(h.list), noticeListParams)
		a.handle("POST "+base, http.HandlerFunc(h.create), nil)
		a.handle("GET "+base+"/{id}", http.HandlerFunc(h.get), nil)
		a.handle("PATCH "+base+"/{id}", http.HandlerFunc(h.update), nil)
		a.handle("POST "+base+"/{id}/publish", h.transition(x.Notices.Publish), nil)
		a.handle("POST "+base+"/{id}/withdraw", h.transition(x.Notices.Withdraw), nil)
		a.handle("GET "+base+"/{id}/attachments/{file}/content", ownedFile(x.Notices.Attachment), nil)
		objectionRoutes(a, base, x.Notices, shownNoticeObjection, func(os []NoticeObjection) any { return NoticeObjections{Items: os} })
		a.handle("GET "+base+"/{id}/receipts", http.HandlerFunc(h.receipts), nil)
		a.handle("POST "+base+"/{id}/receipts", http.HandlerFunc(h.paperReceipts), nil)
		a.handle("GET "+base+"/{id}/not-reached", http.HandlerFunc(h.notReached), nil)
		a.handle("GET "+Prefix+"/cities/{id}/notice-rules", http.HandlerFunc(h.rules), nil)
		a.handle("PUT "+Prefix+"/cities/{id}/notice-rules", http.HandlerFunc(h.setRules), nil)
	}
	if x.Appraisals != nil {
		a.appraisalRoutes(x.Appraisals)
	}
	if x.Maintenance != nil {
		a.maintenanceRoutes(x.Maintenance)
	}
	if x.Spending != nil {
		a.spendingRoutes(x.Spending)
	}
	if x.Shares != nil {
		a.shareRoutes(x.Shares)
	}
	if x.Funding != nil {
		h := fundingHandlers{svc: x.Funding}
		base := Prefix + "/plans/{id}/funding"
		a.handle("GET "+base, http.HandlerFunc(h.get), nil)
		a.handle("POST "+base, http.HandlerFunc(h.add), nil)
		a.handle("POST "+base+"/{line}/advance", http.HandlerFunc(h.advance), nil)
		a.handle("POST "+base+"/{line}/withdraw", http.HandlerFunc(h.withdraw), nil)
	}
	if x.Notify != nil {
		h := inboxHandlers{svc: x.Notify}
		a.handle("GET "+Prefix+"/inbox", http.HandlerFunc(h.list), inboxParams)
		a.handle("POST "+Prefix+"/inbox/{id}/read", recordAction(h.svc.Read, func(m *notify.Message) Message { return shownMessage(*m) }), nil)
		a.handle("GET "+Prefix+"/notification-preferences", http.HandlerFunc(h.preferences), nil)
		a.handle("PUT "+Prefix+"/notification-preferences", http.HandlerFunc(h.setPreferences), nil)
		a.handle("GET "+Prefix+"/deliveries", http.HandlerFunc(h.deliveries), deliveryParams)
		a.handle("POST "+Prefix+"/deliveries/{id}/resend", recordAction(h.svc.Resend, shownDelivery), nil)
		a.handle("PUT "+Prefix+"/users/{id}/wechat", http.HandlerFunc(h.bindWeChat), nil)
	}
	if x.Plans != nil {
		a.planRoutes(x.Plans)
	}
	if x.Represent != nil {
		registerRepresent(a, x.Represent)
	}
	if x.Programmes != nil {
		h := programmeHandlers{svc: x.Programmes}
		a.handle("GET "+Prefix+"/programmes", http.HandlerFunc(h.list), programmeListParams)
		a.handle("POST "+Prefix+"/programmes", http.HandlerFunc(h.create), nil)
		a.handle("GET "+Prefix+"/programmes/{id}", http.HandlerFunc(h.get), nil)
		a.handle("GET "+Prefix+"/programmes/{id}/compare", http.HandlerFunc(h.compare), programmeCompareParams)
		a.handle("POST "+Prefix+"/programmes/{id}/adopt", http.HandlerFunc(h.adopt), nil)
	}
	return a
}
