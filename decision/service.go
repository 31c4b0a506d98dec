package decision

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/estate"
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

// Channel is how a ballot arrived.
type Channel string

const (
	ChannelOnline      Channel = "online"       // 线上
	ChannelPaperOnsite Channel = "paper_onsite" // 现场纸质票
	ChannelPaperDoor   Channel = "paper_door"   // 上门纸质票
	ChannelVideo       Channel = "video"        // 视频
	ChannelProxy       Channel = "proxy"        // 委托代理
)

var channels = []Channel{ChannelOnline, ChannelPaperOnsite, ChannelPaperDoor, ChannelVideo, ChannelProxy}

// Decision is an owners' joint decision with its agenda.
type Decision struct {
	ID          int64
	CityID      int64
	EstateID    int64
	Title       string
	Description string
	Status      Status
	ScopeKind   ScopeKind
	ScopeIDs    []int64 // buildings, the stairwell or parts; empty for the estate
	NoticeDays  int     // days between publication and opening
	PublishedAt time.Time
	OpensAt     time.Time
	ClosesAt    time.Time
	CreatedBy   int64
	Created     time.Time
	Updated     time.Time
	Matters     []Matter // in agenda order
}

// BallotState says whether a stored ballot counts. An online ballot is
// counted at once; an off-line (paper) ballot is entered twice by two
// different officers: pending after the first entry, counted when the
// second agrees with it, mismatched (flagged, not counted) when it does not.
type BallotState string

const (
	BallotCounted    BallotState = "counted"    // 计票
	BallotPending    BallotState = "pending"    // 待第二人复核
	BallotMismatched BallotState = "mismatched" // 两次录入不一致
)

// StoredBallot is a ballot as kept: who cast it, how, when, and the hash of
// the receipt code handed to the voter. For an off-line ballot Channel,
// Choices and Spoiled are the first entry and the Second fields the
// confirming one; a pending ballot's ReceiptHash is a random placeholder
// whose code nobody holds.
type StoredBallot struct {
	ID          int64
	CityID      int64
	DecisionID  int64
	Person      PersonID
	Channel     Channel
	Choices     map[MatterID]Choice
	Spoiled     bool
	ReceiptHash []byte
	CastBy      int64 // user who entered it (the first entry of an off-line ballot)
	CastAt      time.Time
	State       BallotState
	ScanSHA256  string // hex SHA-256 of the scan or photo of the paper ballot, if any
	ScanName    string // its file name

	SecondBy      int64 // user who made the confirming entry; 0 before it
	SecondChannel Channel
	SecondChoices map[MatterID]Choice
	SecondSpoiled bool
	SecondAt      time.Time
}

// Ballot returns the ballot as the tally counts it.
func (b *StoredBallot) Ballot() Ballot {
	return Ballot{Person: b.Person, Choices: b.Choices, Spoiled: b.Spoiled, Channel: string(b.Channel)}
}

// Store is what the decision service needs from storage.
type Store interface {
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
	// the same person fails with ECONFLICT.
	CastBallot(ctx context.Context, b *StoredBallot) error
	// FindBallot returns the ballot of a person in a decision, or
	// ENOTFOUND.
	FindBallot(ctx context.Context, id int64, person PersonID) (*StoredBallot, error)
	// ConfirmBallot stores the second entry of a pending off-line ballot
	// of an open decision with its new State and ReceiptHash; it fails
	// with ECONFLICT when the ballot is no longer pending.
	ConfirmBallot(ctx context.Context, b *StoredBallot) error
	// Ballots lists the ballots of a decision.
	Ballots(ctx context.Context, id int64) ([]*StoredBallot, error)
	// FindReceipt returns the ballot with the receipt hash, or ENOTFOUND.
	FindReceipt(ctx context.Context, hash []byte) (*StoredBallot, error)
	// AnnounceDecision moves a closed decision to announced, keeping the
	// digest of the announced result.
	AnnounceDecision(ctx context.Context, id int64, digest string) error
	// DecisionResultDigest returns the digest kept at announcement.
	DecisionResultDigest(ctx context.Context, id int64) (string, error)
}

