// Package notify brings residents and officers what they must see: an
// inbox message per user for every event, and deliveries of those
// messages through the channels each user chose (SMS, WeChat subscription
// messages, e-mail), at once or folded into one daily digest, outside the
// user's quiet hours. Senders are an interface; Outbox is the one used in
// development and tests — no real provider is ever called by them.
//
// Other services call ToUsers or ToResidentsOfParts; they never deliver
// themselves. The Dispatcher, started by `huanxin serve`, turns pending
// messages into deliveries and sends them.
package notify

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/pii"
)

// Kind says what a message is about.
type Kind string

const (
	KindNotice    Kind = "notice"    // a notice in its publicity period
	KindDecision  Kind = "decision"  // an owners' vote opening or its result
	KindComplaint Kind = "complaint" // an answer to the user's question or complaint
	KindGeneral   Kind = "general"
)

// Message is one entry of a user's inbox.
type Message struct {
	ID      int64
	CityID  int64
	UserID  int64
	Kind    Kind
	Title   string
	Body    string
	Link    string // a path on this site, e.g. "/notices/12"
	Created time.Time
	ReadAt  time.Time // zero while unread
	// Due, when later than Created, holds the message back from the
	// channels until then (the inbox shows it at once): a notice published
	// ahead of its publicity period reaches phones when the period starts.
	Due time.Time
}

// Channel is a way of reaching a user besides the inbox.
type Channel string

const (
	ChannelSMS    Channel = "sms"    // 短信
	ChannelWeChat Channel = "wechat" // 微信订阅消息
	ChannelEmail  Channel = "email"  // 电子邮件
)

// Channels lists the outside channels in display order.
var Channels = []Channel{ChannelSMS, ChannelWeChat, ChannelEmail}

// Preferences are how a user wants to be reached. The inbox always
// receives every message; the channels are opt-in, each with its address.
type Preferences struct {
	UserID int64
	SMS    bool
	WeChat bool
	Email  bool
	// Mobile (a mainland mobile number), WeChatOpenID (the user's openid
	// with the city's official account, entered or bound by an officer)
	// and EmailAddress are where each channel goes. They are personal data:
	// stored encrypted and shown only masked (Masked).
	Mobile       string
	WeChatOpenID string
	EmailAddress string
	// Digest folds a day's messages into one delivery per channel, sent at
	// DigestHour; otherwise each message is sent at once.
	Digest bool
	// QuietFrom and QuietTo are minutes after midnight (Asia/Shanghai)
	// between which nothing is sent; equal values mean no quiet hours. The
	// span may cross midnight (22:00–07:00).
	QuietFrom, QuietTo int
	Updated            time.Time
}

// DefaultPreferences are those of a user who has set none: the inbox
// only, quiet from 22:00 to 07:00.
func DefaultPreferences(userID int64) Preferences {
	return Preferences{UserID: userID, QuietFrom: 22 * 60, QuietTo: 7 * 60}
}

// On reports whether the user chose the channel.
func (p Preferences) On(c Channel) bool {
	switch c {
	case ChannelSMS:
		return p.SMS
	case ChannelWeChat:
		return p.WeChat
	case ChannelEmail:
		return p.Email
	}
	return false
}

// address returns a pointer to the channel's address.
func (p *Preferences) address(c Channel) *string {
	switch c {
	case ChannelSMS:
		return &p.Mobile
	case ChannelWeChat:
		return &p.WeChatOpenID
	}
	return &p.EmailAddress
}

// Address returns where the channel goes ("" when the user gave none).
func (p Preferences) Address(c Channel) string { return *p.address(c) }

// Masked returns the channel's address as pages and officers see it.
func (p Preferences) Masked(c Channel) string {
	switch a := p.Address(c); {
	case a == "":
		return ""
	case c == ChannelSMS:
		return pii.MaskPhone(a)
	case c == ChannelWeChat:
		return pii.MaskToken(a)
	default:
		return pii.MaskEmail(a)
	}
}

// AddressField names each channel's address in forms and the API.
var AddressField = map[Channel]string{ChannelSMS: "mobile", ChannelWeChat: "wechat_openid", ChannelEmail: "email_address"}

// Keep replaces each address given as it was shown (masked) by the stored
// one, and normalizes the others, so that a form or a document read,
// changed elsewhere and sent back keeps the addresses the user did not
// touch.
func (p *Preferences) Keep(cur Preferences) {
	for _, c := range Channels {
		a := p.address(c)
		*a = strings.TrimSpace(*a)
		switch {
		case *a != "" && *a == cur.Masked(c):
			*a = cur.Address(c)
		case c == ChannelSMS && *a != "":
			*a = pii.NormalizePhone(*a)
		}
	}
}

