package funding

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/funding/share"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/planning/plan"
)

// ShareRule is how owners' money is split, as an officer enters it: the
// basis, floor coefficients as decimals ("0", "0.5", "1.2") for the floor
// bases, the weights of a mix's portions per basis ("70%", "30%"), and
// where the fen left over go.
type ShareRule struct {
	Basis         share.Basis            `json:"basis"`
	Coefficients  map[int]string         `json:"coefficients,omitempty"`
	Portions      map[share.Basis]string `json:"portions,omitempty"`
	Remainder     string                 `json:"remainder"` // RemainderLargest, RemainderLargestWeight or RemainderPart
	RemainderPart int64                  `json:"remainder_part,omitempty"`
}

// The remainder rules by name (share.Remainder).
const (
	RemainderLargest       = "largest"
	RemainderLargestWeight = "largest_weight"
	RemainderPart          = "part"
)

// ShareBases are the bases an officer may choose, in the order offered.
var ShareBases = []share.Basis{share.ByArea, share.ByFloorCoefficient, share.ByFloorCoefficientArea, share.Equal, share.Mix}

// SharePart is an exclusive part in the scope of a split.
type SharePart struct {
	PartID     int64
	BuildingID int64
	BuildingNo string
	Stairwell  string // the stairwell unit's number
	Room       string
	Floor      int
	Area       huanxin.Area
	Held       bool // held by the developer (unsold or not delivered)
}

// ShareRun is one split of the owners' money of an item of a plan (or of
// the whole plan, ItemCode ""): the rule, the scope and one row per part.
// A new run of the same plan and item replaces the old one.
type ShareRun struct {
	ID        int64
	CityID    int64
	EstateID  int64
	PlanID    int64
	ItemCode  string
	ItemName  string // filled on reading from the plan; "" for the whole plan
	Total     huanxin.Money
	Rule      ShareRule
	Buildings []int64 // the buildings in scope; empty: the whole estate
	Parts     int
	CreatedBy int64
	Created   time.Time
	Rows      []ShareRow
}

// ShareRow is one part's share of a run.
type ShareRow struct {
	RunID      int64
	PartID     int64
	BuildingID int64
	BuildingNo string
	Stairwell  string
	Room       string
	Floor      int
	Area       huanxin.Area
	Amount     huanxin.Money
	// Fraction is the exact reduced fraction of the total the part bears
	// ("4/25", "1", "0"): Amount is Fraction × Total rounded to the fen by
	// the rule's remainder option (a mix rounds each portion).
	Fraction string
}

// ShareStore is what owners' shares need from storage.
type ShareStore interface {
	// ShareParts lists the exclusive parts of an estate, of the listed
	// buildings only when any are listed, in building, floor, room order.
	ShareParts(ctx context.Context, cityID, estateID int64, buildings []int64) ([]SharePart, error)
	// SaveShareRuns stores runs with their rows in one transaction,
	// replacing the runs of the same plans and items, setting IDs and
	// auditing each run.
	SaveShareRuns(ctx context.Context, runs []*ShareRun, by int64) error
	// ShareRuns lists a plan's runs without their rows.
	ShareRuns(ctx context.Context, cityID, planID int64) ([]*ShareRun, error)
	// ShareRun returns a run with its rows; ENOTFOUND if there is none.
	ShareRun(ctx context.Context, id int64) (*ShareRun, error)
	// PartShares lists the rows of the given parts in every run, each
	// with its run (without the run's other rows).
	PartShares(ctx context.Context, partIDs []int64) ([]*ShareRun, error)
	// CreateSharePayment stores a payment, setting its ID, audited.
	CreateSharePayment(ctx context.Context, p *Payment) error
	// SharePayments lists the payments of a plan's item ("" the whole plan).
	SharePayments(ctx context.Context, cityID, planID int64, itemCode string) ([]Payment, error)
	// CachedDisclosure returns the disclosure kept under key, or loads
	// and keeps it until the next write of the process (or a few seconds,
	// for writes of other servers).
	CachedDisclosure(key string, load func() (*Disclosure, error)) (*Disclosure, error)
}

