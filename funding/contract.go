package funding

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
)

// ContractKind is what a contract buys.
type ContractKind string

const (
	KindConstruction ContractKind = "construction" // 施工
	KindDesign       ContractKind = "design"       // 设计
	KindSupervision  ContractKind = "supervision"  // 监理
	KindProcurement  ContractKind = "procurement"  // 采购
	KindOther        ContractKind = "other"        // 其他
)

// ContractKinds lists the kinds in the order forms show them.
var ContractKinds = []ContractKind{KindConstruction, KindDesign, KindSupervision, KindProcurement, KindOther}

// ContractStatus is where a contract stands: signed, then completed, or
// terminated early with a reason.
type ContractStatus string

const (
	ContractSigned     ContractStatus = "signed"     // 已签订
	ContractCompleted  ContractStatus = "completed"  // 已完成
	ContractTerminated ContractStatus = "terminated" // 已终止
)

// ContractStatuses lists the statuses.
var ContractStatuses = []ContractStatus{ContractSigned, ContractCompleted, ContractTerminated}

// MilestoneNames are the usual payment milestones a form offers.
var MilestoneNames = []string{"预付款", "进度款", "竣工结算", "质保金"}

// Contract is a contract an estate's plan is carried out under: with
// whom (the counterparty and its unified social credit code), for which
// items of the plan (its lines, adding up to the amount) and when it is
// paid (its milestones, adding up to the amount too).
type Contract struct {
	ID           int64
	CityID       int64
	EstateID     int64
	PlanID       int64
	No           string // 合同编号, unique in the city
	Title        string
	Kind         ContractKind
	Counterparty string
	CreditCode   string // 统一社会信用代码
	Signed       time.Time
	Amount       huanxin.Money
	Lines        []ContractLine
	Milestones   []Milestone
	Status       ContractStatus
	Reason       string // why it was terminated
	CreatedBy    int64
	Created      time.Time
}

// ContractLine is the part of a contract's amount for one item of the plan.
type ContractLine struct {
	ID       int64
	ItemCode string
	Amount   huanxin.Money
}

// Milestone is a payment due under a contract (预付款, 进度款, 竣工结算,
// 质保金 …).
type Milestone struct {
	ID     int64
	Name   string
	Due    time.Time
	Amount huanxin.Money
}

// Allocation assigns received money of a funding line to a contract line
// of the same item.
type Allocation struct {
	ID             int64
	CityID         int64
	EstateID       int64
	PlanID         int64
	ContractID     int64
	ContractLineID int64
	FundingLineID  int64
	ItemCode       string
	Amount         huanxin.Money
	CreatedBy      int64
	Created        time.Time
}

// Disbursement pays (part of) a milestone out of one allocation.
type Disbursement struct {
	ID           int64
	CityID       int64
	EstateID     int64
	PlanID       int64
	ContractID   int64
	MilestoneID  int64
	AllocationID int64
	Amount       huanxin.Money
	PaidOn       time.Time
	Voucher      string // 凭证号或收据号
	CreatedBy    int64
	Created      time.Time
}

// creditChars are the characters of a unified social credit code, each
// worth its index (GB 32100-2015: digits and capitals without I O S V Z).
const creditChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// CheckCreditCode checks a unified social credit code (统一社会信用代码):
// 18 characters of the code's alphabet whose last is the check character
// of the first 17 (weights 3^i mod 31, check = 31 − sum mod 31).
func CheckCreditCode(code string) error {
	bad := func(msg string) error {
		return huanxin.Invalid("统一社会信用代码有误 invalid unified social credit code", huanxin.FieldError{Field: "credit_code", Message: msg})
	}
	if len(code) != 18 {
		return bad("应为18位 must have 18 characters")
	}
	sum, w := 0, 1
	for i := range 17 {
		v := strings.IndexByte(creditChars, code[i])
		if v < 0 {
			return bad("第" + strconv.Itoa(i+1) + "位字符无效 invalid character at position " + strconv.Itoa(i+1))
		}
		sum += v * w
		w = w * 3 % 31
	}
	want := creditChars[(31-sum%31)%31]
	if code[17] != want {
		return bad("校验位不符（应为" + string(want) + "） wrong check character (should be " + string(want) + ")")
	}
	return nil
}

// ContractInput is what an officer enters for a new contract.
type ContractInput struct {
	No, Title    string
	Kind         ContractKind
	Counterparty string
	CreditCode   string
	Signed       time.Time
	Lines        []ContractLine
	Milestones   []Milestone
}

// maxText is the longest name, number or reference in runes.
const maxText = 200

// textField trims a text field and checks it is present (if required)
// and not too long.
func textField(v *string, field string, required bool, bad *[]huanxin.FieldError) {
	*v = strings.TrimSpace(*v)
	switch {
	case required && *v == "":
		*bad = append(*bad, huanxin.FieldError{Field: field, Message: "必填 required"})
	case utf8.RuneCountInString(*v) > maxText:
		*bad = append(*bad, huanxin.FieldError{Field: field, Message: "过长 too long (max 200)"})
	}
}

