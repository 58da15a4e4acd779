"""The outgoing-letter book: rows in the office's time zone, the spreadsheet and the PDF."""

from __future__ import annotations

import io
import subprocess
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from openpyxl import load_workbook

from alur.letters.agenda import agenda_pdf, agenda_xlsx
from alur.letters.numbering import number_take, series_ensure
from alur.letters.selectors import agenda_rows
from alur.org.models import Office

WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def book(office, persona) -> Office:
    """Way Kanan: two letters in January (one late on the 31st), one in February, one nota."""
    wk = office("18.08")
    operator = persona("waykanan.operator")
    series_ensure(office=wk, key="surat", label="Surat keluar")
    series_ensure(office=wk, key="nota_dinas", label="Nota dinas", fmt="ND/{serial}/{year}")
    entries = [
        (
            "surat",
            "400.12.2.1",
            "Undangan rapat",
            "Camat Baradatu",
            datetime(2026, 1, 5, 9, tzinfo=WIB),
        ),
        (
            "surat",
            "400.12.3.1",
            "Laporan kelahiran",
            "Bupati Way Kanan",
            datetime(2026, 1, 31, 23, tzinfo=WIB),
        ),
        (
            "surat",
            "400.12.2.2",
            "Surat pindah",
            "Disdukcapil Kota Metro",
            datetime(2026, 2, 2, 8, tzinfo=WIB),
        ),
        ("nota_dinas", "400.12", "Nota internal", "", datetime(2026, 1, 6, 10, tzinfo=WIB)),
    ]
    with transaction.atomic():
        for key, classification, subject, recipient, when in entries:
            number_take(
                office=wk,
                series_key=key,
                classification=classification,
                subject=subject,
                recipient=recipient,
                actor=operator,
                when=when,
            )
    return wk


def test_rows_of_a_month_and_a_series(book: Office, persona) -> None:
    rows = agenda_rows(office=book, year=2026, month=1, series_key="surat")
    assert [(r.no, r.number, r.date) for r in rows] == [
        (1, "400.12.2.1/1/Disdukcapil/2026", date(2026, 1, 5)),
        (2, "400.12.3.1/2/Disdukcapil/2026", date(2026, 1, 31)),
    ]
    assert rows[0].subject == "Undangan rapat"
    assert rows[0].recipient == "Camat Baradatu"
    assert rows[0].issued_by == persona("waykanan.operator").get_full_name()
    assert len(agenda_rows(office=book, year=2026)) == 4
    assert len(agenda_rows(office=book, year=2026, month=2)) == 1
    assert agenda_rows(office=book, year=2025) == []


def test_dates_and_months_are_the_offices_local_ones(book: Office) -> None:
    """23:00 WIB on 31 Jan is 1 Feb in WITA: the same number moves to February's book."""
    Office.objects.filter(pk=book.pk).update(timezone="Asia/Makassar")
    book.refresh_from_db()
    february = agenda_rows(office=book, year=2026, month=2, series_key="surat")
    assert [(r.number, r.date) for r in february] == [
        ("400.12.3.1/2/Disdukcapil/2026", date(2026, 2, 1)),
        ("400.12.2.2/3/Disdukcapil/2026", date(2026, 2, 2)),
    ]


def test_the_book_is_one_query(book: Office, django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        agenda_rows(office=book, year=2026)


def test_another_offices_officer_cannot_read_the_book(book: Office, persona) -> None:
    with pytest.raises(PermissionDenied):
        agenda_rows(office=book, year=2026, viewer=persona("metro.operator"))
    assert len(agenda_rows(office=book, year=2026, viewer=persona("waykanan.kasi.dafduk"))) == 4


def test_xlsx_has_header_and_rows_with_real_dates(book: Office) -> None:
    content = agenda_xlsx(office=book, year=2026, month=1, series_key="surat")
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    values = [row for row in sheet.iter_rows(values_only=True)]
    texts = [row[0] for row in values if row[0] is not None]
    assert "PEMERINTAH KABUPATEN WAY KANAN" in texts
    assert "BUKU AGENDA SURAT KELUAR" in texts
    assert any(isinstance(t, str) and "Januari 2026" in t and "Surat keluar" in t for t in texts)
    header_index = next(i for i, row in enumerate(values) if row[0] == "No.")
    assert values[header_index][1] == "Nomor Surat"
    header_cell = sheet.cell(row=header_index + 1, column=1)
    assert header_cell.font.bold
    data = values[header_index + 1 :]
    assert [row[1] for row in data] == [
        "400.12.2.1/1/Disdukcapil/2026",
        "400.12.3.1/2/Disdukcapil/2026",
    ]
    # A real date cell: openpyxl reads it back as a datetime at midnight.
    assert isinstance(data[1][2], datetime) and data[1][2].date() == date(2026, 1, 31)
    assert sheet.column_dimensions["B"].width >= 30


def test_pdf_is_a_pdf_with_the_numbers(book: Office, poppler) -> None:
    content = agenda_pdf(office=book, year=2026)
    assert content.startswith(b"%PDF")
    pdftotext = poppler("pdftotext")
    text = subprocess.run(
        [pdftotext, "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    assert "400.12.2.1/1/Disdukcapil/2026" in text
    assert "ND/1/2026" in text
    assert "BUKU AGENDA SURAT KELUAR" in text
    assert "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL" in text


def test_an_empty_period_still_renders(book: Office) -> None:
    assert agenda_pdf(office=book, year=2024).startswith(b"%PDF")
    sheet = load_workbook(io.BytesIO(agenda_xlsx(office=book, year=2024))).worksheets[0]
    assert sheet.max_row >= 5