// NotBefore returns the first instant at or after t outside the quiet
// hours.
func (p Preferences) NotBefore(t time.Time) time.Time {
	if p.QuietFrom == p.QuietTo {
		return t
	}
	local := t.In(huanxin.Shanghai)
	mid := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, huanxin.Shanghai)
	min := local.Hour()*60 + local.Minute()
	quiet := p.QuietFrom < p.QuietTo && min >= p.QuietFrom && min < p.QuietTo ||
		p.QuietFrom > p.QuietTo && (min >= p.QuietFrom || min < p.QuietTo)
	if !quiet {
		return t
	}
	end := mid.Add(time.Duration(p.QuietTo) * time.Minute)
	if !end.After(local) {
		end = end.AddDate(0, 0, 1)
	}
	return end.UTC()
}

// addressRules are each channel's address check and what a user is told
// when it fails or is missing for a channel switched on.
var addressRules = map[Channel]struct {
	valid         func(string) bool
	bad, required string
}{
	ChannelSMS: {pii.ValidMobile, "请填写11位手机号，如 13812345678 enter an 11-digit mainland mobile number",
		"开启短信提醒须先填写手机号 enter a mobile number to switch SMS on"},
	ChannelWeChat: {ValidOpenID, "微信标识应为16–64位字母、数字、-或_ a WeChat openid is 16–64 letters, digits, - or _",
		"开启微信提醒须先绑定微信（请社区工作人员帮助绑定） bind WeChat first (community staff can help)"},
	ChannelEmail: {validEmail, "请填写有效的电子邮箱 enter a valid e-mail address",
		"开启邮件提醒须先填写电子邮箱 enter an e-mail address to switch e-mail on"},
}

// Validate checks preferences: times of day, the addresses given, and an
// address for every channel switched on.
func (p Preferences) Validate() error {
	var bad []huanxin.FieldError
	for _, f := range []struct {
		name string
		v    int
	}{{"quiet_from", p.QuietFrom}, {"quiet_to", p.QuietTo}} {
		if f.v < 0 || f.v >= 24*60 {
			bad = append(bad, huanxin.FieldError{Field: f.name, Message: "应为 00:00–23:59 must be a time of day"})
		}
	}
	for _, c := range Channels {
		r, a := addressRules[c], p.Address(c)
		switch {
		case a != "" && !r.valid(a):
			bad = append(bad, huanxin.FieldError{Field: AddressField[c], Message: r.bad})
		case a == "" && p.On(c):
			bad = append(bad, huanxin.FieldError{Field: AddressField[c], Message: r.required})
		}
	}
	if len(bad) > 0 {
		return huanxin.Invalid("输入有误 invalid input", bad...)
	}
	return nil
}

