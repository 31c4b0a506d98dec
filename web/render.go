package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/web/i18n"
)

//go:embed templates static
var files embed.FS

// Renderer holds the parsed page templates and the static files. It is safe
// for concurrent use.
type Renderer struct {
	pages  map[string]*template.Template
	assets assets
	base   *template.Template // layout and partials, for menuHTML
	menus  sync.Map           // menu key -> rendered template.HTML
	parts  contents           // pages' contents (Content) and parts of the layout (keptHTML), by key
}

// NewRenderer returns a Renderer for the embedded templates and static files.
func NewRenderer() (*Renderer, error) { return NewRendererFS(files) }

// NewRendererFS returns a Renderer for the files of fsys, laid out as
// described in the package documentation: templates/layout.html and
// templates/partials/*.html are parsed once, then each
// templates/pages/<name>.html is parsed into its own clone of them and
// becomes page <name>. Every page must define "content". Static files are
// read from static/ (which may be missing).
func NewRendererFS(fsys fs.FS) (*Renderer, error) {
	a, err := loadAssets(fsys)
	if err != nil {
		return nil, err
	}
	r := &Renderer{pages: map[string]*template.Template{}, assets: a}
	base, err := template.New("").Funcs(r.funcs()).ParseFS(fsys, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	if r.base, err = base.Clone(); err != nil {
		return nil, err
	}
	names, err := fs.Glob(fsys, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		page := strings.TrimSuffix(path.Base(name), ".html")
		t, err := base.Clone()
		if err == nil {
			t, err = t.ParseFS(fsys, name)
		}
		if err != nil {
			return nil, fmt.Errorf("web: parse page %s: %w", page, err)
		}
		if c := t.Lookup("content"); c == nil || c.Tree == nil || len(c.Tree.Root.Nodes) == 0 {
			return nil, fmt.Errorf("web: page %s does not define \"content\"", page)
		}
		// Escape now, so that a template an escaper rejects fails at start-up
		// rather than on a user's request. Executing without data fails
		// harmlessly after escaping; only escaping errors matter here.
		if err := t.ExecuteTemplate(io.Discard, "layout", nil); errors.As(err, new(*template.Error)) {
			return nil, fmt.Errorf("web: page %s: %w", page, err)
		}
		r.pages[page] = t
	}
	return r, nil
}

// Render executes the layout of page with data (a struct embedding Base)
// into a buffer, then sends it with the given status and
// "Content-Type: text/html; charset=utf-8". Cache-Control defaults to
// "private, no-cache" unless the handler has set it. On error nothing has been
// written to w, so the caller can still send an error page.
func (r *Renderer) Render(w http.ResponseWriter, status int, page string, data any) error {
	t, ok := r.pages[page]
	if !ok {
		return fmt.Errorf("web: no page %q", page)
	}
	buf := bufPool.Get().(*bytes.Buffer)
	defer func() { buf.Reset(); bufPool.Put(buf) }()
	if err := t.ExecuteTemplate(buf, "layout", data); err != nil {
		return fmt.Errorf("web: render %s: %w", page, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	h.Set("X-Content-Type-Options", "nosniff")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "private, no-cache")
	}
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

// menuHTML renders the menu tree once per language and menu (a role's
// items with one of them active) and then reuses it: every page shows the
// menu twice, and through html/template it was a tenth of a list page's
// cost.
func (r *Renderer) menuHTML(lang string, items []MenuItem) (template.HTML, error) {
	var key strings.Builder
	key.WriteString(lang)
	var walk func([]MenuItem)
	walk = func(items []MenuItem) {
		for _, it := range items {
			key.WriteByte('|')
			key.WriteString(it.Key)
			key.WriteByte(' ')
			key.WriteString(it.Href)
			if it.Active {
				key.WriteString(" *")
			}
			key.WriteByte('(')
			walk(it.Children)
			key.WriteByte(')')
		}
	}
	walk(items)
	if v, ok := r.menus.Load(key.String()); ok {
		return v.(template.HTML), nil
	}
	var b strings.Builder
	if err := r.base.ExecuteTemplate(&b, "menu", map[string]any{"Lang": lang, "Items": items}); err != nil {
		return "", err
	}
	h := template.HTML(b.String())
	r.menus.Store(key.String(), h)
	return h, nil
}

// keptHTML renders a part of the layout (name: "top", "bodytop",
// "switches") once per language, title, path, styling and text size, and
// then reuses it: these parts are the same for every reader of a page and
// were half of the layout's cost through html/template. A kept part may
// use only those fields of Base.
func (r *Renderer) keptHTML(name string, b Base) (template.HTML, error) {
	key := keptKey{name: name, lang: b.Lang, title: b.Title, path: b.Path, resident: b.Resident, big: b.Big}
	if h, ok := r.parts.get(key); ok {
		return h, nil
	}
	var w strings.Builder
	if err := r.base.ExecuteTemplate(&w, name, Base{Lang: b.Lang, Title: b.Title, Path: b.Path, Resident: b.Resident, Big: b.Big}); err != nil {
		return "", err
	}
	h := template.HTML(w.String())
	r.parts.put(key, h)
	return h, nil
}

// keptKey names what keptHTML renders.
type keptKey struct {
	name, lang, title, path string
	resident, big           bool
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Content returns the inside of <main> of page, rendering its "content"
// template with data() only the first time it is asked for key; a page
// puts the result in Base.Content and the layout shows it as it is. For
// pages read far more often than their data changes, whose content
// depends on nothing but key: key must hold the (cached, unchanging) data
// the content is made of, and the language. The kept contents are
// dropped all at once when there are contentsMax of them.
func (r *Renderer) Content(page string, key any, data func() any) (template.HTML, error) {
	if h, ok := r.parts.get(key); ok {
		return h, nil
	}
	t, ok := r.pages[page]
	if !ok {
		return "", fmt.Errorf("web: no page %q", page)
	}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, "content", data()); err != nil {
		return "", fmt.Errorf("web: render %s: %w", page, err)
	}
	h := template.HTML(b.String())
	r.parts.put(key, h)
	return h, nil
}

// contentsMax bounds the contents a Renderer keeps.
const contentsMax = 1024

// contents are rendered page contents by key.
type contents struct {
	mu sync.Mutex
	m  map[any]template.HTML
}

func (c *contents) get(key any) (template.HTML, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.m[key]
	return h, ok
}

func (c *contents) put(key any, h template.HTML) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= contentsMax {
		c.m = map[any]template.HTML{}
	}
	c.m[key] = h
}

// Static serves the static files for GET and HEAD, mounted at /static/
// (mux.Handle("GET /static/", r.Static())); it also accepts paths already
// stripped of that prefix. Every response has an ETag (a hash of the content)
// and answers If-None-Match with 304. Requests whose ?v= matches the current
// hash, as produced by StaticPath, may be cached for a year; others must be
// revalidated.
func (r *Renderer) Static() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
			return
		}
		name := strings.TrimPrefix(strings.TrimPrefix(req.URL.Path, "/static"), "/")
		a, ok := r.assets[name]
		if !ok {
			http.NotFound(w, req)
			return
		}
		h := w.Header()
		h.Set("ETag", `"`+a.hash+`"`)
		h.Set("Content-Type", a.ctype)
		h.Set("X-Content-Type-Options", "nosniff")
		if req.URL.Query().Get("v") == a.hash {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "public, no-cache")
		}
		http.ServeContent(w, req, name, time.Time{}, bytes.NewReader(a.data))
	})
}

