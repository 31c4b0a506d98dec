package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/api"
	"github.com/huanxin/huanxin/planning/priority"
	"github.com/huanxin/huanxin/sheet"
	"github.com/huanxin/huanxin/web/i18n"
)

// valuesPage lists the entered indicator values of the estates of the
// chosen jurisdiction, edits those of one estate, and imports and exports
// them as xlsx.
type valuesPage struct {
	Base
	JurisdictionName string
	Heads            []string // the entered indicators' names
	Rows             []valuesRow
	CanEnter         bool
	Edit             *valuesEdit // the estate being edited
	Message          string
	Errors           []huanxin.FieldError
}

type valuesRow struct {
	EstateID   int64
	Code, Name string
	Cells      []string
}

// valuesEdit is the form of one estate's values: the register's (read
// only) and the entered ones.
type valuesEdit struct {
	EstateID   int64
	Code, Name string
	Register   []valueField
	Fields     []valueField
	Sources    []option
}

type valueField struct {
	Key, Name, Unit, Value, Source, Hint string
}

func formatValue(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// valuesData loads the page's data for the chosen jurisdiction.
func (p *Pages) valuesData(w http.ResponseWriter, r *http.Request) (*valuesPage, *priority.Data, bool) {
	if !p.priorityReady(w, r) {
		return nil, nil, false
	}
	j, err := p.priorityJurisdiction(r)
	var d *priority.Data
	if err == nil {
		d, err = p.Priority.Data(r.Context(), j.ID)
	}
	if err != nil {
		p.fail(w, r, err)
		return nil, nil, false
	}
	pg := &valuesPage{Base: p.base(r, "priority.values_title"), JurisdictionName: j.Name}
	pg.CanEnter = priority.MayEnter(pg.Actor.Role) && !pg.Actor.ReadOnly
	keys := priority.EnterableKeys()
	for _, k := range keys {
		pg.Heads = append(pg.Heads, keyName(pg.Lang, k))
	}
	for _, e := range d.Estates {
		row := valuesRow{EstateID: e.EstateID, Code: e.Code, Name: e.Name}
		for _, k := range keys {
			cell := ""
			if v, ok := d.Values[e.EstateID][k]; ok {
				cell = formatValue(v.Value)
			}
			row.Cells = append(row.Cells, cell)
		}
		pg.Rows = append(pg.Rows, row)
	}
	return pg, d, true
}

// editOf builds the form of one estate from its stored values, or from
// what was posted when posted is not nil.
func editOf(pg *valuesPage, d *priority.Data, estateID int64, posted map[string][2]string) *valuesEdit {
	for _, e := range d.Estates {
		if e.EstateID != estateID {
			continue
		}
		ed := &valuesEdit{EstateID: e.EstateID, Code: e.Code, Name: e.Name}
		vals := d.Values[e.EstateID]
		for _, ind := range priority.Indicators() {
			f := valueField{Key: ind.Key, Name: indicatorName(pg.Lang, ind), Unit: ind.Unit, Hint: ind.Note}
			if v, ok := vals[ind.Key]; ok {
				f.Value, f.Source = formatValue(v.Value), string(v.Source)
			}
			if priority.IsRegisterKey(ind.Key) {
				ed.Register = append(ed.Register, f)
				continue
			}
			if pv, ok := posted[ind.Key]; ok {
				f.Value, f.Source = pv[0], pv[1]
			}
			ed.Fields = append(ed.Fields, f)
		}
		for _, s := range []priority.Source{priority.SourceManual, priority.SourceSurvey, priority.SourceNeeds} {
			ed.Sources = append(ed.Sources, option{Value: string(s), Label: i18n.T(pg.Lang, "priority.source."+string(s))})
		}
		return ed
	}
	return nil
}

// priorityValues shows the values, and the form of one estate (?estate=).
func (p *Pages) priorityValues(w http.ResponseWriter, r *http.Request) {
	pg, d, ok := p.valuesData(w, r)
	if !ok {
		return
	}
	if id, _ := parseID(r.URL.Query().Get("estate")); id != 0 {
		if pg.Edit = editOf(pg, d, id, nil); pg.Edit == nil {
			p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "小区不存在或不在该辖区 estate not found in this jurisdiction"))
			return
		}
	}
	p.render(w, r, http.StatusOK, "priority_values", pg)
}

