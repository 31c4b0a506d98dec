package api

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/notice"
)

var noticeListParams = []string{"estate_id", "status"}

// noticeStatuses lists the stages of a notice.
var noticeStatuses = []notice.Status{notice.StatusDraft, notice.StatusPublished, notice.StatusWithdrawn}

// noticeHandlers serve notices (公告/公示): officers write and publish,
// residents read the notices that concern them and object during the
// publicity period. Who may do what is decided by the notice service.
type noticeHandlers struct{ svc *notice.Service }

// Notice is a notice to the residents of a jurisdiction, an estate or
// some of its buildings. Publicity start and end are dates (Asia/Shanghai),
// both included.
type Notice struct {
	ID             int64            `json:"id"`
	CityID         int64            `json:"city_id"`
	ScopeKind      notice.ScopeKind `json:"scope_kind"`
	JurisdictionID int64            `json:"jurisdiction_id"`
	EstateID       int64            `json:"estate_id"`
	BuildingIDs    []int64          `json:"building_ids"`
	Type           notice.Type      `json:"type"`
	Title          string           `json:"title"`
	Body           string           `json:"body"`
	Attachments    []int64          `json:"attachments"`
	// AttachmentFiles describes the attachments, in the same order.
	AttachmentFiles []NoticeAttachment `json:"attachment_files"`
	PublicityStart  string             `json:"publicity_start"`
	PublicityEnd    string             `json:"publicity_end"`
	Status          notice.Status      `json:"status"`
	PublishedAt     time.Time          `json:"published_at,omitzero"`
	WithdrawnAt     time.Time          `json:"withdrawn_at,omitzero"`
	CreatedBy       int64              `json:"created_by"`
	Created         time.Time          `json:"created"`
	Updated         time.Time          `json:"updated"`
}

