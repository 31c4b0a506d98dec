package api

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
)

// MaxUpload is the largest file accepted by POST /api/v1/import/{kind}.
const MaxUpload = 512 << 20

// Media types of the spreadsheets imported and exported.
const (
	MediaXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	MediaCSV  = "text/csv"
)

var (
	importParams        = []string{"filename"}
	estateExportFilters = []string{"q", "jurisdiction_id", "year_from", "year_to", "status", "management"}
	exportParams        = append([]string{"format", "estate_id"}, estateExportFilters...)
)

// sheetHandlers import and export spreadsheets of register records.
type sheetHandlers struct{ imp Importer }

// kind returns the {kind} path segment, or an error if the importer does
// not know it.
func (h sheetHandlers) kind(r *http.Request) (string, error) {
	kind := r.PathValue("kind")
	if !slices.Contains(h.imp.Kinds(), kind) {
		return "", huanxin.Errorf(huanxin.ENOTFOUND, "没有这种数据 no such kind of records; kinds: %s", strings.Join(h.imp.Kinds(), ", "))
	}
	return kind, nil
}

// importFile imports the request body, a whole xlsx or csv file. Nothing
// is written unless every row is valid; otherwise the 400 lists each bad
// cell with its sheet, row and column.
func (h sheetHandlers) importFile(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	kind, err := h.kind(r)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	p := readParams(r, importParams)
	name := p.text("filename", 200)
	var ext string
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case err == nil && mt == MediaXLSX:
		ext = ".xlsx"
	case err == nil && mt == MediaCSV:
		ext = ".csv"
	default:
		p.fail("Content-Type", "须为 "+MediaXLSX+" 或 "+MediaCSV+" must be "+MediaXLSX+" or "+MediaCSV)
	}
	// The importer knows the format by the file name's extension; the
	// Content-Type decides it.
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	if name == "." || name == "/" {
		name = ""
	}
	if ext != "" {
		switch got := strings.ToLower(path.Ext(name)); {
		case name == "":
			name = "upload-" + kind + ext
		case got == ext:
		case got == ".xlsx" || got == ".csv" || got == ".xls" || got == ".xlsm":
			p.fail("filename", "扩展名与 Content-Type 不符 the extension does not match the Content-Type")
		default:
			name += ext
		}
	}
	if err := p.err(); err != nil {
		WriteError(w, r, err)
		return
	}
	if r.ContentLength > MaxUpload {
		WriteError(w, r, uploadTooBig())
		return
	}
	body := http.MaxBytesReader(w, r.Body, MaxUpload)
	res, err := h.imp.Import(r.Context(), kind, body, name, nil)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		err = uploadTooBig()
	}
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, res)
}

func uploadTooBig() error {
	return bodyError("文件过大 file too large (max " + strconv.Itoa(MaxUpload>>20) + " MiB)")
}

// export writes the records of a kind in the caller's scope as a file.
// The filters select as the importer does: for estates, the estate list's
// filters and estate_id (the estate itself); for the kinds below estates,
// estate_id or the estate filters pick the estates, and q searches the
// records of each.
func (h sheetHandlers) export(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	kind, err := h.kind(r)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	p := readParams(r, exportParams)
	var f estate.Filter
	p.filter(&f, append([]string{"estate_id"}, estateExportFilters...)...)
	if kind == "estates" {
		f.ID = f.EstateID // estates are selected by their own ID
	}
	format, media := "xlsx", MediaXLSX
	switch v := p.get("format"); v {
	case "", "xlsx":
	case "csv":
		format, media = "csv", MediaCSV+"; charset=utf-8"
	default:
		p.fail("format", "须为 xlsx 或 csv must be xlsx or csv")
	}
	if err := p.err(); err != nil {
		WriteError(w, r, err)
		return
	}
	fw := &fileWriter{w: w, header: func(h http.Header) {
		h.Set("Content-Type", media)
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="huanxin-%s.%s"`, kind, format))
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store")
	}}
	if _, err := h.imp.Export(r.Context(), kind, f, format, fw); err != nil {
		if !fw.started {
			WriteError(w, r, err)
			return
		}
		// Too late for an error response: cut the connection, so that the
		// client does not take a truncated file for a whole one.
		slog.ErrorContext(r.Context(), "api: export failed after it started", "kind", kind, "err", err)
		panic(http.ErrAbortHandler)
	}
	fw.flush()
}

// exportBuffer is how much of a file is held back before the response
// starts, so that an error found early (a record out of scope, a role that
// may not read a kind) is still answered in the API's error format rather
// than after the first bytes of a file.
const exportBuffer = 256 << 10

// fileWriter holds back the start of a file, and sets the response headers
// when it lets it go.
type fileWriter struct {
	w       http.ResponseWriter
	header  func(http.Header)
	buf     bytes.Buffer
	started bool
}

func (f *fileWriter) Write(b []byte) (int, error) {
	if f.started {
		return f.w.Write(b)
	}
	f.buf.Write(b)
	if f.buf.Len() > exportBuffer {
		if err := f.flush(); err != nil {
			return 0, err
		}
	}
	return len(b), nil
}

// flush starts the response and writes what is held back.
func (f *fileWriter) flush() error {
	if !f.started {
		f.started = true
		f.header(f.w.Header())
		f.w.WriteHeader(http.StatusOK)
	}
	_, err := f.w.Write(f.buf.Bytes())
	f.buf.Reset()
	return err
}
