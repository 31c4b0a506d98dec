package api

import (
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/planning/priority"
	"github.com/huanxin/huanxin/planning/rank"
)

var (
	indicatorValuesParams = []string{"jurisdiction_id"}
	indicatorImportParams = []string{"jurisdiction_id", "filename"}
	indicatorListParams   = []string{"page", "per_page"}
	weightSetListParams   = []string{"city_id", "page", "per_page"}
)

// priorityHandlers serve the priority ranking: indicator values, weight
// sets and rankings. Who may do what is decided by the priority service.
type priorityHandlers struct{ svc *priority.Service }

// Indicator is one indicator of the ranking's indicator system.
type Indicator struct {
	Key           string `json:"key"`
	Name          string `json:"name"`
	NameEn        string `json:"name_en"`
	Unit          string `json:"unit"`
	Direction     string `json:"direction"`
	Normalisation string `json:"normalisation"`
	Note          string `json:"note"`
	Register      bool   `json:"register"` // computed from the register, not entered
}

// IndicatorValue is one estate's value of one indicator.
type IndicatorValue struct {
	EstateID int64     `json:"estate_id"`
	Key      string    `json:"key"`
	Value    float64   `json:"value"`
	Source   string    `json:"source"`
	AsOf     time.Time `json:"as_of,omitzero"`
	By       int64     `json:"by"`
}

// EstateValues are the indicator values of one estate, by key.
type EstateValues struct {
	EstateID int64                     `json:"estate_id"`
	Code     string                    `json:"code"`
	Name     string                    `json:"name"`
	Values   map[string]IndicatorValue `json:"values"`
}

// IndicatorValues are the values of the estates under a jurisdiction.
type IndicatorValues struct {
	JurisdictionID int64          `json:"jurisdiction_id"`
	Indicators     []*Indicator   `json:"indicators"`
	Estates        []EstateValues `json:"estates"`
}

// IndicatorValuesInput is the body of PUT /api/v1/indicators/values.
type IndicatorValuesInput struct {
	Values []IndicatorValue `json:"values"`
}

// Stored says how many values a write stored.
type Stored struct {
	Stored int `json:"stored"`
}

// WeightSet is a city's named weight set.
type WeightSet struct {
	ID             int64              `json:"id"`
	CityID         int64              `json:"city_id"`
	Name           string             `json:"name"`
	Method         string             `json:"method"`
	Note           string             `json:"note"`
	Keys           []string           `json:"keys"`
	Weights        map[string]float64 `json:"weights"`
	AHPKeys        []string           `json:"ahp_keys"`
	AHPMatrix      [][]float64        `json:"ahp_matrix"`
	LambdaMax      float64            `json:"lambda_max"`
	CI             float64            `json:"ci"`
	CR             float64            `json:"cr"`
	EntropyWeights map[string]float64 `json:"entropy_weights"`
	EntropyEstates int                `json:"entropy_estates"`
	Alpha          float64            `json:"alpha"`
	CreatedBy      int64              `json:"created_by"`
	Created        time.Time          `json:"created"`
	Updated        time.Time          `json:"updated"`
}

// WeightSetInput is the body of POST and PUT /api/v1/weight-sets.
type WeightSetInput struct {
	CityID         int64              `json:"city_id"`
	Name           string             `json:"name"`
	Note           string             `json:"note"`
	Method         string             `json:"method"`
	Keys           []string           `json:"keys"`
	Weights        map[string]float64 `json:"weights"`
	Matrix         [][]float64        `json:"matrix"`
	Alpha          float64            `json:"alpha"`
	JurisdictionID int64              `json:"jurisdiction_id"`
}

// AHPInput is the body of POST /api/v1/weight-sets/ahp.
type AHPInput struct {
	Keys   []string    `json:"keys"`
	Matrix [][]float64 `json:"matrix"`
}

// AHPResult is the check of a comparison matrix: the weights, λmax, CI and
// CR, and, when it is refused, the message naming the most inconsistent pair.
type AHPResult struct {
	Keys       []string             `json:"keys"`
	Weights    map[string]float64   `json:"weights"`
	LambdaMax  float64              `json:"lambda_max"`
	CI         float64              `json:"ci"`
	CR         float64              `json:"cr"`
	Consistent bool                 `json:"consistent"`
	Message    string               `json:"message"`
	Fields     []huanxin.FieldError `json:"fields"`
}

