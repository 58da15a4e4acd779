"""Taking letter numbers (penomoran naskah dinas): gapless serials per office, series and year.

A number is `classification/serial/unit/year` by default (`400.12.2.1/123/Disdukcapil/2026`); each
office sets its own format per series. The serial is taken by locking the series' counter row for
the year (`SELECT ... FOR UPDATE`) inside the caller's transaction, the same transaction that issues
the document. That is what keeps the book gapless: when the caller's transaction rolls back, the
counter increment and the IssuedNumber row roll back with it, and the next request takes the same
serial again. Concurrent requests of one series queue on that one row; other series and other
offices do not wait.
"""

from __future__ import annotations

import re
import string
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone

from alur.audit.services import record, snapshot
from alur.core.counters import counter_hold, counter_next
from alur.core.errors import DomainError
from alur.letters.models import (
    DEFAULT_FORMAT,
    DEFAULT_UNIT,
    IssuedNumber,
    NumberSeries,
)
from alur.org.access import Capability, require
from alur.org.models import Office, User

__all__ = [
    "CLASSIFICATION_PATTERN",
    "PLACEHOLDERS",
    "format_number",
    "number_for",
    "number_take",
    "number_void",
    "series_ensure",
    "to_roman",
]

CLASSIFICATION_PATTERN = re.compile(r"^\d{3}(\.\d{1,2}){0,4}$")
PLACEHOLDERS = frozenset({"classification", "serial", "unit", "year", "month_roman"})
MAX_PADDING = 8

_ROMAN = [
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
]


def to_roman(value: int) -> str:
    """`value` in Roman numerals (months in letter numbers: 12 → XII)."""
    if value < 1:
        raise ValueError("Roman numerals start at 1")
    parts: list[str] = []
    for amount, letters in _ROMAN:
        count, value = divmod(value, amount)
        parts.append(letters * count)
    return "".join(parts)


def _validate_format(fmt: str) -> None:
    try:
        fields = list(string.Formatter().parse(fmt))
    except ValueError as error:
        raise DomainError(f"Format nomor {fmt!r} tidak sah: {error}.") from error
    names = [name for _text, name, _spec, _conv in fields if name is not None]
    unknown = sorted({name for name in names if name not in PLACEHOLDERS})
    if unknown:
        allowed = ", ".join("{" + name + "}" for name in sorted(PLACEHOLDERS))
        raise DomainError(
            f"Format nomor memuat tempat isian yang tidak dikenal: {', '.join(unknown)}. "
            f"Yang dikenal: {allowed}."
        )
    if any(spec or conv for _text, name, spec, conv in fields if name is not None):
        raise DomainError("Format nomor tidak boleh memakai penentu format (mis. {serial:04}).")
    if "serial" not in names:
        raise DomainError("Format nomor harus memuat {serial}.")


def _validate_classification(classification: str) -> str:
    value = classification.strip()
    if not CLASSIFICATION_PATTERN.match(value):
        raise DomainError(
            f"Kode klasifikasi {classification!r} tidak sah. Gunakan kode klasifikasi arsip "
            "seperti 400.12 atau 400.12.2.1 (tiga angka, lalu paling banyak empat bagian "
            "bertitik).",
            code="classification",
        )
    return value


def format_number(
    series: NumberSeries, *, classification: str, serial: int, year: int, month: int
) -> str:
    """The number text of `serial` in `series` (padding and placeholders applied)."""
    padded = str(serial).zfill(series.serial_padding) if series.serial_padding else str(serial)
    return series.fmt.format_map(
        {
            "classification": classification,
            "serial": padded,
            "unit": series.unit,
            "year": str(year),
            "month_roman": to_roman(month),
        }
    )


def default_unit(office: Office) -> str:
    """The unit a new series prints: the agency's abbreviation that opens the office's short
    name ("DP3ACSKB Prov. Kep. Bangka Belitung" -> "DP3ACSKB"), else "Disdukcapil"."""
    first = (office.short_name or "").split(" ", 1)[0].strip(".,")
    return first if first.isalnum() and first.upper() == first and len(first) > 2 else DEFAULT_UNIT


def series_ensure(
    *,
    office: Office,
    key: str,
    label: str,
    fmt: str | None = None,
    unit: str | None = None,
    serial_padding: int | None = None,
    actor: User | None = None,
) -> NumberSeries:
    """The series `key` of `office`, created or brought up to the given settings (audited).

    Settings left as None keep their current value (or the default for a new series). A change
    applies to numbers taken afterwards; numbers already issued keep their text.
    """
    if actor is not None:
        require(actor, Capability.PARAF, office)
    if not re.fullmatch(r"[a-z0-9_-]{1,40}", key):
        raise DomainError(
            f"Kunci seri {key!r} tidak sah: pakai huruf kecil, angka, garis bawah atau tanda "
            "hubung (paling banyak 40)."
        )
    if fmt is not None:
        _validate_format(fmt)
    if serial_padding is not None and not 0 <= serial_padding <= MAX_PADDING:
        raise DomainError(f"Lebar nomor urut harus antara 0 dan {MAX_PADDING}.")
    fields = ["key", "label", "fmt", "unit", "serial_padding"]
    with transaction.atomic():
        series = NumberSeries.objects.select_for_update().filter(office=office, key=key).first()
        if series is None:
            series = NumberSeries.objects.create(
                office=office,
                key=key,
                label=label,
                fmt=fmt or DEFAULT_FORMAT,
                unit=unit if unit is not None else default_unit(office),
                serial_padding=serial_padding or 0,
            )
            record(
                actor=actor,
                office=office,
                action="number_series.create",
                obj=series,
                after=snapshot(series, fields),
            )
            return series
        before = snapshot(series, fields)
        series.label = label
        if fmt is not None:
            series.fmt = fmt
        if unit is not None:
            series.unit = unit
        if serial_padding is not None:
            series.serial_padding = serial_padding
        after = snapshot(series, fields)
        if after != before:
            series.save(update_fields=["label", "fmt", "unit", "serial_padding"])
            record(
                actor=actor,
                office=office,
                action="number_series.update",
                obj=series,
                before=before,
                after=after,
            )
        return series


