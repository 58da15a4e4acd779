"""Overdue tasks: marked once; the superior of the post is told (in-app, WhatsApp later)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from alur.audit.services import record
from alur.org.access import unit_chains
from alur.org.models import Appointment, Position, User
from alur.workflow.models import Notification, Task

BATCH = 200


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
    """Mark overdue open tasks and notify superiors; returns how many tasks were marked.

    Each batch claims rows with SKIP LOCKED, so two workers never notify twice.
    """
    now = now or timezone.now()
    marked = 0
    while True:
        with transaction.atomic():
            batch = list(
                Task.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(
                    status__in=["open", "claimed"], overdue_notified_at__isnull=True, due_at__lt=now
                )
                .select_related("case", "office", "assignee")
                .order_by("due_at")[:BATCH]
            )
            for task in batch:
                _mark(task, now)
            marked += len(batch)
        if len(batch) < BATCH:
            return marked


def _mark(task: Task, now: datetime) -> None:
    task.overdue_notified_at = now
    task.save(update_fields=["overdue_notified_at"])
    due = date_format(timezone.localtime(task.due_at), "j F Y H:i")
    holder = f" (dipegang {task.assignee.get_full_name()})" if task.assignee else ""
    message = (
        f"Tugas langkah {task.step} perkara {task.case.reference}{holder} melewati tenggat "
        f"{due}: {task.case.subject}"
    )
    recipients = superiors_of(task)
    Notification.objects.bulk_create(
        [
            Notification(
                user=user,
                office=task.office,
                task=task,
                kind="task.overdue",
                message=message,
                created_at=now,
            )
            for user in recipients
        ],
        ignore_conflicts=True,
    )
    record(
        actor=None,
        office=task.office,
        action="task.overdue",
        obj=task,
        after={"due_at": task.due_at, "notified": [u.pk for u in recipients]},
    )
