"""The provincial recap as an A4 PDF drawn with ReportLab's table flowable.

The recap's table has one row per kab/kota (514 for the whole country): WeasyPrint needed ~5 s
to lay it out, ReportLab ~0.2 s (docs/benchmarks.md). The look follows the HTML templates of
`pdf.py` (kop, title, period, rates, the per-service table, the per-kab/kota table with its
header repeated on every page and a totals row, late rows in italics, missing rows in red,
"hal. x / y" at the bottom right), in DejaVu Sans like the other documents.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from django.template.defaultfilters import floatformat
from django.utils.formats import localize

from alur.core.letterhead import ADDRESS, Kop

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/share/fonts/dejavu"),
)
# DejaVu Sans where the system has it (fonts-dejavu-core, which pango pulls in), else the
# Bitstream Vera that ReportLab ships (DejaVu's ancestor, same Latin metrics).
FACES = {
    "": ("DejaVuSans.ttf", "Vera.ttf"),
    "B": ("DejaVuSans-Bold.ttf", "VeraBd.ttf"),
    "I": ("DejaVuSans-Oblique.ttf", "VeraIt.ttf"),
}
SIZE = 8.5
LEADING = 10.5
GREY = (0.9, 0.9, 0.9)
RED = (0.69, 0.0, 0.0)  # #b00, the HTML's .missing
DASH = "—"

SERVICE_COLUMNS = (("No.", 10, "RIGHT"), ("Jenis layanan", 78, "LEFT"))
SERVICE_FIGURES = ("Periode ini", "Periode lalu", "Perubahan")
OFFICE_COLUMNS = (
    ("No.", 9, "RIGHT"),
    ("Kab/Kota", 54, "LEFT"),
    ("Jumlah", 18, "RIGHT"),
    ("Periode lalu", 18, "RIGHT"),
    ("Perubahan", 21, "RIGHT"),
    ("Status", 25, "LEFT"),
    ("Dikirim", 41, "LEFT"),
)


@cache
def fonts() -> dict[str, str]:
    """Register the three faces once per process; their ReportLab names by style."""
    from reportlab import rl_config
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    bundled = Path(rl_config.__file__).resolve().parent / "fonts"
    found = {}
    for style, (dejavu, vera) in FACES.items():
        path = next((d / dejavu for d in FONT_DIRS if (d / dejavu).is_file()), bundled / vera)
        name = f"AlurRecap{style or 'R'}"
        pdfmetrics.registerFont(TTFont(name, str(path)))
        found[style] = name
    return found


def percent(value: float | None) -> str:
    """As the HTML templates print it: `floatformat:1` in the active locale, then "%"."""
    return DASH if value is None else f"{floatformat(value, 1)}%"


def figure(value: int | None) -> str:
    return DASH if value is None else str(value)


def _wrap(text: str, font: str, width: float) -> str:
    """Break `text` into lines no wider than `width` points (table cells take "\\n")."""
    from reportlab.lib.utils import simpleSplit

    return "\n".join(simpleSplit(text, font, SIZE, width)) or text


def _table(
    columns: tuple[tuple[str, float, str], ...], rows: list[list[str]], styles: list[tuple]
) -> Any:
    from reportlab.lib.units import mm
    from reportlab.platypus import Table

    face = fonts()
    widths = [w * mm for _label, w, _align in columns]
    head = [
        _wrap(label, face["B"], w - 6) for (label, _w, _a), w in zip(columns, widths, strict=True)
    ]
    # Only text columns can outgrow their width (a kab/kota name): wrap those, keep the rest.
    wrap_at = [
        w - 6 if align == "LEFT" else 0 for (_l, _w, align), w in zip(columns, widths, strict=True)
    ]
    from reportlab.pdfbase.pdfmetrics import stringWidth

    body = []
    for row in rows:
        cells = []
        for text, limit in zip(row, wrap_at, strict=True):
            if limit and stringWidth(text, face[""], SIZE) > limit:
                text = _wrap(text, face[""], limit)
            cells.append(text)
        body.append(cells)
    style = [
        ("FONT", (0, 0), (-1, -1), face[""], SIZE, LEADING),
        ("FONT", (0, 0), (-1, 0), face["B"], SIZE, LEADING),
        ("BACKGROUND", (0, 0), (-1, 0), GREY),
        ("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        *[("ALIGN", (i, 1), (i, -1), align) for i, (_l, _w, align) in enumerate(columns)],
        *styles,
    ]
    return Table([head, *body], colWidths=widths, style=style, repeatRows=1, hAlign="LEFT")


def _numbered_canvas(font: str) -> type[Canvas]:
    """A canvas that holds its pages until the end, to print "hal. x / y" on each."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    class Numbered(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._held.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]  # private: not in the stubs

        def save(self) -> None:
            total = len(self._held)
            for state in self._held:
                self.__dict__.update(state)
                self.setFont(font, 8)
                self.drawRightString(
                    A4[0] - 12 * mm, 8 * mm, f"hal. {self.getPageNumber()} / {total}"
                )
                super().showPage()
            super().save()

    return Numbered


