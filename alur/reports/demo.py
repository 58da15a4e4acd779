"""Demo data of the reports app: the Babel weekly definition (S0) with its recipients, and the
Sumatera Barat coverage definition (S4) with three past months of PIAK data for the charts."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from alur.org.models import Office, User
from alur.reports.choices import JobStatus, PeriodStatus, ReportKind
from alur.reports.models import CoverageImport, CoverageRow, ReportDefinition, ReportPeriod
from alur.reports.services import definition_ensure

NATIONAL_MAIL = "laporan.nusantara@dukcapil.kemendagri.go.id"
HISTORY_MONTHS = 3


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
def load_demo_reports() -> int:
    babel = Office.objects.get(code="19")
    weekly = definition_ensure(office=babel, sop_code="S0", kind=ReportKind.SERVICE)
    if not weekly.recipients:
        kadis = User.objects.filter(username="babel.kadis").first()
        recipients = [["Direktorat Jenderal Dukcapil (Grup Nusantara)", "email", NATIONAL_MAIL, 13]]
        if kadis is not None and kadis.phone:
            recipients.insert(0, [kadis.get_full_name(), "whatsapp", kadis.phone, 12])
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
    return created
