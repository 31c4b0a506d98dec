package survey

import (
	"context"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/file"
)

// Limits of a survey's free text and photos.
const (
	MaxNotes  = 2000 // characters of a finding's or a survey's notes
	MaxPhotos = 10   // photos per finding
)

// Store is what the survey service needs from storage.
type Store interface {
	// CreateSurvey stores a survey with its findings, setting its ID and
	// times, audited.
	CreateSurvey(ctx context.Context, s *Survey) error
	// UpdateSurvey replaces a draft survey's date, building, notes,
	// findings and entered facts, audited; it fails with ECONFLICT when
	// the survey is no longer a draft.
	UpdateSurvey(ctx context.Context, s *Survey) error
	// SubmitSurvey makes a draft survey submitted with the register's
	// facts frozen, audited; ECONFLICT when it is no longer a draft.
	SubmitSurvey(ctx context.Context, id int64, register Facts) error
	// FindSurveys lists the surveys of an estate within the scope, newest
	// survey date first; FindSurveyByID returns one, or ENOTFOUND.
	FindSurveys(ctx context.Context, s huanxin.Scope, estateID int64) ([]*Survey, error)
	FindSurveyByID(ctx context.Context, s huanxin.Scope, id int64) (*Survey, error)
	// HouseholdFacts counts the facts of an estate (buildingID 0) or one
	// building from the register; residents born in or before bornBy are
	// counted as over 60.
	HouseholdFacts(ctx context.Context, estateID, buildingID int64, bornBy int) (Facts, error)
}

// Files stores and reads photos (package file).
type Files interface {
	Put(ctx context.Context, estateID int64, name string, r io.Reader) (*file.File, error)
	Open(ctx context.Context, id int64) (*file.File, []byte, error)
}

// Service keeps condition surveys. Officers who may edit the register
// (community, street, bureau, admin) create and change draft surveys of
// the estates in their scope and submit them; a submitted survey is
// read-only. Every role reads the surveys of the estates in its scope.
type Service struct {
	Store    Store
	Register *estate.Service
	Files    Files
	// Now is the clock for the default survey date; nil means time.Now.
	Now func() time.Time
	// Submitted, when set, is told of every submitted survey (planning
	// derives the estate's survey indicators from it); its error is
	// returned after the survey is stored as submitted.
	Submitted func(ctx context.Context, s *Survey) error
}

func (s *Service) today() string {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	return now().In(huanxin.Shanghai).Format(time.DateOnly)
}

// surveyor returns the actor if it may make surveys.
func surveyor(ctx context.Context) (*huanxin.Actor, error) {
	return huanxin.Officer(ctx, "无权填写摸底调查 you may not make condition surveys")
}

// Create checks and stores a new draft survey made by the actor. An
// empty SurveyedOn is today (Asia/Shanghai). Photos given by FileID alone
// get their phone-size rendition and SHA-256.
func (s *Service) Create(ctx context.Context, v *Survey) error {
	a, err := surveyor(ctx)
	if err != nil {
		return err
	}
	est, err := s.Register.Estates().Get(ctx, v.EstateID)
	if huanxin.ErrorCode(err) == huanxin.ENOTFOUND {
		return huanxin.Errorf(huanxin.EFORBIDDEN, "不在您的管辖范围 outside your jurisdiction")
	} else if err != nil {
		return err
	}
	if v.SurveyedOn == "" {
		v.SurveyedOn = s.today()
	}
	v.ID, v.CityID, v.Status, v.Surveyor, v.SurveyorName = 0, est.CityID, StatusDraft, a.UserID, a.Name
	v.Register, v.SubmittedAt = Facts{}, time.Time{}
	if err := s.check(ctx, v, nil); err != nil {
		return err
	}
	return s.Store.CreateSurvey(ctx, v)
}

// Get returns a survey visible to the actor; a draft's register facts are
// counted as of now.
func (s *Service) Get(ctx context.Context, id int64) (*Survey, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, err
	}
	v, err := s.Store.FindSurveyByID(ctx, a.Scope, id)
	if err != nil {
		return nil, err
	}
	if v.Status == StatusDraft {
		if v.Register, err = s.facts(ctx, v); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// List returns the surveys of an estate visible to the actor, newest
// first. Drafts carry no register facts here (Get counts them).
func (s *Service) List(ctx context.Context, estateID int64) ([]*Survey, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, err
	}
	return s.Store.FindSurveys(ctx, a.Scope, estateID)
}

