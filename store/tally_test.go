package store

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/estate"
)

// The hand-written decoders give what encoding/json gives, for what the
// store writes and for anything else (through the fallback).
func TestTallyDecoders(t *testing.T) {
	for _, c := range []map[decision.MatterID]decision.Choice{nil, {}, {1: decision.Agree}, {12: 2, 13: 3, 999999: -1}} {
		s, err := choicesJSON(c)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeChoices([]byte(s))
		var want map[decision.MatterID]decision.Choice
		json.Unmarshal([]byte(s), &want)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %v %v, want %v", s, got, err, want)
		}
	}
	for _, s := range []string{` {"1":1}`, `{"1": 1}`, `{"a":1}`} {
		got, err := decodeChoices([]byte(s))
		var want map[decision.MatterID]decision.Choice
		werr := json.Unmarshal([]byte(s), &want)
		if (err != nil) != (werr != nil) || (err == nil && !reflect.DeepEqual(got, want)) {
			t.Errorf("%s: %v %v, want %v %v", s, got, err, want, werr)
		}
	}
	for _, ps := range [][]decision.VoterPart{nil, {}, {{PartID: 1, BuildingID: 2, Floor: 3, Area: 6500, Source: estate.AreaSource("register")}},
		{{PartID: 3, Area: -1}, {PartID: 4, BuildingID: 9, Area: 123456789, Source: estate.AreaSource("surveyed")}}} {
		s, _ := json.Marshal(ps)
		got, err := decodeParts(s)
		var want []decision.VoterPart
		json.Unmarshal(s, &want)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %v %v, want %v", s, got, err, want)
		}
	}
	s := `[{"PartID":1,"Extra":{"x":[1]},"Source":"a\"b"}]`
	got, err := decodeParts([]byte(s))
	var want []decision.VoterPart
	json.Unmarshal([]byte(s), &want)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("%s: %v %v, want %v", s, got, err, want)
	}
}
