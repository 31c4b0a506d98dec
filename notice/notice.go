// Package notice keeps the notices (公告) and publicity notices (公示) put
// to residents of an estate, some of its buildings or a whole
// jurisdiction: their publicity period, checked against the city's
// minimum for the type (in days or working days), objections raised
// during the period and the officers' answers, read receipts per
// household, and the list of households not yet reached, per building,
// for door-to-door visits.
package notice

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/file"
	"github.com/huanxin/huanxin/notify"
)

// Type is the kind of a notice; each has its own minimum publicity
// period. Add a type here (and its labels) to extend the set.
type Type string

const (
	TypePlan    Type = "plan"    // 改造方案公示
	TypeVote    Type = "vote"    // 表决公告
	TypeWorks   Type = "works"   // 施工公告
	TypeGeneral Type = "general" // 一般通知
)

// Types lists the notice types in display order.
var Types = []Type{TypePlan, TypeVote, TypeWorks, TypeGeneral}

// Valid reports whether t is a known type.
func (t Type) Valid() bool { return slices.Contains(Types, t) }

// ScopeKind says whom a notice is for.
type ScopeKind string

const (
	ScopeJurisdiction ScopeKind = "jurisdiction" // every estate of a jurisdiction's subtree
	ScopeEstate       ScopeKind = "estate"       // one estate
	ScopeBuildings    ScopeKind = "buildings"    // the listed buildings of one estate
)

// Status is the stage of a notice.
type Status string

const (
	StatusDraft     Status = "draft"     // 草稿
	StatusPublished Status = "published" // 已发布
	StatusWithdrawn Status = "withdrawn" // 已撤回
)

// Notice is a notice to residents. PublicityStart and PublicityEnd are
// the first and last day of the publicity period (midnight in
// Asia/Shanghai); the period runs until the end of the last day.
type Notice struct {
	ID             int64
	CityID         int64
	ScopeKind      ScopeKind
	JurisdictionID int64   // the jurisdiction (scope jurisdiction)
	EstateID       int64   // the estate (scopes estate and buildings)
	BuildingIDs    []int64 // scope buildings
	Path           string  // the jurisdiction's path, or the estate's jurisdiction's: for scope checks
	Type           Type
	Title          string
	Body           string  // plain text; blank lines separate paragraphs
	Attachments    []int64 // stored files
	PublicityStart time.Time
	PublicityEnd   time.Time
	Status         Status
	PublishedAt    time.Time
	WithdrawnAt    time.Time
	CreatedBy      int64
	Created        time.Time
	Updated        time.Time
}

