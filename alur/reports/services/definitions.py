"""The report definitions: what each kab/kota sends for an SOP (its fields), by when, the
schedule of its periods and who receives the signed report."""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from alur.audit.services import record
from alur.core.errors import DomainError
from alur.org.access import Capability, require
from alur.org.models import Office, User
from alur.reports import catalogue
from alur.reports.choices import Frequency, PeriodStatus, ReportKind
from alur.reports.models import CoverageTarget, ReportDefinition
from alur.reports.selectors import delivery_steps


def default_fields(kind: str) -> list[dict[str, str]]:
    return [
        dict(f)
        for f in (catalogue.SERVICE_TYPES if kind == ReportKind.SERVICE else catalogue.INDICATORS)
    ]


def parse_fields(text: str) -> list[dict[str, str]]:
    """Lines "kode | label" as the definition's fields; DomainError naming the bad line."""
    fields: list[dict[str, str]] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        key, _bar, label = line.partition("|")
        key, label = key.strip().lower(), label.strip()
        if not key.replace("_", "").isalnum() or not key[0].isalpha() or not label:
            raise DomainError(
                f"Baris {number}: tulis «kode | nama layanan», kode huruf kecil, angka dan garis "
                "bawah (mis. akta_lahir | Akta Kelahiran)."
            )
        if key in seen:
            raise DomainError(f"Baris {number}: kode «{key}» dipakai dua kali.")
        seen.add(key)
        fields.append({"key": key, "label": label[:120]})
    if not fields:
        raise DomainError("Isian laporan tidak boleh kosong.")
    return fields


@transaction.atomic
def definition_ensure(*, office: Office, sop_code: str, kind: str) -> ReportDefinition:
    """The office's definition for an SOP, created with the catalogue's defaults when missing."""
    existing = ReportDefinition.objects.filter(office=office, sop_code=sop_code).first()
    if existing is not None:
        return existing
    weekly = kind == ReportKind.SERVICE
    definition = ReportDefinition.objects.create(
        office=office,
        code=f"{sop_code.lower()}-{'mingguan' if weekly else 'cakupan'}",
        title=(
            "Laporan Mingguan Pelayanan Administrasi Kependudukan"
            if weekly
            else "Laporan Bulanan Rekapitulasi Cakupan Kepemilikan Dokumen Kependudukan"
        ),
        kind=kind,
        frequency=Frequency.WEEKLY if weekly else Frequency.MONTHLY,
        sop_code=sop_code,
        fields=default_fields(kind),
        deadline_weekday=4,
        deadline_time=time(14, 0) if weekly else time(23, 59),
        deadline_day=10,
        updated_at=timezone.now(),
    )
    if not weekly:
        year = timezone.localdate().year
        for y in (year - 1, year):
            CoverageTarget.objects.bulk_create(
                [
                    CoverageTarget(definition=definition, year=y, indicator=k, target=v)
                    for k, v in catalogue.DEFAULT_TARGETS.items()
                ],
                ignore_conflicts=True,
            )
    record(
        actor=None,
        office=office,
        action="report.definition.create",
        obj=definition,
        after={"code": definition.code, "fields": definition.fields},
    )
    return definition


def clean_recipients(sop_code: str, rows: list[list[Any]]) -> list[list[Any]]:
    """Each recipient as [name, channel, address, step]: a valid WhatsApp number (stored as
    E.164 digits) or e-mail address, and one of the SOP's delivery steps; DomainError naming the
    row otherwise."""
    from django.core.validators import validate_email

    from alur.outbox.validation import normalize_whatsapp_number

    steps = delivery_steps(sop_code)
    clean: list[list[Any]] = []
    for number, row in enumerate(rows, start=1):
        name, channel, address, step = (list(row) + [None] * 4)[:4]
        name, address = str(name or "").strip(), str(address or "").strip()
        if not name or not address:
            raise DomainError(f"Penerima baris {number}: nama dan alamat wajib diisi.")
        try:
            if channel == "whatsapp":
                address = normalize_whatsapp_number(address)
            elif channel == "email":
                validate_email(address)
            else:
                raise DomainError(
                    f"Penerima baris {number}: saluran «{channel}» tidak dikenal (whatsapp atau "
                    "email)."
                )
        except ValidationError as error:
            what = "nomor WhatsApp" if channel == "whatsapp" else "alamat surel"
            raise DomainError(f"Penerima baris {number}: {what} «{address}» tidak sah.") from error
        if steps and step not in steps:
            allowed = " atau ".join(str(s) for s in steps)
            raise DomainError(
                f"Penerima baris {number}: langkah pengiriman SOP {sop_code} adalah {allowed}."
            )
        clean.append([name[:200], channel, address, step])
    return clean


