package web

import (
	"net/http"

	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/estate"
)

type myPage struct {
	Base
	Homes []myHome
	Votes []*decision.Decision // open decisions of the resident's estates
}

type myHome struct {
	Part      *estate.Part
	Estate    *estate.Estate
	Owners    []*estate.Ownership
	Residents []*estate.Resident
}

// myHome shows a resident their own dwellings, phone-first.
func (p *Pages) myHome(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	b := p.base(r, "my.title")
	b.Resident = true
	pg := &myPage{Base: b}
	parts, _, err := p.Reg.Parts().Find(ctx, estate.Filter{Limit: 20})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	for _, part := range parts {
		h := myHome{Part: part}
		if h.Estate, err = p.Reg.Estates().Get(ctx, part.EstateID); err != nil {
			p.fail(w, r, err)
			return
		}
		if h.Owners, _, err = p.Reg.Ownerships().Find(ctx, estate.Filter{PartID: &part.ID}); err != nil {
			p.fail(w, r, err)
			return
		}
		if h.Residents, _, err = p.Reg.Residents().Find(ctx, estate.Filter{PartID: &part.ID}); err != nil {
			p.fail(w, r, err)
			return
		}
		pg.Homes = append(pg.Homes, h)
	}
	var estates []int64
	for _, h := range pg.Homes {
		estates = append(estates, h.Estate.ID)
	}
	if pg.Votes, err = p.openDecisions(r, estates); err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "my", pg)
}
