package decision

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
)

// Channel is how a ballot arrived: cast online by the owner, or handed in on
// paper and entered by officers.
type Channel string

const (
	ChannelOnline Channel = "online" // 线上
	ChannelPaper  Channel = "paper"  // 书面
)

// Collection is how a paper ballot was collected.
type Collection string

const (
	CollectOnsite Collection = "onsite" // 现场投票
	CollectDoor   Collection = "door"   // 上门收集
	CollectVideo  Collection = "video"  // 视频投票（书面确认）
)

// Collections lists the collection methods of paper ballots.
var Collections = []Collection{CollectOnsite, CollectDoor, CollectVideo}

// BallotState says whether a stored ballot counts. An online ballot is
// counted at once; a paper ballot is entered twice by two different
// officers: pending after the first entry, counted when the second agrees
// with it, mismatched (flagged, not counted) when it does not, until a
// third officer settles it from the scan.
type BallotState string

const (
	BallotCounted    BallotState = "counted"    // 计票
	BallotPending    BallotState = "pending"    // 待第二人复核
	BallotMismatched BallotState = "mismatched" // 两次录入不一致
)

// Entry is one reading of a ballot: what the voter marked and, for a paper
// ballot, how it was collected and who signed it as proxy.
type Entry struct {
	Collection Collection // paper ballots only
	Proxy      string     // name of the proxy who signed under a written authorisation, if any
	Choices    map[MatterID]Choice
	Spoiled    bool
}

// same reports whether two readings of one paper ballot agree.
func (e Entry) same(o Entry) bool {
	return e.Collection == o.Collection && e.Proxy == o.Proxy && e.Spoiled == o.Spoiled && maps.Equal(e.Choices, o.Choices)
}

// StoredBallot is a ballot as kept: who cast it, how, when, and the hash of
// the receipt code handed to the voter. Entry is the ballot itself (for a
// paper ballot its first entry), Second the confirming entry and Review
// the reading of the officer who settled a mismatch; a pending ballot's
// ReceiptHash is a random placeholder whose code nobody holds.
type StoredBallot struct {
	ID         int64
	CityID     int64
	DecisionID int64
	Person     PersonID
	Channel    Channel
	Entry
	ProxyFileID int64 // the written authorisation of a proxy
	ReceiptHash []byte
	CastBy      int64 // user who cast or first entered it
	CastAt      time.Time
	RevisedAt   time.Time // last change of an online ballot, where the rules allow it
	State       BallotState
	ScanFileID  int64  // the scan or photo of a paper ballot, if any
	ScanSHA256  string // its hex SHA-256 and name
	ScanName    string

	SecondBy int64 // user who made the confirming entry; 0 before it
	Second   Entry
	SecondAt time.Time

	ReviewBy   int64 // user who settled a mismatch; 0 if none
	Review     Entry
	ReviewNote string
	ReviewAt   time.Time
}

// Counted returns the reading of the ballot that the tally uses.
func (b *StoredBallot) Counted() Entry {
	if b.ReviewBy != 0 {
		return b.Review
	}
	return b.Entry
}

// Ballot returns the ballot as the tally counts it.
func (b *StoredBallot) Ballot() Ballot {
	e := b.Counted()
	return Ballot{Person: b.Person, Choices: e.Choices, Spoiled: e.Spoiled, Channel: string(b.Channel), At: b.CastAt}
}

// Vote is what is marked on a ballot. An owner voting online gives Choices
// only. An officer entering a paper ballot names the Person and how it was
// collected; a ballot signed by a proxy names the proxy and the stored
// file of the written authorisation; the scan of the paper is optional.
type Vote struct {
	Person      PersonID
	Collection  Collection
	Proxy       string
	ProxyFileID int64
	ScanFileID  int64
	Choices     map[MatterID]Choice
	Spoiled     bool
}

