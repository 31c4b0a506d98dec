package api

import (
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/funding"
)

var maintenanceImportParams = []string{"as_of", "filename"}

// maintenanceHandlers serve the housing maintenance fund of an estate
// (住宅专项维修资金): everyone who sees the estate reads balances, uses and
// raises; officers who may change its register import balances and record
// uses and raises (the service decides).
type maintenanceHandlers struct{ svc *funding.Maintenance }

// maintenanceRoutes mounts the maintenance-fund endpoints.
func (a *API) maintenanceRoutes(svc *funding.Maintenance) {
	h := maintenanceHandlers{svc: svc}
	base := Prefix + "/estates/{id}/maintenance-fund"
	a.handle("GET "+base+"/balances", http.HandlerFunc(h.balances), nil)
	a.handle("POST "+base+"/balances/import", http.HandlerFunc(h.importBalances), maintenanceImportParams)
	a.handle("GET "+base+"/uses", http.HandlerFunc(h.uses), nil)
	a.handle("POST "+base+"/uses", http.HandlerFunc(h.createUse), nil)
	a.handle("POST "+base+"/uses/{use}/approve", h.advance(funding.UseApproved), nil)
	a.handle("POST "+base+"/uses/{use}/pay", h.advance(funding.UsePaid), nil)
	a.handle("GET "+base+"/raises", http.HandlerFunc(h.raises), nil)
	a.handle("POST "+base+"/raises", http.HandlerFunc(h.createRaise), nil)
}

// FundBalance is a dwelling's balance of the maintenance fund in fen, or
// a building's total (part_id 0), as of the bank statement imported.
type FundBalance struct {
	BuildingID int64     `json:"building_id"`
	BuildingNo string    `json:"building_no"`
	PartID     int64     `json:"part_id"`
	Stairwell  string    `json:"stairwell"`
	Room       string    `json:"room"`
	Amount     int64     `json:"amount"`
	AsOf       time.Time `json:"as_of"`
}

// FundBalances is an estate's balances: each building's total followed
// by its dwellings.
type FundBalances struct {
	Items []FundBalance `json:"items"`
}

// FundUses lists the uses of an estate's fund, newest first.
type FundUses struct {
	Items []FundUse `json:"items"`
}

// FundRaises lists the raises of an estate's fund, newest first.
type FundRaises struct {
	Items []FundRaise `json:"items"`
}

// FundCharge is what a use takes from, or a raise asks of, one dwelling,
// in fen.
type FundCharge struct {
	PartID     int64  `json:"part_id"`
	BuildingID int64  `json:"building_id"`
	BuildingNo string `json:"building_no"`
	Room       string `json:"room"`
	Amount     int64  `json:"amount"`
}

// FundApproval is one approval of an emergency use (Art. 281).
type FundApproval struct {
	Name string    `json:"name"`
	Role string    `json:"role"`
	On   time.Time `json:"on"`
}

// FundUse is a use of the fund with its basis and charges.
type FundUse struct {
	ID         int64          `json:"id"`
	EstateID   int64          `json:"estate_id"`
	Purpose    string         `json:"purpose"`
	Amount     int64          `json:"amount"`
	Buildings  []int64        `json:"buildings"`
	Charges    []FundCharge   `json:"charges"`
	Basis      string         `json:"basis"`
	DecisionID int64          `json:"decision_id"`
	Emergency  string         `json:"emergency"`
	Approvals  []FundApproval `json:"approvals"`
	Status     string         `json:"status"`
	Created    time.Time      `json:"created"`
	Approved   *time.Time     `json:"approved"`
	Paid       *time.Time     `json:"paid"`
}

// FundUseInput is the body of POST …/maintenance-fund/uses: the amount is
// split by floor area among the dwellings of buildings, unless parts give
// each dwelling's amount (fen, by part ID).
type FundUseInput struct {
	Purpose    string           `json:"purpose"`
	Amount     int64            `json:"amount"`
	Buildings  []int64          `json:"buildings"`
	Parts      map[string]int64 `json:"parts"`
	Basis      string           `json:"basis"`
	DecisionID int64            `json:"decision_id"`
	Emergency  string           `json:"emergency"`
	Approvals  []FundApproval   `json:"approvals"`
}

// FundRaise is a raise or top-up of the fund under an item-6 decision.
type FundRaise struct {
	ID         int64        `json:"id"`
	EstateID   int64        `json:"estate_id"`
	DecisionID int64        `json:"decision_id"`
	Purpose    string       `json:"purpose"`
	Amount     int64        `json:"amount"`
	Buildings  []int64      `json:"buildings"`
	Charges    []FundCharge `json:"charges"`
	Created    time.Time    `json:"created"`
}

// FundRaiseInput is the body of POST …/maintenance-fund/raises.
type FundRaiseInput struct {
	DecisionID int64   `json:"decision_id"`
	Purpose    string  `json:"purpose"`
	Amount     int64   `json:"amount"`
	Buildings  []int64 `json:"buildings"`
}

func shownCharges(cs []funding.Charge) []FundCharge {
	out := make([]FundCharge, len(cs))
	for i, c := range cs {
		out[i] = FundCharge{PartID: c.PartID, BuildingID: c.BuildingID, BuildingNo: c.BuildingNo, Room: c.Room, Amount: int64(c.Amount)}
	}
	return out
}

