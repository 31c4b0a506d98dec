package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/estate"
)

// auditPerPage is the number of ledger entries listed per page.
const auditPerPage = 50

type auditListPage struct {
	Base
	Entries []auditRow
	Pager   Pager
	Filter  auditFilterForm
	Errors  []huanxin.FieldError
	Verify  *auditVerify // nil unless ?verify=1

	Actions, Entities []string // suggestions for the filter fields
}

// auditRow is a ledger entry with its hash shortened for the table.
type auditRow struct {
	*audit.Entry
	ShortHash string
}

// auditFilterForm is the filter bar as entered.
type auditFilterForm struct {
	Action, Entity, EntityID, ActorID, From, To string
}

// auditVerify is the result of recomputing the hash chains.
type auditVerify struct {
	Checked int64
	Break   *audit.Break // nil: every chain is intact
}

var (
	auditActions = []string{audit.ActionCreate, audit.ActionUpdate, audit.ActionDelete, audit.ActionSignIn,
		audit.ActionSignOut, audit.ActionImport, audit.ActionExport, audit.ActionInvite, audit.ActionRedeem,
		audit.ActionToken, "assist"}
	auditEntities = []string{estate.EntityJurisdiction, estate.EntityEstate, estate.EntityBuilding,
		estate.EntityStairwell, estate.EntityPart, estate.EntityOwner, estate.EntityOwnership,
		estate.EntityResident, "user", "token"}
)

// auditList shows the audit ledger to admins, auditors and bureau officers,
// filtered, newest first, and on request verifies the hash chains.
// Non-admins see only the chains of the cities in their scope.
func (p *Pages) auditList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := p.Audit.Allowed(ctx); err != nil {
		p.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	pg := &auditListPage{Actions: auditActions, Entities: auditEntities, Filter: auditFilterForm{
		Action: strings.TrimSpace(q.Get("action")), Entity: strings.TrimSpace(q.Get("entity")),
		EntityID: strings.TrimSpace(q.Get("entity_id")), ActorID: strings.TrimSpace(q.Get("actor_id")),
		From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to")),
	}}
	f, errs := pg.Filter.parse()
	pg.Errors = errs

	if q.Get("verify") == "1" {
		b, n, err := p.Audit.Verify(ctx)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		pg.Verify = &auditVerify{Checked: n, Break: b}
	}

	page, total := PageOf(q), 0
	if len(errs) == 0 {
		f.Offset, f.Limit = (page-1)*auditPerPage, auditPerPage
		entries, n, err := p.Audit.Find(ctx, f)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		total = n
		for _, e := range entries {
			pg.Entries = append(pg.Entries, auditRow{Entry: e, ShortHash: e.Hash[:min(len(e.Hash), 12)]})
		}
	}
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusBadRequest
	}
	pq := keepFilters(q)
	pq.Del("verify")
	pg.Base = p.base(r, "audit.title")
	pg.Pager = NewPager(page, auditPerPage, total, pq, pg.Lang)
	p.render(w, r, status, "audit", pg)
}

// parse turns the entered filters into an audit.Filter; dates are whole
// days in Asia/Shanghai, "to" included.
func (ff auditFilterForm) parse() (audit.Filter, []huanxin.FieldError) {
	var f audit.Filter
	var errs []huanxin.FieldError
	f.Action, f.Entity = ff.Action, ff.Entity
	id := func(field, s string) *int64 {
		if s == "" {
			return nil
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			errs = append(errs, huanxin.FieldError{Field: field, Message: "应为数字 must be a number"})
			return nil
		}
		return &n
	}
	f.EntityID = id("entity_id", ff.EntityID)
	f.ActorID = id("actor_id", ff.ActorID)
	day := func(field, s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation("2006-01-02", s, huanxin.Shanghai)
		if err != nil {
			errs = append(errs, huanxin.FieldError{Field: field, Message: "日期格式应为 YYYY-MM-DD date must be YYYY-MM-DD"})
			return time.Time{}
		}
		return t
	}
	f.From = day("from", ff.From)
	if to := day("to", ff.To); !to.IsZero() {
		f.To = to.AddDate(0, 0, 1)
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		errs = append(errs, huanxin.FieldError{Field: "to", Message: "结束日期早于开始日期 ends before it starts"})
	}
	f.From, f.To = f.From.UTC(), f.To.UTC()
	return f, errs
}
