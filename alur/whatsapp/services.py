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
    DataError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    connection,
    transaction,
)
from django.utils import timezone

from alur.core.columns import column
from alur.whatsapp.models import InboundMessage, WebhookDelivery
from alur.whatsapp_cloud.models import BusinessNumber

log = logging.getLogger(__name__)

MEDIA_KINDS = ("image", "document", "audio", "video", "sticker")


def webhook_receive(*, body: bytes, signature: str) -> int:
    """Store a verified delivery as it came and queue its reading; the stored row's id.

    The row is committed when this returns: in autocommit one INSERT is its own transaction, so
    one round trip stores and commits it (no BEGIN and COMMIT of their own, no model instance).
    The worker's task is queued once the row is committed: at once here, or at the commit of a
    caller's transaction.
    """
    params: list[Any] = [
        connection.ops.adapt_datetimefield_value(timezone.now()),
        body,
        signature,
        WebhookDelivery.State.RECEIVED.value,
        "",
    ]
    checked = connection.health_check_enabled  # type: ignore[attr-defined]  # not in the stubs
    if connection.in_atomic_block or not checked:
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
        quote(column(WebhookDelivery, name))
        for name in ("received_at", "body", "signature", "state", "note", "bad_items")
    )
    return (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES (%s, %s, %s, %s, %s, '[]') "  # noqa: S608
        f"RETURNING {quote(meta.pk.column)}"
    )


def _insert_delivery(params: list[Any]) -> int:
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


def _insert_delivery_unchecked(params: list[Any]) -> int:
    """The INSERT without the connection's health check of this request (CONN_HEALTH_CHECKS'
    `SELECT 1`, a round trip of its own): a reused connection that turns out dead (the server
    restarted) is dropped and the INSERT sent once more on a new one. Should the first INSERT
    have been committed before its connection broke, the delivery is stored twice, as when
    Meta retries it; its messages are still read once (InboundMessage.message_id is unique).
    """
    reused = connection.connection is not None
    connection.health_check_done = True  # type: ignore[attr-defined]  # not in the stubs
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


