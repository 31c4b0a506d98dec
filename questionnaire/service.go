package questionnaire

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
)

// Store is what the questionnaire service needs from storage.
type Store interface {
	// CreateQuestionnaire stores a draft, setting its ID and times.
	CreateQuestionnaire(ctx context.Context, q *Questionnaire) error
	// UpdateQuestionnaire stores the definition of a questionnaire that is
	// still a draft; ECONFLICT when it is no longer one.
	UpdateQuestionnaire(ctx context.Context, q *Questionnaire) error
	// SetQuestionnaireStatus stores q's status, opening and closing times
	// if it is still in from; ECONFLICT otherwise.
	SetQuestionnaireStatus(ctx context.Context, q *Questionnaire, from Status) error
	// FindQuestionnaires lists the questionnaires of an estate within the
	// scope, newest first; FindQuestionnaireByID returns one, or ENOTFOUND.
	FindQuestionnaires(ctx context.Context, s huanxin.Scope, estateID int64) ([]*Questionnaire, error)
	FindQuestionnaireByID(ctx context.Context, s huanxin.Scope, id int64) (*Questionnaire, error)
	// CreateResponse stores a response to an open questionnaire. The
	// unique key on the respondent refuses a second one: of any number of
	// concurrent attempts exactly one is stored, the others fail with
	// ECONFLICT.
	CreateResponse(ctx context.Context, r *Response) error
	// RespondedKeys returns which of the respondent keys have answered.
	RespondedKeys(ctx context.Context, questionnaireID int64, keys []string) (map[string]bool, error)
	// Responses lists the responses of a questionnaire, oldest first.
	Responses(ctx context.Context, questionnaireID int64) ([]*Response, error)
}

// Service runs questionnaires: officers who may edit the register build,
// open and close them within their scope and enter paper responses;
// residents answer online; officers, committees, property companies and
// auditors read the results.
type Service struct {
	Store    Store
	Register *estate.Service
	// Hash is the deployment's keyed hash (pii.Keys.Hash). Anonymous
	// questionnaires key their respondents with it; see respondentKey.
	Hash func(string) []byte
	// Catalogue gives the renovation catalogue of needs questionnaires.
	Catalogue Catalogue
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Closed, when set, is told of every questionnaire closed (see Close).
	Closed func(ctx context.Context, q *Questionnaire) error
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// officer returns the actor if it may build questionnaires and enter
// paper responses.
func officer(ctx context.Context) (*huanxin.Actor, error) {
	return huanxin.Officer(ctx, "无权组织问卷调查 you may not run questionnaires")
}

// MayReadResults reports whether a role may see results and responses:
// everyone but residents, contractors and utility companies.
func MayReadResults(r huanxin.Role) bool {
	return r != huanxin.RoleResident && r != huanxin.RoleContractor && r != huanxin.RoleUtility
}

// Create validates and stores a draft questionnaire of an estate in the
// officer's scope.
func (s *Service) Create(ctx context.Context, q *Questionnaire) error {
	a, err := officer(ctx)
	if err != nil {
		return err
	}
	est, err := s.Register.Estates().Get(ctx, q.EstateID)
	if huanxin.ErrorCode(err) == huanxin.ENOTFOUND {
		return huanxin.Errorf(huanxin.EFORBIDDEN, "不在您的管辖范围 outside your jurisdiction")
	} else if err != nil {
		return err
	}
	if err := q.Validate(); err != nil {
		return err
	}
	q.ID, q.CityID, q.Status, q.CreatedBy = 0, est.CityID, StatusDraft, a.UserID
	return s.Store.CreateQuestionnaire(ctx, q)
}

// Update replaces the definition of a draft (title, intro, anonymity, how
// it counts, dates, questions); the estate and status stay.
func (s *Service) Update(ctx context.Context, q *Questionnaire) error {
	old, err := s.managed(ctx, q.ID)
	if err != nil {
		return err
	}
	if old.Status != StatusDraft {
		return huanxin.Errorf(huanxin.EINVALID, "问卷已发布，不能再修改 the questionnaire has been opened and can no longer change")
	}
	q.CityID, q.EstateID, q.Status, q.CreatedBy, q.Created = old.CityID, old.EstateID, old.Status, old.CreatedBy, old.Created
	if err := q.Validate(); err != nil {
		return err
	}
	return s.Store.UpdateQuestionnaire(ctx, q)
}

// managed loads a questionnaire the acting officer may run.
func (s *Service) managed(ctx context.Context, id int64) (*Questionnaire, error) {
	a, err := officer(ctx)
	if err != nil {
		return nil, err
	}
	return s.Store.FindQuestionnaireByID(ctx, a.Scope, id)
}

// Get returns a questionnaire visible to the actor; residents do not see
// drafts.
func (s *Service) Get(ctx context.Context, id int64) (*Questionnaire, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, err
	}
	q, err := s.Store.FindQuestionnaireByID(ctx, a.Scope, id)
	if err == nil && q.Status == StatusDraft && a.Role == huanxin.RoleResident {
		return nil, huanxin.Errorf(huanxin.ENOTFOUND, "问卷不存在 questionnaire not found")
	}
	return q, err
}

