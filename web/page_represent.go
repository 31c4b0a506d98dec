package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/notice"
	"github.com/huanxin/huanxin/represent"
	"github.com/huanxin/huanxin/web/i18n"
)

// representPage lists an estate's representatives, those serving and
// those who served; officers fill seats and end terms here.
type representPage struct {
	Base
	Estate          *estate.Estate
	Current         []*represent.Seat
	Past            []*represent.Seat
	Buildings       map[int64]string // building numbers by ID
	CanEdit         bool
	Roles           []represent.Role
	Hows            []represent.How
	BuildingOptions []*estate.Building
	Form            seatForm
	Message         string
	Errors          []huanxin.FieldError
}

// seatForm is a seat as entered.
type seatForm struct {
	Role, BuildingID, PersonName, OwnerID, How, TermStart, TermEnd string
}

// representOn answers 404 when the deployment has no representatives.
func (p *Pages) representOn(w http.ResponseWriter, r *http.Request) bool {
	if p.Represent == nil {
		p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "未启用 not enabled"))
		return false
	}
	return true
}

func (p *Pages) representPageOf(w http.ResponseWriter, r *http.Request) (*representPage, bool) {
	if !p.representOn(w, r) {
		return nil, false
	}
	e, ok := p.pathEstate(w, r)
	if !ok {
		return nil, false
	}
	ctx := r.Context()
	seats, err := p.Represent.EstateSeats(ctx, e.ID)
	if err != nil {
		p.fail(w, r, err)
		return nil, false
	}
	bs, _, err := p.Reg.Buildings().Find(ctx, estate.Filter{EstateID: &e.ID, Limit: 1000})
	if err != nil {
		p.fail(w, r, err)
		return nil, false
	}
	pg := &representPage{Base: p.base(r, "represent.title"), Estate: e, Buildings: map[int64]string{}, Roles: represent.Roles,
		Hows: represent.Hows, BuildingOptions: bs, CanEdit: represent.MayEdit(huanxin.ActorFromContext(ctx)),
		Form: seatForm{How: string(represent.HowElected)}}
	for _, b := range bs {
		pg.Buildings[b.ID] = b.No
	}
	now := time.Now()
	if p.Represent.Now != nil {
		now = p.Represent.Now()
	}
	for _, s := range seats {
		if s.ActiveOn(now) || notice.Day(s.TermStart).After(notice.Day(now)) {
			pg.Current = append(pg.Current, s)
		} else {
			pg.Past = append(pg.Past, s)
		}
	}
	return pg, true
}

// representatives shows an estate's seats.
func (p *Pages) representatives(w http.ResponseWriter, r *http.Request) {
	if pg, ok := p.representPageOf(w, r); ok {
		p.render(w, r, http.StatusOK, "represent", pg)
	}
}

// formID reads an optional ID field of a form; a bad one is a field
// problem.
func formID(v, field string, errs *[]huanxin.FieldError) int64 {
	if v = strings.TrimSpace(v); v == "" || v == "0" {
		return 0
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 0 {
		*errs = append(*errs, huanxin.FieldError{Field: field, Message: "须为编号 must be an ID"})
	}
	return id
}

// formDay reads a YYYY-MM-DD field; an empty one stays zero.
func formDay(v, field string, errs *[]huanxin.FieldError) time.Time {
	if v = strings.TrimSpace(v); v == "" {
		return time.Time{}
	}
	d, ok := notice.ParseDay(v)
	if !ok {
		*errs = append(*errs, huanxin.FieldError{Field: field, Message: "须为 YYYY-MM-DD 日期 must be a YYYY-MM-DD date"})
	}
	return d
}

// seatCreate fills a seat; invalid input shows the form again with the
// problems next to the fields.
func (p *Pages) seatCreate(w http.ResponseWriter, r *http.Request) {
	pg, ok := p.representPageOf(w, r)
	if !ok {
		return
	}
	f := seatForm{Role: r.PostFormValue("role"), BuildingID: r.PostFormValue("building_id"), PersonName: r.PostFormValue("person_name"),
		OwnerID: r.PostFormValue("owner_id"), How: r.PostFormValue("how"), TermStart: r.PostFormValue("term_start"),
		TermEnd: r.PostFormValue("term_end")}
	pg.Form = f
	var errs []huanxin.FieldError
	s := &represent.Seat{EstateID: pg.Estate.ID, Role: represent.Role(f.Role), PersonName: f.PersonName, How: represent.How(f.How),
		BuildingID: formID(f.BuildingID, "building_id", &errs), OwnerID: formID(f.OwnerID, "owner_id", &errs),
		TermStart: formDay(f.TermStart, "term_start", &errs), TermEnd: formDay(f.TermEnd, "term_end", &errs)}
	err := error(nil)
	if len(errs) > 0 {
		err = huanxin.Invalid("输入有误 invalid input", errs...)
	} else {
		err = p.Represent.CreateSeat(r.Context(), s)
	}
	switch huanxin.ErrorCode(err) {
	case "":
		redirect(w, r, "/estates/"+strconv.FormatInt(pg.Estate.ID, 10)+"/representatives", "seat_saved")
	case huanxin.EINVALID:
		pg.Message, pg.Errors = i18n.T(pg.Lang, "represent.invalid"), huanxin.ErrorFields(err)
		p.render(w, r, http.StatusBadRequest, "represent", pg)
	default:
		p.fail(w, r, err)
	}
}

// seatEnd ends a term early (today, or the day given) and returns to the
// estate's representatives.
func (p *Pages) seatEnd(w http.ResponseWriter, r *http.Request) {
	if !p.representOn(w, r) {
		return
	}
	id, err := pathID(r)
	var errs []huanxin.FieldError
	on := formDay(r.PostFormValue("ended"), "ended", &errs)
	var s *represent.Seat
	if err == nil && len(errs) > 0 {
		err = huanxin.Invalid("输入有误 invalid input", errs...)
	}
	if err == nil {
		s, err = p.Represent.EndSeat(r.Context(), id, on, r.PostFormValue("reason"))
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	redirect(w, r, "/estates/"+strconv.FormatInt(s.EstateID, 10)+"/representatives", "seat_ended")
}
