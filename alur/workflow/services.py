"""Every change to cases and tasks. One transaction each: the rows, the audit event, the notices.

Transitions lock the case row first and then the task row, so that two people acting on one case
are serialised: the first wins, the second is told who did it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from alur.audit.services import record
from alur.core.errors import ConflictError, DomainError
from alur.core.validators import is_ascii_digits
from alur.org.access import Capability, require
from alur.org.models import Office, User
from alur.org.services import NATIONAL_CODE
from alur.sop.models import SopRevision
from alur.sop.registry import KeyKind, registry
from alur.workflow import engine, notices, routing, sla, staff_notices
from alur.workflow.choices import ACTIVE_TASK, CaseStatus, Outcome, TaskStatus
from alur.workflow.models import ApplicantNotice, Case, Notification, Task
from alur.workflow.notices import case_done
from alur.workflow.sop_spec import spec_for
from alur.workflow.spec import APPLICANT, ActorKind, OfficeRelation, ProcedureSpec, StepSpec

CASE_STATE = [
    "status",
    "finished_at",
    "clock_started_at",
    "clock_stopped_at",
    "due_at",
    "paused_at",
    "remaining_minutes",
    "promise_warn_at",
]

# What completing a task changes on its row.
COMPLETION = [
    "status",
    "outcome",
    "reason",
    "completed_at",
    "completed_by",
    "assignee",
    "claimed_at",
    "return_to",
    "branch",
]


@dataclass(frozen=True)
class StepContext:
    """What a step's action receives when its task is completed."""

    case: Case
    task: Task
    step: StepSpec
    actor: User | None
    outcome: str
    data: dict[str, Any]


def _run_handler(kind: KeyKind, key: str | None, context: StepContext) -> None:
    """A domain app's handler for a step's form or action key runs inside the transition (a
    generic key has none: the outcome is all there is)."""
    if key and registry.is_registered(kind, key):
        handler = registry.get(kind, key).handler
        if handler is not None:
            handler(context)


def procedure(case_or_revision: Case | SopRevision) -> ProcedureSpec:
    revision = (
        case_or_revision if isinstance(case_or_revision, SopRevision) else (case_or_revision.sop)
    )
    return spec_for(revision)


# --- opening tasks -------------------------------------------------------------------------


def _offices_for(case: Case, relation: OfficeRelation) -> list[Office]:
    if relation == OfficeRelation.SAME:
        return [case.office]
    if relation == OfficeRelation.PARENT:
        if case.office.parent is None:
            raise DomainError(f"Kantor {case.office} tidak memiliki kantor induk.")
        return [case.office.parent]
    if relation == OfficeRelation.NATIONAL:
        return [Office.objects.get(code=NATIONAL_CODE)]
    children = list(Office.objects.filter(parent=case.office, is_active=True).order_by("code"))
    if not children:
        raise DomainError(f"Kantor {case.office} tidak memiliki kantor kabupaten/kota.")
    return children


def _start_clock(case: Case, spec: ProcedureSpec, step: int, now: Any) -> None:
    if spec.clock_start == step and case.clock_started_at is None and spec.deadline_minutes:
        case.clock_started_at = now
        case.due_at = engine.due(case.office, now, spec.deadline_minutes)
        case.promise_warn_at = sla.promise_warning_at(
            case.office, now, spec.deadline_minutes, spec.deadline_minutes
        )


def _open(
    case: Case,
    spec: ProcedureSpec,
    number: int,
    now: Any,
    *,
    resume_step: int | None = None,
    assignee: User | None = None,
    returned: bool = False,
) -> list[Task]:
    step = spec.step(number)
    actor = spec.actors[step.actor]
    _start_clock(case, spec, number, now)
    if actor.is_outside:
        # An outside party's step (the applicant signs, an informant reports) is done through a
        # channel (outside_step_complete) or recorded by the staff who witness it
        # (outside_step_record). Only a return to the applicant stops the SLA clock.
        task = Task.objects.create(
            case=case,
            step=number,
            actor=actor.id,
            office=case.office,
            unit_id=routing.sop_unit(case.office, spec),  # whose staff see what waits
            created_at=now,
            status=TaskStatus.WAITING,
            resume_step=resume_step,
        )
        if resume_step is not None:
            _pause(case, now)
        return [task]
    kind = actor.position_kind or ""
    prior = _prior_review(case, spec, number) if step.is_review else None
    tasks = []
    for office in _offices_for(case, actor.office):
        unit = routing.route_unit(office, spec, actor) if office.pk == case.office_id else None
        task = Task(
            case=case,
            step=number,
            actor=actor.id,
            position_kind=kind,
            office=office,
            unit_id=unit,
            created_at=now,
            due_at=engine.due(office, now, step.minutes),
            prior_reviewer_id=prior[0] if prior else None,
            prior_review_step=prior[1] if prior else None,
        )
        if (
            assignee is not None
            and engine.holds(assignee, office.pk, kind, unit)
            and review_bar(assignee, task, spec) is None
        ):
            task.status, task.assignee, task.claimed_at = TaskStatus.CLAIMED, assignee, now
        task.save()
        if returned or staff_notices.needs_decision(step):
            staff_notices.task_landed(task, step, returned=returned)
        tasks.append(task)
    return tasks