// List returns the questionnaires of an estate visible to the actor.
func (s *Service) List(ctx context.Context, estateID int64) ([]*Questionnaire, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, err
	}
	qs, err := s.Store.FindQuestionnaires(ctx, a.Scope, estateID)
	if a.Role == huanxin.RoleResident {
		qs = slices.DeleteFunc(qs, func(q *Questionnaire) bool { return q.Status == StatusDraft })
	}
	return qs, err
}

// Open starts collecting answers to a draft; OpensAt becomes now unless a
// later time was set.
func (s *Service) Open(ctx context.Context, id int64) error {
	q, err := s.managed(ctx, id)
	if err != nil {
		return err
	}
	if q.Status != StatusDraft {
		return huanxin.Errorf(huanxin.EINVALID, "只有草稿可以发布 only a draft can be opened")
	}
	now := s.now().UTC()
	if !q.ClosesAt.IsZero() && !q.ClosesAt.After(now) {
		return huanxin.Errorf(huanxin.EINVALID, "结束时间已过 the closing time has passed")
	}
	if q.OpensAt.IsZero() || q.OpensAt.Before(now) {
		q.OpensAt = now
	}
	q.Status = StatusOpen
	return s.Store.SetQuestionnaireStatus(ctx, q, StatusDraft)
}

// Close stops collecting answers.
//
// When set, Closed is told of the closed questionnaire (planning derives
// the ranking's needs indicators from a needs questionnaire); its error is
// returned after the questionnaire is stored as closed.
func (s *Service) Close(ctx context.Context, id int64) error {
	q, err := s.managed(ctx, id)
	if err != nil {
		return err
	}
	if q.Status != StatusOpen {
		return huanxin.Errorf(huanxin.EINVALID, "问卷未在收集中 the questionnaire is not open")
	}
	if now := s.now().UTC(); q.ClosesAt.IsZero() || q.ClosesAt.After(now) {
		q.ClosesAt = now
	}
	q.Status = StatusClosed
	if err := s.Store.SetQuestionnaireStatus(ctx, q, StatusOpen); err != nil || s.Closed == nil {
		return err
	}
	return s.Closed(ctx, q)
}

// Submission is a response as given: the household (exclusive part) it
// is for; for a paper response to a questionnaire per resident, the owner
// or registered resident who filled it in; the answers by question ID.
// Online responses come from residents (their own household and
// themselves); paper ones are entered by officers.
type Submission struct {
	Channel    Channel
	PartID     int64
	OwnerID    int64
	ResidentID int64
	Answers    map[int]Answer
}

// Respondent is a household or person a resident may answer as, and
// whether that answer has been given.
type Respondent struct {
	PartID   int64
	Part     *estate.Part
	Answered bool
}

// Respondents lists the households of the estate the resident may answer
// for (one per part held there; for a questionnaire per resident, the
// resident once, with their first part), and which have answered.
func (s *Service) Respondents(ctx context.Context, id int64) (*Questionnaire, []Respondent, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, nil, err
	}
	q, err := s.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	var out []Respondent
	var keys []string
	for _, pid := range a.Scope.PartIDs {
		p, err := s.Register.Parts().Get(ctx, pid)
		if err != nil || p.EstateID != q.EstateID {
			continue
		}
		sub := Submission{Channel: ChannelOnline, PartID: pid}
		key, _ := s.keys(q, a, sub)
		out = append(out, Respondent{PartID: pid, Part: p})
		keys = append(keys, key)
		if q.Per == PerResident {
			break
		}
	}
	if len(keys) == 0 {
		return q, nil, nil
	}
	done, err := s.Store.RespondedKeys(ctx, q.ID, keys)
	for i := range out {
		out[i].Answered = done[keys[i]]
	}
	return q, out, err
}

