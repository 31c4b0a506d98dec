package decision_test

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/file"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/notify"
	"github.com/huanxin/huanxin/store"
)

// person returns the frozen voter holding a part.
func (v *env) person(t *testing.T, part int64) decision.PersonID {
	t.Helper()
	e, err := v.db.Electorate(context.Background(), v.d.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range e.Voters {
		for _, p := range x.Parts {
			if p.PartID == part {
				return x.ID
			}
		}
	}
	t.Fatalf("part %d not in the electorate", part)
	return ""
}

// upload stores a small PNG for the decision's estate as the officer.
func (v *env) upload(t *testing.T, name string) int64 {
	t.Helper()
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), []byte(name)...)
	f, err := v.svc.Files.(*file.Service).Put(v.officer, v.d.EstateID, name, bytes.NewReader(png))
	if err != nil {
		t.Fatal(err)
	}
	return f.ID
}

func TestPaperBallotsAreEnteredTwice(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		v := setup(t, db)
		v.open(t)
		d := v.d
		ctx := context.Background()
		scan := v.upload(t, "b.png")
		// B's paper ballot: the first entry is pending and does not count.
		b := decision.Vote{Person: v.person(t, v.p[4].ID), Collection: decision.CollectDoor,
			Choices: choices(d, decision.Agree, decision.Agree), ScanFileID: scan}
		c, err := v.svc.Cast(v.officer, d.ID, b)
		if err != nil || c.State != decision.BallotPending || c.Code != "" {
			t.Fatalf("first entry: %+v %v", c, err)
		}
		to, err := v.svc.Turnout(v.officer, d.ID)
		if err != nil || to.Ballots != 0 || to.Participating.Persons != 0 || to.Pending != 1 {
			t.Fatalf("turnout after a first entry: %+v %v", to, err)
		}
		bad := b
		bad.ScanFileID = scan + 1000
		if _, err := v.svc.Cast(v.second(), d.ID, bad); huanxin.ErrorCode(err) != huanxin.EINVALID || huanxin.ErrorFields(err)[0].Field != "scan_file_id" {
			t.Fatalf("unknown scan: %v", err)
		}
		// The same officer cannot confirm their own entry.
		if _, err := v.svc.Cast(v.officer, d.ID, b); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN || !strings.Contains(err.Error(), "另一名工作人员") {
			t.Fatalf("same officer twice: %v", err)
		}
		// A matching second entry by another officer: counted, with a receipt.
		b2 := b
		b2.ScanFileID = 0
		c, err = v.svc.Cast(v.second(), d.ID, b2)
		if err != nil || c.State != decision.BallotCounted || len(c.Code) != 16 {
			t.Fatalf("matching second entry: %+v %v", c, err)
		}
		if r, err := v.svc.CheckReceipt(v.officer, c.Code); err != nil || r.Channel != decision.ChannelPaper {
			t.Fatalf("receipt of the confirmed ballot: %+v %v", r, err)
		}
		if _, err := v.svc.Cast(v.officer, d.ID, b); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("third entry: %v", err)
		}
		stored, err := db.FindBallot(ctx, d.ID, b.Person, decision.ChannelPaper)
		if err != nil || stored.ScanFileID != scan || stored.ScanName != "b.png" || len(stored.ScanSHA256) != 64 ||
			stored.SecondBy != 3 || stored.CastBy != 1 || stored.Collection != decision.CollectDoor {
			t.Fatalf("stored %+v %v", stored, err)
		}
		// The developer's ballot: the second entry differs, so it is flagged.
		dev := decision.Vote{Person: decision.Developer, Collection: decision.CollectOnsite, Choices: choices(d, decision.Agree, decision.Agree)}
		if _, err := v.svc.Cast(v.officer, d.ID, dev); err != nil {
			t.Fatal(err)
		}
		dev.Choices = choices(d, decision.Agree, decision.Oppose)
		c, err = v.svc.Cast(v.second(), d.ID, dev)
		if err != nil || c.State != decision.BallotMismatched || c.Code != "" {
			t.Fatalf("mismatching second entry: %+v %v", c, err)
		}
		if _, err := v.svc.Cast(v.second(), d.ID, dev); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("entry of a mismatched ballot: %v", err)
		}
		// A proxy ballot needs the written authorisation.
		proxy := decision.Vote{Person: v.person(t, v.p[1].ID), Collection: decision.CollectOnsite, Proxy: "李四",
			Choices: choices(d, decision.Agree, decision.Agree)}
		if _, err := v.svc.Cast(v.officer, d.ID, proxy); huanxin.ErrorCode(err) != huanxin.EINVALID || huanxin.ErrorFields(err)[0].Field != "proxy_file_id" {
			t.Fatalf("proxy without authorisation: %v", err)
		}
		proxy.ProxyFileID = v.upload(t, "authorisation.png")
		if _, err := v.svc.Cast(v.officer, d.ID, proxy); err != nil {
			t.Fatal(err)
		}
		entries, err := v.svc.PaperEntries(v.officer, d.ID)
		if err != nil || len(entries) != 2 || entries[0].State != decision.BallotMismatched || entries[0].Person != decision.Developer ||
			entries[1].State != decision.BallotPending || entries[1].EnteredBy != 1 || entries[1].Proxy != "李四" {
			t.Fatalf("paper entries %+v %v", entries, err)
		}
		if _, err := v.svc.PaperEntries(v.resident(11, v.p[4].ID), d.ID); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("resident lists paper entries: %v", err)
		}
		if err := v.svc.Close(v.officer, d.ID); err != nil {
			t.Fatal(err)
		}
		// Nothing is announced while paper ballots are unsettled.
		if err := v.svc.Announce(v.officer, d.ID); huanxin.ErrorCode(err) != huanxin.EINVALID || !strings.Contains(err.Error(), "待复核") {
			t.Fatalf("announce with unsettled ballots: %v", err)
		}
		// After closing, second entries of ballots already entered are
		// still made, but no new paper ballot is taken.
		if _, err := v.svc.Cast(v.officer, d.ID, decision.Vote{Person: v.person(t, v.p[5].ID), Collection: decision.CollectOnsite,
			Choices: choices(d, decision.Agree)}); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("new paper ballot after closing: %v", err)
		}
		if c, err := v.svc.Cast(v.second(), d.ID, proxy); err != nil || c.State != decision.BallotCounted {
			t.Fatalf("second entry after closing: %+v %v", c, err)
		}
		// The mismatch is settled by a third officer, with a note.
		third := huanxin.NewContextWithActor(context.Background(), &huanxin.Actor{UserID: 4, Name: "third",
			Role: huanxin.RoleCommunity, Scope: huanxin.Scope{All: true}})
		reading := decision.Entry{Collection: decision.CollectOnsite, Choices: choices(d, decision.Agree, decision.Oppose)}
		if _, err := v.svc.Review(v.second(), d.ID, decision.Developer, reading, "扫描件显示反对"); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("review by an officer who entered it: %v", err)
		}
		if _, err := v.svc.Review(third, d.ID, decision.Developer, reading, " "); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("review without a note: %v", err)
		}
		c, err = v.svc.Review(third, d.ID, decision.Developer, reading, "扫描件显示第二项为反对")
		if err != nil || c.State != decision.BallotCounted || len(c.Code) != 16 {
			t.Fatalf("review: %+v %v", c, err)
		}
		if _, err := v.svc.Review(third, d.ID, decision.Developer, reading, "again"); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("review twice: %v", err)
		}
		// Counted: B (80.00 agree/agree), the buyer by proxy (150.00
		// agree/agree), the developer as reviewed (30.00 agree/oppose).
		res, err := v.svc.Result(v.officer, d.ID)
		if err != nil || res.Counted != 3 || res.Pending != 0 || res.Mismatched != 0 ||
			res.Matters[1].Agree != (decision.Count{Area: 23000, Persons: 2}) || res.Matters[1].Oppose != (decision.Count{Area: 3000, Persons: 1}) {
			t.Fatalf("result %+v %v", res, err)
		}
		to, _ = v.svc.Turnout(v.officer, d.ID)
		if to.ByChannel["paper_onsite"] != (decision.Count{Area: 18000, Persons: 2}) || to.ByChannel["paper_door"] != (decision.Count{Area: 8000, Persons: 1}) ||
			to.Proxy != (decision.Count{Area: 15000, Persons: 1}) {
			t.Fatalf("turnout by channel %+v proxy %+v", to.ByChannel, to.Proxy)
		}
		entries, _ = v.svc.PaperEntries(v.officer, d.ID)
		if len(entries) != 1 || entries[0].ReviewBy != 4 || entries[0].ReviewNote != "扫描件显示第二项为反对" {
			t.Fatalf("reviewed entry listed %+v", entries)
		}
		if err := v.svc.Announce(v.officer, d.ID); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := v.svc.Verify(v.officer, d.ID); !ok || err != nil {
			t.Fatalf("verify: %v %v", ok, err)
		}
	})
}

