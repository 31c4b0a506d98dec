package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/sheet"
	"github.com/huanxin/huanxin/web/i18n"
)

// documentView is a document of a decision on its page.
type documentView struct {
	FileID int64
	Title  string
	SHA256 string
}

// objectionView is an objection to a result with its answer.
type objectionView struct {
	ID       int64
	Body     string
	Raised   time.Time
	Answer   string
	Answered time.Time
	By       string // who answered
}

// userNames returns the names of users for display, "#id" for those the
// reader may not see.
func (p *Pages) userNames(ctx context.Context, ids ...int64) map[int64]string {
	var known map[int64]string
	if p.Accounts != nil {
		known, _ = p.Accounts.Names(ctx, ids...)
	}
	out := map[int64]string{}
	for _, id := range ids {
		if id == 0 {
			continue
		}
		if out[id] = known[id]; out[id] == "" {
			out[id] = "#" + strconv.FormatInt(id, 10)
		}
	}
	return out
}

// paperWork fills the paper-ballot part of an open or closed decision's
// page: the entry form (first entries only while open), the pending,
// mismatched and reviewed entries with their officers' names, and the
// review form of a mismatched ballot named by ?review=.
func (p *Pages) paperWork(r *http.Request, pg *decisionPage) error {
	ctx, d, l := r.Context(), pg.D, pg.Lang
	e, err := p.Decisions.Electorate(ctx, d.ID)
	if err != nil {
		return err
	}
	entries, err := p.Decisions.PaperEntries(ctx, d.ID)
	if err != nil {
		return err
	}
	labels := map[decision.PersonID]string{}
	for _, v := range e.Voters {
		labels[v.ID] = personLabel(l, v)
	}
	var ids []int64
	for _, en := range entries {
		ids = append(ids, en.EnteredBy, en.SecondBy, en.ReviewBy)
	}
	names := p.userNames(ctx, ids...)
	collections := func() []option {
		return options(decision.Collections, func(c decision.Collection) string { return string(c) },
			func(c decision.Collection) string { return i18n.T(l, "collection."+string(c)) }, "")
	}
	entered := map[decision.PersonID]bool{}
	bf := &ballotForm{Collections: collections()}
	q := r.URL.Query()
	for _, en := range entries {
		entered[en.Person] = true
		v := paperEntryView{Person: string(en.Person), Label: labels[en.Person], Collection: i18n.T(l, "collection."+string(en.Collection)),
			Proxy: en.Proxy, State: i18n.T(l, "ballotstate."+string(en.State)), EnteredBy: names[en.EnteredBy], SecondBy: names[en.SecondBy],
			ReviewBy: names[en.ReviewBy], EnteredAt: en.EnteredAt, Pending: en.State == decision.BallotPending,
			Mismatched: en.State == decision.BallotMismatched, ReviewNote: en.ReviewNote, ScanFileID: en.ScanFileID}
		if en.ReviewBy != 0 {
			v.State = i18n.T(l, "ballotstate.reviewed")
		}
		pg.Entries = append(pg.Entries, v)
		if v.Pending && string(en.Person) == q.Get("confirm") {
			bf.Confirm, bf.ConfirmLabel = string(en.Person), labels[en.Person]
		}
		if v.Mismatched && string(en.Person) == q.Get("review") {
			pg.Review = &reviewForm{Person: string(en.Person), Label: labels[en.Person], Collections: collections(), ScanFileID: en.ScanFileID}
		}
	}
	if d.Status == decision.StatusOpen {
		for _, v := range e.Voters {
			if !entered[v.ID] {
				bf.Persons = append(bf.Persons, option{Value: string(v.ID), Label: labels[v.ID]})
			}
		}
	}
	if bf.Persons != nil || bf.Confirm != "" {
		pg.Ballot = bf
	}
	return nil
}

// decisionRecords fills the documents and objections of a decision's page.
func (p *Pages) decisionRecords(r *http.Request, pg *decisionPage) error {
	ctx, d := r.Context(), pg.D
	docs, err := p.Decisions.Documents(ctx, d.ID)
	if err != nil {
		return err
	}
	for _, doc := range docs {
		pg.Documents = append(pg.Documents, documentView{FileID: doc.FileID, Title: doc.Title, SHA256: doc.SHA256})
	}
	pg.CanAttach = pg.CanRun && d.Status == decision.StatusDraft && p.Files != nil
	if d.Status != decision.StatusAnnounced && d.Status != decision.StatusFinal {
		return nil
	}
	os, err := p.Decisions.Objections(ctx, d.ID)
	if err != nil {
		return err
	}
	var ids []int64
	for _, o := range os {
		ids = append(ids, o.AnsweredBy)
	}
	names := p.userNames(ctx, ids...)
	for _, o := range os {
		pg.Objections = append(pg.Objections, objectionView{ID: o.ID, Body: o.Body, Raised: o.Raised, Answer: o.Answer,
			Answered: o.Answered, By: names[o.AnsweredBy]})
	}
	pg.CanObject = d.Status == decision.StatusAnnounced && p.decisionNow().Before(d.ObjectionsUntil())
	return nil
}

