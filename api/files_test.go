package api_test

import (
	"bytes"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/api"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/file"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/store"
)

func TestOpenAPIFileSchemaMatchesType(t *testing.T) {
	checkSchemas(t, loadDoc(t), map[string]reflect.Type{"File": reflect.TypeFor[api.File]()})
}

// newFilesEnv builds the world as newEnv does and mounts the API with the
// file service, which takes files of at most 4 KiB.
func newFilesEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	var tick atomic.Int64
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return start.Add(time.Duration(tick.Add(1)) * time.Second) }
	e := &env{db: db, mux: http.NewServeMux(), doc: loadDoc(t), w: mustWorld(t, db)}
	reg := &estate.Service{Store: db}
	api.NewWithExtras(reg, api.Extras{Files: &file.Service{Store: db, Register: reg, MaxSize: 4 << 10}}).Register(e.mux)
	return e
}

// form is a multipart upload: fields, then files as name -> (filename, bytes).
type formFile struct {
	field, name string
	data        []byte
}

func uploadRequest(t *testing.T, fields map[string]string, files ...formFile) *http.Request {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for _, f := range files {
		w, err := mw.CreateFormFile(f.field, f.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(f.data)
	}
	mw.Close()
	req := httptest.NewRequest("POST", "/api/v1/files", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req
}

func TestFilesHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		e := newFilesEnv(t, db)
		w := e.w
		officer := e.actor(huanxin.RoleCommunity, w.commA)
		outsider := e.actor(huanxin.RoleCommunity, w.commB)
		outsider.UserID = 101
		readOnly := e.actor(huanxin.RoleCommunity, w.commA)
		readOnly.ReadOnly = true
		resident := &huanxin.Actor{UserID: 200, Name: "resident", Role: huanxin.RoleResident, OwnerID: w.ownA.ID,
			Scope: huanxin.Scope{PartIDs: []int64{w.partA.ID}}}
		pdf := []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
		png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01")
		estA := map[string]string{"estate_id": id(w.estA.ID)}

		r := e.send(t, officer, uploadRequest(t, estA, formFile{"file", "立面图.pdf", pdf}))
		if r.status != 201 {
			t.Fatalf("upload: %d %s", r.status, r.raw)
		}
		fid := num(r.body["id"])
		if r.header.Get("Location") != "/api/v1/files/"+id(fid) || r.body["name"] != "立面图.pdf" ||
			r.body["content_type"] != "application/pdf" || num(r.body["size"]) != int64(len(pdf)) ||
			num(r.body["estate_id"]) != w.estA.ID || num(r.body["created_by"]) != officer.UserID {
			t.Errorf("upload: %v %s", r.header, r.raw)
		}
		sha := r.body["sha256"].(string)
		// The same bytes again: the stored file.
		if r := e.send(t, officer, uploadRequest(t, estA, formFile{"file", "again.pdf", pdf})); r.status != 201 ||
			num(r.body["id"]) != fid || r.body["name"] != "立面图.pdf" {
			t.Errorf("again: %d %s", r.status, r.raw)
		}

		// Refusals.
		req := httptest.NewRequest("POST", "/api/v1/files", strings.NewReader(`{"estate_id": 1}`))
		req.Header.Set("Content-Type", "application/json")
		e.send(t, officer, req).wantError(t, 400, huanxin.EINVALID, "Content-Type")
		e.send(t, officer, uploadRequest(t, nil)).wantError(t, 400, huanxin.EINVALID, "estate_id", "file")
		e.send(t, officer, uploadRequest(t, map[string]string{"estate_id": "x", "bogus": "1"}, formFile{"file", "a.pdf", pdf})).
			wantError(t, 400, huanxin.EINVALID, "bogus", "estate_id")
		e.send(t, officer, uploadRequest(t, estA, formFile{"file", "a.pdf", pdf}, formFile{"file", "b.pdf", pdf})).
			wantError(t, 400, huanxin.EINVALID, "file")
		e.send(t, officer, uploadRequest(t, estA, formFile{"file", "page.html", []byte("<html><script>alert(1)</script>")})).
			wantError(t, 400, huanxin.EINVALID, "file")
		e.send(t, officer, uploadRequest(t, estA, formFile{"file", "big.pdf", append(pdf, make([]byte, 4<<10)...)})).
			wantError(t, 400, huanxin.EINVALID, "file")
		e.send(t, officer, uploadRequest(t, estA, formFile{"file", "huge.pdf", append(pdf, make([]byte, 1<<20)...)})).
			wantError(t, 400, huanxin.EINVALID, "file")
		e.send(t, outsider, uploadRequest(t, estA, formFile{"file", "a.pdf", pdf})).wantError(t, 403, huanxin.EFORBIDDEN)
		e.send(t, readOnly, uploadRequest(t, estA, formFile{"file", "a.pdf", pdf})).wantError(t, 403, huanxin.EFORBIDDEN)
		e.send(t, nil, uploadRequest(t, estA, formFile{"file", "a.pdf", pdf})).wantError(t, 401, huanxin.EUNAUTHORIZED)
		e.send(t, resident, uploadRequest(t, map[string]string{"estate_id": id(w.estB.ID)}, formFile{"file", "a.png", png})).
			wantError(t, 403, huanxin.EFORBIDDEN)

		// A resident's photo of their own estate; the CSRF member of browser
		// forms is accepted.
		r = e.send(t, resident, uploadRequest(t, map[string]string{"estate_id": id(w.estA.ID), "csrf": "t"},
			formFile{"file", `C:\照片\楼道 "裂缝".png`, png}))
		if r.status != 201 || r.body["name"] != `楼道 "裂缝".png` {
			t.Fatalf("resident upload: %d %s", r.status, r.raw)
		}
		photo := num(r.body["id"])

		// Metadata.
		if r := e.do(t, officer, "GET", "/api/v1/files/"+id(fid), ""); r.status != 200 || r.body["sha256"] != sha {
			t.Errorf("get: %d %s", r.status, r.raw)
		}
		if r := e.do(t, readOnly, "GET", "/api/v1/files/"+id(photo), ""); r.status != 200 {
			t.Errorf("officer reads the resident's photo: %d %s", r.status, r.raw)
		}
		e.do(t, outsider, "GET", "/api/v1/files/"+id(fid), "").wantError(t, 404, huanxin.ENOTFOUND)
		e.do(t, resident, "GET", "/api/v1/files/"+id(fid), "").wantError(t, 404, huanxin.ENOTFOUND)
		e.do(t, officer, "GET", "/api/v1/files/abc", "").wantError(t, 400, huanxin.EINVALID, "id")
		e.do(t, nil, "GET", "/api/v1/files/"+id(fid), "").wantError(t, 401, huanxin.EUNAUTHORIZED)

		// Content.
		content := func(a *huanxin.Actor, fileID int64, inm string) *httptest.ResponseRecorder {
			t.Helper()
			req := httptest.NewRequest("GET", "/api/v1/files/"+id(fileID)+"/content", nil)
			if inm != "" {
				req.Header.Set("If-None-Match", inm)
			}
			if a != nil {
				req = req.WithContext(huanxin.NewContextWithActor(req.Context(), a))
			}
			rec := httptest.NewRecorder()
			e.mux.ServeHTTP(rec, req)
			if op := e.doc.Paths.Value("/api/v1/files/{id}/content").Get; op.Responses.Status(rec.Code) == nil {
				t.Errorf("content: status %d is not documented", rec.Code)
			}
			return rec
		}
		rec := content(officer, fid, "")
		h := rec.Header()
		if rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), pdf) || h.Get("Content-Type") != "application/pdf" ||
			h.Get("X-Content-Type-Options") != "nosniff" || h.Get("ETag") != `"`+sha+`"` || h.Get("Cache-Control") != "private" ||
			h.Get("Content-Length") != fmt.Sprint(len(pdf)) {
			t.Errorf("content: %d %v", rec.Code, h)
		}
		if got, want := h.Get("Content-Disposition"), `inline; filename="___.pdf"; filename*=UTF-8''%E7%AB%8B%E9%9D%A2%E5%9B%BE.pdf`; got != want {
			t.Errorf("Content-Disposition %s, want %s", got, want)
		}
		rec = content(resident, photo, "")
		if _, params, err := mime.ParseMediaType(rec.Header().Get("Content-Disposition")); rec.Code != 200 || err != nil ||
			params["filename"] != `楼道 "裂缝".png` || rec.Header().Get("Content-Type") != "image/png" {
			t.Errorf("resident's photo: %d %v %v %v", rec.Code, rec.Header(), params, err)
		}
		if rec := content(officer, fid, `W/"x", "`+sha+`"`); rec.Code != 304 || rec.Body.Len() != 0 || rec.Header().Get("ETag") != `"`+sha+`"` {
			t.Errorf("If-None-Match: %d %v", rec.Code, rec.Header())
		}
		if rec := content(officer, fid, `"other"`); rec.Code != 200 {
			t.Errorf("stale If-None-Match: %d", rec.Code)
		}
		for _, c := range []struct {
			a      *huanxin.Actor
			id     int64
			status int
		}{{outsider, fid, 404}, {resident, fid, 404}, {nil, fid, 401}, {officer, fid + 1000, 404}} {
			if rec := content(c.a, c.id, ""); rec.Code != c.status || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
				t.Errorf("content %d: %d %s, want %d", c.id, rec.Code, rec.Body, c.status)
			}
		}
	})
}

func TestContentDisposition(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plan.pdf", `inline; filename="plan.pdf"; filename*=UTF-8''plan.pdf`},
		{"a b\"c\\d;e.png", `inline; filename="a b_c_d;e.png"; filename*=UTF-8''a%20b%22c%5Cd%3Be.png`},
		{"成本表.pdf", `inline; filename="___.pdf"; filename*=UTF-8''%E6%88%90%E6%9C%AC%E8%A1%A8.pdf`},
	} {
		if got := api.ContentDisposition("inline", c.in); got != c.want {
			t.Errorf("ContentDisposition(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}
