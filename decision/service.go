package decision

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/file"
	"github.com/huanxin/huanxin/notify"
)

// Status is the stage of a decision: draft → published (notice) → open →
// closed → announced (result published) → final.
type Status string

const (
	StatusDraft     Status = "draft"     // 草案
	StatusPublished Status = "published" // 已公告
	StatusOpen      Status = "open"      // 投票中
	StatusClosed    Status = "closed"    // 投票结束
	StatusAnnounced Status = "announced" // 结果已公布
	StatusFinal     Status = "final"     // 已生效
)

// next lists the only status each status may move to.
var next = map[Status]Status{
	StatusDraft:     StatusPublished,
	StatusPublished: StatusOpen,
	StatusOpen:      StatusClosed,
	StatusClosed:    StatusAnnounced,
	StatusAnnounced: StatusFinal,
}

// ScopeKind says which exclusive parts a decision is put to.
type ScopeKind string

const (
	ScopeEstate    ScopeKind = "estate"    // the whole estate
	ScopeBuildings ScopeKind = "buildings" // the listed buildings
	ScopeStairwell ScopeKind = "stairwell" // one stairwell unit
	ScopeParts     ScopeKind = "parts"     // the listed exclusive parts
)

// Decision is an owners' joint decision with its agenda. Conflict,
// AllowChange and ObjectionDays are the city's rules copied when the
// decision was created.
type Decision struct {
	ID            int64
	CityID        int64
	EstateID      int64
	Title         string
	Description   string
	Status        Status
	ScopeKind     ScopeKind
	ScopeIDs      []int64 // buildings, the stairwell or parts; empty for the estate
	NoticeDays    int     // days between publication and opening
	ObjectionDays int     // days a published result stays open to objections
	Conflict      ConflictRule
	AllowChange   bool // owners may change an online ballot until closing
	OpenCount     bool // officers may see the running count while the vote is open
	PublishedAt   time.Time
	OpensAt       time.Time
	ClosesAt      time.Time
	AnnouncedAt   time.Time
	FinalizedAt   time.Time
	CreatedBy     int64
	Created       time.Time
	Updated       time.Time
	Matters       []Matter // in agenda order
}

// ObjectionsUntil is the end of the objection period of an announced
// result; zero before announcement.
func (d *Decision) ObjectionsUntil() time.Time {
	if d.AnnouncedAt.IsZero() {
		return time.Time{}
	}
	return d.AnnouncedAt.AddDate(0, 0, d.ObjectionDays)
}

