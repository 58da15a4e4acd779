"""Demo data of the reports app: the Babel weekly definition (S0) with its recipients (the
Kadis and the PJ Korwil, by the WhatsApp numbers their demo accounts have), and the Sumatera
Barat coverage definition (S4) with three past months of PIAK data for the charts.

With `open_periods` (what `make run` asks for), also a week and a month in progress, opened as
their people would: an S0 week past its deadline with kab/kota on time, late and missing (the
province can close it and go on to the recap), and an S4 month at its import step. Idempotent:
nothing is opened while the definition has an open period.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from alur.org.models import Office, User
from alur.org.selectors import holders_of
from alur.reports import schedule
from alur.reports.choices import JobStatus, PeriodStatus, ReportKind
from alur.reports.models import CoverageImport, CoverageRow, ReportDefinition, ReportPeriod
from alur.reports.selectors import deadline_for, prefill, reporters
from alur.reports.services.definitions import clean_recipients, definition_ensure
from alur.reports.services.weekly import submission_send
from alur.workflow.choices import ACTIVE_TASK, Outcome
from alur.workflow.models import Case, Task
from alur.workflow.services import task_complete

# The address an earlier demo gave Ditjen's "Grup Nusantara": it exists nowhere, so a demo
# definition that still has it gets the personas' numbers instead.
INVENTED_MAIL = "laporan.nusantara@dukcapil.kemendagri.go.id"
HISTORY_MONTHS = 3
ON_TIME, LATE = 3, 2  # of Babel's seven kab/kota; the rest do not report


def demo_recipients() -> list[list[object]]:
    """S0's delivery steps: step 12 the Kadis, step 13 the PJ Korwil of Ditjen Dukcapil."""
    found: list[list[object]] = []
    kadis = User.objects.filter(username="babel.kadis").first()
    korwil = User.objects.filter(username="ditjen.korwil").first()
    if kadis is not None and kadis.phone:
        found.append([f"{kadis.get_full_name()} (Kepala Dinas)", "whatsapp", kadis.phone, 12])
    if korwil is not None and korwil.phone:
        found.append(
            [f"{korwil.get_full_name()} (PJ Korwil Ditjen Dukcapil)", "whatsapp", korwil.phone, 13]
        )
    return found


def _month_back(day: date, months: int) -> date:
    first = day.replace(day=1)
    for _ in range(months):
        first = (first - timedelta(days=1)).replace(day=1)
    return first


def demo_figures(code: str, indicator: str, month_index: int) -> tuple[int, int]:
    """Deterministic numerators and denominators that drift upward month by month."""
    seed = sum(ord(c) for c in code + indicator)
    denominator = 20_000 + (seed * 137) % 180_000
    base = {"akta_lahir_0_18": 88, "rekam_ktp_el": 94, "kia": 38, "akta_kematian": 30}[indicator]
    share = min(base + (seed % 9) + month_index * 0.4, 99.5)
    return round(denominator * share / 100), denominator


@transaction.atomic
def load_demo_reports(*, open_periods: bool = False) -> int:
    babel = Office.objects.get(code="19")
    weekly = definition_ensure(office=babel, sop_code="S0", kind=ReportKind.SERVICE)
    stale = any(INVENTED_MAIL in [str(v) for v in r] for r in weekly.recipients)
    if not weekly.recipients or stale:
        recipients = clean_recipients("S0", demo_recipients())
        ReportDefinition.objects.filter(pk=weekly.pk).update(recipients=recipients)
    sumbar = Office.objects.get(code="13")
    monthly = definition_ensure(office=sumbar, sop_code="S4", kind=ReportKind.COVERAGE)
    staff = User.objects.filter(username="sumbar.staf").first()
    if staff is None:
        return 0
    children = list(Office.objects.filter(parent=sumbar, is_active=True).order_by("code"))
    today = timezone.localdate()
    created = 0
    for back in range(HISTORY_MONTHS + 1, 1, -1):
        starts = _month_back(today, back)
        ends = _month_back(today, back - 1) - timedelta(days=1)
        if ReportPeriod.objects.filter(definition=monthly, starts_on=starts).exists():
            continue
        period = ReportPeriod.objects.create(
            definition=monthly,
            starts_on=starts,
            ends_on=ends,
            status=PeriodStatus.CLOSED,
            closed_at=timezone.now(),
        )
        job = CoverageImport(
            period=period,
            filename=f"piak-{starts:%Y%m}.csv",
            status=JobStatus.DONE,
            created_at=timezone.now(),
            created_by=staff,
        )
        job.file.save(job.filename, ContentFile(b"kode_wilayah\n"), save=False)
        job.save()
        index = HISTORY_MONTHS + 1 - back
        CoverageRow.objects.bulk_create(
            [
                CoverageRow(
                    period=period,
                    office=office,
                    indicator=key,
                    numerator=demo_figures(office.code, key, index)[0],
                    denominator=demo_figures(office.code, key, index)[1],
                    source=job,
                )
                for office in children
                for key in monthly.field_keys
            ]
        )
        job.total = job.done = len(children)
        job.save(update_fields=["total", "done"])
        created += 1
    if open_periods:
        weekly.refresh_from_db()
        open_week(weekly)
        open_month(monthly)
    return created


