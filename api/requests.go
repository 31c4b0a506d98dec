package api

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/huanxin/huanxin/request"
)

var (
	requestListParams     = []string{"estate_id", "status", "category", "unit_kind", "unit_id", "overdue", "from", "to", "page", "per_page"}
	requestOverviewParams = []string{"estate_id", "category", "from", "to"}
	faqParams             = []string{"estate_id"}
)

// requestHandlers serve residents' questions, suggestions and complaints
// (诉求); who may do what is decided by the request service.
type requestHandlers struct{ svc *request.Service }

// UnitRef names a responsible unit: a jurisdiction (community, street,
// district) or an organisation (contractor, property, utility).
type UnitRef struct {
	Kind request.UnitKind `json:"kind"`
	ID   int64            `json:"id"`
	Name string           `json:"name"`
}

// Escalation is a move of an overdue request one level up.
type Escalation struct {
	From   UnitRef   `json:"from"`
	To     UnitRef   `json:"to"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
}

// Request is a resident's question, suggestion or complaint as its
// submitter and the officers see it.
type Request struct {
	ID                   int64          `json:"id"`
	CityID               int64          `json:"city_id"`
	EstateID             int64          `json:"estate_id"`
	BuildingID           int64          `json:"building_id,omitempty"`
	Kind                 request.Kind   `json:"kind"`
	Category             string         `json:"category"`
	Title                string         `json:"title"`
	Body                 string         `json:"body"`
	PhotoFileIDs         []int64        `json:"photo_file_ids"`
	Location             string         `json:"location"`
	Lat                  *int64         `json:"lat_e6,omitempty"`
	Lng                  *int64         `json:"lng_e6,omitempty"`
	AnonymousToResidents bool           `json:"anonymous_to_residents"`
	Public               bool           `json:"public"`
	FAQ                  bool           `json:"faq"`
	FAQQuestion          string         `json:"faq_question,omitempty"`
	FAQAnswer            string         `json:"faq_answer,omitempty"`
	Status               request.Status `json:"status"`
	Unit                 UnitRef        `json:"unit"`
	Deadline             time.Time      `json:"deadline"`
	Overdue              bool           `json:"overdue"`
	SubmittedBy          int64          `json:"submitted_by"`
	SubmitterName        string         `json:"submitter_name"`
	OnBehalfOf           int64          `json:"on_behalf_of,omitempty"`
	Answer               string         `json:"answer,omitempty"`
	AnsweredBy           int64          `json:"answered_by,omitempty"`
	AnsweredAt           time.Time      `json:"answered_at,omitzero"`
	FirstAnsweredAt      time.Time      `json:"first_answered_at,omitzero"`
	ClosedAt             time.Time      `json:"closed_at,omitzero"`
	Rating               int            `json:"rating,omitempty"`
	RatingComment        string         `json:"rating_comment,omitempty"`
	Escalations          []Escalation   `json:"escalations"`
	Created              time.Time      `json:"created"`
	Updated              time.Time      `json:"updated"`
}

// RequestInput is the body of POST /api/v1/requests: photos are stored
// files (POST /api/v1/files) of the same estate, uploaded by the
// submitter.
type RequestInput struct {
	EstateID             int64   `json:"estate_id"`
	BuildingID           int64   `json:"building_id"`
	Kind                 string  `json:"kind"`
	Category             string  `json:"category"`
	Title                string  `json:"title"`
	Body                 string  `json:"body"`
	PhotoFileIDs         []int64 `json:"photo_file_ids"`
	Location             string  `json:"location"`
	Lat                  *int64  `json:"lat_e6"`
	Lng                  *int64  `json:"lng_e6"`
	AnonymousToResidents bool    `json:"anonymous_to_residents"`
	Public               bool    `json:"public"`
}

// RequestEvent is one change in a request's history.
type RequestEvent struct {
	At        time.Time      `json:"at"`
	ActorID   int64          `json:"actor_id"`
	ActorName string         `json:"actor_name"`
	Action    request.Action `json:"action"`
	Status    request.Status `json:"status"`
	Unit      UnitRef        `json:"unit"`
	Note      string         `json:"note"`
}

// RequestEvents is the history of a request, oldest first.
type RequestEvents struct {
	Items []RequestEvent `json:"items"`
}

// AssignInput hands a request to another unit.
type AssignInput struct {
	UnitKind string `json:"unit_kind"`
	UnitID   int64  `json:"unit_id"`
	Reason   string `json:"reason"`
}

// RateInput closes an answered request with 1–5 stars.
type RateInput struct {
	Rating  int    `json:"rating"`
	Comment string `json:"comment"`
}

// ReopenInput sends an answered request back to its unit.
type ReopenInput struct {
	Reason string `json:"reason"`
}

// PublishInput is the public wording of a request in the estate's FAQ.
type PublishInput struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// FAQEntry is a published question and answer; asked_by is empty when the
// submitter chose to stay anonymous towards other residents.
type FAQEntry struct {
	ID         int64     `json:"id"`
	EstateID   int64     `json:"estate_id"`
	Category   string    `json:"category"`
	Question   string    `json:"question"`
	Answer     string    `json:"answer"`
	AskedBy    string    `json:"asked_by"`
	AnsweredAt time.Time `json:"answered_at"`
}

// FAQ is an estate's published questions and answers, newest first.
type FAQ struct {
	Items []FAQEntry `json:"items"`
}

// UnitFigures are the overview figures of one unit; durations are in
// seconds (median and 90th percentile by the nearest-rank method), the
// average rating has two decimals ("" when nothing was rated).
type UnitFigures struct {
	Unit           UnitRef `json:"unit"`
	Requests       int     `json:"requests"`
	Answered       int     `json:"answered"`
	Closed         int     `json:"closed"`
	Overdue        int     `json:"overdue"`
	FirstAnswerMed int64   `json:"first_answer_median_s"`
	FirstAnswerP90 int64   `json:"first_answer_p90_s"`
	CloseMed       int64   `json:"close_median_s"`
	CloseP90       int64   `json:"close_p90_s"`
	Rated          int     `json:"rated"`
	AverageRating  string  `json:"average_rating"`
}

// Overview is the figures per unit.
type Overview struct {
	Items []UnitFigures `json:"items"`
}

// Organisation is a contractor, property company or utility that answers
// requests for its estates; members are the users who act for it.
type Organisation struct {
	ID        int64            `json:"id"`
	CityID    int64            `json:"city_id"`
	Kind      request.UnitKind `json:"kind"`
	Name      string           `json:"name"`
	MemberIDs []int64          `json:"member_ids"`
	EstateIDs []int64          `json:"estate_ids"`
	// Inactive is when it stopped taking requests; absent while active.
	Inactive time.Time `json:"inactive,omitzero"`
	Created  time.Time `json:"created"`
	Updated  time.Time `json:"updated"`
}

// OrganisationInput is the body of POST /api/v1/units and PUT
// /api/v1/units/{id}.
type OrganisationInput struct {
	Kind      string  `json:"kind"`
	Name      string  `json:"name"`
	MemberIDs []int64 `json:"member_ids"`
	EstateIDs []int64 `json:"estate_ids"`
}

// Organisations lists organisations.
type Organisations struct {
	Items []Organisation `json:"items"`
}

// Categories are a city's request categories.
type Categories struct {
	Items []request.Category `json:"items"`
}

func unitRef(u request.Unit) UnitRef { return UnitRef{Kind: u.Kind, ID: u.ID, Name: u.Name} }

func shownRequest(r *request.Request, now time.Time) *Request {
	out := &Request{ID: r.ID, CityID: r.CityID, EstateID: r.EstateID, BuildingID: r.BuildingID, Kind: r.Kind, Category: r.Category,
		Title: r.Title, Body: r.Body, PhotoFileIDs: append([]int64{}, r.PhotoFileIDs...), Location: r.Location, Lat: r.Lat, Lng: r.Lng,
		AnonymousToResidents: r.AnonymousToResidents, Public: r.Public, FAQ: r.FAQ, FAQQuestion: r.FAQQuestion, FAQAnswer: r.FAQAnswer,
		Status: r.Status, Unit: unitRef(r.Unit), Deadline: r.Deadline, Overdue: r.Overdue(now), SubmittedBy: r.SubmittedBy,
		SubmitterName: r.SubmitterName, OnBehalfOf: r.OnBehalfOf, Answer: r.Answer, AnsweredBy: r.AnsweredBy, AnsweredAt: r.AnsweredAt,
		FirstAnsweredAt: r.FirstAnsweredAt, ClosedAt: r.ClosedAt, Rating: r.Rating, RatingComment: r.RatingComment,
		Escalations: make([]Escalation, len(r.Escalations)), Created: r.Created, Updated: r.Updated}
	for i, e := range r.Escalations {
		out.Escalations[i] = Escalation{From: unitRef(e.From), To: unitRef(e.To), At: e.At, Reason: e.Reason}
	}
	return out
}

func shownOrganisation(o *request.Organisation) Organisation {
	return Organisation{ID: o.ID, CityID: o.CityID, Kind: o.Kind, Name: o.Name, MemberIDs: append([]int64{}, o.Members...),
		EstateIDs: append([]int64{}, o.Estates...), Inactive: o.Inactive, Created: o.Created, Updated: o.Updated}
}

func (h requestHandlers) now() time.Time {
	if h.svc.Now != nil {
		return h.svc.Now()
	}
	return time.Now()
}

// filter reads the queue filters shared by the list and the overview.
func requestFilter(p *params) request.Filter {
	var f request.Filter
	f.EstateID = p.id("estate_id", 1)
	f.Category = p.text("category", 40)
	if v := p.get("status"); v != "" {
		if s := request.Status(v); slices.Contains(request.Statuses, s) {
			f.Status = []request.Status{s}
		} else {
			p.fail("status", "取值无效 invalid value")
		}
	}
	if v := p.get("unit_kind"); v != "" {
		if f.UnitKind = request.UnitKind(v); !f.UnitKind.Valid() {
			p.fail("unit_kind", "取值无效 invalid value")
		}
	}
	f.UnitID = p.id("unit_id", 1)
	f.From, f.To = p.when("from", false), p.when("to", true)
	if !f.From.IsZero() && !f.To.IsZero() && !f.To.After(f.From) {
		p.fail("to", "须晚于 from must be after from")
	}
	return f
}

func (h requestHandlers) list(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	p := readParams(r, requestListParams)
	page, perPage := p.paging()
	f := requestFilter(p)
	now := h.now()
	switch p.get("overdue") {
	case "":
	case "true":
		f.OverdueAt = &now
	default:
		p.fail("overdue", "只能为 true must be true")
	}
	if err := p.err(); err != nil {
		WriteError(w, r, err)
		return
	}
	f.Offset, f.Limit = (page-1)*perPage, perPage
	list, total, err := h.svc.Find(r.Context(), f)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	items := make([]*Request, len(list))
	for i, x := range list {
		items[i] = shownRequest(x, now)
	}
	writeList(w, items, total, page, perPage)
}

func (h requestHandlers) create(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	var in RequestInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	x := &request.Request{EstateID: in.EstateID, BuildingID: in.BuildingID, Kind: request.Kind(in.Kind), Category: in.Category,
		Title: in.Title, Body: in.Body, PhotoFileIDs: in.PhotoFileIDs, Location: in.Location, Lat: in.Lat, Lng: in.Lng,
		AnonymousToResidents: in.AnonymousToResidents, Public: in.Public}
	if err := h.svc.Submit(r.Context(), x); err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, shownRequest(x, h.now()))
}

func (h requestHandlers) get(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	x, err := h.svc.Get(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, shownRequest(x, h.now()))
}

func (h requestHandlers) events(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	evs, err := h.svc.History(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := RequestEvents{Items: make([]RequestEvent, len(evs))}
	for i, e := range evs {
		out.Items[i] = RequestEvent{At: e.At, ActorID: e.ActorID, ActorName: e.ActorName, Action: e.Action, Status: e.Status,
			Unit: unitRef(e.Unit), Note: e.Note}
	}
	WriteJSON(w, http.StatusOK, out)
}

// act decodes the body of a request action into In and runs it.
func act[In any](h requestHandlers, run func(r *http.Request, id int64, in In) (*request.Request, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := actorAndID(w, r)
		if !ok {
			return
		}
		var in In
		if err := decodeBody(w, r, &in); err != nil {
			WriteError(w, r, err)
			return
		}
		x, err := run(r, id, in)
		if err != nil {
			WriteError(w, r, err)
			return
		}
		WriteJSON(w, http.StatusOK, shownRequest(x, h.now()))
	}
}

func (h requestHandlers) overview(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	p := readParams(r, requestOverviewParams)
	f := requestFilter(p)
	if err := p.err(); err != nil {
		WriteError(w, r, err)
		return
	}
	figs, err := h.svc.Overview(r.Context(), f)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := Overview{Items: make([]UnitFigures, len(figs))}
	for i, u := range figs {
		out.Items[i] = UnitFigures{Unit: unitRef(u.Unit), Requests: u.Requests, Answered: u.Answered, Closed: u.Closed, Overdue: u.Overdue,
			FirstAnswerMed: int64(u.FirstAnswerMed / time.Second), FirstAnswerP90: int64(u.FirstAnswerP90 / time.Second),
			CloseMed: int64(u.CloseMed / time.Second), CloseP90: int64(u.CloseP90 / time.Second), Rated: u.Rated,
			AverageRating: u.AverageRating}
	}
	WriteJSON(w, http.StatusOK, out)
}

func (h requestHandlers) faq(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	p := readParams(r, faqParams)
	estateID := p.id("estate_id", 1)
	if estateID == nil && p.get("estate_id") == "" {
		p.fail("estate_id", "必填 required")
	}
	if err := p.err(); err != nil {
		WriteError(w, r, err)
		return
	}
	list, err := h.svc.FAQ(r.Context(), *estateID)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := FAQ{Items: make([]FAQEntry, len(list))}
	for i, x := range list {
		out.Items[i] = FAQEntry{ID: x.ID, EstateID: x.EstateID, Category: x.Category, Question: x.FAQQuestion, Answer: x.FAQAnswer,
			AskedBy: AskedBy(x), AnsweredAt: x.AnsweredAt}
	}
	WriteJSON(w, http.StatusOK, out)
}

// AskedBy is the name other residents see on a published request: the
// submitter's, unless they chose to stay anonymous towards residents.
func AskedBy(r *request.Request) string {
	if r.AnonymousToResidents {
		return ""
	}
	return r.SubmitterName
}

func (h requestHandlers) units(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	if err := readParams(r, nil).err(); err != nil {
		WriteError(w, r, err)
		return
	}
	list, err := h.svc.Organisations(r.Context())
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := Organisations{Items: make([]Organisation, len(list))}
	for i, o := range list {
		out.Items[i] = shownOrganisation(o)
	}
	WriteJSON(w, http.StatusOK, out)
}

func (h requestHandlers) saveUnit(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	var id int64
	status := http.StatusCreated
	if r.PathValue("id") != "" {
		var err error
		if id, err = pathID(r); err != nil {
			WriteError(w, r, err)
			return
		}
		status = http.StatusOK
	}
	var in OrganisationInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	o := &request.Organisation{ID: id, Kind: request.UnitKind(in.Kind), Name: in.Name, Members: in.MemberIDs, Estates: in.EstateIDs}
	if err := h.svc.SaveOrganisation(r.Context(), o); err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, status, shownOrganisation(o))
}

// organisationActive stops or resumes an organisation
// (POST /units/{id}/deactivate and …/activate).
func (h requestHandlers) organisationActive(active bool) func(context.Context, int64) (*request.Organisation, error) {
	return func(ctx context.Context, id int64) (*request.Organisation, error) {
		return h.svc.SetOrganisationActive(ctx, id, active)
	}
}

func (h requestHandlers) categories(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	cs, err := h.svc.Categories(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, Categories{Items: cs})
}

func (h requestHandlers) setCategories(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	var in Categories
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	if err := h.svc.SetCategories(r.Context(), id, in.Items); err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, in)
}

// registerRequests adds the request routes.
func registerRequests(a *API, svc *request.Service) {
	h := requestHandlers{svc: svc}
	base := Prefix + "/requests"
	a.handle("GET "+base, http.HandlerFunc(h.list), requestListParams)
	a.handle("POST "+base, http.HandlerFunc(h.create), nil)
	a.handle("GET "+base+"/overview", http.HandlerFunc(h.overview), requestOverviewParams)
	a.handle("GET "+base+"/{id}", http.HandlerFunc(h.get), nil)
	a.handle("GET "+base+"/{id}/events", http.HandlerFunc(h.events), nil)
	a.handle("POST "+base+"/{id}/assign", act(h, func(r *http.Request, id int64, in AssignInput) (*request.Request, error) {
		return svc.Assign(r.Context(), id, request.Unit{Kind: request.UnitKind(in.UnitKind), ID: in.UnitID}, in.Reason)
	}), nil)
	a.handle("POST "+base+"/{id}/answer", act(h, func(r *http.Request, id int64, in AnswerInput) (*request.Request, error) {
		return svc.Answer(r.Context(), id, in.Answer)
	}), nil)
	a.handle("POST "+base+"/{id}/close", act(h, func(r *http.Request, id int64, in RateInput) (*request.Request, error) {
		return svc.Close(r.Context(), id, in.Rating, in.Comment)
	}), nil)
	a.handle("POST "+base+"/{id}/reopen", act(h, func(r *http.Request, id int64, in ReopenInput) (*request.Request, error) {
		return svc.Reopen(r.Context(), id, in.Reason)
	}), nil)
	a.handle("POST "+base+"/{id}/publish", act(h, func(r *http.Request, id int64, in PublishInput) (*request.Request, error) {
		return svc.Publish(r.Context(), id, in.Question, in.Answer)
	}), nil)
	a.handle("GET "+Prefix+"/faq", http.HandlerFunc(h.faq), faqParams)
	a.handle("GET "+Prefix+"/units", http.HandlerFunc(h.units), nil)
	a.handle("POST "+Prefix+"/units", http.HandlerFunc(h.saveUnit), nil)
	a.handle("PUT "+Prefix+"/units/{id}", http.HandlerFunc(h.saveUnit), nil)
	a.handle("POST "+Prefix+"/units/{id}/deactivate", recordAction(h.organisationActive(false), shownOrganisation), nil)
	a.handle("POST "+Prefix+"/units/{id}/activate", recordAction(h.organisationActive(true), shownOrganisation), nil)
	a.handle("GET "+Prefix+"/cities/{id}/request-categories", http.HandlerFunc(h.categories), nil)
	a.handle("PUT "+Prefix+"/cities/{id}/request-categories", http.HandlerFunc(h.setCategories), nil)
}
