package notify_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/notice"
	"github.com/huanxin/huanxin/notify"
	"github.com/huanxin/huanxin/request"
	"github.com/huanxin/huanxin/store"
)

// recorder is a sender of every channel that keeps "channel to: title".
type recorder struct {
	mu   sync.Mutex
	sent []string
}

func (r *recorder) senders() map[notify.Channel]notify.Sender {
	out := map[notify.Channel]notify.Sender{}
	for _, c := range notify.Channels {
		out[c] = channelRecorder{r, c}
	}
	return out
}

// take returns what was sent since the last call, sorted.
func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.sent
	r.sent = nil
	slices.Sort(out)
	return out
}

type channelRecorder struct {
	r *recorder
	c notify.Channel
}

func (c channelRecorder) Name() string { return string(c.c) }
func (c channelRecorder) Send(_ context.Context, d notify.Delivery) error {
	c.r.mu.Lock()
	defer c.r.mu.Unlock()
	c.r.sent = append(c.r.sent, fmt.Sprintf("%s %s: %s", d.Channel, d.To, d.Title))
	return nil
}

// reachWorld is an estate with two buildings, one household in each, and
// residents who chose different channels.
type reachWorld struct {
	db         *store.DB
	estate     *estate.Estate
	buildings  []*estate.Building
	parts      []*estate.Part
	owners     []*estate.Owner
	residents  []*huanxin.Actor
	officer    *huanxin.Actor
	jurisdPath string
}

func newReachWorld(t *testing.T, db *store.DB, prefs ...notify.Preferences) *reachWorld {
	t.Helper()
	sys := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	w := &reachWorld{db: db}
	var parent *estate.Jurisdiction
	for _, j := range []struct {
		level      huanxin.Level
		code, name string
	}{{huanxin.LevelProvince, "330000", "某省"}, {huanxin.LevelCity, "330100", "某市"}, {huanxin.LevelDistrict, "330102", "上城区"},
		{huanxin.LevelStreet, "330102001", "清波街道"}, {huanxin.LevelCommunity, "330102001001", "柳翠井社区"}} {
		x := &estate.Jurisdiction{Level: j.level, Code: j.code, Name: j.name}
		if parent != nil {
			x.ParentID, x.CityID, x.Path = parent.ID, parent.CityID, parent.Path
		}
		must(db.CreateJurisdiction(sys, x))
		parent = x
	}
	w.jurisdPath = parent.Path
	w.estate = &estate.Estate{CityID: parent.CityID, JurisdictionID: parent.ID, Code: "E1", Name: "纺织新村", Address: "中山路1号",
		YearBuilt: 1985, Management: estate.MgmtNone, Status: estate.StatusCandidate}
	must(db.CreateEstate(sys, w.estate))
	for i := range 2 {
		b := &estate.Building{CityID: w.estate.CityID, EstateID: w.estate.ID, No: fmt.Sprint(i + 1), Floors: 6}
		must(db.CreateBuilding(sys, b))
		s := &estate.Stairwell{CityID: w.estate.CityID, EstateID: w.estate.ID, BuildingID: b.ID, No: "1"}
		must(db.CreateStairwell(sys, s))
		p := &estate.Part{CityID: w.estate.CityID, EstateID: w.estate.ID, BuildingID: b.ID, StairwellID: s.ID, Kind: estate.KindDwelling,
			Floor: 3, Room: "301", Area: 8000, AreaSource: estate.SourceRegister, Sold: true, Delivered: true}
		must(db.CreatePart(sys, p))
		w.buildings, w.parts = append(w.buildings, b), append(w.parts, p)
	}
	for i, p := range prefs {
		part := w.parts[min(i, 1)] // the first resident in building 1, the others in building 2
		o := &estate.Owner{CityID: w.estate.CityID, Kind: estate.OwnerPerson, Name: fmt.Sprint("业主", i), IDNumber: []string{
			"11010519491231002X", "110105194912310011", "110105194912310038", "110105194912310046"}[i]}
		must(db.CreateOwner(sys, o))
		must(db.CreateOwnership(sys, &estate.Ownership{CityID: w.estate.CityID, EstateID: w.estate.ID, PartID: part.ID, OwnerID: o.ID,
			Representative: i < 2, ShareNum: 1, ShareDen: 1}))
		u := &account.User{Username: fmt.Sprint("res", i), Name: o.Name, Role: huanxin.RoleResident, OwnerID: o.ID}
		must(db.CreateUser(sys, u, "x"))
		a := &huanxin.Actor{UserID: u.ID, Name: u.Name, Role: huanxin.RoleResident, OwnerID: o.ID, Scope: huanxin.Scope{PartIDs: []int64{part.ID}}}
		p.UserID = u.ID
		must((&notify.Service{Store: db}).SetPreferences(huanxin.NewContextWithActor(sys, a), p))
		w.owners, w.residents = append(w.owners, o), append(w.residents, a)
	}
	w.officer = &huanxin.Actor{UserID: 900, Name: "社区", Role: huanxin.RoleCommunity, Scope: huanxin.Scope{Paths: []string{w.jurisdPath}}}
	return w
}

