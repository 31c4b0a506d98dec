package api

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
)

// Paging limits of list requests.
const (
	DefaultPerPage = 50
	MaxPerPage     = 1000
	maxPage        = 1<<31 - 1
)

// filterParams maps each list filter parameter onto estate.Filter; the
// setter returns what is wrong with the value, or "".
var filterParams = map[string]func(f *estate.Filter, v string) string{
	"q":               textParam(100, func(f *estate.Filter) *string { return &f.Q }),
	"code":            textParam(40, func(f *estate.Filter) *string { return &f.Code }),
	"parent_id":       idParam(func(f *estate.Filter) **int64 { return &f.ParentID }),
	"jurisdiction_id": idParam(func(f *estate.Filter) **int64 { return &f.JurisdictionID }),
	"estate_id":       idParam(func(f *estate.Filter) **int64 { return &f.EstateID }),
	"building_id":     idParam(func(f *estate.Filter) **int64 { return &f.BuildingID }),
	"stairwell_id":    idParam(func(f *estate.Filter) **int64 { return &f.StairwellID }),
	"part_id":         idParam(func(f *estate.Filter) **int64 { return &f.PartID }),
	"owner_id":        idParam(func(f *estate.Filter) **int64 { return &f.OwnerID }),
	"level":           enumParam(huanxin.Levels, func(f *estate.Filter) **huanxin.Level { return &f.Level }),
	"year_from":       yearParam(func(f *estate.Filter) **int { return &f.YearFrom }),
	"year_to":         yearParam(func(f *estate.Filter) **int { return &f.YearTo }),
	"status":          enumParam(estate.Statuses, func(f *estate.Filter) **estate.Status { return &f.Status }),
	"management":      enumParam(estate.ManagementModels, func(f *estate.Filter) **estate.ManagementModel { return &f.Management }),
	"pii": func(f *estate.Filter, v string) string {
		switch v {
		case "1", "true":
			f.WithPII = true
		case "0", "false":
			f.WithPII = false
		default:
			return "须为 1 或 0 must be 1 or 0"
		}
		return ""
	},
}

func textParam(max int, field func(*estate.Filter) *string) func(*estate.Filter, string) string {
	return func(f *estate.Filter, v string) string {
		v = strings.TrimSpace(v)
		if utf8.RuneCountInString(v) > max {
			return "过长 too long (max " + strconv.Itoa(max) + ")"
		}
		*field(f) = v
		return ""
	}
}

func idParam(field func(*estate.Filter) **int64) func(*estate.Filter, string) string {
	return func(f *estate.Filter, v string) string {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return "须为正整数 must be a positive integer"
		}
		*field(f) = &id
		return ""
	}
}

func yearParam(field func(*estate.Filter) **int) func(*estate.Filter, string) string {
	return func(f *estate.Filter, v string) string {
		y, err := strconv.Atoi(v)
		if err != nil || y < 1000 || y > 9999 {
			return "须为四位年份 must be a four-digit year"
		}
		*field(f) = &y
		return ""
	}
}

func enumParam[S ~string](all []S, field func(*estate.Filter) **S) func(*estate.Filter, string) string {
	return func(f *estate.Filter, v string) string {
		s := S(v)
		if !slices.Contains(all, s) {
			names := make([]string, len(all))
			for i, x := range all {
				names[i] = string(x)
			}
			return "取值无效 must be one of " + strings.Join(names, ", ")
		}
		*field(f) = &s
		return ""
	}
}

// parseList reads the query of a list request: paging, and the filters
// that apply to the entity. Unknown parameters, parameters given twice and
// bad values are refused, each named in a field error. Empty values count
// as absent, as HTML forms send them.
func parseList(r *http.Request, filters []string) (f estate.Filter, page, perPage int, err error) {
	q := r.URL.Query()
	var bad []huanxin.FieldError
	fail := func(name, msg string) { bad = append(bad, huanxin.FieldError{Field: name, Message: msg}) }

	accepted := append([]string{"page", "per_page"}, filters...)
	for _, name := range slices.Sorted(maps.Keys(q)) {
		if !slices.Contains(accepted, name) {
			fail(name, "未知参数 unknown parameter; accepted: "+strings.Join(accepted, ", "))
		} else if len(q[name]) > 1 {
			fail(name, "只能给一次 given more than once")
		}
	}

	number := func(name string, def, max int) int {
		v := q.Get(name)
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > max {
			fail(name, "须为 1 到 "+strconv.Itoa(max)+" 的整数 must be an integer from 1 to "+strconv.Itoa(max))
			return def
		}
		return n
	}
	page = number("page", 1, maxPage)
	perPage = number("per_page", DefaultPerPage, MaxPerPage)

	for _, name := range filters {
		if v := q.Get(name); v != "" {
			if msg := filterParams[name](&f, v); msg != "" {
				fail(name, msg)
			}
		}
	}
	if f.YearFrom != nil && f.YearTo != nil && *f.YearFrom > *f.YearTo {
		fail("year_to", "不能早于 year_from must not be before year_from")
	}
	if len(bad) > 0 {
		return f, page, perPage, huanxin.Invalid("查询参数有误 invalid query parameters", bad...)
	}
	f.Offset, f.Limit = (page-1)*perPage, perPage
	return f, page, perPage, nil
}
