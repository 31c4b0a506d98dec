package api

import (
	"net/http"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/notice"
	"github.com/huanxin/huanxin/represent"
)

var seatListParams = []string{"estate_id"}

// seatHandlers serve the representatives of estates: everyone who sees
// an estate lists its seats; officers fill them and end terms.
type seatHandlers struct{ svc *represent.Service }

// Seat is one person's term in an office of an estate. Terms are dates
// (Asia/Shanghai), both included; ended is the day a term was ended
// early. owner_id, resident_id and user_id are 0 when not linked, and for
// callers who may not see personal data.
type Seat struct {
	ID         int64          `json:"id"`
	CityID     int64          `json:"city_id"`
	EstateID   int64          `json:"estate_id"`
	BuildingID int64          `json:"building_id"`
	Role       represent.Role `json:"role"`
	PersonName string         `json:"person_name"`
	OwnerID    int64          `json:"owner_id"`
	ResidentID int64          `json:"resident_id"`
	UserID     int64          `json:"user_id"`
	How        represent.How  `json:"how"`
	TermStart  string         `json:"term_start"`
	TermEnd    string         `json:"term_end"`
	Ended      string         `json:"ended"`
	EndReason  string         `json:"end_reason"`
	Active     bool           `json:"active"`
	CreatedBy  int64          `json:"created_by"`
	Created    time.Time      `json:"created"`
	Updated    time.Time      `json:"updated"`
}

// SeatInput is the body of POST /api/v1/seats.
type SeatInput struct {
	EstateID   int64          `json:"estate_id"`
	BuildingID int64          `json:"building_id"`
	Role       represent.Role `json:"role"`
	PersonName string         `json:"person_name"`
	OwnerID    int64          `json:"owner_id"`
	ResidentID int64          `json:"resident_id"`
	UserID     int64          `json:"user_id"`
	How        represent.How  `json:"how"`
	TermStart  string         `json:"term_start"`
	TermEnd    string         `json:"term_end"`
}

// SeatEndInput is the body of POST /api/v1/seats/{id}/end: the day the
// term ends (today when empty) and why.
type SeatEndInput struct {
	Ended  string `json:"ended"`
	Reason string `json:"reason"`
}

// Seats is a list of seats.
type Seats struct {
	Items []Seat `json:"items"`
}

func shownSeat(s *represent.Seat, now time.Time) Seat {
	return Seat{ID: s.ID, CityID: s.CityID, EstateID: s.EstateID, BuildingID: s.BuildingID, Role: s.Role, PersonName: s.PersonName,
		OwnerID: s.OwnerID, ResidentID: s.ResidentID, UserID: s.UserID, How: s.How, TermStart: date(s.TermStart),
		TermEnd: date(s.TermEnd), Ended: date(s.Ended), EndReason: s.EndReason, Active: s.ActiveOn(now), CreatedBy: s.CreatedBy,
		Created: s.Created, Updated: s.Updated}
}

// days reads YYYY-MM-DD dates (Asia/Shanghai) into their fields; an empty
// one stays zero.
func days(fields map[string]dayField) error {
	var bad []huanxin.FieldError
	for name, f := range fields {
		if f.v == "" {
			continue
		}
		d, ok := notice.ParseDay(f.v)
		if !ok {
			bad = append(bad, huanxin.FieldError{Field: name, Message: "须为 YYYY-MM-DD 日期 must be a YYYY-MM-DD date"})
		}
		*f.dst = d
	}
	if len(bad) > 0 {
		return huanxin.Invalid("输入有误 invalid input", bad...)
	}
	return nil
}

// dayField is a date as written and where it goes.
type dayField struct {
	v   string
	dst *time.Time
}

func (h seatHandlers) now() time.Time {
	if h.svc.Now != nil {
		return h.svc.Now()
	}
	return time.Now()
}

func (h seatHandlers) list(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	estateID, err := estateParam(r, seatListParams)
	var seats []*represent.Seat
	if err == nil {
		seats, err = h.svc.EstateSeats(r.Context(), estateID)
	}
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out, now := Seats{Items: make([]Seat, len(seats))}, h.now()
	for i, s := range seats {
		out.Items[i] = shownSeat(s, now)
	}
	WriteJSON(w, http.StatusOK, out)
}

func (h seatHandlers) create(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	var in SeatInput
	err := decodeBody(w, r, &in)
	s := &represent.Seat{EstateID: in.EstateID, BuildingID: in.BuildingID, Role: in.Role, PersonName: in.PersonName,
		OwnerID: in.OwnerID, ResidentID: in.ResidentID, UserID: in.UserID, How: in.How}
	if err == nil {
		err = days(map[string]dayField{"term_start": {in.TermStart, &s.TermStart}, "term_end": {in.TermEnd, &s.TermEnd}})
	}
	if err == nil {
		err = h.svc.CreateSeat(r.Context(), s)
	}
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, shownSeat(s, h.now()))
}

func (h seatHandlers) end(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	var in SeatEndInput
	var on time.Time
	err := decodeBody(w, r, &in)
	if err == nil {
		err = days(map[string]dayField{"ended": {in.Ended, &on}})
	}
	var s *represent.Seat
	if err == nil {
		s, err = h.svc.EndSeat(r.Context(), id, on, in.Reason)
	}
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, shownSeat(s, h.now()))
}