// Service runs owners' joint decisions: officers who may edit the register
// prepare, publish, open and close them within their scope; owners vote.
type Service struct {
	Store    Store
	Register *estate.Service

	// electorates caches frozen electorates by decision ID: they never
	// change once frozen, so every server may keep them, and casting does
	// not reload thousands of voters per ballot.
	electorates sync.Map
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

func actor(ctx context.Context) (*huanxin.Actor, error) {
	a := huanxin.ActorFromContext(ctx)
	if a == nil {
		return nil, huanxin.Errorf(huanxin.EUNAUTHORIZED, "请先登录 please sign in")
	}
	return a, nil
}

// officer returns the actor if it may run decisions.
func officer(ctx context.Context) (*huanxin.Actor, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Role.CanEditRegister() || a.ReadOnly {
		return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "无权组织表决 you may not run owners' decisions")
	}
	return a, nil
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
	if d.NoticeDays < 0 || d.NoticeDays > 90 {
		fail("notice_days", "应在 0–90 之间 out of range")
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
	}
	if err := s.checkScope(ctx, d, fail); err != nil {
		return err
	}
	if len(bad) > 0 {
		return huanxin.Invalid("输入有误 invalid input", bad...)
	}
	d.ID, d.CityID, d.Status, d.CreatedBy = 0, est.CityID, StatusDraft, a.UserID
	d.PublishedAt, d.OpensAt, d.ClosesAt = time.Time{}, time.Time{}, time.Time{}
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
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	return s.Store.FindDecisionByID(ctx, a.Scope, id)
}

// List returns the decisions of an estate visible to the actor.
func (s *Service) List(ctx context.Context, estateID int64) ([]*Decision, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	return s.Store.FindDecisions(ctx, a.Scope, estateID)
}

