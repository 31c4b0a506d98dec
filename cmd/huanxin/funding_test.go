package main

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/demo"
)

// `huanxin funding check` passes on the demo's books and fails, naming
// the record, once a payment is changed in the database behind the
// platform's back.
func TestFundingCheckCommand(t *testing.T) {
	data := t.TempDir()
	ctx := context.Background()
	e := &env{data: data, stdout: io.Discard, log: slog.New(slog.DiscardHandler)}
	a, err := e.open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sys := huanxin.NewContextWithActor(ctx, huanxin.SystemActor)
	if err := a.importer.LoadDemo(sys, demo.Generate(demo.Options{Seed: 1, Estates: 10})); err != nil {
		t.Fatal(err)
	}
	if err := demo.ApprovePlans(sys, a.plans, a.reg, 2); err != nil {
		t.Fatal(err)
	}
	if err := demo.Spend(sys, a.spending, a.reg, 2); err != nil {
		t.Fatal(err)
	}
	a.db.Close()
	out, err := cli(t, data, "funding", "check")
	if err != nil || !strings.Contains(out, "funding check: 2 estates reconcile") || strings.Count(out, ": ok (sources") != 2 {
		t.Fatalf("intact: %v\n%s", err, out)
	}
	raw, err := sql.Open("sqlite", filepath.Join(data, "huanxin.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("UPDATE fund_disbursements SET amount = amount + 100 WHERE id = (SELECT MIN(id) FROM fund_disbursements)"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	out, err = cli(t, data, "funding", "check")
	if err == nil || !strings.Contains(out, "DISCREPANCIES") || !strings.Contains(out, "fund_disbursement") || !strings.Contains(out, "milestone") {
		t.Fatalf("tampered: %v\n%s", err, out)
	}
	if out, err := cli(t, data, "funding", "verify"); err == nil {
		t.Fatalf("unknown subcommand: %s", out)
	}
}
