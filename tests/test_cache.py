"""The compiled-rulebook cache (engine/rulebook/cache.py): keyed by the exact content compiled and the
engine; a stale, corrupt or foreign entry is ignored and written again; an edited, unsaved rulebook
never uses it."""

from __future__ import annotations

import json
import os
import textwrap

import pytest

from engine import api
from engine.base.documents import load_yaml
from engine.rulebook import registry
from engine.rulebook.backend import WARM_UP
from engine.rulebook.provenance import provenance, stamp_with

BOOK = """\
id: {id}
title: a test rulebook
document: T-1
effective: {{from: "2025-01-01"}}
completeness: complete
{extends}scope: {{roles: [physician, nurse]}}
parameters:
  after_term: {{value: normal, allowed: [normal, awaiting_restoration], interpretation: back to normal}}
  single_score_scope: {{value: event, allowed: [event, inspection], interpretation: each event}}
  overlapping_suspension: {{value: fresh, allowed: [fresh, extend], interpretation: its own term}}
  repeated_termination: {{value: heavier_only, allowed: [heavier_only, later_end], interpretation: first ban}}
responsibility: {{required: false}}
scoring:
  tiers:
    - tier: 1
      article: 第一条
      text: nine
      points: 9
      situations:
        - {{code: "1.1", text: a heavy situation, catch_all: true}}
consequences:
  rules:
    - {{id: suspend-9, article: 第二条, text: suspend at 9, when: "year_total >= 9", action: suspend, months: {months}}}
settlement:
  - {{id: settle-normal, article: 第三条, text: normal, when: "state == 'normal'", settled: "true"}}
"""
CHILD = """\
id: t-child
extends: t-parent
title: a child
document: C-1
effective: {from: "2025-02-01"}
"""


def write(folder, name, text):
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    stamp = path.stat().st_mtime_ns + 10_000_000  # a new modification time: the registry reads it again
    os.utime(path, ns=(stamp, stamp))
    return path


def case(rulebook):
    return {"rulebook": rulebook, "as_of": "2025-12-31", "person": {"id": "X", "role": "physician"},
            "events": [{"kind": "score", "date": "2025-04-01", "tier": 1}]}


@pytest.fixture
def books(tmp_path, monkeypatch):
    folder = tmp_path / "books"
    folder.mkdir()
    monkeypatch.setenv("YIBAO_RULEBOOKS", str(folder))
    monkeypatch.setenv("YIBAO_CACHE_DIR", str(tmp_path / "cache"))
    write(folder, "t-book.yaml", BOOK.format(id="t-book", extends="", months=1))
    return folder


def entries(books):
    return sorted((books.parent / "cache").glob("*.json"))


def until(result):
    return result["decisions"][0]["until"]


def test_first_evaluation_writes_the_entry_and_a_later_process_uses_it(books):
    assert registry.cached_evaluator("t-book") is None
    result = api.load_rulebook("t-book").evaluate(case("t-book"))
    assert len(entries(books)) == 1
    cached = registry.cached_evaluator("t-book")
    assert cached is not None and cached.provenance == result["provenance"]
    from_cache = stamp_with(dict(cached.provenance), cached.evaluate(case("t-book"), True))
    assert json.dumps(from_cache, ensure_ascii=False) == json.dumps(result, ensure_ascii=False)


def test_the_entry_knows_the_provenance_of_the_rulebook_and_its_parents(books):
    write(books, "t-parent.yaml", BOOK.format(id="t-parent", extends="", months=1))
    write(books, "t-child.yaml", CHILD)
    for rid in ("t-book", "t-child"):
        api.load_rulebook(rid).evaluate(case(rid))
        assert registry.cached_evaluator(rid).provenance == provenance(api.load_rulebook(rid))
    # without the kept hash of the schedules, the provenance is not known (the facade's way is taken)
    for kept in (books.parent / "cache").glob("calendar-*.txt"):
        kept.unlink()
    assert registry.cached_evaluator("t-book").provenance is None


def test_an_edited_rulebook_makes_the_entry_stale(books):
    api.load_rulebook("t-book").evaluate(case("t-book"))
    write(books, "t-book.yaml", BOOK.format(id="t-book", extends="", months=2))
    assert registry.cached_evaluator("t-book") is None
    assert until(api.load_rulebook("t-book").evaluate(case("t-book"))) == "2025-06-01"
    assert until(registry.cached_evaluator("t-book").evaluate(case("t-book"), False)) == "2025-06-01"


