package web

import (
	"net/http"
	"strconv"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/funding"
)

// statementPage is one dwelling's statement of its share, printable and
// in plain words: the part, the rule, the exact fraction and the amount.
type statementPage struct {
	Base
	S        *funding.Statement
	Estate   string
	RuleText string
}

// shareStatement shows the statement of the part {part} in the run {id}
// to officers who see the plan and to the part's residents.
func (p *Pages) shareStatement(w http.ResponseWriter, r *http.Request) {
	if !p.fundingOn(w, r) {
		return
	}
	id, err := pathID(r)
	var part int64
	if err == nil {
		if part, err = parseID(r.PathValue("part")); err != nil {
			err = huanxin.Errorf(huanxin.ENOTFOUND, "记录不存在 not found")
		}
	}
	var st *funding.Statement
	if err == nil {
		st, err = p.Shares.Statement(r.Context(), id, part)
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &statementPage{Base: p.base(r, "statement.title"), S: st}
	pg.RuleText = shareRuleText(st.Run.Rule, pg.Lang, rowRooms(st.Run.Rows, pg.Lang))
	if e, err := p.Reg.Estates().Get(r.Context(), st.Run.EstateID); err == nil {
		pg.Estate = e.Name
	}
	p.render(w, r, http.StatusOK, "funding_statement", pg)
}

// mySharesPage lists a resident's shares, phone first.
type mySharesPage struct {
	Base
	Statements []*funding.Statement
	Estates    []option // the estates of the statements, for their disclosure pages
}

// myShares shows the signed-in resident's shares of every split.
func (p *Pages) myShares(w http.ResponseWriter, r *http.Request) {
	if !p.fundingOn(w, r) {
		return
	}
	sts, err := p.Shares.Mine(r.Context())
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &mySharesPage{Base: p.base(r, "myshares.title"), Statements: sts}
	seen := map[int64]bool{}
	for _, st := range sts {
		if !seen[st.Run.EstateID] {
			seen[st.Run.EstateID] = true
			if e, err := p.Reg.Estates().Get(r.Context(), st.Run.EstateID); err == nil {
				pg.Estates = append(pg.Estates, option{Value: strconv.FormatInt(e.ID, 10), Label: e.Name})
			}
		}
	}
	p.render(w, r, http.StatusOK, "funding_mine", pg)
}
