"""A real headless browser for the tests: Debian's chromium driven by Playwright (never a downloaded browser).

``.ci/run`` installs chromium with apt-get when it is missing. Outside CI, a machine without it skips
the browser tests with the reason; in CI (``CI`` set) a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: Flags that work on a headless CI machine as root; no network of its own (updates, sync, QUIC).
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def need_chromium() -> None:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: .ci/run installs it with apt-get")
        pytest.skip("no chromium on this machine (apt-get install chromium); CI installs it")


@contextmanager
def browser(tmp_path: Path) -> Iterator[object]:
    """A Playwright page in a fresh chromium profile (Playwright makes a new user-data-dir per launch)."""
    need_chromium()
    from playwright.sync_api import sync_playwright  # only the browser tests need it

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            page = chromium.new_page(viewport={"width": 1400, "height": 900})
            # Generous: CI machines are small and busy; a wait that is too short fails a correct page.
            page.set_default_timeout(120_000)
            yield page
        finally:
            chromium.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def server(command: List[str], url: str, cwd: Path) -> Iterator[subprocess.Popen]:
    """Start ``command`` (a server on loopback), wait until ``url`` answers, stop it afterwards."""
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read() if process.stdout else ""
                    raise AssertionError(f"{' '.join(command)} did not start:\n{output}")
                time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def yibao_command(*args: str) -> List[str]:
    return [sys.executable, "-m", "engine", *args]
