"""Reads of cases and tasks: the inbox, the case page, the SLA state."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import IntEnum
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.http import Http404
from django.utils import timezone

from alur.org.access import (
    Capability,
    DataClass,
    can,
    office_ids_seeing,
    personal_posts,
    posts_held,
    reads_personal,
    sees,
)
from alur.org.models import Office, User
from alur.workflow.choices import SlaState, TaskStatus
from alur.workflow.engine import holds
from alur.workflow.inbox_filters import NO_FILTER, Assignee, InboxFilter, Sort
from alur.workflow.models import ApplicantNotice, Case, Notification, OutsideRecord, Task
from alur.workflow.spec import FILES_FORM
from alur.worktime.calendar import WorkCalendar, working_minutes_between
from alur.worktime.selectors import calendar_for

AT_RISK_SHARE = 0.2  # under 20% of a step's time left


def _post_tasks(office_id: int, kind: str, unit_id: int | None) -> QuerySet[Task]:
    """The tasks of one post in one unit (None: routed to the whole office). The unit condition
    matches one of the two inbox indexes, so that each reads its index in order."""
    tasks = Task.objects.filter(office_id=office_id, position_kind=kind)
    if unit_id is None:
        return tasks.filter(unit__isnull=True)
    return tasks.filter(unit_id=unit_id)


def _waiting_for(
    user: User | AnonymousUser,
    office_id: int,
    kind: str,
    unit_id: int | None = None,
    filters: InboxFilter = NO_FILTER,
) -> QuerySet[Task]:
    """The open tasks of one post in one unit, and those of it the person holds, by due time
    (or in the order `filters` asks), narrowed by `filters`. The status filter repeats the
    inbox index's condition so that each post reads that index in order."""
    tasks = (
        _post_tasks(office_id, kind, unit_id)
        .filter(status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED])
        .filter(Q(status=TaskStatus.OPEN) | Q(status=TaskStatus.CLAIMED, assignee_id=user.pk))
    )
    return _narrowed(tasks, user, filters).order_by(*_ORDER[filters.sort])


# The inbox's orders (inbox_filters.Sort): the database's, and the same as a key of a head.
_ORDER: dict[str, tuple[Any, ...]] = {
    Sort.DUE: (F("due_at").asc(nulls_last=True), "created_at", "pk"),
    Sort.NEWEST: ("-created_at", "-pk"),
    Sort.OLDEST: ("created_at", "pk"),
}
SLA_SCAN = 300  # the tasks read in due order to tell "about to miss" from "on time"


def _narrowed(
    tasks: QuerySet[Task], user: User | AnonymousUser, filters: InboxFilter
) -> QuerySet[Task]:
    """`tasks` narrowed by the inbox's filters (`inbox_filters`). The SLA state is decided in
    the database where it can be (overdue: due before now); "about to miss" and "on time"
    both start from the tasks not yet overdue and are told apart in `inbox_page`."""
    if not filters.narrows:
        return tasks
    if filters.sop:
        tasks = tasks.filter(case__sop__code=filters.sop)
    if filters.step is not None:
        tasks = tasks.filter(step=filters.step)
    if filters.assignee == Assignee.ME:
        tasks = tasks.filter(status=TaskStatus.CLAIMED, assignee_id=user.pk)
    elif filters.assignee == Assignee.NOBODY:
        tasks = tasks.filter(status=TaskStatus.OPEN)
    now = timezone.now()
    # The case's promise (Case.due_at) where it has one, else the step's work standard.
    if filters.sla == SlaState.OVERDUE:
        tasks = tasks.filter(Q(case__due_at__lt=now) | Q(case__due_at=None, due_at__lt=now))
    elif filters.sla in (SlaState.ON_TIME, SlaState.AT_RISK):
        tasks = tasks.filter(Q(case__due_at__gte=now) | Q(case__due_at=None, due_at__gte=now))
    zone = timezone.get_current_timezone()
    if filters.date_from:
        tasks = tasks.filter(created_at__gte=datetime.combine(filters.date_from, time(), zone))
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time(), zone)
        tasks = tasks.filter(created_at__lt=end)
    return tasks


def inbox_keys(user: User | AnonymousUser) -> set[tuple[int, str, int | None]]:
    """(office, post kind, unit) of every pile of tasks that reaches the person: each post's
    office-wide tasks and those of its unit and of every unit above it."""
    keys: set[tuple[int, str, int | None]] = set()
    for post in posts_held(user):
        keys.add((post.office_id, post.kind, None))
        keys.update((post.office_id, post.kind, unit) for unit in post.units)
    return keys


