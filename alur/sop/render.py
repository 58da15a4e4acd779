"""The SOP as its official document (Permenpan-RB 35/2012): identity page and flow table.

`render_html` gives the document as HTML: for the staff pages a fragment styled by
`static/sop/document.css`, for print a standalone page with `static/sop/print.css` embedded;
`render_pdf` prints that page with WeasyPrint and fetches nothing.

The flowchart is laid out here, not in the templates. Every row's height is measured from its
text (Arial/Liberation Sans widths, rounded up), and the row's actor cells are one inline SVG of
exactly that height, so the picture sets the row's height and the lines of consecutive rows
meet. Each connector is routed once, in the coordinates of the whole flow (x across the actor
columns, y down the rows), and then cut into the rows it crosses: a straight line or an elbow
from a step to the next, and for a decision's other branch a labelled line that leaves the
diamond sideways, runs up (or down) a lane beside the symbols and enters the target step from
the side or from above. In the PDF the flow is cut into pages by the same measurements; a line
that crosses a page break ends and starts again in a lettered off-page connector.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, fields, replace
from itertools import pairwise
from pathlib import Path
from typing import Literal

from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.text import slugify

from alur.core.numbers import number as _number
from alur.org.models import Office
from alur.sop.schema import APPLICANT, END, ListItem, Sop, Step

STATIC_DIR = Path(__file__).resolve().parent / "static" / "sop"

Shape = Literal["terminator", "process", "decision"]

# Text measurement -------------------------------------------------------------------------

# Advance widths of Helvetica (= Arial = Liberation Sans), in thousandths of an em.
_WIDTH_CHARS = (
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
    "abcdefghijklmnopqrstuvwxyz{|}~"
)
_WIDTH_VALUES = (
    (278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278)
    + (556,) * 10
    + (278, 278, 584, 584, 584, 556, 1015)
    + (667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833)
    + (722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611)
    + (278, 278, 278, 469, 556, 333)
    + (556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833)
    + (556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500)
    + (334, 260, 334, 584)
)
_WIDTHS = dict(zip(_WIDTH_CHARS, _WIDTH_VALUES, strict=True))
_OTHER_WIDTH = 600  # letters outside ASCII: –, é, ...
# Measured text must not come out narrower than the browser's or WeasyPrint's; see Metrics.safety.
_SAFETY = 1.08
_BOLD = 1.09


def text_width(text: str, size: float, *, bold: bool = False, safety: float = _SAFETY) -> float:
    """The width of one line of text in px, at `size` px, rounded up rather than down."""
    units = sum(_WIDTHS.get(char, _OTHER_WIDTH) for char in text)
    return units / 1000 * size * safety * (_BOLD if bold else 1.0)


def wrap(
    text: str, width: float, size: float, *, bold: bool = False, safety: float = _SAFETY
) -> list[str]:
    """Break text into lines no wider than `width`, at spaces; an overlong word anywhere."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size, bold=bold, safety=safety) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while len(word) > 1 and text_width(word, size, bold=bold, safety=safety) > width:
            cut = len(word) - 1
            while cut > 1 and text_width(word[:cut], size, bold=bold, safety=safety) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines or [""]


# Sizes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metrics:
    """The flow table's sizes in CSS px; print.css and document.css use the same numbers."""

    font: float = 10  # body text of the flow table
    head_font: float = 9  # column heads (bold)
    actor_font: float = 8.5  # the actors' column heads (bold); smaller when a word is too long
    actor_font_small: float = 7.5  # class sop-h-small
    actor_font_tiny: float = 6.5  # class sop-h-tiny
    actor_pad_x: float = 2
    label_font: float = 7.5  # branch labels inside the chart
    title_font: float = 11  # the heading over the flow table (bold)
    line_height: float = 1.25
    pad_x: float = 4
    pad_y: float = 3
    border: float = 0.75
    width: float = 1047  # the landscape A4 page's text width: 297 - 2 × 10 mm
    no: float = 26
    activity_min: float = 230  # Kegiatan's preferred least width
    activity_floor: float = 150
    inputs: float = 112
    time: float = 54
    output: float = 104
    notes: float = 64
    actor_min: float = 54
    actor_max: float = 112
    page_height: float = 718  # the landscape A4 page's text height: 210 - 2 × 10 mm
    slack: float = 24  # kept free on every page against measuring short
    # Text is measured this much wider than Arial's widths. Print uses Liberation Sans (Arial's
    # metrics, so little is needed); a browser may fall back to a wider font, and a row taller
    # than its picture leaves a gap in the lines.
    safety: float = 1.02

    def scaled(self, factor: float) -> Metrics:
        keep = {"line_height", "safety"}
        return replace(
            self,
            **{f.name: getattr(self, f.name) * factor for f in fields(self) if f.name not in keep},
        )

    @property
    def line(self) -> float:
        return self.font * self.line_height

    @property
    def head_line(self) -> float:
        return self.head_font * self.line_height


