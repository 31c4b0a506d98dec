package huanxin

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes. Each maps to one HTTP status in web and api.
const (
	ECONFLICT     = "conflict"      // unique key already taken, stale update
	EINTERNAL     = "internal"      // a bug or an outage; message is not shown to users
	EINVALID      = "invalid"       // bad input; Fields names what is wrong
	ENOTFOUND     = "not_found"     // missing, or outside the actor's scope (no leaking existence)
	EFORBIDDEN    = "forbidden"     // visible but the actor may not change it
	EUNAUTHORIZED = "unauthorized"  // not signed in or bad credentials
	ETOOMANY      = "too_many"      // throttled
	EUNAVAILABLE  = "not_available" // a feature that needs something the deployment lacks
)

// Error is the one error type of the application. Message is safe to show to
// the user; Fields lists per-field (or per-cell) problems of invalid input.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
}

// FieldError names one bad value. Sheet and Row are set for imported files
// (Row is 1-based as shown by spreadsheet programs); Field is the column
// header or form field name.
type FieldError struct {
	Sheet   string `json:"sheet,omitempty"`
	Row     int    `json:"row,omitempty"`
	Column  string `json:"column,omitempty"` // spreadsheet column letters, e.g. "C"
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (f FieldError) String() string {
	var b strings.Builder
	if f.Sheet != "" {
		fmt.Fprintf(&b, "%s ", f.Sheet)
	}
	if f.Row > 0 {
		fmt.Fprintf(&b, "第%d行 ", f.Row)
	}
	if f.Column != "" {
		fmt.Fprintf(&b, "%s列 ", f.Column)
	}
	fmt.Fprintf(&b, "%s：%s", f.Field, f.Message)
	return b.String()
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("huanxin error: code=%s message=%s", e.Code, e.Message)
	}
	parts := make([]string, 0, len(e.Fields))
	for _, f := range e.Fields {
		parts = append(parts, f.String())
	}
	return fmt.Sprintf("huanxin error: code=%s message=%s fields=[%s]", e.Code, e.Message, strings.Join(parts, "; "))
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error listing field problems.
func Invalid(message string, fields ...FieldError) *Error {
	return &Error{Code: EINVALID, Message: message, Fields: fields}
}

// ErrorCode returns the code of an application error, EINTERNAL for any other
// non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of an application error, or a
// generic message for internal errors.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "内部错误 internal error"
}

// ErrorFields returns the field problems of an application error.
func ErrorFields(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
