"""How the demo personas do S3's own steps in the tests that drive whole cases: the partner
refers a resident, the operator registers them, the Kasi schedules jemput bola for the
recording officer, who records the biometrics there."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from alur.documents.tests import drivers as _documents  # noqa: F401  (registers documents.*)
from alur.documents.tests.entry import ENTER
from alur.org.choices import PositionKind
from alur.org.models import User
from alur.org.selectors import holders_of
from alur.outreach.inputs import ReferralInput
from alur.outreach.selectors import referral_of
from alur.outreach.services.referrals import referral_create
from alur.outreach.services.visits import visit_record, visit_schedule
from alur.workflow.models import Case, Task
from alur.workflow.tests.drive import DRIVERS

BIRTH = date(1975, 8, 17)


def referral_input(name: str, **overrides: Any) -> ReferralInput:
    values: dict[str, Any] = {
        "reporter_name": "Yanti Susilowati",
        "name": name,
        "category": "terlantar",
        "sex": "L",
        "birth_place": "Metro",
        "birth_date": BIRTH,
        "address": "Pos ronda Jl. Jend. Sudirman, Ganjar Agung",
        "village": "Ganjar Agung",
        "latitude": "-5.1180",
        "longitude": "105.3050",
        "contact_phone": "081234567890",
    } | overrides
    return ReferralInput(**values)


def refer(task: Task, actor: User, choice: dict[str, Any]) -> bool:
    case = task.case
    referral = referral_create(
        office=case.office,
        data=referral_input(f"Penduduk Rentan {case.pk}"),
        actor=actor,
        channel="partner",
    )
    from alur.workflow.services import task_complete

    task_complete(task=task, actor=actor, outcome="done", data={"referral": referral.pk})
    return True


def enter_data(case: Case, actor: User) -> dict[str, Any]:
    referral = referral_of(case)
    assert referral is not None
    return {
        "name": referral.name,
        "sex": referral.sex or "L",
        "birth_place": referral.birth_place or "Metro",
        "birth_date": referral.birth_date or BIRTH,
        "religion": "islam",
        "marital_status": "belum_kawin",
        "address": referral.address,
        "village": referral.village,
        "district_code": "18.72.01",
    }


def visit(task: Task, actor: User, choice: dict[str, Any]) -> bool:
    case = task.case
    referral = referral_of(case)
    assert referral is not None
    kasi = holders_of(case.office, PositionKind.KASI)[0]
    scheduled = visit_schedule(
        referral=referral,
        when=timezone.now() + timedelta(hours=2),
        officer=actor,
        actor=kasi,
    )
    visit_record(visit=scheduled, actor=actor, result="recorded")
    return True


ENTER["S3"] = enter_data
DRIVERS["outreach.refer"] = refer
DRIVERS["outreach.visit"] = visit
