package funding

import (
	"context"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/funding/share"
	"github.com/huanxin/huanxin/sheet"
)

// Balance is what the housing maintenance fund (住宅专项维修资金) holds
// for one dwelling, or for a building in total (PartID 0, the sum of its
// dwellings), as of the bank's statement it was imported from.
type Balance struct {
	CityID     int64
	EstateID   int64
	BuildingID int64
	BuildingNo string
	PartID     int64
	Stairwell  string // the dwelling's unit
	Room       string
	Amount     huanxin.Money
	AsOf       time.Time
}

// UseStatus is how far a use of the fund has come.
type UseStatus string

const (
	UseRequested UseStatus = "requested" // 已申请
	UseApproved  UseStatus = "approved"  // 已审核
	UsePaid      UseStatus = "paid"      // 已拨付
)

// The bases of a use of the fund.
const (
	BasisDecision  = "decision"  // the owners decided it (Art. 278 item 5)
	BasisEmergency = "emergency" // an emergency repair (Art. 281)
)

// Approval is one approval of an emergency use: who (a name and the body
// or role, e.g. the owners' committee or the housing bureau) and when.
type Approval struct {
	Name string    `json:"name"`
	Role string    `json:"role"`
	On   time.Time `json:"on"`
}

// Charge is what a use takes from, or a raise asks of, one dwelling.
type Charge struct {
	PartID     int64
	BuildingID int64
	BuildingNo string
	Room       string
	Amount     huanxin.Money
}

// FundUse is a request to spend money of the fund on a repair, charged to
// dwellings. Its basis is a passed owners' decision (DecisionID) or an
// emergency (Emergency describes it, Approvals say who allowed it).
type FundUse struct {
	ID         int64
	CityID     int64
	EstateID   int64
	Purpose    string
	Amount     huanxin.Money
	Buildings  []int64 // the buildings charged, split by floor area; empty when Parts name the dwellings
	Charges    []Charge
	Basis      string
	DecisionID int64
	Emergency  string
	Approvals  []Approval
	Status     UseStatus
	CreatedBy  int64
	Created    time.Time
	ApprovedBy int64
	Approved   time.Time
	PaidBy     int64
	Paid       time.Time
}

// FundRaise records what each dwelling is asked to pay into the fund
// under a passed owners' decision to raise or top it up (item 6), split
// by floor area among the dwellings of the buildings. Balances grow when
// the bank's next statement is imported.
type FundRaise struct {
	ID         int64
	CityID     int64
	EstateID   int64
	DecisionID int64
	Purpose    string
	Amount     huanxin.Money
	Buildings  []int64
	Charges    []Charge
	CreatedBy  int64
	Created    time.Time
}

// MaintenanceStore is what the maintenance fund needs from storage.
type MaintenanceStore interface {
	// ShareParts lists the exclusive parts of an estate (of the listed
	// buildings when any).
	ShareParts(ctx context.Context, cityID, estateID int64, buildings []int64) ([]SharePart, error)
	// FundBalances lists the dwellings' balances of an estate.
	FundBalances(ctx context.Context, cityID, estateID int64) ([]Balance, error)
	// PutFundBalances replaces the balances of the listed dwellings, audited.
	PutFundBalances(ctx context.Context, cityID, estateID int64, bs []Balance, by int64) error
	// CreateFundUse stores a requested use with its charges, setting its ID.
	CreateFundUse(ctx context.Context, u *FundUse) error
	// FundUses lists the uses of an estate with their charges, newest first.
	FundUses(ctx context.Context, cityID, estateID int64) ([]*FundUse, error)
	// FundUse returns a use with its charges, or ENOTFOUND.
	FundUse(ctx context.Context, cityID, id int64) (*FundUse, error)
	// AdvanceFundUse moves a use from one status to the next; on paid it
	// takes each charge from its dwelling's balance in the same
	// transaction, failing with EINVALID naming the dwelling whose balance
	// no longer covers it, ECONFLICT if the use is no longer in from.
	AdvanceFundUse(ctx context.Context, u *FundUse, from UseStatus) error
	// CreateFundRaise stores a raise with its charges, setting its ID.
	CreateFundRaise(ctx context.Context, r *FundRaise) error
	// FundRaises lists the raises of an estate with their charges.
	FundRaises(ctx context.Context, cityID, estateID int64) ([]*FundRaise, error)
}

