package api

import (
	"context"
	"net/http"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/questionnaire"
)

var (
	questionnaireListParams = []string{"estate_id", "page", "per_page"}
	questionnaireTextParams = []string{"question", "q"}
)

// questionnaireHandlers serve questionnaires; who may do what is decided
// by the questionnaire service.
type questionnaireHandlers struct{ svc *questionnaire.Service }

// Questionnaire is a questionnaire (问卷) of an estate.
type Questionnaire struct {
	ID        int64                    `json:"id"`
	CityID    int64                    `json:"city_id"`
	EstateID  int64                    `json:"estate_id"`
	Title     string                   `json:"title"`
	Intro     string                   `json:"intro"`
	Status    questionnaire.Status     `json:"status"`
	Anonymous bool                     `json:"anonymous"`
	Per       questionnaire.Per        `json:"per"`
	OpensAt   time.Time                `json:"opens_at,omitzero"`
	ClosesAt  time.Time                `json:"closes_at,omitzero"`
	Questions []questionnaire.Question `json:"questions"`
	CreatedBy int64                    `json:"created_by"`
	Created   time.Time                `json:"created"`
	Updated   time.Time                `json:"updated"`
}

// QuestionnaireInput is the body of POST /api/v1/questionnaires and of
// PATCH /api/v1/questionnaires/{id} (a draft; only the members present
// change, estate_id cannot).
type QuestionnaireInput struct {
	EstateID  int64                    `json:"estate_id"`
	Title     string                   `json:"title"`
	Intro     string                   `json:"intro"`
	Anonymous bool                     `json:"anonymous"`
	Per       questionnaire.Per        `json:"per"`
	OpensAt   time.Time                `json:"opens_at,omitzero"`
	ClosesAt  time.Time                `json:"closes_at,omitzero"`
	Questions []questionnaire.Question `json:"questions"`
}

// NeedsInput is the body of POST /api/v1/questionnaires/needs.
type NeedsInput struct {
	EstateID int64 `json:"estate_id"`
}

// ResponseInput is the body of POST /api/v1/questionnaires/{id}/responses:
// a resident answers online (channel online) for a household of theirs;
// an officer enters a paper response (channel paper) for a household and,
// in a questionnaire per resident, names the owner or resident.
type ResponseInput struct {
	Channel    questionnaire.Channel        `json:"channel"`
	PartID     int64                        `json:"part_id"`
	OwnerID    int64                        `json:"owner_id"`
	ResidentID int64                        `json:"resident_id"`
	Answers    map[int]questionnaire.Answer `json:"answers"`
}

// NewResponse is a stored response, without who gave it.
type NewResponse struct {
	ID              int64                 `json:"id"`
	QuestionnaireID int64                 `json:"questionnaire_id"`
	Channel         questionnaire.Channel `json:"channel"`
	BuildingID      int64                 `json:"building_id"`
	Submitted       time.Time             `json:"submitted"`
}

// Tally counts responses, distinct households and their floor area
// (hundredths of m², each household once).
type Tally struct {
	Responses  int   `json:"responses"`
	Households int   `json:"households"`
	Area       int64 `json:"area"`
}

// QuestionResult is the count of one question; see questionnaire.QuestionResult.
type QuestionResult struct {
	QuestionID int                `json:"question_id"`
	Kind       questionnaire.Kind `json:"kind"`
	Title      string             `json:"title"`
	Options    []string           `json:"options"`
	Answered   Tally              `json:"answered"`
	Counts     []Tally            `json:"counts"`  // per option
	Points     []int64            `json:"points"`  // ranking: Borda points per option
	Ratings    []Tally            `json:"ratings"` // rating: per mark, from 1
	Sum        int64              `json:"sum"`
	Mean       float64            `json:"mean"`
	Matrix     [][]Tally          `json:"matrix"` // rows × options
}

// ResultSection is the results of every building (building_id 0) or one.
type ResultSection struct {
	BuildingID  int64            `json:"building_id"`
	Respondents Tally            `json:"respondents"`
	Online      int              `json:"online"`
	Paper       int              `json:"paper"`
	Questions   []QuestionResult `json:"questions"`
}

