package request

import (
	"strings"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
)

func TestPercentileNearestRank(t *testing.T) {
	h := func(ns ...int) []time.Duration {
		var out []time.Duration
		for _, n := range ns {
			out = append(out, time.Duration(n)*time.Hour)
		}
		return out
	}
	for _, c := range []struct {
		name string
		in   []time.Duration
		p    int
		want time.Duration
	}{
		{"none", nil, 50, 0},
		{"one", h(7), 90, 7 * time.Hour},
		{"median of four is the second", h(4, 1, 3, 2), 50, 2 * time.Hour},
		{"median of five is the third", h(5, 1, 4, 2, 3), 50, 3 * time.Hour},
		{"p90 of ten is the ninth", h(10, 9, 8, 7, 6, 5, 4, 3, 2, 1), 90, 9 * time.Hour},
		{"p90 of eleven is the tenth", h(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), 90, 10 * time.Hour},
		{"p100 is the largest", h(3, 1, 2), 100, 3 * time.Hour},
	} {
		if got := Percentile(c.in, c.p); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestAverageRoundsHalfUp(t *testing.T) {
	for _, c := range []struct {
		sum, n int
		want   string
	}{{0, 0, ""}, {4, 1, "4.00"}, {9, 2, "4.50"}, {13, 3, "4.33"}, {14, 3, "4.67"}, {5, 8, "0.63"}, {1, 8, "0.13"}} {
		if got := Average(c.sum, c.n); got != c.want {
			t.Errorf("Average(%d, %d) = %q, want %q", c.sum, c.n, got, c.want)
		}
	}
}

func TestOverviewCountsPerUnit(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	comm := Unit{Kind: UnitCommunity, ID: 1, Name: "社区"}
	prop := Unit{Kind: UnitProperty, ID: 9, Name: "物业"}
	facts := []Facts{
		{Unit: comm, Status: StatusClosed, Created: t0, Deadline: t0.Add(time.Hour), FirstAnsweredAt: t0.Add(2 * time.Hour), ClosedAt: t0.Add(5 * time.Hour), Rating: 5},
		{Unit: comm, Status: StatusClosed, Created: t0, Deadline: t0.Add(time.Hour), FirstAnsweredAt: t0.Add(4 * time.Hour), ClosedAt: t0.Add(9 * time.Hour), Rating: 2},
		{Unit: comm, Status: StatusAssigned, Created: t0, Deadline: t0.Add(time.Hour)},
		{Unit: prop, Status: StatusReopened, Created: t0, Deadline: t0.Add(48 * time.Hour), FirstAnsweredAt: t0.Add(time.Hour)},
	}
	got := Overview(facts, t0.Add(24*time.Hour))
	if len(got) != 2 || got[0].Unit != comm || got[1].Unit != prop {
		t.Fatalf("units %+v", got)
	}
	c, p := got[0], got[1]
	if c.Requests != 3 || c.Answered != 2 || c.Closed != 2 || c.Overdue != 1 || c.FirstAnswerMed != 2*time.Hour ||
		c.FirstAnswerP90 != 4*time.Hour || c.CloseMed != 5*time.Hour || c.CloseP90 != 9*time.Hour || c.AverageRating != "3.50" {
		t.Errorf("community %+v", c)
	}
	if p.Requests != 1 || p.Overdue != 0 || p.Closed != 0 || p.FirstAnswerMed != time.Hour || p.AverageRating != "" {
		t.Errorf("property %+v", p)
	}
}

func TestCategoriesFromSettings(t *testing.T) {
	cs, err := CategoriesFrom(map[string]string{})
	if err != nil || len(cs) != len(DefaultCategories) || cs[0].Code != "water" {
		t.Fatalf("defaults: %v %v", cs, err)
	}
	cs, err = CategoriesFrom(map[string]string{SettingCategories: `[{"code":"lifts","label":"电梯","unit":"property","hours":12}]`})
	if err != nil || len(cs) != 1 || cs[0].Hours != 12 || cs[0].Unit != UnitProperty {
		t.Fatalf("city's own: %v %v", cs, err)
	}
	_, err = CategoriesFrom(map[string]string{SettingCategories: `[{"code":"Lifts","label":"","unit":"nobody","hours":0},{"code":"a","label":"A","unit":"street","hours":1},{"code":"a","label":"A","unit":"street","hours":1}]`})
	var fields []string
	for _, f := range huanxin.ErrorFields(err) {
		fields = append(fields, f.Field)
	}
	want := "categories.0.code categories.0.label categories.0.unit categories.0.hours categories.2.code"
	if got := strings.Join(fields, " "); got != want {
		t.Errorf("fields %q, want %q", got, want)
	}
	if _, err := CategoriesFrom(map[string]string{SettingCategories: `{`}); huanxin.ErrorCode(err) != huanxin.EINVALID {
		t.Errorf("bad JSON: %v", err)
	}
}