class BadItem(Exception):
    """One entry, change, message or status of a delivery that cannot be read; `reason` says
    why, in the words the delivery's note keeps."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# What reading one item may raise besides BadItem: a wrong type or value in the JSON, or a value
# the database refuses (a NUL in a text on PostgreSQL, a string longer than its column).
_ITEM_ERRORS = (BadItem, ValueError, TypeError, KeyError, AttributeError, OverflowError, DataError)
# At most this many bad items are kept on a delivery; the body holds them all.
MAX_BAD_ITEMS = 100


def webhook_process(delivery_id: int) -> WebhookDelivery:
    """Read one stored delivery: its messages (de-duplicated by id) and its statuses.

    Each entry, change, message and status is read on its own (a savepoint each): an item that
    cannot be read is recorded on the delivery with its error and skipped, and the items beside
    it are stored and answered. The delivery is then `processed`, or `partial` when items were
    skipped; either way it is read once and never again by the sweep.
    """
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
        if delivery.state != WebhookDelivery.State.RECEIVED:
            return delivery  # already read (a retried task)
        try:
            entries = json.loads(bytes(delivery.body))["entry"]
            if not isinstance(entries, list):
                raise TypeError(f"entry adalah {type(entries).__name__}, bukan daftar")
        except (ValueError, KeyError, TypeError) as error:
            delivery.state = WebhookDelivery.State.REJECTED
            delivery.note = f"isi tidak dapat dibaca: {error!r}"[:500]
            delivery.processed_at = timezone.now()
            delivery.save(update_fields=["state", "note", "processed_at"])
            return delivery
        reading = _DeliveryReading(delivery)
        for index, entry in enumerate(entries):
            reading.entry(f"entry[{index}]", entry)
        delivery.state = (
            WebhookDelivery.State.PARTIAL if reading.bad else WebhookDelivery.State.PROCESSED
        )
        delivery.note = "; ".join(reading.notes)[:2000]
        delivery.bad_items = reading.bad[:MAX_BAD_ITEMS]
        delivery.processed_at = timezone.now()
        delivery.save(update_fields=["state", "note", "bad_items", "processed_at"])
    if reading.bad:
        log.warning(
            "webhook delivery %s: %d item(s) skipped: %s",
            delivery.pk,
            len(reading.bad),
            "; ".join(f"{item['path']}: {item['error']}" for item in reading.bad[:5]),
        )
    return delivery


def _as(kind: type, value: Any, what: str) -> Any:
    if not isinstance(value, kind):
        raise BadItem(f"{what} bukan {_KIND_WORDS[kind]}")
    return value


_KIND_WORDS: dict[type, str] = {dict: "objek", list: "daftar", str: "teks"}


class _DeliveryReading:
    """One delivery read item by item; what was skipped, and the notes, are collected."""

    def __init__(self, delivery: WebhookDelivery) -> None:
        self.delivery = delivery
        self.notes: list[str] = []
        self.bad: list[dict[str, str]] = []

    def _each(self, path: str, read: Any, *args: Any) -> None:
        """Read one item in its own savepoint; a failure is recorded and the item skipped."""
        try:
            with transaction.atomic():
                read(*args)
        except _ITEM_ERRORS as error:
            reason = error.reason if isinstance(error, BadItem) else repr(error)
            self.bad.append({"path": path, "error": reason[:300]})
            self.notes.append(f"{path} dilewati: {reason}"[:300])

    def entry(self, path: str, entry: Any) -> None:
        try:
            changes = _as(list, _as(dict, entry, path).get("changes", []), f"{path}.changes")
        except BadItem as error:
            self.bad.append({"path": path, "error": error.reason})
            self.notes.append(f"{path} dilewati: {error.reason}")
            return
        for index, change in enumerate(changes):
            self._each(f"{path}.changes[{index}]", self.change, f"{path}.changes[{index}]", change)

    def change(self, path: str, change: Any) -> None:
        change = _as(dict, change, path)
        if change.get("field", "messages") != "messages":
            return
        value = _as(dict, change.get("value"), f"{path}.value")
        metadata = value.get("metadata") or {}
        phone_number_id = (
            str(metadata.get("phone_number_id", "")) if isinstance(metadata, dict) else ""
        )
        number = BusinessNumber.objects.filter(phone_number_id=phone_number_id).first()
        if number is None:
            self.notes.append(f"phone_number_id {phone_number_id or '-'} tidak dikenal")
        messages = _as(list, value.get("messages", []), f"{path}.value.messages")
        statuses = _as(list, value.get("statuses", []), f"{path}.value.statuses")
        for index, message in enumerate(messages):
            where = f"{path}.value.messages[{index}]"
            self._each(where, self.message, number, phone_number_id, message)
        for index, status in enumerate(statuses):
            self._each(f"{path}.value.statuses[{index}]", _apply_status, status)

    def message(self, number: BusinessNumber | None, phone_number_id: str, message: Any) -> None:
        inbound = _store_message(self.delivery, number, phone_number_id, message)
        if inbound is None:
            self.notes.append(f"pesan {message.get('id')} sudah diterima sebelumnya")
        elif number is not None:
            from alur.whatsapp.tasks import handle_inbound

            pk = inbound.pk  # a lambda, not a partial: Django logs a callback by __qualname__
            transaction.on_commit(lambda: handle_inbound(pk))


def _unix_time(value: Any, what: str) -> datetime:
    """A Cloud API timestamp (Unix seconds, as a string of ASCII digits or a number)."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadItem(f"{what} bukan waktu Unix: {str(value)[:40]!r}")
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (ValueError, OverflowError, OSError) as error:
        raise BadItem(f"{what} di luar rentang: {value}") from error


def _text(value: Any, what: str, limit: int | None = None) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int):
        raise BadItem(f"{what} bukan teks")
    text = str(value)
    if limit is not None and len(text) > limit:
        raise BadItem(f"{what} lebih dari {limit} karakter")
    return text


