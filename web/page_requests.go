package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/request"
	"github.com/huanxin/huanxin/sheet"
	"github.com/huanxin/huanxin/web/i18n"
)

// requestRow is a request as lists show it.
type requestRow struct {
	*request.Request
	EstateName, KindLabel, CategoryLabel, StatusLabel, Badge string
	Overdue                                                  bool
}

// requestBadge is the badge class of a request's status.
func requestBadge(x *request.Request, now time.Time) string {
	switch {
	case x.Overdue(now):
		return "bad"
	case x.Status.Waiting():
		return "warn"
	}
	return "good"
}

// requestRows labels requests for a list in the page's language.
func (p *Pages) requestRows(r *http.Request, l string, list []*request.Request) ([]requestRow, error) {
	now := time.Now()
	names := map[int64]string{}
	cats := map[int64][]request.Category{}
	var rows []requestRow
	for _, x := range list {
		if _, ok := names[x.EstateID]; !ok {
			names[x.EstateID] = "#" + strconv.FormatInt(x.EstateID, 10)
			if e, err := p.Reg.Estates().Get(huanxin.NewContextWithActor(r.Context(), huanxin.SystemActor), x.EstateID); err == nil {
				names[x.EstateID] = e.Name
			}
		}
		if _, ok := cats[x.CityID]; !ok {
			cs, err := p.Requests.Categories(r.Context(), x.CityID)
			if err != nil {
				return nil, err
			}
			cats[x.CityID] = cs
		}
		rows = append(rows, requestRow{Request: x, EstateName: names[x.EstateID], KindLabel: i18n.T(l, "request.kind."+string(x.Kind)),
			CategoryLabel: categoryLabel(l, cats[x.CityID], x.Category), StatusLabel: i18n.T(l, "request.status."+string(x.Status)),
			Badge: requestBadge(x, now), Overdue: x.Overdue(now)})
	}
	return rows, nil
}

type myRequestsPage struct {
	Base
	Rows []requestRow
}

// requestsMine lists a resident's own requests with their status.
func (p *Pages) requestsMine(w http.ResponseWriter, r *http.Request) {
	if !p.requestsOn(w, r) {
		return
	}
	list, _, err := p.Requests.Find(r.Context(), request.Filter{Limit: 200})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &myRequestsPage{Base: p.base(r, "request.mine")}
	pg.Resident = true
	if pg.Rows, err = p.requestRows(r, pg.Lang, list); err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "requests_mine", pg)
}

// queueFilter is the officers' queue filter as entered.
type queueFilter struct {
	Status, Category, Unit, Estate, From, To string
	Overdue                                  bool
}

// queueOf reads the queue filter from the query; bad values are ignored
// (the form shows them as not applied).
func queueOf(q url.Values) (queueFilter, request.Filter) {
	qf := queueFilter{Status: q.Get("status"), Category: strings.TrimSpace(q.Get("category")), Unit: q.Get("unit"),
		Estate: q.Get("estate"), From: q.Get("from"), To: q.Get("to"), Overdue: q.Get("overdue") != ""}
	var f request.Filter
	if s := request.Status(qf.Status); s != "" {
		f.Status = []request.Status{s}
	}
	f.Category = qf.Category
	if kind, id, ok := strings.Cut(qf.Unit, ":"); ok {
		if n, err := parseID(id); err == nil {
			f.UnitKind, f.UnitID = request.UnitKind(kind), &n
		}
	}
	if id, err := parseID(qf.Estate); err == nil {
		f.EstateID = &id
	}
	if d, err := time.ParseInLocation(time.DateOnly, qf.From, huanxin.Shanghai); err == nil {
		f.From = d.UTC()
	}
	if d, err := time.ParseInLocation(time.DateOnly, qf.To, huanxin.Shanghai); err == nil {
		f.To = d.AddDate(0, 0, 1).UTC()
	}
	if qf.Overdue {
		now := time.Now()
		f.OverdueAt = &now
	}
	return qf, f
}

