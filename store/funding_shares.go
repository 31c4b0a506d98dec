package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/funding"
)

const (
	entityShareRun     = "share_run"
	entitySharePayment = "share_payment"
)

// ShareParts lists the exclusive parts of an estate (of the given
// buildings when any) for a split, in building, floor and room order.
func (db *DB) ShareParts(ctx context.Context, cityID, estateID int64, buildings []int64) ([]funding.SharePart, error) {
	q := `SELECT p.id, p.building_id, b.no, s.no, p.room, p.floor, p.area FROM parts p JOIN buildings b ON b.id = p.building_id
		JOIN stairwells s ON s.id = p.stairwell_id WHERE p.city_id = ? AND p.estate_id = ?`
	args := []any{cityID, estateID}
	if len(buildings) > 0 {
		q += " AND p.building_id IN (" + placeholders(len(buildings)) + ")"
		for _, b := range buildings {
			args = append(args, b)
		}
	}
	rows, err := db.query(ctx, q+" ORDER BY b.no, p.building_id, s.no, p.floor, p.room, p.id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []funding.SharePart
	for rows.Next() {
		var p funding.SharePart
		if err := rows.Scan(&p.PartID, &p.BuildingID, &p.BuildingNo, &p.Stairwell, &p.Room, &p.Floor, &p.Area); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// shareRowCols are the columns of share_rows after city_id and run_id.
var shareRowCols = []string{"part_id", "building_id", "building_no", "stairwell_no", "room", "floor", "area", "amount", "fraction"}

// shareRowBatch is how many rows one insert writes: 22,000 parameters,
// under both engines' limits (SQLite 32,766, PostgreSQL 65,535).
const shareRowBatch = 2000

// SaveShareRuns stores the runs and their rows in one bulk transaction,
// replacing the runs of the same plans and items (and their rows). Each
// run is audited with a digest of its rows (part, amount, fraction).
func (db *DB) SaveShareRuns(ctx context.Context, runs []*funding.ShareRun, by int64) error {
	return db.Bulk(ctx, func(b *Bulk) error {
		tx := b.tx
		for _, r := range runs {
			if _, err := tx.exec(`DELETE FROM share_rows WHERE city_id = ? AND run_id IN
				(SELECT id FROM share_runs WHERE city_id = ? AND plan_id = ? AND item_code = ?)`, r.CityID, r.CityID, r.PlanID, r.ItemCode); err != nil {
				return err
			}
			if _, err := tx.exec(`DELETE FROM share_runs WHERE city_id = ? AND plan_id = ? AND item_code = ?`, r.CityID, r.PlanID, r.ItemCode); err != nil {
				return err
			}
			rule, err := json.Marshal(r.Rule)
			if err != nil {
				return err
			}
			bs, _ := json.Marshal(r.Buildings)
			r.CreatedBy, r.Created, r.Parts = by, tx.now, len(r.Rows)
			if r.ID, err = tx.insertID(`INSERT INTO share_runs (city_id, estate_id, plan_id, item_code, total, basis, rule, remainder,
				buildings, parts, created_by, created) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`, r.CityID, r.EstateID, r.PlanID, r.ItemCode,
				int64(r.Total), string(r.Rule.Basis), string(rule), r.Rule.Remainder, string(bs), r.Parts, by, micro(tx.now)); err != nil {
				return err
			}
			for i := range r.Rows {
				r.Rows[i].RunID = r.ID
			}
			h := sha256.New()
			args := make([]any, 0, shareRowBatch*(len(shareRowCols)+2))
			for chunk := range slices.Chunk(r.Rows, shareRowBatch) {
				args = args[:0]
				for _, w := range chunk {
					args = append(args, r.CityID, r.ID, w.PartID, w.BuildingID, w.BuildingNo, w.Stairwell, w.Room, w.Floor, int64(w.Area),
						int64(w.Amount), w.Fraction)
					h.Write([]byte(strconv.FormatInt(w.PartID, 10) + " " + strconv.FormatInt(int64(w.Amount), 10) + " " + w.Fraction + "\n"))
				}
				row := "(" + placeholders(len(shareRowCols)+2) + ")"
				stmt, err := b.stmt("INSERT INTO share_rows (city_id, run_id, " + strings.Join(shareRowCols, ", ") + ") VALUES " +
					strings.Repeat(row+", ", len(chunk)-1) + row)
				if err != nil {
					return err
				}
				if _, err := stmt.ExecContext(tx.ctx, args...); err != nil {
					return err
				}
			}
			state := map[string]any{"plan_id": r.PlanID, "item_code": r.ItemCode, "total": r.Total, "rule": r.Rule,
				"buildings": r.Buildings, "parts": r.Parts, "rows_sha256": hex.EncodeToString(h.Sum(nil))}
			if err := tx.Audit(r.CityID, audit.ActionCreate, entityShareRun, r.ID, state,
				"plan "+strconv.FormatInt(r.PlanID, 10)+" "+r.ItemCode+" "+r.Total.String()); err != nil {
				return err
			}
		}
		return nil
	})
}

const shareRunCols = `id, city_id, estate_id, plan_id, item_code, total, rule, buildings, parts, created_by, created`

func scanShareRun(sc interface{ Scan(...any) error }) (*funding.ShareRun, error) {
	var r funding.ShareRun
	var rule, bs string
	if err := sc.Scan(&r.ID, &r.CityID, &r.EstateID, &r.PlanID, &r.ItemCode, &r.Total, &rule, &bs, &r.Parts, &r.CreatedBy, stamp{&r.Created}); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(rule), &r.Rule); err != nil {
		return nil, err
	}
	return &r, json.Unmarshal([]byte(bs), &r.Buildings)
}

// ShareRuns lists a plan's runs without their rows, the whole plan's first.
func (db *DB) ShareRuns(ctx context.Context, cityID, planID int64) ([]*funding.ShareRun, error) {
	rows, err := db.query(ctx, `SELECT `+shareRunCols+` FROM share_runs WHERE city_id = ? AND plan_id = ? ORDER BY item_code`, cityID, planID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*funding.ShareRun
	for rows.Next() {
		r, err := scanShareRun(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ShareRun returns a run with its rows in building, floor and room order.
func (db *DB) ShareRun(ctx context.Context, id int64) (*funding.ShareRun, error) {
	r, err := scanShareRun(db.queryRow(ctx, `SELECT `+shareRunCols+` FROM share_runs WHERE id = ?`, id))
	if err != nil {
		return nil, mapErr(err)
	}
	r.Rows, err = db.shareRows(ctx, `WHERE city_id = ? AND run_id = ?`, r.CityID, r.ID)
	return r, err
}

func (db *DB) shareRows(ctx context.Context, where string, args ...any) ([]funding.ShareRow, error) {
	rows, err := db.query(ctx, `SELECT run_id, `+strings.Join(shareRowCols, ", ")+` FROM share_rows `+where+
		` ORDER BY run_id, building_no, building_id, stairwell_no, floor, room, part_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []funding.ShareRow
	var run int64
	for rows.Next() {
		var w funding.ShareRow
		if err := rows.Scan(&run, &w.PartID, &w.BuildingID, &w.BuildingNo, &w.Stairwell, &w.Room, &w.Floor, &w.Area, &w.Amount, &w.Fraction); err != nil {
			return nil, err
		}
		w.RunID = run
		out = append(out, w)
	}
	return out, rows.Err()
}

// PartShares lists the runs that include any of the parts, each with the
// rows of those parts only.
func (db *DB) PartShares(ctx context.Context, partIDs []int64) ([]*funding.ShareRun, error) {
	if len(partIDs) == 0 {
		return nil, nil
	}
	args := make([]any, len(partIDs))
	for i, id := range partIDs {
		args[i] = id
	}
	rows, err := db.shareRows(ctx, `WHERE part_id IN (`+placeholders(len(partIDs))+`)`, args...)
	if err != nil {
		return nil, err
	}
	var out []*funding.ShareRun
	for _, w := range rows {
		if len(out) == 0 || out[len(out)-1].ID != w.RunID {
			r, err := scanShareRun(db.queryRow(ctx, `SELECT `+shareRunCols+` FROM share_runs WHERE id = ?`, w.RunID))
			if err != nil {
				return nil, mapErr(err)
			}
			out = append(out, r)
		}
		last := out[len(out)-1]
		last.Rows = append(last.Rows, w)
	}
	return out, nil
}

// CreateSharePayment stores a payment; a receipt number already recorded
// in the city for the method is ECONFLICT.
func (db *DB) CreateSharePayment(ctx context.Context, p *funding.Payment) error {
	err := db.WithTx(ctx, func(tx *Tx) error {
		id, err := tx.insertID(`INSERT INTO share_payments (city_id, estate_id, plan_id, item_code, part_id, amount, paid_on, receipt,
			method, recorded_by, created) VALUES (?,?,?,?,?,?,?,?,?,?,?)`, p.CityID, p.EstateID, p.PlanID, p.ItemCode, p.PartID,
			int64(p.Amount), p.PaidOn, p.Receipt, p.Method, p.RecordedBy, micro(tx.now))
		if err != nil {
			return err
		}
		p.ID, p.Created = id, tx.now
		return tx.Audit(p.CityID, audit.ActionCreate, entitySharePayment, id, p, "part "+strconv.FormatInt(p.PartID, 10)+" "+p.Amount.String()+" "+p.Receipt)
	})
	if huanxin.ErrorCode(err) == huanxin.ECONFLICT {
		return huanxin.Invalid("收据号已登记 the receipt number is already recorded", huanxin.FieldError{Field: "receipt", Message: "收据号重复 duplicate receipt " + p.Receipt})
	}
	return err
}

// SharePayments lists the payments of a plan's item in the order recorded.
func (db *DB) SharePayments(ctx context.Context, cityID, planID int64, itemCode string) ([]funding.Payment, error) {
	rows, err := db.query(ctx, `SELECT id, city_id, estate_id, plan_id, item_code, part_id, amount, paid_on, receipt, method, recorded_by, created
		FROM share_payments WHERE city_id = ? AND plan_id = ? AND item_code = ? ORDER BY id`, cityID, planID, itemCode)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []funding.Payment
	for rows.Next() {
		var p funding.Payment
		if err := rows.Scan(&p.ID, &p.CityID, &p.EstateID, &p.PlanID, &p.ItemCode, &p.PartID, &p.Amount, &p.PaidOn, &p.Receipt,
			&p.Method, &p.RecordedBy, stamp{&p.Created}); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
