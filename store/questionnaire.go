package store

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/questionnaire"
)

// Entity names of questionnaires in the audit ledger.
const (
	entityQuestionnaire = "questionnaire"
	entityResponse      = "questionnaire_response"
)

// CreateQuestionnaire stores a draft questionnaire, setting its ID and times.
func (db *DB) CreateQuestionnaire(ctx context.Context, q *questionnaire.Questionnaire) error {
	qs, err := json.Marshal(q.Questions)
	if err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx *Tx) error {
		id, err := tx.insertID(`INSERT INTO questionnaires (city_id, estate_id, title, intro, status, anonymous, per, opens_at, closes_at,
			questions, created_by, created, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			q.CityID, q.EstateID, q.Title, q.Intro, string(q.Status), q.Anonymous, string(q.Per), microOrZero(q.OpensAt),
			microOrZero(q.ClosesAt), string(qs), q.CreatedBy, micro(tx.now), micro(tx.now))
		if err != nil {
			return err
		}
		q.ID, q.Created, q.Updated = id, tx.now, tx.now
		return tx.Audit(q.CityID, audit.ActionCreate, entityQuestionnaire, q.ID, q, "")
	})
}

// microOrZero stores a zero time as 0.
func microOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return micro(t)
}

// UpdateQuestionnaire stores the definition of a draft; ECONFLICT when it
// is no longer a draft.
func (db *DB) UpdateQuestionnaire(ctx context.Context, q *questionnaire.Questionnaire) error {
	qs, err := json.Marshal(q.Questions)
	if err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(`UPDATE questionnaires SET title = ?, intro = ?, anonymous = ?, per = ?, opens_at = ?, closes_at = ?,
			questions = ?, updated = ? WHERE city_id = ? AND id = ? AND status = ?`,
			q.Title, q.Intro, q.Anonymous, string(q.Per), microOrZero(q.OpensAt), microOrZero(q.ClosesAt), string(qs),
			micro(tx.now), q.CityID, q.ID, string(questionnaire.StatusDraft))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return huanxin.Errorf(huanxin.ECONFLICT, "问卷已不是草稿 the questionnaire is no longer a draft")
		}
		q.Updated = tx.now
		return tx.Audit(q.CityID, audit.ActionUpdate, entityQuestionnaire, q.ID, q, "")
	})
}

// SetQuestionnaireStatus stores q's status and times if it is still in
// from.
func (db *DB) SetQuestionnaireStatus(ctx context.Context, q *questionnaire.Questionnaire, from questionnaire.Status) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(`UPDATE questionnaires SET status = ?, opens_at = ?, closes_at = ?, updated = ?
			WHERE city_id = ? AND id = ? AND status = ?`, string(q.Status), microOrZero(q.OpensAt), microOrZero(q.ClosesAt),
			micro(tx.now), q.CityID, q.ID, string(from))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return huanxin.Errorf(huanxin.ECONFLICT, "问卷状态已变 the questionnaire's status has changed")
		}
		q.Updated = tx.now
		return tx.Audit(q.CityID, audit.ActionUpdate, entityQuestionnaire, q.ID, nil, string(from)+" -> "+string(q.Status))
	})
}

const questionnaireCols = `x.id, x.city_id, x.estate_id, x.title, x.intro, x.status, x.anonymous, x.per, x.opens_at, x.closes_at,
	x.questions, x.created_by, x.created, x.updated`

// FindQuestionnaires lists the questionnaires of an estate within the
// scope, newest first.
func (db *DB) FindQuestionnaires(ctx context.Context, s huanxin.Scope, estateID int64) ([]*questionnaire.Questionnaire, error) {
	var w where
	scopeEstates("x.estate_id")(s, &w)
	w.add("x.estate_id = ?", estateID)
	return db.findQuestionnaires(ctx, w)
}

// FindQuestionnaireByID returns a questionnaire within the scope, or
// ENOTFOUND.
func (db *DB) FindQuestionnaireByID(ctx context.Context, s huanxin.Scope, id int64) (*questionnaire.Questionnaire, error) {
	var w where
	scopeEstates("x.estate_id")(s, &w)
	w.add("x.id = ?", id)
	qs, err := db.findQuestionnaires(ctx, w)
	if err != nil {
		return nil, err
	}
	if len(qs) == 0 {
		return nil, huanxin.Errorf(huanxin.ENOTFOUND, "问卷不存在或不在您的管辖范围 questionnaire not found")
	}
	return qs[0], nil
}

func (db *DB) findQuestionnaires(ctx context.Context, w where) ([]*questionnaire.Questionnaire, error) {
	rows, err := db.query(ctx, "SELECT "+questionnaireCols+" FROM questionnaires x"+w.sql()+" ORDER BY x.created DESC, x.id DESC", w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*questionnaire.Questionnaire
	for rows.Next() {
		q := new(questionnaire.Questionnaire)
		var qs string
		if err := rows.Scan(&q.ID, &q.CityID, &q.EstateID, &q.Title, &q.Intro, &q.Status, &q.Anonymous, &q.Per,
			stamp{&q.OpensAt}, stamp{&q.ClosesAt}, &qs, &q.CreatedBy, stamp{&q.Created}, stamp{&q.Updated}); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(qs), &q.Questions); err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// CreateResponse stores a response to an open questionnaire; the unique
// key on the respondent refuses a second one with ECONFLICT.
func (db *DB) CreateResponse(ctx context.Context, r *questionnaire.Response) error {
	answers, err := json.Marshal(r.Answers)
	if err != nil {
		return err
	}
	err = db.WithTx(ctx, func(tx *Tx) error {
		var status string
		if err := tx.queryRow("SELECT status FROM questionnaires WHERE city_id = ? AND id = ?", r.CityID, r.QuestionnaireID).Scan(&status); err != nil {
			return err
		}
		if status != string(questionnaire.StatusOpen) {
			return huanxin.Errorf(huanxin.EINVALID, "问卷不在填写时间内 the questionnaire is not taking answers")
		}
		id, err := tx.insertID(`INSERT INTO questionnaire_responses (city_id, questionnaire_id, respondent, household, part_id, building_id,
			area, owner_id, resident_id, user_id, channel, entered_by, answers, submitted) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			r.CityID, r.QuestionnaireID, r.Respondent, r.Household, r.PartID, r.BuildingID, int64(r.Area), r.OwnerID, r.ResidentID,
			r.UserID, string(r.Channel), r.EnteredBy, string(answers), micro(r.Submitted))
		if err != nil {
			return err
		}
		r.ID = id
		// The ledger names the questionnaire and channel, never the
		// respondent: an anonymous response stays anonymous there too.
		return tx.Audit(r.CityID, audit.ActionCreate, entityResponse, id, nil,
			"questionnaire "+strconv.FormatInt(r.QuestionnaireID, 10)+" "+string(r.Channel))
	})
	if huanxin.ErrorCode(err) == huanxin.ECONFLICT {
		return huanxin.Errorf(huanxin.ECONFLICT, "这一户（或这位居民）已经填写过 this household (or resident) has already answered")
	}
	return err
}

