package web

import (
	"cmp"
	"context"
	"html"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/api"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/web/i18n"
)

// votePage is the owners' phone-first voting page in one of its modes:
// "list" (open decisions, and announced results open to objections),
// "form" (the decision: its documents, the ballot while open, the result
// and objections once announced), "done" (the receipt code, shown once)
// and "receipt" (checking a code).
type votePage struct {
	Base
	Mode      string
	Open      []*decision.Decision
	Announced []*decision.Decision // results in their objection period
	D         *decision.Decision
	Matters   []voteMatter
	CanVote   bool
	Message   string
	Code      string // receipt code just issued, or the code being checked
	Receipt   *receiptView
	Problem   string // why a receipt could not be checked

	Docs    []voteDoc
	Voted   bool // the owner has an online ballot in this decision
	Final   bool // … and may not change it
	Revised bool // the ballot just cast replaced an earlier one

	// The result and its objection period (announced or final decisions).
	Result     bool      // the result is published: link to its notice
	Until      time.Time // end of the objection period
	InPeriod   bool
	CanObject  bool // the owner may raise an objection now
	Objections []voteObjection
	ObjBody    string // what was entered in the objection form
	ObjErr     string // the problem with it

	marked   map[decision.MatterID]decision.Choice // choices of a rejected ballot
	conflict bool                                  // a second ballot was refused
}

// voteDoc is a document put to the owners, with its SHA-256 for checking.
type voteDoc struct {
	FileID int64
	Title  string
	SHA256 string
	SHA    template.HTML // the hex digest with break opportunities for phones
}

// voteObjection is an objection to a result and its answer, if any.
type voteObjection struct {
	Body     string
	Raised   time.Time
	Answer   string
	Answered time.Time
}

type voteMatter struct {
	matterView
	Choices []voteChoice
}

type voteChoice struct {
	Value   int
	Label   string
	Checked bool
}

type receiptView struct {
	DecisionID int64
	Title      string
	Channel    string
	CastAt     time.Time
	Spoiled    bool
	Choices    []receiptChoice
	ReplacedAt time.Time // zero unless this ballot was later changed
}

type receiptChoice struct{ Title, Choice string }

var choiceKeys = map[decision.Choice]string{decision.Agree: "choice.agree", decision.Oppose: "choice.oppose", decision.Abstain: "choice.abstain"}

func (p *Pages) voteBase(r *http.Request, key string) Base {
	b := p.base(r, key)
	b.Resident = true
	return b
}

// voteList lists the open decisions of the actor's estates, and the
// announced results still open to objections.
func (p *Pages) voteList(w http.ResponseWriter, r *http.Request) {
	if !p.decisionsOn(w, r) {
		return
	}
	parts, _, err := p.Reg.Parts().Find(r.Context(), estate.Filter{Limit: 50})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	var ids []int64
	for _, pt := range parts {
		ids = append(ids, pt.EstateID)
	}
	open, err := p.openDecisions(r, ids)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	announced, err := p.objectionDecisions(r.Context(), ids)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "vote", &votePage{Base: p.voteBase(r, "vote.list"), Mode: "list", Open: open, Announced: announced})
}

// objectionDecisions lists the decisions of the given estates whose
// announced result is in its objection period, newest first.
func (p *Pages) objectionDecisions(ctx context.Context, estateIDs []int64) ([]*decision.Decision, error) {
	ids := slices.Clone(estateIDs)
	slices.Sort(ids)
	now := p.decisionNow()
	var out []*decision.Decision
	for _, id := range slices.Compact(ids) {
		ds, err := p.Decisions.List(ctx, id)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			if d.Status == decision.StatusAnnounced && now.Before(d.ObjectionsUntil()) {
				out = append(out, d)
			}
		}
	}
	slices.SortFunc(out, func(a, b *decision.Decision) int { return cmp.Compare(b.ID, a.ID) })
	return out, nil
}

// decisionNow is the decision service's clock (objection periods).
func (p *Pages) decisionNow() time.Time {
	if p.Decisions != nil && p.Decisions.Now != nil {
		return p.Decisions.Now()
	}
	return time.Now()
}

