package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
	"github.com/huanxin/huanxin/estate"
)

func (e *env) user(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New("usage: huanxin user add|passwd|list [flags]")
	}
	sys := huanxin.NewContextWithActor(ctx, huanxin.SystemActor)
	switch args[0] {
	case "add":
		var u account.User
		var role, scopes, password string
		fs := flag.NewFlagSet("user add", flag.ContinueOnError)
		fs.SetOutput(e.stdout)
		e.flags(fs)
		fs.StringVar(&u.Username, "username", "", "login name (required)")
		fs.StringVar(&u.Name, "name", "", "display name (required)")
		fs.StringVar(&u.Phone, "phone", "", "mobile number, also usable to sign in")
		fs.StringVar(&role, "role", "admin", "role: "+roleList())
		fs.StringVar(&scopes, "scope", "", "comma-separated jurisdiction codes the account is bound to (e.g. 330102), or estate:CODE")
		fs.StringVar(&password, "password", "", "initial password (at least 8 characters)")
		if err := fs.Parse(args[1:]); err != nil {
			return ignoreHelp(err)
		}
		u.Role = huanxin.Role(role)
		a, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer a.db.Close()
		for _, code := range strings.Split(scopes, ",") {
			if code = strings.TrimSpace(code); code == "" {
				continue
			}
			if ec, ok := strings.CutPrefix(code, "estate:"); ok {
				es, _, err := a.reg.Estates().Find(sys, estate.Filter{Code: ec, Limit: 1})
				if err != nil || len(es) == 0 {
					return fmt.Errorf("no estate with code %q", ec)
				}
				u.Scopes = append(u.Scopes, account.ScopeRef{EstateID: es[0].ID})
				continue
			}
			js, _, err := a.reg.Jurisdictions().Find(sys, estate.Filter{Code: code, Limit: 1})
			if err != nil || len(js) == 0 {
				return fmt.Errorf("no jurisdiction with code %q", code)
			}
			u.Scopes = append(u.Scopes, account.ScopeRef{JurisdictionID: js[0].ID})
		}
		if err := a.accounts.CreateUser(sys, &u, password); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "user %s (%s) created with id %d\n", u.Username, u.Role, u.ID)
		return nil
	case "passwd":
		return e.simple(ctx, "user passwd", "user passwd USERNAME PASSWORD: set a password", args[1:], 2, func(a *app, p []string) error {
			us, _, err := a.accounts.FindUsers(sys, account.UserFilter{Q: p[0], Limit: 1000})
			if err != nil {
				return err
			}
			for _, u := range us {
				if u.Username == p[0] {
					if err := a.accounts.SetPassword(sys, u.ID, p[1]); err != nil {
						return err
					}
					fmt.Fprintln(e.stdout, "password changed for", u.Username)
					return nil
				}
			}
			return fmt.Errorf("no user %q", p[0])
		})
	case "list":
		return e.simple(ctx, "user list", "list accounts", args[1:], 0, func(a *app, _ []string) error {
			us, n, err := a.accounts.FindUsers(sys, account.UserFilter{Limit: 1000})
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tUSERNAME\tNAME\tROLE\tPHONE\tSCOPE\tDISABLED")
			for _, u := range us {
				var sc []string
				for _, s := range u.Scopes {
					sc = append(sc, s.Name)
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%v\n", u.ID, u.Username, u.Name, u.Role, u.PhoneMasked, strings.Join(sc, ","), u.Disabled)
			}
			tw.Flush()
			fmt.Fprintf(e.stdout, "%d accounts\n", n)
			return nil
		})
	}
	return fmt.Errorf("unknown user command %q", args[0])
}

func roleList() string {
	var s []string
	for _, r := range huanxin.Roles {
		s = append(s, string(r))
	}
	return strings.Join(s, ", ")
}

func ignoreHelp(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}