// storeUpload stores the file uploaded in a form field as a file of the
// estate and returns its ID; 0 when the field is empty.
func (p *Pages) storeUpload(r *http.Request, estateID int64, field string) (int64, error) {
	f, hdr, err := r.FormFile(field)
	switch {
	case errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart):
		return 0, nil
	case err != nil:
		return 0, huanxin.Invalid("文件读取失败 the file could not be read", huanxin.FieldError{Field: field, Message: err.Error()})
	case hdr.Size == 0:
		return 0, nil
	case p.Files == nil:
		return 0, huanxin.Errorf(huanxin.EUNAVAILABLE, "未启用文件存储 file storage is not enabled")
	}
	defer f.Close()
	stored, err := p.Files.Put(r.Context(), estateID, hdr.Filename, f)
	if err != nil {
		return 0, err
	}
	return stored.ID, nil
}

// ballotReview settles a mismatched paper ballot.
func (p *Pages) ballotReview(w http.ResponseWriter, r *http.Request) {
	d, ok := p.pathDecision(w, r)
	if !ok {
		return
	}
	choices, _ := choicesOf(r, d)
	c, err := p.Decisions.Review(r.Context(), d.ID, decision.PersonID(r.PostFormValue("person")), decision.Entry{
		Collection: decision.Collection(r.PostFormValue("collection")), Proxy: r.PostFormValue("proxy"), Choices: choices,
		Spoiled: r.PostFormValue("spoiled") == "1"}, r.PostFormValue("note"))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.showDecision(w, r, http.StatusOK, c)
}

// documentAttach uploads a file and attaches it to a draft decision.
func (p *Pages) documentAttach(w http.ResponseWriter, r *http.Request) {
	d, ok := p.pathDecision(w, r)
	if !ok {
		return
	}
	id, err := p.storeUpload(r, d.EstateID, "file")
	if err == nil && id == 0 {
		err = huanxin.Invalid("请选择文件 choose a file", huanxin.FieldError{Field: "file", Message: "必填 required"})
	}
	if err == nil {
		_, err = p.Decisions.AddDocument(r.Context(), d.ID, id, r.PostFormValue("title"))
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	redirect(w, r, "/decisions/"+strconv.FormatInt(d.ID, 10)+"#docs-h", "document_added")
}

// documentRemove detaches a document from a draft decision.
func (p *Pages) documentRemove(w http.ResponseWriter, r *http.Request) {
	d, ok := p.pathDecision(w, r)
	if !ok {
		return
	}
	fid, err := parseID(r.PathValue("file"))
	if err == nil {
		err = p.Decisions.RemoveDocument(r.Context(), d.ID, fid)
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	redirect(w, r, "/decisions/"+strconv.FormatInt(d.ID, 10)+"#docs-h", "document_removed")
}

// objectionAnswer records the officers' answer to an objection.
func (p *Pages) objectionAnswer(w http.ResponseWriter, r *http.Request) {
	d, ok := p.pathDecision(w, r)
	if !ok {
		return
	}
	oid, err := parseID(r.PathValue("objection"))
	if err == nil {
		_, err = p.Decisions.Answer(r.Context(), d.ID, oid, r.PostFormValue("answer"))
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	redirect(w, r, "/decisions/"+strconv.FormatInt(d.ID, 10)+"#objections-h", "objection_answered")
}

// decisionResultSheet exports the result of a closed decision to xlsx:
// per matter every count and condition with numerator, denominator,
// percentage, the bound and whether it is met, then extra conditions
// and the persons who voted on two channels.
func (p *Pages) decisionResultSheet(w http.ResponseWriter, r *http.Request) {
	d, ok := p.pathDecision(w, r)
	if !ok {
		return
	}
	res, err := p.Decisions.Result(r.Context(), d.ID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	l := lang(r)
	tpl := sheet.Template{Kind: "result", Sheet: i18n.T(l, "resultxlsx.sheet")}
	for _, k := range []string{"matter", "item", "figure", "numerator", "denominator", "percent", "required", "met", "outcome"} {
		tpl.Columns = append(tpl.Columns, sheet.Column{Key: k, Header: i18n.T(l, "resultxlsx."+k)})
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="decision-%d-result.xlsx"`, d.ID))
	x, err := sheet.NewXLSXWriter(w, tpl)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	yes := func(b bool) string { return map[bool]string{true: "✓", false: "✗"}[b] }
	v := resultViewOf(l, res)
	for i, m := range res.Matters {
		mv := v.Matters[i]
		for _, row := range mv.Rows {
			met := ""
			if row.Binding {
				met = yes(row.Met)
			}
			if x.Write(mv.Title, mv.ItemLabel, row.Label, row.Num, row.Den, row.Percent, row.Required, met, mv.Outcome) != nil {
				return // the response has started; the client sees a cut file
			}
		}
		for _, c := range []struct {
			key string
			c   decision.Count
		}{{"choice.agree", m.Agree}, {"choice.oppose", m.Oppose}, {"choice.abstain", m.Abstain}, {"decision.spoiled", m.Spoiled}} {
			if x.Write(mv.Title, mv.ItemLabel, i18n.T(l, c.key), c.c.Area.String()+" m²", strconv.FormatInt(c.c.Persons, 10),
				"", "", "", mv.Outcome) != nil {
				return
			}
		}
		for _, e := range mv.Extra {
			if x.Write(mv.Title, mv.ItemLabel, e.Label+"（"+e.Rule+"）", strconv.FormatInt(e.Agree, 10), strconv.FormatInt(e.Affected, 10),
				"", "", yes(e.Met), mv.Outcome) != nil {
				return
			}
		}
	}
	for _, c := range v.Conflicts {
		if x.Write(i18n.T(l, "result.conflicts"), "", c.Person, c.Counted, c.SetAside, "", "", "", "") != nil {
			return
		}
	}
	x.Close()
}
