"""Register numbers of citizen documents: gapless per office, kind and year.

The default formats follow domain.md: akta kelahiran `region-LT-DDMMYYYY-NNNN`, akta kematian
`region-KM-DDMMYYYY-NNNN`; an office changes them with a `RegisterFormat` row. Placeholders:
`{region}` (the office's region code without dots), `{date}` (DDMMYYYY of the registration),
`{year}`, `{serial}` (zero-padded). The serial is taken under a row lock on the counter of the
office, kind and year, in the transaction that gives the document its number: a rollback gives
the serial back, so the register has no gap.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.utils import timezone

from alur.core.counters import counter_next
from alur.core.errors import DomainError
from alur.documents.choices import OutputKind
from alur.documents.models import CitizenDocument, RegisterFormat
from alur.org.models import Office

DEFAULT_FORMATS: dict[str, str] = {
    OutputKind.AKTA_KELAHIRAN: "{region}-LT-{date}-{serial}",
    OutputKind.AKTA_KEMATIAN: "{region}-KM-{date}-{serial}",
    OutputKind.SKPWNI: "SKPWNI/{region}/{date}/{serial}",
    OutputKind.KK: "KK/{region}/{year}/{serial}",
}


def _format(office: Office, kind: str) -> tuple[str, int]:
    row = RegisterFormat.objects.filter(office=office, kind=kind).first()
    if row is not None:
        return row.fmt, row.padding
    if kind not in DEFAULT_FORMATS:
        raise DomainError(f"Dokumen {kind} tidak memakai nomor register.", code="no_register")
    return DEFAULT_FORMATS[kind], 4


def register_number_take(document: CitizenDocument, when: datetime | None = None) -> str:
    """Give `document` (locked by the caller) its register number, once."""
    if document.register_serial is not None:
        return document.register_number
    if not connection.in_atomic_block:
        raise RuntimeError("register numbers are taken in the transaction that uses them")
    office = document.office
    local = (when or timezone.now()).astimezone(office.zone)
    fmt, padding = _format(office, document.kind)
    serial = counter_next("documents.register", office.pk, document.kind, local.year)
    document.register_year = local.year
    document.register_serial = serial
    document.register_number = fmt.format_map(
        {
            "region": office.code.replace(".", ""),
            "date": f"{local:%d%m%Y}",
            "year": str(local.year),
            "serial": str(serial).zfill(padding),
        }
    )
    document.save(update_fields=["register_year", "register_serial", "register_number"])
    return document.register_number
