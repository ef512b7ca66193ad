#!/usr/bin/env bash
# Swarmkeeper and opentracker through the same load on this machine, in one run; prints the results table of
# docs/PERFORMANCE.md (bench/report.py):
#
#   LOADGEN=/path/to/loadgen bench/run.sh
#
# LOADGEN (required): the directory of the wrk-based load generator this harness drives, called from its place:
# run_bench.sh (one tracker's sequence: a load pass of `started` announces, keep-alive announces, a new
# connection per announce, scrapes, each with the CPU of the tracker, its database and wrk), announce.lua and
# scrape.lua (real-client-shaped requests), common.lua (their common helpers), gen_pool.py (torrents and passkeys)
# and install.sh (installs wrk and opentracker as root).
#
# Builds the jar (./mvnw, with the JDK that runs it), starts Swarmkeeper on a fresh embedded PostgreSQL, creates
# the users and torrents, then runs the load generator's run_bench.sh with the tracker and its PostgreSQL pinned
# to core 1 and wrk to core 0: once as a warm-up of WARMUP seconds per phase (without it the JIT compiler takes
# a sixth of the tracker's core in the first measured phase), then once measured, without the load pass; then a
# paced run at about half the peak rate for latency; then opentracker (Debian package) through the same script;
# then, with both trackers up, ROUNDS rounds of the new-connection phase, DUR s each, each round starting with
# the next tracker in turn (the host's speed drifts over minutes: phases seconds apart compare the trackers,
# phases minutes apart partly the host); then a `started` pass on each warm tracker: PEERS peers it has never
# seen, on TORRENTS torrents of their own, each announcing once with event=started and a new connection; then
# start-up (three starts with java -jar, three more from the
# extracted jar with a trained AOT cache) and heap with 1,000,000 peers in PostgreSQL. CPU steal is sampled
# beside each tracker's runs. Prints the table (bench/report.py).
#
# env: PEERS=100000 TORRENTS=10000 USERS=1000 DUR=10 (s per measured run) WARMUP=15 (s per warm-up run, 0: none)
#      CONNS=50 MILLION=1000000 PACED_DUR=DUR (s: the paced run's length; a longer one takes in more of the
#      periodic work, flushes, collections and the minute's policy evaluation, that sets its p99)
#      SOAK=0 (s): after the paced run, that long at the peak (new connection each), the flush lag reported per
#      minute: does the ledger keep up over a long run (SOAK=600: ten minutes)
#      OPENTRACKER=1 (0 skips it and the rounds) ROUNDS=3 (0: none) MILLION=0 skips the start-up stage: for quick
#      runs while working
#      ALSO_TRACKER="NAME URL ANNOUNCE_PATH PID...": one more tracker in the rounds, started, loaded with the
#      pool's population (run_bench.sh) and pinned to core 1 beforehand, e.g. an Ocelot built by hand
#      PIN_DATABASE=1 (0 leaves PostgreSQL free to use both cores: to tell CPU starvation from slow SQL)
#      TRACKER_OPTS: more tracker arguments, e.g. "--tracker.ledger.max-lag=1h" (no back-pressure)
#      JAVA=$JAVA_HOME/bin/java (java on the PATH without JAVA_HOME; JDK 25 or newer, which also builds the jar)
#      JAVA_OPTS="-Xms1g -Xmx1g -XX:MaxTenuringThreshold=1" (README's JVM settings)
#      PORT=18080 (admin API, Actuator) TRACKER_PORT=18081 (announces and scrapes, tracker.port) PGPORT=15432
#      OTPORT=16969
# Needs wrk, opentracker (LOADGEN's install.sh installs both when run as root), psql, python3, vmstat.
set -euo pipefail
shopt -s inherit_errexit
unset POOL MODE PRELOADED # announce_wrk's settings per call, never the caller's
cd "$(dirname "$0")/.."
ROOT=$PWD
LOADGEN_FILES="run_bench.sh announce.lua scrape.lua common.lua gen_pool.py"
if [ -z "${LOADGEN:-}" ]; then
  echo "LOADGEN must name the load generator's directory, which holds $LOADGEN_FILES:" >&2
  echo "  LOADGEN=/path/to/loadgen bench/run.sh" >&2
  exit 2
