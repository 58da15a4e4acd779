"""Receiving WhatsApp webhooks: stored raw first, then read by the worker, once per message."""

from __future__ import annotations

import json
import logging
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import psycopg
from django.db import (
    DatabaseError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    connection,
    transaction,
)
from django.utils import timezone

from alur.whatsapp.models import BusinessNumber, InboundMessage, WebhookDelivery

log = logging.getLogger(__name__)

MEDIA_KINDS = ("image", "document", "audio", "video", "sticker")


def webhook_receive(*, body: bytes, signature: str) -> int:
    """Store a verified delivery as it came and queue its reading; the stored row's id.

    The row is committed when this returns: in autocommit one INSERT is its own transaction, so
    one round trip stores and commits it (no BEGIN and COMMIT of their own, no model instance).
    The worker's task is queued once the row is committed: at once here, or at the commit of a
    caller's transaction.
    """
    params = [
        connection.ops.adapt_datetimefield_value(timezone.now()),
        body,
        signature,
        WebhookDelivery.State.RECEIVED.value,
        "",
    ]
    if connection.in_atomic_block or not connection.health_check_enabled:
        delivery_id = _insert_delivery(params)
    else:
        delivery_id = _insert_delivery_unchecked(params)
    from alur.whatsapp.tasks import process_delivery

    transaction.on_commit(lambda: process_delivery(delivery_id))
    return delivery_id


@cache
def _insert_sql() -> str:
    meta = WebhookDelivery._meta
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(meta.get_field(name).column)
        for name in ("received_at", "body", "signature", "state", "note")
    )
    return (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES (%s, %s, %s, %s, %s) "  # noqa: S608
        f"RETURNING {quote(meta.pk.column)}"
    )


def _insert_delivery(params: list[object]) -> int:
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_insert_sql(), params)
            return int(cursor.fetchone()[0])
    # psycopg's own cursor binds the parameters on the server: the body travels as it is
    # instead of escaped into the statement's text, and psycopg prepares the statement once
    # per connection. What Django's cursor would do first is done here; its errors are Django's.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(_insert_sql(), params)
        row = cursor.fetchone()
    assert row is not None  # noqa: S101 - INSERT … RETURNING returns the row
    return int(row[0])


def _insert_delivery_unchecked(params: list[object]) -> int:
    """The INSERT without the connection's health check of this request (CONN_HEALTH_CHECKS'
    `SELECT 1`, a round trip of its own): a reused connection that turns out dead (the server
    restarted) is dropped and the INSERT sent once more on a new one. Should the first INSERT
    have been committed before its connection broke, the delivery is stored twice, as when
    Meta retries it; its messages are still read once (InboundMessage.message_id is unique).
    """
    reused = connection.connection is not None
    connection.health_check_done = True
    try:
        return _insert_delivery(params)
    except (OperationalError, InterfaceError):
        if not reused:
            raise
        with suppress(DatabaseError):
            connection.close()
    return _insert_delivery(params)


# Longer than a delivery task's retries take (5 retries 30 s apart).
STRANDED_AFTER = timedelta(minutes=5)


def webhook_read_stranded(*, older_than: timedelta = STRANDED_AFTER, limit: int = 1000) -> int:
    """Read the deliveries still unread long after they were stored; how many were read.

    The stored row, not the queued task, is the record that a delivery awaits reading: a task
    lost with the queue (Redis restarted without its data) or given up after its retries
    leaves its row `received`, and this sweep reads it. Reading is idempotent (the row is
    locked and its state checked), so a late task racing the sweep does nothing twice.
    """
    cutoff = timezone.now() - older_than
    pending = WebhookDelivery.objects.filter(
        state=WebhookDelivery.State.RECEIVED, received_at__lt=cutoff
    ).order_by("pk")
    read = 0
    for delivery_id in pending.values_list("pk", flat=True)[:limit]:
        try:
            webhook_process(delivery_id)
        except Exception:  # one delivery that cannot be read must not stop the others
            log.exception("webhook delivery %s could not be read", delivery_id)
            continue
        read += 1
    return read


