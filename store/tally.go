package store

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/estate"
	"golang.org/x/sync/errgroup"
)

// Loading for tallies. A re-tally of an announced decision, a result and a
// turnout all read every ballot of a decision and its frozen electorate;
// on a city's worth of decisions that reading, not the counting, is the
// cost. These loaders read the same rows as Ballots and Electorate, but
// by the tables' keys (city, decision) instead of scanning, and decode the
// choices without reflection.

// BallotsOf lists the ballots of a decision of a city in the order they
// were cast, reading them by the ballots' key.
func (db *DB) BallotsOf(ctx context.Context, cityID, id int64) ([]*decision.StoredBallot, error) {
	rows, err := db.query(ctx, "SELECT "+ballotCols+" FROM ballots WHERE city_id = ? AND decision_id = ? ORDER BY id", cityID, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*decision.StoredBallot
	for rows.Next() {
		b, err := scanBallot(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// ElectorateOf loads the frozen electorate of a decision of a city, as
// Electorate does.
func (db *DB) ElectorateOf(ctx context.Context, cityID, id int64) (decision.Electorate, error) {
	var e decision.Electorate
	rows, err := db.query(ctx, `SELECT person, representative, area, owners, parts FROM decision_voters
		WHERE city_id = ? AND decision_id = ? ORDER BY person`, cityID, id)
	if err != nil {
		return e, err
	}
	defer rows.Close()
	for rows.Next() {
		var v decision.Voter
		var owners, parts []byte
		if err := rows.Scan(&v.ID, &v.Representative, &v.Area, &owners, &parts); err != nil {
			return e, err
		}
		if v.Owners, err = decodeIDs(owners); err != nil {
			return e, err
		}
		if v.Parts, err = decodeParts(parts); err != nil {
			return e, err
		}
		e.Voters = append(e.Voters, v)
		e.TotalArea += v.Area
	}
	e.TotalPersons = int64(len(e.Voters))
	return e, rows.Err()
}

// Counting is what a tally reads for one decision.
type Counting struct {
	Decision   *decision.Decision
	Electorate decision.Electorate
	Ballots    []*decision.StoredBallot
}

// EachCounting loads the electorate and ballots of each decision, several
// decisions at once (as many as the read pool has connections), and calls
// fn for each as soon as it is loaded; fn may be called concurrently. It
// stops at the first error.
func (db *DB) EachCounting(ctx context.Context, ds []*decision.Decision, fn func(c Counting) error) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(max(2, runtime.GOMAXPROCS(0)))
	for _, d := range ds {
		g.Go(func() error {
			e, err := db.ElectorateOf(ctx, d.CityID, d.ID)
			if err != nil {
				return err
			}
			bs, err := db.BallotsOf(ctx, d.CityID, d.ID)
			if err != nil {
				return err
			}
			return fn(Counting{Decision: d, Electorate: e, Ballots: bs})
		})
	}
	return g.Wait()
}

// decodeChoices decodes the choices column as choicesJSON writes it:
// {"12":1,"13":2} (matter IDs as keys, choices as integers). Anything else
// goes through encoding/json.
func decodeChoices(b []byte) (map[decision.MatterID]decision.Choice, error) {
	out := map[decision.MatterID]decision.Choice{}
	i, n := 0, len(b)
	fail := func() (map[decision.MatterID]decision.Choice, error) {
		var m map[decision.MatterID]decision.Choice
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("store: choices %q: %w", b, err)
		}
		return m, nil
	}
	if n < 2 || b[0] != '{' || b[n-1] != '}' {
		return fail()
	}
	i = 1
	if i == n-1 {
		return out, nil
	}
	for {
		// "key"
		if i >= n || b[i] != '"' {
			return fail()
		}
		i++
		k, j, ok := digits(b, i)
		if !ok || j >= n || b[j] != '"' || j+1 >= n || b[j+1] != ':' {
			return fail()
		}
		i = j + 2
		neg := false
		if i < n && b[i] == '-' {
			neg, i = true, i+1
		}
		v, j, ok := digits(b, i)
		if !ok {
			return fail()
		}
		if neg {
			v = -v
		}
		out[decision.MatterID(k)] = decision.Choice(v)
		i = j
		if i < n && b[i] == ',' {
			i++
			continue
		}
		if i == n-1 {
			return out, nil
		}
		return fail()
	}
}

// digits reads a non-empty run of at most 18 decimal digits from b[i:].
func digits(b []byte, i int) (v int64, j int, ok bool) {
	for j = i; j < len(b) && b[j] >= '0' && b[j] <= '9'; j++ {
		if j-i >= 18 {
			return 0, j, false
		}
		v = v*10 + int64(b[j]-'0')
	}
	return v, j, j > i
}

// decodeIDs decodes a JSON array of integers such as [1,2,3].
func decodeIDs(b []byte) ([]int64, error) {
	n := len(b)
	if string(b) == "null" {
		return nil, nil
	}
	if n < 2 || b[0] != '[' || b[n-1] != ']' {
		return nil, fmt.Errorf("store: ids %q", b)
	}
	if n == 2 {
		return []int64{}, nil
	}
	var out []int64
	for i := 1; ; {
		v, j, ok := digits(b, i)
		if !ok {
			var ids []int64
			if err := json.Unmarshal(b, &ids); err != nil {
				return nil, fmt.Errorf("store: ids %q: %w", b, err)
			}
			return ids, nil
		}
		out = append(out, v)
		switch {
		case j < n-1 && b[j] == ',':
			i = j + 1
		case j == n-1:
			return out, nil
		default:
			var ids []int64
			if err := json.Unmarshal(b, &ids); err != nil {
				return nil, fmt.Errorf("store: ids %q: %w", b, err)
			}
			return ids, nil
		}
	}
}

// decodeParts decodes the parts column as FreezeElectorate writes it:
// [{"PartID":1,"BuildingID":2,"Floor":3,"Area":6500,"Source":"register"},…]. Any
// other shape, or a key it does not know, goes through encoding/json.
func decodeParts(b []byte) ([]decision.VoterPart, error) {
	slow := func() ([]decision.VoterPart, error) {
		var ps []decision.VoterPart
		if err := json.Unmarshal(b, &ps); err != nil {
			return nil, fmt.Errorf("store: parts %q: %w", b, err)
		}
		return ps, nil
	}
	n := len(b)
	if n < 2 || b[0] != '[' || b[n-1] != ']' {
		return slow()
	}
	if n == 2 {
		return []decision.VoterPart{}, nil
	}
	var out []decision.VoterPart
	i := 1
	for {
		if b[i] != '{' {
			return slow()
		}
		i++
		var p decision.VoterPart
		for {
			if i >= n || b[i] != '"' {
				return slow()
			}
			j := i + 1
			for j < n && b[j] != '"' && b[j] != '\\' {
				j++
			}
			if j+1 >= n || b[j] != '"' || b[j+1] != ':' {
				return slow()
			}
			key := string(b[i+1 : j])
			i = j + 2
			if key == "Source" {
				if i >= n || b[i] != '"' {
					return slow()
				}
				j = i + 1
				for j < n && b[j] != '"' && b[j] != '\\' {
					j++
				}
				if j >= n || b[j] != '"' {
					return slow()
				}
				p.Source = estate.AreaSource(b[i+1 : j])
				i = j + 1
			} else {
				neg := i < n && b[i] == '-'
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
				switch key {
				case "PartID":
					p.PartID = v
				case "BuildingID":
					p.BuildingID = v
				case "Floor":
					p.Floor = int(v)
				case "Area":
					p.Area = huanxin.Area(v)
				default:
					return slow()
				}
				i = j
			}
			if i < n && b[i] == ',' {
				i++
				continue
			}
			if i < n && b[i] == '}' {
				i++
				break
			}
			return slow()
		}
		out = append(out, p)
		if i < n-1 && b[i] == ',' {
			i++
			continue
		}
		if i == n-1 {
			return out, nil
		}
		return slow()
	}
}
