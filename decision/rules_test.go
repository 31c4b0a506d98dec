package decision

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
)

func TestResolveConflicts(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	online := Ballot{Person: pid(0), Channel: "online", At: t0.Add(time.Hour), Choices: map[MatterID]Choice{1: Oppose}}
	paper := Ballot{Person: pid(0), Channel: "paper", At: t0, Choices: map[MatterID]Choice{1: Agree}}
	other := Ballot{Person: pid(1), Channel: "online", At: t0, Choices: map[MatterID]Choice{1: Agree}}
	tie := online
	tie.At = paper.At
	cases := []struct {
		name    string
		rule    ConflictRule
		in      []Ballot
		counted string // channel of pid(0)'s kept ballot
	}{
		{"first: the paper ballot was recorded earlier", ConflictFirst, []Ballot{online, paper, other}, "paper"},
		{"first: order of arrival does not matter", ConflictFirst, []Ballot{paper, other, online}, "paper"},
		{"first: a tie goes to paper", ConflictFirst, []Ballot{tie, paper, other}, "paper"},
		{"paper wins", ConflictPaper, []Ballot{online, paper, other}, "paper"},
		{"online wins", ConflictOnline, []Ballot{paper, online, other}, "online"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			kept, conflicts := Resolve(c.rule, c.in)
			if len(kept) != 2 || len(conflicts) != 1 {
				t.Fatalf("kept %+v conflicts %+v", kept, conflicts)
			}
			want := Conflict{Person: pid(0), Rule: c.rule, Counted: c.counted, SetAside: map[string]string{"paper": "online", "online": "paper"}[c.counted]}
			if conflicts[0] != want {
				t.Fatalf("conflict %+v, want %+v", conflicts[0], want)
			}
			for _, b := range kept {
				if b.Person == pid(0) && b.Channel != c.counted {
					t.Fatalf("kept the %s ballot", b.Channel)
				}
			}
			// The tally of the resolved ballots counts the person once.
			r := Tally(simple(t, 100, 100), []Matter{{ID: 1, Item: ItemManager}}, kept)
			if r.Counted != 2 || len(r.Rejected) != 0 {
				t.Fatalf("tally %+v", r)
			}
		})
	}
	// Two ballots on the same channel are not a conflict: Tally rejects
	// them as duplicates.
	dup := []Ballot{paper, paper}
	kept, conflicts := Resolve(ConflictFirst, dup)
	if len(kept) != 2 || conflicts != nil {
		t.Fatalf("same channel: %+v %+v", kept, conflicts)
	}
	if r := Tally(simple(t, 100), []Matter{{ID: 1, Item: ItemManager}}, kept); r.Counted != 0 || len(r.Rejected) != 2 {
		t.Fatalf("duplicates: %+v", r)
	}
}