// voteForm shows a decision with its documents and a ballot of three big
// choices per matter; once the result is announced, the result and the
// objections.
func (p *Pages) voteForm(w http.ResponseWriter, r *http.Request) {
	d, ok := p.pathDecision(w, r)
	if !ok {
		return
	}
	p.showVote(w, r, http.StatusOK, d, &votePage{})
}

// showVote fills the decision page into pg (which may carry a message,
// the choices marked or the objection entered) and renders it.
func (p *Pages) showVote(w http.ResponseWriter, r *http.Request, status int, d *decision.Decision, pg *votePage) {
	ctx := r.Context()
	pg.Base, pg.Mode, pg.D = p.voteBase(r, "vote.title"), "form", d
	pg.Title = d.Title
	pg.CanVote = d.Status == decision.StatusOpen
	for _, m := range matterViews(pg.Lang, d) {
		vm := voteMatter{matterView: m}
		for _, c := range []decision.Choice{decision.Agree, decision.Oppose, decision.Abstain} {
			vm.Choices = append(vm.Choices, voteChoice{Value: int(c), Label: i18n.T(pg.Lang, choiceKeys[c]), Checked: pg.marked[m.ID] == c})
		}
		pg.Matters = append(pg.Matters, vm)
	}
	docs, err := p.Decisions.Documents(ctx, d.ID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	for _, doc := range docs {
		pg.Docs = append(pg.Docs, voteDoc{FileID: doc.FileID, Title: doc.Title, SHA256: doc.SHA256, SHA: breakHex(doc.SHA256)})
	}
	a := huanxin.ActorFromContext(ctx)
	resident := a != nil && a.Role == huanxin.RoleResident
	var standing decision.Standing
	if resident {
		var err error
		if standing, err = p.Decisions.Standing(ctx, d.ID); err != nil {
			p.fail(w, r, err)
			return
		}
	}
	if pg.CanVote && resident {
		pg.Voted = standing.Voted
		pg.Final = standing.Voted && !d.AllowChange
	}
	if pg.conflict && !pg.Final {
		pg.Message = i18n.T(pg.Lang, "vote2.final")
	}
	if d.Status == decision.StatusAnnounced || d.Status == decision.StatusFinal {
		pg.Result = true
		pg.Until = d.ObjectionsUntil()
		pg.InPeriod = d.Status == decision.StatusAnnounced && p.decisionNow().Before(pg.Until)
		// An officer assisting an owner objects for them; the service
		// checks that the owner is of the electorate.
		assisted := a != nil && a.OnBehalfOf != 0 && a.Role.CanEditRegister()
		pg.CanObject = pg.InPeriod && (resident && standing.Voter || assisted) && !a.ReadOnly
		os, err := p.Decisions.Objections(ctx, d.ID)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		for _, o := range os {
			ov := voteObjection{Body: o.Body, Raised: o.Raised}
			if o.AnsweredBy != 0 {
				ov.Answer, ov.Answered = o.Answer, o.Answered
			}
			pg.Objections = append(pg.Objections, ov)
		}
	}
	p.render(w, r, status, "vote", pg)
}

// breakHex writes a hex digest with a break opportunity every eight
// characters, so that it wraps on a phone yet copies as one word.
func breakHex(s string) template.HTML {
	var b strings.Builder
	for i := 0; i < len(s); i += 8 {
		if i > 0 {
			b.WriteString("<wbr>")
		}
		b.WriteString(html.EscapeString(s[i:min(i+8, len(s))]))
	}
	return template.HTML(b.String())
}

// voteCast records the owner's online ballot, or replaces it where the
// decision allows changes, and shows the receipt code.
func (p *Pages) voteCast(w http.ResponseWriter, r *http.Request) {
	d, ok := p.pathDecision(w, r)
	if !ok {
		return
	}
	choices, all := choicesOf(r, d)
	if !all {
		p.showVote(w, r, http.StatusBadRequest, d, &votePage{marked: choices, Message: i18n.T(lang(r), "vote.incomplete")})
		return
	}
	c, err := p.Decisions.Cast(r.Context(), d.ID, decision.Vote{Choices: choices})
	if huanxin.ErrorCode(err) == huanxin.ECONFLICT && !d.AllowChange {
		p.showVote(w, r, http.StatusConflict, d, &votePage{conflict: true})
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &votePage{Base: p.voteBase(r, "vote.done"), Mode: "done", D: d, Code: c.Code, Revised: c.Revised}
	p.render(w, r, http.StatusOK, "vote", pg)
}

// voteDocument serves the bytes of a document of the decision to whoever
// may see the decision.
func (p *Pages) voteDocument(w http.ResponseWriter, r *http.Request) {
	d, ok := p.pathDecision(w, r)
	if !ok {
		return
	}
	fid, err := strconv.ParseInt(r.PathValue("file"), 10, 64)
	if err != nil || fid <= 0 {
		p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "附件不存在 no such document"))
		return
	}
	f, data, err := p.Decisions.Document(r.Context(), d.ID, fid)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	api.ServeFile(w, r, f, data)
}

