package web

import (
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

// qnAnswerPage is the answer form on a phone, in one of its modes: "list"
// (the open questionnaires of the resident's estates), "form" (every
// question), "done" (what was recorded), "answered" (the household has
// answered already), "closed" and "none" (no household of the resident
// in the estate). Paper is the officer's entry of a paper questionnaire
// for a chosen household.
type qnAnswerPage struct {
	Base
	Mode       string
	Open       []qnOpenRow
	Q          *questionnaire.Questionnaire
	Paper      bool
	Action     string
	Homes      []qnHome // residents: the households they may answer for
	Households []option // paper: the households of the estate
	PartID     int64    // paper: the household chosen
	PartLabel  string
	Persons    []option // paper, per resident: who filled it in
	PersonErr  string
	HomeErr    string
	Items      []qnItem
	Message    string
	Recorded   []qnRecorded
}

// qnOpenRow is an open questionnaire on the resident's list.
type qnOpenRow struct {
	*questionnaire.Questionnaire
	Answered bool
}

// qnHome is a household a resident may answer for.
type qnHome struct {
	PartID   int64
	Label    string
	Answered bool
	Checked  bool
}

// qnItem is one question of the form with what was entered.
type qnItem struct {
	N        int
	ID       int
	Kind     string
	Title    string
	Hint     string
	Required bool
	Err      string
	Choices  []qnChoice  // single, multiple, rating
	Rows     []qnRow     // matrix
	Ranks    []qnRankRow // ranking
	Text     string
}

type qnChoice struct {
	Value   int
	Label   string
	Checked bool
}

// qnRow is a row of a matrix with its choices.
type qnRow struct {
	Index   int
	Label   string
	Choices []qnChoice
}

// qnRankRow is an option of a ranking with the select of its place.
type qnRankRow struct {
	Index  int
	Label  string
	Places []option
}

// qnRecorded is a question and the answer recorded, in words.
type qnRecorded struct {
	N            int
	Title, Value string
}

// partLabel names a household: "2幢 1单元 301".
func partLabel(l string, p *estate.Part) string {
	return i18n.T(l, "qn.part", p.BuildingNo, p.StairwellNo, p.Room)
}

// qnField is the form field of a question's answer.
func qnField(id int) string { return "q" + strconv.Itoa(id) }

// readAnswers reads the answers from the form: "q<ID>" for a choice,
// mark or text (several for a multiple choice), "q<ID>_o<option>" for the
// place given to an option of a ranking, "q<ID>_r<row>" for the column
// chosen in a row of a matrix. Places must be distinct and follow on from
// 1; such problems are reported per question as "answers.<ID>".
func readAnswers(r *http.Request, l string, q *questionnaire.Questionnaire) (map[int]questionnaire.Answer, []huanxin.FieldError) {
	out := map[int]questionnaire.Answer{}
	var bad []huanxin.FieldError
	num := func(v string) int {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return -1
		}
		return n
	}
	for i := range q.Questions {
		qu := &q.Questions[i]
		f := qnField(qu.ID)
		var a questionnaire.Answer
		switch qu.Kind {
		case questionnaire.KindSingle:
			if v := r.PostFormValue(f); v != "" {
				a.Picks = []int{num(v)}
			}
		case questionnaire.KindMultiple:
			for _, v := range r.PostForm[f] {
				a.Picks = append(a.Picks, num(v))
			}
		case questionnaire.KindRating:
			if v := r.PostFormValue(f); v != "" {
				a.Value = num(v)
			}
		case questionnaire.KindText:
			a.Text = r.PostFormValue(f)
		case questionnaire.KindRanking:
			places := make([]int, qu.Places())
			for j := range places {
				places[j] = -1
			}
			problem := ""
			for o := range qu.Options {
				v := r.PostFormValue(f + "_o" + strconv.Itoa(o))
				if v == "" {
					continue
				}
				pl := num(v)
				switch {
				case pl < 1 || pl > len(places):
					problem = i18n.T(l, "qn.rank_range", len(places))
				case places[pl-1] >= 0:
					problem = i18n.T(l, "qn.rank_twice", pl)
				default:
					places[pl-1] = o
				}
			}
			n := slices.Index(places, -1)
			if n < 0 {
				n = len(places)
			}
			if problem == "" && slices.ContainsFunc(places[n:], func(o int) bool { return o >= 0 }) {
				problem = i18n.T(l, "qn.rank_gap", n+1)
			}
			if problem != "" {
				bad = append(bad, huanxin.FieldError{Field: "answers." + strconv.Itoa(qu.ID), Message: problem})
			}
			a.Picks = places[:n]
		case questionnaire.KindMatrix:
			any := false
			for row := range qu.Rows {
				c := -1
				if v := r.PostFormValue(f + "_r" + strconv.Itoa(row)); v != "" {
					c, any = num(v), true
				}
				a.Picks = append(a.Picks, c)
			}
			if !any {
				a.Picks = nil
			}
		}
		if len(a.Picks) > 0 || a.Value != 0 || a.Text != "" {
			out[qu.ID] = a
		}
	}
	return out, bad
}

