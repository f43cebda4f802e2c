"""A small SVG line chart written by hand: suspension months against year points, one line per province.

No plotting library and no network: the chart is plain SVG text built from the engine's decisions
(:mod:`engine.officer.docsgen.ledgers`). A termination is drawn on its own band above the months axis; a
term given as a range (“暂停 1-6 个月”) is a shaded band from its shortest to its longest term; a point total
a rulebook cannot reach is bridged by a faint dotted line, so a series with gaps (济宁's classes) still reads
as a line, not as lone dots.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple, Union

#: A value of the chart: months, None (terminated: the top band) or a range (shortest, longest) in months.
Value = Union[float, None, Tuple[float, float]]

from engine.officer.docsgen.html import esc

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4")


def _low(value: Value) -> Optional[float]:
    return value[0] if isinstance(value, tuple) else value


def line_chart(title: str, series: Sequence[Tuple[str, Dict[int, Value]]], *, x_label: str, y_label: str,
               top_band: str = "终止 terminate", width: int = 860, height: int = 420) -> str:
    """An SVG line chart. ``series`` are (name, {x: y}); y None means 'on the top band', a pair (low, high) a
    range drawn as a band; missing x = no point."""
    left, right, top, bottom = 60, 300, 40, 50
    plot_w, plot_h = width - left - right, height - top - bottom
    xs = sorted({x for _, points in series for x in points}) or [0, 1]
    x_min, x_max = min(xs), max(xs)
    finite = [b for _, points in series for y in points.values() if y is not None
              for b in (y if isinstance(y, tuple) else (y,))]
    y_max = max([1.0] + finite)
    band = y_max + max(1.0, y_max * 0.15)  # where terminations sit

    def px(x: float) -> float:
        return left + (x - x_min) / ((x_max - x_min) or 1) * plot_w

    def py(y: Optional[float]) -> float:
        return top + plot_h - ((band if y is None else y) / band) * plot_h

    out: List[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="sans-serif" font-size="12" role="img" aria-label="{esc(title)}">',
        f"<title>{esc(title)}</title>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="white"/>',
        f'<text x="{left}" y="{top - 16}" font-size="14" font-weight="bold">{esc(title)}</text>',
    ]
    # grid and axes
    step = 1 if y_max <= 12 else 2
    y = 0.0
    while y <= y_max + 1e-9:
        out.append(f'<line x1="{left}" y1="{py(y):.1f}" x2="{left + plot_w}" y2="{py(y):.1f}" stroke="#e5e5e5"/>')
        out.append(f'<text x="{left - 8}" y="{py(y) + 4:.1f}" text-anchor="end">{y:g}</text>')
        y += step
    out.append(f'<line x1="{left}" y1="{py(None):.1f}" x2="{left + plot_w}" y2="{py(None):.1f}" stroke="#f3b0b0" stroke-dasharray="4 3"/>')
    out.append(f'<text x="{left - 8}" y="{py(None) + 4:.1f}" text-anchor="end" fill="#b00">{esc(top_band.split()[0])}</text>')
    for x in xs:
        out.append(f'<line x1="{px(x):.1f}" y1="{top}" x2="{px(x):.1f}" y2="{top + plot_h}" stroke="#f0f0f0"/>')
        out.append(f'<text x="{px(x):.1f}" y="{top + plot_h + 16}" text-anchor="middle">{x}</text>')
    out.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#333"/>')
    out.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#333"/>')
    out.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 12}" text-anchor="middle">{esc(x_label)}</text>')
    out.append(f'<text x="16" y="{top + plot_h / 2:.1f}" text-anchor="middle" transform="rotate(-90 16 {top + plot_h / 2:.1f})">{esc(y_label)}</text>')
    # lines: a small vertical offset per series keeps equal lines visible
    for index, (name, points) in enumerate(series):
        color = PALETTE[index % len(PALETTE)]
        dash = DASHES[index % len(DASHES)]
        shift = (index - (len(series) - 1) / 2) * 2.0
        keys = [x for x in xs if x in points]
        out += _bands(name, points, keys, px, py, shift, color)
        coords = [(px(x), py(_low(points[x])) + shift) for x in keys]
        if coords:
            # solid between neighbouring totals; a total the rulebook cannot reach is bridged by a faint dotted line
            step = 1 if all(float(x).is_integer() for x in xs) else None
            solid: List[str] = []
            bridge: List[str] = []
            for (x0, (a, b)), (x1, (c, d)) in zip(zip(keys, coords), zip(keys[1:], coords[1:])):
                target = solid if step is None or x1 - x0 == step else bridge
                target.append(f"M {a:.1f},{b:.1f} L {c:.1f},{d:.1f}")
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            if solid:
                out.append(f'<path class="series" data-series="{esc(name)}" fill="none" stroke="{color}" stroke-width="2"'
                           f'{dash_attr} d="{" ".join(solid)}"/>')
            if bridge:
                out.append(f'<path class="bridge" data-series="{esc(name)}" fill="none" stroke="{color}" stroke-width="1.5" '
                           f'stroke-opacity="0.6" stroke-dasharray="1 4" d="{" ".join(bridge)}"/>')
            for (x, y), key in zip(coords, keys):
                value = points[key]
                label = top_band if value is None else (f"{value[0]:g}-{value[1]:g}" if isinstance(value, tuple)
                                                        else f"{value:g}")
                out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{color}" stroke="white" stroke-width="1">'
                           f'<title>{esc(name)}: {key} → {esc(label)}</title></circle>')
        ly = top + 10 + index * 20
        lx = left + plot_w + 16
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<line x1="{lx}" y1="{ly}" x2="{lx + 24}" y2="{ly}" stroke="{color}" stroke-width="2"{dash_attr}/>')
        out.append(f'<text x="{lx + 30}" y="{ly + 4}">{esc(name)}</text>')
    out.append(f'<text x="{left + plot_w + 16}" y="{top + 10 + len(series) * 20 + 8}" fill="#555">'
               '阴影：期限为区间 shaded: a range of months</text>')
    out.append("</svg>")
    return "\n".join(out)


def _bands(name: str, points: Dict[int, Value], keys: List[int], px, py, shift: float, color: str) -> List[str]:
    """A shaded polygon over every run of neighbouring totals whose term is a range (low … high months)."""
    out: List[str] = []
    run: List[int] = []
    for key in keys + [None]:  # type: ignore[list-item]
        if key is not None and isinstance(points[key], tuple) and (not run or key == run[-1] + 1):
            run.append(key)
            continue
        if run:
            half = 0.18 if len(run) == 1 else 0.0  # a lone range is a short bar, not a line of no width
            upper = [f"{px(x - half if i == 0 else x):.1f},{py(points[x][1]) + shift:.1f}" for i, x in enumerate(run)]
            if half:
                upper.append(f"{px(run[-1] + half):.1f},{py(points[run[-1]][1]) + shift:.1f}")
            lower = [f"{px(x):.1f},{py(points[x][0]) + shift:.1f}" for x in reversed(run)]
            if half:
                lower = [f"{px(run[-1] + half):.1f},{py(points[run[-1]][0]) + shift:.1f}",
                         f"{px(run[0] - half):.1f},{py(points[run[0]][0]) + shift:.1f}"]
            low, high = points[run[0]]
            out.append(f'<polygon class="band" data-series="{esc(name)}" fill="{color}" fill-opacity="0.16" '
                       f'stroke="{color}" stroke-opacity="0.5" stroke-width="1" points="{" ".join(upper + lower)}">'
                       f'<title>{esc(name)}: {low:g}-{high:g} 个月 months</title></polygon>')
        run = [key] if key is not None and isinstance(points[key], tuple) else []
    return out