// Paragraphs splits the body at blank lines.
func (n *Notice) Paragraphs() []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(n.Body, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Open reports whether the publicity period runs at t.
func (n *Notice) Open(t time.Time) bool {
	return n.Status == StatusPublished && !t.Before(n.PublicityStart) && t.Before(Day(n.PublicityEnd).AddDate(0, 0, 1))
}

// Objection is an objection raised during the publicity period, and the
// officers' answer.
type Objection struct {
	ID         int64
	CityID     int64
	NoticeID   int64
	RaisedBy   int64
	OnBehalfOf int64  // the owner an officer raised it for (assisted mode), or 0
	Name       string // the raiser's name (the owner's, when raised for one) as shown with the objection
	Body       string
	Raised     time.Time
	Answer     string
	AnsweredBy int64
	Answered   time.Time
}

// Channel says how a household was reached.
type Channel string

const (
	ReachedOnline Channel = "online" // a resident opened the notice
	ReachedPaper  Channel = "paper"  // an officer handed it over on paper
)

// Receipt says that a household (an exclusive part) was reached.
type Receipt struct {
	CityID   int64
	NoticeID int64
	PartID   int64
	Channel  Channel
	By       int64 // the resident who opened it, or the officer who recorded it
	At       time.Time
}

// Household is an exclusive part of a notice's scope, for the list of
// those not reached.
type Household struct {
	PartID      int64
	EstateID    int64
	EstateName  string
	BuildingID  int64
	BuildingNo  string
	StairwellNo string
	Floor       int
	Room        string
	Owners      string // names, comma-separated
}

// Filter selects notices. Scope is always applied.
type Filter struct {
	Scope    huanxin.Scope
	EstateID *int64
	Status   *Status
	// Parts, for residents: only published notices whose scope holds one
	// of these parts.
	Parts []int64
}

// Store is what notices need from storage.
type Store interface {
	CitySettings(ctx context.Context, cityID int64) (map[string]string, error)
	SetCitySettings(ctx context.Context, cityID int64, values map[string]string, by int64) error

	CreateNotice(ctx context.Context, n *Notice) error
	// UpdateNotice stores the content of a draft; ECONFLICT when it is no
	// longer a draft.
	UpdateNotice(ctx context.Context, n *Notice) error
	// SetNoticeStatus moves a notice from one status to another.
	SetNoticeStatus(ctx context.Context, id int64, from, to Status) error
	// PublishNotice publishes a draft and puts m into the inbox of the
	// residents of its households in the same transaction (ECONFLICT when
	// it is no longer a draft).
	PublishNotice(ctx context.Context, n *Notice, m notify.Message) error
	FindNotices(ctx context.Context, f Filter) ([]*Notice, error)
	FindNoticeByID(ctx context.Context, s huanxin.Scope, id int64) (*Notice, error)

	CreateNoticeObjection(ctx context.Context, o *Objection) error
	// AnswerNoticeObjection stores the answer and puts m into the inbox
	// of whoever raised the objection, in one transaction.
	AnswerNoticeObjection(ctx context.Context, o *Objection, m notify.Message) error
	NoticeObjections(ctx context.Context, noticeID int64) ([]Objection, error)

	// AddReceipts records households reached (a household already
	// reached keeps its first receipt).
	AddReceipts(ctx context.Context, rs []Receipt) error
	Receipts(ctx context.Context, noticeID int64) ([]Receipt, error)
	// NoticeParts returns the exclusive parts in a notice's scope.
	NoticeParts(ctx context.Context, n *Notice) ([]int64, error)
	// NotReached lists the households in a notice's scope without a
	// receipt, by estate, building, stairwell, floor and room.
	NotReached(ctx context.Context, n *Notice) ([]Household, error)
}

// Files finds stored files (package file).
type Files interface {
	Get(ctx context.Context, id int64) (*file.File, error)
	Open(ctx context.Context, id int64) (*file.File, []byte, error)
}

// Service runs notices: officers who may edit the register write, publish
// and withdraw them within their scope; residents read the notices that
// concern them and object during the publicity period.
type Service struct {
	Store    Store
	Register *estate.Service
	Files    Files
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Today is the service's current day in Asia/Shanghai, the first day a
// notice published now can run.
func (s *Service) Today() time.Time { return Day(s.now()) }

func officer(ctx context.Context) (*huanxin.Actor, error) {
	return huanxin.Officer(ctx, "无权发布公告 you may not issue notices")
}

func outOfScope() error {
	return huanxin.Errorf(huanxin.EFORBIDDEN, "不在您的管辖范围 outside your jurisdiction")
}

func invalid(field, msg string) error {
	return huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: field, Message: msg})
}

// Create validates and stores a draft notice.
func (s *Service) Create(ctx context.Context, n *Notice) error {
	a, err := officer(ctx)
	if err != nil {
		return err
	}
	if err := s.prepare(ctx, n); err != nil {
		return err
	}
	n.ID, n.Status, n.CreatedBy = 0, StatusDraft, a.UserID
	n.PublishedAt, n.WithdrawnAt = time.Time{}, time.Time{}
	return s.Store.CreateNotice(ctx, n)
}

// Update changes a draft notice: apply edits the loaded notice; its scope,
// type, text, attachments and period may change.
func (s *Service) Update(ctx context.Context, id int64, apply func(*Notice) error) (*Notice, error) {
	_, n, err := s.run(ctx, id)
	if err != nil {
		return nil, err
	}
	if n.Status != StatusDraft {
		return nil, huanxin.Errorf(huanxin.EINVALID, "公告已发布，不能修改 the notice has been published and cannot change")
	}
	keep := *n
	if err := apply(n); err != nil {
		return nil, err
	}
	n.ID, n.CityID, n.Status, n.CreatedBy, n.Created = keep.ID, keep.CityID, keep.Status, keep.CreatedBy, keep.Created
	city := n.CityID
	if err := s.prepare(ctx, n); err != nil {
		return nil, err
	}
	if n.CityID != city {
		return nil, invalid("scope_kind", "不能改到其他城市 cannot move to another city")
	}
	return n, s.Store.UpdateNotice(ctx, n)
}

