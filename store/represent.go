package store

import (
	"context"
	"database/sql"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/represent"
)

// entitySeat names seats in the audit ledger.
const entitySeat = "seat"

// estateCity is the city of the estate given as its argument, so that
// queries by estate use the indexes that start with the city.
const estateCity = "(SELECT city_id FROM estates WHERE id = ?)"

var _ represent.Store = (*DB)(nil)

const seatCols = `id, city_id, estate_id, building_id, role, person_name, owner_id, resident_id, user_id, how,
	term_start, term_end, ended, end_reason, created_by, created, updated`

// CreateSeat stores a new seat after check has accepted it against the
// other seats of the estate in the same office, read in the transaction
// (locked on PostgreSQL: the estate's row, so concurrent fillings of one
// office queue), audited.
func (db *DB) CreateSeat(ctx context.Context, s *represent.Seat, check func(others []*represent.Seat) error) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		var id int64
		if err := tx.queryRow("SELECT id FROM estates WHERE id = ?"+db.forUpdate(), s.EstateID).Scan(&id); err != nil {
			return mapErr(err)
		}
		rows, err := tx.tx.QueryContext(tx.ctx, db.q("SELECT "+seatCols+" FROM seats WHERE city_id = ? AND estate_id = ? AND role = ?"),
			s.CityID, s.EstateID, s.Role)
		if err != nil {
			return err
		}
		others, err := scanSeats(rows)
		if err != nil {
			return err
		}
		if err := check(others); err != nil {
			return err
		}
		if s.UserID != 0 {
			var n int
			if err := tx.queryRow("SELECT COUNT(*) FROM users WHERE id = ?", s.UserID).Scan(&n); err != nil {
				return err
			} else if n == 0 {
				return huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "user_id", Message: "账号不存在 no such account"})
			}
		}
		id, err = tx.insertID(`INSERT INTO seats (city_id, estate_id, building_id, role, person_name, owner_id, resident_id, user_id, how,
			term_start, term_end, ended, end_reason, created_by, created, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			s.CityID, s.EstateID, s.BuildingID, s.Role, s.PersonName, s.OwnerID, s.ResidentID, s.UserID, s.How,
			micro(s.TermStart), micro(s.TermEnd), opt(s.Ended), s.EndReason, s.CreatedBy, micro(tx.now), micro(tx.now))
		if err != nil {
			return mapErr(err)
		}
		s.ID, s.Created, s.Updated = id, tx.now, tx.now
		return tx.Audit(s.CityID, audit.ActionCreate, entitySeat, s.ID, s, string(s.Role))
	})
}

// EndSeat stores the early end of a running term, audited; ECONFLICT when
// it was ended meanwhile.
func (db *DB) EndSeat(ctx context.Context, s *represent.Seat) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		res, err := tx.exec("UPDATE seats SET ended = ?, end_reason = ?, updated = ? WHERE city_id = ? AND id = ? AND ended = 0",
			micro(s.Ended), s.EndReason, micro(tx.now), s.CityID, s.ID)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k != 1 {
			return huanxin.Errorf(huanxin.ECONFLICT, "任期已结束 the term has already ended")
		}
		s.Updated = tx.now
		return tx.Audit(s.CityID, audit.ActionUpdate, entitySeat, s.ID, s, "ended")
	})
}

// FindSeats lists the seats of an estate, by office, building and term.
func (db *DB) FindSeats(ctx context.Context, estateID int64) ([]*represent.Seat, error) {
	rows, err := db.query(ctx, "SELECT "+seatCols+" FROM seats WHERE city_id = "+estateCity+" AND estate_id = ? ORDER BY role, building_id, term_start, id",
		estateID, estateID)
	if err != nil {
		return nil, err
	}
	return scanSeats(rows)
}

// FindSeatByID returns a seat, or ENOTFOUND.
func (db *DB) FindSeatByID(ctx context.Context, id int64) (*represent.Seat, error) {
	rows, err := db.query(ctx, "SELECT "+seatCols+" FROM seats WHERE id = ?", id)
	if err != nil {
		return nil, err
	}
	seats, err := scanSeats(rows)
	if err == nil && len(seats) == 0 {
		err = huanxin.Errorf(huanxin.ENOTFOUND, "任职记录不存在 no such seat")
	}
	if err != nil {
		return nil, err
	}
	return seats[0], nil
}

// UserSeats lists the seats naming an account or the owner record the
// account is bound to.
func (db *DB) UserSeats(ctx context.Context, userID int64) ([]*represent.Seat, error) {
	rows, err := db.query(ctx, "SELECT "+seatCols+` FROM seats WHERE user_id = ? OR owner_id IN
		(SELECT owner_id FROM users WHERE id = ? AND owner_id IS NOT NULL AND owner_id <> 0) ORDER BY estate_id, role, id`, userID, userID)
	if err != nil {
		return nil, err
	}
	return scanSeats(rows)
}

func scanSeats(rows *sql.Rows) ([]*represent.Seat, error) {
	defer rows.Close()
	var out []*represent.Seat
	for rows.Next() {
		s := &represent.Seat{}
		if err := rows.Scan(&s.ID, &s.CityID, &s.EstateID, &s.BuildingID, &s.Role, &s.PersonName, &s.OwnerID, &s.ResidentID,
			&s.UserID, &s.How, stamp{&s.TermStart}, stamp{&s.TermEnd}, stamp{&s.Ended}, &s.EndReason, &s.CreatedBy,
			stamp{&s.Created}, stamp{&s.Updated}); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
