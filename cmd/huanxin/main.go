// Command huanxin runs the Huanxin platform for renovating old residential
// estates: the web server and the operator's tools, in one binary.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/file"
	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/importer"
	"github.com/huanxin/huanxin/notice"
	"github.com/huanxin/huanxin/notify"
	"github.com/huanxin/huanxin/pii"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/planning/evidence"
	"github.com/huanxin/huanxin/planning/plan"
	"github.com/huanxin/huanxin/planning/priority"
	"github.com/huanxin/huanxin/planning/programme"
	"github.com/huanxin/huanxin/questionnaire"
	"github.com/huanxin/huanxin/represent"
	"github.com/huanxin/huanxin/request"
	"github.com/huanxin/huanxin/store"
	"github.com/huanxin/huanxin/survey"
)

const usage = `huanxin — 焕新 老旧小区改造平台 / renovation of old residential estates

Usage: huanxin COMMAND [flags] [args]

Commands:
  serve            run the web server and the API (--demo loads demo data into an empty database)
  migrate          apply database migrations
  user add|passwd|list   manage accounts
  import KIND FILE import an xlsx or csv file (kinds: %s)
  export KIND FILE export a list to xlsx or csv (by the file's extension)
  template KIND FILE     write the empty xlsx import template of a kind
  audit verify     recompute the audit ledger's hash chains and name the first broken entry
  decision verify ID     re-tally an announced owners' decision and compare it with the announced result
  funding check [-city N] reconcile every estate's money (sources, allocations, payments) and replay the audit ledger
  backup DEST      write a consistent online copy of the database

Every command takes --data DIR (default ./data: the SQLite file, uploads and the
secret key) and --db URL (or HUANXIN_DB) to use PostgreSQL (postgres://...).
Run "huanxin COMMAND --help" for a command's flags.
`

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "huanxin:", err)
		for _, f := range huanxin.ErrorFields(err) {
			fmt.Fprintln(os.Stderr, "  -", f.String())
		}
		os.Exit(1)
	}
}

// env is what every command gets: its flags and the opened database.
type env struct {
	data, dsn string
	stdout    io.Writer
	log       *slog.Logger
}

func (e *env) flags(fs *flag.FlagSet) {
	fs.StringVar(&e.data, "data", "data", "directory for the SQLite file, uploads and the secret key")
	fs.StringVar(&e.dsn, "db", os.Getenv("HUANXIN_DB"), "PostgreSQL URL (postgres://...); empty: SQLite in --data")
}

// open opens and migrates the database and builds the services.
func (e *env) open(ctx context.Context) (*app, error) {
	keys, err := e.keys()
	if err != nil {
		return nil, err
	}
	dsn := e.dsn
	if dsn == "" {
		dsn = filepath.Join(e.data, "huanxin.db")
	}
	db, err := store.Open(ctx, dsn, keys)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	reg := &estate.Service{Store: db}
	files := &file.Service{Store: db, Register: reg}
	a := &app{db: db, reg: reg, files: files,
		accounts:       &account.Service{Store: db, Register: reg, Keys: keys},
		importer:       &importer.Service{DB: db, Register: reg},
		notify:         &notify.Service{Store: db},
		notices:        &notice.Service{Store: db, Register: reg, Files: files},
		surveys:        &survey.Service{Store: db, Register: reg, Files: files},
		catalogue:      &planning.CatalogueService{Store: db, Register: reg},
		priority:       &priority.Service{Store: db, Reg: reg},
		requests:       &request.Service{Store: db, Register: reg, Files: files},
		represent:      &represent.Service{Store: db, Register: reg, Files: files},
		questionnaires: &questionnaire.Service{Store: db, Register: reg, Hash: keys.Hash},
	}
	a.questionnaires.Catalogue = a.catalogue
	a.decisions = &decision.Service{Store: db, Register: reg, Files: files, Notify: a.notify}
	// Surveys and needs questionnaires feed the ranking's indicators and
	// the plans' needs and asks.
	links := evidence.Links{Surveys: a.surveys, Questionnaires: a.questionnaires, Priority: a.priority, Catalogue: a.catalogue}
	a.surveys.Submitted = links.SurveySubmitted
	a.questionnaires.Closed = links.NeedsClosed
	a.plans = &plan.Service{Store: db, Register: reg, Catalogue: a.catalogue, Decisions: a.decisions, Notices: a.notices,
		Needs: links.PlanNeeds, Asks: links.PlanAsks, Approved: links.PlanApproved}
	a.programmes = &programme.Service{Store: db, Register: reg, Scores: programme.RankedScores(a.priority)}
	a.funding = &funding.Service{Store: db, Register: reg, Plans: a.plans, Catalogue: a.catalogue}
	a.shares = &funding.Shares{Funding: a.funding, Store: db, Paid: links.SharesPaid}
	a.appraisals = &funding.Appraisals{Store: db, Register: reg}
	a.maintenance = &funding.Maintenance{Store: db, Register: reg, Decisions: a.decisions}
	a.spending = &funding.Spending{Store: db, Funding: a.funding, Programmes: a.programmes}
	a.shares.Spending = a.spending
	return a, nil
}

type app struct {
	notices        *notice.Service
	notify         *notify.Service
	decisions      *decision.Service
	files          *file.Service
	surveys        *survey.Service
	questionnaires *questionnaire.Service
	catalogue      *planning.CatalogueService
	priority       *priority.Service
	db             *store.DB
	reg            *estate.Service
	accounts       *account.Service
	importer       *importer.Service
	requests       *request.Service
	plans          *plan.Service
	programmes     *programme.Service
	funding        *funding.Service
	shares         *funding.Shares
	appraisals     *funding.Appraisals
	maintenance    *funding.Maintenance
	spending       *funding.Spending
	represent      *represent.Service
}

