"""The letter pages: drafting with a chain, the chain's buttons, the agenda book, and what another
office's staff see (nothing). The certificate page is tte's (alur/tte/tests)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from alur.letters.models import Letter, LetterStatus
from alur.letters.tests.conftest import TTE_PASSPHRASE, position
from alur.letters.tests.test_compose import pdf_text

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(babel: Any, **overrides: Any) -> dict[str, Any]:
    return {
        "kantor": babel.code,
        "kind": "nota_dinas",
        "classification": "000.1.2.3",
        "subject": "Rapat evaluasi stok blanko",
        "sender": "Kepala Bidang Dukcapil",
        "recipient": "Kepala Dinas",
        "sifat": "Segera",
        "lampiran": "-",
        "body": "Dengan hormat,\n\nMohon arahan untuk rapat evaluasi.",
        "signer": str(position(babel, "kadis").pk),
        "paraf_1": str(position(babel, "kabid").pk),
    } | overrides


def test_draft_submit_paraf_and_sign_through_the_pages(
    babel: Any, persona: Callable[[str], Any], tte: Callable[..., Any]
) -> None:
    pelaksana = _client(persona("babel.pelaksana"))
    refused = pelaksana.post("/naskah/baru/", _form(babel, classification="abc"))
    assert "Kode klasifikasi" in refused.content.decode()
    assert not Letter.objects.exists()

    created = pelaksana.post("/naskah/baru/", _form(babel))
    letter = Letter.objects.get()
    assert created.url == f"/naskah/{letter.pk}/"
    preview = pelaksana.get(f"/naskah/{letter.pk}/konsep.pdf")
    assert preview["Content-Type"] == "application/pdf" and preview.content.startswith(b"%PDF")
    pelaksana.post(f"/naskah/{letter.pk}/ajukan/")

    kabid = _client(persona("babel.kabid"))
    assert letter.subject in kabid.get("/naskah/").content.decode()  # waiting for the Kabid
    kabid.post(f"/naskah/{letter.pk}/paraf/")

    kadis_user = persona("babel.kadis")
    tte(kadis_user)
    kadis = _client(kadis_user)
    wrong = kadis.post(f"/naskah/{letter.pk}/tandatangani/", {"passphrase": "x"}, follow=True)
    assert "Kata sandi sertifikat salah" in wrong.content.decode()
    kadis.post(f"/naskah/{letter.pk}/tandatangani/", {"passphrase": TTE_PASSPHRASE})
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SIGNED
    again = kadis.post(
        f"/naskah/{letter.pk}/tandatangani/", {"passphrase": TTE_PASSPHRASE}, follow=True
    )
    assert "sudah ditandatangani" in again.content.decode()


def test_another_office_sees_no_letter(
    draft: Callable[..., Letter], persona: Callable[[str], Any]
) -> None:
    letter = draft()
    stranger = _client(persona("waykanan.kadis"))
    assert stranger.get(f"/naskah/{letter.pk}/").status_code == 404
    assert stranger.get(f"/naskah/{letter.pk}/konsep.pdf").status_code == 404
    assert stranger.post(f"/naskah/{letter.pk}/batal/", {"reason": "x"}).status_code == 404
    assert letter.subject not in stranger.get("/naskah/").content.decode()
    letter.refresh_from_db()
    assert letter.status == LetterStatus.DRAFT


def test_agenda_book_page_and_exports(babel: Any, persona: Callable[[str], Any]) -> None:
    client = _client(persona("babel.kasubag"))
    page = client.get("/naskah/agenda/", {"kantor": babel.code, "tahun": 2026})
    assert page.status_code == 200 and "Buku agenda" in page.content.decode()
    xlsx = client.get("/naskah/agenda/", {"kantor": babel.code, "tahun": 2026, "format": "xlsx"})
    assert xlsx.content.startswith(b"PK")
    pdf = client.get("/naskah/agenda/", {"kantor": babel.code, "tahun": 2026, "format": "pdf"})
    assert pdf.content.startswith(b"%PDF")
    bad = client.get("/naskah/agenda/", {"kantor": babel.code, "tahun": 2026, "bulan": 13})
    assert "tidak sah" in bad.content.decode()


def test_a_bast_needs_its_second_party_and_the_signer_is_the_first_by_default(
    babel: Any, persona: Callable[[str], Any], poppler: Callable[[str], str]
) -> None:
    pelaksana = _client(persona("babel.pelaksana"))
    bast = _form(babel, kind="bast", subject="Serah terima blanko KTP-el", items="Blanko | 5 |")
    refused = pelaksana.post("/naskah/baru/", bast).content.decode()
    assert "perlu pihak kedua" in refused
    assert "Serah terima blanko KTP-el" in refused  # what was typed stays in the form
    assert not Letter.objects.exists()

    created = pelaksana.post("/naskah/baru/", bast | {"second_name": "Kadis Dukcapil Bangka"})
    letter = Letter.objects.get()
    assert created.url == f"/naskah/{letter.pk}/"
    preview = pelaksana.get(f"/naskah/{letter.pk}/konsep.pdf")
    assert preview.status_code == 200 and preview.content.startswith(b"%PDF")
    text = pdf_text(poppler("pdftotext"), preview.content)
    assert "Kadis Dukcapil Bangka" in text and "Kepala Dinas P3ACSKB" in text
