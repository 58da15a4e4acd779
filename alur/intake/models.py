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
        "whatsapp_cloud.BusinessNumber",
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
            ),
            # The staff search finds an application by the applicant's NIK or phone.
            models.Index(fields=["applicant_nik"], name="application_nik"),
            models.Index(fields=["applicant_phone"], name="application_phone"),
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


def staged_path(instance: StagedFile, filename: str) -> str:
    """intake/staged/<office code>/<token>.<ext>: a file waiting for its application."""
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"intake/staged/{instance.office.code.replace('.', '')}/{instance.token.hex}.{extension}"


class StagedFile(models.Model):
    """A requirement's file attached to a counter form that was not saved yet (another field had
    an error): kept on the server so it is not asked again, until the application takes it, the
    officer replaces it, or it is abandoned and swept away (`staged_files_sweep`)."""

    token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    office = models.ForeignKey("org.Office", on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staged_files"
    )
    service_code = models.CharField("layanan (kode SOP)", max_length=16)
    requirement = models.CharField("persyaratan", max_length=40)
    name = models.CharField("nama berkas pengirim", max_length=100)
    file = models.FileField("berkas", upload_to=staged_path, max_length=200)
    mime = models.CharField(max_length=40)
    size = models.PositiveIntegerField("ukuran (bita)")
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField("dilampirkan", db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "berkas sementara"
        verbose_name_plural = "berkas sementara"

    def __str__(self) -> str:
        return f"{self.requirement}: {self.name}"
