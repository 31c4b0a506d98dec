package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/huanxin/huanxin"
)

// fundingCheck runs `huanxin funding check`: it reconciles the books of
// every estate with funding (of one city with -city) and replays the audit
// ledger against them, printing a line per estate and failing with the
// discrepancies.
func (e *env) fundingCheck(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "check" {
		return errors.New("usage: huanxin funding check [-city N] [--data DIR] [--db URL]")
	}
	var city int64
	cityFlag := func(fs *flag.FlagSet) { fs.Int64Var(&city, "city", 0, "check this city only (its ID); 0: every city") }
	return e.simple(ctx, "funding check", "prove sources = allocations + unallocated and allocations = payments + outstanding for every estate",
		args[1:], 0, func(a *app, _ []string) error {
			sys := huanxin.NewContextWithActor(ctx, huanxin.SystemActor)
			cities := []int64{city}
			if city == 0 {
				var err error
				if cities, err = a.reg.Cities(sys); err != nil {
					return err
				}
			}
			estates, bad := 0, 0
			for _, c := range cities {
				checked, err := a.spending.Check(sys, c)
				if err != nil {
					return err
				}
				for _, k := range checked {
					if k.EstateID == 0 && len(k.Discrepancies) == 0 {
						continue // the city's ledger has nothing the tables lack
					}
					state := "ok"
					if len(k.Discrepancies) > 0 {
						state = fmt.Sprintf("%d DISCREPANCIES", len(k.Discrepancies))
					}
					if k.EstateID == 0 {
						fmt.Fprintf(e.stdout, "city %d ledger: %s\n", c, state)
					} else {
						estates++
						t := k.Totals
						fmt.Fprintf(e.stdout, "city %d estate %d: %s (sources %s = allocated %s + unallocated %s; allocated = paid %s + outstanding %s)\n",
							c, k.EstateID, state, t.Sources, t.Allocated, t.Unallocated, t.Paid, t.Outstanding)
					}
					for _, d := range k.Discrepancies {
						fmt.Fprintln(e.stdout, "  -", d)
						bad++
					}
				}
			}
			if bad > 0 {
				return fmt.Errorf("funding check: %d discrepancies", bad)
			}
			fmt.Fprintf(e.stdout, "funding check: %d estates reconcile\n", estates)
			return nil
		}, cityFlag)
}
