// Package sheet reads and writes the spreadsheets (xlsx and CSV) that
// housing officers use to import and export registers: estates, buildings,
// dwellings and owners.
//
// A Template describes the columns of one kind of register. Open reads a
// file against a template, matching its header row by Chinese header, English
// header or key; Row's typed helpers check each cell and collect problems in
// an Errors, which becomes one *huanxin.Error naming sheet, row, column and
// field of every bad cell. WriteTemplate, NewXLSXWriter and NewCSVWriter
// write the blank template and exports.
package sheet

import (
	"strings"
	"unicode"
)

// Column describes one column of a register spreadsheet.
type Column struct {
	Key      string // machine key, e.g. "estate_code"
	Header   string // Chinese header, e.g. "小区编码"
	HeaderEN string // English header, e.g. "Estate code"
	Required bool
	Example  string // an example value for the template's second row
	Note     string // short help shown as a comment on the template's header (Chinese)
}

// Template describes one kind of register spreadsheet.
type Template struct {
	Kind    string
	Sheet   string // Chinese sheet name
	Columns []Column
}

// sheetName is the worksheet name the writers use.
func (t Template) sheetName() string {
	if t.Sheet == "" {
		return "Sheet1"
	}
	return t.Sheet
}

// normHeader folds the harmless differences in a header cell: white space
// (also inside, and full-width), required markers "*" and "＊", full-width
// parentheses and letter case.
func normHeader(s string) string {
	s = strings.Trim(s, "*＊ \t\r\n\u3000\ufeff")
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r) || r == '\ufeff':
			return -1
		case r == '（':
			return '('
		case r == '）':
			return ')'
		}
		return unicode.ToLower(r)
	}, s)
}
