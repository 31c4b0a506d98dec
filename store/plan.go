package store

import (
	"context"
	"encoding/json"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/planning/plan"
)

const entityPlan = "plan"

// CreatePlan stores a new draft plan as version 1 with its lines.
func (db *DB) CreatePlan(ctx context.Context, p *plan.Plan) error {
	lines, err := json.Marshal(linesOrEmpty(p.Lines))
	if err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx *Tx) error {
		id, err := tx.insertID(`INSERT INTO plans (city_id, estate_id, title, status, version, created_by, created, updated)
			VALUES (?,?,?,?,?,?,?,?)`, p.CityID, p.EstateID, p.Title, string(p.Status), p.Version, p.CreatedBy, micro(tx.now), micro(tx.now))
		if err != nil {
			return err
		}
		if _, err := tx.exec("INSERT INTO plan_versions (city_id, plan_id, version, lines, by_user, at) VALUES (?,?,?,?,?,?)",
			p.CityID, id, p.Version, string(lines), p.CreatedBy, micro(tx.now)); err != nil {
			return err
		}
		p.ID, p.Created, p.Updated = id, tx.now, tx.now
		return tx.Audit(p.CityID, audit.ActionCreate, entityPlan, id, p, p.Title)
	})
}

func linesOrEmpty(ls []plan.Line) []plan.Line {
	if ls == nil {
		return []plan.Line{}
	}
	return ls
}

const planCols = `x.id, x.city_id, x.estate_id, x.title, x.status, x.version, x.returned_reason, x.decision_id, x.notice_id, x.created_by,
	x.created, x.updated, v.lines`

func (db *DB) findPlans(ctx context.Context, w where) ([]*plan.Plan, error) {
	rows, err := db.query(ctx, "SELECT "+planCols+` FROM plans x JOIN plan_versions v ON v.city_id = x.city_id AND v.plan_id = x.id
		AND v.version = x.version`+w.sql()+" ORDER BY x.created DESC, x.id DESC", w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*plan.Plan
	for rows.Next() {
		p := new(plan.Plan)
		var lines string
		if err := rows.Scan(&p.ID, &p.CityID, &p.EstateID, &p.Title, &p.Status, &p.Version, &p.ReturnedReason, &p.DecisionID, &p.NoticeID,
			&p.CreatedBy, stamp{&p.Created}, stamp{&p.Updated}, &lines); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(lines), &p.Lines); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// FindPlans lists the plans of an estate within the scope, newest first.
func (db *DB) FindPlans(ctx context.Context, s huanxin.Scope, estateID int64) ([]*plan.Plan, error) {
	var w where
	scopeEstates("x.estate_id")(s, &w)
	w.add("x.estate_id = ?", estateID)
	return db.findPlans(ctx, w)
}

// FindPlansByStatus lists the plans within the scope in any of the
// statuses, newest first.
func (db *DB) FindPlansByStatus(ctx context.Context, s huanxin.Scope, statuses []plan.Status) ([]*plan.Plan, error) {
	if len(statuses) == 0 {
		return nil, nil
	}
	var w where
	scopeEstates("x.estate_id")(s, &w)
	args := make([]any, len(statuses))
	for i, st := range statuses {
		args[i] = string(st)
	}
	w.add("x.status IN ("+placeholders(len(statuses))+")", args...)
	return db.findPlans(ctx, w)
}

// FindPlanByID returns a plan within the scope with its current lines and
// sign-offs, or ENOTFOUND.
func (db *DB) FindPlanByID(ctx context.Context, s huanxin.Scope, id int64) (*plan.Plan, error) {
	var w where
	scopeEstates("x.estate_id")(s, &w)
	w.add("x.id = ?", id)
	ps, err := db.findPlans(ctx, w)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, huanxin.Errorf(huanxin.ENOTFOUND, "改造方案不存在或不在您的管辖范围 plan not found")
	}
	p := ps[0]
	rows, err := db.query(ctx, `SELECT item_code, body, by_user, at, note FROM plan_signoffs WHERE city_id = ? AND plan_id = ?
		ORDER BY at, item_code, body`, p.CityID, p.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var so plan.SignOff
		if err := rows.Scan(&so.ItemCode, &so.Body, &so.By, stamp{&so.At}, &so.Note); err != nil {
			return nil, err
		}
		p.SignOffs = append(p.SignOffs, so)
	}
	return p, rows.Err()
}

// lockPlan reads a plan's city, status and version inside tx, locking the
// row where the engine can.
func (tx *Tx) lockPlan(db *DB, id int64) (city int64, status plan.Status, version int, err error) {
	err = tx.queryRow("SELECT city_id, status, version FROM plans WHERE id = ?"+db.forUpdate(), id).Scan(&city, &status, &version)
	return city, status, version, mapErr(err)
}

// SavePlanLines replaces the lines of a draft plan's current version.
func (db *DB) SavePlanLines(ctx context.Context, id int64, version int, lines []plan.Line, by int64) error {
	b, err := json.Marshal(linesOrEmpty(lines))
	if err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx *Tx) error {
		city, status, v, err := tx.lockPlan(db, id)
		if err != nil {
			return err
		}
		if status != plan.Draft || v != version {
			return huanxin.Errorf(huanxin.ECONFLICT, "方案已被他人提交或修订，请刷新 the plan changed meanwhile; reload")
		}
		if _, err := tx.exec("UPDATE plan_versions SET lines = ?, by_user = ?, at = ? WHERE city_id = ? AND plan_id = ? AND version = ?",
			string(b), by, micro(tx.now), city, id, version); err != nil {
			return err
		}
		if _, err := tx.exec("UPDATE plans SET updated = ? WHERE id = ?", micro(tx.now), id); err != nil {
			return err
		}
		return tx.Audit(city, audit.ActionUpdate, entityPlan, id, map[string]any{"version": version, "lines": lines}, "lines")
	})
}

