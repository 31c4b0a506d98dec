package api

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/notify"
)

var inboxParams = []string{"page", "per_page"}
var deliveryParams = []string{"status", "channel", "reason"}

// inboxHandlers serve each user's inbox and notification preferences,
// and officers' list of deliveries not made.
type inboxHandlers struct{ svc *notify.Service }

// Message is an inbox message.
type Message struct {
	ID      int64       `json:"id"`
	Kind    notify.Kind `json:"kind"`
	Title   string      `json:"title"`
	Body    string      `json:"body"`
	Link    string      `json:"link"`
	Created time.Time   `json:"created"`
	ReadAt  time.Time   `json:"read_at,omitzero"`
}

// Inbox is a page of the signed-in user's messages, newest first.
type Inbox struct {
	Items   []Message `json:"items"`
	Total   int       `json:"total"`
	Unread  int       `json:"unread"`
	Page    int       `json:"page"`
	PerPage int       `json:"per_page"`
}

// NotificationPreferences are how the signed-in user wants to be reached
// besides the inbox; quiet hours are "HH:MM" in Asia/Shanghai. The
// addresses are shown masked; sent back unchanged they are kept, "" removes
// one, anything else replaces it.
type NotificationPreferences struct {
	SMS          bool   `json:"sms"`
	WeChat       bool   `json:"wechat"`
	Email        bool   `json:"email"`
	Mobile       string `json:"mobile"`
	WeChatOpenID string `json:"wechat_openid"`
	EmailAddress string `json:"email_address"`
	Digest       bool   `json:"digest"`
	QuietFrom    string `json:"quiet_from"`
	QuietTo      string `json:"quiet_to"`
}

// Delivery is a sending of messages through SMS, WeChat or e-mail.
type Delivery struct {
	ID          int64          `json:"id"`
	CityID      int64          `json:"city_id"`
	UserID      int64          `json:"user_id"`
	UserName    string         `json:"user_name"`
	Channel     notify.Channel `json:"channel"`
	Recipient   string         `json:"recipient"` // masked
	Title       string         `json:"title"`
	Status      notify.Status  `json:"status"`
	Attempts    int            `json:"attempts"`
	LastError   string         `json:"last_error"`
	Reason      notify.Reason  `json:"reason,omitempty"`
	NextAttempt time.Time      `json:"next_attempt"`
	Created     time.Time      `json:"created"`
}

// Deliveries is a list of deliveries.
type Deliveries struct {
	Items []Delivery `json:"items"`
}

func shownMessage(m notify.Message) Message {
	return Message{ID: m.ID, Kind: m.Kind, Title: m.Title, Body: m.Body, Link: m.Link, Created: m.Created, ReadAt: m.ReadAt}
}

func (h inboxHandlers) list(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	p := readParams(r, inboxParams)
	page, perPage := p.paging()
	if err := p.err(); err != nil {
		WriteError(w, r, err)
		return
	}
	ms, total, err := h.svc.Inbox(r.Context(), (page-1)*perPage, perPage)
	var unread int
	if err == nil {
		unread, err = h.svc.Unread(r.Context())
	}
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := Inbox{Items: make([]Message, len(ms)), Total: total, Unread: unread, Page: page, PerPage: perPage}
	for i, m := range ms {
		out.Items[i] = shownMessage(m)
	}
	WriteJSON(w, http.StatusOK, out)
}

// ShownPreferences returns preferences as the API and the pages show them.
func ShownPreferences(p notify.Preferences) NotificationPreferences {
	return NotificationPreferences{SMS: p.SMS, WeChat: p.WeChat, Email: p.Email, Mobile: p.Masked(notify.ChannelSMS),
		WeChatOpenID: p.Masked(notify.ChannelWeChat), EmailAddress: p.Masked(notify.ChannelEmail), Digest: p.Digest,
		QuietFrom: clock(p.QuietFrom), QuietTo: clock(p.QuietTo)}
}

func clock(min int) string {
	return time.Date(2000, 1, 1, min/60, min%60, 0, 0, time.UTC).Format("15:04")
}