func TestOnlineAndPaperBallotsOfOnePerson(t *testing.T) {
	for _, rule := range []decision.ConflictRule{decision.ConflictFirst, decision.ConflictPaper, decision.ConflictOnline} {
		t.Run(string(rule), func(t *testing.T) {
			testdb.Each(t, func(t *testing.T, db *store.DB) {
				v := setup(t, db)
				v.rules(t, decision.Rules{Conflict: rule})
				v.open(t)
				d := v.d
				// C votes online against, then a paper ballot for is entered.
				if _, err := v.svc.Cast(v.resident(15, v.p[5].ID), d.ID, decision.Vote{Choices: choices(d, decision.Oppose, decision.Oppose)}); err != nil {
					t.Fatal(err)
				}
				paper := decision.Vote{Person: v.person(t, v.p[5].ID), Collection: decision.CollectDoor, Choices: choices(d, decision.Agree, decision.Agree)}
				for _, who := range []context.Context{v.officer, v.second()} {
					if _, err := v.svc.Cast(who, d.ID, paper); err != nil {
						t.Fatal(err)
					}
				}
				to, err := v.svc.Turnout(v.officer, d.ID)
				if err != nil || to.Participating.Persons != 1 || to.Conflicts != 1 {
					t.Fatalf("turnout %+v %v", to, err)
				}
				if err := v.svc.Close(v.officer, d.ID); err != nil {
					t.Fatal(err)
				}
				res, err := v.svc.Result(v.officer, d.ID)
				counted := map[decision.ConflictRule]string{decision.ConflictFirst: "online", decision.ConflictPaper: "paper",
					decision.ConflictOnline: "online"}[rule]
				if err != nil || len(res.Conflicts) != 1 || res.Conflicts[0].Counted != counted || res.Conflicts[0].Rule != rule || res.Counted != 1 {
					t.Fatalf("result %+v %v", res, err)
				}
				agree := res.Matters[0].Agree.Persons == 1
				if agree != (counted == "paper") {
					t.Fatalf("the %s ballot should count: %+v", counted, res.Matters[0])
				}
			})
		})
	}
}