// managed loads a decision an officer may run and checks that it may move
// to the status to.
func (s *Service) managed(ctx context.Context, id int64, to Status) (*Decision, error) {
	a, err := officer(ctx)
	if err != nil {
		return nil, err
	}
	d, err := s.Store.FindDecisionByID(ctx, a.Scope, id)
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

// Finalize makes an announced result final.
func (s *Service) Finalize(ctx context.Context, id int64) error { return s.move(ctx, id, StatusFinal) }

// Open freezes the electorate from the register as it stands now and opens
// the vote. Later register changes do not move the frozen electorate.
func (s *Service) Open(ctx context.Context, id int64) error {
	d, err := s.managed(ctx, id, StatusOpen)
	if err != nil {
		return err
	}
	if notice := d.PublishedAt.AddDate(0, 0, d.NoticeDays); time.Now().Before(notice) {
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
	return s.Store.FreezeElectorate(ctx, d.ID, e)
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

// Vote is what a voter marks on a ballot. Person and Channel are set only
// by an officer entering a ballot received off-line (paper, video, proxy);
// an owner voting online leaves them empty.
type Vote struct {
	Person  PersonID
	Channel Channel
	Choices map[MatterID]Choice
	Spoiled bool
	// ScanSHA256 and ScanName identify the scan or photo of a paper
	// ballot (hex SHA-256 of the file and its name); off-line entries only.
	ScanSHA256 string
	ScanName   string
}

// Cast is the outcome of casting or entering a ballot: its state and, once
// it counts, the receipt code (shown only this once). Channel, Choices and
// Spoiled are those of this entry.
type Cast struct {
	State      BallotState
	Code       string // "" unless State is BallotCounted
	DecisionID int64
	Channel    Channel
	Choices    map[MatterID]Choice
	Spoiled    bool
	At         time.Time
}

// Cast records the ballot of one person of the frozen electorate. A
// resident votes online for the person whose frozen parts hold the
// resident's parts; the ballot counts at once and its receipt code is
// returned, shown only this once. An officer enters an off-line ballot for
// a named person by double entry: the first entry is kept pending and not
// counted; a second entry by another officer, made without seeing the
// first, makes the ballot counted (and hands out its receipt code) when
// both agree on channel, choices and spoiling, and mismatched (flagged,
// not counted) when they differ. The officer of the first entry cannot
// make the second (EFORBIDDEN). Any other second ballot of a person fails
// with ECONFLICT.
func (s *Service) Cast(ctx context.Context, id int64, v Vote) (*Cast, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if a.ReadOnly {
		return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "只读凭证不能投票 a read-only token cannot vote")
	}
	d, err := s.Store.FindDecisionByID(ctx, a.Scope, id)
	if err != nil {
		return nil, err
	}
	if d.Status != StatusOpen {
		return nil, huanxin.Errorf(huanxin.EINVALID, "表决状态为“%s”，不在投票期内 the decision is %s, not open for voting", d.Status, d.Status)
	}
	e, err := s.electorate(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	var voter Voter
	switch {
	case a.Role == huanxin.RoleResident:
		if v.Person != "" || (v.Channel != "" && v.Channel != ChannelOnline) {
			return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "业主只能为本人在线投票 owners vote online for themselves only")
		}
		if v.ScanSHA256 != "" || v.ScanName != "" {
			return nil, huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "scan_sha256", Message: "线上投票没有扫描件 an online ballot has no scan"})
		}
		if voter, err = residentVoter(e, a.Scope.PartIDs, a.OwnerID); err != nil {
			return nil, err
		}
		v.Channel = ChannelOnline
	case a.Role.CanEditRegister():
		var ok bool
		if voter, ok = e.Voter(v.Person); !ok {
			return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "此人不在本次表决的投票人名单中 the person is not in the electorate of this vote")
		}
		if v.Channel == ChannelOnline || !slices.Contains(channels, v.Channel) {
			return nil, huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "channel", Message: "应为线下渠道 must be an off-line channel"})
		}
		v.ScanName = strings.TrimSpace(v.ScanName)
		if bad := validScan(v.ScanSHA256, v.ScanName); len(bad) > 0 {
			return nil, huanxin.Invalid("输入有误 invalid input", bad...)
		}
	default:
		return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "无权投票 you may not vote")
	}
	choices := map[MatterID]Choice{}
	for _, m := range d.Matters {
		c, ok := v.Choices[m.ID]
		if !ok {
			continue
		}
		if c != Agree && c != Oppose && c != Abstain {
			return nil, huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "choices." + strconv.FormatInt(int64(m.ID), 10), Message: "取值无效 invalid choice"})
		}
		choices[m.ID] = c
	}
	for id := range v.Choices {
		if _, ok := choices[id]; !ok && !slices.ContainsFunc(d.Matters, func(m Matter) bool { return m.ID == id }) {
			return nil, huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "choices", Message: "不是本次表决的事项 not a matter of this decision"})
		}
	}
	code, hash, err := newReceipt()
	if err != nil {
		return nil, err
	}
	out := &Cast{State: BallotCounted, Code: code, DecisionID: d.ID, Channel: v.Channel, Choices: choices, Spoiled: v.Spoiled}
	if v.Channel == ChannelOnline {
		b := &StoredBallot{CityID: d.CityID, DecisionID: d.ID, Person: voter.ID, Channel: v.Channel, Choices: choices,
			Spoiled: v.Spoiled, ReceiptHash: hash, CastBy: a.UserID, State: BallotCounted}
		if err := s.Store.CastBallot(ctx, b); err != nil {
			return nil, err
		}
		out.At = b.CastAt
		return out, nil
	}
	prev, err := s.Store.FindBallot(ctx, d.ID, voter.ID)
	switch {
	case huanxin.ErrorCode(err) == huanxin.ENOTFOUND:
		// The first entry: kept pending under a placeholder receipt hash
		// whose code is thrown away.
		b := &StoredBallot{CityID: d.CityID, DecisionID: d.ID, Person: voter.ID, Channel: v.Channel, Choices: choices,
			Spoiled: v.Spoiled, ReceiptHash: hash, CastBy: a.UserID, State: BallotPending, ScanSHA256: v.ScanSHA256,
			ScanName: v.ScanName}
		if err := s.Store.CastBallot(ctx, b); err != nil {
			return nil, err
		}
		out.State, out.Code, out.At = BallotPending, "", b.CastAt
		return out, nil
	case err != nil:
		return nil, err
	case prev.State != BallotPending:
		return nil, huanxin.Errorf(huanxin.ECONFLICT, "此人已投票，不能重复投票 this person has already voted")
	case prev.CastBy == a.UserID:
		return nil, huanxin.Errorf(huanxin.EFORBIDDEN,
			"复核录入须由另一名工作人员完成，您已录入过此票 the confirming entry must be made by another officer; you made the first entry")
	}
	prev.SecondBy, prev.SecondChannel, prev.SecondChoices, prev.SecondSpoiled = a.UserID, v.Channel, choices, v.Spoiled
	if prev.ScanSHA256 == "" {
		prev.ScanSHA256, prev.ScanName = v.ScanSHA256, v.ScanName
	}
	if prev.Channel == v.Channel && prev.Spoiled == v.Spoiled && maps.Equal(prev.Choices, choices) {
		prev.State, prev.ReceiptHash = BallotCounted, hash
	} else {
		prev.State, out.Code = BallotMismatched, ""
	}
	if err := s.Store.ConfirmBallot(ctx, prev); err != nil {
		return nil, err
	}
	out.State, out.At = prev.State, prev.SecondAt
	return out, nil
}

