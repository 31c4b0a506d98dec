package decision

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
)

// Objection is an objection to a published result (公示期异议), raised by
// an owner of the electorate or an officer recording one received on
// paper or assisting an owner (OnBehalfOf), and the officers' answer.
type Objection struct {
	ID         int64
	CityID     int64
	DecisionID int64
	RaisedBy   int64
	OnBehalfOf int64 // the owner an officer raised it for (assisted mode), or 0
	Body       string
	Raised     time.Time
	Answer     string
	AnsweredBy int64
	Answered   time.Time
}

// Object raises an objection to an announced result while its objection
// period runs. Owners of the frozen electorate may object; officers who
// run the decision may record an objection handed in on paper, or raise
// one for an owner of the electorate they assist (assisted mode).
func (s *Service) Object(ctx context.Context, id int64, body string) (*Objection, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, err
	}
	if a.ReadOnly {
		return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "只读凭证不能提出异议 a read-only token cannot object")
	}
	d, err := s.Store.FindDecisionByID(ctx, a.Scope, id)
	if err != nil {
		return nil, err
	}
	owner, onBehalf := a.OwnerID, int64(0)
	if a.OnBehalfOf != 0 && a.Role.CanEditRegister() {
		owner, onBehalf = a.OnBehalfOf, a.OnBehalfOf
	}
	switch {
	case a.Role == huanxin.RoleResident || onBehalf != 0:
		e, err := s.electorate(ctx, d.ID)
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(e.Voters, func(v Voter) bool { return slices.Contains(v.Owners, owner) }) {
			return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "只有参加表决范围内的业主可以提出异议 only owners of the electorate may object")
		}
	case !a.Role.CanEditRegister():
		return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "无权提出异议 you may not raise objections")
	}
	if d.Status != StatusAnnounced || !s.now().Before(d.ObjectionsUntil()) {
		return nil, huanxin.Errorf(huanxin.EINVALID, "不在公示期内 the result is not in its objection period")
	}
	body = strings.TrimSpace(body)
	if body == "" || utf8.RuneCountInString(body) > 5000 {
		return nil, huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "body", Message: "请填写异议内容（5000字以内） required, at most 5000 characters"})
	}
	o := &Objection{CityID: d.CityID, DecisionID: d.ID, RaisedBy: a.UserID, OnBehalfOf: onBehalf, Body: body}
	return o, s.Store.CreateObjection(ctx, o)
}

// Answer records the officers' answer to an objection.
func (s *Service) Answer(ctx context.Context, id, objectionID int64, answer string) (*Objection, error) {
	a, d, err := s.run(ctx, id)
	if err != nil {
		return nil, err
	}
	answer = strings.TrimSpace(answer)
	if answer == "" || utf8.RuneCountInString(answer) > 5000 {
		return nil, huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "answer", Message: "请填写答复（5000字以内） required, at most 5000 characters"})
	}
	os, err := s.Store.Objections(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(os, func(o Objection) bool { return o.ID == objectionID })
	if i < 0 {
		return nil, huanxin.Errorf(huanxin.ENOTFOUND, "异议不存在 objection not found")
	}
	o := os[i]
	if o.AnsweredBy != 0 {
		return nil, huanxin.Errorf(huanxin.ECONFLICT, "该异议已答复 the objection has already been answered")
	}
	o.Answer, o.AnsweredBy = answer, a.UserID
	return &o, s.Store.AnswerObjection(ctx, &o)
}

// Objections lists the objections to a decision's result, visible to
// everyone who sees the decision.
func (s *Service) Objections(ctx context.Context, id int64) ([]Objection, error) {
	d, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.Store.Objections(ctx, d.ID)
}