// keys returns the respondent and household keys of a submission, hashed
// for an anonymous questionnaire.
func (s *Service) keys(q *Questionnaire, a *huanxin.Actor, sub Submission) (respondent, household string) {
	household = "part:" + strconv.FormatInt(sub.PartID, 10)
	respondent = household
	if q.Per == PerResident {
		switch {
		case sub.Channel == ChannelOnline && a.OwnerID != 0:
			respondent = "owner:" + strconv.FormatInt(a.OwnerID, 10)
		case sub.Channel == ChannelOnline:
			respondent = "user:" + strconv.FormatInt(a.UserID, 10)
		case sub.OwnerID != 0:
			respondent = "owner:" + strconv.FormatInt(sub.OwnerID, 10)
		default:
			respondent = "resident:" + strconv.FormatInt(sub.ResidentID, 10)
		}
	}
	if q.Anonymous {
		return s.blind(q.ID, respondent), s.blind(q.ID, household)
	}
	return respondent, household
}

// blind returns the keyed hash standing for a respondent or household key
// in an anonymous questionnaire: HMAC-SHA256 under the questionnaire's
// own key, which is HMAC-SHA256 of "questionnaire/v1/<id>" under the
// deployment's secret-derived hashing key. The database alone (a backup,
// a read-only replica, an auditor's copy) cannot tell whose a response
// is: there is no part, person or account in the row, and without the
// secret the hashes cannot be recomputed from the register. Equal keys
// still hash equally, so the unique index allows one response per
// household (or person) as for named questionnaires; and another
// questionnaire's hashes of the same household differ, so answers cannot
// be linked across questionnaires.
func (s *Service) blind(id int64, key string) string {
	k := s.Hash("questionnaire/v1/" + strconv.FormatInt(id, 10))
	m := hmac.New(sha256.New, k)
	m.Write([]byte(key))
	return hex.EncodeToString(m.Sum(nil))
}

// Submit validates and stores a response. Residents answer online for a
// household of theirs in the estate (PartID may be left 0 when they hold
// only one); officers enter paper responses for a household of the estate,
// and in a questionnaire per resident name the owner or registered
// resident who filled it in. A second response of the same household (or
// person) is refused with ECONFLICT, whichever channel it came through.
func (s *Service) Submit(ctx context.Context, id int64, sub Submission) (*Response, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, err
	}
	if a.ReadOnly {
		return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "只读令牌不能提交 a read-only token cannot submit")
	}
	q, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	switch sub.Channel {
	case ChannelOnline:
		if a.Role != huanxin.RoleResident {
			return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "线上填写限本小区居民；工作人员请录入纸质问卷 only residents answer online; officers enter paper responses")
		}
		sub.OwnerID, sub.ResidentID = 0, 0
	case ChannelPaper:
		if _, err := officer(ctx); err != nil {
			return nil, err
		}
	default:
		return nil, huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "channel", Message: "应为 online 或 paper must be online or paper"})
	}
	if !q.Accepting(s.now()) {
		return nil, huanxin.Errorf(huanxin.EINVALID, "问卷不在填写时间内 the questionnaire is not taking answers")
	}
	part, err := s.household(ctx, a, q, &sub)
	if err != nil {
		return nil, err
	}
	answers, bad := q.Check(sub.Answers)
	if len(bad) > 0 {
		return nil, huanxin.Invalid("请检查以下问题 please check these questions", bad...)
	}
	r := &Response{CityID: q.CityID, QuestionnaireID: q.ID, BuildingID: part.BuildingID, Area: part.Area,
		Channel: sub.Channel, Answers: answers, Submitted: s.now().UTC()}
	r.Respondent, r.Household = s.keys(q, a, sub)
	if sub.Channel == ChannelPaper {
		r.EnteredBy = a.UserID
	}
	if q.Anonymous {
		y, m, d := r.Submitted.Date()
		r.Submitted = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	} else {
		r.PartID, r.OwnerID, r.ResidentID = part.ID, sub.OwnerID, sub.ResidentID
		if sub.Channel == ChannelOnline {
			r.UserID, r.OwnerID = a.UserID, a.OwnerID
		}
	}
	if err := s.Store.CreateResponse(ctx, r); err != nil {
		return nil, err
	}
	return r, nil
}

