package priority

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/planning/rank"
)

// WeightSet is a city's named weight set as stored.
type WeightSet struct {
	ID     int64
	CityID int64
	rank.WeightSet
	CreatedBy int64
	Created   time.Time
	Updated   time.Time
}

// Keys returns the indicators the set weighs, in the order of Indicators.
func (ws *WeightSet) Keys() []string {
	var ks []string
	for _, ind := range Indicators() {
		if _, ok := ws.Weights[ind.Key]; ok {
			ks = append(ks, ind.Key)
		}
	}
	return ks
}

// WeightSetInput describes a weight set to create or replace.
type WeightSetInput struct {
	Name, Note string
	Method     rank.WeightMethod
	// Keys are the indicators to weigh (manual sets take them from Weights).
	Keys []string
	// Weights of a manual set, on any non-negative scale: they are divided
	// by their sum. An indicator with weight 0 is left out of the set.
	Weights map[string]float64
	// Matrix is the AHP comparison matrix of AHP and combined sets, rows and
	// columns in the order of Keys.
	Matrix [][]float64
	// Alpha is the share of the AHP weights in a combined set.
	Alpha float64
	// JurisdictionID names the estates whose data give entropy weights
	// (entropy and combined sets): those with a value for every indicator.
	JurisdictionID int64
}

// Missing is an estate left out of a ranking for want of values.
type Missing struct {
	EstateID int64
	Code     string
	Name     string
	Keys     []string
}

// Data is what is known of the estates of a jurisdiction: their register
// facts and every indicator value (register-derived and stored).
type Data struct {
	Jurisdiction *estate.Jurisdiction
	Estates      []EstateFacts // in ID order
	Values       map[int64]map[string]IndicatorValue
}

// Alternatives returns the estates that have a value for every key, ready
// for ranking, and those that lack some, with what they lack.
func (d *Data) Alternatives(keys []string) ([]rank.Alternative, []Missing) {
	var alts []rank.Alternative
	var missing []Missing
	for _, e := range d.Estates {
		vs := d.Values[e.EstateID]
		a := rank.Alternative{ID: e.EstateID, Name: e.Name, Values: make(map[string]float64, len(keys))}
		var lack []string
		for _, k := range keys {
			if v, ok := vs[k]; ok {
				a.Values[k] = v.Value
			} else {
				lack = append(lack, k)
			}
		}
		if len(lack) > 0 {
			missing = append(missing, Missing{EstateID: e.EstateID, Code: e.Code, Name: e.Name, Keys: lack})
			continue
		}
		alts = append(alts, a)
	}
	return alts, missing
}

// Store is what the priority service needs from storage. Reads are limited
// to the scope and to the estates under the jurisdiction path.
type Store interface {
	FindEstateFacts(ctx context.Context, s huanxin.Scope, cityID int64, path string, year int) ([]EstateFacts, error)
	FindIndicatorValues(ctx context.Context, s huanxin.Scope, cityID int64, path string) ([]IndicatorValue, error)
	// PutIndicatorValues stores values (one city), replacing earlier values
	// of the same estate and indicator, all or none, audited.
	PutIndicatorValues(ctx context.Context, cityID int64, vals []IndicatorValue, detail string) error
	FindWeightSets(ctx context.Context, cityID int64) ([]*WeightSet, error)
	FindWeightSetByID(ctx context.Context, id int64) (*WeightSet, error)
	CreateWeightSet(ctx context.Context, ws *WeightSet) error
	UpdateWeightSet(ctx context.Context, ws *WeightSet) error
}