// Store is what the decision service needs from storage.
type Store interface {
	// CitySettings returns the named settings of a city; SetCitySettings
	// stores some of them.
	CitySettings(ctx context.Context, cityID int64) (map[string]string, error)
	SetCitySettings(ctx context.Context, cityID int64, values map[string]string, by int64) error
	// CreateDecision stores a decision with its matters, setting their IDs.
	CreateDecision(ctx context.Context, d *Decision) error
	// FindDecisions lists the decisions of an estate within the scope.
	FindDecisions(ctx context.Context, s huanxin.Scope, estateID int64) ([]*Decision, error)
	// FindDecisionByID returns a decision within the scope, or ENOTFOUND.
	FindDecisionByID(ctx context.Context, s huanxin.Scope, id int64) (*Decision, error)
	// SetDecisionStatus moves a decision from one status to another; it
	// fails with ECONFLICT when the decision is no longer in from.
	SetDecisionStatus(ctx context.Context, id int64, from, to Status) error
	// FreezeElectorate stores the electorate of a published decision and
	// opens it, in one transaction; it refuses a frozen one.
	FreezeElectorate(ctx context.Context, id int64, e Electorate) error
	// Electorate loads the frozen electorate.
	Electorate(ctx context.Context, id int64) (Electorate, error)
	// CastBallot stores a ballot of an open decision; a second ballot of
	// the same person on the same channel fails with ECONFLICT.
	CastBallot(ctx context.Context, b *StoredBallot) error
	// ReviseBallot replaces the entry and receipt of the person's online
	// ballot in an open decision, keeping the replaced version; it sets
	// b.ID, b.CastAt and b.RevisedAt.
	ReviseBallot(ctx context.Context, b *StoredBallot) error
	// FindBallot returns the ballot of a person on a channel, or
	// ENOTFOUND.
	FindBallot(ctx context.Context, id int64, person PersonID, ch Channel) (*StoredBallot, error)
	// ConfirmBallot stores the second entry of a pending paper ballot of
	// an open or closed decision with its new State and ReceiptHash; it
	// fails with ECONFLICT when the ballot is no longer pending.
	ConfirmBallot(ctx context.Context, b *StoredBallot) error
	// ReviewBallot stores the settling reading of a mismatched paper
	// ballot of an open or closed decision, with its new State and
	// ReceiptHash; it fails with ECONFLICT when it is no longer
	// mismatched.
	ReviewBallot(ctx context.Context, b *StoredBallot) error
	// Ballots lists the ballots of a decision.
	Ballots(ctx context.Context, id int64) ([]*StoredBallot, error)
	// FindReceipt returns the counted ballot with the receipt hash, or the
	// ballot that replaced the one it stood for with the time it was
	// replaced, or ENOTFOUND.
	FindReceipt(ctx context.Context, hash []byte) (*StoredBallot, time.Time, error)
	// AnnounceDecision moves a closed decision to announced, keeping the
	// digest of the announced result.
	AnnounceDecision(ctx context.Context, id int64, digest string) error
	// DecisionResultDigest returns the digest kept at announcement.
	DecisionResultDigest(ctx context.Context, id int64) (string, error)

	// AddDocument attaches a stored file to a draft decision;
	// RemoveDocument detaches it; Documents lists them.
	AddDocument(ctx context.Context, doc *Document) error
	RemoveDocument(ctx context.Context, decisionID, fileID int64) error
	Documents(ctx context.Context, decisionID int64) ([]Document, error)

	// CreateObjection stores an objection to an announced result while
	// the objection period runs; AnswerObjection stores the answer to an
	// unanswered one; Objections lists them, oldest first.
	CreateObjection(ctx context.Context, o *Objection) error
	AnswerObjection(ctx context.Context, o *Objection) error
	Objections(ctx context.Context, decisionID int64) ([]Objection, error)
}

// Notifier tells residents about a decision (package notify).
type Notifier interface {
	ToResidentsOfParts(ctx context.Context, partIDs []int64, m notify.Message) error
}

// Files finds stored files (package file).
type Files interface {
	Get(ctx context.Context, id int64) (*file.File, error)
	Open(ctx context.Context, id int64) (*file.File, []byte, error)
}

