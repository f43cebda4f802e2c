"""The officer's workbench (issue 15): its work without the web, then end to end in a real browser."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from engine.workbench.app import create_app
from engine.workbench.bench import Workbench
from engine.workbench.yamledit import set_value
from tests.browser import browser, free_port, server, yibao_command

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def folders(tmp_path):
    """A copy of the rulebooks and of the golden cases: the workbench never touches the project's."""
    rulebooks = tmp_path / "rulebooks"
    golden = tmp_path / "tests" / "golden"
    shutil.copytree(ROOT / "rulebooks", rulebooks)
    shutil.copytree(ROOT / "tests" / "golden", golden)
    return rulebooks, golden


# -- editing YAML in place ---------------------------------------------------------------------------------

@pytest.mark.parametrize("rid", ["inner-mongolia", "hainan", "national"])
def test_a_form_edit_changes_one_value_and_nothing_else(rid):
    text = (ROOT / "rulebooks" / f"{rid}.yaml").read_text(encoding="utf-8")
    import yaml

    data = yaml.safe_load(text)
    first = next(iter(data["parameters"]))
    edited = set_value(text, ["parameters", first, "note_zh"], "中文：读作 A")
    assert edited.count("\n") == text.count("\n") + 1  # one line added, every other line as written
    assert [line for line in edited.splitlines() if line not in text.splitlines()] == ["    note_zh: 中文：读作 A"]
    edited = set_value(text, ["consequences", "rules", 0, "text"], "新的原文: 第一句")
    changed = [(a, b) for a, b in zip(text.splitlines(), edited.splitlines()) if a != b]
    assert len(changed) <= 3 and yaml.safe_load(edited)["consequences"]["rules"][0]["text"] == "新的原文: 第一句"


def test_a_block_sentence_keeps_its_style_and_the_next_key():
    text = "a:\n  text: >-\n    one\n    two\n  next: 1  # kept\n"
    assert set_value(text, ["a", "text"], "three") == "a:\n  text: >-\n    three\n  next: 1  # kept\n"
    assert set_value(text, ["a", "next"], 2) == "a:\n  text: >-\n    one\n    two\n  next: 2  # kept\n"


# -- the API behind the page ---------------------------------------------------------------------------------

