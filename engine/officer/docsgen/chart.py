"""A small SVG line chart written by hand: suspension months against year points, one line per province.

No plotting library and no network: the chart is plain SVG text built from the engine's decisions
(:mod:`engine.officer.docsgen.ledgers`). A termination is drawn on its own band above the months axis.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

from engine.officer.docsgen.html import esc

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4")


def line_chart(title: str, series: Sequence[Tuple[str, Dict[int, Optional[float]]]], *, x_label: str, y_label: str,
               top_band: str = "终止 terminate", width: int = 860, height: int = 420) -> str:
    """An SVG line chart. ``series`` are (name, {x: y}); y None means 'on the top band'; missing x = no point."""
    left, right, top, bottom = 60, 300, 40, 50
    plot_w, plot_h = width - left - right, height - top - bottom
    xs = sorted({x for _, points in series for x in points}) or [0, 1]
    x_min, x_max = min(xs), max(xs)
    finite = [y for _, points in series for y in points.values() if y is not None]
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
        coords = [(px(x), py(points[x]) + shift) for x in xs if x in points]
        if coords:
            # one polyline per series; a point total the rulebook cannot reach breaks the line (a move, not a draw)
            segments: List[List[str]] = [[]]
            steps = range(int(x_min), int(x_max) + 1) if all(float(x).is_integer() for x in xs) else xs
            for x in steps:
                if x in points:
                    segments[-1].append(f"{px(x):.1f},{py(points[x]) + shift:.1f}")
                elif segments[-1]:
                    segments.append([])
            path = " M ".join(" L ".join(seg) for seg in segments if seg)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(f'<path class="series" data-series="{esc(name)}" fill="none" stroke="{color}" stroke-width="2"{dash_attr} d="M {path}"/>')
            for (x, y), key in zip(coords, [x for x in xs if x in points]):
                value = points[key]
                label = top_band if value is None else f"{value:g}"
                out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"><title>{esc(name)}: {key} → {esc(label)}</title></circle>')
        ly = top + 10 + index * 20
        lx = left + plot_w + 16
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<line x1="{lx}" y1="{ly}" x2="{lx + 24}" y2="{ly}" stroke="{color}" stroke-width="2"{dash_attr}/>')
        out.append(f'<text x="{lx + 30}" y="{ly + 4}">{esc(name)}</text>')
    out.append("</svg>")
    return "\n".join(out)
