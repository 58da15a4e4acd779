"""Receiving WhatsApp webhooks: stored raw first, then read by the worker, once per message."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from alur.whatsapp.models import BusinessNumber, InboundMessage, WebhookDelivery

log = logging.getLogger(__name__)

MEDIA_KINDS = ("image", "document", "audio", "video", "sticker")


@transaction.atomic
def webhook_receive(*, body: bytes, signature: str) -> WebhookDelivery:
    """Store a verified delivery as it came; the worker reads it after the commit."""
    delivery = WebhookDelivery.objects.create(
        received_at=timezone.now(), body=body, signature=signature
    )
    from alur.whatsapp.tasks import process_delivery

    transaction.on_commit(lambda: process_delivery(delivery.pk))
    return delivery


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
