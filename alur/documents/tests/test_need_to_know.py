"""The register books and the population register follow need-to-know: a register lists the
documents of the cases the viewer handles, and only posts that see residents' data search the
population register."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from alur.documents import registers
from alur.documents.tests.test_services import issued
from alur.org.choices import PositionKind
from alur.registry.selectors import families_of, residents_of
from alur.workflow.tests.test_need_to_know import hold

pytestmark = pytest.mark.django_db


def test_a_register_book_lists_only_the_documents_of_the_cases_the_viewer_handles(
    persona,
) -> None:
    now = timezone.now()
    document = issued("akta_kelahiran", "S2e", now, 1)
    local = timezone.localdate(now)
    period = {"office": document.office, "kind": "akta_kelahiran", "year": local.year}
    kasi = persona("waykanan.kasi.capil")
    assert [r.case for r in registers.register_rows(viewer=kasi, **period)] == [
        document.case.reference
    ]
    other = persona("waykanan.kasi.dafduk")  # another bidang
    assert registers.register_rows(viewer=other, **period) == []
    sheet = load_workbook(io.BytesIO(registers.register_xlsx(viewer=other, **period))).active
    assert document.resident.name not in [c.value for row in sheet.iter_rows() for c in row]


def test_only_posts_that_see_residents_data_search_the_population_register(persona) -> None:
    document = issued("akta_kelahiran", "S2e", timezone.now(), 1)
    operator = persona("waykanan.operator")
    assert document.resident in residents_of(operator)
    kasubag = hold(document.office, "nk.kasubag", PositionKind.KASUBAG, "Sekretariat")
    assert not residents_of(kasubag).exists() and not families_of(kasubag).exists()
