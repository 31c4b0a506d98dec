package sheet

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/xuri/excelize/v2"
)

// Writer writes rows of a template's columns, values in column order.
// Strings are written as text (never turned into numbers, so "001" stays
// "001"), integers and floats as numbers, huanxin.Area and huanxin.Money as
// numbers with two decimals, bools as 是/否, times as Shanghai time and nil
// as an empty cell. Close finishes the file; it does not close the
// underlying io.Writer.
type Writer interface {
	Write(values ...any) error
	Close() error
}

// WriteTemplate writes the blank import template of tpl as xlsx: a bold,
// frozen header row (required columns marked "*" and shown in red), the
// columns' examples as row 2, their notes as comments on the headers, and
// every column formatted as text so that codes and phone numbers typed into
// it keep their leading zeros. lang "en" gives English headers where the
// template has them; anything else gives Chinese.
func WriteTemplate(w io.Writer, tpl Template, lang string) error {
	x, err := newXLSX(w, tpl, lang, true)
	if err != nil {
		return err
	}
	defer x.f.Close()
	example := make([]any, len(tpl.Columns))
	for i, c := range tpl.Columns {
		example[i] = c.Example
	}
	if err := x.Write(example...); err != nil {
		return err
	}
	if err := x.sw.Flush(); err != nil {
		return err
	}
	for i, c := range tpl.Columns {
		if c.Note == "" {
			continue
		}
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := x.f.AddComment(x.sheet, excelize.Comment{Cell: cell, Author: "填写说明", Text: c.Note}); err != nil {
			return err
		}
	}
	return x.f.Write(w)
}

// NewXLSXWriter starts an xlsx export of tpl, streamed so that large
// registers take little memory: a header row of Chinese headers, then one
// row per Write.
func NewXLSXWriter(w io.Writer, tpl Template) (Writer, error) {
	x, err := newXLSX(w, tpl, "zh", false)
	if err != nil {
		return nil, err
	}
	return x, nil
}

type xlsxWriter struct {
	w      io.Writer
	f      *excelize.File
	sw     *excelize.StreamWriter
	sheet  string
	n      int // columns
	row    int // last row written
	text   int // style IDs
	centi  int
	values []any
}

func newXLSX(w io.Writer, tpl Template, lang string, marks bool) (_ *xlsxWriter, err error) {
	x := &xlsxWriter{w: w, f: excelize.NewFile(), sheet: tpl.sheetName(), n: len(tpl.Columns)}
	defer func() {
		if err != nil {
			x.f.Close()
		}
	}()
	if err := x.f.SetSheetName(x.f.GetSheetName(0), x.sheet); err != nil {
		return nil, err
	}
	font := &excelize.Font{Bold: true}
	fill := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}
	styles := []*excelize.Style{
		{NumFmt: 49}, // "@", text
		{NumFmt: 2},  // "0.00"
		{Font: font, Fill: fill, NumFmt: 49},
		{Font: &excelize.Font{Bold: true, Color: "C00000"}, Fill: fill, NumFmt: 49},
	}
	ids := make([]int, len(styles))
	for i, s := range styles {
		if ids[i], err = x.f.NewStyle(s); err != nil {
			return nil, err
		}
	}
	x.text, x.centi = ids[0], ids[1]
	if x.sw, err = x.f.NewStreamWriter(x.sheet); err != nil {
		return nil, err
	}
	if err := x.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	header := make([]any, len(tpl.Columns))
	for i, c := range tpl.Columns {
		if err := x.sw.SetColWidth(i+1, i+1, colWidth(c)); err != nil {
			return nil, err
		}
		style := ids[2]
		if marks && c.Required {
			style = ids[3]
		}
		header[i] = excelize.Cell{StyleID: style, Value: headerText(c, lang, marks)}
	}
	if x.n > 0 {
		if err := x.sw.SetColStyle(1, x.n, x.text); err != nil {
			return nil, err
		}
	}
	if err := x.setRow(header); err != nil {
		return nil, err
	}
	return x, nil
}

