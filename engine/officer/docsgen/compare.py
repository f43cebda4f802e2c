"""Comparison pages: one table per topic, one column per jurisdiction, and "one case, every province".

Every cell that states a legal outcome comes from the engine evaluating a ledger
(:mod:`engine.officer.docsgen.ledgers`); cells that describe a rule (repair ways, scope, deadlines) come
from the rulebook's own data. Rows where the jurisdictions differ are marked ``differs`` (≠).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import yaml

from engine.errors import YibaoError
from engine.rulebook.rulebook import Rulebook
from engine.officer.docsgen import ledgers
from engine.officer.golden import compare_case
from engine.officer.docsgen.chart import line_chart
from engine.officer.docsgen.html import DEADLINE_ZH, LEVEL_ZH, ROLE_ZH, WAY_ZH, code, compact, compare_table, esc

ROLES = tuple(ROLE_ZH)
#: The day deadlines are counted from in the comparison: the Friday before 国庆 2025, so the examples
#: show how each rulebook's calendar treats the holiday and its 调休 working days.
DEADLINE_EXAMPLE_FROM = "2025-09-26"

Cell = Tuple[str, str]  # (html, comparable text)


def columns(rulebooks: Sequence[Rulebook]) -> List[Tuple[str, str]]:
    return [(rb.id, f'<a href="../rulebooks/{esc(rb.id)}.html">{esc(rb.raw.get("jurisdiction") or rb.id)}</a><br>{code(rb.id)}')
            for rb in rulebooks]


def _outcome_cell(outcome: ledgers.Outcome) -> Cell:
    text = outcome.label()
    title = f' title="{esc(outcome.note)}"' if outcome.note else ""
    rules = f"<br><small>{esc(', '.join(outcome.articles[1:] or outcome.rules))}</small>" if outcome.rules else ""
    return f'<span class="action-{esc(outcome.action or "na")}"{title}>{esc(text)}</span>{rules}', text


@dataclass
class Comparison:
    """Everything the comparison pages show, computed once."""

    rulebooks: List[Rulebook]
    tables: Dict[str, Dict[str, Dict[int, ledgers.Outcome]]]
    settlement: Dict[str, Dict[Tuple[str, bool], Dict[str, Any]]]

    @classmethod
    def of(cls, rulebooks: Sequence[Rulebook]) -> "Comparison":
        tables = {rb.id: ledgers.consequence_table(rb) for rb in rulebooks}
        settlement = {rb.id: ledgers.settlement_outcomes(rb, tables[rb.id]) for rb in rulebooks}
        return cls(list(rulebooks), tables, settlement)

    # -- topics -----------------------------------------------------------------------------
    def consequences(self, kind: str) -> str:
        rows = []
        for n in ledgers.POINTS:
            if kind == "single" and n == 0:
                continue
            rows.append((str(n), f"{n} 分", {rb.id: _outcome_cell(self.tables[rb.id][kind][n]) for rb in self.rulebooks}))
        return compare_table(f"consequences-{kind}", columns(self.rulebooks), rows, first="分 points")

    def thresholds(self) -> str:
        """Where single-event and cumulative scoring first lead to each measure."""
        def first(rid: str, kind: str, actions: Tuple[str, ...]) -> Cell:
            for n in ledgers.POINTS:
                outcome = self.tables[rid][kind][n]
                if outcome.action in actions:
                    text = f"{n} 分 → {outcome.label()}"
                    return esc(text), text
            return "—", "—"

        specs = [("warn-cumulative", "首次提醒 first warning (累计 cumulative)", "cumulative", ("warn",)),
                 ("suspend-cumulative", "首次暂停 first suspension (累计 cumulative)", "cumulative", ("suspend",)),
                 ("suspend-single", "首次暂停 first suspension (单次 single)", "single", ("suspend",)),
                 ("terminate-cumulative", "终止 termination (累计 cumulative)", "cumulative", ("terminate",)),
                 ("terminate-single", "终止 termination (单次 single)", "single", ("terminate",))]
        rows = [(key, label, {rb.id: first(rb.id, kind, actions) for rb in self.rulebooks}) for key, label, kind, actions in specs]
        return compare_table("thresholds", columns(self.rulebooks), rows)

    def tiers(self) -> str:
        numbers = sorted({n for rb in self.rulebooks for n in rb.tiers})
        rows = []
        for n in numbers:
            cells = {}
            for rb in self.rulebooks:
                tier = rb.tiers.get(n)
                if tier is None:
                    cells[rb.id] = ("—", "—")
                    continue
                points = tier.points
                if isinstance(points, Mapping):
                    text = ", ".join(f"{LEVEL_ZH.get(k, k)} {v}" for k, v in points.items())
                elif points is None:  # only the tier's range is known (e.g. the national baseline)
                    text = f"{tier.range[0]}-{tier.range[1]} 分 points (range 区间)"
                else:
                    text = str(points)
                cells[rb.id] = (f"{esc(text)}<br><small>{esc(tier.legal.article)} · {len(tier.situations)} 情形 situations</small>", text)
            rows.append((str(n), f"第{n}档 tier {n}", cells))
        return compare_table("tiers", columns(self.rulebooks), rows)

    def repair(self) -> str:
        ways: List[str] = []
        for rb in self.rulebooks:
            for way in (rb.raw.get("repair") or {}).get("ways") or {}:
                if way not in ways:
                    ways.append(way)
        rows = []
        for way in ways:
            cells = {}
            for rb in self.rulebooks:
                body = ((rb.raw.get("repair") or {}).get("ways") or {}).get(way)
                if body is None:
                    cells[rb.id] = ("—", "—")
                    continue
                parts = []
                if body.get("bands"):
                    parts.append("; ".join(f"{b['when']} → {b['points']}" for b in body["bands"]))
                if body.get("points") is not None:
                    parts.append(f"{body['points']} 分/次 per time")
                if body.get("per_year_count") is not None:
                    parts.append(f"年度 {body['per_year_count']} 次 times/year")
                if body.get("per_year_points") is not None:
                    parts.append(f"年度上限 {body['per_year_points']} 分 cap/year")
                text = " · ".join(parts)
                cells[rb.id] = (f"{esc(text)}<br><small>{esc(body.get('article'))}</small>", text)
            rows.append((f"way-{way}", f"{code(way)}<br>{esc(WAY_ZH.get(way, ''))}", cells))

        def section(rb: Rulebook, render) -> Cell:
            node = rb.raw.get("repair") or {}
            return render(node) if node else ("不设修复 no repair", "no repair")

        def total(node) -> Cell:
            value = node.get("per_year_points")
            text = f"{value} 分" if value is not None else "—"
            return esc(text), text

        def refuse(node) -> Cell:
            reasons = [r.get("reason") or r.get("text") for r in node.get("refuse") or ()]
            text = "；".join(reasons) or "—"
            return esc(text), text

        def shorten(node) -> Cell:
            spec = node.get("shorten_term")
            text = f"{spec['by']} (min {spec.get('minimum', '0 months')})" if spec else "—"
            return esc(text) + (f"<br><small>{esc(spec.get('article'))}</small>" if spec else ""), text

        for key, label, render in (("total-cap", "年度修复总上限 cap over all ways", total),
                                   ("refuse", "不予修复 refusals", refuse),
                                   ("shorten", "缩短暂停/终止期限 shortening a term", shorten)):
            rows.append((key, label, {rb.id: section(rb, render) for rb in self.rulebooks}))
        return compare_table("repair", columns(self.rulebooks), rows)

    def deadlines(self) -> Optional[str]:
        """Deadlines from each rulebook's ``deadlines:`` section (a mapping by kind or a list with kind/id)."""
        items: Dict[str, Dict[str, Mapping[str, Any]]] = {}
        order: List[str] = []
        for rb in self.rulebooks:
            node = rb.raw.get("deadlines")
            entries: List[Tuple[str, Any]] = []
            if isinstance(node, Mapping):
                entries = [(str(k), v) for k, v in node.items()]
            elif isinstance(node, (list, tuple)):
                entries = [(str(v.get("kind") or v.get("id") or i), v) for i, v in enumerate(node) if isinstance(v, Mapping)]
            for key, body in entries:
                if key not in order:
                    order.append(key)
                items.setdefault(key, {})[rb.id] = body if isinstance(body, Mapping) else {"value": body}
        if not order:
            return None
        rows = []
        for key in order:
            cells = {}
            for rb in self.rulebooks:
                body = items[key].get(rb.id)
                if body is None:
                    cells[rb.id] = ("—", "—")
                    continue
                article = body.get("article")
                if "deadline" in body:
                    # the rule in words, then the engine's own computation from one example day
                    text = f"{body['deadline']} (from = {body.get('from', '?')})"
                    cell = f"<code>{esc(body['deadline'])}</code><br>from = <code>{esc(body.get('from', '?'))}</code>"
                    if body.get("actor"):
                        cell += f"<br>{esc(body['actor'])}"
                    example = self._deadline_example(rb, key)
                    if example:
                        cell += f"<br><small>e.g. {esc(DEADLINE_EXAMPLE_FROM)} → <strong>{esc(example)}</strong> (engine)</small>"
                else:
                    shown = {k: v for k, v in body.items() if k not in ("article", "text", "interpretation", "source", "kind", "id")}
                    text = compact(shown) if shown else "—"
                    cell = f"<code>{esc(text)}</code>"
                cells[rb.id] = (cell + (f"<br><small>{esc(article)}</small>" if article else ""), text)
            rows.append((key, f"{code(key)}<br>{esc(DEADLINE_ZH.get(key, ''))}", cells))
        return compare_table("deadlines", columns(self.rulebooks), rows)

    @staticmethod
    def _deadline_example(rb: Rulebook, kind: str) -> Optional[str]:
        """The engine's deadline of ``kind`` counted from the example day, where the rulebook can compute one."""
        compute = getattr(rb, "deadline", None)
        if compute is None:
            return None
        try:
            return str(compute(kind, DEADLINE_EXAMPLE_FROM).to_dict()["deadline"])
        except Exception:  # noqa: BLE001 - an example only; the rule itself is shown beside it
            return None

    def settlement_table(self) -> str:
        rows = []
        for state, zh in (("normal", "正常"), ("suspended", "暂停"), ("terminated", "终止")):
            for emergency in (False, True):
                cells = {}
                for rb in self.rulebooks:
                    claim = self.settlement[rb.id][(state, emergency)]
                    if "note" in claim:
                        cells[rb.id] = (f'<span title="{esc(claim["note"])}">n/a</span>', "n/a")
                        continue
                    text = "✔ 结算 settled" if claim["settled"] else "✘ 不予结算 not settled"
                    cells[rb.id] = (f"{esc(text)}<br><small>{esc(claim['article'])}</small>", text)
                label = f"{zh} {state}" + (" · 急诊抢救 emergency" if emergency else "")
                rows.append((f"{state}-{'emergency' if emergency else 'ordinary'}", esc(label), cells))
        return compare_table("settlement", columns(self.rulebooks), rows)

    def scope(self) -> str:
        roles = [r for r in ROLES if any(r in rb.roles for rb in self.rulebooks)]
        roles += [r for rb in self.rulebooks for r in rb.roles if r not in roles]
        rows = []
        for role in roles:
            cells = {rb.id: (("✔", "yes") if role in rb.roles else ("—", "no")) for rb in self.rulebooks}
            rows.append((role, f"{code(role)}<br>{esc(ROLE_ZH.get(role, ''))}", cells))
        cells = {rb.id: (esc(rb.scope_legal.article if rb.scope_legal else "—"), "") for rb in self.rulebooks}
        rows.append(("article", "条款 article", cells))
        return compare_table("scope", columns(self.rulebooks), rows)

    def effective(self) -> str:
        def row(key: str, label: str, value) -> Tuple[str, str, Dict[str, Cell]]:
            cells = {}
            for rb in self.rulebooks:
                text = value(rb) or "—"
                cells[rb.id] = (esc(text), text)
            return key, label, cells

        rows = [row("document", "文号 document", lambda rb: rb.document),
                row("published", "印发 published", lambda rb: str(rb.raw.get("published") or "")),
                row("from", "施行 from", lambda rb: rb.effective_from.isoformat()),
                row("until", "至 until", lambda rb: rb.effective_until.isoformat() if rb.effective_until else "未定 open"),
                row("completeness", "完整性 completeness", lambda rb: rb.completeness + (
                    f" ({'; '.join(rb.missing)})" if rb.missing else ""))]
        return compare_table("effective", columns(self.rulebooks), rows)

    def readings(self) -> Optional[str]:
        names: List[str] = []
        for rb in self.rulebooks:
            names += [n for n in rb.parameters if n not in names]
        if not names:
            return None
        rows = []
        for name in names:
            cells = {}
            for rb in self.rulebooks:
                p = rb.parameters.get(name)
                cells[rb.id] = (("—", "—") if p is None else (f"<strong>{esc(compact(p.value))}</strong><br><small>of "
                                                            f"{esc(', '.join(map(compact, p.allowed)))}</small>", compact(p.value)))
            rows.append((name, code(name), cells))
        return compare_table("readings", columns(self.rulebooks), rows)

    # -- chart ------------------------------------------------------------------------------
    def chart(self, kind: str) -> str:
        series = []
        for rb in self.rulebooks:
            points = {}
            for n in ledgers.POINTS:
                outcome = self.tables[rb.id][kind][n]
                if outcome.reachable:
                    ranged = (outcome.action == "suspend" and outcome.months is None
                              and outcome.months_min is not None and outcome.months_max != outcome.months_min)
                    points[n] = (outcome.months_min, outcome.months_max) if ranged else outcome.chart_months()
            series.append((f"{rb.raw.get('jurisdiction') or rb.id} ({rb.id})", points))
        title = ("暂停月数与年度累计记分 Suspension months by year points (cumulative)" if kind == "cumulative"
                 else "暂停月数与单次记分 Suspension months by one event's points (single)")
        return line_chart(title, series, x_label="记分 points", y_label="暂停月数 months suspended")

    # -- pages ------------------------------------------------------------------------------
    def page(self) -> str:
        names = "、".join(f"{rb.raw.get('jurisdiction') or rb.id}" for rb in self.rulebooks)
        out = ["# 各地比较 Provinces side by side", "",
               f"Rulebooks compared 比较的规则集: {names}. Rows marked ≠ differ between jurisdictions. "
               "标 ≠ 的行各地不同。", "",
               "Outcome cells are the engine's own decisions on generated ledgers — *single*: one score event "
               "of N points (一次记 N 分); *cumulative*: small events on consecutive days bringing one natural year "
               "to N (同一自然年度累计至 N 分), showing the decision of the event that reaches N. "
               "n/a: the rulebook has no score that reaches N that way.", "",
               "## 暂停月数图 Suspension months chart", "",
               "![Suspension months by year points](suspension-cumulative.svg)", "",
               "![Suspension months by single-event points](suspension-single.svg)", "",
               "## 累计记分的处理 Consequences by year total (cumulative)", "", self.consequences("cumulative"), "",
               "## 单次记分的处理 Consequences by one event (single)", "", self.consequences("single"), "",
               "## 单次与累计 Single-event vs cumulative thresholds", "", self.thresholds(), "",
               "## 分档 Tiers and points", "", self.tiers(), "",
               "## 记分修复 Repair ways and caps", "", self.repair(), ""]
        deadlines = self.deadlines()
        out += ["## 期限 Deadlines", ""]
        out += [deadlines, ""] if deadlines else ["No rulebook defines a `deadlines:` section yet. 尚无规则集定义期限。", ""]
        out += ["## 费用结算 Settlement during a suspension or termination", "",
                "Claims on the day after the decision, as the engine settles them. 决定次日发生的医保费用，由引擎判断是否结算。", "",
                self.settlement_table(), "",
                "## 适用人员 Scope", "", self.scope(), "",
                "## 施行期间 Effective periods", "", self.effective(), ""]
        readings = self.readings()
        if readings:
            out += ["## 解释参数 Readings chosen", "", readings, ""]
        return "\n".join(out)


