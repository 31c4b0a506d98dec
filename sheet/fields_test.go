package sheet

import (
	"reflect"
	"strings"
	"testing"

	"github.com/huanxin/huanxin"
)

// rowWith returns row 2 of a CSV named 楼栋.csv whose header is testTpl's
// keys, with cell in column key and "x" elsewhere.
func rowWith(t *testing.T, key, cell string) Row {
	t.Helper()
	var keys, vals []string
	for _, c := range testTpl.Columns {
		v := "x"
		if c.Key == key {
			v = `"` + strings.ReplaceAll(cell, `"`, `""`) + `"`
		}
		keys, vals = append(keys, c.Key), append(vals, v)
	}
	r := open(t, csvOf(strings.Join(keys, ","), strings.Join(vals, ",")), "楼栋.csv")
	if !r.Next() {
		t.Fatalf("no row: %v", r.Err())
	}
	return r.Row()
}

func TestTypedHelpers(t *testing.T) {
	floor := func(row Row, e *Errors) (any, bool) { return row.Int(e, "floor", -3, 99) }
	building := func(row Row, e *Errors) (any, bool) { return row.Int(e, "building", 1, 999) }
	year := func(row Row, e *Errors) (any, bool) { return row.Year(e, "year") }
	area := func(row Row, e *Errors) (any, bool) { return row.Centi(e, "area") }
	elevator := func(row Row, e *Errors) (any, bool) { return row.Bool(e, "elevator") }
	use := func(row Row, e *Errors) (any, bool) {
		return row.Enum(e, "use", map[string]string{"住宅": "residential", "商业": "commercial"})
	}
	owner := func(row Row, e *Errors) (any, bool) { s := row.Str(e, "owner", 4); return s, e.Len() == 0 }
	code := func(row Row, e *Errors) (any, bool) { s := row.Str(e, "estate_code", 0); return s, e.Len() == 0 }
	for _, tc := range []struct {
		key, cell string
		call      func(Row, *Errors) (any, bool)
		want      any
		msg       string // the problem recorded, "" for none
	}{
		{"floor", "99", floor, 99, ""},
		{"floor", "-3", floor, -3, ""},
		{"floor", " ２ ", floor, 2, ""},
		{"floor", "", floor, 0, ""},
		{"floor", "100", floor, 0, "应为 -3 到 99 之间的整数，不能是“100”"},
		{"floor", "-4", floor, 0, "应为 -3 到 99 之间的整数，不能是“-4”"},
		{"floor", "2.0", floor, 0, "应为 -3 到 99 之间的整数，不能是“2.0”"},
		{"building", "", building, 0, "必须填写"},
		{"building", "1,000", building, 0, "应为 1 到 999 之间的整数，不能是“1,000”"},
		{"year", "1900", year, 1900, ""},
		{"year", "2100", year, 2100, ""},
		{"year", "", year, 0, ""},
		{"year", "1899", year, 0, "应为 1900 到 2100 之间的四位年份，如 1998，不能是“1899”"},
		{"year", "2101", year, 0, "应为 1900 到 2100 之间的四位年份，如 1998，不能是“2101”"},
		{"year", "98年", year, 0, "应为 1900 到 2100 之间的四位年份，如 1998，不能是“98年”"},
		{"area", "85.32", area, int64(8532), ""},
		{"area", "85.3", area, int64(8530), ""},
		{"area", "1,085", area, int64(108500), ""},
		{"area", "0", area, int64(0), ""},
		{"area", "８５.５", area, int64(8550), ""},
		{"area", "", area, int64(0), ""},
		{"area", "85.321", area, int64(0), "应为不小于 0 的数字，最多两位小数，如 85.32，不能是“85.321”"},
		{"area", "85.30000000000001", area, int64(0), "应为不小于 0 的数字，最多两位小数，如 85.32，不能是“85.30000000000001”"},
		{"area", "-0.01", area, int64(0), "应为不小于 0 的数字，最多两位小数，如 85.32，不能是“-0.01”"},
		{"area", "85㎡", area, int64(0), "应为不小于 0 的数字，最多两位小数，如 85.32，不能是“85㎡”"},
		{"elevator", "是", elevator, true, ""},
		{"elevator", "否", elevator, false, ""},
		{"elevator", "Y", elevator, true, ""},
		{"elevator", "n", elevator, false, ""},
		{"elevator", "YES", elevator, true, ""},
		{"elevator", "No", elevator, false, ""},
		{"elevator", "True", elevator, true, ""},
		{"elevator", "FALSE", elevator, false, ""},
		{"elevator", "1", elevator, true, ""},
		{"elevator", "0", elevator, false, ""},
		{"elevator", "", elevator, false, ""},
		{"elevator", "有", elevator, false, "应为“是”或“否”，不能是“有”"},
		{"use", "住宅", use, "residential", ""},
		{"use", "commercial", use, "commercial", ""},
		{"use", "COMMERCIAL", use, "commercial", ""},
		{"use", "", use, "", ""},
		{"use", "工业", use, "", "应为以下之一：住宅、商业，不能是“工业”"},
		{"owner", " 张三 ", owner, "张三", ""},
		{"owner", "欧阳娜娜", owner, "欧阳娜娜", ""},
		{"owner", "欧阳娜娜娜", owner, "欧阳娜娜娜", "不能超过 4 个字，现有 5 个字"},
		{"owner", "", owner, "", ""},
		{"estate_code", "001", code, "001", ""},
		{"estate_code", "  ", code, "", "必须填写"},
		{"owner", strings.Repeat("长", 30), func(row Row, e *Errors) (any, bool) { return row.Int(e, "owner", 0, 1) }, 0,
			"应为 0 到 1 之间的整数，不能是“" + strings.Repeat("长", 20) + "…”"},
	} {
		t.Run(tc.key+"="+tc.cell, func(t *testing.T) {
			row := rowWith(t, tc.key, tc.cell)
			var e Errors
			v, ok := tc.call(row, &e)
			if v != tc.want || ok != (tc.msg == "") {
				t.Errorf("got %#v, %v; want %#v, %v", v, ok, tc.want, tc.msg == "")
			}
			var want []huanxin.FieldError
			if tc.msg != "" {
				want = []huanxin.FieldError{{Sheet: "楼栋", Row: 2, Column: row.Column(tc.key), Field: row.r.tpl.Columns[row.r.keys[tc.key]].Header, Message: tc.msg}}
			}
			if f := huanxin.ErrorFields(e.Err()); !reflect.DeepEqual(f, want) {
				t.Errorf("problems = %+v\nwant %+v", f, want)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	r := open(t, csvOf("房号,备注,小区编码,楼栋号", "", "1-201,,001,3"), "/uploads/楼栋.csv")
	if !r.Next() {
		t.Fatal(r.Err())
	}
	row := r.Row()
	var e Errors
	if e.Err() != nil || e.Len() != 0 {
		t.Fatal("empty Errors reports an error")
	}
	e.Add(row, "estate_code", "小区“%s”不存在", row.Get("estate_code"))
	e.Add(row, "no_such_key", "行重复")
	err := e.Err()
	want := []huanxin.FieldError{
		{Sheet: "楼栋", Row: 3, Column: "C", Field: "小区编码", Message: "小区“001”不存在"},
		{Sheet: "楼栋", Row: 3, Field: "no_such_key", Message: "行重复"},
	}
	if huanxin.ErrorCode(err) != huanxin.EINVALID || huanxin.ErrorMessage(err) != "文件有 2 处错误，未导入任何数据" ||
		!reflect.DeepEqual(huanxin.ErrorFields(err), want) {
		t.Errorf("err = %v", err)
	}
	if s := err.Error(); !strings.Contains(s, "楼栋 第3行 C列 小区编码：小区“001”不存在") {
		t.Errorf("Error() = %s", s)
	}

	capped := Errors{Sheet: "房屋", Max: 2}
	for range 5 {
		capped.Add(row, "building", "错")
	}
	err = capped.Err()
	if capped.Len() != 5 || len(huanxin.ErrorFields(err)) != 2 || huanxin.ErrorFields(err)[1].Sheet != "房屋" ||
		huanxin.ErrorMessage(err) != "文件有 5 处错误，未导入任何数据（仅列出前 2 处）" {
		t.Errorf("capped: len %d, err %v", capped.Len(), err)
	}

	var many Errors
	for range 1500 {
		many.Add(Row{Line: 9}, "k", "错")
	}
	if f := huanxin.ErrorFields(many.Err()); len(f) != 1000 || f[0] != (huanxin.FieldError{Row: 9, Field: "k", Message: "错"}) {
		t.Errorf("default cap: %d fields, first %+v", len(f), f[0])
	}
}

func TestRowWithoutReader(t *testing.T) {
	var row Row
	if row.Get("a") != "" || row.Has("a") || row.Column("a") != "" {
		t.Error("zero Row has cells")
	}
	if s := row.Str(&Errors{}, "a", 1); s != "" {
		t.Error("zero Row Str")
	}
}