// RespondedKeys returns which of the respondent keys have answered.
func (db *DB) RespondedKeys(ctx context.Context, questionnaireID int64, keys []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(keys) == 0 {
		return out, nil
	}
	args := []any{questionnaireID}
	for _, k := range keys {
		args = append(args, k)
	}
	rows, err := db.query(ctx, "SELECT respondent FROM questionnaire_responses WHERE questionnaire_id = ? AND respondent IN ("+
		placeholders(len(keys))+")", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out[k] = true
	}
	return out, rows.Err()
}

// Responses lists the responses of a questionnaire, oldest first.
func (db *DB) Responses(ctx context.Context, questionnaireID int64) ([]*questionnaire.Response, error) {
	rows, err := db.query(ctx, `SELECT id, city_id, questionnaire_id, respondent, household, part_id, building_id, area, owner_id,
		resident_id, user_id, channel, entered_by, answers, submitted FROM questionnaire_responses WHERE questionnaire_id = ? ORDER BY id`,
		questionnaireID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*questionnaire.Response
	for rows.Next() {
		r := new(questionnaire.Response)
		var answers []byte
		var area int64
		if err := rows.Scan(&r.ID, &r.CityID, &r.QuestionnaireID, &r.Respondent, &r.Household, &r.PartID, &r.BuildingID, &area,
			&r.OwnerID, &r.ResidentID, &r.UserID, &r.Channel, &r.EnteredBy, &answers, stamp{&r.Submitted}); err != nil {
			return nil, err
		}
		r.Area = huanxin.Area(area)
		if r.Answers, err = decodeAnswers(answers); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
