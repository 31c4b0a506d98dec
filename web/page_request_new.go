package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/request"
	"github.com/huanxin/huanxin/web/i18n"
)

// requestsOn answers 404 when the request service is not wired.
func (p *Pages) requestsOn(w http.ResponseWriter, r *http.Request) bool {
	if p.Requests == nil {
		p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "诉求功能未启用 requests are not enabled"))
		return false
	}
	return true
}

// categoryLabel names a category in the page's language: the catalog's
// name of a default category, else the label the city gave it.
func categoryLabel(l string, cats []request.Category, code string) string {
	if s := i18n.T(l, "request.cat."+code); s != "request.cat."+code {
		return s
	}
	if c, ok := request.Find(cats, code); ok {
		return c.Label
	}
	return code
}

// requestFormPage is the phone form on which a resident submits a
// question, suggestion or complaint.
type requestFormPage struct {
	Base
	Estates    []option
	Kinds      []option
	Categories []option
	Form       requestForm
	Message    string
	Errors     []huanxin.FieldError
}

type requestForm struct {
	EstateID, Kind, Category, Title, Body, Location string
	Anonymous, Public                               bool
}

// residentEstates lists the estates of the actor's dwellings (or, for an
// officer assisting an owner, of that owner's dwellings).
func (p *Pages) residentEstates(r *http.Request) ([]*estate.Estate, error) {
	f := estate.Filter{Limit: 20}
	if a := huanxin.ActorFromContext(r.Context()); a.OnBehalfOf != 0 {
		f.OwnerID = &a.OnBehalfOf
	}
	parts, _, err := p.Reg.Parts().Find(r.Context(), f)
	if err != nil {
		return nil, err
	}
	var out []*estate.Estate
	seen := map[int64]bool{}
	for _, part := range parts {
		if seen[part.EstateID] {
			continue
		}
		seen[part.EstateID] = true
		e, err := p.Reg.Estates().Get(r.Context(), part.EstateID)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// requestNew shows the empty form.
func (p *Pages) requestNew(w http.ResponseWriter, r *http.Request) {
	if !p.requestsOn(w, r) {
		return
	}
	p.renderRequestForm(w, r, http.StatusOK, &requestFormPage{Form: requestForm{Kind: string(request.KindComplaint),
		EstateID: r.URL.Query().Get("estate")}})
}

// requestCreate stores the photos and submits the request; invalid input
// shows the form again with the problems next to the fields.
func (p *Pages) requestCreate(w http.ResponseWriter, r *http.Request) {
	if !p.requestsOn(w, r) {
		return
	}
	pg := &requestFormPage{Form: requestForm{EstateID: r.PostFormValue("estate_id"), Kind: r.PostFormValue("kind"),
		Category: r.PostFormValue("category"), Title: r.PostFormValue("title"), Body: r.PostFormValue("body"),
		Location: r.PostFormValue("location"), Anonymous: r.PostFormValue("anonymous") != "", Public: r.PostFormValue("public") != ""}}
	estateID, _ := parseID(pg.Form.EstateID)
	x := &request.Request{EstateID: estateID, Kind: request.Kind(pg.Form.Kind), Category: pg.Form.Category, Title: pg.Form.Title,
		Body: pg.Form.Body, Location: pg.Form.Location, AnonymousToResidents: pg.Form.Anonymous, Public: pg.Form.Public}
	photos, err := p.storePhotos(r, estateID)
	if err == nil {
		x.PhotoFileIDs = photos
		err = p.Requests.Submit(r.Context(), x)
	}
	switch {
	case err == nil:
		redirect(w, r, "/requests/"+strconv.FormatInt(x.ID, 10), "request_submitted")
	case huanxin.ErrorCode(err) == huanxin.EINVALID:
		pg.Message, pg.Errors = huanxin.ErrorMessage(err), huanxin.ErrorFields(err)
		p.renderRequestForm(w, r, http.StatusBadRequest, pg)
	default:
		p.fail(w, r, err)
	}
}

// storePhotos stores the photos of the "photos" field for an estate.
func (p *Pages) storePhotos(r *http.Request, estateID int64) ([]int64, error) {
	if err := r.ParseMultipartForm(32 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return nil, huanxin.Invalid("照片读取失败 the photos could not be read", huanxin.FieldError{Field: "photos", Message: err.Error()})
	}
	if r.MultipartForm == nil {
		return nil, nil
	}
	var ids []int64
	for _, hdr := range r.MultipartForm.File["photos"] {
		if hdr.Size == 0 {
			continue
		}
		if p.Files == nil {
			return nil, huanxin.Errorf(huanxin.EUNAVAILABLE, "未启用文件存储 file storage is not enabled")
		}
		f, err := hdr.Open()
		if err != nil {
			return nil, err
		}
		stored, err := p.Files.Put(r.Context(), estateID, hdr.Filename, f)
		f.Close()
		if huanxin.ErrorCode(err) == huanxin.EINVALID {
			return nil, huanxin.Invalid(huanxin.ErrorMessage(err), huanxin.FieldError{Field: "photos",
				Message: hdr.Filename + "：" + strings.Join(fieldMessages(err), "；")})
		} else if err != nil {
			return nil, err
		}
		ids = append(ids, stored.ID)
	}
	return ids, nil
}

func fieldMessages(err error) []string {
	var out []string
	for _, f := range huanxin.ErrorFields(err) {
		out = append(out, f.Message)
	}
	return out
}

func (p *Pages) renderRequestForm(w http.ResponseWriter, r *http.Request, status int, pg *requestFormPage) {
	pg.Base = p.base(r, "request.new")
	pg.Resident = true
	ests, err := p.residentEstates(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if len(ests) == 0 {
		p.fail(w, r, huanxin.Errorf(huanxin.EFORBIDDEN, "没有登记在您名下的房屋 no dwelling is registered for you"))
		return
	}
	if pg.Form.EstateID == "" {
		pg.Form.EstateID = strconv.FormatInt(ests[0].ID, 10)
	}
	var city int64
	for _, e := range ests {
		v := strconv.FormatInt(e.ID, 10)
		pg.Estates = append(pg.Estates, option{Value: v, Label: e.Name, Selected: v == pg.Form.EstateID})
		if v == pg.Form.EstateID || city == 0 {
			city = e.CityID
		}
	}
	for _, k := range request.Kinds {
		pg.Kinds = append(pg.Kinds, option{Value: string(k), Label: i18n.T(pg.Lang, "request.kind."+string(k)), Selected: string(k) == pg.Form.Kind})
	}
	cats, err := p.Requests.Categories(r.Context(), city)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	for _, c := range cats {
		if !c.Inactive {
			pg.Categories = append(pg.Categories, option{Value: c.Code, Label: categoryLabel(pg.Lang, cats, c.Code), Selected: c.Code == pg.Form.Category})
		}
	}
	p.render(w, r, status, "request_form", pg)
}