def _prior_review(case: Case, spec: ProcedureSpec, number: int) -> tuple[int, int] | None:
    """(who, which step) of the review step passed last on the case before step `number`."""
    others = [s.number for s in spec.steps if s.is_review and s.number != number]
    if not others:
        return None
    row = (
        case.tasks.filter(
            step__in=others,
            status=TaskStatus.DONE,
            outcome=Outcome.DONE,
            completed_by__isnull=False,
        )
        .order_by("-completed_at", "-pk")
        .values_list("completed_by_id", "step")
        .first()
    )
    return (row[0], row[1]) if row else None


def review_bar(user: User, task: Task, spec: ProcedureSpec) -> str | None:
    """Why `user` may not take the review task `task`, or None: they passed the review step
    before it on this case, and the office does not let them do so as an acting holder."""
    if task.prior_reviewer_id is None or task.prior_reviewer_id != user.pk:
        return None
    kinds = {task.position_kind}
    if task.prior_review_step is not None:
        previous = spec.actor_of(task.prior_review_step)
        if previous.position_kind and previous.office == OfficeRelation.SAME:
            kinds.add(previous.position_kind)
    if engine.acting_waiver(user, task.office, kinds) is not None:
        return None
    return (
        f"Anda sudah memeriksa langkah {task.prior_review_step} perkara ini; langkah "
        f"{task.step} perlu diperiksa orang lain."
    )


def _reopen(case: Case, spec: ProcedureSpec, number: int, now: Any) -> None:
    """Open step `number` again, for the person who did it last time when they still can."""
    previous = (
        case.tasks.filter(step=number, status=TaskStatus.DONE).order_by("-completed_at").first()
    )
    _open(
        case,
        spec,
        number,
        now,
        assignee=previous.completed_by if previous else None,
        returned=True,
    )


def _pause(case: Case, now: Any) -> None:
    case.status = CaseStatus.WAITING
    if case.due_at is not None and case.paused_at is None and case.clock_stopped_at is None:
        case.paused_at = now
        case.remaining_minutes = engine.remaining(case.office, now, case.due_at)


def _resume(case: Case, now: Any) -> None:
    case.status = CaseStatus.OPEN
    if case.paused_at is not None:
        case.due_at = engine.due(case.office, now, case.remaining_minutes or 0)
        case.promise_warn_at = sla.promise_warning_at(
            case.office, now, case.remaining_minutes or 0, procedure(case).deadline_minutes
        )
        case.paused_at = None
        case.remaining_minutes = None


# --- starting and ending cases -------------------------------------------------------------


def current_revision(code: str) -> SopRevision:
    revision = (
        SopRevision.objects.filter(code=code).defer("definition").order_by("-revision").first()
    )
    if revision is None:
        raise DomainError(f"SOP {code} belum dimuat.")
    return revision


