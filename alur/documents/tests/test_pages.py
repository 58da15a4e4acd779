"""Each documents step shows its form on the case page to the person who acts on it."""

from __future__ import annotations

import pytest
from django.test import Client

from alur.workflow.tests.drive import holder, run_until_step, start

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code", "step", "expected"),
    [
        ("S2a", 2, "NIK kepala keluarga"),
        ("S2b", 2, "Kode wilayah tujuan"),
        ("S2e", 6, "No. KK orang tua"),
        ("S2f", 6, "NIK yang meninggal"),
        ("S2c", 2, "Nomor seri blanko KTP-el"),
        ("S2d", 4, "Nomor seri blanko KIA"),
        ("S2a", 5, "Passphrase sertifikat TTE"),
        ("S2d", 5, "Nomor resi PT POS"),
    ],
)
def test_the_step_form_is_on_the_case_page(code: str, step: int, expected: str) -> None:
    task = run_until_step(start(code), step)
    client = Client()
    client.force_login(holder(task))
    body = client.get(f"/perkara/{task.case.reference}/").content.decode()
    assert expected in body
    assert "Simpan hasil langkah" not in body  # the generic outcome form is replaced


def test_another_offices_staff_cannot_read_a_draft(persona) -> None:
    from alur.documents.models import CitizenDocument

    task = run_until_step(start("S2a"), 3)
    document = CitizenDocument.objects.get(case=task.case)
    client = Client()
    client.force_login(persona("metro.kasi"))
    assert client.get(f"/dokumen/{document.pk}/konsep/").status_code == 404
    client.force_login(persona("waykanan.kasi.dafduk"))
    response = client.get(f"/dokumen/{document.pk}/konsep/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
