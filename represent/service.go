package represent

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/file"
	"github.com/huanxin/huanxin/notice"
)

// Store is what the service needs from storage. Every write is audited in
// its transaction.
type Store interface {
	// CreateSeat stores a new seat. In the same transaction it passes the
	// other seats of the estate in the same office to check, and stores
	// nothing when check fails, so two holders of a unique office cannot
	// slip in side by side.
	CreateSeat(ctx context.Context, s *Seat, check func(others []*Seat) error) error
	// EndSeat stores the end of a running term (Ended, EndReason);
	// ECONFLICT when it was ended meanwhile.
	EndSeat(ctx context.Context, s *Seat) error
	// FindSeats lists the seats of an estate, past and present, by office
	// then term; FindSeatByID returns one, or ENOTFOUND.
	FindSeats(ctx context.Context, estateID int64) ([]*Seat, error)
	FindSeatByID(ctx context.Context, id int64) (*Seat, error)
	// UserSeats lists the seats held by an account: those naming it, and
	// those naming the owner record it is bound to.
	UserSeats(ctx context.Context, userID int64) ([]*Seat, error)

	// CreateMeeting stores a new meeting; UpdateMeeting stores its
	// content, attendance, minutes and photos (not its actions).
	CreateMeeting(ctx context.Context, m *Meeting) error
	UpdateMeeting(ctx context.Context, m *Meeting) error
	// FindMeetings lists the meetings of an estate with their actions,
	// latest first; FindMeetingByID returns one, or ENOTFOUND.
	FindMeetings(ctx context.Context, estateID int64) ([]*Meeting, error)
	FindMeetingByID(ctx context.Context, id int64) (*Meeting, error)
	// AddMeetingAction stores a new open action of a meeting;
	// CompleteMeetingAction marks an open one done (DoneAt, DoneBy, Note),
	// ECONFLICT when it is done already.
	AddMeetingAction(ctx context.Context, a *Action) error
	CompleteMeetingAction(ctx context.Context, a *Action) error
	// OverdueActions lists the open actions of an estate due before the
	// given day, the longest overdue first.
	OverdueActions(ctx context.Context, estateID int64, before time.Time) ([]*Action, error)
}

// Files finds stored files (package file).
type Files interface {
	Get(ctx context.Context, id int64) (*file.File, error)
	Open(ctx context.Context, id int64) (*file.File, []byte, error)
}

// Service keeps the seats and meetings of estates.
//
// Everyone who sees an estate (its residents included) sees its seats and
// meetings; only officers who may edit the register of the estate (admin,
// bureau, street, community within their scope) fill seats and end terms.
// Officers record every meeting of the estate; a resident holding a
// current seat in it records meetings too (see Rights). Residents see the
// holders' names and offices, not which owner record or account a seat is
// tied to.
type Service struct {
	Store    Store
	Register *estate.Service
	Files    Files
	// Now is the clock of terms and due dates; nil means time.Now.
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

var system = huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)

func outOfScope() error {
	return huanxin.Errorf(huanxin.EFORBIDDEN, "不在您的管辖范围 outside your jurisdiction")
}

// MayEdit reports whether the actor may fill seats and record meetings of
// the estate (which the actor sees).
func MayEdit(a *huanxin.Actor) bool { return a != nil && a.Role.CanEditRegister() && !a.ReadOnly }

// officer returns the actor and the estate if the actor may edit its
// seats and meetings: EFORBIDDEN otherwise, also for an estate outside
// the scope or missing.
func (s *Service) officer(ctx context.Context, estateID int64) (*huanxin.Actor, *estate.Estate, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, nil, err
	}
	if !MayEdit(a) {
		return nil, nil, huanxin.Errorf(huanxin.EFORBIDDEN, "只有社区、街道和住建部门可以修改 only community, street and housing officers may change this")
	}
	e, err := s.Register.Estates().Get(ctx, estateID)
	if huanxin.ErrorCode(err) == huanxin.ENOTFOUND {
		return nil, nil, outOfScope()
	}
	return a, e, err
}