def _has_open(definition: ReportDefinition) -> bool:
    return definition.periods.filter(status=PeriodStatus.OPEN, case__isnull=False).exists()


def _person(username: str) -> User:
    return User.objects.get(username=username)


def _complete(case: Case | None, username: str, note: str) -> None:
    task = Task.objects.filter(case=case, status__in=ACTIVE_TASK).order_by("pk").first()
    if task is not None:
        task_complete(task=task, actor=_person(username), outcome=Outcome.DONE, reason=note)


def open_week(definition: ReportDefinition) -> ReportPeriod | None:
    """The latest week whose deadline passed three hours ago, opened by the Kasi and sent out by
    the pelaksana; three kab/kota reported on time, two late, two not at all."""
    if _has_open(definition):
        return None
    now = timezone.now()
    choices = [c for c in schedule.period_choices(definition, now) if c.offset <= 0]
    chosen = None
    for choice in choices:
        if choice.taken is not None:
            continue
        probe = ReportPeriod(
            definition=definition, starts_on=choice.starts_on, ends_on=choice.ends_on
        )
        latest = max(deadline_for(probe, o) for o in reporters(probe))
        if latest + timedelta(hours=3) <= now:
            chosen = choice
            break
    if chosen is None:
        return None
    period = schedule.period_start(
        definition=definition,
        actor=_person("babel.kasi"),
        offset=chosen.offset,
        note="Format mingguan tetap; atas petunjuk Kabid.",
    )
    assert period.case is not None  # noqa: S101 - period_start opens a case
    _complete(period.case, "babel.pelaksana", "Formulir dikirim ke semua kab/kota.")
    offices = reporters(period)
    for index, office in enumerate(offices[: ON_TIME + LATE]):
        deadline = deadline_for(period, office)
        if index < ON_TIME:
            sent_at = deadline - timedelta(hours=2, minutes=37 * index)
        else:
            sent_at = min(deadline + timedelta(minutes=40 + 25 * index), now)
        kadis = holders_of(office, "kadis")[0]
        own = prefill(period, office)
        values = {key: own.get(key, 0) + figure(office.code, key) for key in definition.field_keys}
        submission_send(
            period=period,
            office=office,
            actor=kadis,
            values=values,
            reason="Termasuk pelayanan jemput bola di kecamatan.",
            sent_at=sent_at,
        )
    return period


def figure(code: str, key: str) -> int:
    """A deterministic weekly count of one service in one kab/kota."""
    seed = sum(ord(c) for c in code + key)
    return 3 + seed % 47


def open_month(definition: ReportDefinition) -> ReportPeriod | None:
    """The latest month not yet opened, directed by the Kabid and the Kasi: the staff's import
    of the PIAK data is the step to do (a sample file is on the page)."""
    if _has_open(definition):
        return None
    free = [c for c in schedule.period_choices(definition) if c.taken is None]
    if not free:
        return None
    period = schedule.period_start(
        definition=definition,
        actor=_person("sumbar.kabid"),
        offset=free[0].offset,
        note="Susun rekap cakupan bulan lalu dari data Bidang PIAK untuk bahan LAKIP.",
    )
    assert period.case is not None  # noqa: S101 - period_start opens a case
    _complete(period.case, "sumbar.kasi", "Staf: terima data PIAK, periksa, lalu impor.")
    return period
