"""The flow table: columns and row heights measured from the text, pages, and each row's picture
cut from the routed flow."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from itertools import pairwise

from alur.core.numbers import number as _number
from alur.sop.render import svg
from alur.sop.render.measure import Metrics, text_width, wrap
from alur.sop.render.routing import Connector, Node, Router, Shape, shape_of
from alur.sop.render.svg import Element, Group, Picture
from alur.sop.schema import APPLICANT, END, ListItem, Sop, Step


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
        return svg.coord(self.col_width)

    @property
    def width_texts(self) -> dict[str, str]:
        return {key: svg.coord(value) for key, value in self.widths.items()}

    @property
    def table_width_text(self) -> str:
        return svg.coord(self.table_width)


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

    nodes: list[Node] = []
    actor_index = {actor.id: i for i, actor in enumerate(sop.actors)}
    y = 0.0
    for step, height in zip(sop.steps, heights, strict=True):
        shape = shape_of(sop, step)
        col = actor_index[step.actor]
        half_h = (dec_h if shape == "decision" else proc_h) / 2
        nodes.append(
            Node(
                step, col, shape, (col + 0.5) * w, y + height / 2, sym_w / 2, half_h, y, y + height
            )
        )
        y += height

    connectors = Router(sop, nodes, w, gutter, m.label_font).route()

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
    nodes: list[Node],
    connectors: list[Connector],
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
                        ("x1", svg.coord(k * w)),
                        ("y1", "0"),
                        ("x2", svg.coord(k * w)),
                        ("y2", svg.coord(height)),
                        ("stroke", "#000"),
                        ("stroke-width", svg.coord(m.border)),
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
                        group.elements.append(svg.line(x0, y0 - top, x1, y1 - top, stroke))
                    continue
                lo, hi = max(min(y0, y1), top), min(max(y0, y1), bottom)
                if hi - lo <= 0.01:
                    continue
                x = x0
                if lo == top and (top, round(x, 2)) in letters:
                    circles += svg.off_page(
                        x, radius + 1, radius, letters[(top, round(x, 2))], scale
                    )
                    lo = top + 2 * radius + 1
                if hi == bottom and (bottom, round(x, 2)) in letters:
                    circles += svg.off_page(
                        x, height - radius - 1, radius, letters[(bottom, round(x, 2))], scale
                    )
                    hi = bottom - 2 * radius - 1
                if hi > lo:
                    group.elements.append(svg.line(x, lo - top, x, hi - top, stroke))
            group.elements += circles
            tip, before = c.points[-1], c.points[-2]
            if c.end_box is None and top <= tip[1] <= bottom and c.target_step is not None:
                group.elements.append(svg.arrowhead(before, tip, top, arrow))
            if c.end_box is not None and top < tip[1] < bottom:
                group.elements.append(svg.arrowhead(before, tip, top, arrow))
                bx, by, bw, bh = c.end_box
                group.elements.append(svg.rect(bx, by - top, bw, bh, rx=bh / 2, stroke=stroke))
                group.elements.append(
                    svg.text(bx, by - top + m.label_font * 0.35, "Selesai", m.label_font, "middle")
                )
            if c.label_at is not None and c.source == node.step.number:
                at = c.label_at
                for i, text in enumerate(at.lines):
                    group.elements.append(
                        svg.text(
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
                ("cx", svg.coord(node.cx)),
            ],
            title=_symbol_title(node),
        )
        cy = node.cy - top
        if node.shape == "decision":
            symbol.elements.append(
                svg.polygon(
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
                svg.rect(node.cx, cy, 2 * node.hw, 2 * node.hh, rx=rx, stroke=stroke)
            )
        picture.groups.append(symbol)
        pictures.append(picture)
    return pictures


def _symbol_title(node: Node) -> str:
    kind = {"terminator": "mulai/selesai", "process": "kegiatan", "decision": "keputusan"}
    text = f"Langkah {node.step.number} ({kind[node.shape]})"
    if node.step.decision is not None:
        text += f": {node.step.decision.question}"
    return text


# The time standard ------------------------------------------------------------------------


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
