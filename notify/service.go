package notify

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
)

// Service keeps inboxes and preferences and takes messages from other
// services.
type Service struct {
	Store Store
}

// Check trims a message and checks what every message needs; services
// that queue messages in their own transaction (notices) call it first.
func (m *Message) Check() error {
	m.Title, m.Body, m.Link = strings.TrimSpace(m.Title), strings.TrimSpace(m.Body), strings.TrimSpace(m.Link)
	if m.Kind == "" {
		m.Kind = KindGeneral
	}
	switch {
	case m.Title == "" || utf8.RuneCountInString(m.Title) > 200:
		return huanxin.Invalid("通知有误 invalid message", huanxin.FieldError{Field: "title", Message: "必填，200字以内 required, at most 200 characters"})
	case utf8.RuneCountInString(m.Body) > 2000:
		return huanxin.Invalid("通知有误 invalid message", huanxin.FieldError{Field: "body", Message: "2000字以内 at most 2000 characters"})
	case m.Link != "" && (!strings.HasPrefix(m.Link, "/") || strings.HasPrefix(m.Link, "//")):
		return huanxin.Invalid("通知有误 invalid message", huanxin.FieldError{Field: "link", Message: "应为本站路径 must be a path on this site"})
	}
	return nil
}

// ToUsers puts a message into the inbox of each user; the dispatcher then
// delivers it through the channels each chose. It is called by other
// services on their own authority (no actor is needed); m.UserID is
// ignored and m.CityID names the city the message is about.
func (s *Service) ToUsers(ctx context.Context, userIDs []int64, m Message) error {
	if err := m.Check(); err != nil {
		return err
	}
	ids := slices.Clone(userIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) == 0 {
		return nil
	}
	return s.Store.CreateMessages(ctx, ids, m)
}

// ToResidentsOfParts puts a message into the inbox of every resident
// account bound to an owner of any of the exclusive parts.
func (s *Service) ToResidentsOfParts(ctx context.Context, partIDs []int64, m Message) error {
	if err := m.Check(); err != nil {
		return err
	}
	users, err := s.Store.ResidentsOfParts(ctx, partIDs)
	if err != nil {
		return err
	}
	return s.ToUsers(ctx, users, m)
}

// ToOwners puts a message into the inbox of every resident account bound
// to any of the owners (an owner an officer acted for).
func (s *Service) ToOwners(ctx context.Context, ownerIDs []int64, m Message) error {
	if err := m.Check(); err != nil {
		return err
	}
	users, err := s.Store.ResidentsOfOwners(ctx, ownerIDs)
	if err != nil {
		return err
	}
	return s.ToUsers(ctx, users, m)
}

// Inbox lists the actor's messages, newest first, and the total.
func (s *Service) Inbox(ctx context.Context, offset, limit int) ([]Message, int, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, 0, err
	}
	return s.Store.Inbox(ctx, a.UserID, offset, limit)
}

// Unread returns the number of the actor's unread messages (0 when no one
// is signed in).
func (s *Service) Unread(ctx context.Context) (int, error) {
	a := huanxin.ActorFromContext(ctx)
	if a == nil || a.UserID == 0 {
		return 0, nil
	}
	return s.Store.Unread(ctx, a.UserID)
}

// Read returns one of the actor's messages and marks it read.
func (s *Service) Read(ctx context.Context, id int64) (*Message, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, err
	}
	return s.Store.ReadMessage(ctx, a.UserID, id)
}

// ReadAll marks all of the actor's messages read.
func (s *Service) ReadAll(ctx context.Context) error {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return err
	}
	return s.Store.ReadAll(ctx, a.UserID)
}

// Preferences returns the actor's preferences (the defaults if unset).
func (s *Service) Preferences(ctx context.Context) (Preferences, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return Preferences{}, err
	}
	return s.Store.Preferences(ctx, a.UserID)
}

