package web

import (
	"cmp"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/questionnaire"
	"github.com/huanxin/huanxin/sheet"
	"github.com/huanxin/huanxin/web/i18n"
	"github.com/huanxin/huanxin/web/svgchart"
)

// qnResultsPage shows the results of a questionnaire, overall or of one
// building: per question a chart drawn by the server and the same figures
// in a table (responses, households and their floor area), the free-text
// answers with a search box, and the xlsx downloads.
type qnResultsPage struct {
	Base
	Q          *questionnaire.Questionnaire
	EstateName string
	Buildings  []option
	Building   int64
	Section    questionnaire.Section
	Area       string // floor area of the households that answered
	PerPerson  bool   // a questionnaire per resident: responses differ from households
	Items      []qnResultItem
}

// qnResultItem is the result of one question.
type qnResultItem struct {
	N          int
	ID         int
	Title      string
	Kind       string
	Chart      template.HTML
	Answered   questionnaire.Tally
	AnsweredM2 string
	Rows       []qnResultRow
	Points     bool   // a ranking: Borda points column
	Mean       string // a rating's mean mark
	Columns    []string
	Matrix     []qnMatrixRow
	Texts      []questionnaire.TextAnswer
	Query      string
}

// qnResultRow is one option (or mark) of a question's table.
type qnResultRow struct {
	Label                  string
	Responses, Households  int
	Area, Share, AreaShare string
	Points                 int64
}

// qnMatrixRow is a row of a matrix question: households and area per
// column.
type qnMatrixRow struct {
	Label string
	Cells []qnResultRow
}

// percent writes n of total as "12.5%", or "—" when total is zero.
func percent(n, total int64) string {
	if total == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", float64(n)*100/float64(total))
}

func qnTallyRow(label string, t, of questionnaire.Tally) qnResultRow {
	return qnResultRow{Label: label, Responses: t.Responses, Households: t.Households, Area: t.Area.String(),
		Share: percent(int64(t.Households), int64(of.Households)), AreaShare: percent(int64(t.Area), int64(of.Area))}
}

// buildingNames maps the buildings of an estate to their numbers.
func (p *Pages) buildingNames(r *http.Request, estateID int64) (map[int64]string, []*estate.Building, error) {
	bs, _, err := p.Reg.Buildings().Find(r.Context(), estate.Filter{EstateID: &estateID, Limit: 1000})
	names := map[int64]string{}
	for _, b := range bs {
		names[b.ID] = b.No
	}
	return names, bs, err
}