// Service runs owners' joint decisions: officers who may edit the register
// prepare, publish, open and close them within their scope; owners vote.
type Service struct {
	Store    Store
	Register *estate.Service
	Files    Files
	// Notify, when set, tells the residents of the electorate's parts that
	// voting has opened; Log records a failure to (nil: slog.Default()).
	Notify Notifier
	Log    *slog.Logger
	// Now is the clock for notice and objection periods; nil means
	// time.Now.
	Now func() time.Time

	// electorates caches frozen electorates by decision ID: they never
	// change once frozen, so every server may keep them, and casting does
	// not reload thousands of voters per ballot.
	electorates sync.Map
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// file returns a stored file of the decision's estate, or an error naming
// the field that refers to it.
func (s *Service) file(ctx context.Context, d *Decision, id int64, field string) (*file.File, error) {
	f, err := s.Files.Get(ctx, id)
	if huanxin.ErrorCode(err) == huanxin.ENOTFOUND || (err == nil && f.EstateID != d.EstateID) {
		return nil, huanxin.Invalid("输入有误 invalid input",
			huanxin.FieldError{Field: field, Message: "文件不存在或不属于本小区 no such file in this estate"})
	}
	return f, err
}

// electorate returns the frozen electorate of a decision.
func (s *Service) electorate(ctx context.Context, id int64) (Electorate, error) {
	if e, ok := s.electorates.Load(id); ok {
		return e.(Electorate), nil
	}
	e, err := s.Store.Electorate(ctx, id)
	if err == nil && len(e.Voters) > 0 {
		s.electorates.Store(id, e)
	}
	return e, err
}

// officer returns the actor if it may run decisions.
func officer(ctx context.Context) (*huanxin.Actor, error) {
	return huanxin.Officer(ctx, "无权组织表决 you may not run owners' decisions")
}

func outOfScope() error {
	return huanxin.Errorf(huanxin.EFORBIDDEN, "不在您的管辖范围 outside your jurisdiction")
}

// Create validates and stores a draft decision.
func (s *Service) Create(ctx context.Context, d *Decision) error {
	a, err := officer(ctx)
	if err != nil {
		return err
	}
	est, err := s.Register.Estates().Get(ctx, d.EstateID)
	if huanxin.ErrorCode(err) == huanxin.ENOTFOUND {
		return outOfScope()
	} else if err != nil {
		return err
	}
	var bad []huanxin.FieldError
	fail := func(field, msg string) { bad = append(bad, huanxin.FieldError{Field: field, Message: msg}) }
	d.Title = strings.TrimSpace(d.Title)
	d.Description = strings.TrimSpace(d.Description)
	if d.Title == "" {
		fail("title", "必填 required")
	} else if utf8.RuneCountInString(d.Title) > 200 {
		fail("title", "过长 too long (max 200)")
	}
	if utf8.RuneCountInString(d.Description) > 20000 {
		fail("description", "过长 too long (max 20000)")
	}
	rules, err := s.Rules(ctx, est.CityID)
	if err != nil {
		return err
	}
	if d.NoticeDays < rules.MinNoticeDays || d.NoticeDays > 90 {
		fail("notice_days", fmt.Sprintf("公告期应为 %d–90 天（本市规定至少 %d 天） must be %d–90 days (the city's minimum is %d)",
			rules.MinNoticeDays, rules.MinNoticeDays, rules.MinNoticeDays, rules.MinNoticeDays))
	}
	if len(d.Matters) == 0 {
		fail("matters", "至少一项表决事项 at least one matter")
	}
	for i := range d.Matters {
		m := &d.Matters[i]
		field := "matters." + strconv.Itoa(i)
		m.Title = strings.TrimSpace(m.Title)
		if m.Title == "" {
			fail(field+".title", "必填 required")
		}
		if !m.Item.Valid() {
			fail(field+".item", "事项应为第278条第1–9项或征求意见 item must be 1–9 of Art. 278, or 0 for consultation")
		}
		bad = append(bad, validExtra(m.Extra, field+".extra")...)
		for _, x := range m.Extra {
			for _, id := range x.Parts {
				p, err := s.Register.Parts().Get(ctx, id)
				if err != nil && huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
					return err
				}
				if err != nil || p.EstateID != d.EstateID {
					fail(field+".extra", "房屋 "+strconv.FormatInt(id, 10)+" 不属于本小区 does not belong to the estate")
				}
			}
		}
	}
	if err := s.checkScope(ctx, d, fail); err != nil {
		return err
	}
	if len(bad) > 0 {
		return huanxin.Invalid("输入有误 invalid input", bad...)
	}
	d.ID, d.CityID, d.Status, d.CreatedBy = 0, est.CityID, StatusDraft, a.UserID
	d.ObjectionDays, d.Conflict, d.AllowChange = rules.ObjectionDays, rules.Conflict, rules.AllowChange
	d.PublishedAt, d.OpensAt, d.ClosesAt, d.AnnouncedAt, d.FinalizedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}, time.Time{}
	return s.Store.CreateDecision(ctx, d)
}

// checkScope checks that the scope's buildings, stairwell or parts belong
// to the decision's estate.
func (s *Service) checkScope(ctx context.Context, d *Decision, fail func(field, msg string)) error {
	slices.Sort(d.ScopeIDs)
	d.ScopeIDs = slices.Compact(d.ScopeIDs)
	switch d.ScopeKind {
	case ScopeEstate:
		if len(d.ScopeIDs) > 0 {
			fail("scope_ids", "全小区表决不应列出编号 the whole estate takes no list")
		}
		return nil
	case ScopeBuildings, ScopeParts:
		if len(d.ScopeIDs) == 0 {
			fail("scope_ids", "必填 required")
		}
	case ScopeStairwell:
		if len(d.ScopeIDs) != 1 {
			fail("scope_ids", "应为一个单元 exactly one stairwell")
		}
	default:
		fail("scope_kind", "取值无效 invalid value "+string(d.ScopeKind))
		return nil
	}
	for _, id := range d.ScopeIDs {
		var estateID int64
		var err error
		switch d.ScopeKind {
		case ScopeBuildings:
			var b *estate.Building
			if b, err = s.Register.Buildings().Get(ctx, id); err == nil {
				estateID = b.EstateID
			}
		case ScopeStairwell:
			var st *estate.Stairwell
			if st, err = s.Register.Stairwells().Get(ctx, id); err == nil {
				estateID = st.EstateID
			}
		case ScopeParts:
			var p *estate.Part
			if p, err = s.Register.Parts().Get(ctx, id); err == nil {
				estateID = p.EstateID
			}
		}
		if err != nil && huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			return err
		}
		if estateID != d.EstateID {
			fail("scope_ids", "编号 "+strconv.FormatInt(id, 10)+" 不属于本小区 does not belong to the estate")
		}
	}
	return nil
}

