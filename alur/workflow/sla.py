"""Escalation by the procedure's promise and the office's queue times, not each step's standard.

A step's `Task.due_at` is its work standard (often minutes): the inbox sorts and colours by it,
but nobody is alerted when it passes. The superiors of whoever holds a case's work are told
(in-app; the digest carries it on) when

- the case's promise (`Case.due_at`: the SOP's deadline from its clock-start step, paused while
  the case waits for the applicant) is about to be missed: `PROMISE_WARNING_SHARE` of the
  deadline is left (`Case.promise_warn_at`, set with due_at), once per case; or
- a task has waited longer than the queue time its office set for that SOP step
  (`StepQueueTime`, in working minutes), once per task.

Each sweep claims rows with SKIP LOCKED, so two workers never alert twice.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from alur.audit.services import record
from alur.org.access import unit_chains
from alur.org.models import Appointment, Office, Position, User
from alur.workflow import engine, staff_notices
from alur.workflow.choices import CaseStatus, TaskStatus
from alur.workflow.models import Case, StepQueueTime, Task
from alur.worktime.calendar import working_minutes_between
from alur.worktime.selectors import calendar_for

BATCH = 200
# The superiors are told when this share of the promise is left (S2: one working day of
# 7.5 hours → about 1 h 53 min before it ends).
PROMISE_WARNING_SHARE = 0.25


def warning_share() -> float:
    return float(getattr(settings, "SLA_PROMISE_WARNING_SHARE", PROMISE_WARNING_SHARE))


def promise_warning_at(
    office: Office, start: datetime, minutes_left: int, deadline_minutes: int | None
) -> datetime | None:
    """When the superiors are to be told that the promise is about to be missed: `minutes_left`
    working minutes from `start`, less the warning share of the whole deadline."""
    if deadline_minutes is None:
        return None
    lead = math.ceil(deadline_minutes * warning_share())
    return engine.due(office, start, max(0, minutes_left - lead))


def superiors_of(task: Task) -> list[User]:
    """Holders of the superior post of whoever should do `task` (its holder's, or the post's).

    The holder themselves is skipped (an acting head supervising their own seksi): the notice
    then goes one level further up.
    """
    today = timezone.localdate()
    positions = Position.objects.filter(office_id=task.office_id, kind=task.position_kind)
    if task.unit_id is not None:  # the post in the task's unit and the units below it
        below = [u for u, chain in unit_chains({task.office_id}).items() if task.unit_id in chain]
        positions = positions.filter(unit_id__in=below)
    if task.assignee_id:
        held = Appointment.objects.active_on(today).filter(
            user_id=task.assignee_id, position__in=positions
        )
        positions = Position.objects.filter(pk__in=held.values("position_id"))
    for _level in range(3):
        superiors = Position.objects.filter(
            pk__in=positions.exclude(superior__isnull=True).values("superior_id")
        )
        holders = {
            a.user
            for a in Appointment.objects.active_on(today)
            .filter(position__in=superiors)
            .select_related("user")
            if a.user_id != task.assignee_id
        }
        if holders:
            return sorted(holders, key=lambda u: u.pk)
        positions = superiors
    return []


def sla_sweep(now: datetime | None = None) -> int:
    """Alert superiors of cases about to miss their promise and of tasks past their office's
    queue time; returns how many cases and tasks were alerted."""
    now = now or timezone.now()
    return promise_sweep(now) + queue_sweep(now)


def promise_sweep(now: datetime) -> int:
    alerted = 0
    while True:
        with transaction.atomic():
            batch = list(
                Case.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(
                    status=CaseStatus.OPEN,
                    promise_alerted_at__isnull=True,
                    promise_warn_at__lte=now,
                    clock_stopped_at__isnull=True,
                    paused_at__isnull=True,
                )
                .select_related("office")
                .order_by("promise_warn_at")[:BATCH]
            )
            for case in batch:
                _alert_promise(case, now)
            alerted += len(batch)
        if len(batch) < BATCH:
            return alerted


def time_left(case: Case, now: datetime) -> str:
    """The promise's time left in working time ("1 jam 20 menit"), or how far it is past."""
    assert case.due_at is not None  # noqa: S101 - only cases with a promise
    if case.due_at <= now:
        late = int((now - case.due_at).total_seconds() // 60)
        return f"lewat {_duration(late)}"
    return f"sisa {_duration(engine.remaining(case.office, now, case.due_at))}"


def _duration(minutes: int) -> str:
    hours, rest = divmod(max(0, minutes), 60)
    if hours and rest:
        return f"{hours} jam {rest} menit"
    return f"{hours} jam" if hours else f"{rest} menit"


def _holder(task: Task) -> str:
    return f" (dipegang {task.assignee.get_full_name()})" if task.assignee else ""


def _alert_promise(case: Case, now: datetime) -> None:
    case.promise_alerted_at = now
    case.save(update_fields=["promise_alerted_at"])
    assert case.due_at is not None  # noqa: S101 - promise_warn_at is set with due_at
    due = date_format(engine.local(case.office, case.due_at), "j F Y H:i")
    tasks = list(
        case.tasks.filter(status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED])
        .select_related("office", "assignee")
        .order_by("step", "pk")
    )
    recipients: dict[int, tuple[User, Task]] = {}
    for task in tasks:
        for user in superiors_of(task):
            recipients.setdefault(user.pk, (user, task))
    for user, task in recipients.values():
        staff_notices.notify(
            [user],
            office=task.office,
            kind=staff_notices.CASE_PROMISE,
            message=(
                f"Perkara {case.reference} hampir melewati janji layanan ({due}, "
                f"{time_left(case, now)}): langkah {task.step}{_holder(task)}. {case.subject}"
            ),
            title=case.reference,
            task=task,
            now=now,
        )
    record(
        actor=None,
        office=case.office,
        action="case.promise_alert",
        obj=case,
        after={"due_at": case.due_at, "notified": sorted(recipients)},
    )


