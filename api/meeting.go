package api

import (
	"net/http"
	"time"

	"github.com/huanxin/huanxin/represent"
)

var meetingListParams = []string{"estate_id"}

// meetingHandlers serve the meetings of estates (议事会, 坝坝会): everyone
// who sees an estate reads them; officers and the estate's serving
// representatives record them and track their actions
// (represent.Rights).
type meetingHandlers struct{ svc *represent.Service }

// MeetingAttendance is who came: seats present, residents and officers by
// name, a count of others, and the total.
type MeetingAttendance struct {
	SeatIDs   []int64  `json:"seat_ids"`
	Residents []string `json:"residents"`
	Officers  []string `json:"officers"`
	Others    int      `json:"others"`
	Count     int      `json:"count"`
}

// MeetingAction is a follow-up of a meeting, tracked to completion. Due
// is a date (Asia/Shanghai).
type MeetingAction struct {
	ID        int64  `json:"id"`
	MeetingID int64  `json:"meeting_id"`
	EstateID  int64  `json:"estate_id"`
	What      string `json:"what"`
	Owner     string `json:"owner"`
	// OwnerSeatID is the representative's seat it is assigned to (0:
	// none); the holder may mark it done.
	OwnerSeatID int64                  `json:"owner_seat_id"`
	Due         string                 `json:"due"`
	Status      represent.ActionStatus `json:"status"`
	Overdue     bool                   `json:"overdue"`
	DoneAt      time.Time              `json:"done_at,omitzero"`
	DoneBy      int64                  `json:"done_by"`
	Note        string                 `json:"note"`
	CreatedBy   int64                  `json:"created_by"`
	Created     time.Time              `json:"created"`
}

// Meeting is a meeting about an estate with its actions.
type Meeting struct {
	ID           int64             `json:"id"`
	CityID       int64             `json:"city_id"`
	EstateID     int64             `json:"estate_id"`
	Kind         represent.Kind    `json:"kind"`
	Title        string            `json:"title"`
	Agenda       []string          `json:"agenda"`
	At           time.Time         `json:"at"`
	Place        string            `json:"place"`
	Attendance   MeetingAttendance `json:"attendance"`
	Minutes      string            `json:"minutes"`
	PhotoFileIDs []int64           `json:"photo_file_ids"`
	Actions      []MeetingAction   `json:"actions"`
	CreatedBy    int64             `json:"created_by"`
	UpdatedBy    int64             `json:"updated_by"`
	Created      time.Time         `json:"created"`
	Updated      time.Time         `json:"updated"`
}

// MeetingInput is the body of POST /api/v1/meetings and of PATCH (where
// only the members present change, and the estate does not).
type MeetingInput struct {
	EstateID int64          `json:"estate_id"`
	Kind     represent.Kind `json:"kind"`
	Title    string         `json:"title"`
	Agenda   []string       `json:"agenda"`
	At       time.Time      `json:"at"`
	Place    string         `json:"place"`
}

// AttendanceInput is the body of PUT /api/v1/meetings/{id}/attendance.
type AttendanceInput struct {
	SeatIDs   []int64  `json:"seat_ids"`
	Residents []string `json:"residents"`
	Officers  []string `json:"officers"`
	Others    int      `json:"others"`
}

// MinutesInput is the body of PUT /api/v1/meetings/{id}/minutes.
type MinutesInput struct {
	Minutes string `json:"minutes"`
}

// PhotosInput is the body of PUT /api/v1/meetings/{id}/photos: stored
// images (POST /api/v1/files) of the estate, replacing the list.
type PhotosInput struct {
	FileIDs []int64 `json:"file_ids"`
}

// ActionInput is the body of POST /api/v1/meetings/{id}/actions; the
// owner may be left empty when a seat is given.
type ActionInput struct {
	What        string `json:"what"`
	Owner       string `json:"owner"`
	OwnerSeatID int64  `json:"owner_seat_id"`
	Due         string `json:"due"`
	Note        string `json:"note"`
}

