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

// SetPreferences stores the actor's preferences.
func (s *Service) SetPreferences(ctx context.Context, p Preferences) error {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return err
	}
	if a.ReadOnly {
		return huanxin.Errorf(huanxin.EFORBIDDEN, "只读令牌不能修改 a read-only token may not write")
	}
	p.UserID, p.EmailAddress = a.UserID, strings.TrimSpace(p.EmailAddress)
	if err := p.Validate(); err != nil {
		return err
	}
	return s.Store.SetPreferences(ctx, p)
}

// Deliveries lists the deliveries not (yet) made — queued and failed — or
// those of the statuses given, to residents of the officer's scope,
// oldest first.
func (s *Service) Deliveries(ctx context.Context, statuses []Status, limit int) ([]*Delivery, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Role.CanEditRegister() {
		return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "无权查看 you may not view deliveries")
	}
	return s.Store.FindDeliveries(ctx, DeliveryFilter{Scope: a.Scope, Status: statuses, Limit: limit})
}
