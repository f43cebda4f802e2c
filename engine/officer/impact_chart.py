"""The chart of an impact report: persons by most severe action and by status, before and after the
change, as bars side by side — plain SVG text, no script and no plotting library (like
engine/officer/docsgen/chart.py)."""

from __future__ import annotations

from typing import Any, Dict, List, Sequence, Tuple

from engine.officer.docsgen.html import esc
from engine.population.layout import ACTIONS, STATES

COLOURS = ("#1f77b4", "#d62728")
LABELS_ZH = {"none": "无措施", "warn": "提醒/学习", "suspend": "暂停", "terminate": "终止",
             "normal": "正常", "suspended": "暂停", "terminated": "终止"}


def _panel(x: float, top: float, width: float, height: float, title: str, categories: Sequence[str],
           a: Dict[str, int], b: Dict[str, int], scale: float) -> List[str]:
    """One group of bars: for each category, side A then side B, with their counts."""
    out = [f'<text x="{x:.1f}" y="{top - 10:.1f}" font-weight="bold">{esc(title)}</text>',
           f'<line x1="{x:.1f}" y1="{top + height:.1f}" x2="{x + width:.1f}" y2="{top + height:.1f}" stroke="#333"/>']
    slot = width / max(1, len(categories))
    bar = slot * 0.32
    for index, category in enumerate(categories):
        left = x + index * slot + slot * 0.14
        for side, (counts, colour) in enumerate(((a, COLOURS[0]), (b, COLOURS[1]))):
            value = counts.get(category, 0)
            h = value / scale * height if scale else 0
            bx = left + side * bar
            out.append(f'<rect class="bar" data-side="{"ab"[side]}" data-category="{esc(category)}" x="{bx:.1f}" '
                       f'y="{top + height - h:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colour}">'
                       f'<title>{esc(category)}: {value:,}</title></rect>')
            out.append(f'<text x="{bx + bar / 2:.1f}" y="{top + height - h - 4:.1f}" text-anchor="middle" '
                       f'font-size="10">{value:,}</text>')
        out.append(f'<text x="{left + bar:.1f}" y="{top + height + 16:.1f}" text-anchor="middle">'
                   f'{esc(LABELS_ZH.get(category, category))} {esc(category)}</text>')
    return out


def impact_chart(report: Dict[str, Any], width: int = 900, height: int = 380) -> str:
    """The SVG of ``report`` (engine/officer/impact.py)."""
    a_label = report["rulebook"]
    b_label = report["against"]["spec"]
    title = f"{a_label} → {b_label}: {report['changed']['any']:,} / {report['persons']:,} persons change"
    panels: List[Tuple[str, Sequence[str], Dict[str, int], Dict[str, int]]] = [
        ("最严重措施 most severe action", ACTIONS, report["actions"]["a"], report["actions"]["b"]),
        ("状态 status on as_of", STATES, report["states"]["a"], report["states"]["b"])]
    scale = max([1] + [v for _, _, a, b in panels for v in list(a.values()) + list(b.values())])
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12" role="img" '
           f'aria-label="{esc(title)}">', f"<title>{esc(title)}</title>",
           f'<rect x="0" y="0" width="{width}" height="{height}" fill="white"/>',
           f'<text x="20" y="24" font-size="14" font-weight="bold">{esc(title)}</text>']
    panel_width = (width - 80) / 2
    for index, (name, categories, a, b) in enumerate(panels):
        out += _panel(30 + index * (panel_width + 20), 70, panel_width, height - 140, name, categories, a, b, scale)
    for side, (label, colour) in enumerate(((a_label, COLOURS[0]), (b_label, COLOURS[1]))):
        y = height - 30 + side * 16 - 8
        out.append(f'<rect x="30" y="{y - 9}" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="48" y="{y + 1}">{"AB"[side]}: {esc(label)}</text>')
    out.append("</svg>")
    return "\n".join(out)


__all__ = ["impact_chart"]
