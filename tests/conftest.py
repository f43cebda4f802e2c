"""Shared fixtures: the repository root on the import path, and the Inner Mongolia rulebook."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# The caches of a test run — compiled rulebooks (engine/rulebook/cache.py) and the population path's
# generated functions (engine/population/kernels.py) — are its own, never the user's.
os.environ.setdefault("YIBAO_CACHE_DIR", tempfile.mkdtemp(prefix="yibao-test-cache-"))


@pytest.fixture(scope="session")
def inner_mongolia():
    import engine

    return engine.load_rulebook("inner-mongolia")


class Served:
    """A ``yibao serve`` process on loopback: its base URL, process and log file (JSON lines)."""

    def __init__(self, base: str, process, log: Path):
        self.base, self.process, self.log = base, process, log

    def log_lines(self):
        import json

        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines() if line.startswith("{")]

    def stop(self) -> int:
        import subprocess

        self.process.terminate()
        try:
            return self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


def start_server(folder: Path, *args: str, env=None, timeout: float = 90) -> Served:
    """Start ``yibao serve ARGS`` on a free loopback port; wait until /readyz answers 200.

    The log (JSON lines on stderr) goes to a file in ``folder``: a pipe nobody reads would fill up
    and stall the server.
    """
    import os
    import socket
    import subprocess
    import time

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = folder / f"serve-{port}.log"
    with open(log, "wb") as sink:
        process = subprocess.Popen([sys.executable, "-m", "engine", "serve", "--host", "127.0.0.1", "--port",
                                    str(port), *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=sink,
                                   env={**os.environ, **(env or {})})
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + timeout
    while True:
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return Served(base, process, log)
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.time() > deadline:
            process.kill()
            raise RuntimeError(f"yibao serve did not start: {log.read_text()}")
        time.sleep(0.1)