// rules sets the city's decision rules and re-creates the decision under them.
func (v *env) rules(t *testing.T, r decision.Rules) {
	t.Helper()
	if err := v.svc.SetRules(v.officer, v.d.CityID, r); err != nil {
		t.Fatal(err)
	}
	d := &decision.Decision{EstateID: v.d.EstateID, Title: v.d.Title, ScopeKind: v.d.ScopeKind, ScopeIDs: v.d.ScopeIDs,
		NoticeDays: r.MinNoticeDays, Matters: []decision.Matter{{Item: v.d.Matters[0].Item, Title: v.d.Matters[0].Title},
			{Item: v.d.Matters[1].Item, Title: v.d.Matters[1].Title}}}
	if err := v.svc.Create(v.officer, d); err != nil {
		t.Fatal(err)
	}
	v.d = d
}

func TestChangingABallotUntilClosing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		v := setup(t, db)
		v.rules(t, decision.Rules{Conflict: decision.ConflictFirst, AllowChange: true})
		if !v.d.AllowChange {
			t.Fatal("the decision did not take the city's rule")
		}
		v.open(t)
		d, b := v.d, v.resident(11, v.p[4].ID)
		first, err := v.svc.Cast(b, d.ID, decision.Vote{Choices: choices(d, decision.Agree, decision.Agree)})
		if err != nil || first.Revised {
			t.Fatalf("first ballot %+v %v", first, err)
		}
		second, err := v.svc.Cast(b, d.ID, decision.Vote{Choices: choices(d, decision.Oppose, decision.Oppose)})
		if err != nil || !second.Revised || second.Code == first.Code {
			t.Fatalf("changed ballot %+v %v", second, err)
		}
		old, err := v.svc.CheckReceipt(b, first.Code)
		if err != nil || old.ReplacedAt.IsZero() || old.Choices[d.Matters[0].ID] != decision.Agree {
			t.Fatalf("old receipt %+v %v", old, err)
		}
		now, err := v.svc.CheckReceipt(b, second.Code)
		if err != nil || !now.ReplacedAt.IsZero() || now.Choices[d.Matters[0].ID] != decision.Oppose {
			t.Fatalf("new receipt %+v %v", now, err)
		}
		if err := v.svc.Close(v.officer, d.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := v.svc.Cast(b, d.ID, decision.Vote{Choices: choices(d, decision.Agree)}); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("change after closing: %v", err)
		}
		res, _ := v.svc.Result(v.officer, d.ID)
		if res.Counted != 1 || res.Matters[0].Oppose.Persons != 1 {
			t.Fatalf("the changed ballot counts: %+v", res.Matters[0])
		}
	})
}

