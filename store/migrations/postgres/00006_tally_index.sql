-- +goose Up
-- Indexes for tallies: a tally reads the ballots and the voters of one
-- decision ordered by person, and only these columns of them, so each read
-- is one range scan of an index that covers it (store.Counted).
CREATE INDEX ballots_tally ON ballots(city_id, decision_id, person, channel)
    INCLUDE (state, cast_at, spoiled, review_by, choices);
CREATE INDEX decision_voters_tally ON decision_voters(city_id, decision_id, person) INCLUDE (area);

-- +goose Down
DROP INDEX decision_voters_tally;
DROP INDEX ballots_tally;