// CompleteInput is the body of POST …/actions/{action}/complete.
type CompleteInput struct {
	Note string `json:"note"`
}

// Meetings is a list of meetings; MeetingActions a list of actions.
type Meetings struct {
	Items []Meeting `json:"items"`
}

// MeetingActions is a list of follow-up actions.
type MeetingActions struct {
	Items []MeetingAction `json:"items"`
}

func (h meetingHandlers) now() time.Time { return seatHandlers(h).now() }

func shownAction(a *represent.Action, now time.Time) MeetingAction {
	return MeetingAction{ID: a.ID, MeetingID: a.MeetingID, EstateID: a.EstateID, What: a.What, Owner: a.Owner,
		OwnerSeatID: a.OwnerSeatID, Due: date(a.Due),
		Status: a.Status, Overdue: a.Overdue(now), DoneAt: a.DoneAt, DoneBy: a.DoneBy, Note: a.Note, CreatedBy: a.CreatedBy,
		Created: a.Created}
}

func shownMeeting(m *represent.Meeting, now time.Time) Meeting {
	at := m.Attendance
	out := Meeting{ID: m.ID, CityID: m.CityID, EstateID: m.EstateID, Kind: m.Kind, Title: m.Title, Agenda: append([]string{}, m.Agenda...),
		At: m.At, Place: m.Place, Attendance: MeetingAttendance{SeatIDs: nonNil(at.SeatIDs), Residents: append([]string{}, at.Residents...),
			Officers: append([]string{}, at.Officers...), Others: at.Others, Count: at.Count()}, Minutes: m.Minutes,
		PhotoFileIDs: nonNil(m.PhotoFileIDs), Actions: make([]MeetingAction, len(m.Actions)), CreatedBy: m.CreatedBy,
		UpdatedBy: m.UpdatedBy, Created: m.Created, Updated: m.Updated}
	for i := range m.Actions {
		out.Actions[i] = shownAction(&m.Actions[i], now)
	}
	return out
}

// estateParam reads the required estate_id of a list.
func estateParam(r *http.Request, accepted []string) (int64, error) {
	p := readParams(r, accepted)
	id := p.id("estate_id", 1)
	if id == nil {
		p.fail("estate_id", "必填 required")
	}
	if err := p.err(); err != nil {
		return 0, err
	}
	return *id, nil
}

func (h meetingHandlers) list(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	estateID, err := estateParam(r, meetingListParams)
	var ms []*represent.Meeting
	if err == nil {
		ms, err = h.svc.Meetings(r.Context(), estateID)
	}
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out, now := Meetings{Items: make([]Meeting, len(ms))}, h.now()
	for i, m := range ms {
		out.Items[i] = shownMeeting(m, now)
	}
	WriteJSON(w, http.StatusOK, out)
}

func (h meetingHandlers) overdue(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	estateID, err := estateParam(r, meetingListParams)
	var as []*represent.Action
	if err == nil {
		as, err = h.svc.OverdueActions(r.Context(), estateID)
	}
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out, now := MeetingActions{Items: make([]MeetingAction, len(as))}, h.now()
	for i, a := range as {
		out.Items[i] = shownAction(a, now)
	}
	WriteJSON(w, http.StatusOK, out)
}

func (in *MeetingInput) apply(m *represent.Meeting) {
	m.Kind, m.Title, m.Agenda, m.At, m.Place = in.Kind, in.Title, in.Agenda, in.At, in.Place
}

func (h meetingHandlers) create(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	var in MeetingInput
	err := decodeBody(w, r, &in)
	m := &represent.Meeting{EstateID: in.EstateID}
	in.apply(m)
	if err == nil {
		err = h.svc.CreateMeeting(r.Context(), m)
	}
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, shownMeeting(m, h.now()))
}

func (h meetingHandlers) get(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	m, err := h.svc.Meeting(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, shownMeeting(m, h.now()))
}

