"""``yibao population --dask``: the population kernel over the Parquet files of a folder ledger, one
task per file, on a Dask cluster (or a LocalCluster of this machine).

Each task reads its file, evaluates it with the same kernel as a local run (compiled once per worker
process, from the cache folder) and writes its part of each table into a staging folder beside the
target (``.status.yibao-PID.spool/part-00000.parquet``); when every task is done the staging folders
become ``OUT_DIR/status/`` and the others — or, if any task failed, are removed (the older tables stay).
A record the engine refuses comes back as that task's located error.
"""

from __future__ import annotations

import collections
import os
import shutil
import time
from pathlib import Path
from typing import Any, Dict, Optional

from engine.api import load_rulebook
from engine.errors import Location, YibaoError
from engine.faces.output import temp_path
from engine.faces.population import (TABLES, PopulationSummary, commit_folder, ledger_files, output_folder,
                                     population_of)

_populations: Dict[str, Any] = {}


def evaluate_partition(path: str, rulebook_id: str, fmt: Optional[str], index: int,
                       staging: Dict[str, str]) -> Dict[str, Any]:
    """On a worker: one ledger file into its part of each table; totals, or the record's error."""
    import pyarrow.parquet as pq  # the population extra, present where population_of found it

    from engine.population.ledger import read_chunks
    from engine.population.run import Population
    from engine.population.tables import parquet_options

    try:
        population = _populations.get(rulebook_id)
        if population is None:
            population = _populations[rulebook_id] = Population(load_rulebook(rulebook_id), threads=1)
        summary = PopulationSummary()
        writers: Dict[str, Any] = {}
        for table, line in read_chunks(path, fmt):
            outcome = population.evaluate(table, path, line)
            summary.add(outcome)
            for name, part in zip(TABLES, (outcome.status, outcome.events, outcome.years)):
                if name not in writers:
                    writers[name] = pq.ParquetWriter(os.path.join(staging[name], f"part-{index:05d}.parquet"),
                                                     part.schema, **parquet_options(part.schema))
                writers[name].write_table(part)
        for writer in writers.values():
            writer.close()
    except YibaoError as error:
        where = error.location
        return {"error": error.message, "file": where.file, "line": where.line, "field": where.field}
    return {"persons": summary.persons, "kernel": summary.kernel, "scalar": summary.scalar, "events": summary.events,
            "states": dict(summary.states), "actions": dict(summary.actions)}


def run_on_dask(ledger: str, out_dir: str, rulebook_id: str, address: str, *, workers: Optional[int] = None,
                fmt: Optional[str] = None) -> PopulationSummary:
    """Every file of the ledger as a task; the parts committed together at the end."""
    started = time.perf_counter()
    population = population_of(rulebook_id)  # the extra and the rulebook, checked before any worker starts
    files = ledger_files(ledger)
    target = output_folder(out_dir)
    try:  # optional extra: yibao-rules[dask]
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise YibaoError("--dask needs the dask extra: pip install 'yibao-rules[dask]'") from None
    cluster = None
    if address == "local":
        cluster = LocalCluster(n_workers=max(1, workers or 2), threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    else:
        try:
            client = Client(address, timeout="15s")
        except (OSError, TimeoutError, ValueError) as error:
            raise YibaoError(f"cannot reach the Dask scheduler at '{address}': {error}") from None
    target.mkdir(parents=True, exist_ok=True)
    staging = {name: temp_path(target / name, "spool") for name in TABLES}
    committed = False
    try:
        for folder in staging.values():
            folder.mkdir()
        futures = [client.submit(evaluate_partition, path, rulebook_id, fmt, index,
                                 {name: str(folder) for name, folder in staging.items()}, pure=False)
                   for index, path in enumerate(files)]
        results = client.gather(futures)
        summary = PopulationSummary(rulebook=population.rulebook.id, unsupported=population.unsupported)
        for result in results:
            if "error" in result:
                raise YibaoError(result["error"], Location(result["file"], result["line"], field=result["field"]))
            for name in ("persons", "kernel", "scalar", "events"):
                setattr(summary, name, getattr(summary, name) + result[name])
            summary.states.update(collections.Counter(result["states"]))
            summary.actions.update(collections.Counter(result["actions"]))
        for name, folder in staging.items():
            commit_folder(folder, target / name)
        committed = True
        summary.outputs = {name: str(target / name) for name in TABLES}
        summary.seconds = time.perf_counter() - started
        return summary
    finally:
        if not committed:
            for folder in staging.values():
                shutil.rmtree(folder, ignore_errors=True)
        client.close()
        if cluster is not None:
            cluster.close()
