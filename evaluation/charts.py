"""Charts drawn on the server as SVG, so the page, the print view and the PDF show the same picture.

Each chart carries role="img" with a <title> and <desc>; the page puts a table with the same numbers
beside it, and numbers are written in the cells and at the end of the bars: colour is never the only
signal.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Colour-blind-safe palette (Okabe-Ito), one colour per series; the legend names each.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
FONT = 'font-family="Helvetica, Arial, sans-serif"'


def _open(chart_id: str, width: int, height: int, title: str, desc: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" class="chart">'
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(desc)}</desc>'
    )


def _shade(value: int, top: int) -> tuple[str, str]:
    """Fill and text colour for a heat-map cell: five steps of blue, dark text on light cells."""
    if not value:
        return "#f3f4f6", "#6b7280"
    steps = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]
    i = min(4, int(4 * value / top)) if top else 0
    return steps[i], ("#000000" if i < 3 else "#ffffff")


def heatmap(
    chart_id: str, rows: list[str], cols: list[str], values: dict[tuple[str, str], int], title: str, desc: str
) -> SafeString:
    cell_w, cell_h = 46, 22
    left = int(max((len(r) for r in rows), default=2) * 6.5) + 14
    # column labels are turned 45 degrees: room above and to the right for the longest one
    slant = int(max((len(c) for c in cols), default=4) * 6.2 * 0.71) + 12
    top_pad = slant + 4
    width = left + cell_w * len(cols) + slant
    height = top_pad + cell_h * len(rows) + 10
    top = max(values.values(), default=0)
    out = [_open(chart_id, width, height, title, desc)]
    for j, col in enumerate(cols):
        x = left + j * cell_w + cell_w / 2
        out.append(
            f'<text x="{x}" y="{top_pad - 6}" {FONT} font-size="11" text-anchor="start" '
            f'transform="rotate(-45 {x} {top_pad - 6})">{escape(col)}</text>'
        )
    for i, row in enumerate(rows):
        y = top_pad + i * cell_h
        out.append(
            f'<text x="{left - 6}" y="{y + cell_h * 0.7}" {FONT} font-size="11" text-anchor="end">{escape(row)}</text>'
        )
        for j, col in enumerate(cols):
            v = values.get((row, col), 0)
            fill, ink = _shade(v, top)
            x = left + j * cell_w
            out.append(
                f'<rect x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" fill="{fill}">'
                f"<title>{escape(row)} · {escape(col)}: {v}</title></rect>"
                f'<text x="{x + cell_w / 2 - 1}" y="{y + cell_h * 0.7}" {FONT} font-size="11" '
                f'text-anchor="middle" fill="{ink}">{v}</text>'
            )
    out.append("</svg>")
    return mark_safe("".join(out))


def stacked_bars(
    chart_id: str,
    categories: list[str],
    series: list[tuple[str, list[int]]],
    title: str,
    desc: str,
) -> SafeString:
    """Vertical bars per category, stacked by series; the total written above each bar."""
    bar_w, gap, left, plot_h, top_pad = 44, 18, 40, 180, 20
    legend_h = 20 * ((len(series) + 2) // 3)
    width = max(left + (bar_w + gap) * len(categories) + 10, 460)
    height = top_pad + plot_h + 30 + legend_h
    totals = [sum(s[1][i] for s in series) for i in range(len(categories))]
    top = max(totals, default=0) or 1
    out = [_open(chart_id, width, height, title, desc)]
    base = top_pad + plot_h
    out.append(f'<line x1="{left - 4}" y1="{base}" x2="{width - 6}" y2="{base}" stroke="#374151"/>')
    for i, cat in enumerate(categories):
        x = left + i * (bar_w + gap)
        y = base
        for k, (label, values) in enumerate(series):
            h = plot_h * values[i] / top
            if h:
                y -= h
                out.append(
                    f'<rect x="{x}" y="{y:.1f}" width="{bar_w}" height="{h:.1f}" fill="{PALETTE[k % len(PALETTE)]}">'
                    f"<title>{escape(cat)} · {escape(label)}: {values[i]}</title></rect>"
                )
        out.append(
            f'<text x="{x + bar_w / 2}" y="{y - 4:.1f}" {FONT} font-size="11" text-anchor="middle">{totals[i]}</text>'
            f'<text x="{x + bar_w / 2}" y="{base + 15}" {FONT} font-size="11" text-anchor="middle">{escape(cat)}</text>'
        )
    ly = base + 32
    for k, (label, _values) in enumerate(series):
        lx = left + (k % 3) * 150
        yy = ly + 20 * (k // 3)
        out.append(
            f'<rect x="{lx}" y="{yy - 10}" width="12" height="12" fill="{PALETTE[k % len(PALETTE)]}"/>'
            f'<text x="{lx + 16}" y="{yy}" {FONT} font-size="11">{escape(label)}</text>'
        )
    out.append("</svg>")
    return mark_safe("".join(out))


def hbars(chart_id: str, items: list[tuple[str, float, str]], title: str, desc: str) -> SafeString:
    """Horizontal bars, one per (label, value, shown text); bars are scaled against the largest."""
    row_h, plot_w = 24, 260
    left = min(int(max((len(label) for label, _v, _t in items), default=10) * 6.0) + 12, 380)
    width = left + plot_w + 140
    height = max(row_h * len(items) + 10, 40)
    top = max((v for _l, v, _t in items), default=0) or 1
    out = [_open(chart_id, width, height, title, desc)]
    if not items:
        out.append(f'<text x="10" y="24" {FONT} font-size="12">–</text>')
    for i, (label, value, shown) in enumerate(items):
        y = 5 + i * row_h
        w = plot_w * value / top
        out.append(
            f'<text x="{left - 6}" y="{y + 15}" {FONT} font-size="11" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" fill="{PALETTE[0]}">'
            f"<title>{escape(label)}: {escape(shown)}</title></rect>"
            f'<text x="{left + w + 4:.1f}" y="{y + 15}" {FONT} font-size="11">{escape(shown)}</text>'
        )
    out.append("</svg>")
    return mark_safe("".join(out))