// SetPreferences stores the actor's preferences. Addresses sent back as
// they were shown (masked) are kept; a channel is on only with a valid
// address.
func (s *Service) SetPreferences(ctx context.Context, p Preferences) error {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return err
	}
	if err := writable(a); err != nil {
		return err
	}
	cur, err := s.Store.Preferences(ctx, a.UserID)
	if err != nil {
		return err
	}
	p.UserID = a.UserID
	p.Keep(cur)
	if err := p.Validate(); err != nil {
		return err
	}
	return s.Store.SetPreferences(ctx, p)
}

func writable(a *huanxin.Actor) error {
	if a.ReadOnly {
		return huanxin.Errorf(huanxin.EFORBIDDEN, "只读令牌不能修改 a read-only token may not write")
	}
	return nil
}

// officer checks that the actor may see and handle deliveries.
func officer(ctx context.Context) (*huanxin.Actor, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Role.CanEditRegister() {
		return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "无权处理提醒 you may not handle deliveries")
	}
	return a, nil
}

// BindWeChat binds a resident's WeChat openid, as an officer does for a
// resident who follows the city's official account at the community
// office; "" unbinds it. The resident must live in the officer's scope.
func (s *Service) BindWeChat(ctx context.Context, userID int64, openID string) error {
	a, err := officer(ctx)
	if err != nil {
		return err
	}
	if err := writable(a); err != nil {
		return err
	}
	openID = strings.TrimSpace(openID)
	if openID != "" && !ValidOpenID(openID) {
		return huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: AddressField[ChannelWeChat], Message: addressRules[ChannelWeChat].bad})
	}
	if _, err := s.residentInScope(ctx, a, userID); err != nil {
		return err
	}
	return s.Store.SetWeChat(ctx, userID, openID)
}

func (s *Service) residentInScope(ctx context.Context, a *huanxin.Actor, userID int64) (string, error) {
	name, ok, err := s.Store.ResidentInScope(ctx, userID, a.Scope)
	if err == nil && !ok {
		err = huanxin.Errorf(huanxin.ENOTFOUND, "辖区内无此居民 no such resident in your jurisdiction")
	}
	return name, err
}

// Resident returns, for an officer, the name and preferences of a
// resident of the officer's scope; pages show the addresses masked.
func (s *Service) Resident(ctx context.Context, userID int64) (string, Preferences, error) {
	a, err := officer(ctx)
	if err != nil {
		return "", Preferences{}, err
	}
	name, err := s.residentInScope(ctx, a, userID)
	if err != nil {
		return "", Preferences{}, err
	}
	p, err := s.Store.Preferences(ctx, userID)
	return name, p, err
}

// Deliveries lists the deliveries the filter selects (by default those
// not (yet) made — queued and failed) to residents of the officer's
// scope, oldest first.
func (s *Service) Deliveries(ctx context.Context, f DeliveryFilter) ([]*Delivery, error) {
	a, err := officer(ctx)
	if err != nil {
		return nil, err
	}
	f.Scope = a.Scope
	return s.Store.FindDeliveries(ctx, f)
}

// Resend queues a failed delivery again, for instance once the resident
// has given a right number; it is tried MaxAttempts times afresh.
func (s *Service) Resend(ctx context.Context, id int64) (*Delivery, error) {
	a, err := officer(ctx)
	if err != nil {
		return nil, err
	}
	if err := writable(a); err != nil {
		return nil, err
	}
	return s.Store.Resend(ctx, id, a.Scope)
}

// Unreached lists the households of the residents whose deliveries the
// filter selects in the officer's scope, for phone calls and visits; the
// owners' phones are in full only for roles that see personal data.
func (s *Service) Unreached(ctx context.Context, f DeliveryFilter) ([]Unreached, error) {
	a, err := officer(ctx)
	if err != nil {
		return nil, err
	}
	f.Scope = a.Scope
	return s.Store.Unreached(ctx, f, a.Role.SeesPersonalData())
}
