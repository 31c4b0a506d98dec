// Package pii protects personal information: ID numbers are kept only as a
// keyed hash plus their last four characters, phone numbers are encrypted
// (AES-256-GCM) with a masked copy for display. Both keys derive from one
// secret that every application server of a deployment shares.
package pii

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"strings"
	"unicode/utf8"
)

// Keys holds the derived keys. The zero value is not usable; use New.
type Keys struct {
	mac  []byte
	aead cipher.AEAD
}

// New derives the hashing and encryption keys from a secret of at least 32 bytes.
func New(secret []byte) (*Keys, error) {
	if len(secret) < 32 {
		return nil, errors.New("pii: secret must be at least 32 bytes")
	}
	derive := func(label string) []byte {
		m := hmac.New(sha256.New, secret)
		m.Write([]byte(label))
		return m.Sum(nil)
	}
	block, err := aes.NewCipher(derive("huanxin/pii/enc/v1"))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Keys{mac: derive("huanxin/pii/mac/v1"), aead: aead}, nil
}

// NormalizeID upper-cases an ID number and removes spaces, so that the same
// number typed differently hashes the same.
func NormalizeID(id string) string {
	return strings.ToUpper(strings.Join(strings.Fields(id), ""))
}

// NormalizePhone keeps only the digits of a phone number, dropping a +86
// or 0086 country prefix.
func NormalizePhone(p string) string {
	var b strings.Builder
	for _, c := range p {
		if c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	s := b.String()
	if len(s) == 13 && strings.HasPrefix(s, "86") {
		s = s[2:]
	} else if len(s) == 15 && strings.HasPrefix(s, "0086") {
		s = s[4:]
	}
	return s
}

// Hash returns the keyed hash of a normalized value (ID number, phone).
func (k *Keys) Hash(v string) []byte {
	m := hmac.New(sha256.New, k.mac)
	m.Write([]byte(v))
	return m.Sum(nil)
}

// Last4 returns the last four characters of v.
func Last4(v string) string {
	n := utf8.RuneCountInString(v)
	if n <= 4 {
		return v
	}
	r := []rune(v)
	return string(r[n-4:])
}

// MaskPhone shows the first three and last four digits: 138****5678.
func MaskPhone(p string) string {
	if len(p) < 8 {
		return strings.Repeat("*", len(p))
	}
	return p[:3] + strings.Repeat("*", len(p)-7) + p[len(p)-4:]
}

// MaskEmail shows the first character of the mailbox and the whole
// domain: w***@example.cn.
func MaskEmail(e string) string {
	user, host, ok := strings.Cut(e, "@")
	if !ok || user == "" {
		return strings.Repeat("*", utf8.RuneCountInString(e))
	}
	first, _ := utf8.DecodeRuneInString(user)
	return string(first) + "***@" + host
}

// MaskToken shows the first and last four characters of an opaque
// identifier (a WeChat openid): oUpF****b3Xk.
func MaskToken(t string) string {
	if len(t) <= 8 {
		return strings.Repeat("*", len(t))
	}
	return t[:4] + "****" + t[len(t)-4:]
}

// MaskID shows an ID number as asterisks and its last four characters.
func MaskID(last4 string) string {
	if last4 == "" {
		return ""
	}
	return "**************" + last4
}

// Encrypt seals a value; the nonce is stored in front of the ciphertext.
func (k *Keys) Encrypt(v string) []byte {
	if v == "" {
		return nil
	}
	nonce := make([]byte, k.aead.NonceSize(), k.aead.NonceSize()+len(v)+k.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return k.aead.Seal(nonce, nonce, []byte(v), nil)
}

// Decrypt opens a value sealed by Encrypt.
func (k *Keys) Decrypt(b []byte) (string, error) {
	if len(b) == 0 {
		return "", nil
	}
	ns := k.aead.NonceSize()
	if len(b) < ns {
		return "", errors.New("pii: ciphertext too short")
	}
	out, err := k.aead.Open(nil, b[:ns], b[ns:], nil)
	if err != nil {
		return "", errors.New("pii: cannot decrypt (wrong secret?)")
	}
	return string(out), nil
}

// ValidChineseID reports whether s is an 18-character resident identity
// number with a correct GB 11643 check character.
func ValidChineseID(s string) bool {
	if len(s) != 18 {
		return false
	}
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		sum += int(c-'0') * weights[i]
	}
	return s[17] == "10X98765432"[sum%11]
}

// ValidMobile reports whether p (normalized) is an 11-digit mainland mobile number.
func ValidMobile(p string) bool {
	if len(p) != 11 || p[0] != '1' || p[1] < '3' {
		return false
	}
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return false
		}
	}
	return true
}
