"""WhatsApp Cloud API webhook notifications, built as Meta sends them, and their signature.

The local Graph API server's own copy (a peer speaks the protocol on its own and imports
nothing of Alur); `alur.whatsapp_cloud.payloads` is the product's, which the webhook's tests
use, and `tests/test_payloads.py` keeps the two alike. Shapes follow the Cloud API
`messages` webhook field:

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
import hashlib
import hmac
import json
import secrets
import time
from typing import Any

SIGNATURE_HEADER = "X-Hub-Signature-256"
DEFAULT_WABA_ID = "102290129340398"
STATUSES = ("sent", "delivered", "read", "failed")

__all__ = [
    "DEFAULT_WABA_ID",
    "SIGNATURE_HEADER",
    "STATUSES",
    "button_reply_message",
    "document_message",
    "edit_message",
    "encode",
    "image_message",
    "list_reply_message",
    "message_notification",
    "new_message_id",
    "reaction_message",
    "revoke_message",
    "sign",
    "signature_header",
    "status_notification",
    "text_message",
    "unsupported_message",
]


def sign(body: bytes, app_secret: str) -> str:
    """`X-Hub-Signature-256`: sha256= and the hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


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


def reaction_message(
    wa_id: str, *, message_id: str, emoji: str | None, at: float | None = None
) -> dict[str, Any]:
    """The citizen reacts to one of the business's messages; no `emoji`: the reaction was
    removed (the Cloud API then leaves the field out)."""
    content: dict[str, Any] = {"message_id": message_id}
    if emoji:
        content["emoji"] = emoji
    return _message(wa_id, "reaction", content, at, None)


def edit_message(
    wa_id: str, *, original_message_id: str, body: str, at: float | None = None
) -> dict[str, Any]:
    """The citizen edits a text message they sent (`type: edit`, the new message inside)."""
    edited = {"type": "text", "text": {"body": body}}
    content = {"original_message_id": original_message_id, "message": edited}
    return _message(wa_id, "edit", content, at, None)


def revoke_message(
    wa_id: str, *, original_message_id: str, at: float | None = None
) -> dict[str, Any]:
    """The citizen deletes a message they sent, for everyone (`type: revoke`)."""
    return _message(wa_id, "revoke", {"original_message_id": original_message_id}, at, None)


def unsupported_message(wa_id: str, *, what: str, at: float | None = None) -> dict[str, Any]:
    """A message of a type the Cloud API does not deliver (`unsupported.type` says which: a
    poll, an edit or a reaction where the number does not receive those), with error 131051."""
    message = _message(wa_id, "unsupported", {"type": what}, at, None)
    message["errors"] = [
        {
            "code": 131051,
            "title": "Message type unknown",
            "message": "Message type unknown",
            "error_data": {"details": "Message type is currently not supported."},
        }
    ]
    return message


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
