"""Reads of the reports app, scoped by org.access: periods in reach, a period's status per
kab/kota, and the SOP dashboards (backlog, throughput, SLA, time per step against mutu baku).
Below them, what the services and pages read about one period already in reach: its reporters
and their deadlines, the step in which each kab/kota sends, the S0 recap and the S4 coverage
computed from the database."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from statistics import median
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from alur.core.errors import DomainError
from alur.org.access import KIND_CAPABILITIES, Capability, can, office_ids_for
from alur.org.choices import OfficeLevel
from alur.org.models import Appointment, Office, User
from alur.org.regions import zone_label
from alur.registry import rollup
from alur.reports import catalogue, coverage, recap
from alur.reports.choices import JobStatus, PeriodStatus, ReportKind, SubmissionStatus, Timeliness
from alur.reports.counts import own_counts
from alur.reports.models import (
    CoverageImport,
    CoverageRow,
    CoverageTarget,
    ReportDefinition,
    ReportPeriod,
    Submission,
)
from alur.reports.timeliness import MONTHS, WEEKDAYS, deadline_day, local_deadline, rates
from alur.sop.models import SopRevision
from alur.workflow import services as engine_services
from alur.workflow.choices import ACTIVE_TASK, CaseStatus, TaskStatus
from alur.workflow.models import Case, Task
from alur.workflow.selectors import Calendars
from alur.workflow.sop_spec import spec_for
from alur.workflow.spec import OfficeRelation
from alur.worktime.calendar import working_minutes_between

READ = Capability.VIEW_REPORTS
SEND_KEY = "reports.send"  # S0's delivery steps: the signed report to the configured recipients
TASK_SAMPLE = 5000


def periods_for(user: User | AnonymousUser) -> QuerySet[ReportPeriod]:
    """Periods of definitions whose province, or one of whose reporters, the person reaches."""
    ids = office_ids_for(user, READ) | office_ids_for(user, Capability.SUBMIT_REPORTS)
    parents = Office.objects.filter(pk__in=ids).values("parent_id")
    return (
        ReportPeriod.objects.filter(
            Q(definition__office_id__in=ids) | Q(definition__office_id__in=parents)
        )
        .select_related("definition", "definition__office", "case")
        .order_by("-starts_on", "definition__code")
    )


def period_for(user: User | AnonymousUser, pk: int) -> ReportPeriod:
    period = periods_for(user).filter(pk=pk).first()
    if period is None:
        raise Http404("Periode laporan tidak ditemukan.")
    return period


def definitions_for(user: User | AnonymousUser) -> QuerySet[ReportDefinition]:
    return ReportDefinition.objects.filter(
        office_id__in=office_ids_for(user, Capability.HANDLE_CASES)
    ).select_related("office")


def may_see_all(user: User | AnonymousUser, period: ReportPeriod) -> bool:
    return can(user, READ, period.definition.office)


@dataclass(frozen=True)
class ReporterRow:
    office: Office
    deadline: str
    status: str
    status_label: str
    submission: Submission | None
    submitted_local: str
    mine: bool


def reporter_rows(user: User | AnonymousUser, period: ReportPeriod) -> list[ReporterRow]:
    """One row per expected kab/kota: on time, late, missing (after closing) or not yet in.
    A kab/kota's staff see their own row only."""
    offices = reporters(period)
    if not may_see_all(user, period):
        mine = office_ids_for(user, Capability.SUBMIT_REPORTS)
        offices = [o for o in offices if o.pk in mine]
    by_office = {s.office_id: s for s in period.submissions.filter(office__in=offices)}
    labels = dict(Timeliness.choices)
    own = office_ids_for(user, Capability.SUBMIT_REPORTS)
    rows = []
    for office in offices:
        submission = by_office.get(office.pk)
        if submission is not None and submission.status == SubmissionStatus.SUBMITTED:
            status = submission.timeliness
            local = timezone.localtime(submission.submitted_at, office.zone)
            sent = f"{local:%d-%m-%Y %H.%M} {zone_label(office.timezone)}"
        else:
            status = (
                Timeliness.MISSING if period.status == PeriodStatus.CLOSED else Timeliness.PENDING
            )
            sent = ""
        rows.append(
            ReporterRow(
                office=office,
                deadline=deadline_text(period, office),
                status=status,
                status_label=labels[status],
                submission=submission,
                submitted_local=sent,
                mine=office.pk in own,
            )
        )
    return rows


