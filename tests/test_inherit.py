"""Inheritance between rulebooks (extends): override, add, remove, cycles, origins, versions."""

from __future__ import annotations

import textwrap

import pytest
from click.testing import CliRunner

from engine import api
from engine.cli import main
from engine.errors import RulebookError, SchemaError, CaseError
from engine.rulebook import registry

BASE = """\
id: {id}
title: base
document: B-1
effective: {{from: "2025-01-01"{until}}}
completeness: {completeness}
missing: [the base's annex]
scope: {{roles: [physician, nurse]}}
parameters:
  after_term:
    value: normal
    allowed: [normal, awaiting_restoration]
    interpretation: back to normal after the term
  single_score_scope:
    value: event
    allowed: [event, inspection]
    interpretation: each event's points are its 单次记分
  overlapping_suspension:
    value: fresh
    allowed: [fresh, extend]
    interpretation: a suspension during a term starts its own term
  repeated_termination:
    value: heavier_only
    allowed: [heavier_only, later_end]
    interpretation: a ban counts from its termination
responsibility: {{required: false}}
scoring:
  tiers:
    - tier: 1
      article: 第一条
      text: one to three
      points: 2
      range: [1, 3]
      situations:
        - {{code: "1.1", text: a situation}}
    - tier: 2
      article: 第二条
      text: nine
      points: 9
      situations:
        - {{code: "2.1", text: a heavy situation, catch_all: true}}
consequences:
  rules:
    - id: warn-2
      article: 第三条
      text: warn at 2
      when: "year_total >= 2"
      action: warn
    - id: suspend-9
      article: 第四条
      text: suspend at 9
      when: "year_total >= 9"
      action: suspend
      months: {months}
settlement:
  - {{id: settle-normal, article: 第五条, text: normal, when: "state == 'normal'", settled: "true"}}
  - {{id: settle-suspended, article: 第五条, text: suspended, when: "state == 'suspended'", settled: "emergency"}}
"""


def write(folder, name, text):
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def books(tmp_path, monkeypatch):
    monkeypatch.setenv("YIBAO_RULEBOOKS", str(tmp_path))
    write(tmp_path, "t-base.yaml", BASE.format(id="t-base", until="", completeness="complete", months=1))
    return tmp_path


def case(rulebook, *events, as_of="2025-12-31"):
    return {"rulebook": rulebook, "as_of": as_of, "person": {"id": "X", "role": "physician"},
            "events": list(events)}


def test_child_overrides_adds_and_removes_rules_by_id(books):
    write(books, "t-child.yaml", """\
        id: t-child
        extends: t-base
        title: child
        document: C-1
        effective: {from: "2025-03-01"}
        remove: [warn-2]
        parameters:
          after_term: {value: awaiting_restoration}
        consequences:
          rules:
            - id: suspend-9
              article: 第九条
              text: suspend at 9 for 3 months
              when: "year_total >= 9"
              action: suspend
              months: 3
            - id: terminate-12
              article: 第十条
              text: terminate at 12
              when: "year_total >= 12"
              action: terminate
              ban_years: 1
        """)
    rb = api.load_rulebook("t-child")
    assert [c.id for c in rb.consequences] == ["suspend-9", "terminate-12"]
    assert rb.consequences[0].months == 3 and rb.consequences[0].legal.article == "第九条"
    assert rb.parameter("after_term") == "awaiting_restoration"          # one field patched
    assert rb.parameters["after_term"].interpretation == "back to normal after the term"  # the rest inherited
    assert set(rb.situations) == {"1.1", "2.1"}                           # tiers inherited
    assert rb.lineage == ("t-child", "t-base")
    origin = {(row["section"], row["id"]): row for row in rb.origins}
    assert origin[("consequences.rules", "suspend-9")]["file"].endswith("t-child.yaml")
    assert origin[("consequences.rules", "terminate-12")]["file"].endswith("t-child.yaml")
    assert origin[("settlement", "settle-normal")]["file"].endswith("t-base.yaml")
    assert origin[("parameters", "after_term")]["file"].endswith("t-child.yaml")
    assert ("consequences.rules", "warn-2") not in origin
    result = rb.evaluate(case("t-child", {"kind": "score", "date": "2025-04-01", "tier": 2}))
    assert result["decisions"][0]["months"] == 3


