"""Server-rendered SVG charts (no JavaScript): ranked bars against a target, trend lines, and
bars of a time against its standard. Drawn with `alur.core.charts`: 12-px text at 1:1 on a
phone, names wrapped rather than cut, colours as attributes (the LAKIP PDF has no black bars)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString

from alur.core import charts as c

BAR = 16
GAP = 6
LABEL = 140  # the label column; the bars start here
VALUE = 48  # the values' column at the right ("100,0%"), clear of the bars and the target


def _label_lines(label: str) -> list[str]:
    return c.wrap(c.short_name(label), LABEL - 6)


def _row_height(lines: list[str]) -> float:
    return max(BAR, c.LINE * len(lines)) + GAP


def ranked_bars(
    rows: Sequence[tuple[str, float | None]],
    title: str,
    *,
    target: float | None = None,
    top: float | None = None,
    caption: bool = False,
) -> SafeString:
    """Horizontal bars (label, value %), highest first as given; below the target in orange,
    the target as a dashed line. With `top` (the longest bar's value) the values are counts."""
    if not rows:
        return SafeString("")
    counts = top is not None
    top = top if top is not None else 100.0
    span = c.WIDTH - LABEL - VALUE
    parts, y = _caption(title) if caption else ([], 0.0)
    y += GAP
    target_top = y
    for label, value in rows:
        lines = _label_lines(label)
        height = _row_height(lines)
        middle = y + (height - GAP) / 2
        length = 0 if value is None else max(span * min(value, top) / top, 1)
        below = target is not None and value is not None and value < target
        shown = "—" if value is None else c.number(value) if counts else c.percent(value)
        first_line = middle - (len(lines) - 1) * c.LINE / 2 + 4
        parts += [
            c.text(0, first_line, lines),
            c.rect(
                LABEL,
                middle - BAR / 2,
                length,
                BAR,
                c.LOW if below else c.BAR,
                css="bar below" if below else "bar",
                rx="2",
            ),
            c.text(
                c.WIDTH, middle + 4, shown, size=c.SMALL, fill=c.VALUE, anchor="end", css="value"
            ),
        ]
        y += height
    if target is not None:
        x = LABEL + span * min(target, top) / top
        parts += [
            c.line(x, target_top - GAP, x, y, c.VALUE, "target", stroke_dasharray="3 2"),
            c.text(
                x,
                y + 13,
                f"target {c.percent(target, 0) if target == int(target) else c.percent(target)}",
                size=c.SMALL,
                css="legend",
                anchor="middle",
            ),
        ]
        y += 18
    return c.svg(y, title, parts)


def _caption(title: str) -> tuple[list[SafeString], float]:
    """The chart's title written above it (where the page has no heading of its own)."""
    lines = c.wrap(title, c.WIDTH - 4, lines=3, bold=True)
    return [c.text(0, 13, lines, weight="bold", fill=c.VALUE, css="caption")], c.LINE * len(
        lines
    ) + 6


def trend_lines(
    months: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    title: str,
    *,
    caption: bool = False,
) -> SafeString:
    """One line per series over the months (0–100 %), with a legend of one line per series."""
    if not months or not series:
        return SafeString("")
    head, shift = _caption(title) if caption else ([], 0.0)
    plot_top, plot_bottom, left, right = 10 + shift, 150 + shift, 38, c.WIDTH - 20
    count = len(months)
    step = (right - left) / max(count - 1, 1)

    def y(value: float) -> float:
        return plot_bottom - (plot_bottom - plot_top) * value / 100

    parts = [
        *head,
        c.line(left, y(0), right, y(0), c.AXIS, "axis"),
        c.line(left, y(100), right, y(100), c.AXIS, "axis", stroke_dasharray="2 3"),
        c.text(left - 4, y(100) + 4, "100%", size=c.SMALL, anchor="end", css="value"),
        c.text(left - 4, y(0) + 4, "0%", size=c.SMALL, anchor="end", css="value"),
    ]
    every = max(1, math.ceil(count / 6))  # at most six month names under the axis
    for index, month in enumerate(months):
        if index % every and index != count - 1:
            continue
        parts.append(c.text(left + index * step, y(0) + 16, month, size=c.SMALL, anchor="middle"))
    legend_y = y(0) + 38
    for number, (name, values) in enumerate(series):
        colour = c.COLOURS[number % len(c.COLOURS)]
        points = [(left + i * step, y(v)) for i, v in enumerate(values) if v is not None]
        if points:
            parts.append(_polyline(points, colour))
            parts += [_dot(px, py, colour) for px, py in points]
        lines = c.wrap(name, c.WIDTH - 16, c.SMALL)
        parts += [
            c.rect(0, legend_y - 9, 10, 10, colour, css="swatch"),
            c.text(16, legend_y, lines, size=c.SMALL, css="legend"),
        ]
        legend_y += c.LINE * len(lines) + 4
    return c.svg(legend_y, title, parts)


def _polyline(points: list[tuple[float, float]], colour: str) -> SafeString:
    return format_html(
        '<polyline points="{}" fill="none" stroke="{}" stroke-width="2"></polyline>',
        " ".join(f"{c.coord(px)},{c.coord(py)}" for px, py in points),
        colour,
    )


def _dot(x: float, y: float, colour: str) -> SafeString:
    return format_html(
        '<circle cx="{}" cy="{}" r="2.5" fill="{}"></circle>', c.coord(x), c.coord(y), colour
    )


def time_vs_standard(
    rows: Sequence[tuple[str, float | None, float | None, int | None]], title: str
) -> SafeString:
    """Per step: median and p90 (minutes) as bars, the mutu baku as a black tick."""
    if not rows:
        return SafeString("")
    top = max([max(v or 0, p or 0, s or 0) for _l, v, p, s in rows] + [1])
    span = c.WIDTH - LABEL - VALUE
    parts = []
    y = float(GAP)
    for label, median, p90, standard in rows:
        lines = c.wrap(label, LABEL - 6)
        height = _row_height(lines)
        middle = y + (height - GAP) / 2
        over = standard is not None and median is not None and median > standard
        colour = c.LOW if over else c.BAR
        for value, opacity in ((p90, "0.35"), (median, "1")):
            if value is not None:
                parts.append(
                    c.rect(
                        LABEL,
                        middle - BAR / 2,
                        max(span * value / top, 1),
                        BAR,
                        colour,
                        fill_opacity=opacity,
                        css="bar",
                    )
                )
        parts += [
            c.text(0, middle - (len(lines) - 1) * c.LINE / 2 + 4, lines),
            c.text(
                c.WIDTH,
                middle + 4,
                "—" if median is None else f"{median:.0f}′",
                size=c.SMALL,
                fill=c.VALUE,
                anchor="end",
                css="value",
            ),
        ]
        if standard is not None:
            x = LABEL + span * standard / top
            parts.append(
                c.line(
                    x,
                    middle - BAR / 2 - 2,
                    x,
                    middle + BAR / 2 + 2,
                    c.VALUE,
                    "standard",
                    stroke_width="2",
                )
            )
        y += height
    legend = c.wrap(
        "batang: median (pekat) dan p90 (pudar), menit kerja; garis hitam: mutu baku",
        c.WIDTH - 8,
        c.SMALL,
        lines=3,
    )
    parts.append(c.text(0, y + 12, legend, size=c.SMALL, css="legend"))
    return c.svg(y + 12 + c.LINE * (len(legend) - 1) + 6, title, parts)
