package request

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/file"
)

// Store is what the request service needs from storage. Every write is
// audited in its transaction.
type Store interface {
	// CitySettings returns the named settings of a city; SetCitySettings
	// stores some of them.
	CitySettings(ctx context.Context, cityID int64) (map[string]string, error)
	SetCitySettings(ctx context.Context, cityID int64, values map[string]string, by int64) error
	// CreateRequest stores a new request with its first events, setting
	// IDs and Version.
	CreateRequest(ctx context.Context, r *Request, events []Event) error
	// FindRequests lists the requests f selects, the waiting ones with the
	// nearest deadline first, and the number matching.
	FindRequests(ctx context.Context, f Filter) ([]*Request, int, error)
	// RequestFacts returns the overview facts of every request f selects.
	RequestFacts(ctx context.Context, f Filter) ([]Facts, error)
	// RequestEvents lists a request's history, oldest first.
	RequestEvents(ctx context.Context, id int64) ([]Event, error)
	// SaveRequest stores the changed request with the event (and the
	// escalation, if any) unless it was changed since it was read
	// (r.Version): then ECONFLICT. It bumps r.Version.
	SaveRequest(ctx context.Context, r *Request, ev Event, esc *Escalation) error

	// CreateOrganisation and UpdateOrganisation store an organisation with
	// its members and estates; FindOrganisations lists those of the cities
	// (all cities when nil), only those with the member when member != 0.
	CreateOrganisation(ctx context.Context, o *Organisation) error
	UpdateOrganisation(ctx context.Context, o *Organisation) error
	FindOrganisations(ctx context.Context, cities []int64, member int64) ([]*Organisation, error)
	// EstateOrganisation returns the organisation of a kind responsible
	// for an estate, or ENOTFOUND.
	EstateOrganisation(ctx context.Context, estateID int64, kind UnitKind) (*Organisation, error)
}

// Files finds stored files (package file).
type Files interface {
	Get(ctx context.Context, id int64) (*file.File, error)
}

// Notifier is told when a resident must hear of their request (an
// answer) and when a unit must (an escalation reached it). It delivers
// on its own and keeps its failures to itself.
type Notifier interface {
	Answered(ctx context.Context, r *Request)
	Escalated(ctx context.Context, r *Request, e Escalation)
}

// Service runs the requests.
//
// Residents submit requests about the estate of their dwelling, see their
// own, rate or reopen answers and read the estate's FAQ. An officer in
// assisted mode does the same for the owner. The responsible unit answers:
// officers (admin, bureau, street, community) whose scope covers the
// unit's jurisdiction, or the members of an organisation (users of the
// matching role), or the officers over the estate for an organisation.
// Officers over the estate reassign and publish; auditors read.
type Service struct {
	Store    Store
	Register *estate.Service
	Files    Files
	// Notifier, when set, hears of answers and escalations.
	Notifier Notifier
	// Now is the clock of deadlines and of every time recorded; nil means
	// time.Now.
	Now func() time.Time
}

func (s *Service) now() time.Time {
	t := time.Now()
	if s.Now != nil {
		t = s.Now()
	}
	return t.UTC().Truncate(time.Microsecond)
}

// MaxPhotos is the most photos a request may carry.
const MaxPhotos = 9

var system = huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)

func forbidden(msg string) error { return huanxin.Errorf(huanxin.EFORBIDDEN, "%s", msg) }

func notFound() error {
	return huanxin.Errorf(huanxin.ENOTFOUND, "诉求不存在或不在您的管辖范围 request not found")
}

// Categories returns the request categories of a city.
func (s *Service) Categories(ctx context.Context, cityID int64) ([]Category, error) {
	set, err := s.Store.CitySettings(ctx, cityID)
	if err != nil {
		return nil, err
	}
	return CategoriesFrom(set)
}

// SetCategories replaces a city's categories; only an administrator or a
// housing bureau whose scope covers the whole city may. Requests keep the
// deadline they were given.
func (s *Service) SetCategories(ctx context.Context, cityID int64, cs []Category) error {
	a, err := s.Register.CityWide(ctx, cityID, "只有市级管理员或住建局可以修改诉求分类 only city-wide administrators or housing bureaus may change the categories")
	if err != nil {
		return err
	}
	for i := range cs {
		cs[i].Code, cs[i].Label = strings.TrimSpace(cs[i].Code), strings.TrimSpace(cs[i].Label)
	}
	if err := CheckCategories(cs); err != nil {
		return err
	}
	b, err := json.Marshal(cs)
	if err != nil {
		return err
	}
	return s.Store.SetCitySettings(ctx, cityID, map[string]string{SettingCategories: string(b)}, a.UserID)
}

