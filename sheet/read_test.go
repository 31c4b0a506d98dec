package sheet

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

var testTpl = Template{Kind: "dwelling", Sheet: "房屋", Columns: []Column{
	{Key: "estate_code", Header: "小区编码", HeaderEN: "Estate code", Required: true, Example: "001", Note: "由系统分配的小区编码"},
	{Key: "building", Header: "楼栋号", HeaderEN: "Building", Required: true, Example: "3"},
	{Key: "room", Header: "房号", HeaderEN: "Room", Required: true, Example: "1-201", Note: "单元-房号"},
	{Key: "area", Header: "建筑面积（㎡）", HeaderEN: "Floor area (m2)", Example: "85.32"},
	{Key: "floor", Header: "楼层", HeaderEN: "Floor", Example: "2"},
	{Key: "year", Header: "建成年份", HeaderEN: "Year built", Example: "1998"},
	{Key: "elevator", Header: "有电梯", HeaderEN: "Elevator", Example: "是"},
	{Key: "use", Header: "用途", HeaderEN: "Use", Example: "住宅"},
	{Key: "owner", Header: "业主姓名", HeaderEN: "Owner", Example: "张三"},
	{Key: "phone", Header: "联系电话", HeaderEN: "Phone", Example: "013800000000"},
}}

// open opens data as name against testTpl, failing the test on error.
func open(t testing.TB, data []byte, name string) *Reader {
	t.Helper()
	r, err := Open(bytes.NewReader(data), name, testTpl)
	if err != nil {
		t.Fatalf("Open(%s): %v", name, err)
	}
	return r
}

// csvOf joins lines into CSV text.
func csvOf(lines ...string) []byte { return []byte(strings.Join(lines, "\r\n") + "\r\n") }

// got is a row as the tests compare it: its line and the values of keys.
type got struct {
	Line int
	Vals []string
}

func readRows(t testing.TB, r *Reader, keys ...string) []got {
	t.Helper()
	var rows []got
	for r.Next() {
		g := got{Line: r.Row().Line}
		for _, k := range keys {
			g.Vals = append(g.Vals, r.Row().Get(k))
		}
		rows = append(rows, g)
	}
	if err := r.Err(); err != nil {
		t.Fatalf("Err: %v", err)
	}
	return rows
}

func TestHeaderMatching(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header string
		cols   map[string]string // key → letters; "" for absent
	}{
		{"chinese", "小区编码,楼栋号,房号,建筑面积（㎡）", map[string]string{"estate_code": "A", "building": "B", "room": "C", "area": "D", "year": ""}},
		{"english", "Room,Building,Estate code,Year built", map[string]string{"estate_code": "C", "building": "B", "room": "A", "year": "D", "area": ""}},
		{"keys", "room,building,estate_code,area", map[string]string{"estate_code": "C", "building": "B", "room": "A", "area": "D"}},
		{"markers and spaces", " *小区编码 ,楼栋号*,＊房号＊,\u3000建筑面积(㎡) ", map[string]string{"estate_code": "A", "building": "B", "room": "C", "area": "D"}},
		{"case and inner space", "ESTATE CODE,building,Room,floor area (M2)", map[string]string{"estate_code": "A", "building": "B", "room": "C", "area": "D"}},
		{"unknown columns ignored", "备注,小区编码,序号,楼栋号,房号", map[string]string{"estate_code": "B", "building": "D", "room": "E", "owner": ""}},
		{"bom and blank lines first", "\ufeff\r\n,,\r\n小区编码,楼栋号,房号", map[string]string{"estate_code": "A", "building": "B", "room": "C"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := open(t, csvOf(tc.header, "x,y,z,w,v"), "a.csv")
			if !r.Next() {
				t.Fatalf("no row: %v", r.Err())
			}
			row := r.Row()
			for key, letters := range tc.cols {
				if got := row.Column(key); got != letters {
					t.Errorf("Column(%s) = %q, want %q", key, got, letters)
				}
				if row.Has(key) != (letters != "") {
					t.Errorf("Has(%s) = %v", key, row.Has(key))
				}
			}
		})
	}
}

func TestHeaderErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		data    []byte
		message string
		fields  []huanxin.FieldError
	}{
		{"missing required listed together", csvOf("", "楼栋号,备注", "1,2"), "工作表“楼栋”缺少必填列：小区编码、房号", []huanxin.FieldError{
			{Sheet: "楼栋", Row: 2, Field: "小区编码", Message: "缺少必填列"},
			{Sheet: "楼栋", Row: 2, Field: "房号", Message: "缺少必填列"},
		}},
		{"duplicate column", csvOf("小区编码,楼栋号,房号,Estate code"), "工作表“楼栋”的表头有误", []huanxin.FieldError{
			{Sheet: "楼栋", Row: 1, Column: "D", Field: "小区编码", Message: "与 A 列重复"},
		}},
		{"empty file", nil, "工作表“楼栋”是空的，找不到表头行", nil},
		{"only blank rows", csvOf(",,", " , ", ""), "工作表“楼栋”是空的，找不到表头行", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Open(bytes.NewReader(tc.data), `C:\Users\张\楼栋.csv`, testTpl)
			if huanxin.ErrorCode(err) != huanxin.EINVALID || huanxin.ErrorMessage(err) != tc.message {
				t.Fatalf("err = %v, want EINVALID %q", err, tc.message)
			}
			if f := huanxin.ErrorFields(err); !reflect.DeepEqual(f, tc.fields) {
				t.Errorf("fields = %+v\nwant %+v", f, tc.fields)
			}
		})
	}
}

func TestCSVEncodings(t *testing.T) {
	utf := csvOf("小区编码,楼栋号,房号,业主姓名", "001,3,1-201,张三", "002,４,2-101,李四")
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes(utf)
	if err != nil {
		t.Fatal(err)
	}
	// GBK after a long ASCII stretch: the decision waits for the first
	// non-ASCII byte, past the first buffers.
	long := []string{"estate_code,building,room,owner"}
	for i := range 3000 {
		long = append(long, fmt.Sprintf("%03d,%d,room-%d,owner", i, i, i))
	}
	long = append(long, "999,9,9-9,王五")
	longGBK, err := simplifiedchinese.GBK.NewEncoder().Bytes(csvOf(long...))
	if err != nil {
		t.Fatal(err)
	}
	want := []got{{2, []string{"001", "3", "1-201", "张三"}}, {3, []string{"002", "４", "2-101", "李四"}}}
	for _, tc := range []struct {
		name string
		data []byte
		want []got
	}{
		{"utf8", utf, want},
		{"utf8 bom", append([]byte("\xef\xbb\xbf"), utf...), want},
		{"gbk", gbk, want},
		{"gbk late", longGBK, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows := readRows(t, open(t, tc.data, "导入.CSV"), "estate_code", "building", "room", "owner")
			if tc.want == nil {
				if len(rows) != 3001 || !reflect.DeepEqual(rows[3000], got{3002, []string{"999", "9", "9-9", "王五"}}) {
					t.Fatalf("%d rows, last %+v", len(rows), rows[len(rows)-1])
				}
				return
			}
			if !reflect.DeepEqual(rows, tc.want) {
				t.Errorf("rows = %+v\nwant %+v", rows, tc.want)
			}
		})
	}
}

func TestCSVRowNumbers(t *testing.T) {
	// Rows: 1 header, 2 blank, 3 (two text lines), 4 and 5 blank cells, 6, 7 blank, 8.
	data := []byte("小区编码,楼栋号,房号\n\n001,1,\"多行\n房号\"\n,,\n   ,\t\n002 , 2 ,3\r\n\r\n003,3,3")
	r := open(t, data, "楼栋.txt")
	if r.Sheet() != "楼栋" {
		t.Errorf("Sheet = %q", r.Sheet())
	}
	rows := readRows(t, r, "estate_code", "building", "room")
	want := []got{{3, []string{"001", "1", "多行\n房号"}}, {6, []string{"002", "2", "3"}}, {8, []string{"003", "3", "3"}}}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows = %+v\nwant %+v", rows, want)
	}
	if r.Next() || r.Err() != nil || r.Close() != nil {
		t.Error("reader not finished cleanly")
	}
}

func TestCSVFormatError(t *testing.T) {
	for _, tc := range []struct{ last, why string }{
		{`002,"2,2`, "引号不成对"},
		{`002,2"2,2`, "未加引号的单元格中含有引号"},
	} {
		r := open(t, csvOf("小区编码,楼栋号,房号", "", "001,1,1", tc.last), "楼栋.csv")
		if !r.Next() || r.Row().Line != 3 {
			t.Fatal("first row not read")
		}
		if r.Next() {
			t.Fatal("bad row read")
		}
		err := r.Err()
		want := []huanxin.FieldError{{Sheet: "楼栋", Row: 4, Field: "CSV", Message: tc.why}}
		if huanxin.ErrorMessage(err) != "CSV 文件第4行格式有误，请在 Excel 中重新另存为 CSV" || !reflect.DeepEqual(huanxin.ErrorFields(err), want) {
			t.Errorf("err = %v", err)
		}
	}
}

