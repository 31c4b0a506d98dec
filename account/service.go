package account

import (
	"context"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/pii"
)

// UserFilter selects users.
type UserFilter struct {
	Scope  huanxin.Scope // users bound inside this scope (admins: all)
	ID     *int64
	Role   *huanxin.Role
	Q      string
	Offset int
	Limit  int
}

// Store is what accounts need from storage.
type Store interface {
	CreateUser(ctx context.Context, u *User, passwordHash string) error
	UpdateUser(ctx context.Context, u *User) error
	SetPassword(ctx context.Context, userID int64, passwordHash string) error
	FindUsers(ctx context.Context, f UserFilter) ([]*User, int, error)
	// FindLogin finds an enabled user by username or by phone hash.
	FindLogin(ctx context.Context, username string, phoneHash []byte) (*User, string, error)
	// Actor builds the actor of a user with its resolved scope.
	Actor(ctx context.Context, userID int64) (*huanxin.Actor, error)

	CreateSession(ctx context.Context, hash []byte, s *Session) error
	FindSession(ctx context.Context, hash []byte) (*Session, error)
	SetSessionOnBehalf(ctx context.Context, hash []byte, ownerID int64) error
	DeleteSession(ctx context.Context, hash []byte) error
	// RenewSession moves a session's expiry.
	RenewSession(ctx context.Context, hash []byte, expires time.Time) error

	// Throttle counts failures of key within window; fail adds one, reset
	// clears the key. It returns the count after the change.
	Throttle(ctx context.Context, key string, window time.Duration, fail, reset bool) (int, error)

	CreateToken(ctx context.Context, t *Token, hash []byte) error
	FindToken(ctx context.Context, hash []byte) (*Token, error)
	FindTokens(ctx context.Context, userID int64) ([]*Token, error)
	RevokeToken(ctx context.Context, userID, tokenID int64) error

	CreateInvitation(ctx context.Context, inv *Invitation, hash []byte) error
	// RedeemInvitation creates the resident user bound to the invitation's
	// owner and marks the code used, atomically.
	RedeemInvitation(ctx context.Context, hash []byte, u *User, passwordHash string) error

	Audit(ctx context.Context, cityID int64, action, entity string, entityID int64, detail string) error
}

// Service runs sign-in, sessions, tokens, invitations and user management.
type Service struct {
	Store    Store
	Register *estate.Service
	Keys     *pii.Keys
	Now      func() time.Time

	SessionTTL time.Duration // default 12 hours
	// Throttling: at most MaxFailures failed sign-ins per account and
	// MaxIPFailures per client address within ThrottleWindow.
	MaxFailures, MaxIPFailures int
	ThrottleWindow             time.Duration
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now().UTC()
}

func (s *Service) defaults() {
	if s.SessionTTL == 0 {
		s.SessionTTL = 12 * time.Hour
	}
	if s.MaxFailures == 0 {
		s.MaxFailures = 5
	}
	if s.MaxIPFailures == 0 {
		s.MaxIPFailures = 30
	}
	if s.ThrottleWindow == 0 {
		s.ThrottleWindow = 15 * time.Minute
	}
}

var errBadLogin = huanxin.Errorf(huanxin.EUNAUTHORIZED, "账号或密码错误 wrong account or password")

