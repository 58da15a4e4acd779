"""S4, the monthly coverage report: the PIAK file is imported (step 3) in the background with its
progress shown, every row checked before any is written, and the computed month is delivered as
the LAKIP input (step 6)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from alur.audit.services import record
from alur.core.errors import DomainError
from alur.org.access import Capability, require
from alur.org.models import Appointment, User
from alur.reports import excel
from alur.reports.choices import JobStatus, PeriodStatus, ReportKind
from alur.reports.files import MAX_UPLOAD, lakip_files
from alur.reports.models import CoverageImport, CoverageRow, ReportPeriod
from alur.reports.selectors import coverage_checks, reporters
from alur.reports.services.periods import check_action, locked_period, notify


@transaction.atomic
def coverage_import_create(
    *, period: ReportPeriod, actor: User, data: bytes, filename: str
) -> CoverageImport:
    """Keep the uploaded PIAK file and queue its reading (the page shows the progress)."""
    from alur.reports.tasks import run_coverage_import

    period = locked_period(period)
    check_action(period, "import")
    require(actor, Capability.HANDLE_CASES, period.definition.office)
    if period.definition.kind != ReportKind.COVERAGE:
        raise DomainError("Periode ini bukan laporan cakupan.")
    if not data:
        raise DomainError("Berkas kosong.")
    if len(data) > MAX_UPLOAD:
        raise DomainError("Berkas lebih dari 5 MB.")
    name = filename.rsplit("/", 1)[-1][-120:] or "cakupan.xlsx"
    if not name.lower().endswith((".xlsx", ".csv")):
        raise DomainError("Unggah berkas Excel (.xlsx) atau CSV.")
    job = CoverageImport(period=period, filename=name, created_at=timezone.now(), created_by=actor)
    job.file.save(name, ContentFile(data), save=False)
    job.save()
    record(
        actor=actor,
        office=period.definition.office,
        action="report.coverage.upload",
        obj=job,
        after={"period": period.label, "file": name, "bytes": len(data)},
    )
    transaction.on_commit(lambda: run_coverage_import(job.pk))
    return job


def _progress(job_id: int, done: int, total: int) -> None:
    CoverageImport.objects.filter(pk=job_id).update(done=done, total=total)


def coverage_import_run(job_id: int) -> CoverageImport:
    """Read the file (progress committed as it goes), check every row, then write all rows in
    one transaction, or none when any row is wrong."""
    claimed = CoverageImport.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    job = CoverageImport.objects.select_related(
        "period", "period__definition", "period__definition__office"
    ).get(pk=job_id)
    if not claimed:
        return job
    period = job.period
    with job.file.open("rb") as handle:
        data = handle.read()
    read = excel.coverage_read(
        data,
        job.filename,
        indicators=period.definition.field_keys,
        progress=lambda done, total: _progress(job.pk, done, total),
    )
    known = {o.code: o for o in reporters(period)}
    problems = list(read.problems)
    seen: dict[str, int] = {}
    for line, code, values in read.rows:
        if code not in known:
            problems.append(
                f"Baris {line}: kode {code} bukan kabupaten/kota "
                f"{period.definition.office.short_name}."
            )
        elif code in seen:
            problems.append(f"Baris {line}: kabupaten/kota {code} sudah ada di baris {seen[code]}.")
        else:
            seen[code] = line
            missing = [k for k in period.definition.field_keys if k not in values]
            if missing:
                problems.append(
                    f"Baris {line} ({code}): indikator {', '.join(missing)} tidak terisi."
                )
    with transaction.atomic():
        job = CoverageImport.objects.select_for_update().get(pk=job_id)
        period = locked_period(period)
        job.finished_at = timezone.now()
        if problems or period.status != PeriodStatus.OPEN:
            if period.status != PeriodStatus.OPEN:
                problems.insert(0, f"Periode {period.label} sudah ditutup.")
            job.status, job.errors = JobStatus.FAILED, problems[:500]
            job.save(update_fields=["status", "errors", "finished_at"])
            record(
                actor=job.created_by,
                office=period.definition.office,
                action="report.coverage.reject",
                obj=job,
                after={"errors": len(problems)},
            )
            return job
        CoverageRow.objects.filter(period=period).delete()
        CoverageRow.objects.bulk_create(
            [
                CoverageRow(
                    period=period,
                    office=known[code],
                    indicator=key,
                    numerator=n,
                    denominator=d,
                    source=job,
                )
                for _line, code, values in read.rows
                for key, (n, d) in values.items()
            ]
        )
        checks = coverage_checks(period)
        labels = period.definition.labels
        warnings = [f"{known[c]} ({c}): tidak ada data bulan ini." for c in checks["missing"]]
        warnings += [
            f"Baris {seen[j['code']]} ({known[j['code']]}, {j['code']}): "
            f"{labels.get(j['indicator'], j['indicator'])} "
            f"berubah {j['delta']:+.2f} poin dari bulan lalu ({j['before']}% → {j['now']}%)."
            for j in checks["jumps"]
        ]
        job.status, job.warnings = JobStatus.DONE, warnings
        job.done = job.total = len(read.rows)
        job.save(update_fields=["status", "warnings", "done", "total", "finished_at"])
        record(
            actor=job.created_by,
            office=period.definition.office,
            action="report.coverage.import",
            obj=job,
            after={"rows": len(read.rows), "warnings": len(warnings)},
        )
    return job


@transaction.atomic
def lakip_deliver(*, period: ReportPeriod, actor: User | None) -> list[str]:
    """Keep the LAKIP export (Excel and PDF) of the month and tell the Sekretariat; logged."""
    period = locked_period(period)
    if not period.recap:
        raise DomainError("Cakupan bulan ini belum dihitung.", code="no_recap")
    xlsx, pdf_bytes = lakip_files(period)
    base = f"reports/lakip/{period.definition.code}-{period.starts_on:%Y%m}"
    paths = [
        default_storage.save(base + ".xlsx", ContentFile(xlsx)),
        default_storage.save(base + ".pdf", ContentFile(pdf_bytes)),
    ]
    now = timezone.now()
    office = period.definition.office
    told = []
    for appointment in (
        Appointment.objects.active_on(timezone.localdate())
        .filter(position__office=office, position__kind="sekretaris")
        .select_related("user")
    ):
        if notify(
            appointment.user,
            office,
            "reports.lakip",
            f"Bahan LAKIP: {period.definition.title} {period.label} siap diperiksa.",
            now,
        ):
            told.append(appointment.user.get_full_name())
    period.recap = {**period.recap, "exports": paths, "delivered_to": told}
    period.save(update_fields=["recap"])
    record(
        actor=actor,
        office=office,
        action="report.deliver",
        obj=period,
        after={"files": paths, "to": told},
    )
    return paths
