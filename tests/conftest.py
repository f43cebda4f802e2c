"""Shared fixtures: the repository root on the import path, and the Inner Mongolia rulebook."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def inner_mongolia():
    import engine

    return engine.load_rulebook("inner-mongolia")