// Shares splits the owners' money of plans among the exclusive parts and
// tracks what each part has paid. Officers who may change funding plans
// run splits and record payments; everyone who sees the plan sees the
// runs; residents see the rows of their own parts.
type Shares struct {
	Funding *Service
	Store   ShareStore
	// Spending tells the disclosure who was paid what; nil leaves it out.
	Spending *Spending
	// Payer confirms payments taken by a payment provider; nil: officers
	// record payments by hand only.
	Payer Payer
	// Paid, when set, is told after each payment the share (per cent) of
	// an estate's households that have paid all their shares in full, so
	// that a city may put estates where most owners have paid first.
	Paid func(ctx context.Context, cityID, estateID int64, percent float64) error
}

// OwnersMoney is the money of source "owners" for an item ("" every item)
// of the funding lines, withdrawn lines left out.
func OwnersMoney(lines []Line, itemCode string) huanxin.Money {
	var t huanxin.Money
	for _, l := range lines {
		if l.Source == planning.SourceOwners && !l.Withdrawn && (itemCode == "" || l.ItemCode == itemCode) {
			t += l.Amount
		}
	}
	return t
}

// ShareScope returns the buildings whose parts share an item ("" every
// item with owners' money) of the plan: the union of the zones of its
// lines, or nil (the whole estate) when a line has no zone.
func ShareScope(p *plan.Plan, lines []Line, itemCode string) []int64 {
	paying := map[string]bool{}
	for _, l := range lines {
		if l.Source == planning.SourceOwners && !l.Withdrawn {
			paying[l.ItemCode] = true
		}
	}
	var out []int64
	for _, l := range p.Lines {
		if itemCode != "" && l.ItemCode != itemCode || itemCode == "" && !paying[l.ItemCode] {
			continue
		}
		if len(l.Zone) == 0 {
			return nil
		}
		for _, b := range l.Zone {
			if !slices.Contains(out, b) {
				out = append(out, b)
			}
		}
	}
	slices.Sort(out)
	return out
}

// Rule turns the rule as entered into the share package's rule and
// options; errors name the field.
func (r ShareRule) Rule() (share.Rule, share.Options, error) {
	var opt share.Options
	switch r.Remainder {
	case "", RemainderLargest:
		opt.Remainder = share.LargestRemainder
	case RemainderLargestWeight:
		opt.Remainder = share.ToLargestWeight
	case RemainderPart:
		opt.Remainder, opt.Part = share.ToPart, r.RemainderPart
	default:
		return share.Rule{}, opt, huanxin.Invalid("尾差规则无效 unknown remainder rule", huanxin.FieldError{Field: "remainder", Message: "未知 unknown " + r.Remainder})
	}
	coef := func() (map[int]share.Ratio, error) {
		if len(r.Coefficients) == 0 {
			return nil, huanxin.Invalid("请填写楼层系数 enter the floor coefficients", huanxin.FieldError{Field: "coefficients", Message: "必填 required"})
		}
		c, err := share.ParseCoefficients(r.Coefficients)
		if err != nil {
			fe := huanxin.ErrorFields(err)
			for i := range fe {
				fe[i].Field = "coefficients"
			}
			return nil, huanxin.Invalid(huanxin.ErrorMessage(err), fe...)
		}
		return c, nil
	}
	plain := func(b share.Basis) (share.Rule, error) {
		switch b {
		case share.ByArea, share.Equal:
			return share.Rule{Basis: b}, nil
		case share.ByFloorCoefficient, share.ByFloorCoefficientArea:
			c, err := coef()
			return share.Rule{Basis: b, Coefficients: c}, err
		}
		return share.Rule{}, huanxin.Invalid("分摊方式无效 unknown sharing basis", huanxin.FieldError{Field: "basis", Message: "未知 unknown " + string(b)})
	}
	if r.Basis != share.Mix {
		rule, err := plain(r.Basis)
		return rule, opt, err
	}
	rule := share.Rule{Basis: share.Mix}
	for _, b := range slices.Sorted(maps.Keys(r.Portions)) {
		if strings.TrimSpace(r.Portions[b]) == "" {
			continue
		}
		w, err := share.ParseRatio(r.Portions[b])
		if err != nil {
			return share.Rule{}, opt, huanxin.Invalid("分项比例无效 bad portion weight", huanxin.FieldError{Field: "portions." + string(b), Message: r.Portions[b]})
		}
		pr, err := plain(b)
		if err != nil {
			return share.Rule{}, opt, err
		}
		rule.Portions = append(rule.Portions, share.Portion{Weight: w, Rule: pr})
	}
	if len(rule.Portions) == 0 {
		return share.Rule{}, opt, huanxin.Invalid("混合分摊需填写各分项比例 a mix needs the weight of each portion", huanxin.FieldError{Field: "portions", Message: "必填 required"})
	}
	return rule, opt, nil
}

