package questionnaire

import (
	"reflect"
	"strings"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/planning"
)

func sample() *Questionnaire {
	q := &Questionnaire{Title: "调查", Questions: []Question{
		{Kind: KindSingle, Title: "单选", Required: true, Options: []string{"甲", "乙", "丙"}},
		{Kind: KindMultiple, Title: "多选", Options: []string{"甲", "乙", "丙"}, MaxPicks: 2},
		{Kind: KindRating, Title: "评分"},
		{Kind: KindRanking, Title: "排序", Options: []string{"甲", "乙", "丙", "丁"}, MaxPicks: 3},
		{Kind: KindText, Title: "意见"},
		{Kind: KindMatrix, Title: "矩阵", Required: true, Options: []string{"好", "差"}, Rows: []string{"道路", "照明"}},
	}}
	if err := q.Validate(); err != nil {
		panic(err)
	}
	return q
}

func TestValidateDefinition(t *testing.T) {
	q := sample()
	if q.Per != PerHousehold || q.Questions[2].Scale != 5 || q.Questions[5].ID != 6 {
		t.Fatalf("defaults: %+v", q)
	}
	for _, c := range []struct {
		name  string
		q     Question
		field string
	}{
		{"single needs two options", Question{Kind: KindSingle, Title: "x", Options: []string{"a"}}, "questions.0.options"},
		{"duplicate option", Question{Kind: KindMultiple, Title: "x", Options: []string{"a", "a"}}, "questions.0.options"},
		{"no title", Question{Kind: KindText}, "questions.0.title"},
		{"rating scale 7", Question{Kind: KindRating, Title: "x", Scale: 7}, "questions.0.scale"},
		{"ranking too many places", Question{Kind: KindRanking, Title: "x", Options: []string{"a", "b"}, MaxPicks: 3}, "questions.0.max_picks"},
		{"matrix without rows", Question{Kind: KindMatrix, Title: "x", Options: []string{"a", "b"}}, "questions.0.rows"},
		{"text with options", Question{Kind: KindText, Title: "x", Options: []string{"a"}}, "questions.0.options"},
		{"unknown kind", Question{Kind: "slider", Title: "x"}, "questions.0.kind"},
		{"codes not matching", Question{Kind: KindSingle, Title: "x", Options: []string{"a", "b"}, Codes: []string{"A"}}, "questions.0.codes"},
	} {
		t.Run(c.name, func(t *testing.T) {
			q := &Questionnaire{Title: "t", Questions: []Question{c.q}}
			err := q.Validate()
			if !hasField(err, c.field) {
				t.Fatalf("want a problem with %s, got %v", c.field, err)
			}
		})
	}
	if err := (&Questionnaire{}).Validate(); !hasField(err, "title") || !hasField(err, "questions") {
		t.Fatalf("empty: %v", err)
	}
}

func hasField(err error, field string) bool {
	for _, f := range huanxin.ErrorFields(err) {
		if f.Field == field {
			return true
		}
	}
	return false
}

func TestCheckAnswers(t *testing.T) {
	q := sample()
	ok := map[int]Answer{1: {Picks: []int{2}}, 6: {Picks: []int{0, 1}}}
	for _, c := range []struct {
		name    string
		answers map[int]Answer
		field   string // "" when valid
	}{
		{"minimal", ok, ""},
		{"required single missing", map[int]Answer{6: {Picks: []int{0, 1}}}, "answers.1"},
		{"single two picks", with(ok, 1, Answer{Picks: []int{0, 1}}), "answers.1"},
		{"single out of range", with(ok, 1, Answer{Picks: []int{3}}), "answers.1"},
		{"single with text", with(ok, 1, Answer{Picks: []int{0}, Text: "x"}), "answers.1"},
		{"multiple within max", with(ok, 2, Answer{Picks: []int{2, 0}}), ""},
		{"multiple over max", with(ok, 2, Answer{Picks: []int{0, 1, 2}}), "answers.2"},
		{"multiple duplicate", with(ok, 2, Answer{Picks: []int{1, 1}}), "answers.2"},
		{"rating in range", with(ok, 3, Answer{Value: 5}), ""},
		{"rating over scale", with(ok, 3, Answer{Value: 6}), "answers.3"},
		{"rating with picks", with(ok, 3, Answer{Value: 2, Picks: []int{1}}), "answers.3"},
		{"ranking top three", with(ok, 4, Answer{Picks: []int{3, 0, 1}}), ""},
		{"ranking too many", with(ok, 4, Answer{Picks: []int{3, 0, 1, 2}}), "answers.4"},
		{"ranking twice", with(ok, 4, Answer{Picks: []int{3, 3}}), "answers.4"},
		{"text", with(ok, 5, Answer{Text: " 修路 "}), ""},
		{"text too long", with(ok, 5, Answer{Text: strings.Repeat("字", MaxText+1)}), "answers.5"},
		{"text with picks", with(ok, 5, Answer{Text: "x", Picks: []int{0}}), "answers.5"},
		{"matrix row missing", with(ok, 6, Answer{Picks: []int{0, -1}}), "answers.6"},
		{"matrix wrong rows", with(ok, 6, Answer{Picks: []int{0}}), "answers.6"},
		{"matrix out of range", with(ok, 6, Answer{Picks: []int{0, 2}}), "answers.6"},
		{"unknown question", with(ok, 99, Answer{Text: "x"}), "answers.99"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, bad := q.Check(c.answers)
			if c.field == "" {
				if len(bad) > 0 {
					t.Fatalf("unexpected problems %v", bad)
				}
				return
			}
			if len(bad) != 1 || bad[0].Field != c.field || (c.field != "answers.99" && !strings.Contains(bad[0].Message, "「")) {
				t.Fatalf("problems %v, want one naming %s", bad, c.field)
			}
		})
	}
	got, _ := q.Check(with(with(ok, 5, Answer{Text: " 修路 "}), 2, Answer{Picks: []int{2, 0}}))
	if got[5].Text != "修路" || !reflect.DeepEqual(got[2].Picks, []int{0, 2}) {
		t.Fatalf("cleaned %+v", got)
	}
	if _, bad := q.Check(with(ok, 5, Answer{})); len(bad) != 0 {
		t.Fatalf("an empty optional answer is no answer: %v", bad)
	}
}

