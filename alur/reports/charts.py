"""Server-rendered SVG charts (no JavaScript): ranked bars against a target, trend lines, and
bars of a time against its standard. Every text goes through format_html."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH = 360
BAR = 16
GAP = 6
LABEL = 130
COLOURS = ("#2f6fb3", "#c2410c", "#15803d", "#7c3aed", "#0e7490")


def _svg(height: float, title: str, body: str) -> SafeString:
    return format_html(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" '
        'role="img" aria-label="{}"><title>{}</title>{}</svg>',
        WIDTH,
        round(height),
        title,
        title,
        mark_safe(body),  # noqa: S308 - every piece is built with format_html
    )


def ranked_bars(
    rows: Sequence[tuple[str, float | None]],
    title: str,
    *,
    target: float | None = None,
    top: float = 100.0,
) -> SafeString:
    """Horizontal bars (label, value %), highest first as given; below the target in orange,
    the target as a dashed line."""
    if not rows:
        return SafeString("")
    span = WIDTH - LABEL - 44
    height = len(rows) * (BAR + GAP) + GAP + 12
    parts = []
    for index, (label, value) in enumerate(rows):
        y = GAP + index * (BAR + GAP)
        length = 0 if value is None else max(round(span * min(value, top) / top), 1)
        below = target is not None and value is not None and value < target
        parts.append(
            format_html(
                '<g class="{}"><text x="0" y="{}" class="label">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" rx="2"></rect>'
                '<text x="{}" y="{}" class="value">{}</text></g>',
                "bar below" if below else "bar",
                y + BAR * 0.75,
                label[:22],
                LABEL,
                y,
                length,
                BAR,
                LABEL + length + 3,
                y + BAR * 0.75,
                "—" if value is None else f"{value:.1f}%".replace(".", ","),
            )
        )
    if target is not None:
        x = LABEL + round(span * min(target, top) / top)
        parts.append(
            format_html(
                '<line x1="{}" y1="0" x2="{}" y2="{}" class="target"></line>'
                '<text x="{}" y="{}" class="legend">target {}%</text>',
                x,
                x,
                height - 12,
                x + 2,
                height - 2,
                f"{target:g}".replace(".", ","),
            )
        )
    return _svg(height, title, "".join(parts))


def trend_lines(
    months: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], title: str
) -> SafeString:
    """One line per series over the months (0–100 %), with a legend."""
    if not months or not series:
        return SafeString("")
    height, pad, left = 190, 24, 30
    count = len(months)
    step = (WIDTH - left - pad) / max(count - 1, 1)

    def y(value: float) -> float:
        return round(height - pad - 30 - (height - 2 * pad - 30) * value / 100, 1)

    parts = [
        format_html(
            '<line x1="{l}" y1="{b}" x2="{r}" y2="{b}" class="axis"></line>'
            '<text x="0" y="{t}" class="value">100%</text>'
            '<text x="0" y="{b}" class="value">0%</text>',
            l=left,
            r=WIDTH - pad,
            b=y(0),
            t=y(100) + 4,
        )
    ]
    for index, month in enumerate(months):
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="label" text-anchor="middle">{}</text>',
                round(left + index * step, 1),
                y(0) + 12,
                month,
            )
        )
    for number, (name, values) in enumerate(series):
        colour = COLOURS[number % len(COLOURS)]
        points = [(round(left + i * step, 1), y(v)) for i, v in enumerate(values) if v is not None]
        if points:
            parts.append(
                format_html(
                    '<polyline points="{}" fill="none" stroke="{}" stroke-width="2"></polyline>',
                    " ".join(f"{px},{py}" for px, py in points),
                    colour,
                )
            )
            parts.append(
                format_html_join(
                    "",
                    '<circle cx="{}" cy="{}" r="2.5" fill="' + colour + '"></circle>',
                    points,
                )
            )
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="8" height="8" fill="{}"></rect>'
                '<text x="{}" y="{}" class="legend">{}</text>',
                left + (number % 2) * 165,
                height - 26 + (number // 2) * 11,
                colour,
                left + (number % 2) * 165 + 11,
                height - 19 + (number // 2) * 11,
                name[:30],
            )
        )
    return _svg(height, title, "".join(parts))


def time_vs_standard(
    rows: Sequence[tuple[str, float | None, float | None, int | None]], title: str
) -> SafeString:
    """Per step: median and p90 (minutes) as bars, the mutu baku as a black tick."""
    if not rows:
        return SafeString("")
    top = max([max(v or 0, p or 0, s or 0) for _l, v, p, s in rows] + [1])
    span = WIDTH - LABEL - 50
    height = len(rows) * (BAR + GAP) + GAP + 14
    parts = []
    for index, (label, median, p90, standard) in enumerate(rows):
        y = GAP + index * (BAR + GAP)
        over = standard is not None and median is not None and median > standard
        for value, opacity in ((p90, "0.35"), (median, "1")):
            if value is None:
                continue
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" fill-opacity="{}">'
                    "</rect>",
                    LABEL,
                    y,
                    max(round(span * value / top), 1),
                    BAR,
                    "#c2410c" if over else "#2f6fb3",
                    opacity,
                )
            )
        parts.append(
            format_html(
                '<text x="0" y="{}" class="label">{}</text><text x="{}" y="{}" class="value">{}'
                "</text>",
                y + BAR * 0.75,
                label[:24],
                WIDTH - 46,
                y + BAR * 0.75,
                "—" if median is None else f"{median:.0f}′",
            )
        )
        if standard is not None:
            x = LABEL + round(span * standard / top)
            parts.append(
                format_html(
                    '<line x1="{}" y1="{}" x2="{}" y2="{}" class="standard"></line>',
                    x,
                    y - 2,
                    x,
                    y + BAR + 2,
                )
            )
    parts.append(
        format_html(
            '<text x="0" y="{}" class="legend">batang: median (pekat) dan p90 (pudar), menit '
            "kerja; garis hitam: mutu baku</text>",
            height - 3,
        )
    )
    return _svg(height, title, "".join(parts))