// validScan checks the hex SHA-256 and the file name of a scan.
func validScan(sum, name string) []huanxin.FieldError {
	var bad []huanxin.FieldError
	if len(sum) != 0 && (len(sum) != 64 || strings.Trim(sum, "0123456789abcdef") != "") {
		bad = append(bad, huanxin.FieldError{Field: "scan_sha256", Message: "应为64位小写十六进制 must be 64 lower-case hex digits"})
	}
	if utf8.RuneCountInString(name) > 255 {
		bad = append(bad, huanxin.FieldError{Field: "scan_name", Message: "过长 too long (max 255)"})
	}
	if sum == "" && name != "" {
		bad = append(bad, huanxin.FieldError{Field: "scan_sha256", Message: "必填 required with scan_name"})
	}
	return bad
}

// residentVoter finds the one voting person whose frozen parts hold the
// resident's parts. Parts held by the developer, or without a recorded
// owner, give no online vote.
// residentVoter finds the frozen voter that holds the resident's parts; the
// resident must be one of that voter's owners (a tenant or family member
// with an account cannot vote for the owner).
func residentVoter(e Electorate, parts []int64, owner int64) (Voter, error) {
	var found []Voter
	for _, v := range e.Voters {
		if slices.ContainsFunc(v.Parts, func(p VoterPart) bool { return slices.Contains(parts, p.PartID) }) {
			found = append(found, v)
		}
	}
	switch {
	case len(found) == 0:
		return Voter{}, huanxin.Errorf(huanxin.EFORBIDDEN, "您不在本次表决的投票人名单中 you are not in the electorate of this vote")
	case len(found) > 1:
		return Voter{}, huanxin.Errorf(huanxin.EINVALID, "您的房屋分属不同投票人，请到现场投票 your parts belong to several voters; vote on site")
	case len(found[0].Owners) == 0:
		return Voter{}, huanxin.Errorf(huanxin.EFORBIDDEN, "该房屋没有登记业主，不能在线投票 the part has no registered owner and cannot vote online")
	case !slices.Contains(found[0].Owners, owner):
		return Voter{}, huanxin.Errorf(huanxin.EFORBIDDEN, "只有登记的业主可以投票 only a registered owner can vote")
	}
	return found[0], nil
}

var receiptEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// newReceipt returns a random receipt code (16 characters, 80 bits) and the
// hash that is stored.
func newReceipt() (string, []byte, error) {
	raw := make([]byte, 10)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, err
	}
	code := receiptEncoding.EncodeToString(raw)
	return code, ReceiptHash(code), nil
}

// ReceiptHash returns the stored hash of a receipt code, ignoring case,
// spaces and dashes.
func ReceiptHash(code string) []byte {
	code = strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(code)))
	h := sha256.Sum256([]byte(code))
	return h[:]
}

// Receipt is what a receipt code shows: the ballot was recorded as cast.
type Receipt struct {
	DecisionID int64
	Channel    Channel
	CastAt     time.Time
	Choices    map[MatterID]Choice
	Spoiled    bool
}

// CheckReceipt returns the ballot a receipt code stands for.
func (s *Service) CheckReceipt(ctx context.Context, code string) (*Receipt, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	b, err := s.Store.FindReceipt(ctx, ReceiptHash(code))
	if err != nil {
		return nil, err
	}
	return &Receipt{DecisionID: b.DecisionID, Channel: b.Channel, CastAt: b.CastAt, Choices: b.Choices, Spoiled: b.Spoiled}, nil
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
		// While a vote is open nobody sees the choices, officers included:
		// only the turnout.
		return Result{}, huanxin.Errorf(huanxin.EINVALID, "投票尚未结束，只能查看参与情况 voting is still open; only the turnout is shown")
	}
	return s.tally(ctx, d)
}