PRINT = Metrics()
SCREEN = replace(PRINT.scaled(1.2), safety=1.1)  # the staff page: 12 px text


# The drawing ------------------------------------------------------------------------------


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
        return _n(self.width)

    @property
    def height_text(self) -> str:
        return _n(self.height)


def _n(value: float) -> str:
    """A coordinate as SVG wants it, whatever the locale: 12.5, 40."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


STROKE = "#000"
INK = "#000"
FONT_FAMILY = "Liberation Sans, Arial, Helvetica, sans-serif"


def _line(x1: float, y1: float, x2: float, y2: float, width: float) -> Element:
    return Element(
        "line",
        (
            ("x1", _n(x1)),
            ("y1", _n(y1)),
            ("x2", _n(x2)),
            ("y2", _n(y2)),
            ("stroke", STROKE),
            ("stroke-width", _n(width)),
        ),
    )


def _polygon(points: list[tuple[float, float]], *, fill: str, stroke: float = 0) -> Element:
    attrs = [("points", " ".join(f"{_n(x)},{_n(y)}" for x, y in points)), ("fill", fill)]
    if stroke:
        attrs += [("stroke", STROKE), ("stroke-width", _n(stroke))]
    return Element("polygon", tuple(attrs))


def _rect(cx: float, cy: float, w: float, h: float, *, rx: float, stroke: float) -> Element:
    return Element(
        "rect",
        (
            ("x", _n(cx - w / 2)),
            ("y", _n(cy - h / 2)),
            ("width", _n(w)),
            ("height", _n(h)),
            ("rx", _n(rx)),
            ("ry", _n(rx)),
            ("fill", "#fff"),
            ("stroke", STROKE),
            ("stroke-width", _n(stroke)),
        ),
    )


def _text(x: float, y: float, text: str, size: float, anchor: str = "start") -> Element:
    return Element(
        "text",
        (
            ("x", _n(x)),
            ("y", _n(y)),
            ("font-size", _n(size)),
            ("font-family", FONT_FAMILY),
            ("text-anchor", anchor),
            ("fill", INK),
        ),
        text,
    )


# The flow: symbols and connectors in the coordinates of the whole flow ----------------------


@dataclass
class _Node:
    """One step's symbol. x runs across the actor columns, y down the whole flow."""

    step: Step
    col: int
    shape: Shape
    cx: float
    cy: float
    hw: float  # half width
    hh: float  # half height
    top: float  # the row's top and bottom
    bottom: float
    exits: set[str] = field(default_factory=set)  # the sides lines leave from

    def port(self, side: str) -> tuple[float, float]:
        return {
            "left": (self.cx - self.hw, self.cy),
            "right": (self.cx + self.hw, self.cy),
            "top": (self.cx, self.cy - self.hh),
            "bottom": (self.cx, self.cy + self.hh),
        }[side]

    @property
    def above_y(self) -> float:
        """Where a line coming in from above turns down into the symbol."""
        return self.top + (self.cy - self.hh - self.top) / 2

    @property
    def below_y(self) -> float:
        """Where a line leaving from below turns towards the next step's column."""
        return self.cy + self.hh + (self.bottom - self.cy - self.hh) / 2


@dataclass
class _Label:
    x: float
    y: float  # the first line's baseline
    lines: list[str]
    anchor: str  # start / end


@dataclass
class _Connector:
    kind: str  # flow: to the next row; back: to an earlier step; jump: further on; end
    source: int
    target: str  # a step number, "end", or "applicant"
    target_step: int | None
    points: list[tuple[float, float]]
    label: str = ""
    label_at: _Label | None = None
    end_box: tuple[float, float, float, float] | None = None  # cx, cy, w, h of "Selesai"


@dataclass
class _Lanes:
    """Vertical runs beside the symbols for lines that skip rows; runs of different lines
    never share a stretch of a lane, runs towards the same entry do (the lines merge)."""

    slots: list[float]
    taken: list[tuple[float, float, float, tuple[int, str]]] = field(default_factory=list)

    def free(self, x: float, y0: float, y1: float, key: tuple[int, str]) -> bool:
        return not any(
            abs(x - tx) < 0.5 and y0 < ty1 and ty0 < y1 and tkey != key
            for tx, ty0, ty1, tkey in self.taken
        )

    def shared(self, x: float, key: tuple[int, str]) -> bool:
        return any(abs(x - tx) < 0.5 and tkey == key for tx, _, _, tkey in self.taken)

    def take(self, x: float, y0: float, y1: float, key: tuple[int, str]) -> None:
        self.taken.append((x, y0, y1, key))


def _branches(sop: Sop, step: Step) -> tuple[tuple[int | str, str], tuple[int | str, str] | None]:
    """(target, label) of the way on, and of a decision's other answer when it goes elsewhere."""
    following = sop.next_of(step)
    decision = step.decision
    if decision is None:
        return (following, ""), None
    yes, no = decision.if_yes, decision.if_no
    yes_target = yes.goto or yes.back_to or following
    no_target = no.goto or no.back_to or following
    if no_target == yes_target:
        return (yes_target, f"{yes.label} / {no.label}"), None
    return (yes_target, yes.label), (no_target, no.label)