// RankingInput is the body of POST /api/v1/rankings.
type RankingInput struct {
	JurisdictionID int64  `json:"jurisdiction_id"`
	WeightSetID    int64  `json:"weight_set_id"`
	Model          string `json:"model"`
	Sensitivity    bool   `json:"sensitivity"`
	TopN           int    `json:"top_n"`
}

// Ranking is the estates of a jurisdiction ranked by a weight set.
type Ranking struct {
	JurisdictionID int64               `json:"jurisdiction_id"`
	WeightSetID    int64               `json:"weight_set_id"`
	Model          string              `json:"model"`
	Keys           []string            `json:"keys"`
	Weights        []float64           `json:"weights"`
	Estates        []RankedEstate      `json:"estates"`
	Missing        []MissingValues     `json:"missing"`
	Sensitivity    *RankingSensitivity `json:"sensitivity,omitempty"`
}

// RankedEstate is one estate's place in a ranking with the part each
// indicator contributes (in the order of Ranking.Keys).
type RankedEstate struct {
	EstateID      int64          `json:"estate_id"`
	Code          string         `json:"code"`
	Name          string         `json:"name"`
	Rank          int            `json:"rank"`
	Score         float64        `json:"score"`
	DPlus         float64        `json:"d_plus"`
	DMinus        float64        `json:"d_minus"`
	Contributions []Contribution `json:"contributions"`
}

// Contribution explains one indicator's part in an estate's score.
type Contribution struct {
	Key        string  `json:"key"`
	Raw        float64 `json:"raw"`
	Normalised float64 `json:"normalised"`
	Weighted   float64 `json:"weighted"`
	Score      float64 `json:"score"`
	Gap        float64 `json:"gap"`
}

// MissingValues is an estate left out of a ranking for want of values.
type MissingValues struct {
	EstateID int64    `json:"estate_id"`
	Code     string   `json:"code"`
	Name     string   `json:"name"`
	Keys     []string `json:"keys"`
}

// RankingSensitivity is how ranks move when each weight changes by ±10%.
type RankingSensitivity struct {
	TopN          int                 `json:"top_n"`
	Fragile       []string            `json:"fragile"`
	Perturbations []Perturbation      `json:"perturbations"`
	Estates       []EstateSensitivity `json:"estates"`
}

// Perturbation is one re-ranking with one weight changed.
type Perturbation struct {
	Key        string    `json:"key"`
	Change     float64   `json:"change"`
	Weights    []float64 `json:"weights"`
	NoOp       bool      `json:"no_op"`
	TopChanged bool      `json:"top_changed"`
	Moved      int       `json:"moved"`
	MaxShift   int       `json:"max_shift"`
}

// EstateSensitivity is one estate's ranks across the perturbations.
type EstateSensitivity struct {
	EstateID int64 `json:"estate_id"`
	BaseRank int   `json:"base_rank"`
	Ranks    []int `json:"ranks"`
	MaxShift int   `json:"max_shift"`
}

func shownIndicators() []*Indicator {
	var out []*Indicator
	for _, ind := range priority.Indicators() {
		n := string(ind.Normalisation)
		if n == "" {
			n = string(rank.Vector)
		}
		out = append(out, &Indicator{Key: ind.Key, Name: ind.Name, NameEn: ind.NameEn, Unit: ind.Unit, Direction: ind.Direction.String(),
			Normalisation: n, Note: ind.Note, Register: priority.IsRegisterKey(ind.Key)})
	}
	return out
}

func shownValue(v priority.IndicatorValue) IndicatorValue {
	return IndicatorValue{EstateID: v.EstateID, Key: v.Key, Value: v.Value, Source: string(v.Source), AsOf: v.AsOf, By: v.By}
}

