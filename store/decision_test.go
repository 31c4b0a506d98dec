package store_test

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/store"
)

func TestDecisionStore(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		ctx := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
		w := mustWorld(t, db)
		d := &decision.Decision{CityID: w.city.ID, EstateID: w.estA.ID, Title: "加装电梯", Status: decision.StatusDraft,
			ScopeKind: decision.ScopeStairwell, ScopeIDs: []int64{w.part.StairwellID}, NoticeDays: 7, CreatedBy: 1,
			Matters: []decision.Matter{{Item: decision.ItemRebuild, Title: "加装电梯"}, {Item: decision.Consultation, Title: "意见"}}}
		if err := db.CreateDecision(ctx, d); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindDecisionByID(ctx, huanxin.Scope{Paths: []string{w.distA.Path}}, d.ID)
		if err != nil || !reflect.DeepEqual(got, d) {
			t.Fatalf("round trip:\n%+v\n%+v %v", got, d, err)
		}
		if _, err := db.FindDecisionByID(ctx, huanxin.Scope{Paths: []string{w.distB.Path}}, d.ID); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Fatalf("out of scope: %v", err)
		}
		if ds, err := db.FindDecisions(ctx, huanxin.Scope{PartIDs: []int64{w.part.ID}}, w.estA.ID); err != nil || len(ds) != 1 {
			t.Fatalf("resident list: %d %v", len(ds), err)
		}
		if ds, err := db.FindDecisions(ctx, huanxin.Scope{All: true}, w.estB.ID); err != nil || len(ds) != 0 {
			t.Fatalf("other estate: %d %v", len(ds), err)
		}
		a := huanxin.Area(8532)
		e, err := decision.Freeze([]decision.PartInput{{PartID: w.part.ID, Register: &a, Owners: []int64{w.owner.ID}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.FreezeElectorate(ctx, d.ID, e); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("freeze a draft: %v", err)
		}
		if err := db.SetDecisionStatus(ctx, d.ID, decision.StatusPublished, decision.StatusOpen); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("stale transition: %v", err)
		}
		if err := db.SetDecisionStatus(ctx, d.ID, decision.StatusDraft, decision.StatusPublished); err != nil {
			t.Fatal(err)
		}
		if err := db.FreezeElectorate(ctx, d.ID, e); err != nil {
			t.Fatal(err)
		}
		if err := db.FreezeElectorate(ctx, d.ID, e); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("freeze twice: %v", err)
		}
		stored, err := db.Electorate(ctx, d.ID)
		if err != nil || !reflect.DeepEqual(stored, e) {
			t.Fatalf("electorate:\n%+v\n%+v %v", stored, e, err)
		}
		got, _ = db.FindDecisionByID(ctx, huanxin.Scope{All: true}, d.ID)
		if got.Status != decision.StatusOpen || got.PublishedAt.IsZero() || got.OpensAt.IsZero() {
			t.Fatalf("opened %+v", got)
		}

		const n = 100
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = db.CastBallot(ctx, &decision.StoredBallot{CityID: d.CityID, DecisionID: d.ID, Person: e.Voters[0].ID,
					Channel: decision.ChannelOnline, Choices: map[decision.MatterID]decision.Choice{d.Matters[0].ID: decision.Agree},
					ReceiptHash: decision.ReceiptHash(string(rune('A' + i%26))), CastBy: 1, State: decision.BallotCounted})
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else if huanxin.ErrorCode(err) != huanxin.ECONFLICT {
				t.Fatalf("unexpected: %v", err)
			}
		}
		bs, err := db.Ballots(ctx, d.ID)
		if ok != 1 || err != nil || len(bs) != 1 || bs[0].Choices[d.Matters[0].ID] != decision.Agree || bs[0].CastAt.IsZero() {
			t.Fatalf("%d stored, ballots %+v, %v", ok, bs, err)
		}
		r, err := db.FindReceipt(ctx, bs[0].ReceiptHash)
		if err != nil || !reflect.DeepEqual(r, bs[0]) {
			t.Fatalf("receipt %+v %v", r, err)
		}
		if _, err := db.FindReceipt(ctx, decision.ReceiptHash("none")); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Fatalf("missing receipt: %v", err)
		}
		// A paper ballot's first entry is pending, without a receipt; its
		// second entry is stored once.
		paper := &decision.StoredBallot{CityID: d.CityID, DecisionID: d.ID, Person: "owner:998", Channel: decision.ChannelPaperDoor,
			Choices: map[decision.MatterID]decision.Choice{d.Matters[0].ID: decision.Oppose}, ReceiptHash: decision.ReceiptHash("placeholder"),
			CastBy: 1, State: decision.BallotPending, ScanSHA256: strings.Repeat("0", 64), ScanName: "scan.pdf"}
		if err := db.CastBallot(ctx, paper); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindReceipt(ctx, paper.ReceiptHash); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Fatalf("receipt of a pending ballot: %v", err)
		}
		paper.State, paper.ReceiptHash = decision.BallotCounted, decision.ReceiptHash("confirmed")
		paper.SecondBy, paper.SecondChannel, paper.SecondChoices = 2, paper.Channel, paper.Choices
		if err := db.ConfirmBallot(ctx, paper); err != nil || paper.SecondAt.IsZero() {
			t.Fatalf("confirm: %v", err)
		}
		if err := db.ConfirmBallot(ctx, paper); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("second confirmation: %v", err)
		}
		got2, err := db.FindBallot(ctx, d.ID, "owner:998")
		if err != nil || got2.State != decision.BallotCounted || got2.SecondBy != 2 || got2.ScanName != "scan.pdf" ||
			got2.SecondChoices[d.Matters[0].ID] != decision.Oppose || got2.SecondAt.IsZero() {
			t.Fatalf("confirmed ballot %+v %v", got2, err)
		}
		if r, err := db.FindReceipt(ctx, decision.ReceiptHash("confirmed")); err != nil || r.ID != paper.ID {
			t.Fatalf("receipt of the confirmed ballot: %+v %v", r, err)
		}
		if _, err := db.FindBallot(ctx, d.ID, "owner:997"); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Fatalf("missing ballot: %v", err)
		}
		if err := db.SetDecisionStatus(ctx, d.ID, decision.StatusOpen, decision.StatusClosed); err != nil {
			t.Fatal(err)
		}
		err = db.CastBallot(ctx, &decision.StoredBallot{CityID: d.CityID, DecisionID: d.ID, Person: "owner:999",
			Channel: decision.ChannelOnline, ReceiptHash: decision.ReceiptHash("late"), CastBy: 1})
		if huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("cast after closing: %v", err)
		}
		if b, _, err := db.VerifyAudit(ctx); err != nil || b != nil {
			t.Fatalf("audit chain: %+v %v", b, err)
		}
	})
}