func orNull(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func shownFundUse(u *funding.FundUse) FundUse {
	out := FundUse{ID: u.ID, EstateID: u.EstateID, Purpose: u.Purpose, Amount: int64(u.Amount), Buildings: append([]int64{}, u.Buildings...),
		Charges: shownCharges(u.Charges), Basis: u.Basis, DecisionID: u.DecisionID, Emergency: u.Emergency, Approvals: []FundApproval{},
		Status: string(u.Status), Created: u.Created, Approved: orNull(u.Approved), Paid: orNull(u.Paid)}
	for _, a := range u.Approvals {
		out.Approvals = append(out.Approvals, FundApproval(a))
	}
	return out
}

func shownFundRaise(r *funding.FundRaise) FundRaise {
	return FundRaise{ID: r.ID, EstateID: r.EstateID, DecisionID: r.DecisionID, Purpose: r.Purpose, Amount: int64(r.Amount),
		Buildings: append([]int64{}, r.Buildings...), Charges: shownCharges(r.Charges), Created: r.Created}
}

func (h maintenanceHandlers) balances(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	bs, err := h.svc.Balances(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := FundBalances{Items: make([]FundBalance, len(bs))}
	for i, b := range bs {
		out.Items[i] = FundBalance{BuildingID: b.BuildingID, BuildingNo: b.BuildingNo, PartID: b.PartID, Stairwell: b.Stairwell, Room: b.Room,
			Amount: int64(b.Amount), AsOf: b.AsOf}
	}
	WriteJSON(w, http.StatusOK, out)
}

// importBalances imports the request body, an xlsx or csv file of the
// balance template, as the bank's statement of as_of: all rows or none.
func (h maintenanceHandlers) importBalances(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	p := readParams(r, maintenanceImportParams)
	asOf := p.when("as_of", false)
	if p.get("as_of") == "" {
		p.fail("as_of", "必填 required")
	}
	name := "balances.xlsx"
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case err == nil && mt == MediaXLSX:
	case err == nil && mt == MediaCSV:
		name = "balances.csv"
	default:
		p.fail("Content-Type", "须为 "+MediaXLSX+" 或 "+MediaCSV+" must be "+MediaXLSX+" or "+MediaCSV)
	}
	if f := p.text("filename", 200); f != "" && strings.HasSuffix(strings.ToLower(f), name[strings.LastIndex(name, "."):]) {
		name = f
	}
	if err := p.err(); err != nil {
		WriteError(w, r, err)
		return
	}
	n, err := h.svc.ImportBalances(r.Context(), id, asOf, http.MaxBytesReader(w, r.Body, MaxUpload), name)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, Stored{Stored: n})
}

func (h maintenanceHandlers) uses(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	us, err := h.svc.Uses(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := FundUses{Items: make([]FundUse, len(us))}
	for i, u := range us {
		out.Items[i] = shownFundUse(u)
	}
	WriteJSON(w, http.StatusOK, out)
}

func (h maintenanceHandlers) createUse(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	var in FundUseInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	u := funding.UseInput{Purpose: in.Purpose, Amount: huanxin.Money(in.Amount), Buildings: in.Buildings, Basis: in.Basis, DecisionID: in.DecisionID,
		Emergency: in.Emergency}
	if len(in.Parts) > 0 {
		u.Parts = map[int64]huanxin.Money{}
		for k, v := range in.Parts {
			part, err := strconv.ParseInt(k, 10, 64)
			if err != nil || part <= 0 {
				WriteError(w, r, huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "parts", Message: "键应为专有部分编号 keys must be part IDs"}))
				return
			}
			u.Parts[part] = huanxin.Money(v)
		}
	}
	for _, a := range in.Approvals {
		u.Approvals = append(u.Approvals, funding.Approval(a))
	}
	got, err := h.svc.RequestUse(r.Context(), id, u)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, shownFundUse(got))
}

// advance approves a use or records its payment.
func (h maintenanceHandlers) advance(to funding.UseStatus) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := actorAndID(w, r)
		if !ok {
			return
		}
		use, err := strconv.ParseInt(r.PathValue("use"), 10, 64)
		if err != nil || use <= 0 {
			WriteError(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "维修资金使用记录不存在 fund use not found"))
			return
		}
		u, err := h.svc.Advance(r.Context(), id, use, to)
		if err != nil {
			WriteError(w, r, err)
			return
		}
		WriteJSON(w, http.StatusOK, shownFundUse(u))
	})
}

func (h maintenanceHandlers) raises(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	rs, err := h.svc.Raises(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := FundRaises{Items: make([]FundRaise, len(rs))}
	for i, x := range rs {
		out.Items[i] = shownFundRaise(x)
	}
	WriteJSON(w, http.StatusOK, out)
}

func (h maintenanceHandlers) createRaise(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	var in FundRaiseInput
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	got, err := h.svc.Raise(r.Context(), id, funding.RaiseInput{DecisionID: in.DecisionID, Purpose: in.Purpose, Amount: huanxin.Money(in.Amount),
		Buildings: in.Buildings})
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, shownFundRaise(got))
}
