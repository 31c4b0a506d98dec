package store_test

import (
	"context"
	"reflect"
	"strconv"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/store"
	"github.com/huanxin/huanxin/survey"
)

func TestSurveyStore(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		ctx := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
		w := mustWorld(t, db)
		n := 12
		s := &survey.Survey{CityID: w.city.ID, EstateID: w.estA.ID, SurveyedOn: "2026-02-28", Surveyor: 7, SurveyorName: "王工",
			Status: survey.StatusDraft, Notes: "雨后", Entered: survey.Entered{Residents: &n},
			Findings: []survey.Finding{
				{ItemCode: "B14", Grade: 4, Quantity: 12050, Hazard: true, Notes: "渗漏",
					Photos: []survey.Photo{{FileID: 3, ThumbID: 4, SHA256: "ab"}}},
				{ItemCode: "I06", Grade: 2, Quantity: 4000, Photos: []survey.Photo{}},
			}}
		if err := db.CreateSurvey(ctx, s); err != nil || s.ID == 0 || s.Created.IsZero() {
			t.Fatalf("create: %v %+v", err, s)
		}
		inA := huanxin.Scope{Paths: []string{w.distA.Path}}
		got, err := db.FindSurveyByID(ctx, inA, s.ID)
		if err != nil || !reflect.DeepEqual(got, s) {
			t.Fatalf("round trip: %v\n%+v\n%+v", err, got, s)
		}
		if _, err := db.FindSurveyByID(ctx, huanxin.Scope{Paths: []string{w.distB.Path}}, s.ID); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Fatalf("out of scope: %v", err)
		}
		if list, err := db.FindSurveys(ctx, huanxin.Scope{PartIDs: []int64{w.part.ID}}, w.estA.ID); err != nil || len(list) != 1 {
			t.Fatalf("resident's estate: %v %d", err, len(list))
		}

		s.Findings = s.Findings[1:]
		s.Notes = ""
		if err := db.UpdateSurvey(ctx, s); err != nil {
			t.Fatal(err)
		}
		facts := survey.Facts{Households: 1, Residents: 0, Stairwells: 1, StairwellsWithoutLift: 1, UpperDwellingsNoLift: 1}
		if got, err := db.HouseholdFacts(ctx, w.estA.ID, 0, 1966); err != nil || got != facts {
			t.Fatalf("facts: %+v %v, want %+v", got, err, facts)
		}
		if err := db.SubmitSurvey(ctx, s.ID, facts); err != nil {
			t.Fatal(err)
		}
		got, _ = db.FindSurveyByID(ctx, inA, s.ID)
		if got.Status != survey.StatusSubmitted || got.Register != facts || len(got.Findings) != 1 || got.Notes != "" || got.SubmittedAt.IsZero() {
			t.Fatalf("submitted: %+v", got)
		}
		if err := db.UpdateSurvey(ctx, s); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("update a submitted survey: %v", err)
		}
		if err := db.SubmitSurvey(ctx, s.ID, facts); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("submit twice: %v", err)
		}
		var audited int
		if err := db.QueryRowForTest(ctx, "SELECT COUNT(*) FROM audit WHERE entity = 'survey' AND entity_id = "+strconv.FormatInt(s.ID, 10)).Scan(&audited); err != nil || audited != 3 {
			t.Fatalf("audited %d times, %v; want 3", audited, err)
		}
	})
}