// Seats lists the seats an account holds today: those naming the
// account and those naming the owner record it is bound to. Other
// services call it (with HasSeat) to grant a resident the rights of an
// office; it reads on the system's authority and needs no actor.
func (s *Service) Seats(ctx context.Context, userID int64) ([]*Seat, error) {
	all, err := s.Store.UserSeats(ctx, userID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	return slices.DeleteFunc(all, func(st *Seat) bool { return !st.ActiveOn(now) }), nil
}

// HasSeat reports whether an account holds, today, a seat in the estate
// in one of the offices (any office when none is named).
func (s *Service) HasSeat(ctx context.Context, userID, estateID int64, roles ...Role) (bool, error) {
	seats, err := s.Seats(ctx, userID)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(seats, func(st *Seat) bool {
		return st.EstateID == estateID && (len(roles) == 0 || slices.Contains(roles, st.Role))
	}), nil
}

// EstateSeats lists the seats of an estate the actor sees, past and
// present; for roles that may not see personal data, without the owner,
// resident and account they are tied to.
func (s *Service) EstateSeats(ctx context.Context, estateID int64) ([]*Seat, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.Register.Estates().Get(ctx, estateID); err != nil {
		return nil, err
	}
	seats, err := s.Store.FindSeats(ctx, estateID)
	if err != nil {
		return nil, err
	}
	if !a.Role.SeesPersonalData() {
		for _, st := range seats {
			st.OwnerID, st.ResidentID, st.UserID = 0, 0, 0
		}
	}
	return seats, nil
}

// CreateSeat fills an office of an estate for a term. The building must
// be one of the estate's; the owner or resident, when given, must hold or
// live in a part of the estate; a unique office (the chair, a building's
// leader) may not have two holders on any day.
func (s *Service) CreateSeat(ctx context.Context, st *Seat) error {
	a, e, err := s.officer(ctx, st.EstateID)
	if err != nil {
		return err
	}
	st.ID, st.CityID, st.Ended, st.EndReason, st.CreatedBy = 0, e.CityID, time.Time{}, "", a.UserID
	if err := st.Check(); err != nil {
		return err
	}
	if err := s.checkLinks(ctx, st); err != nil {
		return err
	}
	return s.Store.CreateSeat(ctx, st, func(others []*Seat) error { return CheckOverlap(st, others) })
}

// checkLinks checks that the building, owner and resident of a seat
// belong to its estate.
func (s *Service) checkLinks(ctx context.Context, st *Seat) error {
	var bad []huanxin.FieldError
	if st.BuildingID != 0 {
		if b, err := s.Register.Buildings().Get(ctx, st.BuildingID); huanxin.ErrorCode(err) == huanxin.ENOTFOUND || err == nil && b.EstateID != st.EstateID {
			bad = append(bad, field("building_id", "楼栋不属于本小区 no such building in this estate"))
		} else if err != nil {
			return err
		}
	}
	if st.OwnerID != 0 {
		id, est := st.OwnerID, st.EstateID
		if os, _, err := s.Register.Ownerships().Find(ctx, estate.Filter{OwnerID: &id, EstateID: &est, Limit: 1}); err != nil {
			return err
		} else if len(os) == 0 {
			bad = append(bad, field("owner_id", "该业主在本小区没有房屋 the owner holds no part in this estate"))
		}
	}
	if st.ResidentID != 0 {
		if r, err := s.Register.Residents().Get(ctx, st.ResidentID); huanxin.ErrorCode(err) == huanxin.ENOTFOUND || err == nil && r.EstateID != st.EstateID {
			bad = append(bad, field("resident_id", "该住户不住在本小区 no such resident in this estate"))
		} else if err != nil {
			return err
		}
	}
	if len(bad) > 0 {
		return invalid(bad...)
	}
	return nil
}

// EndSeat ends a running term on a day (today when zero) between its
// start and its end, with a reason; the seat stays in the history.
func (s *Service) EndSeat(ctx context.Context, id int64, on time.Time, reason string) (*Seat, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, err
	}
	if !MayEdit(a) {
		return nil, outOfScope()
	}
	st, err := s.Store.FindSeatByID(ctx, id)
	if huanxin.ErrorCode(err) == huanxin.ENOTFOUND {
		return nil, outOfScope()
	} else if err != nil {
		return nil, err
	}
	if _, _, err := s.officer(ctx, st.EstateID); err != nil {
		return nil, err
	}
	if !st.Ended.IsZero() {
		return nil, huanxin.Errorf(huanxin.ECONFLICT, "任期已结束 the term has already ended")
	}
	if on.IsZero() {
		on = s.now()
	}
	on, reason = notice.Day(on), strings.TrimSpace(reason)
	switch {
	case on.Before(notice.Day(st.TermStart)):
		return nil, invalid(field("ended", "不能早于任期开始 must not be before the start of the term"))
	case on.After(notice.Day(st.TermEnd)):
		return nil, invalid(field("ended", "任期届满自然结束，不必提前结束 the term ends by itself; it cannot be ended after its end"))
	case utf8.RuneCountInString(reason) > MaxText:
		return nil, invalid(field("reason", "过长 too long (max 500)"))
	}
	st.Ended, st.EndReason = on, reason
	return st, s.Store.EndSeat(ctx, st)
}