# -- one case, every province -------------------------------------------------------------------------

@dataclass
class Example:
    """A ledger meant for every rulebook: score events by tier (the catch-all) and responsibility."""

    path: Path
    title: str
    description: str
    case: Dict[str, Any]


def load_examples(folders: Sequence[Path]) -> List[Example]:
    """Example ledgers from ``docs/examples/*.yaml`` (and ``tests/golden/compare/`` where it exists)."""
    examples = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.yaml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or not isinstance(data.get("case"), dict):
                continue
            examples.append(Example(path, str(data.get("title", path.stem)), str(data.get("description") or data.get("derivation") or ""),
                                    data["case"]))
    return examples


def _shift_years(value: str, years: int) -> str:
    day = _dt.date.fromisoformat(str(value))
    try:
        return day.replace(year=day.year + years).isoformat()
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28).isoformat()


def adapt(example: Example, rb: Rulebook) -> Tuple[Dict[str, Any], int]:
    """The example's case for ``rb``: its id, its events' ``by_rulebook`` overrides (``tests/golden/compare/``),
    and its dates moved by whole years into the rulebook's period."""
    case = compare_case(example.case, rb.id)  # a copy, with the events' `by_rulebook` fields for this rulebook
    params = case.get("parameters")
    if params:  # readings the rulebook does not have are left out
        case["parameters"] = {k: v for k, v in params.items() if k in rb.parameters}
    dates = [_dt.date.fromisoformat(str(e["date"])) for e in case.get("events") or ()]
    shift = 0
    if dates:
        first = min(dates).isoformat()
        while shift < 50 and _dt.date.fromisoformat(_shift_years(first, shift)) < rb.effective_from:
            shift += 1
    if shift:
        for event in case.get("events") or ():
            event["date"] = _shift_years(event["date"], shift)
        case["as_of"] = _shift_years(case["as_of"], shift)
    return case, shift