fi
[ -d "$LOADGEN" ] || { echo "LOADGEN is not a directory: $LOADGEN" >&2; exit 2; }
LOADGEN=$(cd "$LOADGEN" && pwd)
for file in $LOADGEN_FILES; do
  [ -f "$LOADGEN/$file" ] || { echo "LOADGEN ($LOADGEN) has no $file; it must hold $LOADGEN_FILES" >&2; exit 2; }
done
export LOADGEN
# The JDK that runs the tracker also builds it (./mvnw follows JAVA_HOME) and takes its heap (jcmd).
JAVA=${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}
JAVA_PROPERTIES=$("$JAVA" -XshowSettings:properties -version 2>&1) || { echo "cannot run $JAVA (JAVA, or JAVA_HOME/bin/java)" >&2; exit 2; }
JAVA_MAJOR=$(sed -nE 's/^ *java\.specification\.version = ([0-9]+).*/\1/p' <<<"$JAVA_PROPERTIES")
if [ "${JAVA_MAJOR:-0}" -lt 25 ]; then
  echo "bench/run.sh needs JDK 25 or newer; $JAVA is Java ${JAVA_MAJOR:-of unknown version}: set JAVA_HOME (or JAVA)" >&2
  exit 2
fi
JAVA_HOME=$(sed -nE 's/^ *java\.home = (.*)$/\1/p' <<<"$JAVA_PROPERTIES")
export JAVA_HOME
JAVA_VERSION=$("$JAVA" -version 2>&1 | sed -n 2p)
WORK=$ROOT/target/bench
PORT=${PORT:-18080} TRACKER_PORT=${TRACKER_PORT:-18081} PGPORT=${PGPORT:-15432} OTPORT=${OTPORT:-16969}
export PEERS=${PEERS:-100000} TORRENTS=${TORRENTS:-10000} DUR=${DUR:-10} CONNS=${CONNS:-50}
USERS=${USERS:-1000} MILLION=${MILLION:-1000000} WARMUP=${WARMUP:-15} SOAK=${SOAK:-0} ROUNDS=${ROUNDS:-3}
PACED_DUR=${PACED_DUR:-$DUR}
for knob in PEERS TORRENTS USERS DUR CONNS PACED_DUR; do
  [[ ${!knob} =~ ^[1-9][0-9]*$ ]] || { echo "$knob must be a positive whole number, not '${!knob}'" >&2; exit 2; }
done
for knob in MILLION WARMUP SOAK ROUNDS; do
  [[ ${!knob} =~ ^(0|[1-9][0-9]*)$ ]] || { echo "$knob must be a whole number, not '${!knob}'" >&2; exit 2; }
done
JAVA_OPTS=${JAVA_OPTS:-"-Xms1g -Xmx1g -XX:MaxTenuringThreshold=1"}
TOKEN=bench URL=http://127.0.0.1:$PORT
# Announces and scrapes go to TRACKER_URL; Actuator and the admin API stay on URL.
TRACKER_URL=http://127.0.0.1:$TRACKER_PORT
TPID="" OTPID="" SAMPLER="" STEAL=""

