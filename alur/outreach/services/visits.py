"""Jemput bola: a field visit scheduled, its result recorded by the assigned officer, and the
check that the visit step is done only by a recorded visit."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from alur.audit.services import record
from alur.core.errors import ConflictError, DomainError
from alur.org.access import Capability, can
from alur.org.models import User
from alur.outreach.choices import VisitResult
from alur.outreach.models import Referral, Visit
from alur.outreach.selectors import referral_of
from alur.outreach.services.letters import require_staff
from alur.outreach.services.referrals import VISIT_KEY
from alur.registry.services.residents import biometrics_record
from alur.workflow import engine
from alur.workflow.choices import TaskStatus
from alur.workflow.models import Case, Task
from alur.workflow.services import procedure, task_claim, task_complete, task_reassign

MSG_NOT_ASSIGNED = (
    "Kunjungan ini ditugaskan kepada {officer}; hasil perekaman hanya dapat dicatat oleh "
    "petugas yang ditugaskan."
)


def _visit_task(case: Case) -> Task | None:
    spec = procedure(case)
    steps = [s.number for s in spec.steps if VISIT_KEY in (s.form, s.action)]
    return (
        case.tasks.filter(step__in=steps, status__in=(TaskStatus.OPEN, TaskStatus.CLAIMED))
        .order_by("pk")
        .first()
    )


@transaction.atomic
def visit_schedule(
    *,
    referral: Referral,
    when: datetime,
    officer: User,
    actor: User,
    address: str = "",
) -> Visit:
    """Schedule jemput bola. The recording officer schedules their own visit (and takes the
    step); a superior (who may initial) gives it to any recording officer."""
    referral = (
        Referral.objects.select_for_update(of=("self",)).select_related("case").get(pk=referral.pk)
    )
    superior = can(actor, Capability.PARAF, referral.office)
    if not superior:
        require_staff(actor, referral.office_id)
    if referral.case is None:
        raise DomainError("Rujukan ini belum menjadi perkara.", code="no_case")
    task = _visit_task(referral.case)
    if task is None:
        raise DomainError("Langkah jemput bola perkara ini belum terbuka.", code="step")
    if not superior and (
        officer.pk != actor.pk or not engine.holds(actor, task.office_id, task.position_kind)
    ):
        raise PermissionDenied(
            "Anda hanya dapat menjadwalkan kunjungan Anda sendiri sebagai petugas perekaman; "
            "penugasan petugas lain dilakukan oleh Kasi."
        )
    if timezone.is_naive(when):
        raise ValueError("`when` must be timezone-aware")
    place = address.strip() or referral.address
    if not place:
        raise DomainError("Isi alamat kunjungan.", code="address")
    if referral.visits.filter(result="").exists():
        raise ConflictError("Masih ada kunjungan yang belum dicatat hasilnya.")
    if superior:
        task_reassign(task=task, to_user=officer, actor=actor, reason="Jadwal jemput bola")
    else:
        task_claim(task=task, actor=actor)
    visit = Visit.objects.create(
        referral=referral,
        scheduled_for=when,
        address=place[:300],
        officer=officer,
        scheduled_by=actor,
        scheduled_at=timezone.now(),
    )
    record(
        actor=actor,
        office=referral.office,
        action="outreach.visit_schedule",
        obj=visit,
        after={"officer": officer.pk, "scheduled_for": when, "address": visit.address},
    )
    return visit


@transaction.atomic
def visit_record(*, visit: Visit, actor: User, result: str, note: str = "") -> Visit:
    """The assigned officer records what came of the visit. Biometrics recorded: the resident's
    recording is registered and the jemput bola step is done. Otherwise the visit is closed and
    the Kasi schedules another."""
    visit = (
        Visit.objects.select_for_update(of=("self",))
        .select_related("referral", "officer")
        .get(pk=visit.pk)
    )
    referral = visit.referral
    if actor.pk != visit.officer_id:
        raise DomainError(
            MSG_NOT_ASSIGNED.format(officer=visit.officer.get_full_name()), code="not_assigned"
        )
    require_staff(actor, referral.office_id)
    if visit.recorded_at is not None:
        raise ConflictError("Hasil kunjungan ini sudah dicatat.")
    if result not in VisitResult.values:
        raise DomainError("Pilih hasil kunjungan.", code="result")
    if result != VisitResult.RECORDED and not note.strip():
        raise DomainError("Tuliskan keterangan mengapa perekaman tidak berhasil.", code="note")
    visit.result, visit.result_note, visit.recorded_at = result, note.strip(), timezone.now()
    visit.save(update_fields=["result", "result_note", "recorded_at"])
    record(
        actor=actor,
        office=referral.office,
        action="outreach.visit_record",
        obj=visit,
        after={"result": result},
        reason=visit.result_note,
    )
    if result == VisitResult.RECORDED:
        if referral.resident is None:
            raise DomainError("Penduduk belum terdaftar; NIK belum ada.", code="no_resident")
        biometrics_record(resident=referral.resident, actor=actor)
        task = _visit_task(referral.case) if referral.case else None
        if task is not None:
            task_complete(task=task, actor=actor, outcome="done", data={"visit": visit.pk})
    return visit


def check_visit_done(case: Case, actor: User | None) -> None:
    """The jemput bola step is done only by the assigned officer's recorded visit."""
    referral = referral_of(case)
    if referral is None:
        raise DomainError("Perkara ini tidak memiliki rujukan.", code="no_referral")
    visit = referral.visits.filter(result=VisitResult.RECORDED).order_by("-recorded_at").first()
    if visit is None:
        raise DomainError(
            "Belum ada kunjungan dengan perekaman berhasil; jadwalkan jemput bola dan catat "
            "hasilnya.",
            code="no_visit",
        )
    if actor is None or actor.pk != visit.officer_id:
        raise DomainError(
            MSG_NOT_ASSIGNED.format(officer=visit.officer.get_full_name()), code="not_assigned"
        )