// Everything a resident must see reaches the residents concerned through
// the channel each chose, and nobody else: a notice entering its
// publicity period for their estate or only their building (one published
// ahead of its period when the period starts), a vote
// opening for their households, the answer to their complaint — also one
// an officer filed for them. A digest user gets one delivery a day.
func TestEverythingReachesTheResident(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC) // Monday 09:00 in Shanghai
		db.Now = func() time.Time { return now }
		none := notify.Preferences{} // no quiet hours
		sms, wechat, email, digest := none, none, none, none
		sms.SMS, sms.Mobile = true, "13812345678"
		wechat.WeChat, wechat.WeChatOpenID = true, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
		email.Email, email.EmailAddress = true, "li@example.cn"
		digest.SMS, digest.Mobile, digest.Digest = true, "13912345678", true
		w := newReachWorld(t, db, sms, wechat, email, digest) // sms in building 1, the others in building 2
		sys := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
		rec := &recorder{}
		d := &notify.Dispatcher{Store: db, Senders: rec.senders(), Now: func() time.Time { return now }}
		tick := func() []string {
			t.Helper()
			if err := d.Tick(sys); err != nil {
				t.Fatal(err)
			}
			return rec.take()
		}
		want := func(got []string, want ...string) {
			t.Helper()
			if !slices.Equal(got, want) {
				t.Fatalf("sent\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		}
		nt := &notify.Service{Store: db}
		notices := &notice.Service{Store: db, Register: &estate.Service{Store: db}, Now: db.Now}
		officer := huanxin.NewContextWithActor(sys, w.officer)
		publishFrom := func(days int, n *notice.Notice) {
			t.Helper()
			n.Type, n.Body, n.PublicityStart = notice.TypeGeneral, "内容", notice.Day(now).AddDate(0, 0, days)
			n.PublicityEnd = n.PublicityStart.AddDate(0, 0, 10)
			if err := notices.Create(officer, n); err != nil {
				t.Fatal(err)
			}
			if _, err := notices.Publish(officer, n.ID); err != nil {
				t.Fatal(err)
			}
		}
		publish := func(n *notice.Notice) { t.Helper(); publishFrom(0, n) }

		// A notice for the estate reaches all four; the digest waits.
		publish(&notice.Notice{ScopeKind: notice.ScopeEstate, EstateID: w.estate.ID, Title: "小区改造方案公示"})
		want(tick(), "email li@example.cn: 小区改造方案公示", "sms 13812345678: 小区改造方案公示", "wechat oUpF8uMuAJO_M2pxb1Q9zNjWeS6o: 小区改造方案公示")
		// One for building 1 only reaches its resident.
		publish(&notice.Notice{ScopeKind: notice.ScopeBuildings, EstateID: w.estate.ID, BuildingIDs: []int64{w.buildings[0].ID}, Title: "1号楼加装电梯公示"})
		want(tick(), "sms 13812345678: 1号楼加装电梯公示")
		// One published ahead of its period is in the inbox at once and
		// reaches phones when the period starts, on Wednesday.
		publishFrom(2, &notice.Notice{ScopeKind: notice.ScopeEstate, EstateID: w.estate.ID, Title: "二期方案公示"})
		want(tick())
		if ms, _, err := nt.Inbox(huanxin.NewContextWithActor(sys, w.residents[0]), 0, 1); err != nil || len(ms) != 1 || ms[0].Title != "二期方案公示" {
			t.Fatalf("inbox %+v %v", ms, err)
		}
		// A vote opening for building 2's households: the decision service
		// hands their parts to ToResidentsOfParts (decision tests check it).
		if err := nt.ToResidentsOfParts(sys, []int64{w.parts[1].ID}, notify.Message{CityID: w.estate.CityID, Kind: notify.KindDecision,
			Title: "业主表决开始投票：2号楼外墙", Link: "/vote/1"}); err != nil {
			t.Fatal(err)
		}
		want(tick(), "email li@example.cn: 业主表决开始投票：2号楼外墙", "wechat oUpF8uMuAJO_M2pxb1Q9zNjWeS6o: 业主表决开始投票：2号楼外墙")
		// The answer to a complaint reaches its author; one filed by an
		// officer for an owner reaches the owner (and the officer's inbox).
		m := request.Messenger{Notify: nt, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		m.Answered(sys, &request.Request{ID: 1, CityID: w.estate.CityID, SubmittedBy: w.residents[0].UserID, Title: "路灯不亮", Answer: "已修复"})
		m.Answered(sys, &request.Request{ID: 2, CityID: w.estate.CityID, SubmittedBy: w.officer.UserID, OnBehalfOf: w.owners[2].ID,
			Title: "楼道漏水", Answer: "已维修"})
		want(tick(), "email li@example.cn: 您反映的问题已答复：楼道漏水", "sms 13812345678: 您反映的问题已答复：路灯不亮")

		// 18:00: the digest resident gets the day's two messages in one
		// SMS, then nothing more that day.
		now = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
		want(tick(), "sms 13912345678: 您有 2 条新消息 2 new messages")
		publish(&notice.Notice{ScopeKind: notice.ScopeEstate, EstateID: w.estate.ID, Title: "停水通知"})
		got := tick()
		if slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, "13912345678") }) {
			t.Fatalf("a second digest the same day: %v", got)
		}
		now = now.Add(6 * time.Hour)
		want(tick())
		// The next day's digest holds the one message of the evening.
		now = time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
		want(tick(), "sms 13912345678: 停水通知")
		// Wednesday: the notice's period starts.
		now = time.Date(2026, 3, 3, 17, 0, 0, 0, time.UTC) // 01:00 in Shanghai
		want(tick(), "email li@example.cn: 二期方案公示", "sms 13812345678: 二期方案公示", "wechat oUpF8uMuAJO_M2pxb1Q9zNjWeS6o: 二期方案公示")
		now = time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
		want(tick(), "sms 13912345678: 二期方案公示")
	})
}
