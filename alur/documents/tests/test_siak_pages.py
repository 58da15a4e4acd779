"""The case page of an office on SIAK: the steps done in SIAK link to it and say what to do
there; Alur offers no draft of a document SIAK prints; and a KK made on SIAK is found by the
family search as it is in standalone mode."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from alur.documents.models import CitizenDocument
from alur.documents.tests.entry import home, person
from alur.documents.tests.siak_pdfs import signed_pdf
from alur.documents.tests.test_siak import (
    TODAY,
    attach,
    enter,
    kk_number,
    to_siak,
    to_standalone,
)
from alur.registry.selectors import family_search
from alur.workflow.models import Case
from alur.workflow.tests.drive import holder, run_to_end, run_until_step, start

pytestmark = pytest.mark.django_db

SIAK_LINK = f'href="{settings.SIAK_URL}" target="_blank" rel="noopener">Buka SIAK</a>'


def kk_case(backend: str) -> tuple[Case, Any, Any, Any]:
    """An S2a case at its entry step (2) in an office on `backend`, and the couple of the KK."""
    task = run_until_step(start("S2a"), 2)
    operator = holder(task)
    office = task.case.office
    to_standalone(office)
    head, wife = person(office, operator, "Kepala"), person(office, operator, "Istri", sex="P")
    if backend == "siak":
        to_siak(office)
    return task.case, operator, head, wife


def kk_entry(case: Case, operator: Any, head: Any, wife: Any, backend: str) -> Case:
    data: dict[str, Any] = {
        "head_nik": head.nik,
        "members": f"{wife.nik} istri",
        "address": "Jl. Uji No. 1",
        "district_code": home(case.office).district_code,
    }
    if backend == "siak":
        data |= {"siak_no_kk": kk_number(), "siak_entered_on": TODAY}
    task = case.tasks.get(step=2, status__in=["open", "claimed"])
    return enter(task, operator, data)


def test_the_siak_steps_link_to_siak_and_say_what_to_do_there(client) -> None:
    case, operator, head, wife = kk_case("siak")
    client.force_login(operator)
    body = client.get(f"/perkara/{case.reference}/").content.decode()
    assert "Entri di SIAK" in body and SIAK_LINK in body
    assert "Di SIAK: entri data pemohon" in body
    case = kk_entry(case, operator, head, wife, "siak")
    sign = run_until_step(case, 5)
    kadis = holder(sign)
    client.force_login(kadis)
    body = client.get(f"/perkara/{case.reference}/").content.decode()
    assert "Lampirkan dokumen dari SIAK" in body and SIAK_LINK in body
    assert "tandatangani dengan TTE" in body and "unduh PDF yang sudah ditandatangani" in body


def test_standalone_steps_have_no_siak_link(client) -> None:
    case, operator, _head, _wife = kk_case("standalone")
    client.force_login(operator)
    body = client.get(f"/perkara/{case.reference}/").content.decode()
    assert "Isian Kartu Keluarga baru" in body and "Buka SIAK" not in body


@pytest.mark.parametrize("backend", ["standalone", "siak"])
def test_alur_offers_its_draft_of_a_paper_document_only_where_it_signs_it(
    client, backend: str
) -> None:
    case, operator, head, wife = kk_case(backend)
    case = kk_entry(case, operator, head, wife, backend)
    kk = CitizenDocument.objects.get(case=case, kind="kk")
    client.force_login(operator)
    body = client.get(f"/perkara/{case.reference}/").content.decode()
    draft = client.get(f"/dokumen/{kk.pk}/konsep/")
    if backend == "siak":
        assert "Baca konsep" not in body and f"/dokumen/{kk.pk}/konsep/" not in body
        assert "Cetakan SIAK belum dilampirkan" in body
        assert draft.status_code == 404
    else:
        assert "Baca konsep (PDF)" in body and "Cetakan SIAK belum dilampirkan" not in body
        assert draft.status_code == 200 and draft["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("backend", ["standalone", "siak"])
def test_a_kk_made_on_either_backend_is_found_by_the_family_search_the_same(
    client, backend: str
) -> None:
    case, operator, head, wife = kk_case(backend)
    case = kk_entry(case, operator, head, wife, backend)
    sign = run_until_step(case, 5)
    kk = CitizenDocument.objects.get(case=case, kind="kk")
    if backend == "siak":
        attach(case, holder(sign), signed_pdf("KARTU KELUARGA", f"No. {kk_number()}"), "kk")
    case = run_to_end(case)
    assert case.status == "done"
    no_kk = kk.family.no_kk
    for nik in (head.nik, wife.nik, no_kk):
        found = family_search(operator, nik, office=case.office)
        assert [c.family.no_kk for c in found.families] == [no_kk] and not found.loose, nik
        card = found.families[0]
        assert [(m.resident.nik, m.relation) for m in card.members] == [
            (head.nik, "kepala"),
            (wife.nik, "istri"),
        ]
    # The entry form of another case (an S2e: the parents' KK) shows it as the KK it is.
    birth = run_until_step(start("S2e"), 6)
    client.force_login(holder(birth))
    page = client.post(
        f"/tugas/{birth.pk}/selesai/", {"_keluarga": head.nik, "_cari": "1"}, follow=True
    )
    body = page.content.decode()
    assert f"KK {no_kk}" in body and "belum tercatat dalam KK" not in body
