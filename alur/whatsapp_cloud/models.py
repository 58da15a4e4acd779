"""The offices' WhatsApp Business numbers, each with the purpose it serves."""

from __future__ import annotations

from django.db import models


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
