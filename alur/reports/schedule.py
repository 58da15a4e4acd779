"""Opening report periods: by hand from "Mulai prosedur", and by the province's own clock.

A period is one case of its SOP (S0 a week, S4 a month), and one period opens once: the period's
unique (definition, start) and its one-to-one case make a second opening fail, whoever tries.

- By hand (`period_start`): the person who holds the SOP's first step (S0: the Kasi, who sets
  the week's format; S4: the Kabid, who gives the direction) picks the period, and the first step
  is done with what they entered.
- By the clock (`due_periods_open`, every minute from the worker): when the definition's
  opening moment has passed (S0: the distribution weekday and hour; S4: a day of the month) and
  its period is not open yet, the case starts without a person; S0's form goes to every kab/kota
  at once. A moment missed while the worker was down is caught up at its next run: the latest
  due period opens then (older ones are left to a person, who can start them by hand).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from alur.audit.services import record
from alur.core.errors import ConflictError, DomainError
from alur.org.models import Office, User
from alur.org.regions import zone_label
from alur.reports.choices import Frequency, PeriodStatus, ReportKind
from alur.reports.models import ReportDefinition, ReportPeriod
from alur.reports.services.definitions import definition_ensure, definition_update
from alur.reports.services.periods import period_open
from alur.reports.services.weekly import period_distribute
from alur.reports.timeliness import (
    MONTHS,
    WEEKDAYS,
    due_period,
    next_period,
    opening_moment,
    period_label,
    previous_period,
)
from alur.workflow import engine
from alur.workflow import services as engine_services
from alur.workflow.choices import ACTIVE_TASK, Outcome
from alur.workflow.models import Task

log = logging.getLogger(__name__)

# Which periods a person may open by hand, relative to the latest due one (0): a week ahead to
# prepare it, and the recent ones the clock did not open (the worker was down, or it is off).
OFFSETS = {Frequency.WEEKLY: (1, 0, -1, -2, -3), Frequency.MONTHLY: (0, -1, -2)}
KIND_OF_SOP = {"S0": ReportKind.SERVICE, "S4": ReportKind.COVERAGE}


@dataclass(frozen=True)
class PeriodChoice:
    offset: int
    starts_on: date
    ends_on: date
    label: str
    opens_at: datetime  # when the clock opens it (province time)
    taken: ReportPeriod | None


def _due(definition: ReportDefinition, now: datetime) -> tuple[date, date, datetime]:
    return due_period(
        definition.frequency,
        now,
        distribute_weekday=definition.distribute_weekday,
        distribute_day=definition.distribute_day,
        distribute_time=definition.distribute_time,
        zone=definition.office.timezone,
    )


def _shift(
    definition: ReportDefinition, starts: date, ends: date, offset: int
) -> tuple[date, date]:
    for _ in range(abs(offset)):
        move = next_period if offset > 0 else previous_period
        starts, ends = move(definition.frequency, starts, ends)
    return starts, ends


def opens_at(definition: ReportDefinition, starts_on: date, ends_on: date) -> datetime:
    return opening_moment(
        definition.frequency,
        starts_on,
        ends_on,
        distribute_day=definition.distribute_day,
        distribute_time=definition.distribute_time,
        zone=definition.office.timezone,
    )


def moment_text(moment: datetime, zone: str) -> str:
    local = timezone.localtime(moment, moment.tzinfo)
    return (
        f"{WEEKDAYS[local.weekday()]}, {local.day} "
        f"{MONTHS[local.month - 1]} {local.year} pukul {local:%H.%M} {zone_label(zone)}"
    )


def period_choices(definition: ReportDefinition, now: datetime | None = None) -> list[PeriodChoice]:
    """The periods around now, newest first, each with its opening moment and its period when
    it is already open (or closed)."""
    now = now or timezone.now()
    due_starts, due_ends, _at = _due(definition, now)
    choices = []
    for offset in OFFSETS[Frequency(definition.frequency)]:
        starts, ends = _shift(definition, due_starts, due_ends, offset)
        taken = (
            ReportPeriod.objects.filter(definition=definition, starts_on=starts)
            .select_related("case")
            .first()
        )
        label = period_label(definition.frequency, starts, ends)
        choices.append(
            PeriodChoice(offset, starts, ends, label, opens_at(definition, starts, ends), taken)
        )
    return choices


def next_opening(definition: ReportDefinition, now: datetime | None = None) -> datetime:
    """When the clock opens the next period of the definition."""
    now = now or timezone.now()
    starts, ends, _at = _due(definition, now)
    starts, ends = next_period(definition.frequency, starts, ends)
    return opens_at(definition, starts, ends)


def next_opening_text(definition: ReportDefinition, now: datetime | None = None) -> str:
    if not definition.auto_start:
        return "Periode tidak dibuka otomatis; buka dari Mulai prosedur."
    moment = next_opening(definition, now)
    return f"Periode berikutnya dibuka otomatis {moment_text(moment, definition.office.timezone)}."


def choice_text(choice: PeriodChoice) -> str:
    if choice.offset > 0:
        return f"{choice.label} (dibuka lebih awal)"
    if choice.offset == 0:
        return f"{choice.label} (periode berjalan)"
    return f"{choice.label} (terlewat)"


def _subject(definition: ReportDefinition, starts: date, ends: date) -> str:
    return f"{definition.title} periode {period_label(definition.frequency, starts, ends)}"[:300]


def _first_task(case: Any) -> Task | None:
    return (
        Task.objects.filter(case=case, status__in=ACTIVE_TASK)
        .select_related("case")
        .order_by("pk")
        .first()
    )


def definition_for(office: Office, sop_code: str) -> ReportDefinition:
    kind = KIND_OF_SOP.get(sop_code)
    if kind is None:
        raise DomainError(f"SOP {sop_code} bukan laporan berkala.")
    return definition_ensure(office=office, sop_code=sop_code, kind=kind)


@transaction.atomic
def period_start(
    *,
    definition: ReportDefinition,
    actor: User,
    offset: int,
    note: str = "",
    fields: list[dict[str, str]] | None = None,
    distribute_weekday: int | None = None,
    distribute_time: time | None = None,
    deadline_weekday: int | None = None,
    deadline_time: time | None = None,
) -> ReportPeriod:
    """Open one period by hand and do the SOP's first step as `actor`: S0's Kasi sets the week's
    format (service types, distribution day and hour, deadline: the definition, changed here
    when it differs), S4's Kabid gives the direction (`note`). `offset` names the period
    relative to the latest due one (0), as the start page offers it."""
    definition = (
        ReportDefinition.objects.select_for_update().select_related("office").get(pk=definition.pk)
    )
    if not definition.is_active:
        raise DomainError("Definisi laporan ini tidak aktif.")
    if offset not in OFFSETS[Frequency(definition.frequency)]:
        raise DomainError("Pilih periode dari daftar.", code="period")
    weekly = definition.kind == ReportKind.SERVICE
    changes = {
        "fields": fields,
        "distribute_weekday": distribute_weekday,
        "distribute_time": distribute_time,
        "deadline_weekday": deadline_weekday,
        "deadline_time": deadline_time,
    }
    if weekly and any(
        value is not None and value != getattr(definition, name) for name, value in changes.items()
    ):
        definition = definition_update(
            definition=definition,
            actor=actor,
            title=definition.title,
            fields=fields if fields is not None else definition.fields,
            deadline_weekday=definition.deadline_weekday
            if deadline_weekday is None
            else deadline_weekday,
            deadline_time=deadline_time or definition.deadline_time,
            deadline_day=definition.deadline_day,
            remind_hours=definition.remind_hours,
            recipients=definition.recipients,
            jump_threshold=definition.jump_threshold,
            distribute_weekday=distribute_weekday,
            distribute_time=distribute_time,
            reason="format laporan ditetapkan saat membuka periode",
        )
    starts, ends, _at = _due(definition, timezone.now())
    starts, ends = _shift(definition, starts, ends, offset)
    taken = ReportPeriod.objects.filter(definition=definition, starts_on=starts).first()
    if taken is not None:
        where = f" pada perkara {taken.case.reference}" if taken.case_id and taken.case else ""
        raise ConflictError(f"Periode {taken.label} sudah dibuka{where}.")
    case = engine_services.case_start(
        code=definition.sop_code,
        office=definition.office,
        subject=_subject(definition, starts, ends),
        actor=actor,
    )
    period = period_open(case=case, actor=actor, definition=definition, starts_on=starts)
    first = _first_task(case)
    if first is not None and engine.holds(actor, first.office_id, first.position_kind):
        engine_services.task_complete(
            task=first,
            actor=actor,
            outcome=Outcome.DONE,
            reason=note.strip()
            or ("Format laporan periode ini ditetapkan." if weekly else "Arahan diberikan."),
        )
    record(
        actor=actor,
        office=definition.office,
        action="report.period.start",
        obj=period,
        after={"period": period.label, "case": case.reference, "by": "tangan"},
    )
    return period


@transaction.atomic
def scheduled_open(*, definition: ReportDefinition, now: datetime | None = None) -> ReportPeriod:
    """The clock's run for one definition: open the latest due period when it is not open yet
    (a case started by no person), and for S0 send its form to every kab/kota when that has not
    happened (the SOP's Thursday distribution). Idempotent."""
    now = now or timezone.now()
    definition = (
        ReportDefinition.objects.select_for_update().select_related("office").get(pk=definition.pk)
    )
    starts, ends, due_at = _due(definition, now)
    period = (
        ReportPeriod.objects.filter(definition=definition, starts_on=starts)
        .select_related("definition", "definition__office", "case")
        .first()
    )
    if period is None:
        zone = definition.office.timezone
        case = engine_services.case_start(
            code=definition.sop_code,
            office=definition.office,
            subject=_subject(definition, starts, ends),
            actor=None,
            reason=f"Dibuka otomatis sesuai jadwal ({moment_text(due_at, zone)}).",
        )
        period = period_open(case=case, actor=None, definition=definition, starts_on=starts)
        late = int((now - due_at).total_seconds() // 60)
        record(
            actor=None,
            office=definition.office,
            action="report.period.schedule",
            obj=period,
            after={
                "period": period.label,
                "case": case.reference,
                "due": due_at.isoformat(),
                "late_minutes": late,
            },
        )
    if (
        definition.kind == ReportKind.SERVICE
        and period.status == PeriodStatus.OPEN
        and period.distributed_at is None
    ):
        period_distribute(period=period, actor=None)
        period.refresh_from_db()
    return period


def due_periods_open(now: datetime | None = None) -> list[ReportPeriod]:
    """Every active definition that opens by itself, once: each in its own transaction, so one
    office's failure (its SOP not loaded) does not hold the others back."""
    opened = []
    for definition in ReportDefinition.objects.filter(is_active=True, auto_start=True).order_by(
        "pk"
    ):
        try:
            opened.append(scheduled_open(definition=definition, now=now))
        except IntegrityError:
            log.info("periode %s sudah dibuka oleh proses lain", definition.code)
        except DomainError as error:
            log.warning("periode %s tidak dapat dibuka: %s", definition.code, error)
    return opened