say() { echo "== $*" >&2; }
cleanup() {
  for pid in $SAMPLER $STEAL $OTPID $TPID; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 143' TERM INT

say "tools"
if ! command -v wrk >/dev/null || ! command -v opentracker >/dev/null; then
  [ "$(id -u)" = 0 ] || { echo "needs wrk and opentracker: run $LOADGEN/install.sh as root" >&2; exit 1; }
  bash "$LOADGEN/install.sh"
fi
command -v vmstat >/dev/null || { echo "needs vmstat (Debian package procps)" >&2; exit 1; }
[ -x "$JAVA_HOME/bin/jcmd" ] || { echo "needs $JAVA_HOME/bin/jcmd (a JDK, not a JRE) for the heap measurements" >&2; exit 1; }
if ! command -v psql >/dev/null; then
  [ "$(id -u)" = 0 ] || { echo "needs psql (Debian package postgresql-client)" >&2; exit 1; }
  apt-get install -y -qq --no-install-recommends postgresql-client >/dev/null
fi
if [ -n "${ALSO_TRACKER:-}" ]; then # checked now, not when the rounds come some minutes later
  read -r -a also <<<"$ALSO_TRACKER"
  [ "${#also[@]}" -ge 4 ] || { echo "ALSO_TRACKER needs NAME URL ANNOUNCE_PATH PID...: '$ALSO_TRACKER'" >&2; exit 2; }
  case ${also[0]} in swarmkeeper|opentracker) echo "ALSO_TRACKER's NAME must differ from swarmkeeper and opentracker" >&2; exit 2;; esac
  case ${also[1]} in http://127.*|http://localhost[:/]*|http://\[::1\]*) ;; *) echo "ALSO_TRACKER's URL must be on loopback: ${also[1]}" >&2; exit 2;; esac
  for pid in "${also[@]:3}"; do kill -0 "$pid" 2>/dev/null || { echo "ALSO_TRACKER's process $pid is not running" >&2; exit 2; }; done
  if [ "${OPENTRACKER:-1}" != 1 ] || [ "$ROUNDS" -eq 0 ]; then
    echo "ALSO_TRACKER takes part in the rounds only: it needs OPENTRACKER=1 and ROUNDS > 0" >&2; exit 2
  fi
fi
for port in "$PORT" "$TRACKER_PORT" "$PGPORT" "$OTPORT"; do
  if ss -Hltn "sport = :$port" | grep -q .; then echo "port $port is in use" >&2; exit 1; fi
done

say "pool: $TORRENTS torrents, $USERS users, and $TORRENTS more torrents for the warm started passes"
rm -rf "$WORK" && mkdir -p "$WORK/pool" "$WORK/fresh"
# The load generator takes the first TORRENTS of the pool's hashes; the others are the fresh torrents, whose peers
# no tracker has seen when the warm started passes come.
python3 "$LOADGEN/gen_pool.py" --torrents $(( 2 * TORRENTS )) --users "$USERS" --dir "$WORK/pool" --csv >/dev/null
tail -n "$TORRENTS" "$WORK/pool/hashes.txt" >"$WORK/fresh/hashes.txt"

say "build"
# the code the jar is built from and the harness that measures it, for the report
COMMIT=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src pom.xml bench && echo "" ||
  echo " with uncommitted changes")
./mvnw -q -B package -DskipTests

TRACKER_ARGS=(--server.port="$PORT" --tracker.embedded-db.data-directory="$WORK/pg"
  --tracker.embedded-db.port="$PGPORT" --tracker.admin.token="$TOKEN"
  # Every announce must get a full answer, as the load generator compresses a client's half hour into
  # seconds: no re-announce limit, no scrape limit, no cap on one user's peers in a swarm.
  --tracker.announce.min-interval=0s --tracker.abuse.scrapes-per-passkey=1000000000
  --tracker.policy.max-peers-per-torrent=1000000 --logging.level.root=WARN ${TRACKER_OPTS:-})
TRACKER_ARGS+=(--tracker.port="$TRACKER_PORT")

