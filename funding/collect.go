package funding

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
)

// MethodManual is a payment an officer recorded from a paper receipt.
const MethodManual = "manual"

// Payment is money an owner paid towards a part's share of a plan's item
// ("" the whole plan). Payments belong to the plan, item and part, not to
// a run, so a rerun of the split keeps them.
type Payment struct {
	ID         int64
	CityID     int64
	EstateID   int64
	PlanID     int64
	ItemCode   string
	PartID     int64
	Amount     huanxin.Money
	PaidOn     string // the day paid, 2006-01-02 (Asia/Shanghai)
	Receipt    string // the receipt number, unique per city and method
	Method     string // MethodManual or the Payer's method
	RecordedBy int64
	Created    time.Time
}

// Payer is a payment provider (a bank or a payment platform) plugged into
// Shares: a payment whose method is the provider's is recorded only once
// the provider confirms it took the money under the receipt number.
type Payer interface {
	Method() string
	Confirm(ctx context.Context, p Payment) error
}

// Pay records a payment of a part in a run's plan and item. Officers who
// may change funding plans record it; the amount may not exceed what the
// part still owes.
func (s *Shares) Pay(ctx context.Context, runID int64, p Payment) (*Payment, error) {
	a, err := officer(ctx)
	if err != nil {
		return nil, err
	}
	st, err := s.Statement(ctx, runID, p.PartID)
	if err != nil {
		return nil, err
	}
	var bad []huanxin.FieldError
	if p.Amount <= 0 {
		bad = append(bad, huanxin.FieldError{Field: "amount", Message: "金额应大于0 must be positive"})
	} else if p.Amount > st.Due {
		bad = append(bad, huanxin.FieldError{Field: "amount", Message: "超过应缴余额 " + st.Due.String() + " 元 more than the " + st.Due.String() + " yuan still due"})
	}
	if _, err := time.Parse(time.DateOnly, p.PaidOn); err != nil {
		bad = append(bad, huanxin.FieldError{Field: "paid_on", Message: "日期格式应为 2026-03-01 a date like 2026-03-01"})
	}
	p.Receipt = strings.TrimSpace(p.Receipt)
	if p.Receipt == "" || utf8.RuneCountInString(p.Receipt) > 60 {
		bad = append(bad, huanxin.FieldError{Field: "receipt", Message: "必填，60字以内 required, at most 60 characters"})
	}
	if p.Method == "" {
		p.Method = MethodManual
	}
	if p.Method != MethodManual && (s.Payer == nil || s.Payer.Method() != p.Method) {
		bad = append(bad, huanxin.FieldError{Field: "method", Message: "未接入此支付方式 no such payment provider"})
	}
	if len(bad) > 0 {
		return nil, huanxin.Invalid("输入有误 invalid input", bad...)
	}
	run := st.Run
	p.ID, p.CityID, p.EstateID, p.PlanID, p.ItemCode, p.RecordedBy = 0, run.CityID, run.EstateID, run.PlanID, run.ItemCode, a.UserID
	if p.Method != MethodManual {
		if err := s.Payer.Confirm(ctx, p); err != nil {
			return nil, err
		}
	}
	if err := s.Store.CreateSharePayment(ctx, &p); err != nil {
		return nil, err
	}
	if s.Paid != nil {
		if pct, ok, err := s.estatePaid(ctx, p.EstateID); err != nil {
			return nil, err
		} else if ok {
			return &p, s.Paid(ctx, p.CityID, p.EstateID, pct)
		}
	}
	return &p, nil
}