// SaveCategory adds a category to a city's (isNew: its code must be
// new) or changes the label, unit and hours of one, as SetCategories
// does; problems are named by the category's member ("code", "hours" …).
func (s *Service) SaveCategory(ctx context.Context, cityID int64, c Category, isNew bool) error {
	return s.editCategory(ctx, cityID, c.Code, isNew, func(cs []Category, i int) []Category {
		if i < 0 {
			return append(cs, c)
		}
		cs[i].Label, cs[i].Unit, cs[i].Hours = c.Label, c.Unit, c.Hours
		return cs
	})
}

// SetCategoryActive stops (or resumes) a city's category taking new
// requests.
func (s *Service) SetCategoryActive(ctx context.Context, cityID int64, code string, active bool) error {
	return s.editCategory(ctx, cityID, code, false, func(cs []Category, i int) []Category {
		cs[i].Inactive = !active
		return cs
	})
}

// editCategory changes one category of a city's list and stores the list:
// ENOTFOUND for an unknown code (unless isNew), EINVALID naming "code" for
// a known one when isNew.
func (s *Service) editCategory(ctx context.Context, cityID int64, code string, isNew bool, edit func(cs []Category, i int) []Category) error {
	cs, err := s.Categories(ctx, cityID)
	if err != nil {
		return err
	}
	code = strings.TrimSpace(code)
	i := slices.IndexFunc(cs, func(c Category) bool { return c.Code == code })
	switch {
	case isNew && i >= 0:
		return huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "code", Message: "编码已存在 the code is taken"})
	case !isNew && i < 0:
		return huanxin.Errorf(huanxin.ENOTFOUND, "诉求分类不存在 no such category")
	}
	cs = edit(cs, i)
	if i < 0 {
		i = len(cs) - 1
	}
	err = s.SetCategories(ctx, cityID, cs)
	if fe := huanxin.ErrorFields(err); len(fe) > 0 {
		// Name the problems of the edited category by its member alone.
		var own []huanxin.FieldError
		prefix := "categories." + itoa(i) + "."
		for _, f := range fe {
			if m, ok := strings.CutPrefix(f.Field, prefix); ok {
				own = append(own, huanxin.FieldError{Field: m, Message: f.Message})
			} else if f.Field == "categories" {
				own = append(own, f)
			}
		}
		return huanxin.Invalid(huanxin.ErrorMessage(err), own...)
	}
	return err
}

// chain returns a jurisdiction and its ancestors, nearest first, read on
// the system's authority.
func (s *Service) chain(id int64) ([]*estate.Jurisdiction, error) {
	var out []*estate.Jurisdiction
	for id != 0 && len(out) < len(huanxin.Levels) {
		j, err := s.Register.Jurisdictions().Get(system, id)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
		id = j.ParentID
	}
	return out, nil
}

// jurisdictionUnit returns the nearest unit of the chain at or above the
// level of want (community: the estate's own community, or its street
// where it has none).
func jurisdictionUnit(chain []*estate.Jurisdiction, want UnitKind) (Unit, bool) {
	depth := map[UnitKind]int{UnitCommunity: huanxin.LevelCommunity.Depth(), UnitStreet: huanxin.LevelStreet.Depth(),
		UnitDistrict: huanxin.LevelDistrict.Depth()}[want]
	for _, j := range chain {
		if k := JurisdictionUnit(j.Level); k != "" && j.Level.Depth() <= depth {
			return Unit{Kind: k, ID: j.ID, Name: j.Name}, true
		}
	}
	return Unit{}, false
}

// route returns the unit responsible for a category in an estate: the
// estate's community, street or district for those kinds; the
// organisation of the kind assigned to the estate, else the community.
func (s *Service) route(ctx context.Context, est *estate.Estate, kind UnitKind) (Unit, error) {
	chain, err := s.chain(est.JurisdictionID)
	if err != nil {
		return Unit{}, err
	}
	if kind.IsOrg() {
		o, err := s.Store.EstateOrganisation(ctx, est.ID, kind)
		if err == nil {
			return Unit{Kind: o.Kind, ID: o.ID, Name: o.Name}, nil
		} else if huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			return Unit{}, err
		}
		kind = UnitCommunity
	}
	if u, ok := jurisdictionUnit(chain, kind); ok {
		return u, nil
	}
	return Unit{}, huanxin.Errorf(huanxin.EINVALID, "小区 %d 没有所属社区、街道或区 the estate has no community, street or district", est.ID)
}

