package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/pii"
)

func (db *DB) phoneHash(p string) any {
	if p == "" {
		return nil
	}
	return db.Keys.Hash(p)
}

func (tx *Tx) setScopes(u *account.User) error {
	if _, err := tx.exec("DELETE FROM user_scopes WHERE user_id = ?", u.ID); err != nil {
		return err
	}
	for _, s := range u.Scopes {
		var j, e any
		if s.JurisdictionID != 0 {
			j = s.JurisdictionID
		}
		if s.EstateID != 0 {
			e = s.EstateID
		}
		if _, err := tx.exec("INSERT INTO user_scopes (user_id, jurisdiction_id, estate_id) VALUES (?, ?, ?)", u.ID, j, e); err != nil {
			return err
		}
	}
	return nil
}

func (tx *Tx) createUser(u *account.User, hash string) error {
	var owner any
	if u.OwnerID != 0 {
		owner = u.OwnerID
	}
	u.PhoneMasked = pii.MaskPhone(u.Phone)
	id, err := tx.insertID(`INSERT INTO users (username, name, role, phone_hmac, phone_masked, password_hash, owner_id, disabled, created, updated)
		VALUES (?,?,?,?,?,?,?,?,?,?)`, u.Username, u.Name, u.Role, tx.db.phoneHash(u.Phone), u.PhoneMasked, hash, owner, u.Disabled,
		micro(tx.now), micro(tx.now))
	if err != nil {
		return err
	}
	u.ID, u.Created, u.Updated = id, tx.now, tx.now
	if err := tx.setScopes(u); err != nil {
		return err
	}
	return tx.Audit(0, audit.ActionCreate, "user", id, u, "")
}

// CreateUser stores an account with its scopes.
func (db *DB) CreateUser(ctx context.Context, u *account.User, hash string) error {
	return db.WithTx(ctx, func(tx *Tx) error { return tx.createUser(u, hash) })
}

// UpdateUser changes an account and replaces its scopes.
func (db *DB) UpdateUser(ctx context.Context, u *account.User) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		u.PhoneMasked = pii.MaskPhone(u.Phone)
		phone := "phone_hmac = ?, phone_masked = ?, "
		args := []any{db.phoneHash(u.Phone), u.PhoneMasked}
		if u.Phone == "" { // phone not given: keep it
			phone, args = "", nil
		}
		args = append(append([]any{u.Username, u.Name, u.Role}, args...), u.Disabled, micro(tx.now), u.ID)
		if _, err := tx.exec("UPDATE users SET username = ?, name = ?, role = ?, "+phone+"disabled = ?, updated = ? WHERE id = ?", args...); err != nil {
			return err
		}
		if err := tx.setScopes(u); err != nil {
			return err
		}
		if u.Disabled {
			if _, err := tx.exec("DELETE FROM sessions WHERE user_id = ?", u.ID); err != nil {
				return err
			}
		}
		return tx.Audit(0, audit.ActionUpdate, "user", u.ID, u, "")
	})
}

// SetPassword replaces a password hash and ends the user's sessions.
func (db *DB) SetPassword(ctx context.Context, userID int64, hash string) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		res, err := tx.exec("UPDATE users SET password_hash = ?, updated = ? WHERE id = ?", hash, micro(tx.now), userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return huanxin.Errorf(huanxin.ENOTFOUND, "账号不存在 user not found")
		}
		if _, err := tx.exec("DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
			return err
		}
		return tx.Audit(0, audit.ActionUpdate, "user", userID, nil, "password changed")
	})
}

const userCols = "u.id, u.username, u.name, u.role, u.phone_masked, COALESCE(u.owner_id, 0), u.disabled, u.created, u.updated"

func scanUser(sc interface{ Scan(...any) error }, u *account.User, extra ...any) error {
	return sc.Scan(append([]any{&u.ID, &u.Username, &u.Name, &u.Role, &u.PhoneMasked, &u.OwnerID, &u.Disabled,
		stamp{&u.Created}, stamp{&u.Updated}}, extra...)...)
}

