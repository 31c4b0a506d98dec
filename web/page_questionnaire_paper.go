package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/questionnaire"
	"github.com/huanxin/huanxin/web/i18n"
)

// paperForm shows the officer's entry of a paper questionnaire: the
// household select, then for the household chosen (?part=) the same
// questions as online and, in a questionnaire per resident, who filled
// it in.
func (p *Pages) paperForm(w http.ResponseWriter, r *http.Request) {
	q, ok := p.pathQuestionnaire(w, r)
	if !ok {
		return
	}
	part, _ := parseID(r.URL.Query().Get("part"))
	p.showPaper(w, r, http.StatusOK, q, part, &qnAnswerPage{})
}

// showPaper fills the paper entry page into pg and renders it.
func (p *Pages) showPaper(w http.ResponseWriter, r *http.Request, status int, q *questionnaire.Questionnaire, part int64, pg *qnAnswerPage) {
	ctx := r.Context()
	pg.Base, pg.Q, pg.Paper = p.base(r, "qn.paper.title"), q, true
	pg.Title = i18n.T(pg.Lang, "qn.paper.title") + "：" + q.Title
	pg.Action = qnPath(q.ID) + "/paper"
	l := pg.Lang
	parts, _, err := p.Reg.Parts().Find(ctx, estate.Filter{EstateID: &q.EstateID, Limit: 1000})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	for _, pt := range parts {
		id := strconv.FormatInt(pt.ID, 10)
		pg.Households = append(pg.Households, option{Value: id, Label: partLabel(l, pt), Selected: pt.ID == part})
		if pt.ID == part {
			pg.PartID, pg.PartLabel = pt.ID, partLabel(l, pt)
		}
	}
	if pg.Mode == "" {
		pg.Mode = "form"
		if !q.Accepting(p.qnNow()) {
			pg.Mode = "closed"
		}
	}
	if pg.PartID != 0 && q.Per == questionnaire.PerResident {
		if pg.Persons, err = p.partPersons(r, pg.PartID, r.PostFormValue("person")); err != nil {
			p.fail(w, r, err)
			return
		}
	}
	if pg.Items == nil {
		pg.Items = qnItems(l, q, nil, nil)
	}
	p.render(w, r, status, "questionnaire_answer", pg)
}

// partPersons lists the owners ("owner:<id>") and registered residents
// ("resident:<id>") of a household, for a paper response per resident.
func (p *Pages) partPersons(r *http.Request, part int64, selected string) ([]option, error) {
	ctx := r.Context()
	l := lang(r)
	var out []option
	owners, _, err := p.Reg.Ownerships().Find(ctx, estate.Filter{PartID: &part})
	if err != nil {
		return nil, err
	}
	for _, o := range owners {
		v := "owner:" + strconv.FormatInt(o.OwnerID, 10)
		out = append(out, option{Value: v, Label: i18n.T(l, "qn.person.owner", o.OwnerName), Selected: v == selected})
	}
	residents, _, err := p.Reg.Residents().Find(ctx, estate.Filter{PartID: &part})
	if err != nil {
		return nil, err
	}
	for _, res := range residents {
		v := "resident:" + strconv.FormatInt(res.ID, 10)
		out = append(out, option{Value: v, Label: i18n.T(l, "qn.person.resident", res.Name), Selected: v == selected})
	}
	return out, nil
}

// paperSubmit stores a paper response entered by an officer, marked as
// such, and shows what was recorded with a link to enter the next one.
func (p *Pages) paperSubmit(w http.ResponseWriter, r *http.Request) {
	q, ok := p.pathQuestionnaire(w, r)
	if !ok {
		return
	}
	l := lang(r)
	given, bad := readAnswers(r, l, q)
	part, _ := parseID(r.PostFormValue("part_id"))
	sub := questionnaire.Submission{Channel: questionnaire.ChannelPaper, PartID: part, Answers: given}
	kind, id, _ := cutPerson(r.PostFormValue("person"))
	switch kind {
	case "owner":
		sub.OwnerID = id
	case "resident":
		sub.ResidentID = id
	}
	resp, err := p.qnSubmit(r, q, sub, bad)
	switch {
	case err == nil:
		pg := &qnAnswerPage{Base: p.base(r, "qn.paper.done"), Mode: "done", Paper: true, Q: q, Recorded: recorded(l, q, resp.Answers)}
		p.render(w, r, http.StatusOK, "questionnaire_answer", pg)
	case huanxin.ErrorCode(err) == huanxin.ECONFLICT:
		p.showPaper(w, r, http.StatusConflict, q, part, &qnAnswerPage{Message: i18n.T(l, "qn.paper.twice"), Items: qnItems(l, q, given, nil)})
	case huanxin.ErrorCode(err) == huanxin.EINVALID:
		errs := huanxin.ErrorFields(err)
		pe := fielderr(errs, "owner_id")
		if pe == "" {
			pe = fielderr(errs, "resident_id")
		}
		p.showPaper(w, r, http.StatusBadRequest, q, part, &qnAnswerPage{Message: i18n.T(l, "qn.check"), HomeErr: fielderr(errs, "part_id"),
			PersonErr: pe, Items: qnItems(l, q, given, errs)})
	default:
		p.fail(w, r, err)
	}
}

// cutPerson splits "owner:<id>" or "resident:<id>".
func cutPerson(v string) (kind string, id int64, ok bool) {
	kind, n, ok := strings.Cut(v, ":")
	if !ok {
		return "", 0, false
	}
	id, err := strconv.ParseInt(n, 10, 64)
	return kind, id, err == nil
}
