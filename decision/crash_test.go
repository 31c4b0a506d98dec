package decision_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/demo"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/importer"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/store"
)

// The crash test's child process casts ballots and reports each one the
// service acknowledged; the parent kills it with SIGKILL mid-stream.
const crashEnv = "HUANXIN_CRASH_CHILD"

func init() {
	if os.Getenv(crashEnv) != "" {
		castUntilKilled(os.Getenv(crashEnv))
	}
}

// castUntilKilled opens the database named by "DSN|decisionID" and casts
// online ballots for every voter, printing "ack PERSON" after each returns.
func castUntilKilled(arg string) {
	dsn, idText, _ := strings.Cut(arg, "|")
	id, _ := strconv.ParseInt(idText, 10, 64)
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, testdb.Keys())
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	svc := &decision.Service{Store: db, Register: &estate.Service{Store: db}}
	sys := huanxin.NewContextWithActor(ctx, huanxin.SystemActor)
	d, err := svc.Get(sys, id)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	e, err := svc.Electorate(sys, id)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	out := bufio.NewWriter(os.Stdout)
	for _, v := range e.Voters {
		if v.ID == decision.Developer || len(v.Owners) == 0 {
			continue
		}
		who := huanxin.NewContextWithActor(ctx, &huanxin.Actor{UserID: v.Owners[0], Role: huanxin.RoleResident,
			OwnerID: v.Owners[0], Scope: huanxin.Scope{PartIDs: []int64{v.Parts[0].PartID}}})
		if _, err := svc.Cast(who, id, decision.Vote{Choices: map[decision.MatterID]decision.Choice{d.Matters[0].ID: decision.Agree}}); err != nil {
			fmt.Fprintln(out, "error", err)
		} else {
			fmt.Fprintln(out, "ack", v.ID)
		}
		out.Flush()
	}
	os.Exit(0)
}

// TestAcknowledgedBallotsSurviveSIGKILL kills the process that is casting
// ballots and proves that every ballot it acknowledged is stored.
func TestAcknowledgedBallotsSurviveSIGKILL(t *testing.T) {
	for _, dialect := range testdb.Engines(t) {
		t.Run(string(dialect), func(t *testing.T) {
			db := testdb.Open(t, dialect)
			sys := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
			reg := &estate.Service{Store: db}
			if err := (&importer.Service{DB: db, Register: reg}).LoadDemo(sys, demo.Generate(demo.Options{Seed: 1, Estates: 3})); err != nil {
				t.Fatal(err)
			}
			es, _, err := reg.Estates().Find(sys, estate.Filter{Limit: 1})
			if err != nil || len(es) == 0 {
				t.Fatal(err)
			}
			svc := &decision.Service{Store: db, Register: reg}
			// Votes open at once in this test.
			if err := db.SetCitySettings(sys, es[0].CityID, decision.Rules{Conflict: decision.ConflictFirst}.Settings(), 1); err != nil {
				t.Fatal(err)
			}
			// Votes open at once in this test.
			if err := db.SetCitySettings(sys, es[0].CityID, decision.Rules{Conflict: decision.ConflictFirst}.Settings(), 1); err != nil {
				t.Fatal(err)
			}
			d := &decision.Decision{EstateID: es[0].ID, Title: "断电测试", ScopeKind: decision.ScopeEstate,
				Matters: []decision.Matter{{Item: decision.ItemRebuild, Title: "加装电梯"}}}
			for _, step := range []func() error{func() error { return svc.Create(sys, d) },
				func() error { return svc.Publish(sys, d.ID) }, func() error { return svc.Open(sys, d.ID) }} {
				if err := step(); err != nil {
					t.Fatal(err)
				}
			}
			child := exec.Command(os.Args[0], "-test.run", "^$")
			child.Env = append(os.Environ(), crashEnv+"="+db.DSN+"|"+strconv.FormatInt(d.ID, 10))
			stdout, err := child.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := child.Start(); err != nil {
				t.Fatal(err)
			}
			acked := map[decision.PersonID]bool{}
			sc := bufio.NewScanner(stdout)
			deadline := time.Now().Add(time.Minute)
			for len(acked) < 40 && sc.Scan() && time.Now().Before(deadline) {
				if who, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
					acked[decision.PersonID(who)] = true
				} else {
					t.Fatalf("child: %s", sc.Text())
				}
			}
			child.Process.Signal(syscall.SIGKILL)
			child.Wait()
			if len(acked) < 40 {
				t.Fatalf("only %d ballots were acknowledged before the kill", len(acked))
			}
			stored, err := db.Ballots(context.Background(), d.ID)
			if err != nil {
				t.Fatal(err)
			}
			have := map[decision.PersonID]bool{}
			for _, b := range stored {
				have[b.Person] = true
			}
			for who := range acked {
				if !have[who] {
					t.Errorf("acknowledged ballot of %s lost", who)
				}
			}
		})
	}
}