// FindUsers lists accounts bound inside the scope, with their scopes.
func (db *DB) FindUsers(ctx context.Context, f account.UserFilter) ([]*account.User, int, error) {
	var w where
	if !f.Scope.All {
		var js where
		jurisdictionTable.scope(f.Scope, &js)
		var es where
		scopeEstates("x.id")(f.Scope, &es)
		w.add("u.id IN (SELECT s.user_id FROM user_scopes s WHERE s.jurisdiction_id IN (SELECT x.id FROM jurisdictions x"+js.sql()+
			") OR s.estate_id IN (SELECT x.id FROM estates x"+es.sql()+"))", append(js.args, es.args...)...)
	}
	eq(&w, "u.id", f.ID)
	eq(&w, "u.role", f.Role)
	if q := strings.TrimSpace(f.Q); q != "" {
		w.add("(u.username LIKE ? ESCAPE '\\' OR u.name LIKE ? ESCAPE '\\')", "%"+likeEscape(q)+"%", "%"+likeEscape(q)+"%")
	}
	var n int
	if err := db.queryRow(ctx, "SELECT COUNT(*) FROM users u"+w.sql(), w.args...).Scan(&n); err != nil {
		return nil, 0, err
	}
	rows, err := db.query(ctx, "SELECT "+userCols+" FROM users u"+w.sql()+" ORDER BY u.id"+limit(f.Offset, f.Limit), w.args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*account.User
	byID := map[int64]*account.User{}
	for rows.Next() {
		u := &account.User{}
		if err := scanUser(rows, u); err != nil {
			return nil, 0, err
		}
		out = append(out, u)
		byID[u.ID] = u
	}
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, n, err
	}
	ids := make([]int64, 0, len(out))
	for _, u := range out {
		ids = append(ids, u.ID)
	}
	var sw where
	sw.in("s.user_id", ids)
	srows, err := db.query(ctx, `SELECT s.user_id, COALESCE(s.jurisdiction_id, 0), COALESCE(s.estate_id, 0), COALESCE(j.name, e.name, '')
		FROM user_scopes s LEFT JOIN jurisdictions j ON j.id = s.jurisdiction_id LEFT JOIN estates e ON e.id = s.estate_id`+sw.sql(), sw.args...)
	if err != nil {
		return nil, 0, err
	}
	defer srows.Close()
	for srows.Next() {
		var uid int64
		var s account.ScopeRef
		if err := srows.Scan(&uid, &s.JurisdictionID, &s.EstateID, &s.Name); err != nil {
			return nil, 0, err
		}
		byID[uid].Scopes = append(byID[uid].Scopes, s)
	}
	return out, n, srows.Err()
}

// FindLogin finds an enabled account by username or phone.
func (db *DB) FindLogin(ctx context.Context, username string, phoneHash []byte) (*account.User, string, error) {
	u := &account.User{}
	var hash string
	err := scanUser(db.queryRow(ctx, "SELECT "+userCols+", u.password_hash FROM users u WHERE (u.username = ? OR u.phone_hmac = ?) AND NOT u.disabled",
		username, phoneHash), u, &hash)
	return u, hash, mapErr(err)
}

// Actor loads a user and resolves their scope: jurisdiction paths, bound
// estates, and for residents the parts their owner record holds.
func (db *DB) Actor(ctx context.Context, userID int64) (*huanxin.Actor, error) {
	return cached(db, "actor\x00"+itoa64(userID), func() (*huanxin.Actor, error) { return db.actor(ctx, userID) })
}