// household checks the submission's household (and person) and returns
// the part.
func (s *Service) household(ctx context.Context, a *huanxin.Actor, q *Questionnaire, sub *Submission) (*estate.Part, error) {
	bad := func(field, msg string) error {
		return huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: field, Message: msg})
	}
	if sub.Channel == ChannelOnline && sub.PartID == 0 {
		var mine []int64
		for _, pid := range a.Scope.PartIDs {
			if p, err := s.Register.Parts().Get(ctx, pid); err == nil && p.EstateID == q.EstateID {
				mine = append(mine, pid)
			}
		}
		if len(mine) != 1 {
			return nil, bad("part_id", "请选择为哪一户填写 choose the household you answer for")
		}
		sub.PartID = mine[0]
	}
	if sub.Channel == ChannelOnline && !slices.Contains(a.Scope.PartIDs, sub.PartID) {
		return nil, bad("part_id", "只能为自己的房屋填写 you may answer only for your own household")
	}
	p, err := s.Register.Parts().Get(ctx, sub.PartID)
	if err != nil && huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
		return nil, err
	}
	if err != nil || p.EstateID != q.EstateID {
		return nil, bad("part_id", "房屋不存在或不属于本小区 no such household in this estate")
	}
	if sub.Channel != ChannelPaper || q.Per != PerResident {
		sub.OwnerID, sub.ResidentID = 0, 0
		return p, nil
	}
	switch {
	case sub.OwnerID != 0 && sub.ResidentID != 0:
		return nil, bad("owner_id", "业主与住户只填一个 name either the owner or the resident")
	case sub.OwnerID != 0:
		list, _, err := s.Register.Ownerships().Find(ctx, estate.Filter{PartID: &p.ID, OwnerID: &sub.OwnerID, Limit: 1})
		if err != nil {
			return nil, err
		}
		if len(list) == 0 {
			return nil, bad("owner_id", "该业主不是这户的产权人 the owner does not hold this household")
		}
	case sub.ResidentID != 0:
		res, err := s.Register.Residents().Get(ctx, sub.ResidentID)
		if err != nil && huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			return nil, err
		}
		if err != nil || res.PartID != p.ID {
			return nil, bad("resident_id", "该住户不住在这户 the resident does not live in this household")
		}
	default:
		return nil, bad("resident_id", "每人一份的问卷须注明填写人（业主或住户） name who filled it in (owner or resident)")
	}
	return p, nil
}

// readable loads a questionnaire whose results the actor may read.
func (s *Service) readable(ctx context.Context, id int64) (*Questionnaire, []*Response, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, nil, err
	}
	if !MayReadResults(a.Role) {
		return nil, nil, huanxin.Errorf(huanxin.EFORBIDDEN, "无权查看问卷结果 you may not see the results")
	}
	q, err := s.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	rs, err := s.Store.Responses(ctx, q.ID)
	return q, rs, err
}

// Results counts the responses so far, overall and per building.
func (s *Service) Results(ctx context.Context, id int64) (*Questionnaire, Results, error) {
	q, rs, err := s.readable(ctx, id)
	if err != nil {
		return nil, Results{}, err
	}
	return q, Count(q, rs), nil
}

// Texts lists the free-text answers to one question that contain query.
func (s *Service) Texts(ctx context.Context, id int64, question int, query string) ([]TextAnswer, error) {
	q, rs, err := s.readable(ctx, id)
	if err != nil {
		return nil, err
	}
	if qu := q.Question(question); qu == nil || qu.Kind != KindText {
		return nil, huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "question", Message: "不是文字题 not a free-text question"})
	}
	return Texts(q, rs, question, query), nil
}

// Responses lists the responses for export, oldest first.
func (s *Service) Responses(ctx context.Context, id int64) (*Questionnaire, []*Response, error) {
	return s.readable(ctx, id)
}
