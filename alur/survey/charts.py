"""The IKM page's charts, drawn on the server as SVG (no script): each element's NRR on the
1–4 scale, and the converted index (25–100) of each service or kab/kota, with the line where
mutu B ("Baik") begins. Below that line a bar is orange. Drawn with `alur.core.charts`."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.safestring import SafeString

from alur.core import charts as c
from alur.survey import ikm

BAR = 16
GAP = 6
LABEL = 130
VALUE = 44
B_NRR = Decimal("3.0644")  # NI where mutu B begins


def _shown(value: Decimal, places: int) -> str:
    return f"{value:.{places}f}".replace(".", ",")


def bars(
    rows: Sequence[tuple[str, Decimal | None]],
    title: str,
    *,
    top: Decimal,
    line: Decimal,
    line_label: str,
    places: int,
) -> SafeString:
    """Horizontal bars of (label, value) from 0 to `top`, a dashed line at `line`."""
    if not rows:
        return SafeString("")
    span = c.WIDTH - LABEL - VALUE
    parts: list[SafeString] = []
    y = float(GAP)
    first = y
    for label, value in rows:
        lines = c.wrap(c.short_name(label), LABEL - 6)
        height = max(BAR, c.LINE * len(lines)) + GAP
        middle = y + (height - GAP) / 2
        low = value is not None and value < line
        length = 0.0 if value is None else max(span * float(min(value, top) / top), 1.0)
        parts += [
            c.text(0, middle - (len(lines) - 1) * c.LINE / 2 + 4, lines),
            c.rect(
                LABEL,
                middle - BAR / 2,
                length,
                BAR,
                c.LOW if low else c.BAR,
                css="bar below" if low else "bar",
                rx="2",
            ),
            c.text(
                c.WIDTH,
                middle + 4,
                "—" if value is None else _shown(value, places),
                size=c.SMALL,
                fill=c.VALUE,
                anchor="end",
                css="value",
            ),
        ]
        y += height
    x = LABEL + span * float(line / top)
    parts += [
        c.line(x, first - GAP, x, y, c.VALUE, "target", stroke_dasharray="3 2"),
        c.text(x, y + 13, line_label, size=c.SMALL, css="legend", anchor="middle"),
    ]
    return c.svg(y + 18, title, parts)


def elements_chart(index: ikm.Index, title: str) -> SafeString:
    """Each element's NRR (1–4)."""
    return bars(
        [(f"{e.code} {e.short}", e.nrr_shown) for e in index.elements],
        title,
        top=Decimal(4),
        line=B_NRR,
        line_label="mutu B (3,06)",
        places=2,
    )


def values_chart(rows: Sequence[tuple[str, ikm.Index]], title: str) -> SafeString:
    """The converted index (25–100) of each row (a service, a kab/kota)."""
    return bars(
        [(label, index.value) for label, index in rows],
        title,
        top=Decimal(100),
        line=ikm.MUTU[1].low,
        line_label="mutu B (76,61)",
        places=2,
    )
