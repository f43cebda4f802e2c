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
# The compiled-rulebook cache of a test run (engine/rulebook/cache.py) is its own, never the user's.
os.environ.setdefault("YIBAO_CACHE_DIR", tempfile.mkdtemp(prefix="yibao-test-cache-"))


@pytest.fixture(scope="session")
def inner_mongolia():
    import engine

    return engine.load_rulebook("inner-mongolia")
