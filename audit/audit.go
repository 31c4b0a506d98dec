// Package audit defines the append-only, hash-chained ledger of every change.
// Each city has its own chain (city 0 for work above city level) so that a
// distributed database can keep each chain on the city's node.
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Actions recorded in the ledger.
const (
	ActionCreate  = "create"
	ActionUpdate  = "update"
	ActionDelete  = "delete"
	ActionSignIn  = "signin"
	ActionSignOut = "signout"
	ActionImport  = "import"
	ActionExport  = "export" // exports of personal data
	ActionInvite  = "invite"
	ActionRedeem  = "redeem"
	ActionToken   = "token"
)

// Genesis is the previous hash of a chain's first entry.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Entry is one ledger entry.
type Entry struct {
	CityID    int64     `json:"city_id"`
	Seq       int64     `json:"seq"`
	At        time.Time `json:"at"`
	ActorID   int64     `json:"actor_id"`
	ActorName string    `json:"actor_name"`
	OnBehalf  int64     `json:"on_behalf,omitempty"` // owner ID in assisted mode
	Action    string    `json:"action"`
	Entity    string    `json:"entity"`
	EntityID  int64     `json:"entity_id"`
	Digest    string    `json:"digest"` // SHA-256 of the new state's canonical JSON
	Detail    string    `json:"detail,omitempty"`
	PrevHash  string    `json:"prev_hash"`
	Hash      string    `json:"hash"`
}

// Digest returns the SHA-256 of v's JSON encoding (Go's encoding of structs
// is deterministic: field order is fixed and map keys are sorted).
func Digest(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte(err.Error())
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// ComputeHash returns the hash of an entry over every field but Hash itself,
// including PrevHash, which links the chain.
func (e *Entry) ComputeHash() string {
	f := []string{
		strconv.FormatInt(e.CityID, 10), strconv.FormatInt(e.Seq, 10),
		strconv.FormatInt(e.At.UnixMicro(), 10), strconv.FormatInt(e.ActorID, 10),
		e.ActorName, strconv.FormatInt(e.OnBehalf, 10), e.Action, e.Entity,
		strconv.FormatInt(e.EntityID, 10), e.Digest, e.Detail, e.PrevHash,
	}
	h := sha256.New()
	for _, s := range f {
		// Length-prefix each field so that no two field lists hash alike.
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Break describes the first entry where a chain fails verification.
type Break struct {
	CityID int64
	Seq    int64
	Reason string
	// Hidden is set when the break lies in a chain the caller may not
	// read: CityID and Seq are then not given.
	Hidden bool
}

// Verifier checks entries of one or more chains fed in (city, seq) order.
type Verifier struct {
	city    int64
	started bool
	seq     int64
	prev    string
	Checked int64
}

// Check verifies the next entry; it returns a non-nil Break at the first
// inconsistency.
func (v *Verifier) Check(e *Entry) *Break {
	if !v.started || e.CityID != v.city {
		v.started, v.city, v.seq, v.prev = true, e.CityID, 0, Genesis
	}
	v.Checked++
	var reasons []string
	if e.Seq != v.seq+1 {
		reasons = append(reasons, "序号不连续 sequence gap: expected "+strconv.FormatInt(v.seq+1, 10))
	}
	if e.PrevHash != v.prev {
		reasons = append(reasons, "前序哈希不符 previous hash does not match")
	}
	if e.ComputeHash() != e.Hash {
		reasons = append(reasons, "内容被改动 entry content does not match its hash")
	}
	v.seq, v.prev = e.Seq, e.Hash
	if len(reasons) > 0 {
		return &Break{CityID: e.CityID, Seq: e.Seq, Reason: strings.Join(reasons, "; ")}
	}
	return nil
}

// Filter selects ledger entries.
type Filter struct {
	CityID   *int64
	ActorID  *int64
	Action   string
	Entity   string
	EntityID *int64
	From, To time.Time
	Offset   int
	Limit    int
}
