"""The documentation site: generated from the rulebooks, built strictly, its tables checked against the engine.

The build uses every rulebook under rulebooks/ plus the fictional tests/data/rulebooks/sample-county.yaml
(via YIBAO_RULEBOOKS), so the comparison tables have at least two columns whatever is on main.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
import html
import os
import shutil
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Dict, Optional

import pytest

import engine
from engine.officer.docsgen import GENERATED, generate
from engine.officer.docsgen import compare as compare_mod
from engine.officer.docsgen import pages

ROOT = Path(__file__).resolve().parent.parent
TEST_RULEBOOKS = ROOT / "tests" / "data" / "rulebooks"

mkdocs = pytest.importorskip("mkdocs", reason="mkdocs is in the test extra")


@pytest.fixture(scope="module")
def with_test_rulebooks():
    old = os.environ.get("YIBAO_RULEBOOKS")
    os.environ["YIBAO_RULEBOOKS"] = str(TEST_RULEBOOKS) + (os.pathsep + old if old else "")
    yield engine.list_rulebooks()
    if old is None:
        del os.environ["YIBAO_RULEBOOKS"]
    else:
        os.environ["YIBAO_RULEBOOKS"] = old


@pytest.fixture(scope="module")
def site(tmp_path_factory, with_test_rulebooks):
    """Hand-written docs + generated pages, built with mkdocs --strict into a temporary folder."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    started = time.monotonic()
    base = tmp_path_factory.mktemp("site")
    docs = base / "docs"
    shutil.copytree(ROOT / "docs", docs, ignore=shutil.ignore_patterns(*GENERATED))
    written = generate(docs)
    config = load_config(str(ROOT / "mkdocs.yml"), docs_dir=str(docs), site_dir=str(base / "site"), strict=True)
    build(config)  # strict: any warning (broken link, missing page) raises
    elapsed = time.monotonic() - started
    return {"docs": docs, "site": base / "site", "written": written, "ids": with_test_rulebooks, "elapsed": elapsed}


class Cells(HTMLParser):
    """Collects the cells of <table class="compare"> tables: {topic: {row: {rulebook: data-value}}}."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: Dict[str, Dict[str, Dict[str, str]]] = {}
        self.topic: Optional[str] = None
        self.row: Optional[str] = None
        self.differs: Dict[str, set] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and "data-topic" in a:
            self.topic = a["data-topic"]
            self.tables[self.topic] = {}
            self.differs[self.topic] = set()
        elif tag == "tr" and self.topic and "data-row" in a:
            self.row = a["data-row"]
            self.tables[self.topic][self.row] = {}
            if "differs" in (a.get("class") or ""):
                self.differs[self.topic].add(self.row)
        elif tag == "td" and self.topic and self.row and "data-rulebook" in a:
            self.tables[self.topic][self.row][a["data-rulebook"]] = a.get("data-value", "")

    def handle_endtag(self, tag):
        if tag == "table":
            self.topic = None


def parse(path: Path) -> Cells:
    parser = Cells()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


# -- the build ----------------------------------------------------------------------------------------

def test_build_is_strict_fast_and_has_two_columns(site):
    assert {"inner-mongolia", "sample-county"} <= set(site["ids"])
    assert site["elapsed"] < 30, f"docs build took {site['elapsed']:.1f}s"


def test_every_rulebook_has_its_page(site):
    for rid in site["ids"]:
        page = site["site"] / "rulebooks" / f"{rid}.html"
        assert page.is_file(), f"no page for {rid}"
        text = page.read_text(encoding="utf-8")
        rb = engine.load_rulebook(rid)
        assert html.escape(rb.document) in text
        for code in rb.situations:  # every situation is on the page, with its original text
            assert f'id="situation-{html.escape(code)}"' in text
            assert html.escape(rb.situations[code].legal.text.split("，")[0][:10]) in text
        index = (site["site"] / "rulebooks" / "index.html").read_text(encoding="utf-8")
        assert f'href="{rid}.html"' in index


def test_rulebook_page_puts_each_rule_beside_its_law(site):
    text = (site["site"] / "rulebooks" / "inner-mongolia.html").read_text(encoding="utf-8")
    rb = engine.load_rulebook("inner-mongolia")
    for rule in rb.consequences:
        row = text[text.index(f"<code>{rule.id}</code>"):]
        row = row[:row.index("</tr>")]
        assert rule.legal.article in row and rule.legal.text[:12] in row
        assert "when:" in row  # the rule as the engine reads it
    for parameter in rb.parameters.values():  # the readings the engine chose
        assert parameter.id in text
    assert "第二十二条" in text and "第九条（二）" in text  # repair and settlement sections


def _expected_label(decision: Optional[dict]) -> str:
    """The cell text for an engine decision, derived here independently of the generator's labels."""
    if decision is None or decision["action"] == "none":
        return "—"
    if decision["action"] == "warn":
        return "提醒 warn"
    if decision["action"] == "suspend":
        months = decision["months"] if decision["months"] is not None else f"{decision['months_min']}-{decision['months_max']}"
        return f"暂停 {months} 个月 suspend {months} mo"
    ban = decision["ban_years"]
    if ban is None:  # a range, e.g. 1-2 years
        low, high = decision.get("ban_years_min"), decision.get("ban_years_max")
        ban = f"{low}-{high}" if low != high else low
    return f"终止 terminate, 禁 {ban} 年 ban {ban} y"