def test_child_may_not_inherit_the_parents_identity(books):
    write(books, "t-child.yaml", """\
        id: t-child
        extends: t-base
        title: child
        document: C-1
        effective: {from: "2025-03-01"}
        """)
    rb = api.load_rulebook("t-child")
    assert rb.document == "C-1" and rb.effective_from.isoformat() == "2025-03-01"
    assert rb.completeness == "complete"


def test_remove_of_an_unknown_id_is_located_with_a_suggestion(books):
    path = write(books, "t-child.yaml", """\
        id: t-child
        extends: t-base
        title: child
        document: C-1
        effective: {from: "2025-03-01"}
        remove: [suspend-8]
        """)
    with pytest.raises(RulebookError) as info:
        api.load_rulebook(str(path))
    error = info.value
    assert error.location.file.endswith("t-child.yaml") and error.location.line == 6
    assert "did you mean 'suspend-9'" in error.message


def test_cycle_is_an_error_naming_the_cycle_at_the_extends_line(books):
    write(books, "t-a.yaml", """\
        id: t-a
        extends: t-b
        title: a
        document: A
        effective: {from: "2025-01-01"}
        """)
    write(books, "t-b.yaml", """\
        id: t-b
        extends: t-a
        title: b
        document: B
        effective: {from: "2025-01-01"}
        """)
    with pytest.raises(RulebookError) as info:
        api.load_rulebook("t-a")
    error = info.value
    assert "extends cycle" in error.message
    assert "t-a" in error.message and "t-b" in error.message
    assert error.location.line == 2 and error.location.field == "extends"
    # `yibao check` gives the same located line and exit status 2.
    outcome = CliRunner().invoke(main, ["check", "t-a"])
    assert outcome.exit_code == 2 and "extends cycle" in outcome.output


def test_unknown_parent_is_located(books):
    write(books, "t-child.yaml", """\
        id: t-child
        extends: t-bse
        title: child
        document: C-1
        effective: {from: "2025-03-01"}
        """)
    with pytest.raises(RulebookError) as info:
        api.load_rulebook("t-child")
    assert info.value.location.line == 2 and "did you mean 't-base'" in info.value.message


def test_schema_error_points_into_the_file_where_the_value_was_written(books):
    write(books, "t-child.yaml", """\
        id: t-child
        extends: t-base
        title: child
        document: C-1
        effective: {from: "2025-03-01"}
        consequences:
          rules:
            - id: suspend-9
              article: 第九条
              text: x
              when: "year_total >= 9"
              action: suspnd
              months: 3
        """)
    errors = api.check_rulebook("t-child")
    assert errors and isinstance(errors[0], SchemaError)
    location = errors[0].location
    assert location.file.endswith("t-child.yaml") and (location.line, location.column) == (12, 15)
    assert "did you mean 'suspend'" in errors[0].message


def test_dsl_error_in_an_inherited_rule_points_into_the_parent(books):
    broken = BASE.format(id="t-broken", until="", completeness="complete", months=1).replace(
        'when: "year_total >= 2"', 'when: "year_totl >= 2"')
    write(books, "t-broken.yaml", broken)
    write(books, "t-child.yaml", """\
        id: t-child
        extends: t-broken
        title: child
        document: C-1
        effective: {from: "2025-03-01"}
        """)
    errors = api.check_rulebook("t-child")
    assert errors and errors[0].location.file.endswith("t-broken.yaml")


