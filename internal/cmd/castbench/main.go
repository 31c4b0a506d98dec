// Command castbench measures owners casting online ballots over HTTP
// (docs/performance.md): it builds a fresh database with one estate of
// tens of thousands of owners, a resident account and personal access
// token for each, and a decision opened over the estate; serves the real
// handler chain (package server with the JSON API and the web pages, as
// `huanxin serve` does) on a loopback port; then runs concurrent voters,
// each POSTing real online ballots of distinct owners to
// /api/v1/decisions/{id}/ballots, and reports ballots/s and latency
// percentiles. Afterwards it checks that the stored ballots are exactly the
// acknowledged ones.
//
//	go run ./internal/cmd/castbench                       # SQLite, synchronous=FULL, group commit
//	go run ./internal/cmd/castbench -group=false          # one fsync per ballot
//	go run ./internal/cmd/castbench -sync=normal          # no fsync at commit (not durable)
//	go run ./internal/cmd/castbench -postgres postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
	"github.com/huanxin/huanxin/api"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/demo"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/importer"
	"github.com/huanxin/huanxin/pii"
	"github.com/huanxin/huanxin/server"
	"github.com/huanxin/huanxin/store"
	"github.com/huanxin/huanxin/web"
)

func main() {
	estates := flag.Int("estates", 140, "demo estates merged into one estate (140 give about 60,000 owners)")
	voters := flag.Int("voters", 64, "concurrent voters")
	dur := flag.Duration("duration", 20*time.Second, "how long to cast (at most one ballot per owner)")
	pg := flag.String("postgres", "", "PostgreSQL server URL; a fresh database is created on it and dropped after (default: SQLite)")
	sync := flag.String("sync", "full", "SQLite synchronous setting while casting: full (durable) or normal")
	group := flag.Bool("group", true, "SQLite group commit while casting")
	dir := flag.String("dir", "", "directory of the SQLite file (default: a temporary directory, removed after)")
	flag.Parse()
	if err := run(*estates, *voters, *dur, *pg, *sync, *group, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "castbench:", err)
		os.Exit(1)
	}
}

