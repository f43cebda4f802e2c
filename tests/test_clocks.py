"""The working-day clocks of a case (result ``clocks``, appeal exceptions, notice dates): reading,
errors located, clocks the calendar cannot count, and the result schema. Dates are counted by hand
on the State Council schedules (see tests/test_deadlines.py for the holidays used)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from engine import api, load_rulebook
from engine.base.holidays import ENV_VAR, use_calendar_file
from engine.base.schemas import load_schema
from engine.errors import CalendarError, CaseError
from engine.officer.golden import golden_files

ROOT = Path(__file__).resolve().parent.parent


def case(rulebook: str, *events: dict, as_of: str = "2025-12-31") -> dict:
    return {"rulebook": rulebook, "as_of": as_of, "person": {"id": "P", "role": "physician"}, "events": list(events)}


def score(day: str, **extra) -> dict:
    return {"kind": "score", "date": day, "situation": "22.1", "responsibility": "primary", **extra}


@pytest.fixture(autouse=True)
def bundled_schedules(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    use_calendar_file(None)
    yield
    use_calendar_file(None)


# --- The result follows its schema ----------------------------------------------------------------


CLOCK_GOLDENS = [p for p in golden_files() if "clocks:" in p.read_text(encoding="utf-8")
                 or "exceptions:" in p.read_text(encoding="utf-8")]


@pytest.mark.parametrize("path", CLOCK_GOLDENS, ids=[f"{p.parent.name}/{p.stem}" for p in CLOCK_GOLDENS])
def test_results_with_clocks_follow_the_result_schema(path):
    from engine.base.documents import load_yaml_file

    data = load_yaml_file(str(path)).data
    result = load_rulebook(data["case"]["rulebook"]).evaluate(data["case"])
    jsonschema.validate(json.loads(json.dumps(result)), load_schema("result"))


def test_there_are_clock_goldens_in_every_jurisdiction_with_clocks():
    folders = {p.parent.name for p in CLOCK_GOLDENS}
    assert {"liaoning", "jining", "inner-mongolia", "hainan"} <= folders


# --- Case dates are checked in order, each error located -------------------------------------------


@pytest.mark.parametrize("extra, field, words", [
    ({"notice_issued": "2025-09-25"}, "events[0].notice_issued", "cannot be issued on 2025-09-25"),
    ({"decision_received": "2025-09-20"}, "events[0].decision_received", "cannot reach the agency"),
    ({"decision_received": "2025-10-01", "notice_issued": "2025-09-30"}, "events[0].notice_issued",
     "decision dated 2025-10-01"),
    ({"notice_issued": "2025-10-10", "notice_received": "2025-10-09"}, "events[0].notice_received",
     "issued 2025-10-10 cannot be received on 2025-10-09"),
    ({"notice_issued": "2025-13-01"}, "events[0].notice_issued", "is not a date"),
])
def test_notice_dates_out_of_order_are_located_errors(extra, field, words):
    with pytest.raises(CaseError) as caught:
        load_rulebook("liaoning").evaluate(case("liaoning", score("2025-09-26", **extra)))
    assert caught.value.location.field == field and words in caught.value.message


def test_unknown_appeal_exception_is_located_with_a_suggestion():
    ledger = case("liaoning", score("2025-09-26", notice_received="2025-09-30"),
                  {"kind": "appeal", "date": "2025-10-20", "contests": 0, "exceptions": ["expert_assesment"]})
    with pytest.raises(CaseError) as caught:
        load_rulebook("liaoning").evaluate(ledger)
    error = caught.value
    assert error.location.field == "events[1].exceptions[0]"
    assert error.suggestion == "expert_assessment" and "it writes: expert_assessment" in error.message


def test_a_rulebook_without_exceptions_refuses_one():
    ledger = case("inner-mongolia", {"kind": "score", "date": "2025-09-26", "situation": "18.3.1",
                                     "responsibility": "primary", "notice_received": "2025-09-28"},
                  {"kind": "appeal", "date": "2025-10-09", "contests": 0, "exceptions": ["expert_assessment"]})
    with pytest.raises(CaseError, match="inner-mongolia's appeal clocks .*it writes: none"):
        load_rulebook("inner-mongolia").evaluate(ledger)


# --- Clocks the calendar cannot count: reported, not guessed; the legal result still stands ---------


def test_a_clock_after_the_rulebook_ceased_has_no_due_date_and_a_warning():
    # 辽宁 试行期 2 年 (第三十五条): in force until 2027-02-28. A single 12 on 2025-05-20 bans until 2028-05-20:
    # the 期满前15个工作日 clock runs from a day after the rulebook ceased to apply.
    result = load_rulebook("liaoning").evaluate(case("liaoning", {"kind": "score", "date": "2025-05-20",
                                                                 "situation": "23.3", "responsibility": "primary"}))
    clock = result["clocks"][-1]
    assert clock["kind"] == "restoration_request" and clock["from"] == "2028-05-20" and clock["due"] is None
    assert "ceased to apply on 2027-02-28" in clock["reason"]
    assert any("clock restoration_request" in warning for warning in result["warnings"])
    assert result["status"]["state"] == "terminated"


def test_a_clock_into_a_year_without_holiday_data(tmp_path):
    # Notice received Mon 2026-12-21: the 10 working days of 第三十二条 run into 2027 (no schedule yet).
    ledger = case("liaoning", score("2026-12-14", notice_received="2026-12-21"), as_of="2026-12-31")
    result = load_rulebook("liaoning").evaluate(ledger)
    appeal = next(c for c in result["clocks"] if c["kind"] == "appeal")
    assert appeal["due"] is None and appeal["reason"].startswith("no holiday data for 2027")
    assert result["decisions"][0]["action"] == "suspend"
    # An appeal whose timeliness needs 2027 decides a legal result: that is an error, not a guess.
    ledger["events"].append({"kind": "appeal", "date": "2027-01-05", "contests": 0})
    with pytest.raises(CalendarError, match="no holiday data for 2027"):
        load_rulebook("liaoning").evaluate(ledger)
    # With a schedule file that has the year (FICTITIOUS, a test fixture) the clock is counted:
    # 12-22(1) … 12-25(4) 12-28 … 12-31(8), [fixture: 2027-01-01 off], 1-4(9), 1-5(10).
    fixture = tmp_path / "fixture.yaml"
    fixture.write_text(textwrap.dedent("""\
        years:
          2027:
            notice: 测试用虚构年份（TEST FIXTURE，并非国务院办公厅通知）
            document: TEST-FIXTURE-2027
            festivals:
              - {festival: 元旦, holidays: "2027-01-01"}
        """), encoding="utf-8")
    use_calendar_file(str(fixture))
    result = load_rulebook("liaoning").evaluate(ledger)
    assert result["appeals"][0]["deadline"] == "2027-01-05" and result["appeals"][0]["timely"] is True


# --- yibao deadline --except ------------------------------------------------------------------------


def yibao(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "engine", *args], capture_output=True, text=True, cwd=ROOT, timeout=60)


def test_cli_deadline_with_the_exception_of_article_33():
    run = yibao("deadline", "liaoning", "verification", "2025-10-20", "--except", "expert_assessment")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == "no deadline" and "需第三方专业机构或专家评估鉴定的除外" in run.stdout
    data = json.loads(yibao("deadline", "liaoning", "verification", "2025-10-20", "--except", "expert_assessment",
                            "--json").stdout)
    assert data["deadline"] is None and data["exception"]["article"] == "第三十三条"
    run = yibao("deadline", "liaoning", "appeal", "2025-10-20", "--except", "expert_assessment")
    assert run.returncode == 2 and run.stdout == "" and len(run.stderr.strip().splitlines()) == 1
    assert "not an exception of liaoning's appeal deadline" in run.stderr


def test_api_deadline_exceptions_and_kinds_per_rulebook():
    assert api.deadline("liaoning", "verification", "2025-10-20", ["expert_assessment"])["deadline"] is None
    assert api.deadline("liaoning", "verification", "2025-10-20")["exceptions"] == ["expert_assessment"]
    assert api.deadline_kinds("liaoning") == ["commitment", "record_update", "notice", "delivery", "publication",
                                              "appeal", "verification", "restoration_request", "restoration"]
    assert api.deadline_kinds("jining") == ["appeal"]
    assert api.deadline_kinds("hainan") == []
    assert load_rulebook("jining").deadline("appeal", date(2025, 9, 28)).deadline == date(2025, 10, 17)
