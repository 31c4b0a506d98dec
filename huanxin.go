// Package huanxin holds the domain types shared by every part of the
// platform: identifiers, roles, jurisdictions, the acting user in a context,
// exact quantities (areas, money) and the one Error type. It imports nothing
// of the project's own.
package huanxin

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// Shanghai is the time zone every page shows; storage is UTC.
var Shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

// Role is what an account may do; where it may do it is its Scope.
type Role string

const (
	RoleAdmin      Role = "admin"      // 系统管理员
	RoleBureau     Role = "bureau"     // 市/区住建局
	RoleStreet     Role = "street"     // 街道
	RoleCommunity  Role = "community"  // 社区
	RoleCommittee  Role = "committee"  // 业委会委员/居民代表
	RoleResident   Role = "resident"   // 业主/住户
	RoleContractor Role = "contractor" // 施工单位
	RoleProperty   Role = "property"   // 物业服务企业
	RoleUtility    Role = "utility"    // 管线单位
	RoleAuditor    Role = "auditor"    // 审计（只读）
)

// Roles lists every role in menu order.
var Roles = []Role{RoleAdmin, RoleBureau, RoleStreet, RoleCommunity, RoleCommittee,
	RoleResident, RoleContractor, RoleProperty, RoleUtility, RoleAuditor}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// CanEditRegister reports whether the role may change the estate register
// (jurisdictions, estates, buildings, parts, owners) within its scope.
func (r Role) CanEditRegister() bool {
	switch r {
	case RoleAdmin, RoleBureau, RoleStreet, RoleCommunity:
		return true
	}
	return false
}

// SeesPersonalData reports whether the role may see owners' full phone
// numbers (ID numbers are never kept in full).
func (r Role) SeesPersonalData() bool {
	switch r {
	case RoleAdmin, RoleBureau, RoleStreet, RoleCommunity:
		return true
	}
	return false
}

// Level is a jurisdiction's rank in the tree.
type Level string

const (
	LevelProvince  Level = "province"  // 省
	LevelCity      Level = "city"      // 市
	LevelDistrict  Level = "district"  // 区县
	LevelStreet    Level = "street"    // 街道
	LevelCommunity Level = "community" // 社区
)

// Levels lists the levels from the root down.
var Levels = []Level{LevelProvince, LevelCity, LevelDistrict, LevelStreet, LevelCommunity}

// Depth returns the 0-based depth of a level, or -1 if unknown.
func (l Level) Depth() int {
	for i, x := range Levels {
		if x == l {
			return i
		}
	}
	return -1
}

// Actor is the authenticated user on whose authority a request runs.
type Actor struct {
	UserID int64
	Name   string
	Role   Role
	// Scope limits what the actor sees. Admins have an unlimited scope.
	Scope Scope
	// OwnerID is a resident's own owner record (0 for officers and for
	// accounts not bound to an owner).
	OwnerID int64
	// OnBehalfOf is set in assisted mode: an officer acting for an owner.
	OnBehalfOf int64 // owner ID
	// TokenID is set when the request is authenticated by an access token.
	TokenID int64
	// ReadOnly is set for tokens that may not write.
	ReadOnly bool
}

// Scope is the set of jurisdiction subtrees and estates an account is bound
// to. Paths are materialized jurisdiction paths such as "/1/3/17/".
type Scope struct {
	All       bool
	Paths     []string
	EstateIDs []int64
	PartIDs   []int64 // residents: the exclusive parts they own or live in
}

// CoversPath reports whether a jurisdiction path lies within the scope.
func (s Scope) CoversPath(path string) bool {
	if s.All {
		return true
	}
	for _, p := range s.Paths {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

type actorKey struct{}

// NewContextWithActor returns a context carrying the actor.
func NewContextWithActor(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFromContext returns the actor, or nil for anonymous and system work.
func ActorFromContext(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorKey{}).(*Actor)
	return a
}

// SignedIn returns the actor of ctx, or EUNAUTHORIZED when there is none.
func SignedIn(ctx context.Context) (*Actor, error) {
	a := ActorFromContext(ctx)
	if a == nil {
		return nil, Errorf(EUNAUTHORIZED, "请先登录 please sign in")
	}
	return a, nil
}

// Officer returns the actor of ctx if it is an officer who may change
// data in its jurisdiction (a role that edits the register, not through a
// read-only token); else EFORBIDDEN with refused, a bilingual sentence
// saying what the actor may not do.
func Officer(ctx context.Context, refused string) (*Actor, error) {
	a, err := SignedIn(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Role.CanEditRegister() || a.ReadOnly {
		return nil, Errorf(EFORBIDDEN, "%s", refused)
	}
	return a, nil
}

// SystemActor is used by command-line tools run by the operator on the
// server itself; it has an unlimited scope.
var SystemActor = &Actor{UserID: 0, Name: "system", Role: RoleAdmin, Scope: Scope{All: true}}

// Area is an exact floor or land area in hundredths of a square metre.
type Area int64

// Money is an exact amount in fen (0.01 yuan).
type Money int64

// ParseCenti parses a decimal with at most two fraction digits ("85", "85.3",
// "85.32", "1,085.32") into hundredths, exactly. It never uses floating point.
func ParseCenti(s string) (int64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if s == "" {
		return 0, false
	}
	neg := false
	if s[0] == '-' {
		neg, s = true, s[1:]
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" && !hasDot || len(frac) > 2 || hasDot && frac == "" && whole == "" {
		return 0, false
	}
	if whole == "" {
		whole = "0"
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	if len(whole) > 15 {
		return 0, false
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	v := w*100 + f
	if neg {
		v = -v
	}
	return v, true
}

// FormatCenti formats hundredths as a decimal with two fraction digits.
func FormatCenti(v int64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return sign + strconv.FormatInt(v/100, 10) + "." + strconv.FormatInt(v%100/10, 10) + strconv.FormatInt(v%10, 10)
}

// String formats an area in square metres, e.g. "85.32".
func (a Area) String() string { return FormatCenti(int64(a)) }

// String formats money in yuan, e.g. "1200.50".
func (m Money) String() string { return FormatCenti(int64(m)) }
