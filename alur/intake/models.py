"""A citizen's application for a civil-registration document, and the files it came with."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from alur.intake.choices import Channel


class Application(models.Model):
    """What the applicant asked for; its processing is the case (one run of the service's SOP)."""

    case = models.OneToOneField(
        "workflow.Case", on_delete=models.PROTECT, related_name="application"
    )
    office = models.ForeignKey("org.Office", on_delete=models.PROTECT, related_name="+")
    service_code = models.CharField("layanan (kode SOP)", max_length=16)
    channel = models.CharField("saluran", max_length=10, choices=Channel.choices)
    applicant_name = models.CharField("nama pemohon", max_length=150)
    applicant_nik = models.CharField("NIK pemohon", max_length=16)
    applicant_phone = models.CharField("nomor HP (E.164, tanpa +)", max_length=15)
    fields = models.JSONField("isian layanan", default=dict, blank=True)
    whatsapp_number = models.ForeignKey(
        "whatsapp.BusinessNumber",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    created_at = models.DateTimeField("diterima")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "permohonan"
        verbose_name_plural = "permohonan"
        indexes = [
            models.Index(
                fields=["office", "service_code", "-created_at"], name="application_office"
            )
        ]

    def __str__(self) -> str:
        return f"Permohonan {self.case.reference}"


def attachment_path(instance: Attachment, filename: str) -> str:
    """intake/<office code>/<year>/<random>.<ext>; the sender's file name is not kept."""
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    office_code = instance.application.office.code.replace(".", "")
    return f"intake/{office_code}/{instance.received_at:%Y}/{uuid.uuid4().hex}.{extension}"


class Attachment(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    requirement = models.CharField("persyaratan", max_length=40)
    file = models.FileField("berkas", upload_to=attachment_path, max_length=200)
    mime = models.CharField(max_length=40)
    size = models.PositiveIntegerField("ukuran (bita)")
    sha256 = models.CharField(max_length=64)
    source_media_id = models.CharField("media WhatsApp", max_length=100, blank=True)
    received_at = models.DateTimeField("diterima")

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = "lampiran"
        verbose_name_plural = "lampiran"

    def __str__(self) -> str:
        return f"{self.requirement} ({self.mime})"
