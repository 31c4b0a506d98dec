package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/estate"
	"golang.org/x/sync/errgroup"
)

// Loading for tallies. A re-tally of an announced decision and a result
// read every ballot of a decision and its frozen electorate; on a city's
// worth of decisions that reading, not the counting, is the cost, and with
// the SQLite driver the cost of a row is mostly that of its columns.
// Counted therefore reads only the columns a tally needs, in the order of
// the tally indexes (migration 00006, which cover them), and decodes each
// distinct choices text once.

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

// Counted loads what a tally of the decision reads (decision.Counter):
// the voters' persons and areas, with their parts only where a matter has
// extra conditions, and the counted entries of the ballots, both ordered
// by person; the two reads run at once.
func (db *DB) Counted(ctx context.Context, d *decision.Decision) (decision.Counted, error) {
	var c decision.Counted
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		c.Electorate, err = db.tallyVoters(gctx, d)
		return err
	})
	g.Go(func() error { return db.tallyBallots(gctx, d, &c) })
	return c, g.Wait()
}

// tallyVoters reads the frozen electorate as a tally reads it.
func (db *DB) tallyVoters(ctx context.Context, d *decision.Decision) (decision.Electorate, error) {
	var e decision.Electorate
	extra := slices.ContainsFunc(d.Matters, func(m decision.Matter) bool { return len(m.Extra) > 0 })
	cols := "person, area"
	if extra {
		cols += ", parts"
	}
	rows, err := db.query(ctx, "SELECT "+cols+" FROM decision_voters WHERE city_id = ? AND decision_id = ? ORDER BY person",
		d.CityID, d.ID)
	if err != nil {
		return e, err
	}
	defer rows.Close()
	var person string
	var area int64
	var parts []byte
	dest := []any{&person, &area}
	if extra {
		dest = append(dest, &parts)
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return e, err
		}
		v := decision.Voter{ID: decision.PersonID(person), Area: huanxin.Area(area)}
		if extra {
			if v.Parts, err = decodeParts(parts); err != nil {
				return e, err
			}
		}
		e.Voters = append(e.Voters, v)
		e.TotalArea += v.Area
	}
	e.TotalPersons = int64(len(e.Voters))
	return e, rows.Err()
}

// tallyBallots reads the counted entries of the ballots of a decision into
// c, and counts the pending and mismatched ones. A ballot settled by a
// review counts its review entry, which a second, narrow read fetches for
// those ballots only.
func (db *DB) tallyBallots(ctx context.Context, d *decision.Decision, c *decision.Counted) error {
	rows, err := db.query(ctx, `SELECT person, channel, state, cast_at, spoiled, review_by, choices FROM ballots
		WHERE city_id = ? AND decision_id = ? ORDER BY person, channel`, d.CityID, d.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	shared := map[string]map[decision.MatterID]decision.Choice{} // choices text → decoded
	reviewed := map[[2]string]int{}                              // person and channel → index in c.Ballots
	var person, state, choices string
	var at, reviewBy int64
	for rows.Next() {
		var b decision.Ballot
		if err := rows.Scan(&person, &b.Channel, &state, &at, &b.Spoiled, &reviewBy, &choices); err != nil {
			return err
		}
		switch decision.BallotState(state) {
		case decision.BallotPending:
			c.Pending++
			continue
		case decision.BallotMismatched:
			c.Mismatched++
			continue
		case decision.BallotCounted:
		default:
			continue
		}
		b.Person, b.At = decision.PersonID(person), fromMicro(at)
		if reviewBy != 0 {
			reviewed[[2]string{person, b.Channel}] = len(c.Ballots)
		} else if b.Choices = shared[choices]; b.Choices == nil {
			if b.Choices, err = decodeChoices([]byte(choices)); err != nil {
				return err
			}
			shared[choices] = b.Choices
		}
		c.Ballots = append(c.Ballots, b)
	}
	if err := rows.Err(); err != nil || len(reviewed) == 0 {
		return err
	}
	rows.Close()
	rows, err = db.query(ctx, `SELECT person, channel, review_entry FROM ballots
		WHERE city_id = ? AND decision_id = ? AND state = ? AND review_by <> 0`, d.CityID, d.ID, string(decision.BallotCounted))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var channel, review string
		if err := rows.Scan(&person, &channel, &review); err != nil {
			return err
		}
		i, ok := reviewed[[2]string{person, channel}]
		if !ok {
			continue // reviewed after the first read
		}
		var e decision.Entry
		if err := parseEntry(review, &e); err != nil {
			return err
		}
		c.Ballots[i].Choices, c.Ballots[i].Spoiled = e.Choices, e.Spoiled
		delete(reviewed, [2]string{person, channel})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(reviewed) > 0 {
		return fmt.Errorf("store: %d reviewed ballots of decision %d changed while read", len(reviewed), d.ID)
	}
	return nil
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