// priorityValuesSave stores the values entered for one estate; a blank
// field leaves the value as it is.
func (p *Pages) priorityValuesSave(w http.ResponseWriter, r *http.Request) {
	pg, d, ok := p.valuesData(w, r)
	if !ok {
		return
	}
	id, _ := parseID(r.PostFormValue("estate"))
	posted := map[string][2]string{}
	var vals []priority.IndicatorValue
	var bad []huanxin.FieldError
	for _, k := range priority.EnterableKeys() {
		v, src := strings.TrimSpace(r.PostFormValue("v_"+k)), r.PostFormValue("s_"+k)
		posted[k] = [2]string{v, src}
		if v == "" {
			continue
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			bad = append(bad, huanxin.FieldError{Field: "v_" + k, Message: i18n.T(pg.Lang, "priority.value_invalid")})
			continue
		}
		vals = append(vals, priority.IndicatorValue{EstateID: id, Key: k, Value: x, Source: priority.Source(src)})
	}
	if pg.Edit = editOf(pg, d, id, posted); pg.Edit == nil {
		p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "小区不存在或不在该辖区 estate not found in this jurisdiction"))
		return
	}
	var err error
	if len(bad) == 0 && len(vals) > 0 {
		err = p.Priority.PutValues(r.Context(), vals)
	}
	switch {
	case len(bad) > 0:
		pg.Message, pg.Errors = i18n.T(pg.Lang, "priority.invalid"), bad
	case len(vals) == 0:
		pg.Message = i18n.T(pg.Lang, "priority.nothing")
	case err == nil:
		redirect(w, r, "/priority/values", "priority_values_saved")
		return
	case huanxin.ErrorCode(err) == huanxin.EINVALID:
		pg.Message = huanxin.ErrorMessage(err)
		for _, fe := range huanxin.ErrorFields(err) {
			// values[i].value → the field of the i-th value.
			if i, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(fe.Field, "values["), "].value")); err == nil && i < len(vals) {
				fe.Field = "v_" + vals[i].Key
			}
			pg.Errors = append(pg.Errors, fe)
		}
	default:
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusBadRequest, "priority_values", pg)
}

// priorityValuesImport imports an uploaded xlsx or csv of the template:
// all rows or none, each bad cell named by row and column.
func (p *Pages) priorityValuesImport(w http.ResponseWriter, r *http.Request) {
	pg, d, ok := p.valuesData(w, r)
	if !ok {
		return
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		pg.Message = i18n.T(pg.Lang, "priority.file_missing")
		pg.Errors = []huanxin.FieldError{{Field: "file", Message: pg.Message}}
		p.render(w, r, http.StatusBadRequest, "priority_values", pg)
		return
	}
	defer f.Close()
	n, err := p.Priority.ImportValues(r.Context(), d.Jurisdiction.ID, f, hdr.Filename)
	switch {
	case err == nil:
		redirect(w, r, "/priority/values?imported="+strconv.Itoa(n), "priority_values_imported")
	case huanxin.ErrorCode(err) == huanxin.EINVALID:
		pg.Message, pg.Errors = huanxin.ErrorMessage(err), huanxin.ErrorFields(err)
		p.render(w, r, http.StatusBadRequest, "priority_values", pg)
	default:
		p.fail(w, r, err)
	}
}

// priorityValuesTemplate sends the blank xlsx template.
func (p *Pages) priorityValuesTemplate(w http.ResponseWriter, r *http.Request) {
	if !p.priorityReady(w, r) {
		return
	}
	var b bytes.Buffer
	if err := sheet.WriteTemplate(&b, priority.Template(), lang(r)); err != nil {
		p.fail(w, r, err)
		return
	}
	sendXLSX(w, "indicators-template.xlsx", b.Bytes())
}

// priorityValuesExport sends the entered values of the jurisdiction.
func (p *Pages) priorityValuesExport(w http.ResponseWriter, r *http.Request) {
	if !p.priorityReady(w, r) {
		return
	}
	j, err := p.priorityJurisdiction(r)
	var b bytes.Buffer
	if err == nil {
		err = p.Priority.ExportValues(r.Context(), j.ID, &b)
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	sendXLSX(w, "indicators-"+strconv.FormatInt(j.ID, 10)+".xlsx", b.Bytes())
}

func sendXLSX(w http.ResponseWriter, name string, data []byte) {
	w.Header().Set("Content-Type", api.MediaXLSX)
	w.Header().Set("Content-Disposition", api.ContentDisposition("attachment", name))
	w.Write(data)
}