// up returns the unit one level above u for a request of the estate: an
// organisation's overseer is the estate's community; a community's is its
// street, a street's its district. ok is false at the top.
func (s *Service) up(est *estate.Estate, u Unit) (Unit, bool, error) {
	if u.Kind.IsOrg() {
		chain, err := s.chain(est.JurisdictionID)
		if err != nil {
			return Unit{}, false, err
		}
		to, ok := jurisdictionUnit(chain, UnitCommunity)
		return to, ok, nil
	}
	chain, err := s.chain(u.ID)
	if err != nil || len(chain) < 2 {
		return Unit{}, false, err
	}
	for _, j := range chain[1:] {
		if k := JurisdictionUnit(j.Level); k != "" {
			return Unit{Kind: k, ID: j.ID, Name: j.Name}, true, nil
		}
	}
	return Unit{}, false, nil
}

// covers reports whether the actor's scope covers the estate.
func (s *Service) covers(a *huanxin.Actor, est *estate.Estate) (bool, error) {
	if a.Scope.All || slices.Contains(a.Scope.EstateIDs, est.ID) {
		return true, nil
	}
	j, err := s.Register.Jurisdictions().Get(system, est.JurisdictionID)
	if err != nil {
		return false, err
	}
	return a.Scope.CoversPath(j.Path), nil
}

// officerOver reports whether the actor is an officer who may manage the
// requests of the estate (reassign, publish, answer for organisations).
func (s *Service) officerOver(a *huanxin.Actor, est *estate.Estate) (bool, error) {
	if !a.Role.CanEditRegister() || a.ReadOnly {
		return false, nil
	}
	return s.covers(a, est)
}

// MayAnswer reports whether the actor may answer for the request's unit.
func (s *Service) MayAnswer(ctx context.Context, r *Request) (bool, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil || a.ReadOnly {
		return false, err
	}
	if r.Unit.Kind.IsOrg() {
		if string(a.Role) == string(r.Unit.Kind) {
			orgs, err := s.Store.FindOrganisations(ctx, []int64{r.CityID}, a.UserID)
			if err != nil {
				return false, err
			}
			if slices.ContainsFunc(orgs, func(o *Organisation) bool { return o.ID == r.Unit.ID }) {
				return true, nil
			}
		}
		est, err := s.Register.Estates().Get(system, r.EstateID)
		if err != nil {
			return false, err
		}
		return s.officerOver(a, est)
	}
	if !a.Role.CanEditRegister() {
		return false, nil
	}
	j, err := s.Register.Jurisdictions().Get(system, r.Unit.ID)
	if err != nil {
		return false, err
	}
	return a.Scope.CoversPath(j.Path), nil
}

// MayManage reports whether the actor may reassign and publish the
// request (an officer over its estate).
func (s *Service) MayManage(ctx context.Context, r *Request) (bool, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return false, err
	}
	est, err := s.Register.Estates().Get(system, r.EstateID)
	if err != nil {
		return false, err
	}
	return s.officerOver(a, est)
}

// IsSubmitter reports whether the actor is the resident the request is
// from (or an officer assisting that owner, whoever filed it).
func IsSubmitter(a *huanxin.Actor, r *Request) bool {
	if a == nil || a.ReadOnly {
		return false
	}
	if r.OnBehalfOf != 0 && (a.OwnerID == r.OnBehalfOf || a.OnBehalfOf == r.OnBehalfOf) {
		return true
	}
	if a.OnBehalfOf != 0 && a.Role.CanEditRegister() && r.OwnerID != 0 && a.OnBehalfOf == r.OwnerID {
		return true
	}
	return a.UserID == r.SubmittedBy && a.OnBehalfOf == 0
}