// Decisions is what the fund needs of the owners' decisions.
type Decisions interface {
	Get(ctx context.Context, id int64) (*decision.Decision, error)
	Result(ctx context.Context, id int64) (decision.Result, error)
}

// Maintenance keeps the maintenance fund of estates. Officers who may
// edit the estate's register import balances and record uses and raises;
// everyone who sees the estate sees them.
type Maintenance struct {
	Store     MaintenanceStore
	Register  *estate.Service
	Decisions Decisions
}

// CheckBasis says whether the decision d with result r allows the fund of
// estate estateID to be used (item 5) or raised (item 6): it must be the
// estate's, announced or final, and a matter of that item must have
// passed. The error names field.
func CheckBasis(d *decision.Decision, r decision.Result, estateID int64, item decision.Item, field string) error {
	bad := func(msg string) error {
		return huanxin.Invalid("表决依据无效 the decision does not allow this", huanxin.FieldError{Field: field, Message: msg})
	}
	if d.EstateID != estateID {
		return bad("该表决不属于本小区 the decision is of another estate")
	}
	if d.Status != decision.StatusAnnounced && d.Status != decision.StatusFinal {
		return bad("表决结果尚未公布 the decision's result is not announced")
	}
	found := false
	for _, m := range r.Matters {
		if m.Item != item {
			continue
		}
		found = true
		if m.Outcome == decision.OutcomePassed {
			return nil
		}
	}
	if !found {
		return bad("该表决没有第" + strconv.Itoa(int(item)) + "项事项 the decision has no matter of item " + strconv.Itoa(int(item)))
	}
	return bad("第" + strconv.Itoa(int(item)) + "项事项未获通过 the item " + strconv.Itoa(int(item)) + " matter did not pass")
}

// basis loads a decision and checks it with CheckBasis.
func (s *Maintenance) basis(ctx context.Context, id, estateID int64, item decision.Item) error {
	if id == 0 {
		return huanxin.Invalid("请选择表决 choose the decision", huanxin.FieldError{Field: "decision_id", Message: "必填 required"})
	}
	d, err := s.Decisions.Get(ctx, id)
	if huanxin.ErrorCode(err) == huanxin.ENOTFOUND {
		return huanxin.Invalid("表决不存在 no such decision", huanxin.FieldError{Field: "decision_id", Message: "表决不存在 no such decision"})
	}
	if err != nil {
		return err
	}
	if d.EstateID != estateID {
		return CheckBasis(d, decision.Result{}, estateID, item, "decision_id")
	}
	r, err := s.Decisions.Result(ctx, id)
	if huanxin.ErrorCode(err) == huanxin.EINVALID {
		return huanxin.Invalid("表决尚未结束 the vote has not closed", huanxin.FieldError{Field: "decision_id", Message: "表决结果尚未公布 the decision's result is not announced"})
	}
	if err != nil {
		return err
	}
	return CheckBasis(d, r, estateID, item, "decision_id")
}

// estate loads an estate for an officer who may edit its register, or
// for anyone who sees it when edit is false.
func (s *Maintenance) estate(ctx context.Context, estateID int64, edit bool) (*huanxin.Actor, *estate.Estate, error) {
	var a *huanxin.Actor
	if edit {
		var err error
		if a, err = huanxin.Officer(ctx, "无权管理维修资金 you may not manage the maintenance fund"); err != nil {
			return nil, nil, err
		}
	}
	e, err := s.Register.Estates().Get(ctx, estateID)
	return a, e, err
}

