package store

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/planning/plan"
	"github.com/huanxin/huanxin/planning/programme"
)

const entityProgramme = "programme"

// ApprovedPlans lists the latest approved plan of each estate of the city
// under the jurisdiction path, by estate ID, with the floor area of the
// estate's exclusive parts.
func (db *DB) ApprovedPlans(ctx context.Context, cityID int64, path string) ([]programme.PlannedEstate, error) {
	lo, hi := prefixRange(path)
	rows, err := db.query(ctx, `SELECT x.estate_id, x.id, x.version, v.lines,
			COALESCE((SELECT SUM(pt.area) FROM parts pt WHERE pt.estate_id = x.estate_id), 0)
		FROM plans x
		JOIN plan_versions v ON v.city_id = x.city_id AND v.plan_id = x.id AND v.version = x.version
		JOIN estates e ON e.id = x.estate_id
		WHERE x.city_id = ? AND x.status = ? AND `+pathPrefix("e.jpath")+`
		ORDER BY x.estate_id, x.updated DESC, x.id DESC`, cityID, string(plan.Approved), lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []programme.PlannedEstate
	for rows.Next() {
		var pe programme.PlannedEstate
		var lines string
		if err := rows.Scan(&pe.EstateID, &pe.PlanID, &pe.Version, &lines, &pe.FloorArea); err != nil {
			return nil, err
		}
		if n := len(out); n > 0 && out[n-1].EstateID == pe.EstateID {
			continue // an older approved plan of the same estate
		}
		if err := json.Unmarshal([]byte(lines), &pe.Lines); err != nil {
			return nil, err
		}
		out = append(out, pe)
	}
	return out, rows.Err()
}

// programmeInput is what the input column keeps.
type programmeInput struct {
	Constraints programme.Constraints `json:"constraints"`
	Must        []int64               `json:"must"`
	MustNot     []int64               `json:"must_not"`
	Scores      programme.ScoreSource `json:"scores"`
	WeightSetID int64                 `json:"weight_set_id"`
}

// CreateProgramme stores a computed programme, audited (the audit entry
// keeps the input and the chosen estates, not the whole snapshot).
func (db *DB) CreateProgramme(ctx context.Context, p *programme.Programme) error {
	in := programmeInput{Constraints: p.Constraints, Must: p.Must, MustNot: p.MustNot, Scores: p.Scores, WeightSetID: p.WeightSetID}
	input, err := json.Marshal(in)
	if err != nil {
		return err
	}
	cands, err := json.Marshal(p.Candidates)
	if err != nil {
		return err
	}
	res, err := json.Marshal(p.Result)
	if err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx *Tx) error {
		id, err := tx.insertID(`INSERT INTO programmes (city_id, jurisdiction_id, jpath, year, title, objective, budget, status,
			chosen, cost, households, value, gap, optimal, input, candidates, result, created_by, created)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			p.CityID, p.JurisdictionID, p.Path, p.Year, p.Title, string(p.Objective), int64(p.Constraints.Budget), string(p.Status),
			p.Summary.Count, int64(p.Summary.Cost), p.Summary.Households, p.Summary.Value, p.Gap, p.Optimal,
			string(input), string(cands), string(res), p.CreatedBy, micro(tx.now))
		if err != nil {
			return err
		}
		p.ID, p.Created = id, tx.now
		state := map[string]any{"jurisdiction_id": p.JurisdictionID, "year": p.Year, "title": p.Title, "objective": p.Objective,
			"input": in, "chosen": p.Result.Chosen, "value": p.Summary.Value, "bound": p.Result.Bound, "optimal": p.Optimal}
		return tx.Audit(p.CityID, audit.ActionCreate, entityProgramme, id, state, p.Title)
	})
}

// scopeProgrammes limits programmes to those whose jurisdiction lies in
// the scope, or above it (a street sees its district's programme).
func scopeProgrammes(s huanxin.Scope, w *where) {
	if s.All {
		return
	}
	var or []string
	var args []any
	for _, p := range s.Paths {
		lo, hi := prefixRange(p)
		or = append(or, pathPrefix("x.jpath"))
		args = append(args, lo, hi)
		parts := strings.Split(strings.Trim(p, "/"), "/")
		for i := range parts[:len(parts)-1] {
			or = append(or, "x.jpath = ?")
			args = append(args, "/"+strings.Join(parts[:i+1], "/")+"/")
		}
	}
	if len(or) == 0 {
		w.add("1 = 0")
		return
	}
	w.add("("+strings.Join(or, " OR ")+")", args...)
}

const programmeCols = `x.id, x.city_id, x.jurisdiction_id, x.jpath, x.year, x.title, x.objective, x.status, x.chosen, x.cost,
	x.households, x.value, x.gap, x.optimal, x.input, x.created_by, x.created, x.adopted_by, x.adopted`

func (db *DB) findProgrammes(ctx context.Context, w where, full bool) ([]*programme.Programme, error) {
	cols := programmeCols
	if full {
		cols += ", x.candidates, x.result"
	}
	rows, err := db.query(ctx, "SELECT "+cols+" FROM programmes x"+w.sql()+" ORDER BY x.created DESC, x.id DESC", w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*programme.Programme
	for rows.Next() {
		p := new(programme.Programme)
		var input, cands, res string
		dst := []any{&p.ID, &p.CityID, &p.JurisdictionID, &p.Path, &p.Year, &p.Title, &p.Objective, &p.Status, &p.Summary.Count,
			&p.Summary.Cost, &p.Summary.Households, &p.Summary.Value, &p.Gap, &p.Optimal, &input, &p.CreatedBy, stamp{&p.Created},
			&p.AdoptedBy, stamp{&p.Adopted}}
		if full {
			dst = append(dst, &cands, &res)
		}
		if err := rows.Scan(dst...); err != nil {
			return nil, err
		}
		var in programmeInput
		if err := json.Unmarshal([]byte(input), &in); err != nil {
			return nil, err
		}
		p.Constraints, p.Must, p.MustNot, p.Scores, p.WeightSetID = in.Constraints, in.Must, in.MustNot, in.Scores, in.WeightSetID
		if full {
			if err := json.Unmarshal([]byte(cands), &p.Candidates); err != nil {
				return nil, err
			}
			if err := json.Unmarshal([]byte(res), &p.Result); err != nil {
				return nil, err
			}
			p.Summary = p.Result.Totals
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// FindProgrammes lists the programmes the scope sees, newest first,
// without candidates and result.
func (db *DB) FindProgrammes(ctx context.Context, s huanxin.Scope, f programme.Filter) ([]*programme.Programme, error) {
	var w where
	scopeProgrammes(s, &w)
	if f.JurisdictionID != nil {
		w.add("x.jurisdiction_id = ?", *f.JurisdictionID)
	}
	if f.Year != nil {
		w.add("x.year = ?", *f.Year)
	}
	return db.findProgrammes(ctx, w, false)
}

// FindProgrammeByID returns a programme the scope sees, or ENOTFOUND.
func (db *DB) FindProgrammeByID(ctx context.Context, s huanxin.Scope, id int64) (*programme.Programme, error) {
	var w where
	scopeProgrammes(s, &w)
	w.add("x.id = ?", id)
	ps, err := db.findProgrammes(ctx, w, true)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, huanxin.Errorf(huanxin.ENOTFOUND, "年度计划不存在或不在您的管辖范围 programme not found")
	}
	return ps[0], nil
}

// AdoptProgramme marks a programme adopted; the one adopted before for
// the same jurisdiction and year becomes a draft again, in the same
// transaction, each audited.
func (db *DB) AdoptProgramme(ctx context.Context, id, by int64) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		var city, jur int64
		var year int
		var status programme.Status
		err := tx.queryRow("SELECT city_id, jurisdiction_id, year, status FROM programmes WHERE id = ?"+db.forUpdate(), id).
			Scan(&city, &jur, &year, &status)
		if err != nil {
			return mapErr(err)
		}
		if status == programme.StatusAdopted {
			return huanxin.Errorf(huanxin.ECONFLICT, "该方案已被采用 the programme is already adopted")
		}
		var prev int64
		err = tx.queryRow("SELECT id FROM programmes WHERE city_id = ? AND jurisdiction_id = ? AND year = ? AND status = ?"+db.forUpdate(),
			city, jur, year, string(programme.StatusAdopted)).Scan(&prev)
		if err == nil {
			if _, err := tx.exec("UPDATE programmes SET status = ?, adopted_by = 0, adopted = 0 WHERE id = ?", string(programme.StatusDraft), prev); err != nil {
				return err
			}
			if err := tx.Audit(city, audit.ActionUpdate, entityProgramme, prev, map[string]any{"status": programme.StatusDraft, "replaced_by": id}, "superseded"); err != nil {
				return err
			}
		} else if err = mapErr(err); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			return err
		}
		if _, err := tx.exec("UPDATE programmes SET status = ?, adopted_by = ?, adopted = ? WHERE id = ?",
			string(programme.StatusAdopted), by, micro(tx.now), id); err != nil {
			return err
		}
		return tx.Audit(city, audit.ActionUpdate, entityProgramme, id, map[string]any{"status": programme.StatusAdopted, "replaces": prev}, "adopted")
	})
}
