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
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
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
// receives every message; the channels are opt-in.
type Preferences struct {
	UserID int64
	SMS    bool
	WeChat bool
	Email  bool
	// EmailAddress is where e-mail goes; required when Email is on.
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

// Validate checks preferences.
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
	if p.Email && !validEmail(p.EmailAddress) || p.EmailAddress != "" && !validEmail(p.EmailAddress) {
		bad = append(bad, huanxin.FieldError{Field: "email_address", Message: "请填写有效的电子邮箱 enter a valid e-mail address"})
	}
	if len(bad) > 0 {
		return huanxin.Invalid("输入有误 invalid input", bad...)
	}
	return nil
}

func validEmail(s string) bool {
	user, host, ok := strings.Cut(s, "@")
	return ok && user != "" && strings.Contains(host, ".") && !strings.ContainsAny(s, " \t\r\n<>\",;") &&
		utf8.RuneCountInString(s) <= 254 && !strings.HasPrefix(host, ".") && !strings.HasSuffix(host, ".")
}

// Status is where a delivery stands.
type Status string

const (
	StatusQueued Status = "queued" // waiting to be sent (or to be retried)
	StatusSent   Status = "sent"
	StatusFailed Status = "failed" // given up after MaxAttempts
)

// Delivery is one sending of one or more messages (a digest folds
// several) to one user through one channel.
type Delivery struct {
	ID          int64
	CityID      int64
	UserID      int64
	Channel     Channel
	To          string // the e-mail address; SMS and WeChat senders look the user up by UserID
	Title       string
	Body        string
	Link        string
	MessageIDs  []int64
	Status      Status
	Attempts    int
	LastError   string
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
	Scope  huanxin.Scope
	Status []Status // empty: queued and failed (undelivered)
	Limit  int
}

// Store is what notifications need from storage.
type Store interface {
	// CreateMessages stores one message per user, setting nothing on m.
	CreateMessages(ctx context.Context, userIDs []int64, m Message) error
	// ResidentsOfParts returns the enabled resident accounts bound to an
	// owner of any of the parts.
	ResidentsOfParts(ctx context.Context, partIDs []int64) ([]int64, error)
	// Inbox lists a user's messages, newest first, with the number of all
	// and of unread ones.
	Inbox(ctx context.Context, userID int64, offset, limit int) ([]Message, int, error)
	Unread(ctx context.Context, userID int64) (int, error)
	// ReadMessage marks a user's message read (once) and returns it.
	ReadMessage(ctx context.Context, userID, id int64) (*Message, error)
	// ReadAll marks all of a user's messages read.
	ReadAll(ctx context.Context, userID int64) error

	Preferences(ctx context.Context, userID int64) (Preferences, error)
	SetPreferences(ctx context.Context, p Preferences) error

	// PendingMessages lists messages not yet dispatched that are due,
	// oldest first: all of users who want each message at once, and those
	// created at or before digestCut of users who want a daily digest.
	PendingMessages(ctx context.Context, digestCut time.Time, limit int) ([]Message, error)
	// Dispatch creates the deliveries and marks the messages dispatched,
	// in one transaction.
	Dispatch(ctx context.Context, messageIDs []int64, ds []*Delivery) error
	// DueDeliveries lists queued deliveries whose next attempt is due.
	DueDeliveries(ctx context.Context, now time.Time, limit int) ([]*Delivery, error)
	// SaveAttempt stores the outcome of an attempt.
	SaveAttempt(ctx context.Context, d *Delivery) error
	// FindDeliveries lists deliveries for officers.
	FindDeliveries(ctx context.Context, f DeliveryFilter) ([]*Delivery, error)
}
