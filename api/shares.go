package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/funding/share"
)

var shareRowParams = []string{"page", "per_page"}

// shareHandlers serve the owners' shares of plans (业主分摊): officers who
// may change a plan's funding split its owners' money among the parts and
// record payments; everyone who sees the plan lists its runs; residents
// see the rows and statements of their own parts only (the service
// decides).
type shareHandlers struct{ svc *funding.Shares }

// shareRoutes mounts the owners' share endpoints.
func (a *API) shareRoutes(svc *funding.Shares) {
	h := shareHandlers{svc: svc}
	a.handle("GET "+Prefix+"/plans/{id}/shares", http.HandlerFunc(h.runs), nil)
	a.handle("POST "+Prefix+"/plans/{id}/shares", http.HandlerFunc(h.generate), nil)
	a.handle("GET "+Prefix+"/shares/{id}", http.HandlerFunc(h.run), shareRowParams)
	a.handle("GET "+Prefix+"/shares/{id}/parts/{part}", http.HandlerFunc(h.statement), nil)
	a.handle("POST "+Prefix+"/shares/{id}/payments", http.HandlerFunc(h.pay), nil)
	a.handle("GET "+Prefix+"/shares/{id}/collection", http.HandlerFunc(h.collection), nil)
	a.handle("GET "+Prefix+"/shares/{id}/reminders", http.HandlerFunc(h.reminders), shareRowParams)
	a.handle("GET "+Prefix+"/me/shares", http.HandlerFunc(h.mine), nil)
}

// ShareRule is how a split divides the owners' money: the basis, floor
// coefficients as decimals by floor number ("1": "0", "7": "1.2") for the
// floor bases, a mix's weights by basis ("by_area": "70%"), and the
// remainder rule (largest, largest_weight, or part: the fen left over go
// to remainder_part).
type ShareRule struct {
	Basis         string            `json:"basis"`
	Coefficients  map[string]string `json:"coefficients"`
	Portions      map[string]string `json:"portions"`
	Remainder     string            `json:"remainder"`
	RemainderPart int64             `json:"remainder_part"`
}

// ShareRunCreate is the body of POST /api/v1/plans/{id}/shares: the item
// whose owners' money is split ("" the whole plan) and the rule.
type ShareRunCreate struct {
	ItemCode string    `json:"item_code"`
	Rule     ShareRule `json:"rule"`
}

// ShareRun is one split of a plan's item ("" the whole plan), without its
// rows; total in fen; buildings empty: the whole estate.
type ShareRun struct {
	ID        int64     `json:"id"`
	EstateID  int64     `json:"estate_id"`
	PlanID    int64     `json:"plan_id"`
	ItemCode  string    `json:"item_code"`
	ItemName  string    `json:"item_name"`
	Total     int64     `json:"total"`
	Rule      ShareRule `json:"rule"`
	Buildings []int64   `json:"buildings"`
	Parts     int       `json:"parts"`
	CreatedBy int64     `json:"created_by"`
	Created   time.Time `json:"created"`
}

// ShareRuns lists a plan's runs.
type ShareRuns struct {
	Items []ShareRun `json:"items"`
}

// ShareRow is one part's share of a run: amount in fen, area in
// hundredths of a square metre, fraction the exact share of the total.
type ShareRow struct {
	PartID     int64  `json:"part_id"`
	BuildingID int64  `json:"building_id"`
	BuildingNo string `json:"building_no"`
	Stairwell  string `json:"stairwell"`
	Room       string `json:"room"`
	Floor      int    `json:"floor"`
	Area       int64  `json:"area"`
	Amount     int64  `json:"amount"`
	Fraction   string `json:"fraction"`
}

// ShareRunRows is a run with a page of its rows (a resident's: their own).
type ShareRunRows struct {
	Run     ShareRun    `json:"run"`
	Items   []*ShareRow `json:"items"`
	Total   int         `json:"total"`
	Page    int         `json:"page"`
	PerPage int         `json:"per_page"`
}

// SharePayment is money paid towards a part's share of a plan's item.
type SharePayment struct {
	ID         int64     `json:"id"`
	PlanID     int64     `json:"plan_id"`
	ItemCode   string    `json:"item_code"`
	PartID     int64     `json:"part_id"`
	Amount     int64     `json:"amount"`
	PaidOn     string    `json:"paid_on"`
	Receipt    string    `json:"receipt"`
	Method     string    `json:"method"`
	RecordedBy int64     `json:"recorded_by"`
	Created    time.Time `json:"created"`
}

// SharePaymentCreate is the body of POST /api/v1/shares/{id}/payments: a
// payment of a part from a paper receipt (method "manual" or empty) or
// confirmed by a payment provider.
type SharePaymentCreate struct {
	PartID  int64  `json:"part_id"`
	Amount  int64  `json:"amount"`
	PaidOn  string `json:"paid_on"`
	Receipt string `json:"receipt"`
	Method  string `json:"method"`
}