// draft loads a draft survey the actor may change.
func (s *Service) draft(ctx context.Context, id int64) (*Survey, error) {
	a, err := surveyor(ctx)
	if err != nil {
		return nil, err
	}
	v, err := s.Store.FindSurveyByID(ctx, a.Scope, id)
	if huanxin.ErrorCode(err) == huanxin.ENOTFOUND && !a.Scope.All {
		return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "不在您的管辖范围 outside your jurisdiction")
	} else if err != nil {
		return nil, err
	}
	if v.Status != StatusDraft {
		return nil, huanxin.Errorf(huanxin.ECONFLICT, "调查已提交，不能修改；请新建一次调查 the survey has been submitted and is read-only; make a new survey")
	}
	return v, nil
}

// Update lets apply change a draft survey, restores what may not change
// (identity, estate, surveyor, status), checks and stores it.
func (s *Service) Update(ctx context.Context, id int64, apply func(*Survey) error) (*Survey, error) {
	old, err := s.draft(ctx, id)
	if err != nil {
		return nil, err
	}
	v := *old
	v.Findings = make([]Finding, len(old.Findings))
	copy(v.Findings, old.Findings)
	if err := apply(&v); err != nil {
		return nil, err
	}
	v.ID, v.CityID, v.EstateID, v.Surveyor, v.SurveyorName, v.Status = old.ID, old.CityID, old.EstateID, old.Surveyor, old.SurveyorName, old.Status
	v.Created, v.SubmittedAt, v.Register = old.Created, old.SubmittedAt, Facts{}
	if err := s.check(ctx, &v, old); err != nil {
		return nil, err
	}
	if err := s.Store.UpdateSurvey(ctx, &v); err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// Submit makes a draft survey read-only, freezing the register's
// household facts as they stand. A survey without findings is refused.
func (s *Service) Submit(ctx context.Context, id int64) (*Survey, error) {
	v, err := s.draft(ctx, id)
	if err != nil {
		return nil, err
	}
	if len(v.Findings) == 0 {
		return nil, huanxin.Invalid("调查还没有任何结果 the survey has no findings yet",
			huanxin.FieldError{Field: "findings", Message: "至少评定一项 grade at least one aspect"})
	}
	facts, err := s.facts(ctx, v)
	if err != nil {
		return nil, err
	}
	if err := s.Store.SubmitSurvey(ctx, v.ID, facts); err != nil {
		return nil, err
	}
	done, err := s.Get(ctx, id)
	if err != nil || s.Submitted == nil {
		return done, err
	}
	return done, s.Submitted(ctx, done)
}

// Compare compares two surveys of one estate visible to the actor, the
// earlier (by survey date, then ID) first whatever the order given.
func (s *Service) Compare(ctx context.Context, id, other int64) (from, to *Survey, changes []Change, err error) {
	if from, err = s.Get(ctx, id); err != nil {
		return nil, nil, nil, err
	}
	if to, err = s.Get(ctx, other); err != nil {
		return nil, nil, nil, err
	}
	if from.EstateID != to.EstateID {
		return nil, nil, nil, huanxin.Errorf(huanxin.EINVALID, "只能比较同一小区的调查 only surveys of one estate compare")
	}
	if to.SurveyedOn < from.SurveyedOn || to.SurveyedOn == from.SurveyedOn && to.ID < from.ID {
		from, to = to, from
	}
	return from, to, Compare(from, to), nil
}

// Photo returns a photo file (original or rendition) of a survey visible
// to the actor, with its bytes: whoever may see the survey sees its
// photos, read on the survey's authority.
func (s *Service) Photo(ctx context.Context, id, fileID int64) (*file.File, []byte, error) {
	v, err := s.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	for _, f := range v.Findings {
		for _, p := range f.Photos {
			if p.FileID == fileID || p.ThumbID == fileID {
				return s.Files.Open(huanxin.NewContextWithActor(ctx, huanxin.SystemActor), fileID)
			}
		}
	}
	return nil, nil, huanxin.Errorf(huanxin.ENOTFOUND, "照片不存在 no such photo")
}

// facts counts a survey's household facts in the register, elderly by
// the survey's year.
func (s *Service) facts(ctx context.Context, v *Survey) (Facts, error) {
	year, _ := strconv.Atoi(v.SurveyedOn[:4])
	return s.Store.HouseholdFacts(ctx, v.EstateID, v.BuildingID, year-60)
}

// check validates a survey and completes its photos; old is the stored
// draft on update.
func (s *Service) check(ctx context.Context, v, old *Survey) error {
	var bad []huanxin.FieldError
	fail := func(field, msg string) { bad = append(bad, huanxin.FieldError{Field: field, Message: msg}) }
	if d, err := time.Parse(time.DateOnly, v.SurveyedOn); err != nil {
		fail("surveyed_on", "日期格式应为 YYYY-MM-DD date must be YYYY-MM-DD")
	} else if d.Year() < 1950 || v.SurveyedOn > s.today() {
		fail("surveyed_on", "日期不能晚于今天 the date cannot be in the future")
	}
	if v.BuildingID != 0 {
		b, err := s.Register.Buildings().Get(ctx, v.BuildingID)
		if err != nil && huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			return err
		}
		if err != nil || b.EstateID != v.EstateID {
			fail("building_id", "楼栋不属于本小区 the building does not belong to the estate")
		}
	}
	v.Notes = strings.TrimSpace(v.Notes)
	if utf8.RuneCountInString(v.Notes) > MaxNotes {
		fail("notes", "过长 too long (max "+strconv.Itoa(MaxNotes)+")")
	}
	for name, n := range v.Entered.fields() {
		if n != nil && (*n < 0 || *n > 1_000_000) {
			fail("entered."+name, "应为 0–1000000 must be 0–1000000")
		}
	}
	if e := v.Entered; e.Over60 != nil && e.Residents != nil && *e.Over60 > *e.Residents {
		fail("entered.over60", "不能多于居民人数 cannot exceed the residents")
	}
	kept := map[int64]Photo{}
	if old != nil {
		for _, f := range old.Findings {
			for _, p := range f.Photos {
				kept[p.FileID] = p
			}
		}
	}
	seen := map[string]bool{}
	for i := range v.Findings {
		f := &v.Findings[i]
		field := "findings." + strconv.Itoa(i)
		a, ok := AspectByCode(f.ItemCode)
		switch {
		case !ok:
			fail(field+".item_code", "未知的调查项 unknown aspect "+f.ItemCode)
		case v.BuildingID != 0 && !a.Building:
			fail(field+".item_code", "该项按小区调查，不按楼栋 this aspect is surveyed for the estate, not per building")
		case seen[f.ItemCode]:
			fail(field+".item_code", "重复 given twice")
		}
		seen[f.ItemCode] = true
		if !f.Grade.Valid() {
			fail(field+".grade", "应为 1–4 must be 1 (good) to 4 (dangerous)")
		}
		if f.Quantity < 0 || f.Quantity > 1e12 {
			fail(field+".quantity", "应为非负数 must not be negative")
		}
		if f.Notes = strings.TrimSpace(f.Notes); utf8.RuneCountInString(f.Notes) > MaxNotes {
			fail(field+".notes", "过长 too long (max "+strconv.Itoa(MaxNotes)+")")
		}
		if len(f.Photos) > MaxPhotos {
			fail(field+".photos", "最多 "+strconv.Itoa(MaxPhotos)+" 张 at most "+strconv.Itoa(MaxPhotos)+" photos")
		}
		for j := range f.Photos {
			p := &f.Photos[j]
			if k, ok := kept[p.FileID]; ok {
				*p = k
				continue
			}
			done, err := s.rendition(ctx, v.EstateID, p.FileID)
			if huanxin.ErrorCode(err) == huanxin.EINVALID || huanxin.ErrorCode(err) == huanxin.ENOTFOUND {
				fail(field+".photos", huanxin.ErrorMessage(err))
				continue
			} else if err != nil {
				return err
			}
			*p = done
			kept[p.FileID] = done
		}
	}
	if len(bad) > 0 {
		return huanxin.Invalid("输入有误 invalid input", bad...)
	}
	v.Findings = sortFindings(v.Findings)
	return nil
}
