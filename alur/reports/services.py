"""Every write of the reports app: one transaction each, with its audit event.

S0 (weekly service report): the definition is confirmed (step 1), the form goes to every kab/kota
(step 2), each kab/kota sends its figures (step 3, one task per office; web form, Excel upload or
WhatsApp), the period is closed and recapped and the recap becomes the case's letter (step 4),
whose chain the letters app runs. S4 (monthly coverage): the PIAK file is imported (step 3),
entered (step 4), computed (step 5) and delivered as the LAKIP input (step 6).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from alur.audit.services import record
from alur.core.errors import ConflictError, DomainError
from alur.core.validators import is_ascii_digits
from alur.org.access import KIND_CAPABILITIES, Capability, require
from alur.org.models import Appointment, Office, User
from alur.org.regions import zone_label
from alur.reports import catalogue, coverage, excel, recap
from alur.reports.choices import (
    PERIOD_ACTIONS,
    Frequency,
    JobStatus,
    PeriodStatus,
    ReportKind,
    Source,
    SubmissionStatus,
)
from alur.reports.counts import own_counts
from alur.reports.models import (
    CoverageImport,
    CoverageRow,
    CoverageTarget,
    ReportDefinition,
    ReportPeriod,
    Submission,
)
from alur.reports.timeliness import MONTHS, deadline_day, local_deadline, period_for, timeliness_of
from alur.workflow import services as engine_services
from alur.workflow.choices import ACTIVE_TASK, Outcome
from alur.workflow.models import Case, Notification, Task
from alur.workflow.spec import OfficeRelation

log = logging.getLogger(__name__)

WEEKDAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
FORM_TEMPLATE = "formulir_laporan_berkala"  # approved WhatsApp template (document header)
MAX_UPLOAD = 5 * 1024 * 1024
SEND_KEY = "reports.send"  # S0's delivery steps: the signed report to the configured recipients


def _check(period: ReportPeriod, action: str) -> None:
    if period.status not in PERIOD_ACTIONS[action]:
        if period.status == PeriodStatus.CLOSED:
            raise DomainError(
                f"Periode {period.label} sudah ditutup; laporan tidak dapat diterima atau diubah "
                "lagi.",
                code="closed",
            )
        raise DomainError(f"Periode {period.label} tidak mengizinkan tindakan ini.")


def _locked(period: ReportPeriod) -> ReportPeriod:
    return (
        ReportPeriod.objects.select_for_update(of=("self",))
        .select_related("definition", "definition__office", "case")
        .get(pk=period.pk)
    )


# --- definitions ----------------------------------------------------------------------------


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


def delivery_steps(sop_code: str) -> list[int]:
    """The steps of the SOP's current revision that send the signed report (`reports.send`)."""
    try:
        revision = engine_services.current_revision(sop_code)
    except DomainError:
        return []
    return [s.number for s in engine_services.procedure(revision).steps if s.action == SEND_KEY]


def clean_recipients(sop_code: str, rows: list[list[Any]]) -> list[list[Any]]:
    """Each recipient as [name, channel, address, step]: a valid WhatsApp number (stored as
    E.164 digits) or e-mail address, and one of the SOP's delivery steps; DomainError naming the
    row otherwise."""
    from django.core.validators import validate_email

    from alur.outbox.services import normalize_whatsapp_number

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


# --- periods --------------------------------------------------------------------------------


def _kind_of(sop_code: str) -> str:
    return ReportKind.COVERAGE if sop_code.upper().startswith("S4") else ReportKind.SERVICE


def period_of(case: Case) -> ReportPeriod | None:
    return (
        ReportPeriod.objects.select_related("definition", "definition__office")
        .filter(case=case)
        .first()
    )


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
    day = timezone.localtime(case.started_at, ZoneInfo(case.office.timezone)).date()
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
        if taken.case_id is not None and taken.case_id != case.pk:
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


def _submitters(offices: list[Office]) -> list[Appointment]:
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