// prepare checks a notice's content and scope and fills its city and path.
func (s *Service) prepare(ctx context.Context, n *Notice) error {
	var bad []huanxin.FieldError
	fail := func(field, msg string) { bad = append(bad, huanxin.FieldError{Field: field, Message: msg}) }
	n.Title, n.Body = strings.TrimSpace(n.Title), strings.TrimSpace(n.Body)
	if n.Title == "" {
		fail("title", "必填 required")
	} else if utf8.RuneCountInString(n.Title) > 200 {
		fail("title", "过长 too long (max 200)")
	}
	if utf8.RuneCountInString(n.Body) > 20000 {
		fail("body", "过长 too long (max 20000)")
	}
	if !n.Type.Valid() {
		fail("type", "取值无效 invalid value "+string(n.Type))
	}
	if !n.PublicityStart.IsZero() {
		n.PublicityStart = Day(n.PublicityStart)
	}
	if !n.PublicityEnd.IsZero() {
		n.PublicityEnd = Day(n.PublicityEnd)
	}
	if !n.PublicityStart.IsZero() && !n.PublicityEnd.IsZero() && n.PublicityEnd.Before(n.PublicityStart) {
		fail("publicity_end", "不能早于开始日期 must not be before the start")
	}
	if err := s.scope(ctx, n, fail); err != nil {
		return err
	}
	slices.Sort(n.Attachments)
	n.Attachments = slices.Compact(n.Attachments)
	for _, id := range n.Attachments {
		f, err := s.Files.Get(ctx, id)
		if err != nil && huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			return err
		}
		if err != nil || n.EstateID != 0 && f.EstateID != n.EstateID || f.CityID != n.CityID {
			fail("attachments", "文件 "+strconv.FormatInt(id, 10)+" 不存在或不属于本范围 no such file in the notice's scope")
		}
	}
	if len(bad) > 0 {
		return huanxin.Invalid("输入有误 invalid input", bad...)
	}
	return nil
}

// scope checks the scope against the actor's and fills city and path.
func (s *Service) scope(ctx context.Context, n *Notice, fail func(field, msg string)) error {
	slices.Sort(n.BuildingIDs)
	n.BuildingIDs = slices.Compact(n.BuildingIDs)
	switch n.ScopeKind {
	case ScopeJurisdiction:
		j, err := s.Register.Jurisdictions().Get(ctx, n.JurisdictionID)
		if huanxin.ErrorCode(err) == huanxin.ENOTFOUND {
			return outOfScope()
		} else if err != nil {
			return err
		}
		if j.CityID == 0 {
			fail("jurisdiction_id", "应为市级或以下 must be a city or below")
		}
		n.CityID, n.Path, n.EstateID, n.BuildingIDs = j.CityID, j.Path, 0, nil
		return nil
	case ScopeEstate, ScopeBuildings:
		e, err := s.Register.Estates().Get(ctx, n.EstateID)
		if huanxin.ErrorCode(err) == huanxin.ENOTFOUND {
			return outOfScope()
		} else if err != nil {
			return err
		}
		j, err := s.Register.Jurisdictions().Get(huanxin.NewContextWithActor(ctx, huanxin.SystemActor), e.JurisdictionID)
		if err != nil {
			return err
		}
		n.CityID, n.Path, n.JurisdictionID = e.CityID, j.Path, 0
		if n.ScopeKind == ScopeEstate {
			n.BuildingIDs = nil
			return nil
		}
		if len(n.BuildingIDs) == 0 {
			fail("building_ids", "必填 required")
		}
		for _, id := range n.BuildingIDs {
			b, err := s.Register.Buildings().Get(ctx, id)
			if err != nil && huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
				return err
			}
			if err != nil || b.EstateID != n.EstateID {
				fail("building_ids", "楼栋 "+strconv.FormatInt(id, 10)+" 不属于本小区 does not belong to the estate")
			}
		}
		return nil
	}
	fail("scope_kind", "取值无效 invalid value "+string(n.ScopeKind))
	return nil
}