def _store_message(
    delivery: WebhookDelivery, number: BusinessNumber | None, phone_number_id: str, message: Any
) -> InboundMessage | None:
    """Store one message; None when its id was stored before. BadItem when it cannot be read."""
    message = _as(dict, message, "pesan")
    if not message.get("id"):
        raise BadItem("pesan tanpa id")
    message_id = _text(message["id"], "id pesan", 128)
    sender = _text(message.get("from"), "pengirim (from)", 20)
    sent_at = _unix_time(message.get("timestamp", 0), "timestamp")
    kind = _text(message.get("type", "unknown"), "jenis (type)", 20) or "unknown"
    content = message.get(kind) if kind in MEDIA_KINDS or kind in _READ_KINDS else {}
    content = _as(dict, content or {}, f"isi {kind}")
    original = ""
    if kind == "text":
        text = _text(content.get("body"), "teks pesan")
    elif kind == "interactive":
        chosen = content.get("button_reply") or content.get("list_reply") or {}
        chosen = _as(dict, chosen, "pilihan")
        text = _text(chosen.get("id"), "pilihan") or _text(chosen.get("title"), "pilihan")
    elif kind == "reaction":  # {"message_id", "emoji"}; no emoji: the reaction was removed
        original = _text(content.get("message_id"), "id pesan asal", 128)
        text = _text(content.get("emoji"), "emoji")[:20]
    elif kind in ("edit", "revoke"):  # {"original_message_id", "message"?: the new message}
        original = _text(content.get("original_message_id"), "id pesan asal", 128)
        text = _edited_text(content.get("message")) if kind == "edit" else ""
    else:
        text = _text(content.get("caption"), "keterangan")
    media = content if kind in MEDIA_KINDS else {}
    try:
        with transaction.atomic():
            return InboundMessage.objects.create(
                message_id=message_id,
                delivery=delivery,
                number=number,
                phone_number_id=phone_number_id[:32],
                sender=sender,
                kind=kind,
                text=text,
                media_id=_text(media.get("id"), "id media", 128),
                media_mime_type=_text(media.get("mime_type"), "jenis media", 100),
                filename=_text(media.get("filename"), "nama berkas")[:255],
                raw=message,
                sent_at=sent_at,
                received_at=delivery.received_at,
                original_message_id=original,
            )
    except IntegrityError:
        return None  # Meta retried a message we already have


# Besides media, the types whose content is read: a reaction, an edit and a deletion (revoke)
# name the message they are about (Cloud API `messages` webhook); `unsupported` is kept as
# it came (its `unsupported.type` says what the citizen did: an edit, a poll, …).
_READ_KINDS = ("text", "interactive", "reaction", "edit", "revoke")


def _edited_text(edited: Any) -> str:
    """The new text of an edit: the edited message's text body, or its media's caption."""
    if not isinstance(edited, dict):
        return ""
    kind = edited.get("type") or ("text" if "text" in edited else "")
    content = edited.get(kind) if isinstance(kind, str) else None
    if not isinstance(content, dict):
        return ""
    return _text(content.get("body") if kind == "text" else content.get("caption"), "teks baru")


def _apply_status(status: Any) -> None:
    """Delivery reports (sent, delivered, read, failed) update our outbound message."""
    from alur.outbox.receipts import message_status_update

    status = _as(dict, status, "laporan status")
    errors = status.get("errors") or []
    error = errors[0] if isinstance(errors, list) and errors else None
    message_status_update(
        provider_message_id=_text(status.get("id", ""), "id status"),
        status=_text(status.get("status", ""), "status"),
        at=_unix_time(status.get("timestamp", 0), "timestamp"),
        error=error if isinstance(error, dict) else None,
        callback_data=_text(status.get("biz_opaque_callback_data"), "callback") or None,
    )


# Longer than a message's handling task takes with its media retries (6 tries 60 s apart).
UNANSWERED_AFTER = timedelta(minutes=10)


def inbound_answer_stranded(*, older_than: timedelta = UNANSWERED_AFTER, limit: int = 200) -> int:
    """Answer the citizens' messages still unanswered long after they were stored; how many
    were tried. Their task was lost (the queue restarted) or gave up: answering is idempotent
    and in the conversation's order (`conversation.handle`), so a late task racing this sweep
    does nothing twice."""
    from alur.whatsapp.conversation import MediaPending, handle

    cutoff = timezone.now() - older_than
    stranded = (
        InboundMessage.objects.filter(
            handled_at__isnull=True, number__isnull=False, received_at__lt=cutoff
        )
        .order_by("sent_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    tried = 0
    for inbound_id in stranded:
        tried += 1
        try:
            handle(inbound_id)
        except MediaPending:
            continue  # its media counted one more attempt; the next sweep tries again
        except Exception:  # one message that cannot be answered must not stop the others,
            # nor hold its conversation's later messages for ever: it is set aside as handled.
            log.exception("inbound message %s could not be answered; set aside", inbound_id)
            InboundMessage.objects.filter(pk=inbound_id, handled_at__isnull=True).update(
                handled_at=timezone.now()
            )
    return tried
