"""The hand-over with a real BAST: drafted by the province from the allocation, signed by its
Kadis and then by the kab/kota's Kadis, and only then accepted for the transfer."""

from __future__ import annotations

import pytest
from django.test import Client

from alur.core.errors import DomainError
from alur.letters.chain import letter_submit
from alur.letters.issuing import letter_cosign, letter_sign
from alur.letters.models import Letter, LetterStatus
from alur.logistics.choices import MovementKind
from alur.logistics.models import AllocationLine, LedgerLine
from alur.logistics.tests.conftest import archived, s1_round
from alur.logistics.tests.test_s1 import complete, drive_to
from alur.tte.models import DocumentKind
from alur.tte.tests.drivers import PASSPHRASE, certificate_for
from alur.workflow.tests.drive import active, holder

pytestmark = pytest.mark.django_db


def test_a_share_changes_hands_against_a_bast_both_kadis_signed(persona) -> None:
    case = s1_round()
    task = drive_to(case, 19)
    line = AllocationLine.objects.get(allocation__case=case, office=task.office)
    pelaksana = persona("babel.pelaksana")

    client = Client()
    client.force_login(pelaksana)
    page = client.get(f"/perkara/{case.reference}/").content.decode()
    assert "Susun BAST" in page
    response = client.post(f"/logistik/porsi/{line.pk}/bast/")
    letter = Letter.objects.get(kind="bast")
    assert response.url == f"/naskah/{letter.pk}/"
    client.post(f"/logistik/porsi/{line.pk}/bast/")  # a second click opens the same draft
    assert Letter.objects.filter(kind="bast").count() == 1
    assert letter.cosigner_position.office == task.office
    assert letter.extra["items"][0][1].endswith("keping")

    province_kadis, kab_kadis = persona("babel.kadis"), holder(task)
    letter = letter_submit(letter=letter, actor=pelaksana)
    certificate_for(province_kadis)
    certificate_for(kab_kadis)
    letter = letter_sign(
        letter=letter, actor=province_kadis, passphrase=PASSPHRASE, base_url="https://alur.test/"
    )
    assert letter.status == LetterStatus.COSIGN
    with pytest.raises(DomainError):  # only half signed: not yet a BAST for the transfer
        complete(task, {"bast": None})

    letter = letter_cosign(letter=letter, actor=kab_kadis, passphrase=PASSPHRASE)
    with pytest.raises(DomainError, match="Surat Pernyataan Bersedia Menerima Hibah"):
        complete(task, {"bast": letter.document.pk})  # signed by both, but no hibah statement
    hibah = archived(task.office, kind=DocumentKind.SURAT_PERNYATAAN)
    complete(task, {"bast": letter.document.pk, "hibah": hibah.pk})
    into = LedgerLine.objects.get(
        office=task.office, kind=MovementKind.TRANSFER_IN, cause_id=str(line.pk)
    )
    assert into.document == letter.document
    assert into.quantity == line.share
    assert all(t.step == 19 for t in active(case))  # the other kab/kota still to come


def test_the_kab_kota_drafts_and_signs_its_hibah_statement(persona) -> None:
    case = s1_round()
    task = drive_to(case, 19)
    kab_kadis = holder(task)
    client = Client()
    client.force_login(kab_kadis)
    page = client.get(f"/perkara/{case.reference}/").content.decode()
    assert "Susun surat pernyataan hibah" in page
    line = AllocationLine.objects.get(allocation__case=case, office=task.office)
    response = client.post(f"/logistik/porsi/{line.pk}/hibah/")
    letter = Letter.objects.get(kind="surat_pernyataan")
    assert response.url == f"/naskah/{letter.pk}/"
    assert letter.office == task.office and not letter.slots.exists()  # the signer drafted it
    assert f"{line.share:,}".replace(",", ".") in letter.body

    letter = letter_submit(letter=letter, actor=kab_kadis)
    certificate_for(kab_kadis)
    letter = letter_sign(
        letter=letter, actor=kab_kadis, passphrase=PASSPHRASE, base_url="https://alur.test/"
    )
    assert letter.status == LetterStatus.SIGNED and "/SP/" in letter.number.number
    page = client.get(f"/perkara/{case.reference}/").content.decode()
    assert "Surat pernyataan hibah: ditandatangani" in page

    stranger = Client()
    stranger.force_login(persona("waykanan.kadis"))
    assert stranger.post(f"/logistik/porsi/{line.pk}/hibah/").status_code == 404
