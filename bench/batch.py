"""Benchmarks of issue 8 (a script, not a test): a whole-province batch and the HTTP latency.

    python bench/batch.py                       # 1,000,000 person-years, realistic mix, + 10,000 HTTP requests
    python bench/batch.py --persons 100000 --mix heavy --requests 2000
    python bench/batch.py --skip-http           # the batch only

1. **Batch**: generates a seeded JSON Lines ledger of ``--persons`` person-years for the Inner
   Mongolia rulebook, then runs ``yibao batch`` end to end as a subprocess (reading, every core,
   writing the results atomically) and reports wall time, rate, and peak memory — the largest sum
   of the resident memory of the batch process and all its workers (psutil, sampled every 50 ms),
   and the largest single process (``getrusage(RUSAGE_CHILDREN).ru_maxrss``).

   ``--mix realistic`` (default): most staff are never scored in a year — 80 % of person-years have
   no events, 20 % have 1-8 (scores across all tiers and responsibility levels, some sharing an
   inspection or behaviour, repairs, claims, restorations). ``--mix heavy``: every person-year has
   events (1-8), the worst case for the engine.

2. **HTTP**: starts ``yibao serve`` on 127.0.0.1 and a free port and sends ``--requests`` sequential
   ``POST /v1/evaluate`` requests (one keep-alive ``http.client`` connection, a 6-event case, the
   trace included) and reports p50/p99.
"""

from __future__ import annotations

import argparse
import http.client
import datetime as _dt
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List

ROOT = Path(__file__).resolve().parent.parent

from measure import run_measured  # noqa: E402 - bench/measure.py, beside this script
SITUATIONS = {1: ["18.1.1", "18.1.2", "18.1.3", "18.1.4", "18.1.5"], 2: ["18.2.1", "18.2.2", "18.2.3", "18.2.4"],
              3: ["18.3.1", "18.3.2"], 4: ["18.4.1", "18.4.2", "18.4.3", "18.4.4"]}
ROLES = ["physician", "physician", "physician", "nurse", "nurse", "pharmacist", "technician", "billing_reviewer"]
LEVELS = ["general", "important", "primary"]
FIRST = _dt.date(2025, 3, 1)
DATES = [(FIRST + _dt.timedelta(days=i)).isoformat() for i in range(306)]  # 2025-03-01 … 2025-12-31


def person_year(rng: random.Random, number: int, heavy: bool) -> Dict[str, Any]:
    """One person's 2025 ledger (events in no particular order)."""
    case: Dict[str, Any] = {"rulebook": "inner-mongolia", "as_of": "2025-12-31",
                            "person": {"id": f"P{number:08d}", "role": rng.choice(ROLES)}, "events": []}
    if not heavy and rng.random() < 0.8:
        return case
    events: List[Dict[str, Any]] = case["events"]
    for inspection in range(rng.choices((1, 2, 3), weights=(70, 25, 5))[0]):
        date = rng.choice(DATES)
        for behaviour in range(rng.choices((1, 2, 3), weights=(60, 30, 10))[0]):
            tier = rng.choices((1, 2, 3, 4), weights=(55, 30, 10, 5))[0]
            event = {"kind": "score", "date": date, "inspection": f"I{inspection}", "behaviour": f"B{behaviour}",
                     "situation": rng.choice(SITUATIONS[tier]), "responsibility": rng.choices(LEVELS, (50, 30, 20))[0]}
            events.append(event)
    for _ in range(rng.choices((0, 1, 2), weights=(50, 35, 15))[0]):
        if rng.random() < 0.6:
            events.append({"kind": "repair", "date": rng.choice(DATES), "way": "exam", "score": rng.randint(40, 100)})
        else:
            events.append({"kind": "repair", "date": rng.choice(DATES), "way": "activity"})
    for _ in range(rng.choices((0, 1, 2), weights=(60, 30, 10))[0]):
        events.append({"kind": "claim", "date": rng.choice(DATES), "emergency": rng.random() < 0.2})
    if rng.random() < 0.05:
        events.append({"kind": "restoration", "date": rng.choice(DATES), "passed": rng.random() < 0.8})
    return case


def generate(path: Path, persons: int, heavy: bool, seed: int = 8) -> None:
    rng = random.Random(seed)
    dumps = json.dumps
    with open(path, "w", encoding="utf-8") as out:
        batch: List[str] = []
        for number in range(persons):
            batch.append(dumps(person_year(rng, number, heavy), ensure_ascii=False, separators=(",", ":")))
            if len(batch) == 10000:
                out.write("\n".join(batch) + "\n")
                batch = []
        if batch:
            out.write("\n".join(batch) + "\n")