// Submit validates a new request from a resident (or an officer assisting
// an owner), routes it and stores it with its deadline.
func (s *Service) Submit(ctx context.Context, r *Request) error {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return err
	}
	assisted := a.OnBehalfOf != 0 && a.Role.CanEditRegister()
	if a.ReadOnly || (a.Role != huanxin.RoleResident && !assisted) {
		return forbidden("只有居民（或代办的工作人员）可以提交诉求 only residents, or officers assisting them, may submit requests")
	}
	est, err := s.Register.Estates().Get(ctx, r.EstateID)
	if huanxin.ErrorCode(err) == huanxin.ENOTFOUND {
		return forbidden("不在您的管辖范围 outside your jurisdiction")
	} else if err != nil {
		return err
	}
	cats, err := s.Categories(ctx, est.CityID)
	if err != nil {
		return err
	}
	var bad []huanxin.FieldError
	fail := func(field, msg string) { bad = append(bad, huanxin.FieldError{Field: field, Message: msg}) }
	text := func(field string, v *string, required bool, max int) {
		*v = strings.TrimSpace(*v)
		if required && *v == "" {
			fail(field, "必填 required")
		} else if utf8.RuneCountInString(*v) > max {
			fail(field, "过长 too long (max "+itoa(max)+")")
		}
	}
	if !slices.Contains(Kinds, r.Kind) {
		fail("kind", "应为 question、suggestion 或 complaint must be question, suggestion or complaint")
	}
	cat, ok := Find(cats, r.Category)
	if !ok {
		fail("category", "不是本市的诉求分类 not one of the city's categories")
	} else if cat.Inactive {
		fail("category", "该分类已停用 the category is no longer in use")
	}
	text("title", &r.Title, true, 100)
	text("body", &r.Body, true, 5000)
	text("location", &r.Location, false, 200)
	if (r.Lat == nil) != (r.Lng == nil) {
		fail("lat_e6", "经纬度须同时给出 give both latitude and longitude")
	} else if r.Lat != nil && (*r.Lat < -90e6 || *r.Lat > 90e6 || *r.Lng < -180e6 || *r.Lng > 180e6) {
		fail("lat_e6", "坐标超出范围 coordinates out of range")
	}
	if r.BuildingID != 0 {
		b, err := s.Register.Buildings().Get(system, r.BuildingID)
		if err != nil && huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			return err
		}
		if err != nil || b.EstateID != est.ID {
			fail("building_id", "楼栋不属于本小区 no such building in this estate")
		}
	}
	slices.Sort(r.PhotoFileIDs)
	r.PhotoFileIDs = slices.Compact(r.PhotoFileIDs)
	if len(r.PhotoFileIDs) > MaxPhotos {
		fail("photo_file_ids", "最多 9 张照片 at most 9 photos")
	}
	for _, id := range r.PhotoFileIDs {
		f, err := s.Files.Get(ctx, id)
		if err != nil && huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			return err
		}
		if err != nil || f.EstateID != est.ID || !strings.HasPrefix(f.ContentType, "image/") {
			fail("photo_file_ids", "照片 "+itoa64(id)+" 不存在或不是本小区的照片 no such photo of this estate")
		}
	}
	if len(bad) > 0 {
		return huanxin.Invalid("输入有误 invalid input", bad...)
	}
	unit, err := s.route(ctx, est, cat.Unit)
	if err != nil {
		return err
	}
	now := s.now()
	r.ID, r.CityID, r.Status, r.Unit, r.Deadline = 0, est.CityID, StatusAssigned, unit, now.Add(time.Duration(cat.Hours)*time.Hour)
	r.SubmittedBy, r.SubmitterName, r.OnBehalfOf, r.OwnerID = a.UserID, a.Name, 0, a.OwnerID
	if assisted {
		o, err := s.Register.Owners().Get(ctx, a.OnBehalfOf)
		if err != nil {
			return err
		}
		r.OnBehalfOf, r.SubmitterName, r.OwnerID = o.ID, o.Name, o.ID
	}
	r.FAQ, r.FAQQuestion, r.FAQAnswer, r.Answer, r.AnsweredBy, r.AnsweredUnit = false, "", "", "", 0, Unit{}
	r.AnsweredAt, r.FirstAnsweredAt, r.ClosedAt, r.Rating, r.RatingComment, r.Escalations = time.Time{}, time.Time{}, time.Time{}, 0, "", nil
	r.Created = now
	events := []Event{
		{At: now, ActorID: a.UserID, ActorName: a.Name, Action: ActionSubmitted, Status: StatusAssigned, Unit: unit, Note: r.Title},
		{At: now, ActorID: 0, ActorName: "system", Action: ActionAssigned, Status: StatusAssigned, Unit: unit,
			Note: "按分类 " + cat.Label + " 分派，" + itoa(cat.Hours) + " 小时内答复 routed by category, " + itoa(cat.Hours) + " hours to answer"},
	}
	return s.Store.CreateRequest(ctx, r, events)
}

