"""Deadlines (issue 6): every GLOSSARY kind, across Spring Festival and National Day, on the
rulebook's own calendar. Expected dates are counted by hand on the State Council schedules:

- 2025 春节: 1-28..2-4 off; 调休 working days Sun 1-26 and Sat 2-8.
- 2025 国庆+中秋: 10-1..10-8 off; 调休 working days Sun 9-28 and Sat 10-11.
- 2026 春节: 2-15..2-23 off; 调休 working days Sat 2-14 and Sat 2-28.
- 2026 国庆: 10-1..10-7 off; 调休 working days Sun 9-20 and Sat 10-10.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

import engine
from engine import api
from engine.errors import CalendarError, DeadlineError, SchemaError, YibaoError
from engine.rulebook.registry import compile_document
from engine.base.documents import load_yaml

ROOT = Path(__file__).resolve().parent.parent

# A Liaoning-shaped test rulebook (辽宁 第二十六、二十七、三十一、三十二、三十三条): the real one is
# written elsewhere; this one only carries the deadlines, to exercise every kind and backwards counting.
LIAONING_LIKE = """
id: deadline-test
title: test
document: test
effective: {from: "2025-01-01"}
scope: {roles: [physician]}
calendar:
  count_from: next_day
  period_end: next_workday
  {extra_calendar}
deadlines:
  notice:
    article: 第二十六条
    text: 经办机构在作出协议处理后 5 个工作日内……出具处理通知书。
    from: decision
    deadline: "from + 5 workdays"
  delivery:
    article: 第二十六条
    text: 经办机构出具处理通知书后，3 个工作日内送达相关责任人员所在定点医药机构。
    from: notice_issued
    deadline: "from + 3 workdays"
  publication:
    article: 第二十七条
    text: 定点医药机构收到处理通知书后……在 1 个工作日内……
    from: notice_received
    deadline: "from + 1 workday"
  appeal:
    article: 第三十二条
    text: 应在收到处理通知书后10个工作日内，向经办机构提出书面申诉及证明材料。
    from: notice_received
    deadline: "from + 10 workdays"
  verification:
    article: 第三十三条
    text: 原则上，申诉核实工作在收到申诉材料后20个工作日内完成
    from: appeal_received
    deadline: "from + 20 workdays"
  restoration:
    article: 第三十一条
    text: 在收到申请后10个工作日内完成评估
    from: application_received
    deadline: "from + 10 workdays"
  restoration_request:
    article: 第三十一条
    text: 登记备案状态暂停、终止的相关责任人员，可于期满前15个工作日提出资格恢复申请
    from: term_end
    deadline: "from - 15 workdays"
    bound: earliest
  record_update:
    article: 第十七条
    text: 定点医药机构应在 10 个工作日内在动态维护窗口进行信息更新。
    from: employment_ended
    deadline: "from + 10 days"
  commitment:
    article: 第十条
    text: 定点医药机构在签订服务协议后，5个工作日内组织医保相关人员通过签署服务承诺书等作出服务承诺
    from: agreement_signed
    deadline: "from + 5 workdays"