def run_batch(ledger: Path, results: Path, extra: List[str]) -> Dict[str, Any]:
    command = [sys.executable, "-m", "engine", "batch", "--rulebook", "inner-mongolia", str(ledger),
               "-o", str(results), "--json", "--no-progress", *extra]
    run = run_measured(command, ROOT)
    if run.returncode not in (0, 3):
        raise SystemExit(f"batch failed ({run.returncode}): {run.stderr}")
    return {"seconds": run.seconds, "summary": json.loads(run.stdout), "peak_tree_rss_mb": run.peak_tree_rss_mb,
            "peak_single_rss_mb": run.peak_single_rss_mb, "cpu_seconds": run.cpu_seconds,
            "results_mb": results.stat().st_size / 2**20}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http_latency(requests: int) -> Dict[str, float]:
    import httpx

    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "engine", "serve", "--port", str(port)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        case = {"rulebook": "inner-mongolia", "as_of": "2025-12-31", "person": {"id": "P001", "role": "physician"},
                "events": [
                    {"kind": "score", "date": "2025-04-10", "inspection": "I1", "behaviour": "B1", "situation": "18.2.1",
                     "responsibility": "general"},
                    {"kind": "score", "date": "2025-04-10", "inspection": "I1", "behaviour": "B2", "situation": "18.1.1",
                     "responsibility": "important"},
                    {"kind": "repair", "date": "2025-06-01", "way": "exam", "score": 82},
                    {"kind": "score", "date": "2025-09-15", "inspection": "I2", "behaviour": "B3", "situation": "18.3.1",
                     "responsibility": "primary"},
                    {"kind": "claim", "date": "2025-10-01", "emergency": False},
                    {"kind": "claim", "date": "2025-10-02", "emergency": True}]}
        body = json.dumps(case).encode()
        headers = {"content-type": "application/json"}
        times: List[float] = []
        # http.client on one keep-alive connection: the lightest client, so the figures are the server's
        # (httpx adds about 3 ms a request on this machine).
        connection = http.client.HTTPConnection("127.0.0.1", port)
        for number in range(min(200, requests) + requests):
            started = time.perf_counter()
            connection.request("POST", "/v1/evaluate", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            if number >= min(200, requests):  # after a warm-up
                times.append(time.perf_counter() - started)
            assert response.status == 200
        connection.close()
        times.sort()
        return {"requests": requests, "p50_ms": times[len(times) // 2] * 1000,
                "p99_ms": times[int(len(times) * 0.99)] * 1000, "max_ms": times[-1] * 1000,
                "mean_ms": sum(times) / len(times) * 1000}
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--mix", choices=["realistic", "heavy"], default="realistic")
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-batch", action="store_true")
    parser.add_argument("--dir", default=None, help="where to put the ledger and results (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("batch_args", nargs="*", help="extra arguments for yibao batch (after --)")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    if not args.skip_batch:
        folder = Path(args.dir or tempfile.mkdtemp(prefix="yibao-bench-"))
        folder.mkdir(parents=True, exist_ok=True)
        ledger = folder / f"ledger-{args.mix}-{args.persons}.jsonl"
        if not ledger.exists():
            started = time.perf_counter()
            generate(ledger, args.persons, args.mix == "heavy")
            print(f"generated {args.persons:,} person-years ({args.mix}) in {time.perf_counter() - started:.1f} s: "
                  f"{ledger} ({ledger.stat().st_size / 2**20:.0f} MB)")
        figures = run_batch(ledger, folder / "results.jsonl", args.batch_args)
        summary = figures["summary"]
        print(f"batch: {summary['persons']:,} persons in {figures['seconds']:.1f} s "
              f"({summary['persons'] / figures['seconds']:,.0f}/s) end to end; "
              f"peak memory {figures['peak_tree_rss_mb']:.0f} MB (sum over the process tree), "
              f"{figures['peak_single_rss_mb']:.0f} MB (largest process); results {figures['results_mb']:.0f} MB")
        cpu = summary["cpu_seconds"]
        print(f"  CPU: {figures['cpu_seconds']:.1f} s in all (main {cpu['main']:.1f} s reading/writing, workers "
              f"{cpu['workers']:.1f} s evaluating) → {figures['cpu_seconds'] / (os.cpu_count() or 1):.1f} s of wall time "
              f"on {os.cpu_count()} otherwise idle cores; load average now {os.getloadavg()[0]:.1f}")
        print(f"  decisions: {summary['decisions']}; status: {summary['status']}; errors: {summary['errors']}")
        if not args.keep and args.dir is None:
            for path in folder.iterdir():
                path.unlink()
            folder.rmdir()
    if not args.skip_http:
        latency = http_latency(args.requests)
        print(f"http: POST /v1/evaluate × {latency['requests']:,} on loopback: p50 {latency['p50_ms']:.2f} ms, "
              f"p99 {latency['p99_ms']:.2f} ms (mean {latency['mean_ms']:.2f}, max {latency['max_ms']:.1f})")


if __name__ == "__main__":
    main()
