package questionnaire

import (
	"context"
	"errors"
	"time"

	"github.com/huanxin/huanxin"
)

// ScheduleStatus is the stage of a scheduled survey: pending until it is
// sent (its questionnaire created and opened) or cancelled.
type ScheduleStatus string

const (
	SchedulePending   ScheduleStatus = "pending"   // 待发送
	ScheduleSent      ScheduleStatus = "sent"      // 已发送
	ScheduleCancelled ScheduleStatus = "cancelled" // 已取消
)

// Reasons a satisfaction survey is scheduled for (others are free text).
const (
	ReasonWorksAccepted = "works_accepted" // 竣工验收
	ReasonOneYearLater  = "one_year_later" // 验收一年后回访
)

// Template is the definition of the questionnaire a schedule sends.
type Template struct {
	Title     string     `json:"title"`
	Intro     string     `json:"intro"`
	Anonymous bool       `json:"anonymous"`
	Per       Per        `json:"per"`
	Questions []Question `json:"questions"`
}

// Schedule is a survey of an estate that goes out by itself at At and
// takes answers for ClosesAfter days. QuestionnaireID is the
// questionnaire sent.
type Schedule struct {
	ID              int64
	CityID          int64
	EstateID        int64
	Template        Template
	At              time.Time
	ClosesAfter     int // days
	Reason          string
	Status          ScheduleStatus
	QuestionnaireID int64
	CreatedBy       int64
	Created         time.Time
	Updated         time.Time
}

// MaxClosesAfter caps how long a scheduled survey stays open (days).
const MaxClosesAfter = 365

// ScheduleStore is what scheduling needs from storage, besides Store; the
// service's Store must implement it too.
type ScheduleStore interface {
	CreateSurveySchedule(ctx context.Context, s *Schedule) error
	FindSurveySchedules(ctx context.Context, sc huanxin.Scope, estateID int64) ([]*Schedule, error)
	FindSurveyScheduleByID(ctx context.Context, sc huanxin.Scope, id int64) (*Schedule, error)
	// DueSurveySchedules lists the pending schedules due at t.
	DueSurveySchedules(ctx context.Context, t time.Time) ([]*Schedule, error)
	// SetSurveyScheduleStatus moves a schedule from one status to another
	// (storing its questionnaire ID); ECONFLICT when it is no longer in
	// from. Of several servers claiming one schedule exactly one succeeds.
	SetSurveyScheduleStatus(ctx context.Context, s *Schedule, from ScheduleStatus) error
}

func (s *Service) schedules() (ScheduleStore, error) {
	st, ok := s.Store.(ScheduleStore)
	if !ok {
		return nil, huanxin.Errorf(huanxin.EINTERNAL, "问卷计划未启用 survey schedules are not stored")
	}
	return st, nil
}

// SatisfactionTemplate is the standard satisfaction survey: an overall
// rating, a rating per aspect of the works, and free text.
func SatisfactionTemplate() Template {
	return Template{
		Title: "改造满意度调查 Satisfaction with the renovation",
		Intro: "请您对本小区的改造工程打分，并留下意见和建议。Please rate the renovation of your estate and tell us what you think.",
		Per:   PerHousehold,
		Questions: []Question{
			{ID: 1, Kind: KindRating, Title: "总体满意度 Overall satisfaction", Required: true, Scale: 5},
			{ID: 2, Kind: KindMatrix, Title: "各方面满意度 Satisfaction with each aspect",
				Rows:    []string{"施工质量 Quality of the works", "工期与进度 Schedule", "文明施工（噪音、扬尘、安全）Disturbance and safety", "沟通与信息公开 Communication", "售后与维护 Upkeep since"},
				Options: []string{"1 很不满意", "2 不满意", "3 一般", "4 满意", "5 很满意"}},
			{ID: 3, Kind: KindText, Title: "意见和建议 Comments and suggestions"},
		},
	}
}

// questionnaire builds the draft a schedule sends.
func (sc *Schedule) questionnaire(now time.Time) *Questionnaire {
	t := sc.Template
	return &Questionnaire{CityID: sc.CityID, EstateID: sc.EstateID, Title: t.Title, Intro: t.Intro, Anonymous: t.Anonymous,
		Per: t.Per, ClosesAt: now.AddDate(0, 0, sc.ClosesAfter), Questions: append([]Question(nil), t.Questions...),
		Status: StatusDraft, CreatedBy: sc.CreatedBy}
}

