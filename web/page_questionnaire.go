package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/questionnaire"
	"github.com/huanxin/huanxin/web/i18n"
)

// qnTimeLayout is the value format of <input type="datetime-local">; the
// times are entered and shown in Asia/Shanghai.
const qnTimeLayout = "2006-01-02T15:04"

// questionnairesOn answers 404 when the questionnaire service is not wired.
func (p *Pages) questionnairesOn(w http.ResponseWriter, r *http.Request) bool {
	if p.Questionnaires == nil {
		p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "问卷功能未启用 questionnaires are not enabled"))
		return false
	}
	return true
}

// pathQuestionnaire loads the questionnaire named by the {id} path
// segment, or answers with the error page.
func (p *Pages) pathQuestionnaire(w http.ResponseWriter, r *http.Request) (*questionnaire.Questionnaire, bool) {
	if !p.questionnairesOn(w, r) {
		return nil, false
	}
	id, err := pathID(r)
	if err == nil {
		var q *questionnaire.Questionnaire
		if q, err = p.Questionnaires.Get(r.Context(), id); err == nil {
			return q, true
		}
	}
	p.fail(w, r, err)
	return nil, false
}

// qnBadge is the badge class of a questionnaire's status.
func qnBadge(s questionnaire.Status) string {
	switch s {
	case questionnaire.StatusOpen:
		return "good"
	case questionnaire.StatusClosed:
		return "warn"
	}
	return ""
}

func qnPath(id int64) string { return "/questionnaires/" + strconv.FormatInt(id, 10) }

type qnListRow struct {
	*questionnaire.Questionnaire
	EstateName string
	Badge      string
}

type qnListPage struct {
	Base
	Estates []option
	Estate  *estate.Estate // the estate chosen in the filter, if any
	Rows    []qnListRow
	CanEdit bool
}

// questionnaireList lists the questionnaires of the estates in the
// officer's scope, or of the estate chosen, with the actions that create
// one for it: a new questionnaire, or the needs questionnaire generated
// from the renovation catalogue.
func (p *Pages) questionnaireList(w http.ResponseWriter, r *http.Request) {
	if !p.questionnairesOn(w, r) {
		return
	}
	if a := huanxin.ActorFromContext(r.Context()); a.Role == huanxin.RoleResident {
		redirect(w, r, "/answer", "")
		return
	}
	ctx := r.Context()
	ests, _, err := p.switcherEstates(ctx, r, 200)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &qnListPage{Base: p.base(r, "qn.list.title"), CanEdit: canEdit(r)}
	chosen, _ := parseID(r.URL.Query().Get("estate"))
	for _, e := range ests {
		id := strconv.FormatInt(e.ID, 10)
		pg.Estates = append(pg.Estates, option{Value: id, Label: e.Name, Selected: e.ID == chosen})
		if e.ID == chosen {
			pg.Estate = e
		}
	}
	for _, e := range ests {
		if pg.Estate != nil && e.ID != pg.Estate.ID {
			continue
		}
		qs, err := p.Questionnaires.List(ctx, e.ID)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		for _, q := range qs {
			pg.Rows = append(pg.Rows, qnListRow{Questionnaire: q, EstateName: e.Name, Badge: qnBadge(q.Status)})
		}
	}
	slices.SortStableFunc(pg.Rows, func(a, b qnListRow) int { return cmp.Compare(b.ID, a.ID) })
	p.render(w, r, http.StatusOK, "questionnaires", pg)
}

// qnSettings are a questionnaire's settings as entered.
type qnSettings struct {
	Title, Intro, Per, OpensAt, ClosesAt string
	Anonymous                            bool
}

// qnQuestionForm is a question as entered: options and rows one per line.
type qnQuestionForm struct {
	Kind, Title, Options, Rows, MaxPicks, Scale string
	Required                                    bool
}

// qnQuestionView is a question of the builder's list.
type qnQuestionView struct {
	N           int
	ID          int
	Kind        string
	Title       string
	Required    bool
	Options     []string
	Rows        []string
	Detail      string // places, picks or scale, in words
	First, Last bool
}

// qnEditPage is the builder: the form of a new questionnaire (Q nil), or a
// questionnaire with its settings, questions and actions.
type qnEditPage struct {
	Base
	Estate    *estate.Estate
	Q         *questionnaire.Questionnaire
	Badge     string
	Draft     bool // the definition may still change
	CanRun    bool // the actor may change, open and close it
	Settings  qnSettings
	Pers      []option
	Question  qnQuestionForm
	Kinds     []option
	Scales    []option
	Questions []qnQuestionView
	Message   string
	Errors    []huanxin.FieldError
}