// Balances lists an estate's balances: per building (PartID 0, in
// building order) followed by each dwelling of that building.
func (s *Maintenance) Balances(ctx context.Context, estateID int64) ([]Balance, error) {
	_, e, err := s.estate(ctx, estateID, false)
	if err != nil {
		return nil, err
	}
	bs, err := s.Store.FundBalances(ctx, e.CityID, e.ID)
	if err != nil {
		return nil, err
	}
	return WithBuildingTotals(bs), nil
}

// WithBuildingTotals puts before the dwellings of each building (given in
// building order) a row with the building's total (PartID 0) and the
// latest statement date.
func WithBuildingTotals(bs []Balance) []Balance {
	var out []Balance
	total := -1
	for _, b := range bs {
		if total < 0 || out[total].BuildingID != b.BuildingID {
			out = append(out, Balance{CityID: b.CityID, EstateID: b.EstateID, BuildingID: b.BuildingID, BuildingNo: b.BuildingNo})
			total = len(out) - 1
		}
		out[total].Amount += b.Amount
		if b.AsOf.After(out[total].AsOf) {
			out[total].AsOf = b.AsOf
		}
		out = append(out, b)
	}
	return out
}

// BalanceTemplate is the spreadsheet of balances: one row per dwelling.
func BalanceTemplate() sheet.Template {
	return sheet.Template{Kind: "maintenance_balances", Sheet: "维修资金余额", Columns: []sheet.Column{
		{Key: "building_no", Header: "楼栋号", HeaderEN: "Building no", Required: true, Example: "1"},
		{Key: "stairwell_no", Header: "单元号", HeaderEN: "Unit no", Example: "1", Note: "同一楼栋不同单元有相同房号时必填"},
		{Key: "room", Header: "房号", HeaderEN: "Room", Required: true, Example: "101"},
		{Key: "amount", Header: "余额(元)", HeaderEN: "Balance (yuan)", Required: true, Example: "3250.75", Note: "最多两位小数"},
	}}
}

// ImportBalances reads a spreadsheet of BalanceTemplate and replaces the
// balances of the dwellings it lists as of asOf, or stores nothing: the
// error names the row and column of every bad cell (an unknown building,
// unit or room, a room that several units of the building have without
// its unit, a dwelling listed twice, an amount that is not yuan with at
// most two decimals). It returns the number of dwellings stored.
func (s *Maintenance) ImportBalances(ctx context.Context, estateID int64, asOf time.Time, r io.Reader, filename string) (int, error) {
	a, e, err := s.estate(ctx, estateID, true)
	if err != nil {
		return 0, err
	}
	parts, err := s.Store.ShareParts(ctx, e.CityID, e.ID, nil)
	if err != nil {
		return 0, err
	}
	// A dwelling is its building, unit and room; the unit may be left
	// out where the room is the only one of its number in the building.
	byUnit := make(map[[3]string]SharePart, len(parts))
	byRoom := make(map[[2]string][]SharePart, len(parts))
	for _, p := range parts {
		byUnit[[3]string{p.BuildingNo, p.Stairwell, p.Room}] = p
		byRoom[[2]string{p.BuildingNo, p.Room}] = append(byRoom[[2]string{p.BuildingNo, p.Room}], p)
	}
	rd, err := sheet.Open(r, filename, BalanceTemplate())
	if err != nil {
		return 0, err
	}
	defer rd.Close()
	var errs sheet.Errors
	var out []Balance
	seen := map[int64]int{}
	for rd.Next() {
		row := rd.Row()
		no, unit, room := row.Str(&errs, "building_no", 32), row.Str(&errs, "stairwell_no", 32), row.Str(&errs, "room", 32)
		amount, ok := row.Centi(&errs, "amount")
		if no == "" || room == "" || !ok {
			continue
		}
		var p SharePart
		switch same := byRoom[[2]string{no, room}]; {
		case unit != "":
			var found bool
			if p, found = byUnit[[3]string{no, unit, room}]; !found {
				errs.Add(row, "room", "%s号楼%s单元没有房号 %s building %s unit %s has no room %s", no, unit, room, no, unit, room)
				continue
			}
		case len(same) == 1:
			p = same[0]
		case len(same) == 0:
			errs.Add(row, "room", "%s号楼没有房号 %s building %s has no room %s", no, room, no, room)
			continue
		default:
			errs.Add(row, "stairwell_no", "%s号楼有 %d 个单元有 %s 室，请填写单元号 %d units of building %s have a room %s: enter the unit",
				no, len(same), room, len(same), no, room)
			continue
		}
		if line, dup := seen[p.PartID]; dup {
			errs.Add(row, "room", "与第 %d 行重复 the same dwelling as row %d", line, line)
			continue
		}
		seen[p.PartID] = row.Line
		out = append(out, Balance{CityID: e.CityID, EstateID: e.ID, BuildingID: p.BuildingID, BuildingNo: p.BuildingNo, PartID: p.PartID,
			Stairwell: p.Stairwell, Room: p.Room, Amount: huanxin.Money(amount), AsOf: asOf.UTC()})
	}
	if err := rd.Err(); err != nil {
		return 0, err
	}
	if err := errs.Err(); err != nil {
		return 0, err
	}
	if len(out) == 0 {
		return 0, huanxin.Invalid("文件中没有余额 the file holds no balances", huanxin.FieldError{Field: "file", Message: "空 empty"})
	}
	return len(out), s.Store.PutFundBalances(ctx, e.CityID, e.ID, out, a.UserID)
}

