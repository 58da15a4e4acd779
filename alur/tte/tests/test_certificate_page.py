"""The certificate page: a signer uploads their .p12 (passphrase, size and file type checked),
kept sealed; at the address it had under the letter pages (/naskah/sertifikat/)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from alur.tte import pki
from alur.tte.models import SignerCertificate

pytestmark = pytest.mark.django_db

TTE_PASSPHRASE = "Passphrase-Kadis-2026"


@pytest.fixture(scope="session")
def dev_ca() -> Any:
    return pki.dev_ca()


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_lists_the_signers_certificates(persona: Callable[[str], Any]) -> None:
    page = _client(persona("babel.kadis")).get("/naskah/sertifikat/")
    assert page.status_code == 200 and "Belum ada sertifikat" in page.content.decode()


def test_certificate_upload_checks_passphrase_and_size(
    persona: Callable[[str], Any], dev_ca: Any
) -> None:
    kadis = persona("babel.kadis")
    cert, key = pki.issue_signer(dev_ca, name=kadis.get_full_name(), nip=kadis.nip, office_name="X")
    p12 = pki.pkcs12_bytes(cert, key, dev_ca[0], TTE_PASSPHRASE)
    client = _client(kadis)

    wrong = client.post(
        "/naskah/sertifikat/",
        {"p12": SimpleUploadedFile("kadis.p12", p12), "passphrase": "bukan"},
    )
    assert "Kata sandi sertifikat salah" in wrong.content.decode()
    huge = client.post(
        "/naskah/sertifikat/",
        {"p12": SimpleUploadedFile("besar.p12", b"0" * 70_000), "passphrase": TTE_PASSPHRASE},
    )
    assert "terlalu besar" in huge.content.decode()
    assert not SignerCertificate.objects.exists()

    client.post(
        "/naskah/sertifikat/",
        {"p12": SimpleUploadedFile("kadis.p12", p12), "passphrase": TTE_PASSPHRASE},
    )
    stored = SignerCertificate.objects.get(user=kadis)
    assert p12 not in bytes(stored.p12_sealed)  # kept sealed, never as uploaded


def test_a_file_that_is_not_a_certificate_is_named_as_such(persona: Callable[[str], Any]) -> None:
    client = _client(persona("babel.kadis"))
    for name, content in (("surat.p12", b"%PDF-1.7 bukan sertifikat"), ("a.p12", b"MZ\x90\x00")):
        answer = client.post(
            "/naskah/sertifikat/",
            {"p12": SimpleUploadedFile(name, content), "passphrase": TTE_PASSPHRASE},
        )
        assert "bukan sertifikat elektronik PKCS#12" in answer.content.decode()
    assert not SignerCertificate.objects.exists()