@transaction.atomic
def case_start(
    *,
    code: str,
    office: Office,
    subject: str,
    actor: User | None,
    submitted: bool = False,
    reason: str = "",
) -> Case:
    """Start a case of the current revision of SOP `code` in `office`.

    `actor` None means a channel acting for a citizen (WhatsApp, the public form). With
    `submitted`, a first step that belongs to the applicant ("Pemohon mengirim berkas") is recorded
    as done at once.
    """
    revision = current_revision(code)
    spec = procedure(revision)
    first_actor = spec.actor_of(spec.first)
    if actor is not None and not (
        first_actor.position_kind and engine.holds(actor, office.pk, first_actor.position_kind)
    ):
        require(actor, Capability.HANDLE_CASES, office)
    now = timezone.now()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    sop=revision,
                    office=office,
                    subject=subject,
                    started_at=now,
                    started_by=actor,
                    reference=engine.new_reference(code, office, now),
                )
            break
        except IntegrityError:
            continue
    else:
        raise DomainError("Nomor perkara tidak dapat dibuat; coba lagi.")
    record(
        actor=actor,
        office=office,
        action="case.start",
        obj=case,
        reason=reason,
        after={"sop": f"{revision.code} r{revision.revision}", "subject": subject},
    )
    first = spec.first
    if submitted and spec.actors[spec.step(first).actor].is_outside:
        _start_clock(case, spec, first, now)
        task = Task.objects.create(
            case=case,
            step=first,
            actor=spec.step(first).actor,
            office=office,
            created_at=now,
            status=TaskStatus.DONE,
            completed_at=now,
            outcome=Outcome.DONE,
        )
        _advance(case, spec, task, now, actor)
    else:
        _open(case, spec, first, now)
    case.save(update_fields=CASE_STATE)
    return case


def _finish(case: Case, status: str, now: Any) -> None:
    case.status = status
    case.finished_at = now
    if case.clock_started_at and not case.clock_stopped_at:
        case.clock_stopped_at = now
    case.tasks.filter(status__in=ACTIVE_TASK).update(status=TaskStatus.CANCELLED, completed_at=now)
    staff_notices.tasks_ended(case.pk, now)


def _advance(
    case: Case, spec: ProcedureSpec, task: Task, now: Any, actor: User | None, branch: str = "yes"
) -> None:
    """After a "done": stop the clock where the SOP says, then open the following step."""
    fan_out = spec.actor_of(task.step).office == OfficeRelation.CHILDREN
    if fan_out and case.tasks.filter(step=task.step, status__in=ACTIVE_TASK).exists():
        return  # other offices of a fan-out step are still working on it
    if spec.clock_stop == task.step and case.clock_stopped_at is None:
        case.clock_stopped_at = now
    following = spec.following(task.step, branch=branch)
    if following is None:
        _finish(case, CaseStatus.DONE, now)
        record(
            actor=actor,
            office=case.office,
            action="case.finish",
            obj=case,
            after={"status": CaseStatus.DONE},
        )
        case_done(case, actor)
    else:
        _open(case, spec, following, now)


# --- acting on tasks -----------------------------------------------------------------------