def _single_case(rb, points: int) -> Optional[dict]:
    """A case with one score event of ``points``, built from the rulebook's tier table (no discretion)."""
    for number in sorted(rb.tiers):
        for situation in rb.tiers[number].situations:
            table = situation.points if hasattr(situation.points, "items") else {"general": situation.points}
            for level, value in table.items():
                if value == points:
                    day = rb.effective_from
                    return {"rulebook": rb.id, "as_of": day.isoformat(), "person": {"id": "T", "role": rb.roles[0]},
                            "events": [{"kind": "score", "date": day.isoformat(), "situation": situation.code,
                                        "responsibility": level}]}
    return None


def test_single_event_table_cells_are_the_engines_evaluation(site):
    cells = parse(site["site"] / "compare" / "index.html")
    table = cells.tables["consequences-single"]
    checked = 0
    for rid in site["ids"]:
        rb = engine.load_rulebook(rid)
        if rb.discretion_points != "fixed":
            continue
        for n in range(1, 13):
            case = _single_case(rb, n)
            if case is None:
                continue
            decision = rb.evaluate(case)["decisions"][-1]
            assert table[str(n)][rid] == _expected_label(decision), (rid, n)
            checked += 1
    assert checked >= 24


def test_cumulative_table_cells_are_the_engines_evaluation(site):
    """Year totals reached by 1-point events (where a rulebook has them), evaluated here by the engine."""
    import datetime as dt

    cells = parse(site["site"] / "compare" / "index.html")
    table = cells.tables["consequences-cumulative"]
    for rid in site["ids"]:
        rb = engine.load_rulebook(rid)
        one = _single_case(rb, 1)
        if one is None:
            continue
        event = one["events"][0]
        start = rb.effective_from  # 12 days later must still be the same natural year
        if start.month == 12 and start.day > 19:
            start = dt.date(start.year + 1, 1, 5)
        for n in range(1, 13):
            events = [{**event, "date": (start + dt.timedelta(days=i)).isoformat()} for i in range(n)]
            case = {**one, "as_of": events[-1]["date"], "events": events}
            decision = rb.evaluate(case)["decisions"][-1]
            assert table[str(n)][rid] == _expected_label(decision), (rid, n)