// Get returns a decision visible to the actor.
func (s *Service) Get(ctx context.Context, id int64) (*Decision, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, err
	}
	return s.Store.FindDecisionByID(ctx, a.Scope, id)
}

// List returns the decisions of an estate visible to the actor.
func (s *Service) List(ctx context.Context, estateID int64) ([]*Decision, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, err
	}
	return s.Store.FindDecisions(ctx, a.Scope, estateID)
}

// run loads a decision the acting officer may run.
func (s *Service) run(ctx context.Context, id int64) (*huanxin.Actor, *Decision, error) {
	a, err := officer(ctx)
	if err != nil {
		return nil, nil, err
	}
	d, err := s.Store.FindDecisionByID(ctx, a.Scope, id)
	if err != nil {
		return nil, nil, err
	}
	return a, d, nil
}

// managed loads a decision an officer may run and checks that it may move
// to the status to.
func (s *Service) managed(ctx context.Context, id int64, to Status) (*Decision, error) {
	_, d, err := s.run(ctx, id)
	if err != nil {
		return nil, err
	}
	if next[d.Status] != to {
		return nil, huanxin.Errorf(huanxin.EINVALID, "表决状态为“%s”，不能转为“%s” the decision is %s and cannot become %s",
			d.Status, to, d.Status, to)
	}
	return d, nil
}

func (s *Service) move(ctx context.Context, id int64, to Status) error {
	d, err := s.managed(ctx, id, to)
	if err != nil {
		return err
	}
	return s.Store.SetDecisionStatus(ctx, d.ID, d.Status, to)
}

// Publish gives notice of a draft decision.
func (s *Service) Publish(ctx context.Context, id int64) error {
	return s.move(ctx, id, StatusPublished)
}

// Close ends the voting of an open decision.
func (s *Service) Close(ctx context.Context, id int64) error { return s.move(ctx, id, StatusClosed) }

// Announce publishes the result of a closed decision and keeps its digest,
// against which Verify later re-tallies.
func (s *Service) Announce(ctx context.Context, id int64) error {
	d, err := s.managed(ctx, id, StatusAnnounced)
	if err != nil {
		return err
	}
	r, err := s.tally(ctx, d)
	if err != nil {
		return err
	}
	if r.Pending > 0 || r.Mismatched > 0 {
		return huanxin.Errorf(huanxin.EINVALID,
			"还有 %d 张书面票待复核录入、%d 张两次录入不一致，处理完毕后才能公布结果 %d paper ballots await their second entry and %d a review; settle them before announcing",
			r.Pending, r.Mismatched, r.Pending, r.Mismatched)
	}
	return s.Store.AnnounceDecision(ctx, d.ID, audit.Digest(r))
}

// Verify recomputes an announced decision's result from the stored ballots
// and the frozen electorate and reports whether it is the one announced.
func (s *Service) Verify(ctx context.Context, id int64) (Result, bool, error) {
	d, err := s.Get(ctx, id)
	if err != nil {
		return Result{}, false, err
	}
	want, err := s.Store.DecisionResultDigest(ctx, d.ID)
	if err != nil {
		return Result{}, false, err
	}
	if want == "" {
		return Result{}, false, huanxin.Errorf(huanxin.EINVALID, "结果尚未公布 the result has not been announced")
	}
	r, err := s.tally(ctx, d)
	return r, err == nil && audit.Digest(r) == want, err
}

// Finalize makes an announced result final once its objection period has
// ended and every objection has been answered.
func (s *Service) Finalize(ctx context.Context, id int64) error {
	d, err := s.managed(ctx, id, StatusFinal)
	if err != nil {
		return err
	}
	if until := d.ObjectionsUntil(); s.now().Before(until) {
		at := until.In(huanxin.Shanghai).Format("2006-01-02 15:04")
		return huanxin.Errorf(huanxin.EINVALID, "公示期至 %s 结束，期满后方可生效 the objection period runs until %s", at, at)
	}
	os, err := s.Store.Objections(ctx, d.ID)
	if err != nil {
		return err
	}
	open := 0
	for _, o := range os {
		if o.AnsweredBy == 0 {
			open++
		}
	}
	if open > 0 {
		return huanxin.Errorf(huanxin.EINVALID, "还有 %d 条异议未答复 %d objections are not answered yet", open, open)
	}
	return s.Store.SetDecisionStatus(ctx, d.ID, d.Status, StatusFinal)
}

