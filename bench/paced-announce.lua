-- The load generator's announce.lua, paced: every connection waits before each request so that a run holds a
-- chosen rate (wrk 4.1 has no rate option) and measures latency below saturation.
-- Rate ≈ connections × 1000 / (DELAY_MS + latency). The wait is drawn anew for every request, uniform over
-- 0 … 2 × DELAY_MS, so that the connections stay independent, as clients announcing on their own timers are. One
-- fixed wait would keep connections that were answered together after a stall in step, arriving as a burst every
-- round: with the same tracker, a fixed wait gave about three times the median and a higher p99 at a lower rate.
dofile(os.getenv("LOADGEN") .. "/announce.lua")

local pause = tonumber(os.getenv("DELAY_MS") or "0")

function delay()
  return math.random(0, 2 * pause)
end