func qnSettingsOf(q *questionnaire.Questionnaire) qnSettings {
	s := qnSettings{Title: q.Title, Intro: q.Intro, Per: string(q.Per), Anonymous: q.Anonymous}
	if !q.OpensAt.IsZero() {
		s.OpensAt = q.OpensAt.In(huanxin.Shanghai).Format(qnTimeLayout)
	}
	if !q.ClosesAt.IsZero() {
		s.ClosesAt = q.ClosesAt.In(huanxin.Shanghai).Format(qnTimeLayout)
	}
	return s
}

func readQnSettings(r *http.Request) qnSettings {
	return qnSettings{Title: r.PostFormValue("title"), Intro: r.PostFormValue("intro"), Per: r.PostFormValue("per"),
		OpensAt: strings.TrimSpace(r.PostFormValue("opens_at")), ClosesAt: strings.TrimSpace(r.PostFormValue("closes_at")),
		Anonymous: r.PostFormValue("anonymous") == "1"}
}

// apply copies the settings into q, reporting times that do not parse.
func (s qnSettings) apply(l string, q *questionnaire.Questionnaire) []huanxin.FieldError {
	var bad []huanxin.FieldError
	at := func(field, v string) time.Time {
		if v == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation(qnTimeLayout, v, huanxin.Shanghai)
		if err != nil {
			bad = append(bad, huanxin.FieldError{Field: field, Message: i18n.T(l, "qn.bad_time")})
		}
		return t.UTC()
	}
	q.Title, q.Intro, q.Per, q.Anonymous = s.Title, s.Intro, questionnaire.Per(s.Per), s.Anonymous
	q.OpensAt, q.ClosesAt = at("opens_at", s.OpensAt), at("closes_at", s.ClosesAt)
	return bad
}

func readQnQuestion(r *http.Request) qnQuestionForm {
	return qnQuestionForm{Kind: r.PostFormValue("kind"), Title: r.PostFormValue("q_title"), Options: r.PostFormValue("options"),
		Rows: r.PostFormValue("rows"), MaxPicks: strings.TrimSpace(r.PostFormValue("max_picks")),
		Scale: r.PostFormValue("scale"), Required: r.PostFormValue("required") == "1"}
}

// lines splits a text area into its non-blank lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// question builds the question; fields the kind does not use are
// ignored, so that switching the kind after typing does not fail.
func (f qnQuestionForm) question(l string) (questionnaire.Question, []huanxin.FieldError) {
	k := questionnaire.Kind(f.Kind)
	qu := questionnaire.Question{Kind: k, Title: f.Title, Required: f.Required}
	var bad []huanxin.FieldError
	switch k {
	case questionnaire.KindSingle, questionnaire.KindMultiple, questionnaire.KindRanking, questionnaire.KindMatrix:
		qu.Options = lines(f.Options)
	}
	if k == questionnaire.KindMatrix {
		qu.Rows = lines(f.Rows)
	}
	if (k == questionnaire.KindMultiple || k == questionnaire.KindRanking) && f.MaxPicks != "" {
		n, err := strconv.Atoi(f.MaxPicks)
		if err != nil {
			bad = append(bad, huanxin.FieldError{Field: "max_picks", Message: i18n.T(l, "qn.bad_number")})
		}
		qu.MaxPicks = n
	}
	if k == questionnaire.KindRating {
		qu.Scale, _ = strconv.Atoi(f.Scale)
	}
	return qu, bad
}

// questionnaireNew shows the form of a new questionnaire of the estate
// chosen on the list: its settings and its first question.
func (p *Pages) questionnaireNew(w http.ResponseWriter, r *http.Request) {
	if !p.questionnairesOn(w, r) {
		return
	}
	e, ok := p.queryEstate(w, r, r.URL.Query().Get("estate"))
	if !ok {
		return
	}
	p.renderQnEdit(w, r, http.StatusOK, &qnEditPage{Estate: e, Settings: qnSettings{Per: string(questionnaire.PerHousehold)},
		Question: qnQuestionForm{Kind: string(questionnaire.KindSingle), Required: true}})
}

// queryEstate loads the estate of an id given in a query or form value.
func (p *Pages) queryEstate(w http.ResponseWriter, r *http.Request, v string) (*estate.Estate, bool) {
	id, err := parseID(v)
	if err != nil || id <= 0 {
		p.fail(w, r, huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "estate", Message: i18n.T(lang(r), "qn.choose_estate")}))
		return nil, false
	}
	e, err := p.Reg.Estates().Get(r.Context(), id)
	if err != nil {
		p.fail(w, r, err)
		return nil, false
	}
	return e, true
}