// ShownWeightSet is the JSON form of a stored weight set.
func ShownWeightSet(ws *priority.WeightSet) *WeightSet {
	return &WeightSet{ID: ws.ID, CityID: ws.CityID, Name: ws.Name, Method: string(ws.Method), Note: ws.Note, Keys: ws.Keys(),
		Weights: ws.Weights, AHPKeys: ws.AHPKeys, AHPMatrix: ws.AHPMatrix, LambdaMax: ws.LambdaMax, CI: ws.CI, CR: ws.CR,
		EntropyWeights: ws.EntropyWeights, EntropyEstates: ws.EntropyEstates, Alpha: ws.Alpha, CreatedBy: ws.CreatedBy,
		Created: ws.Created, Updated: ws.Updated}
}

func (h priorityHandlers) indicators(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	p := readParams(r, indicatorListParams)
	page, perPage := p.paging()
	if err := p.err(); err != nil {
		WriteError(w, r, err)
		return
	}
	all := shownIndicators()
	writeList(w, pageOf(all, page, perPage), len(all), page, perPage)
}

func (h priorityHandlers) values(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	p := readParams(r, indicatorValuesParams)
	j := p.id("jurisdiction_id", 1)
	if j == nil && p.get("jurisdiction_id") == "" {
		p.fail("jurisdiction_id", "必填 required")
	}
	if err := p.err(); err != nil {
		WriteError(w, r, err)
		return
	}
	d, err := h.svc.Data(r.Context(), *j)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := IndicatorValues{JurisdictionID: *j, Indicators: shownIndicators(), Estates: make([]EstateValues, 0, len(d.Estates))}
	for _, e := range d.Estates {
		ev := EstateValues{EstateID: e.EstateID, Code: e.Code, Name: e.Name, Values: map[string]IndicatorValue{}}
		for k, v := range d.Values[e.EstateID] {
			ev.Values[k] = shownValue(v)
		}
		out.Estates = append(out.Estates, ev)
	}
	WriteJSON(w, http.StatusOK, out)
}

func (h priorityHandlers) putValues(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	var in IndicatorValuesInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	vals := make([]priority.IndicatorValue, len(in.Values))
	for i, v := range in.Values {
		vals[i] = priority.IndicatorValue{EstateID: v.EstateID, Key: v.Key, Value: v.Value, Source: priority.Source(v.Source), AsOf: v.AsOf}
	}
	if err := h.svc.PutValues(r.Context(), vals); err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, Stored{Stored: len(vals)})
}

// importValues imports the request body, an xlsx or csv file in the
// layout of the indicator template: all rows or none.
func (h priorityHandlers) importValues(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	p := readParams(r, indicatorImportParams)
	j := p.id("jurisdiction_id", 1)
	if j == nil && p.get("jurisdiction_id") == "" {
		p.fail("jurisdiction_id", "必填 required")
	}
	name := "indicators.xlsx"
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case err == nil && mt == MediaXLSX:
	case err == nil && mt == MediaCSV:
		name = "indicators.csv"
	default:
		p.fail("Content-Type", "须为 "+MediaXLSX+" 或 "+MediaCSV+" must be "+MediaXLSX+" or "+MediaCSV)
	}
	if f := p.text("filename", 200); f != "" && strings.HasSuffix(strings.ToLower(f), name[strings.LastIndex(name, "."):]) {
		name = f
	}
	if err := p.err(); err != nil {
		WriteError(w, r, err)
		return
	}
	n, err := h.svc.ImportValues(r.Context(), *j, http.MaxBytesReader(w, r.Body, MaxUpload), name)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, Stored{Stored: n})
}

func (h priorityHandlers) weightSets(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	p := readParams(r, weightSetListParams)
	page, perPage := p.paging()
	city := p.id("city_id", 1)
	if city == nil && p.get("city_id") == "" {
		p.fail("city_id", "必填 required")
	}
	if err := p.err(); err != nil {
		WriteError(w, r, err)
		return
	}
	sets, err := h.svc.WeightSets(r.Context(), *city)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := make([]*WeightSet, len(sets))
	for i, ws := range sets {
		out[i] = ShownWeightSet(ws)
	}
	writeList(w, pageOf(out, page, perPage), len(out), page, perPage)
}

func (h priorityHandlers) weightSet(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	ws, err := h.svc.WeightSet(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, ShownWeightSet(ws))
}

