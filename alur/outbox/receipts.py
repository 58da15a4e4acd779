"""Provider receipts (WhatsApp status notifications) applied to the outbox: forward only, a failed
receipt retried or switched to the template, and a send whose outcome was never recorded adopted
by the receipt that names it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction

from alur.audit.services import record
from alur.outbox.choices import STATUS_RANK, MessageStatus
from alur.outbox.delivery import apply_failure
from alur.outbox.models import OutboundMessage
from alur.outbox.senders import parse_callback_data, receipt_error


def _adopt_send(
    provider_message_id: str,
    status: str,
    at: datetime,
    callback_data: str | None,
    error: Mapping[str, Any] | None = None,
) -> OutboundMessage | None:
    """The row a receipt's `biz_opaque_callback_data` names, given the provider id of its send
    when that send's outcome was never recorded (its worker died after the provider accepted,
    or the receipt outran the record). Only the attempt the data names, only while no other
    send of the row has begun. A `failed` receipt is recorded at once: the row goes to its
    template fallback, its retry or failed (`apply_failure`), and the send's HTTP answer,
    when it comes, no longer marks it sent (`delivery._record_sent`). Runs inside the
    caller's transaction; the row is locked."""
    named = parse_callback_data(callback_data)
    if named is None or (status not in STATUS_RANK and status != MessageStatus.FAILED):
        return None
    row_id, attempt = named
    message = (
        OutboundMessage.objects.select_for_update(of=("self",))
        .select_related("office")
        .filter(
            pk=row_id,
            attempts=attempt,
            provider_message_id="",
            status__in=[MessageStatus.SENDING, MessageStatus.QUEUED],
        )
        .first()
    )
    if message is None:
        return None
    if status == MessageStatus.FAILED:
        apply_failure(message, receipt_error(error or {}), at)
        return message
    reclaimed = message.status == MessageStatus.QUEUED
    message.status = MessageStatus.SENT
    message.provider_message_id = provider_message_id
    message.sent_at = at
    message.claimed_at = None
    message.last_error = ""
    message.error_code = ""
    message.save(
        update_fields=[
            "status",
            "provider_message_id",
            "sent_at",
            "claimed_at",
            "last_error",
            "error_code",
        ]
    )
    if reclaimed:  # the sweep had put it back in the queue: the receipt keeps it from a resend
        record(
            actor=None,
            office=message.office,
            action="outbox.receipt_recovered",
            obj=message,
            after={"provider_message_id": provider_message_id, "attempts": message.attempts},
            reason="Tanda terima WhatsApp membuktikan pesan sudah terkirim; tidak dikirim ulang.",
        )
    return message


def message_status_update(
    *,
    provider_message_id: str,
    status: str,
    at: datetime,
    error: Mapping[str, Any] | None = None,
    callback_data: str | None = None,
) -> OutboundMessage | None:
    """Apply a provider receipt (WhatsApp webhook status). Unknown ids are ignored (None).

    Receipts only move forward (sent → delivered → read); a late or repeated receipt changes
    nothing. `failed` (with the Graph API `error` object) counts only for a sent message; when
    its error is the closed 24-hour window and a template fallback exists, the template is
    queued instead. A receipt whose id we do not know yet but whose `callback_data` names a row
    and its current attempt records that send on the row first (`_adopt_send`).
    """
    if not provider_message_id:
        return None
    with transaction.atomic():
        message = (
            OutboundMessage.objects.select_for_update(of=("self",))
            .select_related("office")
            .filter(provider_message_id=provider_message_id)
            .first()
        )
        if message is None:
            message = _adopt_send(provider_message_id, status, at, callback_data, error)
            if message is not None and status == MessageStatus.FAILED:
                return message  # recorded by the adoption
        if message is None:
            return None
        if status == MessageStatus.FAILED:
            if message.status == MessageStatus.SENT:
                apply_failure(message, receipt_error(error or {}), at)
            return message
        rank = STATUS_RANK.get(status)
        if rank is None or message.status == MessageStatus.FAILED:
            return message
        if rank <= STATUS_RANK[message.status]:
            return message  # a late or repeated receipt
        stamps = {
            MessageStatus.SENT: ["sent_at"],
            MessageStatus.DELIVERED: ["sent_at", "delivered_at"],
            MessageStatus.READ: ["sent_at", "delivered_at", "read_at"],
        }[MessageStatus(status)]
        for field in stamps:  # read implies delivered: fill what a lost receipt left empty
            if getattr(message, field) is None:
                setattr(message, field, at)
        message.status = status
        message.save(update_fields=["status", *stamps])
    return message
