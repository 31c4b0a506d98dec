package store_test

import (
	"context"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/questionnaire"
	"github.com/huanxin/huanxin/store"
)

func TestQuestionnaireStore(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		ctx := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
		w := mustWorld(t, db)
		q := &questionnaire.Questionnaire{CityID: w.city.ID, EstateID: w.estA.ID, Title: "满意度", Status: questionnaire.StatusDraft,
			Per: questionnaire.PerHousehold, CreatedBy: 1, Questions: []questionnaire.Question{
				{ID: 1, Kind: questionnaire.KindRating, Title: "评分", Scale: 10, Required: true},
				{ID: 2, Kind: questionnaire.KindMatrix, Title: "各项", Options: []string{"好", "差"}, Rows: []string{"道路", "照明"}}}}
		if err := db.CreateQuestionnaire(ctx, q); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindQuestionnaireByID(ctx, huanxin.Scope{Paths: []string{w.distA.Path}}, q.ID)
		if err != nil || !reflect.DeepEqual(got, q) {
			t.Fatalf("round trip:\n%+v\n%+v %v", got, q, err)
		}
		if _, err := db.FindQuestionnaireByID(ctx, huanxin.Scope{Paths: []string{w.distB.Path}}, q.ID); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Fatalf("out of scope: %v", err)
		}
		if qs, err := db.FindQuestionnaires(ctx, huanxin.Scope{PartIDs: []int64{w.part.ID}}, w.estA.ID); err != nil || len(qs) != 1 {
			t.Fatalf("resident list: %d %v", len(qs), err)
		}
		r := &questionnaire.Response{CityID: q.CityID, QuestionnaireID: q.ID, Respondent: "part:1", Household: "part:1",
			Channel: questionnaire.ChannelOnline, Answers: map[int]questionnaire.Answer{1: {Value: 9}}, Submitted: db.Now()}
		if err := db.CreateResponse(ctx, r); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("response to a draft: %v", err)
		}
		q.Title = "满意度调查"
		if err := db.UpdateQuestionnaire(ctx, q); err != nil {
			t.Fatal(err)
		}
		q.Status = questionnaire.StatusOpen
		q.OpensAt = db.Now().UTC().Truncate(1000)
		if err := db.SetQuestionnaireStatus(ctx, q, questionnaire.StatusDraft); err != nil {
			t.Fatal(err)
		}
		if err := db.SetQuestionnaireStatus(ctx, q, questionnaire.StatusDraft); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("stale status change: %v", err)
		}
		if err := db.UpdateQuestionnaire(ctx, q); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("update of an open questionnaire: %v", err)
		}
		r.Answers[2] = questionnaire.Answer{Picks: []int{0, -1}}
		if err := db.CreateResponse(ctx, r); err != nil {
			t.Fatal(err)
		}
		dup := *r
		if err := db.CreateResponse(ctx, &dup); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("second response: %v", err)
		}
		rs, err := db.Responses(ctx, q.ID)
		if err != nil || len(rs) != 1 || !reflect.DeepEqual(rs[0].Answers, r.Answers) || rs[0].Respondent != "part:1" {
			t.Fatalf("responses %+v %v", rs, err)
		}
		if done, err := db.RespondedKeys(ctx, q.ID, []string{"part:1", "part:2"}); err != nil || !done["part:1"] || done["part:2"] {
			t.Fatalf("responded %v %v", done, err)
		}
	})
}

// Of 50 concurrent submissions for one household, exactly one is stored,
// in a named and in an anonymous questionnaire; the anonymous one stores
// neither the household nor the person.
func TestQuestionnaireOnePerHouseholdConcurrently(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := mustWorld(t, db)
		reg := &estate.Service{Store: db}
		svc := &questionnaire.Service{Store: db, Register: reg, Hash: testdb.Keys().Hash}
		officer := huanxin.NewContextWithActor(context.Background(), &huanxin.Actor{UserID: 7, Role: huanxin.RoleCommunity,
			Scope: huanxin.Scope{Paths: []string{w.commA.Path}}})
		resident := huanxin.NewContextWithActor(context.Background(), &huanxin.Actor{UserID: 8, Role: huanxin.RoleResident,
			OwnerID: w.owner.ID, Scope: huanxin.Scope{PartIDs: []int64{w.part.ID}}})
		for _, anonymous := range []bool{false, true} {
			t.Run("anonymous="+strconv.FormatBool(anonymous), func(t *testing.T) {
				q := &questionnaire.Questionnaire{EstateID: w.estA.ID, Title: "需求", Anonymous: anonymous,
					Questions: []questionnaire.Question{{Kind: questionnaire.KindSingle, Title: "是否同意", Required: true, Options: []string{"是", "否"}}}}
				if err := svc.Create(officer, q); err != nil {
					t.Fatal(err)
				}
				if err := svc.Open(officer, q.ID); err != nil {
					t.Fatal(err)
				}
				var wg sync.WaitGroup
				errs := make([]error, 50)
				for i := range errs {
					wg.Add(1)
					go func() {
						defer wg.Done()
						ctx, ch := resident, questionnaire.ChannelOnline
						if i%2 == 1 { // the paper copy of the same household, entered by an officer
							ctx, ch = officer, questionnaire.ChannelPaper
						}
						_, errs[i] = svc.Submit(ctx, q.ID, questionnaire.Submission{Channel: ch, PartID: w.part.ID,
							Answers: map[int]questionnaire.Answer{1: {Picks: []int{i % 2}}}})
					}()
				}
				wg.Wait()
				ok := 0
				for _, err := range errs {
					switch huanxin.ErrorCode(err) {
					case "":
						ok++
					case huanxin.ECONFLICT:
					default:
						t.Errorf("submit: %v", err)
					}
				}
				rs, err := db.Responses(officer, q.ID)
				if ok != 1 || err != nil || len(rs) != 1 {
					t.Fatalf("%d accepted, %d stored (%v); want 1", ok, len(rs), err)
				}
				r := rs[0]
				if r.BuildingID != w.part.BuildingID || r.Area != w.part.Area {
					t.Errorf("building %d area %d", r.BuildingID, r.Area)
				}
				named := "part:" + strconv.FormatInt(w.part.ID, 10)
				if !anonymous {
					if r.Respondent != named || r.PartID != w.part.ID {
						t.Errorf("named response %+v", r)
					}
					return
				}
				if r.PartID != 0 || r.OwnerID != 0 || r.UserID != 0 || r.ResidentID != 0 || strings.Contains(r.Respondent, "part") ||
					len(r.Respondent) != 64 || r.Household != r.Respondent || r.Submitted.Hour() != 0 || r.Submitted.Minute() != 0 {
					t.Errorf("anonymous response keeps who answered: %+v", r)
				}
				// The resident still sees that the household has answered.
				_, resp, err := svc.Respondents(resident, q.ID)
				if err != nil || len(resp) != 1 || !resp[0].Answered {
					t.Errorf("respondents %+v %v", resp, err)
				}
			})
		}
	})
}
