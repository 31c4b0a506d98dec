package web

import (
	"net/http"
	"strconv"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/funding"
)

// fundingMove advances a line's money (…/advance, with the new status)
// or records its withdrawal (…/withdraw), each with the document's
// reference; a refused move shows on the funding page.
func (p *Pages) fundingMove(w http.ResponseWriter, r *http.Request) {
	if !p.fundingOn(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	line, err := strconv.ParseInt(r.PathValue("line"), 10, 64)
	if err != nil {
		p.fail(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "资金记录不存在 funding line not found"))
		return
	}
	ref := r.PostFormValue("ref")
	flash := ""
	switch r.PathValue("action") {
	case "advance":
		err, flash = p.Funding.Advance(r.Context(), id, line, funding.Status(r.PostFormValue("status")), ref), "funding_advanced"
	case "withdraw":
		err, flash = p.Funding.Withdraw(r.Context(), id, line, ref), "funding_withdrawn"
	default:
		err = huanxin.Errorf(huanxin.ENOTFOUND, "页面不存在 not found")
	}
	switch huanxin.ErrorCode(err) {
	case "":
		redirect(w, r, "/plans/"+strconv.FormatInt(id, 10)+"/funding", flash)
	case huanxin.EINVALID, huanxin.ECONFLICT:
		p.renderFunding(w, r, StatusOf(err), fundingForm{}, err)
	default:
		p.fail(w, r, err)
	}
}
