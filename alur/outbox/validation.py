"""What a message must be to be queued: its recipient (a WhatsApp number as E.164 digits, or an
e-mail address) and a payload complete for its channel and kind, with its template fallback."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from alur.outbox.choices import CHANNEL_KINDS, Channel, Kind

WHATSAPP_TEXT_LIMIT = 4096
_PHONE_PUNCTUATION = re.compile(r"[\s\-().]")
_PHONE = re.compile(r"[1-9][0-9]{7,14}")  # E.164: a country code never starts with 0
_INDONESIAN_PHONE = re.compile(r"62[0-9]{8,12}")  # 62 + area or mobile prefix + subscriber


def normalize_whatsapp_number(raw: str) -> str:
    """E.164 digits without "+": 0812-3456-7890 → 6281234567890. ValidationError if not a number."""
    digits = _PHONE_PUNCTUATION.sub("", raw or "")
    digits = digits.removeprefix("+")
    if digits.startswith("0") and not digits.startswith("00"):
        digits = "62" + digits[1:]  # an Indonesian number as written locally
    elif digits.startswith("620"):
        digits = "62" + digits[3:]  # +62 (0)812…: the trunk zero written after the country code
    valid = _PHONE.fullmatch(digits) and (
        not digits.startswith("62") or _INDONESIAN_PHONE.fullmatch(digits)
    )
    if not valid:
        raise ValidationError(
            {
                "recipient": (
                    f"Nomor WhatsApp penerima tidak sah: «{raw}». Tulis seperti 081234567890 "
                    "atau 6281234567890."
                )
            },
            code="recipient",
        )
    return digits


def validated_recipient(channel: str, recipient: str) -> str:
    if channel == Channel.WHATSAPP:
        return normalize_whatsapp_number(recipient)
    address = (recipient or "").strip()
    try:
        validate_email(address)
    except ValidationError as error:
        raise ValidationError(
            {"recipient": f"Alamat surel penerima tidak sah: «{recipient}»."}, code="recipient"
        ) from error
    return address


def _payload_problem(channel: str, kind: str, payload: Mapping[str, Any]) -> str | None:
    """What is missing from a payload for its channel and kind, in Bahasa Indonesia; or None."""
    if channel == Channel.EMAIL:
        if not payload.get("subject") or not payload.get("body"):
            return "Surel memerlukan perihal (subject) dan isi (body)."
        if kind == Kind.DOCUMENT and not payload.get("path"):
            return "Lampiran surel memerlukan path berkas di penyimpanan."
        return None
    if kind == Kind.TEXT:
        body = payload.get("body")
        if not body:
            return "Pesan teks memerlukan isi (body)."
        if len(str(body)) > WHATSAPP_TEXT_LIMIT:
            return f"Isi pesan WhatsApp paling banyak {WHATSAPP_TEXT_LIMIT} karakter."
        return None
    if kind == Kind.TEMPLATE:
        return None if payload.get("name") else "Pesan templat memerlukan nama templat (name)."
    if kind == Kind.INTERACTIVE:
        interactive = payload.get("interactive")
        kinds = ("button", "list")
        if not isinstance(interactive, Mapping) or interactive.get("type") not in kinds:
            return "Pesan pilihan memerlukan tombol atau daftar (interactive)."
        if not payload.get("body"):
            return "Pesan pilihan memerlukan teks pengganti (body)."
        return None
    if sum(bool(payload.get(k)) for k in ("link", "media_id", "path")) != 1:
        return "Dokumen WhatsApp memerlukan tepat satu dari link, media_id atau path."
    if not payload.get("filename"):
        return "Dokumen WhatsApp memerlukan nama berkas (filename)."
    return None


def validate_message(
    *,
    channel: str,
    kind: str,
    sender: str,
    payload: Mapping[str, Any],
    template_fallback: Mapping[str, Any] | None,
) -> None:
    if channel not in CHANNEL_KINDS:
        raise ValidationError(f"Saluran pesan tidak dikenal: {channel!r}.", code="channel")
    if kind not in CHANNEL_KINDS[channel]:
        raise ValidationError(
            f"Jenis pesan {kind!r} tidak dapat dikirim lewat {channel}.", code="kind"
        )
    if channel == Channel.WHATSAPP and not sender:
        raise ValidationError(
            "Pesan WhatsApp memerlukan nomor bisnis pengirim (phone_number_id).", code="sender"
        )
    problem = _payload_problem(channel, kind, payload)
    if problem:
        raise ValidationError(problem, code="payload")
    if template_fallback is not None:
        if channel != Channel.WHATSAPP or kind == Kind.TEMPLATE:
            raise ValidationError(
                "Templat cadangan hanya untuk pesan WhatsApp bebas (teks, dokumen atau pilihan).",
                code="template_fallback",
            )
        problem = _payload_problem(channel, Kind.TEMPLATE, template_fallback)
        if problem:
            raise ValidationError(f"Templat cadangan: {problem}", code="template_fallback")
