"""Dukcapil Siaga (S3): referrals of vulnerable residents, the supporting letters they need,
and the field visits (jemput bola) that record their biometrics.

A referral made by a partner's account starts its S3 case at once (step 1 is the partner's);
one from the public form waits until a partner of the office takes it up. Whether a referral is
open or finished is its case's status; it is not stored twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from alur.org.models import Office, Region
from alur.outreach.choices import Category, Channel, LetterKind, VisitResult
from alur.registry.models import Family, Resident
from alur.workflow.models import Case

USER = settings.AUTH_USER_MODEL


class Referral(models.Model):
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="referral"
    )
    channel = models.CharField("saluran", max_length=10, choices=Channel.choices)
    referred_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reporter_name = models.CharField("nama pelapor", max_length=150)
    reporter_phone = models.CharField("HP pelapor", max_length=20, blank=True)
    reporter_org = models.CharField("instansi pelapor", max_length=150, blank=True)
    name = models.CharField("nama penduduk", max_length=150)
    nik = models.CharField("NIK (bila diketahui)", max_length=16, blank=True)
    sex = models.CharField("jenis kelamin", max_length=1, blank=True)
    birth_place = models.CharField("tempat lahir", max_length=100, blank=True)
    birth_date = models.DateField("tanggal lahir", null=True, blank=True)
    category = models.CharField("kategori", max_length=24, choices=Category.choices)
    address = models.CharField("alamat/lokasi", max_length=300, blank=True)
    village = models.CharField("desa/kelurahan", max_length=100, blank=True)
    district = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    contact_name = models.CharField("nama kontak", max_length=150, blank=True)
    contact_phone = models.CharField("HP kontak", max_length=20, blank=True)
    notes = models.TextField("keterangan", blank=True)
    submitted_at = models.DateTimeField("dilaporkan")
    resident = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    family = models.ForeignKey(
        Family, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = "rujukan penduduk rentan"
        verbose_name_plural = "rujukan penduduk rentan"
        indexes = [models.Index(fields=["office", "name"], name="referral_office_name")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def number(self) -> str:
        return f"SIAGA-{self.office.code.replace('.', '')}-{self.pk:05d}"

    @property
    def map_url(self) -> str:
        if self.latitude is None or self.longitude is None:
            return ""
        return (
            f"https://www.openstreetmap.org/?mlat={self.latitude}&mlon={self.longitude}"
            f"#map=18/{self.latitude}/{self.longitude}"
        )


def letter_path(instance: SupportingLetter, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"siaga/{instance.referral.office_id}/{instance.referral_id}-{instance.kind}.{extension}"


class SupportingLetter(models.Model):
    """A supporting letter the officer found the referral needs, and whether it arrived."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField("surat", max_length=10, choices=LetterKind.choices)
    requested_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField("diminta")
    received_at = models.DateTimeField("diterima", null=True, blank=True)
    received_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField("berkas", upload_to=letter_path, max_length=200, blank=True)
    note = models.CharField("catatan", max_length=300, blank=True)
    # The Kasi asked the referring partner for it (the SOP's "komunikasi ke pemohon").
    chased_at = models.DateTimeField("diminta kepada mitra", null=True, blank=True)

    class Meta:
        ordering = ["referral", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "kind"], name="supporting_letter_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({'diterima' if self.received_at else 'belum'})"


class Visit(models.Model):
    """A jemput bola visit: where and when, who records, and what came of it."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="visits")
    scheduled_for = models.DateTimeField("jadwal")
    address = models.CharField("alamat kunjungan", max_length=300)
    officer = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name="petugas perekaman"
    )
    scheduled_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    scheduled_at = models.DateTimeField("dijadwalkan pada")
    result = models.CharField("hasil", max_length=10, choices=VisitResult.choices, blank=True)
    result_note = models.TextField("catatan hasil", blank=True)
    recorded_at = models.DateTimeField("hasil dicatat", null=True, blank=True)

    class Meta:
        ordering = ["referral", "scheduled_for", "pk"]

    def __str__(self) -> str:
        return f"Kunjungan {self.referral.number} {self.scheduled_for:%d-%m-%Y}"
