#!/usr/bin/env python3
"""Reads the logs of bench/run.sh and prints the comparison table (markdown) with the ratios the goal names.

usage: report.py WORK_DIR
"""
import json
import re
import sys
from pathlib import Path

OCELOT_NEW_CONNECTION = (7300, 8600)  # ../shared/bench/README.md, same machine type, one connection per announce

PHASES = {"--- load": "load", "--- announce, keep-alive": "keepalive",
          "--- announce, Connection: close": "close", "--- scrape": "scrape"}


def parse(log):
    """{phase: {"rps", "p50", "p99", "failures", "cpu": {name: %}}} from a run_bench.sh log."""
    phases, phase = {}, None
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
            phases[phase]["cpu"] = {"server": server, "database": sum(int(v) for v in cpu.values()), "wrk": wrk}
    return phases


def cell(phases, phase):
    p = phases.get(phase)
    return "—" if not p else f"{p['rps']:,.0f} ({p['p50']:.1f} / {p['p99']:.1f} ms)"


def main():
    work = Path(sys.argv[1])
    ours = parse(work / "swarmkeeper.log")
    theirs = parse(work / "opentracker.log") if (work / "opentracker.log").exists() else {}
    facts = json.loads((work / "facts.json").read_text())
    print("| tracker | announce, new connection each | announce, keep-alive | scrape | CPU % (tracker / PostgreSQL / wrk), new connection |")
    print("|---|---|---|---|---|")
    for name, phases in (("Swarmkeeper", ours), ("opentracker", theirs)):
        cpu = phases.get("close", {}).get("cpu", {})
        print(f"| {name} | {cell(phases, 'close')} | {cell(phases, 'keepalive')} | {cell(phases, 'scrape')} | "
              f"{cpu.get('server', '—')} / {cpu.get('database', '—') if name == 'Swarmkeeper' else '—'} / {cpu.get('wrk', '—')} |")
    print()
    if "front" in facts:
        print("- Swarmkeeper's tracker paths: " + ("ClientPortServer on a port of their own (tracker.front.port)"
                                               if facts["front"] else "Tomcat (the valve), on server.port"))
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
    print(f"- announces/s, new connection each: {close / OCELOT_NEW_CONNECTION[1]:.2f}–"
          f"{close / OCELOT_NEW_CONNECTION[0]:.2f}× Ocelot's reference {OCELOT_NEW_CONNECTION[0]:,}–"
          f"{OCELOT_NEW_CONNECTION[1]:,}/s (goal ≥ 2.5×)")
    paced = facts.get("paced")
    if paced:
        print(f"- paced at {paced['rps']:,.0f}/s (about half of the new-connection peak) for {paced.get('seconds', '?')} s: "
              f"p50 {paced['p50']:.2f} ms, "
              f"p99 {paced['p99']:.2f} ms (goal: p99 ≤ 5 ms); requests held by back-pressure meanwhile: "
              f"{count(facts['heldPaced'])}")
    for name in ("swarmkeeper", "opentracker", "rounds"):
        steal = steal_percentages(work / f"steal-{name}.txt")
        if steal:
            print(f"- CPU steal by the hypervisor during {'the rounds' if name == 'rounds' else name + chr(39) + 's runs'}: {sum(steal) / len(steal):.0f} % on average, "
                  f"{max(steal)} % at most (runs with much steal are not comparable)")
    warm_up = work / "swarmkeeper-warmup.log"
    soak = facts.get("soak") or {}
    failures = (sum(p["failures"] for p in ours.values())
                + (sum(p["failures"] for p in parse(warm_up).values()) if warm_up.exists() else 0)
                + int(soak.get("failure_bodies", 0) + soak.get("non200", 0)) + facts["pacedFailures"]
                + round_failures(work / "rounds.log"))
    print(f"- failure reasons or non-200 answers in Swarmkeeper's runs, warm-up, paced run, soak and rounds "
          f"included: {failures} "
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
        print(f"- start-up to healthy with {facts['peersAtStart']:,} peers in PostgreSQL (goal < 10 s), three starts: "
              f"{starts(facts['startupSeconds'])} with java -jar")
        if facts.get("startupSecondsAotCache"):
            print(f"  and {starts(facts['startupSecondsAotCache'])} with the extracted jar and an AOT cache (JDK 24+)")
        print(f"- heap after full GC: {facts['heapIdleBytes'] / 2**20:.0f} MiB idle, "
              f"{facts['heapLoadedBytes'] / 2**20:.0f} MiB with {facts['peersLoaded']:,} peers: "
              f"{facts['heapBytesPerPeer']:.0f} bytes per peer (goal ≤ 150)")


def round_lines(path):
    """(name, fields) per line of bench/run.sh's rounds.log: "ROUND NAME cpu=N RESULT ... rps=… …"."""
    if not path.exists():
        return []
    return [(line.split()[1], dict(re.findall(r"(\w+)=([\d.]+)", line)))
            for line in path.read_text().splitlines() if line.startswith("ROUND ")]


def parse_rounds(path):
    """{tracker: [(rps, CPU %, wrk's core %) per round, in order]}, Swarmkeeper first; {} without rounds."""
    rates = {"swarmkeeper": []}
    for name, fields in round_lines(path):
        rates.setdefault(name, []).append((float(fields["rps"]), int(fields["cpu"]), fields.get("core0", "—")))
    return rates if rates["swarmkeeper"] else {}


def round_failures(path):
    return sum(int(fields["failure_bodies"]) + int(fields["non200"])
               for name, fields in round_lines(path) if name == "swarmkeeper")


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
