"""WhatsApp Business numbers of the offices, and every webhook delivery as it arrived."""

from __future__ import annotations

from django.db import models


class BusinessNumber(models.Model):
    """One WhatsApp Business number (a Cloud API `phone_number_id`) of an office.

    A number may serve one group of services (Way Kanan: 08117961500 for KK and SKPWNI,
    08117961700 for akta kelahiran, ...) or complaints; `service_codes` lists the SOP codes it
    takes applications for.
    """

    office = models.ForeignKey(
        "org.Office", on_delete=models.PROTECT, related_name="whatsapp_numbers"
    )
    phone_number_id = models.CharField("phone_number_id (Cloud API)", max_length=32, unique=True)
    display_number = models.CharField("nomor WhatsApp", max_length=20)
    label = models.CharField("layanan", max_length=120)
    service_codes = models.JSONField("kode SOP layanan", default=list, blank=True)
    is_complaints = models.BooleanField("nomor pengaduan", default=False)
    is_active = models.BooleanField("aktif", default=True)
    # The approved template that carries a notice outside the 24-hour window (one text
    # parameter: the notice). Its name is the office's, as approved in WhatsApp Manager.
    status_template = models.CharField(
        "templat pemberitahuan", max_length=120, default="pembaruan_permohonan"
    )
    template_language = models.CharField("bahasa templat", max_length=10, default="id")

    class Meta:
        ordering = ["office", "display_number"]
        verbose_name = "nomor WhatsApp"
        verbose_name_plural = "nomor WhatsApp"

    def __str__(self) -> str:
        return f"{self.display_number} {self.label}"


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
        BusinessNumber, null=True, blank=True, on_delete=models.PROTECT, related_name="inbound"
    )
    phone_number_id = models.CharField(max_length=32)
    sender = models.CharField("pengirim (wa_id)", max_length=20)
    kind = models.CharField("jenis", max_length=20)
    text = models.TextField(blank=True)
    media_id = models.CharField(max_length=128, blank=True)
    media_mime_type = models.CharField(max_length=100, blank=True)
    filename = models.CharField(max_length=255, blank=True)
    raw = models.JSONField()
    sent_at = models.DateTimeField()
    received_at = models.DateTimeField()
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["received_at"]
        indexes = [models.Index(fields=["sender", "received_at"], name="inbound_sender")]

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

    number = models.ForeignKey(BusinessNumber, on_delete=models.PROTECT, related_name="+")
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
