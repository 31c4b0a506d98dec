package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
	"github.com/huanxin/huanxin/api"
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
	"github.com/huanxin/huanxin/web/i18n"
)

// Sessions is what the pages need of the HTTP layer to sign people in.
type Sessions interface {
	SetSessionCookie(w http.ResponseWriter, raw string, expires time.Time)
	ClearSessionCookie(w http.ResponseWriter)
}

// SessionFunc returns the raw session ID and session of a request signed in
// by cookie (set by the HTTP layer).
type SessionFunc func(ctx context.Context) (string, *account.Session)

// Pages serves the HTML pages, one action per file (page_*.go).
type Pages struct {
	Reg      *estate.Service
	Accounts *account.Service
	Importer *importer.Service
	Audit    *audit.Service
	// Decisions runs owners' joint decisions; nil disables their pages.
	Decisions *decision.Service
	// Files stores uploads (ballot scans, authorisations, documents); nil
	// disables uploads.
	Files *file.Service
	// Notices are notices with publicity periods; Notify keeps inboxes and
	// preferences. nil disables their pages.
	Notices *notice.Service
	Notify  *notify.Service
	// Surveys keeps condition surveys; nil disables their pages.
	Surveys *survey.Service
	// Catalogue keeps the cities' renovation catalogues; nil disables
	// its pages.
	Catalogue *planning.CatalogueService
	// Priority ranks estates for renovation; nil disables its pages.
	Priority *priority.Service
	// Plans keeps estates' renovation plans; nil disables their pages.
	Plans *plan.Service
	// Programmes computes annual programmes; nil disables their pages.
	Programmes *programme.Service
	// Funding keeps plans' funding and Shares the owners' shares and the
	// residents' disclosure; nil disables their pages.
	Funding *funding.Service
	Shares  *funding.Shares
	// Appraisals keeps social-capital appraisals; nil disables their pages.
	Appraisals *funding.Appraisals
	// Maintenance keeps estates' maintenance funds; nil disables their pages.
	Maintenance *funding.Maintenance
	// Spending keeps plans' contracts, allocations and payments and the
	// budget tables; nil disables their pages.
	Spending *funding.Spending
	// Requests runs residents' questions and complaints; nil disables
	// their pages.
	Requests *request.Service

	// Questionnaires runs questionnaires; nil disables their pages.
	Questionnaires *questionnaire.Service

	// Represent keeps estates' representatives and meetings; nil
	// disables their pages.
	Represent *represent.Service

	Sessions Sessions
	Session  SessionFunc
	r        *Renderer
}

// NewPages parses the templates and returns the page handlers.
func NewPages(reg *estate.Service, acc *account.Service, imp *importer.Service, aud *audit.Service) (*Pages, error) {
	r, err := NewRenderer()
	if err != nil {
		return nil, err
	}
	return &Pages{Reg: reg, Accounts: acc, Importer: imp, Audit: aud, r: r}, nil
}