// scoped narrows a filter to what the actor may see: residents their own
// requests, organisations' staff those with their organisations, officers
// and auditors those of the estates in their scope.
func (s *Service) scoped(ctx context.Context, a *huanxin.Actor, f Filter) (Filter, error) {
	f.Scope = a.Scope
	switch {
	case a.Role == huanxin.RoleResident:
		f.SubmittedBy = &a.UserID
		if a.OwnerID != 0 {
			f.OnBehalfOf = &a.OwnerID
		}
	case UnitKind(a.Role).IsOrg():
		orgs, err := s.Store.FindOrganisations(ctx, nil, a.UserID)
		if err != nil {
			return f, err
		}
		f.Orgs = []int64{}
		for _, o := range orgs {
			if string(o.Kind) == string(a.Role) {
				f.Orgs = append(f.Orgs, o.ID)
			}
		}
	case a.Role == huanxin.RoleCommittee:
		return f, forbidden("无权查看诉求 you may not view requests")
	}
	return f, nil
}

// Find lists the requests the filter selects among those the actor may
// see, with the number matching.
func (s *Service) Find(ctx context.Context, f Filter) ([]*Request, int, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, 0, err
	}
	if f, err = s.scoped(ctx, a, f); err != nil {
		return nil, 0, err
	}
	return s.Store.FindRequests(ctx, f)
}

// Get returns a request the actor may see, or ENOTFOUND.
func (s *Service) Get(ctx context.Context, id int64) (*Request, error) {
	list, _, err := s.Find(ctx, Filter{ID: &id, Limit: 1})
	if huanxin.ErrorCode(err) == huanxin.EFORBIDDEN {
		return nil, notFound()
	} else if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, notFound()
	}
	return list[0], nil
}

// History returns the events of a request the actor may see.
func (s *Service) History(ctx context.Context, id int64) ([]Event, error) {
	if _, err := s.Get(ctx, id); err != nil {
		return nil, err
	}
	return s.Store.RequestEvents(ctx, id)
}

// Overview returns the figures per unit of the requests the filter
// selects among those the actor may see.
func (s *Service) Overview(ctx context.Context, f Filter) ([]UnitFigures, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, err
	}
	if f, err = s.scoped(ctx, a, f); err != nil {
		return nil, err
	}
	facts, err := s.Store.RequestFacts(ctx, f)
	if err != nil {
		return nil, err
	}
	return Overview(facts, s.now()), nil
}

// change loads a request the actor may see, checks that it is in one of
// the statuses and that may allows the actor, applies fn and saves it
// with the event fn returns.
func (s *Service) change(ctx context.Context, id int64, statuses []Status, may func(*huanxin.Actor, *Request) (bool, error),
	fn func(a *huanxin.Actor, r *Request, now time.Time) (Event, error)) (*Request, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, err
	}
	r, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	ok, err := may(a, r)
	if err != nil {
		return nil, err
	}
	if !ok || a.ReadOnly {
		return nil, forbidden("无权办理此诉求 you may not act on this request")
	}
	if !slices.Contains(statuses, r.Status) {
		return nil, huanxin.Errorf(huanxin.ECONFLICT, "诉求当前状态不允许此操作 the request's status does not allow this")
	}
	now := s.now()
	ev, err := fn(a, r, now)
	if err != nil {
		return nil, err
	}
	ev.At, ev.ActorID, ev.ActorName, ev.Status, ev.Unit = now, a.UserID, a.Name, r.Status, r.Unit
	if a.OnBehalfOf != 0 && IsSubmitter(a, r) {
		// An officer acting for the owner: the history names both.
		ev.ActorName = a.Name + "（代 " + r.SubmitterName + " 办理 for the owner）"
	}
	if err := s.Store.SaveRequest(ctx, r, ev, nil); err != nil {
		return nil, err
	}
	return r, nil
}

func required(field, v string, max int) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: field, Message: "必填 required"})
	}
	if utf8.RuneCountInString(v) > max {
		return "", huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: field, Message: "过长 too long (max " + itoa(max) + ")"})
	}
	return v, nil
}

// Answer records the unit's answer to a waiting request.
func (s *Service) Answer(ctx context.Context, id int64, text string) (*Request, error) {
	text, err := required("answer", text, 5000)
	if err != nil {
		return nil, err
	}
	r, err := s.change(ctx, id, []Status{StatusAssigned, StatusReopened},
		func(_ *huanxin.Actor, r *Request) (bool, error) { return s.MayAnswer(ctx, r) },
		func(a *huanxin.Actor, r *Request, now time.Time) (Event, error) {
			r.Status, r.Answer, r.AnsweredBy, r.AnsweredUnit, r.AnsweredAt = StatusAnswered, text, a.UserID, r.Unit, now
			if r.FirstAnsweredAt.IsZero() {
				r.FirstAnsweredAt = now
			}
			return Event{Action: ActionAnswered, Note: text}, nil
		})
	if err == nil && s.Notifier != nil {
		s.Notifier.Answered(ctx, r)
	}
	return r, err
}

