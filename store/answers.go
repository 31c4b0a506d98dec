package store

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/huanxin/huanxin/questionnaire"
)

// decodeAnswers decodes a response's answers column as encoding/json
// writes a map[int]questionnaire.Answer:
// {"1":{"picks":[0,7]},"6":{"value":3},"8":{"text":"…"}}. Results read
// every response of a questionnaire, and reflection-driven decoding was
// most of their cost. Any other shape — a string with an escape, an
// unknown key, a number with a sign where none is expected — goes through
// encoding/json, so the result is always what encoding/json would give.
func decodeAnswers(b []byte) (map[int]questionnaire.Answer, error) {
	slow := func() (map[int]questionnaire.Answer, error) {
		var m map[int]questionnaire.Answer
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("store: answers %q: %w", b, err)
		}
		return m, nil
	}
	n := len(b)
	at := func(i int) byte {
		if i < n {
			return b[i]
		}
		return 0
	}
	if n < 2 || b[0] != '{' || b[n-1] != '}' {
		return slow()
	}
	out := make(map[int]questionnaire.Answer, 8)
	if n == 2 {
		return out, nil
	}
	i := 1
	for {
		// "<question>":{
		if at(i) != '"' {
			return slow()
		}
		q, j, ok := digits(b, i+1)
		if !ok || j+2 >= n || b[j] != '"' || b[j+1] != ':' || b[j+2] != '{' {
			return slow()
		}
		i = j + 3
		var a questionnaire.Answer
		for at(i) != '}' {
			k := i + 1
			for k < n && b[k] != '"' {
				k++
			}
			if at(i) != '"' || k+1 >= n || b[k+1] != ':' {
				return slow()
			}
			key := string(b[i+1 : k])
			i = k + 2
			switch key {
			case "picks":
				if at(i) != '[' {
					return slow()
				}
				i++
				a.Picks = []int{}
				for at(i) != ']' {
					neg := at(i) == '-'
					if neg {
						i++
					}
					v, j, ok := digits(b, i)
					if !ok {
						return slow()
					}
					if neg {
						v = -v
					}
					a.Picks = append(a.Picks, int(v))
					if i = j; at(i) == ',' {
						i++
					}
				}
				i++
			case "value":
				neg := at(i) == '-'
				if neg {
					i++
				}
				v, j, ok := digits(b, i)
				if !ok {
					return slow()
				}
				if neg {
					v = -v
				}
				a.Value, i = int(v), j
			case "text":
				if at(i) != '"' {
					return slow()
				}
				k := i + 1
				for k < n && b[k] != '"' && b[k] != '\\' && b[k] >= 0x20 {
					k++
				}
				if k >= n || b[k] != '"' || !utf8.Valid(b[i+1:k]) {
					return slow()
				}
				a.Text, i = string(b[i+1:k]), k+1
			default:
				return slow()
			}
			if at(i) == ',' {
				i++
			} else if at(i) != '}' {
				return slow()
			}
		}
		out[int(q)] = a
		i++
		if at(i) == ',' {
			i++
			continue
		}
		if i == n-1 {
			return out, nil
		}
		return slow()
	}
}
