"""WhatsApp Cloud API webhook notifications, built as Meta sends them, and their signature.

The local Graph API server uses these to play the citizen; tests use them to build what the
webhook receives. Shapes follow the Cloud API `messages` webhook field:

    {"object": "whatsapp_business_account",
     "entry": [{"id": WABA_ID, "changes": [{"field": "messages", "value": {
         "messaging_product": "whatsapp",
         "metadata": {"display_phone_number": ..., "phone_number_id": ...},
         "contacts": [{"profile": {"name": ...}, "wa_id": ...}],
         "messages": [{"from", "id", "timestamp", "type", <type>: {...}}]      # inbound
         "statuses": [{"id", "status", "timestamp", "recipient_id", ...}]      # outbound reports
     }}]}]}

Timestamps are Unix seconds as strings; the body is signed over its raw bytes with
`X-Hub-Signature-256: sha256=<hex HMAC-SHA256 with the app secret>`. Only the standard library
is used here: the server runs without Django.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from typing import Any

from alur.whatsapp_cloud.signature import sign

SIGNATURE_HEADER = "X-Hub-Signature-256"
DEFAULT_WABA_ID = "102290129340398"
STATUSES = ("sent", "delivered", "read", "failed")

__all__ = [
    "DEFAULT_WABA_ID",
    "SIGNATURE_HEADER",
    "STATUSES",
    "button_reply_message",
    "document_message",
    "encode",
    "image_message",
    "list_reply_message",
    "message_notification",
    "new_message_id",
    "sign",
    "signature_header",
    "status_notification",
    "text_message",
]


def new_message_id(wa_id: str) -> str:
    """A message id shaped like Meta's: `wamid.` + base64 of the number and a random key."""
    digits = "".join(ch for ch in wa_id if ch.isdigit())[:32].encode()
    key = secrets.token_hex(9).upper().encode()
    raw = b"\x1c\x18" + bytes([len(digits)]) + digits + b"\x15\x02\x00\x11\x18\x12" + key + b"\x00"
    return "wamid." + base64.b64encode(raw).decode()


def _timestamp(at: float | None) -> str:
    return str(int(time.time() if at is None else at))


def _message(
    wa_id: str, kind: str, content: dict[str, Any], at: float | None, context_id: str | None
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "from": wa_id,
        "id": new_message_id(wa_id),
        "timestamp": _timestamp(at),
        "type": kind,
        kind: content,
    }
    if context_id:
        message["context"] = {"from": wa_id, "id": context_id}
    return message


def text_message(
    wa_id: str, body: str, *, at: float | None = None, context_id: str | None = None
) -> dict[str, Any]:
    return _message(wa_id, "text", {"body": body}, at, context_id)


def image_message(
    wa_id: str,
    *,
    media_id: str,
    mime_type: str,
    sha256: str,
    caption: str | None = None,
    at: float | None = None,
) -> dict[str, Any]:
    content: dict[str, Any] = {"mime_type": mime_type, "sha256": sha256, "id": media_id}
    if caption:
        content["caption"] = caption
    return _message(wa_id, "image", content, at, None)


def document_message(
    wa_id: str,
    *,
    media_id: str,
    mime_type: str,
    sha256: str,
    filename: str,
    caption: str | None = None,
    at: float | None = None,
) -> dict[str, Any]:
    content: dict[str, Any] = {
        "filename": filename,
        "mime_type": mime_type,
        "sha256": sha256,
        "id": media_id,
    }
    if caption:
        content["caption"] = caption
    return _message(wa_id, "document", content, at, None)


def button_reply_message(
    wa_id: str, *, reply_id: str, title: str, context_id: str | None = None, at: float | None = None
) -> dict[str, Any]:
    content = {"type": "button_reply", "button_reply": {"id": reply_id, "title": title}}
    return _message(wa_id, "interactive", content, at, context_id)


def list_reply_message(
    wa_id: str,
    *,
    reply_id: str,
    title: str,
    description: str | None = None,
    context_id: str | None = None,
    at: float | None = None,
) -> dict[str, Any]:
    reply = {"id": reply_id, "title": title}
    if description:
        reply["description"] = description
    content = {"type": "list_reply", "list_reply": reply}
    return _message(wa_id, "interactive", content, at, context_id)


def _envelope(value: dict[str, Any], waba_id: str) -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": waba_id, "changes": [{"value": value, "field": "messages"}]}],
    }


def _metadata(phone_number_id: str, display_phone_number: str) -> dict[str, str]:
    return {"display_phone_number": display_phone_number, "phone_number_id": phone_number_id}


def message_notification(
    *,
    phone_number_id: str,
    display_phone_number: str,
    message: dict[str, Any],
    profile_name: str = "",
    waba_id: str = DEFAULT_WABA_ID,
) -> dict[str, Any]:
    """The notification for one inbound message (as built by the `*_message` helpers)."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": _metadata(phone_number_id, display_phone_number),
        "contacts": [{"profile": {"name": profile_name}, "wa_id": message["from"]}],
        "messages": [message],
    }
    return _envelope(value, waba_id)


def status_notification(
    *,
    phone_number_id: str,
    display_phone_number: str,
    message_id: str,
    recipient_id: str,
    status: str,
    errors: list[dict[str, Any]] | None = None,
    category: str = "service",
    at: float | None = None,
    waba_id: str = DEFAULT_WABA_ID,
    callback_data: str | None = None,
) -> dict[str, Any]:
    """A delivery report (sent, delivered, read, failed) for a message the business sent.

    `errors` entries look like `{"code": 131026, "title": ..., "message": ...,
    "error_data": {"details": ...}}`; only failed reports carry them.
    """
    if status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}, not {status!r}")
    report: dict[str, Any] = {
        "id": message_id,
        "status": status,
        "timestamp": _timestamp(at),
        "recipient_id": recipient_id,
    }
    if callback_data:  # the send's `biz_opaque_callback_data`, echoed in each of its reports
        report["biz_opaque_callback_data"] = callback_data
    if status == "failed":
        report["errors"] = errors or []
    else:
        report["pricing"] = {
            "billable": True,
            "pricing_model": "PMP",
            "type": "regular",
            "category": category,
        }
    value = {
        "messaging_product": "whatsapp",
        "metadata": _metadata(phone_number_id, display_phone_number),
        "statuses": [report],
    }
    return _envelope(value, waba_id)


def encode(payload: dict[str, Any]) -> bytes:
    """The body bytes as Meta sends them (compact JSON, non-ASCII escaped as \\uXXXX)."""
    return json.dumps(payload, separators=(",", ":")).encode("ascii")


def signature_header(body: bytes, app_secret: str) -> dict[str, str]:
    """The header that signs `body`, ready to pass to an HTTP client."""
    return {SIGNATURE_HEADER: sign(body, app_secret)}
