"""A BAST signed by both parties: the province's Kadis first, then the receiving kab/kota's."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from alur.core.errors import ConflictError, DomainError
from alur.letters.chain import letter_submit
from alur.letters.issuing import letter_cosign, letter_sign
from alur.letters.models import Letter, LetterStatus
from alur.letters.services import letter_create
from alur.letters.tests.conftest import TTE_PASSPHRASE, letter_input, position
from alur.tte.models import IssuedDocument
from alur.tte.signing import verify_pdf

pytestmark = pytest.mark.django_db

PARTIES = {
    "first_party": {"name": "Dra. Rina Kartika, M.AP", "position": "Kepala Dinas P3ACSKB"},
    "second_party": {"name": "Kadis Dukcapil Kabupaten Bangka", "position": "Kepala Dinas"},
    "items": [["Blanko KTP-el", "250 keping", "baik"]],
}


@pytest.fixture
def bast(babel: Any, office: Callable[[str], Any], persona: Callable[[str], Any]) -> Letter:
    kadis = persona("babel.kadis")
    letter = letter_create(
        office=babel,
        actor=kadis,
        data=letter_input(kind="bast", subject="Serah terima blanko KTP-el", extra=PARTIES),
        signer=position(babel, "kadis"),
        cosigner=position(office("19.01"), "kadis"),
    )
    return letter_submit(letter=letter, actor=kadis)


def test_both_parties_sign_then_it_is_issued(
    bast: Letter, persona: Callable[[str], Any], tte: Callable[..., Any], poppler: Any, tmp_path
) -> None:
    province, bangka = persona("babel.kadis"), persona("bangka.kadis")
    tte(province)
    tte(bangka)
    letter = letter_sign(
        letter=bast, actor=province, passphrase=TTE_PASSPHRASE, base_url="https://alur.test/"
    )
    assert letter.status == LetterStatus.COSIGN
    assert not IssuedDocument.objects.exists()  # issued only with both signatures

    client = Client()
    client.force_login(bangka)
    assert "Serah terima blanko" in client.get("/naskah/").content.decode()  # waiting for them
    page = client.get(f"/naskah/{letter.pk}/")
    assert page.status_code == 200
    status = " ".join(page.content.decode().split())
    assert f"pihak kedua — menunggu {bast.cosigner_position.title} (Disdukcapil Kab. Bangka)" in (
        status
    )

    letter = letter_cosign(letter=letter, actor=bangka, passphrase=TTE_PASSPHRASE)
    assert letter.status == LetterStatus.SIGNED
    pdf = letter.document.file.read()
    checks = verify_pdf(pdf)
    assert [c.field for c in checks] == ["TTE", "TTE-2"]
    assert all(c.intact and c.valid and c.trusted for c in checks)
    path = tmp_path / "bast.pdf"
    path.write_bytes(pdf)
    out = subprocess.run([poppler("pdfsig"), str(path)], capture_output=True, text=True).stdout
    assert out.count("Signature is Valid") == 2
    with pytest.raises(ConflictError, match="kedua pihak"):
        letter_cosign(letter=letter, actor=bangka, passphrase=TTE_PASSPHRASE)


def test_only_the_named_second_party_signs_second(
    bast: Letter, persona: Callable[[str], Any], tte: Callable[..., Any]
) -> None:
    province, belitung = persona("babel.kadis"), persona("belitung.kadis")
    tte(province)
    tte(belitung)
    with pytest.raises(DomainError, match="tidak menunggu tanda tangan Anda"):
        letter_cosign(letter=bast, actor=belitung, passphrase=TTE_PASSPHRASE)
    letter = letter_sign(
        letter=bast, actor=province, passphrase=TTE_PASSPHRASE, base_url="https://alur.test/"
    )
    with pytest.raises(DomainError, match="tidak menunggu tanda tangan Anda"):
        letter_cosign(letter=letter, actor=belitung, passphrase=TTE_PASSPHRASE)
    assert Client().get("/naskah/").status_code == 302  # anonymous: to the login page
    other = Client()
    other.force_login(belitung)
    assert other.get(f"/naskah/{letter.pk}/").status_code == 404


def test_a_second_party_only_on_a_bast_of_a_related_office(
    babel: Any, office: Callable[[str], Any], persona: Callable[[str], Any]
) -> None:
    kadis = persona("babel.kadis")
    with pytest.raises(DomainError, match="hanya untuk berita acara"):
        letter_create(
            office=babel,
            actor=kadis,
            data=letter_input(),
            signer=position(babel, "kadis"),
            cosigner=position(office("19.01"), "kadis"),
        )
    with pytest.raises(DomainError, match="kantor induknya"):
        letter_create(
            office=babel,
            actor=kadis,
            data=letter_input(kind="bast", extra=PARTIES),
            signer=position(babel, "kadis"),
            cosigner=position(office("18.08"), "kadis"),
        )


def test_the_second_party_downloads_the_bast_both_signed(
    bast: Letter, persona: Callable[[str], Any], tte: Callable[..., Any]
) -> None:
    province, bangka, belitung = (persona(f"{n}.kadis") for n in ("babel", "bangka", "belitung"))
    for signer in (province, bangka):
        tte(signer)
    letter = letter_sign(
        letter=bast, actor=province, passphrase=TTE_PASSPHRASE, base_url="https://alur.test/"
    )
    letter = letter_cosign(letter=letter, actor=bangka, passphrase=TTE_PASSPHRASE)
    archived = letter.document.file.read()

    second = Client()
    second.force_login(bangka)
    page = second.get(f"/naskah/{letter.pk}/").content.decode()
    assert f'href="/naskah/{letter.pk}/terbit.pdf"' in page
    download = second.get(f"/naskah/{letter.pk}/terbit.pdf")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == archived
    assert second.get(f"/naskah/{letter.pk}/konsep.pdf").url == f"/naskah/{letter.pk}/terbit.pdf"
    # The archive itself stays the first party's: its own page does not list it for Bangka.
    assert second.get(f"/arsip/{letter.document.pk}/unduh/").status_code == 404

    first = Client()
    first.force_login(province)
    assert first.get(f"/naskah/{letter.pk}/terbit.pdf").status_code == 200

    stranger = Client()
    stranger.force_login(belitung)
    assert stranger.get(f"/naskah/{letter.pk}/terbit.pdf").status_code == 404
