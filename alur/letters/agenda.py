"""The outgoing-letter book (buku agenda surat keluar) of an office: the numbers issued in a year
or a month, optionally of one series, as a spreadsheet and as a printable PDF. Its rows are read
by `selectors.agenda_rows`."""

from __future__ import annotations

import io

from django.contrib.auth.models import AnonymousUser
from django.utils.html import escape

from alur.core.cells import defuse
from alur.core.errors import DomainError
from alur.core.letterhead import ADDRESS, letterhead_html
from alur.letters.models import NumberSeries
from alur.letters.selectors import AgendaRow, agenda_rows
from alur.org.models import Office, User
from alur.tte.words import period_label

__all__ = [
    "agenda_pdf",
    "agenda_xlsx",
]

TITLE = "BUKU AGENDA SURAT KELUAR"
HEADERS = ["No.", "Nomor Surat", "Tanggal", "Perihal", "Tujuan", "Diberikan oleh", "Keterangan"]
COLUMN_WIDTHS = [6, 34, 12, 48, 32, 26, 30]


def _series_label(office: Office, series_key: str | None) -> str:
    if series_key is None:
        return "Semua seri"
    series = NumberSeries.objects.filter(office=office, key=series_key).first()
    if series is None:
        raise DomainError(f"Seri penomoran {series_key!r} belum diatur untuk {office}.")
    return series.label


def _book(
    office: Office,
    year: int,
    month: int | None,
    series_key: str | None,
    viewer: User | AnonymousUser | None,
) -> tuple[list[AgendaRow], str]:
    """The rows of a period and the label of its series: what both exports print."""
    rows = agenda_rows(office=office, year=year, month=month, series_key=series_key, viewer=viewer)
    return rows, _series_label(office, series_key)


def agenda_xlsx(
    *,
    office: Office,
    year: int,
    month: int | None = None,
    series_key: str | None = None,
    viewer: User | AnonymousUser | None = None,
) -> bytes:
    """The book as an .xlsx workbook: a header with the office and period, then the table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    rows, series_label = _book(office, year, month, series_key, viewer)
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = "Agenda"
    heading = [office.kop_government, office.kop_agency or office.name, TITLE]
    heading = [line for line in heading if line]
    heading.append(f"Periode: {period_label(year, month)} — {series_label}")
    for line in heading:
        sheet.append([line])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=12)
    sheet.append([])
    sheet.append(HEADERS)
    header_row = sheet.max_row
    for column in range(1, len(HEADERS) + 1):
        cell = sheet.cell(row=header_row, column=column)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for row in rows:
        sheet.append([row.no, row.number, row.date, row.subject, row.recipient, row.issued_by])
        if row.remark:  # the void mark: the serial stays in the book, marked BATAL
            sheet.cell(row=sheet.max_row, column=len(HEADERS), value=row.remark)
            sheet.cell(row=sheet.max_row, column=2).font = Font(strike=True)
        sheet.cell(row=sheet.max_row, column=3).number_format = "DD/MM/YYYY"
        for column in (4, 5):
            sheet.cell(row=sheet.max_row, column=column).alignment = Alignment(wrap_text=True)
    for column, width in enumerate(COLUMN_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"A{header_row + 1}"  # below the header, as its first cell
    sheet.print_options.gridLines = True
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    buffer = io.BytesIO()
    defuse(workbook).save(buffer)  # a subject typed as "=HYPERLINK(...)" stays text
    return buffer.getvalue()


def _refuse_fetch(url: str, timeout: int = 10, ssl_context: object = None) -> dict:
    raise ValueError(f"agenda PDF fetches nothing: {url!r} refused")


_PDF_STYLE = """
@page { size: A4 landscape; margin: 14mm 12mm; }
body { font-family: "DejaVu Sans", sans-serif; font-size: 9pt; }
.kop { text-align: center; line-height: 1.3; }
.kop .government { font-size: 12pt; font-weight: bold; }
.kop .agency { font-size: 13pt; font-weight: bold; }
.kop-rule { border: 0; border-top: 2px solid #000; margin: 4pt 0 8pt; }
h1 { font-size: 11pt; text-align: center; margin: 0 0 2pt; }
.period { text-align: center; margin: 0 0 8pt; }
table { width: 100%; border-collapse: collapse; }
th, td { border: 0.5pt solid #000; padding: 3pt 4pt; vertical-align: top; }
th { background: #e6e6e6; }
thead { display: table-header-group; }
td.no, td.date { text-align: center; white-space: nowrap; }
td.number { white-space: nowrap; }
.empty { text-align: center; font-style: italic; }
"""


def agenda_pdf(
    *,
    office: Office,
    year: int,
    month: int | None = None,
    series_key: str | None = None,
    viewer: User | AnonymousUser | None = None,
) -> bytes:
    """The book as an A4 landscape PDF under the office's letterhead. Fetches nothing."""
    from weasyprint import HTML

    rows, series_label = _book(office, year, month, series_key, viewer)
    kop = letterhead_html(office, ADDRESS)
    header_cells = "".join(f"<th>{escape(h)}</th>" for h in HEADERS)
    body = (
        "".join(
            "<tr>"
            f'<td class="no">{row.no}</td>'
            f'<td class="number">{escape(row.number)}</td>'
            f'<td class="date">{row.date:%d/%m/%Y}</td>'
            f"<td>{escape(row.subject)}</td>"
            f"<td>{escape(row.recipient)}</td>"
            f"<td>{escape(row.issued_by)}</td>"
            f'<td class="remark">{escape(row.remark)}</td>'
            "</tr>"
            for row in rows
        )
        or f'<tr><td class="empty" colspan="{len(HEADERS)}">Belum ada surat keluar.</td></tr>'
    )
    document = (
        '<!doctype html><html lang="id"><head><meta charset="utf-8">'
        f"<title>{escape(TITLE)} {escape(period_label(year, month))}</title>"
        f"<style>{_PDF_STYLE}</style></head><body>"
        f"{kop}"
        f"<h1>{escape(TITLE)}</h1>"
        f'<p class="period">Periode: {escape(period_label(year, month))} — '
        f"{escape(series_label)}</p>"
        f"<table><thead><tr>{header_cells}</tr></thead><tbody>{body}</tbody></table>"
        "</body></html>"
    )
    return HTML(string=document, url_fetcher=_refuse_fetch).write_pdf()