// Register mounts the pages.
func (p *Pages) Register(mux *http.ServeMux) {
	mux.Handle("GET /static/", http.StripPrefix("/static/", p.r.Static()))
	mux.HandleFunc("GET /lang", p.lang)
	mux.HandleFunc("GET /bigtext", p.bigTextSet)
	mux.HandleFunc("POST /bigtext", p.bigTextSet)
	mux.HandleFunc("GET /scope", p.signedIn(p.scope))
	mux.HandleFunc("GET /login", p.loginForm)
	mux.HandleFunc("POST /login", p.login)
	mux.HandleFunc("POST /logout", p.logout)
	mux.HandleFunc("GET /redeem", p.redeemForm)
	mux.HandleFunc("POST /redeem", p.redeem)
	mux.HandleFunc("GET /{$}", p.signedIn(p.home))
	mux.HandleFunc("GET /my", p.signedIn(p.myHome))
	mux.HandleFunc("GET /estates", p.signedIn(p.estateList))
	mux.HandleFunc("GET /estates/{id}", p.signedIn(p.estateShow))
	mux.HandleFunc("GET /estates/{id}/map.svg", p.signedIn(p.estateMap))
	mux.HandleFunc("GET /estates/new", p.edits(p.estateNew))
	mux.HandleFunc("POST /estates", p.edits(p.estateCreate))
	mux.HandleFunc("GET /estates/{id}/edit", p.edits(p.estateEdit))
	mux.HandleFunc("POST /estates/{id}", p.edits(p.estateUpdate))
	mux.HandleFunc("POST /estates/{id}/buildings", p.edits(p.buildingCreate))
	mux.HandleFunc("GET /parts/{id}/edit", p.edits(p.partEdit))
	mux.HandleFunc("POST /parts/{id}", p.edits(p.partUpdate))
	mux.HandleFunc("POST /parts/{id}/residents", p.edits(p.residentCreate))
	mux.HandleFunc("GET /export/{kind}", p.signedIn(p.export))
	mux.HandleFunc("GET /import", p.signedIn(p.importForm))
	mux.HandleFunc("POST /import", p.signedIn(p.importUpload))
	mux.HandleFunc("GET /import/template/{kind}", p.signedIn(p.importTemplate))
	mux.HandleFunc("GET /jurisdictions", p.signedIn(p.jurisdictions))
	mux.HandleFunc("GET /users", p.signedIn(p.userList))
	mux.HandleFunc("POST /users", p.signedIn(p.userCreate))
	mux.HandleFunc("POST /owners/{id}/invite", p.signedIn(p.invite))
	mux.HandleFunc("POST /assist", p.signedIn(p.assist))
	mux.HandleFunc("GET /audit", p.signedIn(p.auditList))
	mux.HandleFunc("GET /tokens", p.signedIn(p.tokenList))
	mux.HandleFunc("POST /tokens", p.signedIn(p.tokenCreate))
	mux.HandleFunc("POST /tokens/{id}/revoke", p.signedIn(p.tokenRevoke))
	mux.HandleFunc("GET /decisions", p.signedIn(p.decisionList))
	mux.HandleFunc("GET /decisions/new", p.edits(p.decisionPick))
	mux.HandleFunc("GET /estates/{id}/decisions/new", p.edits(p.decisionNew))
	mux.HandleFunc("POST /estates/{id}/decisions", p.edits(p.decisionCreate))
	mux.HandleFunc("GET /decisions/{id}", p.signedIn(p.decisionShow))
	mux.HandleFunc("GET /decisions/{id}/ballots.xlsx", p.signedIn(p.decisionBallots))
	mux.HandleFunc("GET /decisions/{id}/notice", p.signedIn(p.decisionNotice))
	mux.HandleFunc("POST /decisions/{id}/ballots", p.edits(p.ballotEnter))
	mux.HandleFunc("POST /decisions/{id}/reviews", p.edits(p.ballotReview))
	mux.HandleFunc("GET /decisions/{id}/result.xlsx", p.signedIn(p.decisionResultSheet))
	mux.HandleFunc("POST /decisions/{id}/documents", p.edits(p.documentAttach))
	mux.HandleFunc("POST /decisions/{id}/documents/{file}/remove", p.edits(p.documentRemove))
	mux.HandleFunc("GET /decisions/{id}/documents/{file}", p.signedIn(p.voteDocument))
	mux.HandleFunc("POST /decisions/{id}/objections/{objection}/answer", p.edits(p.objectionAnswer))
	mux.HandleFunc("POST /decisions/{id}/{action}", p.edits(p.decisionMove))
	mux.HandleFunc("GET /vote", p.signedIn(p.voteList))
	mux.HandleFunc("GET /vote/{id}", p.signedIn(p.voteForm))
	mux.HandleFunc("POST /vote/{id}", p.signedIn(p.voteCast))
	mux.HandleFunc("GET /vote/{id}/documents/{file}", p.signedIn(p.voteDocument))
	mux.HandleFunc("POST /vote/{id}/objections", p.signedIn(p.voteObject))
	mux.HandleFunc("GET /receipt", p.signedIn(p.receiptCheck))
	mux.HandleFunc("GET /settings/decision-rules", p.signedIn(p.decisionRules))
	mux.HandleFunc("POST /settings/decision-rules", p.signedIn(p.decisionRulesSave))
	mux.HandleFunc("GET /notices", p.signedIn(p.noticeList))
	mux.HandleFunc("GET /notices/new", p.edits(p.noticeNew))
	mux.HandleFunc("POST /notices", p.edits(p.noticeCreate))
	mux.HandleFunc("GET /notices/{id}", p.signedIn(p.noticeShow))
	mux.HandleFunc("GET /notices/{id}/attachments/{file}", p.signedIn(p.noticeAttachment))
	mux.HandleFunc("POST /notices/{id}/objections", p.signedIn(p.noticeObject))
	mux.HandleFunc("POST /notices/{id}/objections/{objection}/answer", p.edits(p.noticeAnswer))
	mux.HandleFunc("GET /notices/{id}/not-reached", p.edits(p.noticeNotReached))
	mux.HandleFunc("POST /notices/{id}/paper", p.edits(p.noticePaper))
	mux.HandleFunc("POST /notices/{id}/attachments", p.edits(p.noticeAttach))
	mux.HandleFunc("POST /notices/{id}/period", p.edits(p.noticePeriod))
	mux.HandleFunc("GET /settings/notice-rules", p.signedIn(p.noticeRules))
	mux.HandleFunc("POST /settings/notice-rules", p.signedIn(p.noticeRulesSave))
	mux.HandleFunc("GET /deliveries", p.edits(p.deliveries))
	mux.HandleFunc("POST /deliveries/{id}/resend", p.edits(p.deliveryResend))
	mux.HandleFunc("GET /deliveries/unreached.xlsx", p.edits(p.deliveryUnreached))
	mux.HandleFunc("GET /deliveries/users/{id}/wechat", p.edits(p.deliveryWeChat))
	mux.HandleFunc("POST /deliveries/users/{id}/wechat", p.edits(p.deliveryWeChat))
	mux.HandleFunc("POST /notices/{id}/{action}", p.edits(p.noticeMove))
	mux.HandleFunc("GET /inbox", p.signedIn(p.inbox))
	mux.HandleFunc("POST /inbox/{id}/open", p.signedIn(p.inboxOpen))
	mux.HandleFunc("GET /inbox/preferences", p.signedIn(p.inboxPreferences))
	mux.HandleFunc("POST /inbox/preferences", p.signedIn(p.inboxPreferencesSave))
	mux.HandleFunc("GET /my/requests", p.signedIn(p.requestsMine))
	mux.HandleFunc("GET /requests/new", p.signedIn(p.requestNew))
	mux.HandleFunc("POST /requests", p.signedIn(p.requestCreate))
	mux.HandleFunc("GET /requests", p.signedIn(p.requestQueue))
	mux.HandleFunc("GET /requests.xlsx", p.signedIn(p.requestExport))
	mux.HandleFunc("GET /requests/overview", p.signedIn(p.requestOverview))
	mux.HandleFunc("GET /requests/{id}", p.signedIn(p.requestShow))
	mux.HandleFunc("POST /requests/{id}/{action}", p.signedIn(p.requestAct))
	mux.HandleFunc("GET /requests/{id}/photos/{file}", p.signedIn(p.requestPhoto))
	mux.HandleFunc("GET /estates/{id}/faq", p.signedIn(p.requestFAQ))
	mux.HandleFunc("GET /requests/categories", p.signedIn(p.requestCategories))
	mux.HandleFunc("POST /requests/categories", p.signedIn(p.requestCategorySave))
	mux.HandleFunc("GET /requests/categories/{code}", p.signedIn(p.requestCategoryEdit))
	mux.HandleFunc("POST /requests/categories/{code}", p.signedIn(p.requestCategorySave))
	mux.HandleFunc("POST /requests/categories/{code}/active", p.signedIn(p.requestCategoryActive))
	mux.HandleFunc("GET /requests/units", p.signedIn(p.requestUnits))
	mux.HandleFunc("GET /requests/units/new", p.signedIn(p.requestUnitNew))
	mux.HandleFunc("POST /requests/units", p.signedIn(p.requestUnitSave))
	mux.HandleFunc("GET /requests/units/{id}", p.signedIn(p.requestUnitEdit))
	mux.HandleFunc("POST /requests/units/{id}", p.signedIn(p.requestUnitSave))
	mux.HandleFunc("POST /requests/units/{id}/active", p.signedIn(p.requestUnitActive))
	mux.HandleFunc("GET /catalogue", p.signedIn(p.catalogueList))
	mux.HandleFunc("GET /catalogue.xlsx", p.signedIn(p.catalogueExport))
	mux.HandleFunc("GET /catalogue/new", p.signedIn(p.catalogueNew))
	mux.HandleFunc("POST /catalogue", p.signedIn(p.catalogueSave))
	mux.HandleFunc("GET /catalogue/{id}/edit", p.signedIn(p.catalogueEdit))
	mux.HandleFunc("POST /catalogue/{id}", p.signedIn(p.catalogueSave))
	mux.HandleFunc("GET /surveys", p.signedIn(p.surveyList))
	mux.HandleFunc("GET /estates/{id}/surveys/new", p.edits(p.surveyNew))
	mux.HandleFunc("POST /estates/{id}/surveys", p.edits(p.surveyCreate))
	mux.HandleFunc("GET /surveys/{id}", p.signedIn(p.surveyShow))
	mux.HandleFunc("GET /surveys/{id}/edit", p.edits(p.surveyEdit))
	mux.HandleFunc("POST /surveys/{id}", p.edits(p.surveyUpdate))
	mux.HandleFunc("POST /surveys/{id}/submit", p.edits(p.surveySubmit))
	mux.HandleFunc("GET /surveys/{id}/photos/{file}", p.signedIn(p.surveyPhoto))
	mux.HandleFunc("GET /surveys/{id}/compare", p.signedIn(p.surveyCompare))
	mux.HandleFunc("GET /priority", p.signedIn(p.priorityList))
	mux.HandleFunc("GET /priority/estates/{id}", p.signedIn(p.priorityEstate))
	mux.HandleFunc("GET /priority/weights", p.signedIn(p.priorityWeights))
	mux.HandleFunc("POST /priority/weights", p.signedIn(p.priorityWeightsSave))
	mux.HandleFunc("GET /priority/values", p.signedIn(p.priorityValues))
	mux.HandleFunc("POST /priority/values", p.signedIn(p.priorityValuesSave))
	mux.HandleFunc("POST /priority/values/import", p.signedIn(p.priorityValuesImport))
	mux.HandleFunc("GET /priority/values/template.xlsx", p.signedIn(p.priorityValuesTemplate))
	mux.HandleFunc("GET /priority/values/export.xlsx", p.signedIn(p.priorityValuesExport))
	mux.HandleFunc("GET /plans", p.signedIn(p.planAwaiting))
	mux.HandleFunc("GET /estates/{id}/plans", p.signedIn(p.planList))
	mux.HandleFunc("POST /estates/{id}/plans", p.signedIn(p.planCreate))
	mux.HandleFunc("GET /plans/{id}", p.signedIn(p.planShow))
	mux.HandleFunc("GET /plans/{id}/diff", p.signedIn(p.planDiff))
	mux.HandleFunc("GET /plans/{id}/export.xlsx", p.signedIn(p.planExport))
	mux.HandleFunc("POST /plans/{id}/lines", p.signedIn(p.planLineSave))
	mux.HandleFunc("POST /plans/{id}/lines/{n}/remove", p.signedIn(p.planLineRemove))
	mux.HandleFunc("POST /plans/{id}/sign-offs", p.signedIn(p.planSignOff))
	mux.HandleFunc("POST /plans/{id}/{action}", p.signedIn(p.planMove))
	mux.HandleFunc("GET /questionnaires", p.signedIn(p.questionnaireList))
	mux.HandleFunc("GET /questionnaires/new", p.edits(p.questionnaireNew))
	mux.HandleFunc("POST /questionnaires", p.edits(p.questionnaireCreate))
	mux.HandleFunc("POST /questionnaires/needs", p.edits(p.questionnaireNeeds))
	mux.HandleFunc("GET /questionnaires/{id}", p.signedIn(p.questionnaireShow))
	mux.HandleFunc("POST /questionnaires/{id}", p.edits(p.questionnaireUpdate))
	mux.HandleFunc("POST /questionnaires/{id}/questions", p.edits(p.questionAdd))
	mux.HandleFunc("POST /questionnaires/{id}/questions/{q}/{move}", p.edits(p.questionMove))
	mux.HandleFunc("POST /questionnaires/{id}/{action}", p.edits(p.questionnaireMove))
	mux.HandleFunc("GET /questionnaires/{id}/paper", p.edits(p.paperForm))
	mux.HandleFunc("POST /questionnaires/{id}/paper", p.edits(p.paperSubmit))
	mux.HandleFunc("GET /questionnaires/{id}/results", p.signedIn(p.questionnaireResults))
	mux.HandleFunc("GET /questionnaires/{id}/results.xlsx", p.signedIn(p.questionnaireResultsSheet))
	mux.HandleFunc("GET /questionnaires/{id}/responses.xlsx", p.signedIn(p.questionnaireResponsesSheet))
	mux.HandleFunc("GET /estates/{id}/questionnaire-schedules", p.edits(p.questionnaireSchedules))
	mux.HandleFunc("POST /estates/{id}/questionnaire-schedules", p.edits(p.questionnaireScheduleCreate))
	mux.HandleFunc("POST /questionnaire-schedules/{id}/cancel", p.edits(p.questionnaireScheduleCancel))
	mux.HandleFunc("GET /answer", p.signedIn(p.answerList))
	mux.HandleFunc("GET /answer/{id}", p.signedIn(p.answerForm))
	mux.HandleFunc("POST /answer/{id}", p.signedIn(p.answerSubmit))
	mux.HandleFunc("GET /programmes", p.signedIn(p.programmeList))
	mux.HandleFunc("POST /programmes", p.signedIn(p.programmeCreate))
	mux.HandleFunc("GET /programmes/{id}", p.signedIn(p.programmeShow))
	mux.HandleFunc("GET /programmes/{id}/compare", p.signedIn(p.programmeCompare))
	mux.HandleFunc("GET /programmes/{id}/export.xlsx", p.signedIn(p.programmeExport))
	mux.HandleFunc("POST /programmes/{id}/adopt", p.signedIn(p.programmeAdopt))
	mux.HandleFunc("GET /meetings", p.signedIn(p.meetingsHome))
	mux.HandleFunc("GET /estates/{id}/representatives", p.signedIn(p.representatives))
	mux.HandleFunc("POST /estates/{id}/representatives", p.signedIn(p.seatCreate))
	mux.HandleFunc("POST /seats/{id}/end", p.signedIn(p.seatEnd))
	mux.HandleFunc("GET /estates/{id}/meetings", p.signedIn(p.meetings))
	mux.HandleFunc("POST /estates/{id}/meetings", p.signedIn(p.meetingCreate))
	mux.HandleFunc("GET /meetings/{id}", p.signedIn(p.meetingShow))
	mux.HandleFunc("POST /meetings/{id}", p.signedIn(p.meetingUpdate))
	mux.HandleFunc("POST /meetings/{id}/photos", p.signedIn(p.meetingPhotoAdd))
	mux.HandleFunc("GET /meetings/{id}/photos/{file}", p.signedIn(p.meetingPhoto))
	mux.HandleFunc("POST /meetings/{id}/actions", p.signedIn(p.actionAdd))
	mux.HandleFunc("POST /meetings/{id}/actions/{action}/complete", p.signedIn(p.actionComplete))
	mux.HandleFunc("GET /funding", p.signedIn(p.fundingList))
	mux.HandleFunc("GET /maintenance-fund", p.signedIn(p.maintenanceList))
	mux.HandleFunc("GET /maintenance-fund/template.xlsx", p.signedIn(p.maintenanceTemplate))
	mux.HandleFunc("GET /estates/{id}/maintenance-fund", p.signedIn(p.maintenanceShow))
	mux.HandleFunc("POST /estates/{id}/maintenance-fund/import", p.edits(p.maintenanceImport))
	mux.HandleFunc("POST /estates/{id}/maintenance-fund/uses", p.edits(p.maintenanceUse))
	mux.HandleFunc("POST /estates/{id}/maintenance-fund/uses/{use}/{action}", p.edits(p.maintenanceMove))
	mux.HandleFunc("POST /estates/{id}/maintenance-fund/raises", p.edits(p.maintenanceRaise))
	mux.HandleFunc("GET /appraisals", p.edits(p.appraisalList))
	mux.HandleFunc("GET /appraisals/new", p.edits(p.appraisalNew))
	mux.HandleFunc("POST /appraisals", p.edits(p.appraisalSave))
	mux.HandleFunc("GET /appraisals/{id}", p.edits(p.appraisalShow))
	mux.HandleFunc("GET /appraisals/{id}/edit", p.edits(p.appraisalEdit))
	mux.HandleFunc("POST /appraisals/{id}", p.edits(p.appraisalSave))
	mux.HandleFunc("POST /appraisals/{id}/scenarios", p.edits(p.appraisalScenarioSave))
	mux.HandleFunc("POST /appraisals/{id}/scenarios/{scenario}", p.edits(p.appraisalScenarioSave))
	mux.HandleFunc("POST /appraisals/{id}/scenarios/{scenario}/delete", p.edits(p.appraisalScenarioDelete))
	mux.HandleFunc("GET /appraisals/{id}/export.xlsx", p.edits(p.appraisalExport))
	mux.HandleFunc("GET /plans/{id}/funding", p.signedIn(p.fundingShow))
	mux.HandleFunc("POST /plans/{id}/funding", p.edits(p.fundingAdd))
	mux.HandleFunc("POST /plans/{id}/funding/{line}/{action}", p.edits(p.fundingMove))
	mux.HandleFunc("GET /plans/{id}/contracts/new", p.edits(p.contractNew))
	mux.HandleFunc("POST /plans/{id}/contracts", p.edits(p.contractCreate))
	mux.HandleFunc("GET /plans/{id}/contracts/{contract}", p.signedIn(p.contractShow))
	mux.HandleFunc("POST /plans/{id}/contracts/{contract}/{action}", p.edits(p.contractAction))
	mux.HandleFunc("GET /estates/{id}/budget", p.signedIn(p.estateBudget))
	mux.HandleFunc("GET /estates/{id}/budget.xlsx", p.signedIn(p.estateBudgetExport))
	mux.HandleFunc("GET /programmes/{id}/budget", p.signedIn(p.programmeBudget))
	mux.HandleFunc("GET /programmes/{id}/budget.xlsx", p.signedIn(p.programmeBudgetExport))
	mux.HandleFunc("GET /plans/{id}/shares", p.signedIn(p.sharesShow))
	mux.HandleFunc("POST /plans/{id}/shares", p.edits(p.sharesGenerate))
	mux.HandleFunc("GET /shares/{id}", p.signedIn(p.shareRunShow))
	mux.HandleFunc("POST /shares/{id}/payments", p.edits(p.sharePay))
	mux.HandleFunc("GET /shares/{id}/export.xlsx", p.signedIn(p.shareExport))
	mux.HandleFunc("GET /shares/{id}/reminders", p.signedIn(p.shareReminders))
	mux.HandleFunc("GET /shares/{id}/parts/{part}", p.signedIn(p.shareStatement))
	mux.HandleFunc("GET /my/shares", p.signedIn(p.myShares))
	mux.HandleFunc("GET /estates/{id}/disclosure", p.signedIn(p.disclosure))
	mux.HandleFunc("GET /estates/{id}/disclosure/notice", p.signedIn(p.disclosureNotice))
}

