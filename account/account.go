// Package account holds users, their roles and scopes, sign-in sessions,
// personal access tokens and the paper invitation codes that bind residents
// to their owner records.
package account

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"golang.org/x/crypto/argon2"
)

// User is an account.
type User struct {
	ID          int64        `json:"id"`
	Username    string       `json:"username"`
	Name        string       `json:"name"`
	Role        huanxin.Role `json:"role"`
	Phone       string       `json:"phone,omitempty"` // write only
	PhoneMasked string       `json:"phone_masked,omitempty"`
	OwnerID     int64        `json:"owner_id,omitempty"` // residents: their owner record
	Disabled    bool         `json:"disabled"`
	Scopes      []ScopeRef   `json:"scopes"`
	Created     time.Time    `json:"created"`
	Updated     time.Time    `json:"updated"`
}

// ScopeRef binds an account to a jurisdiction subtree or one estate.
type ScopeRef struct {
	JurisdictionID int64  `json:"jurisdiction_id,omitempty"`
	EstateID       int64  `json:"estate_id,omitempty"`
	Name           string `json:"name,omitempty"` // read-only
}

// Session is a signed-in browser session, stored server side.
type Session struct {
	UserID   int64
	CSRF     string
	OnBehalf int64 // owner ID while an officer assists a resident
	Expires  time.Time
	// Renewed says that this request renewed the session: its cookie
	// must be sent again with the new expiry.
	Renewed bool
}

// Token is a personal access token for the API.
type Token struct {
	ID       int64     `json:"id"`
	UserID   int64     `json:"user_id"`
	Name     string    `json:"name"`
	ReadOnly bool      `json:"read_only"`
	Created  time.Time `json:"created"`
	Expires  time.Time `json:"expires"`
	Revoked  time.Time `json:"revoked,omitempty"`
	LastUsed time.Time `json:"last_used,omitempty"`
}

// Invitation is a one-time code printed for an owner.
type Invitation struct {
	ID      int64     `json:"id"`
	OwnerID int64     `json:"owner_id"`
	CityID  int64     `json:"city_id"`
	Expires time.Time `json:"expires"`
}

// Argon2id parameters (OWASP's recommended minimum); tests lower them.
var (
	ArgonTime    uint32 = 2
	ArgonMemory  uint32 = 19 * 1024
	ArgonThreads uint8  = 1
)

// HashPassword returns an encoded argon2id hash with a random salt.
func HashPassword(pw string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, ArgonTime, ArgonMemory, ArgonThreads, 32)
	b := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, ArgonMemory, ArgonTime, ArgonThreads,
		b.EncodeToString(salt), b.EncodeToString(key))
}

// CheckPassword compares a password with an encoded hash in constant time.
func CheckPassword(encoded, pw string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	b := base64.RawStdEncoding
	salt, err1 := b.DecodeString(parts[4])
	want, err2 := b.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when a login is unknown, so that a missing
// account takes as long as a wrong password.
var dummyHash = HashPassword("not a real password")

// CheckPasswordPolicy returns an error for passwords that are too weak.
func CheckPasswordPolicy(pw string) error {
	if len([]rune(pw)) < 8 {
		return huanxin.Invalid("密码太短 password too short", huanxin.FieldError{Field: "password", Message: "至少8位 at least 8 characters"})
	}
	return nil
}

// NewSecret returns a random URL-safe secret and its SHA-256 hash; only
// the hash is stored.
func NewSecret(prefix string) (raw string, hash []byte) {
	b := make([]byte, 24)
	rand.Read(b)
	raw = prefix + base64.RawURLEncoding.EncodeToString(b)
	return raw, HashSecret(raw)
}

// HashSecret hashes a session ID, token or invitation code for lookup.
func HashSecret(raw string) []byte {
	h := sha256.Sum256([]byte(raw))
	return h[:]
}

// NewInvitationCode returns a code an elderly owner can type: 12 digits in
// groups of four (no letters to confuse), and its hash.
func NewInvitationCode() (code string, hash []byte) {
	b := make([]byte, 12)
	rand.Read(b)
	var s strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			s.WriteByte('-')
		}
		s.WriteByte('0' + c%10)
	}
	return s.String(), HashSecret(NormalizeInvitationCode(s.String()))
}

// NormalizeInvitationCode keeps only the digits of a typed code.
func NormalizeInvitationCode(code string) string {
	var s strings.Builder
	for _, c := range code {
		if c >= '0' && c <= '9' {
			s.WriteRune(c)
		}
	}
	return s.String()
}
