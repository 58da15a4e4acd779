"""Steps done outside the system: the applicant's resubmission or their part of the flow, an
informant's report (`outside_step_complete`), and an outside party's step that staff witnessed
and record for them (`outside_step_record`). One transaction each, with its audit event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from alur.audit.services import record
from alur.core.errors import ConflictError, DomainError, ValidationError
from alur.org.access import Capability, require
from alur.org.models import User
from alur.workflow import engine, routing
from alur.workflow.choices import CaseStatus, Outcome, TaskStatus
from alur.workflow.models import Case, OutsideRecord, Task
from alur.workflow.services import (  # the engine's transitions, shared within workflow
    CASE_STATE,
    COMPLETION,
    _advance,
    _handled_message,
    _lock,
    _locked_case,
    _reopen,
    _resume,
    procedure,
)
from alur.workflow.spec import ProcedureSpec


def _finish_outside(
    case: Case, spec: ProcedureSpec, task: Task, now: Any, actor: User | None
) -> None:
    """An outside party's step is done: a resubmission reopens the step that returned the case
    (the clock runs on); any other step of theirs leads on."""
    if case.status == CaseStatus.WAITING:
        _resume(case, now)
    if task.resume_step is not None:
        _reopen(case, spec, task.resume_step, now)
    else:
        _advance(case, spec, task, now, actor)
    case.save(update_fields=CASE_STATE)


@transaction.atomic
def outside_step_complete(
    *, case: Case, actor: User | None = None, note: str = "", task: Task | None = None
) -> Case:
    """Record an outside party's step: the applicant resubmitted what was missing (the step that
    returned the case opens again and the SLA clock runs on), or did their part of the flow
    (signed the register), or an informant's report arrived. `actor` None: a channel (WhatsApp).
    `task`: the waiting task meant (a page names it; a channel takes the one waiting)."""
    case = _locked_case(case.pk)
    if actor is not None:
        require(actor, Capability.HANDLE_CASES, case.office)
    waiting_tasks = case.tasks.select_for_update().filter(status=TaskStatus.WAITING)
    if task is not None:
        waiting_tasks = waiting_tasks.filter(pk=task.pk)
    waiting = waiting_tasks.first()
    if case.status not in (CaseStatus.OPEN, CaseStatus.WAITING) or waiting is None:
        raise ConflictError("Perkara ini tidak sedang menunggu pemohon atau pihak luar.")
    spec = procedure(case)
    now = timezone.now()
    waiting.status, waiting.outcome, waiting.completed_at = TaskStatus.DONE, Outcome.DONE, now
    waiting.completed_by, waiting.reason = actor, note
    waiting.save(update_fields=["status", "outcome", "completed_at", "completed_by", "reason"])
    _finish_outside(case, spec, waiting, now, actor)
    record(
        actor=actor,
        office=case.office,
        action="case.outside_step",
        obj=case,
        reason=note,
        after={"step": waiting.step, "resume_step": waiting.resume_step},
    )
    return case


# An outside step recorded by staff: what was witnessed, by whom it was done, when.
MSG_PARTY = "Tuliskan nama pihak yang melakukannya (sebagaimana disebutkan)."
MSG_FUTURE = "Waktu tidak boleh di masa depan."
MSG_BEFORE = "Waktu tidak boleh sebelum langkah ini dimulai ({start})."

# (content, declared type, file name), as read from an upload by `read_bounded`
Upload = tuple[bytes, str, str]


def may_record_outside(
    task: Task, case_office_id: int, holders_today: list[User] | None = None
) -> bool:
    """Can staff record this task for the party who does it? An outside party's step waiting
    on them, or a step of another office's post that nobody holds today (an official without an
    account): nothing waits on a party that has no way to act."""
    if task.status == TaskStatus.WAITING:
        return True
    if task.status != TaskStatus.OPEN or task.office_id == case_office_id:
        return False
    people = holders_today
    if people is None:
        people = routing.holders(task.office_id, task.position_kind, task.unit_id)
    return not people


@transaction.atomic
def outside_step_record(
    *,
    task: Task,
    actor: User,
    party: str,
    occurred_at: datetime,
    note: str = "",
    upload: Upload | None = None,
) -> OutsideRecord:
    """Staff of the case's office record an outside party's step that they witnessed (the
    applicant and witnesses signed the register; the applicant came back for the biometric
    recording): who did it, as they named themselves, when (not in the future, not before the
    step began), and optionally a photo or scan, checked as every upload is. The case goes on
    as if the party had done it in the system."""
    from alur.core.uploads import FileRejected, check_upload  # the project's upload checks

    case, task = _lock(task)
    require(actor, Capability.HANDLE_CASES, case.office)
    if case.status not in (CaseStatus.OPEN, CaseStatus.WAITING) or task.status not in (
        TaskStatus.WAITING,
        TaskStatus.OPEN,
    ):
        raise ConflictError(
            _handled_message(task)
            if task.status == TaskStatus.DONE
            else "Perkara ini tidak sedang menunggu langkah tersebut."
        )
    if not may_record_outside(task, case.office_id):
        raise DomainError(
            "Langkah ini dikerjakan oleh pemegang jabatannya; catat hanya langkah pihak luar."
        )
    party, note = " ".join(party.split())[:200], note.strip()[:2000]
    errors: dict[str, list[str]] = {}
    if not party:
        errors["party"] = [MSG_PARTY]
    now = timezone.now()
    if timezone.is_naive(occurred_at):
        raise DomainError("Waktu tanpa zona waktu tidak dapat dicatat.")
    if occurred_at > now:
        errors["occurred_at"] = [MSG_FUTURE]
    elif occurred_at < task.created_at.replace(second=0, microsecond=0):  # a form's minutes
        start = date_format(engine.local(case.office, task.created_at), "j F Y H:i")
        errors["occurred_at"] = [MSG_BEFORE.format(start=start)]
    checked = None
    if upload is not None:
        try:
            checked = check_upload(upload[0], declared_mime=upload[1], filename=upload[2])
        except FileRejected as rejected:
            errors["file"] = [rejected.reason]
    if errors:
        raise ValidationError(errors)
    spec = procedure(case)
    step = spec.step(task.step)
    entry = OutsideRecord(
        task=task,
        case=case,
        party=party,
        occurred_at=occurred_at,
        note=note,
        recorded_by=actor,
        recorded_at=now,
    )
    try:
        if checked is not None and upload is not None:
            entry.mime, entry.size, entry.sha256 = checked.mime, checked.size, checked.sha256
            entry.file.save(f"bukti.{checked.extension}", ContentFile(upload[0]), save=False)
        entry.save()
        label = spec.actors[step.actor].label
        completed = max(occurred_at, task.created_at)
        task.status, task.outcome, task.completed_at = TaskStatus.DONE, Outcome.DONE, completed
        task.completed_by, task.reason = actor, f"Dicatat petugas: {label} — {party}"
        task.assignee = task.assignee or actor
        task.claimed_at = task.claimed_at or now
        task.save(update_fields=COMPLETION)
        _finish_outside(case, spec, task, now, actor)
        record(
            actor=actor,
            office=case.office,
            action="case.outside_record",
            obj=task,
            reason=note,
            after={
                "case": case.reference,
                "step": task.step,
                "party": party,
                "occurred_at": occurred_at.isoformat(),
                "file_sha256": entry.sha256 or None,
                "resume_step": task.resume_step,
            },
        )
    except BaseException:
        if entry.file:  # the transaction rolls back: the file it wrote goes too
            entry.file.storage.delete(entry.file.name)
        raise
    return entry