// Compute splits total among the parts by the rule: the run's rows, with
// amounts adding up to total exactly. It does no I/O.
func Compute(total huanxin.Money, parts []SharePart, r ShareRule) ([]ShareRow, error) {
	rule, opt, err := r.Rule()
	if err != nil {
		return nil, err
	}
	in := make([]share.Part, len(parts))
	for i, p := range parts {
		in[i] = share.Part{PartID: p.PartID, Area: p.Area, Floor: p.Floor}
	}
	out, err := share.Split(total, in, rule, opt)
	if err != nil {
		return nil, err
	}
	rows := make([]ShareRow, len(parts))
	for i, s := range out {
		p := parts[i]
		rows[i] = ShareRow{PartID: p.PartID, BuildingID: p.BuildingID, BuildingNo: p.BuildingNo, Stairwell: p.Stairwell, Room: p.Room, Floor: p.Floor,
			Area: p.Area, Amount: s.Amount, Fraction: s.Share.RatString()}
	}
	return rows, nil
}

// Generate splits the owners' money of an item of a plan ("" the whole
// plan) among the parts in scope and stores the run, replacing the
// plan's earlier run of the item.
func (s *Shares) Generate(ctx context.Context, planID int64, itemCode string, r ShareRule) (*ShareRun, error) {
	a, err := officer(ctx)
	if err != nil {
		return nil, err
	}
	f, err := s.Funding.Get(ctx, planID)
	if err != nil {
		return nil, err
	}
	p := f.Plan
	name := ""
	if itemCode != "" {
		i := slices.IndexFunc(p.Lines, func(l plan.Line) bool { return l.ItemCode == itemCode })
		if i < 0 {
			return nil, huanxin.Invalid("方案中没有此项目 the plan has no such item", huanxin.FieldError{Field: "item_code", Message: itemCode})
		}
		name = p.Lines[i].Name
	}
	total := OwnersMoney(f.Lines, itemCode)
	if total == 0 {
		return nil, huanxin.Invalid("没有居民出资可分摊 there is no owners' money to share", huanxin.FieldError{Field: "item_code",
			Message: "请先在资金计划中登记“居民出资” enter the owners' contribution in the funding plan first"})
	}
	run := &ShareRun{CityID: p.CityID, EstateID: p.EstateID, PlanID: p.ID, ItemCode: itemCode, ItemName: name, Total: total,
		Rule: r, Buildings: ShareScope(p, f.Lines, itemCode), CreatedBy: a.UserID}
	parts, err := s.Store.ShareParts(ctx, p.CityID, p.EstateID, run.Buildings)
	if err != nil {
		return nil, err
	}
	if run.Rows, err = Compute(total, parts, r); err != nil {
		return nil, err
	}
	run.Parts = len(run.Rows)
	if err := s.Store.SaveShareRuns(ctx, []*ShareRun{run}, a.UserID); err != nil {
		return nil, err
	}
	return run, nil
}

// Parts lists the exclusive parts of a plan's estate, for officers who
// choose the part that takes the fen left over by a split.
func (s *Shares) Parts(ctx context.Context, planID int64) ([]SharePart, error) {
	if _, err := officer(ctx); err != nil {
		return nil, err
	}
	p, err := s.Funding.Plans.Get(ctx, planID)
	if err != nil {
		return nil, err
	}
	return s.Store.ShareParts(ctx, p.CityID, p.EstateID, nil)
}

// Runs lists a plan's runs (without rows) visible to the actor.
func (s *Shares) Runs(ctx context.Context, planID int64) ([]*ShareRun, error) {
	p, err := s.Funding.Plans.Get(ctx, planID)
	if err != nil {
		return nil, err
	}
	runs, err := s.Store.ShareRuns(ctx, p.CityID, p.ID)
	for _, r := range runs {
		r.ItemName = itemName(p, r.ItemCode)
	}
	return runs, err
}