// ShareStatement is one part's share of a run with its payments and what
// is still due, in fen.
type ShareStatement struct {
	Run       ShareRun       `json:"run"`
	PlanTitle string         `json:"plan_title"`
	Row       ShareRow       `json:"row"`
	Payments  []SharePayment `json:"payments"`
	Paid      int64          `json:"paid"`
	Due       int64          `json:"due"`
}

// ShareStatements lists the signed-in owner's statements.
type ShareStatements struct {
	Items []ShareStatement `json:"items"`
}

// ShareRate is how much of a building's (or, as the total, the whole
// run's) shares is paid: by households and by money, with the rates in
// per cent rounded down to one decimal.
type ShareRate struct {
	BuildingID       int64  `json:"building_id"`
	BuildingNo       string `json:"building_no"`
	Households       int    `json:"households"`
	PaidHouseholds   int    `json:"paid_households"`
	Due              int64  `json:"due"`
	Paid             int64  `json:"paid"`
	HouseholdPercent string `json:"household_percent"`
	MoneyPercent     string `json:"money_percent"`
}

// ShareCollection is the collection of a run: the rate paid per building
// and for the whole run.
type ShareCollection struct {
	Run       ShareRun    `json:"run"`
	Buildings []ShareRate `json:"buildings"`
	Total     ShareRate   `json:"total"`
}

// ShareReminder is a part that still owes: its share, what it paid and
// what is still due, in fen.
type ShareReminder struct {
	Row  ShareRow `json:"row"`
	Paid int64    `json:"paid"`
	Due  int64    `json:"due"`
}

// ShareReminders is a page of the parts of a run that still owe, in
// building, floor and room order: the list the officers remind.
type ShareReminders struct {
	Run     ShareRun         `json:"run"`
	Items   []*ShareReminder `json:"items"`
	Total   int              `json:"total"`
	Page    int              `json:"page"`
	PerPage int              `json:"per_page"`
}

func shownShareRule(r funding.ShareRule) ShareRule {
	out := ShareRule{Basis: string(r.Basis), Coefficients: map[string]string{}, Portions: map[string]string{}, Remainder: r.Remainder,
		RemainderPart: r.RemainderPart}
	for f, v := range r.Coefficients {
		out.Coefficients[strconv.Itoa(f)] = v
	}
	for b, v := range r.Portions {
		out.Portions[string(b)] = v
	}
	return out
}

// rule reads the rule as sent; a floor that is not a number is an error
// of coefficients.
func (r ShareRule) rule() (funding.ShareRule, error) {
	out := funding.ShareRule{Basis: share.Basis(r.Basis), Remainder: r.Remainder, RemainderPart: r.RemainderPart}
	if len(r.Coefficients) > 0 {
		out.Coefficients = map[int]string{}
	}
	for k, v := range r.Coefficients {
		f, err := strconv.Atoi(k)
		if err != nil {
			return out, huanxin.Invalid("楼层系数有误 bad floor coefficients", huanxin.FieldError{Field: "coefficients",
				Message: "楼层应为整数 floors must be numbers: " + k})
		}
		out.Coefficients[f] = v
	}
	if len(r.Portions) > 0 {
		out.Portions = map[share.Basis]string{}
	}
	for b, v := range r.Portions {
		out.Portions[share.Basis(b)] = v
	}
	return out, nil
}

func shownShareRun(r *funding.ShareRun) ShareRun {
	return ShareRun{ID: r.ID, EstateID: r.EstateID, PlanID: r.PlanID, ItemCode: r.ItemCode, ItemName: r.ItemName, Total: int64(r.Total),
		Rule: shownShareRule(r.Rule), Buildings: append([]int64{}, r.Buildings...), Parts: r.Parts, CreatedBy: r.CreatedBy, Created: r.Created}
}

func shownShareRow(r funding.ShareRow) *ShareRow {
	return &ShareRow{PartID: r.PartID, BuildingID: r.BuildingID, BuildingNo: r.BuildingNo, Stairwell: r.Stairwell, Room: r.Room, Floor: r.Floor,
		Area: int64(r.Area), Amount: int64(r.Amount), Fraction: r.Fraction}
}

func shownSharePayment(p funding.Payment) SharePayment {
	return SharePayment{ID: p.ID, PlanID: p.PlanID, ItemCode: p.ItemCode, PartID: p.PartID, Amount: int64(p.Amount), PaidOn: p.PaidOn,
		Receipt: p.Receipt, Method: p.Method, RecordedBy: p.RecordedBy, Created: p.Created}
}

func shownStatement(s *funding.Statement) ShareStatement {
	out := ShareStatement{Run: shownShareRun(s.Run), PlanTitle: s.Plan.Title, Row: *shownShareRow(s.Row), Payments: []SharePayment{},
		Paid: int64(s.Paid), Due: int64(s.Due)}
	for _, p := range s.Payments {
		out.Payments = append(out.Payments, shownSharePayment(p))
	}
	return out
}