def _resolve(sop: Sop, step: Step, target: int | str) -> tuple[int | None, str]:
    """The row a target points at (None: the end) and the target as written."""
    if target == END:
        return None, END
    if target == APPLICANT:
        # Back to the outside party: to the last step before this one that they did.
        outside = [
            s.number
            for s in sop.steps
            if s.number < step.number and sop.actor(s.actor).is_outside_party
        ]
        return (outside[-1] if outside else sop.steps[0].number), APPLICANT
    return int(target), str(int(target))


def _shape_of(sop: Sop, step: Step) -> Shape:
    if step.decision is not None:
        return "decision"
    if step.number == sop.steps[0].number or sop.next_of(step) == END:
        return "terminator"
    return "process"


class _Router:
    """Routes every connector of the flow, step by step: a decision's other answer first (it
    needs a side of the diamond), then the way on."""

    def __init__(
        self, sop: Sop, nodes: list[_Node], col_width: float, gutter: float, label_font: float
    ) -> None:
        self.sop = sop
        self.label_font = label_font
        self.nodes = nodes
        self.by_number = {node.step.number: node for node in nodes}
        self.w = col_width
        self.columns = len(sop.actors)
        slots = []
        for k in range(self.columns):
            for f in (0.3, 0.62):
                slots += [k * col_width + gutter * f, (k + 1) * col_width - gutter * f]
        self.lanes = _Lanes(sorted(slots))
        self.connectors: list[_Connector] = []

    def route(self) -> list[_Connector]:
        for node in self.nodes:
            (main, main_label), alt = _branches(self.sop, node.step)
            main_step, main_target = _resolve(self.sop, node.step, main)
            nxt = self.by_number.get(node.step.number + 1)
            adjacent = (
                main_target not in (END, APPLICANT)
                and nxt is not None
                and (main_step == nxt.step.number)
            )
            want: str | None = None
            if adjacent and nxt is not None:
                want = (
                    "bottom" if nxt.col == node.col else ("right" if nxt.col > node.col else "left")
                )
            if alt is not None:
                alt_step, alt_target = _resolve(self.sop, node.step, alt[0])
                self._branch(node, alt_step, alt_target, alt[1], want)
            if adjacent and nxt is not None:
                self._to_next(node, nxt, main_label, want or "bottom")
            elif main_step is not None or node.step.decision is not None:
                self._branch(node, main_step, main_target, main_label, want)
        return self.connectors

    def _branch(
        self, node: _Node, target_step: int | None, target: str, label: str, want: str | None
    ) -> None:
        if target_step is None:
            self._to_end(node, label, want)
        else:
            self._long(node, self.by_number[target_step], target, label, want)

    def _to_next(self, node: _Node, nxt: _Node, label: str, want: str) -> None:
        """The way on to the next row: straight down, an elbow, or down-across-down."""
        end = nxt.port("top")
        if want != "bottom" and want not in node.exits:
            start = node.port(want)
            points = [start, (nxt.cx, node.cy), end]
            sign = 1 if want == "right" else -1
            label_at = self._label_along(start[0], nxt.cx, node.cy, label, above=True, sign=sign)
        else:
            want = "bottom"
            start = node.port("bottom")
            if nxt.col == node.col:
                points = [start, end]
            else:
                points = [start, (node.cx, node.below_y), (nxt.cx, node.below_y), end]
            label_at = self._label_beside(node, label)
        node.exits.add(want)
        self.connectors.append(
            _Connector(
                "flow",
                node.step.number,
                str(nxt.step.number),
                nxt.step.number,
                points,
                label,
                label_at,
            )
        )

    def _long(self, node: _Node, target: _Node, written: str, label: str, want: str | None) -> None:
        """A line to a step that is not the next row: sideways out, along a lane, into the
        target from the side (or from above when both its sides are in use)."""
        back = target.step.number <= node.step.number
        best: tuple[float, str, str, float] | None = None
        for exit_side in ("left", "right"):
            if exit_side in node.exits:
                continue
            ex, ey = node.port(exit_side)
            arrivals = ["top"]
            if back:
                arrivals = [s for s in ("left", "right") if s not in target.exits] + arrivals
            for arrival in arrivals:
                ax, ay = self._arrival_point(target, arrival)
                key = (target.step.number, arrival)
                y0, y1 = sorted((ey, ay))
                for x in self.lanes.slots:
                    if (exit_side == "left" and x >= ex - 2) or (
                        exit_side == "right" and x <= ex + 2
                    ):
                        continue
                    if (arrival == "left" and x >= ax - 2) or (arrival == "right" and x <= ax + 2):
                        continue
                    if not self.lanes.free(x, y0, y1, key):
                        continue
                    cost = abs(x - ex) + abs(x - ax)
                    cost += 0.6 * self.w if arrival == "top" else 0
                    cost += 0.8 * self.w if exit_side == want else 0
                    cost -= 2 * self.w if self.lanes.shared(x, key) else 0
                    if best is None or cost < best[0]:
                        best = (cost, exit_side, arrival, x)
        if best is None:  # every lane is in use: cross another line rather than not draw
            exit_side = "right" if "right" not in node.exits else "left"
            ex = node.port(exit_side)[0]
            beyond = [x for x in self.lanes.slots if (x > ex if exit_side == "right" else x < ex)]
            x = beyond[0] if exit_side == "right" and beyond else (beyond[-1] if beyond else ex)
            best = (0.0, exit_side, "top", x)
        _, exit_side, arrival, x = best
        ex, ey = node.port(exit_side)
        ax, ay = self._arrival_point(target, arrival)
        points = [(ex, ey), (x, ey), (x, ay), (ax, ay)]
        if arrival == "top":
            points.append(target.port("top"))
        node.exits.add(exit_side)
        self.lanes.take(x, *sorted((ey, ay)), (target.step.number, arrival))
        sign = 1 if exit_side == "right" else -1
        # A line going back runs up from the diamond: its label sits below the line.
        label_at = self._label_along(ex, x, ey, label, above=not back, sign=sign)
        self.connectors.append(
            _Connector(
                "back" if back else "jump",
                node.step.number,
                written,
                target.step.number,
                points,
                label,
                label_at,
            )
        )

    def _arrival_point(self, target: _Node, arrival: str) -> tuple[float, float]:
        if arrival == "top":
            return target.cx, target.above_y
        return target.port(arrival)

    def _to_end(self, node: _Node, label: str, want: str | None) -> None:
        """A branch that ends the procedure: sideways into a small "Selesai" terminator."""
        room = {"left": node.col > 0, "right": node.col < self.columns - 1}
        order = ["left", "right"] if want == "right" else ["right", "left"]
        free = [s for s in order if s not in node.exits]
        sides = [s for s in free if room[s]] or free or ["right"]
        side = sides[0]
        sign = 1 if side == "right" else -1
        start = node.port(side)
        box_w = min(self.w * 0.8, text_width("Selesai", self.label_font) + 10)
        box_h = max(node.hh * 1.2, self.label_font * 1.9)
        box_cx = node.cx + sign * self.w
        end = (box_cx - sign * box_w / 2, node.cy)
        node.exits.add(side)
        label_at = self._label_along(start[0], end[0], node.cy, label, above=True, sign=sign)
        self.connectors.append(
            _Connector(
                "end",
                node.step.number,
                END,
                None,
                [start, end],
                label,
                label_at,
                (box_cx, node.cy, box_w, box_h),
            )
        )

    def _label_along(
        self, x0: float, x1: float, y: float, label: str, *, above: bool, sign: int
    ) -> _Label | None:
        if not label:
            return None
        room = abs(x1 - x0) - 6
        width = min(max(room, 1.2 * self.w), 2.5 * self.w)
        lines = wrap(label, width, self.label_font)
        step = self.label_font * 1.15
        first = y - 3 - step * (len(lines) - 1) if above else y + 2 + self.label_font
        return _Label(x0 + sign * 3, first, lines, "start" if sign > 0 else "end")

    def _label_beside(self, node: _Node, label: str) -> _Label | None:
        """Beside the line leaving the symbol's bottom, above where it may turn."""
        if not label:
            return None
        lines = wrap(label, 0.45 * self.w + node.hw, self.label_font)
        step = self.label_font * 1.15
        x = node.cx
        return _Label(x + 3, node.below_y - 2 - step * (len(lines) - 1), lines, "start")


