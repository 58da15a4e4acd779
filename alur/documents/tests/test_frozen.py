"""Approved means frozen: the entry of a case changes only at its open entry step, by that
step's holder, after a return; whatever a review has passed is refused to everyone else."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from alur.audit.models import AuditEvent
from alur.core.errors import DomainError
from alur.documents.models import CitizenDocument
from alur.documents.services import entry_correct
from alur.org.models import User
from alur.workflow.models import Case, Task
from alur.workflow.services import task_complete
from alur.workflow.tests.drive import holder, run_until_step, start

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _akta_waiting_for_the_kadis() -> tuple[Case, CitizenDocument]:
    task = run_until_step(start("S2e"), 9)  # Kasi and Kabid passed it; printed; Kadis to sign
    akta = CitizenDocument.objects.get(case=task.case, kind="akta_kelahiran")
    assert akta.signed_at is None
    return task.case, akta


def _rewrite(akta: CitizenDocument) -> dict[str, Any]:
    return {
        "no_kk": akta.family.no_kk if akta.family else "",
        "name": "Nama Lain",
        "sex": "L",
        "birth_place": "Tempat Lain",
        "birth_date": TODAY - timedelta(days=3),
        "applied_on": TODAY,
        "mother_name": "Ibu Lain",
        "witness_1": "Saksi Satu",
        "witness_2": "Saksi Dua",
    }


@pytest.mark.parametrize(
    "username", ["waykanan.pengaduan", "waykanan.operator.capil", "waykanan.kasi.capil"]
)
def test_complaints_petugas_cannot_correct_approved_akta(username: str) -> None:
    case, akta = _akta_waiting_for_the_kadis()
    before = dict(akta.data)
    with pytest.raises(DomainError, match="Koreksi dilakukan oleh operator"):
        entry_correct(case=case, actor=User.objects.get(username=username), data=_rewrite(akta))
    akta.refresh_from_db()
    assert akta.data == before and akta.resident is not None
    assert akta.resident.name != "NAMA LAIN"
    assert not AuditEvent.objects.filter(action="documents.entry_correct").exists()


def test_the_correction_form_and_its_post_refuse_a_reviewer_after_passing() -> None:
    """The Kasi passed the KK at step 3; at the Kabid's step the Kasi sees no correction form,
    and a post is refused with the reason, nothing changed."""
    task = run_until_step(start("S2a"), 4)
    kasi = task.case.tasks.get(step=3, status="done").completed_by
    client = Client()
    client.force_login(kasi)
    page = client.get(f"/perkara/{task.case.reference}/").content.decode()
    assert "Simpan koreksi" not in page and "Koreksi dilakukan oleh operator" in page
    kk = CitizenDocument.objects.get(case=task.case, kind="kk")
    response = client.post(
        f"/dokumen/perkara/{task.case.reference}/koreksi/",
        {"koreksi-head_nik": kk.family.head.nik, "koreksi-members": "", "koreksi-rt": "009"},
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Koreksi dilakukan oleh operator" in page and "Simpan koreksi" not in page
    kk.refresh_from_db()
    assert kk.data["version"] == 1


def test_a_returned_entry_is_corrected_by_the_operator_and_reviewed_again() -> None:
    task = run_until_step(start("S2a"), 4)
    case = task.case
    kabid = holder(task)
    task_complete(task=task, actor=kabid, outcome="return", return_to=2, reason="RT salah.")
    entry: Task = case.tasks.get(step=2, status__in=("open", "claimed"))
    operator = holder(entry)
    kk = CitizenDocument.objects.get(case=case, kind="kk")
    data = dict(kk.data["entry"]) | {"rt": "009"}
    someone_else = User.objects.get(username="waykanan.pengaduan")
    with pytest.raises(DomainError, match="Koreksi dilakukan oleh operator"):
        entry_correct(case=case, actor=someone_else, data=data)
    entry_correct(case=case, actor=operator, data=data)
    kk.refresh_from_db()
    assert kk.data["version"] == 2
    task_complete(task=entry, actor=operator, outcome="done", data=data)
    # The correction goes through the Kasi's review again before the Kabid's.
    assert list(
        case.tasks.filter(status__in=("open", "claimed")).values_list("step", flat=True)
    ) == [3]
