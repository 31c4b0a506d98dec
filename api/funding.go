package api

import (
	"net/http"
	"strconv"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/funding"
)

// fundingHandlers serve the funding plans of estate plans: everyone who
// sees a plan reads its funding; officers who may change the register of
// its estate add, advance and withdraw money (the service decides).
type fundingHandlers struct{ svc *funding.Service }

// FundingLine is the money of one source for one item of a plan; amount
// in fen. Status moves forward only: committed → received → allocated →
// paid. Withdrawn lines are kept for the record and not counted.
type FundingLine struct {
	ID        int64  `json:"id"`
	ItemCode  string `json:"item_code"`
	Source    string `json:"source"`
	Amount    int64  `json:"amount"`
	Status    string `json:"status"`
	Ref       string `json:"ref"`
	Withdrawn bool   `json:"withdrawn"`
}

// FundingLineInput is the body of POST /api/v1/plans/{id}/funding: money
// a source commits to an item of the plan.
type FundingLineInput struct {
	ItemCode string `json:"item_code"`
	Source   string `json:"source"`
	Amount   int64  `json:"amount"`
	Ref      string `json:"ref"`
}

// FundingCover is the funding of one item (or, as the total, of the whole
// plan, with an empty item code): its cost, the money per source and per
// status (a line counts at its status and every earlier one), the gap
// still to find and any surplus; all in fen.
type FundingCover struct {
	ItemCode string           `json:"item_code"`
	Name     string           `json:"name"`
	Category string           `json:"category"`
	Cost     int64            `json:"cost"`
	BySource map[string]int64 `json:"by_source"`
	ByStatus map[string]int64 `json:"by_status"`
	Gap      int64            `json:"gap"`
	Surplus  int64            `json:"surplus"`
}

// FundingAlert is an item that was fully funded and lost money: its gap
// now and the withdrawn lines that had covered it.
type FundingAlert struct {
	ItemCode string        `json:"item_code"`
	Name     string        `json:"name"`
	Gap      int64         `json:"gap"`
	Lost     []FundingLine `json:"lost"`
}

// Funding is a plan's funding plan.
type Funding struct {
	PlanID   int64          `json:"plan_id"`
	EstateID int64          `json:"estate_id"`
	Lines    []FundingLine  `json:"lines"`
	Items    []FundingCover `json:"items"`
	Total    FundingCover   `json:"total"`
	Alerts   []FundingAlert `json:"alerts"`
}

// FundingAdvance is the body of POST …/funding/{line}/advance: the new
// status and the document that proves it.
type FundingAdvance struct {
	Status string `json:"status"`
	Ref    string `json:"ref"`
}

// FundingWithdraw is the body of POST …/funding/{line}/withdraw.
type FundingWithdraw struct {
	Ref string `json:"ref"`
}

func shownFundingLine(l funding.Line) FundingLine {
	return FundingLine{ID: l.ID, ItemCode: l.ItemCode, Source: l.Source, Amount: int64(l.Amount), Status: string(l.Status), Ref: l.Ref, Withdrawn: l.Withdrawn}
}

func shownCover(c funding.Cover) FundingCover {
	out := FundingCover{ItemCode: c.ItemCode, Name: c.Name, Category: c.Category, Cost: int64(c.Cost), Gap: int64(c.Gap), Surplus: int64(c.Surplus),
		BySource: map[string]int64{}, ByStatus: map[string]int64{}}
	for k, v := range c.BySource {
		out.BySource[k] = int64(v)
	}
	for _, s := range funding.Statuses {
		out.ByStatus[string(s)] = int64(c.ByStatus[s])
	}
	return out
}

func shownFunding(f *funding.Funding) *Funding {
	out := &Funding{PlanID: f.Plan.ID, EstateID: f.Plan.EstateID, Lines: []FundingLine{}, Items: []FundingCover{}, Total: shownCover(f.Total),
		Alerts: []FundingAlert{}}
	for _, l := range f.Lines {
		out.Lines = append(out.Lines, shownFundingLine(l))
	}
	for _, c := range f.Covers {
		out.Items = append(out.Items, shownCover(c))
	}
	for _, a := range f.Alerts {
		fa := FundingAlert{ItemCode: a.ItemCode, Name: a.Name, Gap: int64(a.Gap), Lost: []FundingLine{}}
		for _, l := range a.Lost {
			fa.Lost = append(fa.Lost, shownFundingLine(l))
		}
		out.Alerts = append(out.Alerts, fa)
	}
	return out
}

func (h fundingHandlers) get(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	h.write(w, r, id, http.StatusOK)
}

// write answers with the plan's funding as it now stands.
func (h fundingHandlers) write(w http.ResponseWriter, r *http.Request, planID int64, status int) {
	f, err := h.svc.Get(r.Context(), planID)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, status, shownFunding(f))
}

func (h fundingHandlers) add(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	var in FundingLineInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	l, err := h.svc.Add(r.Context(), id, funding.Line{ItemCode: in.ItemCode, Source: in.Source, Amount: huanxin.Money(in.Amount), Ref: in.Ref})
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, shownFundingLine(*l))
}

// planLine reads the plan and line IDs of …/funding/{line}/….
func planLine(w http.ResponseWriter, r *http.Request) (int64, int64, bool) {
	id, ok := actorAndID(w, r)
	if !ok {
		return 0, 0, false
	}
	line, err := strconv.ParseInt(r.PathValue("line"), 10, 64)
	if err != nil || line <= 0 {
		WriteError(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "资金记录不存在 funding line not found"))
		return 0, 0, false
	}
	return id, line, true
}

func (h fundingHandlers) advance(w http.ResponseWriter, r *http.Request) {
	id, line, ok := planLine(w, r)
	if !ok {
		return
	}
	var in FundingAdvance
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	if err := h.svc.Advance(r.Context(), id, line, funding.Status(in.Status), in.Ref); err != nil {
		WriteError(w, r, err)
		return
	}
	h.write(w, r, id, http.StatusOK)
}

func (h fundingHandlers) withdraw(w http.ResponseWriter, r *http.Request) {
	id, line, ok := planLine(w, r)
	if !ok {
		return
	}
	var in FundingWithdraw
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	if err := h.svc.Withdraw(r.Context(), id, line, in.Ref); err != nil {
		WriteError(w, r, err)
		return
	}
	h.write(w, r, id, http.StatusOK)
}
