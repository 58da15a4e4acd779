"""Signer certificates (TTE): the PKCS#12 each signer uploads, kept sealed, and its upload service.

The .p12 is stored as uploaded (it is already passphrase-encrypted) and additionally sealed with a
Fernet key derived from `SECRET_KEY` (HKDF-SHA256), so a database dump alone is not a usable .p12.
The passphrase is never stored: the signer types it for every signature.

Which CAs are trusted: `settings.TTE_TRUSTED_CA_FILES` (paths to PEM or DER certificates) when
set; otherwise the development CA (`pki.dev_ca`), except in production where nothing is trusted
until the setting names the real authority's certificates.
"""

from __future__ import annotations

import base64
from datetime import datetime
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from alur.audit.services import record
from alur.core.errors import DomainError
from alur.letters import pki
from alur.org.access import active_appointments
from alur.org.models import Office, User

__all__ = [
    "SignerCertificate",
    "certificate_of",
    "certificate_upload",
    "open_p12",
    "seal_p12",
    "trusted_roots",
]

WRONG_PASSPHRASE = "Kata sandi sertifikat salah"  # noqa: S105  (a message, not a secret)
UNTRUSTED_ISSUER = "Sertifikat tidak diterbitkan oleh otoritas yang dipercaya"
NOT_PKCS12 = "Berkas ini bukan sertifikat elektronik PKCS#12 (.p12 atau .pfx)."
_HKDF_INFO = b"alur.letters.signer-certificate.p12"


def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(
        settings.SECRET_KEY.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def seal_p12(p12: bytes) -> bytes:
    return _fernet().encrypt(p12)


def unseal_p12(sealed: bytes) -> bytes:
    try:
        return _fernet().decrypt(bytes(sealed))
    except InvalidToken as exc:
        raise DomainError(
            "Sertifikat tersimpan tidak dapat dibuka (kunci server berubah); "
            "unggah ulang sertifikat."
        ) from exc


def open_p12(p12: bytes, passphrase: str) -> pkcs12.PKCS12KeyAndCertificates:
    """The key and certificates of a .p12; DomainError(WRONG_PASSPHRASE) if it does not open."""
    if not p12.startswith(b"\x30"):  # a PKCS#12 file is one DER SEQUENCE
        raise DomainError(NOT_PKCS12, code="not_pkcs12")
    try:
        bundle = pkcs12.load_pkcs12(p12, passphrase.encode())
    except ValueError as exc:
        raise DomainError(WRONG_PASSPHRASE, code="wrong_passphrase") from exc
    if bundle.key is None or bundle.cert is None:
        raise DomainError("Berkas sertifikat tidak berisi kunci dan sertifikat penanda tangan.")
    return bundle


def certificate_of(bundle: pkcs12.PKCS12KeyAndCertificates) -> x509.Certificate:
    if bundle.cert is None:
        raise DomainError("Berkas sertifikat tidak berisi sertifikat penanda tangan.")
    return bundle.cert.certificate


def trusted_roots() -> list[x509.Certificate]:
    """The CA certificates whose signer certificates Alur accepts and whose signatures it trusts."""
    files: list[str] | None = getattr(settings, "TTE_TRUSTED_CA_FILES", None)
    if files is None:
        return [] if getattr(settings, "PRODUCTION", False) else [pki.dev_ca()[0]]
    roots: list[x509.Certificate] = []
    for name in files:
        roots.extend(pki.load_certificates(Path(name).read_bytes()))
    return roots


def issued_by_trusted_root(cert: x509.Certificate, roots: list[x509.Certificate]) -> bool:
    for root in roots:
        if cert.issuer != root.subject:
            continue
        try:
            cert.verify_directly_issued_by(root)
        except (ValueError, TypeError, InvalidSignature):
            continue
        return True
    return False


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
        app_label = "letters"
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


def _first_office(user: User) -> Office | None:
    first = active_appointments(user).order_by("position__office__code").first()
    return first.position.office if first else None


def certificate_upload(
    *, user: User, p12: bytes, passphrase: str, actor: User | None
) -> SignerCertificate:
    """Check a .p12 (passphrase, validity period, trusted issuer) and keep it sealed for `user`."""
    cert = certificate_of(open_p12(p12, passphrase))
    now = timezone.now()
    if cert.not_valid_after_utc < now:
        raise DomainError("Sertifikat sudah kedaluwarsa.", code="expired")
    if cert.not_valid_before_utc > now:
        raise DomainError("Sertifikat belum berlaku.", code="not_yet_valid")
    if not issued_by_trusted_root(cert, trusted_roots()):
        raise DomainError(UNTRUSTED_ISSUER, code="untrusted")
    fingerprint = cert.fingerprint(hashes.SHA256()).hex()
    office = _first_office(user)
    with transaction.atomic():
        if SignerCertificate.objects.filter(fingerprint_sha256=fingerprint).exists():
            raise DomainError("Sertifikat ini sudah pernah diunggah.", code="duplicate")
        certificate = SignerCertificate.objects.create(
            user=user,
            p12_sealed=seal_p12(p12),
            subject_cn=pki.common_name(cert),
            serial=format(cert.serial_number, "x"),
            issuer_cn=pki.common_name(cert, issuer=True),
            fingerprint_sha256=fingerprint,
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
            uploaded_at=now,
        )
        record(
            actor=actor,
            office=office,
            action="letters.certificate_upload",
            obj=certificate,
            after={
                "user": user.pk,
                "subject_cn": certificate.subject_cn,
                "serial": certificate.serial,
                "issuer_cn": certificate.issuer_cn,
                "fingerprint_sha256": fingerprint,
                "not_after": certificate.not_after,
            },
        )
    return certificate
