package questionnaire

import (
	"maps"
	"slices"
	"strings"

	"github.com/huanxin/huanxin"
	"golang.org/x/text/width"
)

// Tally counts answers three ways: responses, distinct households, and the
// floor area of those households (each household's area once, however
// many of its residents answered). In a questionnaire per household the
// first two are equal.
type Tally struct {
	Responses  int
	Households int
	Area       huanxin.Area
}

// counter accumulates a Tally, counting each household once.
// A household counts once however many of its residents answer; the
// households of a group of responses are numbered once (group) so that a
// counter marks them in a bit set rather than a map of names.
type counter struct {
	responses int
	seen      []uint64 // one bit per household of the group
	homes     int
	area      huanxin.Area
}

// group is a set of responses with their households numbered 0..n-1.
type group struct {
	rs   []*Response
	home []int
	n    int
}

func newGroup(rs []*Response) *group {
	g := &group{rs: rs, home: make([]int, len(rs))}
	idx := make(map[string]int, len(rs))
	for i, r := range rs {
		h, ok := idx[r.Household]
		if !ok {
			h = len(idx)
			idx[r.Household] = h
		}
		g.home[i] = h
	}
	g.n = len(idx)
	return g
}

// add counts the group's i-th response.
func (c *counter) add(g *group, i int) {
	c.responses++
	if c.seen == nil {
		c.seen = make([]uint64, (g.n+63)/64)
	}
	h := g.home[i]
	if w, bit := h>>6, uint64(1)<<(h&63); c.seen[w]&bit == 0 {
		c.seen[w] |= bit
		c.homes++
		c.area += g.rs[i].Area
	}
}

func (c *counter) tally() Tally {
	return Tally{Responses: c.responses, Households: c.homes, Area: c.area}
}

// QuestionResult is the count of one question. Answered counts those who
// answered it. Options counts each option's choosers (for a ranking, those
// who placed it anywhere; for a matrix, unused). Points are a ranking's
// Borda points: of N places, first place earns N points, the last 1, an
// option not placed 0. Ratings counts each mark (index 0 is mark 1), Sum
// the marks given, Mean their average over responses (Sum/Answered,
// rounded to two decimals for display only). Matrix counts rows ×
// columns. Texts counts free-text answers (they are listed by Texts).
type QuestionResult struct {
	Question Question
	Answered Tally
	Options  []Tally
	Points   []int64
	Ratings  []Tally
	Sum      int64
	Mean     float64
	Matrix   [][]Tally
}

// Section is the results of one group of responses: every response, or
// those of one building.
type Section struct {
	BuildingID  int64 // 0 for every building
	Respondents Tally
	Online      int
	Paper       int
	Questions   []QuestionResult
}

// Results are the results overall and per building (in building ID
// order).
type Results struct {
	Overall   Section
	Buildings []Section
}

// Count tallies responses to q overall and per building. It is pure: the
// same responses in any order give the same results.
func Count(q *Questionnaire, responses []*Response) Results {
	byBuilding := map[int64][]*Response{}
	for _, r := range responses {
		byBuilding[r.BuildingID] = append(byBuilding[r.BuildingID], r)
	}
	res := Results{Overall: section(q, 0, responses)}
	for _, b := range slices.Sorted(maps.Keys(byBuilding)) {
		res.Buildings = append(res.Buildings, section(q, b, byBuilding[b]))
	}
	return res
}

// section counts one group of responses.
func section(q *Questionnaire, building int64, responses []*Response) Section {
	s := Section{BuildingID: building}
	g := newGroup(responses)
	var all counter
	for i, r := range responses {
		all.add(g, i)
		if r.Channel == ChannelPaper {
			s.Paper++
		} else {
			s.Online++
		}
	}
	s.Respondents = all.tally()
	for _, qu := range q.Questions {
		s.Questions = append(s.Questions, countQuestion(qu, g))
	}
	return s
}

// countQuestion counts the answers to one question.
func countQuestion(qu Question, g *group) QuestionResult {
	qr := QuestionResult{Question: qu}
	var answered counter
	opts := make([]counter, len(qu.Options))
	var ratings []counter
	var matrix [][]counter
	switch qu.Kind {
	case KindRanking:
		qr.Points = make([]int64, len(qu.Options))
	case KindRating:
		ratings = make([]counter, qu.Scale)
	case KindMatrix:
		matrix = make([][]counter, len(qu.Rows))
		for i := range matrix {
			matrix[i] = make([]counter, len(qu.Options))
		}
	}
	places := int64(qu.Places())
	for i, r := range g.rs {
		a, ok := r.Answers[qu.ID]
		if !ok {
			continue
		}
		answered.add(g, i)
		switch qu.Kind {
		case KindSingle, KindMultiple, KindRanking:
			for place, p := range a.Picks {
				if p < 0 || p >= len(opts) {
					continue
				}
				opts[p].add(g, i)
				if qu.Kind == KindRanking && int64(place) < places {
					qr.Points[p] += places - int64(place)
				}
			}
		case KindRating:
			if a.Value >= 1 && a.Value <= len(ratings) {
				ratings[a.Value-1].add(g, i)
				qr.Sum += int64(a.Value)
			}
		case KindMatrix:
			for row, col := range a.Picks {
				if row < len(matrix) && col >= 0 && col < len(qu.Options) {
					matrix[row][col].add(g, i)
				}
			}
		}
	}
	qr.Answered = answered.tally()
	if qu.Kind != KindMatrix && qu.Kind != KindRating && qu.Kind != KindText {
		qr.Options = make([]Tally, len(opts))
		for i := range opts {
			qr.Options[i] = opts[i].tally()
		}
	}
	for i := range ratings {
		qr.Ratings = append(qr.Ratings, ratings[i].tally())
	}
	if qu.Kind == KindRating && qr.Answered.Responses > 0 {
		qr.Mean = float64(qr.Sum) / float64(qr.Answered.Responses)
	}
	for _, row := range matrix {
		ts := make([]Tally, len(row))
		for i := range row {
			ts[i] = row[i].tally()
		}
		qr.Matrix = append(qr.Matrix, ts)
	}
	return qr
}

// TextAnswer is one free-text answer with where it came from.
type TextAnswer struct {
	ResponseID int64
	BuildingID int64
	Channel    Channel
	Text       string
}

// Texts lists the free-text answers to question id that contain query
// (all when query is empty), oldest first. Matching ignores case and
// full-width/half-width forms (ＡＢＣ matches abc, ２号楼 matches 2号楼) and
// works on characters, so a two-character Chinese word finds every
// answer that contains it.
func Texts(q *Questionnaire, responses []*Response, id int, query string) []TextAnswer {
	needle := fold(query)
	var out []TextAnswer
	for _, r := range responses {
		a, ok := r.Answers[id]
		if !ok || a.Text == "" || needle != "" && !strings.Contains(fold(a.Text), needle) {
			continue
		}
		out = append(out, TextAnswer{ResponseID: r.ID, BuildingID: r.BuildingID, Channel: r.Channel, Text: a.Text})
	}
	return out
}

// fold normalises text for searching.
func fold(s string) string {
	return strings.ToLower(width.Fold.String(strings.TrimSpace(s)))
}
