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
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

const (
	entityShareRun     = "share_run"
	entitySharePayment = "share_payment"
)

// ShareParts lists the exclusive parts of an estate (of the given
// buildings when any) for a split, in building, floor and room order.
func (db *DB) ShareParts(ctx context.Context, cityID, estateID int64, buildings []int64) ([]funding.SharePart, error) {
	q := `SELECT p.id, p.building_id, b.no, s.no, p.room, p.floor, p.area, p.sold, p.delivered FROM parts p JOIN buildings b ON b.id = p.building_id
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
		var sold, delivered bool
		if err := rows.Scan(&p.PartID, &p.BuildingID, &p.BuildingNo, &p.Stairwell, &p.Room, &p.Floor, &p.Area, &sold, &delivered); err != nil {
			return nil, err
		}
		p.Held = !sold || !delivered
		out = append(out, p)
	}
	return out, rows.Err()
}

// shareRowCols are the columns of share_rows after city_id and run_id.
var shareRowCols = []string{"part_id", "building_id", "building_no", "stairwell_no", "room", "floor", "area", "amount", "fraction"}

// shareRowBatch is how many rows one insert writes: 22,000 parameters,
// under both engines' limits (SQLite 32,766, PostgreSQL 65,535).
const shareRowBatch = 2000

// SaveShareRuns stores the runs and their rows in one transaction,
// replacing the runs of the same plans and items (and their rows). Each
// run is audited with a digest of its rows (part, amount, fraction). On
// SQLite it is a bulk transaction writing multi-row inserts; on
// PostgreSQL the rows go in with COPY, which is several times faster for
// a programme's million rows.
func (db *DB) SaveShareRuns(ctx context.Context, runs []*funding.ShareRun, by int64) error {
	cols := append([]string{"city_id", "run_id"}, shareRowCols...)
	if db.Dialect == Postgres {
		conn, err := db.write.Conn(ctx)
		if err != nil {
			return mapErr(err)
		}
		defer conn.Close()
		return db.inTx(ctx, conn, func(tx *Tx) error {
			return saveShareRuns(tx, runs, by, func(r *funding.ShareRun) error {
				return conn.Raw(func(dc any) error {
					_, err := dc.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{"share_rows"}, cols,
						pgx.CopyFromSlice(len(r.Rows), func(i int) ([]any, error) { return shareRowValues(r, &r.Rows[i]), nil }))
					return err
				})
			})
		})
	}
	return db.Bulk(ctx, func(b *Bulk) error {
		args := make([]any, 0, shareRowBatch*len(cols))
		row := "(" + placeholders(len(cols)) + ")"
		return saveShareRuns(b.tx, runs, by, func(r *funding.ShareRun) error {
			for chunk := range slices.Chunk(r.Rows, shareRowBatch) {
				args = args[:0]
				for i := range chunk {
					args = append(args, shareRowValues(r, &chunk[i])...)
				}
				stmt, err := b.stmt("INSERT INTO share_rows (" + strings.Join(cols, ", ") + ") VALUES " + strings.Repeat(row+", ", len(chunk)-1) + row)
				if err != nil {
					return err
				}
				if _, err := stmt.ExecContext(b.tx.ctx, args...); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

// shareRowValues are the values of a row's columns (city_id, run_id, then
// shareRowCols).
func shareRowValues(r *funding.ShareRun, w *funding.ShareRow) []any {
	return []any{r.CityID, r.ID, w.PartID, w.BuildingID, w.BuildingNo, w.Stairwell, w.Room, int64(w.Floor), int64(w.Area), int64(w.Amount), w.Fraction}
}

// saveShareRuns replaces each run's earlier run, stores the run, has
// writeRows store its rows, and audits it.
func saveShareRuns(tx *Tx, runs []*funding.ShareRun, by int64, writeRows func(r *funding.ShareRun) error) error {
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
		h := sha256.New()
		for i := range r.Rows {
			w := &r.Rows[i]
			w.RunID = r.ID
			h.Write([]byte(strconv.FormatInt(w.PartID, 10) + " " + strconv.FormatInt(int64(w.Amount), 10) + " " + w.Fraction + "\n"))
		}
		if err := writeRows(r); err != nil {
			return err
		}
		state := map[string]any{"plan_id": r.PlanID, "item_code": r.ItemCode, "total": r.Total, "rule": r.Rule,
			"buildings": r.Buildings, "parts": r.Parts, "rows_sha256": hex.EncodeToString(h.Sum(nil))}
		if err := tx.Audit(r.CityID, audit.ActionCreate, entityShareRun, r.ID, state,
			"plan "+strconv.FormatInt(r.PlanID, 10)+" "+r.ItemCode+" "+r.Total.String()); err != nil {
			return err
		}
	}
	return nil
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
// rows of those parts only, in one query.
func (db *DB) PartShares(ctx context.Context, partIDs []int64) ([]*funding.ShareRun, error) {
	if len(partIDs) == 0 {
		return nil, nil
	}
	args := make([]any, len(partIDs))
	for i, id := range partIDs {
		args[i] = id
	}
	rows, err := db.query(ctx, `SELECT r.id, r.city_id, r.estate_id, r.plan_id, r.item_code, r.total, r.rule, r.buildings, r.parts, r.created_by,
		r.created, w.`+strings.Join(shareRowCols, ", w.")+` FROM share_rows w JOIN share_runs r ON r.id = w.run_id
		WHERE w.part_id IN (`+placeholders(len(partIDs))+`) ORDER BY r.id, w.building_no, w.stairwell_no, w.floor, w.room, w.part_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*funding.ShareRun
	for rows.Next() {
		var r funding.ShareRun
		var rule, bs string
		var w funding.ShareRow
		if err := rows.Scan(&r.ID, &r.CityID, &r.EstateID, &r.PlanID, &r.ItemCode, &r.Total, &rule, &bs, &r.Parts, &r.CreatedBy, stamp{&r.Created},
			&w.PartID, &w.BuildingID, &w.BuildingNo, &w.Stairwell, &w.Room, &w.Floor, &w.Area, &w.Amount, &w.Fraction); err != nil {
			return nil, err
		}
		w.RunID = r.ID
		if len(out) == 0 || out[len(out)-1].ID != r.ID {
			if err := json.Unmarshal([]byte(rule), &r.Rule); err != nil {
				return nil, err
			}
			if err := json.Unmarshal([]byte(bs), &r.Buildings); err != nil {
				return nil, err
			}
			out = append(out, &r)
		}
		last := out[len(out)-1]
		last.Rows = append(last.Rows, w)
	}
	return out, rows.Err()
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

// CachedDisclosure serves an estate's funding disclosure for a reader from
// the list cache: emptied by every write of the process, at most 2 s old
// otherwise.
func (db *DB) CachedDisclosure(key string, load func() (*funding.Disclosure, error)) (*funding.Disclosure, error) {
	return cached(db, "disclosure\x00"+key, load)
}
