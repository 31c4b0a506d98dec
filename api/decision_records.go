package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/decision"
)

// ReviewInput is the body of POST /api/v1/decisions/{id}/reviews: the
// reading of a mismatched paper ballot by an officer who made neither
// entry, and why.
type ReviewInput struct {
	Person     string           `json:"person"`
	Collection string           `json:"collection"`
	Proxy      string           `json:"proxy"`
	Choices    map[int64]string `json:"choices"`
	Spoiled    bool             `json:"spoiled"`
	Note       string           `json:"note"`
}

// PaperEntry is a paper ballot that is pending its second entry,
// mismatched, or was settled by review; never its choices.
type PaperEntry struct {
	Person     string    `json:"person"`
	Collection string    `json:"collection"`
	Proxy      string    `json:"proxy"`
	State      string    `json:"state"`
	EnteredBy  int64     `json:"entered_by"`
	EnteredAt  time.Time `json:"entered_at"`
	SecondBy   int64     `json:"second_by"`
	ReviewBy   int64     `json:"review_by"`
	ReviewNote string    `json:"review_note"`
	ScanFileID int64     `json:"scan_file_id"`
}

// PaperEntries lists paper entries.
type PaperEntries struct {
	Items []PaperEntry `json:"items"`
}

// Document is a stored file put to the owners with a decision.
type Document struct {
	FileID  int64     `json:"file_id"`
	Title   string    `json:"title"`
	SHA256  string    `json:"sha256"`
	AddedBy int64     `json:"added_by"`
	Added   time.Time `json:"added"`
}

// DocumentInput is the body of POST /api/v1/decisions/{id}/documents.
type DocumentInput struct {
	FileID int64  `json:"file_id"`
	Title  string `json:"title"`
}

// Documents lists a decision's documents.
type Documents struct {
	Items []Document `json:"items"`
}

// Objection is an objection to a published result and its answer.
type Objection struct {
	ID       int64 `json:"id"`
	RaisedBy int64 `json:"raised_by"`
	// OnBehalfOf is the owner an officer raised it for (assisted mode), or 0.
	OnBehalfOf int64     `json:"on_behalf_of"`
	Body       string    `json:"body"`
	Raised     time.Time `json:"raised"`
	Answer     string    `json:"answer"`
	AnsweredBy int64     `json:"answered_by"`
	Answered   time.Time `json:"answered,omitzero"`
}

// ObjectionInput is the body of POST /api/v1/decisions/{id}/objections.
type ObjectionInput struct {
	Body string `json:"body"`
}

// AnswerInput is the body of POST …/objections/{objection}/answer.
type AnswerInput struct {
	Answer string `json:"answer"`
}

// Objections lists a decision's objections.
type Objections struct {
	Items []Objection `json:"items"`
}

// DecisionRules are a city's rules for owners' decisions.
type DecisionRules struct {
	MinNoticeDays int    `json:"min_notice_days"`
	ObjectionDays int    `json:"objection_days"`
	ConflictRule  string `json:"conflict_rule"` // first, paper or online
	AllowChange   bool   `json:"allow_change"`
}

func (h decisionHandlers) review(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	var in ReviewInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	choices, err := parseChoices(in.Choices)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	c, err := h.svc.Review(r.Context(), id, decision.PersonID(in.Person), decision.Entry{Collection: decision.Collection(in.Collection),
		Proxy: in.Proxy, Choices: choices, Spoiled: in.Spoiled}, in.Note)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, shownCast(c))
}

func (h decisionHandlers) paperEntries(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	es, err := h.svc.PaperEntries(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := PaperEntries{Items: make([]PaperEntry, len(es))}
	for i, e := range es {
		out.Items[i] = PaperEntry{Person: string(e.Person), Collection: string(e.Collection), Proxy: e.Proxy, State: string(e.State),
			EnteredBy: e.EnteredBy, EnteredAt: e.EnteredAt, SecondBy: e.SecondBy, ReviewBy: e.ReviewBy, ReviewNote: e.ReviewNote,
			ScanFileID: e.ScanFileID}
	}
	WriteJSON(w, http.StatusOK, out)
}

func shownDocument(d decision.Document) Document {
	return Document{FileID: d.FileID, Title: d.Title, SHA256: d.SHA256, AddedBy: d.AddedBy, Added: d.Added}
}

func (h decisionHandlers) documents(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	ds, err := h.svc.Documents(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := Documents{Items: make([]Document, len(ds))}
	for i, d := range ds {
		out.Items[i] = shownDocument(d)
	}
	WriteJSON(w, http.StatusOK, out)
}

func (h decisionHandlers) addDocument(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	var in DocumentInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	d, err := h.svc.AddDocument(r.Context(), id, in.FileID, in.Title)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, shownDocument(*d))
}

// fileID parses a numeric path segment other than {id}.
func fileID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, huanxin.Invalid("编号无效 invalid id", huanxin.FieldError{Field: name, Message: "须为正整数 must be a positive integer"})
	}
	return id, nil
}

func (h decisionHandlers) removeDocument(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	fid, err := fileID(r, "file")
	if err == nil {
		err = h.svc.RemoveDocument(r.Context(), id, fid)
	}
	if err != nil {
		WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func shownObjection(o decision.Objection) Objection {
	return Objection{ID: o.ID, RaisedBy: o.RaisedBy, OnBehalfOf: o.OnBehalfOf, Body: o.Body, Raised: o.Raised, Answer: o.Answer, AnsweredBy: o.AnsweredBy,
		Answered: o.Answered}
}

func (h decisionHandlers) rules(w http.ResponseWriter, r *http.Request) {
	city, ok := actorAndID(w, r)
	if !ok {
		return
	}
	rs, err := h.svc.Rules(r.Context(), city)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, DecisionRules{MinNoticeDays: rs.MinNoticeDays, ObjectionDays: rs.ObjectionDays,
		ConflictRule: string(rs.Conflict), AllowChange: rs.AllowChange})
}

func (h decisionHandlers) setRules(w http.ResponseWriter, r *http.Request) {
	city, ok := actorAndID(w, r)
	if !ok {
		return
	}
	var in DecisionRules
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	rs := decision.Rules{MinNoticeDays: in.MinNoticeDays, ObjectionDays: in.ObjectionDays,
		Conflict: decision.ConflictRule(in.ConflictRule), AllowChange: in.AllowChange}
	if err := h.svc.SetRules(r.Context(), city, rs); err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, in)
}
