package web

import (
	"net/http"
	"net/url"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/api"
	"github.com/huanxin/huanxin/notify"
)

// inboxPage is the signed-in user's messages, newest first.
type inboxPage struct {
	Base
	Messages []notify.Message
	Pager    Pager
}

// prefsPage is the user's notification preferences.
type prefsPage struct {
	Base
	Form    api.NotificationPreferences
	Errors  []huanxin.FieldError
	Message string
}

const inboxPerPage = 20

func (p *Pages) inboxOn(w http.ResponseWriter, r *http.Request) bool {
	if p.Notify == nil {
		p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "通知功能未启用 notifications are not enabled"))
		return false
	}
	return true
}

func (p *Pages) inbox(w http.ResponseWriter, r *http.Request) {
	if !p.inboxOn(w, r) {
		return
	}
	page := PageOf(r.URL.Query())
	ms, total, err := p.Notify.Inbox(r.Context(), (page-1)*inboxPerPage, inboxPerPage)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &inboxPage{Base: p.base(r, "inbox.title"), Messages: ms}
	pg.Pager = NewPager(page, inboxPerPage, total, url.Values{}, pg.Lang)
	p.render(w, r, http.StatusOK, "inbox", pg)
}

// inboxOpen marks a message read and follows its link.
func (p *Pages) inboxOpen(w http.ResponseWriter, r *http.Request) {
	if !p.inboxOn(w, r) {
		return
	}
	id, err := pathID(r)
	var m *notify.Message
	if err == nil {
		m, err = p.Notify.Read(r.Context(), id)
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	to := "/inbox"
	if m.Link != "" {
		to = LocalPath(m.Link)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (p *Pages) inboxPreferences(w http.ResponseWriter, r *http.Request) {
	if !p.inboxOn(w, r) {
		return
	}
	prefs, err := p.Notify.Preferences(r.Context())
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "inbox_prefs", &prefsPage{Base: p.base(r, "inbox.prefs.title"), Form: api.ShownPreferences(prefs)})
}

func (p *Pages) inboxPreferencesSave(w http.ResponseWriter, r *http.Request) {
	if !p.inboxOn(w, r) {
		return
	}
	on := func(name string) bool { return r.PostFormValue(name) != "" }
	f := api.NotificationPreferences{SMS: on("sms"), WeChat: on("wechat"), Email: on("email"), Mobile: r.PostFormValue("mobile"),
		WeChatOpenID: r.PostFormValue("wechat_openid"), EmailAddress: r.PostFormValue("email_address"),
		Digest: r.PostFormValue("digest") == "daily", QuietFrom: r.PostFormValue("quiet_from"), QuietTo: r.PostFormValue("quiet_to")}
	err := p.Notify.SetPreferences(r.Context(), f.Preferences())
	switch {
	case err == nil:
		redirect(w, r, "/inbox/preferences", "prefs_saved")
	case huanxin.ErrorCode(err) == huanxin.EINVALID:
		p.render(w, r, http.StatusBadRequest, "inbox_prefs", &prefsPage{Base: p.base(r, "inbox.prefs.title"), Form: f,
			Errors: huanxin.ErrorFields(err), Message: huanxin.ErrorMessage(err)})
	default:
		p.fail(w, r, err)
	}
}