# The flow table ---------------------------------------------------------------------------


@dataclass
class ActorColumn:
    index: int
    id: str
    label: str

    @property
    def parts(self) -> list[str]:
        """The label cut after each slash, where the head may break: Masyarakat/ Pemohon."""
        return [part for part in re.split(r"(?<=/)", self.label) if part]


def _breakable(label: str) -> str:
    """A label as the heads break it: after a slash as after a space."""
    return label.replace("/", "/ ")


@dataclass
class FlowRow:
    step: Step
    shape: Shape
    actor_col: int
    height: float
    picture: Picture
    # What the picture says, in words, for a phone's list of steps (hidden elsewhere).
    actor_label: str = ""
    ways: list[str] = field(default_factory=list)


def _way_text(target: int | str, *, back: bool) -> str:
    if target == END:
        return "selesai"
    if target == APPLICANT:
        return "kembali ke pemohon"
    return f"{'kembali ke ' if back else ''}langkah {target}"


def _ways(sop: Sop, step: Step) -> list[str]:
    """Where the case goes after the step, as the picture's arrows show it."""
    decision = step.decision
    if decision is None:
        following = sop.next_of(step)
        return (
            [] if following == step.number + 1 else [f"Lanjut: {_way_text(following, back=False)}"]
        )
    ways = [f"{decision.question}"]
    for branch in (decision.if_yes, decision.if_no):
        target = branch.goto or branch.back_to or sop.next_of(step)
        ways.append(f"{branch.label} → {_way_text(target, back=branch.back_to is not None)}")
    if decision.reject is not None:
        ways.append(f"{decision.reject.label} → permohonan ditolak")
    return ways


