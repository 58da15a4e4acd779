"""What the server-drawn SVG charts share (alur/reports/charts.py, alur/logistics/charts.py).

A chart is drawn at its own size in px (`WIDTH`, text at 12 px) and only ever shrinks to its
box, so its words stay legible on a 390-px phone. Labels are never cut: a long name wraps onto a
second line. Every colour and size is a presentation attribute on the element itself, so the
chart looks the same in a browser and in WeasyPrint's PDFs, which do not apply the page's
stylesheet to inline SVG (a bar without its own fill is drawn black). Numbers are written by
Python, never by the template engine, whose localisation would write "40,2" for 40.2.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from alur.core.numbers import number as number  # what the charts write their values with

WIDTH = 320  # px: fits the 324 px inside a card on a 390-px phone, at 1:1
FONT = 12  # px, labels
SMALL = 11  # px, values, axes and legends
LINE = 14  # px between the lines of a wrapped label
FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"
TEXT = "#334155"
VALUE = "#0f172a"
BAR = "#2f6fb3"
LOW = "#c2410c"
AXIS = "#cbd5e1"
COLOURS = ("#2f6fb3", "#c2410c", "#15803d", "#7c3aed", "#0e7490")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")

# Average advance of a character in em, on the wide side (DejaVu Sans, WeasyPrint's sans-serif),
# so that a label measured to fit does fit in the narrower phone fonts too.
_EM = {"narrow": 0.34, "wide": 0.9, "upper": 0.72, "digit": 0.64, "other": 0.62}


def text_width(text: str, size: float = FONT, *, bold: bool = False) -> float:
    """An upper estimate of the width of `text` at `size` px."""
    total = 0.0
    for char in text:
        if char in "ijlft.,:;'|!() ":
            total += _EM["narrow"]
        elif char in "mwMW@":
            total += _EM["wide"]
        elif char.isupper():
            total += _EM["upper"]
        elif char.isdigit():
            total += _EM["digit"]
        else:
            total += _EM["other"]
    return total * size * (1.12 if bold else 1.0)


def wrap(
    text: str, width: float, size: float = FONT, *, lines: int = 2, bold: bool = False
) -> list[str]:
    """`text` broken at spaces into at most `lines` lines no wider than `width`; what does not
    fit in the last line ends in an ellipsis (a name longer than two lines is rare)."""
    out: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size, bold=bold) <= width or not current:
            current = candidate
        else:
            out.append(current)
            current = word
    out.append(current)
    if len(out) > lines:
        out = [*out[: lines - 1], " ".join(out[lines - 1 :])]
    last = out[-1]
    while text_width(last, size, bold=bold) > width and len(last) > 2:
        last = last[:-2].rstrip() + "…"
    out[-1] = last
    return out


def short_name(name: str) -> str:
    """An office's name without the agency's common prefix: "Disdukcapil Kab. Solok Selatan"
    is "Kab. Solok Selatan" in a chart of one province's kab/kota."""
    for prefix in ("Disdukcapil ", "Dinas Kependudukan dan Pencatatan Sipil "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def percent(value: float, digits: int = 1) -> str:
    """96.83 → "96,8%"."""
    return f"{value:.{digits}f}%".replace(".", ",")


def coord(value: float) -> str:
    """A coordinate for an SVG attribute: a point, never a comma."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def text(
    x: float,
    y: float,
    lines: Sequence[str] | str,
    *,
    size: float = FONT,
    fill: str = TEXT,
    anchor: str = "start",
    css: str = "label",
    weight: str = "normal",
) -> SafeString:
    """A text element; several lines are tspans `LINE` apart, the first at `y`."""
    if isinstance(lines, str):
        lines = [lines]
    spans = format_html_join(
        "",
        '<tspan x="{}" dy="{}">{}</tspan>',
        ((coord(x), "0" if i == 0 else LINE, line) for i, line in enumerate(lines)),
    )
    return format_html(
        '<text x="{}" y="{}" class="{}" font-size="{}" fill="{}" text-anchor="{}" '
        'font-weight="{}">{}</text>',
        coord(x),
        coord(y),
        css,
        size,
        fill,
        anchor,
        weight,
        spans,
    )


def rect(x: float, y: float, width: float, height: float, fill: str, **extra: str) -> SafeString:
    more = format_html_join("", ' {}="{}"', ((k.replace("_", "-"), v) for k, v in extra.items()))
    return format_html(
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"{}></rect>',
        coord(x),
        coord(y),
        coord(max(width, 0)),
        coord(height),
        fill,
        more,
    )


def line(
    x1: float, y1: float, x2: float, y2: float, stroke: str, css: str, **extra: str
) -> SafeString:
    more = format_html_join("", ' {}="{}"', ((k.replace("_", "-"), v) for k, v in extra.items()))
    return format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" class="{}" stroke="{}"{}></line>',
        coord(x1),
        coord(y1),
        coord(x2),
        coord(y2),
        css,
        stroke,
        more,
    )


def svg(
    height: float, title: str, parts: Sequence[SafeString], *, width: float = WIDTH
) -> SafeString:
    """The chart: drawn at `width` × `height` px, shrinking (never growing) to its box."""
    return format_html(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" '
        'width="{w}" height="{h}" role="img" aria-label="{t}" font-family="{f}" '
        'font-size="{s}"><title>{t}</title>{body}</svg>',
        w=coord(width),
        h=coord(height),
        t=title,
        f=FAMILY,
        s=FONT,
        body=mark_safe("".join(parts)),  # noqa: S308 - every part is built with format_html
    )