// SignIn checks a login (username or phone) and password and opens a
// session; it returns the raw session ID for the cookie.
func (s *Service) SignIn(ctx context.Context, login, password, ip string) (string, *Session, error) {
	s.defaults()
	login = strings.TrimSpace(login)
	acctKey, ipKey := "acct:"+strings.ToLower(login), "ip:"+ip
	for _, k := range []struct {
		key string
		max int
	}{{acctKey, s.MaxFailures}, {ipKey, s.MaxIPFailures}} {
		n, err := s.Store.Throttle(ctx, k.key, s.ThrottleWindow, false, false)
		if err != nil {
			return "", nil, err
		}
		if n >= k.max {
			return "", nil, huanxin.Errorf(huanxin.ETOOMANY, "尝试次数过多，请%d分钟后再试 too many attempts, try again later", int(s.ThrottleWindow.Minutes()))
		}
	}
	u, hash, err := s.Store.FindLogin(ctx, login, s.Keys.Hash(pii.NormalizePhone(login)))
	if huanxin.ErrorCode(err) == huanxin.ENOTFOUND {
		CheckPassword(dummyHash, password)
		err = errBadLogin
	} else if err == nil && !CheckPassword(hash, password) {
		err = errBadLogin
	}
	if err != nil {
		if huanxin.ErrorCode(err) == huanxin.EUNAUTHORIZED {
			s.Store.Throttle(ctx, acctKey, s.ThrottleWindow, true, false)
			s.Store.Throttle(ctx, ipKey, s.ThrottleWindow, true, false)
		}
		return "", nil, err
	}
	s.Store.Throttle(ctx, acctKey, s.ThrottleWindow, false, true)
	raw, sessHash := NewSecret("s_")
	csrf, _ := NewSecret("")
	sess := &Session{UserID: u.ID, CSRF: csrf, Expires: s.now().Add(s.SessionTTL)}
	if err := s.Store.CreateSession(ctx, sessHash, sess); err != nil {
		return "", nil, err
	}
	actx := huanxin.NewContextWithActor(ctx, &huanxin.Actor{UserID: u.ID, Name: u.Name, Role: u.Role})
	if err := s.Store.Audit(actx, 0, audit.ActionSignIn, "user", u.ID, "ip "+ip); err != nil {
		return "", nil, err
	}
	return raw, sess, nil
}

// SessionActor resolves a session cookie into the acting user. A session
// lasts SessionTTL from the last use, not from sign-in: one used in the
// second half of its life is renewed (Session.Renewed), so that nobody
// busy filling in a form — an elderly owner voting slowly — is signed out
// under them.
func (s *Service) SessionActor(ctx context.Context, raw string) (*huanxin.Actor, *Session, error) {
	hash := HashSecret(raw)
	sess, err := s.Store.FindSession(ctx, hash)
	if err != nil {
		return nil, nil, err
	}
	now := s.now()
	if !sess.Expires.After(now) {
		return nil, nil, huanxin.Errorf(huanxin.EUNAUTHORIZED, "登录已过期 session expired")
	}
	if sess.Expires.Sub(now) < s.SessionTTL/2 {
		renewed := *sess
		renewed.Expires, renewed.Renewed = now.Add(s.SessionTTL), true
		if err := s.Store.RenewSession(ctx, hash, renewed.Expires); err != nil {
			return nil, nil, err
		}
		sess = &renewed
	}
	a, err := s.Store.Actor(ctx, sess.UserID)
	if err != nil {
		return nil, nil, err
	}
	a.OnBehalfOf = sess.OnBehalf
	return a, sess, nil
}

// SignOut ends a session.
func (s *Service) SignOut(ctx context.Context, raw string) error {
	return s.Store.DeleteSession(ctx, HashSecret(raw))
}

// TokenActor resolves a personal access token into the acting user.
func (s *Service) TokenActor(ctx context.Context, raw string) (*huanxin.Actor, error) {
	t, err := s.Store.FindToken(ctx, HashSecret(raw))
	if err != nil || !t.Revoked.IsZero() || !t.Expires.After(s.now()) {
		return nil, huanxin.Errorf(huanxin.EUNAUTHORIZED, "令牌无效或已过期 invalid or expired token")
	}
	a, err := s.Store.Actor(ctx, t.UserID)
	if err != nil {
		return nil, err
	}
	a.TokenID, a.ReadOnly = t.ID, t.ReadOnly
	return a, nil
}

