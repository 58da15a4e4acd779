"""Cancelling a case: who may (the holder of an open step, or the Kadis), with a reason, audited;
from the case page only where the procedure's app allows it."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied

from alur.audit.models import AuditEvent
from alur.core.errors import DomainError
from alur.workflow import cancel
from alur.workflow.choices import CaseStatus, TaskStatus
from alur.workflow.tests.drive import active, run_until_step, start

pytestmark = pytest.mark.django_db

HOLDER = "waykanan.kasi.capil"  # holds S2e step 3 (Kasi of the Bidang Capil)
COLLEAGUE = "waykanan.operator"  # handles cases in the office, holds no open step of it
KADIS = "waykanan.kadis"
EARLIER = "waykanan.petugas.capil"  # did S2e step 2, holds no open step once step 3 is open


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def cancel_event(case) -> AuditEvent:
    return AuditEvent.objects.get(action="case.cancel", object_id=str(case.pk))


def test_the_holder_of_the_open_step_cancels_with_a_reason_and_it_is_audited(persona) -> None:
    case = run_until_step(start("S2e"), 3).case
    with pytest.raises(PermissionDenied) as refused:
        cancel.case_cancel(case=case, actor=persona(COLLEAGUE), reason="Pemohon membatalkan")
    assert "pemegang langkah yang sedang berjalan atau oleh Kepala Dinas" in str(refused.value)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and active(case)
    cancel.case_cancel(case=case, actor=persona(HOLDER), reason="Pemohon membatalkan")
    case.refresh_from_db()
    assert case.status == CaseStatus.CANCELLED and not active(case)
    event = cancel_event(case)
    assert event.reason == "Pemohon membatalkan" and event.actor == persona(HOLDER)
    assert event.after == {"status": CaseStatus.CANCELLED, "as": "langkah 3"}


def test_who_did_an_earlier_step_may_not_the_kadis_may_always(persona) -> None:
    task = run_until_step(start("S2e"), 3)
    with pytest.raises(PermissionDenied):  # step 2 is done: its petugas holds no open step
        cancel.case_cancel(case=task.case, actor=persona(EARLIER), reason="Dobel")
    cancel.case_cancel(case=task.case, actor=persona(KADIS), reason="Permohonan tercatat dua kali")
    assert cancel_event(task.case).after["as"] == "kadis"
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED


def test_the_case_page_offers_the_form_to_those_allowed_and_refuses_in_bahasa(
    client, persona
) -> None:
    case = run_until_step(start("S2e"), 3).case
    url = f"/perkara/{case.reference}/"
    client.force_login(persona(COLLEAGUE))  # need-to-know: another unit's post does not see it
    assert client.post(url + "batalkan/", {"reason": "Pemohon membatalkan"}).status_code == 404
    client.force_login(persona(EARLIER))  # sees the case (did step 2), may not cancel it
    page = client.get(url)
    assert page.status_code == 200 and "Batalkan perkara" not in page.content.decode()
    response = client.post(url + "batalkan/", {"reason": "Pemohon membatalkan"})
    assert "pemegang langkah yang sedang berjalan" in texts(response)[-1]
    client.force_login(persona(HOLDER))
    assert "Batalkan perkara" in client.get(url).content.decode()
    response = client.post(url + "batalkan/", {"reason": "   "})
    assert response.status_code == 302 and texts(response)[-1] == "Tuliskan alasan pembatalan."
    response = client.post(url + "batalkan/", {"reason": "x" * 2001})
    assert response.status_code == 200  # the page again, with what was typed
    assert "paling banyak 2.000 karakter" in response.content.decode()
    assert "x" * 2001 in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    response = client.post(url + "batalkan/", {"reason": "Pemohon membatalkan permohonan"})
    assert texts(response)[-1] == "Perkara dibatalkan; tugas yang masih terbuka ditutup."
    case.refresh_from_db()
    assert case.status == CaseStatus.CANCELLED
    assert "Batalkan perkara" not in client.get(url).content.decode()
    assert client.get(url + "batalkan/").status_code == 405


def test_a_complaint_is_closed_through_its_own_step_not_the_generic_form(persona) -> None:
    case = start("S2g")
    kadis = persona(KADIS)
    assert "tutup lewat langkahnya" in cancel.cancel_bar(kadis, case, on_page=True)
    with pytest.raises(PermissionDenied):
        cancel.case_cancel(case=case, actor=kadis, reason="Tidak relevan", on_page=True)
    with pytest.raises(DomainError):
        cancel.case_cancel(case=case, actor=kadis, reason="")
