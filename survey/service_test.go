package survey_test

import (
	"bytes"
	"context"
	"image/jpeg"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/file"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/store"
	"github.com/huanxin/huanxin/survey"
)

func TestMain(m *testing.M) { testdb.Main(m) }

type world struct {
	commA, commB *estate.Jurisdiction
	estA, estB   *estate.Estate
	bld          *estate.Building
}

func mustWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	ctx := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	mk := func(parent *estate.Jurisdiction, level huanxin.Level, code string) *estate.Jurisdiction {
		j := &estate.Jurisdiction{Level: level, Code: code, Name: code}
		if parent != nil {
			j.ParentID, j.CityID, j.Path = parent.ID, parent.CityID, parent.Path
		}
		must(db.CreateJurisdiction(ctx, j))
		return j
	}
	city := mk(mk(nil, huanxin.LevelProvince, "330000"), huanxin.LevelCity, "330100")
	w := &world{commA: mk(mk(mk(city, huanxin.LevelDistrict, "330102"), huanxin.LevelStreet, "330102001"), huanxin.LevelCommunity, "330102001001"),
		commB: mk(mk(mk(city, huanxin.LevelDistrict, "330105"), huanxin.LevelStreet, "330105001"), huanxin.LevelCommunity, "330105001001")}
	est := func(j *estate.Jurisdiction, code string) *estate.Estate {
		e := &estate.Estate{CityID: city.ID, JurisdictionID: j.ID, Code: code, Name: "小区" + code, YearBuilt: 1985,
			Management: estate.MgmtNone, Status: estate.StatusCandidate}
		must(db.CreateEstate(ctx, e))
		return e
	}
	w.estA, w.estB = est(w.commA, "E1"), est(w.commB, "E2")
	w.bld = &estate.Building{CityID: city.ID, EstateID: w.estA.ID, No: "1", Floors: 6}
	must(db.CreateBuilding(ctx, w.bld))
	var parts []*estate.Part
	for i, lift := range []bool{false, true} {
		s := &estate.Stairwell{CityID: city.ID, EstateID: w.estA.ID, BuildingID: w.bld.ID, No: string(rune('1' + i)), HasLift: lift}
		must(db.CreateStairwell(ctx, s))
		for _, floor := range []int{1, 3} {
			p := &estate.Part{CityID: city.ID, EstateID: w.estA.ID, BuildingID: w.bld.ID, StairwellID: s.ID, Kind: estate.KindDwelling,
				Floor: floor, Room: string(rune('0'+floor)) + "01", Area: 8000, AreaSource: estate.SourceRegister, Sold: true, Delivered: true}
			must(db.CreatePart(ctx, p))
			parts = append(parts, p)
		}
	}
	for i, r := range []estate.Resident{{BirthYear: 1950}, {BirthYear: 1966, Disabled: true}, {BirthYear: 1967}, {}} {
		r.CityID, r.EstateID, r.PartID, r.Kind, r.Name = city.ID, w.estA.ID, parts[i].ID, estate.ResidentFamily, "住户"
		must(db.CreateResident(ctx, &r))
	}
	return w
}

