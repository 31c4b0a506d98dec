package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/api"
	"github.com/huanxin/huanxin/file"
	"github.com/huanxin/huanxin/notice"
)

// noticesPage lists notices: for residents those that concern them (large
// text), for officers those of their scope.
type noticesPage struct {
	Base
	Notices []*notice.Notice
	Officer bool
	Now     time.Time
}

// noticeViewPage shows one notice with its attachments, objections and
// answers; residents get an objection form during the period, officers
// the actions.
type noticeViewPage struct {
	Base
	Notice      *notice.Notice
	Attachments []attachmentView
	Objections  []notice.Objection
	Officer     bool
	Open        bool
	Body        string // a failed objection, shown again
	Errors      []huanxin.FieldError
	Message     string
}

// noticeFormPage is the editor of a new notice (one estate, or some of
// its buildings).
type noticeFormPage struct {
	Base
	Form    noticeForm
	Types   []notice.Type
	Errors  []huanxin.FieldError
	Message string
}

type noticeForm struct {
	EstateID, Buildings, Type, Title, Body, Start, End string
}

func (p *Pages) noticesOn(w http.ResponseWriter, r *http.Request) bool {
	if p.Notices == nil {
		p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "公告功能未启用 notices are not enabled"))
		return false
	}
	return true
}

func (p *Pages) noticeList(w http.ResponseWriter, r *http.Request) {
	if !p.noticesOn(w, r) {
		return
	}
	ns, err := p.Notices.List(r.Context(), nil, nil)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &noticesPage{Base: p.base(r, "notices.title"), Notices: ns, Now: time.Now()}
	pg.Officer = canEdit(r)
	p.render(w, r, http.StatusOK, "notices", pg)
}

func (p *Pages) noticeNew(w http.ResponseWriter, r *http.Request) {
	if !p.noticesOn(w, r) {
		return
	}
	today := notice.Day(time.Now()).Format(time.DateOnly)
	p.renderNoticeForm(w, r, http.StatusOK, &noticeFormPage{Form: noticeForm{EstateID: r.URL.Query().Get("estate"),
		Type: string(notice.TypePlan), Start: today}})
}

func (p *Pages) renderNoticeForm(w http.ResponseWriter, r *http.Request, status int, pg *noticeFormPage) {
	pg.Base, pg.Types = p.base(r, "notices.new"), notice.Types
	p.render(w, r, status, "notice_form", pg)
}

func (p *Pages) noticeCreate(w http.ResponseWriter, r *http.Request) {
	if !p.noticesOn(w, r) {
		return
	}
	f := noticeForm{EstateID: r.PostFormValue("estate_id"), Buildings: r.PostFormValue("buildings"), Type: r.PostFormValue("type"),
		Title: r.PostFormValue("title"), Body: r.PostFormValue("body"), Start: r.PostFormValue("start"), End: r.PostFormValue("end")}
	n := &notice.Notice{ScopeKind: notice.ScopeEstate, Type: notice.Type(f.Type), Title: f.Title, Body: f.Body}
	var bad []huanxin.FieldError
	n.EstateID, _ = parseID(f.EstateID)
	for _, b := range strings.FieldsFunc(f.Buildings, func(r rune) bool { return r == ',' || r == ' ' || r == '，' }) {
		id, err := parseID(b)
		if err != nil {
			bad = append(bad, huanxin.FieldError{Field: "building_ids", Message: "楼栋编号应为数字 building IDs must be numbers"})
		}
		n.BuildingIDs, n.ScopeKind = append(n.BuildingIDs, id), notice.ScopeBuildings
	}
	for _, d := range []struct {
		field, v string
		dst      *time.Time
	}{{"publicity_start", f.Start, &n.PublicityStart}, {"publicity_end", f.End, &n.PublicityEnd}} {
		if t, ok := notice.ParseDay(d.v); ok {
			*d.dst = t
		} else if d.v != "" {
			bad = append(bad, huanxin.FieldError{Field: d.field, Message: "须为 YYYY-MM-DD 日期 must be a date"})
		}
	}
	err := error(huanxin.Invalid("输入有误 invalid input", bad...))
	if len(bad) == 0 {
		// The attachment is stored as a file of the estate first; the
		// service checks that it belongs to the notice's scope.
		var fid int64
		if fid, err = p.storeUpload(r, n.EstateID, "attachment"); err == nil && fid != 0 {
			n.Attachments = []int64{fid}
		}
	}
	if err == nil {
		err = p.Notices.Create(r.Context(), n)
	}
	switch {
	case err == nil:
		redirect(w, r, "/notices/"+strconv.FormatInt(n.ID, 10), "notice_saved")
	case huanxin.ErrorCode(err) == huanxin.EINVALID:
		p.renderNoticeForm(w, r, http.StatusBadRequest, &noticeFormPage{Form: f, Errors: huanxin.ErrorFields(err), Message: huanxin.ErrorMessage(err)})
	default:
		p.fail(w, r, err)
	}
}

