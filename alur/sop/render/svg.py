"""SVG primitives: elements, groups and pictures, and the shapes the flowchart draws with."""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Element:
    """One SVG element: its tag, attributes in order, and text content (for <text>)."""

    tag: str
    attrs: tuple[tuple[str, str], ...]
    text: str = ""


@dataclass
class Group:
    """A <g> of one row's picture: the grid, one symbol, or a connector's part in this row."""

    css: str
    data: list[tuple[str, str]] = field(default_factory=list)
    title: str = ""
    elements: list[Element] = field(default_factory=list)


@dataclass
class Picture:
    """The SVG that fills one row's actor columns."""

    width: float
    height: float
    label: str
    groups: list[Group] = field(default_factory=list)

    @property
    def width_text(self) -> str:
        return coord(self.width)

    @property
    def height_text(self) -> str:
        return coord(self.height)


def coord(value: float) -> str:
    """A coordinate as SVG wants it, whatever the locale: 12.5, 40."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


STROKE = "#000"
INK = "#000"
FONT_FAMILY = "Liberation Sans, Arial, Helvetica, sans-serif"


def line(x1: float, y1: float, x2: float, y2: float, width: float) -> Element:
    return Element(
        "line",
        (
            ("x1", coord(x1)),
            ("y1", coord(y1)),
            ("x2", coord(x2)),
            ("y2", coord(y2)),
            ("stroke", STROKE),
            ("stroke-width", coord(width)),
        ),
    )


def polygon(points: list[tuple[float, float]], *, fill: str, stroke: float = 0) -> Element:
    attrs = [("points", " ".join(f"{coord(x)},{coord(y)}" for x, y in points)), ("fill", fill)]
    if stroke:
        attrs += [("stroke", STROKE), ("stroke-width", coord(stroke))]
    return Element("polygon", tuple(attrs))


def rect(cx: float, cy: float, w: float, h: float, *, rx: float, stroke: float) -> Element:
    return Element(
        "rect",
        (
            ("x", coord(cx - w / 2)),
            ("y", coord(cy - h / 2)),
            ("width", coord(w)),
            ("height", coord(h)),
            ("rx", coord(rx)),
            ("ry", coord(rx)),
            ("fill", "#fff"),
            ("stroke", STROKE),
            ("stroke-width", coord(stroke)),
        ),
    )


def text(x: float, y: float, text: str, size: float, anchor: str = "start") -> Element:
    return Element(
        "text",
        (
            ("x", coord(x)),
            ("y", coord(y)),
            ("font-size", coord(size)),
            ("font-family", FONT_FAMILY),
            ("text-anchor", anchor),
            ("fill", INK),
        ),
        text,
    )


def arrowhead(
    before: tuple[float, float], tip: tuple[float, float], top: float, size: float
) -> Element:
    dx, dy = tip[0] - before[0], tip[1] - before[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    bx, by = tip[0] - ux * size, tip[1] - uy * size
    px, py = -uy * size * 0.45, ux * size * 0.45
    return polygon(
        [(tip[0], tip[1] - top), (bx + px, by + py - top), (bx - px, by - py - top)], fill=INK
    )


def off_page(x: float, cy: float, radius: float, letter: str, scale: float) -> list[Element]:
    circle = Element(
        "circle",
        (
            ("cx", coord(x)),
            ("cy", coord(cy)),
            ("r", coord(radius)),
            ("fill", "#fff"),
            ("stroke", STROKE),
            ("stroke-width", coord(scale)),
            ("data-offpage", letter),
        ),
    )
    return [circle, text(x, cy + 2.6 * scale, letter, 7.5 * scale, "middle")]