def test_inner_mongolia_cells_match_the_legal_text(site):
    """Hand-derived from 内医保发〔2025〕7号 第十九条: the table says what the law says."""
    cells = parse(site["site"] / "compare" / "index.html")
    single = cells.tables["consequences-single"]
    cumulative = cells.tables["consequences-cumulative"]
    assert cumulative["2"]["inner-mongolia"] == "—"
    assert cumulative["3"]["inner-mongolia"] == "提醒 warn"                        # 第十九条（一）累计达到3分
    assert cumulative["9"]["inner-mongolia"] == "暂停 1 个月 suspend 1 mo"          # 累计达到9分，暂停1个月
    assert single["9"]["inner-mongolia"] == "暂停 2 个月 suspend 2 mo"              # 单次记分达到9分，暂停2个月
    assert cumulative["11"]["inner-mongolia"] == "暂停 5 个月 suspend 5 mo"
    assert single["11"]["inner-mongolia"] == "暂停 6 个月 suspend 6 mo"
    assert cumulative["12"]["inner-mongolia"] == "终止 terminate, 禁 1 年 ban 1 y"   # 第十九条（三）
    assert single["12"]["inner-mongolia"] == "终止 terminate, 禁 3 年 ban 3 y"       # 第十九条（四）
    # and the fictional county differs where its text differs (warning at 4, single 9 → 3 months)
    assert "3" in cells.differs["consequences-cumulative"] and "9" in cells.differs["consequences-single"]


def test_settlement_and_scope_tables(site):
    cells = parse(site["site"] / "compare" / "index.html")
    settlement = cells.tables["settlement"]
    assert settlement["suspended-emergency"]["inner-mongolia"].startswith("✔")  # 第九条（二）急诊、抢救除外
    assert settlement["terminated-emergency"]["inner-mongolia"].startswith("✔")
    assert settlement["terminated-emergency"]["sample-county"].startswith("✘")
    assert "terminated-emergency" in cells.differs["settlement"]
    scope = cells.tables["scope"]
    assert scope["billing_reviewer"]["inner-mongolia"] == "yes" and scope["billing_reviewer"]["sample-county"] == "no"
    assert "repair" in cells.tables and "effective" in cells.tables and "thresholds" in cells.tables


def test_one_case_every_province_matches_the_engine(site):
    cells = parse(site["site"] / "compare" / "one-case.html")
    examples = compare_mod.load_examples([ROOT / "docs" / "examples"])
    assert examples
    for example in examples:
        table = cells.tables[f"example-{example.path.stem}"]
        for rid in site["ids"]:
            rb = engine.load_rulebook(rid)
            case, _ = compare_mod.adapt(example, rb)
            try:
                result = rb.evaluate(case)
            except engine.YibaoError:
                assert table["status"][rid] == "n/a"
                continue
            assert table["status"][rid].startswith(result["status"]["state"]), (example.path.name, rid)
            assert table["decisions"][rid].count("pts") == len(result["decisions"])


def test_chart_is_svg_with_one_line_per_rulebook(site):
    for kind in ("cumulative", "single"):
        svg = site["docs"] / "compare" / f"suspension-{kind}.svg"
        root = ET.parse(svg).getroot()
        lines = [p for p in root.findall("{http://www.w3.org/2000/svg}path") if p.get("class") == "series"]
        assert len(lines) == len(site["ids"])  # every jurisdiction is a line, none only dots
        bands = {p.get("data-series") for p in root.findall("{http://www.w3.org/2000/svg}polygon")}
        assert any("(national)" in name for name in bands)  # 暂停 1-6 个月 is a band, not its minimum
        if kind == "single":  # 济宁's classes leave totals it cannot reach: bridged, not lone dots
            bridges = {p.get("data-series") for p in root.findall("{http://www.w3.org/2000/svg}path")
                       if p.get("class") == "bridge"}
            assert any("(jining)" in name for name in bridges)
        assert all("http" not in (p.get("href") or "") for p in root.iter())  # nothing fetched from a network
    html = (site["site"] / "compare" / "index.html").read_text(encoding="utf-8")
    assert "suspension-cumulative.svg" in html
    assert (site["site"] / "compare" / "suspension-cumulative.svg").is_file()


