package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/planning"
)

// Entity names of the catalogue in the audit ledger.
const (
	entityCatalogue     = "catalogue"
	entityCatalogueItem = "catalogue_item"
)

const catalogueCols = `id, city_id, code, name, name_en, category, unit, unit_cost, life_years, decision_item,
	sources, sign_offs, depends_on, active, notes, updated_by, updated`

func joinKeys(keys []string) string { return strings.Join(keys, ",") }

func splitKeys(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

func scanCatalogueItem(sc interface{ Scan(...any) error }) (*planning.Item, error) {
	it := new(planning.Item)
	var cost, item int64
	var sources, signOffs, deps string
	if err := sc.Scan(&it.ID, &it.CityID, &it.Code, &it.Name, &it.NameEn, &it.Category, &it.Unit, &cost, &it.LifeYears,
		&item, &sources, &signOffs, &deps, &it.Active, &it.Notes, &it.UpdatedBy, stamp{&it.Updated}); err != nil {
		return nil, err
	}
	it.UnitCost, it.DecisionItem = huanxin.Money(cost), decision.Item(item)
	it.Sources, it.SignOffs, it.DependsOn = splitKeys(sources), splitKeys(signOffs), splitKeys(deps)
	return it, nil
}

// CatalogueItems returns every item of a city's catalogue, by code.
func (db *DB) CatalogueItems(ctx context.Context, cityID int64) ([]*planning.Item, error) {
	rows, err := db.query(ctx, "SELECT "+catalogueCols+" FROM catalogue_items WHERE city_id = ? ORDER BY code", cityID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*planning.Item
	for rows.Next() {
		it, err := scanCatalogueItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// CatalogueItemByID returns an item of any city, or ENOTFOUND.
func (db *DB) CatalogueItemByID(ctx context.Context, id int64) (*planning.Item, error) {
	it, err := scanCatalogueItem(db.queryRow(ctx, "SELECT "+catalogueCols+" FROM catalogue_items WHERE id = ?", id))
	if err == sql.ErrNoRows {
		return nil, huanxin.Errorf(huanxin.ENOTFOUND, "改造内容不存在 catalogue item not found")
	}
	return it, err
}

// SeedCatalogue adds the items whose codes the city's catalogue lacks and
// returns how many it added; when it adds any, the ledger gets one entry
// for the city's catalogue naming their codes.
func (db *DB) SeedCatalogue(ctx context.Context, cityID int64, items []*planning.Item) (int, error) {
	var added []string
	err := db.WithTx(ctx, func(tx *Tx) error {
		added = added[:0]
		for _, it := range items {
			res, err := tx.exec(`INSERT INTO catalogue_items (city_id, code, name, name_en, category, unit, unit_cost, life_years,
				decision_item, sources, sign_offs, depends_on, active, notes, updated_by, updated)
				VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (city_id, code) DO NOTHING`,
				catalogueArgs(cityID, it, tx)...)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n > 0 {
				added = append(added, it.Code)
			}
		}
		if len(added) == 0 {
			return nil
		}
		return tx.Audit(cityID, audit.ActionCreate, entityCatalogue, cityID, items,
			"默认改造内容清单 default catalogue: "+strconv.Itoa(len(added))+" items "+strings.Join(added, ","))
	})
	return len(added), err
}

// catalogueArgs are the values of an item's columns from city_id to
// updated, as written by tx.
func catalogueArgs(cityID int64, it *planning.Item, tx *Tx) []any {
	return []any{cityID, it.Code, it.Name, it.NameEn, string(it.Category), it.Unit, int64(it.UnitCost), it.LifeYears,
		int64(it.DecisionItem), joinKeys(it.Sources), joinKeys(it.SignOffs), joinKeys(it.DependsOn), it.Active, it.Notes,
		tx.actor.UserID, micro(tx.now)}
}

// CreateCatalogueItem stores a new item, setting its ID, UpdatedBy and
// Updated; a code taken in the city is ECONFLICT.
func (db *DB) CreateCatalogueItem(ctx context.Context, it *planning.Item) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		id, err := tx.insertID(`INSERT INTO catalogue_items (city_id, code, name, name_en, category, unit, unit_cost, life_years,
			decision_item, sources, sign_offs, depends_on, active, notes, updated_by, updated)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, catalogueArgs(it.CityID, it, tx)...)
		if err != nil {
			return err
		}
		it.ID, it.UpdatedBy, it.Updated = id, tx.actor.UserID, tx.now
		return tx.Audit(it.CityID, audit.ActionCreate, entityCatalogueItem, it.ID, it, it.Code)
	})
}

// UpdateCatalogueItem stores an item's changes; its city and code stay as
// stored. It sets UpdatedBy and Updated.
func (db *DB) UpdateCatalogueItem(ctx context.Context, it *planning.Item) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		args := catalogueArgs(it.CityID, it, tx)[2:]
		res, err := tx.exec(`UPDATE catalogue_items SET name = ?, name_en = ?, category = ?, unit = ?, unit_cost = ?, life_years = ?,
			decision_item = ?, sources = ?, sign_offs = ?, depends_on = ?, active = ?, notes = ?, updated_by = ?, updated = ?
			WHERE id = ? AND city_id = ?`, append(args, it.ID, it.CityID)...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return huanxin.Errorf(huanxin.ENOTFOUND, "改造内容不存在 catalogue item not found")
		}
		it.UpdatedBy, it.Updated = tx.actor.UserID, tx.now
		return tx.Audit(it.CityID, audit.ActionUpdate, entityCatalogueItem, it.ID, it, it.Code)
	})
}
