package api

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/file"
)

// fileFormMemory is how much of an upload form is held in memory; the
// rest of a larger file is spooled to a temporary file until the request
// ends.
const fileFormMemory = 4 << 20

// fileFormSlack is what a multipart form may add to the file's size (part
// headers, boundaries, estate_id and csrf).
const fileFormSlack = 64 << 10

// fileFormFields are the members of the upload form: csrf is the session's
// token, which browser forms send instead of the X-CSRF-Token header.
var fileFormFields = []string{"estate_id", "file", "csrf"}

// fileHandlers serve attached files. Who may upload and read what is
// decided by the file service.
type fileHandlers struct{ svc *file.Service }

// File is the metadata of an uploaded file.
type File struct {
	ID          int64     `json:"id"`
	CityID      int64     `json:"city_id"`
	EstateID    int64     `json:"estate_id"`
	SHA256      string    `json:"sha256"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	CreatedBy   int64     `json:"created_by"`
	Created     time.Time `json:"created"`
}

func fileJSON(f *file.File) *File {
	return &File{ID: f.ID, CityID: f.CityID, EstateID: f.EstateID, SHA256: f.SHA256, Name: f.Name,
		ContentType: f.ContentType, Size: f.Size, CreatedBy: f.CreatedBy, Created: f.Created}
}

// upload stores the file of a multipart/form-data request (members
// estate_id and file) and answers 201 with its metadata, also when the
// same user had already uploaded the same bytes for the estate (the
// stored file is returned then, under its first name).
func (h fileHandlers) upload(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) || !requireWritable(w, r) {
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "multipart/form-data" {
		WriteError(w, r, huanxin.Invalid("请求须为 multipart/form-data 表单 request body must be multipart/form-data",
			huanxin.FieldError{Field: "Content-Type", Message: "须为 multipart/form-data must be multipart/form-data"}))
		return
	}
	limit := h.svc.Limit()
	if r.ContentLength > limit+fileFormSlack {
		WriteError(w, r, file.TooLarge(limit))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit+fileFormSlack)
	err := r.ParseMultipartForm(fileFormMemory)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		WriteError(w, r, file.TooLarge(limit))
		return
	} else if err != nil {
		WriteError(w, r, bodyError("无法读取表单 cannot read the multipart form"))
		return
	}
	form := r.MultipartForm
	var bad []huanxin.FieldError
	fail := func(field, msg string) { bad = append(bad, huanxin.FieldError{Field: field, Message: msg}) }
	for _, name := range formNames(form.Value, form.File) {
		if !slices.Contains(fileFormFields, name) {
			fail(name, "未知字段 unknown member; accepted: estate_id, file")
		}
	}
	var estateID int64
	switch v := form.Value["estate_id"]; {
	case len(v) == 0 || strings.TrimSpace(v[0]) == "":
		fail("estate_id", "必填 required")
	case len(v) > 1:
		fail("estate_id", "只能给一次 given more than once")
	default:
		if estateID, err = strconv.ParseInt(strings.TrimSpace(v[0]), 10, 64); err != nil || estateID < 1 {
			fail("estate_id", "须为正整数 must be a positive integer")
		}
	}
	files := form.File["file"]
	switch {
	case len(files) == 0:
		fail("file", "必填 required")
	case len(files) > 1:
		fail("file", "只能上传一个文件 one file per request")
	case files[0].Size > limit:
		WriteError(w, r, file.TooLarge(limit))
		return
	}
	if len(bad) > 0 {
		WriteError(w, r, huanxin.Invalid("输入有误 invalid input", bad...))
		return
	}
	fr, err := files[0].Open()
	if err != nil {
		WriteError(w, r, err)
		return
	}
	defer fr.Close()
	f, err := h.svc.Put(r.Context(), estateID, files[0].Filename, fr)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	w.Header().Set("Location", Prefix+"/files/"+strconv.FormatInt(f.ID, 10))
	WriteJSON(w, http.StatusCreated, fileJSON(f))
}

// formNames lists the member names of a multipart form, sorted.
func formNames[A, B any](values map[string]A, files map[string]B) []string {
	var out []string
	for k := range values {
		out = append(out, k)
	}
	for k := range files {
		if _, ok := values[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// get answers a file's metadata.
func (h fileHandlers) get(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	f, err := h.svc.Get(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, fileJSON(f))
}

// content answers a file's bytes with its stored media type, never
// sniffed, and its name for saving. The bytes of a file never change, so
// its SHA-256 is its ETag; Cache-Control private keeps shared caches from
// holding what only some users may read.
func (h fileHandlers) content(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	f, data, err := h.svc.Open(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	ServeFile(w, r, f, data)
}

// ownedFile serves a stored file read through what it belongs to (a
// decision's document, a notice's attachment, a meeting's photo): get
// checks that the actor may see {id} and that {file} is one of its files.
func ownedFile(get func(ctx context.Context, id, fileID int64) (*file.File, []byte, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := actorAndID(w, r)
		if !ok {
			return
		}
		fid, err := fileID(r, "file")
		if err != nil {
			WriteError(w, r, err)
			return
		}
		f, data, err := get(r.Context(), id, fid)
		if err != nil {
			WriteError(w, r, err)
			return
		}
		ServeFile(w, r, f, data)
	}
}

// ServeFile answers with a stored file's bytes, or 304 when the client
// holds them already (the ETag is the SHA-256).
func ServeFile(w http.ResponseWriter, r *http.Request, f *file.File, data []byte) {
	etag := `"` + f.SHA256 + `"`
	hd := w.Header()
	hd.Set("ETag", etag)
	hd.Set("Cache-Control", "private")
	hd.Set("X-Content-Type-Options", "nosniff")
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatch(inm, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hd.Set("Content-Type", f.ContentType)
	hd.Set("Content-Length", strconv.Itoa(len(data)))
	hd.Set("Content-Disposition", ContentDisposition("inline", f.Name))
	w.WriteHeader(http.StatusOK)
	w.Write(data)
}

// etagMatch reports whether an If-None-Match header lists etag (weak
// comparison) or is "*".
func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// ContentDisposition returns a Content-Disposition header value naming a
// file: an ASCII fallback in filename (other characters, quotes and
// backslashes as "_") and the exact UTF-8 name in filename* (RFC 5987,
// RFC 6266).
func ContentDisposition(kind, name string) string {
	fallback := strings.Map(func(r rune) rune {
		if r >= 0x20 && r < 0x7f && r != '"' && r != '\\' {
			return r
		}
		return '_'
	}, name)
	var ext strings.Builder
	for _, c := range []byte(name) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			ext.WriteByte(c)
		} else {
			fmt.Fprintf(&ext, "%%%02X", c)
		}
	}
	return kind + `; filename="` + fallback + `"; filename*=UTF-8''` + ext.String()
}
