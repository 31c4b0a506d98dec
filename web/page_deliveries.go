package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/api"
	"github.com/huanxin/huanxin/notify"
	"github.com/huanxin/huanxin/sheet"
	"github.com/huanxin/huanxin/web/i18n"
)

// deliveriesPage lists, for officers, the deliveries to residents of
// their scope not made — queued for a (re)try, or given up — or those of
// one status, channel or reason, oldest first; failed ones can be resent.
type deliveriesPage struct {
	Base
	Status, Channel, Reason string // the filter; Status "" for undelivered
	Statuses                []notify.Status
	Channels                []notify.Channel
	Reasons                 []notify.Reason
	Query                   string // the filter as a query string, for the resend's return
	Export                  string // the export's address with the filter
	Deliveries              []*notify.Delivery
}

// deliveryStatuses are the statuses officers filter by.
var deliveryStatuses = []notify.Status{notify.StatusQueued, notify.StatusFailed, notify.StatusSent}

// deliveryFilter reads the page's filter from the query.
func deliveryFilter(r *http.Request) (notify.DeliveryFilter, url.Values, error) {
	q := url.Values{}
	for _, k := range []string{"status", "channel", "reason"} {
		if v := r.URL.Query().Get(k); v != "" {
			q.Set(k, v)
		}
	}
	f, err := api.DeliveryFilterOf(q.Get)
	return f, q, err
}

func (p *Pages) deliveries(w http.ResponseWriter, r *http.Request) {
	if !p.inboxOn(w, r) {
		return
	}
	f, q, err := deliveryFilter(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	f.Limit = 500
	ds, err := p.Notify.Deliveries(r.Context(), f)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "deliveries", &deliveriesPage{Base: p.base(r, "deliveries.title"), Status: q.Get("status"),
		Channel: q.Get("channel"), Reason: q.Get("reason"), Statuses: deliveryStatuses, Channels: notify.Channels,
		Reasons: notify.Reasons, Query: q.Encode(), Export: exportURL(q), Deliveries: ds})
}

// exportURL is the export of the residents not reached, filtered by q.
func exportURL(q url.Values) string {
	if len(q) == 0 {
		return "/deliveries/unreached.xlsx"
	}
	return "/deliveries/unreached.xlsx?" + q.Encode()
}

// deliveryResend queues a failed delivery again and returns to the list
// as it was filtered.
func (p *Pages) deliveryResend(w http.ResponseWriter, r *http.Request) {
	if !p.inboxOn(w, r) {
		return
	}
	id, err := pathID(r)
	if err == nil {
		_, err = p.Notify.Resend(r.Context(), id)
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	back := "/deliveries"
	if q, err := url.ParseQuery(r.PostFormValue("back")); err == nil && len(q) > 0 {
		back += "?" + q.Encode()
	}
	redirect(w, r, back, "delivery_resent")
}

// deliveryUnreached exports the households of the residents whose
// deliveries the filter selects, for phone calls and visits.
func (p *Pages) deliveryUnreached(w http.ResponseWriter, r *http.Request) {
	if !p.inboxOn(w, r) {
		return
	}
	f, _, err := deliveryFilter(r)
	var us []notify.Unreached
	if err == nil {
		us, err = p.Notify.Unreached(r.Context(), f)
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	l := lang(r)
	tpl := sheet.Template{Kind: "unreached", Sheet: "未送达住户"}
	for _, k := range []string{"name", "estate", "building", "stairwell", "floor", "room", "phone", "deliveries", "last", "channels", "reasons"} {
		tpl.Columns = append(tpl.Columns, sheet.Column{Key: k, Header: i18n.T(l, "deliveries.col."+k)})
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="unreached-%s.xlsx"`, time.Now().In(huanxin.Shanghai).Format("20060102")))
	x, err := sheet.NewXLSXWriter(w, tpl)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	for _, u := range us {
		if err := x.Write(u.Name, u.EstateName, u.BuildingNo, u.StairwellNo, u.Floor, u.Room, u.Phone, u.Deliveries, u.LastTitle,
			joinLabels(l, "inbox.channel.", u.Channels), joinLabels(l, "deliveries.reason.", u.Reasons)); err != nil {
			return // the response has started; the client sees a cut file
		}
	}
	x.Close()
}

// wechatPage binds a resident's WeChat openid.
type wechatPage struct {
	Base
	UserID  int64
	Name    string
	Current string // masked
	OpenID  string
	Errors  []huanxin.FieldError
	Message string
}

func (p *Pages) deliveryWeChat(w http.ResponseWriter, r *http.Request) {
	if !p.inboxOn(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &wechatPage{Base: p.base(r, "deliveries.wechat.title"), UserID: id}
	if r.Method == http.MethodPost {
		pg.OpenID = r.PostFormValue("openid")
		err := p.Notify.BindWeChat(r.Context(), id, pg.OpenID)
		switch {
		case err == nil:
			redirect(w, r, "/deliveries", "wechat_bound")
			return
		case huanxin.ErrorCode(err) != huanxin.EINVALID:
			p.fail(w, r, err)
			return
		}
		pg.Errors, pg.Message = huanxin.ErrorFields(err), huanxin.ErrorMessage(err)
	}
	name, prefs, err := p.Notify.Resident(r.Context(), id)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg.Name, pg.Current = name, prefs.Masked(notify.ChannelWeChat)
	status := http.StatusOK
	if pg.Errors != nil {
		status = http.StatusBadRequest
	}
	p.render(w, r, status, "delivery_wechat", pg)
}

// joinLabels translates a comma-separated list of codes.
func joinLabels(l, prefix, list string) string {
	if list == "" {
		return ""
	}
	codes := strings.Split(list, ",")
	for i, c := range codes {
		codes[i] = i18n.T(l, prefix+c)
	}
	return strings.Join(codes, "、")
}