def period_rates(rows: list[ReporterRow]) -> Any:
    return rates(len(rows), [r.status for r in rows])


def latest_import(period: ReportPeriod) -> CoverageImport | None:
    return period.imports.select_related("created_by").order_by("-created_at").first()


# --- dashboards -----------------------------------------------------------------------------


def reachable_offices(user: User | AnonymousUser) -> list[Office]:
    return list(Office.objects.filter(pk__in=office_ids_for(user, READ)).order_by("code"))


def default_office(user: User | AnonymousUser) -> Office | None:
    offices = reachable_offices(user)
    upper = [o for o in offices if o.level != OfficeLevel.REGENCY]
    return next(iter(upper or offices), None)


def registry_coverage(office: Office) -> dict[str, Any]:
    """Coverage per kab/kota counted from the registry's rollup: the kab/kota of `office` (a
    province) or `office` itself, against the province's coverage targets of this year (the
    catalogue's when it has no coverage definition)."""
    if office.level == OfficeLevel.REGENCY:
        kabkota, province = [office], office.parent or office
    else:
        kabkota = list(
            Office.objects.filter(parent=office, level=OfficeLevel.REGENCY, is_active=True)
        )
        province = office
    day = rollup.as_of()
    definition = (
        ReportDefinition.objects.filter(office=province, kind=ReportKind.COVERAGE)
        .order_by("pk")
        .first()
    )
    keys = set(coverage.RESIDENT_INDICATORS)
    fields = definition.fields if definition is not None else catalogue.INDICATORS
    targets = (
        _targets(definition, day.year) if definition is not None else catalogue.DEFAULT_TARGETS
    )
    kabkota.sort(key=lambda o: o.code)
    return coverage.report(
        period_label=f"per {day:%d-%m-%Y}",
        province=(office.code, office.short_name or office.name),
        indicators=[f for f in fields if f["key"] in keys],
        targets={k: v for k, v in targets.items() if k in keys},
        offices=[(o.code, o.short_name or o.name) for o in kabkota],
        rows=coverage.coverage_rows(kabkota),
    )


