"""One page per rulebook: every rule beside the sentence of law it encodes.

The page is written from the rulebook's raw data (``Rulebook.raw``, the validated YAML), so every
field an officer wrote appears, and from the compiled model where the engine computes something
(the consequence table). Sections the rulebook does not have are left out; sections this module
does not know (added to the format later, e.g. ``deadlines:`` or ``attribution:``) are rendered
generically — law beside the remaining fields — rather than dropped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, List, Mapping, Optional

from engine import api
from engine.rulebook.rulebook import Rulebook
from engine.officer.docsgen import ledgers
from engine.officer.docsgen.diff import diff_rulebooks, to_json
from engine.officer.docsgen.titles import section_title
from engine.officer.docsgen.html import DEADLINE_ZH, LEVEL_ZH, ROLE_ZH, WAY_ZH, beside, code, compact, esc, fields, law, table

#: Top-level sections rendered by a dedicated function, in page order.
KNOWN = ("id", "title", "jurisdiction", "document", "issuers", "published", "effective", "completeness",
         "missing", "cites", "source", "extends", "scope", "parameters", "responsibility", "scoring",
         "consequences", "repair", "restoration", "settlement")

#: Headings of sections rendered generically (format additions); others get their key as heading.
def _legal(node: Mapping[str, Any]) -> str:
    return law(node.get("article"), node.get("text"), node.get("interpretation"), node.get("interpretation_zh"))


def metadata(rb: Rulebook) -> List[str]:
    raw = rb.raw
    effective = raw.get("effective") or {}
    rows = [
        ("规则集 Rulebook id", code(rb.id)),
        ("文件 Document", esc(raw.get("title"))),
        ("文号 Number", esc(raw.get("document"))),
        ("地区 Jurisdiction", esc(raw.get("jurisdiction"))),
        ("发文机关 Issuers", esc("、".join(raw.get("issuers") or ())) if raw.get("issuers") else "—"),
        ("印发 Published", esc(raw.get("published"))),
        ("施行 In force", f"{esc(effective.get('from'))} — {esc(effective.get('until')) if effective.get('until') else '(no end date 未定)'}"),
    ]
    if raw.get("extends"):
        rows.append(("上位规则集 Extends", f'<a href="{esc(raw["extends"])}.html">{code(raw["extends"])}</a> — '
                     "sections this rulebook does not write are shown from it 本规则集未写明的部分沿用上位规则集"))
    if raw.get("cites"):
        rows.append(("依据 Cites", esc("、".join(raw["cites"]))))
    completeness = raw.get("completeness", "complete")
    rows.append(("完整性 Completeness", esc(completeness) + (
        "：" + esc("; ".join(raw.get("missing") or ())) if raw.get("missing") else "")))
    if raw.get("source"):
        rows.append(("非原文来源 Source", esc(raw["source"])))
    out = [f"# {raw.get('jurisdiction') or rb.id} — {rb.title}", ""]
    if completeness == "partial":
        out += ['!!! warning "部分 Partial"', f"    {rb.id} is partial: results carry a warning.", ""]
    out += [table(["", ""], rows, css="meta"), ""]
    if effective.get("article") or effective.get("text"):
        out += [beside([("施行", _legal(effective), fields(effective))]), ""]
    return out


def scope(rb: Rulebook) -> List[str]:
    node = rb.raw.get("scope") or {}
    roles = "<br>".join(f"{code(r)} {esc(ROLE_ZH.get(r, ''))}" for r in node.get("roles") or ())
    return ["## 适用人员 Scope", "", beside([("roles", _legal(node), roles)]), ""]


def parameters(rb: Rulebook) -> List[str]:
    params = rb.raw.get("parameters") or {}
    if not params:
        return []
    rows = []
    for name, body in params.items():
        rule = {"value": body.get("value"), "allowed": body.get("allowed")}
        if body.get("ambiguity") is not None:
            rule["ambiguity"] = body["ambiguity"]
        rows.append((code(name), law("、".join(body.get("articles") or ()), None, body.get("interpretation"),
                                     body.get("interpretation_zh")),
                     f"采用 chosen: <strong>{esc(compact(body.get('value')))}</strong>" + fields(rule)))
    return ["## 解释参数 Readings of ambiguous text", "",
            "Where the text allows more than one reading, the rulebook chooses one; a case may choose another "
            "allowed reading under its own `parameters:`. `ambiguity` is the number in the shared list of known "
            "ambiguities. 文本可有多种理解之处，规则集选定一种，个案可另选。", "",
            beside(rows, head=("参数 parameter", "条款与解释 Articles and reading", "取值 Values")), ""]


def responsibility(rb: Rulebook) -> List[str]:
    node = rb.raw.get("responsibility")
    if not node:
        return []
    rows = [(f"{code(level)} {esc(LEVEL_ZH.get(level, ''))}", law(None, body.get("text")), esc(body.get("label")))
            for level, body in (node.get("levels") or {}).items()]
    out = ["## 责任程度 Responsibility", "",
           _legal(node), "",
           f"A score event {'must' if node.get('required') else 'need not'} name a responsibility level. "
           f"记分事件{'须' if node.get('required') else '无须'}注明责任程度。", ""]
    if rows:
        out += [beside(rows, head=("level", "法条原文 Law", "label")), ""]
    return out


def _points(points: Any) -> str:
    if isinstance(points, Mapping):
        return "<br>".join(f"{esc(LEVEL_ZH.get(k, k))} {code(k)}: <strong>{esc(v)}</strong>" for k, v in points.items())
    return f"<strong>{esc(points)}</strong>"


def scoring(rb: Rulebook) -> List[str]:
    node = rb.raw.get("scoring")
    if not node:
        return []
    out = ["## 记分 Scoring", ""]
    model = node.get("model", "accumulate")
    general = {k: v for k, v in node.items() if k in ("model", "year", "allowance", "year_cap")}
    out += [f"Model {code(model)}: " + ("points accumulate over the natural year (累计记分)." if model == "accumulate"
                                        else f"points are deducted from a yearly allowance of {esc(node.get('allowance'))} (扣分制)."),
            "", fields(general) if general else "", ""]
    rows = []
    for key, label in (("aggregation", "合并 aggregation"), ("accumulation", "累计 accumulation"), ("discretion", "裁量 discretion")):
        if node.get(key):
            rows.append((label, _legal(node[key]), fields(node[key])))
    if rows:
        out += [beside(rows), ""]
    for tier in node.get("tiers") or ():
        out += [f"### 第{tier['tier']}档 Tier {tier['tier']}", "",
                beside([("tier", _legal(tier), _points(tier.get("points")) + (
                    f"<br>range {esc(compact(tier['range']))}" if tier.get("range") else ""))]), ""]
        # Situations as the engine compiled them: a tier without a list (situation_required: false)
        # is itself the situation a case names.
        raw_by_code = {str(s.get("code")): s for s in tier.get("situations") or ()}
        compiled = rb.tiers.get(tier["tier"])
        situation_rows = []
        for situation in (compiled.situations if compiled else ()):
            raw_s = raw_by_code.get(situation.code, {})
            rule = code(situation.code) + (" <em>catch-all 兜底</em>" if raw_s.get("catch_all") else "")
            if not raw_s:
                rule += " <em>the tier itself 本档即情形</em>"
            if "points" in raw_s:
                rule += f"<br>points {esc(raw_s['points'])}"
            situation_rows.append((f'<span id="situation-{esc(situation.code)}">{code(situation.code)}</span>',
                                   law(situation.legal.article, situation.legal.text, situation.legal.interpretation), rule))
        out += [beside(situation_rows, head=("情形 situation", "法条原文 Law", "规则 Rule")), ""]
    return out


def consequences(rb: Rulebook) -> List[str]:
    node = rb.raw.get("consequences")
    if not node:
        return []
    rows = [(code(rule["id"]), _legal(rule), fields(rule, skip=("id", "article", "text", "interpretation", "source")))
            for rule in node.get("rules") or ()]
    out = ["## 处理措施 Consequences", "",
           "After each score event the engine evaluates every rule's `when`; of those that hold, "
           f"the {code(node.get('selection', 'most_severe'))} one decides. 每次记分后，满足条件的规则中最严重者决定处理。", "",
           beside(rows), "",
           "### 按分值 By point total (computed by the engine)", "",
           "Each cell is the engine's decision on a generated ledger: *single* — one score event of N points; "
           "*cumulative* — small events on consecutive days bringing the natural year to N. "
           "由引擎对生成的台账计算：单次 = 一次记 N 分；累计 = 同一自然年度内以小分值累计至 N 分。", ""]
    computed = ledgers.consequence_table(rb)
    rows2 = []
    for n in ledgers.POINTS:
        c, s = computed["cumulative"][n], computed["single"][n]
        rows2.append((str(n), esc(c.label()) + _rules(c), esc(s.label()) + _rules(s)))
    out += [table(["分 points", "累计 cumulative", "单次 single"], rows2, css="by-points"), ""]
    return out


def _rules(outcome: ledgers.Outcome) -> str:
    if outcome.note and outcome.action is None:
        return f'<br><small title="{esc(outcome.note)}">not reachable</small>'
    return f"<br><small>{esc(', '.join(outcome.rules))}</small>" if outcome.rules else ""


def repair(rb: Rulebook) -> List[str]:
    node = rb.raw.get("repair")
    if not node:
        return []
    out = ["## 记分修复 Repair", "", beside([("repair", _legal(node), fields(node, skip=("article", "text", "interpretation", "ways", "refuse", "shorten_term")))]), ""]
    rows = [(f"{code(way)}<br>{esc(WAY_ZH.get(way, ''))}", _legal(body), fields(body)) for way, body in (node.get("ways") or {}).items()]
    out += ["### 修复途径 Ways", "", beside(rows, head=("way", "法条原文 Law", "规则 Rule")), ""]
    if node.get("refuse"):
        refuse_rows = [(code(r["id"]), _legal(r), fields(r, skip=("id", "article", "text", "interpretation")))
                       for r in node["refuse"]]
        out += ["### 不予修复 Refusals", "", beside(refuse_rows), ""]
    if node.get("shorten_term"):
        out += ["### 缩短期限 Shortening a term", "", beside([("shorten", _legal(node["shorten_term"]), fields(node["shorten_term"]))]), ""]
    return out


def restoration(rb: Rulebook) -> List[str]:
    node = rb.raw.get("restoration")
    if not node:
        return []
    return ["## 资格恢复 Restoration", "", beside([("restoration", _legal(node), fields(node))]), ""]


def settlement(rb: Rulebook) -> List[str]:
    rules = rb.raw.get("settlement")
    if not rules:
        return []
    rows = [(code(r["id"]), _legal(r), fields(r, skip=("id", "article", "text", "interpretation"))) for r in rules]
    return ["## 费用结算 Settlement", "", "The first rule whose `when` holds on the claim's date decides whether it is settled. "
            "按结算发生日的状态，第一条适用的规则决定是否结算。", "", beside(rows), ""]


def _label_of(key: str, body: Any) -> str:
    label = code(key)
    zh = DEADLINE_ZH.get(key) or WAY_ZH.get(key) or ROLE_ZH.get(key)
    return label + (f"<br>{esc(zh)}" if zh else "")


def _item_label(index: int, body: Mapping[str, Any]) -> str:
    for key in ("id", "kind", "code", "name", "tier"):
        if key in body:
            return _label_of(str(body[key]), body)
    return str(index + 1)


def _legal_list(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and bool(value) and all(
        isinstance(i, Mapping) and ("article" in i or "text" in i) for i in value)


def _item_rows(label: str, item: Mapping[str, Any]) -> List[tuple]:
    """A row for one item, then one row per nested rule that has its own law (e.g. an obligation's consequences)."""
    skip = ("article", "text", "interpretation", "source")
    nested = [k for k, v in item.items() if _legal_list(v)]
    rows = [(label, _legal(item), fields(item, skip=skip + tuple(nested)))]
    for key in nested:
        for index, sub in enumerate(item[key]):
            rows.append((f"{label}<br>→ {esc(key)} {_item_label(index, sub)}", _legal(sub), fields(sub, skip=skip)))
    return rows


def _collection_rows(value: Any) -> Optional[List[tuple]]:
    """Rows for a list of mappings (one per item) or a mapping of mappings (one per key)."""
    if isinstance(value, (list, tuple)) and value and all(isinstance(i, Mapping) for i in value):
        return [row for i, item in enumerate(value) for row in _item_rows(_item_label(i, item), item)]
    if isinstance(value, Mapping) and value and not any(k in value for k in ("article", "text")) \
            and all(isinstance(v, Mapping) for v in value.values()):
        return [row for k, v in value.items() for row in _item_rows(_label_of(str(k), v), v)]
    return None


def generic(key: str, node: Any, level: int = 2) -> List[str]:
    """A section this module has no dedicated layout for: law beside the remaining fields."""
    heading = section_title(key)
    out = [f"{'#' * level} {heading}", ""]
    rows = _collection_rows(node)
    if rows is not None:
        return out + [beside(rows), ""]
    if isinstance(node, Mapping):
        children = {k: r for k, r in ((k, _collection_rows(v)) for k, v in node.items()) if r is not None}
        plain = {k: v for k, v in node.items() if k not in children}
        if plain:
            legal = _legal(node) if any(k in node for k in ("article", "text")) else "—"
            out += [beside([(code(key), legal, fields(plain))]), ""]
        for child_key, child_rows in children.items():
            out += [f"**{esc(child_key)}**", "", beside(child_rows), ""]
    elif isinstance(node, (list, tuple)):
        out += [beside([(str(i + 1), "—", esc(compact(item))) for i, item in enumerate(node)]), ""]
    else:
        out += [f"`{compact(node)}`", ""]
    return out


def rulebook_page(rb: Rulebook) -> str:
    """The Markdown page of one rulebook."""
    out: List[str] = []
    out += metadata(rb)
    out += scope(rb)
    out += parameters(rb)
    out += responsibility(rb)
    out += scoring(rb)
    out += consequences(rb)
    out += repair(rb)
    for key in rb.raw:
        if key not in KNOWN:
            out += generic(key, rb.raw[key])
    out += restoration(rb)
    out += settlement(rb)
    out += versions(rb)
    out += ["---", "", f"Generated from `{esc(rb.source)}` by `yibao docs`; do not edit this page — edit the rulebook. "
            "本页由规则集自动生成，请修改规则集而非本页。", ""]
    return "\n".join(out)


def versions(rb: Rulebook) -> List[str]:
    """Every version of the rulebook over time (``<id>.yaml``, ``<id>@<label>.yaml``) and what changed between them."""
    found = api.rulebook_versions(rb.id) or [rb]
    rows = [(code(Path(str(v.source)).name), esc(v.document), esc(v.effective_from.isoformat()),
             esc(v.effective_until.isoformat() if v.effective_until else "—")) for v in found]
    out = ["## 版本沿革 Versions over time", "",
           table(["文件 file", "文号 document", "施行 from", "至 until"], rows), ""]
    if len(found) == 1:
        return out + ["目前只有一个版本。新版本另存为 `" + rb.id + "@<标签>.yaml`（注明施行日期）后，各版本间的逐条差异显示在此。 "
                      "One version so far: a new version saved as `" + rb.id + "@<label>.yaml` (with its effective "
                      "dates) appears here with the rule-by-rule changes from the one before.", ""]
    for before, after in zip(found, found[1:]):
        changes = to_json(before, after, diff_rulebooks(before, after))["changes"]
        out += [f"### {esc(before.effective_from.isoformat())} → {esc(after.effective_from.isoformat())}", ""]
        out += [table(["部分 section", "位置 where", "变化 change", "原 before", "新 after"],
                      [(esc(c["section"]), esc(c["path"]), esc(c["change"]), esc(c.get("a")), esc(c.get("b")))
                       for c in changes]) if changes else "无差异 no differences", ""]
    return out


def index_page(rulebooks: List[Rulebook]) -> str:
    rows = []
    for rb in rulebooks:
        until = rb.effective_until.isoformat() if rb.effective_until else "—"
        rows.append((f'<a href="{esc(rb.id)}.html">{esc(rb.raw.get("jurisdiction") or rb.id)}</a>', code(rb.id),
                     esc(rb.document), esc(rb.effective_from.isoformat()), esc(until), esc(rb.completeness),
                     str(len(rb.situations)), str(len(rb.consequences))))
    return "\n".join(["# 规则集 Rulebooks", "",
                      "One page per rulebook, generated from `rulebooks/*.yaml`. 每个规则集一页，由规则集文件生成。", "",
                      table(["地区 jurisdiction", "id", "文号 document", "施行 from", "至 until", "完整性", "情形 situations",
                             "处理规则 consequences"], rows), ""])
