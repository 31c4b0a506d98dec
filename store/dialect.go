package store

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// constraintKind classifies a constraint violation by the engine's error
// code: "unique", "foreign" or "".
func constraintKind(err error) string {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case 2067, 1555: // SQLITE_CONSTRAINT_UNIQUE, _PRIMARYKEY
			return "unique"
		case 787: // SQLITE_CONSTRAINT_FOREIGNKEY
			return "foreign"
		}
		return ""
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return "unique"
		case "23503":
			return "foreign"
		}
	}
	return ""
}

// forUpdate is the row-locking suffix of a SELECT that a write transaction
// reads before it writes (SQLite transactions already hold the write lock).
func (db *DB) forUpdate() string {
	if db.Dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}
