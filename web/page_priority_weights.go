package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/planning/priority"
	"github.com/huanxin/huanxin/planning/rank"
	"github.com/huanxin/huanxin/web/i18n"
)

// weightsPage lists a city's weight sets and edits one: the indicators
// and method are chosen first (a GET form), then the weights — typed in,
// from an AHP pairwise comparison matrix (upper triangle on Saaty's scale,
// the reciprocals shown below it, refused at CR ≥ 0.1 with the reason
// beside the matrix), from the entropy of the current data, or combined.
type weightsPage struct {
	Base
	CityID  int64
	Sets    []weightSetRow
	CanEdit bool
	Choices []keyChoice // every indicator, checked when chosen
	Methods []option
	Form    weightsForm
	Matrix  [][]matrixCell
	Scale   []string
	Check   *ahpFigures
	Entropy string // which estates the entropy weights come from
	Message string
	Errors  []huanxin.FieldError
}

type weightSetRow struct {
	ID           int64
	Name, Method string
	CR           float64
	HasCR        bool
	Updated      time.Time
}

type keyChoice struct {
	Key, Name string
	Register  bool
	Checked   bool
}

// weightsForm is the editor's input as typed.
type weightsForm struct {
	ID         int64
	Name, Note string
	Method     string
	Keys       []string
	Weights    []weightInput
	Alpha      string
}

type weightInput struct {
	Key, Name, Value string
}

type matrixCell struct {
	Name     string // the select's name, a_i_j, for the upper triangle
	Upper    bool
	Diagonal bool
	Value    string // the chosen Saaty value (upper) or its reciprocal (lower)
	Row, Col string
}

// ahpFigures are the consistency figures of a checked matrix.
type ahpFigures struct {
	LambdaMax, CI, CR float64
	Consistent        bool
	Message           string
	Weights           []weightRow
}

type weightRow struct {
	Name   string
	Weight float64
}

// saatyScale lists the values the matrix selects offer, strongest first.
var saatyScale = []string{"9", "8", "7", "6", "5", "4", "3", "2", "1", "1/2", "1/3", "1/4", "1/5", "1/6", "1/7", "1/8", "1/9"}

var weightMethods = []rank.WeightMethod{rank.MethodManual, rank.MethodAHP, rank.MethodEntropy, rank.MethodCombined}

// parseSaaty reads "3" or "1/3".
func parseSaaty(s string) (float64, bool) {
	if !slices.Contains(saatyScale, s) {
		return 0, false
	}
	if d, ok := strings.CutPrefix(s, "1/"); ok {
		n, _ := strconv.Atoi(d)
		return 1 / float64(n), true
	}
	n, _ := strconv.Atoi(s)
	return float64(n), true
}

// reciprocal is the value shown below the diagonal for an upper value.
func reciprocal(s string) string {
	if d, ok := strings.CutPrefix(s, "1/"); ok {
		return d
	}
	if s == "1" {
		return "1"
	}
	return "1/" + s
}

// saatyOf is the scale value nearest to a stored matrix entry.
func saatyOf(v float64) string {
	best, diff := "1", 1e9
	for _, s := range saatyScale {
		x, _ := parseSaaty(s)
		if d := max(x/v, v/x); d < diff {
			best, diff = s, d
		}
	}
	return best
}

// weightsBase checks the actor and lists the weight sets of the city of
// the jurisdiction chosen in the switcher, which also gives entropy weights
// their data.
func (p *Pages) weightsBase(w http.ResponseWriter, r *http.Request) (*weightsPage, *estate.Jurisdiction, bool) {
	if !p.priorityReady(w, r) {
		return nil, nil, false
	}
	j, err := p.priorityJurisdiction(r)
	if err != nil {
		p.fail(w, r, err)
		return nil, nil, false
	}
	pg := &weightsPage{Base: p.base(r, "priority.weights_title"), CityID: j.CityID, Scale: saatyScale}
	pg.CanEdit = priority.MayWeigh(pg.Actor.Role) && !pg.Actor.ReadOnly
	pg.Entropy = j.Name
	sets, err := p.Priority.WeightSets(r.Context(), j.CityID)
	if err != nil {
		p.fail(w, r, err)
		return nil, nil, false
	}
	for _, ws := range sets {
		pg.Sets = append(pg.Sets, weightSetRow{ID: ws.ID, Name: ws.Name, Method: i18n.T(pg.Lang, "priority.method."+string(ws.Method)),
			CR: ws.CR, HasCR: ws.AHPMatrix != nil, Updated: ws.Updated})
	}
	return pg, j, true
}

