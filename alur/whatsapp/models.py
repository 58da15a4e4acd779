"""Every webhook delivery as it arrived, the citizens' messages in it, and where each citizen
stands in their conversation with a business number (`alur.whatsapp_cloud.models`)."""

from __future__ import annotations

from django.db import models


class WebhookDelivery(models.Model):
    """The raw body of one webhook POST, stored before anything else is done with it."""

    class State(models.TextChoices):
        RECEIVED = "received", "Diterima"
        PROCESSED = "processed", "Diproses"
        PARTIAL = "partial", "Diproses, sebagian butir dilewati"
        REJECTED = "rejected", "Tidak dapat dibaca"

    received_at = models.DateTimeField()
    body = models.BinaryField()
    signature = models.CharField(max_length=80)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RECEIVED)
    processed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    # The entries, changes, messages or statuses skipped because they could not be read:
    # [{"path": "entry[0].changes[0].value.messages[1]", "error": "pesan tanpa id"}, ...]
    bad_items = models.JSONField("butir yang dilewati", default=list, blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["state", "received_at"], name="webhook_pending")]

    def __str__(self) -> str:
        return f"webhook {self.pk} {self.state}"


class InboundMessage(models.Model):
    """A citizen's message, once per WhatsApp message id however often Meta retries it."""

    message_id = models.CharField(max_length=128, unique=True)
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.PROTECT, related_name="+")
    number = models.ForeignKey(
        "whatsapp_cloud.BusinessNumber",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inbound",
    )
    phone_number_id = models.CharField(max_length=32)
    sender = models.CharField("pengirim (wa_id)", max_length=20)
    kind = models.CharField("jenis", max_length=20)
    text = models.TextField(blank=True)
    media_id = models.CharField(max_length=128, blank=True)
    media_mime_type = models.CharField(max_length=100, blank=True)
    filename = models.CharField(max_length=255, blank=True)
    raw = models.JSONField()
    # The Cloud API `timestamp`: a conversation's messages are answered in this order (then in
    # the order they were stored), whatever order their deliveries and tasks come in.
    sent_at = models.DateTimeField()
    received_at = models.DateTimeField()
    handled_at = models.DateTimeField(null=True, blank=True)
    # An edit, a deletion (revoke) or a reaction names the citizen's message it is about.
    original_message_id = models.CharField("pesan asal", max_length=128, blank=True)
    # How often its media could not be fetched (the Graph API down): retried with the task,
    # the citizen asked to send the file again after `conversation.MEDIA_ATTEMPTS`.
    media_attempts = models.PositiveSmallIntegerField(default=0)
    # Stored after a later message of the conversation had been answered: not taken as the
    # answer to the question asked now.
    late = models.BooleanField("terlambat", default=False)

    class Meta:
        ordering = ["received_at"]
        indexes = [
            models.Index(fields=["sender", "received_at"], name="inbound_sender"),
            models.Index(fields=["number", "sender", "sent_at"], name="inbound_conversation"),
        ]

    def __str__(self) -> str:
        return f"{self.sender} {self.kind} {self.message_id}"


class Conversation(models.Model):
    """Where one citizen stands with one business number; survives restarts, expires when idle."""

    class State(models.TextChoices):
        MENU = "menu", "Menu"
        RESUBMIT = "resubmit", "Mengirim kekurangan berkas"
        FIELDS = "fields", "Mengisi data"
        FILES = "files", "Mengirim berkas"
        CONFIRM = "confirm", "Konfirmasi"

    number = models.ForeignKey(
        "whatsapp_cloud.BusinessNumber", on_delete=models.PROTECT, related_name="+"
    )
    citizen = models.CharField("nomor warga (wa_id)", max_length=20)
    state = models.CharField(max_length=10, choices=State.choices, default=State.MENU)
    service_code = models.CharField(max_length=8, blank=True)
    data = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField()
    replies = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["number", "citizen"], name="conversation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.citizen} @ {self.number.display_number}: {self.state}"
