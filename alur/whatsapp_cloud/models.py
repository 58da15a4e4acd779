"""The offices' WhatsApp Business numbers, each with the purpose it serves, and the message
templates of their WhatsApp Business Accounts as WhatsApp Manager last listed them."""

from __future__ import annotations

import re

from django.db import models

# The local Graph API server's WhatsApp Business Account (peers/graph_api: Config.waba_id), which
# the demo numbers belong to; a real office takes its own from WhatsApp Manager.
DEMO_WABA_ID = "102290129340398"


class BusinessNumber(models.Model):
    """One WhatsApp Business number (a Cloud API `phone_number_id`) of an office.

    A number serves one purpose: applications for a group of services (Way Kanan: 08117961500
    for KK and SKPWNI, 08117961700 for akta kelahiran, ...; `service_codes` lists the SOP codes
    it takes applications for), complaints, or the province's letters and kab/kota reports.
    """

    class Purpose(models.TextChoices):
        """What a number is written to for; the channel's dialog follows from it."""

        APPLICATIONS = "applications", "Permohonan dokumen"
        COMPLAINTS = "complaints", "Pengaduan"
        REPORTS = "reports", "Naskah dan laporan"

    office = models.ForeignKey(
        "org.Office", on_delete=models.PROTECT, related_name="whatsapp_numbers"
    )
    phone_number_id = models.CharField("phone_number_id (Cloud API)", max_length=32, unique=True)
    # The WhatsApp Business Account the number belongs to: its message templates are listed
    # (and approved) per account, not per number.
    waba_id = models.CharField("ID akun WhatsApp Business (WABA)", max_length=32, blank=True)
    display_number = models.CharField("nomor WhatsApp", max_length=20)
    label = models.CharField("layanan", max_length=120)
    purpose = models.CharField(
        "kegunaan", max_length=12, choices=Purpose.choices, default=Purpose.APPLICATIONS
    )
    service_codes = models.JSONField("kode SOP layanan", default=list, blank=True)
    is_active = models.BooleanField("aktif", default=True)
    # The approved template that carries a notice outside the 24-hour window (one text
    # parameter: the notice). Its name is the office's, as approved in WhatsApp Manager.
    status_template = models.CharField(
        "templat pemberitahuan", max_length=120, default="pembaruan_permohonan"
    )
    template_language = models.CharField("bahasa templat", max_length=10, default="id")

    class Meta:
        db_table = "whatsapp_businessnumber"
        ordering = ["office", "display_number"]
        verbose_name = "nomor WhatsApp"
        verbose_name_plural = "nomor WhatsApp"

    def __str__(self) -> str:
        return f"{self.display_number} {self.label}"


_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")


def placeholders(text: str) -> int:
    """How many distinct parameters (`{{1}}`, `{{name}}`) a template text holds."""
    return len(set(_PLACEHOLDER.findall(text or "")))


# WhatsApp's header formats (TEXT, IMAGE, VIDEO, DOCUMENT, LOCATION) as the office page says them.
HEADER_FORMAT_LABELS = {
    "TEXT": "teks",
    "IMAGE": "gambar",
    "VIDEO": "video",
    "DOCUMENT": "berkas",
    "LOCATION": "lokasi",
}


class MessageTemplate(models.Model):
    """One message template (name + language) of a WhatsApp Business Account, as the Graph API's
    `GET /{WABA-ID}/message_templates` listed it at the last sync (`templates_sync`).

    Kept so that a template is checked before it is sent (`selectors.template_problem`): an
    unknown, unapproved, paused or disabled template, or one sent with the wrong number of body
    parameters or without its document header, is refused with a reason staff can act on.
    """

    class Status(models.TextChoices):
        APPROVED = "APPROVED", "Disetujui"
        PENDING = "PENDING", "Menunggu persetujuan"
        REJECTED = "REJECTED", "Ditolak"
        PAUSED = "PAUSED", "Dijeda"
        DISABLED = "DISABLED", "Dinonaktifkan"
        IN_APPEAL = "IN_APPEAL", "Dalam banding"
        PENDING_DELETION = "PENDING_DELETION", "Akan dihapus"
        DELETED = "DELETED", "Dihapus"
        LIMIT_EXCEEDED = "LIMIT_EXCEEDED", "Melewati batas"
        ARCHIVED = "ARCHIVED", "Diarsipkan"

    class Category(models.TextChoices):
        UTILITY = "UTILITY", "Utilitas"
        MARKETING = "MARKETING", "Pemasaran"
        AUTHENTICATION = "AUTHENTICATION", "Autentikasi"

    waba_id = models.CharField("ID akun WhatsApp Business (WABA)", max_length=32)
    template_id = models.CharField("ID templat (Meta)", max_length=32, blank=True)
    name = models.CharField("nama", max_length=512)
    language = models.CharField("bahasa", max_length=15)
    category = models.CharField("kategori", max_length=20)
    status = models.CharField("status", max_length=20)
    body_text = models.TextField("isi", blank=True)
    body_parameters = models.PositiveSmallIntegerField("jumlah parameter isi", default=0)
    # HEADER component's format: TEXT, IMAGE, VIDEO, DOCUMENT, LOCATION; blank: no header.
    header_format = models.CharField("format kepala", max_length=10, blank=True)
    rejected_reason = models.CharField("alasan penolakan", max_length=200, blank=True)
    components = models.JSONField("komponen", default=list, blank=True)
    synced_at = models.DateTimeField("disinkronkan")

    class Meta:
        db_table = "whatsapp_messagetemplate"
        ordering = ["waba_id", "name", "language"]
        verbose_name = "templat pesan WhatsApp"
        verbose_name_plural = "templat pesan WhatsApp"
        constraints = [
            models.UniqueConstraint(
                fields=["waba_id", "name", "language"], name="whatsapp_template_unique_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"

    @property
    def approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def document_header(self) -> bool:
        return self.header_format == "DOCUMENT"

    def get_status_label(self) -> str:
        return self.Status(self.status).label if self.status in self.Status.values else self.status

    def get_header_format_label(self) -> str:
        """The header's kind in Bahasa Indonesia (WhatsApp names it in English)."""
        return HEADER_FORMAT_LABELS.get(self.header_format, self.header_format.lower())

    def get_category_label(self) -> str:
        known = self.Category.values
        return self.Category(self.category).label if self.category in known else self.category
