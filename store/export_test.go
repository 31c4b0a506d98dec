package store

import (
	"context"
	"database/sql"
)

// ExecForTest runs raw SQL, bypassing the ledger, to simulate tampering.
func (db *DB) ExecForTest(ctx context.Context, query string) error {
	_, err := db.write.ExecContext(ctx, query)
	return err
}

// QueryRowForTest runs a raw query.
func (db *DB) QueryRowForTest(ctx context.Context, query string) *sql.Row {
	return db.read.QueryRowContext(ctx, query)
}

// MigrateDownAllForTest rolls every migration back.
func (db *DB) MigrateDownAllForTest(ctx context.Context) error {
	p, err := db.goose()
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, 0)
	return err
}
