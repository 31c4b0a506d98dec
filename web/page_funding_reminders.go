package web

import (
	"net/http"

	"github.com/huanxin/huanxin/funding"
)

// remindersPage is the printable list of the parts of a split that still
// owe, for the officers who remind them.
type remindersPage struct {
	Base
	C        *funding.Collection
	PlanName string
}

// shareReminders lists the unpaid parts of a run.
func (p *Pages) shareReminders(w http.ResponseWriter, r *http.Request) {
	c, ok := p.shareRun(w, r)
	if !ok {
		return
	}
	pg := &remindersPage{Base: p.base(r, "reminders.title"), C: c}
	if pl, err := p.Funding.Plans.Get(r.Context(), c.Run.PlanID); err == nil {
		pg.PlanName = pl.Title
	}
	p.render(w, r, http.StatusOK, "funding_reminders", pg)
}