// voteObject raises an owner's objection to an announced result; a
// problem with the text shows the page again with it next to the field.
func (p *Pages) voteObject(w http.ResponseWriter, r *http.Request) {
	d, ok := p.pathDecision(w, r)
	if !ok {
		return
	}
	body := strings.TrimSpace(r.PostFormValue("body"))
	if utf8.RuneCountInString(body) > maxObjection {
		p.showVote(w, r, http.StatusBadRequest, d, &votePage{ObjBody: body, ObjErr: i18n.T(lang(r), "vote2.objection_long")})
		return
	}
	_, err := p.Decisions.Object(r.Context(), d.ID, body)
	switch {
	case err == nil:
		redirect(w, r, "/vote/"+strconv.FormatInt(d.ID, 10)+"#objections-h", "objection_raised")
	case huanxin.ErrorCode(err) == huanxin.EINVALID && fielderr(huanxin.ErrorFields(err), "body") != "":
		p.showVote(w, r, http.StatusBadRequest, d, &votePage{ObjBody: body, ObjErr: i18n.T(lang(r), "vote2.objection_required")})
	default:
		p.fail(w, r, err)
	}
}

// maxObjection is the longest objection, in characters.
const maxObjection = 5000

// receiptCheck shows what a receipt code stands for, and whether the
// ballot was later changed.
func (p *Pages) receiptCheck(w http.ResponseWriter, r *http.Request) {
	if !p.decisionsOn(w, r) {
		return
	}
	ctx := r.Context()
	code := strings.TrimSpace(r.URL.Query().Get("code"))
	pg := &votePage{Base: p.voteBase(r, "receipt.title"), Mode: "receipt", Code: code}
	if code != "" {
		rc, err := p.Decisions.CheckReceipt(ctx, code)
		switch {
		case huanxin.ErrorCode(err) == huanxin.ENOTFOUND:
			pg.Problem = i18n.T(pg.Lang, "receipt.unknown")
		case err != nil:
			p.fail(w, r, err)
			return
		default:
			v := &receiptView{DecisionID: rc.DecisionID, Channel: i18n.T(pg.Lang, "channel."+string(rc.Channel)), CastAt: rc.CastAt,
				Spoiled: rc.Spoiled, ReplacedAt: rc.ReplacedAt}
			if d, err := p.Decisions.Get(ctx, rc.DecisionID); err == nil {
				v.Title = d.Title
				for _, m := range d.Matters {
					c := rc.Choices[m.ID]
					key, ok := choiceKeys[c]
					if !ok {
						key = "choice.abstain"
					}
					v.Choices = append(v.Choices, receiptChoice{Title: m.Title, Choice: i18n.T(pg.Lang, key)})
				}
			} else {
				v.Title = "#" + strconv.FormatInt(rc.DecisionID, 10)
			}
			pg.Receipt = v
		}
	}
	p.render(w, r, http.StatusOK, "vote", pg)
}
