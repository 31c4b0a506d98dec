package api

import (
	"context"
	"net/http"
)

// objector is a service whose published things take residents'
// objections and officers' answers: decisions' results, notices.
type objector[T any] interface {
	Objections(ctx context.Context, id int64) ([]T, error)
	Object(ctx context.Context, id int64, body string) (*T, error)
	Answer(ctx context.Context, id, objectionID int64, answer string) (*T, error)
}

// objectionRoutes adds GET and POST base/{id}/objections and POST
// base/{id}/objections/{objection}/answer over svc; show turns an
// objection into its JSON form and list wraps a list of them.
func objectionRoutes[T, U any](a *API, base string, svc objector[T], show func(T) U, list func([]U) any) {
	a.handle("GET "+base+"/{id}/objections", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := actorAndID(w, r)
		if !ok {
			return
		}
		os, err := svc.Objections(r.Context(), id)
		if err != nil {
			WriteError(w, r, err)
			return
		}
		out := make([]U, len(os))
		for i, o := range os {
			out[i] = show(o)
		}
		WriteJSON(w, http.StatusOK, list(out))
	}), nil)
	a.handle("POST "+base+"/{id}/objections", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := actorAndID(w, r)
		if !ok {
			return
		}
		var in ObjectionInput
		if err := decodeBody(w, r, &in); err != nil {
			WriteError(w, r, err)
			return
		}
		o, err := svc.Object(r.Context(), id, in.Body)
		if err != nil {
			WriteError(w, r, err)
			return
		}
		WriteJSON(w, http.StatusCreated, show(*o))
	}), nil)
	a.handle("POST "+base+"/{id}/objections/{objection}/answer", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := actorAndID(w, r)
		if !ok {
			return
		}
		oid, err := fileID(r, "objection")
		if err != nil {
			WriteError(w, r, err)
			return
		}
		var in AnswerInput
		if err := decodeBody(w, r, &in); err != nil {
			WriteError(w, r, err)
			return
		}
		o, err := svc.Answer(r.Context(), id, oid, in.Answer)
		if err != nil {
			WriteError(w, r, err)
			return
		}
		WriteJSON(w, http.StatusOK, show(*o))
	}), nil)
}