func itemName(p *plan.Plan, code string) string {
	for _, l := range p.Lines {
		if l.ItemCode == code {
			return l.Name
		}
	}
	return ""
}

// Run returns a run with every row for those who see its plan, except
// residents, who get the rows of their own parts only.
func (s *Shares) Run(ctx context.Context, id int64) (*ShareRun, *plan.Plan, error) {
	run, err := s.Store.ShareRun(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	p, err := s.Funding.Plans.Get(ctx, run.PlanID)
	if err != nil {
		return nil, nil, err
	}
	run.ItemName = itemName(p, run.ItemCode)
	if a := huanxin.ActorFromContext(ctx); a.Role == huanxin.RoleResident {
		run.Rows = slices.DeleteFunc(run.Rows, func(r ShareRow) bool { return !slices.Contains(a.Scope.PartIDs, r.PartID) })
	}
	return run, p, nil
}

// Statement is one part's share of a run: what a dwelling's owner is
// given (and can print).
type Statement struct {
	Run      *ShareRun
	Plan     *plan.Plan
	Row      ShareRow
	Payments []Payment // the part's payments for the plan's item, oldest first
	Paid     huanxin.Money
	Due      huanxin.Money // Amount − Paid, never below 0
}

// Statement returns the statement of a part in a run, for officers who see
// the plan and the residents of the part.
func (s *Shares) Statement(ctx context.Context, runID, partID int64) (*Statement, error) {
	run, p, err := s.Run(ctx, runID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(run.Rows, func(r ShareRow) bool { return r.PartID == partID })
	if i < 0 {
		return nil, huanxin.Errorf(huanxin.ENOTFOUND, "该房屋不在此次分摊中 the part is not in this split")
	}
	pays, err := s.Store.SharePayments(ctx, run.CityID, run.PlanID, run.ItemCode)
	if err != nil {
		return nil, err
	}
	st := &Statement{Run: run, Plan: p, Row: run.Rows[i]}
	for _, py := range pays {
		if py.PartID == partID {
			st.Paid += py.Amount
			st.Payments = append(st.Payments, py)
		}
	}
	st.Due = max(st.Row.Amount-st.Paid, 0)
	return st, nil
}

// Mine lists the statements of the actor's own parts in every run of the
// plans they see: a resident's shares.
func (s *Shares) Mine(ctx context.Context) ([]*Statement, error) {
	return s.mine(ctx, map[int64]*plan.Plan{}, 0)
}

// mine lists the actor's statements, of one estate's runs only when
// estateID is not 0, looking plans up in known first.
func (s *Shares) mine(ctx context.Context, known map[int64]*plan.Plan, estateID int64) ([]*Statement, error) {
	a := huanxin.ActorFromContext(ctx)
	if a == nil {
		return nil, huanxin.Errorf(huanxin.EUNAUTHORIZED, "请先登录 please sign in")
	}
	if len(a.Scope.PartIDs) == 0 {
		return nil, nil
	}
	runs, err := s.Store.PartShares(ctx, a.Scope.PartIDs)
	if err != nil {
		return nil, err
	}
	var out []*Statement
	for _, run := range runs {
		if estateID != 0 && run.EstateID != estateID {
			continue
		}
		p, ok := known[run.PlanID]
		if !ok {
			if p, err = s.Funding.Plans.Get(ctx, run.PlanID); huanxin.ErrorCode(err) == huanxin.ENOTFOUND {
				continue
			} else if err != nil {
				return nil, err
			}
			known[run.PlanID] = p
		}
		run.ItemName = itemName(p, run.ItemCode)
		pays, err := s.Store.SharePayments(ctx, run.CityID, run.PlanID, run.ItemCode)
		if err != nil {
			return nil, err
		}
		for _, row := range run.Rows {
			st := &Statement{Run: run, Plan: p, Row: row}
			for _, py := range pays {
				if py.PartID == row.PartID {
					st.Paid += py.Amount
					st.Payments = append(st.Payments, py)
				}
			}
			st.Due = max(row.Amount-st.Paid, 0)
			out = append(out, st)
		}
	}
	return out, nil
}