def _locked_case(pk: int) -> Case:
    """The case row locked, with its office and SOP revision (the revision's definition is left
    out: `procedure` reads it once per revision and process)."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("office", "sop")
        .defer("sop__definition")
        .get(pk=pk)
    )


def _lock(task: Task) -> tuple[Case, Task]:
    """The task and its case, both locked in one statement: the case row first, then the task
    row (`FOR UPDATE OF` takes its rows in the order named), as every transition does."""
    locked = (
        Task.objects.select_for_update(of=("case", "self"))
        .select_related("case__office", "case__sop", "office")
        .defer("case__sop__definition")
        .get(pk=task.pk)
    )
    return locked.case, locked


def _handled_message(task: Task) -> str:
    who = task.completed_by.get_full_name() if task.completed_by else "pemohon/sistem"
    when = date_format(timezone.localtime(task.completed_at), "j F Y H:i")
    return f"Tugas ini sudah ditangani oleh {who} pada {when}."


def _check_actor(
    task: Task, actor: User, spec: ProcedureSpec | None = None, *, taking: bool = True
) -> None:
    """May `actor` act on `task`? `taking`: claim or complete it (not merely let it go), which
    a review step refuses to the one who passed the review before it."""
    if task.status in (TaskStatus.DONE, TaskStatus.CANCELLED):
        if task.status == TaskStatus.CANCELLED:
            raise ConflictError("Tugas ini sudah dibatalkan.")
        raise ConflictError(_handled_message(task))
    if task.status == TaskStatus.WAITING:
        raise DomainError(
            "Tugas ini menunggu pihak luar (pemohon); catat langkahnya pada halaman perkara."
        )
    if not engine.holds(actor, task.office_id, task.position_kind, task.unit_id):
        raise PermissionDenied("Tugas ini bukan untuk jabatan Anda di kantor tersebut.")
    if task.status == TaskStatus.CLAIMED and task.assignee_id != actor.pk:
        who = task.assignee.get_full_name() if task.assignee else "orang lain"
        raise ConflictError(f"Tugas ini sedang dikerjakan oleh {who}.")
    if taking and spec is not None and (bar := review_bar(actor, task, spec)):
        raise PermissionDenied(bar)


@transaction.atomic
def task_claim(*, task: Task, actor: User) -> Task:
    case, task = _lock(task)
    _check_actor(task, actor, procedure(case))
    if task.status == TaskStatus.CLAIMED:
        return task  # a double click on "ambil": already ours
    task.status, task.assignee, task.claimed_at = TaskStatus.CLAIMED, actor, timezone.now()
    task.save(update_fields=["status", "assignee", "claimed_at"])
    record(
        actor=actor, office=task.office, action="task.claim", obj=task, after={"step": task.step}
    )
    return task


@transaction.atomic
def task_release(*, task: Task, actor: User, reason: str = "") -> Task:
    _case, task = _lock(task)
    _check_actor(task, actor, taking=False)
    task.status, task.assignee, task.claimed_at = TaskStatus.OPEN, None, None
    task.save(update_fields=["status", "assignee", "claimed_at"])
    record(actor=actor, office=task.office, action="task.release", obj=task, reason=reason)
    return task


@transaction.atomic
def task_complete(
    *,
    task: Task,
    actor: User,
    outcome: str,
    return_to: int | str | None = None,
    branch: str = "yes",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> Task:
    """Complete a task: `done` goes on (on a decision's "no" path with branch="no" where the SOP
    has one), `return` goes back to a step the SOP allows (or to the applicant, stopping the SLA
    clock), `reject` ends the case where the SOP's decision allows a refusal. The applicant hears
    a return to them or a refusal, with the reason. An unclaimed task is claimed by the one who
    completes it."""
    case, task = _lock(task)
    spec = procedure(case)
    _check_actor(task, actor, spec)
    step = spec.step(task.step)
    reason = reason.strip()
    if outcome not in Outcome.values:
        raise DomainError(f"Hasil '{outcome}' tidak dikenal.")
    if outcome == Outcome.REJECT and not step.may_reject:
        back = " Bila ada kekurangan, kembalikan untuk perbaikan." if step.returns else ""
        raise DomainError(
            f"Menurut SOP, langkah {step.number} tidak dapat menolak permohonan.{back}",
            code="reject_not_allowed",
        )
    if outcome != Outcome.DONE and not reason:
        raise DomainError("Tuliskan alasan pengembalian atau penolakan.")
    target: int | str | None = None
    if outcome == Outcome.RETURN:
        target = _return_target(step, return_to)
    if branch not in ("yes", "no") or (
        branch == "no" and (outcome != Outcome.DONE or step.no_next is None)
    ):
        raise DomainError(f"Langkah {step.number} tidak memiliki jalur '{branch}' menurut SOP.")
    now = timezone.now()
    task.status, task.outcome, task.reason = TaskStatus.DONE, outcome, reason
    task.completed_at, task.completed_by = now, actor
    task.assignee = task.assignee or actor
    task.claimed_at = task.claimed_at or now
    task.return_to = "" if target is None else str(target)
    task.branch = branch if outcome == Outcome.DONE and step.question else ""
    task.save(update_fields=COMPLETION)
    context = StepContext(case, task, step, actor, outcome, data or {})
    _run_handler(KeyKind.FORM, step.form, context)
    if outcome == Outcome.DONE:
        _run_handler(KeyKind.ACTION, step.action, context)
        _advance(case, spec, task, now, actor, branch)
    elif outcome == Outcome.REJECT:
        _finish(case, CaseStatus.REJECTED, now)
    elif target == APPLICANT:
        _open(case, spec, _applicant_step(spec), now, resume_step=task.step)
    elif isinstance(target, int):
        _reopen(case, spec, target, now)
    case.save(update_fields=CASE_STATE)
    staff_notices.tasks_ended(case.pk, now)
    after: dict[str, Any] = {
        "step": task.step,
        "outcome": outcome,
        "return_to": task.return_to,
        "case_status": case.status,
    }
    if task.prior_reviewer_id == actor.pk:
        # The office let an acting holder pass a second review in a row (review_bar).
        after["same_reviewer_as_step"] = task.prior_review_step
    record(
        actor=actor,
        office=task.office,
        action=f"task.{outcome}",
        obj=task,
        reason=reason,
        after=after,
    )
    if outcome == Outcome.REJECT:
        notices.applicant_notice(case, task, ApplicantNotice.Kind.REJECT, now)
    elif target == APPLICANT:
        notices.applicant_notice(case, task, ApplicantNotice.Kind.RETURN, now)
    return task


@transaction.atomic
def fan_out_close(*, case: Case, step: int, actor: User | None, reason: str) -> int:
    """End a fan-out step early (a report period closes at its deadline): the offices that have
    not acted are cancelled with `reason` and the case goes on as if the step were done. Only when
    nothing but that step is open; returns how many tasks were cancelled."""
    reason = reason.strip()
    if not reason:
        raise DomainError("Tuliskan alasan penutupan langkah.")
    case = _locked_case(case.pk)
    spec = procedure(case)
    if spec.actor_of(step).office != OfficeRelation.CHILDREN:
        raise DomainError(f"Langkah {step} bukan langkah setiap kabupaten/kota.")
    open_tasks = list(
        Task.objects.select_for_update(of=("self",))
        .filter(case=case, status__in=ACTIVE_TASK)
        .select_related("office")
    )
    waiting = [t for t in open_tasks if t.step == step]
    if not waiting or len(waiting) != len(open_tasks):
        return 0
    now = timezone.now()
    for task in waiting:
        task.status, task.completed_at, task.reason = TaskStatus.CANCELLED, now, reason
        task.save(update_fields=["status", "completed_at", "reason"])
        record(
            actor=actor,
            office=task.office,
            action="task.cancel",
            obj=task,
            reason=reason,
            after={"step": task.step, "why": "langkah ditutup"},
        )
    _advance(case, spec, waiting[0], now, actor)
    case.save(update_fields=CASE_STATE)
    staff_notices.tasks_ended(case.pk, now)
    return len(waiting)


def _return_target(step: StepSpec, return_to: int | str | None) -> int | str:
    if not step.returns:
        raise DomainError(f"Langkah {step.number} tidak dapat dikembalikan menurut SOP.")
    if return_to is None and len(step.returns) == 1:
        return step.returns[0]
    if isinstance(return_to, str) and is_ascii_digits(return_to):
        return_to = int(return_to)
    if return_to not in step.returns:
        allowed = ", ".join("pemohon" if r == APPLICANT else f"langkah {r}" for r in step.returns)
        raise DomainError(
            f"Langkah {step.number} hanya dapat dikembalikan ke {allowed} menurut SOP."
        )
    return return_to


def _applicant_step(spec: ProcedureSpec) -> int:
    for step in spec.steps:
        if spec.actors[step.actor].kind == ActorKind.APPLICANT:
            return step.number
    raise DomainError(f"SOP {spec.code} tidak memiliki langkah pemohon.")


@transaction.atomic
def task_reassign(*, task: Task, to_user: User, actor: User, reason: str) -> Task:
    """A superior (someone who may initial, paraf) hands a task to another holder of the post."""
    case, task = _lock(task)
    require(actor, Capability.PARAF, task.office)
    if task.status not in (TaskStatus.OPEN, TaskStatus.CLAIMED):
        raise ConflictError("Tugas ini tidak lagi terbuka.")
    if not engine.holds(to_user, task.office_id, task.position_kind, task.unit_id):
        raise DomainError(f"{to_user.get_full_name()} tidak memegang jabatan untuk tugas ini.")
    if review_bar(to_user, task, procedure(case)):
        raise DomainError(
            f"{to_user.get_full_name()} sudah memeriksa langkah {task.prior_review_step} "
            "perkara ini; alihkan kepada orang lain."
        )
    if not reason.strip():
        raise DomainError("Tuliskan alasan pengalihan tugas.")
    before = {"assignee": task.assignee_id}
    task.status, task.assignee, task.claimed_at = TaskStatus.CLAIMED, to_user, timezone.now()
    task.save(update_fields=["status", "assignee", "claimed_at"])
    record(
        actor=actor,
        office=task.office,
        action="task.reassign",
        obj=task,
        reason=reason,
        before=before,
        after={"assignee": to_user.pk},
    )
    return task


def notifications_mark_read(*, user: User) -> int:
    """Mark the person's unread notices as read (their own rows; no office state changes)."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
