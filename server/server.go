// Package server wires the HTTP side: authentication (session cookies and
// bearer tokens), CSRF protection, security headers, logging, metrics and
// health checks around the web pages and the JSON API.
package server

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
	"github.com/huanxin/huanxin/api"
	"github.com/huanxin/huanxin/store"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// SessionCookie is the name of the session cookie.
const SessionCookie = "hx_session"

// Server holds what the HTTP side needs.
type Server struct {
	DB       *store.DB
	Accounts *account.Service
	Log      *slog.Logger
	// Secure marks cookies Secure (behind TLS); off for plain-HTTP intranet
	// deployments where TLS ends at a proxy that sets X-Forwarded-Proto.
	Secure bool
	// MaxForm is the largest multipart form read to find a form's CSRF
	// token; 0 means api.MaxUpload (the largest import).
	MaxForm int64

	mux      *http.ServeMux
	slots    chan struct{}
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

// Mounter registers routes on the mux (api.API, web pages).
type Mounter interface{ Register(mux *http.ServeMux) }

// New builds the server and mounts the given route sets.
func New(db *store.DB, accounts *account.Service, log *slog.Logger, mounts ...Mounter) *Server {
	s := &Server{DB: db, Accounts: accounts, Log: log, mux: http.NewServeMux(), registry: prometheus.NewRegistry(),
		slots: make(chan struct{}, 2*runtime.GOMAXPROCS(0))}
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "huanxin_http_requests_total",
		Help: "HTTP requests by route pattern and status class."}, []string{"route", "code"})
	s.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "huanxin_http_request_seconds",
		Help: "HTTP request latency by route pattern.", Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14)}, []string{"route"})
	s.registry.MustRegister(s.requests, s.latency, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	s.mux.HandleFunc("GET /readyz", s.ready)
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{}))
	for _, m := range mounts {
		m.Register(s.mux)
	}
	return s
}

func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.DB.Ping(ctx); err != nil {
		http.Error(w, "database unreachable", http.StatusServiceUnavailable)
		return
	}
	if ok, err := s.DB.MigrationsCurrent(ctx); err != nil || !ok {
		http.Error(w, "migrations pending", http.StatusServiceUnavailable)
		return
	}
	w.Write([]byte("ready\n"))
}

type sessionKey struct{}

// SessionFromContext returns the raw session ID and the session of a
// cookie-authenticated request.
func SessionFromContext(ctx context.Context) (string, *account.Session) {
	v, _ := ctx.Value(sessionKey{}).(sessionVal)
	return v.raw, v.sess
}

type sessionVal struct {
	raw  string
	sess *account.Session
}

// Handler returns the full handler chain.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: 200}
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'")
		// Admission: a few requests run at once and the rest wait in turn
		// (channel waiters are served first come, first served). Under
		// overload this keeps latency even instead of letting the
		// scheduler favour the newest requests, and it bounds the work
		// the database sees at once.
		select {
		case s.slots <- struct{}{}:
		case <-r.Context().Done():
			return
		}
		defer func() { <-s.slots }()
		r, err := s.authenticate(r)
		if raw, sess := SessionFromContext(r.Context()); sess != nil && sess.Renewed {
			s.SetSessionCookie(rec, raw, sess.Expires)
		}
		if err != nil {
			api.WriteError(rec, r, err)
		} else if err := s.checkCSRF(rec, r); err != nil {
			api.WriteError(rec, r, err)
		} else {
			s.mux.ServeHTTP(rec, r)
		}
		_, pattern := s.mux.Handler(r)
		if pattern == "" {
			pattern = "unmatched"
		}
		d := time.Since(start)
		s.requests.WithLabelValues(pattern, strconv.Itoa(rec.status/100)+"xx").Inc()
		s.latency.WithLabelValues(pattern).Observe(d.Seconds())
		if rec.status >= 500 || s.Log.Enabled(r.Context(), slog.LevelDebug) {
			s.Log.Info("request", "method", r.Method, "path", r.URL.Path, "status", rec.status, "dur", d)
		}
	})
}

// authenticate puts the actor of a bearer token or session cookie in the
// request context. Bad or expired credentials leave the request anonymous
// (pages then redirect to sign-in), except a bad bearer token, which is
// refused outright.
func (s *Server) authenticate(r *http.Request) (*http.Request, error) {
	ctx := r.Context()
	if auth := r.Header.Get("Authorization"); auth != "" {
		raw, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok {
			return r, huanxin.Errorf(huanxin.EUNAUTHORIZED, "仅支持 Bearer 令牌 only Bearer tokens are accepted")
		}
		a, err := s.Accounts.TokenActor(ctx, strings.TrimSpace(raw))
		if err != nil {
			return r, err
		}
		return r.WithContext(huanxin.NewContextWithActor(ctx, a)), nil
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return r, nil
	}
	a, sess, err := s.Accounts.SessionActor(ctx, c.Value)
	if err != nil {
		if huanxin.ErrorCode(err) == huanxin.EUNAUTHORIZED {
			return r, nil
		}
		return r, err
	}
	ctx = huanxin.NewContextWithActor(ctx, a)
	ctx = context.WithValue(ctx, sessionKey{}, sessionVal{raw: c.Value, sess: sess})
	return r.WithContext(ctx), nil
}

// checkCSRF requires the session's token on every state-changing request
// authenticated by cookie (form field "csrf" or header X-CSRF-Token).
// Bearer-token requests carry no ambient credentials and need none.
//
// A multipart form's token is read from the body, which is then capped at
// MaxForm before anything is parsed: the handlers' own limits apply only
// later, and an unbounded parse would spool any amount to disk.
func (s *Server) checkCSRF(w http.ResponseWriter, r *http.Request) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	_, sess := SessionFromContext(r.Context())
	if sess == nil {
		return nil // anonymous (sign-in, redeem) or bearer
	}
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			limit := s.MaxForm
			if limit <= 0 {
				limit = api.MaxUpload
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			r.ParseMultipartForm(64 << 20)
		}
		got = r.FormValue("csrf")
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRF)) != 1 {
		return huanxin.Errorf(huanxin.EFORBIDDEN, "页面已过期，请刷新后重试 the form has expired (CSRF check failed); reload and try again")
	}
	return nil
}

// SetSessionCookie writes the session cookie.
func (s *Server) SetSessionCookie(w http.ResponseWriter, raw string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: raw, Path: "/", Expires: expires,
		HttpOnly: true, Secure: s.Secure, SameSite: http.SameSiteLaxMode})
}

// ClearSessionCookie removes the session cookie.
func (s *Server) ClearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.Secure, SameSite: http.SameSiteLaxMode})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
