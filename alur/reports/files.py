"""The files a report period is sent or downloaded as, and read back from: the weekly form per
kab/kota, the recap workbook, the LAKIP export and the coverage import template. The workbooks
themselves are drawn in `excel.py`; here they are filled from the period."""

from __future__ import annotations

from alur.core.errors import DomainError
from alur.org.models import Office
from alur.reports import coverage, excel
from alur.reports.models import ReportPeriod
from alur.reports.selectors import coverage_compute, deadline_text, recap_compute, reporters

MAX_UPLOAD = 5 * 1024 * 1024


def form_bytes(period: ReportPeriod, office: Office, values: dict[str, int] | None = None) -> bytes:
    definition = period.definition
    return excel.form_xlsx(
        title=definition.title,
        office_code=office.code,
        office_name=office.short_name or office.name,
        period_label=period.label,
        deadline_text=deadline_text(period, office),
        definition_code=definition.code,
        starts_on=period.starts_on.isoformat(),
        fields=definition.fields,
        values=values,
    )


def form_filename(period: ReportPeriod, office: Office) -> str:
    return f"laporan-{period.definition.code}-{period.starts_on:%Y%m%d}-{office.code}.xlsx"


def read_form(period: ReportPeriod, office: Office, data: bytes) -> dict[str, int]:
    """The figures of an uploaded form, or DomainError listing every bad cell."""
    if len(data) > MAX_UPLOAD:
        raise DomainError("Berkas lebih dari 5 MB.")
    try:
        return excel.form_read(
            data,
            definition_code=period.definition.code,
            starts_on=period.starts_on.isoformat(),
            office_code=office.code,
            keys=period.definition.field_keys,
        )
    except excel.ImportRejected as error:
        raise DomainError(" ".join(error.problems), code="excel") from error


def recap_xlsx(period: ReportPeriod) -> bytes:
    data = period.recap or recap_compute(period)
    return excel.recap_xlsx(data, title=period.definition.title)


def lakip_files(period: ReportPeriod) -> tuple[bytes, bytes]:
    from alur.reports import pdf

    data = period.recap if period.recap else coverage_compute(period)
    title = period.definition.title
    return excel.lakip_xlsx(data, title=title), pdf.lakip_pdf(period, data)


def coverage_sample_xlsx(period: ReportPeriod) -> bytes:
    """The import template of the month, filled with what Alur's own register counts for each
    kab/kota (blank where it has none): a file to start from, or to try the import with."""
    offices = reporters(period)
    keys = set(period.definition.field_keys)
    values: dict[str, dict[str, tuple[int, int]]] = {}
    for code, indicator, numerator, denominator in coverage.coverage_rows(offices):
        if indicator in keys:
            values.setdefault(code, {})[indicator] = (numerator, denominator)
    return excel.coverage_template_xlsx(
        period.definition.fields,
        [(o.code, o.short_name or o.name) for o in offices],
        values=values,
    )