// StaticPath returns the URL of an embedded static file with its content
// hash for cache busting, e.g. "/static/app.css?v=3f2a…". An unknown name
// gets no version.
func StaticPath(name string) string { return embeddedAssets().path(name) }

var embeddedAssets = sync.OnceValue(func() assets {
	a, err := loadAssets(files)
	if err != nil {
		panic(err) // the embedded files are always readable
	}
	return a
})

// asset is one static file held in memory.
type asset struct {
	data  []byte
	hash  string // hex of the content's SHA-256, shortened; also the ETag
	ctype string
}

// assets maps names relative to static/ ("app.css") to files.
type assets map[string]*asset

func loadAssets(fsys fs.FS) (assets, error) {
	a := assets{}
	err := fs.WalkDir(fsys, "static", func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == "static" {
			return fs.SkipDir
		}
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		ctype := mime.TypeByExtension(path.Ext(p))
		if ctype == "" {
			ctype = http.DetectContentType(data)
		}
		a[strings.TrimPrefix(p, "static/")] = &asset{data: data, hash: hex.EncodeToString(sum[:8]), ctype: ctype}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: read static files: %w", err)
	}
	return a, nil
}

func (a assets) path(name string) string {
	if x, ok := a[name]; ok {
		return "/static/" + name + "?v=" + x.hash
	}
	return "/static/" + name
}

// MenuItem is one entry of the menu tree. An item without Href is a group
// heading; Active marks the current page (aria-current="page").
type MenuItem struct {
	Key      string // i18n key of the label, e.g. "nav.estates"
	Href     string
	Active   bool
	Children []MenuItem
}

// Base is what the layout needs from every page. Each page's data struct
// embeds Base by value, so templates can use .Lang, .CSRF and so on.
type Base struct {
	Lang     string         // "zh-CN" or "en" (i18n.Match)
	Title    string         // already translated page title; the layout appends the app name
	Actor    *huanxin.Actor // nil when signed out: no user name and no sign-out form
	CSRF     string         // token for every POST form, field name "csrf"
	Menu     []MenuItem     // empty hides the menu
	Flash    string         // a one-time message shown above the content
	FlashErr bool           // Flash reports a failure (red, role=alert)
	Resident bool           // phone-first resident styling (body class "resident")
	Scopes   []ScopeOption  // jurisdiction switcher options; empty hides it
	Path     string         // current request path and query, where /lang and /scope return to
	Unread   int            // unread inbox messages, shown in the header
	Big      bool           // large-text (适老化) mode, chosen with the hx_big cookie (page_bigtext.go)
	Content  template.HTML  // the page's content already rendered (Renderer.Content); empty: its "content" template runs
}