INBOX_COUNT_CAP = 1000  # beyond this the inbox says "more than 1,000": counting on costs time

Head = tuple[datetime | None, datetime, int]


def _pile_heads(
    user: User | AnonymousUser,
    keys: list[tuple[int, str, int | None]],
    limit: int,
    filters: InboxFilter = NO_FILTER,
) -> list[list[Head]]:
    """The first `limit` (due, created, pk) of each pile. Where the database takes a LIMIT in
    each part of a UNION ALL (PostgreSQL), the piles are read in one round trip, each part
    through its index; elsewhere one query per pile."""
    parts = [
        _waiting_for(user, office_id, kind, unit_id, filters)
        .annotate(pile=Value(index))
        .values_list("due_at", "created_at", "pk", "pile")[:limit]
        for index, (office_id, kind, unit_id) in enumerate(keys)
    ]
    piles: list[list[Head]] = [[] for _ in keys]
    if len(parts) > 1 and connection.features.supports_slicing_ordering_in_compound:
        rows = list(parts[0].union(*parts[1:], all=True))
    else:
        rows = [row for part in parts for row in part]
    for due, created, pk, pile in rows:
        piles[pile].append((due, created, pk))
    return piles


def _head_key(sort: str) -> Callable[[tuple[datetime, datetime, int]], Any]:
    if sort == Sort.NEWEST:
        return lambda head: (-head[1].timestamp(), -head[2])
    if sort == Sort.OLDEST:
        return lambda head: (head[1], head[2])
    return lambda head: head


def inbox_page(
    user: User | AnonymousUser, limit: int, filters: InboxFilter = NO_FILTER
) -> tuple[list[Task], int]:
    """The `limit` tasks due first (or in the order `filters` asks) across the person's posts
    in their offices and units, narrowed by `filters`, and how many wait in all (counted up to
    INBOX_COUNT_CAP per pile). Each pile (a post's office-wide tasks, or its unit's) is read on
    its own through an inbox index (a handful of rows each, however large the archive), then
    the rows of the page are loaded with their case and office.

    "About to miss" and "on time" depend on the office's working hours: the first SLA_SCAN
    tasks not yet overdue, in due order, are read and told apart by `sla_of` (the ones about to
    miss are those due first, so they are among them)."""
    keys = sorted(inbox_keys(user), key=lambda k: (k[0], k[1], k[2] or 0))
    if not keys:
        return [], 0
    by_sla = filters.sla in (SlaState.ON_TIME, SlaState.AT_RISK)
    read = max(limit, SLA_SCAN) if by_sla else limit
    far = datetime.max.replace(tzinfo=UTC)
    heads: list[tuple[datetime, datetime, int]] = []
    total = 0
    piles = _pile_heads(user, keys, read, filters)
    for (office_id, kind, unit_id), rows in zip(keys, piles, strict=True):
        heads.extend((due or far, created, pk) for due, created, pk in rows)
        if len(rows) < read:
            total += len(rows)
        elif filters.narrows:
            pile = _waiting_for(user, office_id, kind, unit_id, filters).order_by()
            total += pile[:INBOX_COUNT_CAP].count()
        else:  # two plain counts: the planner reads the inbox index for each
            post = _post_tasks(office_id, kind, unit_id).order_by()
            total += post.filter(status=TaskStatus.OPEN)[:INBOX_COUNT_CAP].count()
            total += post.filter(status=TaskStatus.CLAIMED, assignee_id=user.pk).count()
    ordered = sorted(heads, key=_head_key(filters.sort))
    chosen = [pk for _due, _created, pk in (ordered if by_sla else ordered[:limit])]
    tasks = list(
        Task.objects.filter(pk__in=chosen)
        .select_related("case", "case__sop", "office", "assignee", "unit")
        # The SOP's definition is large and only read once per revision and process (spec_for).
        .defer("case__sop__definition")
        .order_by(*_ORDER[filters.sort])
    )
    if by_sla:
        from alur.workflow.services import procedure

        calendars = Calendars()
        tasks = [
            t
            for t in tasks
            if inbox_sla(t, procedure(t.case).step(t.step).minutes, calendars).state == filters.sla
        ]
        total = len(tasks)
        tasks = tasks[:limit]
    return tasks, total