// questionnaireResults shows the results.
func (p *Pages) questionnaireResults(w http.ResponseWriter, r *http.Request) {
	if !p.questionnairesOn(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	q, rs, err := p.Questionnaires.Responses(r.Context(), id)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &qnResultsPage{Base: p.base(r, "qn.results.title"), Q: q, PerPerson: q.Per == questionnaire.PerResident}
	pg.Title = i18n.T(pg.Lang, "qn.results.title") + "：" + q.Title
	l := pg.Lang
	if e, err := p.Reg.Estates().Get(r.Context(), q.EstateID); err == nil {
		pg.EstateName = e.Name
	}
	names, bs, err := p.buildingNames(r, q.EstateID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg.Building, _ = parseID(r.URL.Query().Get("building"))
	pg.Buildings = []option{{Value: "", Label: i18n.T(l, "qn.all_buildings")}}
	for _, b := range bs {
		v := strconv.FormatInt(b.ID, 10)
		pg.Buildings = append(pg.Buildings, option{Value: v, Label: i18n.T(l, "qn.building", b.No), Selected: b.ID == pg.Building})
	}
	if pg.Building != 0 {
		rs = slices.DeleteFunc(slices.Clone(rs), func(x *questionnaire.Response) bool { return x.BuildingID != pg.Building })
	}
	// The responses of one building counted overall are that building's
	// section.
	pg.Section = questionnaire.Count(q, rs).Overall
	pg.Area = pg.Section.Respondents.Area.String()
	tq, _ := strconv.Atoi(r.URL.Query().Get("question"))
	query := strings.TrimSpace(r.URL.Query().Get("q"))
	for i, qr := range pg.Section.Questions {
		it := p.qnResultItem(l, i+1, qr, names)
		if qr.Question.Kind == questionnaire.KindText {
			if tq == qr.Question.ID {
				it.Query = query
			}
			it.Texts = questionnaire.Texts(q, rs, qr.Question.ID, it.Query)
		}
		pg.Items = append(pg.Items, it)
	}
	p.render(w, r, http.StatusOK, "questionnaire_results", pg)
}

// qnResultItem builds one question's chart and table: a pie of the
// households' single choices, bars of multiple choices and of a ranking's
// Borda points, the distribution of a rating's marks; a matrix is a
// table only.
func (p *Pages) qnResultItem(l string, n int, qr questionnaire.QuestionResult, names map[int64]string) qnResultItem {
	qu := qr.Question
	it := qnResultItem{N: n, ID: qu.ID, Title: qu.Title, Kind: string(qu.Kind), Answered: qr.Answered,
		AnsweredM2: qr.Answered.Area.String()}
	chartID := "qc-" + strconv.Itoa(qu.ID)
	title := strconv.Itoa(n) + ". " + qu.Title
	var items []svgchart.Item
	switch qu.Kind {
	case questionnaire.KindSingle, questionnaire.KindMultiple, questionnaire.KindRanking:
		for o, t := range qr.Options {
			row := qnTallyRow(qu.Options[o], t, qr.Answered)
			if qu.Kind == questionnaire.KindRanking {
				row.Points = qr.Points[o]
				items = append(items, svgchart.Item{Label: qu.Options[o], Value: qr.Points[o]})
			} else {
				items = append(items, svgchart.Item{Label: qu.Options[o], Value: int64(t.Households)})
			}
			it.Rows = append(it.Rows, row)
		}
		switch qu.Kind {
		case questionnaire.KindSingle:
			it.Chart = template.HTML(svgchart.Pie(chartID, title+" — "+i18n.T(l, "qn.by_households"), items, i18n.T(l, "qn.unit_households")))
		case questionnaire.KindMultiple:
			it.Chart = template.HTML(svgchart.Bar(chartID, title+" — "+i18n.T(l, "qn.by_households"), items, i18n.T(l, "qn.unit_households")))
		default:
			it.Points = true
			// The bars are in the order of the points, the table in the
			// order of the options.
			slices.SortStableFunc(items, func(a, b svgchart.Item) int { return cmp.Compare(b.Value, a.Value) })
			it.Chart = template.HTML(svgchart.Bar(chartID, title+" — "+i18n.T(l, "qn.borda"), items, i18n.T(l, "qn.unit_points")))
		}
	case questionnaire.KindRating:
		for m, t := range qr.Ratings {
			label := strconv.Itoa(m + 1)
			it.Rows = append(it.Rows, qnTallyRow(i18n.T(l, "qn.mark", m+1), t, qr.Answered))
			items = append(items, svgchart.Item{Label: label, Value: int64(t.Households)})
		}
		if qr.Answered.Responses > 0 {
			it.Mean = strconv.FormatFloat(qr.Mean, 'f', 2, 64)
		}
		it.Chart = template.HTML(svgchart.Distribution(chartID, title+" — "+i18n.T(l, "qn.by_households"), items, i18n.T(l, "qn.unit_households")))
	case questionnaire.KindMatrix:
		it.Columns = qu.Options
		for row, cells := range qr.Matrix {
			mr := qnMatrixRow{Label: qu.Rows[row]}
			for _, t := range cells {
				mr.Cells = append(mr.Cells, qnTallyRow("", t, qr.Answered))
			}
			it.Matrix = append(it.Matrix, mr)
		}
	}
	return it
}

// qnSheetHeaders sets the download headers of an xlsx file.
func qnSheetHeaders(w http.ResponseWriter, name string) {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
}

// questionnaireResponsesSheet exports the responses to xlsx, one row each
// with every answer in words. Responses to an anonymous questionnaire
// carry no identity: no household, no time of day, and they are listed in
// an order unrelated to when they came.
func (p *Pages) questionnaireResponsesSheet(w http.ResponseWriter, r *http.Request) {
	if !p.questionnairesOn(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	q, rs, err := p.Questionnaires.Responses(r.Context(), id)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	names, _, err := p.buildingNames(r, q.EstateID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	labels := map[int64]string{}
	l := lang(r)
	if !q.Anonymous {
		parts, _, err := p.Reg.Parts().Find(r.Context(), estate.Filter{EstateID: &q.EstateID, Limit: 1000})
		if err != nil {
			p.fail(w, r, err)
			return
		}
		for _, pt := range parts {
			labels[pt.ID] = partLabel(l, pt)
		}
	} else {
		rs = slices.Clone(rs)
		slices.SortFunc(rs, func(a, b *questionnaire.Response) int {
			return cmp.Or(cmp.Compare(names[a.BuildingID], names[b.BuildingID]), strings.Compare(a.Respondent, b.Respondent))
		})
	}
	keys := []string{"no", "submitted", "channel", "building"}
	if !q.Anonymous {
		keys = append(keys, "household")
	}
	keys = append(keys, "area")
	tpl := sheet.Template{Kind: "questionnaire_responses", Sheet: i18n.T(l, "qn.xlsx.responses_sheet")}
	for _, k := range keys {
		tpl.Columns = append(tpl.Columns, sheet.Column{Key: k, Header: i18n.T(l, "qn.xlsx."+k)})
	}
	for i, qu := range q.Questions {
		tpl.Columns = append(tpl.Columns, sheet.Column{Key: fmt.Sprintf("q%d", qu.ID), Header: fmt.Sprintf("%d. %s", i+1, qu.Title)})
	}
	qnSheetHeaders(w, fmt.Sprintf("questionnaire-%d-responses.xlsx", q.ID))
	x, err := sheet.NewXLSXWriter(w, tpl)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	for n, resp := range rs {
		submitted := resp.Submitted.In(huanxin.Shanghai).Format("2006-01-02 15:04")
		if q.Anonymous {
			submitted = resp.Submitted.Format("2006-01-02")
		}
		vals := []any{n + 1, submitted, i18n.T(l, "qn.channel."+string(resp.Channel)), names[resp.BuildingID]}
		if !q.Anonymous {
			vals = append(vals, labels[resp.PartID])
		}
		vals = append(vals, resp.Area)
		for i := range q.Questions {
			v := ""
			if a, ok := resp.Answers[q.Questions[i].ID]; ok {
				v = answerText(l, &q.Questions[i], a)
			}
			vals = append(vals, v)
		}
		if x.Write(vals...) != nil {
			return // the response has started; the client sees a cut file
		}
	}
	x.Close()
}

// questionnaireResultsSheet exports the results to xlsx: every option (or
// mark, or matrix cell) of every question with its responses, households
// and their floor area, overall and then per building.
func (p *Pages) questionnaireResultsSheet(w http.ResponseWriter, r *http.Request) {
	if !p.questionnairesOn(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	q, res, err := p.Questionnaires.Results(r.Context(), id)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	names, _, err := p.buildingNames(r, q.EstateID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	l := lang(r)
	tpl := sheet.Template{Kind: "questionnaire_results", Sheet: i18n.T(l, "qn.xlsx.results_sheet")}
	for _, k := range []string{"section", "question", "kind", "choice", "responses", "households", "area", "points"} {
		tpl.Columns = append(tpl.Columns, sheet.Column{Key: k, Header: i18n.T(l, "qn.xlsx."+k)})
	}
	qnSheetHeaders(w, fmt.Sprintf("questionnaire-%d-results.xlsx", q.ID))
	x, err := sheet.NewXLSXWriter(w, tpl)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	sections := append([]questionnaire.Section{res.Overall}, res.Buildings...)
	for _, s := range sections {
		label := i18n.T(l, "qn.all_buildings")
		if s.BuildingID != 0 {
			label = i18n.T(l, "qn.building", names[s.BuildingID])
		}
		for i, qr := range s.Questions {
			qu := qr.Question
			head := fmt.Sprintf("%d. %s", i+1, qu.Title)
			kind := i18n.T(l, "qn.kind."+string(qu.Kind))
			write := func(choice string, t questionnaire.Tally, points any) bool {
				return x.Write(label, head, kind, choice, t.Responses, t.Households, t.Area, points) == nil
			}
			ok := write(i18n.T(l, "qn.xlsx.answered"), qr.Answered, nil)
			for o, t := range qr.Options {
				var pts any
				if qr.Points != nil {
					pts = qr.Points[o]
				}
				ok = ok && write(qu.Options[o], t, pts)
			}
			for m, t := range qr.Ratings {
				ok = ok && write(i18n.T(l, "qn.mark", m+1), t, nil)
			}
			for row, cells := range qr.Matrix {
				for c, t := range cells {
					ok = ok && write(qu.Rows[row]+" / "+qu.Options[c], t, nil)
				}
			}
			if !ok {
				return // the response has started; the client sees a cut file
			}
		}
	}
	x.Close()
}