// Write writes one row.
func (x *xlsxWriter) Write(values ...any) error {
	if err := checkCount(values, x.n); err != nil {
		return err
	}
	x.values = x.values[:0]
	for _, v := range values {
		switch v := v.(type) {
		case string:
			x.values = append(x.values, excelize.Cell{StyleID: x.text, Value: v})
		case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
			x.values = append(x.values, v)
		case huanxin.Area:
			x.values = append(x.values, excelize.Cell{StyleID: x.centi, Value: float64(v) / 100})
		case huanxin.Money:
			x.values = append(x.values, excelize.Cell{StyleID: x.centi, Value: float64(v) / 100})
		default:
			x.values = append(x.values, excelize.Cell{StyleID: x.text, Value: text(v)})
		}
	}
	return x.setRow(x.values)
}

func (x *xlsxWriter) setRow(values []any) error {
	x.row++
	cell, err := excelize.CoordinatesToCellName(1, x.row)
	if err != nil {
		return err
	}
	return x.sw.SetRow(cell, values)
}

// Close writes the file out.
func (x *xlsxWriter) Close() error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return err
	}
	return x.f.Write(x.w)
}

// NewCSVWriter starts a CSV export of tpl in UTF-8 with a byte order mark,
// so that Excel opens it right: a header row of Chinese headers, then one
// row per Write.
func NewCSVWriter(w io.Writer, tpl Template) (Writer, error) {
	if _, err := w.Write(utf8BOM); err != nil {
		return nil, err
	}
	c := &csvWriter{w: csv.NewWriter(w), n: len(tpl.Columns)}
	c.w.UseCRLF = true
	for _, col := range tpl.Columns {
		c.rec = append(c.rec, headerText(col, "zh", false))
	}
	return c, c.w.Write(c.rec)
}

type csvWriter struct {
	w   *csv.Writer
	n   int
	rec []string
}

// Write writes one row.
func (c *csvWriter) Write(values ...any) error {
	if err := checkCount(values, c.n); err != nil {
		return err
	}
	c.rec = c.rec[:0]
	for _, v := range values {
		t := text(v)
		if _, isString := v.(string); isString {
			t = defuse(t)
		}
		c.rec = append(c.rec, t)
	}
	return c.w.Write(c.rec)
}

// defuse keeps spreadsheet programs from running text as a formula (a
// resident's "=HYPERLINK(...)" in a note, say): text starting with = + - @
// or a tab or carriage return gets a leading apostrophe, which Excel and
// LibreOffice show as a text marker. The reader strips it again (Get), so
// an export imports back unchanged.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Close flushes the buffered rows.
func (c *csvWriter) Close() error {
	c.w.Flush()
	return c.w.Error()
}

func checkCount(values []any, n int) error {
	if len(values) > n {
		return fmt.Errorf("sheet: %d values for %d columns", len(values), n)
	}
	return nil
}

// text formats a value for a text cell.
func text(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case bool:
		if v {
			return "是"
		}
		return "否"
	case time.Time:
		if v.IsZero() {
			return ""
		}
		return v.In(huanxin.Shanghai).Format(time.DateTime)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// headerText is a column's header, in English for lang "en" if it has one,
// with "*" before required columns if marks.
func headerText(c Column, lang string, marks bool) string {
	h := c.Header
	if lang == "en" && c.HeaderEN != "" {
		h = c.HeaderEN
	}
	if marks && c.Required {
		h = "*" + h
	}
	return h
}

// colWidth is a column's width in characters: enough for its header and
// example, counting Chinese characters double.
func colWidth(c Column) float64 {
	w := 0
	for _, s := range []string{"*" + c.Header, c.HeaderEN, c.Example} {
		n := 0
		for _, r := range s {
			n++
			if r >= 0x1100 {
				n++
			}
		}
		w = max(w, n)
	}
	return float64(min(max(w+2, 8), 60))
}