// priorityWeights shows the weight sets and the editor.
func (p *Pages) priorityWeights(w http.ResponseWriter, r *http.Request) {
	pg, _, ok := p.weightsBase(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	f := weightsForm{Method: q.Get("method"), Keys: priority.OrderKeys(q["keys"]), Alpha: "0.5"}
	matrix := map[string]string{}
	if id, _ := parseID(q.Get("id")); id != 0 {
		ws, err := p.Priority.WeightSet(r.Context(), id)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		f.ID, f.Name, f.Note = ws.ID, ws.Name, ws.Note
		if f.Method == "" {
			f.Method = string(ws.Method)
		}
		if len(f.Keys) == 0 {
			f.Keys = ws.Keys()
		}
		if slices.Equal(f.Keys, ws.AHPKeys) {
			for i := range ws.AHPMatrix {
				for j := i + 1; j < len(ws.AHPMatrix); j++ {
					matrix[cellName(i, j)] = saatyOf(ws.AHPMatrix[i][j])
				}
			}
		}
		if ws.Method == rank.MethodCombined {
			f.Alpha = strconv.FormatFloat(ws.Alpha, 'f', -1, 64)
		}
		for _, k := range f.Keys {
			if v, ok := ws.Weights[k]; ok && ws.Method == rank.MethodManual {
				f.Weights = append(f.Weights, weightInput{Key: k, Value: strconv.FormatFloat(100*v, 'f', -1, 64)})
			}
		}
	}
	if f.Method == "" || !slices.Contains(weightMethods, rank.WeightMethod(f.Method)) {
		f.Method = string(rank.MethodManual)
	}
	if len(f.Keys) == 0 {
		f.Keys = priority.RegisterKeys
	}
	if len(f.Weights) != len(f.Keys) {
		f.Weights = nil
		for _, k := range f.Keys {
			f.Weights = append(f.Weights, weightInput{Key: k, Value: "1"})
		}
	}
	pg.Form = f
	p.renderWeights(w, r, http.StatusOK, pg, matrix)
}

func cellName(i, j int) string { return "a_" + strconv.Itoa(i) + "_" + strconv.Itoa(j) }

// priorityWeightsSave checks (action=check) or stores the weight set of
// the editor; problems show the form again, an inconsistent matrix with its
// figures and the reason next to it.
func (p *Pages) priorityWeightsSave(w http.ResponseWriter, r *http.Request) {
	pg, j, ok := p.weightsBase(w, r)
	if !ok {
		return
	}
	if !pg.CanEdit {
		p.fail(w, r, huanxin.Errorf(huanxin.EFORBIDDEN, "只有管理员或住建局可以设置权重方案 only administrators and housing bureaus may set weight sets"))
		return
	}
	l := pg.Lang
	f := weightsForm{Name: strings.TrimSpace(r.PostFormValue("name")), Note: strings.TrimSpace(r.PostFormValue("note")),
		Method: r.PostFormValue("method"), Keys: priority.OrderKeys(r.PostForm["keys"]), Alpha: strings.TrimSpace(r.PostFormValue("alpha"))}
	f.ID, _ = parseID(r.PostFormValue("id"))
	in := priority.WeightSetInput{Name: f.Name, Note: f.Note, Method: rank.WeightMethod(f.Method), Keys: f.Keys, JurisdictionID: j.ID}
	var bad []huanxin.FieldError
	if f.Method == string(rank.MethodManual) {
		in.Weights = map[string]float64{}
		for _, k := range f.Keys {
			v := strings.TrimSpace(r.PostFormValue("w_" + k))
			f.Weights = append(f.Weights, weightInput{Key: k, Value: v})
			x, err := strconv.ParseFloat(v, 64)
			if err != nil || x < 0 {
				bad = append(bad, huanxin.FieldError{Field: "w_" + k, Message: i18n.T(l, "priority.weight_invalid")})
			}
			in.Weights[k] = x
		}
	}
	matrix := map[string]string{}
	if f.Method == string(rank.MethodAHP) || f.Method == string(rank.MethodCombined) {
		n := len(f.Keys)
		in.Matrix = make([][]float64, n)
		for i := range in.Matrix {
			in.Matrix[i] = make([]float64, n)
			in.Matrix[i][i] = 1
		}
		for i := 0; i < n; i++ {
			for k := i + 1; k < n; k++ {
				v := r.PostFormValue(cellName(i, k))
				x, ok := parseSaaty(v)
				if !ok {
					bad = append(bad, huanxin.FieldError{Field: cellName(i, k), Message: i18n.T(l, "priority.scale_invalid")})
					x, v = 1, "1"
				}
				matrix[cellName(i, k)] = v
				in.Matrix[i][k], in.Matrix[k][i] = x, 1/x
			}
		}
		c := priority.CheckAHP(f.Keys, in.Matrix)
		if c.Weights != nil {
			pg.Check = &ahpFigures{LambdaMax: c.LambdaMax, CI: c.CI, CR: c.CR, Consistent: c.Err == nil}
			if c.Err != nil {
				pg.Check.Message = huanxin.ErrorMessage(c.Err)
			}
			for _, k := range f.Keys {
				pg.Check.Weights = append(pg.Check.Weights, weightRow{Name: keyName(l, k), Weight: c.Weights[k]})
			}
		}
	}
	if f.Method == string(rank.MethodCombined) {
		a, err := strconv.ParseFloat(f.Alpha, 64)
		if err != nil || a < 0 || a > 1 {
			bad = append(bad, huanxin.FieldError{Field: "alpha", Message: i18n.T(l, "priority.alpha_invalid")})
		}
		in.Alpha = a
	}
	pg.Form = f
	if len(bad) > 0 {
		pg.Message, pg.Errors = i18n.T(l, "priority.invalid"), bad
		p.renderWeights(w, r, http.StatusBadRequest, pg, matrix)
		return
	}
	if r.PostFormValue("action") == "check" {
		p.renderWeights(w, r, http.StatusOK, pg, matrix)
		return
	}
	var ws *priority.WeightSet
	var err error
	if f.ID != 0 {
		ws, err = p.Priority.UpdateWeightSet(r.Context(), f.ID, in)
	} else {
		ws, err = p.Priority.CreateWeightSet(r.Context(), pg.CityID, in)
	}
	switch code := huanxin.ErrorCode(err); {
	case err == nil:
		redirect(w, r, "/priority?ws="+strconv.FormatInt(ws.ID, 10), "priority_saved")
	case code == huanxin.EINVALID || code == huanxin.ECONFLICT:
		pg.Message, pg.Errors = huanxin.ErrorMessage(err), huanxin.ErrorFields(err)
		if code == huanxin.ECONFLICT {
			pg.Errors = append(pg.Errors, huanxin.FieldError{Field: "name", Message: pg.Message})
		}
		p.renderWeights(w, r, http.StatusBadRequest, pg, matrix)
	default:
		p.fail(w, r, err)
	}
}

// renderWeights fills the choices, the manual weights' names and the
// matrix cells, and renders the page.
func (p *Pages) renderWeights(w http.ResponseWriter, r *http.Request, status int, pg *weightsPage, matrix map[string]string) {
	l := pg.Lang
	for _, ind := range priority.Indicators() {
		pg.Choices = append(pg.Choices, keyChoice{Key: ind.Key, Name: indicatorName(l, ind), Register: priority.IsRegisterKey(ind.Key),
			Checked: slices.Contains(pg.Form.Keys, ind.Key)})
	}
	for _, m := range weightMethods {
		pg.Methods = append(pg.Methods, option{Value: string(m), Label: i18n.T(l, "priority.method."+string(m)), Selected: string(m) == pg.Form.Method})
	}
	for i := range pg.Form.Weights {
		pg.Form.Weights[i].Name = keyName(l, pg.Form.Weights[i].Key)
	}
	n := len(pg.Form.Keys)
	pg.Matrix = make([][]matrixCell, n)
	for i := range pg.Matrix {
		pg.Matrix[i] = make([]matrixCell, n)
		for j := range pg.Matrix[i] {
			c := matrixCell{Row: keyName(l, pg.Form.Keys[i]), Col: keyName(l, pg.Form.Keys[j])}
			switch {
			case i == j:
				c.Diagonal, c.Value = true, "1"
			case i < j:
				c.Upper, c.Name, c.Value = true, cellName(i, j), matrix[cellName(i, j)]
				if c.Value == "" {
					c.Value = "1"
				}
			default:
				v := matrix[cellName(j, i)]
				if v == "" {
					v = "1"
				}
				c.Value = reciprocal(v)
			}
			pg.Matrix[i][j] = c
		}
	}
	p.render(w, r, status, "priority_weights", pg)
}
