"""How each channel sends one message: a registry of callables `sender(message) -> provider id`.

A sender raises `SendError` when the provider refuses or cannot be reached; `retryable` says
whether trying again later can help. Senders run outside any database transaction.
"""

from __future__ import annotations

import mimetypes
import posixpath
from collections.abc import Callable, Mapping
from email.utils import make_msgid
from smtplib import SMTPException, SMTPRecipientsRefused
from typing import Any

from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.core.mail.utils import DNS_NAME

from alur.core.validators import is_ascii_digits
from alur.outbox.choices import Channel, Kind
from alur.outbox.models import OutboundMessage
from alur.whatsapp_cloud import transport
from alur.whatsapp_cloud.selectors import template_problem
from alur.whatsapp_cloud.transport import WhatsAppError

Sender = Callable[[OutboundMessage], str]


class SendError(Exception):
    """A send that did not go through. `reason` is for staff, in Bahasa Indonesia."""

    def __init__(
        self,
        *,
        retryable: bool,
        reason: str,
        code: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(reason)
        self.retryable = retryable
        self.reason = reason
        self.code = code
        self.retry_after = retry_after


SENDERS: dict[str, Sender] = {}


def register(channel: str) -> Callable[[Sender], Sender]:
    def decorator(sender: Sender) -> Sender:
        SENDERS[channel] = sender
        return sender

    return decorator


def sender_for(channel: str) -> Sender:
    sender = SENDERS.get(channel)
    if sender is None:
        raise SendError(retryable=False, reason=f"Saluran {channel!r} belum dapat dipakai.")
    return sender


def _stored_file(path: str, filename: str) -> bytes:
    try:
        with default_storage.open(path, "rb") as attachment:
            return attachment.read()
    except FileNotFoundError as error:
        raise SendError(
            retryable=False, reason=f"Berkas lampiran {filename} tidak ditemukan."
        ) from error


def _upload_stored(sender: str, path: str, filename: str) -> str:
    mimetype = mimetypes.guess_type(filename)[0] or "application/pdf"
    return transport.upload_media(sender, _stored_file(path, filename), mimetype, filename)


def _uploaded_components(sender: str, components: Any) -> Any:
    """A template's components with each stored document header (`{"path": ...}`) uploaded and
    replaced by its media id: a letter sent outside the 24-hour window goes as an approved
    template with the PDF as its header."""
    if not isinstance(components, list):
        return components
    result = []
    for component in components:
        parameters = []
        for parameter in component.get("parameters", []) if isinstance(component, dict) else []:
            document = parameter.get("document") if isinstance(parameter, dict) else None
            if isinstance(document, dict) and document.get("path"):
                filename = document.get("filename") or posixpath.basename(document["path"])
                media_id = _upload_stored(sender, document["path"], filename)
                parameter = {"type": "document", "document": {"id": media_id, "filename": filename}}
            parameters.append(parameter)
        result.append({**component, "parameters": parameters} if parameters else component)
    return result


CALLBACK_PREFIX = "alur-outbox"


def callback_data(message: OutboundMessage) -> str:
    """What a WhatsApp send carries as `biz_opaque_callback_data`: the row and the attempt, so
    that a receipt of this very send can be matched to the row (`parse_callback_data`)."""
    return f"{CALLBACK_PREFIX}:{message.pk}:{message.attempts}"


def parse_callback_data(value: str | None) -> tuple[int, int] | None:
    """(row id, attempt) from `callback_data`, or None for anything else."""
    prefix, _, rest = (value or "").partition(":")
    row, _, attempt = rest.partition(":")
    if prefix != CALLBACK_PREFIX or not is_ascii_digits(row) or not is_ascii_digits(attempt):
        return None
    return int(row), int(attempt)


@register(Channel.WHATSAPP)
def send_whatsapp(message: OutboundMessage) -> str:
    payload = message.payload
    opaque = callback_data(message)
    try:
        if message.kind == Kind.TEXT:
            result = transport.send_text(
                message.sender,
                message.recipient,
                payload["body"],
                preview_url=bool(payload.get("preview_url", False)),
                callback_data=opaque,
            )
        elif message.kind == Kind.INTERACTIVE:
            result = transport.send_interactive(
                message.sender, message.recipient, payload["interactive"], callback_data=opaque
            )
        elif message.kind == Kind.TEMPLATE:
            # Checked against the account's synced templates first: one that is not approved or
            # whose parameters do not match is a recorded failure with its reason, not a call.
            problem = template_problem(message.sender, payload)
            if problem is not None:
                raise SendError(retryable=False, reason=problem.reason, code=problem.code)
            result = transport.send_template(
                message.sender,
                message.recipient,
                payload["name"],
                language=payload.get("language") or "id",
                components=_uploaded_components(message.sender, payload.get("components")),
                callback_data=opaque,
            )
        else:
            media_id = payload.get("media_id")
            if payload.get("path"):
                # A file of our own storage: uploaded to WhatsApp at send time, so the document
                # never needs a public link.
                media_id = _upload_stored(message.sender, payload["path"], payload["filename"])
            result = transport.send_document(
                message.sender,
                message.recipient,
                link=payload.get("link"),
                media_id=media_id,
                filename=payload["filename"],
                caption=payload.get("caption"),
                callback_data=opaque,
            )
    except WhatsAppError as error:
        raise SendError(
            retryable=error.retryable,
            reason=error.reason,
            code=error.code,
            retry_after=error.retry_after,
        ) from error
    return result.message_id


def receipt_error(error: Mapping[str, Any]) -> SendError:
    """The Graph API error object of a `failed` status notification, as a SendError.

    Read by the transport's own table (`status_error`), so that a receipt and a refused call with
    the same code read the same to staff and are retried alike.
    """
    failure = transport.status_error(error)
    return SendError(retryable=failure.retryable, reason=failure.reason, code=failure.code)


@register(Channel.EMAIL)
def send_email(message: OutboundMessage) -> str:
    payload = message.payload
    message_id = make_msgid(domain=DNS_NAME)
    email = EmailMessage(
        subject=payload["subject"],
        body=payload["body"],
        from_email=message.sender or None,
        to=[message.recipient],
        headers={"Message-ID": message_id},
    )
    if message.kind == Kind.DOCUMENT:
        path = payload["path"]
        filename = payload.get("filename") or posixpath.basename(path)
        content = _stored_file(path, filename)
        mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        email.attach(filename, content, mimetype)
    try:
        email.send(fail_silently=False)
    except SMTPRecipientsRefused as error:
        codes = [code for code, _text in error.recipients.values()]
        raise SendError(
            retryable=any(code < 500 for code in codes),
            reason="Alamat surel penerima ditolak oleh server surel.",
            code=codes[0] if codes else None,
        ) from error
    except (SMTPException, OSError) as error:
        raise SendError(
            retryable=True,
            reason="Server surel tidak dapat dihubungi atau menolak sementara; akan dicoba lagi.",
            code=getattr(error, "smtp_code", None),
        ) from error
    return message_id
