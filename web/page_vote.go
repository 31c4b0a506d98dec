package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/web/i18n"
)

// votePage is the owners' phone-first voting page in one of its modes:
// "list" (open decisions), "form" (the ballot), "done" (the receipt code,
// shown once) and "receipt" (checking a code).
type votePage struct {
	Base
	Mode    string
	Open    []*decision.Decision
	D       *decision.Decision
	Matters []voteMatter
	CanVote bool
	Message string
	Code    string // receipt code just issued, or the code being checked
	Receipt *receiptView
	Problem string // why a receipt could not be checked
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
}

type receiptChoice struct{ Title, Choice string }

var choiceKeys = map[decision.Choice]string{decision.Agree: "choice.agree", decision.Oppose: "choice.oppose", decision.Abstain: "choice.abstain"}

func (p *Pages) voteBase(r *http.Request, key string) Base {
	b := p.base(r, key)
	b.Resident = true
	return b
}

// voteList lists the open decisions of the actor's estates.
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
	p.render(w, r, http.StatusOK, "vote", &votePage{Base: p.voteBase(r, "vote.list"), Mode: "list", Open: open})
}

// voteForm shows a decision with a ballot of three big choices per matter.
func (p *Pages) voteForm(w http.ResponseWriter, r *http.Request) {
	p.showVote(w, r, http.StatusOK, nil, "")
}

func (p *Pages) showVote(w http.ResponseWriter, r *http.Request, status int, marked map[decision.MatterID]decision.Choice, msg string) {
	d, ok := p.pathDecision(w, r)
	if !ok {
		return
	}
	pg := &votePage{Base: p.voteBase(r, "vote.title"), Mode: "form", D: d, CanVote: d.Status == decision.StatusOpen, Message: msg}
	pg.Title = d.Title
	for _, m := range matterViews(pg.Lang, d) {
		vm := voteMatter{matterView: m}
		for _, c := range []decision.Choice{decision.Agree, decision.Oppose, decision.Abstain} {
			vm.Choices = append(vm.Choices, voteChoice{Value: int(c), Label: i18n.T(pg.Lang, choiceKeys[c]), Checked: marked[m.ID] == c})
		}
		pg.Matters = append(pg.Matters, vm)
	}
	p.render(w, r, status, "vote", pg)
}

// voteCast records the owner's online ballot and shows the receipt code.
func (p *Pages) voteCast(w http.ResponseWriter, r *http.Request) {
	d, ok := p.pathDecision(w, r)
	if !ok {
		return
	}
	choices, all := choicesOf(r, d)
	if !all {
		p.showVote(w, r, http.StatusBadRequest, choices, i18n.T(lang(r), "vote.incomplete"))
		return
	}
	c, err := p.Decisions.Cast(r.Context(), d.ID, decision.Vote{Choices: choices})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &votePage{Base: p.voteBase(r, "vote.done"), Mode: "done", D: d, Code: c.Code}
	p.render(w, r, http.StatusOK, "vote", pg)
}

// receiptCheck shows what a receipt code stands for.
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
			v := &receiptView{DecisionID: rc.DecisionID, Channel: i18n.T(pg.Lang, "channel."+string(rc.Channel)), CastAt: rc.CastAt, Spoiled: rc.Spoiled}
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
