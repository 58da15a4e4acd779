"""Stored SOP revisions. A running case keeps the revision it started on."""

from __future__ import annotations

from django.db import models


class SopRevision(models.Model):
    """One revision of one SOP, as validated from its file.

    `definition` is the validated SOP (the schema's JSON dump); `checksum` is the SHA-256 of that
    JSON, so a file changed without a new revision number is noticed.
    """

    code = models.CharField("kode", max_length=16)
    revision = models.PositiveIntegerField("revisi")
    name = models.CharField("nama SOP", max_length=300)
    office_code = models.CharField("kode kantor", max_length=8)
    definition = models.JSONField()
    checksum = models.CharField(max_length=64)
    source = models.CharField("berkas", max_length=200)
    loaded_at = models.DateTimeField("dimuat", auto_now_add=True)

    class Meta:
        ordering = ["code", "-revision"]
        verbose_name = "revisi SOP"
        verbose_name_plural = "revisi SOP"
        constraints = [
            models.UniqueConstraint(fields=["code", "revision"], name="soprevision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} r{self.revision} {self.name}"
