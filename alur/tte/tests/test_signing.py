"""TTE: certificate upload, PAdES signing with a visible stamp, and verification."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from django.core.management import call_command
from django.db import connection
from weasyprint import HTML

from alur.audit.models import AuditEvent
from alur.core.errors import DomainError
from alur.tte import pki
from alur.tte.certificates import seal_p12
from alur.tte.models import SignerCertificate
from alur.tte.services import certificate_upload
from alur.tte.signing import SigningError, sha256_hex, sign_pdf, verify_pdf

PASSPHRASE = "rahasia-kadis-2026"
CA = tuple[Any, Any]


@pytest.fixture(scope="session")
def ca() -> CA:
    return pki.dev_ca()


@pytest.fixture(scope="session")
def letter_pdf() -> bytes:
    return HTML(
        string=(
            "<h1>Surat Keterangan</h1><p>Nomor: 470/001/DISDUKCAPIL/2026</p>"
            "<p>Yang bertanda tangan di bawah ini menerangkan bahwa data kependudukan "
            "yang bersangkutan benar.</p>"
        )
    ).write_pdf()


def _p12_for(user: Any, ca: CA, **kwargs: Any) -> bytes:
    cert, key = pki.issue_signer(
        ca, name=user.get_full_name(), nip=user.nip, office_name="Disdukcapil Way Kanan", **kwargs
    )
    return pki.pkcs12_bytes(cert, key, ca[0], PASSPHRASE)


@pytest.fixture
def kadis(persona: Callable[[str], Any]) -> Any:
    return persona("waykanan.kadis")


@pytest.fixture
def kadis_cert(kadis: Any, ca: CA) -> SignerCertificate:
    return certificate_upload(
        user=kadis, p12=_p12_for(kadis, ca), passphrase=PASSPHRASE, actor=kadis
    )


def _sign(pdf: bytes, certificate: SignerCertificate, **kwargs: Any) -> bytes:
    options: dict[str, Any] = {
        "passphrase": PASSPHRASE,
        "reason": "Surat keterangan",
        "location": "Blambangan Umpu",
    }
    options.update(kwargs)
    return sign_pdf(pdf=pdf, certificate=certificate, **options)


def test_signed_pdf_verifies_intact_valid_and_trusted(
    kadis: Any, kadis_cert: SignerCertificate, letter_pdf: bytes
) -> None:
    signed = _sign(letter_pdf, kadis_cert, stamp_lines=[kadis.get_full_name(), f"NIP. {kadis.nip}"])

    assert signed.startswith(letter_pdf)  # an incremental update: the original bytes stay
    [check] = verify_pdf(signed)
    assert check.field == "TTE"
    assert check.signer_cn == kadis.get_full_name()
    assert check.intact and check.valid and check.trusted
    assert check.reason == "Surat keterangan"
    assert check.signed_at is not None
    assert abs(check.signed_at - datetime.now(UTC)) < timedelta(minutes=5)
    assert verify_pdf(letter_pdf) == []
    assert sha256_hex(signed) != sha256_hex(letter_pdf)
    assert len(sha256_hex(signed)) == 64


def test_poppler_pdfsig_reports_the_signature_valid(
    kadis_cert: SignerCertificate, letter_pdf: bytes, tmp_path: Path, poppler
) -> None:
    pdfsig = poppler("pdfsig")
    path = tmp_path / "signed.pdf"
    path.write_bytes(_sign(letter_pdf, kadis_cert))

    result = subprocess.run(
        [pdfsig, str(path)], capture_output=True, text=True, timeout=60, check=False
    )

    assert "Signature is Valid" in result.stdout, result.stdout + result.stderr
    assert "Signature #1" in result.stdout


def test_the_stamp_is_visible_on_the_last_page(
    kadis_cert: SignerCertificate, letter_pdf: bytes, tmp_path: Path, poppler
) -> None:
    pdftotext = poppler("pdftotext")
    path = tmp_path / "signed.pdf"
    path.write_bytes(_sign(letter_pdf, kadis_cert))
    result = subprocess.run(
        [pdftotext, "-l", "1", str(path), "-"], capture_output=True, text=True, check=True
    )
    assert "Ditandatangani secara elektronik" in result.stdout
    assert kadis_cert.user.nip in result.stdout


def test_a_tampered_copy_is_not_intact(kadis_cert: SignerCertificate, letter_pdf: bytes) -> None:
    signed = bytearray(_sign(letter_pdf, kadis_cert))
    start = signed.index(b"stream", signed.index(b"/Contents")) + 40  # inside page content
    signed[start] ^= 0xFF
    signed[start + 1] ^= 0xFF

    [check] = verify_pdf(bytes(signed))

    assert not check.intact
    assert not check.valid
    assert not check.trusted


def test_a_wrong_passphrase_is_refused_and_the_pdf_is_unchanged(
    kadis_cert: SignerCertificate, letter_pdf: bytes
) -> None:
    before = sha256_hex(letter_pdf)
    with pytest.raises(SigningError) as caught:
        _sign(letter_pdf, kadis_cert, passphrase="salah")
    assert caught.value.message == "Kata sandi sertifikat salah"
    assert caught.value.retryable
    assert sha256_hex(letter_pdf) == before


def test_a_wrong_passphrase_is_refused_at_upload(kadis: Any, ca: CA) -> None:
    with pytest.raises(DomainError, match="Kata sandi sertifikat salah"):
        certificate_upload(user=kadis, p12=_p12_for(kadis, ca), passphrase="salah", actor=kadis)
    assert not SignerCertificate.objects.filter(user=kadis).exists()


def test_an_expired_certificate_is_refused_at_upload(kadis: Any, ca: CA) -> None:
    p12 = _p12_for(kadis, ca, not_before=datetime.now(UTC) - timedelta(days=10), days=1)
    with pytest.raises(DomainError, match="kedaluwarsa"):
        certificate_upload(user=kadis, p12=p12, passphrase=PASSPHRASE, actor=kadis)


def test_a_not_yet_valid_certificate_is_refused_at_upload(kadis: Any, ca: CA) -> None:
    p12 = _p12_for(kadis, ca, not_before=datetime.now(UTC) + timedelta(days=2))
    with pytest.raises(DomainError, match="belum berlaku"):
        certificate_upload(user=kadis, p12=p12, passphrase=PASSPHRASE, actor=kadis)


def test_an_expired_certificate_is_refused_at_signing(
    kadis: Any, ca: CA, letter_pdf: bytes
) -> None:
    start = datetime.now(UTC) - timedelta(days=10)
    cert, key = pki.issue_signer(
        ca, name=kadis.get_full_name(), nip=kadis.nip, office_name="X", not_before=start, days=1
    )
    stored = SignerCertificate.objects.create(  # as if uploaded while it was still valid
        user=kadis,
        p12_sealed=seal_p12(pki.pkcs12_bytes(cert, key, ca[0], PASSPHRASE)),
        subject_cn=kadis.get_full_name(),
        serial=format(cert.serial_number, "x"),
        issuer_cn=pki.DEV_CA_NAME,
        fingerprint_sha256=cert.fingerprint(hashes.SHA256()).hex(),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
    )
    with pytest.raises(SigningError, match="kedaluwarsa"):
        _sign(letter_pdf, stored)


def test_a_revoked_certificate_is_refused_at_signing(
    kadis_cert: SignerCertificate, letter_pdf: bytes
) -> None:
    kadis_cert.revoked_at = datetime.now(UTC)
    kadis_cert.save(update_fields=["revoked_at"])
    with pytest.raises(SigningError, match="dicabut"):
        _sign(letter_pdf, kadis_cert)


def test_a_foreign_ca_certificate_is_refused_at_upload(
    kadis: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # Same CA name as ours, different key: only the signature check can tell them apart.
    foreign = pki.dev_ca(tmp_path_factory.mktemp("foreign-ca"))
    with pytest.raises(DomainError, match="otoritas yang dipercaya"):
        certificate_upload(
            user=kadis, p12=_p12_for(kadis, foreign), passphrase=PASSPHRASE, actor=kadis
        )


def test_a_foreign_signature_verifies_but_is_not_trusted(
    kadis: Any, letter_pdf: bytes, tmp_path_factory: pytest.TempPathFactory
) -> None:
    foreign = pki.dev_ca(tmp_path_factory.mktemp("foreign-ca"))
    cert, key = pki.issue_signer(foreign, name="Orang Lain", nip="", office_name="X")
    stored = SignerCertificate.objects.create(
        user=kadis,
        p12_sealed=seal_p12(pki.pkcs12_bytes(cert, key, foreign[0], PASSPHRASE)),
        subject_cn="Orang Lain",
        serial=format(cert.serial_number, "x"),
        issuer_cn=pki.DEV_CA_NAME,
        fingerprint_sha256=cert.fingerprint(hashes.SHA256()).hex(),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
    )
    [check] = verify_pdf(_sign(letter_pdf, stored))
    assert check.intact and check.valid
    assert not check.trusted


def test_signing_the_same_field_twice_is_refused(
    kadis_cert: SignerCertificate, letter_pdf: bytes
) -> None:
    signed = _sign(letter_pdf, kadis_cert)
    with pytest.raises(SigningError, match="Dokumen ini sudah ditandatangani"):
        _sign(signed, kadis_cert)


def test_a_second_field_adds_a_second_valid_signature(
    kadis_cert: SignerCertificate, letter_pdf: bytes
) -> None:
    once = _sign(letter_pdf, kadis_cert)
    twice = _sign(once, kadis_cert, field_name="TTE2", box=(40.0, 40.0, 270.0, 130.0))
    checks = verify_pdf(twice)
    assert [c.field for c in checks] == ["TTE", "TTE2"]
    assert all(c.intact and c.valid and c.trusted for c in checks)


def test_the_stored_blob_is_sealed_and_the_passphrase_is_not_stored(kadis: Any, ca: CA) -> None:
    p12 = _p12_for(kadis, ca)
    certificate = certificate_upload(user=kadis, p12=p12, passphrase=PASSPHRASE, actor=kadis)

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT * FROM {SignerCertificate._meta.db_table} WHERE id = %s",  # noqa: S608
            [certificate.pk],
        )
        row = cursor.fetchone()
    raw_values = [bytes(v) if isinstance(v, memoryview | bytes) else str(v).encode() for v in row]
    blob = bytes(SignerCertificate.objects.get(pk=certificate.pk).p12_sealed)
    assert blob != p12
    assert p12 not in blob
    assert certificate.p12() == p12
    assert all(PASSPHRASE.encode() not in value for value in raw_values)
    event = AuditEvent.objects.get(
        action="letters.certificate_upload", object_id=str(certificate.pk)
    )
    assert event.office is not None and event.office.code  # the Kadis's office
    assert PASSPHRASE not in str(event.after)


def test_dev_setup_issues_certificates_once(persona: Callable[[str], Any], tmp_path: Any) -> None:
    users_file = tmp_path / "bsre_users.json"
    out = StringIO()
    call_command("tte_dev_setup", stdout=out, bsre_users=str(users_file))
    kadis = persona("waykanan.kadis")
    assert "waykanan.kadis" in out.getvalue()
    assert SignerCertificate.objects.filter(user=kadis).count() == 1
    assert not SignerCertificate.objects.filter(user=persona("waykanan.operator")).exists()
    count = SignerCertificate.objects.count()

    again = StringIO()
    call_command("tte_dev_setup", stdout=again, bsre_users=str(users_file))

    assert SignerCertificate.objects.count() == count
    assert "waykanan.kadis" not in again.getvalue()
    assert "0 sertifikat baru" in again.getvalue()
    assert "0 NIK pejabat baru" in again.getvalue()


def test_dev_setup_gives_officials_a_nik_and_writes_the_local_bsre_signers(
    persona: Callable[[str], Any], tmp_path: Any
) -> None:
    users_file = tmp_path / "bsre_users.json"
    call_command("tte_dev_setup", stdout=StringIO(), bsre_users=str(users_file))
    kadis = persona("waykanan.kadis")
    kadis.refresh_from_db()
    assert len(kadis.nik) == 16 and kadis.nik.isdigit()
    assert (
        kadis.nik[:4]
        == "".join(c for c in kadis.appointments.first().position.office.code if c.isdigit())[:4]
    )
    users = json.loads(users_file.read_text(encoding="utf-8"))
    row = next(u for u in users if u["nik"] == kadis.nik)
    assert row == {
        "nik": kadis.nik,
        "name": kadis.get_full_name(),
        "nip": kadis.nip,
        "email": kadis.email or "waykanan.kadis@alur.test",
        "passphrase": "TTE-Demo-2026",
        "state": "ISSUE",
    }
    assert len({u["nik"] for u in users}) == len(users)
    assert AuditEvent.objects.filter(action="user.nik_set", object_id=str(kadis.pk)).exists()
