"""Certificates for electronic signatures (TTE): the development CA and the signers it issues.

Production signer certificates come from a real certification authority (BSrE); this module makes
the development stand-in: a self-signed CA kept under `VAR_DIR/tte/` (git-ignored), created once,
and signer certificates for demo people with their name and NIP in the subject. Everything here
is local: no network, no OCSP or CRL endpoints in the certificates.
"""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

__all__ = [
    "DEV_CA_NAME",
    "PrivateKey",
    "common_name",
    "dev_ca",
    "dev_ca_dir",
    "issue_signer",
    "load_certificates",
    "pkcs12_bytes",
]

DEV_CA_NAME = "Alur Development CA — bukan untuk produksi"
DEV_CA_YEARS = 10
KEY_SIZE = 2048

PrivateKey = rsa.RSAPrivateKey


def dev_ca_dir() -> Path:
    return Path(settings.VAR_DIR) / "tte"


def _new_key() -> PrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)


def _write_atomically(path: Path, data: bytes, mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def dev_ca(path: Path | None = None) -> tuple[x509.Certificate, PrivateKey]:
    """The development CA under `path` (default `VAR_DIR/tte`), created on first use."""
    folder = path or dev_ca_dir()
    cert_path, key_path = folder / "dev-ca.pem", folder / "dev-ca.key"
    if cert_path.exists() and key_path.exists():
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise TypeError(f"{key_path} does not hold an RSA key")
        return cert, key

    key = _new_key()
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Alur (pengembangan)"),
            x509.NameAttribute(NameOID.COMMON_NAME, DEV_CA_NAME),
        ]
    )
    now = datetime.now(UTC)
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365 * DEV_CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    # Key first: a reader that finds the certificate always finds its key too.
    _write_atomically(
        key_path,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        0o600,
    )
    _write_atomically(cert_path, cert.public_bytes(serialization.Encoding.PEM), 0o644)
    return cert, key


def issue_signer(
    ca: tuple[x509.Certificate, PrivateKey],
    *,
    name: str,
    nip: str,
    office_name: str,
    days: int = 365,
    not_before: datetime | None = None,
) -> tuple[x509.Certificate, PrivateKey]:
    """A signer certificate for one person: digitalSignature + nonRepudiation, name and NIP in
    the subject (CN and serialNumber), the office as the organisational unit."""
    ca_cert, ca_key = ca
    key = _new_key()
    start = not_before or datetime.now(UTC) - timedelta(minutes=5)
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Alur (pengembangan)"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, office_name[:64]),
        x509.NameAttribute(NameOID.COMMON_NAME, name[:64]),
    ]
    if nip:
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, f"NIP {nip}"))
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name(attributes))
        .issuer_name(ca_cert.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return cert, key


def pkcs12_bytes(
    cert: x509.Certificate, key: PrivateKey, ca_cert: x509.Certificate, passphrase: str
) -> bytes:
    """A passphrase-protected PKCS#12 (.p12) holding the key, the certificate and its CA."""
    return pkcs12.serialize_key_and_certificates(
        name=common_name(cert).encode(),
        key=key,
        cert=cert,
        cas=[ca_cert],
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase.encode()),
    )


def common_name(cert: x509.Certificate, *, issuer: bool = False) -> str:
    name = cert.issuer if issuer else cert.subject
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    value = values[0].value if values else ""
    return value if isinstance(value, str) else value.decode()


def load_certificates(data: bytes) -> list[x509.Certificate]:
    """Certificates from PEM (one or more) or DER bytes."""
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificates(data)
    return [x509.load_der_x509_certificate(data)]
