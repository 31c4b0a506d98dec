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
			ObjectionDays: 5, Conflict: decision.ConflictPaper, AllowChange: true, OpenCount: true,
			Matters: []decision.Matter{{Item: decision.ItemRebuild, Title: "加装电梯", Extra: []decision.Extra{
				{Label: "一层业主全部同意", Rule: decision.ExtraAllAgree, Floors: []int{1}, Parts: []int64{w.part.ID}}}},
				{Item: decision.Consultation, Title: "意见"}}}
		if err := db.CreateDecision(ctx, d); err != nil {
			t.Fatal(err)
		}
		// Documents can be attached and removed while the decision is a
		// draft, and are fixed from publication.
		doc := &decision.Document{CityID: d.CityID, DecisionID: d.ID, FileID: 41, Title: "方案", SHA256: strings.Repeat("a", 64), AddedBy: 1}
		if err := db.AddDocument(ctx, doc); err != nil || doc.Added.IsZero() {
			t.Fatalf("add document: %v", err)
		}
		if err := db.AddDocument(ctx, doc); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("same document twice: %v", err)
		}
		gone := &decision.Document{CityID: d.CityID, DecisionID: d.ID, FileID: 42, Title: "草图", SHA256: strings.Repeat("b", 64), AddedBy: 1}
		if err := db.AddDocument(ctx, gone); err != nil {
			t.Fatal(err)
		}
		if err := db.RemoveDocument(ctx, d.ID, 42); err != nil {
			t.Fatal(err)
		}
		if err := db.RemoveDocument(ctx, d.ID, 42); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Fatalf("remove twice: %v", err)
		}
		if docs, err := db.Documents(ctx, d.ID); err != nil || len(docs) != 1 || !reflect.DeepEqual(docs[0], *doc) {
			t.Fatalf("documents %+v %v", docs, err)
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
		if err := db.AddDocument(ctx, gone); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("document added after publication: %v", err)
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
					Channel: decision.ChannelOnline, Entry: decision.Entry{Choices: map[decision.MatterID]decision.Choice{d.Matters[0].ID: decision.Agree}},
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
		r, replaced, err := db.FindReceipt(ctx, bs[0].ReceiptHash)
		if err != nil || !reflect.DeepEqual(r, bs[0]) || !replaced.IsZero() {
			t.Fatalf("receipt %+v %v", r, err)
		}
		if _, _, err := db.FindReceipt(ctx, decision.ReceiptHash("none")); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Fatalf("missing receipt: %v", err)
		}
		// A revised online ballot keeps its first version for the old
		// receipt code.
		rev := &decision.StoredBallot{CityID: d.CityID, DecisionID: d.ID, Person: e.Voters[0].ID, Channel: decision.ChannelOnline,
			Entry:       decision.Entry{Choices: map[decision.MatterID]decision.Choice{d.Matters[0].ID: decision.Oppose}},
			ReceiptHash: decision.ReceiptHash("revised"), CastBy: 1, State: decision.BallotCounted}
		if err := db.ReviseBallot(ctx, rev); err != nil || rev.ID != bs[0].ID || rev.RevisedAt.IsZero() {
			t.Fatalf("revise: %+v %v", rev, err)
		}
		if r, replaced, err := db.FindReceipt(ctx, bs[0].ReceiptHash); err != nil || replaced.IsZero() ||
			r.Choices[d.Matters[0].ID] != decision.Agree || !r.CastAt.Equal(bs[0].CastAt) {
			t.Fatalf("old receipt after revision: %+v %v %v", r, replaced, err)
		}
		if r, replaced, err := db.FindReceipt(ctx, rev.ReceiptHash); err != nil || !replaced.IsZero() ||
			r.Choices[d.Matters[0].ID] != decision.Oppose || r.RevisedAt.IsZero() {
			t.Fatalf("new receipt: %+v %v %v", r, replaced, err)
		}
		// A paper ballot's first entry is pending, without a receipt; its
		// second entry is stored once.
		paper := &decision.StoredBallot{CityID: d.CityID, DecisionID: d.ID, Person: "owner:998", Channel: decision.ChannelPaper,
			Entry: decision.Entry{Collection: decision.CollectDoor, Proxy: "王五",
				Choices: map[decision.MatterID]decision.Choice{d.Matters[0].ID: decision.Oppose}},
			ProxyFileID: 7, ReceiptHash: decision.ReceiptHash("placeholder"), CastBy: 1, State: decision.BallotPending,
			ScanFileID: 8, ScanSHA256: strings.Repeat("0", 64), ScanName: "scan.pdf"}
		if err := db.CastBallot(ctx, paper); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.FindReceipt(ctx, paper.ReceiptHash); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Fatalf("receipt of a pending ballot: %v", err)
		}
		paper.State, paper.ReceiptHash = decision.BallotCounted, decision.ReceiptHash("confirmed")
		paper.SecondBy, paper.Second = 2, paper.Entry
		if err := db.ConfirmBallot(ctx, paper); err != nil || paper.SecondAt.IsZero() {
			t.Fatalf("confirm: %v", err)
		}
		if err := db.ConfirmBallot(ctx, paper); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("second confirmation: %v", err)
		}
		got2, err := db.FindBallot(ctx, d.ID, "owner:998", decision.ChannelPaper)
		if err != nil || got2.State != decision.BallotCounted || got2.SecondBy != 2 || got2.ScanName != "scan.pdf" ||
			got2.ScanFileID != 8 || got2.ProxyFileID != 7 || !reflect.DeepEqual(got2.Second, paper.Entry) ||
			!reflect.DeepEqual(got2.Entry, paper.Entry) || got2.SecondAt.IsZero() {
			t.Fatalf("confirmed ballot %+v %v", got2, err)
		}
		if r, _, err := db.FindReceipt(ctx, decision.ReceiptHash("confirmed")); err != nil || r.ID != paper.ID {
			t.Fatalf("receipt of the confirmed ballot: %+v %v", r, err)
		}
		if _, err := db.FindBallot(ctx, d.ID, "owner:998", decision.ChannelOnline); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Fatalf("missing ballot: %v", err)
		}
		// The same person may hold an online and a paper ballot; a
		// mismatched paper ballot is settled once by review.
		both := &decision.StoredBallot{CityID: d.CityID, DecisionID: d.ID, Person: e.Voters[0].ID, Channel: decision.ChannelPaper,
			Entry:       decision.Entry{Collection: decision.CollectOnsite, Choices: map[decision.MatterID]decision.Choice{d.Matters[0].ID: decision.Agree}},
			ReceiptHash: decision.ReceiptHash("p2"), CastBy: 1, State: decision.BallotPending}
		if err := db.CastBallot(ctx, both); err != nil {
			t.Fatalf("paper ballot beside an online one: %v", err)
		}
		both.State, both.SecondBy = decision.BallotMismatched, 2
		both.Second = decision.Entry{Collection: decision.CollectOnsite, Choices: map[decision.MatterID]decision.Choice{d.Matters[0].ID: decision.Oppose}}
		if err := db.ConfirmBallot(ctx, both); err != nil {
			t.Fatal(err)
		}
		both.State, both.ReceiptHash, both.ReviewBy, both.ReviewNote = decision.BallotCounted, decision.ReceiptHash("reviewed"), 3, "scan shows 同意"
		both.Review = both.Entry
		if err := db.ReviewBallot(ctx, both); err != nil || both.ReviewAt.IsZero() {
			t.Fatalf("review: %v", err)
		}
		if err := db.ReviewBallot(ctx, both); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("second review: %v", err)
		}
		if got, err := db.FindBallot(ctx, d.ID, e.Voters[0].ID, decision.ChannelPaper); err != nil || got.ReviewBy != 3 ||
			got.ReviewNote != "scan shows 同意" || !reflect.DeepEqual(got.Counted(), both.Entry) || got.State != decision.BallotCounted {
			t.Fatalf("reviewed ballot %+v %v", got, err)
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

func TestCitySettingsAndObjections(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		ctx := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
		w := mustWorld(t, db)
		if set, err := db.CitySettings(ctx, w.city.ID); err != nil || len(set) != 0 {
			t.Fatalf("no settings yet: %v %v", set, err)
		}
		if err := db.SetCitySettings(ctx, w.city.ID, map[string]string{"a": "1", "b": "x"}, 1); err != nil {
			t.Fatal(err)
		}
		if err := db.SetCitySettings(ctx, w.city.ID, map[string]string{"a": "2"}, 1); err != nil {
			t.Fatal(err)
		}
		if set, err := db.CitySettings(ctx, w.city.ID); err != nil || !reflect.DeepEqual(set, map[string]string{"a": "2", "b": "x"}) {
			t.Fatalf("settings %v %v", set, err)
		}
		if set, err := db.CitySettings(ctx, w.city.ID+1000); err != nil || len(set) != 0 {
			t.Fatalf("other city: %v %v", set, err)
		}

		d := &decision.Decision{CityID: w.city.ID, EstateID: w.estA.ID, Title: "续聘物业", Status: decision.StatusDraft,
			ScopeKind: decision.ScopeEstate, CreatedBy: 1, Conflict: decision.ConflictFirst,
			Matters: []decision.Matter{{Item: decision.ItemManager, Title: "续聘"}}}
		if err := db.CreateDecision(ctx, d); err != nil {
			t.Fatal(err)
		}
		o := &decision.Objection{CityID: d.CityID, DecisionID: d.ID, RaisedBy: 5, Body: "计票有误"}
		if err := db.CreateObjection(ctx, o); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("objection before announcement: %v", err)
		}
		for _, to := range []decision.Status{decision.StatusPublished, decision.StatusOpen, decision.StatusClosed, decision.StatusAnnounced} {
			got, _ := db.FindDecisionByID(ctx, huanxin.Scope{All: true}, d.ID)
			if err := db.SetDecisionStatus(ctx, d.ID, got.Status, to); err != nil {
				t.Fatal(err)
			}
		}
		if got, _ := db.FindDecisionByID(ctx, huanxin.Scope{All: true}, d.ID); got.AnnouncedAt.IsZero() {
			t.Fatalf("announcement time not kept: %+v", got)
		}
		if err := db.CreateObjection(ctx, o); err != nil || o.ID == 0 || o.Raised.IsZero() {
			t.Fatalf("objection: %+v %v", o, err)
		}
		o.Answer, o.AnsweredBy = "已复核，计票无误", 2
		if err := db.AnswerObjection(ctx, o); err != nil || o.Answered.IsZero() {
			t.Fatalf("answer: %v", err)
		}
		if err := db.AnswerObjection(ctx, o); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("answer twice: %v", err)
		}
		if os, err := db.Objections(ctx, d.ID); err != nil || len(os) != 1 || !reflect.DeepEqual(os[0], *o) {
			t.Fatalf("objections %+v %v", os, err)
		}
		if err := db.SetDecisionStatus(ctx, d.ID, decision.StatusAnnounced, decision.StatusFinal); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.FindDecisionByID(ctx, huanxin.Scope{All: true}, d.ID); got.FinalizedAt.IsZero() {
			t.Fatalf("finalisation time not kept: %+v", got)
		}
		if b, _, err := db.VerifyAudit(ctx); err != nil || b != nil {
			t.Fatalf("audit chain: %+v %v", b, err)
		}
	})
}