// QuestionnaireResults are the results so far, overall and per building.
type QuestionnaireResults struct {
	QuestionnaireID int64           `json:"questionnaire_id"`
	Status          string          `json:"status"`
	Overall         ResultSection   `json:"overall"`
	Buildings       []ResultSection `json:"buildings"`
}

// TextAnswer is one free-text answer.
type TextAnswer struct {
	ResponseID int64  `json:"response_id"`
	BuildingID int64  `json:"building_id"`
	Channel    string `json:"channel"`
	Text       string `json:"text"`
}

// TextAnswers lists free-text answers.
type TextAnswers struct {
	Items []TextAnswer `json:"items"`
}

func shownQuestionnaire(q *questionnaire.Questionnaire) *Questionnaire {
	out := &Questionnaire{ID: q.ID, CityID: q.CityID, EstateID: q.EstateID, Title: q.Title, Intro: q.Intro, Status: q.Status,
		Anonymous: q.Anonymous, Per: q.Per, OpensAt: q.OpensAt, ClosesAt: q.ClosesAt, Questions: q.Questions,
		CreatedBy: q.CreatedBy, Created: q.Created, Updated: q.Updated}
	if out.Questions == nil {
		out.Questions = []questionnaire.Question{}
	}
	return out
}

func shownTally(t questionnaire.Tally) Tally {
	return Tally{Responses: t.Responses, Households: t.Households, Area: int64(t.Area)}
}

func shownTallies(ts []questionnaire.Tally) []Tally {
	out := make([]Tally, len(ts))
	for i, t := range ts {
		out[i] = shownTally(t)
	}
	return out
}

func shownSection(s questionnaire.Section) ResultSection {
	out := ResultSection{BuildingID: s.BuildingID, Respondents: shownTally(s.Respondents), Online: s.Online, Paper: s.Paper,
		Questions: make([]QuestionResult, len(s.Questions))}
	for i, qr := range s.Questions {
		r := QuestionResult{QuestionID: qr.Question.ID, Kind: qr.Question.Kind, Title: qr.Question.Title, Options: qr.Question.Options,
			Answered: shownTally(qr.Answered), Counts: shownTallies(qr.Options), Points: qr.Points, Ratings: shownTallies(qr.Ratings),
			Sum: qr.Sum, Mean: qr.Mean, Matrix: make([][]Tally, len(qr.Matrix))}
		for j, row := range qr.Matrix {
			r.Matrix[j] = shownTallies(row)
		}
		if r.Options == nil {
			r.Options = []string{}
		}
		if r.Points == nil {
			r.Points = []int64{}
		}
		out.Questions[i] = r
	}
	return out
}

func (h questionnaireHandlers) list(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	p := readParams(r, questionnaireListParams)
	page, perPage := p.paging()
	estateID := p.id("estate_id", 1)
	if estateID == nil && p.get("estate_id") == "" {
		p.fail("estate_id", "必填 required")
	}
	if err := p.err(); err != nil {
		WriteError(w, r, err)
		return
	}
	all, err := h.svc.List(r.Context(), *estateID)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	items := make([]*Questionnaire, len(all))
	for i, q := range all {
		items[i] = shownQuestionnaire(q)
	}
	writeList(w, pageOf(items, page, perPage), len(items), page, perPage)
}

func (h questionnaireHandlers) get(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	q, err := h.svc.Get(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, shownQuestionnaire(q))
}

func (in QuestionnaireInput) apply(q *questionnaire.Questionnaire) {
	q.Title, q.Intro, q.Anonymous, q.Per, q.OpensAt, q.ClosesAt, q.Questions = in.Title, in.Intro, in.Anonymous, in.Per,
		in.OpensAt, in.ClosesAt, in.Questions
}

func (h questionnaireHandlers) create(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	var in QuestionnaireInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	if in.EstateID <= 0 {
		WriteError(w, r, huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "estate_id", Message: "必填 required"}))
		return
	}
	q := &questionnaire.Questionnaire{EstateID: in.EstateID}
	in.apply(q)
	if err := h.svc.Create(r.Context(), q); err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, shownQuestionnaire(q))
}