// Open freezes the electorate from the register as it stands now and opens
// the vote. Later register changes do not move the frozen electorate.
func (s *Service) Open(ctx context.Context, id int64) error {
	d, err := s.managed(ctx, id, StatusOpen)
	if err != nil {
		return err
	}
	if notice := d.PublishedAt.AddDate(0, 0, d.NoticeDays); s.now().Before(notice) {
		return huanxin.Errorf(huanxin.EINVALID, "公告期未满，%s 后方可开始投票 the notice period runs until %s",
			notice.In(huanxin.Shanghai).Format("2006-01-02 15:04"), notice.In(huanxin.Shanghai).Format("2006-01-02 15:04"))
	}
	parts, err := s.scopeParts(ctx, d)
	if err != nil {
		return err
	}
	if len(parts) == 0 {
		return huanxin.Errorf(huanxin.EINVALID, "表决范围内没有专有部分 there are no exclusive parts in the scope")
	}
	inScope := map[int64]bool{}
	for _, p := range parts {
		inScope[p.ID] = true
	}
	var owns []estate.Ownership
	err = all(ctx, s.Register.Ownerships(), estate.Filter{EstateID: &d.EstateID}, func(o *estate.Ownership) {
		if inScope[o.PartID] {
			owns = append(owns, *o)
		}
	})
	if err != nil {
		return err
	}
	e, err := Freeze(Inputs(parts, owns))
	if err != nil {
		return err
	}
	if err := s.Store.FreezeElectorate(ctx, d.ID, e); err != nil {
		return err
	}
	if s.Notify == nil {
		return nil
	}
	// The vote is open whatever happens to the messages: a failure to
	// queue them is logged, not reported as a failed opening.
	ids := make([]int64, len(parts))
	for i, p := range parts {
		ids[i] = p.ID
	}
	if err := s.Notify.ToResidentsOfParts(ctx, ids, notify.Message{CityID: d.CityID, Kind: notify.KindDecision,
		Title: "业主表决开始投票：" + d.Title, Body: "请在投票截止前完成投票。Voting has opened.",
		Link: "/vote/" + strconv.FormatInt(d.ID, 10)}); err != nil {
		cmp.Or(s.Log, slog.Default()).Error("notify the opening of a decision", "decision", d.ID, "err", err)
	}
	return nil
}