def _percentile(values: list[int], share: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    return float(ordered[max(math.ceil(share * len(ordered)) - 1, 0)])


@dataclass
class StepFigures:
    sop: str
    step: int
    activity: str
    standard: int | None
    done: int = 0
    on_time: int = 0
    with_due: int = 0
    open: int = 0
    minutes: list[int] | None = None

    @property
    def median(self) -> float | None:
        return float(median(self.minutes)) if self.minutes else None

    @property
    def p90(self) -> float | None:
        return _percentile(self.minutes or [], 0.9)

    @property
    def sla(self) -> float | None:
        return round(100 * self.on_time / self.with_due, 1) if self.with_due else None


def dashboard(
    user: User | AnonymousUser, office: Office, *, days: int = 30, now: datetime | None = None
) -> dict[str, Any]:
    """Backlog, throughput and SLA compliance per SOP and per step, median and p90 working
    minutes per step against its mutu baku, for the office (a province: with its kab/kota)."""
    if not can(user, READ, office):
        raise Http404("Kantor tidak ditemukan.")
    now = now or timezone.now()
    since = now - timedelta(days=days)
    scope = [office.pk]
    if office.level != OfficeLevel.REGENCY:
        scope += [
            o.pk for o in Office.objects.filter(parent=office, is_active=True) if can(user, READ, o)
        ]
    offices = {o.pk: o for o in Office.objects.filter(pk__in=scope)}
    cases = Case.objects.filter(office_id__in=scope)
    backlog = dict(
        cases.filter(status__in=[CaseStatus.OPEN, CaseStatus.WAITING])
        .values_list("sop__code")
        .annotate(n=Count("id"))
    )
    throughput = dict(
        cases.filter(status=CaseStatus.DONE, finished_at__gte=since)
        .values_list("sop__code")
        .annotate(n=Count("id"))
    )
    tasks = list(
        Task.objects.filter(office_id__in=scope)
        .filter(Q(status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED]) | Q(completed_at__gte=since))
        .exclude(status=TaskStatus.CANCELLED)
        .exclude(status=TaskStatus.WAITING)
        .values_list(
            "case__sop_id", "step", "office_id", "status", "created_at", "completed_at", "due_at"
        )
        .order_by("-created_at")[:TASK_SAMPLE]
    )
    revisions = {r.pk: r for r in SopRevision.objects.filter(pk__in={t[0] for t in tasks})}
    calendars = Calendars()
    steps: dict[tuple[str, int], StepFigures] = {}
    per_sop: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # on time, with due
    per_office: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])  # open, on time, with due
    for sop_id, number, office_id, status, created, completed, due in tasks:
        revision = revisions[sop_id]
        spec = spec_for(revision)
        if number not in spec.numbers:
            continue
        step = spec.step(number)
        figures = steps.setdefault(
            (revision.code, number),
            StepFigures(revision.code, number, step.activity, step.minutes, minutes=[]),
        )
        if status in (TaskStatus.OPEN, TaskStatus.CLAIMED):
            figures.open += 1
            per_office[office_id][0] += 1
            continue
        if completed is None:  # a task leaves the open states with its completion time
            continue
        figures.done += 1
        assert figures.minutes is not None  # noqa: S101
        figures.minutes.append(
            working_minutes_between(calendars.of(offices[office_id]), created, completed)
        )
        if due is not None:
            late = completed > due
            figures.with_due += 1
            figures.on_time += 0 if late else 1
            per_sop[revision.code][1] += 1
            per_sop[revision.code][0] += 0 if late else 1
            per_office[office_id][2] += 1
            per_office[office_id][1] += 0 if late else 1
    sops = sorted(set(backlog) | set(throughput) | set(per_sop))
    case_counts = dict(
        cases.filter(status__in=[CaseStatus.OPEN, CaseStatus.WAITING])
        .values_list("office_id")
        .annotate(n=Count("id"))
    )
    return {
        "office": office,
        "days": days,
        "sops": [
            {
                "code": code,
                "backlog": backlog.get(code, 0),
                "throughput": throughput.get(code, 0),
                "sla": round(100 * per_sop[code][0] / per_sop[code][1], 1)
                if per_sop[code][1]
                else None,
            }
            for code in sops
        ],
        "steps": sorted(steps.values(), key=lambda s: (s.sop, s.step)),
        "offices": [
            {
                "office": offices[pk],
                "open_cases": case_counts.get(pk, 0),
                "open_tasks": per_office[pk][0],
                "sla": round(100 * per_office[pk][1] / per_office[pk][2], 1)
                if per_office[pk][2]
                else None,
            }
            for pk in sorted(offices, key=lambda k: offices[k].code)
        ],
        "reporting": _reporting(user, office),
    }


def _reporting(user: User | AnonymousUser, office: Office) -> list[dict[str, Any]]:
    """The latest period of each definition the office takes part in: who is late or missing."""
    province = office if office.level != OfficeLevel.REGENCY else office.parent
    if province is None:
        return []
    found = []
    for definition in ReportDefinition.objects.filter(office=province, is_active=True):
        period = definition.periods.order_by("-starts_on").first()
        if period is None:
            continue
        rows = reporter_rows(user, period)
        if office.level == OfficeLevel.REGENCY:
            rows = [r for r in rows if r.office.pk == office.pk]
        found.append(
            {
                "period": period,
                "rows": rows,
                "rates": period_rates(rows),
                "late": [r for r in rows if r.status == Timeliness.LATE],
                "missing": [r for r in rows if r.status == Timeliness.MISSING],
            }
        )
    return found


# --- one period: reporters and deadlines, the sending step, the recap and the coverage ---------


