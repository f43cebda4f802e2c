"""``yibao new-case``: a golden-case skeleton for one rulebook, to fill in by hand.

The skeleton lists, as YAML comments, what the rulebook offers — its situations by tier with
their articles and points, its roles, responsibility levels, repair ways and readings — so an
officer can write a case without opening the rulebook. Expectations are left as ``FILL_IN``
placeholders on purpose: they must be derived by hand from the legal text, so an unfilled case
fails ``yibao test`` instead of passing silently.
"""

from __future__ import annotations

import datetime as _dt
from typing import List, Mapping

from engine.officer.docsgen.html import LEVEL_ZH, ROLE_ZH, WAY_ZH
from engine.officer.docsgen.ledgers import base_date
from engine.rulebook.rulebook import Rulebook


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _points(points) -> str:
    if isinstance(points, Mapping):
        return " / ".join(f"{level} {value}" for level, value in points.items())
    return str(points)


def catalogue(rb: Rulebook) -> List[str]:
    """Comment lines: situations, roles, responsibility levels, repair ways, readings."""
    lines = ["# 负面情形 Situations — write `situation: CODE` (or `tier: N` for the tier's catch-all 兜底情形):"]
    for number in sorted(rb.tiers):
        tier = rb.tiers[number]
        lines.append(f"#   tier {number} — {tier.legal.article}, points {_points(tier.points)}:")
        for s in tier.situations:
            lines.append(f"#     \"{s.code}\"{' (catch-all)' if s.catch_all else ''}  {_short(s.legal.text)}")
    lines.append("# 人员类别 Roles — person.role: " + ", ".join(f"{r} {ROLE_ZH.get(r, '')}".strip() for r in rb.roles))
    if rb.responsibility_levels or rb.responsibility_required:
        levels = rb.responsibility_levels or {level: None for level in LEVEL_ZH}
        lines.append("# 责任程度 Responsibility — " + ("required 必填" if rb.responsibility_required else "optional")
                     + ": " + ", ".join(f"{level} {LEVEL_ZH.get(level, '')}" for level in levels))
    if rb.repair is not None and rb.repair.ways:
        lines.append("# 修复途径 Repair ways — {kind: repair, date: …, way: WAY}:")
        for way_id, way in rb.repair.ways.items():
            inputs = ", ".join(f"{name} {spec.minimum:g}-{spec.maximum:g}" if spec.minimum is not None and spec.maximum is not None
                               else name for name, spec in way.inputs.items())
            lines.append(f"#     {way_id} ({way.legal.article}{'; needs ' + inputs if inputs else ''})  {WAY_ZH.get(way_id, '')}")
    else:
        lines.append("# 修复途径 Repair ways — none in this rulebook")
    if rb.parameters:
        lines.append("# 解释参数 Readings — a case may choose another under case.parameters:")
        for name, p in rb.parameters.items():
            others = [str(a) for a in p.allowed if a != p.value]
            lines.append(f"#     {name}: {p.value}" + (f"  (or {', '.join(others)})" if others else ""))
    obligations = rb.raw.get("obligations") or {}
    if obligations:
        lines.append("# 应履行义务 Obligations — {kind: obligation, date: …, obligation: ID, passed: false}:")
        for key, body in obligations.items():
            lines.append(f"#     {key} ({body.get('article', '')})  {_short(body.get('text', ''))}")
    lines.append("# Other events: {kind: claim, date: …, emergency: false} · {kind: restoration, date: …, passed: true}")
    return lines


def skeleton(rb: Rulebook, *, case_only: bool = False) -> str:
    """The text of a new case for ``rb``: a golden case (default) or a plain case for ``yibao evaluate``."""
    day = base_date(rb) or rb.effective_from
    first = rb.tiers[sorted(rb.tiers)[0]].situations[0]
    level = ""
    if isinstance(first.points, Mapping):
        level = f", responsibility: {next(iter(first.points))}"
    elif rb.responsibility_required:
        level = ", responsibility: general"
    as_of = _dt.date(day.year, 12, 31)
    if rb.effective_until and as_of > rb.effective_until:
        as_of = rb.effective_until
    event = f'    - {{kind: score, date: {day.isoformat()}, situation: "{first.code}"{level}}}'
    modeline = [] if case_only else ["# yaml-language-server: $schema=../../../schemas/golden.schema.json"]
    head = modeline + [f"# 新案例 New case for {rb.id} ({rb.document}) — written by `yibao new-case {rb.id}`.",
            "# Lines starting with # are comments: they list what this rulebook offers. 以 # 开头的行为说明。"]
    case = ["rulebook: " + rb.id, f"as_of: {as_of.isoformat()}", "person: {id: P1, role: " + rb.roles[0] + "}",
            "events:", event.replace("    - ", "  - ", 1)]
    if case_only:
        return "\n".join(head + ["#"] + catalogue(rb) + [""] + case) + "\n"
    body = head + [
        "# Fill in title, articles, derivation and expect BY HAND from the legal text (never copy engine output),",
        f"# then run:  yibao test {rb.id}   (save the file as tests/golden/{rb.id}/NNN-short-name.yaml)",
        "# 请根据法规原文手工推算预期结果，然后运行 yibao test。",
        "#"] + catalogue(rb) + [
        "",
        "kind: evaluate               # one person's ledger 个人台账 (schemas/golden.schema.json)",
        "title: FILL_IN 一句话说明本案例 what this case checks",
        f"articles: [{first.legal.article}]      # the articles this case checks 本案例检验的条款",
        "derivation: |",
        "  FILL_IN: how the expected values follow from the text, step by step. 逐步写出推算过程。",
        "case:",
    ] + [f"  {line}" for line in case] + [
        "expect:                      # only the fields written here are compared 只比较写出的字段",
        "  status: {state: FILL_IN}   # normal 正常 | suspended 暂停 | terminated 终止",
        "  # years: {\"" + str(day.year) + "\": {points: N, repaired: 0, net: N}}",
        "  # decisions:                # one per score event, in date order 每次记分一项",
        "  #   - {points: N, year_total: N, action: none}   # none | warn | suspend (months: N) | terminate (ban_years: N)",
    ]
    return "\n".join(body) + "\n"
