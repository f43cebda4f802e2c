"""docs/deadlines.md shows only what the rulebooks hold: its table is the one generated from them."""

from __future__ import annotations

from pathlib import Path

from engine import api
from engine.officer.docsgen import deadlines

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "deadlines.md"


def every_rulebook():
    return [api.load_rulebook(rid) for rid in api.list_rulebooks()]


def test_the_page_table_is_generated_from_the_rulebooks():
    expected = deadlines.deadlines_table(every_rulebook())
    assert deadlines.current_block(PAGE) == expected, (
        "docs/deadlines.md differs from the rulebooks' deadlines: run `yibao docs` (or make docs) and commit the page")


def test_every_deadline_of_every_rulebook_is_a_row_and_nothing_else():
    block = deadlines.current_block(PAGE)
    rows = [line for line in block.splitlines() if line.startswith("| ") and not line.startswith("| rulebook")]
    held = {(rb.id, kind) for rb in every_rulebook() for kind in rb.deadlines}
    shown = {(row.split("|")[1].strip(), row.split("|")[2].strip().strip("`")) for row in rows}
    assert shown == held
    assert ("liaoning", "commitment") in held and ("jining", "appeal") in held
    assert not any(rid == "hainan" for rid, _ in held)


def test_refresh_rewrites_only_the_block(tmp_path):
    page = tmp_path / "deadlines.md"
    page.write_text(f"before\n{deadlines.BEGIN}\nstale\n{deadlines.END}\nafter\n", encoding="utf-8")
    assert deadlines.refresh(page, every_rulebook())
    text = page.read_text(encoding="utf-8")
    assert text.startswith("before\n") and text.endswith("\nafter\n") and "stale" not in text
    other = tmp_path / "other.md"
    other.write_text("no block\n", encoding="utf-8")
    assert not deadlines.refresh(other, every_rulebook()) and other.read_text(encoding="utf-8") == "no block\n"
