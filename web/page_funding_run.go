package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/web/i18n"
)

// runPage is one split for officers: its rule, the rate paid per building
// and in all, every part's share with what it paid, and the form to
// record a payment.
type runPage struct {
	Base
	C        *funding.Collection
	PlanName string
	RuleText string
	CanEdit  bool
	Parts    []option // the parts that still owe, for the payment form
	Form     payForm
	Message  string
	Errors   []huanxin.FieldError
}

// payForm is the payment form as entered.
type payForm struct {
	PartID, Amount, PaidOn, Receipt string
}

// shareRun loads the collection of the run named by {id}.
func (p *Pages) shareRun(w http.ResponseWriter, r *http.Request) (*funding.Collection, bool) {
	if !p.fundingOn(w, r) {
		return nil, false
	}
	id, err := pathID(r)
	var c *funding.Collection
	if err == nil {
		c, err = p.Shares.Collection(r.Context(), id)
	}
	if err != nil {
		p.fail(w, r, err)
		return nil, false
	}
	return c, true
}

// shareRunShow shows a run with its collection.
func (p *Pages) shareRunShow(w http.ResponseWriter, r *http.Request) {
	p.renderRun(w, r, http.StatusOK, payForm{PaidOn: time.Now().In(huanxin.Shanghai).Format(time.DateOnly)}, nil)
}

// sharePay records a payment of a part, from a paper receipt.
func (p *Pages) sharePay(w http.ResponseWriter, r *http.Request) {
	if !p.fundingOn(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	l := lang(r)
	f := payForm{PartID: r.PostFormValue("part_id"), Amount: r.PostFormValue("amount"), PaidOn: r.PostFormValue("paid_on"), Receipt: r.PostFormValue("receipt")}
	part, perr := parseID(f.PartID)
	amount, ok := huanxin.ParseCenti(f.Amount)
	switch {
	case perr != nil:
		err = huanxin.Invalid(i18n.T(l, "funding.invalid"), huanxin.FieldError{Field: "part_id", Message: i18n.T(l, "shares.part_invalid")})
	case !ok:
		err = huanxin.Invalid(i18n.T(l, "funding.invalid"), huanxin.FieldError{Field: "amount", Message: i18n.T(l, "funding.amount_invalid")})
	default:
		_, err = p.Shares.Pay(r.Context(), id, funding.Payment{PartID: part, Amount: huanxin.Money(amount), PaidOn: f.PaidOn, Receipt: f.Receipt})
	}
	switch huanxin.ErrorCode(err) {
	case "":
		redirect(w, r, "/shares/"+strconv.FormatInt(id, 10), "payment_recorded")
	case huanxin.EINVALID:
		p.renderRun(w, r, http.StatusBadRequest, f, err)
	default:
		p.fail(w, r, err)
	}
}

func (p *Pages) renderRun(w http.ResponseWriter, r *http.Request, status int, f payForm, failed error) {
	c, ok := p.shareRun(w, r)
	if !ok {
		return
	}
	pg := &runPage{Base: p.base(r, "shares.run"), C: c, CanEdit: canEdit(r), Form: f}
	pg.RuleText = shareRuleText(c.Run.Rule, pg.Lang, rowRooms(c.Run.Rows, pg.Lang))
	if pl, err := p.Funding.Plans.Get(r.Context(), c.Run.PlanID); err == nil {
		pg.PlanName = pl.Title
	}
	if failed != nil {
		pg.Message, pg.Errors = huanxin.ErrorMessage(failed), huanxin.ErrorFields(failed)
	}
	for _, u := range c.Unpaid {
		v := strconv.FormatInt(u.Row.PartID, 10)
		pg.Parts = append(pg.Parts, option{Value: v, Label: i18n.T(pg.Lang, "shares.part_option", u.Row.BuildingNo, u.Row.Stairwell, u.Row.Room, u.Due.String()),
			Selected: v == f.PartID})
	}
	p.render(w, r, status, "funding_run", pg)
}