// Close records the submitter's rating (1–5) of an answered request and
// closes it.
func (s *Service) Close(ctx context.Context, id int64, rating int, comment string) (*Request, error) {
	comment = strings.TrimSpace(comment)
	var bad []huanxin.FieldError
	if rating < 1 || rating > 5 {
		bad = append(bad, huanxin.FieldError{Field: "rating", Message: "请选择 1–5 星 choose 1 to 5 stars"})
	}
	if utf8.RuneCountInString(comment) > 1000 {
		bad = append(bad, huanxin.FieldError{Field: "comment", Message: "过长 too long (max 1000)"})
	}
	if len(bad) > 0 {
		return nil, huanxin.Invalid("输入有误 invalid input", bad...)
	}
	return s.change(ctx, id, []Status{StatusAnswered}, submitter,
		func(a *huanxin.Actor, r *Request, now time.Time) (Event, error) {
			r.Status, r.Rating, r.RatingComment, r.ClosedAt = StatusClosed, rating, comment, now
			return Event{Action: ActionClosed, Note: itoa(rating) + "★ " + comment}, nil
		})
}

func submitter(a *huanxin.Actor, r *Request) (bool, error) { return IsSubmitter(a, r), nil }

// Reopen sends an answered request back to the unit that answered it,
// with a new deadline of the category's hours.
func (s *Service) Reopen(ctx context.Context, id int64, reason string) (*Request, error) {
	reason, err := required("reason", reason, 2000)
	if err != nil {
		return nil, err
	}
	return s.change(ctx, id, []Status{StatusAnswered}, submitter,
		func(a *huanxin.Actor, r *Request, now time.Time) (Event, error) {
			hours, err := s.hours(ctx, r)
			if err != nil {
				return Event{}, err
			}
			r.Status, r.Unit, r.Deadline = StatusReopened, r.AnsweredUnit, now.Add(hours)
			return Event{Action: ActionReopened, Note: reason}, nil
		})
}

// hours is the time a request's category gives to answer (the default
// category's "other" time if the city has since removed it).
func (s *Service) hours(ctx context.Context, r *Request) (time.Duration, error) {
	cats, err := s.Categories(ctx, r.CityID)
	if err != nil {
		return 0, err
	}
	c, ok := Find(cats, r.Category)
	if !ok {
		c, _ = Find(DefaultCategories, "other")
	}
	return time.Duration(c.Hours) * time.Hour, nil
}

// Assign hands a waiting request to another unit responsible for its
// estate, with a new deadline: an officer over the estate may.
func (s *Service) Assign(ctx context.Context, id int64, to Unit, reason string) (*Request, error) {
	reason, err := required("reason", reason, 2000)
	if err != nil {
		return nil, err
	}
	return s.change(ctx, id, []Status{StatusAssigned, StatusReopened},
		func(_ *huanxin.Actor, r *Request) (bool, error) { return s.MayManage(ctx, r) },
		func(a *huanxin.Actor, r *Request, now time.Time) (Event, error) {
			u, err := s.unitFor(ctx, r, to)
			if err != nil {
				return Event{}, err
			}
			hours, err := s.hours(ctx, r)
			if err != nil {
				return Event{}, err
			}
			r.Status, r.Unit, r.Deadline = StatusAssigned, u, now.Add(hours)
			return Event{Action: ActionAssigned, Note: reason}, nil
		})
}

// unitFor checks that a unit may answer for the request's estate (one of
// the estate's jurisdictions, or an organisation of its city) and fills
// its name.
func (s *Service) unitFor(ctx context.Context, r *Request, to Unit) (Unit, error) {
	bad := huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "unit_id", Message: "不是本小区的责任单位 not a unit responsible for this estate"})
	if to.Kind.IsOrg() {
		orgs, err := s.Store.FindOrganisations(ctx, []int64{r.CityID}, 0)
		if err != nil {
			return Unit{}, err
		}
		for _, o := range orgs {
			if o.ID == to.ID && o.Kind == to.Kind {
				return Unit{Kind: o.Kind, ID: o.ID, Name: o.Name}, nil
			}
		}
		return Unit{}, bad
	}
	est, err := s.Register.Estates().Get(system, r.EstateID)
	if err != nil {
		return Unit{}, err
	}
	chain, err := s.chain(est.JurisdictionID)
	if err != nil {
		return Unit{}, err
	}
	for _, j := range chain {
		if j.ID == to.ID && JurisdictionUnit(j.Level) == to.Kind && to.Kind != "" {
			return Unit{Kind: to.Kind, ID: j.ID, Name: j.Name}, nil
		}
	}
	return Unit{}, bad
}