@dataclass
class FlowChunk:
    """The rows printed on one page (one chunk in total on screen)."""

    rows: list[FlowRow]
    first: bool
    last: bool


@dataclass
class FlowLayout:
    metrics: Metrics
    actors: list[ActorColumn]
    col_width: float
    widths: dict[str, float]  # no, activity, inputs, time, output, notes
    actors_width: float
    table_width: float
    rows: list[FlowRow]
    chunks: list[FlowChunk]
    time_head: str
    actor_head_class: str  # "", sop-h-small or sop-h-tiny: the actors' longest word fits
    total_time: str  # "Jumlah waktu": the sum of the steps' times
    total_note: str  # the same in hours

    @property
    def total_span(self) -> int:
        """Columns before Waktu: No, Kegiatan, the actors and Kelengkapan."""
        return len(self.actors) + 3

    @property
    def col_width_text(self) -> str:
        return _n(self.col_width)

    @property
    def width_texts(self) -> dict[str, str]:
        return {key: _n(value) for key, value in self.widths.items()}

    @property
    def table_width_text(self) -> str:
        return _n(self.table_width)


def _cell_height(lines: int, m: Metrics) -> float:
    return lines * m.line + 2 * m.pad_y + m.border


def _lines_in(texts: list[str], width: float, m: Metrics) -> int:
    return sum(len(wrap(text, width, m.font, safety=m.safety)) for text in texts)


def _input_lines(items: list[ListItem], width: float, m: Metrics) -> int:
    count = 0
    for item in items:
        count += len(wrap(item.text, width, m.font, safety=m.safety))
        count += _lines_in([f"– {sub}" for sub in item.items], width - m.font, m)
    return count


def time_is_bare(sop: Sop) -> bool:
    """True when no step's printed time names its unit: the column head says "(Menit)"."""
    words = ("menit", "mnt", "jam", "hari")
    return not any(word in step.time.text.lower() for step in sop.steps for word in words)


def flow_layout(sop: Sop, m: Metrics, *, paginate: bool) -> FlowLayout:
    n = len(sop.actors)
    widths = {
        "no": math.floor(m.no),
        "activity": 0.0,
        "inputs": m.inputs,
        "time": math.floor(m.time),
        "output": m.output,
        "notes": math.floor(m.notes),
    }
    others = sum(widths.values())
    # Kegiatan gets its preferred width, the actors share the rest within their bounds; with
    # many actors Kegiatan gives way down to its floor, then the actor columns narrow.
    w = math.floor(min(max((m.width - others - m.activity_min) / n, m.actor_min), m.actor_max))
    if m.width - others - n * w < m.activity_floor:
        w = max(math.floor((m.width - others - m.activity_floor) / n), 20)
    actors_width = n * w
    # Kegiatan, Kelengkapan and Output share what is left by how much each has to say.
    text_keys = ("activity", "inputs", "output")
    least = {"activity": m.activity_floor, "inputs": m.inputs * 0.8, "output": m.output * 0.8}
    said = {
        "activity": sum(len(step.activity) for step in sop.steps),
        "inputs": sum(
            len(item.text) + sum(len(sub) for sub in item.items)
            for step in sop.steps
            for item in step.inputs
        ),
        "output": sum(len(step.output or "") for step in sop.steps),
    }
    room = m.width - actors_width - sum(v for k, v in widths.items() if k not in text_keys)
    spare = room - sum(least.values())
    total = sum(said.values()) or 1
    for key in text_keys:
        widths[key] = math.floor(least[key] + spare * said[key] / total)

    # Symbols: centred in their column, with a gutter on each side for lanes and labels.
    gutter = max(10 * m.font / 10, w * 0.17)
    sym_w = min(w - 2 * gutter, 70 * m.font / 10)
    proc_h = min(max(sym_w * 0.5, 16 * m.font / 10), 28 * m.font / 10)
    dec_h = min(max(sym_w * 0.72, 22 * m.font / 10), 40 * m.font / 10)
    label_room = 2 * m.label_font * 1.15 + 6

    def inner(key: str) -> float:
        return widths[key] - 2 * m.pad_x - m.border

    heights: list[float] = []
    for step in sop.steps:
        lines = max(
            len(wrap(step.activity, inner("activity"), m.font, safety=m.safety)),
            _input_lines(step.inputs, inner("inputs"), m),
            len(wrap(step.time.text, inner("time"), m.font, safety=m.safety)),
            len(wrap(step.output or "", inner("output"), m.font, safety=m.safety)),
            len(wrap(step.notes or "", inner("notes"), m.font, safety=m.safety)),
        )
        symbol = dec_h if step.decision is not None else proc_h
        heights.append(math.ceil(max(_cell_height(lines, m), symbol + 2 * label_room)))

    nodes: list[_Node] = []
    actor_index = {actor.id: i for i, actor in enumerate(sop.actors)}
    y = 0.0
    for step, height in zip(sop.steps, heights, strict=True):
        shape = _shape_of(sop, step)
        col = actor_index[step.actor]
        half_h = (dec_h if shape == "decision" else proc_h) / 2
        nodes.append(
            _Node(
                step, col, shape, (col + 0.5) * w, y + height / 2, sym_w / 2, half_h, y, y + height
            )
        )
        y += height

    connectors = _Router(sop, nodes, w, gutter, m.label_font).route()

    total_time, total_note = minutes_text(*sop.total_minutes), duration_text(*sop.total_minutes)
    total_height = _cell_height(
        max(
            len(wrap(total_time, inner("time"), m.font, safety=m.safety)),
            len(wrap(total_note, inner("output") + widths["notes"], m.font, safety=m.safety)),
        ),
        m,
    )
    head_class, head_font = _actor_head(sop, w, m)
    chunks = (
        _paginate(sop, heights, total_height, w, head_font, m)
        if paginate
        else [list(range(len(nodes)))]
    )
    breaks = [nodes[chunk[-1]].bottom for chunk in chunks[:-1]]
    pictures = _draw(nodes, connectors, n, w, m, breaks)
    rows = [
        FlowRow(
            node.step,
            node.shape,
            node.col,
            heights[i],
            pictures[i],
            actor_label=sop.actor(node.step.actor).label,
            ways=_ways(sop, node.step),
        )
        for i, node in enumerate(nodes)
    ]
    return FlowLayout(
        metrics=m,
        actors=[ActorColumn(i, a.id, a.label) for i, a in enumerate(sop.actors)],
        col_width=w,
        widths=widths,
        actors_width=actors_width,
        table_width=sum(widths.values()) + actors_width,
        rows=rows,
        chunks=[
            FlowChunk([rows[i] for i in chunk], first=k == 0, last=k == len(chunks) - 1)
            for k, chunk in enumerate(chunks)
        ],
        time_head="Waktu (Menit)" if time_is_bare(sop) else "Waktu",
        actor_head_class=head_class,
        total_time=total_time,
        total_note=total_note,
    )