// UseInput is a request to use the fund as an officer enters it: the
// dwellings charged are the parts of Buildings, the amount split by floor
// area, or the listed Parts with their own amounts.
type UseInput struct {
	Purpose    string
	Amount     huanxin.Money
	Buildings  []int64
	Parts      map[int64]huanxin.Money
	Basis      string
	DecisionID int64
	Emergency  string
	Approvals  []Approval
}

// charges splits amount among the dwellings of the buildings by floor
// area (remainder by largest remainder), or takes the listed amounts.
func charges(parts []SharePart, amount huanxin.Money, buildings []int64, listed map[int64]huanxin.Money) ([]Charge, huanxin.Money, error) {
	var out []Charge
	if len(listed) > 0 {
		var sum huanxin.Money
		for _, p := range parts {
			if m, ok := listed[p.PartID]; ok {
				if m <= 0 {
					return nil, 0, huanxin.Invalid("金额应大于0 an amount must be positive", huanxin.FieldError{Field: "parts",
						Message: p.BuildingNo + "号楼" + p.Room + " 金额应大于0 must be positive"})
				}
				out = append(out, Charge{PartID: p.PartID, BuildingID: p.BuildingID, BuildingNo: p.BuildingNo, Room: p.Room, Amount: m})
				sum += m
			}
		}
		if len(out) != len(listed) {
			return nil, 0, huanxin.Invalid("专有部分不属于本小区 a dwelling is not of this estate", huanxin.FieldError{Field: "parts", Message: "不属于本小区 not of this estate"})
		}
		return out, sum, nil
	}
	var in []SharePart
	for _, p := range parts {
		if slices.Contains(buildings, p.BuildingID) {
			in = append(in, p)
		}
	}
	if len(buildings) == 0 || len(in) == 0 {
		return nil, 0, huanxin.Invalid("请选择楼栋 choose the buildings", huanxin.FieldError{Field: "buildings", Message: "所选楼栋没有专有部分 no dwellings in the chosen buildings"})
	}
	rows, err := Compute(amount, in, ShareRule{Basis: share.ByArea, Remainder: RemainderLargest})
	if err != nil {
		return nil, 0, err
	}
	for _, r := range rows {
		out = append(out, Charge{PartID: r.PartID, BuildingID: r.BuildingID, BuildingNo: r.BuildingNo, Room: r.Room, Amount: r.Amount})
	}
	return out, amount, nil
}

