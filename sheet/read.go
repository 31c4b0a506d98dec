package sheet

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") // .xls and encrypted workbooks
	utf8BOM  = []byte("\xef\xbb\xbf")
)

// Reader reads the rows of one register spreadsheet. Open it, call Next
// until it returns false, then check Err.
type Reader struct {
	tpl   Template
	sheet string
	src   source
	keys  map[string]int // column key → index in tpl.Columns and cols
	cols  []fileColumn   // where each template column is in the file
	row   Row
	err   error
}

// fileColumn locates a template column in the file: idx is the 0-based file
// column, -1 if the file lacks it.
type fileColumn struct {
	idx     int
	letters string
}

// source yields raw rows and their 1-based row numbers; io.EOF ends it.
type source interface {
	next() (cells []string, line int, err error)
	close() error
}

// Open starts reading a spreadsheet uploaded as filename. It reads xlsx
// (recognized by its content, whatever the name) from the sheet named
// tpl.Sheet or else the first sheet, and otherwise CSV in UTF-8, with or
// without BOM, or GB18030 (GBK), as Excel on Chinese Windows saves it.
//
// The header is the first row that names a template column (title rows
// above it are skipped). A missing required column (or one
// given twice) is an EINVALID *huanxin.Error listing every such column;
// unknown columns are ignored. An xlsx file is held in memory whole, so the
// caller should limit the upload's size; CSV is streamed.
func Open(r io.Reader, filename string, tpl Template) (*Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic, _ := br.Peek(len(oleMagic))
	base := filename[strings.LastIndexAny(filename, `/\`)+1:] // browsers on Windows may send a full path
	ext := strings.ToLower(filepath.Ext(base))
	rd := &Reader{tpl: tpl}
	var err error
	switch {
	case bytes.HasPrefix(magic, zipMagic):
		rd.src, rd.sheet, err = openXLSX(br, tpl.Sheet)
	case bytes.HasPrefix(magic, oleMagic) || ext == ".xls":
		err = huanxin.Errorf(huanxin.EINVALID, "不支持 .xls 格式或加密的表格，请在 Excel 中另存为 .xlsx 或 CSV 后再导入")
	case ext == ".xlsx" || ext == ".xlsm":
		err = huanxin.Errorf(huanxin.EINVALID, "文件“%s”不是有效的 xlsx 表格", base)
	default:
		if rd.sheet = base[:len(base)-len(ext)]; rd.sheet == "" {
			rd.sheet = tpl.Sheet
		}
		rd.src = newCSVSource(br, rd.sheet)
	}
	if err == nil {
		err = rd.readHeader()
	}
	if err != nil {
		rd.Close()
		return nil, err
	}
	return rd, nil
}

// maxTitleRows is how many title rows may stand above the header.
const maxTitleRows = 5

// namesAny reports whether any cell names a template column.
func namesAny(cells []string, names map[string]int) bool {
	for _, c := range cells {
		if _, ok := names[normHeader(c)]; ok {
			return true
		}
	}
	return false
}

// readHeader finds the header row and locates the template's columns in
// it. Government registers often carry a title ("XX小区房屋登记表") in
// merged cells above the header, so rows in which no cell names a column
// are skipped, up to maxTitleRows of them; the header is the first row that
// names at least one column.
func (r *Reader) readHeader() error {
	names := make(map[string]int, 3*len(r.tpl.Columns))
	r.keys = make(map[string]int, len(r.tpl.Columns))
	r.cols = make([]fileColumn, len(r.tpl.Columns))
	for i, c := range r.tpl.Columns {
		r.keys[c.Key] = i
		r.cols[i].idx = -1
		for _, n := range []string{c.Header, c.HeaderEN, c.Key} {
			if n := normHeader(n); n != "" {
				if _, dup := names[n]; !dup {
					names[n] = i
				}
			}
		}
	}
	var head Row
	for skipped := 0; ; skipped++ {
		if !r.Next() {
			if r.err != nil {
				return r.err
			}
			if skipped > 0 {
				break // no row names a column: report against the first row
			}
			return huanxin.Errorf(huanxin.EINVALID, "工作表“%s”是空的，找不到表头行", r.sheet)
		}
		if skipped == 0 { // kept in case no row names a column; Next reuses cells
			head = r.row
			head.cells = slices.Clone(r.row.cells)
		}
		if namesAny(r.row.cells, names) {
			head = r.row
			break
		}
		if skipped == maxTitleRows {
			break // no header found: report against the first row
		}
	}
	var fields []huanxin.FieldError
	for j, cell := range head.cells {
		i, ok := names[normHeader(cell)]
		if !ok {
			continue
		}
		letters, _ := excelize.ColumnNumberToName(j + 1)
		if c := &r.cols[i]; c.idx < 0 {
			c.idx, c.letters = j, letters
		} else {
			fields = append(fields, huanxin.FieldError{Sheet: r.sheet, Row: head.Line, Column: letters,
				Field: r.tpl.Columns[i].Header, Message: fmt.Sprintf("与 %s 列重复", c.letters)})
		}
	}
	var missing []string
	for i, c := range r.tpl.Columns {
		if c.Required && r.cols[i].idx < 0 {
			missing = append(missing, c.Header)
			fields = append(fields, huanxin.FieldError{Sheet: r.sheet, Row: head.Line, Field: c.Header, Message: "缺少必填列"})
		}
	}
	if len(fields) == 0 {
		return nil
	}
	msg := fmt.Sprintf("工作表“%s”的表头有误", r.sheet)
	if len(missing) > 0 {
		msg = fmt.Sprintf("工作表“%s”缺少必填列：%s", r.sheet, strings.Join(missing, "、"))
	}
	return huanxin.Invalid(msg, fields...)
}

// Next advances to the next non-empty row and reports whether there is one.
// At the end, or on an error, it closes the Reader.
func (r *Reader) Next() bool {
	for r.err == nil && r.src != nil {
		cells, line, err := r.src.next()
		if err != nil {
			if err != io.EOF {
				r.err = err
			}
			r.Close()
			return false
		}
		if clean(cells) {
			r.row = Row{Line: line, cells: cells, r: r}
			return true
		}
	}
	return false
}

// clean replaces invalid UTF-8 in the cells and reports whether any cell is
// not blank.
func clean(cells []string) bool {
	full := false
	for i, c := range cells {
		if !utf8.ValidString(c) {
			cells[i] = strings.ToValidUTF8(c, "\ufffd")
		}
		if !full && strings.TrimSpace(c) != "" {
			full = true
		}
	}
	return full
}

// Row returns the current row; it is valid until the next call of Next.
func (r *Reader) Row() Row { return r.row }

// Err returns the error that stopped Next, nil at a clean end. Problems of
// the file itself (a corrupt xlsx, bad CSV quoting) are EINVALID.
func (r *Reader) Err() error { return r.err }

// Sheet returns the name of the sheet being read; for CSV, the file name
// without extension, as Excel shows it.
func (r *Reader) Sheet() string { return r.sheet }

// Close releases the file (and any temporary files of a large xlsx). Next
// calls it at the end; call it when stopping early. It may be called again.
func (r *Reader) Close() error {
	if r.src == nil {
		return nil
	}
	err := r.src.close()
	r.src = nil
	return err
}

// Row is one row of a spreadsheet. Its cells are shared with the Reader and
// are valid until the next call of Next.
//
// The typed helpers (Str, Int, Year, Centi, Bool, Enum) check a cell against
// its column: for a required column left empty, or a value not of the
// expected form, they record a problem in e and return the zero value and
// false; an empty optional cell gives the zero value and true. Numbers may be
// typed with full-width digits (as Chinese input methods do) and thousands
// separators.
type Row struct {
	Line  int // 1-based row number as the spreadsheet program shows it
	cells []string
	r     *Reader
}

// column returns the template column of key and where it is in the file.
func (row Row) column(key string) (*Column, *fileColumn) {
	if row.r == nil {
		return nil, nil
	}
	i, ok := row.r.keys[key]
	if !ok {
		return nil, nil
	}
	return &row.r.tpl.Columns[i], &row.r.cols[i]
}

// Get returns the cell of the column key with surrounding space trimmed, or
// "" if the file lacks the column (or the template has no such key).
func (row Row) Get(key string) string {
	if _, fc := row.column(key); fc != nil && fc.idx >= 0 && fc.idx < len(row.cells) {
		v := strings.TrimSpace(row.cells[fc.idx])
		if len(v) > 1 && v[0] == '\'' && defuse(v[1:]) != v[1:] {
			v = v[1:] // written by defuse
		}
		return v
	}
	return ""
}

// Has reports whether the file has the column key.
func (row Row) Has(key string) bool {
	_, fc := row.column(key)
	return fc != nil && fc.idx >= 0
}

// Column returns the spreadsheet letters of the column key, e.g. "C", or ""
// if the file lacks it.
func (row Row) Column(key string) string {
	if _, fc := row.column(key); fc != nil {
		return fc.letters
	}
	return ""
}

// csvSource reads CSV records, numbering them as Excel numbers rows: blank
// lines count, line breaks inside quoted cells do not.
type csvSource struct {
	r     *csv.Reader
	sheet string
	line  int // row number of the last record
	end   int // text line on which the last record ended
}

func newCSVSource(br *bufio.Reader, sheet string) *csvSource {
	var in io.Reader = br
	if b, _ := br.Peek(len(utf8BOM)); bytes.Equal(b, utf8BOM) {
		_, _ = br.Discard(len(utf8BOM))
	} else {
		in = &sniffer{br: br}
	}
	cr := csv.NewReader(in)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return &csvSource{r: cr, sheet: sheet}
}

func (s *csvSource) next() ([]string, int, error) {
	rec, err := s.r.Read()
	if err != nil {
		return nil, 0, s.parseError(err)
	}
	start, _ := s.r.FieldPos(0)
	last, _ := s.r.FieldPos(len(rec) - 1)
	s.line += start - s.end
	s.end = last + strings.Count(rec[len(rec)-1], "\n")
	return rec, s.line, nil
}

// parseError turns a quoting error into an EINVALID error naming the row.
func (s *csvSource) parseError(err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return err
	}
	row := s.line + pe.StartLine - s.end
	why := "引号不成对"
	if errors.Is(pe.Err, csv.ErrBareQuote) {
		why = "未加引号的单元格中含有引号"
	}
	return huanxin.Invalid(fmt.Sprintf("CSV 文件第%d行格式有误，请在 Excel 中重新另存为 CSV", row),
		huanxin.FieldError{Sheet: s.sheet, Row: row, Field: "CSV", Message: why})
}

func (s *csvSource) close() error { return nil }

// sniffer passes ASCII through until the first other byte, then decides
// once: UTF-8 if the next few kilobytes are valid UTF-8, else GB18030. ASCII
// reads the same in both, so the decision is never too late.
type sniffer struct {
	br *bufio.Reader
	r  io.Reader // set once decided
}

func (s *sniffer) Read(p []byte) (int, error) {
	if s.r != nil {
		return s.r.Read(p)
	}
	b, err := s.br.Peek(min(len(p), s.br.Size()))
	n := 0
	for n < len(b) && b[n] < utf8.RuneSelf {
		n++
	}
	if n > 0 {
		return s.br.Read(p[:n])
	} else if len(b) == 0 {
		return 0, err
	}
	s.r = s.br
	if look, err := s.br.Peek(4096); !validUTF8(look, err != nil) {
		s.r = transform.NewReader(s.br, simplifiedchinese.GB18030.NewDecoder())
	}
	return s.r.Read(p)
}

// validUTF8 reports whether b is valid UTF-8, allowing a rune cut off at
// its end unless b ends the input.
func validUTF8(b []byte, atEOF bool) bool {
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			return !atEOF && !utf8.FullRune(b)
		}
		b = b[size:]
	}
	return true
}

// xlsxSource streams the rows of one worksheet.
type xlsxSource struct {
	f    *excelize.File
	rows *excelize.Rows
	line int
}

// openXLSX opens the worksheet named want, or else the first one.
func openXLSX(r io.Reader, want string) (src source, sheet string, err error) {
	defer func() { // excelize is large; a corrupt upload must not crash the server
		if p := recover(); p != nil {
			err = badXLSX(fmt.Errorf("panic: %v", p))
		}
	}()
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, "", err
	}
	if err := checkZip(data); err != nil {
		return nil, "", badXLSX(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUnzipped})
	if err != nil {
		return nil, "", badXLSX(err)
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, "", huanxin.Errorf(huanxin.EINVALID, "xlsx 文件中没有工作表")
	}
	sheet = sheets[0]
	if i := slices.IndexFunc(sheets, func(s string) bool { return normHeader(s) == normHeader(want) }); i >= 0 {
		sheet = sheets[i]
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		f.Close()
		return nil, "", badXLSX(err)
	}
	return &xlsxSource{f: f, rows: rows}, sheet, nil
}

// maxUnzipped limits the unzipped size of an xlsx file; a million-row
// register is well within it.
const maxUnzipped = 2 << 30

// checkZip rejects an archive whose entries claim more bytes than deflate
// could give from their compressed size (at most 1032 times). excelize
// allocates the claimed size up front, so a few corrupt header bytes could
// otherwise make it demand gigabytes.
func checkZip(data []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return err
	}
	for _, f := range zr.File {
		if f.CompressedSize64 > uint64(len(data)) || f.UncompressedSize64 > 1032*f.CompressedSize64+1024 {
			return fmt.Errorf("zip entry %q claims %d bytes from %d", f.Name, f.UncompressedSize64, f.CompressedSize64)
		}
	}
	return nil
}

func (s *xlsxSource) next() (cells []string, line int, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = badXLSX(fmt.Errorf("panic: %v", p))
		}
	}()
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return nil, 0, badXLSX(err)
		}
		return nil, 0, io.EOF
	}
	s.line++
	if cells, err = s.rows.Columns(); err != nil {
		return nil, 0, badXLSX(err)
	}
	return cells, s.line, nil
}

func (s *xlsxSource) close() error {
	return errors.Join(s.rows.Close(), s.f.Close())
}

// badXLSX reports an xlsx file excelize cannot read.
func badXLSX(err error) error {
	return huanxin.Errorf(huanxin.EINVALID, "无法读取 xlsx 文件，文件可能已损坏（%v）", err)
}
