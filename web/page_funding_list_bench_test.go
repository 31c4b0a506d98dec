package web

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/planning/plan"
	"github.com/huanxin/huanxin/store"
)

// BenchmarkFundingLists renders the funding list (/funding) and the
// maintenance-fund list (/maintenance-fund) of a community officer whose
// community has 100 estates (the most a page shows), each with a plan,
// two funding lines and imported balances of 12 dwellings, on SQLite.
func BenchmarkFundingLists(b *testing.B) {
	db := testdb.Open(b, store.SQLite)
	f := newAdminFixture(b, db)
	sys := sysCtx()
	octx := huanxin.NewContextWithActor(sys, f.officer)
	reg := f.p.Reg
	plans := withFunding(f, db)
	f.p.Maintenance = &funding.Maintenance{Store: db, Register: reg, Decisions: f.p.Decisions}
	for i := range fundingListEstates {
		e := &estate.Estate{JurisdictionID: f.community.ID, Code: "B" + strconv.Itoa(i), Name: "测试小区" + strconv.Itoa(i), YearBuilt: 1990}
		mustDo(b, reg.Estates().Create(sys, e))
		bl := &estate.Building{EstateID: e.ID, No: "1", Floors: 6}
		mustDo(b, reg.Buildings().Create(sys, bl))
		s := &estate.Stairwell{BuildingID: bl.ID, No: "1"}
		mustDo(b, reg.Stairwells().Create(sys, s))
		csv := []string{"楼栋号,房号,余额(元)"}
		for fl := 1; fl <= 6; fl++ {
			for _, r := range []string{"01", "02"} {
				room := strconv.Itoa(fl) + r
				mustDo(b, reg.Parts().Create(sys, &estate.Part{StairwellID: s.ID, Kind: estate.KindDwelling, Floor: fl, Room: room, Area: 8000,
					Sold: true, Delivered: true}))
				csv = append(csv, "1,"+room+",3000.50")
			}
		}
		if _, err := f.p.Maintenance.ImportBalances(octx, e.ID, time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC),
			strings.NewReader(strings.Join(csv, "\n")), "余额.csv"); err != nil {
			b.Fatal(err)
		}
		pl, err := plans.Create(octx, e.ID, "综合改造")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := plans.SetLines(octx, pl.ID, []plan.LineInput{{ItemCode: "I15", Quantity: 100, Phase: 1, Zone: []int64{bl.ID}}}); err != nil {
			b.Fatal(err)
		}
		for _, l := range []funding.Line{{ItemCode: "I15", Source: planning.SourceOwners, Amount: 20000000},
			{ItemCode: "I15", Source: "city_budget", Amount: 30000000}} {
			if _, err := f.p.Funding.Add(octx, pl.ID, l); err != nil {
				b.Fatal(err)
			}
		}
	}
	for _, page := range []string{"/funding", "/maintenance-fund"} {
		b.Run(strings.TrimPrefix(page, "/"), func(b *testing.B) {
			for b.Loop() {
				rec, body := f.do(b, f.officer, "GET", page, nil)
				if rec.Code != http.StatusOK || !strings.Contains(body, "测试小区99") {
					b.Fatalf("%s: %d", page, rec.Code)
				}
			}
		})
	}
}