// NoticeAttachment is a file attached to a notice: its name as uploaded,
// its media type and size in bytes.
type NoticeAttachment struct {
	FileID      int64  `json:"file_id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

// NoticeInput is the body of POST /api/v1/notices and of PATCH (where
// only the members present change).
type NoticeInput struct {
	ScopeKind      notice.ScopeKind `json:"scope_kind"`
	JurisdictionID int64            `json:"jurisdiction_id"`
	EstateID       int64            `json:"estate_id"`
	BuildingIDs    []int64          `json:"building_ids"`
	Type           notice.Type      `json:"type"`
	Title          string           `json:"title"`
	Body           string           `json:"body"`
	Attachments    []int64          `json:"attachments"`
	PublicityStart string           `json:"publicity_start"`
	PublicityEnd   string           `json:"publicity_end"`
}

// Notices is a list of notices.
type Notices struct {
	Items []*Notice `json:"items"`
}

// NoticeObjection is an objection raised during the publicity period and
// its answer.
type NoticeObjection struct {
	ID       int64 `json:"id"`
	RaisedBy int64 `json:"raised_by"`
	// OnBehalfOf is the owner an officer raised it for (assisted mode), or 0.
	OnBehalfOf int64     `json:"on_behalf_of"`
	Name       string    `json:"name"`
	Body       string    `json:"body"`
	Raised     time.Time `json:"raised"`
	Answer     string    `json:"answer"`
	AnsweredBy int64     `json:"answered_by"`
	Answered   time.Time `json:"answered,omitzero"`
}

// NoticeObjections is the list of a notice's objections.
type NoticeObjections struct {
	Items []NoticeObjection `json:"items"`
}

// NoticeReceipt says that a household was reached, online or on paper.
type NoticeReceipt struct {
	PartID  int64          `json:"part_id"`
	Channel notice.Channel `json:"channel"`
	By      int64          `json:"by"`
	At      time.Time      `json:"at"`
}

// NoticeReceipts is the list of households reached.
type NoticeReceipts struct {
	Items []NoticeReceipt `json:"items"`
}

// PaperReceiptInput is the body of POST /api/v1/notices/{id}/receipts.
type PaperReceiptInput struct {
	PartIDs []int64 `json:"part_ids"`
}

// Household is a household of a notice's scope not yet reached.
type Household struct {
	PartID      int64  `json:"part_id"`
	EstateID    int64  `json:"estate_id"`
	EstateName  string `json:"estate_name"`
	BuildingID  int64  `json:"building_id"`
	BuildingNo  string `json:"building_no"`
	StairwellNo string `json:"stairwell_no"`
	Floor       int    `json:"floor"`
	Room        string `json:"room"`
	Owners      string `json:"owners"`
}

// NotReached lists the households not reached, by building.
type NotReached struct {
	Items []Household `json:"items"`
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(huanxin.Shanghai).Format(time.DateOnly)
}

// shown is a notice as answered, with its attachments described.
func (h noticeHandlers) shown(ctx context.Context, n *notice.Notice) (*Notice, error) {
	files, err := h.svc.Attachments(ctx, n)
	if err != nil {
		return nil, err
	}
	out := shownNotice(n)
	out.AttachmentFiles = make([]NoticeAttachment, len(files))
	for i, f := range files {
		out.AttachmentFiles[i] = NoticeAttachment{FileID: f.ID, Name: f.Name, ContentType: f.ContentType, Size: f.Size}
	}
	return out, nil
}

// reply answers with one notice.
func (h noticeHandlers) reply(w http.ResponseWriter, r *http.Request, status int, n *notice.Notice) {
	out, err := h.shown(r.Context(), n)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, status, out)
}

func shownNotice(n *notice.Notice) *Notice {
	return &Notice{ID: n.ID, CityID: n.CityID, ScopeKind: n.ScopeKind, JurisdictionID: n.JurisdictionID, EstateID: n.EstateID,
		BuildingIDs: nonNil(n.BuildingIDs), Type: n.Type, Title: n.Title, Body: n.Body, Attachments: nonNil(n.Attachments),
		PublicityStart: date(n.PublicityStart), PublicityEnd: date(n.PublicityEnd), Status: n.Status, PublishedAt: n.PublishedAt,
		WithdrawnAt: n.WithdrawnAt, CreatedBy: n.CreatedBy, Created: n.Created, Updated: n.Updated}
}

func nonNil(ids []int64) []int64 {
	if ids == nil {
		return []int64{}
	}
	return ids
}

// apply copies the input onto a notice, reading the dates.
func (in *NoticeInput) apply(n *notice.Notice) error {
	n.ScopeKind, n.JurisdictionID, n.EstateID, n.BuildingIDs = in.ScopeKind, in.JurisdictionID, in.EstateID, in.BuildingIDs
	n.Type, n.Title, n.Body, n.Attachments = in.Type, in.Title, in.Body, in.Attachments
	var bad []huanxin.FieldError
	for _, f := range []struct {
		name, v string
		dst     *time.Time
	}{{"publicity_start", in.PublicityStart, &n.PublicityStart}, {"publicity_end", in.PublicityEnd, &n.PublicityEnd}} {
		*f.dst = time.Time{}
		if f.v == "" {
			continue
		}
		d, ok := notice.ParseDay(f.v)
		if !ok {
			bad = append(bad, huanxin.FieldError{Field: f.name, Message: "须为 YYYY-MM-DD 日期 must be a YYYY-MM-DD date"})
		}
		*f.dst = d
	}
	if len(bad) > 0 {
		return huanxin.Invalid("输入有误 invalid input", bad...)
	}
	return nil
}

func (h noticeHandlers) list(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	p := readParams(r, noticeListParams)
	estateID := p.id("estate_id", 1)
	var status *notice.Status
	if v := p.get("status"); v != "" {
		s := notice.Status(v)
		if !slices.Contains(noticeStatuses, s) {
			p.fail("status", "取值无效 invalid value")
		}
		status = &s
	}
	if err := p.err(); err != nil {
		WriteError(w, r, err)
		return
	}
	ns, err := h.svc.List(r.Context(), estateID, status)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := Notices{Items: make([]*Notice, len(ns))}
	for i, n := range ns {
		if out.Items[i], err = h.shown(r.Context(), n); err != nil {
			WriteError(w, r, err)
			return
		}
	}
	WriteJSON(w, http.StatusOK, out)
}

func (h noticeHandlers) create(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	var in NoticeInput
	n := new(notice.Notice)
	err := decodeBody(w, r, &in)
	if err == nil {
		err = in.apply(n)
	}
	if err == nil {
		err = h.svc.Create(r.Context(), n)
	}
	if err != nil {
		WriteError(w, r, err)
		return
	}
	h.reply(w, r, http.StatusCreated, n)
}

// get returns a notice; a resident's reading records the receipt of
// their household.
func (h noticeHandlers) get(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	n, err := h.svc.Open(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	h.reply(w, r, http.StatusOK, n)
}

func (h noticeHandlers) update(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	n, err := h.svc.Update(r.Context(), id, func(n *notice.Notice) error {
		in := NoticeInput{ScopeKind: n.ScopeKind, JurisdictionID: n.JurisdictionID, EstateID: n.EstateID, BuildingIDs: n.BuildingIDs,
			Type: n.Type, Title: n.Title, Body: n.Body, Attachments: n.Attachments, PublicityStart: date(n.PublicityStart),
			PublicityEnd: date(n.PublicityEnd)}
		if err := decodeBody(w, r, &in); err != nil {
			return err
		}
		return in.apply(n)
	})
	if err != nil {
		WriteError(w, r, err)
		return
	}
	h.reply(w, r, http.StatusOK, n)
}

func (h noticeHandlers) transition(move func(ctx context.Context, id int64) (*notice.Notice, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := actorAndID(w, r)
		if !ok {
			return
		}
		if err := optionalBody(w, r); err != nil {
			WriteError(w, r, err)
			return
		}
		n, err := move(r.Context(), id)
		if err != nil {
			WriteError(w, r, err)
			return
		}
		h.reply(w, r, http.StatusOK, n)
	}
}

func shownNoticeObjection(o notice.Objection) NoticeObjection {
	return NoticeObjection{ID: o.ID, RaisedBy: o.RaisedBy, OnBehalfOf: o.OnBehalfOf, Name: o.Name, Body: o.Body, Raised: o.Raised, Answer: o.Answer,
		AnsweredBy: o.AnsweredBy, Answered: o.Answered}
}

func (h noticeHandlers) receipts(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	rs, err := h.svc.Receipts(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := NoticeReceipts{Items: make([]NoticeReceipt, len(rs))}
	for i, x := range rs {
		out.Items[i] = NoticeReceipt{PartID: x.PartID, Channel: x.Channel, By: x.By, At: x.At}
	}
	WriteJSON(w, http.StatusOK, out)
}

func (h noticeHandlers) paperReceipts(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	var in PaperReceiptInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	if err := h.svc.ReachedOnPaper(r.Context(), id, in.PartIDs); err != nil {
		WriteError(w, r, err)
		return
	}
	h.receipts(w, r)
}

func (h noticeHandlers) notReached(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	_, hs, err := h.svc.NotReached(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := NotReached{Items: make([]Household, len(hs))}
	for i, x := range hs {
		out.Items[i] = Household(x)
	}
	WriteJSON(w, http.StatusOK, out)
}