func shownRate(r funding.Rate) ShareRate {
	return ShareRate{BuildingID: r.BuildingID, BuildingNo: r.BuildingNo, Households: r.Households, PaidHouseholds: r.PaidHouseholds,
		Due: int64(r.Due), Paid: int64(r.Paid), HouseholdPercent: r.HouseholdPercent(), MoneyPercent: r.MoneyPercent()}
}

func (h shareHandlers) runs(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	runs, err := h.svc.Runs(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := ShareRuns{Items: make([]ShareRun, len(runs))}
	for i, run := range runs {
		out.Items[i] = shownShareRun(run)
	}
	WriteJSON(w, http.StatusOK, out)
}

func (h shareHandlers) generate(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	var in ShareRunCreate
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	rule, err := in.Rule.rule()
	if err != nil {
		WriteError(w, r, err)
		return
	}
	run, err := h.svc.Generate(r.Context(), id, in.ItemCode, rule)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, shownShareRun(run))
}

func (h shareHandlers) run(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	p := readParams(r, shareRowParams)
	page, perPage := p.paging()
	if err := p.err(); err != nil {
		WriteError(w, r, err)
		return
	}
	run, _, err := h.svc.Run(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	rows := make([]*ShareRow, len(run.Rows))
	for i, row := range run.Rows {
		rows[i] = shownShareRow(row)
	}
	WriteJSON(w, http.StatusOK, ShareRunRows{Run: shownShareRun(run), Items: pageOf(rows, page, perPage), Total: len(rows), Page: page, PerPage: perPage})
}

// runPart reads the run and part IDs of …/shares/{id}/parts/{part}.
func runPart(w http.ResponseWriter, r *http.Request) (int64, int64, bool) {
	id, ok := actorAndID(w, r)
	if !ok {
		return 0, 0, false
	}
	part, err := strconv.ParseInt(r.PathValue("part"), 10, 64)
	if err != nil || part <= 0 {
		WriteError(w, r, huanxin.Errorf(huanxin.ENOTFOUND, "该房屋不在此次分摊中 the part is not in this split"))
		return 0, 0, false
	}
	return id, part, true
}

func (h shareHandlers) statement(w http.ResponseWriter, r *http.Request) {
	id, part, ok := runPart(w, r)
	if !ok {
		return
	}
	st, err := h.svc.Statement(r.Context(), id, part)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, shownStatement(st))
}

func (h shareHandlers) pay(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	var in SharePaymentCreate
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	p, err := h.svc.Pay(r.Context(), id, funding.Payment{PartID: in.PartID, Amount: huanxin.Money(in.Amount), PaidOn: in.PaidOn,
		Receipt: in.Receipt, Method: in.Method})
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, shownSharePayment(*p))
}

// collected loads the collection of the run named by {id}, once the
// query p (nil: none accepted) is valid.
func (h shareHandlers) collected(w http.ResponseWriter, r *http.Request, p *params) (*funding.Collection, bool) {
	id, ok := actorAndID(w, r)
	if !ok {
		return nil, false
	}
	if p == nil {
		p = readParams(r, nil)
	}
	if err := p.err(); err != nil {
		WriteError(w, r, err)
		return nil, false
	}
	c, err := h.svc.Collection(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return nil, false
	}
	return c, true
}

func (h shareHandlers) collection(w http.ResponseWriter, r *http.Request) {
	c, ok := h.collected(w, r, nil)
	if !ok {
		return
	}
	out := ShareCollection{Run: shownShareRun(c.Run), Buildings: make([]ShareRate, len(c.Buildings)), Total: shownRate(c.Total)}
	for i, b := range c.Buildings {
		out.Buildings[i] = shownRate(b)
	}
	WriteJSON(w, http.StatusOK, out)
}

// reminders lists a page of the parts that still owe.
func (h shareHandlers) reminders(w http.ResponseWriter, r *http.Request) {
	p := readParams(r, shareRowParams)
	page, perPage := p.paging()
	c, ok := h.collected(w, r, p)
	if !ok {
		return
	}
	out := make([]*ShareReminder, len(c.Unpaid))
	for i, u := range c.Unpaid {
		out[i] = &ShareReminder{Row: *shownShareRow(u.Row), Paid: int64(u.Paid), Due: int64(u.Due)}
	}
	WriteJSON(w, http.StatusOK, ShareReminders{Run: shownShareRun(c.Run), Items: pageOf(out, page, perPage), Total: len(out), Page: page, PerPage: perPage})
}

func (h shareHandlers) mine(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	sts, err := h.svc.Mine(r.Context())
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := ShareStatements{Items: make([]ShareStatement, len(sts))}
	for i, s := range sts {
		out.Items[i] = shownStatement(s)
	}
	WriteJSON(w, http.StatusOK, out)
}