// signedIn sends anonymous visitors to the sign-in page.
func (p *Pages) signedIn(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if huanxin.ActorFromContext(r.Context()) == nil {
			http.Redirect(w, r, "/login?back="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		h(w, r)
	}
}

const langCookie, scopeCookie = "hx_lang", "hx_scope"

// lang is the page language: Chinese unless the visitor chose English
// with the switch (the browser's Accept-Language is not consulted: the
// product is Chinese first, and officers' browsers are often English).
func lang(r *http.Request) string {
	c, _ := r.Cookie(langCookie)
	v := ""
	if c != nil {
		v = c.Value
	}
	return i18n.Match("", v)
}

// base fills what the layout needs: language, actor, CSRF token, menu,
// flash and the jurisdiction switcher.
func (p *Pages) base(r *http.Request, titleKey string) Base {
	l := lang(r)
	b := Base{Lang: l, Title: i18n.T(l, titleKey), Path: r.URL.RequestURI(), Big: bigText(r)}
	a := huanxin.ActorFromContext(r.Context())
	if a == nil {
		return b
	}
	b.Actor = a
	if p.Session != nil {
		if _, s := p.Session(r.Context()); s != nil {
			b.CSRF = s.CSRF
		}
	}
	if f := r.URL.Query().Get("flash"); f != "" {
		b.Flash = i18n.T(l, "flash."+f)
	}
	b.Resident = a.Role == huanxin.RoleResident
	if p.Notify != nil {
		b.Unread, _ = p.Notify.Unread(r.Context())
	}
	b.Menu = menu(a.Role, r.URL.Path)
	if !b.Resident {
		b.Scopes = p.scopeOptions(r)
	}
	return b
}

func menu(role huanxin.Role, path string) []MenuItem {
	item := func(key, href string) MenuItem { return MenuItem{Key: key, Href: href, Active: path == href} }
	if role == huanxin.RoleResident {
		return []MenuItem{item("nav.myhome", "/my"), item("notices.nav.mine", "/notices"), item("inbox.nav", "/inbox"), item("nav.vote", "/vote"), item("request.nav.mine", "/my/requests"), item("nav.my_questionnaires", "/answer"), item("represent.nav.mine", "/meetings"), item("nav.myshares", "/my/shares")}
	}
	m := []MenuItem{item("nav.home", "/")}
	reg := MenuItem{Key: "nav.register", Children: []MenuItem{item("nav.estates", "/estates")}}
	if role != huanxin.RoleContractor && role != huanxin.RoleUtility && role != huanxin.RoleProperty && role != huanxin.RoleCommittee {
		reg.Children = append(reg.Children, item("nav.jurisdictions", "/jurisdictions"))
	}
	if role.CanEditRegister() {
		reg.Children = append(reg.Children, item("nav.import", "/import"))
	}
	m = append(m, reg)
	m = append(m, MenuItem{Key: "nav.planning", Children: []MenuItem{item("nav.surveys", "/surveys"), item("nav.catalogue", "/catalogue"), item("nav.plans", "/plans")}})
	if programme.MayRead(role) {
		m[len(m)-1].Children = append(m[len(m)-1].Children, item("nav.programmes", "/programmes"))
	}
	m = append(m, MenuItem{Key: "nav.votes", Children: []MenuItem{item("nav.decisions", "/decisions")}})
	notices := MenuItem{Key: "notices.nav.group", Children: []MenuItem{item("notices.nav", "/notices"), item("inbox.nav", "/inbox")}}
	if role.CanEditRegister() {
		notices.Children = append(notices.Children, item("deliveries.nav", "/deliveries"))
	}
	m = append(m, notices)
	if role != huanxin.RoleCommittee {
		m = append(m, MenuItem{Key: "request.nav.group", Children: []MenuItem{item("request.nav.queue", "/requests"),
			item("request.nav.overview", "/requests/overview")}})
		if role.CanEditRegister() {
			m[len(m)-1].Children = append(m[len(m)-1].Children, item("request.nav.categories", "/requests/categories"),
				item("request.nav.units", "/requests/units"))
		}
	}
	m = append(m, item("nav.questionnaires", "/questionnaires"))
	m = append(m, item("represent.nav.meetings", "/meetings"))
	m = priorityMenu(m, role, item)
	m = append(m, MenuItem{Key: "nav.funding_group", Children: []MenuItem{item("nav.funding", "/funding"), item("maintenance.nav", "/maintenance-fund")}})
	if role.CanEditRegister() {
		m[len(m)-1].Children = append(m[len(m)-1].Children, item("appraisal.nav", "/appraisals"))
	}
	sys := MenuItem{Key: "nav.system"}
	if role == huanxin.RoleAdmin || role == huanxin.RoleBureau {
		sys.Children = append(sys.Children, item("nav.users", "/users"))
		sys.Children = append(sys.Children, item("rules.nav", "/settings/decision-rules"))
		sys.Children = append(sys.Children, item("notices.rules.nav", "/settings/notice-rules"))
	}
	if role == huanxin.RoleAdmin || role == huanxin.RoleAuditor || role == huanxin.RoleBureau {
		sys.Children = append(sys.Children, item("nav.audit", "/audit"))
	}
	sys.Children = append(sys.Children, item("nav.tokens", "/tokens"))
	return append(m, sys)
}

// scopeOptions lists the jurisdictions down to street level that the actor
// can switch to; the selected one filters the lists.
func (p *Pages) scopeOptions(r *http.Request) []ScopeOption {
	js, _, err := p.Reg.Jurisdictions().Find(r.Context(), estate.Filter{Limit: 300})
	if err != nil {
		return nil
	}
	sel := selectedScope(r)
	var out []ScopeOption
	for _, j := range js {
		if j.Level.Depth() > huanxin.LevelStreet.Depth() {
			continue
		}
		out = append(out, ScopeOption{ID: j.ID, Name: j.Name, Depth: j.Level.Depth(), Selected: j.ID == sel})
	}
	return out
}

func selectedScope(r *http.Request) int64 {
	c, err := r.Cookie(scopeCookie)
	if err != nil {
		return 0
	}
	id, _ := strconv.ParseInt(c.Value, 10, 64)
	return id
}

func (p *Pages) lang(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: i18n.Match("", r.URL.Query().Get("to")), Path: "/",
		MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, LocalPath(r.URL.Query().Get("back")), http.StatusSeeOther)
}

