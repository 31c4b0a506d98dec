package decision_test

import (
	"context"
	"database/sql"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/file"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/store"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// env is a small register: one estate with two buildings. Building 1 holds
// a buyer's two parts (p1 100.00 m², p2 50.00 m²), an unsold part of the
// developer (p3 30.00 m²), B's part (p4 80.00 m²) and C's part (p5 70.00
// m²); building 2 holds D's part p6, outside the decision's scope.
type env struct {
	db      *store.DB
	svc     *decision.Service
	officer context.Context
	p       [7]*estate.Part
	owner   map[int64]int64 // part ID -> its owner
	d       *decision.Decision
}

// resident is the actor of the owner of the given parts, as store.Actor
// builds it for a resident account.
func (v *env) resident(id int64, parts ...int64) context.Context {
	return huanxin.NewContextWithActor(context.Background(), &huanxin.Actor{UserID: id, Name: "resident",
		Role: huanxin.RoleResident, OwnerID: v.owner[parts[0]], Scope: huanxin.Scope{PartIDs: parts}})
}

func setup(t *testing.T, db *store.DB) *env {
	t.Helper()
	sys := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var parent *estate.Jurisdiction
	for i, l := range huanxin.Levels {
		j := &estate.Jurisdiction{Level: l, Code: "33" + string(rune('0'+i)), Name: "辖区" + string(l)}
		if parent != nil {
			j.ParentID, j.CityID, j.Path = parent.ID, parent.CityID, parent.Path
		}
		must(db.CreateJurisdiction(sys, j))
		parent = j
	}
	e := &estate.Estate{CityID: parent.CityID, JurisdictionID: parent.ID, Code: "E1", Name: "纺织新村", YearBuilt: 1985,
		Management: estate.MgmtNone, Status: estate.StatusCandidate}
	must(db.CreateEstate(sys, e))
	var stairs [3]*estate.Stairwell
	for i := 1; i <= 2; i++ {
		b := &estate.Building{CityID: e.CityID, EstateID: e.ID, No: string(rune('0' + i)), Floors: 6}
		must(db.CreateBuilding(sys, b))
		stairs[i] = &estate.Stairwell{CityID: e.CityID, EstateID: e.ID, BuildingID: b.ID, No: "1"}
		must(db.CreateStairwell(sys, stairs[i]))
	}
	// The city lets votes open at once and results become final at once;
	// the tests of periods set their own rules.
	must(db.SetCitySettings(sys, e.CityID, decision.Rules{Conflict: decision.ConflictFirst}.Settings(), 1))
	reg := &estate.Service{Store: db}
	v := &env{db: db, owner: map[int64]int64{}, svc: &decision.Service{Store: db, Register: reg,
		Files: &file.Service{Store: db, Register: reg}},
		officer: huanxin.NewContextWithActor(context.Background(),
			&huanxin.Actor{UserID: 1, Name: "officer", Role: huanxin.RoleAdmin, Scope: huanxin.Scope{All: true}})}
	owner := func(name, idn string) *estate.Owner {
		o := &estate.Owner{CityID: e.CityID, Kind: estate.OwnerPerson, Name: name, IDNumber: idn}
		must(db.CreateOwner(sys, o))
		return o
	}
	buyer, b, c, d := owner("买家", "110105194912310011"), owner("乙", "110105194912310022"),
		owner("丙", "110105194912310033"), owner("丁", "110105194912310044")
	for i, x := range []struct {
		stair int
		area  huanxin.Area
		sold  bool
		owner *estate.Owner
	}{{1, 10000, true, buyer}, {1, 5000, true, buyer}, {1, 3000, false, nil}, {1, 8000, true, b}, {1, 7000, true, c}, {2, 9000, true, d}} {
		s := stairs[x.stair]
		p := &estate.Part{CityID: e.CityID, EstateID: e.ID, BuildingID: s.BuildingID, StairwellID: s.ID, Kind: estate.KindDwelling,
			Floor: i + 1, Room: string(rune('1'+i)) + "01", Area: x.area, AreaSource: estate.SourceRegister, Sold: x.sold, Delivered: x.sold}
		must(db.CreatePart(sys, p))
		v.p[i+1] = p
		if x.owner != nil {
			v.owner[p.ID] = x.owner.ID
			must(db.CreateOwnership(sys, &estate.Ownership{CityID: e.CityID, EstateID: e.ID, PartID: p.ID, OwnerID: x.owner.ID,
				Representative: true, ShareNum: 1, ShareDen: 1}))
		}
	}
	v.d = &decision.Decision{EstateID: e.ID, Title: " 加装电梯与选聘物业 ", ScopeKind: decision.ScopeBuildings,
		ScopeIDs: []int64{v.p[1].BuildingID}, Matters: []decision.Matter{
			{Item: decision.ItemManager, Title: "选聘物业服务企业"},
			{Item: decision.ItemRebuild, Title: "1号楼加装电梯"}}}
	must(v.svc.Create(v.officer, v.d))
	return v
}

// second is another officer, for the second entry of paper ballots.
func (v *env) second() context.Context {
	return huanxin.NewContextWithActor(context.Background(),
		&huanxin.Actor{UserID: 3, Name: "second officer", Role: huanxin.RoleAdmin, Scope: huanxin.Scope{All: true}})
}

// open publishes and opens the decision.
func (v *env) open(t *testing.T) {
	t.Helper()
	if err := v.svc.Publish(v.officer, v.d.ID); err != nil {
		t.Fatal(err)
	}
	if err := v.svc.Open(v.officer, v.d.ID); err != nil {
		t.Fatal(err)
	}
}

func choices(d *decision.Decision, cs ...decision.Choice) map[decision.MatterID]decision.Choice {
	m := map[decision.MatterID]decision.Choice{}
	for i, c := range cs {
		m[d.Matters[i].ID] = c
	}
	return m
}

func TestLifecycle(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		v := setup(t, db)
		d := v.d
		if d.Title != "加装电梯与选聘物业" || d.Status != decision.StatusDraft || d.Matters[0].ID == 0 {
			t.Fatalf("created %+v", d)
		}
		if _, err := v.svc.Cast(v.resident(10, v.p[1].ID), d.ID, decision.Vote{Choices: choices(d, decision.Agree)}); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("cast on a draft: %v", err)
		}
		if err := v.svc.Open(v.officer, d.ID); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("open a draft: %v", err)
		}
		v.open(t)
		if err := v.svc.Publish(v.officer, d.ID); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("publish an open decision: %v", err)
		}
		if _, err := v.svc.Result(v.resident(10, v.p[1].ID), d.ID); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("resident sees a running result: %v", err)
		}

		buyer, err := v.svc.Cast(v.resident(10, v.p[2].ID), d.ID, decision.Vote{Choices: choices(d, decision.Agree, decision.Agree)})
		if err != nil || len(buyer.Code) != 16 || buyer.State != decision.BallotCounted {
			t.Fatalf("buyer: %+v %v", buyer, err)
		}
		buyerCode := buyer.Code
		if _, err := v.svc.Cast(v.resident(10, v.p[1].ID), d.ID, decision.Vote{Choices: choices(d, decision.Oppose, decision.Oppose)}); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("second ballot of the buyer through the other part: %v", err)
		}
		if _, err := v.svc.Cast(v.resident(11, v.p[4].ID), d.ID, decision.Vote{Choices: choices(d, decision.Agree, decision.Oppose)}); err != nil {
			t.Fatal(err)
		}
		// The developer's part: no online vote; the officer enters its paper ballot.
		if _, err := v.svc.Cast(v.resident(12, v.p[3].ID), d.ID, decision.Vote{Choices: choices(d, decision.Agree)}); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("online vote for the developer's part: %v", err)
		}
		paper := decision.Vote{Person: decision.Developer, Collection: decision.CollectOnsite,
			Choices: choices(d, decision.Oppose, decision.Abstain)}
		if c, err := v.svc.Cast(v.officer, d.ID, paper); err != nil || c.State != decision.BallotPending || c.Code != "" {
			t.Fatalf("first entry: %+v %v", c, err)
		}
		if c, err := v.svc.Cast(v.second(), d.ID, paper); err != nil || c.State != decision.BallotCounted || len(c.Code) != 16 {
			t.Fatalf("second entry: %+v %v", c, err)
		}
		// D's part lies in building 2, outside the scope.
		if _, err := v.svc.Cast(v.resident(13, v.p[6].ID), d.ID, decision.Vote{Choices: choices(d, decision.Agree)}); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("stranger: %v", err)
		}
		if _, err := v.svc.Cast(v.resident(14, 99999), d.ID, decision.Vote{}); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Fatalf("resident of another estate: %v", err)
		}

		r, err := v.svc.CheckReceipt(v.resident(10, v.p[1].ID), buyerCode)
		if err != nil || r.DecisionID != d.ID || r.Channel != decision.ChannelOnline ||
			!reflect.DeepEqual(r.Choices, choices(d, decision.Agree, decision.Agree)) {
			t.Fatalf("receipt %+v %v", r, err)
		}
		if _, err := v.svc.CheckReceipt(v.resident(10, v.p[1].ID), "AAAAAAAAAAAAAAAA"); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Fatalf("unknown receipt: %v", err)
		}

		if err := v.svc.Close(v.officer, d.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := v.svc.Cast(v.resident(15, v.p[5].ID), d.ID, decision.Vote{Choices: choices(d, decision.Agree, decision.Agree)}); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("cast after closing: %v", err)
		}
		res, err := v.svc.Result(v.resident(10, v.p[1].ID), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Electorate: developer 30.00, buyer 150.00, B 80.00, C 70.00 = 330.00 m², 4 persons.
		if res.Electorate != (decision.Count{Area: 33000, Persons: 4}) || res.Counted != 3 || len(res.Rejected) != 0 {
			t.Fatalf("result %+v", res)
		}
		m1, m2 := res.Matters[0], res.Matters[1]
		if m1.Participating != (decision.Count{Area: 26000, Persons: 3}) || m1.Agree != (decision.Count{Area: 23000, Persons: 2}) ||
			m1.Oppose != (decision.Count{Area: 3000, Persons: 1}) || m1.QuorumArea.Percent != "78.79" ||
			m1.QuorumPersons.Percent != "75.00" || m1.AgreeArea.Percent != "88.46" || m1.AgreePersons.Percent != "66.67" ||
			m1.Outcome != decision.OutcomePassed {
			t.Fatalf("matter 1 %+v", m1)
		}
		if m2.Agree != (decision.Count{Area: 15000, Persons: 1}) || m2.Oppose != (decision.Count{Area: 8000, Persons: 1}) ||
			m2.Abstain != (decision.Count{Area: 3000, Persons: 1}) || m2.AgreeArea.Percent != "57.69" ||
			m2.AgreeArea.Met || m2.Outcome != decision.OutcomeFailed {
			t.Fatalf("matter 2 %+v", m2)
		}
		// The ballot register: anonymised for officers, named for auditors,
		// refused to residents.
		_, rows, err := v.svc.BallotRegister(v.officer, d.ID)
		if err != nil || len(rows) != 3 || rows[0].Voter != "#1" || len(rows[0].Choices) != 2 {
			t.Fatalf("register %+v, %v", rows, err)
		}
		auditor := huanxin.NewContextWithActor(context.Background(), &huanxin.Actor{UserID: 2, Name: "auditor",
			Role: huanxin.RoleAuditor, Scope: huanxin.Scope{All: true}})
		if _, named, err := v.svc.BallotRegister(auditor, d.ID); err != nil || !strings.HasPrefix(named[0].Voter, "owner:") && named[0].Voter != string(decision.Developer) {
			t.Fatalf("auditor's register %+v, %v", named, err)
		}
		if _, _, err := v.svc.BallotRegister(v.resident(10, v.p[1].ID), d.ID); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("resident read the register: %v", err)
		}
		for _, step := range []func(context.Context, int64) error{v.svc.Announce, v.svc.Finalize} {
			if err := step(v.officer, d.ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := v.svc.Close(v.officer, d.ID); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("close a final decision: %v", err)
		}
		again, err := v.svc.Result(v.officer, d.ID)
		if err != nil || !reflect.DeepEqual(again, res) {
			t.Fatalf("result not reproducible: %v", err)
		}
		// The announced result is re-tallied from the stored ballots and the
		// frozen electorate; a ballot changed behind the platform's back
		// makes the re-tally differ.
		if _, ok, err := v.svc.Verify(v.officer, d.ID); !ok || err != nil {
			t.Fatalf("verify the announced result: %v, %v", ok, err)
		}
		raw := rawDB(t, db)
		// Choices are stored as {"matter": choice}; turn every oppose (2) into agree (1).
		if res, err := raw.Exec("UPDATE ballots SET choices = replace(choices, ':2', ':1') WHERE choices LIKE '%:2%'"); err != nil {
			t.Fatal(err)
		} else if n, _ := res.RowsAffected(); n == 0 {
			t.Fatal("no ballot was changed")
		}
		if _, ok, err := v.svc.Verify(v.officer, d.ID); ok || err != nil {
			t.Fatalf("a tampered ballot went unnoticed: %v, %v", ok, err)
		}
		if b, _, err := db.VerifyAudit(context.Background()); err != nil || b != nil {
			t.Fatalf("audit chain: %+v %v", b, err)
		}
	})
}

