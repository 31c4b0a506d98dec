package sheet

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
	"golang.org/x/text/width"
)

// Errors collects the problems found in the cells of a file so that an
// import can report all of them at once (and import nothing).
type Errors struct {
	Sheet  string // defaults to the Reader's sheet
	Max    int    // most problems kept, 1000 if zero; all are counted
	fields []huanxin.FieldError
	n      int
}

// Add records a problem with the cell of column key in row; the message is
// formatted as by fmt.Sprintf and should be Chinese.
func (e *Errors) Add(row Row, key string, format string, args ...any) {
	e.n++
	limit := e.Max
	if limit <= 0 {
		limit = 1000
	}
	if len(e.fields) >= limit {
		return
	}
	f := huanxin.FieldError{Sheet: e.Sheet, Row: row.Line, Field: key, Message: fmt.Sprintf(format, args...)}
	if f.Sheet == "" && row.r != nil {
		f.Sheet = row.r.sheet
	}
	if c, fc := row.column(key); c != nil {
		f.Column = fc.letters
		if c.Header != "" {
			f.Field = c.Header
		}
	}
	e.fields = append(e.fields, f)
}

// Len returns the number of problems added.
func (e *Errors) Len() int { return e.n }

// Err returns nil if no problem was added, else an EINVALID *huanxin.Error
// whose message gives the total and whose Fields list the problems kept.
func (e *Errors) Err() error {
	if e.n == 0 {
		return nil
	}
	msg := fmt.Sprintf("文件有 %d 处错误，未导入任何数据", e.n)
	if e.n > len(e.fields) {
		msg += fmt.Sprintf("（仅列出前 %d 处）", len(e.fields))
	}
	return huanxin.Invalid(msg, slices.Clone(e.fields)...)
}

// value returns the trimmed cell of key; ok is false, and a problem
// recorded, if the column is required and the cell empty.
func (row Row) value(e *Errors, key string) (s string, ok bool) {
	s = row.Get(key)
	if s == "" {
		if c, _ := row.column(key); c != nil && c.Required {
			e.Add(row, key, "必须填写")
			return "", false
		}
	}
	return s, true
}

// Str returns the cell of key, recording a problem if it is required and
// empty or longer than maxRunes characters (no limit if maxRunes ≤ 0).
func (row Row) Str(e *Errors, key string, maxRunes int) string {
	s, ok := row.value(e, key)
	if n := utf8.RuneCountInString(s); ok && maxRunes > 0 && n > maxRunes {
		e.Add(row, key, "不能超过 %d 个字，现有 %d 个字", maxRunes, n)
	}
	return s
}

// Int parses the cell of key as a whole number in [min, max]. An empty
// optional cell gives 0, true.
func (row Row) Int(e *Errors, key string, min, max int) (int, bool) {
	return row.intIn(e, key, min, max, "应为 %d 到 %d 之间的整数")
}

// Year parses the cell of key as a year from 1900 to 2100. An empty optional
// cell gives 0, true.
func (row Row) Year(e *Errors, key string) (int, bool) {
	return row.intIn(e, key, 1900, 2100, "应为 %d 到 %d 之间的四位年份，如 1998")
}

func (row Row) intIn(e *Errors, key string, min, max int, expect string) (int, bool) {
	s, ok := row.value(e, key)
	if s == "" {
		return 0, ok
	}
	n, err := strconv.Atoi(strings.ReplaceAll(narrow(s), ",", ""))
	if err != nil || n < min || n > max {
		e.Add(row, key, expect+"，不能是%s", min, max, quote(s))
		return 0, false
	}
	return n, true
}

// Centi parses the cell of key as a non-negative decimal with at most two
// fraction digits, such as an area in square metres or an amount in yuan,
// exactly into hundredths. An empty optional cell gives 0, true.
func (row Row) Centi(e *Errors, key string) (int64, bool) {
	s, ok := row.value(e, key)
	if s == "" {
		return 0, ok
	}
	v, ok := huanxin.ParseCenti(narrow(s))
	if !ok || v < 0 {
		e.Add(row, key, "应为不小于 0 的数字，最多两位小数，如 85.32，不能是%s", quote(s))
		return 0, false
	}
	return v, true
}

// Bool parses the cell of key as 是/否, Y/N, yes/no, true/false or 1/0, in
// any letter case. An empty optional cell gives false, true.
func (row Row) Bool(e *Errors, key string) (bool, bool) {
	s, ok := row.value(e, key)
	if s == "" {
		return false, ok
	}
	switch strings.ToLower(narrow(s)) {
	case "是", "y", "yes", "true", "1":
		return true, true
	case "否", "n", "no", "false", "0":
		return false, true
	}
	e.Add(row, key, "应为“是”或“否”，不能是%s", quote(s))
	return false, false
}

// Enum maps the cell of key through choices, which maps each accepted label
// (usually the Chinese one shown to users) to the value to return; a cell
// holding one of the values itself is accepted too. Letter case is ignored.
// An empty optional cell gives "", true.
func (row Row) Enum(e *Errors, key string, choices map[string]string) (string, bool) {
	s, ok := row.value(e, key)
	if s == "" {
		return "", ok
	}
	if v, ok := choices[s]; ok {
		return v, true
	}
	labels := make([]string, 0, len(choices))
	for label, v := range choices {
		if strings.EqualFold(s, label) || strings.EqualFold(s, v) {
			return v, true
		}
		labels = append(labels, label)
	}
	slices.Sort(labels)
	e.Add(row, key, "应为以下之一：%s，不能是%s", strings.Join(labels, "、"), quote(s))
	return "", false
}

// narrow turns full-width digits, letters and signs, as Chinese input
// methods type them, into ASCII.
func narrow(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return width.Narrow.String(s)
		}
	}
	return s
}

// quote quotes a cell value for a message, shortened if long.
func quote(s string) string {
	if utf8.RuneCountInString(s) > 20 {
		s = string([]rune(s)[:20]) + "…"
	}
	return "“" + s + "”"
}