// Get returns a notice visible to the actor: officers see the notices of
// their scope; residents see published (and withdrawn) notices whose
// scope holds one of their parts.
func (s *Service) Get(ctx context.Context, id int64) (*Notice, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, err
	}
	if a.Role == huanxin.RoleResident {
		ns, err := s.Store.FindNotices(ctx, Filter{Parts: a.Scope.PartIDs})
		if err != nil {
			return nil, err
		}
		if i := slices.IndexFunc(ns, func(n *Notice) bool { return n.ID == id }); i >= 0 {
			return ns[i], nil
		}
		return nil, huanxin.Errorf(huanxin.ENOTFOUND, "公告不存在 notice not found")
	}
	return s.Store.FindNoticeByID(ctx, a.Scope, id)
}

// List returns the notices visible to the actor, newest first: for
// residents those that concern them, for officers those of their scope
// (of one estate if estateID is given).
func (s *Service) List(ctx context.Context, estateID *int64, status *Status) ([]*Notice, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, err
	}
	f := Filter{Scope: a.Scope, EstateID: estateID, Status: status}
	if a.Role == huanxin.RoleResident {
		f = Filter{Parts: a.Scope.PartIDs, EstateID: estateID, Status: status}
	}
	return s.Store.FindNotices(ctx, f)
}

// run loads a notice an officer may manage.
func (s *Service) run(ctx context.Context, id int64) (*huanxin.Actor, *Notice, error) {
	a, err := officer(ctx)
	if err != nil {
		return nil, nil, err
	}
	n, err := s.Store.FindNoticeByID(ctx, a.Scope, id)
	if err != nil {
		return nil, nil, err
	}
	return a, n, nil
}

// PeriodError explains a publicity period shorter than the city's minimum.
func PeriodError(m Minimum, earliest time.Time) error {
	unit := "天 days"
	if m.Unit == WorkingDays {
		unit = "个工作日 working days"
	}
	return huanxin.Invalid("公示期短于本市规定 the publicity period is shorter than the city's minimum",
		huanxin.FieldError{Field: "publicity_end", Message: fmt.Sprintf("至少 %d %s；最早可于 %s 结束 at least %d %s; the earliest end is %s",
			m.Length, unit, earliest.Format(time.DateOnly), m.Length, unit, earliest.Format(time.DateOnly))})
}

// CheckPeriod checks a notice's publicity period against the city's
// minimum for its type, and returns the earliest allowed last day.
func (s *Service) CheckPeriod(ctx context.Context, n *Notice) (time.Time, error) {
	rules, err := s.Rules(ctx, n.CityID)
	if err != nil {
		return time.Time{}, err
	}
	if n.PublicityStart.IsZero() || n.PublicityEnd.IsZero() {
		return time.Time{}, huanxin.Invalid("请填写公示期 the publicity period is required",
			huanxin.FieldError{Field: "publicity_start", Message: "必填 required"},
			huanxin.FieldError{Field: "publicity_end", Message: "必填 required"})
	}
	m := rules.Min(n.Type)
	earliest := rules.Calendar.EarliestEnd(n.PublicityStart, m.Length, m.Unit)
	if rules.Calendar.Length(n.PublicityStart, n.PublicityEnd, m.Unit) < m.Length {
		return earliest, PeriodError(m, earliest)
	}
	return earliest, nil
}

// Publish publishes a draft notice: its period must start today or later
// and last at least the city's minimum for its type. The residents in
// scope get a message in their inboxes, queued in the same transaction.
func (s *Service) Publish(ctx context.Context, id int64) (*Notice, error) {
	_, n, err := s.run(ctx, id)
	if err != nil {
		return nil, err
	}
	if n.Status != StatusDraft {
		return nil, huanxin.Errorf(huanxin.EINVALID, "只能发布草稿 only a draft can be published")
	}
	if n.PublicityStart.Before(Day(s.now())) && !n.PublicityStart.IsZero() {
		return nil, invalid("publicity_start", "不能早于今天 must not be before today")
	}
	if _, err := s.CheckPeriod(ctx, n); err != nil {
		return nil, err
	}
	m := notify.Message{CityID: n.CityID, Kind: notify.KindNotice, Title: n.Title,
		Body: fmt.Sprintf("公示期 %s 至 %s", n.PublicityStart.Format(time.DateOnly), n.PublicityEnd.Format(time.DateOnly)),
		Link: "/notices/" + strconv.FormatInt(n.ID, 10), Due: n.PublicityStart}
	if err := m.Check(); err != nil {
		return nil, err
	}
	// Published and queued together: the officer never sees a failure for
	// a notice that is out, and no resident misses one that is.
	if err := s.Store.PublishNotice(ctx, n, m); err != nil {
		return nil, err
	}
	n.Status = StatusPublished
	return n, nil
}