func (h questionnaireHandlers) needs(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	var in NeedsInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	q, err := h.svc.CreateNeeds(r.Context(), in.EstateID)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, shownQuestionnaire(q))
}

func (h questionnaireHandlers) patch(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	q, err := h.svc.Get(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	in := QuestionnaireInput{EstateID: q.EstateID, Title: q.Title, Intro: q.Intro, Anonymous: q.Anonymous, Per: q.Per,
		OpensAt: q.OpensAt, ClosesAt: q.ClosesAt, Questions: q.Questions}
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	if in.EstateID != q.EstateID {
		WriteError(w, r, huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "estate_id", Message: "不能更改 cannot change"}))
		return
	}
	in.apply(q)
	if err := h.svc.Update(r.Context(), q); err != nil {
		WriteError(w, r, err)
		return
	}
	h.reply(w, r, q.ID)
}

func (h questionnaireHandlers) reply(w http.ResponseWriter, r *http.Request, id int64) {
	q, err := h.svc.Get(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, shownQuestionnaire(q))
}

// transition returns the handler of opening or closing.
func (h questionnaireHandlers) transition(move func(ctx context.Context, id int64) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := actorAndID(w, r)
		if !ok {
			return
		}
		if err := optionalBody(w, r); err != nil {
			WriteError(w, r, err)
			return
		}
		if err := move(r.Context(), id); err != nil {
			WriteError(w, r, err)
			return
		}
		h.reply(w, r, id)
	}
}

func (h questionnaireHandlers) respond(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	var in ResponseInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	resp, err := h.svc.Submit(r.Context(), id, questionnaire.Submission{Channel: in.Channel, PartID: in.PartID,
		OwnerID: in.OwnerID, ResidentID: in.ResidentID, Answers: in.Answers})
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, NewResponse{ID: resp.ID, QuestionnaireID: resp.QuestionnaireID, Channel: resp.Channel,
		BuildingID: resp.BuildingID, Submitted: resp.Submitted})
}

func (h questionnaireHandlers) results(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	q, res, err := h.svc.Results(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := QuestionnaireResults{QuestionnaireID: q.ID, Status: string(q.Status), Overall: shownSection(res.Overall),
		Buildings: make([]ResultSection, len(res.Buildings))}
	for i, b := range res.Buildings {
		out.Buildings[i] = shownSection(b)
	}
	WriteJSON(w, http.StatusOK, out)
}

func (h questionnaireHandlers) texts(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	p := readParams(r, questionnaireTextParams)
	question := p.number("question", 0, 1<<30)
	query := p.text("q", 100)
	if err := p.err(); err != nil {
		WriteError(w, r, err)
		return
	}
	list, err := h.svc.Texts(r.Context(), id, question, query)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := TextAnswers{Items: make([]TextAnswer, len(list))}
	for i, a := range list {
		out.Items[i] = TextAnswer{ResponseID: a.ResponseID, BuildingID: a.BuildingID, Channel: string(a.Channel), Text: a.Text}
	}
	WriteJSON(w, http.StatusOK, out)
}

// questionnaireRoutes registers the questionnaire endpoints.
func (a *API) questionnaireRoutes(svc *questionnaire.Service) {
	h := questionnaireHandlers{svc: svc}
	base := Prefix + "/questionnaires"
	a.handle("GET "+base, http.HandlerFunc(h.list), questionnaireListParams)
	a.handle("POST "+base, http.HandlerFunc(h.create), nil)
	a.handle("POST "+base+"/needs", http.HandlerFunc(h.needs), nil)
	a.handle("GET "+base+"/{id}", http.HandlerFunc(h.get), nil)
	a.handle("PATCH "+base+"/{id}", http.HandlerFunc(h.patch), nil)
	a.handle("POST "+base+"/{id}/open", h.transition(svc.Open), nil)
	a.handle("POST "+base+"/{id}/close", h.transition(svc.Close), nil)
	a.handle("POST "+base+"/{id}/responses", http.HandlerFunc(h.respond), nil)
	a.handle("GET "+base+"/{id}/results", http.HandlerFunc(h.results), nil)
	a.handle("GET "+base+"/{id}/texts", http.HandlerFunc(h.texts), questionnaireTextParams)
}
