"""``yibao population``: a whole population's ledger through the population path, into Parquet tables.

The ledger (Parquet or CSV, one row per event, grouped by person; or a folder of Parquet files, each
holding whole persons) is read in chunks of whole persons and evaluated by :mod:`engine.population`
(the kernel where it covers a person, the scalar engine for the rest). Three tables go to OUT_DIR:
``status.parquet`` (one row per person), ``decisions.parquet`` (one row per event) and
``years.parquet`` (one row per person-year), written beside their targets and renamed into place only
when the whole run has finished (engine/faces/output.py): an interrupted run leaves no half table
and older tables stay as they were. A record the engine refuses stops the run with its one located
error.

On Dask (``--dask ADDRESS`` or ``local``), each Parquet file of a folder ledger is one task: a worker
reads it, evaluates it with the same kernel and writes its part of each table (``status/part-00000.parquet``,
…) into a folder beside the target, which becomes ``OUT_DIR/status/`` when every part is done. The
workers must see the ledger and OUT_DIR at the same paths (docs/population.md).
"""

from __future__ import annotations

import collections
import os
import queue
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from engine.api import load_rulebook
from engine.errors import Location, YibaoError
from engine.faces.output import AtomicOutput, temp_path

# numba, pyarrow and numpy come with the population extra: the functions below import them when they
# run, so that without the extra `yibao population` says what to install instead of failing to start.

#: The tables of a run and their files in OUT_DIR.
TABLES = ("status", "decisions", "years")