# -- sections other helpers add (deadlines:, attribution:) render without code changes ------------------

def test_unknown_sections_render_generically(with_test_rulebooks):
    rb = engine.load_rulebook("sample-county")
    raw = dict(rb.raw)
    raw["deadlines"] = {"appeal": {"article": "第二十条", "text": "收到通知之日起5个工作日内提出异议。", "days": 5, "unit": "workdays"}}
    raw["attribution"] = {"article": "附件", "text": "责任认定规则。",
                          "rules": [{"id": "head-of-department", "article": "附件（一）", "text": "科室负责人…", "level": "important"}]}
    fake = dataclasses.replace(rb, raw=raw)
    page = pages.rulebook_page(fake)
    assert "## 期限 Deadlines" in page and "收到通知之日起5个工作日内提出异议" in page and "days: 5" in page
    assert "## 责任认定 Attribution" in page and "head-of-department" in page
    listed = dataclasses.replace(rb, raw={**raw, "deadlines": [{"kind": "appeal", "article": "第二十条", "days": 5}]})
    table = compare_mod.Comparison.of([fake, listed]).deadlines()
    assert table is not None and 'data-row="appeal"' in table and "days: 5" in table
    assert compare_mod.Comparison.of([rb]).deadlines() is None  # absent everywhere: skipped gracefully


def test_every_link_between_generated_pages_resolves(site):
    """Raw HTML links are not checked by mkdocs --strict: check them here (the site also works from disk)."""
    import re

    broken = []
    for page in site["site"].rglob("*.html"):
        if page.name == "404.html":  # served from any depth, so its links are absolute
            continue
        for href in re.findall(r'href="([^"#:/][^"#:]*\.html)(?:#[^"]*)?"', page.read_text(encoding="utf-8")):
            if not (page.parent / href).resolve().is_file():
                broken.append(f"{page.relative_to(site['site'])} → {href}")
    assert not broken, broken


def test_deadline_cells_show_the_engines_computation(site):
    """Where a rulebook defines deadlines the engine can compute, the table shows its date for the example day."""
    from engine.officer.docsgen.compare import DEADLINE_EXAMPLE_FROM

    cells = parse(site["site"] / "compare" / "index.html")
    text = (site["site"] / "compare" / "index.html").read_text(encoding="utf-8")
    checked = 0
    for rid in site["ids"]:
        rb = engine.load_rulebook(rid)
        deadlines = rb.raw.get("deadlines")
        if not isinstance(deadlines, Mapping) or not hasattr(rb, "deadline"):
            continue
        for kind, body in deadlines.items():
            if "deadline" not in body:
                continue
            assert cells.tables["deadlines"][kind][rid] == f"{body['deadline']} (from = {body.get('from', '?')})"
            expected = rb.deadline(kind, DEADLINE_EXAMPLE_FROM).to_dict()["deadline"]
            assert f"{DEADLINE_EXAMPLE_FROM} → <strong>{expected}</strong>" in text
            checked += 1
    if checked == 0:
        pytest.skip("no rulebook defines computable deadlines yet")


# -- the site as readers see it (issue 15): no raw values, every page in the navigation, search in Chinese --

class _VisibleText(HTMLParser):
    """The text a reader sees: outside <script>, <style>, <code>, <pre> and the search index."""

    HIDDEN = {"script", "style", "code", "pre", "svg"}

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list = []

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def test_no_python_none_or_raw_markdown_anywhere_in_the_built_html(site):
    import re

    pages = sorted(site["site"].rglob("*.html"))
    assert len(pages) > 15
    for page in pages:
        parser = _VisibleText()
        parser.feed(page.read_text(encoding="utf-8"))
        text = "".join(parser.parts)
        assert not re.search(r"\bNone\b", text), f"{page}: Python None shown: …{text[max(0, text.find('None') - 80):text.find('None') + 40]}…"
        assert "`" not in text, f"{page}: raw Markdown backticks: …{text[max(0, text.find('`') - 80):text.find('`') + 40]}…"
        assert "**" not in text, f"{page}: raw Markdown bold"


