package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/represent"
)

// Entity names of meetings in the audit ledger.
const (
	entityMeeting       = "meeting"
	entityMeetingAction = "meeting_action"
)

// attendance is the stored form of a meeting's attendance.
type attendance struct {
	SeatIDs   []int64  `json:"seat_ids"`
	Residents []string `json:"residents"`
	Officers  []string `json:"officers"`
	Others    int      `json:"others"`
}

// meetingValues are the agenda and attendance as JSON and the photos as a
// list of IDs.
func meetingValues(m *represent.Meeting) (agenda, att, photos string, err error) {
	a, err := json.Marshal(append([]string{}, m.Agenda...))
	if err != nil {
		return "", "", "", err
	}
	at, err := json.Marshal(attendance(m.Attendance))
	return string(a), string(at), joinIDs(m.PhotoFileIDs), err
}

// CreateMeeting stores a new meeting, audited.
func (db *DB) CreateMeeting(ctx context.Context, m *represent.Meeting) error {
	agenda, att, photos, err := meetingValues(m)
	if err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx *Tx) error {
		id, err := tx.insertID(`INSERT INTO meetings (city_id, estate_id, kind, title, agenda, at, place, attendance, minutes, photo_ids,
			created_by, updated_by, created, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, m.CityID, m.EstateID, m.Kind, m.Title, agenda,
			micro(m.At), m.Place, att, m.Minutes, photos, m.CreatedBy, m.UpdatedBy, micro(tx.now), micro(tx.now))
		if err != nil {
			return err
		}
		m.ID, m.Created, m.Updated = id, tx.now, tx.now
		return tx.Audit(m.CityID, audit.ActionCreate, entityMeeting, m.ID, m, string(m.Kind))
	})
}

// UpdateMeeting stores a meeting's content, attendance, minutes and
// photos, audited.
func (db *DB) UpdateMeeting(ctx context.Context, m *represent.Meeting) error {
	agenda, att, photos, err := meetingValues(m)
	if err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(`UPDATE meetings SET kind = ?, title = ?, agenda = ?, at = ?, place = ?, attendance = ?, minutes = ?,
			photo_ids = ?, updated_by = ?, updated = ? WHERE city_id = ? AND id = ?`, m.Kind, m.Title, agenda, micro(m.At), m.Place, att,
			m.Minutes, photos, m.UpdatedBy, micro(tx.now), m.CityID, m.ID)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k != 1 {
			return huanxin.Errorf(huanxin.ENOTFOUND, "会议不存在 no such meeting")
		}
		m.Updated = tx.now
		return tx.Audit(m.CityID, audit.ActionUpdate, entityMeeting, m.ID, m, "")
	})
}

const meetingCols = `id, city_id, estate_id, kind, title, agenda, at, place, attendance, minutes, photo_ids, created_by, updated_by, created, updated`

// FindMeetings lists the meetings of an estate with their actions, latest
// first.
func (db *DB) FindMeetings(ctx context.Context, estateID int64) ([]*represent.Meeting, error) {
	return db.findMeetings(ctx, "city_id = "+estateCity+" AND estate_id = ? ORDER BY at DESC, id DESC", estateID, estateID)
}

// FindMeetingByID returns a meeting with its actions, or ENOTFOUND.
func (db *DB) FindMeetingByID(ctx context.Context, id int64) (*represent.Meeting, error) {
	ms, err := db.findMeetings(ctx, "id = ?", id)
	if err == nil && len(ms) == 0 {
		err = huanxin.Errorf(huanxin.ENOTFOUND, "会议不存在或不在您的管辖范围 meeting not found")
	}
	if err != nil {
		return nil, err
	}
	return ms[0], nil
}

func (db *DB) findMeetings(ctx context.Context, cond string, args ...any) ([]*represent.Meeting, error) {
	rows, err := db.query(ctx, "SELECT "+meetingCols+" FROM meetings WHERE "+cond, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*represent.Meeting
	byID := map[int64]*represent.Meeting{}
	for rows.Next() {
		m := &represent.Meeting{}
		var agenda, att, photos string
		if err := rows.Scan(&m.ID, &m.CityID, &m.EstateID, &m.Kind, &m.Title, &agenda, stamp{&m.At}, &m.Place, &att, &m.Minutes,
			&photos, &m.CreatedBy, &m.UpdatedBy, stamp{&m.Created}, stamp{&m.Updated}); err != nil {
			return nil, err
		}
		var a attendance
		if err := json.Unmarshal([]byte(agenda), &m.Agenda); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(att), &a); err != nil {
			return nil, err
		}
		m.Attendance = represent.Attendance(a)
		if m.PhotoFileIDs, err = splitIDs(photos); err != nil {
			return nil, err
		}
		out, byID[m.ID] = append(out, m), m
	}
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	var w where
	w.add("city_id = ?", out[0].CityID) // the meetings of one estate, or one meeting
	w.in("meeting_id", slicesKeysOf(byID))
	arows, err := db.query(ctx, "SELECT "+actionCols+" FROM meeting_actions"+w.sql()+" ORDER BY id", w.args...)
	if err != nil {
		return nil, err
	}
	acts, err := scanActions(arows)
	if err != nil {
		return nil, err
	}
	for _, a := range acts {
		m := byID[a.MeetingID]
		m.Actions = append(m.Actions, *a)
	}
	return out, nil
}

func slicesKeysOf(m map[int64]*represent.Meeting) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

const actionCols = `id, city_id, meeting_id, estate_id, what, owner, owner_seat_id, due, status, done_at, done_by, note, created_by, created`

func scanActions(rows *sql.Rows) ([]*represent.Action, error) {
	defer rows.Close()
	var out []*represent.Action
	for rows.Next() {
		a := &represent.Action{}
		if err := rows.Scan(&a.ID, &a.CityID, &a.MeetingID, &a.EstateID, &a.What, &a.Owner, &a.OwnerSeatID, stamp{&a.Due}, &a.Status,
			stamp{&a.DoneAt}, &a.DoneBy, &a.Note, &a.CreatedBy, stamp{&a.Created}); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AddMeetingAction stores a new open action of a meeting, audited.
func (db *DB) AddMeetingAction(ctx context.Context, a *represent.Action) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		id, err := tx.insertID(`INSERT INTO meeting_actions (city_id, meeting_id, estate_id, what, owner, owner_seat_id, due, status, note,
			created_by, created) VALUES (?,?,?,?,?,?,?,?,?,?,?)`, a.CityID, a.MeetingID, a.EstateID, a.What, a.Owner, a.OwnerSeatID, micro(a.Due),
			represent.ActionOpen, a.Note, a.CreatedBy, micro(tx.now))
		if err != nil {
			return mapErr(err)
		}
		a.ID, a.Status, a.Created = id, represent.ActionOpen, tx.now
		return tx.Audit(a.CityID, audit.ActionCreate, entityMeetingAction, a.ID, a, "")
	})
}

// CompleteMeetingAction marks an open action done, audited; ECONFLICT
// when it is done already.
func (db *DB) CompleteMeetingAction(ctx context.Context, a *represent.Action) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		res, err := tx.exec("UPDATE meeting_actions SET status = ?, done_at = ?, done_by = ?, note = ? WHERE city_id = ? AND id = ? AND status = ?",
			represent.ActionDone, micro(a.DoneAt), a.DoneBy, a.Note, a.CityID, a.ID, represent.ActionOpen)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k != 1 {
			return huanxin.Errorf(huanxin.ECONFLICT, "事项已完成 the action is already done")
		}
		return tx.Audit(a.CityID, audit.ActionUpdate, entityMeetingAction, a.ID, a, "done")
	})
}

// OverdueActions lists the open actions of an estate due before a day,
// the longest overdue first.
func (db *DB) OverdueActions(ctx context.Context, estateID int64, before time.Time) ([]*represent.Action, error) {
	rows, err := db.query(ctx, "SELECT "+actionCols+" FROM meeting_actions WHERE city_id = "+estateCity+
		" AND estate_id = ? AND status = ? AND due < ? ORDER BY due, id", estateID, estateID, represent.ActionOpen, micro(before))
	if err != nil {
		return nil, err
	}
	return scanActions(rows)
}
