"""A command run as a process of its own, measured: wall time, CPU seconds, peak resident memory.

Shared by bench/batch.py and bench/population.py. CPU is the process's and its children's
(``RUSAGE_CHILDREN`` before and after, exact); memory is the peak of the sum over the process tree
(psutil, sampled every 50 ms), so that a batch's worker processes count too.
"""

from __future__ import annotations

import resource
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import List

import psutil


@dataclass(frozen=True)
class Measured:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    cpu_seconds: float
    peak_tree_rss_mb: float
    peak_single_rss_mb: float  # the largest single process among the children (ru_maxrss)


def tree_rss(pid: int) -> int:
    """The resident memory of process ``pid`` and all its descendants, in bytes."""
    try:
        parent = psutil.Process(pid)
        processes = [parent] + parent.children(recursive=True)
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def run_measured(command: List[str], cwd: Path) -> Measured:
    """Run ``command`` to its end (output captured as text) and measure it."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, tree_rss(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return Measured(process.returncode, stdout, stderr, seconds, cpu, peak / 2**20, after.ru_maxrss / 1024)
