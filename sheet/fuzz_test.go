package sheet

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// readAny reads data to the end through every accessor and helper and checks
// that the only failures are EINVALID errors.
func readAny(t *testing.T, data []byte, name string) {
	r, err := Open(bytes.NewReader(data), name, testTpl)
	if err != nil {
		if huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("Open: %v", err)
		}
		return
	}
	defer r.Close()
	var e Errors
	last := 0
	for r.Next() {
		row := r.Row()
		if row.Line <= last {
			t.Fatalf("row %d after row %d", row.Line, last)
		}
		last = row.Line
		for _, key := range allKeys {
			v := row.Get(key)
			if !utf8.ValidString(v) || v != strings.TrimSpace(v) || v != "" && !row.Has(key) {
				t.Fatalf("Get(%s) = %q", key, v)
			}
		}
		row.Str(&e, "owner", 10)
		row.Int(&e, "floor", -5, 200)
		row.Centi(&e, "area")
		row.Bool(&e, "elevator")
		row.Year(&e, "year")
		row.Enum(&e, "use", map[string]string{"住宅": "residential"})
	}
	if err := r.Err(); err != nil && huanxin.ErrorCode(err) != huanxin.EINVALID {
		t.Fatalf("Err: %v", err)
	}
	if err := e.Err(); (err != nil) != (e.Len() > 0) {
		t.Fatalf("Errors: %d, %v", e.Len(), err)
	}
}

func FuzzReadCSV(f *testing.F) {
	var buf bytes.Buffer
	w, err := NewCSVWriter(&buf, testTpl)
	if err != nil {
		f.Fatal(err)
	}
	for _, v := range exportRows {
		if err := w.Write(v...); err != nil {
			f.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		f.Fatal(err)
	}
	gbk, _ := simplifiedchinese.GBK.NewEncoder().Bytes(buf.Bytes()[3:])
	for _, seed := range [][]byte{buf.Bytes(), gbk, csvOf("estate_code,building,room", "\"a\nb\",\"\",x"), []byte("小区编码,楼栋号,房号\n\n,,\n\xff\xfe,1,2")} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) { readAny(t, data, "f.csv") })
}

func FuzzReadXLSX(f *testing.F) {
	var tpl, export bytes.Buffer
	if err := WriteTemplate(&tpl, testTpl, "zh"); err != nil {
		f.Fatal(err)
	}
	w, err := NewXLSXWriter(&export, testTpl)
	if err != nil {
		f.Fatal(err)
	}
	for _, v := range exportRows {
		if err := w.Write(v...); err != nil {
			f.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		f.Fatal(err)
	}
	f.Add(tpl.Bytes())
	f.Add(export.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) { readAny(t, data, "f.xlsx") })
}
