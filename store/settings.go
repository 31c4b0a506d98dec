package store

import (
	"context"
	"maps"
	"slices"

	"github.com/huanxin/huanxin/audit"
)

const entitySettings = "city_settings"

// CitySettings returns the named settings of a city.
func (db *DB) CitySettings(ctx context.Context, cityID int64) (map[string]string, error) {
	rows, err := db.query(ctx, "SELECT name, value FROM city_settings WHERE city_id = ?", cityID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, rows.Err()
}

// SetCitySettings stores named settings of a city, audited as one change.
func (db *DB) SetCitySettings(ctx context.Context, cityID int64, values map[string]string, by int64) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		for _, k := range slices.Sorted(maps.Keys(values)) {
			if _, err := tx.exec(`INSERT INTO city_settings (city_id, name, value, updated_by, updated) VALUES (?,?,?,?,?)
				ON CONFLICT (city_id, name) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by,
				updated = excluded.updated`, cityID, k, values[k], by, micro(tx.now)); err != nil {
				return err
			}
		}
		return tx.Audit(cityID, audit.ActionUpdate, entitySettings, cityID, values, "")
	})
}
