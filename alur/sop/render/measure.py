"""Text measurement and the flow table's sizes: how wide a line of Arial is, where it wraps."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

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