def evaluate_example(example: Example, rb: Rulebook) -> Dict[str, Any]:
    """The engine's result for the example under ``rb``, or ``{'error': …}``."""
    case, shift = adapt(example, rb)
    try:
        result = rb.evaluate(case, trace=False)
    except YibaoError as error:
        return {"error": error.message, "shift": shift}
    result["shift"] = shift
    return result


def _decision_text(d: Mapping[str, Any]) -> str:
    text = {"none": "—", "warn": "提醒 warn"}.get(d["action"], "")
    if d["action"] == "suspend":
        months = d["months"] if d["months"] is not None else f"{d['months_min']}-{d['months_max']}"
        text = f"暂停 suspend {months} mo"
    elif d["action"] == "terminate":
        text = f"终止 terminate, {ledgers.ban_text(d['ban_years'], d.get('ban_years_min'), d.get('ban_years_max'))}"
    return f"{d['points']} pts → {text}"


def example_rows(example: Example, rulebooks: Sequence[Rulebook]) -> List[Tuple[str, str, Dict[str, Cell]]]:
    results = {rb.id: evaluate_example(example, rb) for rb in rulebooks}

    def cell(rid: str, render) -> Cell:
        result = results[rid]
        if "error" in result:
            return f'<span class="na" title="{esc(result["error"])}">不适用 n/a: {esc(result["error"])}</span>', "n/a"
        text = render(result)
        return esc(text).replace("\n", "<br>"), text

    def status(result) -> str:
        s = result["status"]
        text = f"{s['state']} ({ledgers.STATE_ZH.get(s['state'], '')})"
        if s.get("until"):
            text += (f" · 不得再次登记备案至 no re-registration until {s['until']}" if s["state"] == "terminated"
                     else f" until {s['until']}")
        if s.get("awaiting_restoration"):
            text += " · 期满待恢复 awaiting restoration"
        return text

    def years(result) -> str:
        return "\n".join(f"{y}: {e['points']} − {e['repaired']} = {e['net']}" for y, e in result["years"].items()) or "—"

    def decisions(result) -> str:
        return "\n".join(_decision_text(d) for d in result["decisions"]) or "—"

    def repairs(result) -> str:
        return "\n".join(f"{r['way']}: " + (f"−{r['points']}" if r["accepted"] else f"refused ({r['reason']})")
                         for r in result["repairs"]) or "—"

    def claims(result) -> str:
        return "\n".join(f"{c['date']}{' emergency' if c['emergency'] else ''}: "
                         + ("settled 结算" if c["settled"] else "not settled 不予结算") for c in result["claims"]) or "—"

    def shifted(result) -> str:
        return f"+{result['shift']} 年 years" if result.get("shift") else "—"

    return [("status", "状态 status (as of)", {rb.id: cell(rb.id, status) for rb in rulebooks}),
            ("years", "年度记分 points − repaired = net", {rb.id: cell(rb.id, years) for rb in rulebooks}),
            ("decisions", "处理决定 decisions", {rb.id: cell(rb.id, decisions) for rb in rulebooks}),
            ("repairs", "修复 repairs", {rb.id: cell(rb.id, repairs) for rb in rulebooks}),
            ("claims", "结算 claims", {rb.id: cell(rb.id, claims) for rb in rulebooks}),
            ("shift", "日期平移 dates moved", {rb.id: cell(rb.id, shifted) for rb in rulebooks})]


