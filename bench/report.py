#!/usr/bin/env python3
"""Reads the logs of bench/run.sh and prints the results table (markdown), then the ratios against opentracker and the targets.

usage: report.py WORK_DIR
"""
import json
import re
import sys
from pathlib import Path

# Ocelot measured on the same kind of 2-core machine: 7.3–8.6k announces/s with a new connection each
OCELOT_NEW_CONNECTION = (7300, 8600)

PHASES = {"--- load": "load", "--- announce, keep-alive": "keepalive",
          "--- announce, Connection: close": "close", "--- scrape": "scrape"}


def parse(log):
    """{phase: {"rps", "p50", "p99", "failures", "cpu": {...}}, "rss": {point: kB}} from a run_bench.sh log.

    "cpu" holds the % of one core used by the server, its database (the extra pids) and wrk, and how busy the
    server's core was (the server, its database and anything else on it)."""
    phases, phase = {}, None
    if not log.exists():
        return phases
    for line in log.read_text().splitlines():
        for prefix, name in PHASES.items():
            if line.startswith(prefix):
                phase = name
        if line.startswith("RESULT") and phase:
            fields = dict(re.findall(r"(\w+)=([\d.]+)", line))
            phases[phase] = {"rps": float(fields["rps"]), "p50": float(fields["p50_ms"]),
                             "p99": float(fields["p99_ms"]),
                             "failures": int(fields["failure_bodies"]) + int(fields["non200"])}
        if line.startswith("CPU %core:") and phase in phases:
            cpu = dict(re.findall(r"(\w+)=(\d+)", line))
            server = int(cpu.pop("server"))
            wrk = int(cpu.pop("wrk", 0))
            core = next((int(cpu.pop(key)) for key in list(cpu) if key.startswith("core")), None)
            phases[phase]["cpu"] = {"server": server, "database": sum(int(v) for v in cpu.values()), "wrk": wrk,
                                    "core": core}
        if line.startswith("MEM "):
            words = line.split()
            phases.setdefault("rss", {})[words[2]] = int(words[3].removeprefix("rss_kb="))
    return phases


def cell(phases, phase):
    p = phases.get(phase)
    return "—" if not p else f"{p['rps']:,.0f} ({p['p50']:.1f} / {p['p99']:.1f})"


def core_cell(phases):
    """How busy the tracker's core was in the new-connection phase, and announces per busy core-second."""
    p = phases.get("close", {})
    core = p.get("cpu", {}).get("core")
    return "—" if not core else f"{core} % · {p['rps'] / (core / 100):,.0f}"


def cpu_cell(phases, database):
    cpu = phases.get("close", {}).get("cpu", {})
    return (f"{cpu.get('server', '—')} / {cpu.get('database', '—') if database else '—'} / "
            f"{cpu.get('wrk', '—')}")


def rss_cell(phases):
    rss = phases.get("rss", {}).get("end")
    return "—" if rss is None else f"{rss / 1024:,.0f} MiB"


def setup_lines(facts):
    setup = facts.get("setup")
    if not setup:
        return
    print(f"- measured {setup['DATE']} on commit {setup['COMMIT']}; {setup['JAVA_VERSION']}, "
          f"`{setup['JAVA_OPTS']}`" + (f", tracker options `{setup['TRACKER_OPTS']}`" if setup["TRACKER_OPTS"] else ""))
    print(f"- {setup['CPU_MODEL']}, {setup['CORES']} cores, {int(setup['MEMORY_KB']) / 2**20:.0f} GiB, Linux "
          f"{setup['KERNEL']}; the tracker and its PostgreSQL "
          + ("pinned to core 1" if facts.get("pinDatabase", True) else "on core 1, PostgreSQL on either core")
          + ", wrk to core 0")
    print(f"- PostgreSQL {setup['POSTGRES_VERSION']} (embedded): {setup['POSTGRES_SETTINGS']}")
    if "durSeconds" in facts:
        print(f"- {facts['peers']:,} peers over {facts['torrents']:,} torrents, {facts['users']:,} users; "
              f"wrk -t1 -c{facts['connections']}, {facts['durSeconds']} s per phase after a warm-up of "
              f"{facts['warmupSeconds']} s per phase")


