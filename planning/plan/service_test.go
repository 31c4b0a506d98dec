package plan_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/file"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/internal/testworld"
	"github.com/huanxin/huanxin/notice"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/planning/plan"
	"github.com/huanxin/huanxin/store"
)

func TestMain(m *testing.M) { testdb.Main(m) }

type world struct {
	*testworld.World
	svc *plan.Service
}

func setup(t *testing.T, db *store.DB) *world {
	t.Helper()
	w := &world{World: testworld.New(t, db)}
	w.svc = &plan.Service{Store: db, Register: w.Register, Catalogue: &planning.CatalogueService{Store: db, Register: w.Register},
		Decisions: &decision.Service{Store: db, Register: w.Register}}
	return w
}

func TestPlanLifecycle(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := setup(t, db)
		s := w.svc
		if _, err := s.Create(w.Resident, w.Estate.ID, "x"); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("resident drafts a plan: %v", err)
		}
		p, err := s.Create(w.Community, w.Estate.ID, " 棉纺新村综合改造 ")
		if err != nil || p.Title != "棉纺新村综合改造" || p.Status != plan.Draft || p.Version != 1 {
			t.Fatalf("create %+v %v", p, err)
		}
		// Bad lines are refused with the line and field named.
		_, err = s.SetLines(w.Community, p.ID, []plan.LineInput{
			{ItemCode: "Z99", Quantity: 100, Phase: 1},
			{ItemCode: "B01", Quantity: 0, Phase: 0, Zone: []int64{w.B2.ID + 100}},
		})
		fields := map[string]bool{}
		for _, f := range huanxin.ErrorFields(err) {
			fields[f.Field] = true
		}
		if huanxin.ErrorCode(err) != huanxin.EINVALID || !fields["lines.0.item_code"] || !fields["lines.1.quantity"] ||
			!fields["lines.1.phase"] || !fields["lines.1.zone"] {
			t.Fatalf("bad lines: %v", err)
		}
		// Roads (B05) in phase 1 over pipes (B01) in phase 2: out of order.
		lines := []plan.LineInput{
			{ItemCode: "B05", Quantity: 120000, Phase: 1},                        // 1,200 m² of roads, catalogue price
			{ItemCode: "B01", Quantity: 30000, Phase: 2, Zone: []int64{w.B1.ID}}, // 300 m of water pipes
			{ItemCode: "I15", Quantity: 100, UnitCost: 65000000, Phase: 3, Zone: []int64{w.B2.ID}},
		}
		p, err = s.SetLines(w.Community, p.ID, lines)
		if err != nil || len(p.Lines) != 3 || p.Lines[0].Name != "小区道路改造" || p.Lines[2].UnitCost != 65000000 {
			t.Fatalf("lines %+v %v", p, err)
		}
		r, err := s.Review(w.Community, p.ID)
		if err != nil || len(r.Violations) != 1 || r.Violations[0].Requires != "B01" ||
			r.Totals.ByCategory["improve"] != 65000000 || len(r.Missing["I15"]) == 0 {
			t.Fatalf("review %+v %v", r, err)
		}
		if err := s.Submit(w.Community, p.ID); huanxin.ErrorCode(err) != huanxin.EINVALID || huanxin.ErrorFields(err)[0].Field != "lines.0.phase" {
			t.Fatalf("submit out of order: %v", err)
		}
		lines[0].Phase = 3
		if _, err := s.SetLines(w.Community, p.ID, lines); err != nil {
			t.Fatal(err)
		}
		if err := s.Submit(w.Community, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetLines(w.Community, p.ID, lines); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("edit under approval: %v", err)
		}
		// Each level approves its own step only.
		if err := s.Approve(w.Street, p.ID); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("street approves the community's step: %v", err)
		}
		if err := s.Approve(w.Community, p.ID); err != nil {
			t.Fatal(err)
		}
		// The street returns it: back to draft as version 2.
		if err := s.Return(w.Street, p.ID, ""); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("return without a reason: %v", err)
		}
		if err := s.Return(w.Street, p.ID, "请补充外墙修缮"); err != nil {
			t.Fatal(err)
		}
		p, _ = s.Get(w.Community, p.ID)
		if p.Status != plan.Draft || p.Version != 2 || p.ReturnedReason != "请补充外墙修缮" || len(p.Lines) != 3 {
			t.Fatalf("returned %+v", p)
		}
		lines = append(lines, plan.LineInput{ItemCode: "B15", Quantity: 250000, Phase: 1})
		if _, err := s.SetLines(w.Community, p.ID, lines); err != nil {
			t.Fatal(err)
		}
		for _, step := range []struct {
			who context.Context
			do  func(context.Context, int64) error
		}{{w.Community, s.Submit}, {w.Community, s.Approve}, {w.Street, s.Approve}, {w.District, s.Approve}} {
			if err := step.do(step.who, p.ID); err != nil {
				t.Fatal(err)
			}
		}
		vs, steps, err := s.History(w.Community, p.ID)
		if err != nil || len(vs) != 2 || len(steps) != 7 || steps[2].Reason != "请补充外墙修缮" {
			t.Fatalf("history %d versions %+v %v", len(vs), steps, err)
		}
		diff := plan.Diff(vs[0].Lines, vs[1].Lines)
		if len(diff) != 1 || diff[0].Kind != plan.Added || diff[0].ItemCode != "B15" {
			t.Fatalf("diff %+v", diff)
		}
		// Sign-offs are recorded once per item and body the catalogue asks for.
		if err := s.SignOff(w.Community, p.ID, "I15", "fire", "消防审核意见书 2026-12"); err != nil {
			t.Fatal(err)
		}
		if err := s.SignOff(w.Community, p.ID, "I15", "fire", ""); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("second sign-off: %v", err)
		}
		if err := s.SignOff(w.Community, p.ID, "B05", "gas", ""); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("sign-off the item does not need: %v", err)
		}
		// The owners' decision on the plan: one matter per Art. 278 item its
		// lines need — the walls from the maintenance fund (item 5), the lift
		// a rebuilding (item 7).
		d, err := s.CreateDecision(w.Community, p.ID, 0)
		if err != nil || len(d.Matters) != 2 || d.Matters[0].Item != decision.ItemUseFund || d.Matters[0].Title != "同意实施：外墙修缮" ||
			d.Matters[1].Item != decision.ItemRebuild || d.Status != decision.StatusDraft {
			t.Fatalf("decision %+v %v", d, err)
		}
		if _, err := s.CreateDecision(w.Community, p.ID, 0); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("second decision: %v", err)
		}
		if got, _ := s.Get(w.Resident, p.ID); got == nil || got.DecisionID != d.ID || got.Status != plan.Approved {
			t.Fatalf("plan after the decision %+v", got)
		}
		if b, _, err := db.VerifyAudit(context.Background()); err != nil || b != nil {
			t.Fatalf("audit chain: %+v %v", b, err)
		}
	})
}

