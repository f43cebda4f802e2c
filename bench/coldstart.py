"""Cold start: ``yibao evaluate CASE --json`` as a whole process, median of N runs.

    .venv/bin/python bench/coldstart.py                      # examples/inner-mongolia-case.yaml, 7 runs
    .venv/bin/python bench/coldstart.py --runs 15 examples/jining-case.yaml

Each run is a fresh process (``subprocess``), timed from start to exit, its output checked against
the first run's. The compiled-rulebook cache (engine/rulebook/cache.py) is warmed by one untimed
run first, as after any earlier use; a run with an empty cache folder is timed too (the first run
after a rulebook changes). For reference: ``python -c pass`` and ``python -c "import engine"``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
YIBAO = Path(sys.executable).with_name("yibao")


def timed(command: List[str], env: Dict[str, str], runs: int) -> List[float]:
    times, first = [], None
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
        if first is None:
            first = done.stdout
        elif done.stdout != first:
            raise SystemExit(f"{' '.join(command)}: the output differs between runs")
    return times


def show(label: str, times: List[float]) -> float:
    median = statistics.median(times)
    print(f"{label:52s} median {median * 1e3:6.0f} ms  (runs: {', '.join(f'{t * 1e3:.0f}' for t in times)})")
    return median


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("case", nargs="?", default="examples/inner-mongolia-case.yaml")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    env = dict(os.environ)
    command = [str(YIBAO), "evaluate", args.case, "--json"]
    with tempfile.TemporaryDirectory(prefix="yibao-coldstart-") as cache:
        env["YIBAO_CACHE_DIR"] = cache
        empty = []
        for _ in range(3):
            for entry in Path(cache).glob("*.json"):
                entry.unlink()
            empty += timed(command, env, 1)
        timed(command, env, 1)  # the entry exists from here on
        show("python -c pass", timed([sys.executable, "-c", "pass"], env, args.runs))
        show('python -c "import engine"', timed([sys.executable, "-c", "import engine"], env, args.runs))
        show(f"yibao evaluate {args.case} --json, empty cache", empty)
        median = show(f"yibao evaluate {args.case} --json", timed(command, env, args.runs))
    print(f"cold start: {median * 1e3:.0f} ms (median of {args.runs} whole-process runs, cache warm; "
          "one run on a noisy 2-core machine)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