func TestExtraConditions(t *testing.T) {
	// A stairwell of six flats, two per floor on floors 1–3; owner i+1
	// holds part i+1. The lift needs ¾ and, locally, every ground-floor
	// owner's consent (parts 1 and 2), or no objection from them.
	in := make([]PartInput, 6)
	for i := range in {
		in[i] = PartInput{PartID: int64(i + 1), Floor: 1 + i/2, Register: ar(10000), Owners: []int64{int64(i + 1)}}
	}
	e, err := Freeze(in)
	if err != nil {
		t.Fatal(err)
	}
	all := Extra{Label: "一层业主全部同意", Rule: ExtraAllAgree, Floors: []int{1}}
	none := Extra{Label: "一层业主无人反对", Rule: ExtraNoneOppose, Floors: []int{1}}
	byPart := Extra{Label: "受影响的6号业主同意", Rule: ExtraAllAgree, Parts: []int64{6}}
	cases := []struct {
		name    string
		extra   Extra
		votes   string // persons 0..5
		met     bool
		outcome Outcome
		counts  [3]int64 // affected, agree, oppose
	}{
		{"all ground floor agree", all, "AAAAAA", true, OutcomePassed, [3]int64{2, 2, 0}},
		{"one ground-floor owner abstains", all, "AXAAAA", false, OutcomeFailed, [3]int64{2, 1, 0}},
		{"one ground-floor owner does not vote", all, "A-AAAA", false, OutcomeFailed, [3]int64{2, 1, 0}},
		{"a spoiled ground-floor ballot is not consent", all, "ASAAAA", false, OutcomeFailed, [3]int64{2, 1, 0}},
		{"none oppose: silence is enough", none, "--AAAA", true, OutcomePassed, [3]int64{2, 0, 0}},
		{"none oppose: one opposes", none, "AOAAAA", false, OutcomeFailed, [3]int64{2, 1, 1}},
		{"named part agrees", byPart, "AAAAXA", true, OutcomePassed, [3]int64{1, 1, 0}},
		{"named part opposes, thresholds met", byPart, "AAAAAO", false, OutcomeFailed, [3]int64{1, 0, 1}},
		{"no affected owner: met", Extra{Label: "九层", Rule: ExtraAllAgree, Floors: []int{9}}, "AAAAAA", true, OutcomePassed, [3]int64{0, 0, 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Tally(e, []Matter{{ID: 1, Item: ItemRebuild, Extra: []Extra{c.extra}}}, votes(c.votes))
			m := r.Matters[0]
			if len(m.Extra) != 1 {
				t.Fatalf("extra results %+v", m.Extra)
			}
			x := m.Extra[0]
			if x.Met != c.met || m.Outcome != c.outcome || [3]int64{x.Affected, x.Agree, x.Oppose} != c.counts || x.Label != c.extra.Label {
				t.Fatalf("got %+v outcome %s", x, m.Outcome)
			}
		})
	}
	// An extra condition never rescues a matter that misses its thresholds,
	// and a consultation only reports it.
	r := Tally(e, []Matter{{ID: 1, Item: ItemRebuild, Extra: []Extra{all}}}, votes("AAOOO-"))
	if r.Matters[0].Outcome != OutcomeFailed || !r.Matters[0].Extra[0].Met {
		t.Fatalf("thresholds still rule: %+v", r.Matters[0])
	}
	r = Tally(e, []Matter{{ID: 1, Item: Consultation, Extra: []Extra{all}}}, votes("OAAAAA"))
	if r.Matters[0].Outcome != OutcomeConsultation || r.Matters[0].Extra[0].Met {
		t.Fatalf("consultation: %+v", r.Matters[0])
	}
}

func TestValidExtra(t *testing.T) {
	xs := []Extra{{Label: " 一层 ", Rule: ExtraAllAgree, Floors: []int{2, 1, 2}}, {Rule: "most"}}
	bad := validExtra(xs, "matters.0.extra")
	fields := map[string]bool{}
	for _, f := range bad {
		fields[f.Field] = true
	}
	want := map[string]bool{"matters.0.extra.1.label": true, "matters.0.extra.1.rule": true, "matters.0.extra.1.floors": true}
	if !reflect.DeepEqual(fields, want) {
		t.Fatalf("fields %v", fields)
	}
	if xs[0].Label != "一层" || !reflect.DeepEqual(xs[0].Floors, []int{1, 2}) {
		t.Fatalf("normalised %+v", xs[0])
	}
}

func TestRulesFrom(t *testing.T) {
	r, err := RulesFrom(nil)
	if err != nil || r != DefaultRules {
		t.Fatalf("defaults %+v %v", r, err)
	}
	want := Rules{MinNoticeDays: 10, ObjectionDays: 0, Conflict: ConflictPaper, AllowChange: true}
	if r, err := RulesFrom(want.Settings()); err != nil || r != want {
		t.Fatalf("round trip %+v %v", r, err)
	}
	_, err = RulesFrom(map[string]string{SettingMinNoticeDays: "91", SettingObjectionDays: "-1", SettingConflict: "last",
		SettingAllowChange: "maybe"})
	var he *huanxin.Error
	if !errors.As(err, &he) || len(he.Fields) != 4 {
		t.Fatalf("bad settings: %v", err)
	}
}
