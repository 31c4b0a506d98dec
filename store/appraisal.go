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
