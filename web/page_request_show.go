package web

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/api"
	"github.com/huanxin/huanxin/request"
	"github.com/huanxin/huanxin/web/i18n"
)

// requestPage shows one request: to its submitter the answer with the
// rating and reopening forms; to officers the history and the answer,
// reassignment and publication forms.
type requestPage struct {
	Base
	R         requestRow
	Events    []requestEvent
	Units     []option // units it may be handed to
	Stars     []int
	IsOwner   bool
	MayAnswer bool
	MayManage bool
	Form      map[string]string // values of a failed submission
	Errors    []huanxin.FieldError
	Message   string
}

type requestEvent struct {
	request.Event
	Label string
}

// pathRequest loads the request named by the {id} path segment, or
// answers with the error page.
func (p *Pages) pathRequest(w http.ResponseWriter, r *http.Request) (*request.Request, bool) {
	if !p.requestsOn(w, r) {
		return nil, false
	}
	id, err := pathID(r)
	if err == nil {
		var x *request.Request
		if x, err = p.Requests.Get(r.Context(), id); err == nil {
			return x, true
		}
	}
	p.fail(w, r, err)
	return nil, false
}

func (p *Pages) requestShow(w http.ResponseWriter, r *http.Request) {
	x, ok := p.pathRequest(w, r)
	if ok {
		p.renderRequest(w, r, http.StatusOK, x, &requestPage{})
	}
}

func (p *Pages) renderRequest(w http.ResponseWriter, r *http.Request, status int, x *request.Request, pg *requestPage) {
	ctx := r.Context()
	a := huanxin.ActorFromContext(ctx)
	pg.Base = p.base(r, "request.title")
	pg.IsOwner = request.IsSubmitter(a, x)
	pg.Resident = pg.IsOwner
	rows, err := p.requestRows(r, pg.Lang, []*request.Request{x})
	if err == nil {
		pg.R = rows[0]
		pg.MayAnswer, err = p.Requests.MayAnswer(ctx, x)
	}
	if err == nil {
		pg.MayManage, err = p.Requests.MayManage(ctx, x)
	}
	var evs []request.Event
	if err == nil {
		evs, err = p.Requests.History(ctx, x.ID)
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	for _, e := range evs {
		pg.Events = append(pg.Events, requestEvent{Event: e, Label: i18n.T(pg.Lang, "request.action."+string(e.Action))})
	}
	if pg.MayManage {
		for _, u := range p.assignable(r, x) {
			v := string(u.Kind) + ":" + strconv.FormatInt(u.ID, 10)
			pg.Units = append(pg.Units, option{Value: v, Label: i18n.T(pg.Lang, "request.unit."+string(u.Kind)) + " " + u.Name,
				Selected: u == x.Unit})
		}
	}
	pg.Stars = []int{5, 4, 3, 2, 1}
	if pg.Form == nil {
		pg.Form = map[string]string{"question": x.FAQQuestion, "faq_answer": x.FAQAnswer}
		if pg.Form["question"] == "" {
			pg.Form["question"], pg.Form["faq_answer"] = x.Title, x.Answer
		}
	}
	p.render(w, r, status, "request", pg)
}

// assignable lists the units a request may be handed to: the estate's
// jurisdictions and the organisations of its city.
func (p *Pages) assignable(r *http.Request, x *request.Request) []request.Unit {
	var out []request.Unit
	sys := huanxin.NewContextWithActor(r.Context(), huanxin.SystemActor)
	if e, err := p.Reg.Estates().Get(sys, x.EstateID); err == nil {
		for id := e.JurisdictionID; id != 0; {
			j, err := p.Reg.Jurisdictions().Get(sys, id)
			if err != nil {
				break
			}
			if k := request.JurisdictionUnit(j.Level); k != "" {
				out = append(out, request.Unit{Kind: k, ID: j.ID, Name: j.Name})
			}
			id = j.ParentID
		}
	}
	if orgs, err := p.Requests.Organisations(r.Context()); err == nil {
		for _, o := range orgs {
			if o.CityID == x.CityID {
				out = append(out, request.Unit{Kind: o.Kind, ID: o.ID, Name: o.Name})
			}
		}
	}
	return out
}

// requestAct runs one action from the request page: answer, close (rate),
// reopen, assign or publish; invalid input shows the page again with the
// problem next to the field.
func (p *Pages) requestAct(w http.ResponseWriter, r *http.Request) {
	x, ok := p.pathRequest(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	v := r.PostFormValue
	var err error
	switch r.PathValue("action") {
	case "answer":
		_, err = p.Requests.Answer(ctx, x.ID, v("answer"))
	case "close":
		rating, _ := strconv.Atoi(v("rating"))
		_, err = p.Requests.Close(ctx, x.ID, rating, v("comment"))
	case "reopen":
		_, err = p.Requests.Reopen(ctx, x.ID, v("reason"))
	case "assign":
		var to request.Unit
		if i := slices.IndexFunc(p.assignable(r, x), func(u request.Unit) bool {
			return string(u.Kind)+":"+strconv.FormatInt(u.ID, 10) == v("unit")
		}); i >= 0 {
			to = p.assignable(r, x)[i]
		}
		_, err = p.Requests.Assign(ctx, x.ID, to, v("reason"))
	case "publish":
		_, err = p.Requests.Publish(ctx, x.ID, v("question"), v("faq_answer"))
	default:
		err = huanxin.Errorf(huanxin.ENOTFOUND, "记录不存在 not found")
	}
	switch {
	case err == nil:
		redirect(w, r, "/requests/"+strconv.FormatInt(x.ID, 10), "request_"+r.PathValue("action"))
	case huanxin.ErrorCode(err) == huanxin.EINVALID:
		pg := &requestPage{Message: huanxin.ErrorMessage(err), Errors: huanxin.ErrorFields(err), Form: map[string]string{}}
		for _, k := range []string{"answer", "comment", "reason", "question", "faq_answer", "rating"} {
			pg.Form[k] = v(k)
		}
		if r.PathValue("action") == "publish" {
			for i := range pg.Errors {
				if pg.Errors[i].Field == "answer" {
					pg.Errors[i].Field = "faq_answer"
				}
			}
		}
		p.renderRequest(w, r, http.StatusBadRequest, x, pg)
	default:
		p.fail(w, r, err)
	}
}

// requestPhoto serves a photo of a request to those who see the request.
func (p *Pages) requestPhoto(w http.ResponseWriter, r *http.Request) {
	x, ok := p.pathRequest(w, r)
	if !ok {
		return
	}
	fid, err := parseID(r.PathValue("file"))
	if err != nil || !slices.Contains(x.PhotoFileIDs, fid) || p.Files == nil {
		p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "照片不存在 no such photo"))
		return
	}
	// The request's own photos, read on the system's authority: everyone
	// who sees the request sees them, as with a decision's documents.
	f, data, err := p.Files.Open(huanxin.NewContextWithActor(r.Context(), huanxin.SystemActor), fid)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	api.ServeFile(w, r, f, data)
}

