"""docs/api.md: every `>>>` example on the page runs as written."""

from __future__ import annotations

import doctest
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_api_page_examples_run():
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's TestClient announces a future change of HTTP client
        failures, tried = doctest.testfile(str(ROOT / "docs" / "api.md"), module_relative=False,
                                           optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert tried > 10
    assert failures == 0
