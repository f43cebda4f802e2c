"""Small HTML helpers for the generated Markdown pages (raw HTML blocks pass through Markdown).

Tables are written as HTML rather than Markdown so that cells carry ``data-*`` attributes: the
site tests find a cell by rulebook and row and compare it with the engine's own evaluation.
"""

from __future__ import annotations

import html
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import yaml

from engine.base.frozen import thaw

#: Chinese labels of the shared identifiers (GLOSSARY.md).
ROLE_ZH = {
    "physician": "医师", "nurse": "护士", "pharmacist": "药师", "technician": "医疗技术人员",
    "caregiver": "健康照护人员", "billing_reviewer": "医疗费用和医保结算审核人员",
    "pharmacy_principal": "定点零售药店主要负责人",
}
LEVEL_ZH = {"general": "一般责任", "important": "重要责任", "primary": "主要责任"}
WAY_ZH = {
    "exam": "学习培训并通过考试", "activity": "参与宣传活动、飞行检查、专项检查等", "publicity": "参与医保政策宣传活动",
    "inspection": "参与/协助医保基金使用检查", "online_study": "线上学习", "whistleblowing": "投诉举报经查证属实",
    "article_municipal": "市、县级媒体发表文章", "article_provincial": "省级以上媒体发表文章",
    "management": "参与医保管理工作",
}
DEADLINE_ZH = {
    "appeal": "异议申诉", "verification": "申诉核实", "restoration": "资格恢复评估",
    "restoration_request": "期满前提出恢复申请", "notice": "出具处理通知书", "delivery": "送达",
    "record_update": "信息更新", "publication": "公开",
}


def esc(value: Any) -> str:
    """Text for HTML: escaped; None as an em dash."""
    if value is None:
        return "—"
    return html.escape(str(value), quote=True)


def code(value: Any) -> str:
    return f"<code>{esc(value)}</code>"


def compact(value: Any) -> str:
    """A value as one line of YAML flow style (what an officer would write in the rulebook)."""
    if isinstance(value, (Mapping, list, tuple)):
        return yaml.safe_dump(thaw(value), allow_unicode=True, default_flow_style=True, width=10_000, sort_keys=False).strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def prose(value: Any) -> str:
    """Text for HTML with its `code` spans shown as code (raw HTML blocks leave Markdown backticks as they are)."""
    parts = str(value).split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: plain text
        return esc(value)
    return "".join(esc(part) if i % 2 == 0 else code(part) for i, part in enumerate(parts))


def reading(interpretation: Optional[str], interpretation_zh: Optional[str] = None) -> str:
    """The engine's reading of the text: Chinese first, the English beside it."""
    out = []
    if interpretation_zh:
        out.append(f'<div class="reading zh"><em>解释</em> {prose(interpretation_zh)}</div>')
    if interpretation:
        out.append(f'<div class="reading en"><em>Reading</em> {prose(interpretation)}</div>')
    return "".join(out)


def law(article: Optional[str], text: Optional[str], interpretation: Optional[str] = None,
        interpretation_zh: Optional[str] = None) -> str:
    """The law column: article in bold, the original sentence, the engine's reading under it (中文, English)."""
    head = []
    if article:
        head.append(f'<strong class="article">{esc(article)}</strong>')
    if text:
        head.append(f'<span class="law-text">{esc(text)}</span>')
    return ("<br>".join(head) + reading(interpretation, interpretation_zh)) or "—"


def fields(mapping: Mapping[str, Any], skip: Iterable[str] = ("article", "text", "interpretation", "source")) -> str:
    """The rule column: ``key: value`` lines in code, in the rulebook's own order (readings are in the law column)."""
    skipped = set(skip) | {"interpretation_zh"}
    lines = [f"{esc(k)}: {esc(compact(v))}" for k, v in mapping.items() if k not in skipped]
    return f'<pre class="rule"><code>{chr(10).join(lines)}</code></pre>' if lines else ""


def beside(rows: Sequence[Tuple[str, str, str]], *, head: Tuple[str, str, str] = ("", "法条原文 Law", "规则 Rule as the engine reads it")) -> str:
    """A table with the law on the left and the rule that encodes it on the right."""
    out = ['<table class="beside">', "<thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead>", "<tbody>"]
    for label, law_html, rule_html in rows:
        out.append(f"<tr><td>{label}</td><td>{law_html}</td><td>{rule_html}</td></tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def table(head: Sequence[str], rows: Sequence[Sequence[str]], *, css: str = "") -> str:
    out = [f'<table class="{css}">' if css else "<table>",
           "<thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead>", "<tbody>"]
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def compare_table(topic: str, columns: Sequence[Tuple[str, str]], rows: Sequence[Tuple[str, str, Dict[str, Tuple[str, str]]]],
                  *, first: str = "") -> str:
    """One table of a comparison topic, one column per jurisdiction.

    ``columns`` are (rulebook id, header html); ``rows`` are (row key, row label html,
    {rulebook id: (cell html, comparable text)}). A row whose comparable texts differ between
    jurisdictions is marked ``class="differs"`` and flagged ≠ so the eye finds it.
    """
    out = [f'<table class="compare" data-topic="{esc(topic)}">', "<thead><tr>",
           f"<th>{first}</th><th></th>" + "".join(f'<th data-rulebook="{esc(rid)}">{head}</th>' for rid, head in columns),
           "</tr></thead>", "<tbody>"]
    for key, label, cells in rows:
        texts = {cells.get(rid, ("", "—"))[1] for rid, _ in columns}
        differs = len(texts) > 1
        mark = '<span class="differs-mark" title="provinces differ / 各地不同">≠</span>' if differs else ""
        out.append(f'<tr data-row="{esc(key)}"' + (' class="differs">' if differs else ">"))
        out.append(f"<th>{label}</th><td>{mark}</td>")
        for rid, _ in columns:
            cell_html, plain = cells.get(rid, ("—", "—"))
            out.append(f'<td data-rulebook="{esc(rid)}" data-value="{esc(plain)}">{cell_html}</td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def bullet(items: List[str]) -> str:
    return "\n".join(f"- {item}" for item in items)
