package store_test

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/questionnaire"
	"github.com/huanxin/huanxin/store"
)

func TestSurveyScheduleStore(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		ctx := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
		w := mustWorld(t, db)
		at := time.Date(2027, 3, 1, 2, 0, 0, 0, time.UTC)
		s := &questionnaire.Schedule{CityID: w.city.ID, EstateID: w.estA.ID, Template: questionnaire.SatisfactionTemplate(), At: at,
			ClosesAfter: 30, Reason: questionnaire.ReasonWorksAccepted, Status: questionnaire.SchedulePending, CreatedBy: 1}
		if err := db.CreateSurveySchedule(ctx, s); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindSurveyScheduleByID(ctx, huanxin.Scope{Paths: []string{w.distA.Path}}, s.ID)
		if err != nil || !reflect.DeepEqual(got, s) {
			t.Fatalf("round trip:\n%+v\n%+v %v", got, s, err)
		}
		if _, err := db.FindSurveyScheduleByID(ctx, huanxin.Scope{Paths: []string{w.distB.Path}}, s.ID); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Fatalf("out of scope: %v", err)
		}
		if due, err := db.DueSurveySchedules(ctx, at.Add(-time.Second)); err != nil || len(due) != 0 {
			t.Fatalf("due before its time: %d %v", len(due), err)
		}
		if due, err := db.DueSurveySchedules(ctx, at); err != nil || len(due) != 1 {
			t.Fatalf("due at its time: %d %v", len(due), err)
		}
		s.Status = questionnaire.ScheduleCancelled
		if err := db.SetSurveyScheduleStatus(ctx, s, questionnaire.SchedulePending); err != nil {
			t.Fatal(err)
		}
		if err := db.SetSurveyScheduleStatus(ctx, s, questionnaire.SchedulePending); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Fatalf("stale status change: %v", err)
		}
		if due, err := db.DueSurveySchedules(ctx, at); err != nil || len(due) != 0 {
			t.Fatalf("a cancelled schedule is due: %d %v", len(due), err)
		}
		if ss, err := db.FindSurveySchedules(ctx, huanxin.Scope{All: true}, w.estA.ID); err != nil || len(ss) != 1 || ss[0].Status != questionnaire.ScheduleCancelled {
			t.Fatalf("list %+v %v", ss, err)
		}
	})
}

// Scheduling after acceptance sends one survey at once and one a year
// later; several servers sweeping at the same time send each once; a
// cancelled schedule is never sent.
func TestSurveyScheduleSweep(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := mustWorld(t, db)
		now := time.Date(2027, 5, 10, 8, 0, 0, 0, time.UTC)
		svc := &questionnaire.Service{Store: db, Register: &estate.Service{Store: db}, Hash: testdb.Keys().Hash, Now: func() time.Time { return now }}
		officer := huanxin.NewContextWithActor(context.Background(),
			&huanxin.Actor{UserID: 7, Role: huanxin.RoleBureau, Scope: huanxin.Scope{Paths: []string{w.distA.Path}}})
		if _, err := svc.ScheduleAfterAcceptance(officer, w.estB.ID, now); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("an estate outside the jurisdiction: %v", err)
		}
		bad := &questionnaire.Schedule{EstateID: w.estA.ID, Template: questionnaire.Template{Title: " "}, At: now, Reason: "x"}
		if err := svc.ScheduleSurvey(officer, bad); !hasScheduleFields(err, "template.title", "template.questions", "closes_after") {
			t.Fatalf("invalid schedule: %v", err)
		}
		ss, err := svc.ScheduleAfterAcceptance(officer, w.estA.ID, now.Add(-time.Hour))
		if err != nil || len(ss) != 2 || !ss[1].At.Equal(now.Add(-time.Hour).AddDate(1, 0, 0)) || ss[0].CityID != w.city.ID {
			t.Fatalf("after acceptance: %+v %v", ss, err)
		}
		extra := &questionnaire.Schedule{EstateID: w.estA.ID, Template: questionnaire.SatisfactionTemplate(), At: now, ClosesAfter: 7, Reason: "回访"}
		if err := svc.ScheduleSurvey(officer, extra); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Cancel(officer, extra.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Cancel(officer, extra.ID); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("cancelling twice: %v", err)
		}
		var wg sync.WaitGroup
		sent := make([]int, 4)
		for i := range sent {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := svc.SendDue(context.Background())
				if err != nil {
					t.Error(err)
				}
				sent[i] = n
			}()
		}
		wg.Wait()
		if total := sent[0] + sent[1] + sent[2] + sent[3]; total != 1 {
			t.Fatalf("sent %v, want one in all", sent)
		}
		qs, err := svc.List(officer, w.estA.ID)
		if err != nil || len(qs) != 1 {
			t.Fatalf("questionnaires %d %v", len(qs), err)
		}
		q := qs[0]
		if q.Status != questionnaire.StatusOpen || !q.OpensAt.Equal(now) || !q.ClosesAt.Equal(now.AddDate(0, 0, 30)) ||
			q.Title != questionnaire.SatisfactionTemplate().Title || len(q.Questions) != 3 {
			t.Fatalf("sent questionnaire %+v", q)
		}
		list, err := svc.Schedules(officer, w.estA.ID)
		if err != nil || len(list) != 3 {
			t.Fatalf("schedules %d %v", len(list), err)
		}
		status := map[string]questionnaire.ScheduleStatus{}
		for _, s := range list {
			status[s.Reason] = s.Status
		}
		if list[0].QuestionnaireID != q.ID || status[questionnaire.ReasonWorksAccepted] != questionnaire.ScheduleSent ||
			status[questionnaire.ReasonOneYearLater] != questionnaire.SchedulePending || status["回访"] != questionnaire.ScheduleCancelled {
			t.Fatalf("statuses %v, first %+v", status, list[0])
		}
		if _, err := svc.Cancel(officer, list[0].ID); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("cancelling a sent schedule: %v", err)
		}
		now = now.AddDate(1, 0, 0)
		if n, err := svc.SendDue(context.Background()); err != nil || n != 1 {
			t.Fatalf("a year later: %d %v", n, err)
		}
	})
}

func hasScheduleFields(err error, fields ...string) bool {
	got := map[string]bool{}
	for _, f := range huanxin.ErrorFields(err) {
		got[f.Field] = true
	}
	for _, f := range fields {
		if !got[f] {
			return false
		}
	}
	return huanxin.ErrorCode(err) == huanxin.EINVALID
}
