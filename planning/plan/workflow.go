package plan

import "github.com/huanxin/huanxin"

// Status is where a plan stands in its approval: drafted by the community,
// then approved by the community, the sub-district and the district in
// turn. Any approver may return it to draft with a reason.
type Status string

const (
	Draft     Status = "draft"     // 编制中
	Submitted Status = "submitted" // 已提交，待社区审核
	Community Status = "community" // 社区已审核，待街道审核
	Street    Status = "street"    // 街道已审核，待区审核
	Approved  Status = "approved"  // 区已批复
)

// Statuses lists the statuses in order.
var Statuses = []Status{Draft, Submitted, Community, Street, Approved}

// approver is the level whose officers move a plan out of each status.
var approver = map[Status]huanxin.Level{
	Submitted: huanxin.LevelCommunity,
	Community: huanxin.LevelStreet,
	Street:    huanxin.LevelDistrict,
}

// Approver returns the jurisdiction level that approves a plan in status s,
// and false when s awaits no approval.
func Approver(s Status) (huanxin.Level, bool) {
	l, ok := approver[s]
	return l, ok
}

// Next returns the status a plan moves to when approved at s.
func Next(s Status) (Status, bool) {
	for i, x := range Statuses[:len(Statuses)-1] {
		if x == s && s != Draft {
			return Statuses[i+1], true
		}
	}
	return "", false
}