// CheckContract validates a new contract of a plan whose items are
// items: every field, each line's item (in the plan, once) and amount,
// and milestones that add up exactly to the lines' total. It returns the
// contract with its amount, status signed.
func CheckContract(in ContractInput, items []string) (*Contract, error) {
	var bad []huanxin.FieldError
	textField(&in.No, "no", true, &bad)
	textField(&in.Title, "title", true, &bad)
	textField(&in.Counterparty, "counterparty", true, &bad)
	in.CreditCode = strings.ToUpper(strings.TrimSpace(in.CreditCode))
	if err := CheckCreditCode(in.CreditCode); err != nil {
		bad = append(bad, huanxin.ErrorFields(err)...)
	}
	if !slices.Contains(ContractKinds, in.Kind) {
		bad = append(bad, huanxin.FieldError{Field: "kind", Message: "合同类别无效 unknown kind"})
	}
	if in.Signed.IsZero() {
		bad = append(bad, huanxin.FieldError{Field: "signed", Message: "请填写签订日期 enter the date signed"})
	}
	var total, ms huanxin.Money
	seen := map[string]bool{}
	for i, l := range in.Lines {
		f := "lines." + strconv.Itoa(i)
		switch {
		case !slices.Contains(items, l.ItemCode):
			bad = append(bad, huanxin.FieldError{Field: f + ".item_code", Message: "方案中没有此项目 the plan has no such item"})
		case seen[l.ItemCode]:
			bad = append(bad, huanxin.FieldError{Field: f + ".item_code", Message: "项目重复 item listed twice"})
		}
		seen[l.ItemCode] = true
		if l.Amount <= 0 {
			bad = append(bad, huanxin.FieldError{Field: f + ".amount", Message: "金额应大于0 must be positive"})
		}
		total += l.Amount
	}
	if len(in.Lines) == 0 {
		bad = append(bad, huanxin.FieldError{Field: "lines", Message: "请至少填写一个项目的金额 enter the amount of at least one item"})
	}
	for i := range in.Milestones {
		m := &in.Milestones[i]
		f := "milestones." + strconv.Itoa(i)
		textField(&m.Name, f+".name", true, &bad)
		if m.Due.IsZero() {
			bad = append(bad, huanxin.FieldError{Field: f + ".due", Message: "请填写应付日期 enter the due date"})
		}
		if m.Amount <= 0 {
			bad = append(bad, huanxin.FieldError{Field: f + ".amount", Message: "金额应大于0 must be positive"})
		}
		ms += m.Amount
	}
	switch {
	case len(in.Milestones) == 0:
		bad = append(bad, huanxin.FieldError{Field: "milestones", Message: "请至少填写一个付款节点 enter at least one payment milestone"})
	case ms != total:
		bad = append(bad, huanxin.FieldError{Field: "milestones", Message: "付款节点合计" + ms.String() + "元，应等于合同金额" + total.String() +
			"元 the milestones add up to " + ms.String() + ", not the contract amount " + total.String()})
	}
	if len(bad) > 0 {
		return nil, huanxin.Invalid("合同信息有误 invalid contract", bad...)
	}
	return &Contract{No: in.No, Title: in.Title, Kind: in.Kind, Counterparty: in.Counterparty, CreditCode: in.CreditCode, Signed: in.Signed,
		Amount: total, Lines: in.Lines, Milestones: in.Milestones, Status: ContractSigned}, nil
}

// MoveContract checks a change of a contract's status: a signed contract
// is completed, or terminated with a reason.
func MoveContract(from, to ContractStatus, reason string) error {
	if from != ContractSigned || (to != ContractCompleted && to != ContractTerminated) {
		return huanxin.Invalid("合同状态无效 invalid status", huanxin.FieldError{Field: "status",
			Message: "只有已签订的合同可以完成或终止 only a signed contract is completed or terminated"})
	}
	if to == ContractTerminated && strings.TrimSpace(reason) == "" {
		return huanxin.Invalid("请说明终止原因 give the reason", huanxin.FieldError{Field: "reason", Message: "必填 required"})
	}
	return nil
}

// Spent is what has been allocated and paid so far, by record ID.
type Spent struct {
	FromLine   map[int64]huanxin.Money // allocated from each funding line
	ToLine     map[int64]huanxin.Money // allocated to each contract line
	PaidLine   map[int64]huanxin.Money // paid from each funding line
	Milestone  map[int64]huanxin.Money // paid on each milestone
	Allocation map[int64]huanxin.Money // paid out of each allocation
}