def _province_number(office: Office) -> str | None:
    from alur.whatsapp.models import BusinessNumber

    number = (
        BusinessNumber.objects.filter(office=office, is_active=True, is_complaints=False)
        .order_by("pk")
        .first()
    )
    return number.phone_number_id if number else None


def _notify(user: User, office: Office, kind: str, message: str, now: datetime) -> bool:
    if Notification.objects.filter(user=user, office=office, kind=kind, message=message).exists():
        return False
    Notification.objects.create(
        user=user, office=office, kind=kind, message=message, created_at=now
    )
    return True


@transaction.atomic
def period_distribute(*, period: ReportPeriod, actor: User | None) -> int:
    """Send the period's form to every kab/kota: an in-app notice to everyone there who may
    report, and the Excel form on WhatsApp from the province's number (through the outbox).
    Idempotent: a second run queues nothing new. Returns the number of offices reached."""
    from alur.outbox.choices import Channel, Kind
    from alur.outbox.services import message_enqueue, normalize_whatsapp_number

    period = _locked(period)
    _check(period, "submit")
    province = period.definition.office
    if actor is not None:
        require(actor, Capability.HANDLE_CASES, province)
    now = timezone.now()
    offices = reporters(period)
    sender = _province_number(province)
    queued = 0
    for office in offices:
        path = f"reports/forms/{period.definition.code}/{period.starts_on:%Y%m%d}/"
        path += form_filename(period, office)
        if not default_storage.exists(path):
            default_storage.save(path, ContentFile(form_bytes(period, office)))
        deadline = deadline_text(period, office)
        message = (
            f"Formulir {period.definition.title} periode {period.label} telah dikirim. Kirim "
            f"paling lambat {deadline}."
        )
        for appointment in _submitters([office]):
            _notify(appointment.user, office, "reports.form", message, now)
            if sender is None or not appointment.user.phone:
                continue
            try:
                phone = normalize_whatsapp_number(appointment.user.phone)
            except ValidationError:
                log.warning("nomor WhatsApp %s tidak sah; formulir hanya lewat aplikasi", office)
                continue
            caption = (
                f"{message} Isi kolom Jumlah, lalu kirim berkas ini kembali ke nomor ini atau "
                "unggah di Alur."
            )
            message_enqueue(
                office=province,
                channel=Channel.WHATSAPP,
                kind=Kind.DOCUMENT,
                sender=sender,
                recipient=phone,
                payload={
                    "path": path,
                    "filename": form_filename(period, office),
                    "caption": caption,
                },
                template_fallback={
                    "name": FORM_TEMPLATE,
                    "language": "id",
                    "components": [
                        {
                            "type": "header",
                            "parameters": [
                                {
                                    "type": "document",
                                    "document": {
                                        "path": path,
                                        "filename": form_filename(period, office),
                                    },
                                }
                            ],
                        },
                        {"type": "body", "parameters": [{"type": "text", "text": caption[:1000]}]},
                    ],
                },
                dedupe_key=f"report-form:{period.pk}:{office.code}:{phone}",
                cause=period,
                actor=actor,
            )
            queued += 1
    period.distributed_at = period.distributed_at or now
    period.save(update_fields=["distributed_at"])
    record(
        actor=actor,
        office=province,
        action="report.distribute",
        obj=period,
        after={"offices": [o.code for o in offices], "whatsapp": queued},
    )
    return len(offices)


# --- submissions ----------------------------------------------------------------------------


def prefill(period: ReportPeriod, office: Office) -> dict[str, int]:
    return own_counts(office, period.starts_on, period.ends_on, period.definition.field_keys)


