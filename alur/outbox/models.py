"""Outbound messages: written in the transaction of the change that causes them, sent later."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from alur.outbox.choices import Channel, Kind, MessageStatus


class OutboundMessage(models.Model):
    """One message to one recipient, kept from the moment it is decided until it is read.

    The row is the source of truth: a worker claims it (`queued` → `sending`), calls the provider
    outside any transaction and records the outcome. Nothing is sent unless the transaction that
    wrote the row committed.
    """

    office = models.ForeignKey(
        "org.Office", on_delete=models.PROTECT, related_name="outbound_messages"
    )
    channel = models.CharField("saluran", max_length=10, choices=Channel.choices)
    kind = models.CharField("jenis", max_length=12, choices=Kind.choices)
    # WhatsApp: the office's business `phone_number_id`; e-mail: the From address.
    sender = models.CharField("pengirim", max_length=254)
    # WhatsApp: E.164 digits without "+" (6281234567890); e-mail: the address.
    recipient = models.CharField("penerima", max_length=254)
    # text: {"body"}; template: {"name", "language", "components"}; document: {"link" or
    # "media_id", "filename", "caption"}; e-mail: {"subject", "body"} and for a document
    # {"path" (in the default storage), "filename"}.
    payload = models.JSONField("isi")
    # A template payload to send instead when WhatsApp refuses the free-form message because the
    # citizen's 24-hour window is closed; used once.
    template_fallback = models.JSONField("templat cadangan", null=True, blank=True)
    dedupe_key = models.CharField("kunci unik", max_length=200, blank=True)
    status = models.CharField(
        "status", max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField("percobaan", default=0)
    next_attempt_at = models.DateTimeField("percobaan berikutnya")
    claimed_at = models.DateTimeField("mulai dikirim", null=True, blank=True)  # the lease
    last_error = models.TextField("keterangan kesalahan", blank=True)
    error_code = models.CharField("kode kesalahan", max_length=20, blank=True)
    provider_message_id = models.CharField("id pesan penyedia", max_length=200, blank=True)
    created_at = models.DateTimeField("dibuat")
    sent_at = models.DateTimeField("terkirim", null=True, blank=True)
    delivered_at = models.DateTimeField("diterima", null=True, blank=True)
    read_at = models.DateTimeField("dibaca", null=True, blank=True)
    failed_at = models.DateTimeField("gagal", null=True, blank=True)
    object_type = models.CharField("sebab (jenis)", max_length=100, blank=True)
    object_id = models.CharField("sebab (id)", max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "pesan keluar"
        verbose_name_plural = "pesan keluar"
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_worker"),
            models.Index(fields=["office", "status", "-created_at"], name="outbox_office"),
            # One recipient's pending messages, oldest first (`delivery`: sent in order).
            models.Index(fields=["recipient", "sender", "status"], name="outbox_recipient"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"], condition=~Q(dedupe_key=""), name="outbox_unique_dedupe"
            ),
            models.UniqueConstraint(
                fields=["provider_message_id"],
                condition=~Q(provider_message_id=""),
                name="outbox_unique_provider_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.get_kind_display()} ke {self.masked_recipient}"

    @property
    def masked_recipient(self) -> str:
        """The recipient with its middle hidden: 6281****7890, b***@contoh.go.id."""
        if self.channel == Channel.EMAIL:
            local, _, domain = self.recipient.partition("@")
            return f"{local[:1]}***@{domain}"
        if len(self.recipient) <= 8:
            return self.recipient[:2] + "*" * (len(self.recipient) - 2)
        return f"{self.recipient[:4]}****{self.recipient[-4:]}"

    @property
    def summary(self) -> str:
        """A short line saying which notice this is, for staff."""
        payload = self.payload or {}
        if self.channel == Channel.EMAIL:
            return str(payload.get("subject", ""))
        if self.kind == Kind.TEMPLATE:
            return f"Templat {payload.get('name', '')}"
        if self.kind == Kind.DOCUMENT:
            return str(payload.get("filename", ""))
        body = str(payload.get("body", ""))
        return body if len(body) <= 80 else body[:79] + "…"


class WhatsAppConsent(models.Model):
    """A citizen's choice about messages from one business number: BERHENTI (opted out) or
    MULAI (opted in again). No row means the citizen never said either (messages go out).

    One row per (business number, citizen); each change is audited (`outbox.consent`).
    """

    office = models.ForeignKey("org.Office", on_delete=models.PROTECT, related_name="+")
    # The business number's Cloud API `phone_number_id` (the outbox's `sender`).
    sender = models.CharField("nomor bisnis (phone_number_id)", max_length=32)
    # The citizen's WhatsApp number, E.164 digits without "+" (the outbox's `recipient`).
    recipient = models.CharField("nomor warga", max_length=20)
    opted_out = models.BooleanField("menolak pesan", default=False)
    opted_out_at = models.DateTimeField("menolak sejak", null=True, blank=True)
    changed_at = models.DateTimeField("diubah")
    # The citizen's message that said BERHENTI or MULAI (its WhatsApp message id).
    source_message_id = models.CharField("pesan warga", max_length=128, blank=True)

    class Meta:
        verbose_name = "persetujuan pesan WhatsApp"
        verbose_name_plural = "persetujuan pesan WhatsApp"
        constraints = [
            models.UniqueConstraint(fields=["sender", "recipient"], name="consent_unique")
        ]
        indexes = [models.Index(fields=["recipient"], name="consent_recipient")]

    def __str__(self) -> str:
        state = "menolak" if self.opted_out else "menerima"
        return f"{self.recipient} {state} pesan dari {self.sender}"
