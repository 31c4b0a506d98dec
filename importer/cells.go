package importer

import (
	"strconv"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/pii"
	"github.com/huanxin/huanxin/sheet"
	"golang.org/x/text/width"
)

// rowCtx reads the cells of one row, reporting their problems to the plan.
type rowCtx struct {
	p   *plan
	row sheet.Row
}

func (r *rowCtx) fail(key, format string, args ...any) { r.p.errs.Add(r.row, key, format, args...) }

func (r *rowCtx) get(key string) string { return r.row.Get(key) }

// report adds the problems a record check found, naming the columns by key:
// rename maps the check's field names that differ from the keys. A problem
// with the key field is dropped if the key is missing (already reported).
func (r *rowCtx) report(fields []huanxin.FieldError, noKey bool, keyField string, rename map[string]string) {
	for _, f := range fields {
		if noKey && f.Field == keyField {
			continue
		}
		key := f.Field
		if k, ok := rename[key]; ok {
			key = k
		}
		r.fail(key, "%s", f.Message)
	}
}

// str returns a text cell, at most max characters (0: any length), without
// control characters.
func (r *rowCtx) str(key string, max int) string {
	s := r.row.Str(r.p.errs, key, max)
	if strings.ContainsFunc(s, func(c rune) bool { return c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f }) {
		r.fail(key, "含有不可见的控制字符")
		return ""
	}
	return s
}

// key returns a record's key under the parent at position up, and whether
// both are known.
func (r *rowCtx) key(up int32, col string, max int) (nkey, bool) {
	s := r.str(col, max)
	return nkey{a: int64(up), s: s}, up >= 0 && s != ""
}

func (r *rowCtx) int(key string, min, max int) int {
	n, _ := r.row.Int(r.p.errs, key, min, max)
	return n
}

func (r *rowCtx) centi(key string) int64 {
	v, _ := r.row.Centi(r.p.errs, key)
	return v
}

// bool reads 是/否, def if the cell is empty.
func (r *rowCtx) bool(key string, def bool) bool {
	switch r.get(key) {
	case "":
		return def
	case "是":
		return true
	case "否":
		return false
	}
	v, _ := r.row.Bool(r.p.errs, key)
	return v
}

func (r *rowCtx) enum(key string, labels map[string]string) string {
	v, _ := r.row.Enum(r.p.errs, key, labels)
	return v
}

func (r *rowCtx) enumOr(key string, labels map[string]string, def string) string {
	if v := r.enum(key, labels); v != "" {
		return v
	}
	return def
}

// phone returns a phone number's digits; a masked number, as exports show
// it to those who may not see it, is refused.
func (r *rowCtx) phone(key string) string {
	s := r.get(key)
	if s == "" {
		return ""
	}
	p := pii.NormalizePhone(s)
	switch {
	case strings.ContainsAny(s, "*＊"):
		r.fail(key, "手机号已打码，不能导入：请填写完整号码或留空")
	case !pii.ValidMobile(p) && (len(p) < 7 || len(p) > 12):
		r.fail(key, "手机号格式不正确：%s", s)
	default:
		return p
	}
	return ""
}

// normID normalizes an ID number as pii.NormalizeID does, without copying
// one that already is.
func normID(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'A' || c > 'Z') {
			return pii.NormalizeID(s)
		}
	}
	return s
}

// degrees reads decimal degrees within ±limit into millionths.
func (r *rowCtx) degrees(key string, limit int64) *int64 {
	s := r.get(key)
	if s == "" {
		return nil
	}
	v, ok := scaled(width.Narrow.String(s), 6)
	if !ok || v < -limit*1e6 || v > limit*1e6 {
		r.fail(key, "应为 -%d 到 %d 之间的十进制度数，最多6位小数，不能是“%s”", limit, limit, s)
		return nil
	}
	return &v
}

var dateLayouts = []string{"2006-01-02", "2006-1-2", "2006/1/2", "2006.1.2", "2006年1月2日"}

// date reads a date into YYYY-MM-DD.
func (r *rowCtx) date(key string) string {
	s := r.get(key)
	if s == "" {
		return ""
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, width.Narrow.String(s)); err == nil {
			return t.Format(time.DateOnly)
		}
	}
	r.fail(key, "应为日期，如 2015-06-01，不能是“%s”", s)
	return ""
}

// share reads an ownership share, "1/2", "50%" or "0.5", as a reduced
// fraction in (0, 1]; 0/0 if empty, -1/-1 if wrong (reported).
func (r *rowCtx) share(key string) (num, den int64) {
	s := strings.ReplaceAll(width.Narrow.String(r.get(key)), " ", "")
	if s == "" {
		return 0, 0
	}
	if a, b, ok := strings.Cut(s, "/"); ok {
		num, err1 := strconv.ParseInt(a, 10, 64)
		den, err2 := strconv.ParseInt(b, 10, 64)
		if err1 == nil && err2 == nil && num > 0 && num <= den && den <= 1e6 {
			return reduce(num, den)
		}
	} else {
		s, pct := strings.CutSuffix(s, "%")
		den := int64(1e6)
		if pct {
			den *= 100
		}
		if v, ok := scaled(s, 6); ok && v > 0 && v <= den {
			return reduce(v, den)
		}
	}
	r.fail(key, "应为0到1之间的份额，如 1/2 或 50%%，不能是“%s”", r.get(key))
	return -1, -1
}

func reduce(a, b int64) (int64, int64) {
	x, y := a, b
	for y != 0 {
		x, y = y, x%y
	}
	return a / x, b / x
}

// formatShare writes a share as a fraction, or 100% for the whole.
func formatShare(num, den int64) string {
	if num == den {
		return "100%"
	}
	return strconv.FormatInt(num, 10) + "/" + strconv.FormatInt(den, 10)
}

// scaled parses a decimal with at most digits fraction digits into an
// integer scaled by 10^digits, exactly.
func scaled(s string, digits int) (int64, bool) {
	s, neg := strings.CutPrefix(s, "-")
	if !neg {
		s = strings.TrimPrefix(s, "+")
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" || len(frac) > digits || len(whole) > 9 ||
		strings.ContainsFunc(whole+frac, func(c rune) bool { return c < '0' || c > '9' }) {
		return 0, false
	}
	v, _ := strconv.ParseInt(whole+frac+strings.Repeat("0", digits-len(frac)), 10, 64)
	if neg {
		v = -v
	}
	return v, true
}

// formatE6 writes millionths of a degree as a decimal.
func formatE6(v *int64) any {
	if v == nil {
		return nil
	}
	n, sign := *v, ""
	if n < 0 {
		n, sign = -n, "-"
	}
	return sign + strconv.FormatInt(n/1e6, 10) + "." + strconv.FormatInt(1e6+n%1e6, 10)[1:]
}