// Service enforces who may read, enter, weigh and rank.
type Service struct {
	Store Store
	Reg   *estate.Service
	Now   func() time.Time // defaults to time.Now
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// shanghai is the time zone of the year in which building age is counted.
var shanghai = time.FixedZone("CST", 8*3600)

// MayRead reports whether a role may see indicator values, weight sets and
// rankings: officers and auditors.
func MayRead(r huanxin.Role) bool {
	switch r {
	case huanxin.RoleAdmin, huanxin.RoleBureau, huanxin.RoleStreet, huanxin.RoleCommunity, huanxin.RoleAuditor:
		return true
	}
	return false
}

// MayEnter reports whether a role may enter indicator values (for estates in
// its scope).
func MayEnter(r huanxin.Role) bool {
	switch r {
	case huanxin.RoleAdmin, huanxin.RoleBureau, huanxin.RoleStreet, huanxin.RoleCommunity:
		return true
	}
	return false
}

// MayWeigh reports whether a role may create and change weight sets.
func MayWeigh(r huanxin.Role) bool { return r == huanxin.RoleAdmin || r == huanxin.RoleBureau }

func reader(ctx context.Context) (*huanxin.Actor, error) {
	a, err := huanxin.SignedIn(ctx)
	if err == nil && !MayRead(a.Role) {
		err = huanxin.Errorf(huanxin.EFORBIDDEN, "只有管理部门可以查看优先排序 only officers may see the priority ranking")
	}
	return a, err
}

// Data reads the estates under a jurisdiction that the actor sees, with all
// their indicator values: register-derived ones computed now, the others as
// stored (one query for the whole subtree).
func (s *Service) Data(ctx context.Context, jurisdictionID int64) (*Data, error) {
	a, err := reader(ctx)
	if err != nil {
		return nil, err
	}
	j, err := s.Reg.Jurisdictions().Get(ctx, jurisdictionID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	facts, err := s.Store.FindEstateFacts(ctx, a.Scope, j.CityID, j.Path, now.In(shanghai).Year())
	if err != nil {
		return nil, err
	}
	stored, err := s.Store.FindIndicatorValues(ctx, a.Scope, j.CityID, j.Path)
	if err != nil {
		return nil, err
	}
	d := &Data{Jurisdiction: j, Estates: facts, Values: make(map[int64]map[string]IndicatorValue, len(facts))}
	for _, f := range facts {
		vs := make(map[string]IndicatorValue, len(Indicators()))
		for _, v := range FromRegister(f, now.In(shanghai).Year(), now) {
			vs[v.Key] = v
		}
		d.Values[f.EstateID] = vs
	}
	for _, v := range stored {
		if vs, ok := d.Values[v.EstateID]; ok && !IsRegisterKey(v.Key) {
			vs[v.Key] = v
		}
	}
	return d, nil
}

// checkValue checks one entered value: an enterable indicator, a finite
// non-negative number, at most 100 for shares and scores.
func checkValue(key string, v float64) string {
	ind, ok := Indicator(key)
	switch {
	case !ok:
		return fmt.Sprintf("未知指标 %s unknown indicator", key)
	case IsRegisterKey(key):
		return fmt.Sprintf("「%s」由登记信息计算，请修改登记信息 %s is computed from the register; correct the register instead", ind.Name, ind.NameEn)
	case math.IsNaN(v) || math.IsInf(v, 0) || v < 0:
		return "须为非负数 must be a non-negative number"
	case v > 100 && (ind.Unit == "%" || strings.Contains(ind.Unit, "0–100")):
		return "不能超过 100 must not exceed 100"
	}
	return ""
}

// PutValues stores entered values for estates in the actor's scope. Source
// defaults to manual and AsOf to now; By is the actor. Nothing is stored
// unless every value is valid.
func (s *Service) PutValues(ctx context.Context, vals []IndicatorValue) error {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return err
	}
	if !MayEnter(a.Role) || a.ReadOnly {
		return huanxin.Errorf(huanxin.EFORBIDDEN, "无权录入指标数据 you may not enter indicator values")
	}
	if len(vals) == 0 {
		return huanxin.Invalid("没有数据 no values", huanxin.FieldError{Field: "values", Message: "至少一项 at least one"})
	}
	var bad []huanxin.FieldError
	var city int64
	estates := map[int64]*estate.Estate{}
	out := make([]IndicatorValue, 0, len(vals))
	for i, v := range vals {
		field := fmt.Sprintf("values[%d]", i)
		if msg := checkValue(v.Key, v.Value); msg != "" {
			bad = append(bad, huanxin.FieldError{Field: field + ".value", Message: msg})
		}
		if v.Source == "" {
			v.Source = SourceManual
		}
		if !slices.Contains(Sources, v.Source) {
			bad = append(bad, huanxin.FieldError{Field: field + ".source", Message: fmt.Sprintf("未知来源 %q unknown source", v.Source)})
		}
		e, ok := estates[v.EstateID]
		if !ok {
			e, err = s.Reg.Estates().Get(ctx, v.EstateID)
			if huanxin.ErrorCode(err) == huanxin.ENOTFOUND {
				return huanxin.Errorf(huanxin.EFORBIDDEN, "小区 %d 不在您的管辖范围 estate %d is outside your jurisdiction", v.EstateID, v.EstateID)
			} else if err != nil {
				return err
			}
			estates[v.EstateID] = e
		}
		if city == 0 {
			city = e.CityID
		} else if e.CityID != city {
			bad = append(bad, huanxin.FieldError{Field: field + ".estate_id", Message: "一次只能录入一个城市的数据 values of one city at a time"})
		}
		v.CityID, v.By = e.CityID, a.UserID
		if v.AsOf.IsZero() {
			v.AsOf = s.now()
		}
		out = append(out, v)
	}
	if len(bad) > 0 {
		return huanxin.Invalid("指标数据有误，未保存 invalid values; nothing was saved", bad...)
	}
	return s.Store.PutIndicatorValues(ctx, city, out, "")
}

func (s *Service) cityOf(ctx context.Context, cityID int64) error {
	cities, err := s.Reg.Cities(ctx)
	if err != nil {
		return err
	}
	if !slices.Contains(cities, cityID) {
		return huanxin.Errorf(huanxin.ENOTFOUND, "城市不存在或不在您的管辖范围 city not found")
	}
	return nil
}

// WeightSets lists a city's weight sets by name.
func (s *Service) WeightSets(ctx context.Context, cityID int64) ([]*WeightSet, error) {
	if _, err := reader(ctx); err != nil {
		return nil, err
	}
	if err := s.cityOf(ctx, cityID); err != nil {
		return nil, err
	}
	return s.Store.FindWeightSets(ctx, cityID)
}

// WeightSet returns one weight set of a city the actor sees.
func (s *Service) WeightSet(ctx context.Context, id int64) (*WeightSet, error) {
	if _, err := reader(ctx); err != nil {
		return nil, err
	}
	ws, err := s.Store.FindWeightSetByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.cityOf(ctx, ws.CityID); err != nil {
		return nil, huanxin.Errorf(huanxin.ENOTFOUND, "权重方案不存在 weight set not found")
	}
	return ws, nil
}

// indicatorsOf returns the indicators of keys in system order, refusing
// unknown and repeated keys.
func indicatorsOf(keys []string) ([]rank.Indicator, error) {
	var inds []rank.Indicator
	for _, ind := range Indicators() {
		if slices.Contains(keys, ind.Key) {
			inds = append(inds, ind)
		}
	}
	if len(inds) != len(keys) {
		return nil, huanxin.Invalid("指标有误（未知或重复） unknown or repeated indicators", huanxin.FieldError{Field: "keys", Message: strings.Join(keys, ",")})
	}
	if len(inds) == 0 {
		return nil, huanxin.Invalid("请至少选择一个指标 choose at least one indicator", huanxin.FieldError{Field: "keys", Message: "必填 required"})
	}
	return inds, nil
}

// OrderKeys returns keys in the order of Indicators (the order of an AHP
// matrix), dropping unknown ones.
func OrderKeys(keys []string) []string {
	var out []string
	for _, ind := range Indicators() {
		if slices.Contains(keys, ind.Key) {
			out = append(out, ind.Key)
		}
	}
	return out
}

// AHPCheck is the outcome of checking a comparison matrix.
type AHPCheck struct {
	Keys      []string
	Weights   map[string]float64
	LambdaMax float64
	CI, CR    float64
	// Err is the refusal (CR ≥ 0.1, naming the most inconsistent pair) or
	// the input error; nil when the matrix is accepted.
	Err error
}

// CheckAHP computes the weights and consistency of a comparison matrix whose
// rows follow keys (in the order of Indicators). The figures are filled
// even when the matrix is refused for inconsistency.
func CheckAHP(keys []string, matrix [][]float64) AHPCheck {
	c := AHPCheck{Keys: keys}
	inds, err := indicatorsOf(keys)
	if err == nil && !slices.Equal(OrderKeys(keys), keys) {
		err = huanxin.Invalid("指标须按指标体系的顺序排列 the indicators must be in the order of the indicator system", huanxin.FieldError{Field: "keys", Message: strings.Join(OrderKeys(keys), ",")})
	}
	if err != nil {
		c.Err = err
		return c
	}
	if len(matrix) != len(inds) {
		c.Err = huanxin.Invalid("判断矩阵阶数须等于指标数 the comparison matrix must have one row per indicator",
			huanxin.FieldError{Field: "matrix", Message: fmt.Sprintf("%d/%d", len(matrix), len(inds))})
		return c
	}
	w, l, ci, cr, err := rank.AHP(matrix)
	c.LambdaMax, c.CI, c.CR = l, ci, cr
	if w != nil {
		c.Weights = make(map[string]float64, len(w))
		for j, ind := range inds {
			c.Weights[ind.Key] = w[j]
		}
	}
	if err != nil {
		// Again with the indicators' names, for the message.
		_, err = rank.NewAHPWeightSet("-", inds, matrix)
	}
	c.Err = err
	return c
}

// build makes the rank.WeightSet an input describes.
func (s *Service) build(ctx context.Context, in WeightSetInput) (rank.WeightSet, error) {
	name := strings.TrimSpace(in.Name)
	if name == "" || len([]rune(name)) > 100 {
		return rank.WeightSet{}, huanxin.Invalid("权重方案须有名称（至多100字） a weight set needs a name of at most 100 characters", huanxin.FieldError{Field: "name", Message: "必填 required"})
	}
	var ws rank.WeightSet
	var err error
	switch in.Method {
	case rank.MethodManual:
		var keys []string
		var sum float64
		for k, v := range in.Weights {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return ws, huanxin.Invalid("权重须为非负数 weights must be non-negative", huanxin.FieldError{Field: "weights." + k, Message: fmt.Sprint(v)})
			}
			if v > 0 {
				keys = append(keys, k)
				sum += v
			}
		}
		inds, err := indicatorsOf(keys)
		if err != nil {
			return ws, err
		}
		w := make(map[string]float64, len(inds))
		for _, ind := range inds {
			w[ind.Key] = in.Weights[ind.Key] / sum
		}
		ws, err = rank.NewManualWeightSet(name, inds, w)
		if err != nil {
			return ws, err
		}
	case rank.MethodAHP, rank.MethodEntropy, rank.MethodCombined:
		keys := OrderKeys(in.Keys)
		inds, err := indicatorsOf(in.Keys)
		if err != nil {
			return ws, err
		}
		var alts []rank.Alternative
		if in.Method != rank.MethodAHP {
			if in.JurisdictionID == 0 {
				return ws, huanxin.Invalid("熵值法须指明按哪个辖区的数据计算 the entropy weights need a jurisdiction whose data they come from",
					huanxin.FieldError{Field: "jurisdiction_id", Message: "必填 required"})
			}
			d, err := s.Data(ctx, in.JurisdictionID)
			if err != nil {
				return ws, err
			}
			alts, _ = d.Alternatives(keys)
		}
		switch in.Method {
		case rank.MethodAHP:
			if c := CheckAHP(keys, in.Matrix); c.Err != nil {
				return ws, c.Err
			}
			ws, err = rank.NewAHPWeightSet(name, inds, in.Matrix)
		case rank.MethodEntropy:
			ws, err = rank.NewEntropyWeightSet(name, inds, alts)
		default:
			if c := CheckAHP(keys, in.Matrix); c.Err != nil {
				return ws, c.Err
			}
			ws, err = rank.NewCombinedWeightSet(name, inds, in.Matrix, alts, in.Alpha, false)
		}
		if err != nil {
			return ws, err
		}
	default:
		return ws, huanxin.Invalid(fmt.Sprintf("未知的赋权方法 %q unknown method", in.Method), huanxin.FieldError{Field: "method", Message: string(in.Method)})
	}
	ws.Note = strings.TrimSpace(in.Note)
	return ws, err
}