def counter_of(series: NumberSeries, year: int) -> tuple[str, int, int]:
    """The gapless counter (alur.core.counters) of `series` in `year`."""
    return ("letters.series", series.pk, year)


def _object_key(obj: Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    if obj.pk is None:
        raise ValueError("a document must be saved before it takes a number")
    return obj._meta.label_lower, str(obj.pk)


def number_for(*, series: NumberSeries, obj: Model) -> IssuedNumber | None:
    """The live (not voided) number `obj` already holds in `series`, if any."""
    object_type, object_id = _object_key(obj)
    return (
        IssuedNumber.objects.filter(
            series=series, object_type=object_type, object_id=object_id, voided_at__isnull=True
        )
        .select_related("series")
        .first()
    )


def number_take(
    *,
    office: Office,
    series_key: str,
    classification: str,
    subject: str,
    recipient: str = "",
    obj: Model | None = None,
    actor: User | None = None,
    when: datetime | None = None,
) -> IssuedNumber:
    """Take the next number of `office`'s series `series_key` for the document `obj`.

    Must run inside the transaction that issues the document (raises otherwise). The serial is
    the counter row of the series and year, locked and incremented in that transaction: if the
    transaction rolls back, the serial rolls back with it and is taken again by the next request,
    so the book never has a gap. The year and month are those of `when` (default: now) in the
    office's time zone.

    Idempotent per document: asked again for the same `obj` and series, it returns the number the
    document already holds and takes no new serial. Without `obj` every call takes a new number.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("number_take must run inside the transaction that issues the document")
    if actor is not None:
        require(actor, Capability.VIEW_OFFICE, office)
    clean_classification = _validate_classification(classification)
    subject = subject.strip()
    if not subject:
        raise DomainError("Perihal surat wajib diisi.", code="subject")
    series = NumberSeries.objects.filter(office=office, key=series_key).first()
    if series is None:
        raise DomainError(
            f"Seri penomoran {series_key!r} belum diatur untuk {office}.", code="series"
        )
    object_type, object_id = _object_key(obj)
    if obj is not None:
        existing = number_for(series=series, obj=obj)
        if existing is not None:
            return existing

    moment = when or timezone.now()
    if timezone.is_naive(moment):
        raise ValueError("`when` must be timezone-aware")
    local = moment.astimezone(office.zone)
    counter_hold(*counter_of(series, local.year))
    if obj is not None:
        # A concurrent request for the same document may have committed while we waited.
        existing = number_for(series=series, obj=obj)
        if existing is not None:
            return existing

    try:
        # The serial and its row in one savepoint: a number refused below gives its serial back.
        with transaction.atomic():
            serial = counter_next(*counter_of(series, local.year))
            number = format_number(
                series,
                classification=clean_classification,
                serial=serial,
                year=local.year,
                month=local.month,
            )
            issued = IssuedNumber.objects.create(
                office=office,
                series=series,
                year=local.year,
                serial=serial,
                number=number,
                classification=clean_classification,
                issued_at=moment,
                issued_by=actor,
                subject=subject[:300],
                recipient=recipient.strip()[:300],
                object_type=object_type,
                object_id=object_id,
            )
    except IntegrityError as error:
        if obj is not None:
            existing = number_for(series=series, obj=obj)
            if existing is not None:  # numbered in another year's counter meanwhile
                return existing
        raise DomainError(
            f"Nomor {number} sudah dipakai di {office}. Periksa format seri {series.key!r}: "
            "nomor harus memuat nomor urut dan tahun.",
            code="conflict",
        ) from error
    record(
        actor=actor,
        office=office,
        action="letter_number.take",
        obj=issued,
        after={
            "document": f"{object_type}:{object_id}" if obj is not None else "",
            "series": series.key,
            "year": local.year,
            "serial": serial,
            "number": number,
            "classification": clean_classification,
            "subject": issued.subject,
            "recipient": issued.recipient,
        },
    )
    return issued


def number_void(*, issued: IssuedNumber, reason: str, actor: User | None) -> IssuedNumber:
    """Mark `issued` void (batal) in the book with `reason`: its document was never issued
    under it (the signing failed, or the letter was cancelled). The row stays, so the book shows
    the serial as void instead of a gap; the serial is never taken again. Run in the caller's
    transaction; voiding twice changes nothing."""
    if not connection.in_atomic_block:
        raise RuntimeError("number_void must run inside the caller's transaction")
    reason = reason.strip()
    if not reason:
        raise DomainError("Tuliskan alasan pembatalan nomor.", code="reason")
    issued = IssuedNumber.objects.select_for_update().get(pk=issued.pk)
    if issued.voided_at is not None:
        return issued
    issued.voided_at, issued.voided_by, issued.void_reason = timezone.now(), actor, reason[:300]
    issued.save(update_fields=["voided_at", "voided_by", "void_reason"])
    record(
        actor=actor,
        office=issued.office,
        action="letter_number.void",
        obj=issued,
        reason=issued.void_reason,
        after={"number": issued.number, "serial": issued.serial, "series": issued.series.key},
    )
    return issued
