"""Letters signed through BSrE (the `bsre` backend of the signing port) against the local BSrE
server over HTTP: a letter and a BAST signed and valid, and every fault leaving the letter
unsigned, its number voided (BATAL) or never taken, nothing archived, the failure audited."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from alur.audit.models import AuditEvent
from alur.core.errors import DomainError
from alur.letters.chain import letter_paraf, letter_submit
from alur.letters.issuing import letter_cosign, letter_sign
from alur.letters.models import IssuedNumber, Letter, LetterStatus
from alur.letters.services import letter_create
from alur.letters.tests.conftest import letter_input, position
from alur.letters.tests.test_letter_cosign import PARTIES
from alur.tte.models import IssuedDocument
from alur.tte.tests.bsre_peer import PASSPHRASE, Peer

pytestmark = pytest.mark.django_db

BASE = "https://alur.example.go.id/"


@pytest.fixture
def ready(draft: Callable[..., Letter], persona: Callable[[str], Any]) -> Letter:
    letter = draft()
    letter_submit(letter=letter, actor=persona("babel.pelaksana"))
    letter_paraf(letter=letter, actor=persona("babel.kabid"))
    return letter_paraf(letter=letter, actor=persona("babel.sekretaris"))


def _pdfsig(pdf: bytes, poppler: Any, tmp_path: Any) -> str:
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    return subprocess.run([poppler("pdfsig"), str(path)], capture_output=True, text=True).stdout


def test_a_letter_signed_through_bsre_is_numbered_archived_and_valid(
    ready: Letter, persona: Callable[[str], Any], bsre: Peer, poppler: Any, tmp_path: Any
) -> None:
    kadis = bsre.signer(persona("babel.kadis"))

    letter = letter_sign(letter=ready, actor=kadis, passphrase=PASSPHRASE, base_url=BASE)

    assert letter.status == LetterStatus.SIGNED and letter.number is not None
    pdf = letter.document.file.read()
    (status,) = bsre.validate(pdf)
    assert status.intact and status.valid and status.trusted
    assert "Signature is Valid" in _pdfsig(pdf, poppler, tmp_path)
    event = AuditEvent.objects.get(action="letter.sign", object_id=str(letter.pk))
    assert event.after["backend"] == "bsre" and event.after["number"] == letter.number.number
    assert PASSPHRASE not in str(event.after)
    (request,) = bsre.sign_requests()
    assert request["nik"] == kadis.nik


def test_a_bast_signed_by_both_parties_through_bsre(
    babel: Any,
    office: Callable[[str], Any],
    persona: Callable[[str], Any],
    bsre: Peer,
    poppler: Any,
    tmp_path: Any,
) -> None:
    province, bangka = bsre.signer(persona("babel.kadis")), bsre.signer(persona("bangka.kadis"))
    bast = letter_submit(
        letter=letter_create(
            office=babel,
            actor=province,
            data=letter_input(kind="bast", subject="Serah terima blanko KTP-el", extra=PARTIES),
            signer=position(babel, "kadis"),
            cosigner=position(office("19.01"), "kadis"),
        ),
        actor=province,
    )
    letter = letter_sign(letter=bast, actor=province, passphrase=PASSPHRASE, base_url=BASE)
    assert letter.status == LetterStatus.COSIGN

    letter = letter_cosign(letter=letter, actor=bangka, passphrase=PASSPHRASE)

    assert letter.status == LetterStatus.SIGNED
    pdf = letter.document.file.read()
    statuses = bsre.validate(pdf)
    assert len(statuses) == 2 and all(s.intact and s.valid and s.trusted for s in statuses)
    assert _pdfsig(pdf, poppler, tmp_path).count("Signature is Valid") == 2
    assert [r["nik"] for r in bsre.sign_requests()] == [province.nik, bangka.nik]


FAULTS = [
    # (what goes wrong, whether the number was taken before it did, code, words for the signer)
    ("sign_down", True, "unavailable", "tidak dapat dihubungi"),
    ("sign_slow", True, "unavailable", "tidak dapat dihubungi"),
    ("sign_500", True, "unavailable", "tidak dapat dihubungi"),
    ("wrong_passphrase", True, "wrong_passphrase", "Passphrase TTE salah"),
    ("status_down", False, "unavailable", "tidak dapat dihubungi"),
    ("revoked", False, "revoked", "dicabut"),
    ("not_registered", False, "not_registered", "belum terdaftar"),
    ("expired", False, "expired", "kedaluwarsa"),
]


@pytest.mark.parametrize(("fault", "numbered", "code", "words"), FAULTS)
def test_each_bsre_fault_leaves_the_letter_unsigned_without_a_number_and_says_why(
    ready: Letter,
    persona: Callable[[str], Any],
    bsre: Peer,
    fault: str,
    numbered: bool,
    code: str,
    words: str,
) -> None:
    kadis = persona("babel.kadis")
    if fault != "not_registered":
        bsre.signer(kadis)
    else:
        kadis.nik = "1808010101800077"
        kadis.save(update_fields=["nik"])
    typed = PASSPHRASE
    if fault == "sign_down":
        bsre.fault(mode="down", endpoint="sign")
    elif fault == "sign_slow":
        bsre.fault(mode="slow", seconds=4, endpoint="sign")  # past BSRE_TIMEOUT_SECONDS (2)
    elif fault == "sign_500":
        bsre.fault(mode="error500", endpoint="sign")
    elif fault == "wrong_passphrase":
        typed = "Passphrase-Keliru-2026"
    elif fault == "status_down":
        bsre.fault(mode="down", endpoint="status")
    elif fault in ("revoked", "expired"):
        bsre.state(kadis, {"revoked": "REVOKE", "expired": "EXPIRED"}[fault])
    archived = IssuedDocument.objects.count()

    with pytest.raises(DomainError) as failed:
        letter_sign(letter=ready, actor=kadis, passphrase=typed, base_url=BASE)

    message = failed.value.message
    assert words in message and "belum ditandatangani" in message
    assert typed not in message
    letter = Letter.objects.get(pk=ready.pk)
    assert letter.status == LetterStatus.REVIEW and letter.signed_at is None
    assert IssuedDocument.objects.count() == archived
    numbers = IssuedNumber.objects.filter(object_id=str(letter.pk))
    if numbered:
        (number,) = numbers
        assert number.voided_at is not None and "Penandatanganan gagal" in number.void_reason
        assert letter.number_id is None
    else:
        assert not numbers.exists()
    event = AuditEvent.objects.get(action="tte.sign_failed", object_id=str(letter.pk))
    assert event.after["backend"] == "bsre" and event.after["code"] == code
    assert typed not in str(event.after)


def test_a_wrong_passphrase_on_the_page_says_so_and_the_letter_waits(
    ready: Letter, persona: Callable[[str], Any], bsre: Peer
) -> None:
    kadis = bsre.signer(persona("babel.kadis"))
    client = Client()
    client.force_login(kadis)
    page = client.get(f"/naskah/{ready.pk}/").content.decode()
    assert "Sertifikat BSrE: aktif" in page and "Passphrase TTE (BSrE)" in page

    response = client.post(
        f"/naskah/{ready.pk}/tandatangani/", {"passphrase": "keliru"}, follow=True
    )

    page = response.content.decode()
    assert "Passphrase TTE salah" in page and "keliru" not in page
    assert Letter.objects.get(pk=ready.pk).status == LetterStatus.REVIEW


def test_bsre_out_of_reach_is_said_once_on_the_letter_page(
    ready: Letter, persona: Callable[[str], Any], bsre: Peer
) -> None:
    kadis = bsre.signer(persona("babel.kadis"))
    bsre.fault(mode="down", endpoint="status")
    client = Client()
    client.force_login(kadis)

    page = " ".join(client.get(f"/naskah/{ready.pk}/").content.decode().split())

    assert "Sertifikat BSrE: layanan tidak dapat dihubungi" in page
    assert page.count("Coba lagi beberapa saat lagi") == 1
    assert "hubungi admin sistem" in page
