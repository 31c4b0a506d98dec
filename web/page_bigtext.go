package web

import "net/http"

// bigCookie keeps the large-text (适老化) choice for a year, for signed-in
// and anonymous visitors alike (the sign-in page is large too).
const bigCookie = "hx_big"

// bigText reports whether the visitor chose large text.
func bigText(r *http.Request) bool {
	c, err := r.Cookie(bigCookie)
	return err == nil && c.Value == "1"
}

// bigTextSet switches large text on (on=1) or off (anything else) and
// returns to the local page named by back. It answers GET so that the
// switch is a plain link that works without scripts, as /lang does; the
// choice only changes how pages look.
func (p *Pages) bigTextSet(w http.ResponseWriter, r *http.Request) {
	c := &http.Cookie{Name: bigCookie, Value: "1", Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode}
	if r.FormValue("on") != "1" {
		c.Value, c.MaxAge = "", -1
	}
	http.SetCookie(w, c)
	http.Redirect(w, r, LocalPath(r.FormValue("back")), http.StatusSeeOther)
}
