"""Reminders to the kab/kota that have not sent their report, before their own deadline."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from alur.audit.services import record
from alur.reports.choices import PeriodStatus, SubmissionStatus
from alur.reports.models import ReportPeriod
from alur.reports.selectors import (
    deadline_for,
    deadline_text,
    province_number,
    reporters,
    submitters,
)
from alur.reports.services.periods import notify


def reminders_send(now: datetime | None = None) -> int:
    """Remind the kab/kota that have not sent yet, `remind_hours` before their own deadline
    (once per period, office and person). Returns how many people were reminded."""
    from alur.outbox.content import whatsapp_text
    from alur.outbox.services import whatsapp_enqueue
    from alur.outbox.validation import normalize_whatsapp_number

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
            sender = province_number(period.definition.office)
            for appointment in submitters(due):
                office = appointment.position.office
                text = (
                    f"Pengingat: {period.definition.title} periode {period.label} untuk {office} "
                    f"belum dikirim. Tenggat {deadline_text(period, office)}."
                )
                if not notify(appointment.user, office, "reports.reminder", text, now):
                    continue
                reminded += 1
                if sender and appointment.user.phone:
                    whatsapp_enqueue(
                        office=period.definition.office,
                        sender=sender,
                        recipient=normalize_whatsapp_number(appointment.user.phone),
                        content=whatsapp_text(text),
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
