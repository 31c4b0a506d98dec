package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/importer"
)

type importPage struct {
	Base
	Kinds  []string
	Kind   string
	File   string
	Result *importer.Result
	Errors []huanxin.FieldError
	Error  string
}

func (p *Pages) importForm(w http.ResponseWriter, r *http.Request) {
	p.render(w, r, http.StatusOK, "import", &importPage{Base: p.base(r, "import.title"), Kinds: p.Importer.Kinds(), Kind: r.URL.Query().Get("kind")})
}

// importUpload validates and imports an uploaded file; every problem is
// listed with its sheet, row and column, and nothing is written unless
// the whole file is valid.
func (p *Pages) importUpload(w http.ResponseWriter, r *http.Request) {
	pg := &importPage{Base: p.base(r, "import.title"), Kinds: p.Importer.Kinds(), Kind: r.FormValue("kind")}
	r.Body = http.MaxBytesReader(w, r.Body, 512<<20)
	f, hdr, err := r.FormFile("file")
	if err != nil {
		pg.Error = "请选择要导入的文件 choose a file to import"
		p.render(w, r, http.StatusBadRequest, "import", pg)
		return
	}
	defer f.Close()
	pg.File = hdr.Filename
	pg.Result, err = p.Importer.Import(r.Context(), pg.Kind, f, hdr.Filename, nil)
	if err != nil {
		if StatusOf(err) == http.StatusInternalServerError {
			p.fail(w, r, err)
			return
		}
		pg.Result, pg.Error, pg.Errors = nil, huanxin.ErrorMessage(err), huanxin.ErrorFields(err)
		p.render(w, r, StatusOf(err), "import", pg)
		return
	}
	p.render(w, r, http.StatusOK, "import", pg)
}

func (p *Pages) importTemplate(w http.ResponseWriter, r *http.Request) {
	kind := r.PathValue("kind")
	if _, ok := p.Importer.Template(kind); !ok {
		p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "没有这种导入模板 no such template"))
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="huanxin-%s-template.xlsx"`, kind))
	if err := p.Importer.WriteTemplate(w, kind, lang(r)); err != nil {
		p.fail(w, r, err)
	}
}

// export writes the filtered list of a kind as xlsx (or csv with
// ?format=csv). Estates take the estate list's filters; the other kinds
// filter by estate_id.
func (p *Pages) export(w http.ResponseWriter, r *http.Request) {
	kind := r.PathValue("kind")
	if _, ok := p.Importer.Template(kind); !ok {
		p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "没有这种导出 no such export"))
		return
	}
	f, errs := estateFilter(r)
	if len(errs) > 0 {
		p.fail(w, r, huanxin.Invalid("筛选条件有误 invalid filter", errs...))
		return
	}
	if kind != "estates" {
		f = estate.Filter{}
		if id, err := parseID(r.URL.Query().Get("estate_id")); err == nil {
			f.EstateID = &id
		}
	}
	format := "xlsx"
	if strings.EqualFold(r.URL.Query().Get("format"), "csv") {
		format = "csv"
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="huanxin-%s.%s"`, kind, format))
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	} else {
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	}
	if _, err := p.Importer.Export(r.Context(), kind, f, format, w); err != nil {
		p.fail(w, r, err)
	}
}
