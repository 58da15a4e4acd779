"""Small server-rendered SVG charts (no JavaScript): stock per office, balance over time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH = 340
BAR = 22
GAP = 8
LABEL = 120


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def stock_bars(rows: Sequence[tuple[str, int, int | None]], title: str) -> SafeString:
    """Horizontal bars: (office label, stock, days of cover). Low cover (< 30 days) is marked."""
    if not rows:
        return SafeString("")
    top = max(max(stock for _l, stock, _d in rows), 1)
    span = WIDTH - LABEL - 70
    height = len(rows) * (BAR + GAP) + GAP
    bars = []
    for index, (label, stock, days) in enumerate(rows):
        y = GAP + index * (BAR + GAP)
        length = round(span * stock / top)
        low = days is not None and days < 30
        cover = "—" if days is None else f"{days} hr"
        bars.append(
            format_html(
                '<g class="{}"><text x="0" y="{}" class="label">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" rx="3"></rect>'
                '<text x="{}" y="{}" class="value">{} · {}</text></g>',
                "bar low" if low else "bar",
                y + BAR * 0.7,
                label[:18],
                LABEL,
                y,
                max(length, 1),
                BAR,
                LABEL + max(length, 1) + 4,
                y + BAR * 0.7,
                _n(stock),
                cover,
            )
        )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" width="100%" role="img" aria-label="{}">'
        "<title>{}</title>{}</svg>",
        WIDTH,
        height,
        title,
        title,
        mark_safe("".join(bars)),  # noqa: S308  (each bar is built with format_html)
    )


def balance_line(points: Sequence[tuple[datetime, int]], title: str) -> SafeString:
    """A step line of the balance after each posted line, oldest first."""
    if not points:
        return SafeString("")
    height, pad = 160, 30
    top = max(max(b for _t, b in points), 1)
    count = len(points)
    step = (WIDTH - 2 * pad) / max(count - 1, 1)

    def y(balance: int) -> float:
        return round(height - pad - (height - 2 * pad) * balance / top, 1)

    coords = []
    for index, (_moment, balance) in enumerate(points):
        x = round(pad + index * step, 1)
        if coords:
            coords.append((x, coords[-1][1]))
        coords.append((x, y(balance)))
    path = " ".join(f"{x},{yy}" for x, yy in coords)
    first, last = points[0][0], points[-1][0]
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{t}">'
        "<title>{t}</title>"
        '<line x1="{p}" y1="{base}" x2="{right}" y2="{base}" class="axis"></line>'
        '<text x="0" y="{ytop}" class="value">{top}</text>'
        '<text x="0" y="{base}" class="value">0</text>'
        '<polyline points="{path}" class="balance"></polyline>'
        "{dots}"
        '<text x="{p}" y="{h1}" class="label">{first}</text>'
        '<text x="{right}" y="{h1}" class="label" text-anchor="end">{last}</text></svg>',
        w=WIDTH,
        h=height,
        t=title,
        p=pad,
        base=height - pad,
        right=WIDTH - pad,
        ytop=pad,
        top=_n(top),
        path=path,
        dots=format_html_join(
            "",
            '<circle cx="{}" cy="{}" r="2"></circle>',
            ((round(pad + i * step, 1), y(b)) for i, (_t, b) in enumerate(points)),
        ),
        h1=height - 8,
        first=f"{first:%d-%m-%Y}",
        last=f"{last:%d-%m-%Y}",
    )