def main():
    work = Path(sys.argv[1])
    ours = parse(work / "swarmkeeper.log")
    theirs = parse(work / "opentracker.log")
    facts = json.loads((work / "facts.json").read_text())
    # the load pass runs in the warm-up, or in the measured sequence when there is none
    ours_load = parse(work / "swarmkeeper-warmup.log").get("load") or ours.get("load")
    theirs_load = parse(work / "opentracker-warmup.log").get("load") or theirs.get("load")
    setup_lines(facts)
    print()
    print("| | Swarmkeeper | opentracker |")
    print("|---|---|---|")
    print(f"| announces/s, a new connection each (p50 / p99 ms) | {cell(ours, 'close')} | {cell(theirs, 'close')} |")
    print(f"| core 1 busy in that phase · announces per busy core-second | {core_cell(ours)} | {core_cell(theirs)} |")
    print(f"| CPU % of a core in that phase: tracker / PostgreSQL / wrk | {cpu_cell(ours, True)} | "
          f"{cpu_cell(theirs, False)} |")
    print(f"| announces/s, keep-alive (p50 / p99 ms) | {cell(ours, 'keepalive')} | {cell(theirs, 'keepalive')} |")
    print(f"| scrapes/s, keep-alive (p50 / p99 ms) | {cell(ours, 'scrape')} | {cell(theirs, 'scrape')} |")
    print(f"| load pass on the cold tracker, keep-alive: every peer's first announce, `started` (p50 / p99 ms) | "
          f"{cell({'l': ours_load}, 'l')} | {cell({'l': theirs_load}, 'l')} |")
    started = started_passes(work / "started.log")
    print(f"| `started` pass on the warm tracker, fresh peers, a new connection each (p50 / p99 ms) | "
          f"{cell(started, 'swarmkeeper')} | {cell(started, 'opentracker')} |")
    print(f"| RSS after the measured runs (PostgreSQL apart) | {rss_cell(ours)} | {rss_cell(theirs)} |")
    print()
    close = ours["close"]["rps"]
    if theirs:
        print(f"- announces/s, new connection each: {close / theirs['close']['rps']:.2f}× opentracker's in this run "
              f"(goal ≥ 1×)")
        print(f"- scrape/s: {ours['scrape']['rps'] / theirs['scrape']['rps']:.2f}× opentracker's (goal ≥ 1×)")
    rounds = parse_rounds(work / "rounds.log")
    if rounds:
        print("- rounds with every tracker up, new connection each (announces/s; CPU % of a core used by the tracker, "
              "its database included, and by wrk's core): " + "; ".join(
                  f"{name} " + " / ".join(f"{rps:,.0f} ({cpu} %, {core0} %)" for rps, cpu, core0 in rows)
                  for name, rows in rounds.items()))
        for name, rows in rounds.items():
            if name != "swarmkeeper":
                if len(rows) != len(rounds["swarmkeeper"]):
                    print(f"  (rounds.log has {len(rounds['swarmkeeper'])} phases of Swarmkeeper and {len(rows)} of "
                          f"{name}: the ratios pair them in order)")
                ratios = [own[0] / other[0] for own, other in zip(rounds["swarmkeeper"], rows)]
                print(f"  Swarmkeeper against {name}, per round: " + ", ".join(f"{r:.2f}" for r in ratios)
                      + f"; median {median(ratios):.2f}×" + (" (goal ≥ 1×)" if name == "opentracker" else ""))
    if "swarmkeeper" in started:
        # the regular rate nearest in time: the rounds' median when there are rounds
        regular, source = ((median([rps for rps, _, _ in rounds["swarmkeeper"]]), "the rounds' median")
                           if rounds else (close, "the measured phase"))
        print(f"- `started` pass on the warm tracker: {started['swarmkeeper']['rps']:,.0f}/s, "
              f"{started['swarmkeeper']['rps'] / regular:.0%} of the new-connection rate ({source}: {regular:,.0f}/s; "
              f"goal ≥ 50 %); CPU of the tracker and its database: {started['swarmkeeper']['cpu']} % of a core")
    print(f"- announces/s, new connection each: {close / OCELOT_NEW_CONNECTION[1]:.2f}–"
          f"{close / OCELOT_NEW_CONNECTION[0]:.2f}× Ocelot's {OCELOT_NEW_CONNECTION[0]:,}–"
          f"{OCELOT_NEW_CONNECTION[1]:,}/s, measured on the same kind of machine on another day")
    paced = facts.get("paced")
    if paced:
        print(f"- paced at {paced['rps']:,.0f}/s (about half of the new-connection peak) for {paced.get('seconds', '?')} s: "
              f"p50 {paced['p50']:.2f} ms, "
              f"p99 {paced['p99']:.2f} ms (goal: p99 ≤ 5 ms); requests held by back-pressure meanwhile: "
              f"{count(facts['heldPaced'])}")
    for name, during in (("swarmkeeper", "swarmkeeper's runs"), ("opentracker", "opentracker's runs"),
                         ("rounds", "the rounds"), ("started", "the started passes")):
        steal = steal_percentages(work / f"steal-{name}.txt")
        if steal:
            print(f"- CPU steal by the hypervisor during {during}: {sum(steal) / len(steal):.0f} % on average, "
                  f"{max(steal)} % at most (runs with much steal are not comparable)")
    warm_up = work / "swarmkeeper-warmup.log"
    soak = facts.get("soak") or {}
    failures = (sum(p["failures"] for name, p in ours.items() if name in PHASES.values())
                + sum(p["failures"] for name, p in parse(warm_up).items() if name in PHASES.values())
                + int(soak.get("failure_bodies", 0) + soak.get("non200", 0)) + facts["pacedFailures"]
                + round_failures(work / "rounds.log")
                + started.get("swarmkeeper", {}).get("failures", 0))
    print(f"- failure reasons or non-200 answers in Swarmkeeper's runs, warm-up, paced run, soak, rounds and "
          f"started pass included: {failures} "
          f"(must be 0)")
    if facts["maxFlushLagSeconds"] is None:
        print("- flush lag: no sample could be read from /actuator/metrics")
    else:
        print(f"- flush lag, highest sampled each second after the warm-up: {facts['maxFlushLagSeconds']:.2f} s "
              f"(goal < 2 s); pending peers at most {facts['maxPendingPeers']:,}; requests held by back-pressure "
              f"(tracker.ledger.max-lag) in the measured runs: {count(facts['heldMeasured'])}")
    if soak:
        print(f"- soak at the peak: {soak['rps']:,.0f} announces/s (new connection each); flush lag, highest in each "
              f"minute: " + ", ".join(f"{lag:.2f}" for lag in facts["soakLagPerMinute"]) + " s")
    if facts["startupSeconds"]:
        print(f"- start-up to healthy with {facts['peersAtStart']:,} peers in PostgreSQL (goal ≤ 5 s), three starts: "
              f"{starts(facts['startupSeconds'])} with java -jar")
        if facts.get("startupSecondsAotCache"):
            print(f"  and {starts(facts['startupSecondsAotCache'])} with the extracted jar and an AOT cache")
        print(f"- heap after full GC: {facts['heapIdleBytes'] / 2**20:.0f} MiB idle, "
              f"{facts['heapLoadedBytes'] / 2**20:.0f} MiB with {facts['peersLoaded']:,} peers: "
              f"{facts['heapBytesPerPeer']:.0f} bytes per peer (goal ≤ 150)")