def delivery_steps(sop_code: str) -> list[int]:
    """The steps of the SOP's current revision that send the signed report (`reports.send`)."""
    try:
        revision = engine_services.current_revision(sop_code)
    except DomainError:
        return []
    return [s.number for s in engine_services.procedure(revision).steps if s.action == SEND_KEY]


def period_of(case: Case) -> ReportPeriod | None:
    return (
        ReportPeriod.objects.select_related("definition", "definition__office")
        .filter(case=case)
        .first()
    )


def reporters(period: ReportPeriod) -> list[Office]:
    """The kab/kota expected to report: the active child offices of the province."""
    return list(
        Office.objects.filter(parent=period.definition.office, is_active=True).order_by("code")
    )


def deadline_for(period: ReportPeriod, office: Office) -> datetime:
    definition = period.definition
    day = deadline_day(
        definition.frequency,
        period.ends_on,
        weekday=definition.deadline_weekday,
        day_of_month=definition.deadline_day,
    )
    return local_deadline(day, definition.deadline_time, office.timezone)


def deadline_text(period: ReportPeriod, office: Office) -> str:
    moment = deadline_for(period, office)
    return (
        f"{WEEKDAYS[moment.weekday()]}, {moment.day} {MONTHS[moment.month - 1]} {moment.year} "
        f"pukul {moment:%H.%M} {zone_label(office.timezone)}"
    )


def submitters(offices: list[Office]) -> list[Appointment]:
    """Active appointments in `offices` whose post may send reports (one per person and office)."""
    kinds = [k for k, caps in KIND_CAPABILITIES.items() if Capability.SUBMIT_REPORTS in caps]
    seen: set[tuple[int, int]] = set()
    found = []
    for appointment in (
        Appointment.objects.active_on(timezone.localdate())
        .filter(position__office__in=offices, position__kind__in=kinds, position__is_active=True)
        .select_related("user", "position", "position__office")
        .order_by("position__office__code", "user__username")
    ):
        key = (appointment.position.office_id, appointment.user_id)
        if key not in seen:
            seen.add(key)
            found.append(appointment)
    return found


def prefill(period: ReportPeriod, office: Office) -> dict[str, int]:
    return own_counts(office, period.starts_on, period.ends_on, period.definition.field_keys)


def submit_step(period: ReportPeriod) -> tuple[int, str] | None:
    """The number and position kind of the case's step in which each kab/kota sends."""
    if period.case_id is None:
        return None
    case = Case.objects.select_related("sop").defer("sop__definition").get(pk=period.case_id)
    spec = engine_services.procedure(case)
    for step in spec.steps:
        actor = spec.actors[step.actor]
        if step.form == "reports.submit" and actor.office == OfficeRelation.CHILDREN:
            return step.number, actor.position_kind or ""
    return None


def submit_position(period: ReportPeriod) -> str:
    found = submit_step(period)
    return found[1] if found else "kadis"


def open_submit_task(period: ReportPeriod, office: Office) -> Task | None:
    found = submit_step(period)
    if found is None or period.case_id is None:
        return None
    return (
        Task.objects.filter(
            case_id=period.case_id, step=found[0], office=office, status__in=ACTIVE_TASK
        )
        .select_related("case")
        .order_by("pk")
        .first()
    )


def previous_period(period: ReportPeriod) -> ReportPeriod | None:
    return (
        ReportPeriod.objects.filter(definition=period.definition, ends_on__lt=period.starts_on)
        .order_by("-ends_on")
        .first()
    )


def recap_compute(period: ReportPeriod) -> dict[str, Any]:
    """The recap of a weekly period from the database: three queries."""
    definition = period.definition
    offices = reporters(period)
    sent = {
        s.office.code: recap.Sent(s.values, s.submitted_at, s.timeliness)
        for s in period.submissions.filter(status=SubmissionStatus.SUBMITTED).select_related(
            "office"
        )
        if s.submitted_at  # a sent report always has its time (the table's constraint)
    }
    before = previous_period(period)
    previous: dict[str, dict[str, int]] = {}
    if before is not None:
        previous = {
            code: values
            for code, values in before.submissions.filter(
                status=SubmissionStatus.SUBMITTED
            ).values_list("office__code", "values")
        }
    return recap.build(
        period_label=period.label,
        fields=definition.fields,
        reporters=[
            recap.Reporter(o.code, o.short_name or o.name, o.timezone, deadline_for(period, o))
            for o in offices
        ],
        sent=sent,
        previous=previous,
        closed=period.status == PeriodStatus.CLOSED,
    )