// CheckBalances says whether each charge is covered by its dwelling's
// balance; the error names every dwelling that is short.
func CheckBalances(cs []Charge, bs []Balance) error {
	have := make(map[int64]huanxin.Money, len(bs))
	for _, b := range bs {
		have[b.PartID] = b.Amount
	}
	var bad []huanxin.FieldError
	for _, c := range cs {
		if b := have[c.PartID]; c.Amount > b {
			bad = append(bad, huanxin.FieldError{Field: "amount", Message: c.BuildingNo + "号楼" + c.Room + " 需 " + c.Amount.String() +
				" 元，余额仅 " + b.String() + " 元 building " + c.BuildingNo + " room " + c.Room + ": charge exceeds the balance"})
		}
	}
	if len(bad) > 0 {
		return huanxin.Invalid("维修资金余额不足 the fund's balance does not cover the use", bad...)
	}
	return nil
}

// checkEmergency checks the record of an emergency: a description and at
// least two approvals, each with a name, a role and a date.
func checkEmergency(u *UseInput) []huanxin.FieldError {
	var bad []huanxin.FieldError
	if u.Emergency = strings.TrimSpace(u.Emergency); u.Emergency == "" || utf8.RuneCountInString(u.Emergency) > 2000 {
		bad = append(bad, huanxin.FieldError{Field: "emergency", Message: "请说明紧急情况（最多2000字） describe the emergency (max 2000)"})
	}
	for i := range u.Approvals {
		ap := &u.Approvals[i]
		ap.Name, ap.Role = strings.TrimSpace(ap.Name), strings.TrimSpace(ap.Role)
		if ap.Name == "" || ap.Role == "" || ap.On.IsZero() || utf8.RuneCountInString(ap.Name+ap.Role) > 200 {
			bad = append(bad, huanxin.FieldError{Field: "approvals." + strconv.Itoa(i), Message: "应填写审批人、身份和日期 name, role and date required"})
		}
	}
	if len(u.Approvals) < 2 {
		bad = append(bad, huanxin.FieldError{Field: "approvals", Message: "至少两方审批（如业主委员会、房管部门） at least two approvals"})
	}
	return bad
}

func checkPurpose(purpose string, amount huanxin.Money, listed bool) []huanxin.FieldError {
	var bad []huanxin.FieldError
	if purpose == "" || utf8.RuneCountInString(purpose) > 200 {
		bad = append(bad, huanxin.FieldError{Field: "purpose", Message: "必填，最多200字 required (max 200)"})
	}
	if !listed && amount <= 0 {
		bad = append(bad, huanxin.FieldError{Field: "amount", Message: "金额应大于0 must be positive"})
	}
	return bad
}

// RequestUse records a request to use the fund of an estate, after
// checking its basis and that every dwelling's balance covers its charge.
func (s *Maintenance) RequestUse(ctx context.Context, estateID int64, in UseInput) (*FundUse, error) {
	a, e, err := s.estate(ctx, estateID, true)
	if err != nil {
		return nil, err
	}
	in.Purpose = strings.TrimSpace(in.Purpose)
	bad := checkPurpose(in.Purpose, in.Amount, len(in.Parts) > 0)
	switch in.Basis {
	case BasisDecision:
		in.Emergency, in.Approvals = "", nil
	case BasisEmergency:
		in.DecisionID = 0
		bad = append(bad, checkEmergency(&in)...)
	default:
		bad = append(bad, huanxin.FieldError{Field: "basis", Message: "应为表决或紧急情况 must be decision or emergency"})
	}
	if len(bad) > 0 {
		return nil, huanxin.Invalid("输入有误 invalid input", bad...)
	}
	if in.Basis == BasisDecision {
		if err := s.basis(ctx, in.DecisionID, e.ID, decision.ItemUseFund); err != nil {
			return nil, err
		}
	}
	parts, err := s.Store.ShareParts(ctx, e.CityID, e.ID, nil)
	if err != nil {
		return nil, err
	}
	cs, total, err := charges(parts, in.Amount, in.Buildings, in.Parts)
	if err != nil {
		return nil, err
	}
	bs, err := s.Store.FundBalances(ctx, e.CityID, e.ID)
	if err != nil {
		return nil, err
	}
	if err := CheckBalances(cs, bs); err != nil {
		return nil, err
	}
	u := &FundUse{CityID: e.CityID, EstateID: e.ID, Purpose: in.Purpose, Amount: total, Charges: cs, Basis: in.Basis, DecisionID: in.DecisionID,
		Emergency: in.Emergency, Approvals: in.Approvals, Status: UseRequested, CreatedBy: a.UserID}
	if len(in.Parts) == 0 {
		u.Buildings = in.Buildings
	}
	return u, s.Store.CreateFundUse(ctx, u)
}

