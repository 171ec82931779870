"""Horizontal bar charts as inline SVG, so the HTML report needs no script, font or library.

One function draws every chart of the report: one bar per row, stacked when there are several
series (findings per category, stacked by severity), a single colour otherwise. Labels come
from the store (rule ids, domains) and are escaped like any other page content; a long label
is shortened on the chart and given in full in the bar's tooltip (``<title>``).
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

# Characters HTML cannot carry (controls other than tab and line breaks, lone surrogates).
_NOT_HTML = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ud800-\udfff]")

WIDTH = 640
LABEL_WIDTH = 210
NOTE_WIDTH = 170
ROW = 22
BAR = 16
TOP = 30
LEGEND = 20
LABEL_CHARS = 30


def esc(value: object) -> str:
    """Any value as HTML-safe text (attribute values included); None is empty."""
    if value is None:
        return ""
    return html.escape(_NOT_HTML.sub("\ufffd", str(value)), quote=True)


@dataclass
class Bar:
    label: str
    values: list[float]
    note: str | None = None  # shown after the bar instead of its total
    colour: str | None = None  # single-series charts: this bar's own colour


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def bar_chart(title: str, bars: list[Bar], series: list[tuple[str, str]]) -> str:
    """An SVG chart: ``series`` is (name, colour) per stacked value; ``bars`` one row each."""
    legend = LEGEND if len(series) > 1 else 0
    height = TOP + legend + max(len(bars), 1) * ROW + 8
    plot = WIDTH - LABEL_WIDTH - NOTE_WIDTH
    biggest = max((sum(b.values) for b in bars), default=0) or 1
    out = [f'<svg class="chart" width="{WIDTH}" height="{height}" '
           f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{esc(title)}">',
           f'<text x="0" y="18" class="title">{esc(title)}</text>']
    if legend:
        x = LABEL_WIDTH
        for name, colour in series:
            out.append(f'<rect x="{x}" y="{TOP - 4}" width="10" height="10" fill="{esc(colour)}"/>'
                       f'<text x="{x + 14}" y="{TOP + 5}" class="legend">{esc(name)}</text>')
            x += 24 + 7 * len(name)
    if not bars:
        out.append(f'<text x="{LABEL_WIDTH}" y="{TOP + legend + 14}" class="empty">no data</text>')
    for i, bar in enumerate(bars):
        y = TOP + legend + i * ROW
        out.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR - 4}" text-anchor="end" class="label">'
                   f'<title>{esc(bar.label)}</title>{esc(_short(bar.label))}</text>')
        x = float(LABEL_WIDTH)
        for j, value in enumerate(bar.values):
            if value <= 0:
                continue
            width = plot * value / biggest
            name, colour = series[j]
            fill = bar.colour if bar.colour and len(series) == 1 else colour
            out.append(f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{BAR}" fill="{esc(fill)}">'
                       f'<title>{esc(bar.label)}: {esc(name)} {value:g}</title></rect>')
            x += width
        note = bar.note if bar.note is not None else f"{sum(bar.values):g}"
        out.append(f'<text x="{x + 6:.1f}" y="{y + BAR - 4}" class="value">{esc(note)}</text>')
    out.append("</svg>")
    return "\n".join(out)