func TestOpenRejects(t *testing.T) {
	for _, tc := range []struct{ name, file, message string }{
		{"xls", "a.csv", "不支持 .xls 格式或加密的表格，请在 Excel 中另存为 .xlsx 或 CSV 后再导入"},
		{"not zip", "a.XLSX", "文件“a.XLSX”不是有效的 xlsx 表格"},
		{"broken zip", "a.csv", "无法读取 xlsx 文件"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := map[string]string{"xls": "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 rest", "not zip": "小区编码,楼栋号,房号", "broken zip": "PK\x03\x04 truncated"}[tc.name]
			_, err := Open(strings.NewReader(data), tc.file, testTpl)
			if huanxin.ErrorCode(err) != huanxin.EINVALID || !strings.HasPrefix(huanxin.ErrorMessage(err), tc.message) {
				t.Errorf("err = %v, want %q", err, tc.message)
			}
		})
	}
}

func TestXLSXSheetChoice(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "说明"))
	must(f.SetSheetRow("说明", "A1", &[]any{"请勿修改"}))
	_, err := f.NewSheet("房屋")
	must(err)
	must(f.SetSheetRow("房屋", "B3", &[]any{"小区编码", "楼栋号", "房号", "建成年份"}))
	must(f.SetSheetRow("房屋", "B5", &[]any{"001", 3, "1-201", 1998}))
	must(f.SetSheetRow("房屋", "B7", &[]any{"  002  ", 4.5, "", ""}))
	var buf bytes.Buffer
	must(f.Write(&buf))

	r := open(t, buf.Bytes(), "upload")
	if r.Sheet() != "房屋" {
		t.Errorf("Sheet = %q", r.Sheet())
	}
	rows := readRows(t, r, "estate_code", "building", "room", "year")
	want := []got{{5, []string{"001", "3", "1-201", "1998"}}, {7, []string{"002", "4.5", "", ""}}}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows = %+v\nwant %+v", rows, want)
	}

	other := testTpl
	other.Sheet = "楼栋"
	_, err = Open(bytes.NewReader(buf.Bytes()), "a.xlsx", other) // falls back to 说明, which lacks the columns
	if msg := huanxin.ErrorMessage(err); msg != "工作表“说明”缺少必填列：小区编码、楼栋号、房号" {
		t.Errorf("err = %v", err)
	}
}

// benchTpl has 12 columns.
var benchTpl = func() Template {
	tpl := Template{Sheet: "房屋"}
	for i := range 12 {
		tpl.Columns = append(tpl.Columns, Column{Key: fmt.Sprintf("k%d", i), Header: fmt.Sprintf("列%d", i), Required: i < 3})
	}
	return tpl
}()

func BenchmarkReadCSV(b *testing.B) {
	const n = 100_000
	var buf bytes.Buffer
	w, err := NewCSVWriter(&buf, benchTpl)
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		if err := w.Write(fmt.Sprintf("%06d", i), i%40, "3-"+fmt.Sprint(i%300), "85.32", 1998, "是", "住宅",
			"张三丰", "13800000000", "幸福小区", "", "备注，带逗号"); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		r, err := Open(bytes.NewReader(data), "房屋.csv", benchTpl)
		if err != nil {
			b.Fatal(err)
		}
		for r.Next() {
			row := r.Row()
			for _, c := range benchTpl.Columns {
				_ = row.Get(c.Key)
			}
			rows++
		}
		if r.Err() != nil {
			b.Fatal(r.Err())
		}
	}
	if rows%n != 0 {
		b.Fatalf("read %d rows", rows)
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

func TestTitleRowsAboveTheHeaderAreSkipped(t *testing.T) {
	tpl := Template{Kind: "t", Sheet: "楼栋", Columns: []Column{{Key: "estate", Header: "小区编码", Required: true}, {Key: "no", Header: "楼栋号", Required: true}}}
	in := "XX小区房屋登记表,\n填表单位：某社区,\n小区编码,楼栋号\nE1,3\n"
	r, err := Open(strings.NewReader(in), "b.csv", tpl)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Next() || r.Row().Get("no") != "3" || r.Row().Line != 4 || r.Row().Column("no") != "B" {
		t.Fatalf("row after the title rows: %+v", r.Row())
	}
	// Without any header row the error is reported against the first row.
	_, err = Open(strings.NewReader("标题\n说明\n"), "b.csv", tpl)
	if f := huanxin.ErrorFields(err); len(f) != 2 || f[0].Row != 1 {
		t.Fatalf("missing header: %v", err)
	}
}