// Publish makes an answered or closed request, whose submitter agreed to
// its publication, part of the estate's FAQ with the public wording of
// question and answer; publishing again changes the wording.
func (s *Service) Publish(ctx context.Context, id int64, question, answer string) (*Request, error) {
	q, err := required("question", question, 1000)
	if err != nil {
		return nil, err
	}
	ans, err := required("answer", answer, 5000)
	if err != nil {
		return nil, err
	}
	return s.change(ctx, id, []Status{StatusAnswered, StatusClosed},
		func(_ *huanxin.Actor, r *Request) (bool, error) { return s.MayManage(ctx, r) },
		func(a *huanxin.Actor, r *Request, now time.Time) (Event, error) {
			if !r.Public {
				return Event{}, huanxin.Errorf(huanxin.ECONFLICT, "提问人未同意公开 the submitter did not agree to publication")
			}
			r.FAQ, r.FAQQuestion, r.FAQAnswer = true, q, ans
			return Event{Action: ActionPublished, Note: q}, nil
		})
}

// FAQ returns the published questions and answers of an estate the actor
// can see, newest first.
func (s *Service) FAQ(ctx context.Context, estateID int64) ([]*Request, error) {
	if _, err := huanxin.SignedIn(ctx); err != nil {
		return nil, err
	}
	if _, err := s.Register.Estates().Get(ctx, estateID); err != nil {
		return nil, err
	}
	yes := true
	list, _, err := s.Store.FindRequests(ctx, Filter{Scope: huanxin.Scope{All: true}, EstateID: &estateID, FAQ: &yes, Limit: 1000})
	return list, err
}

// Escalate moves every request waiting past its deadline one level up,
// with a new deadline, as of the service's clock; it returns how many it
// moved. Requests at the top (a district) stay. Running it again, or on
// two servers at once, moves nothing twice: each move checks that the
// request has not changed since it was read.
func (s *Service) Escalate(ctx context.Context) (int, error) {
	now := s.now()
	ctx = huanxin.NewContextWithActor(ctx, huanxin.SystemActor)
	moved := 0
	for {
		list, _, err := s.Store.FindRequests(ctx, Filter{Scope: huanxin.Scope{All: true}, OverdueAt: &now,
			UnitKinds: []UnitKind{UnitCommunity, UnitStreet, UnitContractor, UnitProperty, UnitUtility}, Limit: 200})
		if err != nil {
			return moved, err
		}
		n := 0
		for _, r := range list {
			ok, err := s.escalate(ctx, r, now)
			if err != nil {
				return moved, err
			}
			if ok {
				n++
			}
		}
		moved += n
		if n == 0 || len(list) < 200 {
			return moved, nil
		}
	}
}

func (s *Service) escalate(ctx context.Context, r *Request, now time.Time) (bool, error) {
	est, err := s.Register.Estates().Get(system, r.EstateID)
	if err != nil {
		return false, err
	}
	to, ok, err := s.up(est, r.Unit)
	if err != nil || !ok {
		return false, err
	}
	hours, err := s.hours(ctx, r)
	if err != nil {
		return false, err
	}
	e := Escalation{From: r.Unit, To: to, At: now, Reason: "逾期未答复（期限 " + r.Deadline.In(huanxin.Shanghai).Format("2006-01-02 15:04") +
		"） no answer by the deadline"}
	r.Unit, r.Deadline, r.Status = to, now.Add(hours), StatusAssigned
	r.Escalations = append(r.Escalations, e)
	ev := Event{At: now, ActorName: "system", Action: ActionEscalated, Status: r.Status, Unit: to, Note: e.Reason}
	err = s.Store.SaveRequest(ctx, r, ev, &e)
	if huanxin.ErrorCode(err) == huanxin.ECONFLICT {
		return false, nil // changed meanwhile (answered, reassigned, or moved by another server)
	} else if err != nil {
		return false, err
	}
	if s.Notifier != nil {
		s.Notifier.Escalated(ctx, r, e)
	}
	return true, nil
}

