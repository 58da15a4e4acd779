"""Sending a signed letter to its recipients: a WhatsApp document from the office's business
number, or an e-mail with the PDF attached, each through the outbox (retries, receipts, status).

Each recipient is sent to once: the outbox's dedupe key is the letter and the address, so a
delivery step run again, or a double click on "kirim", queues nothing new.
"""

from __future__ import annotations

from django.db import transaction

from alur.audit.services import record
from alur.core.errors import DomainError
from alur.letters.models import Letter, LetterEventKind, LetterStatus, Recipient
from alur.letters.services import event_add, locked
from alur.org.access import Capability, require
from alur.org.models import User
from alur.outbox.choices import Channel, Kind
from alur.outbox.content import whatsapp_document
from alur.outbox.services import message_enqueue, whatsapp_enqueue
from alur.whatsapp_cloud.notices import LETTER_ISSUED

# The approved WhatsApp template (utility, document header, one body parameter) a letter goes
# as when its recipient has not written to the number in the last 24 hours.
DOCUMENT_TEMPLATE = LETTER_ISSUED.name  # alur.whatsapp_cloud.notices


def _whatsapp_sender(letter: Letter) -> str:
    from alur.whatsapp_cloud.selectors import office_number

    number = office_number(letter.office)
    if number is None:
        raise DomainError(
            f"{letter.office.short_name} belum memiliki nomor WhatsApp resmi untuk mengirim "
            "naskah.",
            code="no_number",
        )
    return number.phone_number_id


def _filename(letter: Letter) -> str:
    number = letter.number.number if letter.number else str(letter.pk)
    safe = "".join(c if c.isalnum() or c in "-." else "-" for c in number)
    return f"{letter.kind}-{safe}.pdf"


def _caption(letter: Letter) -> str:
    number = letter.number.number if letter.number else ""
    return (
        f"{letter.get_kind_display()} {letter.office.short_name} nomor {number}: {letter.subject}"
    )


def due_recipients(letter: Letter, step: int | None) -> list[Recipient]:
    """Recipients not yet sent to: those of delivery step `step`, and those without a step.
    With `step` None (sent from the letter's page) every recipient not yet sent to."""
    rows = letter.recipients.filter(message__isnull=True).order_by("pk")
    if step is not None:
        rows = rows.filter(step__isnull=True) | rows.filter(step=step)
    return list(rows)


def _enqueue(letter: Letter, recipient: Recipient, actor: User | None) -> None:
    document = letter.document
    assert document is not None  # noqa: S101 - signed letters have their document
    dedupe = f"letter:{letter.pk}:{recipient.channel}:{recipient.address}"
    if recipient.channel == Recipient.Channel.WHATSAPP:
        message = whatsapp_enqueue(
            office=letter.office,
            sender=_whatsapp_sender(letter),
            recipient=recipient.address,
            content=whatsapp_document(
                path=document.file.name,
                filename=_filename(letter),
                caption=_caption(letter),
                template=DOCUMENT_TEMPLATE,
            ),
            dedupe_key=dedupe,
            cause=letter,
            actor=actor,
        )
    else:
        message = message_enqueue(
            office=letter.office,
            channel=Channel.EMAIL,
            kind=Kind.DOCUMENT,
            sender=letter.office.email,
            recipient=recipient.address,
            payload={
                "subject": _caption(letter)[:200],
                "body": (
                    f"Yth. {recipient.name},\n\nTerlampir {_caption(letter)}.\n"
                    "Keaslian dokumen dapat diperiksa dengan kode verifikasi "
                    f"{document.verify_code} pada halaman verifikasi yang tercantum di dokumen."
                    "\n\n"
                    f"{letter.office.name}"
                ),
                "path": document.file.name,
                "filename": _filename(letter),
            },
            dedupe_key=dedupe,
            cause=letter,
            actor=actor,
        )
    recipient.message = message
    recipient.save(update_fields=["message"])


@transaction.atomic
def letter_deliver(*, letter: Letter, actor: User | None, step: int | None = None) -> int:
    """Queue the signed letter for its recipients still waiting (see `due_recipients`); how many
    were queued. `actor` None: the engine's delivery step (already checked)."""
    letter = locked(letter)
    if actor is not None:
        require(actor, Capability.HANDLE_CASES, letter.office)
    if letter.status != LetterStatus.SIGNED:
        raise DomainError("Naskah belum ditandatangani, jadi belum dapat dikirim.", code="unsigned")
    recipients = due_recipients(letter, step)
    for recipient in recipients:
        _enqueue(letter, recipient, actor)
    if recipients and actor is not None:
        names = ", ".join(r.name for r in recipients)
        event_add(letter, LetterEventKind.DELIVER, actor, note=names)
    if recipients:
        record(
            actor=actor,
            office=letter.office,
            action="letter.deliver",
            obj=letter,
            after={"recipients": [f"{r.channel}:{r.name}" for r in recipients], "step": step},
        )
    return len(recipients)
