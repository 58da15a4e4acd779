"""A letter subject typed as a spreadsheet formula is written to the agenda workbook as text."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from openpyxl import load_workbook

from alur.letters.agenda import agenda_xlsx
from alur.letters.numbering import number_take, series_ensure

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("https://contoh.test","Klik")'


def test_agenda_workbook_subject_is_not_formula(office, persona) -> None:
    wk = office("18.08")
    series_ensure(office=wk, key="surat", label="Surat keluar")
    with transaction.atomic():
        number_take(
            office=wk,
            series_key="surat",
            classification="400.12.2.1",
            subject=FORMULA,
            recipient="@Camat Baradatu",
            actor=persona("waykanan.operator"),
            when=datetime(2026, 1, 5, 9, tzinfo=ZoneInfo("Asia/Jakarta")),
        )
    sheet = load_workbook(io.BytesIO(agenda_xlsx(office=wk, year=2026))).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if c.value in (FORMULA, "@Camat Baradatu")]
    assert len(cells) == 2
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("subject", FORMULA),
        ("subject", "Undangan rapat\u202e"),
        ("subject", "\u200b"),
        ("recipient", "+Camat Baradatu"),
    ],
)
def test_letter_subject_with_formula_or_invisible_characters_refused(
    field: str, value: str
) -> None:
    from alur.letters.forms import LetterForm

    form = LetterForm({field: value})
    form.is_valid()
    assert field in form.errors
    assert "diawali" in form.errors[field][0] or "tak terlihat" in form.errors[field][0]
