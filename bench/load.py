"""Load test of the HTTP service (a script, not a test): a real ``yibao serve`` on loopback, real
HTTP clients, bounded in time.

    python bench/load.py                              # 1 and 16 clients, 1 worker and every core
    python bench/load.py --seconds 10 --clients 1 4 16 64 --workers 1 2 4
    python bench/load.py --json bench/out/load.json

For each number of worker processes (``yibao serve --workers N``) and each number of concurrent
clients, the clients send ``POST /v1/evaluate`` with the 6-event Inner Mongolia example (its trace
included, as ``yibao evaluate --json`` prints it) over keep-alive connections for ``--seconds``
(after a warm-up of ``--warmup`` seconds), and the script prints p50 / p99 latency and throughput.

The clients are asyncio tasks in a separate process speaking plain HTTP/1.1 on raw sockets (a
pre-built request, ``Content-Length`` responses): far cheaper per request than an HTTP library,
so that on a small machine the load generator takes as little of the CPU as it can. It still
shares the machine with the server: on 2 cores, "every core" for the server means the clients
compete with it, and the figures are those of client and server together.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _case() -> bytes:
    from engine.base.documents import load_yaml_file

    data = load_yaml_file(str(ROOT / "examples" / "inner-mongolia-case.yaml")).data
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _request(port: int, body: bytes) -> bytes:
    return (f"POST /v1/evaluate HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode("ascii") + body


async def _client(port: int, request: bytes, until: float, warm_until: float, latencies: List[float],
                  failures: List[str]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while True:
            started = time.perf_counter()
            if started >= until:
                return
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = head[9:12]
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            elapsed = time.perf_counter() - started
            if status != b"200":
                failures.append(status.decode())
            elif started >= warm_until:
                latencies.append(elapsed)
    finally:
        writer.close()


def _drive(port: int, clients: int, warmup: float, seconds: float, queue) -> None:
    """In its own process: ``clients`` connections for ``warmup + seconds``; the latencies measured."""
    request = _request(port, _case())
    latencies: List[float] = []
    failures: List[str] = []

    async def main() -> None:
        start = time.perf_counter()
        await asyncio.gather(*(_client(port, request, start + warmup + seconds, start + warmup, latencies, failures)
                               for _ in range(clients)))

    asyncio.run(main())
    queue.put((latencies, failures))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(workers: int, folder: Path, access_log: bool = False):
    import urllib.request

    port = _free_port()
    log = open(folder / f"serve-{workers}.log", "wb")
    # With --access-log the JSON access lines go to a file, as a deployment's log collector reads them.
    process = subprocess.Popen([sys.executable, "-m", "engine", "serve", "--port", str(port), "--workers",
                                str(workers)] + ([] if access_log else ["--no-access-log"]),
                               cwd=ROOT, stdout=log if access_log else subprocess.DEVNULL, stderr=log)
    deadline = time.time() + 120
    ready = 0
    while ready < workers * 4:  # every worker up: several answers in a row (connections spread over workers)
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as answer:
                ready += answer.status == 200
        except OSError:
            if process.poll() is not None or time.time() > deadline:
                raise SystemExit(f"yibao serve did not start; see {log.name}")
            time.sleep(0.2)
    time.sleep(1.0 if workers > 1 else 0.2)  # the last worker to start finishes compiling
    return process, port


def measure(workers: int, clients: int, warmup: float, seconds: float, port: int) -> Dict[str, float]:
    queue = multiprocessing.get_context("spawn").Queue()
    driver = multiprocessing.get_context("spawn").Process(target=_drive, args=(port, clients, warmup, seconds, queue))
    driver.start()
    latencies, failures = queue.get()
    driver.join()
    latencies.sort()
    quantile = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    return {"workers": workers, "clients": clients, "requests": len(latencies), "failures": len(failures),
            "p50_ms": round(quantile(0.50), 2), "p99_ms": round(quantile(0.99), 2),
            "mean_ms": round(statistics.fmean(latencies) * 1000, 2) if latencies else 0.0,
            "throughput": round(len(latencies) / seconds, 1)}


def main() -> None:
    from engine.faces.server import http_stack

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, os.cpu_count() or 1])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--access-log", action="store_true", help="keep the service's JSON access log (to a file)")
    parser.add_argument("--json", dest="json_out", default=None, help="also write the rows as JSON")
    args = parser.parse_args()
    print(f"HTTP stack: uvicorn on {http_stack()}; access log {'on' if args.access_log else 'off'}", flush=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="yibao-load-") as folder:
        for workers in dict.fromkeys(args.workers):
            process, port = _serve(workers, Path(folder), args.access_log)
            try:
                for clients in args.clients:
                    row = measure(workers, clients, args.warmup, args.seconds, port)
                    rows.append(row)
                    print(f"workers {row['workers']:>2}  clients {row['clients']:>3}  p50 {row['p50_ms']:>7.2f} ms  "
                          f"p99 {row['p99_ms']:>7.2f} ms  {row['throughput']:>8.1f} req/s  "
                          f"({row['requests']} requests, {row['failures']} failed)", flush=True)
            finally:
                process.terminate()
                process.wait(30)
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end")
    if args.json_out:
        Path(args.json_out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json_out).write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
