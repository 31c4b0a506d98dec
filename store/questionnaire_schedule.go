package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/questionnaire"
)

// entitySurveySchedule names survey schedules in the audit ledger.
const entitySurveySchedule = "survey_schedule"

// CreateSurveySchedule stores a pending schedule, setting its ID and times.
func (db *DB) CreateSurveySchedule(ctx context.Context, s *questionnaire.Schedule) error {
	t, err := json.Marshal(s.Template)
	if err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx *Tx) error {
		id, err := tx.insertID(`INSERT INTO survey_schedules (city_id, estate_id, template, at, closes_after, reason, status,
			created_by, created, updated) VALUES (?,?,?,?,?,?,?,?,?,?)`,
			s.CityID, s.EstateID, string(t), micro(s.At), s.ClosesAfter, s.Reason, string(s.Status), s.CreatedBy, micro(tx.now), micro(tx.now))
		if err != nil {
			return err
		}
		s.ID, s.Created, s.Updated = id, tx.now, tx.now
		return tx.Audit(s.CityID, audit.ActionCreate, entitySurveySchedule, s.ID, s, s.Reason)
	})
}

// SetSurveyScheduleStatus stores s's status and questionnaire if it is
// still in from; ECONFLICT otherwise. The conditional update is what lets
// exactly one of several servers claim a due schedule.
func (db *DB) SetSurveyScheduleStatus(ctx context.Context, s *questionnaire.Schedule, from questionnaire.ScheduleStatus) error {
	var qid sql.NullInt64
	if s.QuestionnaireID != 0 {
		qid = sql.NullInt64{Int64: s.QuestionnaireID, Valid: true}
	}
	return db.WithTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(`UPDATE survey_schedules SET status = ?, questionnaire_id = ?, updated = ?
			WHERE city_id = ? AND id = ? AND status = ?`, string(s.Status), qid, micro(tx.now), s.CityID, s.ID, string(from))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return huanxin.Errorf(huanxin.ECONFLICT, "计划状态已变 the schedule's status has changed")
		}
		s.Updated = tx.now
		return tx.Audit(s.CityID, audit.ActionUpdate, entitySurveySchedule, s.ID, map[string]any{"questionnaire_id": s.QuestionnaireID},
			string(from)+" -> "+string(s.Status))
	})
}

const surveyScheduleCols = `x.id, x.city_id, x.estate_id, x.template, x.at, x.closes_after, x.reason, x.status, x.questionnaire_id,
	x.created_by, x.created, x.updated`

// FindSurveySchedules lists the schedules of an estate within the scope,
// in the order they go out.
func (db *DB) FindSurveySchedules(ctx context.Context, s huanxin.Scope, estateID int64) ([]*questionnaire.Schedule, error) {
	var w where
	scopeEstates("x.estate_id")(s, &w)
	w.add("x.estate_id = ?", estateID)
	return db.findSurveySchedules(ctx, w)
}

// FindSurveyScheduleByID returns a schedule within the scope, or ENOTFOUND.
func (db *DB) FindSurveyScheduleByID(ctx context.Context, s huanxin.Scope, id int64) (*questionnaire.Schedule, error) {
	var w where
	scopeEstates("x.estate_id")(s, &w)
	w.add("x.id = ?", id)
	ss, err := db.findSurveySchedules(ctx, w)
	if err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return nil, huanxin.Errorf(huanxin.ENOTFOUND, "问卷计划不存在或不在您的管辖范围 survey schedule not found")
	}
	return ss[0], nil
}

// DueSurveySchedules lists the pending schedules due at t, of every city.
func (db *DB) DueSurveySchedules(ctx context.Context, t time.Time) ([]*questionnaire.Schedule, error) {
	var w where
	w.add("x.status = ?", string(questionnaire.SchedulePending))
	w.add("x.at <= ?", micro(t))
	return db.findSurveySchedules(ctx, w)
}

func (db *DB) findSurveySchedules(ctx context.Context, w where) ([]*questionnaire.Schedule, error) {
	rows, err := db.query(ctx, "SELECT "+surveyScheduleCols+" FROM survey_schedules x"+w.sql()+" ORDER BY x.at, x.id", w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*questionnaire.Schedule
	for rows.Next() {
		s := new(questionnaire.Schedule)
		var t string
		var qid sql.NullInt64
		if err := rows.Scan(&s.ID, &s.CityID, &s.EstateID, &t, stamp{&s.At}, &s.ClosesAfter, &s.Reason, &s.Status, &qid,
			&s.CreatedBy, stamp{&s.Created}, stamp{&s.Updated}); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(t), &s.Template); err != nil {
			return nil, err
		}
		s.QuestionnaireID = qid.Int64
		out = append(out, s)
	}
	return out, rows.Err()
}