func (p *Pages) scope(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.URL.Query().Get("id"), 10, 64)
	if _, err := p.Reg.Jurisdictions().Get(r.Context(), id); err != nil {
		id = 0
	}
	http.SetCookie(w, &http.Cookie{Name: scopeCookie, Value: strconv.FormatInt(id, 10), Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, LocalPath(r.URL.Query().Get("back")), http.StatusSeeOther)
}

type errorPage struct {
	Base
	Status  int
	Message string
	Fields  []huanxin.FieldError
}

// fail renders an error page with the status of the error's code.
func (p *Pages) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := StatusOf(err)
	if status == http.StatusInternalServerError {
		slog.Error("page", "path", r.URL.Path, "err", err)
	}
	b := p.base(r, "error.title")
	p.render(w, r, status, "error", &errorPage{Base: b, Status: status, Message: huanxin.ErrorMessage(err), Fields: huanxin.ErrorFields(err)})
}

// StatusOf maps an application error to its HTTP status, as the API does.
func StatusOf(err error) int { return api.StatusFor(huanxin.ErrorCode(err)) }

func (p *Pages) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	if err := p.r.Render(w, status, page, data); err != nil {
		slog.Error("render", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
	}
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, huanxin.Errorf(huanxin.ENOTFOUND, "记录不存在 not found")
	}
	return id, nil
}