def test_every_rulebook_page_is_in_the_navigation(site):
    home = (site["site"] / "index.html").read_text(encoding="utf-8")
    for rid in site["ids"]:
        assert f'href="rulebooks/{rid}.html"' in home, f"rulebooks/{rid}.html is not in the navigation"


def test_readings_are_shown_in_chinese_with_the_english_beside(site):
    for rid in [r for r in site["ids"] if (ROOT / "rulebooks" / f"{r}.yaml").exists()]:
        rb = engine.load_rulebook(rid)
        params = rb.raw.get("parameters") or {}
        assert all(str(p.get("interpretation_zh") or "").strip() for p in params.values()), \
            f"{rid}: a reading without interpretation_zh"
        text = (site["site"] / "rulebooks" / f"{rid}.html").read_text(encoding="utf-8")
        assert text.count('class="reading zh"') >= len(params) and text.count('class="reading en"') >= len(params)


def test_each_rulebook_page_shows_its_versions_and_the_changes_between_them(tmp_path, with_test_rulebooks):
    """A rulebook with two dated versions: both listed, and the rule-by-rule diff between them."""
    from engine.officer.docsgen import pages

    folder = tmp_path / "rulebooks"
    folder.mkdir()
    text = (ROOT / "rulebooks" / "hainan.yaml").read_text(encoding="utf-8")
    first = text.replace("id: hainan", "id: hn-test").replace('until: "2028-03-31"', 'until: "2025-12-31"')
    second = (text.replace("id: hainan", "id: hn-test").replace('from: "2025-04-01"', 'from: "2026-01-01"')
              .replace("      months: 2\n", "      months: 3\n", 1))
    (folder / "hn-test.yaml").write_text(first, encoding="utf-8")
    (folder / "hn-test@2026.yaml").write_text(second, encoding="utf-8")
    old = os.environ["YIBAO_RULEBOOKS"]
    os.environ["YIBAO_RULEBOOKS"] = str(folder) + os.pathsep + old
    try:
        page = pages.rulebook_page(engine.load_rulebook("hn-test"))
    finally:
        os.environ["YIBAO_RULEBOOKS"] = old
    section = page[page.index("## 版本沿革 Versions over time"):]
    assert "hn-test.yaml" in section and "hn-test@2026.yaml" in section
    assert "### 2025-04-01 → 2026-01-01" in section and "consequence.suspend-9.months" in section


def test_search_finds_chinese_and_english_in_a_real_browser(site, tmp_path):
    """Built site served on loopback; Material's search (jieba-segmented index) finds 暂停, 终止 and "suspension"."""
    import functools
    import http.server
    import threading

    from tests.browser import browser

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site["site"]))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    handler.log_message = lambda *args: None
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/index.html"
    try:
        with browser(tmp_path) as page:
            outside = []
            page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("http://127.0.0.1", "data:")) else None)
            for query in ("暂停", "终止", "suspension"):
                page.goto(url)
                page.fill("input.md-search__input", query)
                page.wait_for_function(
                    "q => [...document.querySelectorAll('.md-search-result mark')].some(m => m.textContent.toLowerCase().includes(q))",
                    arg=query)
                assert page.locator(".md-search-result__item").count() > 0, query
            page.goto(url)
            page.fill("input.md-search__input", "xyzzyq")
            page.wait_for_selector(".md-search-result__meta:has-text('没有')")
            header = page.locator(".md-header").bounding_box()
            assert header["height"] < 80  # one row: the navigation is the sidebar, it never wraps in the header
            assert outside == []  # the site loads nothing from the network
    finally:
        httpd.shutdown()