// Meetings lists the meetings of an estate the actor sees.
func (s *Service) Meetings(ctx context.Context, estateID int64) ([]*Meeting, error) {
	if _, err := huanxin.SignedIn(ctx); err != nil {
		return nil, err
	}
	if _, err := s.Register.Estates().Get(ctx, estateID); err != nil {
		return nil, err
	}
	return s.Store.FindMeetings(ctx, estateID)
}

// Meeting returns a meeting of an estate the actor sees, or ENOTFOUND.
func (s *Service) Meeting(ctx context.Context, id int64) (*Meeting, error) {
	if _, err := huanxin.SignedIn(ctx); err != nil {
		return nil, err
	}
	m, err := s.Store.FindMeetingByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.Register.Estates().Get(ctx, m.EstateID); err != nil {
		return nil, err
	}
	return m, nil
}

// Rights says what the actor may do with a meeting. Officers who may
// edit the estate's register do everything. A resident holding a seat in
// the estate today records the meetings they organised or attended (one
// of their seats present): content, attendance, minutes, photos and
// actions; and marks done the actions assigned to one of their seats.
type Rights struct {
	Record   bool
	Complete []int64 // the actions the actor may mark done (while open)
}

// MayComplete reports whether the actor may mark the action done.
func (r Rights) MayComplete(actionID int64) bool { return slices.Contains(r.Complete, actionID) }

// seatsIn returns the seats the actor holds today in an estate: none for
// read-only tokens and for officers acting for an owner.
func (s *Service) seatsIn(ctx context.Context, a *huanxin.Actor, estateID int64) ([]*Seat, error) {
	if a.ReadOnly || a.OnBehalfOf != 0 {
		return nil, nil
	}
	seats, err := s.Seats(ctx, a.UserID)
	return slices.DeleteFunc(seats, func(st *Seat) bool { return st.EstateID != estateID }), err
}

// rights works out what the actor may do with a meeting it sees.
func (s *Service) rights(ctx context.Context, a *huanxin.Actor, m *Meeting) (Rights, error) {
	var r Rights
	if MayEdit(a) {
		if _, _, err := s.officer(ctx, m.EstateID); err != nil {
			return r, err
		}
		r.Record = true
		for _, act := range m.Actions {
			r.Complete = append(r.Complete, act.ID)
		}
		return r, nil
	}
	seats, err := s.seatsIn(ctx, a, m.EstateID)
	if err != nil || len(seats) == 0 {
		return r, err
	}
	held := func(id int64) bool {
		return id != 0 && slices.ContainsFunc(seats, func(st *Seat) bool { return st.ID == id })
	}
	r.Record = m.CreatedBy == a.UserID || slices.ContainsFunc(m.Attendance.SeatIDs, held)
	for _, act := range m.Actions {
		if held(act.OwnerSeatID) {
			r.Complete = append(r.Complete, act.ID)
		}
	}
	return r, nil
}

// Rights says what the actor may do with a meeting it sees.
func (s *Service) Rights(ctx context.Context, m *Meeting) (Rights, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return Rights{}, err
	}
	return s.rights(ctx, a, m)
}

// proposer returns the actor and the estate if the actor may record a
// new meeting of it: an officer of the estate, or a resident holding a
// seat in it today; EFORBIDDEN otherwise.
func (s *Service) proposer(ctx context.Context, estateID int64) (*huanxin.Actor, *estate.Estate, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, nil, err
	}
	if MayEdit(a) {
		return s.officer(ctx, estateID)
	}
	e, err := s.Register.Estates().Get(ctx, estateID)
	if huanxin.ErrorCode(err) == huanxin.ENOTFOUND {
		return nil, nil, outOfScope()
	} else if err != nil {
		return nil, nil, err
	}
	if seats, err := s.seatsIn(ctx, a, estateID); err != nil {
		return nil, nil, err
	} else if len(seats) == 0 {
		return nil, nil, huanxin.Errorf(huanxin.EFORBIDDEN, "只有本小区的居民代表、楼栋长、业委会成员和工作人员可以记录会议 only the estate's representatives and officers may record meetings")
	}
	return a, e, nil
}