def recap_pdf(*, office: Any, title: str, recap: dict[str, Any]) -> bytes:
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import HRFlowable, Paragraph, SimpleDocTemplate, Spacer

    face = fonts()

    def style(size: float, *, bold: bool = False, center: bool = False, after: float = 0) -> Any:
        return ParagraphStyle(
            f"recap{size}{bold}{center}",
            fontName=face["B" if bold else ""],
            fontSize=size,
            leading=size * 1.3,
            alignment=TA_CENTER if center else 0,
            spaceAfter=after,
        )

    story: list[Any] = []
    kop = Kop.of(office)
    if kop.government:
        story.append(Paragraph(escape(kop.government), style(11, bold=True, center=True)))
    story.append(Paragraph(escape(kop.agency), style(12, bold=True, center=True)))
    for line in kop.lines(ADDRESS):
        story.append(Paragraph(escape(line), style(SIZE, center=True)))
    story.append(
        HRFlowable(width="100%", thickness=1.5, color=(0, 0, 0), spaceBefore=4, spaceAfter=8)
    )
    story.append(
        Paragraph(
            escape(f"REKAPITULASI {title.upper()}"), style(11, bold=True, center=True, after=2)
        )
    )
    story.append(Paragraph(escape(f"Periode {recap['period']}"), style(SIZE, center=True, after=8)))
    rates = recap["rates"]
    story.append(
        Paragraph(
            f"Laporan masuk {rates['submitted']} dari {rates['expected']} kabupaten/kota "
            f"(tingkat pelaporan {localize(rates['reporting_rate'])}%); tepat waktu "
            f"{rates['on_time']} ({localize(rates['on_time_rate'])}%), terlambat {rates['late']}, "
            f"tidak melapor {rates['missing']}.",
            style(SIZE, after=2),
        )
    )
    heading = style(10, bold=True)
    heading.spaceBefore, heading.spaceAfter = 10, 4

    story.append(Paragraph("Jumlah per jenis layanan", heading))
    service_columns = (
        *SERVICE_COLUMNS,
        *((label, 32, "RIGHT") for label in SERVICE_FIGURES),
    )
    story.append(
        _table(
            service_columns,
            [
                [str(n), s["label"], str(s["total"]), str(s["previous"]), percent(s["change"])]
                for n, s in enumerate(recap["services"], start=1)
            ],
            [],
        )
    )
    story.append(Spacer(1, 2))

    story.append(Paragraph("Per kabupaten/kota", heading))
    rows: list[list[Any]] = []
    marks: list[tuple[Any, ...]] = []
    for n, row in enumerate(recap["rows"], start=1):
        rows.append(
            [
                str(n),
                row["name"],
                figure(row["total"]),
                figure(row["previous"]),
                percent(row["change"]),
                row["status_label"],
                row["submitted_local"],
            ]
        )
        if row["status"] == "late":
            marks.append(("FONTNAME", (0, n), (-1, n), face["I"]))
        elif row["status"] == "missing":
            marks.append(("TEXTCOLOR", (0, n), (-1, n), RED))
    totals = recap["totals"]
    rows.append(
        [
            "",
            "JUMLAH",
            str(totals["total"]),
            str(totals["previous"]),
            percent(totals["change"]),
            "",
            "",
        ]
    )
    marks.append(("FONTNAME", (0, -1), (-1, -1), face["B"]))
    story.append(_table(OFFICE_COLUMNS, rows, marks))

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=f"Rekapitulasi {title}",
        author=kop.agency,
        creator="Alur",
    )
    document.build(story, canvasmaker=_numbered_canvas(face[""]))
    return buffer.getvalue()
