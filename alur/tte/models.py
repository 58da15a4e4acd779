"""Issued documents and the certificates that sign them.

`IssuedDocument`: every signed file an office gives out, kept with its SHA-256 and a random code
that the QR on the paper points to (`/verifikasi/<code>/`). A document is never deleted; it is
revoked (dicabut) or replaced (diganti) by a new row.

`SignerCertificate`: a signer's PKCS#12, kept sealed (`certificates.seal_p12`); the passphrase is
never stored.

Both tables keep the names they had when they lived in `letters` (`letters_issueddocument`,
`letters_signercertificate`).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from alur.org.models import Office, User
from alur.tte.certificates import unseal_p12

VERIFY_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
VERIFY_CODE_LENGTH = 16


def archive_path(instance: IssuedDocument, filename: str) -> str:
    return f"arsip/{instance.office_id}/{instance.issued_at:%Y/%m}/{instance.sha256}.pdf"


class DocumentKind(models.TextChoices):
    SURAT = "surat", "Surat"
    NOTA_DINAS = "nota_dinas", "Nota dinas"
    BAST = "bast", "Berita acara serah terima"
    SURAT_PERNYATAAN = "surat_pernyataan", "Surat pernyataan"
    LAPORAN = "laporan", "Laporan"
    KK = "kk", "Kartu Keluarga"
    AKTA_KELAHIRAN = "akta_kelahiran", "Akta kelahiran"
    AKTA_KEMATIAN = "akta_kematian", "Akta kematian"
    SKPWNI = "skpwni", "Surat keterangan pindah (SKPWNI)"
    OTHER = "other", "Lainnya"


class DocumentStatus(models.TextChoices):
    VALID = "valid", "Sah"
    REVOKED = "revoked", "Dicabut"
    REPLACED = "replaced", "Diganti"


class IssuedDocument(models.Model):
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="issued_documents")
    kind = models.CharField("jenis", max_length=20, choices=DocumentKind.choices)
    title = models.CharField("judul", max_length=300)
    number = models.CharField("nomor", max_length=160, blank=True)
    classification = models.CharField("kode klasifikasi", max_length=24, blank=True)
    issued_at = models.DateTimeField("tanggal terbit")
    signer_name = models.CharField("nama penanda tangan", max_length=200, blank=True)
    signer_position = models.CharField("jabatan penanda tangan", max_length=200, blank=True)
    file = models.FileField("berkas", upload_to=archive_path, max_length=200)
    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    size = models.PositiveBigIntegerField("ukuran (bita)")
    verify_code = models.CharField("kode verifikasi", max_length=32, unique=True)
    status = models.CharField(
        "status", max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.VALID
    )
    revoked_at = models.DateTimeField("dicabut pada", null=True, blank=True)
    revoke_reason = models.TextField("alasan pencabutan/penggantian", blank=True)
    replaced_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
        verbose_name="diganti dengan",
    )
    subject_person = models.CharField("nama yang bersangkutan", max_length=200, blank=True)
    object_type = models.CharField("jenis asal", max_length=100, blank=True)
    object_id = models.CharField("id asal", max_length=64, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="diterbitkan oleh",
    )

    class Meta:
        db_table = "letters_issueddocument"
        ordering = ["-issued_at", "-pk"]
        verbose_name = "dokumen terbit"
        verbose_name_plural = "dokumen terbit"
        indexes = [
            models.Index(fields=["office", "-issued_at"], name="issued_doc_office_date"),
            models.Index(fields=["office", "number"], name="issued_doc_office_number"),
        ]

    def __str__(self) -> str:
        return self.number or self.title


class SignerCertificate(models.Model):
    """A signer's certificate and sealed key (PKCS#12), uploaded by or for them."""

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="signer_certificates", verbose_name="pemilik"
    )
    p12_sealed = models.BinaryField("PKCS#12 tersegel", editable=False)
    subject_cn = models.CharField("nama pada sertifikat", max_length=200)
    serial = models.CharField("nomor seri", max_length=64)
    issuer_cn = models.CharField("penerbit", max_length=200)
    fingerprint_sha256 = models.CharField("sidik jari SHA-256", max_length=64, unique=True)
    not_before = models.DateTimeField("berlaku mulai")
    not_after = models.DateTimeField("berlaku sampai")
    uploaded_at = models.DateTimeField("diunggah", default=timezone.now)
    revoked_at = models.DateTimeField("dicabut", null=True, blank=True)

    class Meta:
        db_table = "letters_signercertificate"
        ordering = ["user", "-not_after"]
        verbose_name = "sertifikat penanda tangan"
        verbose_name_plural = "sertifikat penanda tangan"

    def __str__(self) -> str:
        return f"{self.subject_cn} ({self.serial})"

    def is_usable(self, at: datetime | None = None) -> bool:
        moment = at or timezone.now()
        return self.revoked_at is None and self.not_before <= moment <= self.not_after

    def p12(self) -> bytes:
        """The .p12 as uploaded (still passphrase-encrypted); only for the signing call."""
        return unseal_p12(self.p12_sealed)
