"""A report period's life shared by S0 and S4: opened with its case, locked and checked against its
status before every write, and closed with its recap stored (S0 the figures per kab/kota, S4 the
coverage per indicator)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from alur.audit.services import record
from alur.core.errors import ConflictError, DomainError
from alur.org.models import Office, User
from alur.reports.choices import PERIOD_ACTIONS, Frequency, PeriodStatus, ReportKind
from alur.reports.models import ReportDefinition, ReportPeriod
from alur.reports.selectors import coverage_compute, period_of, recap_compute
from alur.reports.services.definitions import definition_ensure
from alur.reports.timeliness import period_for
from alur.workflow.models import Case, Notification


def check_action(period: ReportPeriod, action: str) -> None:
    if period.status not in PERIOD_ACTIONS[action]:
        if period.status == PeriodStatus.CLOSED:
            raise DomainError(
                f"Periode {period.label} sudah ditutup; laporan tidak dapat diterima atau diubah "
                "lagi.",
                code="closed",
            )
        raise DomainError(f"Periode {period.label} tidak mengizinkan tindakan ini.")


def locked_period(period: ReportPeriod) -> ReportPeriod:
    return (
        ReportPeriod.objects.select_for_update(of=("self",))
        .select_related("definition", "definition__office", "case")
        .get(pk=period.pk)
    )


def _kind_of(sop_code: str) -> str:
    return ReportKind.COVERAGE if sop_code.upper().startswith("S4") else ReportKind.SERVICE


@transaction.atomic
def period_open(
    *,
    case: Case,
    actor: User | None,
    definition: ReportDefinition | None = None,
    starts_on: date | None = None,
) -> ReportPeriod:
    """The period the case reports on (idempotent): the one starting on `starts_on` (the start
    page and the schedule name it), else S0 the week ending on the last Thursday, S4 the
    previous month, both in the province's own dates."""
    existing = period_of(case)
    if existing is not None:
        return existing
    definition = definition or definition_ensure(
        office=case.office, sop_code=case.sop.code, kind=_kind_of(case.sop.code)
    )
    if definition.office_id != case.office_id:
        raise DomainError("Definisi laporan ini milik kantor lain.")
    day = timezone.localtime(case.started_at, case.office.zone).date()
    wanted = starts_on
    starts_on, ends_on = period_for(
        definition.frequency,
        starts_on + timedelta(days=6 if definition.frequency == Frequency.WEEKLY else 40)
        if starts_on is not None
        else day,
        distribute_weekday=definition.distribute_weekday,
    )
    if wanted is not None and starts_on != wanted:
        raise DomainError(
            f"Tanggal {wanted:%d-%m-%Y} bukan awal periode {definition.get_frequency_display()} "
            "menurut definisi laporan.",
            code="period",
        )
    taken = ReportPeriod.objects.filter(definition=definition, starts_on=starts_on).first()
    if taken is not None:
        if taken.case_id is not None and taken.case_id != case.pk and taken.case is not None:
            raise ConflictError(
                f"Periode {taken.label} sudah dijalankan pada perkara {taken.case.reference}."
            )
        taken.case = case
        taken.save(update_fields=["case"])
        return taken
    period = ReportPeriod.objects.create(
        definition=definition, case=case, starts_on=starts_on, ends_on=ends_on
    )
    record(
        actor=actor,
        office=case.office,
        action="report.period.open",
        obj=period,
        after={"definition": definition.code, "period": period.label, "case": case.reference},
    )
    return period


def period_ensure(*, case: Case, actor: User | None) -> ReportPeriod:
    return period_of(case) or period_open(case=case, actor=actor)


def notify(user: User, office: Office, kind: str, message: str, now: datetime) -> bool:
    if Notification.objects.filter(user=user, office=office, kind=kind, message=message).exists():
        return False
    Notification.objects.create(
        user=user, office=office, kind=kind, message=message, created_at=now
    )
    return True


@transaction.atomic
def period_aggregate(*, period: ReportPeriod, actor: User | None) -> ReportPeriod:
    """Close the period (if still open) and store its recap: S0 the figures per kab/kota and
    totals with the change from last period, S4 the coverage per indicator."""
    period = locked_period(period)
    check_action(period, "aggregate")
    now = timezone.now()
    if period.status == PeriodStatus.OPEN:
        period.status, period.closed_at = PeriodStatus.CLOSED, now
    if period.definition.kind == ReportKind.COVERAGE:
        period.recap = coverage_compute(period)
    else:
        period.recap = recap_compute(period)
    period.recap_built_at = now
    period.save(update_fields=["status", "closed_at", "recap", "recap_built_at"])
    record(
        actor=actor,
        office=period.definition.office,
        action="report.aggregate",
        obj=period,
        after={"period": period.label, "rates": period.recap.get("rates", {})},
    )
    return period
