"""How the demo personas do the `documents.*` steps in the tests that drive whole cases: the
operator enters the service's data (residents and families made for the occasion), the Kadis
signs with the passphrase of their certificate, the operator prints cards on a blanko (taking
stock in first when the office has none), and the documents are handed over in person.

Each SOP's data entry is one function in `entry.ENTER`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from alur.documents.choices import CARDS
from alur.documents.definitions import service_for
from alur.documents.issuing import documents_sign
from alur.documents.services import case_documents
from alur.documents.tests.entry import BIRTH, ENTER, PRINT, person
from alur.org.models import Office, User
from alur.tte.tests.drivers import PASSPHRASE, certificate_for
from alur.workflow import services
from alur.workflow.models import Case, Task
from alur.workflow.tests.drive import DRIVERS


def stock_up(office: Office, item: str) -> None:
    """Blanks in the office's stock, as a stock count would record them."""
    from alur.logistics.ledger import balance_of, stock_count_record

    if balance_of(office, item) < 5:
        stock_count_record(
            office=office,
            item=item,
            counted=50,
            document_ref=f"BA-SO/{office.code}/uji",
            actor=None,
        )


def print_data(case: Case, actor: User) -> dict[str, Any]:
    service = service_for(case.sop.code)
    assert service is not None
    have = {d.kind for d in case_documents(case)}
    data: dict[str, Any] = {"serials": {}} | PRINT.get(case.sop.code, {})
    for kind in service.outputs:
        if kind not in CARDS:
            continue
        stock_up(case.office, CARDS[kind])
        data["serials"][kind] = f"{kind.upper()}-{case.pk:06d}"
        if kind not in have and "nik" not in data:
            child = kind == "kia"
            born = timezone.localdate() - timedelta(days=3 * 365) if child else BIRTH
            owner = person(case.office, actor, f"Pemilik {case.pk}", born=born, biometrics=True)
            data["nik"] = owner.nik
    return data


def handover_data() -> dict[str, Any]:
    return {"method": "in_person", "recipient_name": "Pemohon Uji", "recipient_id": "KTP-el"}


def complete(task: Task, actor: User, choice: dict[str, Any]) -> bool:
    case = task.case
    step = services.procedure(case).step(task.step)
    keys = {step.form, step.action}
    if "documents.sign" in keys:
        certificate_for(actor)
        documents_sign(case=case, actor=actor, passphrase=PASSPHRASE, base_url="https://alur.test/")
        return True
    data: dict[str, Any] = {}
    if "documents.enter" in keys:
        data |= ENTER[case.sop.code](case, actor)
    if "documents.print" in keys:
        data |= print_data(case, actor)
    if "documents.handover" in keys:
        data |= handover_data()
    if not data:
        return False
    services.task_complete(task=task, actor=actor, outcome="done", data=data)
    return True


for _key in ("documents.enter", "documents.sign", "documents.print", "documents.handover"):
    DRIVERS[_key] = complete
