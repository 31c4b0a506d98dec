// Package web renders Huanxin's server-side HTML pages with html/template.
// Everything a page needs — templates, the stylesheet, the script, the icon
// and the locale catalogs (package i18n) — is embedded in the binary: the
// platform runs on air-gapped intranets with no CDN, outside font or script.
// Pages work without JavaScript; static/app.js only enhances them.
//
// # Files
//
//	templates/layout.html      defines "layout" (the whole document) and "menu"
//	templates/partials/*.html  shared blocks: "flash", "pager", "fielderrors"
//	templates/pages/<name>.html one file per page, rendered as Render(w, status, "<name>", data)
//	static/                    app.css, app.js, favicon.svg, served by Renderer.Static
//
// # Writing a page
//
// A page file defines "content" (required: the inside of <main>) and may
// define "head" (extra elements at the end of <head>). Its data is a struct
// that embeds Base by value, so the layout and the page can use .Lang,
// .CSRF, .Flash and so on:
//
//	type estateListPage struct {
//		web.Base
//		Estates []estate.Estate
//		Pager   web.Pager
//	}
//
//	{{define "content"}}
//	<div class="page-head"><h1>{{.Title}}</h1></div>
//	<form class="filters" method="get"> … <button class="btn primary">{{t $.Lang "common.search"}}</button></form>
//	<div class="table-wrap"><table class="data"> … {{area .LandArea}} … </table></div>
//	{{template "pager" .Pager}}
//	{{end}}
//
// Render executes into a buffer, so on error nothing has been written and the
// handler can still send an error page. Templates contain no inline script
// or style, so a Content-Security-Policy of "default-src 'self'" holds.
//
// # Routes the layout links to
//
// The handlers for these are written elsewhere; the layout relies on them:
//
//	GET  /static/…           Renderer.Static
//	GET  /lang?to=&back=     set the language cookie to i18n.Match("", to), redirect to LocalPath(back)
//	GET  /scope?id=&back=    switch the jurisdiction (a ScopeOption.ID), redirect to LocalPath(back)
//	POST /logout             sign out; the form carries the CSRF token in field "csrf"
//
// Every POST form must carry <input type="hidden" name="csrf" value="{{$.CSRF}}">.
//
// # Template functions
//
//	t        i18n.T:              {{t $.Lang "nav.estates"}}, {{t $.Lang "pager.total" 12}}, {{t $.Lang (print "status." .Status)}}
//	area     huanxin.Area:        {{area .Area}} → "85.32"
//	money    huanxin.Money:       {{money .Amount}} → "1,200.50" (yuan, grouped)
//	when     time.Time or *time.Time in Asia/Shanghai: "2006-01-02 15:04"; zero or nil → ""
//	date     the same as "2006-01-02"
//	add, sub int arithmetic:      {{add .Page 1}}
//	seq      inclusive int range: {{range seq 1 5}}
//	static   versioned URL of a static file: {{static "app.css"}} → "/static/app.css?v=…"
//	query    ?-query string from url.Values with one key set (or removed when the value is ""):
//	         {{query .Pager.Query "page" 2}} → "?page=2&q=…"
//	dict     a map from key/value pairs, to pass several values to a template:
//	         {{template "fielderrors" (dict "Lang" $.Lang "Errors" .Errors)}}
//	langs    i18n.Langs
//	fielderr the message of the first huanxin.FieldError for a form field, or "":
//	         {{with fielderr .Errors "name"}}<p class="field-error" id="name-err">{{.}}</p>{{end}}
//
// # Partials
//
//	{{template "flash" .}}         page data (Base): .Flash, shown as role=status, or role=alert when .FlashErr; the layout already includes it
//	{{template "pager" .Pager}}    a Pager: totals, previous/next and page-number links keeping the other query parameters
//	{{template "fielderrors" (dict "Lang" $.Lang "Errors" .Errors)}}
//	                               []huanxin.FieldError as a table (sheet, row, column, field, problem), e.g. import results; nothing when empty
//
// # Markup conventions (styled by static/app.css)
//
// Form field with an inline error:
//
//	<div class="field">
//	  <label for="f-name">名称<abbr class="req" title="{{t $.Lang "common.required"}}">*</abbr></label>
//	  <input id="f-name" name="name" required{{with fielderr .Errors "name"}} aria-invalid="true" aria-describedby="f-name-err"{{end}}>
//	  {{with fielderr .Errors "name"}}<p class="field-error" id="f-name-err">{{.}}</p>{{end}}
//	</div>
//
// Other classes: .page-head and .actions (title row and button row),
// form.filters (filter bar above a table), .table-wrap > table.data (zebra
// table with sticky header, scrolls sideways on phones), .btn, .btn.primary,
// .btn.danger, .btn.link, .cards > .card (resident pages; set Base.Resident
// for larger type and 44px tap targets), dl.kv (label/value pairs), .badge
// (.good, .warn, .bad), .map (an svgmap drawing), .num (right-aligned
// figures), .muted, .sr-only.
//
// A multipart upload form with data-progress="{{t $.Lang "upload.progress"}}"
// shows an upload progress bar when JavaScript runs; the response must be an
// HTML page (or a redirect to one). A <select data-autosubmit> submits its
// form when changed.
package web