// Tally adds up allocations and payments by record.
func Tally(allocs []Allocation, pays []Disbursement) Spent {
	s := Spent{FromLine: map[int64]huanxin.Money{}, ToLine: map[int64]huanxin.Money{}, PaidLine: map[int64]huanxin.Money{},
		Milestone: map[int64]huanxin.Money{}, Allocation: map[int64]huanxin.Money{}}
	line := map[int64]int64{}
	for _, a := range allocs {
		s.FromLine[a.FundingLineID] += a.Amount
		s.ToLine[a.ContractLineID] += a.Amount
		line[a.ID] = a.FundingLineID
	}
	for _, p := range pays {
		s.Milestone[p.MilestoneID] += p.Amount
		s.Allocation[p.AllocationID] += p.Amount
		if l, ok := line[p.AllocationID]; ok {
			s.PaidLine[l] += p.Amount
		}
	}
	return s
}

// LineStatus is the status a funding line must have given what was
// allocated and paid from it: committed money stays committed (nothing
// can be allocated from it), fully paid money is paid, fully allocated
// money is allocated, anything else received.
func LineStatus(l Line, allocated, paid huanxin.Money) Status {
	switch {
	case l.Status == Committed:
		return Committed
	case paid >= l.Amount:
		return Paid
	case allocated >= l.Amount:
		return Allocated
	}
	return Received
}

func amountError(msg string) error {
	return huanxin.Invalid("金额有误 invalid amount", huanxin.FieldError{Field: "amount", Message: msg})
}

// CheckAllocation checks an allocation of amount from funding line l to
// contract line cl of contract c, given what was spent before.
func CheckAllocation(c *Contract, cl ContractLine, l Line, amount huanxin.Money, s Spent) error {
	switch {
	case c.Status == ContractTerminated:
		return huanxin.Errorf(huanxin.EINVALID, "合同已终止，不能再安排资金 the contract was terminated")
	case l.Withdrawn:
		return huanxin.Invalid("该资金已撤回 the money was withdrawn", huanxin.FieldError{Field: "funding_line_id", Message: "该资金已撤回 the money was withdrawn"})
	case l.Status == Committed:
		return huanxin.Invalid("资金尚未到位 the money has not arrived", huanxin.FieldError{Field: "funding_line_id",
			Message: "只有已到位的资金可以安排到合同 only received money can be allocated"})
	case l.ItemCode != cl.ItemCode:
		return huanxin.Invalid("资金与合同项目不符 another item", huanxin.FieldError{Field: "funding_line_id",
			Message: "资金用于" + l.ItemCode + "，合同明细为" + cl.ItemCode + " the money is for another item"})
	case amount <= 0:
		return amountError("金额应大于0 must be positive")
	}
	if left := l.Amount - s.FromLine[l.ID]; amount > left {
		return amountError("超过该笔资金尚未安排的" + left.String() + "元 more than the " + left.String() + " left of the money")
	}
	if left := cl.Amount - s.ToLine[cl.ID]; amount > left {
		return amountError("超过合同明细尚未安排的" + left.String() + "元 more than the " + left.String() + " left of the contract line")
	}
	return nil
}

// CheckDisbursement checks a payment of amount on milestone m of contract c
// out of allocation a, given what was paid before.
func CheckDisbursement(c *Contract, m Milestone, a Allocation, amount huanxin.Money, voucher string, on time.Time, s Spent) error {
	var bad []huanxin.FieldError
	if c.Status == ContractTerminated {
		return huanxin.Errorf(huanxin.EINVALID, "合同已终止，不能再付款 the contract was terminated")
	}
	if a.ContractID != c.ID {
		bad = append(bad, huanxin.FieldError{Field: "allocation_id", Message: "该笔资金未安排到本合同 the allocation is of another contract"})
	}
	if strings.TrimSpace(voucher) == "" {
		bad = append(bad, huanxin.FieldError{Field: "voucher", Message: "请填写凭证号 enter the voucher or receipt number"})
	} else if utf8.RuneCountInString(voucher) > maxText {
		bad = append(bad, huanxin.FieldError{Field: "voucher", Message: "过长 too long (max 200)"})
	}
	if on.IsZero() {
		bad = append(bad, huanxin.FieldError{Field: "paid_on", Message: "请填写付款日期 enter the date paid"})
	}
	switch left, fromAlloc := m.Amount-s.Milestone[m.ID], a.Amount-s.Allocation[a.ID]; {
	case amount <= 0:
		bad = append(bad, huanxin.FieldError{Field: "amount", Message: "金额应大于0 must be positive"})
	case amount > left:
		bad = append(bad, huanxin.FieldError{Field: "amount", Message: "超过该节点未付的" + left.String() + "元 more than the " + left.String() + " unpaid of the milestone"})
	case amount > fromAlloc:
		bad = append(bad, huanxin.FieldError{Field: "amount", Message: "超过该笔资金未付的" + fromAlloc.String() + "元 more than the " + fromAlloc.String() + " unpaid of the allocation"})
	}
	if len(bad) > 0 {
		return huanxin.Invalid("付款信息有误 invalid payment", bad...)
	}
	return nil
}

// ParseDate reads a date (2006-01-02) in Asia/Shanghai; ok is false for
// anything else.
func ParseDate(s string) (time.Time, bool) {
	t, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), huanxin.Shanghai)
	return t, err == nil
}
