"""Signing a letter: the number, the QR, the TTE, the archive, and what is refused."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from alur.audit.models import AuditEvent
from alur.core.errors import ConflictError, DomainError
from alur.letters.chain import letter_paraf, letter_submit
from alur.letters.issuing import letter_sign
from alur.letters.models import IssuedNumber, Letter, LetterStatus
from alur.letters.tests.conftest import TTE_PASSPHRASE
from alur.tte.models import IssuedDocument
from alur.tte.signing import SigningError, verify_pdf
from alur.tte.views_public import NOT_SAME, SAME

pytestmark = pytest.mark.django_db

BASE = "https://alur.example.go.id/"


@pytest.fixture
def ready(draft: Callable[..., Letter], persona: Callable[[str], Any]) -> Letter:
    """A letter with both paraf given, waiting for the Kadis."""
    letter = draft()
    letter_submit(letter=letter, actor=persona("babel.pelaksana"))
    letter_paraf(letter=letter, actor=persona("babel.kabid"))
    return letter_paraf(letter=letter, actor=persona("babel.sekretaris"))


@pytest.fixture
def kadis(persona: Callable[[str], Any], tte: Callable[..., Any]) -> Any:
    user = persona("babel.kadis")
    tte(user)
    return user


def _text(pdf: bytes, poppler: Any) -> str:
    return subprocess.run(
        [poppler("pdftotext"), "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_signed_letter_has_number_qr_signature_and_archive(
    ready: Letter, kadis: Any, poppler: Any, tmp_path: Any
) -> None:
    letter = letter_sign(letter=ready, actor=kadis, passphrase=TTE_PASSPHRASE, base_url=BASE)

    assert letter.status == LetterStatus.SIGNED
    number = letter.number.number
    assert number.startswith("400.12.2.1/1/") and number.endswith(f"/{letter.signed_at.year}")
    document = letter.document
    assert document.number == number and document.verify_code == letter.verify_code
    pdf = document.file.read()
    [check] = verify_pdf(pdf)
    assert check.intact and check.valid and check.trusted
    text = "".join(_text(pdf, poppler).split())  # table cells wrap: compare without spaces
    assert number in text
    assert "PermohonanBlankoKTP-el" in text
    assert f"/verifikasi/{letter.verify_code}/" in text
    assert "RinaKartika" in text  # the signer's name in the signature block
    assert "Paraf" in text and "KepalaBidang" in text
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    pdfsig = subprocess.run(
        [poppler("pdfsig"), str(path)], capture_output=True, text=True, check=False
    )
    assert "Signature is Valid" in pdfsig.stdout
    assert AuditEvent.objects.filter(action="letter.sign", object_id=str(letter.pk)).exists()


def test_the_verification_page_shows_it_and_refuses_a_tampered_copy(
    ready: Letter, kadis: Any
) -> None:
    letter = letter_sign(letter=ready, actor=kadis, passphrase=TTE_PASSPHRASE, base_url=BASE)
    pdf = letter.document.file.read()
    page = Client().get(f"/verifikasi/{letter.verify_code}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert letter.number.number in body and "Sah" in body

    same = Client().post(f"/verifikasi/{letter.verify_code}/", {"file": _upload("asli.pdf", pdf)})
    assert SAME in same.content.decode()
    tampered = pdf.replace(b"Triwulan IV", b"Triwulan II", 1)
    assert tampered != pdf
    answer = Client().post(
        f"/verifikasi/{letter.verify_code}/", {"file": _upload("ubah.pdf", tampered)}
    )
    assert NOT_SAME in answer.content.decode()


def _upload(name: str, content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_wrong_passphrase_changes_nothing(ready: Letter, kadis: Any) -> None:
    with pytest.raises(SigningError, match="salah"):
        letter_sign(letter=ready, actor=kadis, passphrase="bukan-ini", base_url=BASE)
    ready.refresh_from_db()
    assert ready.status == LetterStatus.REVIEW
    assert ready.number_id is None
    assert not IssuedNumber.objects.exists()
    assert not IssuedDocument.objects.exists()


def test_an_expired_certificate_is_refused(
    ready: Letter, persona: Callable[[str], Any], tte: Callable[..., Any]
) -> None:
    kadis = persona("babel.kadis")
    certificate = tte(kadis)
    certificate.not_after = datetime.now(UTC) - timedelta(days=1)
    certificate.save()
    with pytest.raises(SigningError, match="kedaluwarsa"):
        letter_sign(letter=ready, actor=kadis, passphrase=TTE_PASSPHRASE, base_url=BASE)
    assert not IssuedNumber.objects.exists()


def test_without_a_certificate_the_signer_is_told_where_to_upload(
    ready: Letter, persona: Callable[[str], Any]
) -> None:
    with pytest.raises(SigningError, match=r"Unggah berkas \.p12"):
        letter_sign(
            letter=ready, actor=persona("babel.kadis"), passphrase=TTE_PASSPHRASE, base_url=BASE
        )


def test_only_the_signer_signs_and_only_when_paraf_is_complete(
    draft: Callable[..., Letter],
    persona: Callable[[str], Any],
    tte: Callable[..., Any],
    kadis: Any,
) -> None:
    letter = draft()
    letter_submit(letter=letter, actor=persona("babel.pelaksana"))
    with pytest.raises(DomainError, match="paraf belum lengkap"):
        letter_sign(letter=letter, actor=kadis, passphrase=TTE_PASSPHRASE, base_url=BASE)
    letter_paraf(letter=letter, actor=persona("babel.kabid"))
    letter_paraf(letter=letter, actor=persona("babel.sekretaris"))
    kabid = persona("babel.kabid")
    tte(kabid)
    with pytest.raises(DomainError, match="ditandatangani oleh Kepala Dinas"):
        letter_sign(letter=letter, actor=kabid, passphrase=TTE_PASSPHRASE, base_url=BASE)
    assert not IssuedNumber.objects.exists()


def test_signing_twice_is_refused_and_keeps_one_number(ready: Letter, kadis: Any) -> None:
    first = letter_sign(letter=ready, actor=kadis, passphrase=TTE_PASSPHRASE, base_url=BASE)
    with pytest.raises(ConflictError, match="sudah ditandatangani"):
        letter_sign(letter=first, actor=kadis, passphrase=TTE_PASSPHRASE, base_url=BASE)
    assert IssuedNumber.objects.count() == 1
    assert IssuedDocument.objects.count() == 1


def test_failed_signing_voids_number_in_agenda(
    ready: Letter, kadis: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A number is the letter's only once it is signed: a failed attempt voids the number it
    took, visibly (BATAL in the book and the workbook), and the next attempt takes a new one."""
    from io import BytesIO

    from openpyxl import load_workbook

    from alur.letters import compose
    from alur.letters.agenda import agenda_xlsx
    from alur.letters.selectors import agenda_rows

    real = compose.render_pdf

    def broken(content: Any) -> Any:
        raise OSError("disk full")

    monkeypatch.setattr(compose, "render_pdf", broken)
    with pytest.raises(OSError, match="disk full"):
        letter_sign(letter=ready, actor=kadis, passphrase=TTE_PASSPHRASE, base_url=BASE)
    ready.refresh_from_db()
    assert ready.number_id is None and ready.status == LetterStatus.REVIEW
    failed = IssuedNumber.objects.get()
    assert failed.voided_at is not None and "gagal" in failed.void_reason
    assert AuditEvent.objects.filter(action="letter_number.void", object_id=str(failed.pk))

    monkeypatch.setattr(compose, "render_pdf", real)
    letter = letter_sign(letter=ready, actor=kadis, passphrase=TTE_PASSPHRASE, base_url=BASE)
    assert letter.number.serial == failed.serial + 1
    year = letter.number.year
    rows = agenda_rows(office=letter.office, year=year)
    assert [(r.number, r.remark.split(":")[0]) for r in rows] == [
        (failed.number, "BATAL"),
        (letter.number.number, ""),
    ]
    sheet = load_workbook(BytesIO(agenda_xlsx(office=letter.office, year=year))).active
    cells = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    void_row = next(row for row in cells if failed.number in row)
    assert any(str(c).startswith("BATAL") for c in void_row)


def test_cancelling_a_numbered_letter_voids_its_number(
    ready: Letter, kadis: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A number left by an attempt that never finished is voided when the letter is cancelled."""
    from alur.letters.chain import letter_cancel
    from alur.letters.issuing import _take_number

    letter = _take_number(ready, kadis)  # the process stopped after taking the number
    held = letter.number
    assert held is not None
    letter_cancel(letter=letter, actor=kadis, reason="Kegiatan ditunda.")
    held.refresh_from_db()
    assert held.void_reason == "Naskah dibatalkan: Kegiatan ditunda."


def test_the_stamp_shows_the_signing_time_in_the_office_zone() -> None:
    from alur.tte.signing import _stamp_text

    moment = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)
    assert "23-11-2026 09:30 WITA" in _stamp_text(["Kadis"], moment, "Asia/Makassar")
    assert "23-11-2026 10:30 WIT" in _stamp_text(["Kadis"], moment, "Asia/Jayapura")
    assert "100%% hadir" in _stamp_text(["100% hadir"], moment, "Asia/Jakarta")