@dataclass(frozen=True)
class Sla:
    state: SlaState
    minutes_left: int | None  # working minutes; negative when overdue (wall-clock minutes)
    promise: bool = False  # measured against the case's promise (Case.due_at), not the step

    @property
    def label(self) -> str:
        return self.state.label


class Calendars:
    """Office calendars for one request, built once each."""

    def __init__(self) -> None:
        self._by_office: dict[int, WorkCalendar] = {}

    def of(self, office: Office) -> WorkCalendar:
        if office.pk not in self._by_office:
            self._by_office[office.pk] = calendar_for(office)
        return self._by_office[office.pk]


def sla_of(
    task: Task, allowed: int | None, calendars: Calendars, now: datetime | None = None
) -> Sla:
    now = now or timezone.now()
    if task.due_at is None:
        return Sla(SlaState.NONE, None)
    end = task.completed_at or now
    if end > task.due_at:
        return Sla(SlaState.OVERDUE, -int((end - task.due_at).total_seconds() // 60))
    left = working_minutes_between(calendars.of(task.office), end, task.due_at)
    if task.completed_at is None and allowed and left < AT_RISK_SHARE * allowed:
        return Sla(SlaState.AT_RISK, left)
    return Sla(SlaState.ON_TIME, left)


def inbox_sla(
    task: Task, allowed: int | None, calendars: Calendars, now: datetime | None = None
) -> Sla:
    """The inbox's SLA of a task: the case's promise (Case.due_at; about to be missed from its
    promise_warn_at) where the case has one, else the step's work standard (`sla_of`)."""
    case = task.case
    if case.due_at is None:
        return sla_of(task, allowed, calendars, now)
    now = now or timezone.now()
    end = task.completed_at or now
    if end > case.due_at:
        minutes = -int((end - case.due_at).total_seconds() // 60)
        return Sla(SlaState.OVERDUE, minutes, promise=True)
    left = working_minutes_between(calendars.of(task.office), end, case.due_at)
    warn = case.promise_warn_at
    if task.completed_at is None and warn is not None and end >= warn:
        return Sla(SlaState.AT_RISK, left, promise=True)
    return Sla(SlaState.ON_TIME, left, promise=True)


# --- need-to-know on cases (org.access.DataClass) ----------------------------------------

# Step keys whose data is a resident's (an application, a complaint, a referral, a document,
# a register look-up); an SOP with one of them, or with an applicant or informant, carries
# residents' personal data. S0, S1 and S4 carry none: figures, blanko stock, recaps.
PERSONAL_STEP_DOMAINS = ("intake.", "outreach.", "complaints.", "documents.", "registry.")


class Reach(IntEnum):
    """How far a person reads a case, least first."""

    NONE = 0
    OWN_STEPS = 1  # a step of theirs: the case page without residents' data
    REFERRER = 2  # a partner's own referral (S3): what they referred, and where it stands
    PERSONAL = 3  # the handling unit's staff: everything, residents' data included


# Domain rules naming more handlers of a case than its tasks do (the answering team of a
# complaint): each gives, for a person, a filter of the cases they handle, with a field prefix.
CaseHandlers = Callable[[User | AnonymousUser, str], Q]
_HANDLERS: list[CaseHandlers] = []


def register_case_handlers(rule: CaseHandlers) -> None:
    """A domain app names more handlers of its cases (in its AppConfig.ready)."""
    if rule not in _HANDLERS:
        _HANDLERS.append(rule)


def _domain_handles(user: User | AnonymousUser, case: Case) -> bool:
    if not _HANDLERS:
        return False
    condition = Q(pk__in=[])
    for rule in _HANDLERS:
        condition |= rule(user, "")
    return Case.objects.filter(condition, pk=case.pk).exists()


def carries_personal_data(case: Case) -> bool:
    """Does the case's procedure hold a resident's data (an applicant, an informant, a form of
    intake, outreach, complaints, documents or the register)?"""
    from alur.workflow.services import procedure

    spec = procedure(case)
    return any(a.is_outside for a in spec.actors.values()) or any(
        key.startswith(PERSONAL_STEP_DOMAINS)
        for step in spec.steps
        for key in (step.form, step.action)
        if key
    )


def _handling(case: Case) -> set[tuple[str, int | None]]:
    """(position kind, unit) of the case's tasks in its own office: who handles it."""
    return set(
        Task.objects.filter(case=case, office_id=case.office_id)
        .exclude(position_kind="")
        .values_list("position_kind", "unit_id")
        .distinct()
    )


def _own_step(user: User | AnonymousUser, case: Case) -> bool:
    """A step of the case is the person's: done by them, or open for (or claimed by) them in a
    post whose kind sees its own steps."""
    if not user.is_authenticated:
        return False
    posts = [p for p in posts_held(user) if sees(p.kind, DataClass.OWN_STEPS)]
    rows = Task.objects.filter(case=case).values_list(
        "office_id", "position_kind", "unit_id", "status", "assignee_id", "completed_by_id"
    )
    for office_id, kind, unit_id, status, assignee, completed_by in rows:
        if completed_by == user.pk:
            return True
        if status == TaskStatus.CLAIMED and assignee != user.pk:
            continue
        if status in (TaskStatus.OPEN, TaskStatus.CLAIMED) and any(
            p.reaches(office_id, kind, unit_id) for p in posts
        ):
            return True
    return False


def case_reach(user: User | AnonymousUser, case: Case) -> Reach:
    """How far the person reads `case` (the one rule every case page asks):

    - PERSONAL: a post of the case's office whose kind sees residents' data and that handles
      the case (its unit meets the unit of one of the case's tasks, or it sits in no unit:
      `org.access.reads_personal`). A case without residents' data (S0, S1, S4) is open so to
      every case handler of its office.
    - REFERRER: the partner who started the case (their referral, S3).
    - OWN_STEPS: a step of the case is theirs (S0 reports of a kab/kota, S1 pickup, S4 ...).
    """
    if not user.is_authenticated:
        return Reach.NONE
    if not carries_personal_data(case):
        if can(user, Capability.HANDLE_CASES, case.office_id):
            return Reach.PERSONAL
    else:
        posts = [p for p in personal_posts(user) if p.office_id == case.office_id]
        if any(p.unit_id is None for p in posts):
            return Reach.PERSONAL
        if posts:
            handling = _handling(case)
            if any(reads_personal(p, case.office_id, handling) for p in posts):
                return Reach.PERSONAL
        if _domain_handles(user, case):
            return Reach.PERSONAL
        if case.started_by_id == user.pk and case.office_id in office_ids_seeing(
            user, DataClass.OWN_REFERRALS
        ):
            return Reach.REFERRER
    return Reach.OWN_STEPS if _own_step(user, case) else Reach.NONE


def case_for(user: User | AnonymousUser, reference: str, *, personal: bool = False) -> Case:
    """A case the person may read (`case_reach`); 404 otherwise. `personal`: the page shows
    residents' data (an application's files, a document's entries), so only the handling
    unit's staff may read it; the case page itself hides that data from other readers
    (`shows_personal`)."""
    case = (
        Case.objects.select_related("office", "sop", "started_by")
        .filter(reference=reference)
        .first()
    )
    if case is None:
        raise Http404("Perkara tidak ditemukan.")
    reach = case_reach(user, case)
    if reach == Reach.NONE or (personal and reach < Reach.PERSONAL):
        raise Http404("Perkara tidak ditemukan.")
    case.reach = reach
    return case


def shows_personal(user: User | AnonymousUser, case: Case) -> bool:
    """Does the case page show this reader all of it (subject, panels)? Every reader of a case
    without residents' data; the handling staff and the referring partner of one with it."""
    reach = getattr(case, "reach", None)
    if reach is None:
        reach = case_reach(user, case)
    return reach >= Reach.REFERRER or not carries_personal_data(case)


def personal_cases(user: User | AnonymousUser, case_field: str = "case") -> Q:
    """The rows (of a model with a case in `case_field`; "" for Case itself) whose case's
    personal data the person reads: `case_reach` PERSONAL as a filter, for lists and searches
    of applications, complaints, referrals and issued documents. Cases without residents' data
    are not told apart here: the lists that use it are of residents' records."""
    prefix = f"{case_field}__" if case_field else ""
    outer = case_field or "pk"
    condition = Q(pk__in=[])
    for post in personal_posts(user):
        if post.unit_id is None:
            condition |= Q(**{f"{prefix}office_id": post.office_id})
            continue
        tasks = Task.objects.filter(case_id=OuterRef(outer), office_id=post.office_id).filter(
            Q(unit_id__in=post.units) | Q(unit__isnull=True, position_kind=post.kind)
        )
        condition |= Q(Exists(tasks), **{f"{prefix}office_id": post.office_id})
    if user.is_authenticated:
        for rule in _HANDLERS:
            condition |= rule(user, prefix)
    return condition


@dataclass(frozen=True)
class TimelineRow:
    task: Task
    activity: str
    actor_label: str
    standard: int | None  # mutu baku, minutes
    actual: int | None  # working minutes from creation to completion
    sla: Sla

    @property
    def same_reviewer_as(self) -> int | None:
        """The review step before this one, when the same person passed both (an acting holder
        the office allowed to): the case page says so."""
        task = self.task
        if (
            task.status == TaskStatus.DONE
            and task.prior_reviewer_id is not None
            and task.prior_reviewer_id == task.completed_by_id
        ):
            return task.prior_review_step
        return None


def timeline(case: Case) -> list[TimelineRow]:
    from alur.workflow.services import procedure

    spec = procedure(case)
    calendars = Calendars()
    rows = []
    tasks = case.tasks.select_related("office", "unit", "completed_by", "assignee").order_by(
        "created_at", "id"
    )
    for task in tasks:
        step = spec.step(task.step)
        actual = None
        if task.completed_at is not None:
            actual = working_minutes_between(
                calendars.of(task.office), task.created_at, task.completed_at
            )
        rows.append(
            TimelineRow(
                task=task,
                activity=step.activity,
                actor_label=spec.actors[step.actor].label,
                standard=step.minutes,
                actual=actual,
                sla=sla_of(task, step.minutes, calendars),
            )
        )
    return rows


def unread_count(user: User | AnonymousUser) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(
        user_id=user.pk, read_at__isnull=True, done_at__isnull=True
    ).count()


@dataclass(frozen=True)
class StartEntry:
    code: str
    name: str
    office: Office
    starts: list[Any]  # alur.workflow.starts.Start


def starts_for(user: User | AnonymousUser) -> list[StartEntry]:
    """The procedures the person may start in the office that runs each (its SOP's owner), with
    the pages where they start."""
    from alur.sop.selectors import sop_summaries
    from alur.workflow.starts import registered

    entries = []
    for summary in sop_summaries():
        if summary.office is None:
            continue
        first_staff = next(
            (
                actor.position
                for step in summary.sop.steps
                if (actor := summary.sop.actor(step.actor)).position
                and (actor.office or "same") == "same"
            ),
            None,
        )
        allowed = [
            start
            for start in registered(summary.revision.code)
            if start.allows(user, summary.office, first_staff)
        ]
        if allowed:
            entries.append(
                StartEntry(summary.revision.code, summary.sop.name, summary.office, allowed)
            )
    return entries


# --- the case page: what each open task waits for, and who may act on it -----------------


_VERB = re.compile(r"^me[a-z]{3,}$")


def done_phrase(activity: str) -> str:
    """An activity as something done: "Pemohon dan Saksi menandatangani Register" becomes
    "Pemohon dan Saksi telah menandatangani Register" (the first verb takes "telah")."""
    words = " ".join(activity.split()).rstrip(".").split(" ")
    for index, word in enumerate(words):
        if index and _VERB.match(word.lower()):
            return " ".join([*words[:index], "telah", *words[index:]])
    return f"{' '.join(words)} — sudah dilakukan"


@dataclass(frozen=True)
class OpenTask:
    """One open or waiting task on the case page, as the viewer sees it."""

    row: TimelineRow
    step: Any  # StepSpec
    may_act: bool  # the viewer may claim and complete it: forms and buttons are shown
    holders: list[User]  # who holds the post it waits for (its unit), when nobody took it yet
    why_not: str  # what stops the viewer, when they hold the post
    may_record: bool  # the viewer may record the outside party's step
    record_label: str  # "Catat: Pemohon dan Saksi telah menandatangani Register Akta Kelahiran"
    returned_for: str  # a return to the applicant: what they were asked for

    @property
    def task(self) -> Task:
        return self.row.task

    @property
    def waiting(self) -> bool:
        return self.row.task.status == TaskStatus.WAITING


def open_tasks(user: User | AnonymousUser, case: Case, rows: list[TimelineRow]) -> list[OpenTask]:
    """The case's open and waiting tasks: forms for those the viewer may act on; for the rest,
    what the task waits for and who holds it."""
    from alur.workflow import engine, routing
    from alur.workflow.outside import may_record_outside
    from alur.workflow.services import procedure, review_bar

    spec = procedure(case)
    staff = can(user, Capability.HANDLE_CASES, case.office)
    result = []
    for row in rows:
        task = row.task
        if task.status not in (TaskStatus.OPEN, TaskStatus.CLAIMED, TaskStatus.WAITING):
            continue
        step = spec.step(task.step)
        if task.status == TaskStatus.WAITING:
            returned = ""
            record = staff
            if task.resume_step is not None:
                # Files asked back by the requirements check come in through the counter's
                # resubmission or WhatsApp (intake); any other return is recorded here.
                record = staff and spec.step(task.resume_step).form != FILES_FORM
                returned = next(
                    (
                        r.task.reason
                        for r in reversed(rows)
                        if r.task.step == task.resume_step and r.task.return_to == "applicant"
                    ),
                    "",
                )
            label = (
                f"Catat: {row.actor_label.lower()} telah datang dan melengkapi kekurangan"
                if task.resume_step is not None
                else f"Catat: {done_phrase(step.activity)}"
            )
            result.append(OpenTask(row, step, False, [], "", record, label, returned))
            continue
        people = (
            []
            if task.assignee_id
            else routing.holders(task.office_id, task.position_kind, task.unit_id)
        )
        why = ""
        holds = user.is_authenticated and engine.holds(
            user, task.office_id, task.position_kind, task.unit_id
        )
        if holds and user.is_authenticated:
            if task.status == TaskStatus.CLAIMED and task.assignee_id != user.pk and task.assignee:
                why = f"Sedang dikerjakan oleh {task.assignee.get_full_name()}."
            else:
                why = review_bar(user, task, spec) or ""
        may_act = holds and not why
        record = staff and not may_act and may_record_outside(task, case.office_id, people)
        label = f"Catat: {done_phrase(step.activity)}" if record else ""
        result.append(OpenTask(row, step, may_act, people, why, record, label, ""))
    return result


WAITING_LIST = 20


def waiting_outside(user: User | AnonymousUser, limit: int = WAITING_LIST) -> list[Task]:
    """The latest steps waiting on outside parties (an applicant to sign, to come back) in the
    person's offices and units, so that the staff who meet them find the case: their ids through
    the `task_waiting` index, then (when there are any) the rows with their cases."""
    # They wait on residents: for the posts that see residents' data (org.access.DataClass).
    posts = personal_posts(user)
    offices = {post.office_id for post in posts}
    if not offices:
        return []
    units = {unit for post in posts for unit in post.units}
    latest = list(
        Task.objects.filter(status=TaskStatus.WAITING, office_id__in=offices)
        .filter(Q(unit__isnull=True) | Q(unit_id__in=units))
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)[:limit]
    )
    if not latest:  # the usual answer, without the joins
        return []
    return list(
        Task.objects.filter(pk__in=latest)
        .select_related("case", "case__sop", "office", "unit")
        .defer("case__sop__definition")
        .order_by("-created_at", "-pk")
    )


def applicant_notices(case: Case) -> list[ApplicantNotice]:
    """What the applicant was told when the case went back to them or was refused."""
    return list(ApplicantNotice.objects.filter(case=case).order_by("created_at", "pk"))


def outside_records(case: Case) -> dict[int, OutsideRecord]:
    """The outside steps staff recorded on the case, by task."""
    return {
        r.task_id: r for r in OutsideRecord.objects.filter(case=case).select_related("recorded_by")
    }


def outside_record_for(user: User | AnonymousUser, reference: str, pk: int) -> OutsideRecord:
    """A recorded outside step's file, for the case's office staff; 404 otherwise."""
    case = case_for(user, reference, personal=True)
    entry = OutsideRecord.objects.filter(case=case, pk=pk).exclude(file="").first()
    if entry is None:
        raise Http404("Berkas tidak ditemukan.")
    return entry


def open_task(case: Case, actor: User | AnonymousUser, key: str) -> Task | None:
    """The open task of `case` whose step names `key` (as its form or action) and that `actor`
    may act on: held by one of their posts and claimed by nobody else."""
    from alur.workflow.services import procedure

    spec = procedure(case)
    for task in case.tasks.filter(status__in=(TaskStatus.OPEN, TaskStatus.CLAIMED)):
        step = spec.step(task.step)
        if (
            key in (step.form, step.action)
            and holds(actor, task.office_id, task.position_kind)
            and (task.assignee_id is None or task.assignee_id == actor.pk)
        ):
            return task
    return None