// Cast is the outcome of casting or entering a ballot: its state and, once
// it counts, the receipt code (shown only this once).
type Cast struct {
	State      BallotState
	Code       string // "" unless State is BallotCounted
	DecisionID int64
	Channel    Channel
	Entry
	Revised bool // an online ballot replaced the owner's earlier one
	At      time.Time
}

// Cast records the ballot of one person of the frozen electorate.
//
// A resident votes online for the person whose frozen parts hold the
// resident's parts; the ballot counts at once and its receipt code is
// returned, shown only this once. A second online ballot of the person
// replaces the first where the decision allows changes until closing
// (a new receipt code is issued; the old one then reports it was
// replaced), and fails with ECONFLICT otherwise.
//
// An officer enters a paper ballot for a named person by double entry: the
// first entry is kept pending and not counted; a second entry by another
// officer, made without seeing the first, makes the ballot counted (and
// hands out its receipt code) when both agree on collection, proxy,
// choices and spoiling, and mismatched (flagged, not counted) when they
// differ. The officer of the first entry cannot make the second
// (EFORBIDDEN). A person may hold one online and one paper ballot; which
// counts is the decision's conflict rule. Second entries may still be made
// after closing, until the result is announced.
func (s *Service) Cast(ctx context.Context, id int64, v Vote) (*Cast, error) {
	a, err := huanxin.SignedIn(ctx)
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
	e, err := s.electorate(ctx, d.ID)
	if err != nil && d.Status == StatusOpen {
		return nil, err
	}
	choices, err := checkChoices(d, v.Choices)
	if err != nil {
		return nil, err
	}
	switch {
	case a.Role == huanxin.RoleResident:
		if v.Person != "" || v.Collection != "" || v.Proxy != "" || v.ProxyFileID != 0 || v.ScanFileID != 0 {
			return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "业主只能为本人在线投票 owners vote online for themselves only")
		}
		if d.Status != StatusOpen {
			return nil, notOpen(d)
		}
		voter, err := residentVoter(e, a.Scope.PartIDs, a.OwnerID)
		if err != nil {
			return nil, err
		}
		return s.castOnline(ctx, a, d, voter, Entry{Choices: choices, Spoiled: v.Spoiled})
	case a.Role.CanEditRegister():
		if d.Status != StatusOpen && d.Status != StatusClosed {
			return nil, notOpen(d)
		}
		voter, ok := e.Voter(v.Person)
		if !ok {
			return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "此人不在本次表决的投票人名单中 the person is not in the electorate of this vote")
		}
		return s.enterPaper(ctx, a, d, voter, v, Entry{Collection: v.Collection, Proxy: strings.TrimSpace(v.Proxy),
			Choices: choices, Spoiled: v.Spoiled})
	}
	return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "无权投票 you may not vote")
}

func notOpen(d *Decision) error {
	return huanxin.Errorf(huanxin.EINVALID, "表决状态为“%s”，不在投票期内 the decision is %s, not open for voting", d.Status, d.Status)
}

// checkChoices keeps the valid choices on the decision's matters.
func checkChoices(d *Decision, in map[MatterID]Choice) (map[MatterID]Choice, error) {
	choices := map[MatterID]Choice{}
	for id, c := range in {
		if !slices.ContainsFunc(d.Matters, func(m Matter) bool { return m.ID == id }) {
			return nil, huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "choices", Message: "不是本次表决的事项 not a matter of this decision"})
		}
		if c != Agree && c != Oppose && c != Abstain {
			return nil, huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "choices." + strconv.FormatInt(int64(id), 10), Message: "取值无效 invalid choice"})
		}
		choices[id] = c
	}
	return choices, nil
}

