"""Letter numbers (penomoran naskah dinas): series per office and every number issued; the
serials of a series and year come from core's gapless counter (`letters.numbering.counter_of`).
The database holds the invariants: no serial twice in a series and year, no number twice in an
office, no document holding two live numbers in one series (a voided number stays in the book
beside the one taken after it)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from alur.org.models import Office

DEFAULT_FORMAT = "{classification}/{serial}/{unit}/{year}"
DEFAULT_UNIT = "Disdukcapil"


class NumberSeries(models.Model):
    """A numbering series of an office: outgoing letters, nota dinas, BAST, SOP."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="number_series")
    key = models.SlugField("kunci", max_length=40)
    label = models.CharField("nama seri", max_length=120)
    fmt = models.CharField(
        "format nomor",
        max_length=120,
        default=DEFAULT_FORMAT,
        help_text=(
            "Tempat isian: {classification}, {serial}, {unit}, {year}, {month_roman}. "
            "Mis. {classification}/{serial}/{unit}/{year}"
        ),
    )
    unit = models.CharField("unit pengolah", max_length=60, default=DEFAULT_UNIT)
    serial_padding = models.PositiveSmallIntegerField(
        "lebar nomor urut", default=0, help_text="0 = tanpa nol di depan"
    )
    created_at = models.DateTimeField("dibuat", auto_now_add=True)

    class Meta:
        ordering = ["office", "key"]
        verbose_name = "seri penomoran"
        verbose_name_plural = "seri penomoran"
        constraints = [
            models.UniqueConstraint(fields=["office", "key"], name="number_series_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.key})"


class IssuedNumber(models.Model):
    """One number given to one document; a row of the outgoing-letter book (buku agenda)."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="issued_numbers")
    series = models.ForeignKey(NumberSeries, on_delete=models.PROTECT, related_name="issued")
    year = models.PositiveSmallIntegerField("tahun")
    serial = models.PositiveIntegerField("nomor urut")
    number = models.CharField("nomor", max_length=160)
    classification = models.CharField("kode klasifikasi", max_length=24)
    issued_at = models.DateTimeField("tanggal")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="diberikan oleh",
    )
    subject = models.CharField("perihal", max_length=300)
    recipient = models.CharField("tujuan", max_length=300, blank=True)
    object_type = models.CharField("jenis dokumen", max_length=100, blank=True)
    object_id = models.CharField("id dokumen", max_length=64, blank=True)
    # A number whose signing failed, or whose letter was cancelled before it was issued, stays in
    # the book marked void (batal) with the reason: the serial is never given again, nor hidden.
    voided_at = models.DateTimeField("dibatalkan", null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="dibatalkan oleh",
    )
    void_reason = models.CharField("alasan batal", max_length=300, blank=True)

    class Meta:
        ordering = ["series", "year", "serial"]
        verbose_name = "nomor naskah"
        verbose_name_plural = "nomor naskah"
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year", "serial"], name="issued_number_unique_serial"
            ),
            models.UniqueConstraint(fields=["office", "number"], name="issued_number_unique_text"),
            models.UniqueConstraint(
                fields=["object_type", "object_id", "series"],
                condition=~Q(object_type="") & Q(voided_at__isnull=True),
                name="issued_number_one_live_per_document",
            ),
            models.CheckConstraint(
                condition=Q(serial__gte=1), name="issued_number_serial_positive"
            ),
        ]
        indexes = [models.Index(fields=["office", "issued_at"], name="issued_number_office_date")]

    def __str__(self) -> str:
        return self.number
