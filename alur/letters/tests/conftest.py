"""Shared pieces of the letters tests: demo signers' certificates and letters in their chain."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from alur.letters.models import Letter
from alur.letters.services import LetterInput, letter_create
from alur.org.models import Position
from alur.tte import pki
from alur.tte.models import SignerCertificate
from alur.tte.services import certificate_upload

TTE_PASSPHRASE = "Passphrase-Kadis-2026"


@pytest.fixture(scope="session")
def dev_ca() -> Any:
    return pki.dev_ca()


@pytest.fixture
def tte(dev_ca: Any) -> Callable[..., SignerCertificate]:
    """Upload a certificate for a demo signer, as they would on the certificate page."""

    def make(user: Any, **kwargs: Any) -> SignerCertificate:
        cert, key = pki.issue_signer(
            dev_ca, name=user.get_full_name(), nip=user.nip, office_name="Disdukcapil", **kwargs
        )
        p12 = pki.pkcs12_bytes(cert, key, dev_ca[0], TTE_PASSPHRASE)
        return certificate_upload(user=user, p12=p12, passphrase=TTE_PASSPHRASE, actor=user)

    return make


def letter_input(**overrides: Any) -> LetterInput:
    values: dict[str, Any] = {
        "kind": "surat",
        "classification": "400.12.2.1",
        "subject": "Permohonan Blanko KTP-el Triwulan IV",
        "body": "Dengan hormat,\n\nBersama ini kami mengajukan permohonan blanko KTP-el.",
        "recipient": "Direktur Jenderal Kependudukan dan Pencatatan Sipil",
    } | overrides
    return LetterInput(**values)


def position(office: Any, kind: str) -> Position:
    return Position.objects.filter(office=office, kind=kind, is_active=True).order_by("pk")[0]


@pytest.fixture
def babel(office: Callable[[str], Any]) -> Any:
    return office("19")


@pytest.fixture
def draft(babel: Any, persona: Callable[[str], Any]) -> Callable[..., Letter]:
    """A letter of the Babel province office drafted by its pelaksana; Kadis signs, with the
    chain given (default: Kabid then Sekretaris)."""

    def make(paraf: tuple[str, ...] = ("kabid", "sekretaris"), **overrides: Any) -> Letter:
        return letter_create(
            office=babel,
            actor=persona("babel.pelaksana"),
            data=letter_input(**overrides),
            signer=position(babel, "kadis"),
            paraf=[position(babel, kind) for kind in paraf],
        )

    return make
