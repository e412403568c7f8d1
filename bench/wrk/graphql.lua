-- wrk script for one GraphQL workload. Every response is checked: a status other than 200,
-- a body carrying "errors", or (for reads) a body that differs from the golden answer counts
-- as a mismatch, and the run fails on any.
--
-- Environment:
--   BENCH_BODY    file with the request body (JSON)
--   BENCH_TOKEN   bearer token
--   BENCH_GOLDEN  file with the golden answer, or empty for writes
--   BENCH_EXPECT  for writes: text every answer must contain
--   BENCH_UNIQUE  text in the body to replace, everywhere, with 12 hex digits unique to
--                 each request (writes: ids, numbers)
--   BENCH_RUN     a number that differs per run, the first 5 of those digits
--   BENCH_PATH    for a GET: the path and query string to ask (no body is sent)
--   BENCH_IF_NONE_MATCH  for a GET: the ETag to send
--   BENCH_STATUS  the status every answer must have (default 200; 304 has no body)

local body = io.open(os.getenv("BENCH_BODY")):read("*a")
local token = os.getenv("BENCH_TOKEN")
local golden_path = os.getenv("BENCH_GOLDEN") or ""
local golden = nil
if golden_path ~= "" then
  golden = io.open(golden_path):read("*a")
end
local unique = os.getenv("BENCH_UNIQUE") or ""
local expect = os.getenv("BENCH_EXPECT") or ""

local path = os.getenv("BENCH_PATH") or ""
local wanted = tonumber(os.getenv("BENCH_STATUS") or "") or 200
if path ~= "" then
  wrk.method = "GET"
  wrk.path = path
  wrk.headers["Accept"] = "application/json"
  local etag = os.getenv("BENCH_IF_NONE_MATCH") or ""
  if etag ~= "" then
    wrk.headers["If-None-Match"] = etag
  end
else
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end
if token ~= nil and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  mismatches = 0
  responses = 0
  first_bad = ""
  sent = 0
end

if unique ~= "" then
  local run = tonumber(os.getenv("BENCH_RUN") or "0") % 1048576
  function request()
    sent = sent + 1
    local value = string.format("%05x%01x%06x", run, id % 16, sent % 16777216)
    local this = string.gsub(body, unique, value)
    return wrk.format(nil, nil, nil, this)
  end
end

function response(status, headers, text)
  responses = responses + 1
  local bad = status ~= wanted or string.find(text, '"errors"', 1, true) ~= nil
  if wanted == 304 and text ~= "" then
    bad = true
  elseif golden ~= nil and text ~= golden then
    bad = true
  end
  if golden == nil and string.find(text, expect, 1, true) == nil then
    bad = true
  end
  if bad then
    mismatches = mismatches + 1
    if first_bad == "" then
      first_bad = status .. " " .. string.sub(text, 1, 300)
    end
  end
end

local function quote(s)
  return '"' .. string.gsub(string.gsub(s, '\\', '\\\\'), '"', '\\"') .. '"'
end

function done(summary, latency, requests)
  local bad = 0
  local checked = 0
  local example = ""
  for _, t in ipairs(threads) do
    bad = bad + t:get("mismatches")
    checked = checked + t:get("responses")
    local b = t:get("first_bad")
    if example == "" and b ~= nil then
      example = b
    end
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "checked": %d, "mismatches": %d, "socket_errors": %d, ' ..
    '"p50_ms": %.3f, "p99_ms": %.3f, "mean_ms": %.3f, "example": %s}\n',
    summary.requests, summary.duration / 1e6, checked, bad,
    errors.connect + errors.read + errors.write + errors.status + errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.mean / 1000,
    quote(string.gsub(example, "\n", " "))))
end