// MayPropose reports whether the actor may record a new meeting of the
// estate.
func (s *Service) MayPropose(ctx context.Context, estateID int64) (bool, error) {
	_, _, err := s.proposer(ctx, estateID)
	if huanxin.ErrorCode(err) == huanxin.EFORBIDDEN {
		return false, nil
	}
	return err == nil, err
}

// editable loads a meeting the actor may record: EFORBIDDEN for anyone
// else, whether or not it exists.
func (s *Service) editable(ctx context.Context, id int64) (*huanxin.Actor, *Meeting, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, nil, err
	}
	m, err := s.Store.FindMeetingByID(ctx, id)
	if huanxin.ErrorCode(err) == huanxin.ENOTFOUND {
		return nil, nil, outOfScope()
	} else if err != nil {
		return nil, nil, err
	}
	if _, err := s.Register.Estates().Get(ctx, m.EstateID); huanxin.ErrorCode(err) == huanxin.ENOTFOUND {
		return nil, nil, outOfScope()
	} else if err != nil {
		return nil, nil, err
	}
	r, err := s.rights(ctx, a, m)
	if err != nil {
		return nil, nil, err
	}
	if !r.Record {
		return nil, nil, outOfScope()
	}
	return a, m, nil
}

// checkMeeting validates a meeting and that the seats present are seats
// of its estate.
func (s *Service) checkMeeting(ctx context.Context, m *Meeting) error {
	if err := m.Check(); err != nil {
		return err
	}
	if len(m.Attendance.SeatIDs) == 0 {
		return nil
	}
	seats, err := s.Store.FindSeats(ctx, m.EstateID)
	if err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, id := range m.Attendance.SeatIDs {
		if seen[id] || !slices.ContainsFunc(seats, func(st *Seat) bool { return st.ID == id }) {
			return invalid(field("seat_ids", "代表不属于本小区或重复 a seat is not of this estate, or is listed twice"))
		}
		seen[id] = true
	}
	return nil
}

// CreateMeeting records a meeting of an estate.
func (s *Service) CreateMeeting(ctx context.Context, m *Meeting) error {
	a, e, err := s.proposer(ctx, m.EstateID)
	if err != nil {
		return err
	}
	m.ID, m.CityID, m.CreatedBy, m.UpdatedBy, m.Actions = 0, e.CityID, a.UserID, a.UserID, nil
	if err := s.checkPhotos(ctx, m, nil); err != nil {
		return err
	}
	if err := s.checkMeeting(ctx, m); err != nil {
		return err
	}
	return s.Store.CreateMeeting(ctx, m)
}

// UpdateMeeting loads a meeting, lets change apply the caller's edits
// (content, attendance, minutes) and stores it if it is still valid. The
// estate, city, photos and actions do not change here.
func (s *Service) UpdateMeeting(ctx context.Context, id int64, change func(m *Meeting) error) (*Meeting, error) {
	a, m, err := s.editable(ctx, id)
	if err != nil {
		return nil, err
	}
	keep := *m
	if err := change(m); err != nil {
		return nil, err
	}
	m.ID, m.CityID, m.EstateID, m.PhotoFileIDs, m.Actions = keep.ID, keep.CityID, keep.EstateID, keep.PhotoFileIDs, keep.Actions
	m.CreatedBy, m.Created, m.UpdatedBy = keep.CreatedBy, keep.Created, a.UserID
	if err := s.checkMeeting(ctx, m); err != nil {
		return nil, err
	}
	return m, s.Store.UpdateMeeting(ctx, m)
}

// checkPhotos checks that the photos are images of the meeting's estate,
// each once. Photos the meeting already shows stay; new ones must be
// stored files the actor sees (a resident: their own uploads).
func (s *Service) checkPhotos(ctx context.Context, m *Meeting, kept []int64) error {
	if len(m.PhotoFileIDs) > MaxPhotos {
		return invalid(field("photo_file_ids", "照片过多 too many photos (max 30)"))
	}
	for i, id := range m.PhotoFileIDs {
		if slices.Contains(m.PhotoFileIDs[:i], id) {
			return invalid(field("photo_file_ids", "照片重复 a photo is listed twice"))
		}
		if slices.Contains(kept, id) {
			continue
		}
		f, err := s.Files.Get(ctx, id)
		if huanxin.ErrorCode(err) == huanxin.ENOTFOUND || err == nil && (f.EstateID != m.EstateID || !strings.HasPrefix(f.ContentType, "image/")) {
			return invalid(field("photo_file_ids", "照片不存在、不属于本小区或不是图片 a photo is missing, of another estate, or not an image"))
		} else if err != nil {
			return err
		}
	}
	return nil
}