start_tracker() { # sets TPID and STARTUP_SECONDS; JAR and START_OPTS (more JVM options) may be set around a call
  local t0 t1
  t0=$(date +%s%N)
  # shellcheck disable=SC2086
  $JAVA $JAVA_OPTS ${START_OPTS:-} -jar "${JAR:-target/swarmkeeper.jar}" "${TRACKER_ARGS[@]}" >>"$WORK/tracker.log" 2>&1 &
  TPID=$!
  until curl -sf -o /dev/null "$URL/actuator/health"; do
    kill -0 "$TPID" 2>/dev/null || { tail -40 "$WORK/tracker.log" >&2; exit 1; }
    sleep 0.1
  done
  t1=$(date +%s%N)
  STARTUP_SECONDS=$(python3 -c "print(($t1 - $t0) / 1e9)")
}
three_starts() { # sets STARTS to three start-up times; the last tracker keeps running
  STARTS=""
  for i in 1 2 3; do
    if [ "$i" -gt 1 ]; then stop_tracker; fi
    start_tracker; STARTS+="${STARTS:+,}$STARTUP_SECONDS"
  done
}
# CPU time the hypervisor gave to other guests (vmstat's "st"), once a second: a run taken while the host was
# busy is not comparable with one taken while it was idle, so the report shows it beside each tracker's rates.
start_steal() { vmstat -n 1 >"$WORK/steal-$1.txt" & STEAL=$!; }
stop_steal() { kill "$STEAL"; wait "$STEAL" 2>/dev/null || true; STEAL=""; }
stop_tracker() { kill "$TPID"; wait "$TPID" 2>/dev/null || true; TPID=""; }
sql() { psql -qtAX -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres "$@"; }
postgres_pids() { local pm; pm=$(head -1 "$WORK/pg/postmaster.pid"); echo "$pm" $(pgrep -P "$pm"); }
pin() { for pid in "$@"; do taskset -a -p -c 1 "$pid" >/dev/null; done; }
metric() { # NAME [STATISTIC, default VALUE]
  curl -sf -H "Authorization: Bearer $TOKEN" "$URL/actuator/metrics/$1" |
    sed -E "s/.*\\{\"statistic\":\"${2:-VALUE}\",\"value\":([^}]*)\\}.*/\\1/"; }
