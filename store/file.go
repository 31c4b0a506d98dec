package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/file"
)

// entityFile is the entity name of uploaded files in the audit ledger.
const entityFile = "file"

const fileCols = `x.id, x.city_id, x.estate_id, x.sha256, x.name, x.content_type, x.size, x.created_by, x.created`

// CreateFile stores the bytes once per city and SHA-256 and a row for the
// upload, audited, in one transaction. When the same user already
// uploaded the same bytes for the same estate, f becomes that row and
// nothing is written. Concurrent identical uploads are settled by the
// unique keys (ON CONFLICT DO NOTHING), not by an error.
func (db *DB) CreateFile(ctx context.Context, f *file.File, data []byte) (created bool, err error) {
	err = db.WithTx(ctx, func(tx *Tx) error {
		find := func() error {
			return tx.queryRow(`SELECT `+fileCols+` FROM files x WHERE x.city_id = ? AND x.estate_id = ? AND x.created_by = ? AND x.sha256 = ?`,
				f.CityID, f.EstateID, f.CreatedBy, f.SHA256).Scan(fileDest(f)...)
		}
		if err := find(); !errors.Is(err, sql.ErrNoRows) {
			return err // found (nil), or failed
		}
		var have int
		if err := tx.queryRow(`SELECT COUNT(*) FROM file_blobs WHERE city_id = ? AND sha256 = ?`, f.CityID, f.SHA256).Scan(&have); err != nil {
			return err
		}
		if have == 0 {
			if _, err := tx.exec(`INSERT INTO file_blobs (city_id, sha256, size, data, created) VALUES (?,?,?,?,?)
				ON CONFLICT (city_id, sha256) DO NOTHING`, f.CityID, f.SHA256, len(data), data, micro(tx.now)); err != nil {
				return err
			}
		}
		var id int64
		err := tx.queryRow(`INSERT INTO files (city_id, estate_id, sha256, name, content_type, size, created_by, created)
			VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (city_id, estate_id, created_by, sha256) DO NOTHING RETURNING id`,
			f.CityID, f.EstateID, f.SHA256, f.Name, f.ContentType, f.Size, f.CreatedBy, micro(tx.now)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) { // an identical upload committed meanwhile
			return find()
		} else if err != nil {
			return err
		}
		f.ID, f.Created, created = id, tx.now, true
		return tx.Audit(f.CityID, audit.ActionCreate, entityFile, f.ID, f, f.SHA256)
	})
	return created, err
}

func fileDest(f *file.File) []any {
	return []any{&f.ID, &f.CityID, &f.EstateID, &f.SHA256, &f.Name, &f.ContentType, &f.Size, &f.CreatedBy, stamp{&f.Created}}
}

// FindFiles lists the metadata of files within the filter's scope, oldest
// first; it never reads the bytes.
func (db *DB) FindFiles(ctx context.Context, f file.Filter) ([]*file.File, error) {
	var w where
	scopeEstates("x.estate_id")(f.Scope, &w)
	eq(&w, "x.id", f.ID)
	eq(&w, "x.estate_id", f.EstateID)
	eq(&w, "x.created_by", f.CreatedBy)
	rows, err := db.query(ctx, "SELECT "+fileCols+" FROM files x"+w.sql()+" ORDER BY x.created, x.id", w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*file.File
	for rows.Next() {
		v := new(file.File)
		if err := rows.Scan(fileDest(v)...); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// FileData returns the bytes kept for a city under a SHA-256, or ENOTFOUND.
func (db *DB) FileData(ctx context.Context, cityID int64, sha256 string) ([]byte, error) {
	var data []byte
	err := db.queryRow(ctx, `SELECT data FROM file_blobs WHERE city_id = ? AND sha256 = ?`, cityID, sha256).Scan(&data)
	return data, mapErr(err)
}

var _ file.Store = (*DB)(nil)
