"""docs/api.md: every `>>>` example on the page runs as written."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_the_api_page_examples_run():
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    failures, tried = doctest.testfile(str(ROOT / "docs" / "api.md"), module_relative=False,
                                       optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert tried > 10
    assert failures == 0