func (db *DB) actor(ctx context.Context, userID int64) (*huanxin.Actor, error) {
	u := &account.User{}
	if err := scanUser(db.queryRow(ctx, "SELECT "+userCols+" FROM users u WHERE u.id = ? AND NOT u.disabled", userID), u); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, huanxin.Errorf(huanxin.EUNAUTHORIZED, "账号不存在或已停用 account missing or disabled")
		}
		return nil, err
	}
	a := &huanxin.Actor{UserID: u.ID, Name: u.Name, Role: u.Role, OwnerID: u.OwnerID}
	if u.Role == huanxin.RoleAdmin {
		a.Scope.All = true
		return a, nil
	}
	rows, err := db.query(ctx, `SELECT COALESCE(j.path, ''), COALESCE(s.estate_id, 0) FROM user_scopes s
		LEFT JOIN jurisdictions j ON j.id = s.jurisdiction_id WHERE s.user_id = ?`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var path string
		var estateID int64
		if err := rows.Scan(&path, &estateID); err != nil {
			return nil, err
		}
		if path != "" {
			a.Scope.Paths = append(a.Scope.Paths, path)
		}
		if estateID != 0 {
			a.Scope.EstateIDs = append(a.Scope.EstateIDs, estateID)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if u.Role == huanxin.RoleResident && u.OwnerID != 0 {
		prow, err := db.query(ctx, "SELECT part_id FROM ownerships WHERE owner_id = ? ORDER BY part_id", u.OwnerID)
		if err != nil {
			return nil, err
		}
		defer prow.Close()
		for prow.Next() {
			var id int64
			if err := prow.Scan(&id); err != nil {
				return nil, err
			}
			a.Scope.PartIDs = append(a.Scope.PartIDs, id)
		}
		if err := prow.Err(); err != nil {
			return nil, err
		}
	}
	if len(a.Scope.PartIDs) == 0 && u.Role == huanxin.RoleResident {
		a.Scope.PartIDs = []int64{-1} // a resident with no holding sees nothing
	}
	return a, nil
}

// CreateSession stores a session under the hash of its ID.
func (db *DB) CreateSession(ctx context.Context, hash []byte, s *account.Session) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		// Expired sessions are swept as new ones arrive.
		if _, err := tx.exec("DELETE FROM sessions WHERE expires < ?", micro(tx.now)); err != nil {
			return err
		}
		_, err := tx.exec("INSERT INTO sessions (id_hash, user_id, csrf, on_behalf, created, expires) VALUES (?,?,?,?,?,?)",
			hash, s.UserID, s.CSRF, s.OnBehalf, micro(tx.now), micro(s.Expires))
		return err
	})
}

// FindSession returns a session by the hash of its ID.
func (db *DB) FindSession(ctx context.Context, hash []byte) (*account.Session, error) {
	return cached(db, "session\x00"+string(hash), func() (*account.Session, error) { return db.findSession(ctx, hash) })
}

func (db *DB) findSession(ctx context.Context, hash []byte) (*account.Session, error) {
	s := &account.Session{}
	err := db.queryRow(ctx, "SELECT user_id, csrf, on_behalf, expires FROM sessions WHERE id_hash = ?", hash).
		Scan(&s.UserID, &s.CSRF, &s.OnBehalf, stamp{&s.Expires})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, huanxin.Errorf(huanxin.EUNAUTHORIZED, "请先登录 please sign in")
	}
	return s, err
}

// SetSessionOnBehalf starts or ends assisted mode in a session.
func (db *DB) SetSessionOnBehalf(ctx context.Context, hash []byte, ownerID int64) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		_, err := tx.exec("UPDATE sessions SET on_behalf = ? WHERE id_hash = ?", ownerID, hash)
		return err
	})
}

// DeleteSession ends a session.
func (db *DB) DeleteSession(ctx context.Context, hash []byte) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		_, err := tx.exec("DELETE FROM sessions WHERE id_hash = ?", hash)
		return err
	})
}

// Throttle counts sign-in failures per key in a fixed window.
func (db *DB) Throttle(ctx context.Context, key string, window time.Duration, fail, reset bool) (int, error) {
	var n int
	err := db.WithTx(ctx, func(tx *Tx) error {
		if reset {
			_, err := tx.exec("DELETE FROM login_throttle WHERE key = ?", key)
			return err
		}
		var start int64
		err := tx.queryRow("SELECT window_start, failures FROM login_throttle WHERE key = ?", key).Scan(&start, &n)
		if errors.Is(err, sql.ErrNoRows) || err == nil && fromMicro(start).Add(window).Before(tx.now) {
			start, n = micro(tx.now), 0
		} else if err != nil {
			return err
		}
		if !fail {
			return nil
		}
		n++
		_, err = tx.exec(`INSERT INTO login_throttle (key, window_start, failures) VALUES (?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET window_start = excluded.window_start, failures = excluded.failures`, key, start, n)
		return err
	})
	return n, err
}

