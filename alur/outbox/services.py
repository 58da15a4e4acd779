"""The outbox: messages written with the change that causes them, sent by workers, never lost.

Queueing (`message_enqueue`, `whatsapp_enqueue`) runs in the transaction of the change and
schedules delivery for after its commit; a staff retry (`message_retry`) puts a failed message
back in the queue. Sending is in `outbox.delivery`, receipts in `outbox.receipts`, what a
message must be in `outbox.validation`.

Audit: enqueueing, failing, switching to the template fallback, reclaiming an interrupted send
and a staff retry are audited in their transaction. The frequent, routine moves (claimed,
sent, delivered, read, a retry after a transient error) are not: their times, attempts and
last error are on the row itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone

from alur.audit.services import record
from alur.core.errors import ConflictError
from alur.org.access import Capability, require
from alur.org.models import Office, User
from alur.outbox import consent
from alur.outbox.choices import ACTION_STATUSES, Channel, MessageStatus
from alur.outbox.content import WhatsAppContent
from alur.outbox.models import OutboundMessage
from alur.outbox.validation import validate_message, validated_recipient

WITHHELD_CODE = "consent"  # error_code of a message the citizen's BERHENTI kept back


def _schedule(message_id: int) -> None:
    """Ask a worker to send now. Only a nudge: the periodic sweep finds the row regardless."""
    from alur.outbox.tasks import deliver_message

    deliver_message(message_id)


def schedule_on_commit(message_id: int) -> None:
    # robust: if the task queue is unreachable the change stays committed and the sweep sends.
    transaction.on_commit(partial(_schedule, message_id), robust=True)


def message_enqueue(
    *,
    office: Office,
    channel: str,
    kind: str,
    sender: str,
    recipient: str,
    payload: Mapping[str, Any],
    dedupe_key: str | None = None,
    template_fallback: Mapping[str, Any] | None = None,
    cause: Model | None = None,
    actor: User | None = None,
    withheld: str = "",
) -> OutboundMessage:
    """Queue one message in the transaction of the change that causes it.

    With a `dedupe_key` (unique across the deployment: include the office and the cause, e.g.
    "case:18.08/2026/000123:done:wa") the same logical notice is queued once; a second call
    returns the first row unchanged. Delivery is scheduled for after the commit, so a rolled
    back change sends nothing. With `withheld` (the reason, e.g. the citizen said BERHENTI:
    `outbox.consent`) the row is kept as `withheld` for staff to see and never sent.
    """
    if not connection.in_atomic_block:
        raise RuntimeError(
            "outbox.message_enqueue must run inside the transaction of the change that causes it"
        )
    if dedupe_key:
        existing = OutboundMessage.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    validate_message(
        channel=channel,
        kind=kind,
        sender=sender,
        payload=payload,
        template_fallback=template_fallback,
    )
    now = timezone.now()
    message = OutboundMessage(
        office=office,
        channel=channel,
        kind=kind,
        sender=sender,
        recipient=validated_recipient(channel, recipient),
        payload=dict(payload),
        template_fallback=dict(template_fallback) if template_fallback is not None else None,
        dedupe_key=dedupe_key or "",
        next_attempt_at=now,
        created_at=now,
        object_type=cause._meta.label_lower if cause is not None else "",
        object_id=str(cause.pk) if cause is not None else "",
        created_by=actor,
    )
    if withheld:
        message.status, message.last_error, message.error_code = (
            MessageStatus.WITHHELD,
            withheld,
            WITHHELD_CODE,
        )
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin may hold the same key
            message.save()
    except IntegrityError:
        if not dedupe_key:
            raise
        return OutboundMessage.objects.get(dedupe_key=dedupe_key)
    record(
        actor=actor,
        office=office,
        action="outbox.enqueue",
        obj=message,
        after={
            "channel": channel,
            "kind": kind,
            "recipient": message.masked_recipient,
            "dedupe_key": message.dedupe_key,
            **({"withheld": withheld} if withheld else {}),
        },
    )
    if not withheld:
        schedule_on_commit(message.pk)
    return message


def whatsapp_enqueue(
    *,
    office: Office,
    sender: str,
    recipient: str,
    content: WhatsAppContent,
    dedupe_key: str | None = None,
    cause: Model | None = None,
    actor: User | None = None,
    required: bool = False,
) -> OutboundMessage:
    """Queue a WhatsApp message built by `alur.outbox.content` (text or document, with the
    template that carries it outside the 24-hour window); see `message_enqueue`.

    The citizen's consent (`outbox.consent`): to a number that said BERHENTI only a reply to the
    citizen's own message (`cause` = their inbound message of the last 24 hours) and a notice
    the law requires (`required=True`: a decision on their application or complaint) are sent;
    anything else is kept as `withheld` with the reason."""
    withheld = consent.withheld_reason(
        sender=sender,
        recipient=validated_recipient(Channel.WHATSAPP, recipient),
        cause=cause,
        required=required,
        now=timezone.now(),
    )
    return message_enqueue(
        office=office,
        channel=Channel.WHATSAPP,
        kind=content.kind,
        sender=sender,
        recipient=recipient,
        payload=content.payload,
        template_fallback=content.template_fallback,
        dedupe_key=dedupe_key,
        cause=cause,
        actor=actor,
        withheld=withheld,
    )


def message_retry(*, message: OutboundMessage, actor: User, reason: str = "") -> OutboundMessage:
    """Staff send a failed message again: back in the queue now, attempts from zero."""
    require(actor, Capability.VIEW_AUDIT, message.office_id)
    with transaction.atomic():
        current = (
            OutboundMessage.objects.select_for_update(of=("self",))
            .select_related("office")
            .get(pk=message.pk)
        )
        if current.status not in ACTION_STATUSES["retry"]:
            raise ConflictError(
                f"Pesan ini berstatus «{current.get_status_display()}»; "
                "hanya pesan yang gagal yang dapat dikirim ulang."
            )
        before = {
            "status": current.status,
            "attempts": current.attempts,
            "error_code": current.error_code,
            "last_error": current.last_error,
        }
        now = timezone.now()
        current.status = MessageStatus.QUEUED
        current.attempts = 0
        current.next_attempt_at = now
        current.failed_at = None
        current.provider_message_id = ""
        current.sent_at = None
        current.delivered_at = None
        current.read_at = None
        current.save(
            update_fields=[
                "status",
                "attempts",
                "next_attempt_at",
                "failed_at",
                "provider_message_id",
                "sent_at",
                "delivered_at",
                "read_at",
            ]
        )
        record(
            actor=actor,
            office=current.office,
            action="outbox.retry",
            obj=current,
            before=before,
            after={"status": current.status},
            reason=reason.strip(),
        )
        schedule_on_commit(current.pk)
    return current
