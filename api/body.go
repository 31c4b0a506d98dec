package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin"
)

// MaxBody is the largest request body accepted, in bytes.
const MaxBody = 1 << 20

// checkContentType refuses bodies that are not declared as JSON. Besides
// being honest, this keeps cross-site HTML forms (which cannot send
// application/json without a CORS preflight) from writing with a session
// cookie.
func checkContentType(r *http.Request) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return huanxin.Invalid("请求须为 JSON request body must be JSON",
			huanxin.FieldError{Field: "Content-Type", Message: "须为 application/json must be application/json"})
	}
	return nil
}

// decodeBody decodes the JSON object of the request body onto v, a pointer
// to a struct: only the fields present change. Unknown fields, syntax and
// type errors are EINVALID errors naming the field (or "body" for the body
// as a whole); every bad field is reported, not only the first.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	if err := checkContentType(r); err != nil {
		return err
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return bodyError("请求过大 request body too large (max " + strconv.Itoa(MaxBody>>20) + " MiB)")
	} else if err != nil {
		return bodyError("无法读取请求 cannot read request body")
	}
	return decodeObject(bytes.TrimSpace(b), v)
}

func bodyError(msg string) error {
	return huanxin.Invalid("请求有误 invalid request body", huanxin.FieldError{Field: "body", Message: msg})
}

// decodeObject decodes a JSON object onto v one member at a time, so that
// each problem is attributed to its member, whatever the decoder's error.
func decodeObject(b []byte, v any) error {
	if len(b) == 0 {
		return bodyError("请求为空 request body is empty")
	}
	if b[0] != '{' {
		return bodyError("须为 JSON 对象 must be a JSON object")
	}
	var members map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(b))
	var syntax *json.SyntaxError
	if err := dec.Decode(&members); errors.As(err, &syntax) {
		return bodyError("JSON 格式错误 malformed JSON at byte " + strconv.FormatInt(syntax.Offset, 10) + ": " + syntax.Error())
	} else if err != nil {
		return bodyError("JSON 格式错误 malformed JSON: " + strings.TrimPrefix(err.Error(), "json: "))
	}
	if dec.InputOffset() != int64(len(b)) {
		return bodyError("JSON 对象之后还有内容 unexpected data after the JSON object")
	}
	var bad []huanxin.FieldError
	for _, name := range slices.Sorted(maps.Keys(members)) {
		one, err := json.Marshal(map[string]json.RawMessage{name: members[name]})
		if err != nil {
			return bodyError("JSON 格式错误 malformed JSON")
		}
		d := json.NewDecoder(bytes.NewReader(one))
		d.DisallowUnknownFields()
		if err := d.Decode(v); err != nil {
			bad = append(bad, huanxin.FieldError{Field: name, Message: memberProblem(err)})
		}
	}
	if len(bad) > 0 {
		return huanxin.Invalid("请求有误 invalid request body", bad...)
	}
	return nil
}

// memberProblem describes why one member of the body could not be decoded.
func memberProblem(err error) string {
	var typ *json.UnmarshalTypeError
	switch {
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "未知字段 unknown field"
	case errors.As(err, &typ):
		return "类型错误 must be " + jsonType(typ.Type) + ", not " + typ.Value
	}
	return "取值无效 invalid value"
}

// jsonType names the JSON type a Go type is decoded from.
func jsonType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "an object"
}