// castOnline stores or, where allowed, replaces an owner's online ballot.
func (s *Service) castOnline(ctx context.Context, a *huanxin.Actor, d *Decision, voter Voter, en Entry) (*Cast, error) {
	code, hash, err := newReceipt()
	if err != nil {
		return nil, err
	}
	out := &Cast{State: BallotCounted, Code: code, DecisionID: d.ID, Channel: ChannelOnline, Entry: en}
	b := &StoredBallot{CityID: d.CityID, DecisionID: d.ID, Person: voter.ID, Channel: ChannelOnline, Entry: en,
		ReceiptHash: hash, CastBy: a.UserID, State: BallotCounted}
	err = s.Store.CastBallot(ctx, b)
	if huanxin.ErrorCode(err) == huanxin.ECONFLICT && d.AllowChange {
		if err = s.Store.ReviseBallot(ctx, b); err == nil {
			out.Revised = true
		}
	}
	if err != nil {
		return nil, err
	}
	out.At = b.CastAt
	if out.Revised {
		out.At = b.RevisedAt
	}
	return out, nil
}

// enterPaper records the first or second entry of a paper ballot.
func (s *Service) enterPaper(ctx context.Context, a *huanxin.Actor, d *Decision, voter Voter, v Vote, en Entry) (*Cast, error) {
	var bad []huanxin.FieldError
	if !slices.Contains(Collections, en.Collection) {
		bad = append(bad, huanxin.FieldError{Field: "collection", Message: "应为现场、上门或视频 must be onsite, door or video"})
	}
	if utf8.RuneCountInString(en.Proxy) > 100 {
		bad = append(bad, huanxin.FieldError{Field: "proxy", Message: "过长 too long (max 100)"})
	}
	if en.Proxy != "" && v.ProxyFileID == 0 {
		bad = append(bad, huanxin.FieldError{Field: "proxy_file_id", Message: "委托投票须上传书面授权委托书 a proxy ballot needs the written authorisation"})
	}
	if en.Proxy == "" && v.ProxyFileID != 0 {
		bad = append(bad, huanxin.FieldError{Field: "proxy", Message: "请填写受托人姓名 name the proxy"})
	}
	if len(bad) > 0 {
		return nil, huanxin.Invalid("输入有误 invalid input", bad...)
	}
	var scanSHA, scanName string
	for _, f := range []struct {
		id    int64
		field string
	}{{v.ProxyFileID, "proxy_file_id"}, {v.ScanFileID, "scan_file_id"}} {
		if f.id == 0 {
			continue
		}
		doc, err := s.file(ctx, d, f.id, f.field)
		if err != nil {
			return nil, err
		}
		if f.field == "scan_file_id" {
			scanSHA, scanName = doc.SHA256, doc.Name
		}
	}
	out := &Cast{DecisionID: d.ID, Channel: ChannelPaper, Entry: en}
	prev, err := s.Store.FindBallot(ctx, d.ID, voter.ID, ChannelPaper)
	switch {
	case huanxin.ErrorCode(err) == huanxin.ENOTFOUND:
		if d.Status != StatusOpen {
			return nil, huanxin.Errorf(huanxin.EINVALID, "投票已结束，只能完成已录入选票的复核 voting has closed; only second entries of ballots already entered can be made")
		}
		// The first entry: kept pending under a placeholder receipt hash
		// whose code is thrown away.
		_, hash, err := newReceipt()
		if err != nil {
			return nil, err
		}
		b := &StoredBallot{CityID: d.CityID, DecisionID: d.ID, Person: voter.ID, Channel: ChannelPaper, Entry: en,
			ProxyFileID: v.ProxyFileID, ReceiptHash: hash, CastBy: a.UserID, State: BallotPending,
			ScanFileID: v.ScanFileID, ScanSHA256: scanSHA, ScanName: scanName}
		if err := s.Store.CastBallot(ctx, b); err != nil {
			return nil, err
		}
		out.State, out.At = BallotPending, b.CastAt
		return out, nil
	case err != nil:
		return nil, err
	case prev.State != BallotPending:
		return nil, huanxin.Errorf(huanxin.ECONFLICT, "此人的书面票已录入，不能重复录入 this person's paper ballot has already been entered")
	case prev.CastBy == a.UserID:
		return nil, huanxin.Errorf(huanxin.EFORBIDDEN,
			"复核录入须由另一名工作人员完成，您已录入过此票 the confirming entry must be made by another officer; you made the first entry")
	}
	prev.SecondBy, prev.Second = a.UserID, en
	if prev.ScanFileID == 0 {
		prev.ScanFileID, prev.ScanSHA256, prev.ScanName = v.ScanFileID, scanSHA, scanName
	}
	if prev.ProxyFileID == 0 {
		prev.ProxyFileID = v.ProxyFileID
	}
	if prev.Entry.same(en) {
		code, hash, err := newReceipt()
		if err != nil {
			return nil, err
		}
		prev.State, prev.ReceiptHash, out.Code = BallotCounted, hash, code
	} else {
		prev.State = BallotMismatched
	}
	if err := s.Store.ConfirmBallot(ctx, prev); err != nil {
		return nil, err
	}
	out.State, out.At = prev.State, prev.SecondAt
	return out, nil
}

