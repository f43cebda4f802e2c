"""A rulebook as the officer reads it: sections of rules, each beside its article and original sentence.

Built from the YAML document being edited (not the compiled rulebook), so that every editable field
carries the path it is written at (``["consequences", "rules", 1, "months"]``) and its line. The
workbench's forms send that path back with the new value (:mod:`engine.workbench.yamledit`).
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Sequence, Tuple

from engine.base.documents import PositionedDocument

Path = Tuple[Any, ...]

LEVEL_ZH = {"general": "一般责任", "important": "重要责任", "primary": "主要责任"}
#: A condition with one number compared with the year's points, e.g. ``year_total >= 9``: a threshold.
THRESHOLD = re.compile(r"^\s*([a-z_]+)\s*(>=|>|<=|<|==)\s*(\d+)\s*$")


def _field(label: str, path: Path, value: Any, kind: str, **extra: Any) -> Dict[str, Any]:
    return {"label": label, "path": list(path), "value": value, "type": kind, **extra}


def _item(document: PositionedDocument, path: Path, title: str, node: Dict[str, Any],
          fields: List[Dict[str, Any]], text_key: str = "text") -> Dict[str, Any]:
    mark = document.positions.get(tuple(path))
    item = {"title": title, "path": list(path), "line": mark.line if mark else None,
            "article": node.get("article"), "text": node.get(text_key), "fields": fields}
    if isinstance(node.get(text_key), str):
        item["fields"] = fields + [_field("原文 original sentence", path + (text_key,), node[text_key], "text")]
    return item


def _number(label: str, path: Path, node: Dict[str, Any], key: str) -> List[Dict[str, Any]]:
    value = node.get(key)
    return [_field(label, path + (key,), value, "int")] if isinstance(value, int) and not isinstance(value, bool) else []


def _points(path: Path, node: Dict[str, Any]) -> List[Dict[str, Any]]:
    points = node.get("points")
    if isinstance(points, dict):
        return [_field(f"{LEVEL_ZH.get(level, level)} {level} 分值 points", path + ("points", level), value, "int")
                for level, value in points.items() if isinstance(value, int)]
    return _number("分值 points", path, node, "points")


def _when(path: Path, node: Dict[str, Any]) -> List[Dict[str, Any]]:
    when = node.get("when")
    if not isinstance(when, str):
        return []
    match = THRESHOLD.match(when)
    if match:  # a threshold: one number to change, the rest of the condition shown around it
        name, operator, number = match.groups()
        return [_field("门槛 threshold", path + ("when",), when, "threshold", prefix=f"{name} {operator}",
                       number=int(number))]
    return [_field("条件 condition (when)", path + ("when",), when, "str")]


def _consequence(document: PositionedDocument, path: Path, rule: Dict[str, Any]) -> Dict[str, Any]:
    fields = _when(path, rule)
    for key, label in (("months", "暂停月数 months"), ("months_min", "最短月数 months min"),
                       ("months_max", "最长月数 months max"), ("ban_years", "不得再次登记年数 ban years"),
                       ("ban_years_min", "最短年数 ban years min"), ("ban_years_max", "最长年数 ban years max")):
        fields += _number(label, path, rule, key)
    action = rule.get("action")
    return _item(document, path, f"{rule.get('id', '')} — {action or ''}", rule, fields)


def sections(document: PositionedDocument) -> List[Dict[str, Any]]:
    """The sections an officer edits, in the rulebook's order: readings, scoring, tiers and situations,
    consequences, repair ways, institution rules, obligations."""
    data = document.data if isinstance(document.data, dict) else {}
    out: List[Dict[str, Any]] = []

    parameters = data.get("parameters") or {}
    if isinstance(parameters, dict) and parameters:
        items = []
        for pid, p in parameters.items():
            if not isinstance(p, dict):
                continue
            path: Path = ("parameters", pid)
            fields = [_field("采用的解释 reading", path + ("value",), p.get("value"), "select",
                             options=list(p.get("allowed") or []))]
            fields.append(_field("中文解释 reading in Chinese", path + ("interpretation_zh",),
                                 p.get("interpretation_zh", ""), "text"))
            fields.append(_field("英文解释 reading in English", path + ("interpretation",), p.get("interpretation", ""), "text"))
            item = _item(document, path, str(pid), {"article": "、".join(map(str, p.get("articles") or [])),
                                                     "text": p.get("interpretation_zh") or p.get("interpretation")},
                         fields)
            items.append(item)
        out.append({"id": "parameters", "title": "解释参数 Readings of ambiguous text", "items": items})

    scoring = data.get("scoring") or {}
    if isinstance(scoring, dict):
        items = []
        fields = _number("年度记分上限 year cap", ("scoring",), scoring, "year_cap") + \
            _number("年度分值 allowance", ("scoring",), scoring, "allowance")
        if fields:
            rule = scoring.get("year_cap_rule") or {}
            items.append(_item(document, ("scoring",), "记分 scoring", {"article": rule.get("article"),
                                                                      "text": rule.get("text")}, fields))
        for index, tier in enumerate(scoring.get("tiers") or []):
            if not isinstance(tier, dict):
                continue
            path = ("scoring", "tiers", index)
            items.append(_item(document, path, f"第 {tier.get('tier')} 档 tier {tier.get('tier')}", tier, _points(path, tier)))
            for s_index, situation in enumerate(tier.get("situations") or []):
                if isinstance(situation, dict):
                    s_path = path + ("situations", s_index)
                    items.append(_item(document, s_path, f"情形 situation {situation.get('code')}", situation,
                                       _points(s_path, situation)))
        if items:
            out.append({"id": "scoring", "title": "记分 Scoring: tiers and situations", "items": items})

    consequences = (data.get("consequences") or {}).get("rules") if isinstance(data.get("consequences"), dict) else None
    if consequences:
        out.append({"id": "consequences", "title": "处理 Consequences (thresholds, months, ban years)",
                    "items": [_consequence(document, ("consequences", "rules", i), rule)
                              for i, rule in enumerate(consequences) if isinstance(rule, dict)]})

    repair = data.get("repair") if isinstance(data.get("repair"), dict) else {}
    ways = repair.get("ways") if isinstance(repair.get("ways"), dict) else {}
    if ways or repair:
        items = []
        cap = _number("年度修复上限 repair cap per year", ("repair",), repair, "per_year_points")
        if cap:
            items.append(_item(document, ("repair",), "修复 repair", repair, cap))
        for wid, way in ways.items():
            if not isinstance(way, dict):
                continue
            path = ("repair", "ways", wid)
            fields = _points(path, way) + _number("每年上限 cap per year", path, way, "per_year_points") + \
                _number("每年次数 times per year", path, way, "per_year_count")
            items.append(_item(document, path, f"修复途径 {wid}", way, fields))
        out.append({"id": "repair", "title": "记分修复 Repair ways and caps", "items": items})

    rules = data.get("institution_rules") or []
    if isinstance(rules, list) and rules:
        out.append({"id": "institution_rules", "title": "机构处理 Institution rules", "items": [
            _item(document, ("institution_rules", i), str(rule.get("id")), rule,
                  _when(("institution_rules", i), rule) + _number("最长月数 months max", ("institution_rules", i), rule,
                                                                  "months_max"))
            for i, rule in enumerate(rules) if isinstance(rule, dict)]})

    obligations = data.get("obligations") or {}
    if isinstance(obligations, dict) and obligations:
        items = []
        for oid, body in obligations.items():
            if not isinstance(body, dict):
                continue
            items.append(_item(document, ("obligations", oid), f"义务 obligation {oid}", body, []))
            for i, rule in enumerate(body.get("consequences") or []):
                if isinstance(rule, dict):
                    items.append(_consequence(document, ("obligations", oid, "consequences", i), rule))
        out.append({"id": "obligations", "title": "义务 Obligations", "items": items})
    return out


def path_exists(data: Any, path: Sequence[Any]) -> bool:
    """Whether ``path`` names a place in ``data`` (its parent must exist; the last key may be new)."""
    node = data
    for key in path[:-1]:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return False
    return isinstance(node, (dict, list))


__all__ = ["sections", "path_exists", "THRESHOLD"]