// change answers a write that edits a loaded meeting with the meeting.
func (h meetingHandlers) change(edit func(w http.ResponseWriter, r *http.Request, m *represent.Meeting) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := actorAndID(w, r)
		if !ok {
			return
		}
		m, err := h.svc.UpdateMeeting(r.Context(), id, func(m *represent.Meeting) error { return edit(w, r, m) })
		if err != nil {
			WriteError(w, r, err)
			return
		}
		WriteJSON(w, http.StatusOK, shownMeeting(m, h.now()))
	}
}

func patchMeeting(w http.ResponseWriter, r *http.Request, m *represent.Meeting) error {
	in := MeetingInput{EstateID: m.EstateID, Kind: m.Kind, Title: m.Title, Agenda: m.Agenda, At: m.At, Place: m.Place}
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	in.apply(m)
	return nil
}

func putAttendance(w http.ResponseWriter, r *http.Request, m *represent.Meeting) error {
	var in AttendanceInput
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	m.Attendance = represent.Attendance{SeatIDs: in.SeatIDs, Residents: in.Residents, Officers: in.Officers, Others: in.Others}
	return nil
}

func putMinutes(w http.ResponseWriter, r *http.Request, m *represent.Meeting) error {
	var in MinutesInput
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	m.Minutes = in.Minutes
	return nil
}

func (h meetingHandlers) photos(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	var in PhotosInput
	var m *represent.Meeting
	err := decodeBody(w, r, &in)
	if err == nil {
		m, err = h.svc.SetPhotos(r.Context(), id, in.FileIDs)
	}
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, shownMeeting(m, h.now()))
}

func (h meetingHandlers) addAction(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	var in ActionInput
	a := &represent.Action{}
	err := decodeBody(w, r, &in)
	if err == nil {
		a.What, a.Owner, a.OwnerSeatID, a.Note = in.What, in.Owner, in.OwnerSeatID, in.Note
		err = days(map[string]dayField{"due": {in.Due, &a.Due}})
	}
	if err == nil {
		err = h.svc.AddAction(r.Context(), id, a)
	}
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, shownAction(a, h.now()))
}

func (h meetingHandlers) complete(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	aid, err := fileID(r, "action")
	var in CompleteInput
	if err == nil {
		err = decodeBody(w, r, &in)
	}
	var a *represent.Action
	if err == nil {
		a, err = h.svc.CompleteAction(r.Context(), id, aid, in.Note)
	}
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, shownAction(a, h.now()))
}

// registerRepresent mounts the seats and meetings.
func registerRepresent(a *API, svc *represent.Service) {
	s := seatHandlers{svc: svc}
	a.handle("GET "+Prefix+"/seats", http.HandlerFunc(s.list), seatListParams)
	a.handle("POST "+Prefix+"/seats", http.HandlerFunc(s.create), nil)
	a.handle("POST "+Prefix+"/seats/{id}/end", http.HandlerFunc(s.end), nil)
	h := meetingHandlers{svc: svc}
	base := Prefix + "/meetings"
	a.handle("GET "+base, http.HandlerFunc(h.list), meetingListParams)
	a.handle("POST "+base, http.HandlerFunc(h.create), nil)
	a.handle("GET "+base+"/overdue-actions", http.HandlerFunc(h.overdue), meetingListParams)
	a.handle("GET "+base+"/{id}", http.HandlerFunc(h.get), nil)
	a.handle("PATCH "+base+"/{id}", h.change(patchMeeting), nil)
	a.handle("PUT "+base+"/{id}/attendance", h.change(putAttendance), nil)
	a.handle("PUT "+base+"/{id}/minutes", h.change(putMinutes), nil)
	a.handle("PUT "+base+"/{id}/photos", http.HandlerFunc(h.photos), nil)
	a.handle("GET "+base+"/{id}/photos/{file}/content", ownedFile(h.svc.Photo), nil)
	a.handle("POST "+base+"/{id}/actions", http.HandlerFunc(h.addAction), nil)
	a.handle("POST "+base+"/{id}/actions/{action}/complete", http.HandlerFunc(h.complete), nil)
}