type faqPage struct {
	Base
	EstateName string
	EstateID   int64
	Items      []faqItem
}

type faqItem struct {
	*request.Request
	Category, AskedBy string
}

// requestFAQ is an estate's published questions and answers, for its
// residents and officers.
func (p *Pages) requestFAQ(w http.ResponseWriter, r *http.Request) {
	if !p.requestsOn(w, r) {
		return
	}
	e, ok := p.pathEstate(w, r)
	if !ok {
		return
	}
	list, err := p.Requests.FAQ(r.Context(), e.ID)
	var cats []request.Category
	if err == nil {
		cats, err = p.Requests.Categories(r.Context(), e.CityID)
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &faqPage{Base: p.base(r, "request.faq"), EstateName: e.Name, EstateID: e.ID}
	pg.Resident = huanxin.ActorFromContext(r.Context()).Role == huanxin.RoleResident
	for _, x := range list {
		pg.Items = append(pg.Items, faqItem{Request: x, Category: categoryLabel(pg.Lang, cats, x.Category), AskedBy: api.AskedBy(x)})
	}
	p.render(w, r, http.StatusOK, "request_faq", pg)
}

// overviewPage shows the figures per unit with bar charts drawn here.
type overviewPage struct {
	Base
	Rows   []overviewRow
	Charts []barChart
	Filter queueFilter
}

// overviewRow is a unit's figures with the durations in hours ("—" where
// nothing reached that point).
type overviewRow struct {
	request.UnitFigures
	FirstMed, FirstP90, CloseMedText, CloseP90Text string
}

// barChart is a horizontal bar chart: one bar per unit, widths in SVG
// units out of barWidth.
type barChart struct {
	ID, Title string
	Height    int
	Bars      []bar
}

type bar struct {
	Label, Value string
	Y, Width     int
}

const barWidth = 300

// hours formats a duration in hours with one decimal, "—" when none of n
// requests reached the point measured.
func hours(d time.Duration, n int) string {
	if n == 0 {
		return "—"
	}
	return strconv.FormatFloat(d.Hours(), 'f', 1, 64)
}

// chart draws values scaled to the largest.
func chart(id, title string, rows []request.UnitFigures, value func(request.UnitFigures) (float64, string)) barChart {
	c := barChart{ID: id, Title: title, Height: 28*len(rows) + 4}
	top := 0.0
	for _, u := range rows {
		v, _ := value(u)
		top = max(top, v)
	}
	for i, u := range rows {
		v, label := value(u)
		width := 0
		if top > 0 {
			width = int(v / top * barWidth)
		}
		c.Bars = append(c.Bars, bar{Label: u.Unit.Name, Value: label, Y: 28*i + 4, Width: width})
	}
	return c
}

// requestOverview shows per unit: median and 90th percentile of the time
// to first answer and to closing, overdue count and average rating.
func (p *Pages) requestOverview(w http.ResponseWriter, r *http.Request) {
	if !p.requestsOn(w, r) {
		return
	}
	qf, f := queueOf(r.URL.Query())
	f.OverdueAt, f.Status = nil, nil
	figs, err := p.Requests.Overview(r.Context(), f)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &overviewPage{Base: p.base(r, "request.overview"), Filter: qf}
	for _, u := range figs {
		pg.Rows = append(pg.Rows, overviewRow{UnitFigures: u, FirstMed: hours(u.FirstAnswerMed, u.Answered),
			FirstP90: hours(u.FirstAnswerP90, u.Answered), CloseMedText: hours(u.CloseMed, u.Closed), CloseP90Text: hours(u.CloseP90, u.Closed)})
	}
	l := pg.Lang
	pg.Charts = []barChart{
		chart("first", i18n.T(l, "request.chart.first"), figs, func(u request.UnitFigures) (float64, string) {
			return u.FirstAnswerMed.Hours(), hours(u.FirstAnswerMed, u.Answered) + " h"
		}),
		chart("overdue", i18n.T(l, "request.chart.overdue"), figs, func(u request.UnitFigures) (float64, string) {
			return float64(u.Overdue), strconv.Itoa(u.Overdue)
		}),
		chart("rating", i18n.T(l, "request.chart.rating"), figs, func(u request.UnitFigures) (float64, string) {
			if u.Rated == 0 {
				return 0, "—"
			}
			return float64(u.RatingSum) / float64(u.Rated), u.AverageRating
		}),
	}
	p.render(w, r, http.StatusOK, "request_overview", pg)
}
