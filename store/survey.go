package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/survey"
)

// entitySurvey is the entity name of condition surveys in the audit ledger.
const entitySurvey = "survey"

// CreateSurvey stores a survey with its findings, audited.
func (db *DB) CreateSurvey(ctx context.Context, s *survey.Survey) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		entered, err := json.Marshal(s.Entered)
		if err != nil {
			return err
		}
		id, err := tx.insertID(`INSERT INTO surveys (city_id, estate_id, building_id, surveyed_on, surveyor, surveyor_name, status,
			notes, register_facts, entered_facts, created, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
			s.CityID, s.EstateID, s.BuildingID, s.SurveyedOn, s.Surveyor, s.SurveyorName, s.Status, s.Notes, "{}",
			string(entered), micro(tx.now), micro(tx.now))
		if err != nil {
			return err
		}
		s.ID, s.Created, s.Updated = id, tx.now, tx.now
		if err := tx.insertFindings(s); err != nil {
			return err
		}
		return tx.Audit(s.CityID, audit.ActionCreate, entitySurvey, s.ID, s, "")
	})
}

func (tx *Tx) insertFindings(s *survey.Survey) error {
	for i, f := range s.Findings {
		photos := f.Photos
		if photos == nil {
			photos = []survey.Photo{}
		}
		b, err := json.Marshal(photos)
		if err != nil {
			return err
		}
		if _, err := tx.exec(`INSERT INTO survey_findings (city_id, survey_id, item_code, position, grade, quantity, hazard, notes, photos)
			VALUES (?,?,?,?,?,?,?,?,?)`, s.CityID, s.ID, f.ItemCode, i+1, int(f.Grade), f.Quantity, f.Hazard, f.Notes, string(b)); err != nil {
			return err
		}
	}
	return nil
}

// UpdateSurvey replaces a draft survey's date, building, notes, entered
// facts and findings, audited; ECONFLICT when it is no longer a draft.
func (db *DB) UpdateSurvey(ctx context.Context, s *survey.Survey) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		entered, err := json.Marshal(s.Entered)
		if err != nil {
			return err
		}
		res, err := tx.exec(`UPDATE surveys SET building_id = ?, surveyed_on = ?, notes = ?, entered_facts = ?, updated = ?
			WHERE id = ? AND status = ?`, s.BuildingID, s.SurveyedOn, s.Notes, string(entered), micro(tx.now), s.ID, survey.StatusDraft)
		if err != nil {
			return err
		}
		if err := oneRow(res); err != nil {
			return err
		}
		if _, err := tx.exec(`DELETE FROM survey_findings WHERE city_id = ? AND survey_id = ?`, s.CityID, s.ID); err != nil {
			return err
		}
		if err := tx.insertFindings(s); err != nil {
			return err
		}
		s.Updated = tx.now
		return tx.Audit(s.CityID, audit.ActionUpdate, entitySurvey, s.ID, s, "")
	})
}

// oneRow is ECONFLICT unless a conditional update changed a row.
func oneRow(res interface{ RowsAffected() (int64, error) }) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != 1 {
		return huanxin.Errorf(huanxin.ECONFLICT, "调查已提交，不能修改 the survey has been submitted and is read-only")
	}
	return nil
}

// SubmitSurvey makes a draft survey submitted with the register's facts
// frozen, audited; ECONFLICT when it is no longer a draft.
func (db *DB) SubmitSurvey(ctx context.Context, id int64, register survey.Facts) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		b, err := json.Marshal(register)
		if err != nil {
			return err
		}
		var city int64
		if err := tx.queryRow(`UPDATE surveys SET status = ?, register_facts = ?, submitted_at = ?, updated = ?
			WHERE id = ? AND status = ? RETURNING city_id`, survey.StatusSubmitted, string(b), micro(tx.now), micro(tx.now),
			id, survey.StatusDraft).Scan(&city); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return huanxin.Errorf(huanxin.ECONFLICT, "调查已提交 the survey has been submitted already")
			}
			return err
		}
		return tx.Audit(city, audit.ActionUpdate, entitySurvey, id, map[string]any{"status": survey.StatusSubmitted, "register_facts": register}, "submit")
	})
}

const surveyCols = `x.id, x.city_id, x.estate_id, x.building_id, x.surveyed_on, x.surveyor, x.surveyor_name, x.status, x.notes,
	x.register_facts, x.entered_facts, x.created, x.updated, x.submitted_at`

// FindSurveys lists the surveys of an estate within the scope, the
// latest survey date first.
func (db *DB) FindSurveys(ctx context.Context, s huanxin.Scope, estateID int64) ([]*survey.Survey, error) {
	var w where
	scopeEstates("x.estate_id")(s, &w)
	w.add("x.estate_id = ?", estateID)
	return db.findSurveys(ctx, w)
}

// FindSurveyByID returns a survey within the scope, or ENOTFOUND.
func (db *DB) FindSurveyByID(ctx context.Context, s huanxin.Scope, id int64) (*survey.Survey, error) {
	var w where
	scopeEstates("x.estate_id")(s, &w)
	w.add("x.id = ?", id)
	list, err := db.findSurveys(ctx, w)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, huanxin.Errorf(huanxin.ENOTFOUND, "调查不存在或不在您的管辖范围 survey not found")
	}
	return list[0], nil
}

func (db *DB) findSurveys(ctx context.Context, w where) ([]*survey.Survey, error) {
	rows, err := db.query(ctx, "SELECT "+surveyCols+" FROM surveys x"+w.sql()+" ORDER BY x.surveyed_on DESC, x.id DESC", w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*survey.Survey
	byID := map[int64]*survey.Survey{}
	for rows.Next() {
		v := new(survey.Survey)
		var reg, entered string
		if err := rows.Scan(&v.ID, &v.CityID, &v.EstateID, &v.BuildingID, &v.SurveyedOn, &v.Surveyor, &v.SurveyorName, &v.Status,
			&v.Notes, &reg, &entered, stamp{&v.Created}, stamp{&v.Updated}, stamp{&v.SubmittedAt}); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(reg), &v.Register); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(entered), &v.Entered); err != nil {
			return nil, err
		}
		out = append(out, v)
		byID[v.ID] = v
	}
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	var fw where
	fw.add("f.city_id = ?", out[0].CityID)
	ids := make([]int64, 0, len(out))
	for _, v := range out {
		ids = append(ids, v.ID)
	}
	fw.in("f.survey_id", ids)
	frows, err := db.query(ctx, `SELECT f.survey_id, f.item_code, f.grade, f.quantity, f.hazard, f.notes, f.photos
		FROM survey_findings f`+fw.sql()+` ORDER BY f.survey_id, f.position`, fw.args...)
	if err != nil {
		return nil, err
	}
	defer frows.Close()
	for frows.Next() {
		var sid int64
		var f survey.Finding
		var photos string
		if err := frows.Scan(&sid, &f.ItemCode, &f.Grade, &f.Quantity, &f.Hazard, &f.Notes, &photos); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(photos), &f.Photos); err != nil {
			return nil, err
		}
		byID[sid].Findings = append(byID[sid].Findings, f)
	}
	return out, frows.Err()
}

// HouseholdFacts counts an estate's (or one building's) household facts
// in the register. Counts are not personal data: every role that sees the
// survey sees them.
func (db *DB) HouseholdFacts(ctx context.Context, estateID, buildingID int64, bornBy int) (survey.Facts, error) {
	var f survey.Facts
	inBuilding := func(col string) (string, []any) {
		if buildingID == 0 {
			return "", nil
		}
		return " AND " + col + " = ?", []any{buildingID}
	}
	cond, args := inBuilding("p.building_id")
	err := db.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN p.floor >= 2 AND NOT s.has_lift THEN 1 ELSE 0 END), 0)
		FROM parts p JOIN stairwells s ON s.id = p.stairwell_id WHERE p.estate_id = ? AND p.kind = ?`+cond,
		append([]any{estateID, "dwelling"}, args...)...).Scan(&f.Households, &f.UpperDwellingsNoLift)
	if err != nil {
		return f, err
	}
	err = db.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN r.birth_year > 0 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN r.birth_year > 0 AND r.birth_year <= ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN r.disabled THEN 1 ELSE 0 END), 0)
		FROM residents r JOIN parts p ON p.id = r.part_id WHERE r.estate_id = ?`+cond,
		append([]any{bornBy, estateID}, args...)...).Scan(&f.Residents, &f.AgeKnown, &f.Over60, &f.Disabled)
	if err != nil {
		return f, err
	}
	cond, args = inBuilding("s.building_id")
	err = db.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN s.has_lift THEN 0 ELSE 1 END), 0)
		FROM stairwells s WHERE s.estate_id = ?`+cond, append([]any{estateID}, args...)...).Scan(&f.Stairwells, &f.StairwellsWithoutLift)
	return f, err
}

var _ survey.Store = (*DB)(nil)
