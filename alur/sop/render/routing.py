"""The flow's symbols and connectors in the coordinates of the whole flow: each connector is
routed once, a straight line or an elbow to the next step, or a labelled line up or down a lane
beside the symbols for a decision's other answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from alur.sop.render.measure import text_width, wrap
from alur.sop.schema import APPLICANT, END, Sop, Step

Shape = Literal["terminator", "process", "decision"]


@dataclass
class Node:
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
class Label:
    x: float
    y: float  # the first line's baseline
    lines: list[str]
    anchor: str  # start / end


@dataclass
class Connector:
    kind: str  # flow: to the next row; back: to an earlier step; jump: further on; end
    source: int
    target: str  # a step number, "end", or "applicant"
    target_step: int | None
    points: list[tuple[float, float]]
    label: str = ""
    label_at: Label | None = None
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


def shape_of(sop: Sop, step: Step) -> Shape:
    if step.decision is not None:
        return "decision"
    if step.number == sop.steps[0].number or sop.next_of(step) == END:
        return "terminator"
    return "process"


class Router:
    """Routes every connector of the flow, step by step: a decision's other answer first (it
    needs a side of the diamond), then the way on."""

    def __init__(
        self, sop: Sop, nodes: list[Node], col_width: float, gutter: float, label_font: float
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
        self.connectors: list[Connector] = []

    def route(self) -> list[Connector]:
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
        self, node: Node, target_step: int | None, target: str, label: str, want: str | None
    ) -> None:
        if target_step is None:
            self._to_end(node, label, want)
        else:
            self._long(node, self.by_number[target_step], target, label, want)

    def _to_next(self, node: Node, nxt: Node, label: str, want: str) -> None:
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
            Connector(
                "flow",
                node.step.number,
                str(nxt.step.number),
                nxt.step.number,
                points,
                label,
                label_at,
            )
        )

    def _long(self, node: Node, target: Node, written: str, label: str, want: str | None) -> None:
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
        low, high = sorted((ey, ay))
        self.lanes.take(x, low, high, (target.step.number, arrival))
        sign = 1 if exit_side == "right" else -1
        # A line going back runs up from the diamond: its label sits below the line.
        label_at = self._label_along(ex, x, ey, label, above=not back, sign=sign)
        self.connectors.append(
            Connector(
                "back" if back else "jump",
                node.step.number,
                written,
                target.step.number,
                points,
                label,
                label_at,
            )
        )

    def _arrival_point(self, target: Node, arrival: str) -> tuple[float, float]:
        if arrival == "top":
            return target.cx, target.above_y
        return target.port(arrival)

    def _to_end(self, node: Node, label: str, want: str | None) -> None:
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
            Connector(
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
    ) -> Label | None:
        if not label:
            return None
        room = abs(x1 - x0) - 6
        width = min(max(room, 1.2 * self.w), 2.5 * self.w)
        lines = wrap(label, width, self.label_font)
        step = self.label_font * 1.15
        first = y - 3 - step * (len(lines) - 1) if above else y + 2 + self.label_font
        return Label(x0 + sign * 3, first, lines, "start" if sign > 0 else "end")

    def _label_beside(self, node: Node, label: str) -> Label | None:
        """Beside the line leaving the symbol's bottom, above where it may turn."""
        if not label:
            return None
        lines = wrap(label, 0.45 * self.w + node.hw, self.label_font)
        step = self.label_font * 1.15
        x = node.cx
        return Label(x + 3, node.below_y - 2 - step * (len(lines) - 1), lines, "start")
