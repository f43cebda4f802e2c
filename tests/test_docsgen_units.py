"""Pieces of the documentation generator: ledger building, diff symmetry, the SVG writer."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

from hypothesis import given, strategies as st

import engine
from engine.officer.docsgen import chart, ledgers
from engine.officer.docsgen.diff import diff_rulebooks


@given(st.sets(st.integers(1, 12), min_size=1, max_size=6), st.integers(0, 12))
def test_decompose_reaches_the_total_with_the_smallest_largest_part(values, total):
    parts = ledgers.decompose(total, sorted(values))
    if parts is None:  # then no combination of the values at all reaches the total
        reachable = {0}
        for _ in range(total):
            reachable |= {r + v for r in reachable for v in values if r + v <= total}
        assert total not in reachable
        return
    assert sum(parts) == total and all(p in values for p in parts)
    if parts:
        smaller = [v for v in values if v < max(parts)]
        assert not smaller or ledgers.decompose(total, smaller) is None


def test_every_point_option_is_a_valid_score_event():
    for rid in engine.list_rulebooks():
        rb = engine.load_rulebook(rid)
        for points, event in ledgers.point_options(rb).items():
            case = ledgers.make_case(rb, [event])
            assert case is not None
            assert rb.evaluate(case, trace=False)["decisions"][0]["points"] == points, (rid, points)


def test_diff_is_empty_on_itself_and_symmetric_between_two():
    ids = engine.list_rulebooks()
    books = {rid: engine.load_rulebook(rid) for rid in ids}
    for rid, rb in books.items():
        assert diff_rulebooks(rb, rb) == []
    flip = {"added": "removed", "removed": "added", "changed": "changed"}
    for a, b in itertools.combinations(ids, 2):
        forward = {(c.section, c.path, c.change, repr(c.a), repr(c.b)) for c in diff_rulebooks(books[a], books[b])}
        backward = {(c.section, c.path, flip[c.change], repr(c.b), repr(c.a)) for c in diff_rulebooks(books[b], books[a])}
        assert forward == backward, (a, b)


def test_outcome_labels_for_ranges():
    assert ledgers.Outcome(9, "single", "suspend", months_min=1, months_max=3).label() == "暂停 1-3 个月 suspend 1-3 mo"
    assert ledgers.Outcome(12, "single", "terminate", ban_years_min=1, ban_years_max=2).label() == "终止 terminate, 禁 1-2 年 ban 1-2 y"
    assert ledgers.Outcome(5, "single", None, note="x").label() == "n/a"


def test_chart_is_well_formed_svg_and_breaks_lines_at_gaps():
    svg = chart.line_chart("t <&>", [("A", {0: 0, 1: 1, 3: None}), ("B", {})], x_label="x", y_label="y")
    root = ET.fromstring(svg)
    paths = root.findall("{http://www.w3.org/2000/svg}path")
    solid = [p for p in paths if p.get("class") == "series"]
    bridge = [p for p in paths if p.get("class") == "bridge"]
    assert len(solid) == 1 and solid[0].get("d").count("M") == 1  # 0-1 solid
    assert len(bridge) == 1 and bridge[0].get("stroke-dasharray") == "1 4"  # 1 to 3: 2 cannot be reached


def test_chart_draws_a_range_of_months_as_a_band():
    svg = chart.line_chart("t", [("N", {8: 0, 9: (1, 6), 10: (1, 6), 12: None})], x_label="x", y_label="y")
    root = ET.fromstring(svg)
    bands = root.findall("{http://www.w3.org/2000/svg}polygon")
    assert len(bands) == 1 and "1-6" in bands[0].find("{http://www.w3.org/2000/svg}title").text
    assert len(bands[0].get("points").split()) == 4  # 9..10: high edge, then low edge back
