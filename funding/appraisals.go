package funding

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/funding/appraise"
)

// Appraisal is a stored social-capital appraisal of an estate: a titled
// cash-flow model (see package appraise).
type Appraisal struct {
	ID        int64
	CityID    int64
	EstateID  int64
	Title     string
	Model     appraise.Model
	CreatedBy int64
	Created   time.Time
	Updated   time.Time
}

// AppraisalStore is what Appraisals needs from storage.
type AppraisalStore interface {
	// FindAppraisals lists the appraisals of an estate within the scope,
	// newest first.
	FindAppraisals(ctx context.Context, s huanxin.Scope, estateID int64) ([]*Appraisal, error)
	// FindAppraisalByID returns an appraisal within the scope or ENOTFOUND.
	FindAppraisalByID(ctx context.Context, s huanxin.Scope, id int64) (*Appraisal, error)
	// CreateAppraisal stores a new appraisal, setting ID, Created and Updated.
	CreateAppraisal(ctx context.Context, a *Appraisal) error
	// UpdateAppraisal stores an appraisal's title and model, setting Updated.
	UpdateAppraisal(ctx context.Context, a *Appraisal, by int64) error
}

// Appraisals keeps the social-capital appraisals of estates. Only officers
// who may edit the register of the estate see and change them: they are
// working papers for negotiating with investors, not public.
type Appraisals struct {
	Store    AppraisalStore
	Register *estate.Service
}

// Appraised is an appraisal with its result and sensitivity table.
type Appraised struct {
	Appraisal   *Appraisal
	Result      *appraise.Result
	Sensitivity []appraise.Outcome
}

func appraiser(ctx context.Context) (*huanxin.Actor, error) {
	return huanxin.Officer(ctx, "无权查看或编制社会资本测算 you may not see or change appraisals")
}

// List returns the appraisals of an estate, newest first.
func (s *Appraisals) List(ctx context.Context, estateID int64) ([]*Appraisal, error) {
	a, err := appraiser(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.Register.Estates().Get(ctx, estateID); err != nil {
		return nil, err
	}
	return s.Store.FindAppraisals(ctx, a.Scope, estateID)
}

// Get returns an appraisal.
func (s *Appraisals) Get(ctx context.Context, id int64) (*Appraisal, error) {
	a, err := appraiser(ctx)
	if err != nil {
		return nil, err
	}
	return s.Store.FindAppraisalByID(ctx, a.Scope, id)
}

// check validates a title and a model: the model must appraise.
func checkAppraisal(title string, m appraise.Model) (string, error) {
	title = strings.TrimSpace(title)
	var bad []huanxin.FieldError
	if title == "" || utf8.RuneCountInString(title) > 200 {
		bad = append(bad, huanxin.FieldError{Field: "title", Message: "标题须为 1 至 200 字 the title must be 1 to 200 characters"})
	}
	if _, err := m.Appraise(); err != nil {
		if huanxin.ErrorCode(err) != huanxin.EINVALID {
			return "", err
		}
		bad = append(bad, huanxin.ErrorFields(err)...)
	}
	if len(bad) > 0 {
		return "", huanxin.Invalid("测算有误 the appraisal is invalid", bad...)
	}
	return title, nil
}

// Create stores a new appraisal of an estate.
func (s *Appraisals) Create(ctx context.Context, estateID int64, title string, m appraise.Model) (*Appraisal, error) {
	a, err := appraiser(ctx)
	if err != nil {
		return nil, err
	}
	e, err := s.Register.Estates().Get(ctx, estateID)
	if err != nil {
		return nil, err
	}
	if title, err = checkAppraisal(title, m); err != nil {
		return nil, err
	}
	ap := &Appraisal{CityID: e.CityID, EstateID: e.ID, Title: title, Model: m, CreatedBy: a.UserID}
	return ap, s.Store.CreateAppraisal(ctx, ap)
}

// Update replaces the title and model of an appraisal.
func (s *Appraisals) Update(ctx context.Context, id int64, title string, m appraise.Model) (*Appraisal, error) {
	a, err := appraiser(ctx)
	if err != nil {
		return nil, err
	}
	ap, err := s.Store.FindAppraisalByID(ctx, a.Scope, id)
	if err != nil {
		return nil, err
	}
	if ap.Title, err = checkAppraisal(title, m); err != nil {
		return nil, err
	}
	ap.Model = m
	return ap, s.Store.UpdateAppraisal(ctx, ap, a.UserID)
}

// Appraise returns an appraisal with its yearly table, measures and
// sensitivity table.
func (s *Appraisals) Appraise(ctx context.Context, id int64) (*Appraised, error) {
	ap, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	r, err := ap.Model.Appraise()
	if err != nil {
		return nil, err
	}
	sens, err := appraise.Sensitivity(ap.Model)
	if err != nil {
		return nil, err
	}
	return &Appraised{Appraisal: ap, Result: r, Sensitivity: sens}, nil
}