func run(estates, nVoters int, dur time.Duration, pgURL, syncMode string, group bool, dir string) error {
	debug.SetGCPercent(200) // as huanxin serve does
	ctx := context.Background()
	keys, err := pii.New(bytes.Repeat([]byte("c"), 32))
	if err != nil {
		return err
	}
	var dsn string
	if pgURL != "" {
		name := fmt.Sprintf("castbench_%d", os.Getpid())
		admin, err := sql.Open("pgx", pgURL)
		if err != nil {
			return err
		}
		defer admin.Close()
		if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
			return err
		}
		defer admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		u, err := url.Parse(pgURL)
		if err != nil {
			return err
		}
		u.Path = "/" + name
		dsn = u.String()
	} else {
		if dir == "" {
			if dir, err = os.MkdirTemp("", "castbench"); err != nil {
				return err
			}
			defer os.RemoveAll(dir)
		}
		dsn = filepath.Join(dir, "huanxin.db")
	}
	db, err := store.Open(ctx, dsn, keys)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	reg := &estate.Service{Store: db}
	decisions := &decision.Service{Store: db, Register: reg}
	accounts := &account.Service{Store: db, Register: reg, Keys: keys}
	imp := &importer.Service{DB: db, Register: reg}
	sys := huanxin.NewContextWithActor(ctx, huanxin.SystemActor)

	// One estate holding the dwellings of all generated estates.
	start := time.Now()
	city := oneEstate(demo.Generate(demo.Options{Seed: 1, Estates: estates}))
	if err := imp.LoadDemo(sys, city); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	es, _, err := reg.Estates().Find(sys, estate.Filter{Code: city.Estates[0].Code, Limit: 1})
	if err != nil || len(es) != 1 {
		return fmt.Errorf("the merged estate: %v", err)
	}
	d := &decision.Decision{EstateID: es[0].ID, Title: "加装电梯与选聘物业", ScopeKind: decision.ScopeEstate, NoticeDays: 15,
		Matters: []decision.Matter{{Item: decision.ItemRebuild, Title: "加装电梯"}, {Item: decision.ItemManager, Title: "选聘物业"}}}
	for _, step := range []func() error{
		func() error { return decisions.Create(sys, d) },
		func() error { return decisions.Publish(sys, d.ID) },
		func() error {
			// The notice period has run: the service's clock moves past it.
			decisions.Now = func() time.Time { return time.Now().AddDate(0, 0, d.NoticeDays+1) }
			return decisions.Open(sys, d.ID)
		},
	} {
		if err := step(); err != nil {
			return err
		}
	}
	e, err := decisions.Electorate(sys, d.ID)
	if err != nil {
		return err
	}
	var owners []int64
	for _, v := range e.Voters {
		if v.ID != decision.Developer && len(v.Owners) > 0 {
			owners = append(owners, v.Owners[0])
		}
	}
	fmt.Printf("data: 1 estate, %d exclusive parts, %d voters with an owner; decision %d open (%.1fs)\n",
		len(city.Parts), len(owners), d.ID, time.Since(start).Seconds())

	// A resident account and a personal access token per owner, created
	// concurrently through the store.
	start = time.Now()
	tokens := make([]string, len(owners))
	var next atomic.Int64
	var firstErr error
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(owners) {
					return
				}
				u := &account.User{Username: fmt.Sprintf("owner%06d", i), Name: "业主", Role: huanxin.RoleResident, OwnerID: owners[i]}
				err := db.CreateUser(sys, u, "!")
				var raw string
				if err == nil {
					var hash []byte
					raw, hash = account.NewSecret("hx_")
					now := time.Now().UTC()
					err = db.CreateToken(sys, &account.Token{UserID: u.ID, Name: "castbench", Created: now, Expires: now.Add(24 * time.Hour)}, hash)
				}
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					return
				}
				tokens[i] = raw
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return fmt.Errorf("accounts: %w", firstErr)
	}
	fmt.Printf("accounts: %d residents with tokens (%.1fs)\n", len(tokens), time.Since(start).Seconds())

	// The settings under test.
	engine := "PostgreSQL"
	if db.Dialect == store.SQLite {
		db.SetGroupCommit(group)
		if syncMode == "normal" {
			if err := db.SetSynchronousNormal(ctx); err != nil {
				return err
			}
		}
		engine = fmt.Sprintf("SQLite synchronous=%s, group commit %v", strings.ToUpper(syncMode), group)
	} else {
		engine = "PostgreSQL " + pgSetting(dsn, "server_version") + ", synchronous_commit=" + pgSetting(dsn, "synchronous_commit") +
			", fsync=" + pgSetting(dsn, "fsync")
	}

	// The server as huanxin serve builds it.
	ledger := &audit.Service{Store: db, Cities: reg.Cities}
	pages, err := web.NewPages(reg, accounts, imp, ledger)
	if err != nil {
		return err
	}
	srv := server.New(db, accounts, slog.New(slog.NewTextHandler(io.Discard, nil)),
		api.NewWithExtras(reg, api.Extras{Accounts: accounts, Audit: ledger, Importer: imp, Decisions: decisions}), pages)
	pages.Sessions, pages.Session = srv, server.SessionFromContext
	pages.Decisions = decisions
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	go hs.Serve(ln)
	defer hs.Close()
	target := fmt.Sprintf("http://%s/api/v1/decisions/%d/ballots", ln.Addr(), d.ID)
	body, _ := json.Marshal(api.BallotInput{Choices: map[int64]string{int64(d.Matters[0].ID): "agree", int64(d.Matters[1].ID): "oppose"}})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: nVoters, MaxConnsPerHost: nVoters}, Timeout: 30 * time.Second}

	// Cast.
	fmt.Printf("casting: %s, %d concurrent voters, %s, GOMAXPROCS %d\n", engine, nVoters, dur, runtime.GOMAXPROCS(0))
	next.Store(0)
	lat := make([][]time.Duration, nVoters)
	codes := make([]map[int]int, nVoters)
	deadline := time.Now().Add(dur)
	start = time.Now()
	for w := range nVoters {
		codes[w] = map[int]int{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				i := int(next.Add(1) - 1)
				if i >= len(tokens) {
					return
				}
				req, _ := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+tokens[i])
				req.Header.Set("Content-Type", "application/json")
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					codes[w][0]++
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat[w] = append(lat[w], time.Since(t0))
				codes[w][resp.StatusCode]++
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)

	var all []time.Duration
	byCode := map[int]int{}
	ok := 0
	for w := range nVoters {
		all = append(all, lat[w]...)
		for c, n := range codes[w] {
			byCode[c] += n
			if c >= 200 && c < 300 {
				ok += n
			}
		}
	}
	slices.Sort(all)
	pct := func(p float64) time.Duration {
		if len(all) == 0 {
			return 0
		}
		return all[min(len(all)-1, int(p*float64(len(all))))]
	}
	fmt.Printf("result: %d ballots acknowledged in %.1fs = %.0f ballots/s; answers by status %v\n",
		ok, elapsed.Seconds(), float64(ok)/elapsed.Seconds(), byCode)
	fmt.Printf("latency: p50 %s  p95 %s  p99 %s  max %s\n", ms(pct(0.50)), ms(pct(0.95)), ms(pct(0.99)), ms(pct(1)))

	stored, err := db.Ballots(ctx, d.ID)
	if err != nil {
		return err
	}
	if len(stored) != ok {
		return fmt.Errorf("%d ballots stored but %d acknowledged", len(stored), ok)
	}
	fmt.Printf("check: %d ballots stored = %d acknowledged\n", len(stored), ok)
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }

func pgSetting(dsn, name string) string {
	c, err := sql.Open("pgx", dsn)
	if err != nil {
		return "?"
	}
	defer c.Close()
	var v string
	if err := c.QueryRow("SHOW " + name).Scan(&v); err != nil {
		return "?"
	}
	return v
}

// oneEstate moves the buildings of every generated estate into the first
// one (building "k-n" is building n of estate k), so that one estate holds
// all dwellings and owners; the other estates are left empty.
func oneEstate(c *demo.City) *demo.City {
	first := c.Estates[0].Code
	idx := map[string]int{}
	for i, e := range c.Estates {
		idx[e.Code] = i
	}
	bno := func(estateCode, no string) string {
		if estateCode == first {
			return no
		}
		return fmt.Sprintf("%d-%s", idx[estateCode], no)
	}
	for i := range c.Buildings {
		r := &c.Buildings[i]
		r.No, r.EstateCode = bno(r.EstateCode, r.No), first
	}
	for i := range c.Stairwells {
		r := &c.Stairwells[i]
		r.BuildingNo, r.EstateCode = bno(r.EstateCode, r.BuildingNo), first
	}
	for i := range c.Parts {
		r := &c.Parts[i]
		r.BuildingNo, r.EstateCode = bno(r.EstateCode, r.BuildingNo), first
	}
	for i := range c.Ownerships {
		r := &c.Ownerships[i]
		r.BuildingNo, r.EstateCode = bno(r.EstateCode, r.BuildingNo), first
	}
	for i := range c.Residents {
		r := &c.Residents[i]
		r.BuildingNo, r.EstateCode = bno(r.EstateCode, r.BuildingNo), first
	}
	return c
}
