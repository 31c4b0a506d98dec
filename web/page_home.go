package web

import (
	"net/http"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
)

type homePage struct {
	Base
	Estates, Candidates, PreDeadline int
	ByStatus                         []statusCount
}

type statusCount struct {
	Status estate.Status
	Count  int
}

// home is the officer's dashboard: the estates in scope by renovation status.
func (p *Pages) home(w http.ResponseWriter, r *http.Request) {
	a := huanxin.ActorFromContext(r.Context())
	if a.Role == huanxin.RoleResident {
		http.Redirect(w, r, "/my", http.StatusSeeOther)
		return
	}
	pg := &homePage{Base: p.base(r, "home.title")}
	f := estate.Filter{Limit: 1}
	if id := selectedScope(r); id != 0 {
		f.JurisdictionID = &id
	}
	var err error
	if _, pg.Estates, err = p.Reg.Estates().Find(r.Context(), f); err != nil {
		p.fail(w, r, err)
		return
	}
	for _, s := range estate.Statuses {
		f.Status = &s
		_, n, err := p.Reg.Estates().Find(r.Context(), f)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		pg.ByStatus = append(pg.ByStatus, statusCount{s, n})
	}
	f.Status = nil
	f.YearTo = ptr(2000)
	if _, pg.PreDeadline, err = p.Reg.Estates().Find(r.Context(), f); err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "home", pg)
}

func ptr[T any](v T) *T { return &v }
