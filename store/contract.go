package store

import (
	"context"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/funding"
)

const entityContract = "contract"

// CreateContract stores a contract with its lines and milestones.
func (db *DB) CreateContract(ctx context.Context, c *funding.Contract) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		c.Created = tx.now
		id, err := tx.insertID(`INSERT INTO contracts (city_id, estate_id, plan_id, no, title, kind, counterparty, credit_code, signed, amount,
			status, reason, created_by, created, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, c.CityID, c.EstateID, c.PlanID, c.No, c.Title,
			string(c.Kind), c.Counterparty, c.CreditCode, micro(c.Signed), int64(c.Amount), string(c.Status), c.Reason, c.CreatedBy,
			micro(tx.now), micro(tx.now))
		if constraintKind(err) == "unique" {
			return huanxin.Invalid("合同编号已存在 the contract number is taken",
				huanxin.FieldError{Field: "no", Message: "本市已有此编号的合同 a contract of the city has this number"})
		}
		if err != nil {
			return err
		}
		c.ID = id
		for i := range c.Lines {
			l := &c.Lines[i]
			if l.ID, err = tx.insertID(`INSERT INTO contract_lines (city_id, contract_id, item_code, amount) VALUES (?,?,?,?)`,
				c.CityID, id, l.ItemCode, int64(l.Amount)); err != nil {
				return err
			}
		}
		for i := range c.Milestones {
			m := &c.Milestones[i]
			if m.ID, err = tx.insertID(`INSERT INTO contract_milestones (city_id, contract_id, name, due, amount) VALUES (?,?,?,?,?)`,
				c.CityID, id, m.Name, micro(m.Due), int64(m.Amount)); err != nil {
				return err
			}
		}
		return tx.Audit(c.CityID, audit.ActionCreate, entityContract, id, c, c.No+" "+c.Counterparty+" "+c.Amount.String())
	})
}

// MoveContract stores a contract's status and reason if its status is
// still from.
func (db *DB) MoveContract(ctx context.Context, c *funding.Contract, from funding.ContractStatus, by int64) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(`UPDATE contracts SET status = ?, reason = ?, updated = ? WHERE city_id = ? AND id = ? AND status = ?`,
			string(c.Status), c.Reason, micro(tx.now), c.CityID, c.ID, string(from))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return changed()
		}
		return tx.Audit(c.CityID, audit.ActionUpdate, entityContract, c.ID, map[string]any{"status": c.Status, "reason": c.Reason, "by": by},
			string(from)+" -> "+string(c.Status))
	})
}

func changed() error {
	return huanxin.Errorf(huanxin.ECONFLICT, "资金或合同已被他人修改，请刷新 the money or the contract changed meanwhile; reload")
}

// planOrEstate selects rows of a plan (or, with planID 0, of an estate).
func planOrEstate(planID, estateID int64) (string, int64) {
	if planID != 0 {
		return "plan_id", planID
	}
	return "estate_id", estateID
}

// Contracts lists a plan's contracts, oldest first, with their lines and
// milestones.
func (db *DB) Contracts(ctx context.Context, cityID, planID int64) ([]*funding.Contract, error) {
	return db.contracts(ctx, cityID, planID, 0)
}

func (db *DB) contracts(ctx context.Context, cityID, planID, estateID int64) ([]*funding.Contract, error) {
	col, id := planOrEstate(planID, estateID)
	rows, err := db.query(ctx, `SELECT id, estate_id, plan_id, no, title, kind, counterparty, credit_code, signed, amount, status, reason,
		created_by, created FROM contracts WHERE city_id = ? AND `+col+` = ? ORDER BY id`, cityID, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*funding.Contract
	idx := map[int64]*funding.Contract{}
	for rows.Next() {
		c := &funding.Contract{CityID: cityID}
		if err := rows.Scan(&c.ID, &c.EstateID, &c.PlanID, &c.No, &c.Title, &c.Kind, &c.Counterparty, &c.CreditCode, stamp{&c.Signed}, &c.Amount,
			&c.Status, &c.Reason, &c.CreatedBy, stamp{&c.Created}); err != nil {
			return nil, err
		}
		out = append(out, c)
		idx[c.ID] = c
	}
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	lines, err := db.query(ctx, `SELECT l.contract_id, l.id, l.item_code, l.amount FROM contract_lines l JOIN contracts c ON c.id = l.contract_id
		WHERE l.city_id = ? AND c.city_id = ? AND c.`+col+` = ? ORDER BY l.id`, cityID, cityID, id)
	if err != nil {
		return nil, err
	}
	defer lines.Close()
	for lines.Next() {
		var cid int64
		var l funding.ContractLine
		if err := lines.Scan(&cid, &l.ID, &l.ItemCode, &l.Amount); err != nil {
			return nil, err
		}
		if c := idx[cid]; c != nil {
			c.Lines = append(c.Lines, l)
		}
	}
	if err := lines.Err(); err != nil {
		return nil, err
	}
	ms, err := db.query(ctx, `SELECT m.contract_id, m.id, m.name, m.due, m.amount FROM contract_milestones m JOIN contracts c ON c.id = m.contract_id
		WHERE m.city_id = ? AND c.city_id = ? AND c.`+col+` = ? ORDER BY m.id`, cityID, cityID, id)
	if err != nil {
		return nil, err
	}
	defer ms.Close()
	for ms.Next() {
		var cid int64
		var m funding.Milestone
		if err := ms.Scan(&cid, &m.ID, &m.Name, stamp{&m.Due}, &m.Amount); err != nil {
			return nil, err
		}
		if c := idx[cid]; c != nil {
			c.Milestones = append(c.Milestones, m)
		}
	}
	return out, ms.Err()
}

// Allocations lists the allocations of a plan's money, oldest first.
func (db *DB) Allocations(ctx context.Context, cityID, planID int64) ([]funding.Allocation, error) {
	return db.allocations(ctx, cityID, planID, 0)
}

func (db *DB) allocations(ctx context.Context, cityID, planID, estateID int64) ([]funding.Allocation, error) {
	col, id := planOrEstate(planID, estateID)
	rows, err := db.query(ctx, `SELECT id, estate_id, plan_id, contract_id, contract_line_id, funding_line_id, item_code, amount, created_by, created
		FROM fund_allocations WHERE city_id = ? AND `+col+` = ? ORDER BY id`, cityID, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []funding.Allocation
	for rows.Next() {
		a := funding.Allocation{CityID: cityID}
		if err := rows.Scan(&a.ID, &a.EstateID, &a.PlanID, &a.ContractID, &a.ContractLineID, &a.FundingLineID, &a.ItemCode, &a.Amount,
			&a.CreatedBy, stamp{&a.Created}); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Disbursements lists the payments of a plan's contracts, oldest first.
func (db *DB) Disbursements(ctx context.Context, cityID, planID int64) ([]funding.Disbursement, error) {
	return db.disbursements(ctx, cityID, planID, 0)
}

func (db *DB) disbursements(ctx context.Context, cityID, planID, estateID int64) ([]funding.Disbursement, error) {
	col, id := planOrEstate(planID, estateID)
	rows, err := db.query(ctx, `SELECT id, estate_id, plan_id, contract_id, milestone_id, allocation_id, amount, paid_on, voucher, created_by, created
		FROM fund_disbursements WHERE city_id = ? AND `+col+` = ? ORDER BY id`, cityID, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []funding.Disbursement
	for rows.Next() {
		p := funding.Disbursement{CityID: cityID}
		if err := rows.Scan(&p.ID, &p.EstateID, &p.PlanID, &p.ContractID, &p.MilestoneID, &p.AllocationID, &p.Amount, stamp{&p.PaidOn}, &p.Voucher,
			&p.CreatedBy, stamp{&p.Created}); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// lock takes the funding line (still in status from and not withdrawn)
// and the contract (not terminated) for the transaction, so that
// allocations and payments of the same money run one after the other;
// ECONFLICT when either changed.
func (tx *Tx) lock(cityID int64, l funding.Line, contractID int64) error {
	res, err := tx.exec(`UPDATE funding_lines SET updated = ? WHERE city_id = ? AND id = ? AND status = ? AND withdrawn = ?`,
		micro(tx.now), cityID, l.ID, string(l.Status), false)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return changed()
	}
	if res, err = tx.exec(`UPDATE contracts SET updated = ? WHERE city_id = ? AND id = ? AND status <> ?`, micro(tx.now), cityID, contractID,
		string(funding.ContractTerminated)); err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return changed()
	}
	return nil
}

// same fails with ECONFLICT unless the sum query returns want.
func (tx *Tx) same(want huanxin.Money, query string, args ...any) error {
	var got int64
	if err := tx.queryRow(`SELECT COALESCE(SUM(amount), 0) FROM `+query, args...).Scan(&got); err != nil {
		return err
	}
	if huanxin.Money(got) != want {
		return changed()
	}
	return nil
}

// setLineStatus stores the status the line's allocations and payments
// give it, when it changes, audited as any change of a line.
func (tx *Tx) setLineStatus(cityID int64, l funding.Line, allocated, paid huanxin.Money, by int64) error {
	to := funding.LineStatus(l, allocated, paid)
	if to == l.Status {
		return nil
	}
	from := l.Status
	l.Status = to
	if _, err := tx.exec(`UPDATE funding_lines SET status = ? WHERE city_id = ? AND id = ?`, string(to), cityID, l.ID); err != nil {
		return err
	}
	return tx.Audit(cityID, audit.ActionUpdate, funding.EntityFundingLine, l.ID, funding.LineState(l, audit.ActionUpdate, by),
		string(from)+" -> "+string(to))
}

// Allocate stores an allocation after checking, with the line and the
// contract locked, that nothing was allocated from the line or to the
// contract line since before was read; the line's status follows.
func (db *DB) Allocate(ctx context.Context, a *funding.Allocation, l funding.Line, before funding.Spent) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if err := tx.lock(a.CityID, l, a.ContractID); err != nil {
			return err
		}
		if err := tx.same(before.FromLine[l.ID], `fund_allocations WHERE city_id = ? AND funding_line_id = ?`, a.CityID, l.ID); err != nil {
			return err
		}
		if err := tx.same(before.ToLine[a.ContractLineID], `fund_allocations WHERE city_id = ? AND contract_line_id = ?`, a.CityID,
			a.ContractLineID); err != nil {
			return err
		}
		a.Created = tx.now
		id, err := tx.insertID(`INSERT INTO fund_allocations (city_id, estate_id, plan_id, contract_id, contract_line_id, funding_line_id, item_code,
			amount, created_by, created) VALUES (?,?,?,?,?,?,?,?,?,?)`, a.CityID, a.EstateID, a.PlanID, a.ContractID, a.ContractLineID, a.FundingLineID,
			a.ItemCode, int64(a.Amount), a.CreatedBy, micro(tx.now))
		if err != nil {
			return mapErr(err)
		}
		a.ID = id
		if err := tx.Audit(a.CityID, audit.ActionCreate, funding.EntityAllocation, id, a, l.Source+" "+a.ItemCode+" "+a.Amount.String()); err != nil {
			return err
		}
		return tx.setLineStatus(a.CityID, l, before.FromLine[l.ID]+a.Amount, before.PaidLine[l.ID], a.CreatedBy)
	})
}

// Disburse stores a payment after checking, with the allocation's line
// and the contract locked, that nothing was paid on the milestone, out of
// the allocation or from the line since before was read; the line's
// status follows.
func (db *DB) Disburse(ctx context.Context, p *funding.Disbursement, l funding.Line, before funding.Spent) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if err := tx.lock(p.CityID, l, p.ContractID); err != nil {
			return err
		}
		if err := tx.same(before.Milestone[p.MilestoneID], `fund_disbursements WHERE city_id = ? AND milestone_id = ?`, p.CityID, p.MilestoneID); err != nil {
			return err
		}
		if err := tx.same(before.Allocation[p.AllocationID], `fund_disbursements WHERE city_id = ? AND allocation_id = ?`, p.CityID,
			p.AllocationID); err != nil {
			return err
		}
		if err := tx.same(before.PaidLine[l.ID], `fund_disbursements WHERE city_id = ? AND allocation_id IN
			(SELECT id FROM fund_allocations WHERE city_id = ? AND funding_line_id = ?)`, p.CityID, p.CityID, l.ID); err != nil {
			return err
		}
		p.Created, p.PaidOn = tx.now, fromMicro(micro(p.PaidOn))
		id, err := tx.insertID(`INSERT INTO fund_disbursements (city_id, estate_id, plan_id, contract_id, milestone_id, allocation_id, amount, paid_on,
			voucher, created_by, created) VALUES (?,?,?,?,?,?,?,?,?,?,?)`, p.CityID, p.EstateID, p.PlanID, p.ContractID, p.MilestoneID, p.AllocationID,
			int64(p.Amount), micro(p.PaidOn), p.Voucher, p.CreatedBy, micro(tx.now))
		if err != nil {
			return mapErr(err)
		}
		p.ID = id
		if err := tx.Audit(p.CityID, audit.ActionCreate, funding.EntityDisbursement, id, p, p.Voucher+" "+p.Amount.String()); err != nil {
			return err
		}
		return tx.setLineStatus(p.CityID, l, before.FromLine[l.ID], before.PaidLine[l.ID]+p.Amount, p.CreatedBy)
	})
}

// Books loads an estate's funding lines, contracts, allocations and
// payments.
func (db *DB) Books(ctx context.Context, cityID, estateID int64) (*funding.Books, error) {
	b := &funding.Books{CityID: cityID, EstateID: estateID}
	rows, err := db.query(ctx, `SELECT id, item_code, source, amount, status, ref, withdrawn FROM funding_lines
		WHERE city_id = ? AND estate_id = ? ORDER BY id`, cityID, estateID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var l funding.Line
		if err := rows.Scan(&l.ID, &l.ItemCode, &l.Source, &l.Amount, &l.Status, &l.Ref, &l.Withdrawn); err != nil {
			return nil, err
		}
		b.Lines = append(b.Lines, l)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if b.Contracts, err = db.contracts(ctx, cityID, 0, estateID); err != nil {
		return nil, err
	}
	if b.Allocations, err = db.allocations(ctx, cityID, 0, estateID); err != nil {
		return nil, err
	}
	b.Disbursements, err = db.disbursements(ctx, cityID, 0, estateID)
	return b, err
}

// FundedEstates lists the estates of a city with funding lines.
func (db *DB) FundedEstates(ctx context.Context, cityID int64) ([]int64, error) {
	rows, err := db.query(ctx, `SELECT DISTINCT estate_id FROM funding_lines WHERE city_id = ? ORDER BY estate_id`, cityID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// Ledger returns the latest audit entry of each funding line, allocation
// and payment of a city.
func (db *DB) Ledger(ctx context.Context, cityID int64) (funding.Ledger, error) {
	rows, err := db.query(ctx, `SELECT entity, entity_id, action, digest, actor_id FROM audit WHERE city_id = ? AND entity IN (?,?,?) ORDER BY seq`,
		cityID, funding.EntityFundingLine, funding.EntityAllocation, funding.EntityDisbursement)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := funding.Ledger{}
	for rows.Next() {
		var entity string
		var id int64
		var e funding.Logged
		if err := rows.Scan(&entity, &id, &e.Action, &e.Digest, &e.ActorID); err != nil {
			return nil, err
		}
		if out[entity] == nil {
			out[entity] = map[int64]funding.Logged{}
		}
		out[entity][id] = e
	}
	return out, rows.Err()
}
