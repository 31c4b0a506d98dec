package api

import (
	"bytes"
	"context"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
)

// params reads the query of a request that is not a register list, with
// the rules of parseList: unknown parameters and parameters given twice
// are refused, empty values count as absent, and every problem is
// collected before err reports them together.
type params struct {
	v   url.Values
	bad []huanxin.FieldError
}

func readParams(r *http.Request, accepted []string) *params {
	p := &params{v: r.URL.Query()}
	for _, name := range slices.Sorted(maps.Keys(p.v)) {
		if !slices.Contains(accepted, name) {
			msg := "未知参数 unknown parameter"
			if len(accepted) > 0 {
				msg += "; accepted: " + strings.Join(accepted, ", ")
			}
			p.fail(name, msg)
		} else if len(p.v[name]) > 1 {
			p.fail(name, "只能给一次 given more than once")
		}
	}
	return p
}

func (p *params) fail(name, msg string) {
	p.bad = append(p.bad, huanxin.FieldError{Field: name, Message: msg})
}

func (p *params) get(name string) string { return p.v.Get(name) }

// number reads an integer from 1 to max.
func (p *params) number(name string, def, max int) int {
	v := p.get(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		p.fail(name, "须为 1 到 "+strconv.Itoa(max)+" 的整数 must be an integer from 1 to "+strconv.Itoa(max))
		return def
	}
	return n
}

// paging reads page and per_page.
func (p *params) paging() (page, perPage int) {
	return p.number("page", 1, maxPage), p.number("per_page", DefaultPerPage, MaxPerPage)
}

// text reads trimmed text of at most max characters.
func (p *params) text(name string, max int) string {
	v := strings.TrimSpace(p.get(name))
	if utf8.RuneCountInString(v) > max {
		p.fail(name, "过长 too long (max "+strconv.Itoa(max)+")")
		return ""
	}
	return v
}

// id reads an integer of at least min (0 admits the system's own
// entries, 1 only records).
func (p *params) id(name string, min int64) *int64 {
	v := p.get(name)
	if v == "" {
		return nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < min {
		if min > 0 {
			p.fail(name, "须为正整数 must be a positive integer")
		} else {
			p.fail(name, "须为非负整数 must be a non-negative integer")
		}
		return nil
	}
	return &n
}

// when reads an instant: an RFC 3339 time, or a YYYY-MM-DD date in
// Asia/Shanghai meaning the start of that day or, with endOfDay, the
// start of the next (so that a date given as an upper bound includes the
// whole day). A "+" of an offset that arrives unescaped, as a space, is
// taken as "+".
func (p *params) when(name string, endOfDay bool) time.Time {
	v := strings.TrimSpace(p.get(name))
	if v == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339, strings.ReplaceAll(v, " ", "+")); err == nil {
		return t.UTC()
	}
	if d, err := time.ParseInLocation(time.DateOnly, v, huanxin.Shanghai); err == nil {
		if endOfDay {
			d = d.AddDate(0, 0, 1)
		}
		return d.UTC()
	}
	p.fail(name, "须为 RFC 3339 时间或 YYYY-MM-DD 日期 must be an RFC 3339 time or a YYYY-MM-DD date")
	return time.Time{}
}

// filter applies the register list filters named onto f.
func (p *params) filter(f *estate.Filter, names ...string) {
	for _, name := range names {
		if v := p.get(name); v != "" {
			if msg := filterParams[name](f, v); msg != "" {
				p.fail(name, msg)
			}
		}
	}
	if f.YearFrom != nil && f.YearTo != nil && *f.YearFrom > *f.YearTo {
		p.fail("year_to", "不能早于 year_from must not be before year_from")
	}
}

// err returns the problems found, or nil.
func (p *params) err() error {
	if len(p.bad) == 0 {
		return nil
	}
	return huanxin.Invalid("查询参数有误 invalid query parameters", p.bad...)
}

// page returns the part of items that a page shows, for lists that are
// small enough to be read whole.
func pageOf[T any](items []*T, page, perPage int) []*T {
	start := (page - 1) * perPage
	if start >= len(items) || start < 0 {
		return []*T{}
	}
	return items[start:min(len(items), start+perPage)]
}

// writeList writes a list response, with an empty array for no items.
func writeList[T any](w http.ResponseWriter, items []*T, total, page, perPage int) {
	if items == nil {
		items = []*T{}
	}
	WriteJSON(w, http.StatusOK, List[T]{Items: items, Total: total, Page: page, PerPage: perPage})
}

// recordAction answers a POST that takes no input on the record named in
// the path: do is called with the record's ID, and what it returns is
// written as show makes it, 200 OK.
func recordAction[T, S any](do func(context.Context, int64) (T, error), show func(T) S) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := actorAndID(w, r)
		if !ok {
			return
		}
		if err := optionalBody(w, r); err != nil {
			WriteError(w, r, err)
			return
		}
		v, err := do(r.Context(), id)
		if err != nil {
			WriteError(w, r, err)
			return
		}
		WriteJSON(w, http.StatusOK, show(v))
	}
}

// requireWritable refuses writes with a read-only token where the service
// behind does not check it itself.
func requireWritable(w http.ResponseWriter, r *http.Request) bool {
	if a := huanxin.ActorFromContext(r.Context()); a != nil && a.ReadOnly {
		WriteError(w, r, huanxin.Errorf(huanxin.EFORBIDDEN, "只读令牌不能修改 a read-only token may not write"))
		return false
	}
	return true
}

// optionalBody accepts a request without a body, for POSTs that need no
// input; a body given must be declared as JSON and be an object without
// members.
func optionalBody(w http.ResponseWriter, r *http.Request) error {
	if r.ContentLength == 0 && r.Header.Get("Content-Type") == "" {
		return nil
	}
	if err := checkContentType(r); err != nil {
		return err
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		return bodyError("无法读取请求 cannot read request body")
	}
	if b = bytes.TrimSpace(b); len(b) == 0 {
		return nil
	}
	return decodeObject(b, &struct{}{})
}
