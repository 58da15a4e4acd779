"""Stopping a case outside its steps: who may (`cancel_bar`) and the cancellation itself, with
its reason and audit event."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from alur.audit.services import record
from alur.core.errors import ConflictError, DomainError
from alur.org.access import DENIED_MESSAGE, Capability, can, require
from alur.org.choices import PositionKind
from alur.org.models import User
from alur.workflow import engine
from alur.workflow.choices import ACTIVE_TASK, CaseStatus
from alur.workflow.models import Case
from alur.workflow.services import CASE_STATE, _finish  # the engine's transitions
from alur.workflow.starts import cancellable_on_page

CANCEL_REASON_MAX = 2000


def _cancel_basis(user: User | AnonymousUser, case: Case) -> str:
    """On what footing `user` may cancel `case`: "kadis", "langkah N", or "" when they may not.

    A case runs to its end through its steps; one that must stop outside them (the applicant
    withdraws, the application was entered twice, the blanko never came) is cancelled, with a
    reason, by one who holds one of its open steps (the step's post in its unit, unless another
    person has taken the task), as a complaint or a referral is closed by the holder of its open
    step; or by the Kadis (definitive or Plt./Plh.) of the case's office, who answers for all of
    the office's cases."""
    if engine.holds(user, case.office_id, PositionKind.KADIS):
        return "kadis"
    for task in case.tasks.filter(status__in=ACTIVE_TASK).order_by("step"):
        if task.assignee_id and task.assignee_id != user.pk:
            continue
        if task.position_kind and engine.holds(
            user, task.office_id, task.position_kind, task.unit_id
        ):
            return f"langkah {task.step}"
    return ""


def cancel_bar(user: User | AnonymousUser, case: Case, *, on_page: bool = False) -> str:
    """Why `user` may not cancel `case` ("" when they may). `on_page`: from the case page's
    "Batalkan perkara", offered only for procedures whose app allows it (`starts.Start`); the
    others close their cases through their own steps so that those concerned are told."""
    if case.status not in (CaseStatus.OPEN, CaseStatus.WAITING):
        return f"Perkara ini sudah {case.get_status_display().lower()}."
    if not can(user, Capability.HANDLE_CASES, case.office):
        return DENIED_MESSAGE
    if on_page and not cancellable_on_page(case.sop.code):
        return (
            f"Perkara {case.sop.code} tidak dibatalkan dari halaman ini: tutup lewat langkahnya, "
            "agar pihak yang bersangkutan diberi tahu."
        )
    if not _cancel_basis(user, case):
        return (
            "Perkara hanya dapat dibatalkan oleh pemegang langkah yang sedang berjalan atau oleh "
            f"Kepala Dinas {case.office.short_name or case.office.name}."
        )
    return ""


@transaction.atomic
def case_cancel(*, case: Case, actor: User, reason: str, on_page: bool = False) -> Case:
    """Stop an open case with a reason (`_cancel_basis` says who may); its open tasks close."""
    case = (
        Case.objects.select_for_update(of=("self",)).select_related("sop", "office").get(pk=case.pk)
    )
    if case.status not in (CaseStatus.OPEN, CaseStatus.WAITING):
        raise ConflictError(f"Perkara ini sudah {case.get_status_display().lower()}.")
    require(actor, Capability.HANDLE_CASES, case.office)
    refused = cancel_bar(actor, case, on_page=on_page)
    if refused:
        raise PermissionDenied(refused)
    if not reason.strip():
        raise DomainError("Tuliskan alasan pembatalan.")
    if len(reason) > CANCEL_REASON_MAX:
        raise DomainError("Alasan pembatalan terlalu panjang: paling banyak 2.000 karakter.")
    basis = _cancel_basis(actor, case)
    _finish(case, CaseStatus.CANCELLED, timezone.now())
    case.save(update_fields=CASE_STATE)
    record(
        actor=actor,
        office=case.office,
        action="case.cancel",
        obj=case,
        reason=reason.strip(),
        after={"status": CaseStatus.CANCELLED, "as": basis},
    )
    return case