// SetPhotos replaces the photos of a meeting by stored images of its
// estate (uploaded through the file service).
func (s *Service) SetPhotos(ctx context.Context, id int64, fileIDs []int64) (*Meeting, error) {
	a, m, err := s.editable(ctx, id)
	if err != nil {
		return nil, err
	}
	kept := m.PhotoFileIDs
	m.PhotoFileIDs, m.UpdatedBy = fileIDs, a.UserID
	if err := s.checkPhotos(ctx, m, kept); err != nil {
		return nil, err
	}
	return m, s.Store.UpdateMeeting(ctx, m)
}

// Photo returns a photo of a meeting the actor sees, with its bytes:
// whoever sees the meeting sees its photos, read on the meeting's
// authority (the file service shows residents only their own uploads).
func (s *Service) Photo(ctx context.Context, id, fileID int64) (*file.File, []byte, error) {
	m, err := s.Meeting(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if !slices.Contains(m.PhotoFileIDs, fileID) {
		return nil, nil, huanxin.Errorf(huanxin.ENOTFOUND, "照片不存在 no such photo")
	}
	return s.Files.Open(system, fileID)
}

// AddAction adds an open follow-up action to a meeting. An action may be
// assigned to a seat of the estate held today (its holder then marks it
// done); its owner's name defaults to the holder's.
func (s *Service) AddAction(ctx context.Context, meetingID int64, act *Action) error {
	a, m, err := s.editable(ctx, meetingID)
	if err != nil {
		return err
	}
	*act = Action{CityID: m.CityID, MeetingID: m.ID, EstateID: m.EstateID, What: act.What, Owner: act.Owner,
		OwnerSeatID: act.OwnerSeatID, Due: act.Due, Status: ActionOpen, Note: act.Note, CreatedBy: a.UserID}
	if act.OwnerSeatID != 0 {
		st, err := s.Store.FindSeatByID(ctx, act.OwnerSeatID)
		if huanxin.ErrorCode(err) == huanxin.ENOTFOUND || err == nil && (st.EstateID != m.EstateID || !st.ActiveOn(s.now())) {
			return invalid(field("owner_seat_id", "该代表不是本小区现任代表 no serving representative of this estate"))
		} else if err != nil {
			return err
		}
		if strings.TrimSpace(act.Owner) == "" {
			act.Owner = st.PersonName
		}
	}
	if err := act.Check(); err != nil {
		return err
	}
	act.Due = notice.Day(act.Due)
	return s.Store.AddMeetingAction(ctx, act)
}

// CompleteAction marks an open action of a meeting done, with a note of
// what was done: an officer of the estate, or the holder of the seat the
// action is assigned to. The completion is audited with who did it.
func (s *Service) CompleteAction(ctx context.Context, meetingID, actionID int64, note string) (*Action, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, err
	}
	m, err := s.Meeting(ctx, meetingID)
	if huanxin.ErrorCode(err) == huanxin.ENOTFOUND {
		return nil, outOfScope()
	} else if err != nil {
		return nil, err
	}
	r, err := s.rights(ctx, a, m)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(m.Actions, func(x Action) bool { return x.ID == actionID })
	switch {
	case i < 0 && r.Record:
		return nil, huanxin.Errorf(huanxin.ENOTFOUND, "事项不存在 no such action")
	case i < 0 || !r.MayComplete(actionID):
		return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "只有工作人员和该事项的负责代表可以办结 only officers and the representative it is assigned to may complete this action")
	}
	act := m.Actions[i]
	if act.Status == ActionDone {
		return nil, huanxin.Errorf(huanxin.ECONFLICT, "事项已完成 the action is already done")
	}
	if note = strings.TrimSpace(note); note != "" {
		act.Note = note
	}
	if utf8.RuneCountInString(act.Note) > MaxText {
		return nil, invalid(field("note", "过长 too long (max 500)"))
	}
	act.Status, act.DoneAt, act.DoneBy = ActionDone, s.now().UTC().Truncate(time.Microsecond), a.UserID
	return &act, s.Store.CompleteMeetingAction(ctx, &act)
}

// OverdueActions lists the open actions of an estate the actor sees whose
// due date has passed, the longest overdue first.
func (s *Service) OverdueActions(ctx context.Context, estateID int64) ([]*Action, error) {
	if _, err := huanxin.SignedIn(ctx); err != nil {
		return nil, err
	}
	if _, err := s.Register.Estates().Get(ctx, estateID); err != nil {
		return nil, err
	}
	return s.Store.OverdueActions(ctx, estateID, notice.Day(s.now()))
}
