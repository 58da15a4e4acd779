from enum import StrEnum

from django.db import models


class Channel(models.TextChoices):
    WHATSAPP = "whatsapp", "WhatsApp"
    EMAIL = "email", "Surel"


class Kind(models.TextChoices):
    TEXT = "text", "Teks"
    TEMPLATE = "template", "Templat"
    DOCUMENT = "document", "Dokumen"
    # Reply buttons or a list message (the Cloud API's `interactive`), with its text fallback.
    INTERACTIVE = "interactive", "Pilihan"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Dalam antrean"
    SENDING = "sending", "Sedang dikirim"
    SENT = "sent", "Terkirim"
    DELIVERED = "delivered", "Diterima"
    READ = "read", "Dibaca"
    FAILED = "failed", "Gagal"
    # Not sent: the citizen said BERHENTI to this number (`outbox.consent`); kept for staff.
    WITHHELD = "withheld", "Tidak dikirim: warga menolak pesan"


class Outcome(StrEnum):
    """What one call of `deliver` did."""

    SENT = "sent"
    RETRY = "retry"  # back in the queue with a later next_attempt_at
    FALLBACK = "fallback"  # outside the 24-hour window: switched to its template, queued again
    FAILED = "failed"
    SKIPPED = "skipped"  # not ours to send: not queued, not due, or claimed by another worker


# The kinds each channel can carry.
CHANNEL_KINDS: dict[str, frozenset[str]] = {
    Channel.WHATSAPP: frozenset({Kind.TEXT, Kind.TEMPLATE, Kind.DOCUMENT, Kind.INTERACTIVE}),
    Channel.EMAIL: frozenset({Kind.TEXT, Kind.DOCUMENT}),
}

# Which status each action starts from: the one table the services enforce.
ACTION_STATUSES: dict[str, frozenset[str]] = {
    "deliver": frozenset({MessageStatus.QUEUED}),
    "retry": frozenset({MessageStatus.FAILED}),
}

# Provider receipts only move a message forward along this order; `failed` is reached from
# `sent` (the provider accepted it, then could not deliver it) and is final for receipts.
STATUS_RANK: dict[str, int] = {
    MessageStatus.QUEUED: 0,
    MessageStatus.SENDING: 0,
    MessageStatus.SENT: 1,
    MessageStatus.DELIVERED: 2,
    MessageStatus.READ: 3,
}