func with(m map[int]Answer, id int, a Answer) map[int]Answer {
	out := map[int]Answer{}
	for k, v := range m {
		out[k] = v
	}
	out[id] = a
	return out
}

// Households and area: two residents of one household count two
// responses, one household and its area once.
func TestCountByHouseholdsAndArea(t *testing.T) {
	q := sample()
	resp := func(id int64, home string, building int64, area huanxin.Area, a map[int]Answer) *Response {
		return &Response{ID: id, Household: home, BuildingID: building, Area: area, Channel: ChannelOnline, Answers: a}
	}
	rs := []*Response{
		resp(1, "part:1", 10, 8000, map[int]Answer{1: {Picks: []int{0}}, 3: {Value: 5}, 4: {Picks: []int{0, 1, 2}},
			6: {Picks: []int{0, 1}}, 5: {Text: "希望加装电梯"}}),
		resp(2, "part:1", 10, 8000, map[int]Answer{1: {Picks: []int{0}}, 3: {Value: 4}, 4: {Picks: []int{1, 0}}, 6: {Picks: []int{0, 0}}}),
		resp(3, "part:2", 11, 6050, map[int]Answer{1: {Picks: []int{1}}, 3: {Value: 2}, 4: {Picks: []int{1}},
			6: {Picks: []int{1, 1}}, 5: {Text: "ＡＢ栋电梯口照明差"}}),
	}
	res := Count(q, rs)
	o := res.Overall
	if o.Respondents != (Tally{Responses: 3, Households: 2, Area: 14050}) || o.Online != 3 || o.Paper != 0 {
		t.Fatalf("respondents %+v", o.Respondents)
	}
	single := o.Questions[0]
	if want := []Tally{{2, 1, 8000}, {1, 1, 6050}, {}}; !reflect.DeepEqual(single.Options, want) {
		t.Fatalf("single %+v", single.Options)
	}
	rating := o.Questions[2]
	if rating.Sum != 11 || rating.Mean != 11.0/3 || rating.Ratings[4] != (Tally{1, 1, 8000}) || rating.Ratings[1] != (Tally{1, 1, 6050}) {
		t.Fatalf("rating %+v", rating)
	}
	// Borda over 3 places: 3, 2, 1 points.
	rank := o.Questions[3]
	if want := []int64{3 + 2, 2 + 3 + 3, 1, 0}; !reflect.DeepEqual(rank.Points, want) {
		t.Fatalf("borda %v, want %v", rank.Points, want)
	}
	if rank.Options[1] != (Tally{3, 2, 14050}) {
		t.Fatalf("ranked anywhere %+v", rank.Options[1])
	}
	matrix := o.Questions[5]
	if matrix.Matrix[0][0] != (Tally{2, 1, 8000}) || matrix.Matrix[1][1] != (Tally{2, 2, 14050}) || matrix.Matrix[1][0] != (Tally{1, 1, 8000}) {
		t.Fatalf("matrix %+v", matrix.Matrix)
	}
	if len(res.Buildings) != 2 || res.Buildings[0].BuildingID != 10 || res.Buildings[1].Respondents != (Tally{1, 1, 6050}) {
		t.Fatalf("buildings %+v", res.Buildings)
	}
	// The order of responses does not matter.
	if again := Count(q, []*Response{rs[2], rs[0], rs[1]}); !reflect.DeepEqual(again, res) {
		t.Fatal("count depends on the order of responses")
	}

	for query, want := range map[string][]int64{"": {1, 3}, "电梯": {1, 3}, "照明": {3}, "ab栋": {3}, "楼": nil} {
		var got []int64
		for _, a := range Texts(q, rs, 5, query) {
			got = append(got, a.ResponseID)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("search %q: %v, want %v", query, got, want)
		}
	}
}

func TestNeedsFromCatalogue(t *testing.T) {
	var items []*planning.Item
	for _, it := range planning.DefaultCatalogue() {
		if it.Active {
			items = append(items, it)
		}
	}
	q := NeedsFromCatalogue(42, items)
	if err := q.Validate(); err != nil {
		t.Fatal(err)
	}
	kinds := []Kind{}
	for _, qu := range q.Questions {
		kinds = append(kinds, qu.Kind)
	}
	want := []Kind{KindMultiple, KindRanking, KindSingle, KindSingle, KindSingle, KindSingle, KindText}
	if !reflect.DeepEqual(kinds, want) || q.EstateID != 42 || q.Per != PerHousehold || q.Anonymous {
		t.Fatalf("kinds %v", kinds)
	}
	if q.Questions[1].MaxPicks != 5 || q.Questions[0].Codes[2] != items[2].Code || q.Questions[0].Options[2] != items[2].Name ||
		len(q.Questions[0].Options) != len(items) {
		t.Fatalf("items %+v", q.Questions[:2])
	}
	for i, cat := range []string{"基础类", "完善类", "提升类"} {
		if !strings.Contains(q.Questions[2+i].Title, cat) {
			t.Errorf("co-funding question %d: %s", i, q.Questions[2+i].Title)
		}
	}
}