func weightSetInput(in WeightSetInput) priority.WeightSetInput {
	return priority.WeightSetInput{Name: in.Name, Note: in.Note, Method: rank.WeightMethod(in.Method), Keys: in.Keys,
		Weights: in.Weights, Matrix: in.Matrix, Alpha: in.Alpha, JurisdictionID: in.JurisdictionID}
}

func (h priorityHandlers) createWeightSet(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	var in WeightSetInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	ws, err := h.svc.CreateWeightSet(r.Context(), in.CityID, weightSetInput(in))
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, ShownWeightSet(ws))
}

func (h priorityHandlers) updateWeightSet(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	var in WeightSetInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	ws, err := h.svc.UpdateWeightSet(r.Context(), id, weightSetInput(in))
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, ShownWeightSet(ws))
}

// checkAHP computes a comparison matrix's weights and consistency; a
// refused matrix is still answered 200 with consistent false and the
// message, so that a form can show the figures beside it.
func (h priorityHandlers) checkAHP(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	var in AHPInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	c := priority.CheckAHP(in.Keys, in.Matrix)
	if c.Err != nil && c.Weights == nil {
		WriteError(w, r, c.Err)
		return
	}
	out := AHPResult{Keys: c.Keys, Weights: c.Weights, LambdaMax: c.LambdaMax, CI: c.CI, CR: c.CR, Consistent: c.Err == nil,
		Fields: []huanxin.FieldError{}}
	if c.Err != nil {
		out.Message, out.Fields = huanxin.ErrorMessage(c.Err), huanxin.ErrorFields(c.Err)
	}
	WriteJSON(w, http.StatusOK, out)
}

// ShownRanking is the JSON form of a ranking.
func ShownRanking(rk *priority.Ranking) *Ranking {
	out := &Ranking{JurisdictionID: rk.Jurisdiction.ID, WeightSetID: rk.WeightSet.ID, Model: string(rk.Model),
		Keys: rk.WeightSet.Keys(), Estates: []RankedEstate{}, Missing: []MissingValues{}}
	for _, k := range out.Keys {
		out.Weights = append(out.Weights, rk.WeightSet.Weights[k])
	}
	for _, m := range rk.Missing {
		out.Missing = append(out.Missing, MissingValues{EstateID: m.EstateID, Code: m.Code, Name: m.Name, Keys: m.Keys})
	}
	if rk.Result == nil {
		return out
	}
	for _, e := range rk.Result.Estates {
		re := RankedEstate{EstateID: e.ID, Code: rk.Codes[e.ID], Name: e.Name, Rank: e.Rank, Score: e.Score, DPlus: e.DPlus, DMinus: e.DMinus,
			Contributions: make([]Contribution, len(e.Contributions))}
		for j, c := range e.Contributions {
			re.Contributions[j] = Contribution{Key: c.Key, Raw: c.Raw, Normalised: c.Normalised, Weighted: c.Weighted, Score: c.Score, Gap: c.Gap}
		}
		out.Estates = append(out.Estates, re)
	}
	if s := rk.Sensitivity; s != nil {
		rs := &RankingSensitivity{TopN: s.TopN, Fragile: s.Fragile, Perturbations: make([]Perturbation, len(s.Perturbations)),
			Estates: make([]EstateSensitivity, len(s.Estates))}
		if rs.Fragile == nil {
			rs.Fragile = []string{}
		}
		for i, pt := range s.Perturbations {
			rs.Perturbations[i] = Perturbation{Key: pt.Key, Change: pt.Change, Weights: pt.Weights, NoOp: pt.NoOp,
				TopChanged: pt.TopChanged, Moved: pt.Moved, MaxShift: pt.MaxShift}
		}
		for i, e := range s.Estates {
			rs.Estates[i] = EstateSensitivity{EstateID: e.ID, BaseRank: e.BaseRank, Ranks: e.Ranks, MaxShift: e.MaxShift}
		}
		out.Sensitivity = rs
	}
	return out
}

func (h priorityHandlers) rank(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	var in RankingInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	rk, err := h.svc.Rank(r.Context(), priority.RankRequest{JurisdictionID: in.JurisdictionID, WeightSetID: in.WeightSetID,
		Model: rank.Model(in.Model), Sensitivity: in.Sensitivity, TopN: in.TopN})
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, ShownRanking(rk))
}