def test_partial_parent_makes_every_result_carry_a_warning(books):
    write(books, "t-part.yaml", BASE.format(id="t-part", until="", completeness="partial", months=1))
    write(books, "t-child.yaml", """\
        id: t-child
        extends: t-part
        title: child
        document: C-1
        effective: {from: "2025-03-01"}
        completeness: complete
        """)
    rb = api.load_rulebook("t-child")
    assert rb.completeness == "partial" and rb.missing == ("t-part: the base's annex",)
    assert api.rulebook_warnings("t-child")
    result = rb.evaluate(case("t-child"))
    assert result["warnings"] == ["rulebook t-child is partial: t-part: the base's annex"]
    outcome = CliRunner().invoke(main, ["check", "t-child", "--origins"])
    assert outcome.exit_code == 0
    assert "warning: t-child is partial" in outcome.output
    assert "t-part.yaml" in outcome.output and "extends t-part" in outcome.output


def test_three_level_chain(books):
    write(books, "t-mid.yaml", """\
        id: t-mid
        extends: t-base
        title: mid
        document: M
        effective: {from: "2025-01-01"}
        remove: [warn-2]
        """)
    write(books, "t-leaf.yaml", """\
        id: t-leaf
        extends: t-mid
        title: leaf
        document: L
        effective: {from: "2025-01-01"}
        settlement:
          - {id: settle-terminated, article: 第六条, text: t, when: "state == 'terminated'", settled: "false"}
        """)
    rb = api.load_rulebook("t-leaf")
    assert rb.lineage == ("t-leaf", "t-mid", "t-base")
    assert [c.id for c in rb.consequences] == ["suspend-9"]
    assert [s.id for s in rb.settlement] == ["settle-normal", "settle-suspended", "settle-terminated"]


def test_versions_pick_the_rule_in_force_on_each_event_date(books):
    write(books, "t-ver.yaml", BASE.format(id="t-ver", until=', until: "2025-06-30"', completeness="complete",
                                           months=1))
    write(books, "t-ver@2025-07.yaml", BASE.format(id="t-ver", until="", completeness="complete",
                                                   months=2).replace('from: "2025-01-01"', 'from: "2025-07-01"'))
    assert registry.available_ids().count("t-ver") == 1
    assert [v.effective_from.isoformat() for v in registry.versions("t-ver")] == ["2025-01-01", "2025-07-01"]
    rb = api.load_rulebook("t-ver")
    early = {"kind": "score", "date": "2025-03-01", "tier": 2}
    late = {"kind": "score", "date": "2026-03-01", "tier": 2}
    result = rb.evaluate(case("t-ver", early, late, as_of="2026-12-31"))
    assert [d["until"] for d in result["decisions"]] == ["2025-04-01", "2026-05-01"]  # 1 month, then 2
    with pytest.raises(CaseError) as info:
        rb.evaluate(case("t-ver", {"kind": "score", "date": "2024-12-31", "tier": 1}))
    assert "2024-12-31" in info.value.message and "2025-01-01" in info.value.message
    assert info.value.location.field == "events[0].date"


def test_real_chain_weihai_shandong_national():
    rb = api.load_rulebook("weihai")
    assert rb.lineage == ("weihai", "shandong", "national")
    assert rb.completeness == "partial"
    files = {row["file"].rsplit("/", 1)[-1] for row in rb.origins}
    assert {"weihai.yaml", "national.yaml"} <= files
    procedures = rb.raw["procedures"]
    report = next(p for p in procedures if p["id"] == "yearly-report-to-city")
    assert report["annual_by"] == "01-05" and report["to"] == "市医保局"


def test_overlapping_versions_are_warned_about(books):
    write(books, "t-ov.yaml", BASE.format(id="t-ov", until="", completeness="complete", months=1))
    write(books, "t-ov@2.yaml", BASE.format(id="t-ov", until="", completeness="complete",
                                            months=2).replace('from: "2025-01-01"', 'from: "2025-07-01"'))
    warnings = api.rulebook_warnings("t-ov")
    assert any("overlap" in w for w in warnings)


def test_remove_without_extends_is_an_error(books):
    path = write(books, "t-lone.yaml", BASE.format(id="t-lone", until="", completeness="complete", months=1)
                 + "remove: [warn-2]\n")
    errors = api.check_rulebook(str(path))
    assert errors and "extends nothing" in errors[0].message and errors[0].location.field == "remove"
