package sheet

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/xuri/excelize/v2"
)

var allKeys = func() (keys []string) {
	for _, c := range testTpl.Columns {
		keys = append(keys, c.Key)
	}
	return keys
}()

// exportRows are written by the writer tests; exportWant is how they read back.
var (
	exportRows = [][]any{
		{"001", 3, "1-201", huanxin.Area(8532), int64(2), 1998, true, "住宅", "=1+1", "013800000000"},
		{"002", uint8(4), "2-101", huanxin.Money(120050), -1, nil, false, "商业", "王五", time.Date(2024, 5, 1, 16, 0, 0, 0, time.UTC)},
		{"003", "", "3-1"},
	}
	exportWant = []got{
		{2, []string{"001", "3", "1-201", "85.32", "2", "1998", "是", "住宅", "=1+1", "013800000000"}},
		{3, []string{"002", "4", "2-101", "1200.50", "-1", "", "否", "商业", "王五", "2024-05-02 00:00:00"}},
		{4, []string{"003", "", "3-1", "", "", "", "", "", "", ""}},
	}
)

func TestXLSXRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewXLSXWriter(&buf, testTpl)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range exportRows {
		if err := w.Write(v...); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Write(make([]any, 11)...); err == nil {
		t.Error("Write accepted 11 values for 10 columns")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	// Named .csv: the content decides.
	r := open(t, buf.Bytes(), "房屋.csv")
	if r.Sheet() != "房屋" {
		t.Errorf("Sheet = %q", r.Sheet())
	}
	rows := readRows(t, r, allKeys...)
	if !reflect.DeepEqual(rows, exportWant) {
		t.Errorf("rows = %+v\nwant %+v", rows, exportWant)
	}

	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for cell, want := range map[string]excelize.CellType{"A2": excelize.CellTypeInlineString, "B2": excelize.CellTypeUnset,
		"D2": excelize.CellTypeUnset, "I2": excelize.CellTypeInlineString, "J2": excelize.CellTypeInlineString} {
		// Numbers have no t attribute (Unset); strings are inline strings.
		if typ, err := f.GetCellType("房屋", cell); err != nil || typ != want {
			t.Errorf("type of %s = %v, %v; want %v", cell, typ, err, want)
		}
	}
	if formula, _ := f.GetCellFormula("房屋", "I2"); formula != "" {
		t.Errorf("I2 became the formula %q", formula)
	}
	if v, _ := f.GetCellValue("房屋", "D3", excelize.Options{RawCellValue: true}); v != "1200.5" {
		t.Errorf("raw D3 = %q, want the number 1200.5", v)
	}
	if panes, _ := f.GetPanes("房屋"); !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes = %+v", panes)
	}

	// A corrupt central directory claiming a huge entry is refused before
	// excelize would allocate the claimed size.
	data := bytes.Clone(buf.Bytes())
	dir := bytes.Index(data, []byte("PK\x01\x02"))
	copy(data[dir+24:], "\xff\xff\xff\x7f") // uncompressed size
	_, err = Open(bytes.NewReader(data), "房屋.xlsx", testTpl)
	if msg := huanxin.ErrorMessage(err); !strings.Contains(msg, "claims 2147483647 bytes") {
		t.Errorf("err = %v", err)
	}
}

func TestCSVWriter(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewCSVWriter(&buf, testTpl)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range exportRows {
		if err := w.Write(v...); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, "\ufeff小区编码,楼栋号,房号,建筑面积（㎡）,") || !strings.Contains(out, "\r\n001,3,1-201,85.32,2,1998,是,") {
		t.Errorf("csv = %q", out)
	}
	rows := readRows(t, open(t, buf.Bytes(), "房屋.csv"), allKeys...)
	if !reflect.DeepEqual(rows, exportWant) {
		t.Errorf("rows = %+v\nwant %+v", rows, exportWant)
	}
}

func TestTemplate(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		t.Run(lang, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteTemplate(&buf, testTpl, lang); err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if list := f.GetSheetList(); !reflect.DeepEqual(list, []string{"房屋"}) {
				t.Errorf("sheets = %v", list)
			}
			rows, err := f.GetRows("房屋")
			if err != nil || len(rows) != 2 {
				t.Fatalf("rows = %v, %v", rows, err)
			}
			head := map[string][]string{"zh": {"*小区编码", "*楼栋号", "*房号", "建筑面积（㎡）"}, "en": {"*Estate code", "*Building", "*Room", "Floor area (m2)"}}[lang]
			if !reflect.DeepEqual(rows[0][:4], head) {
				t.Errorf("header = %q", rows[0])
			}
			comments, err := f.GetComments("房屋")
			if err != nil || len(comments) != 2 || comments[0].Cell != "A1" || !strings.Contains(comments[0].Text, "由系统分配的小区编码") || comments[1].Cell != "C1" {
				t.Errorf("comments = %+v, %v", comments, err)
			}
			if panes, _ := f.GetPanes("房屋"); !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
				t.Errorf("panes = %+v", panes)
			}
			id, _ := f.GetCellStyle("房屋", "A1")
			if st, err := f.GetStyle(id); err != nil || st.Font == nil || !st.Font.Bold || st.Font.Color != "C00000" {
				t.Errorf("header style = %+v, %v", st, err)
			}
			id, _ = f.GetCellStyle("房屋", "A2")
			if st, err := f.GetStyle(id); err != nil || st.NumFmt != 49 {
				t.Errorf("example cell is not text: %+v, %v", st, err)
			}
			if w, _ := f.GetColWidth("房屋", "D"); w < 14 || w > 60 {
				t.Errorf("width of D = %v", w)
			}

			r := open(t, buf.Bytes(), "模板.xlsx")
			rows2 := readRows(t, r, allKeys...)
			var ex []string
			for _, c := range testTpl.Columns {
				ex = append(ex, c.Example)
			}
			if want := []got{{2, ex}}; !reflect.DeepEqual(rows2, want) {
				t.Errorf("read back %+v, want %+v", rows2, want)
			}
		})
	}
}

func TestCSVExportDefusesFormulas(t *testing.T) {
	tpl := Template{Kind: "t", Sheet: "表", Columns: []Column{{Key: "note", Header: "备注"}, {Key: "n", Header: "数"}}}
	var buf bytes.Buffer
	w, err := NewCSVWriter(&buf, tpl)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{`=HYPERLINK("http://x","点我")`, "+1", "@SUM(A1)", "-101", "普通文字"} {
		if err := w.Write(v, -5); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, `"'=HYPERLINK(""http://x"",""点我"")"`) || !strings.Contains(out, "'+1") || !strings.Contains(out, ",-5") {
		t.Fatalf("formulas not defused or numbers changed:\n%s", out)
	}
	r, err := Open(strings.NewReader(out), "t.csv", tpl)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for r.Next() {
		got = append(got, r.Row().Get("note"))
	}
	want := []string{`=HYPERLINK("http://x","点我")`, "+1", "@SUM(A1)", "-101", "普通文字"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("read back %q, want %q", got, want)
	}
}
