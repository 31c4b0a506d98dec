package request

import (
	"context"
	"log/slog"
	"slices"
	"strconv"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
	"github.com/huanxin/huanxin/notify"
)

// Messenger is the Notifier of a running server: it tells residents of
// the answers to their requests, and the users of a unit that an overdue
// request escalated to, through their inboxes (package notify delivers by
// their chosen channels). Failures are logged: the request has moved on.
type Messenger struct {
	Notify   *notify.Service
	Accounts *account.Service
	Requests *Service
	Log      *slog.Logger
}

func (n Messenger) Answered(ctx context.Context, r *Request) {
	m := notify.Message{CityID: r.CityID, Kind: notify.KindComplaint,
		Title: "您反映的问题已答复：" + r.Title, Body: r.Answer, Link: "/requests/" + strconv.FormatInt(r.ID, 10)}
	n.send(ctx, []int64{r.SubmittedBy}, m)
	// Submitted by an officer for an owner: the owner's own accounts hear
	// the answer too, through the channels the owner chose.
	if r.OnBehalfOf != 0 {
		if err := n.Notify.ToOwners(ctx, []int64{r.OnBehalfOf}, m); err != nil {
			n.Log.Error("request notification", "request", r.ID, "err", err)
		}
	}
}

// unitRoles is the role of the officers of each kind of jurisdiction unit.
var unitRoles = map[UnitKind]huanxin.Role{UnitCommunity: huanxin.RoleCommunity,
	UnitStreet: huanxin.RoleStreet, UnitDistrict: huanxin.RoleBureau}

func (n Messenger) Escalated(ctx context.Context, r *Request, e Escalation) {
	sys := huanxin.NewContextWithActor(ctx, huanxin.SystemActor)
	var to []int64
	if e.To.Kind.IsOrg() {
		orgs, err := n.Requests.Store.FindOrganisations(sys, []int64{r.CityID}, 0)
		if err != nil {
			n.Log.Error("request notification", "request", r.ID, "err", err)
			return
		}
		for _, o := range orgs {
			if o.ID == e.To.ID {
				to = o.Members
			}
		}
	} else {
		role := unitRoles[e.To.Kind]
		users, _, err := n.Accounts.FindUsers(sys, account.UserFilter{Role: &role, Limit: 1000})
		if err != nil {
			n.Log.Error("request notification", "request", r.ID, "err", err)
			return
		}
		for _, u := range users {
			if slices.ContainsFunc(u.Scopes, func(s account.ScopeRef) bool { return s.JurisdictionID == e.To.ID }) {
				to = append(to, u.ID)
			}
		}
	}
	n.send(ctx, to, notify.Message{CityID: r.CityID, Kind: notify.KindComplaint, Title: "逾期诉求转交本单位办理：" + r.Title,
		Body: e.From.Name + " 未在期限内答复，请于 " + r.Deadline.In(huanxin.Shanghai).Format("2006-01-02 15:04") + " 前答复。",
		Link: "/requests/" + strconv.FormatInt(r.ID, 10)})
}

func (n Messenger) send(ctx context.Context, to []int64, m notify.Message) {
	if err := n.Notify.ToUsers(ctx, to, m); err != nil {
		n.Log.Error("request notification", "err", err)
	}
}