// noticeShow shows a notice; a resident's opening it records the read
// receipt of their household.
func (p *Pages) noticeShow(w http.ResponseWriter, r *http.Request) {
	p.showNotice(w, r, http.StatusOK, "", nil, "")
}

func (p *Pages) showNotice(w http.ResponseWriter, r *http.Request, status int, body string, errs []huanxin.FieldError, msg string) {
	if !p.noticesOn(w, r) {
		return
	}
	id, err := pathID(r)
	var n *notice.Notice
	if err == nil {
		n, err = p.Notices.Open(r.Context(), id)
	}
	var os []notice.Objection
	if err == nil {
		os, err = p.Notices.Objections(r.Context(), id)
	}
	var files []*file.File
	if err == nil {
		files, err = p.Notices.Attachments(r.Context(), n)
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &noticeViewPage{Base: p.base(r, "notices.title"), Notice: n, Objections: os, Officer: canEdit(r), Open: n.Open(time.Now()),
		Body: body, Errors: errs, Message: msg}
	for _, f := range files {
		pg.Attachments = append(pg.Attachments, attachmentOf(f))
	}
	pg.Title = n.Title
	p.render(w, r, status, "notice_view", pg)
}

// attachmentView is an attached file as listed: its name as uploaded,
// its type in short (PDF, JPEG …) and its size in words.
type attachmentView struct {
	ID         int64
	Name, Kind string
	Size       string
}

func attachmentOf(f *file.File) attachmentView {
	_, sub, _ := strings.Cut(f.ContentType, "/")
	return attachmentView{ID: f.ID, Name: f.Name, Kind: strings.ToUpper(sub), Size: sizeText(f.Size)}
}

// sizeText writes a file size in bytes, KB or MB (1024-based), one
// decimal above a kilobyte.
func sizeText(n int64) string {
	switch {
	case n < 1<<10:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KB"
	}
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
}

func (p *Pages) noticeAttachment(w http.ResponseWriter, r *http.Request) {
	if !p.noticesOn(w, r) {
		return
	}
	id, err := pathID(r)
	var fid int64
	if err == nil {
		fid, err = parseID(r.PathValue("file"))
	}
	if err != nil {
		p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "附件不存在 no such attachment"))
		return
	}
	f, data, err := p.Notices.Attachment(r.Context(), id, fid)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	api.ServeFile(w, r, f, data)
}

func (p *Pages) noticeObject(w http.ResponseWriter, r *http.Request) {
	if !p.noticesOn(w, r) {
		return
	}
	id, err := pathID(r)
	body := r.PostFormValue("body")
	if err == nil {
		_, err = p.Notices.Object(r.Context(), id, body)
	}
	switch {
	case err == nil:
		redirect(w, r, "/notices/"+strconv.FormatInt(id, 10)+"#objections", "objection_raised")
	case huanxin.ErrorCode(err) == huanxin.EINVALID:
		p.showNotice(w, r, http.StatusBadRequest, body, huanxin.ErrorFields(err), huanxin.ErrorMessage(err))
	default:
		p.fail(w, r, err)
	}
}