"""


def rulebook(extra_calendar: str = "", deadlines_patch: str = ""):
    text = LIAONING_LIKE.replace("{extra_calendar}", extra_calendar) + deadlines_patch
    return compile_document(load_yaml(textwrap.dedent(text), "test.yaml"))


@pytest.fixture(scope="module")
def liaoning_like():
    return rulebook()


def d(text: str) -> date:
    return date.fromisoformat(text)


# --- Inner Mongolia: its four kinds -----------------------------------------------------------


def test_appeal_pinned_national_day(inner_mongolia):
    # 9-29, 9-30, [10-1..10-8 off], 10-9, 10-10, 10-11 (调休 Sat), 10-13, 14, 15, 16, 17 → 10th.
    result = inner_mongolia.deadline("appeal", "2025-09-28")
    assert result.deadline == d("2025-10-17")
    assert result.rule.legal.article == "第二十五条"


def test_verification_across_national_day(inner_mongolia):
    # From 2025-09-30: 10-9 (1), 10-10, 10-11, 10-13..17 (8), 10-20..24 (13), 10-27..31 (18), 11-3, 11-4 (20).
    assert inner_mongolia.deadline("verification", d("2025-09-30")).deadline == d("2025-11-04")


def test_restoration_across_spring_festival_2025(liaoning_like):
    # Inner Mongolia took effect 2025-03-01, after this Spring Festival: the Liaoning-shaped rulebook.
    # From Fri 2025-01-24: 1-26 (调休 Sun, 1), 1-27 (2), [1-28..2-4 off], 2-5, 2-6, 2-7 (5),
    # 2-8 (调休 Sat, 6), 2-10, 2-11, 2-12, 2-13 (10).
    assert liaoning_like.deadline("restoration", "2025-01-24").deadline == d("2025-02-13")


def test_restoration_across_spring_festival_2026(inner_mongolia):
    # From Fri 2026-02-13: 2-14 (调休 Sat, 1), [2-15..2-23 off], 2-24..2-27 (5), 2-28 (调休 Sat, 6),
    # 3-2, 3-3, 3-4, 3-5 (10).
    assert inner_mongolia.deadline("restoration", "2026-02-13").deadline == d("2026-03-05")


def test_record_update_across_spring_festival_2026(inner_mongolia):
    # From Thu 2026-02-12: 2-13 (1), 2-14 (调休 Sat, 2), [2-15..2-23 off], 2-24..2-27 (6),
    # 2-28 (调休 Sat, 7), 3-2, 3-3, 3-4 (10).
    assert inner_mongolia.deadline("record_update", "2026-02-12").deadline == d("2026-03-04")


def test_appeal_across_national_day_2026(inner_mongolia):
    # From Fri 2026-09-18: 9-20 (调休 Sun, 1), 9-21..9-24 (5), [9-25 中秋 off], 9-28, 9-29, 9-30 (8),
    # [10-1..10-7 off], 10-8 (9), 10-9 (10).
    assert inner_mongolia.deadline("appeal", "2026-09-18").deadline == d("2026-10-09")


def test_inner_mongolia_kinds(inner_mongolia):
    assert list(inner_mongolia.deadlines) == ["appeal", "verification", "restoration", "record_update"]
    assert api.deadline_kinds("inner-mongolia") == ["appeal", "verification", "restoration", "record_update"]


def test_unknown_kind_lists_kinds_with_did_you_mean(inner_mongolia):
    with pytest.raises(DeadlineError) as caught:
        inner_mongolia.deadline("apeal", "2025-09-28")
    message = caught.value.message
    assert "appeal, verification, restoration, record_update" in message and "did you mean 'appeal'" in message
    with pytest.raises(DeadlineError, match="defines no 'notice' deadline"):
        inner_mongolia.deadline("notice", "2025-09-28")


def test_no_data_is_an_error_never_monday_friday(inner_mongolia):
    with pytest.raises(CalendarError, match="no holiday data for 2027; add a calendar override"):
        inner_mongolia.deadline("appeal", "2026-12-28")


def test_api_json_shape():
    result = api.deadline("inner-mongolia", "appeal", "2025-09-28")
    assert {"deadline": "2025-10-17", "kind": "appeal", "article": "第二十五条", "from": "2025-09-28",
            "rulebook": "inner-mongolia"}.items() <= result.items()
    assert "收到处理通知书后 10 个工作日内" in result["text"]


# --- Every kind (Liaoning-shaped), backwards counting, 第二百零三条, overrides ----------------------


def test_notice_delivery_publication_are_three_clocks(liaoning_like):
    # AMBIGUITIES 10: decision Fri 2025-09-26 → notice by 5 working days: 9-28 (调休), 9-29, 9-30, 10-9, 10-10.
    notice = liaoning_like.deadline("notice", "2025-09-26").deadline
    assert notice == d("2025-10-10")
    # issued 10-10 → delivered within 3: 10-11 (调休 Sat), 10-13, 10-14.
    assert liaoning_like.deadline("delivery", notice).deadline == d("2025-10-14")
    # received Tue 9-30 → published within 1 working day: 10-9 (after the holiday).
    assert liaoning_like.deadline("publication", "2025-09-30").deadline == d("2025-10-09")


def test_restoration_request_counts_backwards(liaoning_like):
    # Term ends Mon 2025-10-20; 15 working days before: 10-17..10-13 (5), 10-11 调休 (6), 10-10, 10-9 (8),
    # [10-1..10-8 off], 9-30, 9-29 (10), 9-28 调休 (11), 9-26, 9-25, 9-24, 9-23 (15).
    result = liaoning_like.deadline("restoration_request", "2025-10-20")
    assert result.deadline == d("2025-09-23")
    assert result.rule.bound == "earliest"


def test_restoration_request_across_spring_festival(liaoning_like):
    # Term ends Fri 2025-02-14; back: 2-13..2-10 (4), 2-8 调休 Sat (5), 2-7, 2-6, 2-5 (8), [2-4..1-28 off],
    # 1-27 (9), 1-26 调休 Sun (10), 1-24, 1-23, 1-22, 1-21, 1-20 (15).
    assert liaoning_like.deadline("restoration_request", "2025-02-14").deadline == d("2025-01-20")


def test_every_glossary_kind(liaoning_like):
    from engine.evaluate.deadlines import KINDS

    assert set(liaoning_like.deadlines) == set(KINDS)
    for kind in liaoning_like.deadlines:
        assert liaoning_like.deadline(kind, "2025-06-03").deadline is not None


def test_article_203_moves_a_day_count_off_a_holiday(liaoning_like):
    # 10 calendar days after Sun 2025-09-21 is Wed 10-1, a holiday → runs to 10-9 (民法典 第二百零三条).
    result = liaoning_like.deadline("record_update", "2025-09-21")
    assert result.computed == d("2025-10-01")
    assert result.deadline == d("2025-10-09")
    assert any("第二百零三条" in note for note in result.notes)


def test_article_203_off():
    text = LIAONING_LIKE.replace("period_end: next_workday", "period_end: as_computed").replace("{extra_calendar}", "")
    as_computed = compile_document(load_yaml(textwrap.dedent(text), "t.yaml"))
    assert as_computed.deadline("record_update", "2025-09-21").deadline == d("2025-10-01")


def test_same_day_convention():
    text = LIAONING_LIKE.replace("count_from: next_day", "count_from: same_day").replace("{extra_calendar}", "")
    same_day = compile_document(load_yaml(textwrap.dedent(text), "t.yaml"))
    # 2025-09-28 is a 调休 working day and now counts: the 10th working day is 10-16.
    assert same_day.deadline("appeal", "2025-09-28").deadline == d("2025-10-16")


def test_local_override_moves_the_deadline():
    rb = rulebook('overrides: {"2025-10-09": holiday}')
    # 10-9 no longer counts: 9-29, 9-30, 10-10, 10-11, 10-13..10-17 (9), 10-20 (10).
    assert rb.deadline("appeal", "2025-09-28").deadline == d("2025-10-20")
    assert rb.calendar.is_workday(d("2025-10-09")) is False


def test_complete_year_supplies_missing_data():
    rb = rulebook('overrides: {"2027-01-01": holiday}\n  complete_years: [2027]')
    # 12-29, 12-30, 12-31 (3), [2027-01-01 off], 1-4..1-8 (8), 1-11, 1-12 (10).
    assert rb.deadline("appeal", "2026-12-28").deadline == d("2027-01-12")


def test_dsl_expressions_use_the_rulebook_calendar():
    # The override reaches every compiled expression of the rulebook, not only deadlines.
    rb = rulebook('overrides: {"2025-10-09": holiday}')
    expression = rb.deadlines["appeal"].expression
    assert expression.fn({"from": d("2025-09-28")}) == d("2025-10-20")


@pytest.mark.parametrize("patch, needle", [
    ("  notise:\n    article: x\n    text: x\n    from: decision\n    deadline: \"from + 1 workday\"\n", "notise"),
    ("  notice:\n    article: x\n    text: x\n    from: decision\n    deadline: \"from + 1\"\n", "cannot apply"),
])
def test_bad_deadline_sections_are_located_errors(patch, needle):
    text = textwrap.dedent(LIAONING_LIKE.replace("{extra_calendar}", "")).split("deadlines:")[0] + "deadlines:\n" + patch
    with pytest.raises(YibaoError) as caught:
        compile_document(load_yaml(text, "bad.yaml"))
    assert needle in str(caught.value)
    assert caught.value.location.line is not None


def test_bad_override_value_is_a_schema_error():
    with pytest.raises(SchemaError, match="workday"):
        rulebook('overrides: {"2025-10-09": day_off}')


# --- CLI ------------------------------------------------------------------------------------------


def yibao(*args):
    return subprocess.run([sys.executable, "-m", "engine", *args], capture_output=True, text=True, cwd=ROOT, timeout=60)


def test_cli_deadline_text_and_json():
    run = yibao("deadline", "inner-mongolia", "appeal", "2025-09-28")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == "2025-10-17"
    assert "第二十五条" in run.stdout
    run = yibao("deadline", "inner-mongolia", "appeal", "2025-09-28", "--json")
    data = json.loads(run.stdout)
    assert (data["deadline"], data["kind"], data["article"]) == ("2025-10-17", "appeal", "第二十五条")


def test_cli_deadline_errors_exit_2():
    run = yibao("deadline", "inner-mongolia", "restorasion", "2025-09-28")
    assert run.returncode == 2 and run.stdout == ""
    assert "did you mean 'restoration'" in run.stderr and len(run.stderr.strip().splitlines()) == 1
    run = yibao("deadline", "inner-mongolia", "appeal", "2027-03-01")
    assert run.returncode == 2 and "no holiday data for 2027; add a calendar override" in run.stderr


def test_from_date_before_the_rulebook_took_effect(inner_mongolia):
    with pytest.raises(DeadlineError, match="before inner-mongolia took effect on 2025-03-01"):
        inner_mongolia.deadline("appeal", "2025-02-28")


# --- Properties: backwards mirrors forwards ---------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from engine.base.calendar import RulebookCalendar, WorkCalendar, Duration, subtract_workdays  # noqa: E402

_CAL = WorkCalendar()
_days = st.dates(min_value=date(2024, 1, 10), max_value=date(2026, 11, 15))  # + 25 workdays stays in 2026 (holiday data)


@settings(max_examples=300, deadline=None)
@given(_days, st.integers(1, 25))
def test_backwards_mirrors_forwards(day, n):
    later = _CAL.add_workdays(day, n)
    assert _CAL.is_workday(later) and _CAL.workdays_between(day, later) == n
    back = subtract_workdays(_CAL, later, n)
    assert _CAL.is_workday(back) and back <= day
    # back is the first working day from which `later` is the n-th: day itself when it is one
    assert back == day if _CAL.is_workday(day) else _CAL.add_workdays(back, n) == later


@settings(max_examples=200, deadline=None)
@given(_days, st.integers(1, 25))
def test_shift_signs(day, n):
    spec = RulebookCalendar(_CAL)
    assert spec.shift(day, Duration(n, "workdays"), 1) == _CAL.add_workdays(day, n)
    assert spec.shift(day, Duration(n, "workdays"), -1) == subtract_workdays(_CAL, day, n)
    assert spec.shift(day, Duration(n, "days"), -1) == day - (date(2000, 1, 1 + n) - date(2000, 1, 1))