// CreateToken issues a personal access token for the signed-in user and
// returns the raw token, shown once.
func (s *Service) CreateToken(ctx context.Context, name string, readOnly bool, ttl time.Duration) (string, *Token, error) {
	a := huanxin.ActorFromContext(ctx)
	if a == nil || a.TokenID != 0 {
		return "", nil, huanxin.Errorf(huanxin.EFORBIDDEN, "请在网页登录后创建令牌 create tokens from a signed-in session")
	}
	if name = strings.TrimSpace(name); name == "" {
		return "", nil, huanxin.Invalid("缺少名称", huanxin.FieldError{Field: "name", Message: "必填 required"})
	}
	if ttl <= 0 || ttl > 366*24*time.Hour {
		ttl = 90 * 24 * time.Hour
	}
	raw, hash := NewSecret("hx_")
	now := s.now()
	t := &Token{UserID: a.UserID, Name: name, ReadOnly: readOnly, Created: now, Expires: now.Add(ttl)}
	if err := s.Store.CreateToken(ctx, t, hash); err != nil {
		return "", nil, err
	}
	return raw, t, nil
}

// Tokens lists the signed-in user's tokens.
func (s *Service) Tokens(ctx context.Context) ([]*Token, error) {
	a := huanxin.ActorFromContext(ctx)
	if a == nil {
		return nil, huanxin.Errorf(huanxin.EUNAUTHORIZED, "请先登录 please sign in")
	}
	return s.Store.FindTokens(ctx, a.UserID)
}

// writer returns the actor, refusing anonymous and read-only callers.
func writer(ctx context.Context) (*huanxin.Actor, error) {
	a := huanxin.ActorFromContext(ctx)
	if a == nil {
		return nil, huanxin.Errorf(huanxin.EUNAUTHORIZED, "请先登录 please sign in")
	}
	if a.ReadOnly {
		return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "只读令牌不能修改 a read-only token cannot change anything")
	}
	return a, nil
}

// RevokeToken revokes one of the signed-in user's tokens.
func (s *Service) RevokeToken(ctx context.Context, id int64) error {
	a, err := writer(ctx)
	if err != nil {
		return err
	}
	return s.Store.RevokeToken(ctx, a.UserID, id)
}

// Manages reports whether actor a may create or change accounts of role
// r: admins any, bureau officers all but admins and bureau officers; never
// a read-only token.
func Manages(a *huanxin.Actor, r huanxin.Role) bool {
	if a == nil || a.ReadOnly {
		return false
	}
	switch a.Role {
	case huanxin.RoleAdmin:
		return true
	case huanxin.RoleBureau:
		return r != huanxin.RoleAdmin && r != huanxin.RoleBureau
	}
	return false
}

func (s *Service) checkUser(ctx context.Context, a *huanxin.Actor, u *User) error {
	var f []huanxin.FieldError
	u.Username, u.Name = strings.TrimSpace(u.Username), strings.TrimSpace(u.Name)
	if u.Username == "" || len(u.Username) > 40 || strings.ContainsAny(u.Username, " \t@") {
		f = append(f, huanxin.FieldError{Field: "username", Message: "必填，不含空格 required, no spaces"})
	}
	if u.Name == "" {
		f = append(f, huanxin.FieldError{Field: "name", Message: "必填 required"})
	}
	if !u.Role.Valid() {
		f = append(f, huanxin.FieldError{Field: "role", Message: "角色无效 invalid role"})
	} else if !Manages(a, u.Role) {
		return huanxin.Errorf(huanxin.EFORBIDDEN, "无权管理该角色的账号 you may not manage accounts of this role")
	}
	if u.Phone = pii.NormalizePhone(u.Phone); u.Phone != "" && !pii.ValidMobile(u.Phone) {
		f = append(f, huanxin.FieldError{Field: "phone", Message: "手机号格式不正确 invalid mobile number"})
	}
	if len(u.Scopes) == 0 && u.Role != huanxin.RoleAdmin && u.Role != huanxin.RoleResident {
		f = append(f, huanxin.FieldError{Field: "scopes", Message: "须绑定至少一个辖区或小区 bind at least one jurisdiction or estate"})
	}
	if len(f) > 0 {
		return huanxin.Invalid("输入有误 invalid input", f...)
	}
	// Every bound node must be inside the actor's own scope.
	for i, sc := range u.Scopes {
		if sc.JurisdictionID != 0 {
			j, err := s.Register.Jurisdictions().Get(ctx, sc.JurisdictionID)
			if err != nil {
				return huanxin.Errorf(huanxin.EFORBIDDEN, "辖区 %d 不在您的管辖范围 outside your jurisdiction", sc.JurisdictionID)
			}
			u.Scopes[i].Name = j.Name
		} else if sc.EstateID != 0 {
			e, err := s.Register.Estates().Get(ctx, sc.EstateID)
			if err != nil {
				return huanxin.Errorf(huanxin.EFORBIDDEN, "小区 %d 不在您的管辖范围 outside your jurisdiction", sc.EstateID)
			}
			u.Scopes[i].Name = e.Name
		}
	}
	return nil
}