func (h inboxHandlers) preferences(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	p, err := h.svc.Preferences(r.Context())
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, ShownPreferences(p))
}

func (h inboxHandlers) setPreferences(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	cur, err := h.svc.Preferences(r.Context())
	if err != nil {
		WriteError(w, r, err)
		return
	}
	in := ShownPreferences(cur)
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	err = h.svc.SetPreferences(r.Context(), in.Preferences())
	var p notify.Preferences
	if err == nil {
		p, err = h.svc.Preferences(r.Context())
	}
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, ShownPreferences(p))
}

// Preferences reads the shown preferences back; a time that is not
// HH:MM becomes -1, which the service's check names.
func (in NotificationPreferences) Preferences() notify.Preferences {
	p := notify.Preferences{SMS: in.SMS, WeChat: in.WeChat, Email: in.Email, Mobile: in.Mobile, WeChatOpenID: in.WeChatOpenID,
		EmailAddress: in.EmailAddress, Digest: in.Digest}
	for _, f := range []struct {
		v   string
		dst *int
	}{{in.QuietFrom, &p.QuietFrom}, {in.QuietTo, &p.QuietTo}} {
		*f.dst = -1
		if t, err := time.Parse("15:04", f.v); err == nil {
			*f.dst = t.Hour()*60 + t.Minute()
		}
	}
	return p
}

// DeliveryFilterOf reads the officers' filter of deliveries: status (one,
// or undelivered when empty), channel and reason.
func DeliveryFilterOf(get func(string) string) (notify.DeliveryFilter, error) {
	var f notify.DeliveryFilter
	var bad []huanxin.FieldError
	check := func(name string, ok bool) {
		if !ok {
			bad = append(bad, huanxin.FieldError{Field: name, Message: "取值无效 invalid value"})
		}
	}
	if v := notify.Status(get("status")); v != "" {
		check("status", slices.Contains([]notify.Status{notify.StatusQueued, notify.StatusSent, notify.StatusFailed}, v))
		f.Status = []notify.Status{v}
	}
	f.Channel, f.Reason = notify.Channel(get("channel")), notify.Reason(get("reason"))
	check("channel", f.Channel == "" || slices.Contains(notify.Channels, f.Channel))
	check("reason", f.Reason == "" || slices.Contains(notify.Reasons, f.Reason))
	if len(bad) > 0 {
		return f, huanxin.Invalid("输入有误 invalid input", bad...)
	}
	return f, nil
}

func shownDelivery(d *notify.Delivery) Delivery {
	return Delivery{ID: d.ID, CityID: d.CityID, UserID: d.UserID, UserName: d.UserName, Channel: d.Channel, Recipient: d.To, Title: d.Title,
		Status: d.Status, Attempts: d.Attempts, LastError: d.LastError, Reason: d.Reason, NextAttempt: d.NextAttempt, Created: d.Created}
}

func (h inboxHandlers) deliveries(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	p := readParams(r, deliveryParams)
	if err := p.err(); err != nil {
		WriteError(w, r, err)
		return
	}
	f, err := DeliveryFilterOf(p.get)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	f.Limit = 500
	ds, err := h.svc.Deliveries(r.Context(), f)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := Deliveries{Items: make([]Delivery, len(ds))}
	for i, d := range ds {
		out.Items[i] = shownDelivery(d)
	}
	WriteJSON(w, http.StatusOK, out)
}

// WeChatBinding binds a resident's WeChat openid ("" unbinds it); the
// answer shows it masked.
type WeChatBinding struct {
	OpenID string `json:"openid"`
}

// bindWeChat binds a resident's WeChat openid, as an officer.
func (h inboxHandlers) bindWeChat(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	var in WeChatBinding
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	if err := h.svc.BindWeChat(r.Context(), id, in.OpenID); err != nil {
		WriteError(w, r, err)
		return
	}
	p := notify.Preferences{WeChatOpenID: strings.TrimSpace(in.OpenID)}
	WriteJSON(w, http.StatusOK, WeChatBinding{OpenID: p.Masked(notify.ChannelWeChat)})
}