func TestSurveyService(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := mustWorld(t, db)
		now := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
		reg := &estate.Service{Store: db}
		files := &file.Service{Store: db, Register: reg}
		svc := &survey.Service{Store: db, Register: reg, Files: files, Now: func() time.Time { return now }}
		as := func(role huanxin.Role, j *estate.Jurisdiction) context.Context {
			return huanxin.NewContextWithActor(context.Background(), &huanxin.Actor{UserID: 7, Name: "王工", Role: role,
				Scope: huanxin.Scope{Paths: []string{j.Path}}})
		}
		officer, contractor, outsider := as(huanxin.RoleCommunity, w.commA), as(huanxin.RoleContractor, w.commA), as(huanxin.RoleCommunity, w.commB)
		code := func(err error) string { return huanxin.ErrorCode(err) }

		photo, err := files.Put(officer, w.estA.ID, "roof.png", bytes.NewReader(encodePNG(t, 2000, 1500)))
		if err != nil {
			t.Fatal(err)
		}
		v := &survey.Survey{EstateID: w.estA.ID, Findings: []survey.Finding{
			{ItemCode: "I06", Grade: 3, Quantity: 4000},
			{ItemCode: "B14", Grade: 4, Quantity: 12050, Hazard: true, Notes: " 渗漏 ", Photos: []survey.Photo{{FileID: photo.ID}}},
		}}
		if err := svc.Create(contractor, v); code(err) != huanxin.EFORBIDDEN {
			t.Fatalf("contractor creates: %v", err)
		}
		if err := svc.Create(outsider, v); code(err) != huanxin.EFORBIDDEN {
			t.Fatalf("outsider creates: %v", err)
		}
		if err := svc.Create(officer, v); err != nil {
			t.Fatal(err)
		}
		if v.SurveyedOn != "2026-03-01" || v.Surveyor != 7 || v.SurveyorName != "王工" || v.Status != survey.StatusDraft ||
			v.Findings[0].ItemCode != "B14" || v.Findings[0].Notes != "渗漏" {
			t.Fatalf("created: %+v", v)
		}
		p := v.Findings[0].Photos[0]
		if p.FileID != photo.ID || p.SHA256 != photo.SHA256 || p.ThumbID == 0 || p.ThumbID == photo.ID {
			t.Fatalf("photo: %+v", p)
		}
		thumb, data, err := files.Open(officer, p.ThumbID)
		if err != nil || thumb.ContentType != file.TypeJPEG || thumb.Name != "roof-1280.jpg" {
			t.Fatalf("rendition: %+v %v", thumb, err)
		}
		if img, err := jpeg.Decode(bytes.NewReader(data)); err != nil || img.Bounds().Dx() != 1280 || img.Bounds().Dy() != 960 {
			t.Fatalf("rendition size: %v", err)
		}

		// Household facts of a draft come from the register as it stands:
		// born 1966 or before is 60 or over in 2026.
		got, err := svc.Get(contractor, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := survey.Facts{Households: 4, Residents: 4, AgeKnown: 3, Over60: 2, Disabled: 1, Stairwells: 2,
			StairwellsWithoutLift: 1, UpperDwellingsNoLift: 1}
		if got.Register != want {
			t.Fatalf("facts %+v, want %+v", got.Register, want)
		}
		if _, err := svc.Get(outsider, v.ID); code(err) != huanxin.ENOTFOUND {
			t.Fatalf("outsider reads: %v", err)
		}

		// What a survey must be.
		future, street := "2026-03-02", "B05"
		for name, c := range map[string]struct {
			apply func(*survey.Survey)
			field string
		}{
			"future":         {func(s *survey.Survey) { s.SurveyedOn = future }, "surveyed_on"},
			"no grade":       {func(s *survey.Survey) { s.Findings[0].Grade = 0 }, "findings.0.grade"},
			"unknown":        {func(s *survey.Survey) { s.Findings[0].ItemCode = "Z1" }, "findings.0.item_code"},
			"twice":          {func(s *survey.Survey) { s.Findings[1].ItemCode = "B14" }, "findings.1.item_code"},
			"estate only":    {func(s *survey.Survey) { s.BuildingID = w.bld.ID; s.Findings[1].ItemCode = street }, "findings.1.item_code"},
			"other estate":   {func(s *survey.Survey) { s.BuildingID = w.bld.ID + 1000 }, "building_id"},
			"negative":       {func(s *survey.Survey) { s.Findings[0].Quantity = -1 }, "findings.0.quantity"},
			"over residents": {func(s *survey.Survey) { a, b := 3, 2; s.Entered.Over60, s.Entered.Residents = &a, &b }, "entered.over60"},
			"not a photo":    {func(s *survey.Survey) { s.Findings[1].Photos = []survey.Photo{{FileID: 9999}} }, "findings.1.photos"},
		} {
			_, err := svc.Update(officer, v.ID, func(s *survey.Survey) error { c.apply(s); return nil })
			if fs := huanxin.ErrorFields(err); code(err) != huanxin.EINVALID || len(fs) == 0 || fs[0].Field != c.field {
				t.Errorf("%s: %v %+v", name, err, fs)
			}
		}

		// A building survey with an entered count; the photo is kept as it was.
		n := 9
		upd, err := svc.Update(officer, v.ID, func(s *survey.Survey) error {
			s.BuildingID, s.Findings, s.Entered.Residents = w.bld.ID, s.Findings[:1], &n
			s.Findings[0].Grade = 3
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if upd.Findings[0].Photos[0] != p || upd.Facts().Residents != 9 || upd.Facts().AgeKnown != 9 || len(upd.Findings) != 1 {
			t.Fatalf("updated: %+v", upd)
		}
		if _, err := svc.Update(contractor, v.ID, func(*survey.Survey) error { return nil }); code(err) != huanxin.EFORBIDDEN {
			t.Fatalf("contractor updates: %v", err)
		}

		// Submitted: read-only, facts frozen.
		if _, err := svc.Submit(officer, v.ID); err != nil {
			t.Fatal(err)
		}
		sys := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
		if _, err := svc.Update(officer, v.ID, func(*survey.Survey) error { return nil }); code(err) != huanxin.ECONFLICT {
			t.Fatalf("update after submit: %v", err)
		}
		if _, err := svc.Submit(officer, v.ID); code(err) != huanxin.ECONFLICT {
			t.Fatalf("submit twice: %v", err)
		}
		done, _ := svc.Get(officer, v.ID)
		if done.Status != survey.StatusSubmitted || done.SubmittedAt.IsZero() || done.Register != want {
			t.Fatalf("submitted: %+v", done)
		}
		if f, data, err := svc.Photo(contractor, v.ID, p.ThumbID); err != nil || f.ID != p.ThumbID || len(data) == 0 {
			t.Fatalf("photo through the survey: %v", err)
		}
		if _, _, err := svc.Photo(contractor, v.ID, w.estA.ID+5000); code(err) != huanxin.ENOTFOUND {
			t.Fatalf("a file not on the survey: %v", err)
		}

		// An earlier survey; Compare puts it first.
		old := &survey.Survey{EstateID: w.estA.ID, SurveyedOn: "2024-05-01", Findings: []survey.Finding{{ItemCode: "B14", Grade: 2}}}
		if err := svc.Create(officer, old); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Submit(officer, old.ID); err != nil {
			t.Fatal(err)
		}
		from, to, changes, err := svc.Compare(contractor, v.ID, old.ID)
		if err != nil || from.ID != old.ID || to.ID != v.ID || len(changes) != 1 || changes[0].Trend != survey.TrendWorse {
			t.Fatalf("compare: %v %+v", err, changes)
		}
		list, err := svc.List(contractor, w.estA.ID)
		if err != nil || len(list) != 2 || list[0].ID != v.ID {
			t.Fatalf("list: %v %d", err, len(list))
		}
		_, audited, err := db.FindAudit(sys, audit.Filter{Entity: "survey"}, []int64{w.estA.CityID})
		if err != nil || audited != 5 {
			t.Errorf("audit entries = %d, %v; want 5 (2 creates, 1 update, 2 submits)", audited, err)
		}
	})
}
