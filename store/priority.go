package store

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/planning/priority"
	"github.com/huanxin/huanxin/planning/rank"
)

// Entity names of the priority ranking in the audit ledger.
const (
	entityIndicatorValues = "indicator_values"
	entityWeightSet       = "weight_set"
)

var _ priority.Store = (*DB)(nil)

// subtree is the condition on estates x of a city under a jurisdiction path
// and within the scope: an indexed range on the estates' jpath.
func subtree(s huanxin.Scope, cityID int64, path string) where {
	var w where
	w.add("x.city_id = ?", cityID)
	lo, hi := prefixRange(path)
	w.add(pathPrefix("x.jpath"), lo, hi)
	scopeEstates("x.id")(s, &w)
	return w
}

// FindEstateFacts returns the register figures of the estates of a city
// under path and within the scope, in ID order: dwellings recorded as parts,
// residents, those with a birth year, those born in or before year − 60,
// and those with disabilities.
func (db *DB) FindEstateFacts(ctx context.Context, s huanxin.Scope, cityID int64, path string, year int) ([]priority.EstateFacts, error) {
	w := subtree(s, cityID, path)
	args := append([]any{year - priority.ElderlyAge}, w.args...)
	rows, err := db.query(ctx, `SELECT x.id, x.city_id, x.jurisdiction_id, x.code, x.name, x.year_built, x.management, x.dwellings,
		(SELECT COUNT(*) FROM parts p WHERE p.city_id = x.city_id AND p.estate_id = x.id AND p.kind = 'dwelling'),
		COUNT(r.id),
		COALESCE(SUM(CASE WHEN r.birth_year > 0 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN r.birth_year > 0 AND r.birth_year <= ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN r.disabled THEN 1 ELSE 0 END), 0)
		FROM estates x LEFT JOIN residents r ON r.city_id = x.city_id AND r.estate_id = x.id`+w.sql()+`
		GROUP BY x.id, x.city_id, x.jurisdiction_id, x.code, x.name, x.year_built, x.management, x.dwellings
		ORDER BY x.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []priority.EstateFacts
	for rows.Next() {
		var f priority.EstateFacts
		if err := rows.Scan(&f.EstateID, &f.CityID, &f.JurisdictionID, &f.Code, &f.Name, &f.YearBuilt, &f.Management, &f.Dwellings,
			&f.DwellingParts, &f.Residents, &f.BirthKnown, &f.Elderly, &f.Disabled); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// FindIndicatorValues returns the stored indicator values of the estates of
// a city under path and within the scope, in one query.
func (db *DB) FindIndicatorValues(ctx context.Context, s huanxin.Scope, cityID int64, path string) ([]priority.IndicatorValue, error) {
	w := subtree(s, cityID, path)
	rows, err := db.query(ctx, `SELECT v.city_id, v.estate_id, v.indicator, v.value, v.source, v.as_of, v.entered_by
		FROM indicator_values v JOIN estates x ON x.id = v.estate_id AND x.city_id = v.city_id`+w.sql()+`
		ORDER BY v.estate_id, v.indicator`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []priority.IndicatorValue
	for rows.Next() {
		var v priority.IndicatorValue
		if err := rows.Scan(&v.CityID, &v.EstateID, &v.Key, &v.Value, &v.Source, stamp{&v.AsOf}, &v.By); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// putBatch is how many values one INSERT writes.
const putBatch = 200

// PutIndicatorValues stores the values of one city, each replacing the
// earlier value of its estate and indicator, in one transaction with one
// audit entry (the estate's ID when all values are of one estate).
func (db *DB) PutIndicatorValues(ctx context.Context, cityID int64, vals []priority.IndicatorValue, detail string) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		for start := 0; start < len(vals); start += putBatch {
			batch := vals[start:min(start+putBatch, len(vals))]
			rows := make([]string, len(batch))
			args := make([]any, 0, 8*len(batch))
			for i, v := range batch {
				if v.CityID != cityID {
					return huanxin.Errorf(huanxin.EINVALID, "指标数据不属于同一城市 values of several cities")
				}
				rows[i] = "(" + placeholders(8) + ")"
				args = append(args, cityID, v.EstateID, v.Key, v.Value, string(v.Source), micro(v.AsOf), v.By, micro(tx.now))
			}
			if _, err := tx.exec(`INSERT INTO indicator_values (city_id, estate_id, indicator, value, source, as_of, entered_by, updated)
				VALUES `+strings.Join(rows, ", ")+`
				ON CONFLICT (city_id, estate_id, indicator) DO UPDATE SET value = excluded.value, source = excluded.source,
				as_of = excluded.as_of, entered_by = excluded.entered_by, updated = excluded.updated`, args...); err != nil {
				return mapErr(err)
			}
		}
		var id int64
		if len(vals) > 0 {
			id = vals[0].EstateID
			for _, v := range vals {
				if v.EstateID != id {
					id = 0
					break
				}
			}
		}
		return tx.Audit(cityID, audit.ActionUpdate, entityIndicatorValues, id, vals, detail)
	})
}

const weightSetCols = `id, city_id, name, method, weights, ahp_keys, ahp_matrix, lambda_max, ci, cr, entropy_weights,
	entropy_estates, alpha, note, created_by, created, updated`

func scanWeightSet(sc interface{ Scan(...any) error }) (*priority.WeightSet, error) {
	ws := new(priority.WeightSet)
	var weights, keys, matrix, entropy string
	if err := sc.Scan(&ws.ID, &ws.CityID, &ws.Name, &ws.Method, &weights, &keys, &matrix, &ws.LambdaMax, &ws.CI, &ws.CR,
		&entropy, &ws.EntropyEstates, &ws.Alpha, &ws.Note, &ws.CreatedBy, stamp{&ws.Created}, stamp{&ws.Updated}); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		s string
		v any
	}{{weights, &ws.Weights}, {keys, &ws.AHPKeys}, {matrix, &ws.AHPMatrix}, {entropy, &ws.EntropyWeights}} {
		if err := json.Unmarshal([]byte(f.s), f.v); err != nil {
			return nil, err
		}
	}
	// Empty lists and maps read back as nil, as the set was built.
	if len(ws.AHPKeys) == 0 {
		ws.AHPKeys, ws.AHPMatrix = nil, nil
	}
	if len(ws.EntropyWeights) == 0 {
		ws.EntropyWeights = nil
	}
	return ws, nil
}

// weightSetJSON returns the JSON columns of a weight set: weights, AHP keys
// and matrix, entropy weights. JSON keeps every float64 exactly.
func weightSetJSON(ws *rank.WeightSet) ([]any, error) {
	out := make([]any, 0, 4)
	for _, v := range []any{ws.Weights, ws.AHPKeys, ws.AHPMatrix, ws.EntropyWeights} {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		switch string(b) {
		case "null":
			if _, ok := v.(map[string]float64); ok {
				b = []byte("{}")
			} else {
				b = []byte("[]")
			}
		}
		out = append(out, string(b))
	}
	return out, nil
}

// FindWeightSets lists a city's weight sets by name.
func (db *DB) FindWeightSets(ctx context.Context, cityID int64) ([]*priority.WeightSet, error) {
	rows, err := db.query(ctx, "SELECT "+weightSetCols+" FROM weight_sets WHERE city_id = ? ORDER BY name, id", cityID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*priority.WeightSet
	for rows.Next() {
		ws, err := scanWeightSet(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ws)
	}
	return out, rows.Err()
}

// FindWeightSetByID returns a weight set, or ENOTFOUND.
func (db *DB) FindWeightSetByID(ctx context.Context, id int64) (*priority.WeightSet, error) {
	ws, err := scanWeightSet(db.queryRow(ctx, "SELECT "+weightSetCols+" FROM weight_sets WHERE id = ?", id))
	if err != nil {
		return nil, mapErr(err)
	}
	return ws, nil
}

// CreateWeightSet stores a new weight set; a name taken in the city is
// ECONFLICT.
func (db *DB) CreateWeightSet(ctx context.Context, ws *priority.WeightSet) error {
	js, err := weightSetJSON(&ws.WeightSet)
	if err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx *Tx) error {
		args := append([]any{ws.CityID, ws.Name, string(ws.Method)}, js[0], js[1], js[2])
		args = append(args, ws.LambdaMax, ws.CI, ws.CR, js[3], ws.EntropyEstates, ws.Alpha, ws.Note, ws.CreatedBy, micro(tx.now), micro(tx.now))
		id, err := tx.insertID(`INSERT INTO weight_sets (city_id, name, method, weights, ahp_keys, ahp_matrix, lambda_max, ci, cr,
			entropy_weights, entropy_estates, alpha, note, created_by, created, updated) VALUES (`+placeholders(16)+`)`, args...)
		if err != nil {
			return weightSetErr(err, ws.Name)
		}
		ws.ID, ws.Created, ws.Updated = id, tx.now, tx.now
		return tx.Audit(ws.CityID, audit.ActionCreate, entityWeightSet, id, ws, ws.Name)
	})
}

// UpdateWeightSet replaces a stored weight set's name and contents.
func (db *DB) UpdateWeightSet(ctx context.Context, ws *priority.WeightSet) error {
	js, err := weightSetJSON(&ws.WeightSet)
	if err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx *Tx) error {
		args := append([]any{ws.Name, string(ws.Method)}, js[0], js[1], js[2])
		args = append(args, ws.LambdaMax, ws.CI, ws.CR, js[3], ws.EntropyEstates, ws.Alpha, ws.Note, micro(tx.now), ws.ID, ws.CityID)
		res, err := tx.exec(`UPDATE weight_sets SET name = ?, method = ?, weights = ?, ahp_keys = ?, ahp_matrix = ?, lambda_max = ?,
			ci = ?, cr = ?, entropy_weights = ?, entropy_estates = ?, alpha = ?, note = ?, updated = ? WHERE id = ? AND city_id = ?`, args...)
		if err != nil {
			return weightSetErr(err, ws.Name)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return huanxin.Errorf(huanxin.ENOTFOUND, "权重方案不存在 weight set not found")
		}
		ws.Updated = tx.now
		return tx.Audit(ws.CityID, audit.ActionUpdate, entityWeightSet, ws.ID, ws, ws.Name)
	})
}

func weightSetErr(err error, name string) error {
	if constraintKind(err) == "unique" {
		return huanxin.Errorf(huanxin.ECONFLICT, "权重方案「%s」已存在 weight set %q already exists", name, name)
	}
	return mapErr(err)
}
