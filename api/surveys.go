package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/survey"
)

var surveyListParams = []string{"estate_id", "page", "per_page"}

// surveyHandlers serve condition surveys; who may do what is decided by
// the survey service.
type surveyHandlers struct{ svc *survey.Service }

// Survey is a condition survey (摸底调查) of an estate (building_id 0) or
// one of its buildings. facts are the household facts that apply:
// register_facts (counted from the register; frozen at submission) with
// entered_facts in their place. over60_permille is facts' elderly share
// in tenths of a percent, -1 when no age is known.
type Survey struct {
	ID             int64          `json:"id"`
	CityID         int64          `json:"city_id"`
	EstateID       int64          `json:"estate_id"`
	BuildingID     int64          `json:"building_id"`
	SurveyedOn     string         `json:"surveyed_on"`
	Surveyor       int64          `json:"surveyor"`
	SurveyorName   string         `json:"surveyor_name"`
	Status         survey.Status  `json:"status"`
	Notes          string         `json:"notes"`
	Findings       []Finding      `json:"findings"`
	Facts          survey.Facts   `json:"facts"`
	RegisterFacts  survey.Facts   `json:"register_facts"`
	EnteredFacts   survey.Entered `json:"entered_facts"`
	Over60Permille int            `json:"over60_permille"`
	Created        time.Time      `json:"created"`
	Updated        time.Time      `json:"updated"`
	SubmittedAt    time.Time      `json:"submitted_at,omitzero"`
}

// Finding is the condition of one aspect (a catalogue item code): grade
// 1 good … 4 dangerous, quantity in hundredths of the item's unit.
type Finding struct {
	ItemCode   string         `json:"item_code"`
	Grade      int            `json:"grade"`
	GradeLabel string         `json:"grade_label"`
	Quantity   int64          `json:"quantity"`
	Unit       string         `json:"unit"`
	Hazard     bool           `json:"hazard"`
	Notes      string         `json:"notes"`
	Photos     []survey.Photo `json:"photos"`
}

// FindingInput is one finding of a survey written: photos are the IDs of
// files uploaded through POST /api/v1/files for the estate; each gets its
// phone-size rendition.
type FindingInput struct {
	ItemCode string  `json:"item_code"`
	Grade    int     `json:"grade"`
	Quantity int64   `json:"quantity"`
	Hazard   bool    `json:"hazard"`
	Notes    string  `json:"notes"`
	Photos   []int64 `json:"photos"`
}

// SurveyInput is the body of POST /api/v1/surveys; surveyed_on defaults
// to today.
type SurveyInput struct {
	EstateID     int64          `json:"estate_id"`
	BuildingID   int64          `json:"building_id"`
	SurveyedOn   string         `json:"surveyed_on"`
	Notes        string         `json:"notes"`
	Findings     []FindingInput `json:"findings"`
	EnteredFacts survey.Entered `json:"entered_facts"`
}

// SurveyPatch is the body of PATCH /api/v1/surveys/{id}: members given
// replace the draft's; findings replace all of them.
type SurveyPatch struct {
	BuildingID   *int64          `json:"building_id"`
	SurveyedOn   *string         `json:"surveyed_on"`
	Notes        *string         `json:"notes"`
	Findings     *[]FindingInput `json:"findings"`
	EnteredFacts *survey.Entered `json:"entered_facts"`
}

// SurveyChange is one aspect compared between two surveys; grade 0 means
// not surveyed; trend is better, worse, same, new or gone.
type SurveyChange struct {
	ItemCode     string `json:"item_code"`
	FromGrade    int    `json:"from_grade"`
	ToGrade      int    `json:"to_grade"`
	FromQuantity int64  `json:"from_quantity"`
	ToQuantity   int64  `json:"to_quantity"`
	FromHazard   bool   `json:"from_hazard"`
	ToHazard     bool   `json:"to_hazard"`
	Trend        string `json:"trend"`
}

// SurveyComparison compares an earlier survey (from) with a later one.
type SurveyComparison struct {
	From    Survey         `json:"from"`
	To      Survey         `json:"to"`
	Changes []SurveyChange `json:"changes"`
}

