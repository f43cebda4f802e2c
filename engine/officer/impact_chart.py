"""The chart of an impact report — plain SVG text, no script and no plotting library (like
engine/officer/docsgen/chart.py).

Three panels: persons by most severe action and by status on as_of, under A and under B side by side;
and the persons whose action becomes more or less severe, by tier. Most persons of a population have no
measure, so the first category (none, normal) would flatten every other bar: each panel is scaled to its
other categories, and a bar that does not fit is cut with a break mark and keeps its number.
"""

from __future__ import annotations

from typing import Any, Dict, List, Sequence, Tuple

from engine.officer.docsgen.html import esc
from engine.population.layout import ACTIONS, STATES

COLOURS = ("#1f77b4", "#d62728")
CHANGE_COLOURS = ("#d62728", "#2ca02c")
LABELS_ZH = {"none": "无措施", "warn": "提醒/学习", "suspend": "暂停", "terminate": "终止",
             "normal": "正常", "suspended": "暂停", "terminated": "终止"}


def _short(value: int) -> str:
    """A count in at most five characters: 863k, 1.2M."""
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if value >= 10_000:
        return f"{value / 1000:.0f}k"
    return f"{value:,}"


Bar = Tuple[str, int, str]  # (series, value, colour)


def _panel(x: float, top: float, width: float, height: float, title: str,
           groups: Sequence[Tuple[str, Sequence[Bar]]]) -> List[str]:
    """One panel: a group of bars per category; scaled to all but the first group when it dwarfs them."""
    values = [value for _, bars in groups for _, value, _ in bars]
    rest = [value for _, bars in groups[1:] for _, value, _ in bars]
    scale = max(rest or values or [1]) or 1
    if values and max(values) <= scale * 1.5:
        scale = max(values) or 1
    out = [f'<text x="{x:.1f}" y="{top - 28:.1f}" font-weight="bold">{esc(title)}</text>',
           f'<line x1="{x:.1f}" y1="{top + height:.1f}" x2="{x + width:.1f}" y2="{top + height:.1f}" stroke="#333"/>']
    slot = width / max(1, len(groups))
    for index, (category, bars) in enumerate(groups):
        bar = min(34.0, slot * 0.8 / max(1, len(bars)))
        left = x + index * slot + (slot - bar * len(bars)) / 2
        for k, (series, value, colour) in enumerate(bars):
            cut = value > scale
            h = height if cut else value / scale * height
            bx = left + k * bar
            y = top + height - h
            out.append(f'<rect class="bar" data-series="{esc(series)}" data-category="{esc(category)}" '
                       f'x="{bx:.1f}" y="{y:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" fill="{colour}">'
                       f'<title>{esc(series)} — {esc(category)}: {value:,}</title></rect>')
            if cut:  # a break mark: the bar is taller than the panel
                out.append(f'<path d="M {bx - 1:.1f},{y + 10:.1f} l {bar:.1f},-6 M {bx - 1:.1f},{y + 15:.1f} '
                           f'l {bar:.1f},-6" stroke="white" stroke-width="2"/>')
            out.append(f'<text x="{bx + bar / 2 - 1:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-size="10">'
                       f'{_short(value)}</text>')
        middle = x + index * slot + slot / 2
        lines = [LABELS_ZH[category], category] if category in LABELS_ZH else category.split(" ", 1)
        for row, line in enumerate(lines):  # Chinese above, English below: labels never run into each other
            out.append(f'<text x="{middle:.1f}" y="{top + height + 16 + 14 * row:.1f}" text-anchor="middle" '
                       f'font-size="11">{esc(line)}</text>')
    return out


def impact_chart(report: Dict[str, Any], width: int = 980, height: int = 420) -> str:
    """The SVG of ``report`` (engine/officer/impact.py)."""
    a_label, b_label = report["rulebook"], report["against"]["spec"]
    title = f"{a_label} → {b_label}: {report['changed']['any']:,} / {report['persons']:,} persons change"

    def before_after(counts: Dict[str, Dict[str, int]], words: Sequence[str]):
        return [(word, [("A", counts["a"].get(word, 0), COLOURS[0]), ("B", counts["b"].get(word, 0), COLOURS[1])])
                for word in words]

    tiers = [row for row in report["by_tier"] if row["changed"]]
    changes = [(f"{'第' + str(row['tier']) + '档 tier ' + str(row['tier']) if row['tier'] else '未记分 none'}",
                [("more severe", row["more_severe"], CHANGE_COLOURS[0]),
                 ("less severe", row["less_severe"], CHANGE_COLOURS[1])])
               for row in sorted(tiers, key=lambda r: r["tier"])] or [("—", [("more severe", 0, CHANGE_COLOURS[0])])]
    panels = [("最严重措施 most severe action", before_after(report["actions"], ACTIONS)),
              ("报告日状态 status on as_of", before_after(report["states"], STATES)),
              ("措施变化 by tier: more / less severe", changes)]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12" role="img" '
           f'aria-label="{esc(title)}">', f"<title>{esc(title)}</title>",
           f'<rect x="0" y="0" width="{width}" height="{height}" fill="white"/>',
           f'<text x="20" y="24" font-size="14" font-weight="bold">{esc(title)}</text>']
    gap = 40
    panel_width = (width - 40 - gap * (len(panels) - 1)) / len(panels)
    for index, (name, groups) in enumerate(panels):
        out += _panel(20 + index * (panel_width + gap), 90, panel_width, height - 180, name, groups)
    legend = [(f"A: {a_label}", COLOURS[0]), (f"B: {b_label}", COLOURS[1]), ("more severe 加重", CHANGE_COLOURS[0]),
              ("less severe 减轻", CHANGE_COLOURS[1])]
    for index, (label, colour) in enumerate(legend):
        x, y = 20 + (index % 2) * 420, height - 30 + (index // 2) * 18
        out.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{x + 18}" y="{y}">{esc(label)}</text>')
    out.append("</svg>")
    return "\n".join(out)


__all__ = ["impact_chart"]