func manager(ctx context.Context) (*huanxin.Actor, error) {
	a := huanxin.ActorFromContext(ctx)
	if a == nil {
		return nil, huanxin.Errorf(huanxin.EUNAUTHORIZED, "请先登录 please sign in")
	}
	if a.Role != huanxin.RoleAdmin && a.Role != huanxin.RoleBureau || a.ReadOnly {
		return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "无权管理账号 you may not manage accounts")
	}
	return a, nil
}

// CreateUser adds an account (admins; bureaus for roles below them, bound
// inside their own scope).
func (s *Service) CreateUser(ctx context.Context, u *User, password string) error {
	a, err := manager(ctx)
	if err != nil {
		return err
	}
	if err := CheckPasswordPolicy(password); err != nil {
		return err
	}
	if err := s.checkUser(ctx, a, u); err != nil {
		return err
	}
	return s.Store.CreateUser(ctx, u, HashPassword(password))
}

// FindUsers lists accounts the actor manages.
func (s *Service) FindUsers(ctx context.Context, f UserFilter) ([]*User, int, error) {
	a, err := manager(ctx)
	if err != nil {
		if a := huanxin.ActorFromContext(ctx); a != nil && a.Role == huanxin.RoleAuditor {
			f.Scope = a.Scope
			return s.Store.FindUsers(ctx, f)
		}
		return nil, 0, err
	}
	f.Scope = a.Scope
	return s.Store.FindUsers(ctx, f)
}

// Names returns the names of the users with the given IDs who are bound
// within the actor's scope, so that officers see who entered or answered
// what without managing those accounts. Residents get none.
func (s *Service) Names(ctx context.Context, ids ...int64) (map[int64]string, error) {
	a := huanxin.ActorFromContext(ctx)
	if a == nil {
		return nil, huanxin.Errorf(huanxin.EUNAUTHORIZED, "请先登录 please sign in")
	}
	out := map[int64]string{}
	if a.Role == huanxin.RoleResident {
		return out, nil
	}
	for _, id := range ids {
		if _, done := out[id]; done || id == 0 {
			continue
		}
		us, _, err := s.Store.FindUsers(ctx, UserFilter{Scope: a.Scope, ID: &id, Limit: 1})
		if err != nil {
			return nil, err
		}
		if len(us) == 1 {
			out[id] = us[0].Name
		}
	}
	return out, nil
}

// UpdateUser changes an account's name, role, phone, scopes or disabled flag.
func (s *Service) UpdateUser(ctx context.Context, id int64, apply func(*User) error) (*User, error) {
	a, err := manager(ctx)
	if err != nil {
		return nil, err
	}
	list, _, err := s.Store.FindUsers(ctx, UserFilter{Scope: a.Scope, ID: &id, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, huanxin.Errorf(huanxin.ENOTFOUND, "账号不存在 user not found")
	}
	u := list[0]
	if !Manages(a, u.Role) {
		return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "无权管理该账号 you may not manage this account")
	}
	if err := apply(u); err != nil {
		return nil, err
	}
	u.ID = id
	if err := s.checkUser(ctx, a, u); err != nil {
		return nil, err
	}
	return u, s.Store.UpdateUser(ctx, u)
}

