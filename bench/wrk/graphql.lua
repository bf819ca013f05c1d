-- GraphQL load for wrk (a native load generator: the client is not the bottleneck).
--
--   wrk -s bench/wrk/graphql.lua <url> -- <scenario> <participants> <run id> <API key>
--
-- Scenarios: "top100" (the points board's top 100 with ids and names, the same body every
-- time), "adjustPoints" (+1..10 points to a random participant 1..N, each with its own
-- idempotency key "<run id>-<thread>-<n>"), "history" (the first 50 runs of the board
-- "daily", live and archived), "historyDeep" (the same before $BENCH_HISTORY_TO),
-- "groupTop" (the top 100 of class $BENCH_GROUP on the scoped board "by-class") and
-- "groupStandings" (the first 20 classes of "by-class" ranked by their sums). A
-- response counts as an error when its status is not 200 or its body carries GraphQL
-- "errors". When the run ends, one line of JSON goes to
-- stdout: {"requests", "seconds", "errors", "socket_errors", "p50_us", "p90_us", "p99_us",
-- "max_us"}; bench/wrk.py reads it.

-- $BENCH_WRK_DELAY_MS paces each connection: it waits that long before each request
-- (rate = connections / (delay + latency)), so a row can hold a rate instead of saturating.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local scenario, participants, run_id
local sent = 0
errors = 0 -- a global: done() reads each thread's with thread:get("errors")
local headers = { ["Content-Type"] = "application/json" }
local TOP100 = '{"query":"{ leaderboard { entries(first: 100) { edges { node { rank score'
  .. ' participant { id name } } } } } }"}'
local ADJUST = '{"query":"mutation($id: ID!, $d: Float!, $k: String!) { adjustPoints('
  .. 'participantId: $id, delta: $d, idempotencyKey: $k) { rank score } }",'
  .. '"variables":{"id":"%d","d":%d,"k":"%s"}}'

local HISTORY = '{"query":"{ history(leaderboard: \\"daily\\", first: 50%s) { edges { node {'
  .. ' id period periodEnd rowCount archivedAt } } } }"}'
local HISTORY_DEEP = string.format(
  HISTORY, string.format(', to: \\"%s\\"', os.getenv("BENCH_HISTORY_TO") or ""))
HISTORY = string.format(HISTORY, "")
local GROUP_TOP = string.format('{"query":"{ leaderboard(key: \\"by-class\\", group: \\"%s\\")'
  .. ' { entries(first: 100) { edges { node { rank score participant { id name } } } } } }"}',
  os.getenv("BENCH_GROUP") or "")
local GROUP_STANDINGS = '{"query":"{ groupStandings(leaderboard: \\"by-class\\", first: 20)'
  .. ' { edges { node { rank score members group { key name } } } } }"}'

local pace = tonumber(os.getenv("BENCH_WRK_DELAY_MS") or "0")
if pace > 0 then
  function delay()
    return pace
  end
end

function init(args)
  scenario = args[1]
  participants = tonumber(args[2] or "1000")
  run_id = args[3] or "wrk"
  if args[4] then
    headers["Authorization"] = "Bearer " .. args[4]
  end
  math.randomseed(os.time() * 1000 + id)
end

function request()
  sent = sent + 1
  if scenario == "adjustPoints" then
    local key = string.format("%s-%d-%d", run_id, id, sent)
    local body = string.format(ADJUST, math.random(1, participants), math.random(1, 10), key)
    return wrk.format("POST", "/graphql", headers, body)
  end
  if scenario == "history" then
    return wrk.format("POST", "/graphql", headers, HISTORY)
  elseif scenario == "historyDeep" then
    return wrk.format("POST", "/graphql", headers, HISTORY_DEEP)
  elseif scenario == "groupTop" then
    return wrk.format("POST", "/graphql", headers, GROUP_TOP)
  elseif scenario == "groupStandings" then
    return wrk.format("POST", "/graphql", headers, GROUP_STANDINGS)
  end
  return wrk.format("POST", "/graphql", headers, TOP100)
end

function response(status, _, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then
    errors = errors + 1
  end
end

function done(summary, latency, _)
  local failed = 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("errors")
  end
  local s = summary.errors
  io.write(string.format(
    '{"requests":%d,"seconds":%.3f,"errors":%d,"socket_errors":%d,'
      .. '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration / 1e6, failed,
    s.connect + s.read + s.write + s.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max
  ))
end