heap_after_gc() { "$JAVA_HOME/bin/jcmd" "$TPID" GC.run >/dev/null; sleep 2; metric 'jvm.memory.used?tag=area:heap'; }
# run_bench.sh's whole sequence (load pass included) as a warm-up, WARMUP s per phase, into $WORK/NAME-warmup.log;
# then measure runs it again, without the load pass, into $WORK/NAME.log. Arguments as run_bench.sh's.
warm_up() {
  [ "$WARMUP" -gt 0 ] || return 0
  say "$1: warm-up, ${WARMUP} s per phase"
  DUR=$WARMUP bash "$LOADGEN/run_bench.sh" "$@" >"$WORK/$1-warmup.log"
}
measure() {
  say "$1: measured, ${DUR} s per phase"
  SKIP_LOAD=$(( WARMUP > 0 )) bash "$LOADGEN/run_bench.sh" "$@" | tee "$WORK/$1.log"
}
# wrk with real-client-shaped announces, a new connection each, to URL and the path template ANNOUNCE_PATH;
# arguments go to wrk. By default random re-announces of the loaded population; POOL=fresh MODE=seq PRELOADED=0
# around a call: the fresh population's first announces.
announce_wrk() { # URL ANNOUNCE_PATH WRK_ARGUMENTS...
  local url=$1 path=$2
  shift 2
  HASHES=$WORK/${POOL:-pool}/hashes.txt PASSKEYS=$WORK/pool/passkeys.txt THREADS=1 MODE=${MODE:-random} \
    PRELOADED=${PRELOADED:-1} CONN_CLOSE=1 ANNOUNCE_PATH=$path taskset -c 0 wrk -t1 -c"$CONNS" "$@" "$url" |
    grep '^RESULT' || { echo "wrk printed no RESULT line (wrk $*)" >&2; exit 1; }
}
# One new-connection phase of DUR s against URL: its RESULT line
round_wrk() { announce_wrk "$1" "$2" -d"${DUR}s" -s "$LOADGEN/announce.lua"; }
# One pass over the fresh population against URL, every peer's first announce (event=started), a new connection
# each: its RESULT line. wrk cannot stop by itself after a pass: announce.lua creates a file when the pass is done,
# and wrk is then interrupted (the few requests sent meanwhile are re-announces).
started_wrk() { # URL ANNOUNCE_PATH
  local pass_file=$WORK/started.done job
  rm -f "$pass_file"
  POOL=fresh MODE=seq PRELOADED=0 PASS_DONE_FILE=$pass_file announce_wrk "$1" "$2" -d300s \
    -s "$LOADGEN/announce.lua" >"$WORK/started.out" &
  job=$!
  until [ -e "$pass_file" ] || ! kill -0 "$job" 2>/dev/null; do sleep 0.2; done
  pkill -INT -x -P "$job" wrk || true
  wait "$job"
  [ -e "$pass_file" ] || { echo "the started pass did not finish within wrk's 300 s" >&2; exit 1; }
  cat "$WORK/started.out"
}
# CPU time (clock ticks) of these processes; one that has exited counts as 0 on both reads
ticks() {
  local sum=0 pid t
  for pid in "$@"; do t=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null) && sum=$(( sum + t )); done
  echo "$sum"
}
core0_busy() { awk '/^cpu0 /{print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat; }
# One phase against NAME (RUNNER URL ANNOUNCE_PATH prints its RESULT line: round_wrk, started_wrk), after 3 s for
# the last tracker's left-over work (a flush, a batch of writes) to finish; its RESULT line, the CPU NAME's
# processes used and how busy wrk's core 0 was (% of one core) appended to LOG as "KIND NAME cpu=N core0=N RESULT ...".
tracked_phase() { # LOG KIND RUNNER NAME URL ANNOUNCE_PATH PID...
  local log=$1 kind=$2 runner=$3 name=$4 url=$5 path=$6 t0 t1 c0 c1 s0 s1 result hz
  shift 6
  hz=$(getconf CLK_TCK)
  sleep 3
  t0=$(ticks "$@"); read -r -a c0 <<<"$(core0_busy)"; s0=$(date +%s%N)
  result=$("$runner" "$url" "$path")
  t1=$(ticks "$@"); read -r -a c1 <<<"$(core0_busy)"; s1=$(date +%s%N)
  echo "$kind $name cpu=$(( 100 * (t1 - t0) * 1000000000 / hz / (s1 - s0) ))" \
    "core0=$(( 100 * (c1[0] - c0[0]) / (c1[1] - c0[1]) )) $result" | tee -a "$log"
}
# tracked_phase for Swarmkeeper: its PostgreSQL's processes read anew (autovacuum workers and pooled connections
# come and go)
swarmkeeper_phase() { # LOG KIND RUNNER
  local args
  read -r -a args <<<"swarmkeeper $TRACKER_URL /announce/{passkey} $TPID $(postgres_pids)"
  tracked_phase "$@" "${args[@]}"
}

say "schema, users and torrents"
start_tracker
sql <<SQL
CREATE TEMP TABLE u (id bigint, passkey text);
\copy u FROM '$WORK/pool/users.csv' CSV
INSERT INTO users (name, passkey) SELECT 'bench-' || id, passkey FROM u ORDER BY id;
CREATE TEMP TABLE t (id bigint, h text);
\copy t FROM '$WORK/pool/torrents.csv' CSV
INSERT INTO torrents (info_hash, name, size) SELECT decode(h, 'hex'), 'bench-' || id, 1073741824 FROM t ORDER BY id;
SQL
# The settings that decide what a commit costs, as the server runs them
POSTGRES_SETTINGS=$(sql -c "SELECT string_agg(name || '=' || current_setting(name), ' ' ORDER BY name)
  FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_level', 'shared_buffers')")
POSTGRES_VERSION=$(sql -c "SHOW server_version")
stop_tracker

say "Swarmkeeper: $PEERS peers over $TORRENTS torrents"
start_tracker
HEAP_IDLE=$(heap_after_gc)
PG_PIDS=$(postgres_pids)
if [ "${PIN_DATABASE:-1}" = 1 ]; then pin "$TPID" $PG_PIDS; else pin "$TPID"; fi
SWARMKEEPER_BENCH=(swarmkeeper "$TRACKER_URL" "$TPID" '/announce/{passkey}' '/scrape/{passkey}')
POOL_DIR=$WORK/pool EXTRA_PIDS="$PG_PIDS" warm_up "${SWARMKEEPER_BENCH[@]}"
# From here on: the time, the flush lag and the pending peers once a second, from the two single-metric
# endpoints (cheap: a Prometheus scrape every second would itself load the tracker's core).
( while sleep 1; do echo "$(date +%s) $(metric tracker.ledger.lag) $(metric tracker.ledger.pending)"; done \
  >"$WORK/lag.txt" ) &
SAMPLER=$!
start_steal swarmkeeper
HELD_BEFORE_MEASURE=$(metric tracker.ledger.held COUNT || true)  # empty: not counted
POOL_DIR=$WORK/pool EXTRA_PIDS="$PG_PIDS" measure "${SWARMKEEPER_BENCH[@]}"

PEAK=$(awk '/Connection: close/{f=1} f && /^RESULT/{for (i = 1; i <= NF; i++) if ($i ~ /^rps=/) {sub("rps=", "", $i); print $i}; exit}' "$WORK/swarmkeeper.log")
DELAY_MS=$(( CONNS * 1000 * 2 / ${PEAK%.*} ))
say "paced: $CONNS connections, ${DELAY_MS} ms between requests on average (about half of $PEAK/s), ${PACED_DUR} s"
HELD_BEFORE_PACED=$(metric tracker.ledger.held COUNT || true)
DELAY_MS=$DELAY_MS announce_wrk "$TRACKER_URL" '/announce/{passkey}' -d"${PACED_DUR}s" --latency \
  -s bench/paced-announce.lua | tee "$WORK/paced.log"
HELD_AFTER_PACED=$(metric tracker.ledger.held COUNT || true)
SOAK_FROM=$(date +%s)
if [ "$SOAK" -gt 0 ]; then
  say "soak: ${SOAK} s at the peak, a new connection each"
  announce_wrk "$TRACKER_URL" '/announce/{passkey}' -d"${SOAK}s" -s "$LOADGEN/announce.lua" | tee "$WORK/soak.log"
fi
kill "$SAMPLER"; wait "$SAMPLER" 2>/dev/null || true; SAMPLER=""
stop_steal
HEAP_LOADED=$(heap_after_gc)
PEERS_LOADED=$(sql -c "SELECT count(*) FROM peers WHERE active")

# Swarmkeeper stays up, idle, through opentracker's runs: the rounds and the started passes come afterwards
if [ "${OPENTRACKER:-1}" = 1 ]; then
say "opentracker: the same load"
mkdir -p "$WORK/ot" && cp "$WORK/pool/hashes.txt" "$WORK/ot/whitelist.txt"
printf 'listen.tcp 127.0.0.1:%s\naccess.whitelist /whitelist.txt\ntracker.rootdir %s\ntracker.user nobody\n' \
  "$OTPORT" "$WORK/ot" >"$WORK/ot/opentracker.conf"
taskset -c 1 opentracker -f "$WORK/ot/opentracker.conf" >"$WORK/ot/opentracker.out" 2>&1 &
OTPID=$!
for _ in $(seq 100); do ss -Hltn "sport = :$OTPORT" | grep -q . && break; kill -0 "$OTPID"; sleep 0.1; done
ss -Hltn "sport = :$OTPORT" | grep -q . || { cat "$WORK/ot/opentracker.out" >&2; exit 1; }
POOL_DIR=$WORK/pool warm_up opentracker "http://127.0.0.1:$OTPORT" "$OTPID"
start_steal opentracker
POOL_DIR=$WORK/pool measure opentracker "http://127.0.0.1:$OTPORT" "$OTPID"
stop_steal
if [ "$ROUNDS" -gt 0 ]; then
  contenders=(swarmkeeper opentracker)
  if [ -n "${ALSO_TRACKER:-}" ]; then contenders+=(also); fi
  say "rounds: $ROUNDS × ${#contenders[@]} trackers, ${DUR} s each, a new connection each"
  start_steal rounds
  for round in $(seq 0 $(( ROUNDS - 1 ))); do
    for i in $(seq 0 $(( ${#contenders[@]} - 1 ))); do
      case ${contenders[(round + i) % ${#contenders[@]}]} in
        swarmkeeper) swarmkeeper_phase "$WORK/rounds.log" ROUND round_wrk ;;
        opentracker)
          tracked_phase "$WORK/rounds.log" ROUND round_wrk opentracker "http://127.0.0.1:$OTPORT" /announce "$OTPID" ;;
        also) read -r -a args <<<"$ALSO_TRACKER"; tracked_phase "$WORK/rounds.log" ROUND round_wrk "${args[@]}" ;;
      esac
    done
  done
  stop_steal
fi
fi
say "started passes on the warm trackers: $PEERS peers never seen, on $TORRENTS torrents of their own"
start_steal started
swarmkeeper_phase "$WORK/started.log" STARTED started_wrk
if [ -n "$OTPID" ]; then
  tracked_phase "$WORK/started.log" STARTED started_wrk opentracker "http://127.0.0.1:$OTPORT" /announce "$OTPID"
  kill "$OTPID"; wait "$OTPID" 2>/dev/null || true; OTPID=""
fi
stop_steal
stop_tracker

MILLION_STARTUP="" MILLION_STARTUP_AOT="" HEAP_MILLION=$HEAP_IDLE
if [ "$MILLION" -gt 0 ]; then
say "start-up and heap with $MILLION peers in PostgreSQL"
start_tracker
sql <<SQL
TRUNCATE peers;
INSERT INTO peers (torrent_id, user_id, peer_id, peer_key, ipv4, port4, uploaded, downloaded, bytes_left, seeding,
                   partial_seed, user_agent, first_announce, last_announce, active)
SELECT 1 + n % $TORRENTS, 1 + n / $TORRENTS % $USERS, convert_to('-qB4650-', 'UTF8') || decode(lpad(to_hex(n), 24, '0'), 'hex'),
       decode(lpad(to_hex(n), 8, '0'), 'hex'), '127.0.0.1', 1024 + n % 60000, n % 1000 * 16384, n % 700 * 16384,
       CASE WHEN n % 10 < 3 THEN 0 ELSE 536870912 END, n % 10 < 3, false, 'qBittorrent/4.6.5', now(), now(), true
FROM generate_series(0, $MILLION - 1) AS n;
SQL
stop_tracker
three_starts
MILLION_STARTUP=$STARTS
HEAP_MILLION=$(heap_after_gc)
stop_tracker
# The same jar, extracted, with an AOT cache of its classes trained by one start-up (Spring Boot's "efficient
# deployments"); the training run exits once the context is refreshed.
say "start-up again with an AOT cache"
rm -rf "$WORK/app" && $JAVA -Djarmode=tools -jar target/swarmkeeper.jar extract --destination "$WORK/app" >/dev/null
# shellcheck disable=SC2086
$JAVA $JAVA_OPTS -XX:AOTCacheOutput="$WORK/app/app.aot" -Dspring.context.exit=onRefresh \
  -jar "$WORK/app/swarmkeeper.jar" "${TRACKER_ARGS[@]}" >>"$WORK/aot-training.log" 2>&1
JAR=$WORK/app/swarmkeeper.jar START_OPTS="-XX:AOTCache=$WORK/app/app.aot" three_starts
MILLION_STARTUP_AOT=$STARTS
stop_tracker
fi

# What was measured, and on what: the report's first lines
CPU_MODEL=$(sed -nE 's/^model name\s*: //p' /proc/cpuinfo | head -1)
DATE=$(date -u +%F) CORES=$(nproc) MEMORY_KB=$(awk '/^MemTotal/{print $2}' /proc/meminfo) KERNEL=$(uname -r)
TRACKER_OPTS=${TRACKER_OPTS:-}
export DATE COMMIT CPU_MODEL CORES MEMORY_KB KERNEL JAVA_VERSION JAVA_OPTS TRACKER_OPTS POSTGRES_VERSION POSTGRES_SETTINGS
python3 - "$WORK" <<PY
import json, os, re, sys
work = sys.argv[1]
# (time, lag, pending) once a second; a sample whose metric call failed is left out
samples = [(int(f[0]), float(f[1]), int(float(f[2]))) for f in (line.split() for line in open(f"{work}/lag.txt"))
           if len(f) == 3]
soak = [(t, lag) for t, lag, _ in samples if 0 <= t - $SOAK_FROM < $SOAK]
def held(before, after):  # tracker.ledger.held's count between two reads; None when a read failed
    return int(float(after)) - int(float(before)) if before and after else None
paced = re.search(r"rps=([\d.]+).*p50_ms=([\d.]+).*p99_ms=([\d.]+)", open(f"{work}/paced.log").read())
facts = {
    "maxFlushLagSeconds": max((lag for _, lag, _ in samples), default=None),
    "maxPendingPeers": max((p for _, _, p in samples), default=None),
    "heldMeasured": held("$HELD_BEFORE_MEASURE", "$HELD_BEFORE_PACED"),
    "heldPaced": held("$HELD_BEFORE_PACED", "$HELD_AFTER_PACED"),
    "peersAtStart": $MILLION, "startupSeconds": [$MILLION_STARTUP], "startupSecondsAotCache": [$MILLION_STARTUP_AOT],
    "heapIdleBytes": $HEAP_IDLE, "heapLoadedBytes": $HEAP_MILLION, "peersLoaded": $MILLION,
    "heapBytesPerPeer": ($HEAP_MILLION - $HEAP_IDLE) / max($MILLION, 1),
    "heapAfterRunBytes": $HEAP_LOADED, "peersAfterRun": $PEERS_LOADED,
    "setup": {key: os.environ[key] for key in ("DATE", "COMMIT", "CPU_MODEL", "CORES", "MEMORY_KB", "KERNEL",
                                               "JAVA_VERSION", "JAVA_OPTS", "TRACKER_OPTS", "POSTGRES_VERSION",
                                               "POSTGRES_SETTINGS")},
    "pinDatabase": "${PIN_DATABASE:-1}" == "1",
    "durSeconds": $DUR, "warmupSeconds": $WARMUP, "peers": $PEERS, "torrents": $TORRENTS, "users": $USERS,
    "connections": $CONNS,
    "paced": {"rps": float(paced[1]), "p50": float(paced[2]), "p99": float(paced[3]), "seconds": $PACED_DUR}
             if paced else None,
    "pacedFailures": sum(int(n) for n in re.findall(r"(?:failure_bodies|non200)=(\d+)", open(f"{work}/paced.log").read())),
    "soak": {key: float(value) for key, value in re.findall(r"(rps|failure_bodies|non200)=([\d.]+)",
                                                          open(f"{work}/soak.log").read())} if $SOAK > 0 else None,
    # the soak's highest lag sample in each minute from its start
    "soakLagPerMinute": [max(lag for t, lag in soak if (t - $SOAK_FROM) // 60 == minute)
                         for minute in sorted({(t - $SOAK_FROM) // 60 for t, _ in soak})],
}
json.dump(facts, open(f"{work}/facts.json", "w"), indent=1)
PY
say "result (logs in $WORK)"
python3 bench/report.py "$WORK"
