package web

import (
	"net/http"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/estate"
)

type noticePage struct {
	Base
	D      *decision.Decision
	Estate *estate.Estate
	Result *resultView
}

// decisionNotice is the printable public notice (公示) of an announced
// result, to post in the estate and to publish.
func (p *Pages) decisionNotice(w http.ResponseWriter, r *http.Request) {
	d, ok := p.pathDecision(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	if d.Status != decision.StatusAnnounced && d.Status != decision.StatusFinal {
		p.fail(w, r, huanxin.Errorf(huanxin.EINVALID, "结果公布后才能打印公示 the notice can be printed once the result is announced"))
		return
	}
	res, err := p.Decisions.Result(ctx, d.ID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	e, err := p.Reg.Estates().Get(ctx, d.EstateID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &noticePage{Base: p.base(r, "notice.title"), D: d, Estate: e}
	pg.Result = resultViewOf(pg.Lang, res)
	p.render(w, r, http.StatusOK, "notice", pg)
}
