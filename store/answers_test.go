package store

import (
	"encoding/json"
	"math/rand"
	"reflect"
	"testing"

	"github.com/huanxin/huanxin/questionnaire"
)

func TestDecodeAnswersAgreesWithJSON(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	texts := []string{"", "希望尽快修好路灯", `带"引号"`, "line\nbreak", `back\slash`, "emoji 🏠", "tab\there"}
	for range 5000 {
		m := map[int]questionnaire.Answer{}
		for q := range rng.Intn(9) {
			var a questionnaire.Answer
			switch rng.Intn(4) {
			case 0:
				for range rng.Intn(6) {
					a.Picks = append(a.Picks, rng.Intn(40)-1)
				}
			case 1:
				a.Value = rng.Intn(21) - 10
			case 2:
				a.Text = texts[rng.Intn(len(texts))]
			default:
				a.Picks, a.Value = []int{rng.Intn(5)}, rng.Intn(5)
			}
			m[q+1+rng.Intn(3)*10] = a
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeAnswers(b)
		var want map[int]questionnaire.Answer
		if jerr := json.Unmarshal(b, &want); jerr != nil || err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("%s:\n%#v\n%#v %v", b, got, want, err)
		}
	}
}

func FuzzDecodeAnswers(f *testing.F) {
	for _, s := range []string{`{}`, `{"1":{"picks":[0,7]},"6":{"value":3},"8":{"text":"好"}}`, `{"1":{}`, `{"1":{"picks":}`,
		`{"1":{"value":-}}`, `{"12":{"text":"a\u00e9"}}`, `{"x":1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := decodeAnswers(b)
		var want map[int]questionnaire.Answer
		jerr := json.Unmarshal(b, &want)
		if (err == nil) != (jerr == nil) || (err == nil && !reflect.DeepEqual(got, want)) {
			t.Fatalf("%q: %#v %v; json %#v %v", b, got, err, want, jerr)
		}
	})
}