def clean_values(period: ReportPeriod, raw: dict[str, Any]) -> dict[str, int]:
    """Every field a whole number ≥ 0; DomainError naming each bad field."""
    labels = period.definition.labels
    problems: list[str] = []
    values: dict[str, int] = {}
    for key, label in labels.items():
        value = raw.get(key)
        text = str(value).strip().replace(".", "") if value is not None else ""
        if text == "":
            problems.append(f"{label}: wajib diisi (tulis 0 bila tidak ada).")
        elif not is_ascii_digits(text.lstrip("-")):
            problems.append(f"{label}: «{value}» bukan angka.")
        elif int(text) < 0:
            problems.append(f"{label}: jumlah tidak boleh negatif.")
        else:
            values[key] = int(text)
    unknown = sorted(set(raw) - set(labels))
    if unknown:
        problems.append("Isian tidak dikenal: " + ", ".join(unknown) + ".")
    if problems:
        raise DomainError(" ".join(problems), code="values")
    return values


def _expected(period: ReportPeriod, office: Office) -> None:
    if office.parent_id != period.definition.office_id:
        raise DomainError(f"{office} bukan pelapor {period.definition.title}.")


@transaction.atomic
def submission_save(
    *,
    period: ReportPeriod,
    office: Office,
    actor: User | None,
    values: dict[str, Any],
    source: str = Source.WEB,
    reason: str = "",
    send: bool = False,
    file: tuple[str, bytes] | None = None,
    sent_at: datetime | None = None,
) -> Submission:
    """Save the office's figures (a draft), or send them (`send`): the first sending decides
    on time or late, to the minute in the office's zone. Figures that differ from the office's
    own counts need a reason. A closed period refuses both. `sent_at`: when the report left the
    kab/kota when that was earlier than now (a WhatsApp message's own time; the demo's history)."""
    period = _locked(period)
    _check(period, "submit" if send else "draft")
    _expected(period, office)
    if actor is not None:
        require(actor, Capability.SUBMIT_REPORTS, office)
    clean = clean_values(period, values)
    own = prefill(period, office)
    changed = sorted(k for k, v in own.items() if clean.get(k) != v)
    reason = reason.strip()
    if changed and not reason:
        labels = period.definition.labels
        raise DomainError(
            "Angka berbeda dari data layanan kantor sendiri untuk "
            + ", ".join(labels[k] for k in changed)
            + "; tuliskan alasan perubahan.",
            code="reason",
        )
    now = timezone.now()
    submission = Submission.objects.select_for_update().filter(period=period, office=office).first()
    before = None
    if submission is None:
        submission = Submission(
            period=period, office=office, deadline_at=deadline_for(period, office), source=source
        )
    else:
        before = {"values": submission.values, "status": submission.status}
    submission.values, submission.prefilled = clean, own
    submission.edit_reason = reason if changed else ""
    submission.source = source
    submission.saved_at, submission.saved_by = now, actor
    if file is not None:
        name, data = file
        submission.file.save(name, ContentFile(data), save=False)
    if send and submission.status != SubmissionStatus.SUBMITTED:
        if sent_at is not None and sent_at < now:
            now = sent_at
        submission.status = SubmissionStatus.SUBMITTED
        submission.submitted_at, submission.submitted_by = now, actor
        submission.timeliness = timeliness_of(now, submission.deadline_at)
    submission.save()
    record(
        actor=actor,
        office=office,
        action="report.submission.send" if send else "report.submission.save",
        obj=submission,
        before=before,
        after={
            "period": period.label,
            "values": clean,
            "source": source,
            "timeliness": submission.timeliness,
        },
        reason=reason,
    )
    return submission


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
    if found is None:
        return None
    return (
        Task.objects.filter(
            case_id=period.case_id, step=found[0], office=office, status__in=ACTIVE_TASK
        )
        .select_related("case")
        .order_by("pk")
        .first()
    )


