package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/huanxin/huanxin"
)

// ErrorBody is the one shape of every error response.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the content of an error response.
type ErrorDetail struct {
	Code    string               `json:"code"`
	Message string               `json:"message"`
	Fields  []huanxin.FieldError `json:"fields,omitempty"`
}

// StatusFor returns the HTTP status of an error code; unknown codes are
// internal errors.
func StatusFor(code string) int {
	switch code {
	case huanxin.EINVALID:
		return http.StatusBadRequest
	case huanxin.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case huanxin.EFORBIDDEN:
		return http.StatusForbidden
	case huanxin.ENOTFOUND:
		return http.StatusNotFound
	case huanxin.ECONFLICT:
		return http.StatusConflict
	case huanxin.ETOOMANY:
		return http.StatusTooManyRequests
	case huanxin.EUNAVAILABLE:
		return http.StatusNotImplemented
	}
	return http.StatusInternalServerError
}

// WriteError writes err in the API's error format with the status of its
// code. Internal errors (any error that is not a *huanxin.Error, an
// EINTERNAL one, or an unknown code) are logged and answered with a generic
// message, so that their text never reaches the client.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	code := huanxin.ErrorCode(err)
	status := StatusFor(code)
	detail := ErrorDetail{Code: code, Message: huanxin.ErrorMessage(err), Fields: huanxin.ErrorFields(err)}
	if status == http.StatusInternalServerError {
		slog.ErrorContext(r.Context(), "api: internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		detail = ErrorDetail{Code: huanxin.EINTERNAL, Message: internalMessage}
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="huanxin"`)
	}
	WriteJSON(w, status, ErrorBody{Error: detail})
}

// internalMessage is the generic message shown for internal errors.
var internalMessage = huanxin.ErrorMessage(errors.New("internal"))

// WriteJSON writes v as JSON with the given status. Responses are not
// cached unless the handler has set Cache-Control itself.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		slog.Error("api: cannot encode response", "err", err)
		status = http.StatusInternalServerError
		b, _ = json.Marshal(ErrorBody{Error: ErrorDetail{Code: huanxin.EINTERNAL, Message: internalMessage}})
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