func TestOmissionsFromSurveys(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := setup(t, db)
		w.svc.Needs = func(ctx context.Context, estateID int64) ([]plan.Need, error) {
			return []plan.Need{{FindingID: 1, ItemCode: "B14", Category: "basic", Building: w.B1.ID, Grade: 4},
				{FindingID: 2, ItemCode: "I02", Category: "improve", Grade: 3}}, nil
		}
		p, err := w.svc.Create(w.Community, w.Estate.ID, "屋面")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.SetLines(w.Community, p.ID, []plan.LineInput{{ItemCode: "B14", Quantity: 50000, Phase: 1, Zone: []int64{w.B1.ID}}}); err != nil {
			t.Fatal(err)
		}
		r, err := w.svc.Review(w.Community, p.ID)
		if err != nil || len(r.Omissions) != 1 || r.Omissions[0].ItemCode != "I02" {
			t.Fatalf("omissions %+v %v", r, err)
		}
	})
}

func TestPublishForComments(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := setup(t, db)
		files := &file.Service{Store: db, Register: w.Register}
		notices := &notice.Service{Store: db, Register: w.Register, Files: files}
		w.svc.Notices = notices
		p, err := w.svc.Create(w.Community, w.Estate.ID, "屋面改造")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.SetLines(w.Community, p.ID, []plan.LineInput{{ItemCode: "B14", Quantity: 100000, UnitCost: 15000, Phase: 1}}); err != nil {
			t.Fatal(err)
		}
		end := time.Now().AddDate(0, 0, 14)
		if _, err := w.svc.PublishForComments(w.Community, p.ID, end); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("a draft published: %v", err)
		}
		if err := w.svc.Submit(w.Community, p.ID); err != nil {
			t.Fatal(err)
		}
		n, err := w.svc.PublishForComments(w.Community, p.ID, end)
		if err != nil || n.Type != notice.TypePlan || n.Status != notice.StatusPublished || n.EstateID != w.Estate.ID ||
			!strings.Contains(n.Body, "屋面修缮：150000.00 元") {
			t.Fatalf("notice %+v %v", n, err)
		}
		if got, _ := w.svc.Get(w.Community, p.ID); got.NoticeID != n.ID {
			t.Fatalf("plan not linked: %+v", got)
		}
		if _, err := w.svc.PublishForComments(w.Community, p.ID, end); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("published twice: %v", err)
		}
	})
}