// questionnaireCreate stores a draft with its first question; problems
// show the form again next to the fields.
func (p *Pages) questionnaireCreate(w http.ResponseWriter, r *http.Request) {
	if !p.questionnairesOn(w, r) {
		return
	}
	e, ok := p.queryEstate(w, r, r.PostFormValue("estate_id"))
	if !ok {
		return
	}
	l := lang(r)
	pg := &qnEditPage{Estate: e, Settings: readQnSettings(r), Question: readQnQuestion(r)}
	q := &questionnaire.Questionnaire{EstateID: e.ID}
	bad := pg.Settings.apply(l, q)
	qu, qbad := pg.Question.question(l)
	q.Questions = []questionnaire.Question{qu}
	err := p.qnSave(r, q, append(bad, prefixed("q.", qbad)...), true)
	if err == nil {
		redirect(w, r, qnPath(q.ID), "qn_saved")
		return
	}
	p.qnProblem(w, r, pg, err)
}

// prefixed names the fields of a question form "q.<field>".
func prefixed(prefix string, errs []huanxin.FieldError) []huanxin.FieldError {
	for i := range errs {
		errs[i].Field = prefix + errs[i].Field
	}
	return errs
}

// qnSave creates or updates q unless the form already has problems. The
// errors of the last question (the one being added) are renamed
// "q.<field>", for the question form.
func (p *Pages) qnSave(r *http.Request, q *questionnaire.Questionnaire, bad []huanxin.FieldError, create bool) error {
	var err error
	switch {
	case len(bad) > 0:
		err = huanxin.Invalid("输入有误 invalid input", bad...)
	case create:
		err = p.Questionnaires.Create(r.Context(), q)
	default:
		err = p.Questionnaires.Update(r.Context(), q)
	}
	if huanxin.ErrorCode(err) != huanxin.EINVALID {
		return err
	}
	last := "questions." + strconv.Itoa(len(q.Questions)-1) + "."
	fields := huanxin.ErrorFields(err)
	for i := range fields {
		if rest, ok := strings.CutPrefix(fields[i].Field, last); ok {
			fields[i].Field = "q." + rest
		}
	}
	return huanxin.Invalid(huanxin.ErrorMessage(err), fields...)
}

// qnProblem shows the builder again with the problems of a submission,
// or the error page for anything but invalid input.
func (p *Pages) qnProblem(w http.ResponseWriter, r *http.Request, pg *qnEditPage, err error) {
	if huanxin.ErrorCode(err) != huanxin.EINVALID {
		p.fail(w, r, err)
		return
	}
	pg.Message, pg.Errors = huanxin.ErrorMessage(err), huanxin.ErrorFields(err)
	p.renderQnEdit(w, r, http.StatusBadRequest, pg)
}

// questionnaireNeeds generates the residents' needs questionnaire of an
// estate from its city's renovation catalogue, as a draft.
func (p *Pages) questionnaireNeeds(w http.ResponseWriter, r *http.Request) {
	if !p.questionnairesOn(w, r) {
		return
	}
	e, ok := p.queryEstate(w, r, r.PostFormValue("estate_id"))
	if !ok {
		return
	}
	q, err := p.Questionnaires.CreateNeeds(r.Context(), e.ID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	redirect(w, r, qnPath(q.ID), "qn_needs")
}

// questionnaireShow shows the builder of a questionnaire to officers;
// residents are sent to its answer page.
func (p *Pages) questionnaireShow(w http.ResponseWriter, r *http.Request) {
	q, ok := p.pathQuestionnaire(w, r)
	if !ok {
		return
	}
	if a := huanxin.ActorFromContext(r.Context()); a.Role == huanxin.RoleResident {
		redirect(w, r, "/answer/"+strconv.FormatInt(q.ID, 10), "")
		return
	}
	p.renderQnEdit(w, r, http.StatusOK, &qnEditPage{Q: q, Settings: qnSettingsOf(q),
		Question: qnQuestionForm{Kind: string(questionnaire.KindSingle), Required: true}})
}

// questionnaireUpdate saves the settings of a draft.
func (p *Pages) questionnaireUpdate(w http.ResponseWriter, r *http.Request) {
	q, ok := p.pathQuestionnaire(w, r)
	if !ok {
		return
	}
	pg := &qnEditPage{Q: q, Settings: readQnSettings(r), Question: qnQuestionForm{Kind: string(questionnaire.KindSingle), Required: true}}
	edited := *q
	bad := pg.Settings.apply(lang(r), &edited)
	if err := p.qnSave(r, &edited, bad, false); err != nil {
		p.qnProblem(w, r, pg, err)
		return
	}
	redirect(w, r, qnPath(q.ID), "qn_saved")
}

// questionAdd appends a question to a draft.
func (p *Pages) questionAdd(w http.ResponseWriter, r *http.Request) {
	q, ok := p.pathQuestionnaire(w, r)
	if !ok {
		return
	}
	pg := &qnEditPage{Q: q, Settings: qnSettingsOf(q), Question: readQnQuestion(r)}
	qu, bad := pg.Question.question(lang(r))
	edited := *q
	edited.Questions = append(slices.Clone(q.Questions), qu)
	if err := p.qnSave(r, &edited, prefixed("q.", bad), false); err != nil {
		p.qnProblem(w, r, pg, err)
		return
	}
	redirect(w, r, qnPath(q.ID)+"#questions-h", "qn_question_added")
}

// questionMove moves a question of a draft up or down, or removes it.
func (p *Pages) questionMove(w http.ResponseWriter, r *http.Request) {
	q, ok := p.pathQuestionnaire(w, r)
	if !ok {
		return
	}
	qid, _ := strconv.Atoi(r.PathValue("q"))
	i := slices.IndexFunc(q.Questions, func(qu questionnaire.Question) bool { return qu.ID == qid })
	move := r.PathValue("move")
	switch {
	case i < 0:
		p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "没有这道题 no such question"))
		return
	case move == "up" && i > 0:
		q.Questions[i-1], q.Questions[i] = q.Questions[i], q.Questions[i-1]
	case move == "down" && i < len(q.Questions)-1:
		q.Questions[i+1], q.Questions[i] = q.Questions[i], q.Questions[i+1]
	case move == "remove":
		q.Questions = slices.Delete(q.Questions, i, i+1)
	case move != "up" && move != "down":
		p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "页面不存在 not found"))
		return
	}
	if err := p.Questionnaires.Update(r.Context(), q); err != nil {
		p.fail(w, r, err)
		return
	}
	redirect(w, r, qnPath(q.ID)+"#questions-h", "qn_question_"+move)
}

