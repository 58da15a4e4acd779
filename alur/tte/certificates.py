"""Signer certificates (TTE): opening, sealing and trusting the PKCS#12 each signer uploads
(the model is `models.SignerCertificate`, the upload `services.certificate_upload`).

The .p12 is stored as uploaded (it is already passphrase-encrypted) and additionally sealed with a
Fernet key derived from `SECRET_KEY` (HKDF-SHA256), so a database dump alone is not a usable .p12.
The passphrase is never stored: the signer types it for every signature.

Which CAs are trusted: `settings.TTE_TRUSTED_CA_FILES` (paths to PEM or DER certificates) when
set; otherwise the development CA (`pki.dev_ca`) and, when the local BSrE server has made one,
its development CA (`VAR_DIR/bsre/ca.pem`, what `make run` signs with in `bsre` mode), except
in production where nothing is trusted until the setting names the real authority's
certificates (for BSrE: its root and intermediate CA).
"""

from __future__ import annotations

import base64
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings

from alur.core.errors import DomainError
from alur.tte import pki

__all__ = [
    "certificate_of",
    "issued_by_trusted_root",
    "open_p12",
    "seal_p12",
    "trusted_roots",
    "unseal_p12",
]

WRONG_PASSPHRASE = "Kata sandi sertifikat salah"  # noqa: S105  (a message, not a secret)
UNTRUSTED_ISSUER = "Sertifikat tidak diterbitkan oleh otoritas yang dipercaya"
NOT_PKCS12 = "Berkas ini bukan sertifikat elektronik PKCS#12 (.p12 atau .pfx)."
# The key's label stays as it was when certificates lived in `letters`: a new label would leave
# every sealed certificate unreadable.
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
        if getattr(settings, "PRODUCTION", False):
            return []
        local_bsre = Path(settings.VAR_DIR) / "bsre" / "ca.pem"
        extra = pki.load_certificates(local_bsre.read_bytes()) if local_bsre.is_file() else []
        return [pki.dev_ca()[0], *extra]
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
