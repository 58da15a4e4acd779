"""How the demo personas do the logistics steps of S1 in the tests that drive whole cases: the
Kadis's covering letter goes to the liaison office, which reports the shipment; the province
collects it at the airport and inspects it, the Kadis approves the proposal, the schedule is
agreed and told, and each kab/kota's share changes hands against a signed BAST and the kab/kota's
signed hibah statement."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from alur.logistics.choices import AllocationStatus
from alur.logistics.models import Allocation
from alur.logistics.services.allocation import allocation_approve
from alur.org.access import Capability, can
from alur.org.models import Office, User
from alur.org.selectors import holders_of
from alur.tte.models import DocumentKind, IssuedDocument
from alur.tte.services import document_archive
from alur.workflow import services
from alur.workflow.choices import Outcome
from alur.workflow.models import Task
from alur.workflow.tests.drive import DRIVERS

SHIPPED = 1000
RECEIVED, DAMAGED = 990, 10
SERIALS = "KTP0010001-KTP0011000"


def archived(office: Office, kind: str = DocumentKind.BAST, title: str = "") -> IssuedDocument:
    """A signed document kept in the archive of `office` (the PDF itself does not matter here)."""
    number = IssuedDocument.objects.count() + 1
    title = title or f"Berita Acara Serah Terima Blanko KTP-el {number}"
    return document_archive(
        office=office,
        kind=kind,
        title=title,
        number=f"027/{number}/BAST/{office.code}/2026",
        signer_name="Dra. Rina Kartika, M.AP",
        signer_position="Kepala Dinas P3ACSKB",
        pdf=f"%PDF-1.4\n% {office.code} {kind} {number} {timezone.now().isoformat()}\n".encode(),
    )


def approve_as_kadis(case: Any, shares: dict[str, int] | None = None) -> None:
    """The province's Kadis approves the proposal on the case page (edited shares by code)."""
    allocation = Allocation.objects.filter(case=case).first()
    if allocation is None or allocation.status != AllocationStatus.PROPOSED:
        return
    kadis = next(
        u for u in holders_of(case.office, "kadis") if can(u, Capability.SIGN, case.office)
    )
    by_office: dict[int, int] | None = None
    if shares:
        codes = {line.office.code: line.office_id for line in allocation.lines.all()}
        by_office = {codes[code]: value for code, value in shares.items()}
    allocation_approve(
        allocation=allocation,
        actor=kadis,
        shares=by_office,
        reason="Disesuaikan dengan jadwal perekaman" if shares else "",
    )


def step_data(task: Task) -> dict[str, Any] | None:
    """The data a logistics step of S1 is completed with; None for other steps."""
    key = services.procedure(task.case).step(task.step).form
    if key == "logistics.ship":
        return {
            "item": "ktp_el",
            "quantity": SHIPPED,
            "carrier": "Garuda Indonesia Cargo",
            "waybill": "126-12345675",
            "serials": SERIALS,
        }
    if key == "logistics.receive":
        return {"received": RECEIVED, "damaged": DAMAGED, "serials": SERIALS, "cover_days": 30}
    if key == "logistics.allocate":
        approve_as_kadis(task.case)
        return {}
    if key == "logistics.schedule":
        allocation = Allocation.objects.get(case=task.case)
        day = (timezone.localdate() + timedelta(days=3)).isoformat()
        data = {}
        for line in allocation.lines.all():
            data[f"method_{line.office_id}"] = "collect" if line.office_id % 2 else "deliver"
            data[f"date_{line.office_id}"] = day
        return data
    if key == "logistics.pickup":
        return {"note": "Dijemput tim bidang di Bandara Depati Amir"}
    if key == "logistics.cover_letter":
        sign_cover_letter(task)
        return {}
    if key == "logistics.handover":
        hibah = archived(
            task.office,
            kind=DocumentKind.SURAT_PERNYATAAN,
            title="Surat Pernyataan Bersedia Menerima Hibah",
        )
        return {"bast": archived(task.case.office).pk, "hibah": hibah.pk}
    return None


def sign_cover_letter(task: Task) -> None:
    """Step 12's covering letter, as the personas do it: the pelaksana drafts and submits it,
    the Kabid and the Sekretaris initial it, the Kadis signs it."""
    from alur.letters.chain import letter_paraf, letter_submit
    from alur.letters.issuing import letter_sign
    from alur.letters.models import LetterStatus
    from alur.logistics.rounds import cover_letter_draft, cover_letter_for
    from alur.tte.tests.drivers import PASSPHRASE, certificate_for

    existing = cover_letter_for(task.case)
    if existing is not None and existing.status == LetterStatus.SIGNED:
        return
    office = task.case.office
    drafter = holders_of(office, "pelaksana")[0]
    letter = existing or cover_letter_draft(case=task.case, actor=drafter)
    letter = letter_submit(letter=letter, actor=drafter)
    for kind in ("kabid", "sekretaris"):
        letter = letter_paraf(letter=letter, actor=holders_of(office, kind)[0])
    kadis = holders_of(office, "kadis")[0]
    certificate_for(kadis)
    letter_sign(letter=letter, actor=kadis, passphrase=PASSPHRASE, base_url="https://alur.test/")


def drive(task: Task, actor: User, choice: dict[str, Any]) -> bool:
    if "data" in choice:
        return False  # the test gives the step's data itself
    data = step_data(task)
    if data is None:
        return False
    services.task_complete(task=task, actor=actor, outcome=Outcome.DONE, data=data)
    return True


for _key in (
    "logistics.ship",
    "logistics.pickup",
    "logistics.cover_letter",
    "logistics.receive",
    "logistics.allocate",
    "logistics.schedule",
    "logistics.handover",
):
    DRIVERS[_key] = drive
