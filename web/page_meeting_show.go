package web

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/api"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/represent"
	"github.com/huanxin/huanxin/web/i18n"
)

// meetingPage is one meeting: what was discussed, who came, the minutes,
// photos and the actions tracked to completion; officers, and the
// representatives who organised or attended it, record it here (Rights).
// Serving are the seats held today, to assign actions to.
type meetingPage struct {
	Base
	Meeting    *represent.Meeting
	Estate     *estate.Estate
	Seats      []*represent.Seat // the estate's seats, for attendance
	Present    []*represent.Seat // the seats present
	Serving    []*represent.Seat
	Now        time.Time
	Rights     represent.Rights
	CanEdit    bool
	Kinds      []represent.Kind
	Form       meetingForm
	ActionForm actionForm
	Message    string
	Errors     []huanxin.FieldError
}

// actionForm is a follow-up action as entered.
type actionForm struct {
	What, Owner, Due, Note string
	SeatID                 int64
}

func (p *Pages) meetingPageOf(w http.ResponseWriter, r *http.Request) (*meetingPage, bool) {
	if !p.representOn(w, r) {
		return nil, false
	}
	id, err := pathID(r)
	ctx := r.Context()
	var m *represent.Meeting
	if err == nil {
		m, err = p.Represent.Meeting(ctx, id)
	}
	var e *estate.Estate
	if err == nil {
		e, err = p.Reg.Estates().Get(ctx, m.EstateID)
	}
	var seats []*represent.Seat
	if err == nil {
		seats, err = p.Represent.EstateSeats(ctx, m.EstateID)
	}
	var rights represent.Rights
	if err == nil {
		rights, err = p.Represent.Rights(ctx, m)
	}
	if err != nil {
		p.fail(w, r, err)
		return nil, false
	}
	now := time.Now()
	if p.Represent.Now != nil {
		now = p.Represent.Now()
	}
	pg := &meetingPage{Base: p.base(r, "meeting.title"), Meeting: m, Estate: e, Seats: seats, Now: now, Kinds: represent.Kinds,
		Rights: rights, CanEdit: rights.Record, Form: formOf(m)}
	pg.Title = m.Title
	for _, s := range seats {
		if slices.Contains(m.Attendance.SeatIDs, s.ID) {
			pg.Present = append(pg.Present, s)
		}
		if s.ActiveOn(now) {
			pg.Serving = append(pg.Serving, s)
		}
	}
	return pg, true
}

// meetingShow shows a meeting.
func (p *Pages) meetingShow(w http.ResponseWriter, r *http.Request) {
	if pg, ok := p.meetingPageOf(w, r); ok {
		p.render(w, r, http.StatusOK, "meeting", pg)
	}
}

// done answers a meeting form: back to the meeting, or the page again
// with the problems next to the fields.
func (p *Pages) done(w http.ResponseWriter, r *http.Request, pg *meetingPage, err error, flash string) {
	switch huanxin.ErrorCode(err) {
	case "":
		redirect(w, r, "/meetings/"+strconv.FormatInt(pg.Meeting.ID, 10), flash)
	case huanxin.EINVALID:
		pg.Message, pg.Errors = i18n.T(pg.Lang, "represent.invalid"), huanxin.ErrorFields(err)
		p.render(w, r, http.StatusBadRequest, "meeting", pg)
	default:
		p.fail(w, r, err)
	}
}

// meetingUpdate stores the edited content, attendance and minutes.
func (p *Pages) meetingUpdate(w http.ResponseWriter, r *http.Request) {
	pg, ok := p.meetingPageOf(w, r)
	if !ok {
		return
	}
	var errs []huanxin.FieldError
	_, err := p.Represent.UpdateMeeting(r.Context(), pg.Meeting.ID, func(m *represent.Meeting) error {
		pg.Form, errs = readMeetingForm(r, m, true)
		if len(errs) > 0 {
			return huanxin.Invalid("输入有误 invalid input", errs...)
		}
		return nil
	})
	p.done(w, r, pg, err, "meeting_saved")
}

// meetingPhoto adds an uploaded photo (field "photo") to the meeting.
func (p *Pages) meetingPhotoAdd(w http.ResponseWriter, r *http.Request) {
	pg, ok := p.meetingPageOf(w, r)
	if !ok {
		return
	}
	if p.Files == nil {
		p.fail(w, r, huanxin.Errorf(huanxin.EUNAVAILABLE, "未启用文件上传 uploads are not enabled"))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, p.Files.Limit()+1<<20)
	in, hdr, err := r.FormFile("photo")
	if err != nil {
		p.done(w, r, pg, huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "photo", Message: i18n.T(pg.Lang, "meeting.photo.pick")}), "")
		return
	}
	defer in.Close()
	f, err := p.Files.Put(r.Context(), pg.Meeting.EstateID, hdr.Filename, in)
	if err == nil {
		_, err = p.Represent.SetPhotos(r.Context(), pg.Meeting.ID, append(slices.Clone(pg.Meeting.PhotoFileIDs), f.ID))
	}
	if fe := huanxin.ErrorFields(err); len(fe) > 0 {
		fe[0].Field = "photo"
	}
	p.done(w, r, pg, err, "meeting_saved")
}

// meetingPhoto serves a photo to whoever sees the meeting.
func (p *Pages) meetingPhoto(w http.ResponseWriter, r *http.Request) {
	if !p.representOn(w, r) {
		return
	}
	id, err := pathID(r)
	fid, ferr := strconv.ParseInt(r.PathValue("file"), 10, 64)
	if err == nil && ferr != nil {
		err = huanxin.Errorf(huanxin.ENOTFOUND, "照片不存在 no such photo")
	}
	if err == nil {
		f, data, err := p.Represent.Photo(r.Context(), id, fid)
		if err == nil {
			api.ServeFile(w, r, f, data)
			return
		}
		p.fail(w, r, err)
		return
	}
	p.fail(w, r, err)
}

// actionAdd adds a follow-up action to the meeting.
func (p *Pages) actionAdd(w http.ResponseWriter, r *http.Request) {
	pg, ok := p.meetingPageOf(w, r)
	if !ok {
		return
	}
	pg.ActionForm = actionForm{What: r.PostFormValue("what"), Owner: r.PostFormValue("owner"), Due: r.PostFormValue("due"), Note: r.PostFormValue("note")}
	var errs []huanxin.FieldError
	pg.ActionForm.SeatID = formID(r.PostFormValue("owner_seat_id"), "owner_seat_id", &errs)
	a := &represent.Action{What: pg.ActionForm.What, Owner: pg.ActionForm.Owner, OwnerSeatID: pg.ActionForm.SeatID, Note: pg.ActionForm.Note,
		Due: formDay(pg.ActionForm.Due, "due", &errs)}
	err := error(nil)
	if len(errs) > 0 {
		err = huanxin.Invalid("输入有误 invalid input", errs...)
	} else {
		err = p.Represent.AddAction(r.Context(), pg.Meeting.ID, a)
	}
	p.done(w, r, pg, err, "action_saved")
}

// actionComplete marks an action done with a note.
func (p *Pages) actionComplete(w http.ResponseWriter, r *http.Request) {
	pg, ok := p.meetingPageOf(w, r)
	if !ok {
		return
	}
	aid, err := strconv.ParseInt(r.PathValue("action"), 10, 64)
	if err != nil {
		p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "事项不存在 no such action"))
		return
	}
	_, err = p.Represent.CompleteAction(r.Context(), pg.Meeting.ID, aid, r.PostFormValue("note"))
	p.done(w, r, pg, err, "action_done")
}
