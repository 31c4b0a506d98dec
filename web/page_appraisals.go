package web

import (
	"net/http"
	"strconv"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/funding"
)

// appraisalsPage lists the social-capital appraisals of an estate (社会资本
// 测算), or, without an estate, lets the officer pick one.
type appraisalsPage struct {
	Base
	Estates []option // the estates to pick from, when none is chosen
	Estate  *estate.Estate
	Items   []*funding.Appraisal
}

// appraisalsOn answers 404 when appraisals are not wired.
func (p *Pages) appraisalsOn(w http.ResponseWriter, r *http.Request) bool {
	if p.Appraisals == nil {
		p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "社会资本测算未启用 appraisals are not enabled"))
		return false
	}
	return true
}

// appraisalList shows the appraisals of the estate named by ?estate_id=,
// or the estates in scope to choose from.
func (p *Pages) appraisalList(w http.ResponseWriter, r *http.Request) {
	if !p.appraisalsOn(w, r) {
		return
	}
	ctx := r.Context()
	pg := &appraisalsPage{Base: p.base(r, "appraisal.list")}
	if v := r.URL.Query().Get("estate_id"); v != "" {
		id, err := parseID(v)
		if err != nil {
			p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "小区不存在 estate not found"))
			return
		}
		if pg.Items, err = p.Appraisals.List(ctx, id); err != nil {
			p.fail(w, r, err)
			return
		}
		if pg.Estate, err = p.Reg.Estates().Get(ctx, id); err != nil {
			p.fail(w, r, err)
			return
		}
		p.render(w, r, http.StatusOK, "appraisals", pg)
		return
	}
	es, _, err := p.switcherEstates(ctx, r, fundingListEstates)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	for _, e := range es {
		pg.Estates = append(pg.Estates, option{Value: strconv.FormatInt(e.ID, 10), Label: e.Name})
	}
	p.render(w, r, http.StatusOK, "appraisals", pg)
}