def test_an_edited_parent_makes_the_childs_entry_stale(books):
    write(books, "t-parent.yaml", BOOK.format(id="t-parent", extends="", months=1))
    write(books, "t-child.yaml", CHILD)
    assert until(api.load_rulebook("t-child").evaluate(case("t-child"))) == "2025-05-01"
    assert registry.cached_evaluator("t-child") is not None
    write(books, "t-parent.yaml", BOOK.format(id="t-parent", extends="", months=3))
    assert registry.cached_evaluator("t-child") is None
    write(books, "t-child.yaml", CHILD)  # this process's registry reloads a rulebook when its own file changes
    assert until(api.load_rulebook("t-child").evaluate(case("t-child"))) == "2025-07-01"


@pytest.mark.parametrize("damage", ["garbage", "source", "source and hash", "engine", "truncated"])
def test_a_corrupt_or_foreign_entry_is_ignored_and_written_again(books, damage):
    api.load_rulebook("t-book").evaluate(case("t-book"))
    [entry_file] = entries(books)
    entry = json.loads(entry_file.read_text(encoding="utf-8"))
    if damage == "garbage":
        entry_file.write_bytes(b"\x00not json")
    elif damage == "truncated":
        entry_file.write_text(entry_file.read_text(encoding="utf-8")[:200], encoding="utf-8")
    else:
        if damage.startswith("source"):
            entry["source"] = "raise SystemExit('never run')\n"
            if damage == "source and hash":
                import hashlib
                entry["source_sha256"] = hashlib.sha256(entry["source"].encode()).hexdigest()
        if damage == "engine":
            entry["engine"] = "another engine"
        entry_file.write_text(json.dumps(entry), encoding="utf-8")
    assert registry.cached_evaluator("t-book") is None
    write(books, "t-book.yaml", BOOK.format(id="t-book", extends="", months=1))  # loaded again: rebuilt
    assert until(api.load_rulebook("t-book").evaluate(case("t-book"))) == "2025-05-01"
    assert registry.cached_evaluator("t-book") is not None


def test_an_edited_unsaved_rulebook_never_uses_the_entry_of_its_file(books):
    path = books / "t-book.yaml"
    api.load_rulebook(str(path)).evaluate(case("t-book"))
    edited = registry.compile_document(load_yaml(BOOK.format(id="t-book", extends="", months=5), str(path)))
    # In memory, the interpreter judges the first cases; then its own code is generated (never the file's).
    for _ in range(WARM_UP + 2):
        assert until(edited.evaluate(case("t-book"))) == "2025-09-01"
    assert edited.backend.built
    assert until(registry.cached_evaluator(str(path)).evaluate(case("t-book"), False)) == "2025-05-01"


def test_no_cache_when_switched_off(books, monkeypatch):
    monkeypatch.setenv("YIBAO_CACHE_DIR", "off")
    api.load_rulebook("t-book").evaluate(case("t-book"))
    assert entries(books) == [] and registry.cached_evaluator("t-book") is None


def test_damaged_compiled_code_is_compiled_again_from_the_source(books):
    result = api.load_rulebook("t-book").evaluate(case("t-book"))
    [code_file] = sorted((books.parent / "cache").glob("*.code"))
    code_file.write_bytes(b"\xe3damaged")
    cached = registry.cached_evaluator("t-book")
    assert cached is not None and stamp_with(dict(cached.provenance), cached.evaluate(case("t-book"), True)) == result
    assert code_file.read_bytes() != b"\xe3damaged"  # written again for the next run


@pytest.mark.parametrize("setting", ["off", "OFF", "none", "0", ""])
def test_one_setting_turns_every_cache_off_the_population_kernels_too(setting, monkeypatch, tmp_path):
    """YIBAO_CACHE_DIR=off: no compiled-rulebook cache, and the population path's generated modules go
    to a folder of this process — never to a folder named after the setting in the working directory."""
    pytest.importorskip("numba")
    from engine.base.caches import cache_root
    from engine.population.kernels import cache_dir
    from engine.rulebook.cache import folder

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("YIBAO_CACHE_DIR", setting)
    assert cache_root() is None and folder() is None
    assert not cache_dir().is_relative_to(tmp_path)
    assert list(tmp_path.iterdir()) == []