def queue_sweep(now: datetime) -> int:
    """Tasks past the queue time their office set for their SOP step."""
    alerted = 0
    for limit in StepQueueTime.objects.select_related("office").order_by("pk"):
        # Working minutes never exceed wall-clock minutes: only tasks older than the limit in
        # wall-clock time can be past it.
        oldest = now - timedelta(minutes=limit.minutes)
        calendar = calendar_for(limit.office)
        while True:
            with transaction.atomic():
                batch = list(
                    Task.objects.select_for_update(skip_locked=True, of=("self",))
                    .filter(
                        office_id=limit.office_id,
                        case__sop__code=limit.sop_code,
                        step=limit.step,
                        status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED],
                        overdue_notified_at__isnull=True,
                        created_at__lte=oldest,
                    )
                    .select_related("case", "office", "assignee")
                    .order_by("created_at", "pk")[:BATCH]
                )
                past = [
                    t
                    for t in batch
                    if working_minutes_between(calendar, t.created_at, now) >= limit.minutes
                ]
                for task in past:
                    _alert_queue(task, limit, now)
                alerted += len(past)
            if len(batch) < BATCH or not past:
                break
    return alerted


def _alert_queue(task: Task, limit: StepQueueTime, now: datetime) -> None:
    task.overdue_notified_at = now
    task.save(update_fields=["overdue_notified_at"])
    since = date_format(engine.local(task.office, task.created_at), "j F Y H:i")
    recipients = superiors_of(task)
    staff_notices.notify(
        recipients,
        office=task.office,
        kind=staff_notices.TASK_QUEUE,
        message=(
            f"Tugas langkah {task.step} perkara {task.case.reference}{_holder(task)} menunggu "
            f"sejak {since}, melebihi waktu antre {limit.minutes} menit: {task.case.subject}"
        ),
        title=task.case.reference,
        task=task,
        now=now,
    )
    record(
        actor=None,
        office=task.office,
        action="task.queue_alert",
        obj=task,
        after={"queue_minutes": limit.minutes, "notified": [u.pk for u in recipients]},
    )
