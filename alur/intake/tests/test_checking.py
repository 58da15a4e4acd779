"""The requirements check: files per requirement on the case page, passing on, and returning to
the applicant with the exact list of what is missing over the channel the application came from."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from alur.core.errors import DomainError
from alur.intake.checking import requirements_return
from alur.intake.models import Application
from alur.intake.services import application_submit
from alur.outbox.models import OutboundMessage
from alur.workflow.choices import CaseStatus, Outcome, TaskStatus
from alur.workflow.models import Task
from alur.workflow.services import task_complete
from alur.workflow.tests.drive import holder

pytestmark = pytest.mark.django_db


@pytest.fixture
def checking(
    office: Callable[[str], Any], birth_request: dict[str, Any], persona: Callable[[str], Any]
) -> Task:
    """A WhatsApp akta kelahiran application of Way Kanan at its requirements check."""
    from alur.whatsapp_cloud.models import BusinessNumber

    application = application_submit(
        office=office("18.08"),
        channel="whatsapp",
        whatsapp_number=BusinessNumber.objects.get(phone_number_id="108117961700"),
        **birth_request,
    )
    return Task.objects.get(case=application.case, status=TaskStatus.OPEN)


def test_returning_names_each_missing_requirement_and_stops_the_clock(checking: Task) -> None:
    officer = holder(checking)
    with pytest.raises(DomainError, match="Pilih persyaratan"):
        requirements_return(task=checking, actor=officer, missing=[], note=" ")
    with pytest.raises(DomainError, match="bukan persyaratan"):
        requirements_return(task=checking, actor=officer, missing=["ijazah"])
    checking.refresh_from_db()
    assert checking.status == TaskStatus.OPEN  # nothing changed

    requirements_return(
        task=checking, actor=officer, missing=["kk", "marriage"], note="Foto KK buram."
    )
    case = checking.case
    case.refresh_from_db()
    assert case.status == CaseStatus.WAITING and case.paused_at is not None
    [message] = OutboundMessage.objects.filter(object_id=str(case.pk))
    body = message.payload["body"]
    assert "Kartu Keluarga (KK)" in body and "Foto KK buram." in body
    assert message.sender == "108117961700"  # the number the application came in on


def test_passing_on_needs_every_required_file(checking: Task) -> None:
    application = Application.objects.get(case=checking.case)
    application.attachments.filter(requirement="kk").delete()
    with pytest.raises(DomainError, match=r"Berkas wajib belum ada: Kartu Keluarga \(KK\)"):
        task_complete(task=checking, actor=holder(checking), outcome=Outcome.DONE)
    checking.refresh_from_db()
    assert checking.status == TaskStatus.OPEN


def test_the_case_page_shows_files_and_the_check(
    checking: Task, persona: Callable[[str], Any]
) -> None:
    client = Client()
    client.force_login(holder(checking))
    page = client.get(f"/perkara/{checking.case.reference}/").content.decode()
    assert "Berkas persyaratan" in page and "Lengkap — teruskan" in page
    assert f"Simpan hasil langkah {checking.step}" not in page
    attachment = Application.objects.get(case=checking.case).attachments.first()
    response = client.get(f"/loket/berkas/{attachment.pk}/")
    assert response.status_code == 200 and response["Content-Security-Policy"] == "sandbox"

    returned = client.post(
        f"/loket/tugas/{checking.pk}/kembalikan/", {"missing": ["f201"], "note": ""}, follow=True
    )
    assert "daftar kekurangannya" in returned.content.decode()
    checking.refresh_from_db()
    assert checking.outcome == Outcome.RETURN and "F-2.01" in checking.reason

    stranger = Client()
    stranger.force_login(persona("babel.kadis"))
    assert stranger.get(f"/loket/berkas/{attachment.pk}/").status_code == 404