// ValidOpenID reports whether s looks like a WeChat openid: 16 to 64
// letters, digits, '-' or '_'.
func ValidOpenID(s string) bool {
	if len(s) < 16 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func validEmail(s string) bool {
	user, host, ok := strings.Cut(s, "@")
	return ok && user != "" && strings.Contains(host, ".") && !strings.ContainsAny(s, " \t\r\n<>\",;*") &&
		utf8.RuneCountInString(s) <= 254 && !strings.HasPrefix(host, ".") && !strings.HasSuffix(host, ".")
}

// Status is where a delivery stands.
type Status string

const (
	StatusQueued Status = "queued" // waiting to be sent (or to be retried)
	StatusSent   Status = "sent"
	StatusFailed Status = "failed" // given up after MaxAttempts, or no address
)

// Reason says why a delivery is not (yet) made.
type Reason string

const (
	ReasonNoAddress   Reason = "no_address"  // the user has no address for the channel
	ReasonRejected    Reason = "rejected"    // the provider answered with an error
	ReasonUnreachable Reason = "unreachable" // the provider did not answer
	ReasonNoSender    Reason = "no_sender"   // the server has no sender for the channel
)

// Reasons lists the reasons in display order.
var Reasons = []Reason{ReasonNoAddress, ReasonRejected, ReasonUnreachable, ReasonNoSender}

// Rejected is the error of a sender whose provider answered with an
// error (an SMTP reply, a gateway's non-2xx response); any other error of
// a sender means the provider could not be reached.
type Rejected struct{ Message string }

func (e *Rejected) Error() string { return e.Message }

// reasonOf classifies a sender's error.
func reasonOf(err error) Reason {
	var r *Rejected
	if errors.As(err, &r) {
		return ReasonRejected
	}
	return ReasonUnreachable
}

// Delivery is one sending of one or more messages (a digest folds
// several) to one user through one channel.
type Delivery struct {
	ID      int64
	CityID  int64
	UserID  int64
	Channel Channel
	// To is the address: masked as stored and listed, the full one when
	// handed to a Sender (the dispatcher reads it from the preferences).
	To          string
	Title       string
	Body        string
	Link        string
	MessageIDs  []int64
	Status      Status
	Attempts    int
	LastError   string
	Reason      Reason // empty once sent
	NextAttempt time.Time
	Created     time.Time
	SentAt      time.Time

	UserName string // read-only, for officers' lists
}

// Sender sends deliveries through one channel; Name is the channel.
type Sender interface {
	Name() string
	Send(ctx context.Context, d Delivery) error
}

// DeliveryFilter selects deliveries for officers.
type DeliveryFilter struct {
	Scope   huanxin.Scope
	Status  []Status // empty: queued and failed (undelivered)
	Channel Channel  // empty: all
	Reason  Reason   // empty: all
	Limit   int
}

// Unreached is a household of a resident with deliveries not made, for
// officers who phone or visit them.
type Unreached struct {
	UserID      int64
	Name        string
	EstateName  string
	BuildingNo  string
	StairwellNo string
	Floor       int
	Room        string
	Phone       string // the owner's phone in the register, masked unless the officer sees personal data
	Deliveries  int    // deliveries not made
	LastTitle   string // of the latest
	Channels    string // of those deliveries, e.g. "sms,wechat"
	Reasons     string
}

// Store is what notifications need from storage.
type Store interface {
	// CreateMessages stores one message per user, setting nothing on m.
	CreateMessages(ctx context.Context, userIDs []int64, m Message) error
	// ResidentsOfParts returns the enabled resident accounts bound to an
	// owner of any of the parts.
	ResidentsOfParts(ctx context.Context, partIDs []int64) ([]int64, error)
	// ResidentsOfOwners returns the enabled resident accounts bound to any
	// of the owners.
	ResidentsOfOwners(ctx context.Context, ownerIDs []int64) ([]int64, error)
	// Inbox lists a user's messages, newest first, with the number of all
	// and of unread ones.
	Inbox(ctx context.Context, userID int64, offset, limit int) ([]Message, int, error)
	Unread(ctx context.Context, userID int64) (int, error)
	// ReadMessage marks a user's message read (once) and returns it.
	ReadMessage(ctx context.Context, userID, id int64) (*Message, error)
	// ReadAll marks all of a user's messages read.
	ReadAll(ctx context.Context, userID int64) error

	// Preferences returns a user's preferences with the addresses in full.
	Preferences(ctx context.Context, userID int64) (Preferences, error)
	SetPreferences(ctx context.Context, p Preferences) error
	// SetWeChat binds (or with "" unbinds) a user's WeChat openid.
	SetWeChat(ctx context.Context, userID int64, openID string) error
	// ResidentInScope returns the name of the user if a resident bound to
	// an owner of a part in the scope, with ok false otherwise.
	ResidentInScope(ctx context.Context, userID int64, s huanxin.Scope) (name string, ok bool, err error)

	// PendingMessages lists messages not yet dispatched that are due,
	// oldest first: those due by now of users who want each message at
	// once, and those created and due by digestCut of users who want a
	// daily digest and have had no delivery since digestCut (one a day).
	PendingMessages(ctx context.Context, now, digestCut time.Time, limit int) ([]Message, error)
	// Dispatch creates the deliveries and marks the messages dispatched,
	// in one transaction.
	Dispatch(ctx context.Context, messageIDs []int64, ds []*Delivery) error
	// DueDeliveries lists queued deliveries whose next attempt is due.
	DueDeliveries(ctx context.Context, now time.Time, limit int) ([]*Delivery, error)
	// SaveAttempt stores the outcome of an attempt.
	SaveAttempt(ctx context.Context, d *Delivery) error
	// FindDeliveries lists deliveries for officers.
	FindDeliveries(ctx context.Context, f DeliveryFilter) ([]*Delivery, error)
	// Resend queues a failed delivery to a resident of the scope again,
	// with its attempts counted afresh, audited.
	Resend(ctx context.Context, id int64, s huanxin.Scope) (*Delivery, error)
	// Unreached lists the households of the residents with deliveries
	// selected by f, full phones only withPhones, audited as an export.
	Unreached(ctx context.Context, f DeliveryFilter, withPhones bool) ([]Unreached, error)
}