// qnItems builds the questions of the form, marked with what was entered
// and with the problem of each next to it.
func qnItems(l string, q *questionnaire.Questionnaire, given map[int]questionnaire.Answer, errs []huanxin.FieldError) []qnItem {
	var out []qnItem
	for i, qu := range q.Questions {
		a := given[qu.ID]
		it := qnItem{N: i + 1, ID: qu.ID, Kind: string(qu.Kind), Title: qu.Title, Required: qu.Required, Text: a.Text,
			Hint: qnDetail(l, qu), Err: fielderr(errs, "answers."+strconv.Itoa(qu.ID))}
		switch qu.Kind {
		case questionnaire.KindSingle, questionnaire.KindMultiple:
			for o, label := range qu.Options {
				it.Choices = append(it.Choices, qnChoice{Value: o, Label: label, Checked: slices.Contains(a.Picks, o)})
			}
		case questionnaire.KindRating:
			for m := 1; m <= qu.Scale; m++ {
				it.Choices = append(it.Choices, qnChoice{Value: m, Label: strconv.Itoa(m), Checked: a.Value == m})
			}
			it.Hint = i18n.T(l, "qn.rating_hint", qu.Scale)
		case questionnaire.KindRanking:
			it.Hint = i18n.T(l, "qn.ranking_hint", qu.Places())
			for o, label := range qu.Options {
				place := slices.Index(a.Picks, o) + 1
				rr := qnRankRow{Index: o, Label: label, Places: []option{{Value: "", Label: i18n.T(l, "qn.rank_none"), Selected: place == 0}}}
				for n := 1; n <= qu.Places(); n++ {
					rr.Places = append(rr.Places, option{Value: strconv.Itoa(n), Label: i18n.T(l, "qn.rank_n", n), Selected: n == place})
				}
				it.Ranks = append(it.Ranks, rr)
			}
		case questionnaire.KindMatrix:
			for row, label := range qu.Rows {
				mr := qnRow{Index: row, Label: label}
				for o, col := range qu.Options {
					mr.Choices = append(mr.Choices, qnChoice{Value: o, Label: col, Checked: row < len(a.Picks) && a.Picks[row] == o})
				}
				it.Rows = append(it.Rows, mr)
			}
		}
		out = append(out, it)
	}
	return out
}

// answerText writes an answer in words.
func answerText(l string, qu *questionnaire.Question, a questionnaire.Answer) string {
	opt := func(p int) string {
		if p >= 0 && p < len(qu.Options) {
			return qu.Options[p]
		}
		return ""
	}
	var parts []string
	switch qu.Kind {
	case questionnaire.KindRating:
		return i18n.T(l, "qn.mark_of", a.Value, qu.Scale)
	case questionnaire.KindText:
		return a.Text
	case questionnaire.KindRanking:
		for i, p := range a.Picks {
			parts = append(parts, strconv.Itoa(i+1)+". "+opt(p))
		}
	case questionnaire.KindMatrix:
		for row, p := range a.Picks {
			if p >= 0 && row < len(qu.Rows) {
				parts = append(parts, qu.Rows[row]+"："+opt(p))
			}
		}
		return strings.Join(parts, "；")
	default:
		for _, p := range a.Picks {
			parts = append(parts, opt(p))
		}
	}
	return strings.Join(parts, "、")
}

// recorded lists the answers of a stored response in words.
func recorded(l string, q *questionnaire.Questionnaire, answers map[int]questionnaire.Answer) []qnRecorded {
	var out []qnRecorded
	for i := range q.Questions {
		qu := &q.Questions[i]
		v := i18n.T(l, "qn.unanswered")
		if a, ok := answers[qu.ID]; ok {
			v = answerText(l, qu, a)
		}
		out = append(out, qnRecorded{N: i + 1, Title: qu.Title, Value: v})
	}
	return out
}

func (p *Pages) qnAnswerBase(r *http.Request, key string) Base {
	b := p.base(r, key)
	b.Resident = true
	return b
}

// answerList lists the questionnaires a resident may answer now.
func (p *Pages) answerList(w http.ResponseWriter, r *http.Request) {
	if !p.questionnairesOn(w, r) {
		return
	}
	ctx := r.Context()
	parts, _, err := p.Reg.Parts().Find(ctx, estate.Filter{Limit: 50})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	var ids []int64
	for _, pt := range parts {
		ids = append(ids, pt.EstateID)
	}
	slices.Sort(ids)
	pg := &qnAnswerPage{Base: p.qnAnswerBase(r, "qn.answer.list"), Mode: "list"}
	now := p.qnNow()
	for _, id := range slices.Compact(ids) {
		qs, err := p.Questionnaires.List(ctx, id)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		for _, q := range qs {
			if !q.Accepting(now) {
				continue
			}
			row := qnOpenRow{Questionnaire: q}
			if _, homes, err := p.Questionnaires.Respondents(ctx, q.ID); err == nil && len(homes) > 0 {
				row.Answered = !slices.ContainsFunc(homes, func(h questionnaire.Respondent) bool { return !h.Answered })
			}
			pg.Open = append(pg.Open, row)
		}
	}
	p.render(w, r, http.StatusOK, "questionnaire_answer", pg)
}

