"""Small server-rendered SVG charts (no JavaScript): stock per office, balance over time. Drawn
with `alur.core.charts`: 12-px text at 1:1 on a phone, names wrapped rather than cut."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from alur.core import charts as c

BAR = 18
GAP = 8
LABEL = 112
VALUE = 78  # "12.345 · 120 hr"


def stock_bars(rows: Sequence[tuple[str, int, int | None]], title: str) -> SafeString:
    """Horizontal bars: (office label, stock, days of cover). Low cover (< 30 days) is marked."""
    if not rows:
        return SafeString("")
    top = max(max(stock for _l, stock, _d in rows), 1)
    span = c.WIDTH - LABEL - VALUE
    parts = []
    y = GAP
    for label, stock, days in rows:
        lines = c.wrap(c.short_name(label), LABEL - 6)
        height = max(BAR, c.LINE * len(lines))
        middle = y + height / 2
        length = max(span * max(stock, 0) / top, 1)
        low = days is not None and days < 30
        cover = "—" if days is None else f"{days} hr"
        parts += [
            c.text(0, middle - (len(lines) - 1) * c.LINE / 2 + 4, lines),
            c.rect(
                LABEL,
                middle - BAR / 2,
                length,
                BAR,
                c.LOW if low else c.BAR,
                css="bar low" if low else "bar",
                rx="3",
            ),
            c.text(
                LABEL + length + 4,
                middle + 4,
                f"{c.number(stock)} · {cover}",
                size=c.SMALL,
                fill=c.VALUE,
                css="value",
            ),
        ]
        y += height + GAP
    return c.svg(y, title, parts)


def _day(moment: date | datetime) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def _date_text(day: date) -> str:
    return f"{day.day} {c.MONTHS[day.month - 1]} {day.year}"


def balance_line(points: Sequence[tuple[date | datetime, int]], title: str) -> SafeString:
    """A step line of the balance after each ledger line, oldest first, over the lines' own
    dates (the day of the movement, not the day it was typed in): the axis names the first and
    the last day and the first of each month between them."""
    if not points:
        return SafeString("")
    height, top_pad, bottom, left, right = 170, 12, 140, 40, c.WIDTH - 10
    days = [_day(moment) for moment, _balance in points]
    first, last = days[0], max(days)
    length = max((last - first).days, 1)
    peak = max(max(balance for _m, balance in points), 1)

    def x(day: date) -> float:
        return left + (right - left) * (day - first).days / length

    def y(balance: int) -> float:
        return bottom - (bottom - top_pad) * max(balance, 0) / peak

    coords: list[tuple[float, float]] = []
    dots = []
    previous_x: float = left
    for day, (_moment, balance) in zip(days, points, strict=True):
        here = max(x(day), previous_x)  # a back-dated line stays in its place in the book
        if coords:
            coords.append((here, coords[-1][1]))
        coords.append((here, y(balance)))
        dots.append((c.coord(here), c.coord(y(balance))))
        previous_x = here
    parts = [
        c.line(left, bottom, right, bottom, c.AXIS, "axis"),
        c.text(left - 4, y(peak) + 4, c.number(peak), size=c.SMALL, anchor="end", css="value"),
        c.text(left - 4, bottom + 4, "0", size=c.SMALL, anchor="end", css="value"),
        format_html(
            '<polyline points="{}" class="balance" fill="none" stroke="{}" stroke-width="2">'
            "</polyline>",
            " ".join(f"{c.coord(px)},{c.coord(py)}" for px, py in coords),
            c.BAR,
        ),
        format_html_join(
            "", '<circle cx="{}" cy="{}" r="2.5" fill="' + c.BAR + '"></circle>', dots
        ),
    ]
    # Ticks: the first of each month between the ends, named where the names do not collide;
    # the first and the last day are written in full on the line below.
    taken: list[tuple[float, float]] = []
    month = date(first.year, first.month, 1)
    while True:
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        if month >= last:
            break
        at = x(month)
        name = c.MONTHS[month.month - 1]
        half = c.text_width(name, c.SMALL) / 2 + 4
        parts.append(c.line(at, bottom, at, bottom + 4, c.AXIS, "tick"))
        if all(at + half < start or at - half > end for start, end in taken):
            parts.append(c.text(at, bottom + 16, name, size=c.SMALL, anchor="middle"))
            taken.append((at - half, at + half))
    parts += [
        c.text(left, bottom + 30, _date_text(first), size=c.SMALL),
        c.text(right, bottom + 30, _date_text(last), size=c.SMALL, anchor="end"),
    ]
    return c.svg(height + 6, title, parts)