// Sweep runs Escalate at once and then every interval until ctx ends,
// reporting errors to report.
func (s *Service) Sweep(ctx context.Context, every time.Duration, report func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.Escalate(ctx); err != nil && ctx.Err() == nil {
			report(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Organisations lists the organisations of the cities the actor sees;
// organisations' staff see their own.
func (s *Service) Organisations(ctx context.Context) ([]*Organisation, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, err
	}
	if UnitKind(a.Role).IsOrg() {
		return s.Store.FindOrganisations(ctx, nil, a.UserID)
	}
	if a.Role == huanxin.RoleResident || a.Role == huanxin.RoleCommittee {
		return nil, forbidden("无权查看责任单位 you may not view the units")
	}
	var cities []int64
	if !a.Scope.All {
		if cities, err = s.Register.Cities(ctx); err != nil {
			return nil, err
		}
		if len(cities) == 0 {
			return nil, nil
		}
	}
	return s.Store.FindOrganisations(ctx, cities, 0)
}

// SaveOrganisation creates (o.ID == 0) or replaces an organisation with
// its members and estates; an officer whose scope covers every estate it
// is given (and, for a change, every estate it had) may. An inactive
// organisation stays inactive and answers for no estate.
func (s *Service) SaveOrganisation(ctx context.Context, o *Organisation) error {
	return s.saveOrganisation(ctx, o, func(old *Organisation) { o.Inactive = old.Inactive })
}

// SetOrganisationActive stops an organisation taking new requests (its
// estates are let go, to be given to another; the requests it holds stay
// with it) or lets it take them again (its estates are then given anew);
// an officer who may change it may.
func (s *Service) SetOrganisationActive(ctx context.Context, id int64, active bool) (*Organisation, error) {
	o := &Organisation{ID: id}
	return o, s.saveOrganisation(ctx, o, func(old *Organisation) {
		o.Kind, o.Name, o.Members, o.Estates, o.Inactive = old.Kind, old.Name, old.Members, old.Estates, time.Time{}
		if !active {
			o.Estates, o.Inactive = nil, old.Inactive
			if o.Inactive.IsZero() {
				o.Inactive = s.now().UTC().Truncate(time.Microsecond)
			}
		}
	})
}

// saveOrganisation checks and stores o; for a change, keep first copies
// onto o what stays of the stored organisation.
func (s *Service) saveOrganisation(ctx context.Context, o *Organisation, keep func(old *Organisation)) error {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return err
	}
	if !a.Role.CanEditRegister() || a.ReadOnly {
		return forbidden("无权管理责任单位 you may not manage the units")
	}
	var old *Organisation
	if o.ID != 0 {
		all, err := s.Store.FindOrganisations(ctx, nil, 0)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(all, func(x *Organisation) bool { return x.ID == o.ID })
		if i < 0 {
			return huanxin.Errorf(huanxin.ENOTFOUND, "责任单位不存在 no such unit")
		}
		old = all[i]
		keep(old)
	}
	var bad []huanxin.FieldError
	o.Name = strings.TrimSpace(o.Name)
	if o.Name == "" || utf8.RuneCountInString(o.Name) > 100 {
		bad = append(bad, huanxin.FieldError{Field: "name", Message: "必填，最多 100 字 required, at most 100 characters"})
	}
	if !o.Kind.IsOrg() {
		bad = append(bad, huanxin.FieldError{Field: "kind", Message: "应为 contractor、property 或 utility must be contractor, property or utility"})
	}
	slices.Sort(o.Members)
	o.Members = slices.Compact(o.Members)
	slices.Sort(o.Estates)
	o.Estates = slices.Compact(o.Estates)
	estates := slices.Clone(o.Estates)
	if old != nil {
		o.CityID = old.CityID
		estates = append(estates, old.Estates...)
	}
	if !o.Inactive.IsZero() && len(o.Estates) > 0 {
		bad = append(bad, huanxin.FieldError{Field: "estate_ids", Message: "已停用的单位不负责小区 an inactive unit answers for no estate"})
	}
	for _, id := range estates {
		est, err := s.Register.Estates().Get(system, id)
		if err != nil && huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			return err
		}
		ok := false
		if err == nil {
			if ok, err = s.covers(a, est); err != nil {
				return err
			}
		}
		if !ok {
			return forbidden("小区 " + itoa64(id) + " 不在您的管辖范围 outside your jurisdiction")
		}
		if o.CityID == 0 {
			o.CityID = est.CityID
		} else if est.CityID != o.CityID {
			bad = append(bad, huanxin.FieldError{Field: "estate_ids", Message: "小区须在同一城市 estates must be in one city"})
		}
	}
	if o.CityID == 0 {
		bad = append(bad, huanxin.FieldError{Field: "estate_ids", Message: "至少一个小区 at least one estate"})
	}
	if len(bad) > 0 {
		return huanxin.Invalid("输入有误 invalid input", bad...)
	}
	if o.ID == 0 {
		return s.Store.CreateOrganisation(ctx, o)
	}
	return s.Store.UpdateOrganisation(ctx, o)
}

func itoa(n int) string { return strconv.Itoa(n) }

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