// Layout returns the page's Base. The layout reads its fields from it:
// html/template looks a field up by name on every use, and on a page's
// struct a field of the embedded Base is found only by a search through
// the embedding (a fifth of a page's rendering).
func (b Base) Layout() Base { return b }

// ScopeOption is one jurisdiction in the switcher, in tree order; Depth
// indents it (0 for the top).
type ScopeOption struct {
	ID       int64
	Name     string
	Depth    int
	Selected bool
}

// Label returns the name indented by Depth ideographic spaces, as shown in
// the <select> (options cannot hold markup).
func (o ScopeOption) Label() string { return strings.Repeat("\u3000", max(o.Depth, 0)) + o.Name }

// Pager is the data of the "pager" partial. Query holds the list's current
// query parameters (filters), kept in the page links; Lang is the page's
// language.
type Pager struct {
	Page, Pages, Total int
	Query              url.Values
	Lang               string
}

// NewPager returns the pager of a list of total items shown perPage at a time,
// with page clamped to 1…Pages (Pages is at least 1).
func NewPager(page, perPage, total int, q url.Values, lang string) Pager {
	pages := 1
	if perPage > 0 && total > 0 {
		pages = (total + perPage - 1) / perPage
	}
	return Pager{Page: min(max(page, 1), pages), Pages: pages, Total: total, Query: q, Lang: lang}
}

// PageOf returns the page number in the "page" query parameter, 1 if it is
// missing or not a positive integer. The offset of the page's first row is
// (PageOf(q)-1)*perPage.
func PageOf(q url.Values) int {
	n, err := strconv.Atoi(q.Get("page"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// Numbers returns the page numbers to link: the first, the last, and two on
// either side of the current page, with 0 standing for a gap ("…").
func (p Pager) Numbers() []int {
	out := []int{1}
	for n := max(p.Page-2, 2); n <= min(p.Page+2, p.Pages); n++ {
		if n > out[len(out)-1]+1 {
			out = append(out, 0)
		}
		out = append(out, n)
	}
	if last := out[len(out)-1]; p.Pages > last {
		if p.Pages > last+1 {
			out = append(out, 0)
		}
		out = append(out, p.Pages)
	}
	return out
}

// LocalPath returns s if it is a path on this site ("/estates?page=2"), and
// "/" otherwise, so that a "back" parameter cannot redirect elsewhere.
func LocalPath(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(s, "/") ||
		strings.HasPrefix(s, "//") || strings.ContainsAny(s, "\\\r\n\t") {
		return "/"
	}
	return s
}

func (r *Renderer) funcs() template.FuncMap {
	return template.FuncMap{
		"t":      i18n.T,
		"menu":   r.menuHTML,
		"kept":   r.keptHTML,
		"area":   func(a huanxin.Area) string { return a.String() },
		"money":  func(m huanxin.Money) string { return groupThousands(m.String()) },
		"when":   timeFormatter("2006-01-02 15:04"),
		"date":   timeFormatter("2006-01-02"),
		"add":    func(a, b int) int { return a + b },
		"sub":    func(a, b int) int { return a - b },
		"seq":    seq,
		"static": r.assets.path,
		"query":  query,
		"dict":   dict,
		"langs":  func() []string { return i18n.Langs },
		"fielderr": func(errs []huanxin.FieldError, field string) string {
			for _, e := range errs {
				if e.Field == field {
					return e.Message
				}
			}
			return ""
		},
	}
}

// timeFormatter formats a time.Time or *time.Time in Asia/Shanghai; zero
// times and nil give "".
func timeFormatter(layout string) func(any) (string, error) {
	return func(v any) (string, error) {
		var t time.Time
		switch x := v.(type) {
		case time.Time:
			t = x
		case *time.Time:
			if x != nil {
				t = *x
			}
		case nil:
		default:
			return "", fmt.Errorf("web: cannot format %T as a time", v)
		}
		if t.IsZero() {
			return "", nil
		}
		return t.In(huanxin.Shanghai).Format(layout), nil
	}
}

// groupThousands inserts commas into the integer part of a decimal string.
func groupThousands(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return sign + b.String()
}

// seq returns from, from+1, …, to (empty when to < from).
func seq(from, to int) []int {
	var out []int
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

// query returns "?" and the encoded q with key set to value, or removed when
// value formats as "". q itself is not changed.
func query(q url.Values, key string, value any) string {
	v := url.Values{}
	maps.Copy(v, q)
	if s := fmt.Sprint(value); s == "" {
		v.Del(key)
	} else {
		v.Set(key, s)
	}
	return "?" + v.Encode()
}

// dict builds a map from alternating string keys and values.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, errors.New("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}