def webhook_process(delivery_id: int) -> WebhookDelivery:
    """Read one stored delivery: its messages (de-duplicated by id) and its statuses."""
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
        if delivery.state != WebhookDelivery.State.RECEIVED:
            return delivery  # already read (a retried task)
        try:
            payload = json.loads(bytes(delivery.body))
            changes = [
                change["value"]
                for entry in payload["entry"]
                for change in entry.get("changes", [])
                if change.get("field", "messages") == "messages"
            ]
        except (ValueError, KeyError, TypeError) as error:
            delivery.state = WebhookDelivery.State.REJECTED
            delivery.note = f"isi tidak dapat dibaca: {error!r}"[:500]
            delivery.processed_at = timezone.now()
            delivery.save(update_fields=["state", "note", "processed_at"])
            return delivery
        notes: list[str] = []
        for value in changes:
            notes += _read_change(delivery, value)
        delivery.state = WebhookDelivery.State.PROCESSED
        delivery.note = "; ".join(notes)[:2000]
        delivery.processed_at = timezone.now()
        delivery.save(update_fields=["state", "note", "processed_at"])
    return delivery


def _read_change(delivery: WebhookDelivery, value: dict[str, Any]) -> list[str]:
    notes: list[str] = []
    phone_number_id = str(value.get("metadata", {}).get("phone_number_id", ""))
    number = BusinessNumber.objects.filter(phone_number_id=phone_number_id).first()
    if number is None:
        notes.append(f"phone_number_id {phone_number_id or '-'} tidak dikenal")
    for message in value.get("messages", []):
        inbound = _store_message(delivery, number, phone_number_id, message)
        if inbound is None:
            notes.append(f"pesan {message.get('id')} sudah diterima sebelumnya")
        elif number is not None:
            from alur.whatsapp.tasks import handle_inbound

            transaction.on_commit(lambda pk=inbound.pk: handle_inbound(pk))
    for status in value.get("statuses", []):
        _apply_status(status)
    return notes


def _store_message(
    delivery: WebhookDelivery, number: BusinessNumber | None, phone_number_id: str, message: dict
) -> InboundMessage | None:
    kind = str(message.get("type", "unknown"))
    media = message.get(kind, {}) if kind in MEDIA_KINDS else {}
    text = message.get("text", {}).get("body", "") if kind == "text" else media.get("caption", "")
    if kind == "interactive":
        reply = message.get("interactive", {})
        chosen = reply.get("button_reply") or reply.get("list_reply") or {}
        text = chosen.get("id", "") or chosen.get("title", "")
    try:
        with transaction.atomic():
            return InboundMessage.objects.create(
                message_id=str(message["id"]),
                delivery=delivery,
                number=number,
                phone_number_id=phone_number_id,
                sender=str(message.get("from", "")),
                kind=kind,
                text=text or "",
                media_id=str(media.get("id", "")),
                media_mime_type=str(media.get("mime_type", "")),
                filename=str(media.get("filename", ""))[:255],
                raw=message,
                sent_at=datetime.fromtimestamp(int(message.get("timestamp", 0)), tz=UTC),
                received_at=delivery.received_at,
            )
    except IntegrityError:
        return None  # Meta retried a message we already have


def _apply_status(status: dict[str, Any]) -> None:
    """Delivery reports (sent, delivered, read, failed) update our outbound message."""
    from alur.outbox.services import message_status_update

    errors = status.get("errors") or []
    message_status_update(
        provider_message_id=str(status.get("id", "")),
        status=str(status.get("status", "")),
        at=datetime.fromtimestamp(int(status.get("timestamp", 0)), tz=UTC),
        error=errors[0] if errors else None,
        callback_data=status.get("biz_opaque_callback_data"),
    )


@transaction.atomic
def business_number_create(
    *,
    office: Any,
    phone_number_id: str,
    display_number: str,
    label: str,
    service_codes: list[str] | None = None,
    is_complaints: bool = False,
    actor: Any = None,
) -> BusinessNumber:
    from alur.audit.services import record, snapshot

    number = BusinessNumber(
        office=office,
        phone_number_id=phone_number_id,
        display_number=display_number,
        label=label,
        service_codes=service_codes or [],
        is_complaints=is_complaints,
    )
    number.full_clean()
    number.save()
    fields = ["phone_number_id", "display_number", "label", "service_codes", "is_complaints"]
    record(
        actor=actor,
        office=office,
        action="whatsapp.number.create",
        obj=number,
        after=snapshot(number, fields),
    )
    return number