def _targets(definition: ReportDefinition, year: int) -> dict[str, Decimal]:
    found = {
        t.indicator: t.target
        for t in CoverageTarget.objects.filter(definition=definition, year=year)
    }
    return {
        k: found.get(k, catalogue.DEFAULT_TARGETS.get(k, Decimal(100)))
        for k in definition.field_keys
    }


def coverage_compute(period: ReportPeriod) -> dict[str, Any]:
    definition = period.definition
    province = definition.office
    offices = reporters(period)
    rows = period.rows.values_list("office__code", "indicator", "numerator", "denominator")
    result = coverage.report(
        period_label=period.label,
        province=(province.code, province.short_name or province.name),
        indicators=definition.fields,
        targets=_targets(definition, period.starts_on.year),
        offices=[(o.code, o.short_name or o.name) for o in offices],
        rows=list(rows),
    )
    result["checks"] = coverage_checks(period)
    result["trend"] = coverage_trend(period)
    return result


def _month_rows(period: ReportPeriod | None) -> dict[tuple[str, str], tuple[int, int]]:
    if period is None:
        return {}
    return {
        (code, indicator): (n, d)
        for code, indicator, n, d in period.rows.values_list(
            "office__code", "indicator", "numerator", "denominator"
        )
    }


def coverage_checks(period: ReportPeriod) -> dict[str, Any]:
    """What the import accepted but a reviewer should see: kab/kota without data, and jumps
    from last month beyond the definition's threshold."""
    current = _month_rows(period)
    previous = _month_rows(previous_period(period))
    codes = {code for code, _i in current}
    missing = [o.code for o in reporters(period) if o.code not in codes]
    jumped = coverage.jumps(current, previous, float(period.definition.jump_threshold))
    return {
        "missing": missing,
        "jumps": [
            {"code": c, "indicator": i, "before": b, "now": n, "delta": round(n - b, 2)}
            for c, i, b, n in jumped
        ],
    }


def coverage_trend(period: ReportPeriod, months: int = 12) -> list[dict[str, Any]]:
    """The province's coverage per indicator for the last `months` periods up to `period`."""
    from django.db.models import Sum

    periods = list(
        ReportPeriod.objects.filter(
            definition=period.definition, starts_on__lte=period.starts_on
        ).order_by("-starts_on")[:months]
    )
    sums = (
        CoverageRow.objects.filter(period__in=periods)
        .values("period_id", "indicator")
        .annotate(n=Sum("numerator"), d=Sum("denominator"))
    )
    by_period: dict[int, dict[str, float | None]] = {}
    for row in sums:
        by_period.setdefault(row["period_id"], {})[row["indicator"]] = coverage.percent(
            row["n"], row["d"]
        )
    return [
        {"label": p.label, "month": f"{p.starts_on:%m/%y}", "values": by_period.get(p.pk, {})}
        for p in reversed(periods)
        if p.pk in by_period
    ]


def coverage_ready(period: ReportPeriod) -> CoverageImport:
    job = period.imports.filter(status=JobStatus.DONE).order_by("-created_at").first()
    if job is None:
        raise DomainError(
            "Data cakupan kabupaten/kota bulan ini belum diimpor tanpa kesalahan. Unggah berkas "
            "PIAK (Excel/CSV) pada langkah ini.",
            code="no_data",
        )
    return job


def step_recipients(definition: ReportDefinition, step: int) -> list[list[Any]]:
    return [list(r) for r in definition.recipients if len(r) > 3 and r[3] == step]


def province_number(office: Office) -> str | None:
    from alur.whatsapp_cloud.selectors import NOT_COMPLAINTS, office_number

    number = office_number(office, NOT_COMPLAINTS)
    return number.phone_number_id if number else None