type requestQueuePage struct {
	Base
	Filter     queueFilter
	Statuses   []option
	Categories []option
	Units      []option
	Estates    []option
	Rows       []requestRow
	Pager      Pager
	Query      url.Values
}

const queuePerPage = 50

// requestQueue is the officers' queue with filters, nearest deadline first.
func (p *Pages) requestQueue(w http.ResponseWriter, r *http.Request) {
	if !p.requestsOn(w, r) {
		return
	}
	q := r.URL.Query()
	qf, f := queueOf(q)
	page := PageOf(q)
	f.Offset, f.Limit = (page-1)*queuePerPage, queuePerPage
	list, total, err := p.Requests.Find(r.Context(), f)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &requestQueuePage{Base: p.base(r, "request.queue"), Filter: qf, Query: q}
	if pg.Rows, err = p.requestRows(r, pg.Lang, list); err != nil {
		p.fail(w, r, err)
		return
	}
	pg.Pager = NewPager(page, queuePerPage, total, q, pg.Lang)
	for _, s := range request.Statuses {
		pg.Statuses = append(pg.Statuses, option{Value: string(s), Label: i18n.T(pg.Lang, "request.status."+string(s)), Selected: string(s) == qf.Status})
	}
	ests, _, err := p.Reg.Estates().Find(r.Context(), estate.Filter{Limit: 200})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	var city int64
	for _, e := range ests {
		v := strconv.FormatInt(e.ID, 10)
		pg.Estates = append(pg.Estates, option{Value: v, Label: e.Name, Selected: v == qf.Estate})
		city = e.CityID
	}
	cats := request.DefaultCategories
	if city != 0 {
		if cats, err = p.Requests.Categories(r.Context(), city); err != nil {
			p.fail(w, r, err)
			return
		}
	}
	for _, c := range cats {
		pg.Categories = append(pg.Categories, option{Value: c.Code, Label: categoryLabel(pg.Lang, cats, c.Code), Selected: c.Code == qf.Category})
	}
	seen := map[string]bool{}
	for _, row := range pg.Rows {
		v := string(row.Unit.Kind) + ":" + strconv.FormatInt(row.Unit.ID, 10)
		if !seen[v] {
			seen[v] = true
			pg.Units = append(pg.Units, option{Value: v, Label: row.Unit.Name, Selected: v == qf.Unit})
		}
	}
	if qf.Unit != "" && !seen[qf.Unit] {
		pg.Units = append(pg.Units, option{Value: qf.Unit, Label: qf.Unit, Selected: true})
	}
	p.render(w, r, http.StatusOK, "requests", pg)
}

// requestExport writes the queue as filtered to xlsx.
func (p *Pages) requestExport(w http.ResponseWriter, r *http.Request) {
	if !p.requestsOn(w, r) {
		return
	}
	_, f := queueOf(r.URL.Query())
	f.Limit = 1000
	list, _, err := p.Requests.Find(r.Context(), f)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	l := lang(r)
	rows, err := p.requestRows(r, l, list)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	tpl := sheet.Template{Kind: "requests", Sheet: "诉求"}
	for _, k := range []string{"id", "estate", "kind", "category", "title", "status", "unit", "deadline", "overdue", "submitter",
		"created", "first_answered", "closed", "rating"} {
		tpl.Columns = append(tpl.Columns, sheet.Column{Key: k, Header: i18n.T(l, "request.col."+k)})
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="requests-%s.xlsx"`, time.Now().In(huanxin.Shanghai).Format("20060102")))
	x, err := sheet.NewXLSXWriter(w, tpl)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	for _, row := range rows {
		rating := ""
		if row.Rating > 0 {
			rating = strconv.Itoa(row.Rating)
		}
		if err := x.Write(row.ID, row.EstateName, row.KindLabel, row.CategoryLabel, row.Title, row.StatusLabel, row.Unit.Name,
			row.Deadline, row.Overdue, row.SubmitterName, row.Created, row.FirstAnsweredAt, row.ClosedAt, rating); err != nil {
			return // the response has started; the client sees a cut file
		}
	}
	x.Close()
}