// ScheduleSurvey validates and stores a pending schedule of an estate in
// the officer's scope.
func (s *Service) ScheduleSurvey(ctx context.Context, sc *Schedule) error {
	a, err := officer(ctx)
	if err != nil {
		return err
	}
	st, err := s.schedules()
	if err != nil {
		return err
	}
	est, err := s.Register.Estates().Get(ctx, sc.EstateID)
	if huanxin.ErrorCode(err) == huanxin.ENOTFOUND {
		return huanxin.Errorf(huanxin.EFORBIDDEN, "不在您的管辖范围 outside your jurisdiction")
	} else if err != nil {
		return err
	}
	var bad []huanxin.FieldError
	q := sc.questionnaire(sc.At)
	if err := q.Validate(); err != nil {
		for _, f := range huanxin.ErrorFields(err) {
			bad = append(bad, huanxin.FieldError{Field: "template." + f.Field, Message: f.Message})
		}
	}
	if sc.At.IsZero() {
		bad = append(bad, huanxin.FieldError{Field: "at", Message: "必填 required"})
	}
	if sc.ClosesAfter < 1 || sc.ClosesAfter > MaxClosesAfter {
		bad = append(bad, huanxin.FieldError{Field: "closes_after", Message: "须为 1–365 天 must be 1 to 365 days"})
	}
	if sc.Reason == "" {
		bad = append(bad, huanxin.FieldError{Field: "reason", Message: "必填 required"})
	}
	if len(bad) > 0 {
		return huanxin.Invalid("输入有误 invalid input", bad...)
	}
	// Validate cleaned the definition (trimmed, numbered, defaults).
	sc.Template = Template{Title: q.Title, Intro: q.Intro, Anonymous: q.Anonymous, Per: q.Per, Questions: q.Questions}
	sc.ID, sc.CityID, sc.Status, sc.QuestionnaireID, sc.CreatedBy = 0, est.CityID, SchedulePending, 0, a.UserID
	sc.At = sc.At.UTC()
	return st.CreateSurveySchedule(ctx, sc)
}

// ScheduleAfterAcceptance schedules the standard satisfaction survey of
// an estate at the acceptance of its works and again a year later, each
// open for 30 days.
func (s *Service) ScheduleAfterAcceptance(ctx context.Context, estateID int64, accepted time.Time) ([]*Schedule, error) {
	out := []*Schedule{
		{EstateID: estateID, Template: SatisfactionTemplate(), At: accepted, ClosesAfter: 30, Reason: ReasonWorksAccepted},
		{EstateID: estateID, Template: SatisfactionTemplate(), At: accepted.AddDate(1, 0, 0), ClosesAfter: 30, Reason: ReasonOneYearLater},
	}
	for _, sc := range out {
		if err := s.ScheduleSurvey(ctx, sc); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Schedules lists the survey schedules of an estate in the actor's scope.
func (s *Service) Schedules(ctx context.Context, estateID int64) ([]*Schedule, error) {
	a, err := officer(ctx)
	if err != nil {
		return nil, err
	}
	st, err := s.schedules()
	if err != nil {
		return nil, err
	}
	return st.FindSurveySchedules(ctx, a.Scope, estateID)
}

// Cancel cancels a pending schedule.
func (s *Service) Cancel(ctx context.Context, id int64) (*Schedule, error) {
	a, err := officer(ctx)
	if err != nil {
		return nil, err
	}
	st, err := s.schedules()
	if err != nil {
		return nil, err
	}
	sc, err := st.FindSurveyScheduleByID(ctx, a.Scope, id)
	if err != nil {
		return nil, err
	}
	if sc.Status != SchedulePending {
		return nil, huanxin.Errorf(huanxin.EINVALID, "只能取消待发送的计划 only a pending schedule can be cancelled")
	}
	sc.Status = ScheduleCancelled
	return sc, st.SetSurveyScheduleStatus(ctx, sc, SchedulePending)
}

// SendDue sends the schedules due now: it claims each (pending → sent, a
// conditional update, so that of several servers running the sweep one
// sends it), creates its questionnaire and opens it. A schedule whose
// questionnaire cannot be created goes back to pending and is tried
// again at the next sweep. It returns how many it sent.
func (s *Service) SendDue(ctx context.Context) (int, error) {
	st, err := s.schedules()
	if err != nil {
		return 0, err
	}
	ctx = huanxin.NewContextWithActor(ctx, huanxin.SystemActor)
	now := s.now().UTC()
	due, err := st.DueSurveySchedules(ctx, now)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, sc := range due {
		sc.Status = ScheduleSent
		if err := st.SetSurveyScheduleStatus(ctx, sc, SchedulePending); huanxin.ErrorCode(err) == huanxin.ECONFLICT {
			continue // another server took it, or it was cancelled
		} else if err != nil {
			return sent, err
		}
		if err := s.send(ctx, st, sc, now); err != nil {
			sc.Status, sc.QuestionnaireID = SchedulePending, 0
			return sent, errors.Join(err, st.SetSurveyScheduleStatus(ctx, sc, ScheduleSent))
		}
		sent++
	}
	return sent, nil
}

// send creates and opens a claimed schedule's questionnaire and stores
// its ID with the schedule.
func (s *Service) send(ctx context.Context, st ScheduleStore, sc *Schedule, now time.Time) error {
	q := sc.questionnaire(now)
	if err := q.Validate(); err != nil {
		return err
	}
	if err := s.Store.CreateQuestionnaire(ctx, q); err != nil {
		return err
	}
	q.Status, q.OpensAt = StatusOpen, now
	if err := s.Store.SetQuestionnaireStatus(ctx, q, StatusDraft); err != nil {
		return err
	}
	sc.QuestionnaireID = q.ID
	return st.SetSurveyScheduleStatus(ctx, sc, ScheduleSent)
}

// SweepSchedules sends due schedules every interval until ctx ends,
// reporting errors to fail.
func (s *Service) SweepSchedules(ctx context.Context, every time.Duration, fail func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.SendDue(ctx); err != nil && ctx.Err() == nil {
			fail(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
