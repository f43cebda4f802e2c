"""The field reference, generated from the JSON Schema and the engine so it lists every field and name.

* every field of ``schemas/rulebook.schema.json`` with its Chinese/English title, description and type;
* for each place in a rulebook that holds a condition, the names the engine binds there (the
  contexts of :mod:`engine.spec.names`, the one declaration the type checker and the evaluation use);
* the functions a condition may call (:data:`engine.dsl.functions.FUNCTIONS`).
"""

from __future__ import annotations

from typing import Any, Iterator, List, Mapping, Tuple

from engine.dsl.functions import FUNCTIONS
from engine.spec.names import CONTEXTS as NAME_CONTEXTS
from engine.base.schemas import load_schema
from engine.officer.docsgen.html import esc, prose

#: Meanings of the names conditions read (the engine's own comments, in words).
NAME_NOTES = {
    "year_total": "the year's net points right after this event 本次记分后的年度累计（扣除修复）",
    "year_total_before": "the year's net points before this event 本次记分前的年度累计",
    "year_points": "the year's points before repairs 修复前的年度记分",
    "single": "the 单次记分 (see the parameter single_score_scope)",
    "points": "this event's own points 本次分值",
    "counted_points": "what this event added to the year after aggregation 合并后计入的分值",
    "tier": "the situation's tier 档次", "responsibility": "general | important | primary 责任程度",
    "role": "the person's role 人员类别", "date": "the event's date 事件日期", "year": "the event's year 年度",
    "state_before": "normal | suspended | terminated before this event 记分前状态",
    "prior_year_totals": "net totals of earlier years, most recent first 以前各年度累计",
    "score": "the exam score, where the way has one (else 0) 考试成绩",
    "points_claimed": "points the case gives, where the way takes them (else 0)",
    "year_net": "the repair year's net points before this repair 修复前年度净记分",
    "year_max_single": "the largest 单次记分 of the repair year 年度最高单次记分",
    "sanction_single": "the 单次记分 behind the running suspension/termination (0 if none)",
    "state": "normal | suspended | terminated 状态", "way_count": "repairs of this way accepted this year",
    "way_points": "points of this way accepted this year", "until": "last day of the running term 期满日",
    "from": "first day of the running term 起始日", "passed": "whether the evaluation was passed 是否通过评估",
    "emergency": "急诊、抢救等特殊情形",
}

#: Where the conditions of each context are written in a rulebook.
PLACES = {
    "consequence": "consequences.rules[].when",
    "obligation": "obligations.*.consequences[].when",
    "institution": "institution_rules[].when",
    "repair": "repair.ways.*.points / bands[].when, repair.refuse[].when",
    "restoration": "restoration.allowed_when",
    "measure": "institution_measures.rules[].when",
    "settlement": "settlement[].when / settled",
    "deadline": "deadlines.*.deadline",
}


def _type(node: Mapping[str, Any]) -> str:
    if "enum" in node:
        return " | ".join(map(str, node["enum"]))
    if "$ref" in node:
        return node["$ref"].split("/")[-1]
    if "oneOf" in node:
        return " or ".join(_type(n) for n in node["oneOf"])
    kind = node.get("type", "")
    return " | ".join(kind) if isinstance(kind, list) else str(kind)


def schema_fields(node: Mapping[str, Any], path: str = "") -> Iterator[Tuple[str, Mapping[str, Any]]]:
    for key, sub in (node.get("properties") or {}).items():
        if not isinstance(sub, Mapping):
            continue
        here = f"{path}.{key}" if path else key
        yield here, sub
        yield from schema_fields(sub, here)
    if isinstance(node.get("items"), Mapping):
        yield from schema_fields(node["items"], path + "[]")
    if isinstance(node.get("additionalProperties"), Mapping):
        yield from schema_fields(node["additionalProperties"], path + ".*")


def page() -> str:
    schema = load_schema("rulebook")
    out: List[str] = ["# 字段参考 Field reference", "",
                      "Generated from `schemas/rulebook.schema.json` and the engine by `yibao docs`. "
                      "由格式说明和引擎自动生成。See the [rulebook format](../rulebook-format.md) for the meaning of each section.", ""]
    out += ["## 规则集字段 Rulebook fields", ""]
    defs = schema.get("$defs", {})
    rows = []
    for path, node in schema_fields(schema):
        rows.append((path, node))
    for name, node in defs.items():
        if isinstance(node, Mapping) and node.get("properties"):
            for path, sub in schema_fields(node, f"${name}"):
                rows.append((path, sub))
    out.append("<table><thead><tr><th>field 字段</th><th>title 名称</th><th>type 类型</th><th>description 说明</th></tr></thead><tbody>")
    for path, node in rows:
        out.append(f"<tr><td><code>{esc(path)}</code></td><td>{esc(node.get('title', ''))}</td>"
                   f"<td><code>{esc(_type(node))}</code></td><td>{prose(node.get('description', ''))}</td></tr>")
    out.append("</tbody></table>")
    out += ["", "Fields starting with `$` are shared definitions: `$tier` is an item of `scoring.tiers`, "
            "`$consequence` of `consequences.rules`, `$repair_way` of `repair.ways`, `$settlement` of `settlement`.", ""]
    out += ["## 条件中可用的名称 Names a condition may read", ""]
    for family, context in NAME_CONTEXTS.items():
        out += [f"### {esc(PLACES.get(family, family))}", "",
                "<table><thead><tr><th>name</th><th>type</th><th>meaning 含义</th></tr></thead><tbody>"]
        for key, kind in context.types.items():
            meaning = NAME_NOTES.get(key) or context.meanings.get(key, "")
            out.append(f"<tr><td><code>{esc(key)}</code></td><td>{esc(kind)}</td><td>{prose(meaning)}</td></tr>")
        out += ["</tbody></table>", ""]
    out += ["Every condition may also read the rulebook's readings as `param.NAME`.", "",
            "## 函数 Functions", "",
            "<table><thead><tr><th>function</th><th>arguments</th><th>returns</th><th>meaning</th></tr></thead><tbody>"]
    for function in FUNCTIONS.values():
        args = ", ".join(function.params) + (", …" if getattr(function, "variadic", False) else "")
        out.append(f"<tr><td><code>{esc(function.name)}</code></td><td>{esc(args)}</td><td>{esc(function.returns)}</td>"
                   f"<td>{prose(getattr(function, 'doc', ''))}</td></tr>")
    out += ["</tbody></table>", ""]
    return "\n".join(out)