@transaction.atomic
def sent_tasks_settle(*, period: ReportPeriod) -> int:
    """Complete the sending step of every kab/kota that sent before the step opened for it, as
    the Kadis who sent (the step's holder), saying when it was sent. Returns how many."""
    from alur.workflow import engine
    from alur.workflow.services import task_complete

    found = submit_step(period)
    if found is None:
        return 0
    sent = {
        s.office_id: s
        for s in period.submissions.filter(status=SubmissionStatus.SUBMITTED).select_related(
            "submitted_by", "office"
        )
    }
    settled = 0
    for task in Task.objects.filter(
        case_id=period.case_id, step=found[0], status__in=ACTIVE_TASK, office_id__in=list(sent)
    ).order_by("pk"):
        submission = sent[task.office_id]
        sender = submission.submitted_by
        if sender is None or not engine.holds(sender, task.office_id, task.position_kind):
            continue
        moment = timezone.localtime(submission.submitted_at, ZoneInfo(submission.office.timezone))
        task_complete(
            task=task,
            actor=sender,
            outcome=Outcome.DONE,
            reason=(
                f"Laporan sudah dikirim {moment:%d-%m-%Y %H.%M} "
                f"{zone_label(submission.office.timezone)}, sebelum langkah ini terbuka."
            ),
        )
        settled += 1
    return settled


@transaction.atomic
def submission_send(
    *,
    period: ReportPeriod,
    office: Office,
    actor: User,
    values: dict[str, Any],
    source: str = Source.WEB,
    reason: str = "",
    file: tuple[str, bytes] | None = None,
    sent_at: datetime | None = None,
) -> Submission:
    """Send the figures, as the holder of the sending step (the Kadis of the kab/kota): completes
    the office's step of the case when it is open; before it opens (the form went out on the
    schedule while the province's first steps wait) or after it (a correction while the period
    is open) the figures are sent all the same, and an early sending completes the step once it
    opens (`sent_tasks_settle`)."""
    from alur.workflow import engine
    from alur.workflow.services import task_complete

    task = open_submit_task(period, office)
    if not engine.holds(actor, office.pk, submit_position(period)):
        raise DomainError(
            "Laporan dikirim oleh Kepala Dinas kab/kota (pelaksana langkah ini menurut SOP). "
            "Simpan sebagai konsep; Kepala Dinas mengirimnya.",
            code="not_sender",
        )
    if task is not None:
        if file is not None or sent_at is not None:
            submission_save(
                period=period,
                office=office,
                actor=actor,
                values=values,
                source=source,
                reason=reason,
                file=file,
                send=sent_at is not None,
                sent_at=sent_at,
            )
        task_complete(
            task=task,
            actor=actor,
            outcome=Outcome.DONE,
            data={"values": values, "reason": reason, "source": source},
        )
        return Submission.objects.get(period=period, office=office)
    return submission_save(
        period=period,
        office=office,
        actor=actor,
        values=values,
        source=source,
        reason=reason,
        send=True,
        file=file,
        sent_at=sent_at,
    )


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


def upload_form(
    *,
    period: ReportPeriod,
    office: Office,
    actor: User,
    data: bytes,
    filename: str,
    reason: str = "",
    send: bool,
    source: str = Source.EXCEL,
) -> Submission:
    values = read_form(period, office, data)
    if send:
        return submission_send(
            period=period,
            office=office,
            actor=actor,
            values=values,
            source=source,
            reason=reason,
            file=(filename[-80:] or "laporan.xlsx", data),
        )
    return submission_save(
        period=period,
        office=office,
        actor=actor,
        values=values,
        source=source,
        reason=reason,
        file=(filename[-80:] or "laporan.xlsx", data),
    )


# --- reminders ------------------------------------------------------------------------------


