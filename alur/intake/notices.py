"""What the applicant hears over WhatsApp as their case moves: returned for missing papers (see
`intake.checking`), and done. Runs inside the engine's transition; sent from the number the
application came in on (`alur.whatsapp_cloud`), through the outbox."""

from __future__ import annotations

from alur.outbox.content import whatsapp_text
from alur.outbox.models import OutboundMessage
from alur.outbox.services import whatsapp_enqueue
from alur.whatsapp_cloud.models import BusinessNumber
from alur.whatsapp_cloud.notices import application_notice
from alur.whatsapp_cloud.selectors import service_number
from alur.workflow.models import Case
from alur.workflow.notices import register_notifier
from alur.workflow.services import StepContext


def number_for(case: Case) -> BusinessNumber | None:
    """The number the application came in on, or the office's number for its service."""
    application = getattr(case, "application", None)
    if application is None:
        return None
    if application.whatsapp_number_id:
        return application.whatsapp_number
    return service_number(case.office, application.service_code)


def notify(case: Case, body: str, key: str) -> OutboundMessage | None:
    application = getattr(case, "application", None)
    number = number_for(case)
    if application is None or number is None or not application.applicant_phone:
        return None
    # Outside the 24-hour window the notice goes as its kind's approved template (returned,
    # rejected, done: alur.whatsapp_cloud.notices), the text as its one-line parameter.
    template = application_notice(key)
    return whatsapp_enqueue(
        office=case.office,
        sender=number.phone_number_id,
        recipient=application.applicant_phone,
        content=whatsapp_text(body, template=template.name, language=template.language),
        dedupe_key=f"case-notice:{case.reference}:{key}",
        cause=case,
        # a decision on the application (returned, rejected, done): owed even after BERHENTI
        required=True,
    )


def on_done(context: StepContext) -> None:
    notify(
        context.case,
        f"Dokumen permohonan {context.case.reference} sudah selesai dan dapat diambil di "
        f"{context.case.office.short_name}. Terima kasih.",
        "done",
    )


def tell(case: Case, body: str, key: str) -> str | None:
    """The engine's notice of a return or refusal (alur.workflow.notices): the text queued
    under `key` (an earlier notice under the same key is not sent twice)."""
    message = notify(case, body, key)
    return None if message is None else str(message.payload.get("body", body))


def register() -> None:
    register_notifier("WhatsApp", tell)