def examples_page(examples: Sequence[Example], rulebooks: Sequence[Rulebook], root: Optional[Path] = None) -> str:
    out = ["# 一案多地 One case, every province", "",
           "Each example ledger is evaluated by the engine under every rulebook. Score events name a tier and a "
           "responsibility level, so they mean the tier's catch-all situation (其他应记…分的情形) everywhere. "
           "Where an example predates a rulebook, its dates are moved by whole years into the rulebook's period "
           "(row *dates moved*). 每个示例台账由引擎按各地规则集分别计算。", ""]
    if not examples:
        out += ["No example ledgers found (docs/examples/*.yaml). 尚无示例。", ""]
    for example in examples:
        source = example.path
        if root is not None:
            try:
                source = example.path.resolve().relative_to(root)
            except ValueError:
                pass
        events = "\n".join(f"  - {compact(e)}" for e in example.case.get("events") or ())
        out += [f"## {example.title}", "", example.description.strip(), "",
                f"Source: `{source}`. Person role `{example.case.get('person', {}).get('role')}`, as of {example.case.get('as_of')}:", "",
                "```yaml", "events:", events, "```", "",
                compare_table(f"example-{example.path.stem}", columns(rulebooks), example_rows(example, rulebooks)), ""]
    return "\n".join(out)
