package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/funding"
)

const (
	entityFundBalances = "fund_balances"
	entityFundUse      = "fund_use"
	entityFundRaise    = "fund_raise"
	chargeUse          = "use"
	chargeRaise        = "raise"
)

// FundBalances lists the dwellings' balances of an estate in building and
// room order.
func (db *DB) FundBalances(ctx context.Context, cityID, estateID int64) ([]funding.Balance, error) {
	rows, err := db.query(ctx, `SELECT f.part_id, f.building_id, b.no, s.no, p.room, f.amount, f.as_of FROM fund_balances f
		JOIN parts p ON p.id = f.part_id JOIN buildings b ON b.id = f.building_id JOIN stairwells s ON s.id = p.stairwell_id
		WHERE f.city_id = ? AND f.estate_id = ? ORDER BY b.no, f.building_id, s.no, p.floor, p.room, f.part_id`, cityID, estateID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []funding.Balance
	for rows.Next() {
		b := funding.Balance{CityID: cityID, EstateID: estateID}
		var asOf int64
		if err := rows.Scan(&b.PartID, &b.BuildingID, &b.BuildingNo, &b.Stairwell, &b.Room, &b.Amount, &asOf); err != nil {
			return nil, err
		}
		b.AsOf = fromMicro(asOf)
		out = append(out, b)
	}
	return out, rows.Err()
}

// PutFundBalances replaces the balances of the listed dwellings in one
// transaction, audited once.
func (db *DB) PutFundBalances(ctx context.Context, cityID, estateID int64, bs []funding.Balance, by int64) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		var total huanxin.Money
		for _, b := range bs {
			if _, err := tx.exec(`INSERT INTO fund_balances (city_id, part_id, estate_id, building_id, amount, as_of) VALUES (?,?,?,?,?,?)
				ON CONFLICT (city_id, part_id) DO UPDATE SET amount = excluded.amount, as_of = excluded.as_of`,
				cityID, b.PartID, estateID, b.BuildingID, int64(b.Amount), micro(b.AsOf)); err != nil {
				return mapErr(err)
			}
			total += b.Amount
		}
		return tx.Audit(cityID, audit.ActionUpdate, entityFundBalances, estateID, map[string]any{"balances": bs, "by": by},
			fmt.Sprintf("%d parts, total %s", len(bs), total))
	})
}

// putCharges stores the charges of a use or a raise.
func (tx *Tx) putCharges(cityID int64, kind string, id int64, cs []funding.Charge) error {
	for _, c := range cs {
		if _, err := tx.exec(`INSERT INTO fund_charges (city_id, kind, of_id, part_id, amount) VALUES (?,?,?,?,?)`,
			cityID, kind, id, c.PartID, int64(c.Amount)); err != nil {
			return mapErr(err)
		}
	}
	return nil
}