// Uses lists the uses of an estate's fund.
func (s *Maintenance) Uses(ctx context.Context, estateID int64) ([]*FundUse, error) {
	_, e, err := s.estate(ctx, estateID, false)
	if err != nil {
		return nil, err
	}
	return s.Store.FundUses(ctx, e.CityID, e.ID)
}

// Advance approves a requested use or records the payment of an approved
// one; paying takes each charge from its dwelling's balance.
func (s *Maintenance) Advance(ctx context.Context, estateID, useID int64, to UseStatus) (*FundUse, error) {
	a, e, err := s.estate(ctx, estateID, true)
	if err != nil {
		return nil, err
	}
	u, err := s.Store.FundUse(ctx, e.CityID, useID)
	if err != nil {
		return nil, err
	}
	if u.EstateID != e.ID {
		return nil, huanxin.Errorf(huanxin.ENOTFOUND, "维修资金使用记录不存在 fund use not found")
	}
	from := u.Status
	switch {
	case from == UseRequested && to == UseApproved:
		u.ApprovedBy = a.UserID
	case from == UseApproved && to == UsePaid:
		u.PaidBy = a.UserID
	default:
		return nil, huanxin.Errorf(huanxin.EINVALID, "不能从“%s”变为“%s” a use cannot move from %s to %s", from, to, from, to)
	}
	u.Status = to
	return u, s.Store.AdvanceFundUse(ctx, u, from)
}

// RaiseInput is a raise as an officer enters it.
type RaiseInput struct {
	DecisionID int64
	Purpose    string
	Amount     huanxin.Money
	Buildings  []int64
}

// Raise records a raise or top-up of the fund under a passed item-6
// decision of the estate, split by floor area among the dwellings of the
// buildings.
func (s *Maintenance) Raise(ctx context.Context, estateID int64, in RaiseInput) (*FundRaise, error) {
	a, e, err := s.estate(ctx, estateID, true)
	if err != nil {
		return nil, err
	}
	in.Purpose = strings.TrimSpace(in.Purpose)
	if bad := checkPurpose(in.Purpose, in.Amount, false); len(bad) > 0 {
		return nil, huanxin.Invalid("输入有误 invalid input", bad...)
	}
	if err := s.basis(ctx, in.DecisionID, e.ID, decision.ItemRaiseFund); err != nil {
		return nil, err
	}
	parts, err := s.Store.ShareParts(ctx, e.CityID, e.ID, nil)
	if err != nil {
		return nil, err
	}
	cs, _, err := charges(parts, in.Amount, in.Buildings, nil)
	if err != nil {
		return nil, err
	}
	r := &FundRaise{CityID: e.CityID, EstateID: e.ID, DecisionID: in.DecisionID, Purpose: in.Purpose, Amount: in.Amount, Buildings: in.Buildings,
		Charges: cs, CreatedBy: a.UserID}
	return r, s.Store.CreateFundRaise(ctx, r)
}

// Raises lists the raises of an estate's fund.
func (s *Maintenance) Raises(ctx context.Context, estateID int64) ([]*FundRaise, error) {
	_, e, err := s.estate(ctx, estateID, false)
	if err != nil {
		return nil, err
	}
	return s.Store.FundRaises(ctx, e.CityID, e.ID)
}
