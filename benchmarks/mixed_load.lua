-- A realistic mix for wrk: 70 % document reads, 20 % offline progress batches,
-- 8 % searches, 2 % report views, through the mobile API. The run's data (tokens,
-- documents and their sections, queries, the report unit) comes from a Lua file
-- named by HANDBOOK_LOAD_CONFIG, written by benchmarks/load_bench.py.
local cfg = dofile(os.getenv("HANDBOOK_LOAD_CONFIG"))
local threads = {}
sent = 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  math.randomseed(tid * 7919)
end

local function headers(token, extra)
  local h = { ["Authorization"] = "Bearer " .. token, ["User-Agent"] = cfg.agent }
  for k, v in pairs(extra or {}) do h[k] = v end
  return h
end

local function events()
  local parts = {}
  for i = 1, cfg.events_per_batch do
    sent = sent + 1
    local doc = cfg.documents[math.random(#cfg.documents)]
    parts[i] = string.format(
      '{"id":"load-%d-%d","document":"%s","anchor":"%s","seconds":%d,"occurred_at":"%s"}',
      tid, sent, doc.slug, doc.anchors[math.random(#doc.anchors)], math.random(1, 30), cfg.now)
  end
  return '{"events":[' .. table.concat(parts, ",") .. ']}'
end

function request()
  local roll = math.random(100)
  if roll <= 70 then
    local doc = cfg.documents[math.random(#cfg.documents)]
    return wrk.format("GET", "/api/v1/documents/" .. doc.slug, headers(cfg.member))
  elseif roll <= 90 then
    return wrk.format("POST", "/api/v1/study/events",
                      headers(cfg.member, { ["Content-Type"] = "application/json" }), events())
  elseif roll <= 98 then
    return wrk.format("GET", "/api/v1/search?q=" .. cfg.queries[math.random(#cfg.queries)],
                      headers(cfg.member))
  end
  return wrk.format("GET", cfg.report, headers(cfg.committee))
end

function done(summary, latency, requests)
  local e, events = summary.errors, 0
  for _, thread in ipairs(threads) do events = events + thread:get("sent") end
  io.write(string.format(
    "RESULT requests=%d duration_us=%d status_errors=%d socket_errors=%d " ..
    "p50_us=%d p95_us=%d p99_us=%d max_us=%d events_made=%d\n",
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    events))
end