// redirect answers a POST with a redirect to a page and an optional flash key.
func redirect(w http.ResponseWriter, r *http.Request, to, flash string) {
	if flash != "" {
		u, _ := url.Parse(to)
		q := u.Query()
		q.Set("flash", flash)
		u.RawQuery = q.Encode()
		to = u.String()
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func parseID(s string) (int64, error) { return strconv.ParseInt(strings.TrimSpace(s), 10, 64) }

// pathEstate loads the estate named by the {id} path segment, or answers
// with the error page (404 also for an estate outside the actor's scope).
func (p *Pages) pathEstate(w http.ResponseWriter, r *http.Request) (*estate.Estate, bool) {
	return pathGet(p, w, r, p.Reg.Estates().Get)
}

// switcherEstates lists the estates of the jurisdiction chosen in the
// switcher (every estate in scope when none is), at most limit, and
// whether there are more.
func (p *Pages) switcherEstates(ctx context.Context, r *http.Request, limit int) ([]*estate.Estate, bool, error) {
	f := estate.Filter{Limit: limit}
	if sel := selectedScope(r); sel > 0 {
		f.JurisdictionID = &sel
	}
	es, n, err := p.Reg.Estates().Find(ctx, f)
	return es, n > len(es), err
}

// pathGet loads what the {id} path segment names with get; when it cannot
// (a bad ID, not found, out of scope) it answers with the error page and
// reports false.
func pathGet[T any](p *Pages, w http.ResponseWriter, r *http.Request, get func(context.Context, int64) (T, error)) (T, bool) {
	id, err := pathID(r)
	if err == nil {
		var v T
		if v, err = get(r.Context(), id); err == nil {
			return v, true
		}
	}
	p.fail(w, r, err)
	var zero T
	return zero, false
}