// estatePaid is the share (per cent) of an estate's households with a
// share above 0 in any run that owe nothing in any run; false when no
// household has a share.
func (s *Shares) estatePaid(ctx context.Context, estateID int64) (float64, bool, error) {
	plans, err := s.Funding.Plans.List(ctx, estateID)
	if err != nil {
		return 0, false, err
	}
	billed, owing := map[int64]bool{}, map[int64]bool{}
	for _, p := range plans {
		runs, err := s.Runs(ctx, p.ID)
		if err != nil {
			return 0, false, err
		}
		for _, r := range runs {
			c, err := s.Collection(ctx, r.ID)
			if err != nil {
				return 0, false, err
			}
			for _, row := range c.Run.Rows {
				billed[row.PartID] = billed[row.PartID] || row.Amount > 0
			}
			for _, u := range c.Unpaid {
				owing[u.Row.PartID] = true
			}
		}
	}
	households, paid := 0, 0
	for part, b := range billed {
		if b {
			households++
			if !owing[part] {
				paid++
			}
		}
	}
	if households == 0 {
		return 0, false, nil
	}
	return float64(paid) * 100 / float64(households), true, nil
}

// Rate is how much of a group of parts' shares is paid: by households
// (parts whose share is paid in full, of those with a share above 0) and
// by money.
type Rate struct {
	BuildingID     int64
	BuildingNo     string
	Households     int
	PaidHouseholds int
	Due            huanxin.Money // the shares' sum
	Paid           huanxin.Money
}

// HouseholdPercent and MoneyPercent are the rates in per cent with one
// decimal, rounded down ("66.6").
func (r Rate) HouseholdPercent() string {
	return permille(int64(r.PaidHouseholds), int64(r.Households))
}
func (r Rate) MoneyPercent() string { return permille(int64(r.Paid), int64(r.Due)) }

func permille(n, d int64) string {
	if d <= 0 {
		return "0.0"
	}
	// n ≤ d, and d (a sum of shares in fen) is far below 2^63/1000.
	v := n * 1000 / d
	return strconv.FormatInt(v/10, 10) + "." + strconv.FormatInt(v%10, 10)
}

// Collection is the state of collection of a run: what each part paid,
// the rates per building and for the whole scope, and the parts that
// still owe (in building, floor, room order).
type Collection struct {
	Run       *ShareRun
	Paid      map[int64]huanxin.Money
	Buildings []Rate
	Total     Rate
	Unpaid    []Statement
}

// Collection returns the collection of a run, for officers who see its plan.
func (s *Shares) Collection(ctx context.Context, runID int64) (*Collection, error) {
	a := huanxin.ActorFromContext(ctx)
	if a != nil && a.Role == huanxin.RoleResident {
		return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "收缴情况仅供工作人员查看 collection is for officers")
	}
	run, p, err := s.Run(ctx, runID)
	if err != nil {
		return nil, err
	}
	pays, err := s.Store.SharePayments(ctx, run.CityID, run.PlanID, run.ItemCode)
	if err != nil {
		return nil, err
	}
	c := &Collection{Run: run, Paid: map[int64]huanxin.Money{}}
	for _, py := range pays {
		c.Paid[py.PartID] += py.Amount
	}
	idx := map[int64]int{}
	for _, row := range run.Rows {
		i, ok := idx[row.BuildingID]
		if !ok {
			i = len(c.Buildings)
			idx[row.BuildingID] = i
			c.Buildings = append(c.Buildings, Rate{BuildingID: row.BuildingID, BuildingNo: row.BuildingNo})
		}
		paid := min(c.Paid[row.PartID], row.Amount)
		for _, r := range []*Rate{&c.Buildings[i], &c.Total} {
			r.Due += row.Amount
			r.Paid += paid
			if row.Amount > 0 {
				r.Households++
				if paid == row.Amount {
					r.PaidHouseholds++
				}
			}
		}
		if paid < row.Amount {
			c.Unpaid = append(c.Unpaid, Statement{Run: run, Plan: p, Row: row, Paid: paid, Due: row.Amount - paid})
		}
	}
	slices.SortStableFunc(c.Buildings, func(a, b Rate) int { return strings.Compare(a.BuildingNo, b.BuildingNo) })
	return c, nil
}