def reminders_send(now: datetime | None = None) -> int:
    """Remind the kab/kota that have not sent yet, `remind_hours` before their own deadline
    (once per period, office and person). Returns how many people were reminded."""
    from alur.outbox.choices import Channel, Kind
    from alur.outbox.services import message_enqueue, normalize_whatsapp_number

    now = now or timezone.now()
    reminded = 0
    periods = ReportPeriod.objects.filter(
        status=PeriodStatus.OPEN, distributed_at__isnull=False, definition__is_active=True
    ).select_related("definition", "definition__office")
    for period in periods:
        sent = set(
            period.submissions.filter(status=SubmissionStatus.SUBMITTED).values_list(
                "office_id", flat=True
            )
        )
        due = []
        for office in reporters(period):
            deadline = deadline_for(period, office)
            window = timedelta(hours=period.definition.remind_hours)
            if office.pk not in sent and deadline - window <= now < deadline:
                due.append(office)
        if not due:
            continue
        with transaction.atomic():
            sender = _province_number(period.definition.office)
            for appointment in _submitters(due):
                office = appointment.position.office
                text = (
                    f"Pengingat: {period.definition.title} periode {period.label} untuk {office} "
                    f"belum dikirim. Tenggat {deadline_text(period, office)}."
                )
                if not _notify(appointment.user, office, "reports.reminder", text, now):
                    continue
                reminded += 1
                if sender and appointment.user.phone:
                    message_enqueue(
                        office=period.definition.office,
                        channel=Channel.WHATSAPP,
                        kind=Kind.TEXT,
                        sender=sender,
                        recipient=normalize_whatsapp_number(appointment.user.phone),
                        payload={"body": text},
                        dedupe_key=f"report-remind:{period.pk}:{office.code}:{appointment.user_id}",
                        cause=period,
                    )
            record(
                actor=None,
                office=period.definition.office,
                action="report.remind",
                obj=period,
                after={"offices": [o.code for o in due]},
            )
    return reminded


# --- closing and the recap --------------------------------------------------------------------


def _close_collect_step(period: ReportPeriod, actor: User, reason: str) -> int:
    """Cancel the collecting tasks of the kab/kota that did not send, and move the case on."""
    if period.case_id is None:
        return 0
    found = submit_step(period)
    if found is None:
        return 0
    sent_tasks_settle(period=period)
    case = Case.objects.get(pk=period.case_id)
    return engine_services.fan_out_close(case=case, step=found[0], actor=actor, reason=reason)


@transaction.atomic
def period_close(*, period: ReportPeriod, actor: User, reason: str = "") -> ReportPeriod:
    """Close the period after every reporter's deadline: no more submissions; those who did not
    send are missing, and the case goes on to the recap."""
    period = _locked(period)
    _check(period, "close")
    require(actor, Capability.HANDLE_CASES, period.definition.office)
    found = submit_step(period)
    if (
        found is not None
        and not Task.objects.filter(case_id=period.case_id, step=found[0]).exists()
    ):
        raise DomainError(
            f"Periode belum dapat ditutup: langkah sebelum pengiriman laporan kab/kota (langkah "
            f"{found[0]}) belum selesai pada perkara {period.case.reference}.",
            code="not_collecting",
        )
    now = timezone.now()
    offices = reporters(period)
    latest = max((deadline_for(period, o) for o in offices), default=now)
    sent = period.submissions.filter(status=SubmissionStatus.SUBMITTED).count()
    if now < latest and sent < len(offices):
        raise DomainError(
            f"Periode belum dapat ditutup: tenggat kab/kota terakhir {_local(latest, period)} "
            f"({len(offices) - sent} kab/kota belum mengirim).",
            code="early",
        )
    period.status, period.closed_at = PeriodStatus.CLOSED, now
    period.save(update_fields=["status", "closed_at"])
    cancelled = _close_collect_step(
        period, actor, reason.strip() or "Periode ditutup; laporan tidak masuk."
    )
    record(
        actor=actor,
        office=period.definition.office,
        action="report.period.close",
        obj=period,
        reason=reason,
        after={"submitted": sent, "expected": len(offices), "missing_tasks_closed": cancelled},
    )
    return period


def _local(moment: datetime, period: ReportPeriod) -> str:
    zone = period.definition.office.timezone
    return f"{timezone.localtime(moment, ZoneInfo(zone)):%d-%m-%Y %H.%M} {zone_label(zone)}"


