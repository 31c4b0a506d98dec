package priority

import (
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/sheet"
)

// Template is the spreadsheet of entered indicator values: one row per
// estate, by estate code, one column per indicator that is not computed
// from the register. A blank cell leaves the stored value as it is.
func Template() sheet.Template {
	tpl := sheet.Template{Kind: "indicators", Sheet: "指标数据", Columns: []sheet.Column{
		{Key: "estate_code", Header: "小区编码", HeaderEN: "Estate code", Required: true, Example: "E0001"},
		{Key: "estate_name", Header: "小区名称", HeaderEN: "Estate name", Example: "示例小区", Note: "仅供核对，导入时不读取"},
	}}
	for _, k := range EnterableKeys() {
		ind, _ := Indicator(k)
		tpl.Columns = append(tpl.Columns, sheet.Column{Key: k, Header: ind.Name + "(" + ind.Unit + ")", HeaderEN: ind.NameEn,
			Example: "", Note: ind.Note})
	}
	return tpl
}

// ImportValues reads a spreadsheet of Template for the estates under a
// jurisdiction and stores every value in it, or nothing: the error names
// the row and column of each bad cell (an unknown estate code, a value that
// is not a number, out of range). It returns the number of values stored.
func (s *Service) ImportValues(ctx context.Context, jurisdictionID int64, r io.Reader, filename string) (int, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return 0, err
	}
	if !MayEnter(a.Role) || a.ReadOnly {
		return 0, huanxin.Errorf(huanxin.EFORBIDDEN, "无权录入指标数据 you may not enter indicator values")
	}
	d, err := s.Data(ctx, jurisdictionID)
	if err != nil {
		return 0, err
	}
	byCode := make(map[string]int64, len(d.Estates))
	for _, e := range d.Estates {
		byCode[e.Code] = e.EstateID
	}
	rd, err := sheet.Open(r, filename, Template())
	if err != nil {
		return 0, err
	}
	defer rd.Close()
	var errs sheet.Errors
	var vals []IndicatorValue
	seen := map[int64]int{}
	now := s.now()
	for rd.Next() {
		row := rd.Row()
		code := row.Str(&errs, "estate_code", 64)
		if code == "" {
			continue
		}
		id, ok := byCode[code]
		if !ok {
			errs.Add(row, "estate_code", "小区编码 %s 不存在或不在该辖区 estate code not found in this jurisdiction", code)
			continue
		}
		if line, dup := seen[id]; dup {
			errs.Add(row, "estate_code", "小区编码 %s 与第 %d 行重复 the same estate as row %d", code, line, line)
			continue
		}
		seen[id] = row.Line
		for _, k := range EnterableKeys() {
			cell := strings.TrimSpace(strings.TrimSuffix(row.Get(k), "%"))
			if cell == "" {
				continue
			}
			v, err := strconv.ParseFloat(cell, 64)
			if err != nil {
				errs.Add(row, k, "「%s」不是数字 not a number", cell)
				continue
			}
			if msg := checkValue(k, v); msg != "" {
				errs.Add(row, k, "%s", msg)
				continue
			}
			vals = append(vals, IndicatorValue{CityID: d.Jurisdiction.CityID, EstateID: id, Key: k, Value: v,
				Source: SourceImport, AsOf: now, By: a.UserID})
		}
	}
	if err := rd.Err(); err != nil {
		return 0, err
	}
	if err := errs.Err(); err != nil {
		return 0, err
	}
	if len(vals) == 0 {
		return 0, huanxin.Invalid("文件中没有指标数据 the file holds no values", huanxin.FieldError{Field: "file", Message: "空 empty"})
	}
	return len(vals), s.Store.PutIndicatorValues(ctx, d.Jurisdiction.CityID, vals, "import "+filename)
}

// ExportValues writes the entered values of the estates under a
// jurisdiction in the layout of Template, so that the file can be edited and
// imported again.
func (s *Service) ExportValues(ctx context.Context, jurisdictionID int64, w io.Writer) error {
	d, err := s.Data(ctx, jurisdictionID)
	if err != nil {
		return err
	}
	x, err := sheet.NewXLSXWriter(w, Template())
	if err != nil {
		return err
	}
	keys := EnterableKeys()
	row := make([]any, 2+len(keys))
	for _, e := range d.Estates {
		row[0], row[1] = e.Code, e.Name
		for j, k := range keys {
			row[2+j] = nil
			if v, ok := d.Values[e.EstateID][k]; ok {
				row[2+j] = v.Value
			}
		}
		if err := x.Write(row...); err != nil {
			return err
		}
	}
	return x.Close()
}