// Withdraw withdraws a published notice; it stays visible, marked as
// withdrawn, and takes no more objections.
func (s *Service) Withdraw(ctx context.Context, id int64) (*Notice, error) {
	_, n, err := s.run(ctx, id)
	if err != nil {
		return nil, err
	}
	if n.Status != StatusPublished {
		return nil, huanxin.Errorf(huanxin.EINVALID, "只能撤回已发布的公告 only a published notice can be withdrawn")
	}
	n.Status = StatusWithdrawn
	return n, s.Store.SetNoticeStatus(ctx, n.ID, StatusPublished, StatusWithdrawn)
}

// Attachment returns an attachment of a notice visible to the actor, with
// its bytes: whoever the notice reaches may read what it shows.
func (s *Service) Attachment(ctx context.Context, id, fileID int64) (*file.File, []byte, error) {
	n, err := s.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if !slices.Contains(n.Attachments, fileID) {
		return nil, nil, huanxin.Errorf(huanxin.ENOTFOUND, "附件不存在 no such attachment")
	}
	// Residents read only their own uploads through the file service; a
	// notice's attachments are read on the notice's authority.
	return s.Files.Open(huanxin.NewContextWithActor(ctx, huanxin.SystemActor), fileID)
}

// Attachments describes the files attached to a notice the actor has
// loaded (through Get or Open), in their order: name, type and size as
// stored with the upload, read on the notice's authority like Attachment.
func (s *Service) Attachments(ctx context.Context, n *Notice) ([]*file.File, error) {
	out := make([]*file.File, 0, len(n.Attachments))
	sys := huanxin.NewContextWithActor(ctx, huanxin.SystemActor)
	for _, id := range n.Attachments {
		f, err := s.Files.Get(sys, id)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// Open is what a resident's opening a notice does: it returns the notice
// and records a receipt for each of the resident's households in its
// scope (once).
func (s *Service) Open(ctx context.Context, id int64) (*Notice, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, err
	}
	n, err := s.Get(ctx, id)
	if err != nil || a.Role != huanxin.RoleResident || a.OnBehalfOf != 0 || n.Status == StatusDraft {
		return n, err
	}
	mine, err := s.householdsOf(ctx, n, a.Scope.PartIDs)
	if err != nil || len(mine) == 0 {
		return n, err
	}
	rs := make([]Receipt, len(mine))
	for i, p := range mine {
		rs[i] = Receipt{CityID: n.CityID, NoticeID: n.ID, PartID: p, Channel: ReachedOnline, By: a.UserID}
	}
	return n, s.Store.AddReceipts(ctx, rs)
}

// householdsOf returns those of parts in the notice's scope.
func (s *Service) householdsOf(ctx context.Context, n *Notice, parts []int64) ([]int64, error) {
	all, err := s.Store.NoticeParts(ctx, n)
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, p := range parts {
		if slices.Contains(all, p) {
			out = append(out, p)
		}
	}
	return out, nil
}

// ReachedOnPaper records that officers handed the notice to households on
// paper (door to door).
func (s *Service) ReachedOnPaper(ctx context.Context, id int64, partIDs []int64) error {
	a, n, err := s.run(ctx, id)
	if err != nil {
		return err
	}
	if n.Status == StatusDraft {
		return huanxin.Errorf(huanxin.EINVALID, "公告尚未发布 the notice has not been published")
	}
	if len(partIDs) == 0 {
		return invalid("part_ids", "必填 required")
	}
	in, err := s.householdsOf(ctx, n, partIDs)
	if err != nil {
		return err
	}
	if len(in) != len(slices.Compact(slices.Sorted(slices.Values(partIDs)))) {
		return invalid("part_ids", "有房屋不在公告范围内 a household is outside the notice's scope")
	}
	rs := make([]Receipt, len(in))
	for i, p := range in {
		rs[i] = Receipt{CityID: n.CityID, NoticeID: n.ID, PartID: p, Channel: ReachedPaper, By: a.UserID}
	}
	return s.Store.AddReceipts(ctx, rs)
}

// Receipts lists the households reached, for officers.
func (s *Service) Receipts(ctx context.Context, id int64) ([]Receipt, error) {
	_, n, err := s.run(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.Store.Receipts(ctx, n.ID)
}

// NotReached lists the households in the notice's scope not yet reached,
// for officers.
func (s *Service) NotReached(ctx context.Context, id int64) (*Notice, []Household, error) {
	_, n, err := s.run(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	hs, err := s.Store.NotReached(ctx, n)
	return n, hs, err
}

// Object raises an objection during the publicity period: a resident
// whose household the notice concerns, or an officer recording one
// handed in on paper. An officer assisting an owner (assisted mode)
// raises it in the owner's name, for an owner of a household the notice
// concerns; the objection keeps both.
func (s *Service) Object(ctx context.Context, id int64, body string) (*Objection, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, err
	}
	if a.ReadOnly {
		return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "只读凭证不能提出异议 a read-only token cannot object")
	}
	if a.Role != huanxin.RoleResident && !a.Role.CanEditRegister() {
		return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "无权提出异议 you may not raise objections")
	}
	n, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	// The status first: a withdrawn notice takes no objections even within
	// its dates.
	if n.Status == StatusWithdrawn {
		return nil, huanxin.Errorf(huanxin.EINVALID, "公告已撤回，不再受理异议 the notice has been withdrawn and takes no objections")
	}
	if !n.Open(s.now()) {
		return nil, huanxin.Errorf(huanxin.EINVALID, "不在公示期内 the notice is not in its publicity period")
	}
	body = strings.TrimSpace(body)
	if body == "" || utf8.RuneCountInString(body) > 5000 {
		return nil, invalid("body", "请填写异议内容（5000字以内） required, at most 5000 characters")
	}
	o := &Objection{CityID: n.CityID, NoticeID: n.ID, RaisedBy: a.UserID, Name: a.Name, Body: body}
	if a.OnBehalfOf != 0 && a.Role.CanEditRegister() {
		if o.Name, err = s.concerned(ctx, n, a.OnBehalfOf); err != nil {
			return nil, err
		}
		o.OnBehalfOf = a.OnBehalfOf
	}
	return o, s.Store.CreateNoticeObjection(ctx, o)
}

