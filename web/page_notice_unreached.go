package web

import (
	"net/http"
	"strconv"

	"github.com/huanxin/huanxin/notice"
)

// notReachedPage lists the households of a notice's scope not yet
// reached, grouped by building, printable for door-to-door visits.
type notReachedPage struct {
	Base
	Notice    *notice.Notice
	Buildings []notReachedBuilding
	Total     int
}

type notReachedBuilding struct {
	Estate, Building string
	Households       []notice.Household
}

func (p *Pages) noticeNotReached(w http.ResponseWriter, r *http.Request) {
	if !p.noticesOn(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	n, hs, err := p.Notices.NotReached(r.Context(), id)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &notReachedPage{Base: p.base(r, "notices.unreached.title"), Notice: n, Total: len(hs)}
	for _, h := range hs {
		if k := len(pg.Buildings); k == 0 || pg.Buildings[k-1].Households[0].BuildingID != h.BuildingID {
			pg.Buildings = append(pg.Buildings, notReachedBuilding{Estate: h.EstateName, Building: h.BuildingNo})
		}
		b := &pg.Buildings[len(pg.Buildings)-1]
		b.Households = append(b.Households, h)
	}
	p.render(w, r, http.StatusOK, "notice_unreached", pg)
}

// noticePaper records that households were handed the notice on paper.
func (p *Pages) noticePaper(w http.ResponseWriter, r *http.Request) {
	if !p.noticesOn(w, r) {
		return
	}
	id, err := pathID(r)
	var part int64
	if err == nil {
		part, err = parseID(r.PostFormValue("part_id"))
	}
	if err == nil {
		err = p.Notices.ReachedOnPaper(r.Context(), id, []int64{part})
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	redirect(w, r, "/notices/"+strconv.FormatInt(id, 10)+"/not-reached", "reached_on_paper")
}
