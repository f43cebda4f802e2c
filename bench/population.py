"""Benchmark of the population path (a script, not a test): ``yibao population`` end to end on a seeded ledger.

    python bench/population.py                          # 1,000,000 person-years per shape
    python bench/population.py --persons 12000000       # the national ledger, measured, not extrapolated
    python bench/population.py --shape heavy --rulebook hainan --check 20000

For each ledger shape — ``realistic`` (80 % of person-years without events, the others 1-8) and
``heavy`` (every person-year 1-4 events) — a seeded Parquet ledger with typed columns (dates, integers,
true/false, as an export from a settlement system has them; 0.2 % of persons with an obligation event,
which the scalar engine evaluates) is generated once under bench/out/
(not timed), then ``yibao population`` runs on it as a process of its own: reading, the kernel, the
scalar engine for the persons the kernel leaves to it, writing the three Parquet tables. Printed per
shape: ``population SHAPE: N person-years/s`` (wall clock of the whole command, compiled-kernel cache
warm: a run before the timed runs fills it), the extrapolation to 12 M person-years, the peak memory
(resident set of the process, sampled every 50 ms) and the CPU seconds. ``--check N`` first runs the
differential check on N persons of the ledger (kernel against the scalar engine, every field).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Dict

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from measure import run_measured  # noqa: E402 - bench/measure.py, beside this script
NATIONAL = 12_000_000
#: The share of persons with an event the kernel leaves to the scalar engine (an obligation met).
SCALAR = 0.002


def ledger(rulebook_id: str, shape: str, persons: int, seed: int) -> Path:
    """The seeded Parquet ledger of this shape and size (generated once, in parts of 500,000 persons)."""
    import pyarrow.parquet as pq

    from engine.api import load_rulebook
    from engine.population.sample import sample_ledger

    path = ROOT / "bench" / "out" / f"population-{rulebook_id}-{shape}-{persons}-{seed}-{SCALAR}.parquet"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rulebook = load_rulebook(rulebook_id)
    temp = path.with_suffix(".tmp")
    writer = None
    for first in range(0, persons, 500_000):
        part = sample_ledger(rulebook, min(500_000, persons - first), seed=seed + first, shape=shape, typed=True,
                             first_id=first, scalar=SCALAR)
        if writer is None:
            writer = pq.ParquetWriter(temp, part.schema)
        writer.write_table(part)
    writer.close()
    temp.replace(path)
    return path


def check(rulebook_id: str, path: Path, persons: int) -> int:
    """Differences between the kernel and the scalar engine on the first ``persons`` persons."""
    import pyarrow.parquet as pq

    from engine.api import load_rulebook
    from engine.population.encode import person_starts
    from engine.population.run import Population
    from population_check import cases_of, differences

    table = pq.read_table(path).slice(0, persons * 9)
    starts = person_starts(table.column("person_id"))[:persons + 1]
    table = table.slice(0, int(starts[-1]))
    rulebook = load_rulebook(rulebook_id)
    outcome = Population(rulebook).evaluate(table, str(path), 1)
    results = [rulebook.evaluate(case, trace=False) for case in cases_of(table, starts)]
    found = differences(results, outcome)
    for line in found[:5]:
        print("  ", line)
    return len(found)


def run(rulebook_id: str, path: Path, out: Path) -> Dict[str, Any]:
    """``yibao population`` as a process: wall time, CPU seconds, peak resident memory, its summary."""
    command = [sys.executable, "-m", "engine", "population", str(path), "--rulebook", rulebook_id, "-o", str(out),
               "--json"]
    run = run_measured(command, ROOT)
    if run.returncode != 0:
        raise SystemExit(f"yibao population failed ({run.returncode}): {run.stderr.strip()}")
    return {"seconds": run.seconds, "peak_rss_mb": run.peak_tree_rss_mb, "cpu_seconds": run.cpu_seconds,
            "summary": json.loads(run.stdout)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--shape", choices=["realistic", "heavy", "both"], default="both")
    parser.add_argument("--rulebook", default="inner-mongolia")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=1, help="timed runs per shape (the best is printed)")
    parser.add_argument("--check", type=int, default=0, metavar="N", help="differential check on N persons first")
    parser.add_argument("--json", default=None, help="also write the figures to this file")
    args = parser.parse_args()
    figures = {}
    for shape in (["realistic", "heavy"] if args.shape == "both" else [args.shape]):
        path = ledger(args.rulebook, shape, args.persons, args.seed)
        if args.check:
            differences = check(args.rulebook, path, args.check)
            print(f"check {shape}: {args.check:,} persons, {differences} differences")
            if differences:
                raise SystemExit(1)
        out = ROOT / "bench" / "out" / f"population-{shape}-tables"
        run(args.rulebook, path, out)  # fills the compiled-kernel cache; not timed
        best = min((run(args.rulebook, path, out) for _ in range(args.repeats)), key=lambda r: r["seconds"])
        rate = args.persons / best["seconds"]
        summary = best["summary"]
        print(f"population {shape}: {rate:,.0f} person-years/s")
        print(f"  {args.persons:,} person-years ({summary['events']:,} events; kernel {summary['paths']['kernel']:,}, "
              f"scalar engine {summary['paths']['scalar']:,}) in {best['seconds']:.1f} s wall, "
              f"{best['cpu_seconds']:.1f} s CPU, peak memory {best['peak_rss_mb']:,.0f} MB")
        if args.persons != NATIONAL:
            print(f"  12,000,000 person-years: {NATIONAL / rate:.1f} s (extrapolated)")
        figures[shape] = {"persons": args.persons, "person_years_per_second": rate, **best}
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