def test_the_api_lists_edits_evaluates_and_saves_without_half_written_files(folders):
    rulebooks, golden = folders
    client = TestClient(create_app(Workbench(rulebooks, golden)), base_url="http://127.0.0.1")
    listing = client.get("/api/rulebooks").json()["rulebooks"]
    hainan = next(row for row in listing if row["id"] == "hainan")
    assert hainan["errors"] == 0 and hainan["golden"]["failed"] == 0 and hainan["golden"]["passed"] >= 46
    opened = client.get("/api/rulebooks/hainan").json()
    text = opened["text"]
    assert opened["golden"]["failed"] == 0 and opened["diff"] == [] and not opened["changed"]
    edited = client.post("/api/rulebooks/hainan/edit", json={"text": text, "path": ["consequences", "rules", 1, "months"],
                                                             "value": 3}).json()["text"]
    live = client.post("/api/rulebooks/hainan/evaluate", json={"text": edited}).json()
    assert live["golden"]["failed"] > 0
    assert {"section": "consequences", "path": "consequence.suspend-9.months", "change": "changed", "a": 2,
            "b": 3} in live["diff"]
    assert any(row["changed"] for row in live["examples"])
    assert [w["field"] for w in live["text_warnings"]] == ["months"]  # 2 个月 in the sentence, 3 encoded
    broken = edited.replace('when: "year_total >= 9"', 'when: "year_totl >= 9"')
    live = client.post("/api/rulebooks/hainan/evaluate", json={"text": broken}).json()
    assert live["errors"][0]["line"] and "year_totl" in live["errors"][0]["message"] and live["golden"] is None
    refused = client.post("/api/rulebooks/hainan/save", json={"text": broken}).json()
    assert not refused["saved"] and (rulebooks / "hainan.yaml").read_text(encoding="utf-8") == text
    assert client.post("/api/rulebooks/hainan/save", json={"text": edited}).json()["saved"]
    assert (rulebooks / "hainan.yaml").read_text(encoding="utf-8") == edited
    assert not [p for p in rulebooks.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_bad_requests_are_located_errors_and_other_hosts_are_refused(folders):
    rulebooks, golden = folders
    client = TestClient(create_app(Workbench(rulebooks, golden)), base_url="http://127.0.0.1")
    response = client.get("/api/rulebooks/hainan.yaml")
    assert response.status_code == 404 and "did you mean 'hainan'" in response.json()["error"]["message"]
    with pytest.raises(Exception, match="unknown rulebook"):
        Workbench(rulebooks, golden).path_of("../rulebooks/hainan")  # an id, never a path
    text = (rulebooks / "hainan.yaml").read_text(encoding="utf-8")
    response = client.post("/api/rulebooks/hainan/edit", json={"text": text, "path": ["nowhere", "deep"], "value": 1})
    assert response.status_code == 422 and response.json()["error"]["field"] == "path"
    assert client.post("/api/rulebooks/hainan/save", content="text=x",
                       headers={"content-type": "application/x-www-form-urlencoded"}).status_code == 422
    evil = TestClient(create_app(Workbench(rulebooks, golden)), base_url="http://evil.example")
    assert evil.get("/api/rulebooks").status_code == 400


def test_a_tried_case_becomes_a_golden_case_to_fill_in(folders):
    rulebooks, golden = folders
    bench = Workbench(rulebooks, golden)
    text = (rulebooks / "hainan.yaml").read_text(encoding="utf-8")
    case = "as_of: 2025-12-31\nperson: {id: P1, role: physician}\nevents:\n  - {kind: score, date: 2025-05-10, situation: \"21.3.2\", responsibility: primary}\n"
    tried = bench.try_case("hainan", text, case)
    assert tried["error"] is None and tried["result"]["decisions"][0]["months"] == 2
    written = Path(bench.new_golden("hainan", case, "200-tried-in-the-workbench", "九分 → 暂停2个月")["file"])
    assert written.parent == golden / "hainan"
    from engine.officer.golden import run_golden

    outcome = run_golden(written)
    assert not outcome.passed and outcome.problem is None  # FILL_IN: fails until derived by hand
    with pytest.raises(Exception, match="exists already"):
        bench.new_golden("hainan", case, "200-tried-in-the-workbench", "again")


def test_concurrent_saves_leave_one_whole_file(folders):
    rulebooks, golden = folders
    bench = Workbench(rulebooks, golden)
    text = (rulebooks / "hainan.yaml").read_text(encoding="utf-8")
    versions = [text.replace("# Source: shared/seeds/004.", f"# Source: shared/seeds/004. v{i}") for i in range(6)]
    threads = [threading.Thread(target=bench.save, args=("hainan", v)) for v in versions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (rulebooks / "hainan.yaml").read_text(encoding="utf-8") in versions


# -- end to end, in chromium --------------------------------------------------------------------------

def test_the_officer_edits_sees_a_case_turn_red_undoes_and_saves(folders, tmp_path):
    """Open a rulebook, change a threshold, see a golden case turn red, undo, save; the file keeps its comments."""
    rulebooks, golden = folders
    original = (rulebooks / "hainan.yaml").read_text(encoding="utf-8")
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    command = yibao_command("workbench", "--rulebooks", str(rulebooks), "--golden", str(golden), "--port", str(port))
    with server(command, url + "api/rulebooks", ROOT), browser(tmp_path) as page:
        problems = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("requestfailed", lambda request: problems.append(request.url))
        page.goto(url)
        row = page.locator("#rulebooks tr[data-id=hainan]")
        row.wait_for()
        assert "通过" in row.inner_text() and "0 失败" in row.locator("td.golden").inner_text()
        row.click()
        page.wait_for_selector("#golden-failed")
        assert page.inner_text("#golden-failed").startswith("0 ")
        nine = 'details.case.fail[data-case="tests/golden/hainan/004-nine-points-suspend-2-months.yaml"]'
        assert page.locator(nine).count() == 0

        threshold = page.locator('[data-path="consequences.rules.1.when"]')  # suspend-9: year_total >= 9
        threshold.fill("10")
        threshold.dispatch_event("change")
        page.wait_for_selector(nine)  # the nine-point case turns red
        assert not page.inner_text("#golden-failed").startswith("0 ")
        page.locator(nine + " summary").click()
        case = page.inner_text(nine)
        assert "decisions[0].months" in case or "decisions[0].action" in case
        assert "第二十四条" in case  # the trace cites the articles
        assert "year_total >= 10" in page.inner_text("#live-diff")
        assert page.is_visible("#dirty")

        page.click("#undo")
        page.wait_for_function("document.querySelector('#golden-failed').textContent.trim().startsWith('0 ')")
        assert page.locator(nine).count() == 0 and not page.is_visible("#dirty")

        reading = page.locator('[data-path="parameters.study_trigger.interpretation_zh"]')
        reading.fill(NEW_READING)
        reading.dispatch_event("change")
        page.wait_for_selector("#dirty", state="visible")
        page.wait_for_function("document.querySelector('#golden-failed').textContent.trim().startsWith('0 ')")
        page.click("#save")
        page.wait_for_selector("#save-message:has-text('已保存')")
        assert problems == []

    import difflib

    import yaml

    saved = (rulebooks / "hainan.yaml").read_text(encoding="utf-8")
    expected = yaml.safe_load(original)
    expected["parameters"]["study_trigger"]["interpretation_zh"] = NEW_READING
    assert yaml.safe_load(saved) == expected  # the one value changed, nothing else
    assert [line for line in original.splitlines() if line.lstrip().startswith("#")] == \
        [line for line in saved.splitlines() if line.lstrip().startswith("#")]  # every comment kept, in order
    changed = [line for line in difflib.unified_diff(original.splitlines(), saved.splitlines(), lineterm="", n=0)
               if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    old_block = ["-    interpretation_zh: |-"] + ["-      " + line for line in
                                                      expected_old_reading(original).splitlines()]
    assert changed == old_block + ["+    interpretation_zh: >-", "+      " + NEW_READING], changed


def expected_old_reading(text):
    import yaml

    return yaml.safe_load(text)["parameters"]["study_trigger"]["interpretation_zh"]


NEW_READING = "“8分（含）以下”的学习措施适用于使年度累计为 1 至 8 分的每一次记分决定。"


# -- an invariant: a form edit changes exactly the value it names ------------------------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402

SCALARS = st.one_of(st.integers(min_value=-10**6, max_value=10**6), st.booleans(),
                    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40),
                    st.sampled_from(["a: b", "# not a comment", "'quoted'", '"dq"', "- dash", "yes", "null", "12", "",
                                     " lead", "trail ", "one\ntwo", "x\n\ny\n", "中文：冒号", "[x]", "{y}", "&anchor", "*alias", "%", "@", "`code`"]))
PLACES = [["parameters", "study_trigger", "value"], ["consequences", "rules", 1, "months"],
          ["consequences", "rules", 1, "when"], ["scoring", "tiers", 0, "points", "important"],
          ["scoring", "tiers", 0, "text"], ["parameters", "study_trigger", "interpretation"],
          ["parameters", "study_trigger", "interpretation_zh"], ["parameters", "study_trigger", "new_key"]]
HAINAN = (ROOT / "rulebooks" / "hainan.yaml").read_text(encoding="utf-8")


@settings(max_examples=60, deadline=None)
@given(value=SCALARS, place=st.sampled_from(PLACES))
def test_set_value_changes_exactly_the_named_value_and_keeps_every_comment(value, place):
    import copy

    from engine.base.documents import load_yaml

    edited = set_value(HAINAN, place, value)
    expected = copy.deepcopy(load_yaml(HAINAN).data)
    node = expected
    for key in place[:-1]:
        node = node[key]
    node[place[-1]] = value
    assert load_yaml(edited).data == expected
    comments = [line for line in HAINAN.splitlines() if line.lstrip().startswith("#")]
    assert [line for line in edited.splitlines() if line.lstrip().startswith("#") and line in comments] == comments