func TestNoticeAndObjectionPeriods(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		v := setup(t, db)
		clock := time.Now()
		v.svc.Now = func() time.Time { return clock }
		short := &decision.Decision{EstateID: v.d.EstateID, Title: "x", ScopeKind: decision.ScopeEstate, NoticeDays: 3,
			Matters: []decision.Matter{{Item: decision.ItemManager, Title: "x"}}}
		v.rules(t, decision.Rules{MinNoticeDays: 7, ObjectionDays: 5, Conflict: decision.ConflictFirst})
		if err := v.svc.Create(v.officer, short); huanxin.ErrorCode(err) != huanxin.EINVALID || huanxin.ErrorFields(err)[0].Field != "notice_days" {
			t.Fatalf("notice below the city's minimum: %v", err)
		}
		d := v.d
		if err := v.svc.Publish(v.officer, d.ID); err != nil {
			t.Fatal(err)
		}
		if err := v.svc.Open(v.officer, d.ID); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("opened during the notice period: %v", err)
		}
		clock = clock.AddDate(0, 0, 8)
		if err := v.svc.Open(v.officer, d.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := v.svc.Cast(v.resident(11, v.p[4].ID), d.ID, decision.Vote{Choices: choices(d, decision.Agree, decision.Agree)}); err != nil {
			t.Fatal(err)
		}
		for _, step := range []func(context.Context, int64) error{v.svc.Close, v.svc.Announce} {
			if err := step(v.officer, d.ID); err != nil {
				t.Fatal(err)
			}
		}
		d, _ = v.svc.Get(v.officer, d.ID)
		// The store stamps announcement with the real time; the period
		// runs five days from it.
		clock = d.AnnouncedAt.Add(time.Hour)
		if until := d.ObjectionsUntil(); !until.Equal(d.AnnouncedAt.AddDate(0, 0, 5)) {
			t.Fatalf("objections until %v", until)
		}
		if _, err := v.svc.Object(v.resident(12, v.p[6].ID), d.ID, "我不在表决范围内"); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("objection from outside the electorate: %v", err)
		}
		o, err := v.svc.Object(v.resident(11, v.p[4].ID), d.ID, "  我的选票未计入  ")
		if err != nil || o.Body != "我的选票未计入" {
			t.Fatalf("objection %+v %v", o, err)
		}
		// An officer assisting an owner objects for them: only for an owner
		// of the electorate, recorded with both the officer and the owner.
		assisting := func(owner int64) context.Context {
			a := *huanxin.ActorFromContext(v.officer)
			a.OnBehalfOf = owner
			return huanxin.NewContextWithActor(context.Background(), &a)
		}
		if _, err := v.svc.Object(assisting(v.owner[v.p[6].ID]), d.ID, "代为提出"); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("assisted objection from outside the electorate: %v", err)
		}
		assisted, err := v.svc.Object(assisting(v.owner[v.p[4].ID]), d.ID, "业主口述：公示张贴位置不醒目")
		if err != nil || assisted.OnBehalfOf != v.owner[v.p[4].ID] || assisted.RaisedBy != huanxin.ActorFromContext(v.officer).UserID {
			t.Fatalf("assisted objection %+v %v", assisted, err)
		}
		es, _, err := db.FindAudit(context.Background(), audit.Filter{Entity: "decision_objection", EntityID: &assisted.ID}, nil)
		if err != nil || len(es) != 1 || es[0].ActorID != assisted.RaisedBy || es[0].OnBehalf != assisted.OnBehalfOf {
			t.Fatalf("assisted objection's audit: %+v %v", es, err)
		}
		if _, err := v.svc.Answer(v.officer, d.ID, assisted.ID, "已移至单元门口"); err != nil {
			t.Fatal(err)
		}
		if err := v.svc.Finalize(v.officer, d.ID); huanxin.ErrorCode(err) != huanxin.EINVALID || !strings.Contains(err.Error(), "公示期") {
			t.Fatalf("final during the objection period: %v", err)
		}
		clock = clock.AddDate(0, 0, 6)
		if _, err := v.svc.Object(v.resident(11, v.p[4].ID), d.ID, "too late"); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("objection after the period: %v", err)
		}
		if err := v.svc.Finalize(v.officer, d.ID); huanxin.ErrorCode(err) != huanxin.EINVALID || !strings.Contains(err.Error(), "未答复") {
			t.Fatalf("final with an unanswered objection: %v", err)
		}
		if _, err := v.svc.Answer(v.resident(11, v.p[4].ID), d.ID, o.ID, "x"); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("resident answers: %v", err)
		}
		if _, err := v.svc.Answer(v.officer, d.ID, o.ID, "经核对，您的选票已计入，回执可查"); err != nil {
			t.Fatal(err)
		}
		if os, err := v.svc.Objections(v.resident(11, v.p[4].ID), d.ID); err != nil || len(os) != 2 || os[0].AnsweredBy != 1 || os[1].OnBehalfOf == 0 {
			t.Fatalf("objections %+v %v", os, err)
		}
		if err := v.svc.Finalize(v.officer, d.ID); err != nil {
			t.Fatal(err)
		}
	})
}

