package api

import (
	"net/http"
	"strconv"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/notice"
)

// NoticeRules are a city's rules for notices: the shortest publicity
// period of each type, and the working-day calendar (public holidays and
// adjusted working days, YYYY-MM-DD) that working days are counted by.
type NoticeRules struct {
	Minimums []NoticeMinimum `json:"minimums"`
	Holidays []string        `json:"holidays"`
	Workdays []string        `json:"workdays"`
}

// NoticeMinimum is the shortest publicity period of one type of notice.
type NoticeMinimum struct {
	Type   notice.Type `json:"type"`
	Length int         `json:"length"`
	Unit   notice.Unit `json:"unit"`
}

// ShownNoticeRules is the JSON form of a city's notice rules.
func ShownNoticeRules(r notice.Rules) NoticeRules {
	out := NoticeRules{Holidays: r.Calendar.Holidays, Workdays: r.Calendar.Workdays, Minimums: []NoticeMinimum{}}
	if out.Holidays == nil {
		out.Holidays = []string{}
	}
	if out.Workdays == nil {
		out.Workdays = []string{}
	}
	for _, t := range notice.Types {
		m := r.Min(t)
		out.Minimums = append(out.Minimums, NoticeMinimum{Type: t, Length: m.Length, Unit: m.Unit})
	}
	return out
}

// apply puts the minimums and calendar of in onto r: the types listed
// change, the others keep theirs; the calendar is replaced.
func (in NoticeRules) apply(r *notice.Rules) error {
	for i, m := range in.Minimums {
		if !m.Type.Valid() {
			return huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "minimums[" + strconv.Itoa(i) + "].type",
				Message: "取值无效 invalid value " + string(m.Type)})
		}
		r.Minimums[m.Type] = notice.Minimum{Length: m.Length, Unit: m.Unit}
	}
	r.Calendar = notice.Calendar{Holidays: in.Holidays, Workdays: in.Workdays}
	return nil
}

func (h noticeHandlers) rules(w http.ResponseWriter, r *http.Request) {
	city, ok := actorAndID(w, r)
	if !ok {
		return
	}
	rs, err := h.svc.Rules(r.Context(), city)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, ShownNoticeRules(rs))
}

func (h noticeHandlers) setRules(w http.ResponseWriter, r *http.Request) {
	city, ok := actorAndID(w, r)
	if !ok {
		return
	}
	var in NoticeRules
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	rs, err := h.svc.Rules(r.Context(), city)
	if err == nil {
		err = in.apply(&rs)
	}
	if err == nil {
		err = h.svc.SetRules(r.Context(), city, rs)
	}
	if err == nil {
		rs, err = h.svc.Rules(r.Context(), city)
	}
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, ShownNoticeRules(rs))
}