func TestFrozenElectorateIgnoresRegisterChanges(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		v := setup(t, db)
		v.open(t)
		ctx := context.Background()
		before, err := db.Electorate(ctx, v.d.ID)
		if err != nil || before.TotalArea != 33000 || before.TotalPersons != 4 {
			t.Fatalf("frozen %+v %v", before, err)
		}
		// The register changes: p1 is remeasured and C sells p5 to the buyer.
		if _, err := v.svc.Register.Parts().Update(v.officer, v.p[1].ID, func(p *estate.Part) error { p.Area = 20000; return nil }); err != nil {
			t.Fatal(err)
		}
		os, _, err := v.svc.Register.Ownerships().Find(v.officer, estate.Filter{PartID: &v.p[5].ID})
		if err != nil || len(os) != 1 {
			t.Fatalf("ownership of p5: %v", err)
		}
		buyers, _, _ := v.svc.Register.Ownerships().Find(v.officer, estate.Filter{PartID: &v.p[1].ID})
		if _, err := v.svc.Register.Ownerships().Update(v.officer, os[0].ID, func(o *estate.Ownership) error {
			o.OwnerID = buyers[0].OwnerID
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		after, err := db.Electorate(ctx, v.d.ID)
		if err != nil || !reflect.DeepEqual(before, after) {
			t.Fatalf("electorate moved:\n%+v\n%+v", before, after)
		}
		if err := db.FreezeElectorate(ctx, v.d.ID, after); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("second freeze: %v", err)
		}
		// C still votes for p5 as frozen.
		if _, err := v.svc.Cast(v.resident(15, v.p[5].ID), v.d.ID, decision.Vote{Choices: choices(v.d, decision.Agree)}); err != nil {
			t.Fatal(err)
		}
		bs, _ := db.Ballots(ctx, v.d.ID)
		if len(bs) != 1 || bs[0].Person != before.Voters[len(before.Voters)-1].ID {
			t.Fatalf("ballots %+v, voters %+v", bs, before.Voters)
		}
	})
}