// keys loads the personal-data secret from HUANXIN_SECRET (hex) or from
// DATA/secret.key, creating that file on first use. Every server of a
// deployment must share it: losing it makes stored phone numbers unreadable.
func (e *env) keys() (*pii.Keys, error) {
	if s := os.Getenv("HUANXIN_SECRET"); s != "" {
		b, err := hex.DecodeString(strings.TrimSpace(s))
		if err != nil {
			return nil, errors.New("HUANXIN_SECRET must be hex (64 hex digits or more)")
		}
		return pii.New(b)
	}
	path := filepath.Join(e.data, "secret.key")
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(e.data, 0o750); err != nil {
			return nil, err
		}
		b = make([]byte, 32)
		rand.Read(b)
		b = []byte(hex.EncodeToString(b))
		if err := os.WriteFile(path, b, 0o600); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	raw, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("%s: not hex", path)
	}
	return pii.New(raw)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintf(stdout, usage, strings.Join((&importer.Service{}).Kinds(), ", "))
		return nil
	}
	e := &env{stdout: stdout, log: slog.New(slog.NewJSONHandler(stderr, nil))}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
		defer stop()
		return e.serve(ctx, rest)
	case "migrate":
		return e.simple(ctx, "migrate", "apply database migrations", rest, 0, func(a *app, _ []string) error {
			fmt.Fprintln(stdout, "migrations applied")
			return nil
		})
	case "user":
		return e.user(ctx, rest)
	case "import", "export", "template":
		return e.sheets(ctx, cmd, rest)
	case "audit":
		return e.audit(ctx, rest)
	case "decision":
		return e.decision(ctx, rest)
	case "funding":
		return e.fundingCheck(ctx, rest)
	case "backup":
		return e.simple(ctx, "backup", "write a consistent online copy of the database to DEST", rest, 1, func(a *app, p []string) error {
			if err := a.db.Backup(ctx, p[0]); err != nil {
				return err
			}
			fmt.Fprintln(stdout, "backup written to", p[0])
			return nil
		})
	}
	return fmt.Errorf("unknown command %q (see huanxin --help)", cmd)
}

// simple parses the common flags (and those extra adds), checks the number
// of arguments, opens the database and runs fn as the system actor.
func (e *env) simple(ctx context.Context, name, help string, args []string, nargs int, fn func(a *app, args []string) error, extra ...func(*flag.FlagSet)) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stdout)
	e.flags(fs)
	for _, f := range extra {
		f(fs)
	}
	fs.Usage = func() {
		fmt.Fprintf(e.stdout, "huanxin %s: %s\n\nFlags:\n", name, help)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() != nargs {
		fs.Usage()
		return fmt.Errorf("%s needs %d argument(s)", name, nargs)
	}
	a, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer a.db.Close()
	return fn(a, fs.Args())
}

func (e *env) audit(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		return errors.New("usage: huanxin audit verify [--data DIR] [--db URL]")
	}
	return e.simple(ctx, "audit verify", "recompute every hash chain of the audit ledger", args[1:], 0, func(a *app, _ []string) error {
		b, n, err := a.db.VerifyAudit(ctx)
		if err != nil {
			return err
		}
		if b != nil {
			return fmt.Errorf("audit ledger BROKEN at city %d entry %d after %d entries checked: %s", b.CityID, b.Seq, n, b.Reason)
		}
		fmt.Fprintf(e.stdout, "audit ledger intact: %d entries verified\n", n)
		return nil
	})
}

func (e *env) decision(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		return errors.New("usage: huanxin decision verify ID [--data DIR] [--db URL]")
	}
	return e.simple(ctx, "decision verify", "re-tally an announced decision from its stored ballots and frozen electorate", args[1:], 1, func(a *app, p []string) error {
		id, err := strconv.ParseInt(p[0], 10, 64)
		if err != nil {
			return fmt.Errorf("decision ID %q is not a number", p[0])
		}
		r, ok, err := a.decisions.Verify(huanxin.NewContextWithActor(ctx, huanxin.SystemActor), id)
		if err != nil {
			return err
		}
		for _, m := range r.Matters {
			fmt.Fprintf(e.stdout, "matter %d (item %d): %s\n", m.ID, m.Item, m.Outcome)
		}
		if !ok {
			return fmt.Errorf("decision %d: the re-tally DIFFERS from the announced result", id)
		}
		fmt.Fprintf(e.stdout, "decision %d: the re-tally matches the announced result (%d ballots counted)\n", id, r.Counted)
		return nil
	})
}

func (e *env) sheets(ctx context.Context, cmd string, args []string) error {
	help := map[string]string{"import": "import KIND FILE (xlsx or csv); nothing is written unless the whole file is valid",
		"export": "export KIND FILE: every record of a kind to xlsx or csv", "template": "template KIND FILE: the empty xlsx template"}[cmd]
	return e.simple(ctx, cmd, help, args, 2, func(a *app, p []string) error {
		kind, path := p[0], p[1]
		sys := huanxin.NewContextWithActor(ctx, huanxin.SystemActor)
		switch cmd {
		case "import":
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			res, err := a.importer.Import(sys, kind, f, filepath.Base(path), nil)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s: %+v\n", path, *res)
			return nil
		case "export":
			format := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
			f, err := os.Create(path)
			if err != nil {
				return err
			}
			n, err := a.importer.Export(sys, kind, estate.Filter{}, format, f)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%d rows written to %s\n", n, path)
			return nil
		}
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		if err := a.importer.WriteTemplate(f, kind, "zh-CN"); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	})
}