@transaction.atomic
def definition_update(
    *,
    definition: ReportDefinition,
    actor: User,
    title: str,
    fields: list[dict[str, str]],
    deadline_weekday: int,
    deadline_time: time,
    deadline_day: int,
    remind_hours: int,
    recipients: list[list[Any]],
    jump_threshold: Decimal,
    distribute_weekday: int | None = None,
    distribute_time: time | None = None,
    distribute_day: int | None = None,
    auto_start: bool | None = None,
    reason: str = "",
) -> ReportDefinition:
    """Change the definition; the schedule's fields left None stay as they are."""
    definition = ReportDefinition.objects.select_for_update().get(pk=definition.pk)
    require(actor, Capability.HANDLE_CASES, definition.office)
    if not 0 <= deadline_weekday <= 6 or not 1 <= deadline_day <= 28:
        raise DomainError("Hari tenggat 0–6 (Senin–Minggu) dan tanggal tenggat 1–28.")
    if distribute_weekday is not None and not 0 <= distribute_weekday <= 6:
        raise DomainError("Hari pengiriman formulir 0–6 (Senin–Minggu).")
    if distribute_day is not None and not 1 <= distribute_day <= 28:
        raise DomainError("Tanggal mulai periode bulanan 1–28.")
    if not title.strip():
        raise DomainError("Judul laporan wajib diisi.")
    recipients = clean_recipients(definition.sop_code, recipients)
    open_periods = definition.periods.filter(status=PeriodStatus.OPEN).exists()
    if open_periods and [f["key"] for f in fields] != definition.field_keys:
        raise DomainError(
            "Isian tidak dapat diubah selama ada periode yang masih menerima laporan."
        )
    if (
        open_periods
        and distribute_weekday is not None
        and distribute_weekday != definition.distribute_weekday
    ):
        raise DomainError(
            "Hari pengiriman formulir tidak dapat diubah selama ada periode yang masih menerima "
            "laporan (minggu laporan berakhir pada hari itu)."
        )
    before = {
        "title": definition.title,
        "fields": definition.fields,
        "deadline": f"{definition.deadline_weekday} {definition.deadline_time}",
        "schedule": _schedule(definition),
        "recipients": definition.recipients,
    }
    definition.title = title.strip()[:200]
    definition.fields = fields
    definition.deadline_weekday = deadline_weekday
    definition.deadline_time = deadline_time
    definition.deadline_day = deadline_day
    definition.remind_hours = remind_hours
    definition.recipients = recipients
    definition.jump_threshold = jump_threshold
    if distribute_weekday is not None:
        definition.distribute_weekday = distribute_weekday
    if distribute_time is not None:
        definition.distribute_time = distribute_time
    if distribute_day is not None:
        definition.distribute_day = distribute_day
    if auto_start is not None:
        definition.auto_start = auto_start
    definition.updated_at, definition.updated_by = timezone.now(), actor
    definition.save()
    record(
        actor=actor,
        office=definition.office,
        action="report.definition.update",
        obj=definition,
        before=before,
        after={
            "title": definition.title,
            "fields": fields,
            "deadline": f"{deadline_weekday} {deadline_time}",
            "schedule": _schedule(definition),
            "recipients": recipients,
        },
        reason=reason,
    )
    return definition


def _schedule(definition: ReportDefinition) -> str:
    return (
        f"{definition.distribute_weekday}/{definition.distribute_day} "
        f"{definition.distribute_time:%H:%M} {'otomatis' if definition.auto_start else 'manual'}"
    )