// Turnout is who has taken part so far, without their choices. Ballots
// and Participating count the counted ballots only; Pending and Mismatched
// are the paper ballots awaiting their second entry and those whose two
// entries differ.
type Turnout struct {
	Electorate, Participating Count
	Ballots                   int
	Pending, Mismatched       int
	// ByChannel is the participation per channel of the counted ballots;
	// ByBuilding the participation and electorate per building (a person
	// holding parts in several buildings counts once in each).
	ByChannel  map[Channel]Count
	ByBuilding map[int64]BuildingTurnout
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

// counted splits stored ballots into those that count and the numbers of
// pending and mismatched paper ballots.
func counted(stored []*StoredBallot) (out []*StoredBallot, pending, mismatched int) {
	for _, b := range stored {
		switch b.State {
		case BallotCounted:
			out = append(out, b)
		case BallotPending:
			pending++
		case BallotMismatched:
			mismatched++
		}
	}
	return out, pending, mismatched
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
	e, stored, pending, mismatched, err := s.counting(ctx, d.ID)
	if err != nil {
		return Turnout{}, err
	}
	t := Turnout{Electorate: Count{Area: e.TotalArea, Persons: e.TotalPersons}, Ballots: len(stored), Pending: pending,
		Mismatched: mismatched}
	t.ByChannel, t.ByBuilding = map[Channel]Count{}, map[int64]BuildingTurnout{}
	for _, v := range e.Voters {
		for b, area := range perBuilding(v) {
			bt := t.ByBuilding[b]
			bt.Electorate.Area += area
			bt.Electorate.Persons++
			t.ByBuilding[b] = bt
		}
	}
	for _, b := range stored {
		v, ok := e.Voter(b.Person)
		if !ok {
			continue
		}
		t.Participating.Area += v.Area
		t.Participating.Persons++
		c := t.ByChannel[b.Channel]
		c.Area += v.Area
		c.Persons++
		t.ByChannel[b.Channel] = c
		for bld, area := range perBuilding(v) {
			bt := t.ByBuilding[bld]
			bt.Participating.Area += area
			bt.Participating.Persons++
			t.ByBuilding[bld] = bt
		}
	}
	return t, nil
}

// Electorate returns the frozen electorate of a decision, for the
// officers who run it (the paper-ballot form lists its voters).
func (s *Service) Electorate(ctx context.Context, id int64) (Electorate, error) {
	a, err := officer(ctx)
	if err != nil {
		return Electorate{}, err
	}
	d, err := s.Store.FindDecisionByID(ctx, a.Scope, id)
	if err != nil {
		return Electorate{}, err
	}
	return s.electorate(ctx, d.ID)
}

// counting loads the frozen electorate and the ballots that count, with
// the numbers of pending and mismatched paper ballots left out.
func (s *Service) counting(ctx context.Context, id int64) (e Electorate, stored []*StoredBallot, pending, mismatched int, err error) {
	if e, err = s.electorate(ctx, id); err != nil {
		return
	}
	if stored, err = s.Store.Ballots(ctx, id); err != nil {
		return
	}
	stored, pending, mismatched = counted(stored)
	return
}

// tally counts the stored ballots against the frozen electorate.
func (s *Service) tally(ctx context.Context, d *Decision) (Result, error) {
	e, stored, pending, mismatched, err := s.counting(ctx, d.ID)
	if err != nil {
		return Result{}, err
	}
	bs := make([]Ballot, len(stored))
	for i, b := range stored {
		bs[i] = b.Ballot()
	}
	r := Tally(e, d.Matters, bs)
	r.Pending, r.Mismatched = pending, mismatched
	return r, nil
}

// PaperEntry is an off-line ballot that does not count yet: pending its
// second entry, or mismatched and flagged for review. It shows who entered
// it, never its choices.
type PaperEntry struct {
	Person    PersonID
	Channel   Channel // of the first entry
	State     BallotState
	EnteredBy int64
	EnteredAt time.Time
	SecondBy  int64 // 0 while pending
	ScanName  string
}

// PaperEntries lists the pending and mismatched paper ballots of a
// decision, for the officers who run it.
func (s *Service) PaperEntries(ctx context.Context, id int64) ([]PaperEntry, error) {
	a, err := officer(ctx)
	if err != nil {
		return nil, err
	}
	d, err := s.Store.FindDecisionByID(ctx, a.Scope, id)
	if err != nil {
		return nil, err
	}
	stored, err := s.Store.Ballots(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	var out []PaperEntry
	for _, b := range stored {
		if b.State == BallotPending || b.State == BallotMismatched {
			out = append(out, PaperEntry{Person: b.Person, Channel: b.Channel, State: b.State, EnteredBy: b.CastBy,
				EnteredAt: b.CastAt, SecondBy: b.SecondBy, ScanName: b.ScanName})
		}
	}
	return out, nil
}

// RegisterRow is one ballot of the ballot register.
type RegisterRow struct {
	No      int
	Voter   string // "#n" unless the reader may see names: then the person ID
	Area    huanxin.Area
	Parts   int
	Channel Channel
	CastAt  time.Time
	Spoiled bool
	Choices []Choice // in matter order; 0 where none was marked
}

// BallotRegister lists the ballots of a closed decision for the result's
// publication. It is anonymised — ballots in an order unrelated to who
// cast them (by receipt hash), voters as numbers — except for auditors,
// who see the voters.
func (s *Service) BallotRegister(ctx context.Context, id int64) (*Decision, []RegisterRow, error) {
	a, err := actor(ctx)
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
	e, stored, _, _, err := s.counting(ctx, d.ID)
	if err != nil {
		return nil, nil, err
	}
	slices.SortFunc(stored, func(x, y *StoredBallot) int { return bytes.Compare(x.ReceiptHash, y.ReceiptHash) })
	rows := make([]RegisterRow, len(stored))
	for i, b := range stored {
		v, _ := e.Voter(b.Person)
		r := RegisterRow{No: i + 1, Voter: "#" + strconv.Itoa(i+1), Area: v.Area, Parts: len(v.Parts), Channel: b.Channel,
			CastAt: b.CastAt, Spoiled: b.Spoiled}
		if a.Role == huanxin.RoleAuditor {
			r.Voter = string(b.Person)
		}
		for _, m := range d.Matters {
			r.Choices = append(r.Choices, b.Choices[m.ID])
		}
		rows[i] = r
	}
	return d, rows, nil
}