func (p *Pages) noticeAnswer(w http.ResponseWriter, r *http.Request) {
	if !p.noticesOn(w, r) {
		return
	}
	id, err := pathID(r)
	var oid int64
	if err == nil {
		oid, err = parseID(r.PathValue("objection"))
	}
	if err == nil {
		_, err = p.Notices.Answer(r.Context(), id, oid, r.PostFormValue("answer"))
	}
	switch {
	case err == nil:
		redirect(w, r, "/notices/"+strconv.FormatInt(id, 10)+"#objections", "objection_answered")
	case huanxin.ErrorCode(err) == huanxin.EINVALID:
		p.showNotice(w, r, http.StatusBadRequest, "", huanxin.ErrorFields(err), huanxin.ErrorMessage(err))
	default:
		p.fail(w, r, err)
	}
}

// noticeMove publishes or withdraws a notice; a period too short shows
// the notice again with the earliest allowed end.
func (p *Pages) noticeMove(w http.ResponseWriter, r *http.Request) {
	if !p.noticesOn(w, r) {
		return
	}
	id, err := pathID(r)
	if err == nil {
		switch r.PathValue("action") {
		case "publish":
			_, err = p.Notices.Publish(r.Context(), id)
		case "withdraw":
			_, err = p.Notices.Withdraw(r.Context(), id)
		default:
			err = huanxin.Errorf(huanxin.ENOTFOUND, "操作不存在 no such action")
		}
	}
	switch {
	case err == nil:
		redirect(w, r, "/notices/"+strconv.FormatInt(id, 10), "notice_"+r.PathValue("action"))
	case huanxin.ErrorCode(err) == huanxin.EINVALID:
		p.showNotice(w, r, http.StatusBadRequest, "", huanxin.ErrorFields(err), huanxin.ErrorMessage(err))
	default:
		p.fail(w, r, err)
	}
}

// noticeAttach adds an uploaded file to a draft notice's attachments.
func (p *Pages) noticeAttach(w http.ResponseWriter, r *http.Request) {
	if !p.noticesOn(w, r) {
		return
	}
	id, err := pathID(r)
	if err == nil {
		_, err = p.Notices.Update(r.Context(), id, func(n *notice.Notice) error {
			fid, err := p.storeUpload(r, n.EstateID, "attachment")
			if err == nil && fid == 0 {
				err = huanxin.Invalid("请选择文件 choose a file", huanxin.FieldError{Field: "attachment", Message: "必填 required"})
			}
			n.Attachments = append(n.Attachments, fid)
			return err
		})
	}
	switch {
	case err == nil:
		redirect(w, r, "/notices/"+strconv.FormatInt(id, 10)+"#attachments", "attachment_added")
	case huanxin.ErrorCode(err) == huanxin.EINVALID:
		p.showNotice(w, r, http.StatusBadRequest, "", huanxin.ErrorFields(err), huanxin.ErrorMessage(err))
	default:
		p.fail(w, r, err)
	}
}

// noticePeriod changes a draft's publicity period, as the officer does
// after publishing was refused for a period shorter than the city's
// minimum.
func (p *Pages) noticePeriod(w http.ResponseWriter, r *http.Request) {
	if !p.noticesOn(w, r) {
		return
	}
	id, err := pathID(r)
	if err == nil {
		_, err = p.Notices.Update(r.Context(), id, func(n *notice.Notice) error {
			var bad []huanxin.FieldError
			for _, d := range []struct {
				field, v string
				dst      *time.Time
			}{{"publicity_start", r.PostFormValue("start"), &n.PublicityStart}, {"publicity_end", r.PostFormValue("end"), &n.PublicityEnd}} {
				t, ok := notice.ParseDay(d.v)
				if !ok {
					bad = append(bad, huanxin.FieldError{Field: d.field, Message: "须为 YYYY-MM-DD 日期 must be a date"})
				}
				*d.dst = t
			}
			if len(bad) > 0 {
				return huanxin.Invalid("输入有误 invalid input", bad...)
			}
			return nil
		})
	}
	switch {
	case err == nil:
		redirect(w, r, "/notices/"+strconv.FormatInt(id, 10), "notice_saved")
	case huanxin.ErrorCode(err) == huanxin.EINVALID:
		p.showNotice(w, r, http.StatusBadRequest, "", huanxin.ErrorFields(err), huanxin.ErrorMessage(err))
	default:
		p.fail(w, r, err)
	}
}