// CreateToken stores a token under its hash.
func (db *DB) CreateToken(ctx context.Context, t *account.Token, hash []byte) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		id, err := tx.insertID("INSERT INTO tokens (user_id, name, hash, read_only, created, expires) VALUES (?,?,?,?,?,?)",
			t.UserID, t.Name, hash, t.ReadOnly, micro(t.Created), micro(t.Expires))
		if err != nil {
			return err
		}
		t.ID = id
		return tx.Audit(0, audit.ActionToken, "token", id, t, "created")
	})
}

const tokenCols = "id, user_id, name, read_only, created, expires, revoked, last_used"

func scanToken(sc interface{ Scan(...any) error }) (*account.Token, error) {
	t := &account.Token{}
	err := sc.Scan(&t.ID, &t.UserID, &t.Name, &t.ReadOnly, stamp{&t.Created}, stamp{&t.Expires}, stamp{&t.Revoked}, stamp{&t.LastUsed})
	return t, err
}

// FindToken returns a token by its hash.
func (db *DB) FindToken(ctx context.Context, hash []byte) (*account.Token, error) {
	t, err := scanToken(db.queryRow(ctx, "SELECT "+tokenCols+" FROM tokens WHERE hash = ?", hash))
	return t, mapErr(err)
}

// FindTokens lists a user's tokens.
func (db *DB) FindTokens(ctx context.Context, userID int64) ([]*account.Token, error) {
	rows, err := db.query(ctx, "SELECT "+tokenCols+" FROM tokens WHERE user_id = ? ORDER BY id DESC", userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*account.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken revokes a user's token.
func (db *DB) RevokeToken(ctx context.Context, userID, tokenID int64) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		res, err := tx.exec("UPDATE tokens SET revoked = ? WHERE id = ? AND user_id = ? AND revoked = 0", micro(tx.now), tokenID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return huanxin.Errorf(huanxin.ENOTFOUND, "令牌不存在 token not found")
		}
		return tx.Audit(0, audit.ActionToken, "token", tokenID, nil, "revoked")
	})
}

// CreateInvitation stores an invitation under the hash of its code.
func (db *DB) CreateInvitation(ctx context.Context, inv *account.Invitation, hash []byte) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		id, err := tx.insertID("INSERT INTO invitations (city_id, owner_id, code_hash, created_by, created, expires) VALUES (?,?,?,?,?,?)",
			inv.CityID, inv.OwnerID, hash, tx.actor.UserID, micro(tx.now), micro(inv.Expires))
		if err != nil {
			return err
		}
		inv.ID = id
		return tx.Audit(inv.CityID, audit.ActionInvite, "owner", inv.OwnerID, nil, "invitation "+itoa64(id))
	})
}

// RedeemInvitation creates the resident account of an unused, unexpired
// invitation and marks it used.
func (db *DB) RedeemInvitation(ctx context.Context, hash []byte, u *account.User, pwHash string) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		var id, owner, city, expires, used int64
		err := tx.queryRow("SELECT id, owner_id, city_id, expires, used FROM invitations WHERE code_hash = ?"+db.forUpdate(), hash).
			Scan(&id, &owner, &city, &expires, &used)
		if errors.Is(err, sql.ErrNoRows) || err == nil && (used != 0 || fromMicro(expires).Before(tx.now)) {
			return huanxin.Errorf(huanxin.EINVALID, "邀请码无效、已使用或已过期 the invitation code is invalid, used or expired")
		} else if err != nil {
			return err
		}
		var name string
		if err := tx.queryRow("SELECT name FROM owners WHERE id = ?", owner).Scan(&name); err != nil {
			return err
		}
		u.OwnerID, u.Name = owner, name
		tx.actor = &huanxin.Actor{Name: name, Role: huanxin.RoleResident, OnBehalfOf: owner}
		if err := tx.createUser(u, pwHash); err != nil {
			return err
		}
		if _, err := tx.exec("UPDATE invitations SET used = ?, user_id = ? WHERE id = ?", micro(tx.now), u.ID, id); err != nil {
			return err
		}
		return tx.Audit(city, audit.ActionRedeem, "owner", owner, nil, "invitation "+itoa64(id))
	})
}

// RenewSession moves a session's expiry.
func (db *DB) RenewSession(ctx context.Context, hash []byte, expires time.Time) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		_, err := tx.exec("UPDATE sessions SET expires = ? WHERE id_hash = ?", micro(expires), hash)
		return err
	})
}
