"""The documents layer: register numbers, the handlers' refusals, print, hand-over."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from alur.core.errors import DomainError
from alur.documents.models import CitizenDocument, RegisterFormat
from alur.documents.numbering import register_number_take
from alur.documents.services import documents_handover
from alur.workflow.services import task_complete
from alur.workflow.tests.drive import run_until_step, start

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")


def draft(kind: str, code: str = "S2e") -> CitizenDocument:
    case = start(code)
    return CitizenDocument.objects.create(
        case=case,
        office=case.office,
        kind=kind,
        created_at=case.started_at,
        updated_at=case.started_at,
    )


def test_akta_numbers_follow_the_format_and_are_gapless_per_year() -> None:
    when = datetime(2026, 3, 9, 10, 0, tzinfo=WIB)
    with transaction.atomic():
        first = register_number_take(draft("akta_kelahiran"), when)
        second = register_number_take(draft("akta_kelahiran"), when)
        death = register_number_take(draft("akta_kematian", "S2f"), when)
        next_year = register_number_take(draft("akta_kelahiran"), when.replace(year=2027))
    assert (first, second) == ("1808-LT-09032026-0001", "1808-LT-09032026-0002")
    assert death == "1808-KM-09032026-0001"
    assert next_year == "1808-LT-09032027-0001"


def test_a_rolled_back_number_is_taken_again_and_an_office_format_applies() -> None:
    document = draft("akta_kelahiran")
    with pytest.raises(RuntimeError), transaction.atomic():
        register_number_take(document)
        raise RuntimeError("render failed")
    RegisterFormat.objects.create(
        office=document.office, kind="akta_kelahiran", fmt="AL.{serial}/{year}", padding=3
    )
    document.refresh_from_db()
    with transaction.atomic():
        number = register_number_take(document, datetime(2026, 1, 5, tzinfo=WIB))
    assert number == "AL.001/2026"


def test_signing_step_refuses_a_bare_done() -> None:
    case = start("S2a")
    task = run_until_step(case, 5)
    with pytest.raises(DomainError, match="menandatangani dokumen"):
        task_complete(task=task, actor=task.assignee or _holder(task), outcome="done")


def _holder(task):
    from alur.workflow.tests.drive import holder

    return holder(task)


def test_data_entry_refuses_missing_data_and_bad_input(persona) -> None:
    case = start("S2f")
    task = run_until_step(case, 6)
    operator = _holder(task)
    with pytest.raises(DomainError, match="tidak terdaftar"):
        task_complete(task=task, actor=operator, outcome="done", data={"nik": "1808011705900001"})
    case = start("S2b")
    task = run_until_step(case, 2)
    with pytest.raises(DomainError, match="Pilih penduduk yang pindah"):
        task_complete(
            task=task,
            actor=_holder(task),
            outcome="done",
            data={"niks": "", "moved_on": "2026-01-05", "reason": "Kerja"},
        )


def test_a_card_needs_its_blanko_serial(persona) -> None:
    case = start("S2d")
    task = run_until_step(case, 4)
    with pytest.raises(DomainError, match="Data penduduk untuk KIA belum ada"):
        task_complete(task=task, actor=_holder(task), outcome="done", data={})
    from alur.documents.tests.drivers import print_data

    data = print_data(case, _holder(task))
    data["serials"] = {}
    with pytest.raises(DomainError, match="nomor seri blanko KIA"):
        task_complete(task=task, actor=_holder(task), outcome="done", data=data)


def test_handover_by_pos_needs_a_tracking_number() -> None:
    case = start("S2c")
    with pytest.raises(DomainError, match="belum memiliki dokumen"):
        documents_handover(case=case, actor=None, method="pos", pos_tracking="RR123")
    with pytest.raises(DomainError, match="nomor resi"):
        documents_handover(case=case, actor=None, method="pos")
