package store

import (
	"context"
	"encoding/json"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/funding"
)

const entityAppraisal = "appraisal"

func (db *DB) findAppraisals(ctx context.Context, w where) ([]*funding.Appraisal, error) {
	rows, err := db.query(ctx, `SELECT x.id, x.city_id, x.estate_id, x.title, x.model, x.created_by, x.created, x.updated
		FROM appraisals x`+w.sql()+" ORDER BY x.created DESC, x.id DESC", w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*funding.Appraisal
	for rows.Next() {
		a := new(funding.Appraisal)
		var model string
		if err := rows.Scan(&a.ID, &a.CityID, &a.EstateID, &a.Title, &model, &a.CreatedBy, stamp{&a.Created}, stamp{&a.Updated}); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(model), &a.Model); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// FindAppraisals lists the appraisals of an estate within the scope,
// newest first.
func (db *DB) FindAppraisals(ctx context.Context, s huanxin.Scope, estateID int64) ([]*funding.Appraisal, error) {
	var w where
	scopeEstates("x.estate_id")(s, &w)
	w.add("x.estate_id = ?", estateID)
	return db.findAppraisals(ctx, w)
}

// FindAppraisalByID returns an appraisal within the scope or ENOTFOUND.
func (db *DB) FindAppraisalByID(ctx context.Context, s huanxin.Scope, id int64) (*funding.Appraisal, error) {
	var w where
	scopeEstates("x.estate_id")(s, &w)
	w.add("x.id = ?", id)
	as, err := db.findAppraisals(ctx, w)
	if err != nil {
		return nil, err
	}
	if len(as) == 0 {
		return nil, huanxin.Errorf(huanxin.ENOTFOUND, "测算不存在或不在您的管辖范围 appraisal not found")
	}
	return as[0], nil
}

// CreateAppraisal stores a new appraisal.
func (db *DB) CreateAppraisal(ctx context.Context, a *funding.Appraisal) error {
	model, err := json.Marshal(a.Model)
	if err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx *Tx) error {
		id, err := tx.insertID(`INSERT INTO appraisals (city_id, estate_id, title, model, created_by, created, updated)
			VALUES (?,?,?,?,?,?,?)`, a.CityID, a.EstateID, a.Title, string(model), a.CreatedBy, micro(tx.now), micro(tx.now))
		if err != nil {
			return err
		}
		a.ID, a.Created, a.Updated = id, tx.now, tx.now
		return tx.Audit(a.CityID, audit.ActionCreate, entityAppraisal, id, a, a.Title)
	})
}

// UpdateAppraisal stores an appraisal's title and model.
func (db *DB) UpdateAppraisal(ctx context.Context, a *funding.Appraisal, by int64) error {
	model, err := json.Marshal(a.Model)
	if err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx *Tx) error {
		res, err := tx.exec("UPDATE appraisals SET title = ?, model = ?, updated = ? WHERE city_id = ? AND id = ?",
			a.Title, string(model), micro(tx.now), a.CityID, a.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return huanxin.Errorf(huanxin.ENOTFOUND, "测算不存在 appraisal not found")
		}
		a.Updated = tx.now
		return tx.Audit(a.CityID, audit.ActionUpdate, entityAppraisal, a.ID, map[string]any{"appraisal": a, "by": by}, a.Title)
	})
}

const entityAppraisalScenario = "appraisal_scenario"

// AppraisalScenarios lists the custom scenarios of an appraisal in the
// order they were added.
func (db *DB) AppraisalScenarios(ctx context.Context, cityID, appraisalID int64) ([]*funding.AppraisalScenario, error) {
	rows, err := db.query(ctx, `SELECT id, city_id, appraisal_id, name, revenue_change, cost_change, subsidy_change, discount_rate_change,
		loan_rate_change, created_by, created, updated FROM appraisal_scenarios WHERE city_id = ? AND appraisal_id = ? ORDER BY id`, cityID, appraisalID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*funding.AppraisalScenario
	for rows.Next() {
		sc := new(funding.AppraisalScenario)
		if err := rows.Scan(&sc.ID, &sc.CityID, &sc.AppraisalID, &sc.Name, &sc.RevenueChange, &sc.CostChange, &sc.SubsidyChange,
			&sc.DiscountRateChange, &sc.LoanRateChange, &sc.CreatedBy, stamp{&sc.Created}, stamp{&sc.Updated}); err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	return out, rows.Err()
}

// CreateAppraisalScenario stores a new custom scenario of an appraisal.
func (db *DB) CreateAppraisalScenario(ctx context.Context, sc *funding.AppraisalScenario) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		id, err := tx.insertID(`INSERT INTO appraisal_scenarios (city_id, appraisal_id, name, revenue_change, cost_change, subsidy_change,
			discount_rate_change, loan_rate_change, created_by, created, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
			sc.CityID, sc.AppraisalID, sc.Name, sc.RevenueChange, sc.CostChange, sc.SubsidyChange, sc.DiscountRateChange, sc.LoanRateChange,
			sc.CreatedBy, micro(tx.now), micro(tx.now))
		if err != nil {
			return err
		}
		sc.ID, sc.Created, sc.Updated = id, tx.now, tx.now
		return tx.Audit(sc.CityID, audit.ActionCreate, entityAppraisalScenario, id, sc, sc.Name)
	})
}

// UpdateAppraisalScenario stores a custom scenario's name and changes.
func (db *DB) UpdateAppraisalScenario(ctx context.Context, sc *funding.AppraisalScenario, by int64) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(`UPDATE appraisal_scenarios SET name = ?, revenue_change = ?, cost_change = ?, subsidy_change = ?,
			discount_rate_change = ?, loan_rate_change = ?, updated = ? WHERE city_id = ? AND id = ?`,
			sc.Name, sc.RevenueChange, sc.CostChange, sc.SubsidyChange, sc.DiscountRateChange, sc.LoanRateChange, micro(tx.now), sc.CityID, sc.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return huanxin.Errorf(huanxin.ENOTFOUND, "情景不存在 scenario not found")
		}
		sc.Updated = tx.now
		return tx.Audit(sc.CityID, audit.ActionUpdate, entityAppraisalScenario, sc.ID, map[string]any{"scenario": sc, "by": by}, sc.Name)
	})
}

// DeleteAppraisalScenario removes a custom scenario of an appraisal.
func (db *DB) DeleteAppraisalScenario(ctx context.Context, sc *funding.AppraisalScenario, by int64) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		res, err := tx.exec("DELETE FROM appraisal_scenarios WHERE city_id = ? AND id = ?", sc.CityID, sc.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return huanxin.Errorf(huanxin.ENOTFOUND, "情景不存在 scenario not found")
		}
		return tx.Audit(sc.CityID, audit.ActionDelete, entityAppraisalScenario, sc.ID, map[string]any{"scenario": sc, "by": by}, sc.Name)
	})
}