func (s *Service) weigher(ctx context.Context, cityID int64) (*huanxin.Actor, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, err
	}
	if !MayWeigh(a.Role) || a.ReadOnly {
		return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "只有管理员或住建局可以设置权重方案 only administrators and housing bureaus may set weight sets")
	}
	return a, s.cityOf(ctx, cityID)
}

// CreateWeightSet builds and stores a new weight set of a city. A name
// already taken in the city is ECONFLICT.
func (s *Service) CreateWeightSet(ctx context.Context, cityID int64, in WeightSetInput) (*WeightSet, error) {
	a, err := s.weigher(ctx, cityID)
	if err != nil {
		return nil, err
	}
	rws, err := s.build(ctx, in)
	if err != nil {
		return nil, err
	}
	ws := &WeightSet{CityID: cityID, WeightSet: rws, CreatedBy: a.UserID}
	return ws, s.Store.CreateWeightSet(ctx, ws)
}

// UpdateWeightSet replaces a weight set with a new one built from in.
func (s *Service) UpdateWeightSet(ctx context.Context, id int64, in WeightSetInput) (*WeightSet, error) {
	old, err := s.WeightSet(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.weigher(ctx, old.CityID); err != nil {
		return nil, err
	}
	rws, err := s.build(ctx, in)
	if err != nil {
		return nil, err
	}
	ws := *old
	ws.WeightSet = rws
	return &ws, s.Store.UpdateWeightSet(ctx, &ws)
}

// RankRequest asks for a ranking.
type RankRequest struct {
	JurisdictionID int64
	WeightSetID    int64
	Model          rank.Model
	Sensitivity    bool // also the ±10% sensitivity analysis
	TopN           int  // for the sensitivity view; default 10
}

// Ranking is the estates of a jurisdiction ranked by a weight set.
type Ranking struct {
	Jurisdiction *estate.Jurisdiction
	WeightSet    *WeightSet
	Model        rank.Model
	// Result is nil when no estate has every value.
	Result      *rank.Result
	Sensitivity *rank.Sensitivity
	// Missing lists the estates left out, with what each lacks.
	Missing []Missing
	Codes   map[int64]string // estate codes by ID
}

// Rank ranks the estates under a jurisdiction that have every indicator of
// the weight set; those lacking some are listed in Missing, not guessed.
func (s *Service) Rank(ctx context.Context, req RankRequest) (*Ranking, error) {
	if req.Model == "" {
		req.Model = rank.ModelTOPSIS
	}
	if req.Model != rank.ModelTOPSIS && req.Model != rank.ModelWeightedSum {
		return nil, huanxin.Invalid(fmt.Sprintf("未知的排序模型 %q unknown ranking model", req.Model), huanxin.FieldError{Field: "model", Message: string(req.Model)})
	}
	if req.TopN <= 0 {
		req.TopN = 10
	}
	d, err := s.Data(ctx, req.JurisdictionID)
	if err != nil {
		return nil, err
	}
	ws, err := s.WeightSet(ctx, req.WeightSetID)
	if err != nil {
		return nil, err
	}
	if ws.CityID != d.Jurisdiction.CityID {
		return nil, huanxin.Invalid("权重方案不属于该城市 the weight set belongs to another city", huanxin.FieldError{Field: "weight_set_id", Message: "其他城市 another city"})
	}
	keys := ws.Keys()
	inds, err := indicatorsOf(keys)
	if err != nil {
		return nil, err
	}
	w, err := ws.Vector(inds)
	if err != nil {
		return nil, err
	}
	alts, missing := d.Alternatives(keys)
	out := &Ranking{Jurisdiction: d.Jurisdiction, WeightSet: ws, Model: req.Model, Missing: missing, Codes: make(map[int64]string, len(d.Estates))}
	for _, e := range d.Estates {
		out.Codes[e.EstateID] = e.Code
	}
	if len(alts) == 0 {
		return out, nil
	}
	if req.Sensitivity {
		out.Sensitivity, err = rank.Analyse(req.Model, inds, alts, w, req.TopN)
		if err != nil {
			return nil, err
		}
		out.Result = out.Sensitivity.Base
		return out, nil
	}
	out.Result, err = rank.Rank(req.Model, inds, alts, w)
	return out, err
}
