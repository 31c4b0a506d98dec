package api

import (
	"net/http"
	"time"

	"github.com/huanxin/huanxin/questionnaire"
)

var questionnaireScheduleListParams = []string{"estate_id"}

// QuestionnaireSchedule is a survey of an estate scheduled to go out by
// itself (a satisfaction survey when works are accepted, a year later):
// at "at" the questionnaire is created from the template and opened for
// closes_after days; questionnaire_id is then the questionnaire sent.
type QuestionnaireSchedule struct {
	ID              int64                        `json:"id"`
	CityID          int64                        `json:"city_id"`
	EstateID        int64                        `json:"estate_id"`
	Template        questionnaire.Template       `json:"template"`
	At              time.Time                    `json:"at"`
	ClosesAfter     int                          `json:"closes_after"`
	Reason          string                       `json:"reason"`
	Status          questionnaire.ScheduleStatus `json:"status"`
	QuestionnaireID *int64                       `json:"questionnaire_id"`
	CreatedBy       int64                        `json:"created_by"`
	Created         time.Time                    `json:"created"`
	Updated         time.Time                    `json:"updated"`
}

// QuestionnaireScheduleInput is the body of POST
// /api/v1/questionnaire-schedules; without a template the standard
// satisfaction survey is scheduled.
type QuestionnaireScheduleInput struct {
	EstateID    int64                   `json:"estate_id"`
	Template    *questionnaire.Template `json:"template"`
	At          time.Time               `json:"at"`
	ClosesAfter int                     `json:"closes_after"`
	Reason      string                  `json:"reason"`
}

// QuestionnaireSchedules lists the schedules of an estate.
type QuestionnaireSchedules struct {
	Items []*QuestionnaireSchedule `json:"items"`
}

type questionnaireScheduleHandlers struct{ svc *questionnaire.Service }

func (a *API) questionnaireScheduleRoutes(svc *questionnaire.Service) {
	h := questionnaireScheduleHandlers{svc: svc}
	base := Prefix + "/questionnaire-schedules"
	a.handle("GET "+base, http.HandlerFunc(h.list), questionnaireScheduleListParams)
	a.handle("POST "+base, http.HandlerFunc(h.create), nil)
	a.handle("POST "+base+"/{id}/cancel", recordAction(h.svc.Cancel, shownSchedule), nil)
}

func shownSchedule(s *questionnaire.Schedule) *QuestionnaireSchedule {
	out := &QuestionnaireSchedule{ID: s.ID, CityID: s.CityID, EstateID: s.EstateID, Template: s.Template, At: s.At,
		ClosesAfter: s.ClosesAfter, Reason: s.Reason, Status: s.Status, CreatedBy: s.CreatedBy, Created: s.Created, Updated: s.Updated}
	if s.QuestionnaireID != 0 {
		id := s.QuestionnaireID
		out.QuestionnaireID = &id
	}
	if out.Template.Questions == nil {
		out.Template.Questions = []questionnaire.Question{}
	}
	return out
}

func (h questionnaireScheduleHandlers) list(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	p := readParams(r, questionnaireScheduleListParams)
	estateID := p.id("estate_id", 1)
	if estateID == nil && p.get("estate_id") == "" {
		p.fail("estate_id", "必填 required")
	}
	if err := p.err(); err != nil {
		WriteError(w, r, err)
		return
	}
	ss, err := h.svc.Schedules(r.Context(), *estateID)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := QuestionnaireSchedules{Items: make([]*QuestionnaireSchedule, len(ss))}
	for i, s := range ss {
		out.Items[i] = shownSchedule(s)
	}
	WriteJSON(w, http.StatusOK, out)
}

func (h questionnaireScheduleHandlers) create(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	var in QuestionnaireScheduleInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	s := &questionnaire.Schedule{EstateID: in.EstateID, Template: questionnaire.SatisfactionTemplate(), At: in.At,
		ClosesAfter: in.ClosesAfter, Reason: in.Reason}
	if in.Template != nil {
		s.Template = *in.Template
	}
	if err := h.svc.ScheduleSurvey(r.Context(), s); err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, shownSchedule(s))
}