func shownSurvey(v *survey.Survey) Survey {
	facts := v.Facts()
	out := Survey{ID: v.ID, CityID: v.CityID, EstateID: v.EstateID, BuildingID: v.BuildingID, SurveyedOn: v.SurveyedOn,
		Surveyor: v.Surveyor, SurveyorName: v.SurveyorName, Status: v.Status, Notes: v.Notes, Findings: make([]Finding, len(v.Findings)),
		Facts: facts, RegisterFacts: v.Register, EnteredFacts: v.Entered, Over60Permille: facts.Over60Permille(),
		Created: v.Created, Updated: v.Updated, SubmittedAt: v.SubmittedAt}
	for i, f := range v.Findings {
		a, _ := survey.AspectByCode(f.ItemCode)
		out.Findings[i] = Finding{ItemCode: f.ItemCode, Grade: int(f.Grade), GradeLabel: f.Grade.Label(), Quantity: f.Quantity,
			Unit: a.Unit, Hazard: f.Hazard, Notes: f.Notes, Photos: f.Photos}
		if out.Findings[i].Photos == nil {
			out.Findings[i].Photos = []survey.Photo{}
		}
	}
	return out
}

func findingsOf(in []FindingInput) []survey.Finding {
	out := make([]survey.Finding, len(in))
	for i, f := range in {
		out[i] = survey.Finding{ItemCode: f.ItemCode, Grade: survey.Grade(f.Grade), Quantity: f.Quantity, Hazard: f.Hazard, Notes: f.Notes}
		for _, id := range f.Photos {
			out[i].Photos = append(out[i].Photos, survey.Photo{FileID: id})
		}
	}
	return out
}

func (h surveyHandlers) list(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	p := readParams(r, surveyListParams)
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
	items := make([]*Survey, len(all))
	for i, v := range all {
		s := shownSurvey(v)
		items[i] = &s
	}
	writeList(w, pageOf(items, page, perPage), len(items), page, perPage)
}

func (h surveyHandlers) get(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	v, err := h.svc.Get(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, shownSurvey(v))
}

func (h surveyHandlers) create(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	var in SurveyInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	if in.EstateID <= 0 {
		WriteError(w, r, huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "estate_id", Message: "必填 required"}))
		return
	}
	v := &survey.Survey{EstateID: in.EstateID, BuildingID: in.BuildingID, SurveyedOn: in.SurveyedOn, Notes: in.Notes,
		Findings: findingsOf(in.Findings), Entered: in.EnteredFacts}
	if err := h.svc.Create(r.Context(), v); err != nil {
		WriteError(w, r, err)
		return
	}
	if got, err := h.svc.Get(r.Context(), v.ID); err == nil {
		v = got
	}
	WriteJSON(w, http.StatusCreated, shownSurvey(v))
}

func (h surveyHandlers) update(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	var in SurveyPatch
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	v, err := h.svc.Update(r.Context(), id, func(v *survey.Survey) error {
		if in.BuildingID != nil {
			v.BuildingID = *in.BuildingID
		}
		if in.SurveyedOn != nil {
			v.SurveyedOn = *in.SurveyedOn
		}
		if in.Notes != nil {
			v.Notes = *in.Notes
		}
		if in.Findings != nil {
			v.Findings = findingsOf(*in.Findings)
		}
		if in.EnteredFacts != nil {
			v.Entered = *in.EnteredFacts
		}
		return nil
	})
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, shownSurvey(v))
}

func (h surveyHandlers) compare(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	other, err := strconv.ParseInt(r.PathValue("other"), 10, 64)
	if err != nil || other <= 0 {
		WriteError(w, r, huanxin.Invalid("编号无效 invalid id", huanxin.FieldError{Field: "other", Message: "须为正整数 must be a positive integer"}))
		return
	}
	from, to, changes, err := h.svc.Compare(r.Context(), id, other)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := SurveyComparison{From: shownSurvey(from), To: shownSurvey(to), Changes: make([]SurveyChange, len(changes))}
	for i, c := range changes {
		out.Changes[i] = SurveyChange{ItemCode: c.ItemCode, FromGrade: int(c.From), ToGrade: int(c.To), FromQuantity: c.FromQty,
			ToQuantity: c.ToQty, FromHazard: c.FromHazard, ToHazard: c.ToHazard, Trend: string(c.Trend)}
	}
	WriteJSON(w, http.StatusOK, out)
}