// qnNow is the questionnaire service's clock.
func (p *Pages) qnNow() time.Time {
	if p.Questionnaires.Now != nil {
		return p.Questionnaires.Now()
	}
	return time.Now()
}

// answerForm shows every question of an open questionnaire, with the
// households the resident may answer for.
func (p *Pages) answerForm(w http.ResponseWriter, r *http.Request) {
	q, ok := p.pathQuestionnaire(w, r)
	if !ok {
		return
	}
	p.showAnswer(w, r, http.StatusOK, q, &qnAnswerPage{})
}

// showAnswer fills the resident's answer page into pg and renders it.
func (p *Pages) showAnswer(w http.ResponseWriter, r *http.Request, status int, q *questionnaire.Questionnaire, pg *qnAnswerPage) {
	pg.Base, pg.Q = p.qnAnswerBase(r, "qn.answer.title"), q
	pg.Title = q.Title
	pg.Action = "/answer/" + strconv.FormatInt(q.ID, 10)
	l := pg.Lang
	_, homes, err := p.Questionnaires.Respondents(r.Context(), q.ID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	chosen, _ := parseID(r.PostFormValue("part_id"))
	open := 0
	for _, h := range homes {
		pg.Homes = append(pg.Homes, qnHome{PartID: h.PartID, Label: partLabel(l, h.Part), Answered: h.Answered,
			Checked: h.PartID == chosen})
		if !h.Answered {
			open++
		}
	}
	if open == 1 && chosen == 0 {
		for i := range pg.Homes {
			pg.Homes[i].Checked = !pg.Homes[i].Answered
		}
	}
	switch {
	case pg.Mode != "":
	case len(homes) == 0:
		pg.Mode = "none"
	case !q.Accepting(p.qnNow()):
		pg.Mode = "closed"
	case open == 0:
		pg.Mode = "answered"
	default:
		pg.Mode = "form"
	}
	if pg.Items == nil {
		pg.Items = qnItems(l, q, nil, nil)
	}
	p.render(w, r, status, "questionnaire_answer", pg)
}

// answerSubmit stores a resident's online answer and shows what was
// recorded; problems show the form again with each next to its question.
func (p *Pages) answerSubmit(w http.ResponseWriter, r *http.Request) {
	q, ok := p.pathQuestionnaire(w, r)
	if !ok {
		return
	}
	l := lang(r)
	given, bad := readAnswers(r, l, q)
	part, _ := parseID(r.PostFormValue("part_id"))
	sub := questionnaire.Submission{Channel: questionnaire.ChannelOnline, PartID: part, Answers: given}
	resp, err := p.qnSubmit(r, q, sub, bad)
	switch {
	case err == nil:
		pg := &qnAnswerPage{Base: p.qnAnswerBase(r, "qn.done.title"), Mode: "done", Q: q, Recorded: recorded(l, q, resp.Answers)}
		p.render(w, r, http.StatusOK, "questionnaire_answer", pg)
	case huanxin.ErrorCode(err) == huanxin.ECONFLICT:
		p.showAnswer(w, r, http.StatusConflict, q, &qnAnswerPage{Mode: "answered", Message: i18n.T(l, "qn.twice")})
	case huanxin.ErrorCode(err) == huanxin.EINVALID:
		errs := huanxin.ErrorFields(err)
		p.showAnswer(w, r, http.StatusBadRequest, q, &qnAnswerPage{Mode: "form", Message: i18n.T(l, "qn.check"),
			HomeErr: fielderr(errs, "part_id"), Items: qnItems(l, q, given, errs)})
	default:
		p.fail(w, r, err)
	}
}

// qnSubmit submits the answers, unless the form itself found problems
// (places of a ranking): then nothing is stored and those are reported
// together with the problems the questionnaire finds in the answers.
func (p *Pages) qnSubmit(r *http.Request, q *questionnaire.Questionnaire, sub questionnaire.Submission, bad []huanxin.FieldError) (*questionnaire.Response, error) {
	if len(bad) == 0 {
		return p.Questionnaires.Submit(r.Context(), q.ID, sub)
	}
	_, more := q.Check(sub.Answers)
	for _, f := range more {
		if fielderr(bad, f.Field) == "" {
			bad = append(bad, f)
		}
	}
	return nil, huanxin.Invalid("请检查以下问题 please check these questions", bad...)
}
