"""The local BSrE's development CA and the one certificate it issues to each signer.

The CA is created once under the state directory (`ca.pem`, `ca.key`) and kept across restarts,
so a PDF signed yesterday still chains to the same root. A signer's certificate is issued on
first use and kept under `users/<NIK>.pem` with its key; it is issued again when the signer's
name or email changed. Subject: CN = name, serialNumber = NIK, E = email, as BSrE puts them.
"""

from __future__ import annotations

import os
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_NAME = "BSrE Lokal Development CA - bukan untuk produksi"
CA_YEARS = 10
SIGNER_DAYS = 730
KEY_SIZE = 2048

Key = rsa.RSAPrivateKey


def _write(path: Path, data: bytes, mode: int) -> None:
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


def _key_pem(key: Key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _load_key(path: Path) -> Key:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError(f"{path} does not hold an RSA key")
    return key


def _usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


class Authority:
    """The CA under `state_dir` and the signer certificates it issued."""

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = Path(state_dir)
        self._lock = threading.Lock()
        self.cert, self.key = self._load_or_create()

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def _load_or_create(self) -> tuple[x509.Certificate, Key]:
        cert_path, key_path = self.state_dir / "ca.pem", self.state_dir / "ca.key"
        if cert_path.exists() and key_path.exists():
            return x509.load_pem_x509_certificate(cert_path.read_bytes()), _load_key(key_path)
        key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "BSrE Lokal (pengembangan)"),
                x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME),
            ]
        )
        now = datetime.now(UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=365 * CA_YEARS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_usage(ca=True), critical=True)
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
            .sign(key, hashes.SHA256())
        )
        _write(key_path, _key_pem(key), 0o600)  # key first: whoever finds the cert finds its key
        _write(cert_path, cert.public_bytes(serialization.Encoding.PEM), 0o644)
        return cert, key

    def signer(self, *, nik: str, name: str, email: str) -> tuple[x509.Certificate, Key]:
        """The signer's certificate and key, issued on first use (or after a change of name)."""
        folder = self.state_dir / "users"
        cert_path, key_path = folder / f"{nik}.pem", folder / f"{nik}.key"
        with self._lock:
            if cert_path.exists() and key_path.exists():
                cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
                if (
                    _attribute(cert, NameOID.COMMON_NAME) == name[:64]
                    and _attribute(cert, NameOID.EMAIL_ADDRESS) == email[:128]
                    and cert.issuer == self.cert.subject
                    and cert.not_valid_after_utc > datetime.now(UTC)
                ):
                    return cert, _load_key(key_path)
            cert, key = self._issue(nik=nik, name=name, email=email)
            _write(key_path, _key_pem(key), 0o600)
            _write(cert_path, cert.public_bytes(serialization.Encoding.PEM), 0o644)
            return cert, key

    def _issue(self, *, nik: str, name: str, email: str) -> tuple[x509.Certificate, Key]:
        key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
        attributes = [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Pemerintah Daerah (pengembangan)"),
            x509.NameAttribute(NameOID.COMMON_NAME, name[:64] or nik),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, nik),
        ]
        if email:
            attributes.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email[:128]))
        now = datetime.now(UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name(attributes))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=SIGNER_DAYS))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_usage(ca=False), critical=True)
            .add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False,
            )
            .sign(self.key, hashes.SHA256())
        )
        return cert, key


def _attribute(cert: x509.Certificate, oid: x509.ObjectIdentifier) -> str:
    values = cert.subject.get_attributes_for_oid(oid)
    value = values[0].value if values else ""
    return value if isinstance(value, str) else value.decode()