func TestConcurrentCastsStoreOneBallot(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		v := setup(t, db)
		v.open(t)
		const n = 100
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := decision.Agree
				if i%2 == 1 {
					c = decision.Oppose
				}
				_, errs[i] = v.svc.Cast(v.resident(10, v.p[1+i%2].ID), v.d.ID, decision.Vote{Choices: choices(v.d, c, c)})
			}()
		}
		wg.Wait()
		ok, conflicts := 0, 0
		for _, err := range errs {
			switch huanxin.ErrorCode(err) {
			case "":
				ok++
			case huanxin.ECONFLICT:
				conflicts++
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		bs, err := db.Ballots(context.Background(), v.d.ID)
		if ok != 1 || conflicts != n-1 || err != nil || len(bs) != 1 {
			t.Fatalf("%d stored, %d conflicts, %d ballots, %v", ok, conflicts, len(bs), err)
		}
	})
}

func TestCreateValidates(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		v := setup(t, db)
		bad := &decision.Decision{EstateID: v.d.EstateID, ScopeKind: decision.ScopeStairwell, ScopeIDs: []int64{v.p[6].ID + 1000},
			Matters: []decision.Matter{{Item: decision.Item(12), Title: "x"}}}
		err := v.svc.Create(v.officer, bad)
		if huanxin.ErrorCode(err) != huanxin.EINVALID || len(huanxin.ErrorFields(err)) != 3 {
			t.Fatalf("invalid decision: %v %v", err, huanxin.ErrorFields(err))
		}
		if err := v.svc.Create(v.resident(10, v.p[1].ID), &decision.Decision{EstateID: v.d.EstateID}); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("resident creates: %v", err)
		}
	})
}