// Review settles a mismatched paper ballot: an officer who made neither
// entry reads the paper (its scan) and records the reading that counts,
// with a note saying why. The two earlier entries are kept. It returns
// the receipt code of the now counted ballot.
func (s *Service) Review(ctx context.Context, id int64, person PersonID, en Entry, note string) (*Cast, error) {
	a, d, err := s.run(ctx, id)
	if err != nil {
		return nil, err
	}
	if d.Status != StatusOpen && d.Status != StatusClosed {
		return nil, huanxin.Errorf(huanxin.EINVALID, "结果公布后不能再复核选票 ballots cannot be reviewed once the result is announced")
	}
	if en.Choices, err = checkChoices(d, en.Choices); err != nil {
		return nil, err
	}
	en.Proxy = strings.TrimSpace(en.Proxy)
	note = strings.TrimSpace(note)
	var bad []huanxin.FieldError
	if !slices.Contains(Collections, en.Collection) {
		bad = append(bad, huanxin.FieldError{Field: "collection", Message: "应为现场、上门或视频 must be onsite, door or video"})
	}
	if note == "" {
		bad = append(bad, huanxin.FieldError{Field: "note", Message: "请说明依据 say why (required)"})
	} else if utf8.RuneCountInString(note) > 1000 {
		bad = append(bad, huanxin.FieldError{Field: "note", Message: "过长 too long (max 1000)"})
	}
	if len(bad) > 0 {
		return nil, huanxin.Invalid("输入有误 invalid input", bad...)
	}
	b, err := s.Store.FindBallot(ctx, d.ID, person, ChannelPaper)
	if err != nil {
		return nil, err
	}
	if b.State != BallotMismatched {
		return nil, huanxin.Errorf(huanxin.EINVALID, "只有两次录入不一致的选票需要复核 only mismatched ballots are reviewed")
	}
	if a.UserID == b.CastBy || a.UserID == b.SecondBy {
		return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "复核须由未参与录入的工作人员完成 the review must be made by an officer who made neither entry")
	}
	code, hash, err := newReceipt()
	if err != nil {
		return nil, err
	}
	b.State, b.ReceiptHash, b.ReviewBy, b.Review, b.ReviewNote = BallotCounted, hash, a.UserID, en, note
	if err := s.Store.ReviewBallot(ctx, b); err != nil {
		return nil, err
	}
	return &Cast{State: BallotCounted, Code: code, DecisionID: d.ID, Channel: ChannelPaper, Entry: en, At: b.ReviewAt}, nil
}

// residentVoter finds the frozen voter that holds the resident's parts; the
// resident must be one of that voter's owners (a tenant or family member
// with an account cannot vote for the owner). Parts held by the developer,
// or without a recorded owner, give no online vote.
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