// scopeParts loads the exclusive parts of a decision's scope.
func (s *Service) scopeParts(ctx context.Context, d *Decision) ([]estate.Part, error) {
	var out []estate.Part
	add := func(p *estate.Part) { out = append(out, *p) }
	base := estate.Filter{EstateID: &d.EstateID}
	if d.ScopeKind == ScopeEstate {
		return out, all(ctx, s.Register.Parts(), base, add)
	}
	// The other scopes list IDs of buildings, stairwells or parts.
	narrow := map[ScopeKind]func(f *estate.Filter, id *int64){
		ScopeBuildings: func(f *estate.Filter, id *int64) { f.BuildingID = id },
		ScopeStairwell: func(f *estate.Filter, id *int64) { f.StairwellID = id },
		ScopeParts:     func(f *estate.Filter, id *int64) { f.ID = id },
	}[d.ScopeKind]
	if narrow == nil {
		return nil, huanxin.Errorf(huanxin.EINVALID, "表决范围无效 invalid scope %q", d.ScopeKind)
	}
	for _, id := range d.ScopeIDs {
		f := base
		narrow(&f, &id)
		if err := all(ctx, s.Register.Parts(), f, add); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// all reads every page of a scoped register list.
func all[T any](ctx context.Context, r *estate.Repo[T], f estate.Filter, fn func(*T)) error {
	const page = 1000
	f.Limit = page
	for f.Offset = 0; ; f.Offset += page {
		list, n, err := r.Find(ctx, f)
		if err != nil {
			return err
		}
		for _, v := range list {
			fn(v)
		}
		if len(list) < page || f.Offset+len(list) >= n {
			return nil
		}
	}
}

// Result tallies the stored ballots over the frozen electorate. It is
// available once voting has closed, to everyone in scope; while a vote is
// open only the turnout is shown.
func (s *Service) Result(ctx context.Context, id int64) (Result, error) {
	d, err := s.Get(ctx, id)
	if err != nil {
		return Result{}, err
	}
	switch d.Status {
	case StatusDraft, StatusPublished:
		return Result{}, huanxin.Errorf(huanxin.EINVALID, "尚未开始投票 voting has not opened")
	case StatusOpen:
		// While a vote is open nobody sees the choices, officers included,
		// unless the decision lets its officers follow the count.
		a := huanxin.ActorFromContext(ctx)
		if !d.OpenCount || !a.Role.CanEditRegister() {
			return Result{}, huanxin.Errorf(huanxin.EINVALID, "投票尚未结束，只能查看参与情况 voting is still open; only the turnout is shown")
		}
	}
	return s.tally(ctx, d)
}

// Turnout is who has taken part so far, without their choices. Ballots
// and Participating count the ballots that count (one per person);
// Pending and Mismatched are the paper ballots awaiting their second entry
// and those whose two entries differ; Conflicts the persons who voted
// both online and on paper.
type Turnout struct {
	Electorate, Participating Count
	Ballots                   int
	Pending, Mismatched       int
	Conflicts                 int
	// ByChannel is the participation per way of voting (Via) of the
	// counted ballots, Proxy the part of it signed by proxies; ByBuilding
	// the participation and electorate per building (a person holding
	// parts in several buildings counts once in each).
	ByChannel  map[string]Count
	Proxy      Count
	ByBuilding map[int64]BuildingTurnout
}

// Via names how a ballot arrived: "online", or "paper_" and how the paper
// was collected.
func (b *StoredBallot) Via() string {
	if b.Channel == ChannelOnline {
		return string(ChannelOnline)
	}
	return string(ChannelPaper) + "_" + string(b.Counted().Collection)
}

// BuildingTurnout is the turnout within one building.
type BuildingTurnout struct {
	Electorate, Participating Count
}

// perBuilding returns a voter's area per building.
func perBuilding(v Voter) map[int64]huanxin.Area {
	m := map[int64]huanxin.Area{}
	for _, p := range v.Parts {
		m[p.BuildingID] += p.Area
	}
	return m
}

// Turnout returns the participation in an open or closed decision: the
// part of the electorate (area and persons) that has cast a ballot.
func (s *Service) Turnout(ctx context.Context, id int64) (Turnout, error) {
	d, err := s.Get(ctx, id)
	if err != nil {
		return Turnout{}, err
	}
	if d.Status == StatusDraft || d.Status == StatusPublished {
		return Turnout{}, huanxin.Errorf(huanxin.EINVALID, "尚未开始投票 voting has not opened")
	}
	c, err := s.counting(ctx, d)
	if err != nil {
		return Turnout{}, err
	}
	e := c.electorate
	t := Turnout{Electorate: Count{Area: e.TotalArea, Persons: e.TotalPersons}, Ballots: len(c.ballots), Pending: c.pending,
		Mismatched: c.mismatched, Conflicts: len(c.conflicts)}
	t.ByChannel, t.ByBuilding = map[string]Count{}, map[int64]BuildingTurnout{}
	for _, v := range e.Voters {
		for b, area := range perBuilding(v) {
			bt := t.ByBuilding[b]
			bt.Electorate.Area += area
			bt.Electorate.Persons++
			t.ByBuilding[b] = bt
		}
	}
	add := func(c *Count, a huanxin.Area) { c.Area += a; c.Persons++ }
	for _, b := range c.ballots {
		v, ok := e.Voter(b.Person)
		if !ok {
			continue
		}
		add(&t.Participating, v.Area)
		via := t.ByChannel[b.Via()]
		add(&via, v.Area)
		t.ByChannel[b.Via()] = via
		if b.Counted().Proxy != "" {
			add(&t.Proxy, v.Area)
		}
		for bld, area := range perBuilding(v) {
			bt := t.ByBuilding[bld]
			add(&bt.Participating, area)
			t.ByBuilding[bld] = bt
		}
	}
	return t, nil
}

// Electorate returns the frozen electorate of a decision, for the
// officers who run it (the paper-ballot form lists its voters).
func (s *Service) Electorate(ctx context.Context, id int64) (Electorate, error) {
	_, d, err := s.run(ctx, id)
	if err != nil {
		return Electorate{}, err
	}
	return s.electorate(ctx, d.ID)
}

// count is what counting loads: the frozen electorate, the ballots that
// count (counted, and chosen under the conflict rule), the conflicts, and
// the numbers of paper ballots left out as pending or mismatched.
type count struct {
	electorate          Electorate
	ballots             []*StoredBallot
	conflicts           []Conflict
	pending, mismatched int
}

// counting loads what a count of the decision needs.
func (s *Service) counting(ctx context.Context, d *Decision) (c count, err error) {
	if c.electorate, err = s.electorate(ctx, d.ID); err != nil {
		return c, err
	}
	stored, err := s.Store.Ballots(ctx, d.ID)
	if err != nil {
		return c, err
	}
	var counted []*StoredBallot
	for _, b := range stored {
		switch b.State {
		case BallotCounted:
			counted = append(counted, b)
		case BallotPending:
			c.pending++
		case BallotMismatched:
			c.mismatched++
		}
	}
	c.ballots, c.conflicts = resolve(d.Conflict, counted, (*StoredBallot).Ballot)
	return c, nil
}

// tally counts the stored ballots against the frozen electorate, from
// what the store reads for a tally alone where it can (Counter).
func (s *Service) tally(ctx context.Context, d *Decision) (Result, error) {
	if cs, ok := s.Store.(Counter); ok {
		c, err := cs.Counted(ctx, d)
		if err != nil {
			return Result{}, err
		}
		return TallyCounted(d, c), nil
	}
	c, err := s.counting(ctx, d)
	if err != nil {
		return Result{}, err
	}
	bs := make([]Ballot, len(c.ballots))
	for i, b := range c.ballots {
		bs[i] = b.Ballot()
	}
	r := Tally(c.electorate, d.Matters, bs)
	r.Pending, r.Mismatched, r.Conflicts = c.pending, c.mismatched, c.conflicts
	return r, nil
}

// RegisterRow is one ballot of the ballot register.
type RegisterRow struct {
	No      int
	Voter   string // "#n" unless the reader may see names: then the person ID
	Area    huanxin.Area
	Parts   int
	Via     string // see StoredBallot.Via
	Proxy   bool   // signed by a proxy
	CastAt  time.Time
	Spoiled bool
	Choices []Choice // in matter order; 0 where none was marked
}

// BallotRegister lists the ballots of a closed decision for the result's
// publication. It is anonymised — ballots in an order unrelated to who
// cast them (by receipt hash), voters as numbers — except for auditors,
// who see the voters.
func (s *Service) BallotRegister(ctx context.Context, id int64) (*Decision, []RegisterRow, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, nil, err
	}
	if a.Role == huanxin.RoleResident || a.Role == huanxin.RoleContractor || a.Role == huanxin.RoleUtility {
		return nil, nil, huanxin.Errorf(huanxin.EFORBIDDEN, "无权查看选票清册 you may not see the ballot register")
	}
	d, err := s.Store.FindDecisionByID(ctx, a.Scope, id)
	if err != nil {
		return nil, nil, err
	}
	if d.Status == StatusDraft || d.Status == StatusPublished || d.Status == StatusOpen {
		return nil, nil, huanxin.Errorf(huanxin.EINVALID, "投票结束后才能导出选票清册 the ballot register is available once voting has closed")
	}
	c, err := s.counting(ctx, d)
	if err != nil {
		return nil, nil, err
	}
	e, stored := c.electorate, c.ballots
	slices.SortFunc(stored, func(x, y *StoredBallot) int { return bytes.Compare(x.ReceiptHash, y.ReceiptHash) })
	rows := make([]RegisterRow, len(stored))
	for i, b := range stored {
		v, _ := e.Voter(b.Person)
		en := b.Counted()
		r := RegisterRow{No: i + 1, Voter: "#" + strconv.Itoa(i+1), Area: v.Area, Parts: len(v.Parts), Via: b.Via(),
			Proxy: en.Proxy != "", CastAt: b.CastAt, Spoiled: en.Spoiled}
		if a.Role == huanxin.RoleAuditor {
			r.Voter = string(b.Person)
		}
		for _, m := range d.Matters {
			r.Choices = append(r.Choices, en.Choices[m.ID])
		}
		rows[i] = r
	}
	return d, rows, nil
}
