package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime/debug"
	"slices"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
	"github.com/huanxin/huanxin/api"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/demo"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/notify"
	"github.com/huanxin/huanxin/request"
	"github.com/huanxin/huanxin/server"
	"github.com/huanxin/huanxin/web"
)

func (e *env) serve(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(e.stdout)
	e.flags(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	withDemo := fs.Bool("demo", false, "load the demo city and one account per role if the database is empty")
	demoEstates := fs.Int("demo-estates", 60, "number of estates in the demo city (5000 makes a city-sized data set for load tests)")
	secure := fs.Bool("secure-cookies", false, "mark cookies Secure (when served over HTTPS)")
	debugAddr := fs.String("debug-addr", "", "if set, serve Go profiling (/debug/pprof/) on this address, e.g. 127.0.0.1:6060")
	senders := notifyFlags(fs, e)
	if err := fs.Parse(args); err != nil {
		return ignoreHelp(err)
	}
	if os.Getenv("GOGC") == "" {
		// The live heap is small (tens of MB); collecting less often
		// trades a little memory for less time in the collector under load.
		debug.SetGCPercent(200)
	}
	notifySenders, err := senders()
	if err != nil {
		return err
	}
	a, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer a.db.Close()
	if *withDemo {
		if err := loadDemo(ctx, a, e, *demoEstates); err != nil {
			return err
		}
	}
	if *debugAddr != "" {
		go func() { e.log.Error("debug server", "err", http.ListenAndServe(*debugAddr, pprofMux())) }()
	}
	// Overdue requests escalate one level up, checked every minute.
	a.requests.Notifier = request.Messenger{Notify: a.notify, Accounts: a.accounts, Requests: a.requests, Log: e.log}
	go a.requests.Sweep(ctx, time.Minute, func(err error) { e.log.Error("request escalation", "err", err) })
	// Scheduled satisfaction surveys go out when due, checked every minute.
	go a.questionnaires.SweepSchedules(ctx, time.Minute, func(err error) { e.log.Error("survey schedules", "err", err) })
	h, err := handler(a, e, *secure)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	// Notifications leave through the configured SMTP server and intranet
	// gateways, or the outbox under the data directory.
	go (&notify.Dispatcher{Store: a.db, Senders: notifySenders, Log: e.log}).Run(ctx, time.Minute)
	fmt.Fprintf(e.stdout, "焕新 Huanxin listening on http://%s/\n", ln.Addr())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// handler builds the whole HTTP handler of an opened app.
func handler(a *app, e *env, secure bool) (http.Handler, error) {
	ledger := &audit.Service{Store: a.db, Cities: a.reg.Cities}
	pages, err := web.NewPages(a.reg, a.accounts, a.importer, ledger)
	if err != nil {
		return nil, err
	}
	srv := server.New(a.db, a.accounts, e.log, api.NewWithExtras(a.reg, api.Extras{Accounts: a.accounts, Audit: ledger, Importer: a.importer, Decisions: a.decisions,
		Files: a.files, Notices: a.notices, Notify: a.notify, Surveys: a.surveys, Questionnaires: a.questionnaires, Catalogue: a.catalogue,
		Priority: a.priority, Requests: a.requests, Plans: a.plans, Programmes: a.programmes, Funding: a.funding,
		Represent: a.represent, Appraisals: a.appraisals, Maintenance: a.maintenance, Shares: a.shares, Spending: a.spending}), pages)
	srv.Secure = secure
	pages.Sessions, pages.Session = srv, server.SessionFromContext
	pages.Decisions, pages.Files, pages.Notices, pages.Notify = a.decisions, a.files, a.notices, a.notify
	pages.Surveys, pages.Questionnaires, pages.Catalogue, pages.Priority = a.surveys, a.questionnaires, a.catalogue, a.priority
	pages.Plans, pages.Programmes, pages.Funding, pages.Shares = a.plans, a.programmes, a.funding, a.shares
	pages.Appraisals, pages.Maintenance, pages.Spending = a.appraisals, a.maintenance, a.spending
	pages.Requests, pages.Represent = a.requests, a.represent
	return srv.Handler(), nil
}

// DemoPassword is the password of every demo account.
const DemoPassword = "huanxin2026"

// loadDemo fills an empty database with the demo city and one account per
// role, and prints the logins.
func loadDemo(ctx context.Context, a *app, e *env, estates int) error {
	sys := huanxin.NewContextWithActor(ctx, huanxin.SystemActor)
	_, n, err := a.reg.Estates().Find(sys, estate.Filter{Limit: 1})
	if err != nil {
		return err
	}
	if n == 0 {
		city := demo.Generate(demo.Options{Seed: 1, Estates: estates})
		if err := a.importer.LoadDemo(sys, city); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		if err := demoAccounts(sys, a, city); err != nil {
			return fmt.Errorf("demo accounts: %w", err)
		}
		if err := demo.ApprovePlans(sys, a.plans, a.reg, 12); err != nil {
			return fmt.Errorf("demo plans: %w", err)
		}
		if err := demo.Spend(sys, a.spending, a.reg, 2); err != nil {
			return fmt.Errorf("demo spending: %w", err)
		}
	}
	us, _, err := a.accounts.FindUsers(sys, account.UserFilter{Limit: 100})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Demo accounts (password %s):\n", DemoPassword)
	for _, u := range us {
		scope := ""
		for _, s := range u.Scopes {
			scope += " " + s.Name
		}
		fmt.Fprintf(e.stdout, "  %-12s %-10s %s%s\n", u.Username, u.Role, u.Name, scope)
	}
	return nil
}

func demoAccounts(ctx context.Context, a *app, city *demo.City) error {
	find := func(code string) int64 {
		js, _, _ := a.reg.Jurisdictions().Find(ctx, estate.Filter{Code: code, Limit: 1})
		if len(js) == 0 {
			return 0
		}
		return js[0].ID
	}
	var cityCode, districtCode, streetCode, communityCode string
	for _, j := range city.Jurisdictions {
		switch {
		case j.Level == huanxin.LevelCity && cityCode == "":
			cityCode = j.Code
		case j.Level == huanxin.LevelDistrict && districtCode == "":
			districtCode = j.Code
		case j.Level == huanxin.LevelStreet && streetCode == "" && city.ParentCode[j.Code] == districtCode:
			streetCode = j.Code
		case j.Level == huanxin.LevelCommunity && communityCode == "" && city.ParentCode[j.Code] == streetCode:
			communityCode = j.Code
		}
	}
	// The first estate of the demo community, for estate-bound roles.
	es, _, err := a.reg.Estates().Find(ctx, estate.Filter{JurisdictionID: ptr(find(communityCode)), Limit: 1})
	if err != nil || len(es) == 0 {
		return fmt.Errorf("no estate in community %s", communityCode)
	}
	est := es[0].ID
	owners, _, err := a.reg.Owners().Find(ctx, estate.Filter{EstateID: &est, Limit: 50})
	if err != nil {
		return err
	}
	// The demo resident is a person, not an employer unit holding dwellings.
	owners = slices.DeleteFunc(owners, func(o *estate.Owner) bool { return o.Kind != estate.OwnerPerson })
	if len(owners) == 0 {
		return fmt.Errorf("no owner in estate %d", est)
	}
	j := func(code string) []account.ScopeRef { return []account.ScopeRef{{JurisdictionID: find(code)}} }
	estateScope := []account.ScopeRef{{EstateID: est}}
	users := []account.User{
		{Username: "admin", Name: "系统管理员", Role: huanxin.RoleAdmin},
		{Username: "bureau", Name: "市住建局 王科长", Role: huanxin.RoleBureau, Scopes: j(cityCode)},
		{Username: "district", Name: "区住建局 陈科员", Role: huanxin.RoleBureau, Scopes: j(districtCode)},
		{Username: "street", Name: "街道 刘主任", Role: huanxin.RoleStreet, Scopes: j(streetCode)},
		{Username: "community", Name: "社区 赵书记", Role: huanxin.RoleCommunity, Scopes: j(communityCode)},
		{Username: "committee", Name: "业委会 孙主任", Role: huanxin.RoleCommittee, Scopes: estateScope},
		{Username: "resident", Name: owners[0].Name, Role: huanxin.RoleResident, OwnerID: owners[0].ID},
		{Username: "contractor", Name: "某建设工程公司", Role: huanxin.RoleContractor, Scopes: estateScope},
		{Username: "property", Name: "某物业服务公司", Role: huanxin.RoleProperty, Scopes: estateScope},
		{Username: "utility", Name: "市供水公司", Role: huanxin.RoleUtility, Scopes: j(districtCode)},
		{Username: "auditor", Name: "市审计局 周审计", Role: huanxin.RoleAuditor, Scopes: j(cityCode)},
	}
	for i := range users {
		if err := a.accounts.CreateUser(ctx, &users[i], DemoPassword); err != nil {
			return fmt.Errorf("%s: %w", users[i].Username, err)
		}
	}
	return nil
}

// pprofMux serves the Go profiler, only on the separate --debug-addr.
func pprofMux() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("/debug/pprof/", pprof.Index)
	m.HandleFunc("/debug/pprof/profile", pprof.Profile)
	m.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return m
}

func ptr[T any](v T) *T { return &v }