// Receipt is what a receipt code shows: the ballot was recorded as cast,
// and whether it is the one that counts — a later online ballot may have
// replaced it (ReplacedAt), or the person's other ballot may count under
// the conflict rule (shown on the result).
type Receipt struct {
	DecisionID int64
	Channel    Channel
	CastAt     time.Time
	Choices    map[MatterID]Choice
	Spoiled    bool
	ReplacedAt time.Time // zero unless the owner changed this ballot later
}

// CheckReceipt returns the ballot a receipt code stands for.
func (s *Service) CheckReceipt(ctx context.Context, code string) (*Receipt, error) {
	if _, err := huanxin.SignedIn(ctx); err != nil {
		return nil, err
	}
	b, replaced, err := s.Store.FindReceipt(ctx, ReceiptHash(code))
	if err != nil {
		return nil, err
	}
	e, at := b.Counted(), b.CastAt
	if replaced.IsZero() && !b.RevisedAt.IsZero() {
		at = b.RevisedAt // the code of a changed ballot stands for the change
	}
	return &Receipt{DecisionID: b.DecisionID, Channel: b.Channel, CastAt: at, Choices: e.Choices, Spoiled: e.Spoiled,
		ReplacedAt: replaced}, nil
}

// PaperEntry is a paper ballot that does not count yet, pending its second
// entry or mismatched and awaiting review, or one settled by review. It
// shows who entered it, never its choices.
type PaperEntry struct {
	Person     PersonID
	Collection Collection // of the first entry
	Proxy      string
	State      BallotState
	EnteredBy  int64
	EnteredAt  time.Time
	SecondBy   int64 // 0 while pending
	ReviewBy   int64 // 0 unless settled by review
	ReviewNote string
	ScanFileID int64
	ScanName   string
}

// PaperEntries lists the paper ballots of a decision that are pending,
// mismatched or were settled by review, for the officers who run it.
func (s *Service) PaperEntries(ctx context.Context, id int64) ([]PaperEntry, error) {
	_, d, err := s.run(ctx, id)
	if err != nil {
		return nil, err
	}
	stored, err := s.Store.Ballots(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	var out []PaperEntry
	for _, b := range stored {
		if b.State == BallotPending || b.State == BallotMismatched || b.ReviewBy != 0 {
			out = append(out, PaperEntry{Person: b.Person, Collection: b.Collection, Proxy: b.Proxy, State: b.State,
				EnteredBy: b.CastBy, EnteredAt: b.CastAt, SecondBy: b.SecondBy, ReviewBy: b.ReviewBy, ReviewNote: b.ReviewNote,
				ScanFileID: b.ScanFileID, ScanName: b.ScanName})
		}
	}
	return out, nil
}

// Standing is where a signed-in owner stands in a decision: in its frozen
// electorate or not, and whether they have cast an online ballot.
type Standing struct {
	Voter, Voted bool
}

// Standing returns the actor's standing in a decision; nothing before the
// electorate is frozen, and nothing for roles other than residents.
func (s *Service) Standing(ctx context.Context, id int64) (Standing, error) {
	d, err := s.Get(ctx, id)
	if err != nil {
		return Standing{}, err
	}
	a := huanxin.ActorFromContext(ctx)
	if a.Role != huanxin.RoleResident || d.Status == StatusDraft || d.Status == StatusPublished {
		return Standing{}, nil
	}
	e, err := s.electorate(ctx, d.ID)
	if err != nil {
		return Standing{}, err
	}
	v, err := residentVoter(e, a.Scope.PartIDs, a.OwnerID)
	if err != nil {
		return Standing{}, nil // not a voter: nothing to report
	}
	_, err = s.Store.FindBallot(ctx, d.ID, v.ID, ChannelOnline)
	switch huanxin.ErrorCode(err) {
	case "":
		return Standing{Voter: true, Voted: true}, nil
	case huanxin.ENOTFOUND:
		return Standing{Voter: true}, nil
	}
	return Standing{}, err
}
