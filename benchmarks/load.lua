-- wrk script for benchmarks/load.sh: a mix of public pages, exports and API calls, as readers
-- arriving from a news story would send them, with every response counted by status class.
--
-- Requests go through the paths below in turn (each wrk thread starting at a different place).
-- A thread serves several connections at once, so a response is counted by class, not tied to
-- its path: load.sh finds the path of any 5xx in the server's JSON error log.
-- Extra paths can be passed after `--` on the wrk command line (load.sh passes the hashed
-- stylesheet, which only the running server knows).

local paths = {
  "/",
  "/projects/",
  "/projects/?sector=it",
  "/projects/?sector=green-energy&year=2015",
  "/projects/?year=undated",
  "/projects/?q=port&sort=-start",
  "/projects/?page=2",
  "/projects/radiological-medical-sciences-complex/",
  "/projects/offshore-wind-farm/",
  "/projects/world-level-drill-ships/",
  "/projects/cloud-data-center-complex/",
  "/sectors/",
  "/sectors/it/",
  "/sectors/offshore-shipbuilding/",
  "/timeline/",
  "/timeline/?sector=bio-medical",
  "/data/",
  "/ko/",
  "/ko/projects/",
  "/ko/projects/offshore-wind-farm/",
  "/ko/sectors/green-energy/",
  "/ko/timeline/",
  "/projects/export.csv?sector=it",
  "/api/projects/",
  "/api/projects/?sector=robotics",
  "/api/projects/offshore-wind-farm/",
  "/api/sectors/",
  "/feeds/projects/",
  "/no-such-page/",
}

-- Production sits behind a TLS proxy: the HTTPS redirect stays on and the proxy's header says
-- the client spoke HTTPS (load.sh sets DJANGO_SECURE_PROXY_SSL_HEADER=1).
wrk.headers["X-Forwarded-Proto"] = "https"
wrk.headers["Accept-Language"] = "en"

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  for _, extra in ipairs(args) do
    table.insert(paths, extra)
  end
  counts = { ["2xx"] = 0, ["3xx"] = 0, ["4xx"] = 0, ["5xx"] = 0 }
  position = id * 7
end

function request()
  position = position + 1
  return wrk.format("GET", paths[(position % #paths) + 1])
end

function response(status, headers, body)
  local class = tostring(math.floor(status / 100)) .. "xx"
  counts[class] = (counts[class] or 0) + 1
end

function done(summary, latency, requests)
  local totals = { ["2xx"] = 0, ["3xx"] = 0, ["4xx"] = 0, ["5xx"] = 0 }
  for _, thread in ipairs(threads) do
    for class, n in pairs(thread:get("counts")) do
      totals[class] = (totals[class] or 0) + n
    end
  end
  local errors = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.1f rps=%.1f 2xx=%d 3xx=%d 4xx=%d 5xx=%d " ..
    "socket_errors=%d p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    totals["2xx"], totals["3xx"], totals["4xx"], totals["5xx"],
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
