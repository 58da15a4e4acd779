"""Citizens' conversations with a person: a thread per (business number, citizen) that a staff
member of the number's office answers from the inbox (/percakapan/).

A thread opens when the citizen asks for a person ("BICARA DENGAN PETUGAS", the "Petugas"
button) or when the dialog cannot read two messages in a row (`alur.whatsapp.handoff`); while it
is open the citizen's messages come here instead of the dialog. SELESAI from either side closes
it. The first reply's delay is kept on the thread (the office's median is on the list page).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


def duration_text(seconds: int) -> str:
    """12 detik, 5 menit, 2 jam 10 menit, 1 hari 3 jam."""
    if seconds < 60:
        return f"{seconds} detik"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} menit"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} jam {minutes} menit" if minutes else f"{hours} jam"
    days, hours = divmod(hours, 24)
    return f"{days} hari {hours} jam" if hours else f"{days} hari"


class Thread(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Terbuka"
        CLOSED = "closed", "Selesai"

    class Reason(models.TextChoices):
        ASKED = "asked", "Warga meminta petugas"
        NOT_UNDERSTOOD = "misread", "Pesan warga tidak terbaca oleh layanan otomatis"

    office = models.ForeignKey("org.Office", on_delete=models.PROTECT, related_name="+")
    number = models.ForeignKey(
        "whatsapp_cloud.BusinessNumber", on_delete=models.PROTECT, related_name="+"
    )
    citizen = models.CharField("nomor warga (wa_id)", max_length=20)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    reason = models.CharField("sebab", max_length=10, choices=Reason.choices)
    opened_at = models.DateTimeField("dibuka")
    # The citizen's last message: the 24-hour window of free-form replies runs from it.
    last_citizen_at = models.DateTimeField("pesan warga terakhir")
    last_inbound = models.ForeignKey(
        "whatsapp.InboundMessage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="petugas",
    )
    first_reply_at = models.DateTimeField("balasan pertama", null=True, blank=True)
    first_reply_seconds = models.PositiveIntegerField("waktu balasan pertama (detik)", null=True)
    closed_at = models.DateTimeField("ditutup", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = "percakapan WhatsApp"
        verbose_name_plural = "percakapan WhatsApp"
        constraints = [
            models.UniqueConstraint(
                fields=["number", "citizen"],
                condition=Q(status="open"),
                name="chat_one_open_thread",
            )
        ]
        indexes = [models.Index(fields=["office", "status", "opened_at"], name="chat_inbox")]

    def __str__(self) -> str:
        return f"percakapan {self.pk} · {self.masked_citizen}"

    @property
    def masked_citizen(self) -> str:
        c = self.citizen
        return f"+{c[:4]}****{c[-4:]}" if len(c) > 8 else c

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def first_reply_text(self) -> str:
        seconds = self.first_reply_seconds
        return duration_text(seconds) if seconds is not None else ""


class ChatMessage(models.Model):
    """One message of a thread: the citizen's (text or file) or a staff reply (with its outbox
    row), or a line the system adds (opened, assigned, closed)."""

    class Direction(models.TextChoices):
        CITIZEN = "in", "Warga"
        STAFF = "out", "Petugas"
        SYSTEM = "note", "Catatan"

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=4, choices=Direction.choices)
    text = models.TextField(blank=True)
    # A citizen's file, kept in the default storage (served to the inbox's staff only).
    file = models.CharField("berkas", max_length=255, blank=True)
    filename = models.CharField("nama berkas", max_length=255, blank=True)
    mime_type = models.CharField(max_length=100, blank=True)
    inbound = models.ForeignKey(
        "whatsapp.InboundMessage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outbound = models.ForeignKey(
        "outbox.OutboundMessage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_direction_display()}: {self.text[:40]}"


class MisreadMessage(models.Model):
    """A citizen's message the dialog could not read (`Turn.not_understood`): two in a row open a
    thread."""

    number = models.ForeignKey(
        "whatsapp_cloud.BusinessNumber", on_delete=models.CASCADE, related_name="+"
    )
    citizen = models.CharField(max_length=20)
    inbound = models.OneToOneField(
        "whatsapp.InboundMessage", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["number", "citizen", "created_at"], name="chat_misread")]

    def __str__(self) -> str:
        return f"pesan tidak terbaca {self.inbound_id}"
