package api

import (
	"log/slog"
	"net/http"
	"strconv"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
)

// List is the envelope of every list response.
type List[T any] struct {
	Items   []*T `json:"items"`
	Total   int  `json:"total"`
	Page    int  `json:"page"`
	PerPage int  `json:"per_page"`
}

// resource adds the four routes of one register entity at Prefix/name:
// list, get, create and update (PATCH). filters names the list query
// parameters that apply to it, besides page and per_page.
func resource[T any](a *API, name string, repo *estate.Repo[T], filters ...string) {
	for _, f := range filters {
		if filterParams[f] == nil {
			panic("api: unknown filter parameter " + f)
		}
	}
	base := Prefix + "/" + name
	h := handlers[T]{repo: repo, base: base, filters: filters}
	a.handle("GET "+base, http.HandlerFunc(h.list), append([]string{"page", "per_page"}, filters...))
	a.handle("GET "+base+"/{id}", http.HandlerFunc(h.get), nil)
	a.handle("POST "+base, http.HandlerFunc(h.create), nil)
	a.handle("PATCH "+base+"/{id}", http.HandlerFunc(h.update), nil)
}

type handlers[T any] struct {
	repo    *estate.Repo[T]
	base    string
	filters []string
}

func (h handlers[T]) list(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	f, page, perPage, err := parseList(r, h.filters)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	items, total, err := h.repo.Find(r.Context(), f)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	if items == nil {
		items = []*T{}
	}
	WriteJSON(w, http.StatusOK, List[T]{Items: items, Total: total, Page: page, PerPage: perPage})
}

func (h handlers[T]) get(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	v, err := h.repo.Get(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, v)
}

func (h handlers[T]) create(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	v := new(T)
	if err := decodeBody(w, r, v); err != nil {
		WriteError(w, r, err)
		return
	}
	if err := h.repo.Create(r.Context(), v); err != nil {
		WriteError(w, r, err)
		return
	}
	id := h.repo.ID(v)
	w.Header().Set("Location", h.base+"/"+strconv.FormatInt(id, 10))
	WriteJSON(w, http.StatusCreated, h.reload(r, id, v))
}

func (h handlers[T]) update(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	// The body is decoded onto the loaded record, so that only the fields
	// present change; the service then restores what may not change.
	v, err := h.repo.Update(r.Context(), id, func(v *T) error { return decodeBody(w, r, v) })
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, h.reload(r, id, v))
}

// reload reads a record back after a write, so that the response shows it
// as stored (timestamps, display names, masked phone numbers); if that
// fails, the written value is returned, since the write itself succeeded.
func (h handlers[T]) reload(r *http.Request, id int64, written *T) *T {
	v, err := h.repo.Get(r.Context(), id)
	if err != nil {
		slog.WarnContext(r.Context(), "api: cannot read back a written record", "path", r.URL.Path, "id", id, "err", err)
		return written
	}
	return v
}

// pathID parses the {id} path segment.
func pathID(r *http.Request) (int64, error) {
	s := r.PathValue("id")
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, huanxin.Invalid("编号无效 invalid id",
			huanxin.FieldError{Field: "id", Message: "须为正整数 must be a positive integer"})
	}
	return id, nil
}