// fundCharges loads the charges of the uses or raises of an estate by
// their ID, in building and room order.
func (db *DB) fundCharges(ctx context.Context, cityID, estateID int64, kind string, ofID int64) (map[int64][]funding.Charge, error) {
	q := `SELECT c.of_id, c.part_id, p.building_id, b.no, p.room, c.amount FROM fund_charges c JOIN parts p ON p.id = c.part_id
		JOIN buildings b ON b.id = p.building_id WHERE c.city_id = ? AND c.kind = ? AND p.estate_id = ?`
	args := []any{cityID, kind, estateID}
	if ofID != 0 {
		q += ` AND c.of_id = ?`
		args = append(args, ofID)
	}
	rows, err := db.query(ctx, q+` ORDER BY c.of_id, b.no, p.building_id, p.floor, p.room, c.part_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]funding.Charge{}
	for rows.Next() {
		var id int64
		var c funding.Charge
		if err := rows.Scan(&id, &c.PartID, &c.BuildingID, &c.BuildingNo, &c.Room, &c.Amount); err != nil {
			return nil, err
		}
		out[id] = append(out[id], c)
	}
	return out, rows.Err()
}

// CreateFundUse stores a requested use with its charges.
func (db *DB) CreateFundUse(ctx context.Context, u *funding.FundUse) error {
	bs, err := json.Marshal(u.Buildings)
	if err != nil {
		return err
	}
	aps, err := json.Marshal(u.Approvals)
	if err != nil {
		return err
	}
	var dec any
	if u.DecisionID != 0 {
		dec = u.DecisionID
	}
	return db.WithTx(ctx, func(tx *Tx) error {
		u.Created = tx.now
		id, err := tx.insertID(`INSERT INTO fund_uses (city_id, estate_id, purpose, amount, buildings, basis, decision_id, emergency, approvals,
			status, created_by, created, approved_by, approved, paid_by, paid) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,0,0,0,0)`,
			u.CityID, u.EstateID, u.Purpose, int64(u.Amount), string(bs), u.Basis, dec, u.Emergency, string(aps), string(u.Status),
			u.CreatedBy, micro(tx.now))
		if err != nil {
			return mapErr(err)
		}
		u.ID = id
		if err := tx.putCharges(u.CityID, chargeUse, id, u.Charges); err != nil {
			return err
		}
		return tx.Audit(u.CityID, audit.ActionCreate, entityFundUse, id, u, u.Basis+" "+u.Amount.String())
	})
}

const fundUseCols = `id, city_id, estate_id, purpose, amount, buildings, basis, decision_id, emergency, approvals, status,
	created_by, created, approved_by, approved, paid_by, paid`

func scanFundUse(sc interface{ Scan(...any) error }) (*funding.FundUse, error) {
	var u funding.FundUse
	var bs, aps string
	var created, approved, paid int64
	if err := sc.Scan(&u.ID, &u.CityID, &u.EstateID, &u.Purpose, &u.Amount, &bs, &u.Basis, nullInt{&u.DecisionID}, &u.Emergency, &aps,
		&u.Status, &u.CreatedBy, &created, &u.ApprovedBy, &approved, &u.PaidBy, &paid); err != nil {
		return nil, err
	}
	u.Created, u.Approved, u.Paid = fromMicro(created), fromMicro(approved), fromMicro(paid)
	if err := json.Unmarshal([]byte(bs), &u.Buildings); err != nil {
		return nil, err
	}
	return &u, json.Unmarshal([]byte(aps), &u.Approvals)
}

// FundUses lists the uses of an estate with their charges, newest first.
func (db *DB) FundUses(ctx context.Context, cityID, estateID int64) ([]*funding.FundUse, error) {
	rows, err := db.query(ctx, `SELECT `+fundUseCols+` FROM fund_uses WHERE city_id = ? AND estate_id = ? ORDER BY id DESC`, cityID, estateID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*funding.FundUse
	for rows.Next() {
		u, err := scanFundUse(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	cs, err := db.fundCharges(ctx, cityID, estateID, chargeUse, 0)
	for _, u := range out {
		u.Charges = cs[u.ID]
	}
	return out, err
}

// FundUse returns a use with its charges, or ENOTFOUND.
func (db *DB) FundUse(ctx context.Context, cityID, id int64) (*funding.FundUse, error) {
	u, err := scanFundUse(db.queryRow(ctx, `SELECT `+fundUseCols+` FROM fund_uses WHERE city_id = ? AND id = ?`, cityID, id))
	if err != nil {
		return nil, mapErr(err)
	}
	cs, err := db.fundCharges(ctx, cityID, u.EstateID, chargeUse, u.ID)
	u.Charges = cs[u.ID]
	return u, err
}

// AdvanceFundUse moves a use from one status to the next; paying it takes
// each charge from its dwelling's balance, refusing (and storing nothing)
// when a balance no longer covers its charge.
func (db *DB) AdvanceFundUse(ctx context.Context, u *funding.FundUse, from funding.UseStatus) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		var res sql.Result
		var err error
		switch u.Status {
		case funding.UseApproved:
			u.Approved = tx.now
			res, err = tx.exec(`UPDATE fund_uses SET status = ?, approved_by = ?, approved = ? WHERE city_id = ? AND id = ? AND status = ?`,
				string(u.Status), u.ApprovedBy, micro(tx.now), u.CityID, u.ID, string(from))
		case funding.UsePaid:
			u.Paid = tx.now
			res, err = tx.exec(`UPDATE fund_uses SET status = ?, paid_by = ?, paid = ? WHERE city_id = ? AND id = ? AND status = ?`,
				string(u.Status), u.PaidBy, micro(tx.now), u.CityID, u.ID, string(from))
		default:
			return huanxin.Errorf(huanxin.EINVALID, "无效的状态 invalid status %s", u.Status)
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return huanxin.Errorf(huanxin.ECONFLICT, "使用记录已被他人修改，请刷新 the use changed meanwhile; reload")
		}
		if u.Status == funding.UsePaid {
			for _, c := range u.Charges {
				res, err := tx.exec(`UPDATE fund_balances SET amount = amount - ? WHERE city_id = ? AND part_id = ? AND amount >= ?`,
					int64(c.Amount), u.CityID, c.PartID, int64(c.Amount))
				if err != nil {
					return err
				}
				if n, _ := res.RowsAffected(); n != 1 {
					return huanxin.Invalid("维修资金余额不足 the fund's balance does not cover the use", huanxin.FieldError{Field: "amount",
						Message: c.BuildingNo + "号楼" + c.Room + " 余额不足 " + c.Amount.String() + " 元 building " + c.BuildingNo + " room " + c.Room +
							": the balance no longer covers the charge"})
				}
			}
		}
		return tx.Audit(u.CityID, audit.ActionUpdate, entityFundUse, u.ID, u, string(from)+" -> "+string(u.Status))
	})
}

// CreateFundRaise stores a raise with its charges.
func (db *DB) CreateFundRaise(ctx context.Context, r *funding.FundRaise) error {
	bs, err := json.Marshal(r.Buildings)
	if err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx *Tx) error {
		r.Created = tx.now
		id, err := tx.insertID(`INSERT INTO fund_raises (city_id, estate_id, decision_id, purpose, amount, buildings, created_by, created)
			VALUES (?,?,?,?,?,?,?,?)`, r.CityID, r.EstateID, r.DecisionID, r.Purpose, int64(r.Amount), string(bs), r.CreatedBy, micro(tx.now))
		if err != nil {
			return mapErr(err)
		}
		r.ID = id
		if err := tx.putCharges(r.CityID, chargeRaise, id, r.Charges); err != nil {
			return err
		}
		return tx.Audit(r.CityID, audit.ActionCreate, entityFundRaise, id, r, r.Amount.String())
	})
}

// FundRaises lists the raises of an estate with their charges, newest first.
func (db *DB) FundRaises(ctx context.Context, cityID, estateID int64) ([]*funding.FundRaise, error) {
	rows, err := db.query(ctx, `SELECT id, decision_id, purpose, amount, buildings, created_by, created FROM fund_raises
		WHERE city_id = ? AND estate_id = ? ORDER BY id DESC`, cityID, estateID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*funding.FundRaise
	for rows.Next() {
		r := &funding.FundRaise{CityID: cityID, EstateID: estateID}
		var bs string
		var created int64
		if err := rows.Scan(&r.ID, &r.DecisionID, &r.Purpose, &r.Amount, &bs, &r.CreatedBy, &created); err != nil {
			return nil, err
		}
		r.Created = fromMicro(created)
		if err := json.Unmarshal([]byte(bs), &r.Buildings); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	cs, err := db.fundCharges(ctx, cityID, estateID, chargeRaise, 0)
	for _, r := range out {
		r.Charges = cs[r.ID]
	}
	return out, err
}