def tracked_lines(path, kind="ROUND"):
    """(name, fields) per line of one of bench/run.sh's tracked phase logs: "KIND NAME cpu=N RESULT ... rps=… …"."""
    if not path.exists():
        return []
    return [(line.split()[1], dict(re.findall(r"(\w+)=([\d.]+)", line)))
            for line in path.read_text().splitlines() if line.startswith(kind + " ")]


def started_passes(path):
    """{tracker: {"rps", "p50", "p99", "failures", "cpu"}} from bench/run.sh's started.log."""
    return {name: {"rps": float(fields["rps"]), "p50": float(fields["p50_ms"]), "p99": float(fields["p99_ms"]),
                   "failures": int(fields["failure_bodies"]) + int(fields["non200"]), "cpu": int(fields["cpu"])}
            for name, fields in tracked_lines(path, "STARTED")}


def parse_rounds(path):
    """{tracker: [(rps, CPU %, wrk's core %) per round, in order]}, Swarmkeeper first; {} without rounds."""
    rates = {"swarmkeeper": []}
    for name, fields in tracked_lines(path):
        rates.setdefault(name, []).append((float(fields["rps"]), int(fields["cpu"]), fields.get("core0", "—")))
    return rates if rates["swarmkeeper"] else {}


def round_failures(path):
    return sum(int(fields["failure_bodies"]) + int(fields["non200"])
               for name, fields in tracked_lines(path) if name == "swarmkeeper")


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def steal_percentages(path):
    """vmstat's last column, once a second; the first sample (averages since boot) is left out."""
    if not path.exists():
        return []
    return [int(line.split()[-1]) for line in path.read_text().splitlines()[3:] if line.split()[-1].isdigit()]


def count(number):
    return "—" if number is None else f"{number:,}"


def starts(seconds):
    return f"median {median(seconds):.1f} s (" + ", ".join(f"{s:.1f}" for s in seconds) + ")"


if __name__ == "__main__":
    main()