// questionnaireMove opens or closes a questionnaire.
func (p *Pages) questionnaireMove(w http.ResponseWriter, r *http.Request) {
	if !p.questionnairesOn(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	action := r.PathValue("action")
	switch action {
	case "open":
		err = p.Questionnaires.Open(r.Context(), id)
	case "close":
		err = p.Questionnaires.Close(r.Context(), id)
	default:
		err = huanxin.Errorf(huanxin.ENOTFOUND, "页面不存在 not found")
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	redirect(w, r, qnPath(id), "qn_"+action)
}

// qnDetail describes a question's places, picks or scale.
func qnDetail(l string, qu questionnaire.Question) string {
	switch qu.Kind {
	case questionnaire.KindRanking:
		return i18n.T(l, "qn.detail.places", qu.Places())
	case questionnaire.KindMultiple:
		if qu.MaxPicks > 0 {
			return i18n.T(l, "qn.detail.max_picks", qu.MaxPicks)
		}
	case questionnaire.KindRating:
		return i18n.T(l, "qn.detail.scale", qu.Scale)
	}
	return ""
}

func (p *Pages) renderQnEdit(w http.ResponseWriter, r *http.Request, status int, pg *qnEditPage) {
	if pg.Q == nil {
		pg.Base = p.base(r, "qn.new.title")
		pg.Draft, pg.CanRun = true, canEdit(r)
	} else {
		pg.Base = p.base(r, "qn.title")
		pg.Title = pg.Q.Title
		pg.Badge = qnBadge(pg.Q.Status)
		pg.CanRun = canEdit(r)
		pg.Draft = pg.Q.Status == questionnaire.StatusDraft
		if e, err := p.Reg.Estates().Get(r.Context(), pg.Q.EstateID); err == nil {
			pg.Estate = e
		} else {
			p.fail(w, r, err)
			return
		}
		for i, qu := range pg.Q.Questions {
			pg.Questions = append(pg.Questions, qnQuestionView{N: i + 1, ID: qu.ID, Kind: i18n.T(pg.Lang, "qn.kind."+string(qu.Kind)),
				Title: qu.Title, Required: qu.Required, Options: qu.Options, Rows: qu.Rows, Detail: qnDetail(pg.Lang, qu),
				First: i == 0, Last: i == len(pg.Q.Questions)-1})
		}
	}
	l := pg.Lang
	pg.Pers = options(questionnaire.Pers, func(v questionnaire.Per) string { return string(v) },
		func(v questionnaire.Per) string { return i18n.T(l, "qn.per."+string(v)) }, pg.Settings.Per)
	pg.Kinds = options(questionnaire.Kinds, func(k questionnaire.Kind) string { return string(k) },
		func(k questionnaire.Kind) string { return i18n.T(l, "qn.kind."+string(k)) }, pg.Question.Kind)
	pg.Scales = options([]int{5, 10}, strconv.Itoa, func(n int) string { return i18n.T(l, "qn.scale_of", n) }, pg.Question.Scale)
	p.render(w, r, status, "questionnaire", pg)
}
