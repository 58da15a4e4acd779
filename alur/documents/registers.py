"""The register books of citizen documents and their issuance counts.

A document is issued when the Kadis signs it (paper: KK, SKPWNI, akta) or when its card is
printed (KTP-el, KIA); the day is the office's local date. The register book of an office, kind
and period (a month or a year) lists the numbered documents in register order, as rows, as a
spreadsheet and as a PDF. The counts per SOP and day, week or month feed the weekly report (S0)
through `alur.reports.counts.register_count_provider`.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.template.loader import render_to_string

from alur.core.cells import defuse, new_workbook
from alur.core.errors import DomainError
from alur.core.letterhead import Kop
from alur.documents.choices import CARDS, OutputKind
from alur.documents.models import CitizenDocument
from alur.org.access import Capability, require
from alur.org.models import Office, User
from alur.tte.words import period_label
from alur.workflow.selectors import personal_cases

HEADERS = ["No.", "Nomor register", "Tanggal", "Nama", "NIK / No. KK", "No. perkara", "Status"]
COLUMN_WIDTHS = [6, 30, 12, 34, 20, 20, 22]
# Document kind -> the service key of the weekly report (S0, `reports.catalogue`).
REPORT_KEYS: dict[str, str] = {
    OutputKind.KK: "kk",
    OutputKind.SKPWNI: "skpwni",
    OutputKind.AKTA_KELAHIRAN: "akta_lahir",
    OutputKind.AKTA_KEMATIAN: "akta_mati",
    OutputKind.KTP_EL: "ktp_el_cetak",
    OutputKind.KIA: "kia",
}
PERIODS = ("day", "week", "month")


@dataclass(frozen=True)
class RegisterRow:
    no: int
    number: str
    date: date
    name: str
    identity: str
    case: str
    status: str


def _bounds(office: Office, first: date, last: date) -> tuple[datetime, datetime]:
    zone = office.zone
    start = datetime.combine(first, time.min, tzinfo=zone)
    return start, datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)


def _issued(
    office: Office, first: date, last: date, viewer: User | AnonymousUser | None = None
) -> list[tuple[CitizenDocument, date]]:
    """The documents issued by `office` from `first` to `last` (local dates) with their day;
    with `viewer`, those whose case they handle (need-to-know: residents' data)."""
    start, end = _bounds(office, first, last)
    paper = Q(signed_at__gte=start, signed_at__lt=end) & ~Q(kind__in=list(CARDS))
    cards = Q(printed_at__gte=start, printed_at__lt=end, kind__in=list(CARDS))
    zone = office.zone
    handled = personal_cases(viewer, "case") if viewer is not None else Q()
    rows = (
        CitizenDocument.objects.filter(Q(office=office) & (paper | cards) & handled)
        .select_related("case", "case__sop", "resident", "family", "family__head")
        .order_by("pk")
    )
    return [
        (d, ((d.printed_at if d.is_card else d.signed_at) or start).astimezone(zone).date())
        for d in rows
    ]


def period_bounds(year: int, month: int | None) -> tuple[date, date]:
    if not 1900 <= year <= 9999 or (month is not None and not 1 <= month <= 12):
        raise DomainError("Periode register tidak sah: pilih tahun dan bulan 1 sampai 12.")
    if month is None:
        return date(year, 1, 1), date(year, 12, 31)
    following = (date(year, month, 28) + timedelta(days=4)).replace(day=1)
    return date(year, month, 1), following - timedelta(days=1)


def register_rows(
    *,
    office: Office,
    kind: str,
    year: int,
    month: int | None = None,
    viewer: User | AnonymousUser | None = None,
) -> list[RegisterRow]:
    """The register book of `kind`: the documents issued in the period, in register order (of
    the cases `viewer` handles, when given)."""
    if viewer is not None:
        require(viewer, Capability.HANDLE_CASES, office)
    if kind not in OutputKind.values:
        raise DomainError(f"Jenis dokumen {kind!r} tidak dikenal.", code="kind")
    first, last = period_bounds(year, month)
    found = [(d, day) for d, day in _issued(office, first, last, viewer) if d.kind == kind]
    found.sort(key=lambda item: (item[0].register_year or 0, item[0].register_serial or 0, item[1]))
    rows = []
    for index, (document, day) in enumerate(found, start=1):
        person = document.resident
        if document.kind == OutputKind.KK and document.family is not None:
            name, identity = document.family.head.name, document.family.no_kk
        else:
            name, identity = (person.name, person.nik) if person else ("-", "-")
        rows.append(
            RegisterRow(
                no=index,
                number=document.register_number or document.card_serial or "-",
                date=day,
                name=name,
                identity=identity,
                case=document.case.reference,
                status=document.status_label,
            )
        )
    return rows


def _title(kind: str) -> str:
    return f"BUKU REGISTER {OutputKind(kind).label.upper()}"


def register_xlsx(
    *,
    office: Office,
    kind: str,
    year: int,
    month: int | None = None,
    viewer: User | AnonymousUser | None = None,
) -> bytes:
    from openpyxl.styles import Font

    rows = register_rows(office=office, kind=kind, year=year, month=month, viewer=viewer)
    workbook, sheet = new_workbook("Register")
    sheet.append([_title(kind)])
    sheet.append([f"{office.name} — {period_label(year, month)}"])
    sheet.append([])
    sheet.append(HEADERS)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row.no, row.number, row.date, row.name, row.identity, row.case, row.status])
        sheet.cell(row=sheet.max_row, column=3).number_format = "DD-MM-YYYY"
    for index, width in enumerate(COLUMN_WIDTHS, start=1):
        sheet.column_dimensions[chr(64 + index)].width = width
    sheet["A1"].font = Font(bold=True, size=13)
    buffer = io.BytesIO()
    defuse(workbook).save(buffer)  # a name typed as "=HYPERLINK(...)" stays text
    return buffer.getvalue()


def register_pdf(
    *,
    office: Office,
    kind: str,
    year: int,
    month: int | None = None,
    viewer: User | AnonymousUser | None = None,
) -> bytes:
    """The book as an A4 landscape PDF under the office's letterhead (no signature space)."""
    from weasyprint import HTML

    rows = register_rows(office=office, kind=kind, year=year, month=month, viewer=viewer)
    html = render_to_string(
        "documents/pdf/register.html",
        {
            "title": _title(kind),
            "period": period_label(year, month),
            "kop": Kop.of(office),
            "headers": HEADERS,
            "rows": rows,
        },
    )
    pdf = HTML(string=html).write_pdf()
    assert pdf is not None  # noqa: S101 - WeasyPrint returns None only when given a target
    return pdf


# --- issuance counts ------------------------------------------------------------------------


def period_start(day: date, period: str) -> date:
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day


def issuance_counts(
    office: Office, first: date, last: date, period: str = "day"
) -> dict[date, dict[str, int]]:
    """{first day of each day/week/month: {SOP code: documents issued}} of `office`."""
    if period not in PERIODS:
        raise DomainError("Pilih periode harian, mingguan atau bulanan.", code="period")
    counts: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for document, day in _issued(office, first, last):
        counts[period_start(day, period)][document.case.sop.code] += 1
    return {key: dict(value) for key, value in sorted(counts.items())}


def report_counts(office: Office, first: date, last: date) -> dict[str, int]:
    """The weekly report's service keys (`REPORT_KEYS`) counted from the documents issued."""
    found: dict[str, int] = defaultdict(int)
    for document, _day in _issued(office, first, last):
        found[REPORT_KEYS[document.kind]] += 1
    return dict(found)