func TestOnlyTheOwnerVotesForAPart(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		v := setup(t, db)
		v.open(t)
		tenant := huanxin.NewContextWithActor(context.Background(), &huanxin.Actor{UserID: 50, Name: "tenant",
			Role: huanxin.RoleResident, Scope: huanxin.Scope{PartIDs: []int64{v.p[4].ID}}})
		if _, err := v.svc.Cast(tenant, v.d.ID, decision.Vote{Choices: choices(v.d, decision.Agree)}); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("a resident who is not the owner voted: %v", err)
		}
		if _, err := v.svc.Cast(v.resident(51, v.p[4].ID), v.d.ID, decision.Vote{Choices: choices(v.d, decision.Agree)}); err != nil {
			t.Fatalf("the owner cannot vote: %v", err)
		}
	})
}

// rawDB opens the test database directly, to change it behind the store.
func rawDB(t *testing.T, db *store.DB) *sql.DB {
	t.Helper()
	driver, dsn := "sqlite", db.DSN
	if db.Dialect == store.Postgres {
		driver = "pgx"
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

func TestOpenVoteShowsTurnoutNotChoices(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		v := setup(t, db)
		v.open(t)
		if _, err := v.svc.Cast(v.resident(51, v.p[4].ID), v.d.ID, decision.Vote{Choices: choices(v.d, decision.Agree)}); err != nil {
			t.Fatal(err)
		}
		if _, err := v.svc.Result(v.officer, v.d.ID); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("an officer saw the choices of an open vote: %v", err)
		}
		to, err := v.svc.Turnout(v.officer, v.d.ID)
		// Electorate of building 1: developer 30.00, buyer 150.00, B 80.00, C 70.00; B has voted.
		b1 := v.p[1].BuildingID
		want := decision.Turnout{Electorate: decision.Count{Area: 33000, Persons: 4}, Participating: decision.Count{Area: 8000, Persons: 1}, Ballots: 1,
			ByChannel: map[string]decision.Count{"online": {Area: 8000, Persons: 1}},
			ByBuilding: map[int64]decision.BuildingTurnout{b1: {Electorate: decision.Count{Area: 33000, Persons: 4},
				Participating: decision.Count{Area: 8000, Persons: 1}}}}
		if err != nil || !reflect.DeepEqual(to, want) {
			t.Fatalf("turnout = %+v, %v; want %+v", to, err, want)
		}
	})
}
