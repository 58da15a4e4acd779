"""A birth certificate application of Kab. Way Kanan is withdrawn, walked on a phone.

The mother tells the office she no longer needs the akta (she applied twice). The officer who
took step 2 opens the case and finds no way to cancel it: that is for the holder of the open
step or the Kadis. The Kasi Pencatatan Sipil, who holds step 3, opens the case, first presses
"Batalkan perkara" with only spaces as the reason and is asked for one, then writes it; the case
is cancelled, its open step closes, and the cancellation is in the audit trail with the reason.
"""

from __future__ import annotations

from typing import Any

from alur.audit.models import AuditEvent
from alur.workflow.choices import CaseStatus, TaskStatus
from alur.workflow.tests.drive import run_until_step, start

REASON = "Pemohon membatalkan: permohonan tercatat dua kali"


def test_the_holder_of_the_open_step_cancels_an_application_with_a_reason(walk: Any) -> None:
    task = run_until_step(start("S2e"), 3)
    case = task.case
    url = f"/perkara/{case.reference}/"

    walk.login("waykanan.petugas.capil", url)
    walk.sees("Langkah 3")
    assert walk.page.get_by_role("button", name="Batalkan perkara").count() == 0

    walk.login("waykanan.kasi.capil", url)
    walk.sees("Batalkan perkara")
    walk.fill("Alasan pembatalan", "   ")
    walk.press("Batalkan perkara")
    walk.sees("Tuliskan alasan pembatalan.")
    walk.fill("Alasan pembatalan", REASON)
    walk.press("Batalkan perkara")
    walk.sees("Perkara dibatalkan; tugas yang masih terbuka ditutup.")
    walk.sees("Dibatalkan")

    case.refresh_from_db()
    task.refresh_from_db()
    assert case.status == CaseStatus.CANCELLED and task.status == TaskStatus.CANCELLED
    event = AuditEvent.objects.get(action="case.cancel", object_id=str(case.pk))
    assert event.reason == REASON and event.actor.username == "waykanan.kasi.capil"
