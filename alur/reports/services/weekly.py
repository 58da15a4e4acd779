"""S0, the weekly service report: the form goes to every kab/kota (step 2), each kab/kota sends
its figures (step 3, one task per office; web form, Excel upload or WhatsApp), the period is
closed and recapped and the recap becomes the case's letter (step 4), whose chain the letters
app runs; the delivery steps send the signed report to the recipients the office configured."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from alur.audit.services import record
from alur.core.errors import DomainError
from alur.core.validators import is_ascii_digits
from alur.org.access import Capability, require
from alur.org.models import Office, User
from alur.org.regions import zone_label
from alur.reports import recap
from alur.reports.choices import PeriodStatus, Source, SubmissionStatus
from alur.reports.files import form_bytes, form_filename, read_form
from alur.reports.models import ReportPeriod, Submission
from alur.reports.selectors import (
    deadline_for,
    deadline_text,
    open_submit_task,
    period_of,
    prefill,
    province_number,
    reporters,
    step_recipients,
    submit_position,
    submit_step,
    submitters,
)
from alur.reports.services.periods import check_action, locked_period, notify
from alur.reports.timeliness import timeliness_of
from alur.whatsapp_cloud.notices import REPORT_FORM
from alur.workflow import services as engine_services
from alur.workflow.choices import ACTIVE_TASK, Outcome
from alur.workflow.models import Case, Task

log = logging.getLogger(__name__)

FORM_TEMPLATE = REPORT_FORM.name  # approved WhatsApp template: alur.whatsapp_cloud.notices


@transaction.atomic
def period_distribute(*, period: ReportPeriod, actor: User | None) -> int:
    """Send the period's form to every kab/kota: an in-app notice to everyone there who may
    report, and the Excel form on WhatsApp from the province's number (through the outbox).
    Idempotent: a second run queues nothing new. Returns the number of offices reached."""
    from alur.outbox.content import whatsapp_document
    from alur.outbox.services import whatsapp_enqueue
    from alur.outbox.validation import normalize_whatsapp_number

    period = locked_period(period)
    check_action(period, "submit")
    province = period.definition.office
    if actor is not None:
        require(actor, Capability.HANDLE_CASES, province)
    now = timezone.now()
    offices = reporters(period)
    sender = province_number(province)
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
        for appointment in submitters([office]):
            notify(appointment.user, office, "reports.form", message, now)
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
            whatsapp_enqueue(
                office=province,
                sender=sender,
                recipient=phone,
                content=whatsapp_document(
                    path=path,
                    filename=form_filename(period, office),
                    caption=caption,
                    template=FORM_TEMPLATE,
                ),
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
    period = locked_period(period)
    check_action(period, "submit" if send else "draft")
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


@transaction.atomic
def sent_tasks_settle(*, period: ReportPeriod) -> int:
    """Complete the sending step of every kab/kota that sent before the step opened for it, as
    the Kadis who sent (the step's holder), saying when it was sent. Returns how many."""
    from alur.workflow import engine
    from alur.workflow.services import task_complete

    found = submit_step(period)
    if found is None or period.case_id is None:
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
        moment = timezone.localtime(submission.submitted_at, submission.office.zone)
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
    write = submission_send if send else submission_save
    return write(
        period=period,
        office=office,
        actor=actor,
        values=values,
        source=source,
        reason=reason,
        file=(filename[-80:] or "laporan.xlsx", data),
    )


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
    period = locked_period(period)
    check_action(period, "close")
    require(actor, Capability.HANDLE_CASES, period.definition.office)
    found = submit_step(period)
    case = period.case
    if (
        found is not None
        and case is not None
        and not Task.objects.filter(case_id=case.pk, step=found[0]).exists()
    ):
        raise DomainError(
            f"Periode belum dapat ditutup: langkah sebelum pengiriman laporan kab/kota (langkah "
            f"{found[0]}) belum selesai pada perkara {case.reference}.",
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
    office = period.definition.office
    return f"{timezone.localtime(moment, office.zone):%d-%m-%Y %H.%M} {zone_label(office.timezone)}"


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
    from alur.letters.services import LetterInput, letter_create

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
    from alur.letters.selectors import case_letter, open_draft_task
    from alur.workflow.services import task_complete

    done = task_complete(task=task, actor=actor, outcome=Outcome.DONE)
    case = done.case
    if case_letter(case) is None and open_draft_task(case, actor):
        recap_letter_draft(case=case, actor=actor)
    return done


@transaction.atomic
def report_send(*, case: Case, step: int, actor: User) -> int:
    """Delivery step `step` of a report case: the recipients the office configured for that
    step join the signed letter's list, and the letter goes to everyone of the step not yet sent
    to (a WhatsApp document or an e-mail attachment, through the outbox). A step with nobody to
    send to refuses, naming where the recipients are set. Returns how many were queued."""
    from alur.letters.delivery import letter_deliver
    from alur.letters.models import LetterStatus
    from alur.letters.selectors import case_letter
    from alur.letters.services import recipient_add

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