// concerned returns the name of an owner who holds a household the
// notice concerns; EFORBIDDEN for any other owner.
func (s *Service) concerned(ctx context.Context, n *Notice, ownerID int64) (string, error) {
	o, err := s.Register.Owners().Get(ctx, ownerID)
	if err != nil {
		return "", err
	}
	held, _, err := s.Register.Ownerships().Find(ctx, estate.Filter{OwnerID: &ownerID, Limit: 1000})
	if err != nil {
		return "", err
	}
	parts := make([]int64, len(held))
	for i, h := range held {
		parts[i] = h.PartID
	}
	if in, err := s.householdsOf(ctx, n, parts); err != nil {
		return "", err
	} else if len(in) == 0 {
		return "", huanxin.Errorf(huanxin.EFORBIDDEN, "该业主的房屋不在公告范围内 the owner holds no household this notice concerns")
	}
	return o.Name, nil
}

// Answer records the officers' answer to an objection; the resident who
// raised it gets a message, queued in the same transaction.
func (s *Service) Answer(ctx context.Context, id, objectionID int64, answer string) (*Objection, error) {
	a, n, err := s.run(ctx, id)
	if err != nil {
		return nil, err
	}
	answer = strings.TrimSpace(answer)
	if answer == "" || utf8.RuneCountInString(answer) > 5000 {
		return nil, invalid("answer", "请填写答复（5000字以内） required, at most 5000 characters")
	}
	os, err := s.Store.NoticeObjections(ctx, n.ID)
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
	m := notify.Message{CityID: o.CityID, Kind: notify.KindNotice, Title: "您的异议已有答复 your objection has been answered",
		Link: "/notices/" + strconv.FormatInt(o.NoticeID, 10)}
	if err := m.Check(); err != nil {
		return nil, err
	}
	if err := s.Store.AnswerNoticeObjection(ctx, &o, m); err != nil {
		return nil, err
	}
	return &o, nil
}

// Objections lists the objections to a notice, visible to everyone who
// sees it.
func (s *Service) Objections(ctx context.Context, id int64) ([]Objection, error) {
	n, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.Store.NoticeObjections(ctx, n.ID)
}