def recap_compute(period: ReportPeriod) -> dict[str, Any]:
    """The recap of a weekly period from the database: three queries."""
    definition = period.definition
    offices = reporters(period)
    sent = {
        s.office.code: recap.Sent(s.values, s.submitted_at, s.timeliness)
        for s in period.submissions.filter(status=SubmissionStatus.SUBMITTED).select_related(
            "office"
        )
    }
    previous_period = (
        ReportPeriod.objects.filter(definition=definition, ends_on__lt=period.starts_on)
        .order_by("-ends_on")
        .first()
    )
    previous: dict[str, dict[str, int]] = {}
    if previous_period is not None:
        previous = {
            code: values
            for code, values in previous_period.submissions.filter(
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


@transaction.atomic
def period_aggregate(*, period: ReportPeriod, actor: User | None) -> ReportPeriod:
    """Close the period (if still open) and store its recap: S0 the figures per kab/kota and
    totals with the change from last period, S4 the coverage per indicator."""
    period = _locked(period)
    _check(period, "aggregate")
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


def _letter_body(period: ReportPeriod) -> str:
    data = period.recap
    r = data["rates"]
    province = period.definition.office
    area = province.region.name if province.region else str(province)
    lines = [
        f"Dengan hormat, bersama ini kami sampaikan {period.definition.title} Dinas Dukcapil "
        f"Kabupaten/Kota se-{area} "
        f"periode {period.label}.",
        "",
        f"Laporan masuk {r['submitted']} dari {r['expected']} kabupaten/kota (tingkat pelaporan "
        f"{r['reporting_rate']}%), tepat waktu {r['on_time']} ({r['on_time_rate']}%), terlambat "
        f"{r['late']}, tidak melapor {r['missing']}.",
        "",
        "Jumlah pelayanan per jenis layanan:",
    ]
    for service in data["services"]:
        change = "" if service["change"] is None else f" ({service['change']:+.1f}%)"
        lines.append(f"- {service['label']}: {recap._n(service['total'])}{change}")
    lines += ["", "Rincian per kabupaten/kota tercantum dalam tabel berikut."]
    return "\n".join(lines)


@transaction.atomic
def recap_letter_draft(*, case: Case, actor: User) -> Any:
    """The case's letter (a laporan) from its recap: items are the recap rows, recipients the
    definition's. Only the holder of the drafting step may do it (letters' rule)."""
    from alur.letters.drafting import LetterInput, letter_create

    period = period_of(case)
    if period is None or not period.recap:
        raise DomainError("Rekap periode ini belum dibuat.", code="no_recap")
    recipients = [
        (str(r[0]), str(r[1]), str(r[2]), int(r[3]) if len(r) > 3 and r[3] else None)
        for r in period.definition.recipients
    ]
    return letter_create(
        office=case.office,
        actor=actor,
        case=case,
        data=LetterInput(
            kind="laporan",
            classification=period.definition.classification,
            subject=f"{period.definition.title} periode {period.label}"[:300],
            body=_letter_body(period),
            extra={"items": recap.letter_items(period.recap)},
        ),
        recipients=recipients,
    )


@transaction.atomic
def recap_step_complete(*, task: Task, actor: User) -> Task:
    """Step 4 of S0 as its actor does it: close and recap (the step's action), and, when the
    same person holds the drafting step that opens next, the recap becomes the case's letter."""
    from alur.letters.drafting import open_draft_task
    from alur.letters.steps import case_letter
    from alur.workflow.services import task_complete

    done = task_complete(task=task, actor=actor, outcome=Outcome.DONE)
    case = done.case
    if case_letter(case) is None and open_draft_task(case, actor):
        recap_letter_draft(case=case, actor=actor)
    return done


def recap_xlsx(period: ReportPeriod) -> bytes:
    data = period.recap or recap_compute(period)
    return excel.recap_xlsx(data, title=period.definition.title)


# --- S4: coverage ---------------------------------------------------------------------------


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


def previous_period(period: ReportPeriod) -> ReportPeriod | None:
    return (
        ReportPeriod.objects.filter(definition=period.definition, ends_on__lt=period.starts_on)
        .order_by("-ends_on")
        .first()
    )


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


def period_ensure(*, case: Case, actor: User | None) -> ReportPeriod:
    return period_of(case) or period_open(case=case, actor=actor)


@transaction.atomic
def coverage_import_create(
    *, period: ReportPeriod, actor: User, data: bytes, filename: str
) -> CoverageImport:
    """Keep the uploaded PIAK file and queue its reading (the page shows the progress)."""
    from alur.reports.tasks import run_coverage_import

    period = _locked(period)
    _check(period, "import")
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
        period = _locked(period)
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


def coverage_ready(period: ReportPeriod) -> CoverageImport:
    job = period.imports.filter(status=JobStatus.DONE).order_by("-created_at").first()
    if job is None:
        raise DomainError(
            "Data cakupan kabupaten/kota bulan ini belum diimpor tanpa kesalahan. Unggah berkas "
            "PIAK (Excel/CSV) pada langkah ini.",
            code="no_data",
        )
    return job


def lakip_files(period: ReportPeriod) -> tuple[bytes, bytes]:
    from alur.reports import pdf

    data = period.recap if period.recap else coverage_compute(period)
    title = period.definition.title
    return excel.lakip_xlsx(data, title=title), pdf.lakip_pdf(period, data)


@transaction.atomic
def lakip_deliver(*, period: ReportPeriod, actor: User | None) -> list[str]:
    """Keep the LAKIP export (Excel and PDF) of the month and tell the Sekretariat; logged."""
    period = _locked(period)
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
        if _notify(
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


# --- S0's delivery steps: the signed report to the recipients the office configured -----------


def step_recipients(definition: ReportDefinition, step: int) -> list[list[Any]]:
    return [list(r) for r in definition.recipients if len(r) > 3 and r[3] == step]


@transaction.atomic
def report_send(*, case: Case, step: int, actor: User) -> int:
    """Delivery step `step` of a report case: the recipients the office configured for that
    step join the signed letter's list, and the letter goes to everyone of the step not yet sent
    to (a WhatsApp document or an e-mail attachment, through the outbox). A step with nobody to
    send to refuses, naming where the recipients are set. Returns how many were queued."""
    from alur.letters.delivery import letter_deliver
    from alur.letters.drafting import recipient_add
    from alur.letters.models_letter import LetterStatus
    from alur.letters.steps import case_letter

    period = period_of(case)
    if period is None:
        raise DomainError("Perkara ini belum memiliki periode laporan.", code="no_period")
    letter = case_letter(case)
    if letter is None or letter.status != LetterStatus.SIGNED:
        raise DomainError(
            "Laporan belum ditandatangani Kepala Dinas, jadi belum dapat dikirim.", code="unsigned"
        )
    configured = step_recipients(period.definition, step)
    for name, channel, address, _step in configured:
        recipient_add(
            letter=letter,
            actor=actor,
            name=name,
            channel=channel,
            address=address,
            step=step,
            by_step=True,
        )
    own = (
        letter.recipients.filter(step=step).exists()
        or letter.recipients.filter(step__isnull=True).exists()
    )
    if not configured and not own:
        raise DomainError(
            f"Langkah {step} belum memiliki penerima, jadi laporan tidak dapat dikirim. Atur "
            f"penerima langkah {step} (nomor WhatsApp atau surel) pada definisi laporan: "
            "Laporan berkala → Definisi laporan → Penerima laporan bertanda tangan.",
            code="no_recipient",
        )
    queued = letter_deliver(letter=letter, actor=actor, step=step)
    record(
        actor=actor,
        office=case.office,
        action="report.send",
        obj=period,
        after={"step": step, "queued": queued, "configured": [r[0] for r in configured]},
    )
    return queued


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
