package web

import (
	"net/http"
	"slices"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/notify"
)

// deliveriesPage lists, for officers, the deliveries to users of their
// scope not made — queued for a (re)try, or given up — or those of one
// status, oldest first.
type deliveriesPage struct {
	Base
	Status     string // "" for undelivered (queued and failed)
	Statuses   []notify.Status
	Deliveries []*notify.Delivery
}

// deliveryStatuses are the statuses officers filter by.
var deliveryStatuses = []notify.Status{notify.StatusQueued, notify.StatusFailed, notify.StatusSent}

func (p *Pages) deliveries(w http.ResponseWriter, r *http.Request) {
	if !p.inboxOn(w, r) {
		return
	}
	pg := &deliveriesPage{Base: p.base(r, "deliveries.title"), Status: r.URL.Query().Get("status"), Statuses: deliveryStatuses}
	var statuses []notify.Status
	if pg.Status != "" {
		if !slices.Contains(deliveryStatuses, notify.Status(pg.Status)) {
			p.fail(w, r, huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "status", Message: "取值无效 invalid value"}))
			return
		}
		statuses = []notify.Status{notify.Status(pg.Status)}
	}
	ds, err := p.Notify.Deliveries(r.Context(), statuses, 500)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg.Deliveries = ds
	p.render(w, r, http.StatusOK, "deliveries", pg)
}
