package questionnaire_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/questionnaire"
	"github.com/huanxin/huanxin/store"
)

// benchHouseholds is the size of the estate of the results benchmarks.
const benchHouseholds = 10_000

// benchQuestionnaire is a needs-sized questionnaire: a multiple choice and
// a top-5 ranking of 30 items, three single choices, a rating, a matrix
// and free text.
func benchQuestionnaire() *questionnaire.Questionnaire {
	items := make([]string, 30)
	for i := range items {
		items[i] = "项目" + strconv.Itoa(i+1)
	}
	q := &questionnaire.Questionnaire{ID: 1, Title: "需求调查", Questions: []questionnaire.Question{
		{Kind: questionnaire.KindMultiple, Title: "希望改造", Options: items},
		{Kind: questionnaire.KindRanking, Title: "优先", Options: items, MaxPicks: 5},
		{Kind: questionnaire.KindSingle, Title: "基础类出资", Options: questionnaire.CoFund},
		{Kind: questionnaire.KindSingle, Title: "完善类出资", Options: questionnaire.CoFund},
		{Kind: questionnaire.KindSingle, Title: "提升类出资", Options: questionnaire.CoFund},
		{Kind: questionnaire.KindRating, Title: "满意度", Scale: 10},
		{Kind: questionnaire.KindMatrix, Title: "设施", Options: []string{"好", "一般", "差"}, Rows: []string{"道路", "照明", "排水", "绿化"}},
		{Kind: questionnaire.KindText, Title: "意见"},
	}}
	if err := q.Validate(); err != nil {
		panic(err)
	}
	return q
}

// benchResponses answers q once per household of 200 buildings.
func benchResponses(q *questionnaire.Questionnaire) []*questionnaire.Response {
	rs := make([]*questionnaire.Response, benchHouseholds)
	for i := range rs {
		a := map[int]questionnaire.Answer{
			1: {Picks: []int{i % 30, (i + 7) % 30, (i + 13) % 30}},
			2: {Picks: []int{i % 30, (i + 1) % 30, (i + 2) % 30, (i + 3) % 30, (i + 4) % 30}},
			3: {Picks: []int{i % 4}}, 4: {Picks: []int{(i + 1) % 4}}, 5: {Picks: []int{(i + 2) % 4}},
			6: {Value: 1 + i%10},
			7: {Picks: []int{i % 3, (i + 1) % 3, -1, i % 2}},
		}
		if i%10 == 0 {
			a[8] = questionnaire.Answer{Text: "希望尽快修好" + strconv.Itoa(i%7) + "号楼的路灯"}
		}
		key := "part:" + strconv.Itoa(i+1)
		rs[i] = &questionnaire.Response{ID: int64(i + 1), QuestionnaireID: q.ID, Respondent: key, Household: key,
			PartID: int64(i + 1), BuildingID: int64(1 + i/50), Area: huanxin.Area(5000 + i%4000), Channel: questionnaire.ChannelOnline,
			Answers: a}
	}
	return rs
}

// BenchmarkCount counts 10,000 households' answers overall and for each
// of 200 buildings.
func BenchmarkCount(b *testing.B) {
	q := benchQuestionnaire()
	rs := benchResponses(q)
	b.ResetTimer()
	for b.Loop() {
		res := questionnaire.Count(q, rs)
		if res.Overall.Respondents.Households != benchHouseholds || len(res.Buildings) != 200 {
			b.Fatal(res.Overall.Respondents)
		}
	}
}

// BenchmarkResults is what the results page and the API ask for: the
// 10,000 responses read from SQLite and counted, through the service.
func BenchmarkResults(b *testing.B) {
	db := testdb.Open(b, store.SQLite)
	ctx := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
	reg := &estate.Service{Store: db}
	var j *estate.Jurisdiction
	for _, l := range []struct {
		level      huanxin.Level
		code, name string
	}{{huanxin.LevelProvince, "330000", "浙江省"}, {huanxin.LevelCity, "330100", "杭州市"}, {huanxin.LevelDistrict, "330106", "西湖区"}} {
		next := &estate.Jurisdiction{Level: l.level, Code: l.code, Name: l.name}
		if j != nil {
			next.ParentID = j.ID
		}
		if err := reg.Jurisdictions().Create(ctx, next); err != nil {
			b.Fatal(err)
		}
		j = next
	}
	e := &estate.Estate{JurisdictionID: j.ID, Code: "BENCH", Name: "基准小区", YearBuilt: 1990}
	if err := reg.Estates().Create(ctx, e); err != nil {
		b.Fatal(err)
	}
	svc := &questionnaire.Service{Store: db, Register: reg, Hash: testdb.Keys().Hash}
	q := benchQuestionnaire()
	q.EstateID = e.ID
	officer := huanxin.NewContextWithActor(context.Background(), &huanxin.Actor{UserID: 1, Role: huanxin.RoleAdmin, Scope: huanxin.Scope{All: true}})
	if err := svc.Create(officer, q); err != nil {
		b.Fatal(err)
	}
	if err := svc.Open(officer, q.ID); err != nil {
		b.Fatal(err)
	}
	q.Status = questionnaire.StatusOpen
	for _, r := range benchResponses(q) {
		r.ID, r.CityID, r.PartID = 0, q.CityID, 0
		if err := db.CreateResponse(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		_, res, err := svc.Results(officer, q.ID)
		if err != nil || res.Overall.Respondents.Households != benchHouseholds {
			b.Fatal(err, res.Overall.Respondents)
		}
	}
}
