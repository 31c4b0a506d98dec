package store

import (
	"context"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/funding"
)

const entityFunding = "funding_line"

// FundingLines lists the funding lines of a plan in the order they were
// entered.
func (db *DB) FundingLines(ctx context.Context, cityID, planID int64) ([]funding.Line, error) {
	rows, err := db.query(ctx, `SELECT id, item_code, source, amount, status, ref, withdrawn FROM funding_lines
		WHERE city_id = ? AND plan_id = ? ORDER BY id`, cityID, planID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []funding.Line
	for rows.Next() {
		var l funding.Line
		if err := rows.Scan(&l.ID, &l.ItemCode, &l.Source, &l.Amount, &l.Status, &l.Ref, &l.Withdrawn); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// CreateFundingLine stores a new funding line of a plan.
func (db *DB) CreateFundingLine(ctx context.Context, cityID, estateID, planID int64, l *funding.Line, by int64) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		id, err := tx.insertID(`INSERT INTO funding_lines (city_id, estate_id, plan_id, item_code, source, amount, status, ref, withdrawn,
			created_by, created, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`, cityID, estateID, planID, l.ItemCode, l.Source, int64(l.Amount),
			string(l.Status), l.Ref, l.Withdrawn, by, micro(tx.now), micro(tx.now))
		if err != nil {
			return err
		}
		l.ID = id
		return tx.Audit(cityID, audit.ActionCreate, entityFunding, id, l, l.Source+" "+l.ItemCode)
	})
}

// UpdateFundingLine stores a line's status, reference and withdrawal if
// its status is still from.
func (db *DB) UpdateFundingLine(ctx context.Context, cityID, planID int64, l *funding.Line, from funding.Status, by int64) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		q := `UPDATE funding_lines SET status = ?, ref = ?, withdrawn = ?, updated = ? WHERE city_id = ? AND plan_id = ?
			AND id = ? AND status = ? AND withdrawn = ?`
		args := []any{string(l.Status), l.Ref, l.Withdrawn, micro(tx.now), cityID, planID, l.ID, string(from), false}
		if l.Withdrawn { // money allocated to a contract stays
			q += ` AND NOT EXISTS (SELECT 1 FROM fund_allocations a WHERE a.city_id = ? AND a.funding_line_id = ?)`
			args = append(args, cityID, l.ID)
		}
		res, err := tx.exec(q, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return huanxin.Errorf(huanxin.ECONFLICT, "资金记录已被他人修改，请刷新 the funding line changed meanwhile; reload")
		}
		what := string(from) + " -> " + string(l.Status)
		if l.Withdrawn {
			what = "withdrawn"
		}
		return tx.Audit(cityID, audit.ActionUpdate, entityFunding, l.ID, map[string]any{"line": l, "by": by}, what)
	})
}