func TestCityRulesAreSetCityWide(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		v := setup(t, db)
		community := huanxin.NewContextWithActor(context.Background(), &huanxin.Actor{UserID: 7, Role: huanxin.RoleCommunity,
			Scope: huanxin.Scope{All: true}})
		if err := v.svc.SetRules(community, v.d.CityID, decision.DefaultRules); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("community officer set city rules: %v", err)
		}
		bad := decision.Rules{MinNoticeDays: 200, Conflict: "last"}
		if err := v.svc.SetRules(v.officer, v.d.CityID, bad); huanxin.ErrorCode(err) != huanxin.EINVALID || len(huanxin.ErrorFields(err)) != 2 {
			t.Fatalf("bad rules: %v", err)
		}
		want := decision.Rules{MinNoticeDays: 10, ObjectionDays: 3, Conflict: decision.ConflictPaper, AllowChange: true}
		if err := v.svc.SetRules(v.officer, v.d.CityID, want); err != nil {
			t.Fatal(err)
		}
		if got, err := v.svc.Rules(v.officer, v.d.CityID); err != nil || got != want {
			t.Fatalf("rules %+v %v", got, err)
		}
		// The decision created before keeps its rules.
		if d, _ := v.svc.Get(v.officer, v.d.ID); d.Conflict != decision.ConflictFirst || d.AllowChange || d.ObjectionDays != 0 {
			t.Fatalf("a change moved an existing decision: %+v", d)
		}
	})
}

func TestDocuments(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		v := setup(t, db)
		plan := v.upload(t, "plan.png")
		doc, err := v.svc.AddDocument(v.officer, v.d.ID, plan, " 加装电梯方案 ")
		if err != nil || doc.Title != "加装电梯方案" || len(doc.SHA256) != 64 {
			t.Fatalf("add %+v %v", doc, err)
		}
		if _, err := v.svc.AddDocument(v.officer, v.d.ID, plan+999, ""); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("unknown file: %v", err)
		}
		if _, err := v.svc.AddDocument(v.resident(11, v.p[4].ID), v.d.ID, plan, ""); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("resident attaches: %v", err)
		}
		v.open(t)
		if _, err := v.svc.AddDocument(v.officer, v.d.ID, v.upload(t, "late.png"), ""); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("attached after publication: %v", err)
		}
		if err := v.svc.RemoveDocument(v.officer, v.d.ID, plan); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("removed after publication: %v", err)
		}
		// An owner reads the document through the decision.
		got, data, err := v.svc.Document(v.resident(11, v.p[4].ID), v.d.ID, plan)
		if err != nil || got.Name != "plan.png" || !bytes.HasPrefix(data, []byte("\x89PNG")) {
			t.Fatalf("owner reads %+v %v", got, err)
		}
		if _, _, err := v.svc.Document(v.resident(11, v.p[4].ID), v.d.ID, plan+1); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Fatalf("a file that is not a document: %v", err)
		}
	})
}