// SetPassword sets a password: one's own, or (managers) another's.
func (s *Service) SetPassword(ctx context.Context, userID int64, password string) error {
	a, err := writer(ctx)
	if err != nil {
		return err
	}
	if err := CheckPasswordPolicy(password); err != nil {
		return err
	}
	if a.UserID != userID && a != huanxin.SystemActor {
		if _, err := s.UpdateUser(ctx, userID, func(*User) error { return nil }); err != nil {
			return err
		}
	}
	return s.Store.SetPassword(ctx, userID, HashPassword(password))
}

// Invite creates a one-time code for an owner the officer can see, to be
// printed on paper. The code is returned once; only its hash is kept.
func (s *Service) Invite(ctx context.Context, ownerID int64) (string, *Invitation, error) {
	a := huanxin.ActorFromContext(ctx)
	if a == nil || !a.Role.CanEditRegister() || a.ReadOnly {
		return "", nil, huanxin.Errorf(huanxin.EFORBIDDEN, "无权邀请 you may not invite residents")
	}
	o, err := s.Register.Owners().Get(ctx, ownerID)
	if err != nil {
		return "", nil, err
	}
	code, hash := NewInvitationCode()
	inv := &Invitation{OwnerID: o.ID, CityID: o.CityID, Expires: s.now().Add(60 * 24 * time.Hour)}
	if err := s.Store.CreateInvitation(ctx, inv, hash); err != nil {
		return "", nil, err
	}
	return code, inv, nil
}

// Redeem turns an invitation code into a resident account with the given
// login and password, bound to the invited owner's dwellings. Wrong codes
// count against the client address like failed sign-ins, so that codes
// cannot be guessed by trying.
func (s *Service) Redeem(ctx context.Context, code, username, phone, password, ip string) (*User, error) {
	s.defaults()
	key := "redeem:" + ip
	if n, err := s.Store.Throttle(ctx, key, s.ThrottleWindow, false, false); err != nil {
		return nil, err
	} else if n >= s.MaxIPFailures {
		return nil, huanxin.Errorf(huanxin.ETOOMANY, "尝试次数过多，请%d分钟后再试 too many attempts, try again later", int(s.ThrottleWindow.Minutes()))
	}
	var f []huanxin.FieldError
	if username = strings.TrimSpace(username); username == "" || strings.ContainsAny(username, " \t@") {
		f = append(f, huanxin.FieldError{Field: "username", Message: "必填，不含空格 required, no spaces"})
	}
	if phone = pii.NormalizePhone(phone); phone != "" && !pii.ValidMobile(phone) {
		f = append(f, huanxin.FieldError{Field: "phone", Message: "手机号格式不正确 invalid mobile number"})
	}
	if err := CheckPasswordPolicy(password); err != nil {
		f = append(f, huanxin.ErrorFields(err)...)
	}
	if len(f) > 0 {
		return nil, huanxin.Invalid("输入有误 invalid input", f...)
	}
	u := &User{Username: username, Name: username, Role: huanxin.RoleResident, Phone: phone}
	if err := s.Store.RedeemInvitation(ctx, HashSecret(NormalizeInvitationCode(code)), u, HashPassword(password)); err != nil {
		if huanxin.ErrorCode(err) == huanxin.EINVALID {
			s.Store.Throttle(ctx, key, s.ThrottleWindow, true, false)
		}
		return nil, err
	}
	return u, nil
}

// Assist lets an officer act on behalf of an owner in their scope for the
// rest of the session ("assisted mode"); ownerID 0 ends it. The ledger
// records the owner on every change made meanwhile.
func (s *Service) Assist(ctx context.Context, rawSession string, ownerID int64) error {
	a := huanxin.ActorFromContext(ctx)
	if a == nil || !a.Role.CanEditRegister() {
		return huanxin.Errorf(huanxin.EFORBIDDEN, "无权代办 you may not assist residents")
	}
	if ownerID != 0 {
		if _, err := s.Register.Owners().Get(ctx, ownerID); err != nil {
			return err
		}
	}
	if err := s.Store.SetSessionOnBehalf(ctx, HashSecret(rawSession), ownerID); err != nil {
		return err
	}
	return s.Store.Audit(ctx, 0, "assist", estate.EntityOwner, ownerID, "assisted mode")
}