def _actor_head(sop: Sop, w: float, m: Metrics) -> tuple[str, float]:
    """The largest head size at which every word of every actor's label fits its column."""
    inner = w - 2 * m.actor_pad_x - m.border
    words = [word for actor in sop.actors for word in _breakable(actor.label).split()]
    for css, size in (
        ("", m.actor_font),
        ("sop-h-small", m.actor_font_small),
        ("sop-h-tiny", m.actor_font_tiny),
    ):
        if all(text_width(word, size, bold=True, safety=1.0) <= inner for word in words):
            return css, size
    return "sop-h-tiny", m.actor_font_tiny


def _paginate(
    sop: Sop, heights: list[float], total: float, w: float, head_font: float, m: Metrics
) -> list[list[int]]:
    """Rows per landscape page: whole rows, the heads repeated, the total row on the last."""
    label_lines = max(
        len(
            wrap(
                _breakable(a.label),
                w - 2 * m.actor_pad_x - m.border,
                head_font,
                bold=True,
                safety=m.safety,
            )
        )
        for a in sop.actors
    )
    time_lines = len(
        wrap(
            "Waktu (Menit)",
            m.time - 2 * m.pad_x - m.border,
            m.head_font,
            bold=True,
            safety=m.safety,
        )
    )
    head = 2 * (2 * m.pad_y + m.border) + m.head_line * (1 + max(label_lines, time_lines, 1))
    title = sop.flow_title or f"SOP {sop.name}"
    title_lines = len(wrap(title.upper(), m.width, m.title_font, bold=True, safety=m.safety))
    title_h = title_lines * m.title_font * m.line_height + 2 * m.font * m.line_height + 12
    pages: list[list[int]] = []
    current: list[int] = []
    used = 0.0
    room = m.page_height - m.slack - head - title_h
    for i, height in enumerate(heights):
        if current and used + height > room:
            pages.append(current)
            current, used, room = [], 0.0, m.page_height - m.slack - head
        current.append(i)
        used += height
    if len(current) > 1 and used + total > room:
        pages.append(current[:-1])
        current = current[-1:]
    pages.append(current)
    return pages


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _letter(index: int) -> str:
    return _LETTERS[index % 26] * (index // 26 + 1)


def _draw(
    nodes: list[_Node],
    connectors: list[_Connector],
    columns: int,
    w: float,
    m: Metrics,
    breaks: list[float],
) -> list[Picture]:
    """Cut the flow's picture into one SVG per row; `breaks` are the page breaks' y."""
    scale = m.font / 10
    stroke = 1.1 * scale
    arrow = 5 * scale
    radius = 6 * scale

    # Off-page connectors: one letter per line crossing a page break.
    letters: dict[tuple[float, float], str] = {}
    for boundary in breaks:
        crossing = sorted(
            {
                round(x0, 2)
                for c in connectors
                for (x0, y0), (x1, y1) in pairwise(c.points)
                if x0 == x1 and min(y0, y1) < boundary < max(y0, y1)
            }
        )
        for x in crossing:
            letters[(boundary, x)] = _letter(len(letters))

    pictures = []
    for node in nodes:
        top, bottom = node.top, node.bottom
        height = bottom - top
        picture = Picture(columns * w, height, f"Langkah {node.step.number}")
        grid = Group("sop-grid")
        for k in range(1, columns):
            grid.elements.append(
                Element(
                    "line",
                    (
                        ("x1", _n(k * w)),
                        ("y1", "0"),
                        ("x2", _n(k * w)),
                        ("y2", _n(height)),
                        ("stroke", "#000"),
                        ("stroke-width", _n(m.border)),
                    ),
                )
            )
        picture.groups.append(grid)

        marks: list[Group] = []
        for c in connectors:
            group = Group(
                "sop-connector",
                [
                    ("connector", c.kind),
                    ("row", str(node.step.number)),
                    ("from", str(c.source)),
                    ("to", c.target if c.target_step is None else str(c.target_step)),
                ]
                + ([("target", c.target)] if c.target == APPLICANT else [])
                + ([("label", c.label)] if c.label else []),
            )
            circles: list[Element] = []
            for (x0, y0), (x1, y1) in pairwise(c.points):
                if y0 == y1:
                    if top < y0 < bottom:
                        group.elements.append(_line(x0, y0 - top, x1, y1 - top, stroke))
                    continue
                lo, hi = max(min(y0, y1), top), min(max(y0, y1), bottom)
                if hi - lo <= 0.01:
                    continue
                x = x0
                if lo == top and (top, round(x, 2)) in letters:
                    circles += _off_page(x, radius + 1, radius, letters[(top, round(x, 2))], scale)
                    lo = top + 2 * radius + 1
                if hi == bottom and (bottom, round(x, 2)) in letters:
                    circles += _off_page(
                        x, height - radius - 1, radius, letters[(bottom, round(x, 2))], scale
                    )
                    hi = bottom - 2 * radius - 1
                if hi > lo:
                    group.elements.append(_line(x, lo - top, x, hi - top, stroke))
            group.elements += circles
            tip, before = c.points[-1], c.points[-2]
            if c.end_box is None and top <= tip[1] <= bottom and c.target_step is not None:
                group.elements.append(_arrowhead(before, tip, top, arrow))
            if c.end_box is not None and top < tip[1] < bottom:
                group.elements.append(_arrowhead(before, tip, top, arrow))
                bx, by, bw, bh = c.end_box
                group.elements.append(_rect(bx, by - top, bw, bh, rx=bh / 2, stroke=stroke))
                group.elements.append(
                    _text(bx, by - top + m.label_font * 0.35, "Selesai", m.label_font, "middle")
                )
            if c.label_at is not None and c.source == node.step.number:
                at = c.label_at
                for i, text in enumerate(at.lines):
                    group.elements.append(
                        _text(
                            at.x,
                            at.y - top + i * m.label_font * 1.15,
                            text,
                            m.label_font,
                            at.anchor,
                        )
                    )
            if group.elements:
                marks.append(group)
        picture.groups += marks

        symbol = Group(
            "sop-symbol",
            [
                ("step", str(node.step.number)),
                ("actor", node.step.actor),
                ("actor-col", str(node.col)),
                ("shape", node.shape),
                ("cx", _n(node.cx)),
            ],
            title=_symbol_title(node),
        )
        cy = node.cy - top
        if node.shape == "decision":
            symbol.elements.append(
                _polygon(
                    [
                        (node.cx, cy - node.hh),
                        (node.cx + node.hw, cy),
                        (node.cx, cy + node.hh),
                        (node.cx - node.hw, cy),
                    ],
                    fill="#fff",
                    stroke=stroke,
                )
            )
        else:
            rx = node.hh if node.shape == "terminator" else 0
            symbol.elements.append(
                _rect(node.cx, cy, 2 * node.hw, 2 * node.hh, rx=rx, stroke=stroke)
            )
        picture.groups.append(symbol)
        pictures.append(picture)
    return pictures


def _symbol_title(node: _Node) -> str:
    kind = {"terminator": "mulai/selesai", "process": "kegiatan", "decision": "keputusan"}
    text = f"Langkah {node.step.number} ({kind[node.shape]})"
    if node.step.decision is not None:
        text += f": {node.step.decision.question}"
    return text


def _arrowhead(
    before: tuple[float, float], tip: tuple[float, float], top: float, size: float
) -> Element:
    dx, dy = tip[0] - before[0], tip[1] - before[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    bx, by = tip[0] - ux * size, tip[1] - uy * size
    px, py = -uy * size * 0.45, ux * size * 0.45
    return _polygon(
        [(tip[0], tip[1] - top), (bx + px, by + py - top), (bx - px, by - py - top)], fill=INK
    )


def _off_page(x: float, cy: float, radius: float, letter: str, scale: float) -> list[Element]:
    circle = Element(
        "circle",
        (
            ("cx", _n(x)),
            ("cy", _n(cy)),
            ("r", _n(radius)),
            ("fill", "#fff"),
            ("stroke", STROKE),
            ("stroke-width", _n(scale)),
            ("data-offpage", letter),
        ),
    )
    return [circle, _text(x, cy + 2.6 * scale, letter, 7.5 * scale, "middle")]


# The identity page ------------------------------------------------------------------------


@dataclass
class Kop:
    lines: list[tuple[str, str]]  # (css class, text)
    address: list[str]


def kop_of(sop: Sop, office: Office | None) -> Kop:
    """The letterhead: from the office when it exists, else from the SOP's own text."""
    units = [text.upper() for text in (sop.unit, sop.section) if text]
    if office is not None:
        lines = [("sop-kop-gov", office.kop_government.upper())] if office.kop_government else []
        agency = office.kop_agency or office.name
        lines.append(("sop-kop-agency", agency.upper()))
        address = [
            ", ".join(part for part in (office.address, office.postal_code) if part),
            " · ".join(
                part
                for part in (
                    f"Telp. {office.phone}" if office.phone else "",
                    f"Surel: {office.email}" if office.email else "",
                    f"Laman: {office.website}" if office.website else "",
                )
                if part
            ),
        ]
    else:
        title = sop.approver.title
        agency = title[len("Kepala ") :] if title.lower().startswith("kepala ") else title
        lines = [("sop-kop-agency", agency.upper())]
        address = []
    lines += [("sop-kop-unit", text) for text in units]
    return Kop(lines, [line for line in address if line])


def minutes_text(low: int, high: int) -> str:
    """The time standard as the flow table prints it: 80 menit; 3.585–7.845 menit."""
    if low != high:
        return f"{_number(low)}–{_number(high)} menit"
    return f"{_number(low)} menit"


def duration_text(low: int, high: int) -> str:
    """The same in hours, from an hour up: 6 jam 20 menit; "" below an hour."""

    def one(minutes: int) -> str:
        hours, rest = divmod(minutes, 60)
        return f"{_number(hours)} jam" + (f" {rest} menit" if rest else "")

    if high < 60:
        return ""
    return one(low) if low == high else f"{one(low)} – {one(high)}"


def document_filename(sop: Sop, source: str | None = None) -> str:
    """S2e-r1-akta-kelahiran.pdf: the code, the revision and the file's name (or the SOP's)."""
    stem = Path(source).stem if source else ""
    if stem.startswith(f"{sop.code}-"):
        slug = stem[len(sop.code) + 1 :]
    else:
        slug = slugify(sop.name)
        if len(slug) > 60:  # cut at a word
            slug = slug[:61].rsplit("-", 1)[0]
    return f"{sop.code}-r{sop.revision}-{slug}.pdf"


def document_context(sop: Sop, office: Office | None, *, for_pdf: bool) -> dict[str, object]:
    flow = flow_layout(sop, PRINT if for_pdf else SCREEN, paginate=for_pdf)
    deadline = sop.deadline
    return {
        "sop": sop,
        "office": office,
        "for_pdf": for_pdf,
        "kop": kop_of(sop, office),
        "flow": flow,
        "flow_title": sop.flow_title or f"SOP {sop.name}",
        "deadline": deadline,
        "footer": f"SOP {sop.code} r{sop.revision} · {sop.number or 'tanpa nomor'}",
    }


def render_html(sop: Sop, office: Office | None, *, for_pdf: bool) -> str:
    """The document as HTML: a standalone page for print, else a fragment for the staff pages."""
    context = document_context(sop, office, for_pdf=for_pdf)
    if not for_pdf:
        return render_to_string("sop/document.html", context)
    context["css"] = SafeString((STATIC_DIR / "print.css").read_text(encoding="utf-8"))
    return render_to_string("sop/document_pdf.html", context)


def refuse_fetch(url: str) -> None:
    """The SOP document is complete in itself: any URL outside it is refused."""
    if not url.startswith("data:"):
        raise ValueError(f"the SOP document fetches nothing: {url}")


def render_pdf(sop: Sop, office: Office | None) -> bytes:
    # WeasyPrint is imported here: it is slow to import and only the PDF needs it.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
            refuse_fetch(url)
            return super().fetch(url, headers)

    html = render_html(sop, office, for_pdf=True)
    document = HTML(string=html, base_url=str(STATIC_DIR), url_fetcher=LocalOnlyFetcher())
    pdf = document.write_pdf(presentational_hints=True)
    if pdf is None:  # only when given a target to write to
        raise RuntimeError("WeasyPrint returned no PDF")
    return pdf
