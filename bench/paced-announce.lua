-- The reference announce script (../shared/bench/announce.lua), paced: every connection waits DELAY_MS before
-- each request, so that a run holds a chosen rate (wrk 4.1 has no rate option) and measures latency below
-- saturation. Rate ≈ connections × 1000 / (DELAY_MS + latency).
dofile(os.getenv("SHARED_BENCH") .. "/announce.lua")

local pause = tonumber(os.getenv("DELAY_MS") or "0")

function delay()
  return pause
end
