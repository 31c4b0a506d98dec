package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/represent"
	"github.com/huanxin/huanxin/web/i18n"
)

// meetingsPage lists an estate's meetings with the overdue actions;
// officers and the estate's serving representatives record a new meeting
// from it.
type meetingsPage struct {
	Base
	Estate   *estate.Estate
	Meetings []*represent.Meeting
	Overdue  []*represent.Action
	CanEdit  bool
	Kinds    []represent.Kind
	Form     meetingForm
	Message  string
	Errors   []huanxin.FieldError
}

// meetingForm is a meeting as entered: the agenda and the names present
// one per line.
type meetingForm struct {
	Kind, Title, At, Place, Agenda, Residents, Officers, Others, Minutes string
	SeatIDs                                                              []int64
}

// Has reports whether the seat is marked present.
func (f meetingForm) Has(seatID int64) bool { return slices.Contains(f.SeatIDs, seatID) }

// formOf shows a stored meeting in the form.
func formOf(m *represent.Meeting) meetingForm {
	return meetingForm{Kind: string(m.Kind), Title: m.Title, At: m.At.In(huanxin.Shanghai).Format("2006-01-02T15:04"), Place: m.Place,
		Agenda: strings.Join(m.Agenda, "\n"), Residents: strings.Join(m.Attendance.Residents, "\n"),
		Officers: strings.Join(m.Attendance.Officers, "\n"), Others: strconv.Itoa(m.Attendance.Others), Minutes: m.Minutes,
		SeatIDs: m.Attendance.SeatIDs}
}

// readMeetingForm reads the posted form onto m (the attendance only when
// withAttendance), collecting the problems of unreadable values.
func readMeetingForm(r *http.Request, m *represent.Meeting, withAttendance bool) (meetingForm, []huanxin.FieldError) {
	f := meetingForm{Kind: r.PostFormValue("kind"), Title: r.PostFormValue("title"), At: r.PostFormValue("at"),
		Place: r.PostFormValue("place"), Agenda: r.PostFormValue("agenda"), Residents: r.PostFormValue("residents"),
		Officers: r.PostFormValue("officers"), Others: strings.TrimSpace(r.PostFormValue("others")), Minutes: r.PostFormValue("minutes")}
	var errs []huanxin.FieldError
	m.Kind, m.Title, m.Place, m.Agenda = represent.Kind(f.Kind), f.Title, f.Place, strings.Split(f.Agenda, "\n")
	m.At = time.Time{}
	if at, err := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(f.At), huanxin.Shanghai); err == nil {
		m.At = at
	} else if strings.TrimSpace(f.At) != "" {
		errs = append(errs, huanxin.FieldError{Field: "at", Message: "须为日期和时间 must be a date and time"})
	}
	if !withAttendance {
		return f, errs
	}
	m.Minutes = f.Minutes
	m.Attendance = represent.Attendance{Residents: strings.Split(f.Residents, "\n"), Officers: strings.Split(f.Officers, "\n")}
	for _, v := range r.PostForm["seat_id"] {
		if id := formID(v, "seat_ids", &errs); id != 0 {
			m.Attendance.SeatIDs = append(m.Attendance.SeatIDs, id)
		}
	}
	f.SeatIDs = m.Attendance.SeatIDs
	if f.Others != "" {
		n, err := strconv.Atoi(f.Others)
		if err != nil {
			errs = append(errs, huanxin.FieldError{Field: "others", Message: "须为整数 must be a whole number"})
		}
		m.Attendance.Others = n
	}
	return f, errs
}

func (p *Pages) meetingsPageOf(w http.ResponseWriter, r *http.Request) (*meetingsPage, bool) {
	if !p.representOn(w, r) {
		return nil, false
	}
	e, ok := p.pathEstate(w, r)
	if !ok {
		return nil, false
	}
	ctx := r.Context()
	ms, err := p.Represent.Meetings(ctx, e.ID)
	var over []*represent.Action
	if err == nil {
		over, err = p.Represent.OverdueActions(ctx, e.ID)
	}
	var can bool
	if err == nil {
		can, err = p.Represent.MayPropose(ctx, e.ID)
	}
	if err != nil {
		p.fail(w, r, err)
		return nil, false
	}
	return &meetingsPage{Base: p.base(r, "meetings.title"), Estate: e, Meetings: ms, Overdue: over, Kinds: represent.Kinds,
		CanEdit: can, Form: meetingForm{Kind: string(represent.KindCouncil)}}, true
}

// meetings lists an estate's meetings.
func (p *Pages) meetings(w http.ResponseWriter, r *http.Request) {
	if pg, ok := p.meetingsPageOf(w, r); ok {
		p.render(w, r, http.StatusOK, "meetings", pg)
	}
}

// meetingCreate records a meeting and opens it for attendance, minutes,
// photos and actions.
func (p *Pages) meetingCreate(w http.ResponseWriter, r *http.Request) {
	pg, ok := p.meetingsPageOf(w, r)
	if !ok {
		return
	}
	m := &represent.Meeting{EstateID: pg.Estate.ID}
	f, errs := readMeetingForm(r, m, false)
	pg.Form = f
	err := error(nil)
	if len(errs) > 0 {
		err = huanxin.Invalid("输入有误 invalid input", errs...)
	} else {
		err = p.Represent.CreateMeeting(r.Context(), m)
	}
	switch huanxin.ErrorCode(err) {
	case "":
		redirect(w, r, "/meetings/"+strconv.FormatInt(m.ID, 10), "meeting_saved")
	case huanxin.EINVALID:
		pg.Message, pg.Errors = i18n.T(pg.Lang, "represent.invalid"), huanxin.ErrorFields(err)
		p.render(w, r, http.StatusBadRequest, "meetings", pg)
	default:
		p.fail(w, r, err)
	}
}

// meetingsHomePage is where residents find their estates' representatives
// and meetings on a phone, and officers find an estate's.
type meetingsHomePage struct {
	Base
	Q       string
	Estates []meetingsHomeEstate
}

// meetingsHomeEstate is an estate with, for residents, its serving
// representatives and its meetings.
type meetingsHomeEstate struct {
	Estate   *estate.Estate
	Seats    []*represent.Seat
	Meetings []*represent.Meeting
}

// meetingsHome lists the actor's estates (officers: those matching q).
func (p *Pages) meetingsHome(w http.ResponseWriter, r *http.Request) {
	if !p.representOn(w, r) {
		return
	}
	ctx := r.Context()
	pg := &meetingsHomePage{Base: p.base(r, "meetings.home"), Q: strings.TrimSpace(r.URL.Query().Get("q"))}
	es, _, err := p.Reg.Estates().Find(ctx, estate.Filter{Q: pg.Q, Limit: 30})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	now := time.Now()
	if p.Represent.Now != nil {
		now = p.Represent.Now()
	}
	for _, e := range es {
		row := meetingsHomeEstate{Estate: e}
		if pg.Resident {
			seats, err := p.Represent.EstateSeats(ctx, e.ID)
			if err == nil {
				row.Meetings, err = p.Represent.Meetings(ctx, e.ID)
			}
			if err != nil {
				p.fail(w, r, err)
				return
			}
			for _, s := range seats {
				if s.ActiveOn(now) {
					row.Seats = append(row.Seats, s)
				}
			}
		}
		pg.Estates = append(pg.Estates, row)
	}
	p.render(w, r, http.StatusOK, "meetings_home", pg)
}
