"""Register numbers of citizen documents: gapless per office, kind and year.

The default formats follow domain.md: akta kelahiran `region-LT-DDMMYYYY-NNNN`, akta kematian
`region-KM-DDMMYYYY-NNNN`; an office changes them with a `RegisterFormat` row. Placeholders:
`{region}` (the office's region code without dots), `{date}` (DDMMYYYY of the registration),
`{year}`, `{serial}` (zero-padded). The serial is taken under a row lock on the counter of the
office, kind and year, in the transaction that gives the document its number: a rollback gives
the serial back, so the register has no gap.

An office whose register of record is SIAK (`alur.registry.port.is_siak`) takes no number here:
the operator records the one SIAK issued at the data entry (`siak_register_number_check`), and
`register_number_take` returns it, or refuses when none was recorded.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from django.db import connection
from django.utils import timezone

from alur.core.counters import counter_next
from alur.core.errors import DomainError
from alur.core.validators import is_ascii_digits
from alur.documents.choices import OutputKind
from alur.documents.models import CitizenDocument, RegisterFormat
from alur.org.models import Office
from alur.registry.port import is_siak

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
    if is_siak(document.office):
        if document.register_number or document.kind == OutputKind.KK:
            return document.register_number
        raise DomainError(MSG_SIAK_NOT_RECORDED.format(kind=document.get_kind_display()))
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


# --- numbers SIAK issued ----------------------------------------------------------------------

MSG_SIAK_NOT_RECORDED = (
    "Nomor register {kind} dari SIAK belum dicatat; catat nomor yang diterbitkan SIAK pada "
    "langkah Entri di SIAK."
)
# The register numbers SIAK prints: the kab/kota code (4 digits), the register's letters, the
# registration date DDMMYYYY, the serial.
SIAK_FORMATS: dict[str, tuple[re.Pattern[str], str]] = {
    OutputKind.AKTA_KELAHIRAN: (
        re.compile(r"(?P<region>[0-9]{4})-LT-(?P<date>[0-9]{8})-(?P<serial>[0-9]{4,})"),
        "{region}-LT-DDMMYYYY-NNNN",
    ),
    OutputKind.AKTA_KEMATIAN: (
        re.compile(r"(?P<region>[0-9]{4})-KM-(?P<date>[0-9]{8})-(?P<serial>[0-9]{4,})"),
        "{region}-KM-DDMMYYYY-NNNN",
    ),
    OutputKind.SKPWNI: (
        re.compile(r"SKPWNI/(?P<region>[0-9]{4})/(?P<date>[0-9]{8})/(?P<serial>[0-9]{4,})"),
        "SKPWNI/{region}/DDMMYYYY/NNNN",
    ),
}


def siak_register_number_check(
    *,
    office: Office,
    kind: str,
    number: str,
    case_id: int | None,
    today: date,
    code: str = "siak_register_number",
) -> str:
    """The register number SIAK issued for a document of `kind`, checked: its format with the
    office's kab/kota code, a real registration date not after `today`, a serial other than 0,
    and no other case's document holding it. Refused (about `code`) in Bahasa Indonesia."""
    number = number.strip().upper()
    label = OutputKind(kind).label
    if kind not in SIAK_FORMATS:
        raise DomainError(f"{label} tidak memakai nomor register.", code=code)
    pattern, shape = SIAK_FORMATS[kind]
    region = office.code.replace(".", "")
    example = shape.format(region=region)
    if not number:
        raise DomainError(f"Isi nomor register {label} yang diterbitkan SIAK.", code=code)
    if any(ch.isdigit() and not is_ascii_digits(ch) for ch in number):
        raise DomainError(
            f"Nomor register {label} harus ditulis dengan angka biasa 0–9 ({example}).", code=code
        )
    found = pattern.fullmatch(number)
    if found is None:
        raise DomainError(
            f"Nomor register {label} {number} tidak sesuai format SIAK ({example}).", code=code
        )
    if found["region"] != region:
        raise DomainError(
            f"Nomor register {number} memuat kode wilayah {found['region']}; nomor dari SIAK "
            f"kantor ini memuat {region}.",
            code=code,
        )
    try:
        day, month, year = found["date"][:2], found["date"][2:4], found["date"][4:]
        registered = date(int(year), int(month), int(day))
    except ValueError:
        raise DomainError(
            f"Tanggal pada nomor register {number} bukan tanggal yang ada.", code=code
        ) from None
    if registered > today:
        raise DomainError(
            f"Tanggal pada nomor register {number} ({registered:%d-%m-%Y}) belum tiba.", code=code
        )
    if int(found["serial"]) == 0:
        raise DomainError(f"Nomor urut pada nomor register {number} tidak boleh 0.", code=code)
    holders = CitizenDocument.objects.filter(kind=kind, register_number=number)
    if case_id is not None:
        holders = holders.exclude(case_id=case_id)
    taken = holders.select_related("case").first()
    if taken is not None:
        raise DomainError(
            f"Nomor register {number} sudah tercatat untuk perkara {taken.case.reference}.",
            code=code,
        )
    return number