@dataclass
class PopulationSummary:
    """Totals of a population run."""

    rulebook: str = ""
    persons: int = 0
    kernel: int = 0
    scalar: int = 0
    events: int = 0
    seconds: float = 0.0
    states: collections.Counter = field(default_factory=collections.Counter)
    actions: collections.Counter = field(default_factory=collections.Counter)
    outputs: Dict[str, str] = field(default_factory=dict)
    unsupported: List[str] = field(default_factory=list)

    def add(self, outcome) -> None:
        self.persons += outcome.kernel + outcome.scalar
        self.kernel += outcome.kernel
        self.scalar += outcome.scalar
        self.events += outcome.events.num_rows
        self.states.update(_counts(outcome.status, "state"))
        self.actions.update(_counts(outcome.events, "action"))

    def merge(self, other: "PopulationSummary") -> None:
        for name in ("persons", "kernel", "scalar", "events"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.states.update(other.states)
        self.actions.update(other.actions)

    def to_dict(self) -> Dict[str, Any]:
        return {"rulebook": self.rulebook, "persons": self.persons,
                "paths": {"kernel": self.kernel, "scalar": self.scalar}, "events": self.events,
                "status": dict(sorted(self.states.items())), "decisions": dict(sorted(self.actions.items())),
                "seconds": round(self.seconds, 3), "outputs": self.outputs, "scalar_reasons": self.unsupported}

    def render(self) -> str:
        rate = self.persons / self.seconds if self.seconds else 0.0
        states = ", ".join(f"{k} {v:,}" for k, v in sorted(self.states.items())) or "none"
        actions = ", ".join(f"{k} {v:,}" for k, v in sorted(self.actions.items())) or "none"
        lines = [f"persons: {self.persons:,} in {self.seconds:.1f} s ({rate:,.0f}/s) — kernel {self.kernel:,}, "
                 f"scalar engine {self.scalar:,}",
                 f"status on as_of: {states}", f"decisions by action: {actions}"]
        lines += [f"{name}: {path}" for name, path in self.outputs.items()]
        lines += [f"left to the scalar engine: {reason}" for reason in self.unsupported]
        return "\n".join(lines)


def _counts(table, column: str) -> Dict[str, int]:
    import pyarrow.compute as pc  # the extra (see above)

    counts = pc.value_counts(table.column(column).combine_chunks()) if table.num_rows else []
    return {item["values"]: item["counts"] for item in (counts.to_pylist() if len(counts) else [])
            if item["values"] is not None}


def population_of(rulebook_id: str):
    """The population path of a rulebook (id or file); a located error without the population extra."""
    try:  # the extra (see above)
        from engine.population.run import Population
    except ImportError as error:
        raise YibaoError(f"yibao population needs the population extra (pip install 'yibao-rules[population]'): "
                         f"{error}") from None
    return Population(load_rulebook(rulebook_id))


def ledger_files(ledger: str) -> List[str]:
    """The Parquet files of a folder ledger (its partitions, in name order), or the ledger itself."""
    if os.path.isdir(ledger):
        files = sorted(str(p) for p in Path(ledger).iterdir() if p.suffix in (".parquet", ".pq") and p.is_file())
        if not files:
            raise YibaoError("the ledger folder holds no Parquet file (.parquet)", Location(ledger))
        return files
    if not os.path.isfile(ledger):
        raise YibaoError(f"no ledger at '{ledger}'", Location(ledger))
    return [ledger]


class _Writers:
    """The three Parquet tables of a local run, each an atomic output, written by a thread of their own
    (Parquet encoding releases the GIL: writing overlaps the evaluation of the next chunk)."""

    def __init__(self, out_dir: Path, inputs: Sequence[str]):
        self.outputs = {name: AtomicOutput(out_dir / f"{name}.parquet", inputs=inputs, what=f"{name} table",
                                           make_parents=True) for name in TABLES}
        self.writers: Dict[str, Any] = {}
        self.queue: "queue.Queue" = queue.Queue(maxsize=2)
        self.failure: Optional[BaseException] = None
        self.thread = threading.Thread(target=self._work, daemon=True)
        self.thread.start()

    def _work(self) -> None:
        import pyarrow.parquet as pq  # the extra (see above)

        from engine.population.tables import parquet_options

        while True:
            tables = self.queue.get()
            if tables is None:
                return
            if self.failure is not None:
                continue
            try:
                for name, table in zip(TABLES, tables):
                    if name not in self.writers:
                        self.writers[name] = pq.ParquetWriter(self.outputs[name].open(), table.schema,
                                                              **parquet_options(table.schema))
                    self.writers[name].write_table(table)
            except BaseException as error:  # noqa: BLE001 - handed to the main thread
                self.failure = error

    def put(self, tables: Tuple) -> None:
        if self.failure is not None:
            raise self.failure
        self.queue.put(tables)

    def finish(self, ok: bool, empty: Tuple) -> Dict[str, str]:
        self.queue.put(None)
        self.thread.join()
        if ok and self.failure is not None:
            raise self.failure
        if not ok:
            for output in self.outputs.values():
                output.discard()
            return {}
        import pyarrow.parquet as pq  # the extra (see above)

        from engine.population.tables import parquet_options

        for name, table in zip(TABLES, empty):
            if name not in self.writers:  # an empty ledger: tables with their columns and no rows
                self.writers[name] = pq.ParquetWriter(self.outputs[name].open(), table.schema,
                                                      **parquet_options(table.schema))
            self.writers[name].close()
        return {name: str(output.commit()) for name, output in self.outputs.items()}


# long: the local run, chunk after chunk, with its outputs committed or discarded together.
def run_population(ledger: str, out_dir: str, rulebook_id: str, *, fmt: Optional[str] = None,
                   chunk_rows: Optional[int] = None) -> PopulationSummary:
    """Evaluate every person of ``ledger`` with ``rulebook_id``; write the three tables into ``out_dir``.
    Raises :class:`YibaoError` (one located error) for a bad argument, a ledger that cannot be read, or a
    record the engine refuses; nothing is then written."""
    started = time.perf_counter()
    population = population_of(rulebook_id)
    files = ledger_files(ledger)
    target = output_folder(out_dir)
    summary = PopulationSummary(rulebook=population.rulebook.id, unsupported=population.unsupported)
    from engine.population.ledger import CHUNK_ROWS, read_chunks  # the extra, checked by population_of above

    writers = _Writers(target, files)
    ok = False
    empty = None
    try:
        for path in files:
            for table, line in read_chunks(path, fmt, chunk_rows or CHUNK_ROWS):
                outcome = population.evaluate(table, path, line)
                summary.add(outcome)
                writers.put((outcome.status, outcome.events, outcome.years))
                empty = empty or tuple(t.slice(0, 0) for t in (outcome.status, outcome.events, outcome.years))
        if empty is None:
            empty = population.empty_tables()
        ok = True
    finally:
        summary.outputs = writers.finish(ok, empty)
    summary.seconds = time.perf_counter() - started
    return summary


def output_folder(out_dir: str) -> Path:
    """OUT_DIR: a folder, or nothing yet (it is made); never a file or a link."""
    target = Path(out_dir)
    if target.is_symlink():
        raise YibaoError("is a symbolic link; yibao never writes through a link, give the real path",
                         Location(out_dir))
    if target.exists() and not target.is_dir():
        raise YibaoError("is not a folder; expected the folder the tables go to", Location(out_dir))
    return target


def commit_folder(staging: Path, target: Path) -> None:
    """Put a finished folder of parts in place of ``target`` (an older folder of that name is replaced)."""
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise YibaoError("is not a folder of table parts; refusing to replace it", Location(str(target)))
    old = None
    if target.exists():
        old = temp_path(target, "old")
        os.replace(target, old)
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


__all__ = ["TABLES", "PopulationSummary", "commit_folder", "ledger_files", "output_folder", "population_of",
           "run_population"]