// MovePlan changes a plan's status, keeping the step; with newVersion the
// plan continues as the next version with its lines copied.
func (db *DB) MovePlan(ctx context.Context, id int64, step plan.Step, reason string, newVersion bool) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		city, status, v, err := tx.lockPlan(db, id)
		if err != nil {
			return err
		}
		if status != step.From {
			return huanxin.Errorf(huanxin.ECONFLICT, "方案状态已被他人改变，请刷新 the plan's status changed meanwhile; reload")
		}
		if newVersion {
			if _, err := tx.exec(`INSERT INTO plan_versions (city_id, plan_id, version, lines, by_user, at)
				SELECT city_id, plan_id, version + 1, lines, ?, ? FROM plan_versions WHERE city_id = ? AND plan_id = ? AND version = ?`,
				step.By, micro(tx.now), city, id, v); err != nil {
				return err
			}
			v++
		}
		if _, err := tx.exec("UPDATE plans SET status = ?, version = ?, returned_reason = ?, updated = ? WHERE id = ?",
			string(step.To), v, reason, micro(tx.now), id); err != nil {
			return err
		}
		if _, err := tx.exec("INSERT INTO plan_steps (city_id, plan_id, from_status, to_status, by_user, at, reason) VALUES (?,?,?,?,?,?,?)",
			city, id, string(step.From), string(step.To), step.By, micro(tx.now), step.Reason); err != nil {
			return err
		}
		return tx.Audit(city, audit.ActionUpdate, entityPlan, id, step, string(step.From)+" -> "+string(step.To))
	})
}

// PlanVersions lists a plan's versions, oldest first.
func (db *DB) PlanVersions(ctx context.Context, id int64) ([]plan.Version, error) {
	rows, err := db.query(ctx, `SELECT v.version, v.lines, v.by_user, v.at FROM plan_versions v JOIN plans p ON p.city_id = v.city_id
		AND p.id = v.plan_id WHERE p.id = ? ORDER BY v.version`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []plan.Version
	for rows.Next() {
		var v plan.Version
		var lines string
		if err := rows.Scan(&v.Version, &lines, &v.By, stamp{&v.At}); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(lines), &v.Lines); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// PlanSteps lists a plan's status moves, oldest first.
func (db *DB) PlanSteps(ctx context.Context, id int64) ([]plan.Step, error) {
	rows, err := db.query(ctx, `SELECT s.from_status, s.to_status, s.by_user, s.at, s.reason FROM plan_steps s JOIN plans p
		ON p.city_id = s.city_id AND p.id = s.plan_id WHERE p.id = ? ORDER BY s.at, s.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []plan.Step
	for rows.Next() {
		var s plan.Step
		if err := rows.Scan(&s.From, &s.To, &s.By, stamp{&s.At}, &s.Reason); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// AddSignOff records a sign-off; a second one of the same body for the
// same item is ECONFLICT.
func (db *DB) AddSignOff(ctx context.Context, id int64, so *plan.SignOff) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		city, _, _, err := tx.lockPlan(db, id)
		if err != nil {
			return err
		}
		if _, err := tx.exec("INSERT INTO plan_signoffs (city_id, plan_id, item_code, body, by_user, at, note) VALUES (?,?,?,?,?,?,?)",
			city, id, so.ItemCode, so.Body, so.By, micro(tx.now), so.Note); err != nil {
			return err
		}
		so.At = tx.now
		return tx.Audit(city, audit.ActionCreate, entityPlan, id, so, "sign-off "+so.ItemCode+" "+so.Body)
	})
}

// LinkPlan records the owners' decision created from a plan, or the
// notice that publishes it for comments (the non-zero one of each).
func (db *DB) LinkPlan(ctx context.Context, id int64, l plan.Link) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		city, _, _, err := tx.lockPlan(db, id)
		if err != nil {
			return err
		}
		if l.DecisionID != 0 {
			if _, err := tx.exec("UPDATE plans SET decision_id = ?, updated = ? WHERE id = ?", l.DecisionID, micro(tx.now), id); err != nil {
				return err
			}
		}
		if l.NoticeID != 0 {
			if _, err := tx.exec("UPDATE plans SET notice_id = ?, updated = ? WHERE id = ?", l.NoticeID, micro(tx.now), id); err != nil {
				return err
			}
		}
		return tx.Audit(city, audit.ActionUpdate, entityPlan, id, l, "link")
	})
}
