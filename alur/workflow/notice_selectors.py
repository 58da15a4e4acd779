"""Reads for staff notices: a person's "Pemberitahuan", what is about to miss its promise in a
supervisor's units, and the queue times an office set."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, QuerySet
from django.utils import timezone

from alur.org.access import Capability, Post, office_ids_for, posts_held, unit_chains
from alur.org.choices import PositionKind
from alur.org.models import Office, User
from alur.sop.models import SopRevision
from alur.workflow.choices import CaseStatus, TaskStatus
from alur.workflow.models import Case, Notification, StepQueueTime, Task
from alur.workflow.sla import time_left
from alur.workflow.sop_spec import spec_for

# The posts that supervise work and see what is about to miss its promise.
SUPERVISORS = (PositionKind.KADIS, PositionKind.SEKRETARIS, PositionKind.KABID, PositionKind.KASI)
AT_RISK_LIMIT = 200


def notifications_list(user: User | AnonymousUser, limit: int = 100) -> list[Notification]:
    """The person's notices of work that still waits, unread first, newest first within
    each."""
    if not user.is_authenticated:
        return []
    return list(
        Notification.objects.filter(user_id=user.pk, done_at__isnull=True)
        .select_related("task__case", "office")
        .order_by(F("read_at").asc(nulls_first=True), "-created_at", "-pk")[:limit]
    )


def notifications_done(user: User | AnonymousUser, limit: int = 30) -> list[Notification]:
    """The person's notices whose work was done (by anyone) or ended, the latest first."""
    if not user.is_authenticated:
        return []
    return list(
        Notification.objects.filter(user_id=user.pk, done_at__isnull=False)
        .select_related("task__case", "office")
        .order_by("-done_at", "-pk")[:limit]
    )


@dataclass(frozen=True)
class AtRisk:
    case: Case
    task: Task | None
    activity: str
    holder: str
    left: str
    late: bool


def _supervising(user: User | AnonymousUser) -> list[Post]:
    return [p for p in posts_held(user) if p.kind in SUPERVISORS]


def _in_units(post: Post, units: set[int | None], chains: dict[int, frozenset[int]]) -> bool:
    """Is a case handled by tasks of `units` in the post's unit (or below it)? A post in no unit
    (the Kadis) oversees the whole office."""
    if post.unit_id is None:
        return True
    return any(unit is not None and post.unit_id in chains.get(unit, ()) for unit in units)


def _kind_label(kind: str) -> str:
    return PositionKind(kind).label if kind in PositionKind.values else kind


def at_risk_for(user: User | AnonymousUser, now: datetime | None = None) -> list[AtRisk]:
    """Open cases of the person's units whose promise is about to be missed (or missed): the
    case, the step it waits at, who holds it and the time left, soonest first."""
    now = now or timezone.now()
    posts = _supervising(user)
    if not posts:
        return []
    office_ids = {p.office_id for p in posts}
    cases = list(
        Case.objects.filter(
            office_id__in=office_ids,
            status=CaseStatus.OPEN,
            promise_warn_at__lte=now,
            clock_stopped_at__isnull=True,
            paused_at__isnull=True,
        )
        .select_related("office", "sop")
        .defer("sop__definition")
        .order_by("due_at", "pk")[:AT_RISK_LIMIT]
    )
    if not cases:
        return []
    tasks: dict[int, list[Task]] = {}
    for task in (
        Task.objects.filter(case__in=cases)
        .select_related("assignee", "unit")
        .order_by("step", "pk")
    ):
        tasks.setdefault(task.case_id, []).append(task)
    chains = unit_chains(office_ids)
    rows = []
    for case in cases:
        case_tasks = tasks.get(case.pk, [])
        units = {t.unit_id for t in case_tasks}
        if not any(p.office_id == case.office_id and _in_units(p, units, chains) for p in posts):
            continue
        active = [t for t in case_tasks if t.status in (TaskStatus.OPEN, TaskStatus.CLAIMED)]
        current = active[0] if active else None
        activity, holder = "", ""
        if current is not None:
            activity = f"langkah {current.step}: {spec_for(case.sop).step(current.step).activity}"
            holder = (
                current.assignee.get_full_name()
                if current.assignee
                else f"belum diambil ({_kind_label(current.position_kind)})"
            )
        assert case.due_at is not None  # noqa: S101 - a promise is set with its warning time
        rows.append(
            AtRisk(case, current, activity, holder, time_left(case, now), case.due_at <= now)
        )
    return rows


def sees_at_risk(user: User) -> bool:
    return bool(_supervising(user))


def queue_time_offices(user: User | AnonymousUser) -> QuerySet[Office]:
    """Offices whose queue times the person sets: the office's managers (calendar)."""
    return Office.objects.filter(pk__in=office_ids_for(user, Capability.MANAGE_CALENDAR))


def queue_times(offices: QuerySet[Office]) -> QuerySet[StepQueueTime]:
    return (
        StepQueueTime.objects.filter(office__in=offices)
        .select_related("office", "updated_by")
        .order_by("office__code", "sop_code", "step")
    )


def sop_choices() -> list[tuple[str, str]]:
    """(code, "code name") of each SOP, its newest revision's name."""
    seen: dict[str, str] = {}
    for code, name in SopRevision.objects.order_by("code", "-revision").values_list("code", "name"):
        seen.setdefault(code, name)
    return [(code, f"{code} {name}") for code, name in seen.items()]
