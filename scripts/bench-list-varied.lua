-- wrk script: the estate list with varied filters and pages, so that many
-- requests miss the list cache (used by scripts/bench-list).
local statuses = {"candidate", "surveyed", "planned", "voting", "funded", "construction", "accepted", "upkeep", ""}
math.randomseed(42)
request = function()
  local s = statuses[math.random(#statuses)]
  local path = string.format("/estates?status=%s&year_to=%d&page=%d", s, 1990 + math.random(0, 15), math.random(1, 20))
  return wrk.format("GET", path)
end