func TestExtraConditionOnTheResult(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		v := setup(t, db)
		// Floor 1 holds p1 (the buyer); p2 is on floor 2. The lift needs
		// the buyer's consent as a ground-floor owner.
		d := &decision.Decision{EstateID: v.d.EstateID, Title: "加装电梯", ScopeKind: decision.ScopeBuildings, ScopeIDs: v.d.ScopeIDs,
			Matters: []decision.Matter{{Item: decision.ItemRebuild, Title: "加装电梯", Extra: []decision.Extra{
				{Label: "一层业主全部同意", Rule: decision.ExtraAllAgree, Floors: []int{1}}}}}}
		bad := *d
		bad.Matters = []decision.Matter{{Item: decision.ItemRebuild, Title: "x", Extra: []decision.Extra{
			{Label: "x", Rule: decision.ExtraAllAgree, Parts: []int64{v.p[6].ID + 1000}}}}}
		if err := v.svc.Create(v.officer, &bad); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("extra condition naming a part elsewhere: %v", err)
		}
		if err := v.svc.Create(v.officer, d); err != nil {
			t.Fatal(err)
		}
		v.d = d
		v.open(t)
		for part, c := range map[int64]decision.Choice{v.p[1].ID: decision.Oppose, v.p[4].ID: decision.Agree, v.p[5].ID: decision.Agree} {
			if _, err := v.svc.Cast(v.resident(20, part), d.ID, decision.Vote{Choices: choices(d, c)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := v.svc.Close(v.officer, d.ID); err != nil {
			t.Fatal(err)
		}
		res, err := v.svc.Result(v.officer, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		m := res.Matters[0]
		if len(m.Extra) != 1 || m.Extra[0].Met || m.Extra[0].Affected != 1 || m.Extra[0].Oppose != 1 || m.Outcome != decision.OutcomeFailed {
			t.Fatalf("matter %+v", m)
		}
	})
}

func TestOfficersFollowTheCountOnlyWhenTheDecisionSaysSo(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		v := setup(t, db)
		d := &decision.Decision{EstateID: v.d.EstateID, Title: "x", ScopeKind: decision.ScopeBuildings, ScopeIDs: v.d.ScopeIDs,
			OpenCount: true, Matters: []decision.Matter{{Item: decision.ItemManager, Title: "x"}}}
		if err := v.svc.Create(v.officer, d); err != nil {
			t.Fatal(err)
		}
		v.d = d
		v.open(t)
		if _, err := v.svc.Cast(v.resident(11, v.p[4].ID), d.ID, decision.Vote{Choices: choices(d, decision.Agree)}); err != nil {
			t.Fatal(err)
		}
		if r, err := v.svc.Result(v.officer, d.ID); err != nil || r.Matters[0].Agree.Persons != 1 {
			t.Fatalf("officer's running count %+v %v", r, err)
		}
		if _, err := v.svc.Result(v.resident(11, v.p[4].ID), d.ID); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("an owner saw the running count: %v", err)
		}
	})
}

// notifier records the messages a service sends.
type notifier struct {
	parts []int64
	msg   notify.Message
}

func (n *notifier) ToResidentsOfParts(_ context.Context, parts []int64, m notify.Message) error {
	n.parts, n.msg = parts, m
	return nil
}

func TestOpeningNotifiesTheElectorate(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		v := setup(t, db)
		n := &notifier{}
		v.svc.Notify = n
		v.open(t)
		// Building 1 holds p1–p5; p6 (building 2) is outside the scope.
		want := []int64{v.p[1].ID, v.p[2].ID, v.p[3].ID, v.p[4].ID, v.p[5].ID}
		slices.Sort(n.parts)
		if !slices.Equal(n.parts, want) || n.msg.Kind != notify.KindDecision || n.msg.Link != "/vote/"+strconv.FormatInt(v.d.ID, 10) ||
			n.msg.CityID != v.d.CityID {
			t.Fatalf("notified %v %+v", n.parts, n.msg)
		}
	})
}
