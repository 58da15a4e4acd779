"""TTE through BSrE on a phone: the Kadis of Way Kanan, whose office signs through BSrE (the local
BSrE server over HTTP), finds on the office page which national systems it runs on, on the
certificate page that there is no file to upload and what BSrE says of their certificate, and on
the letter's page the same before signing. A suspended certificate is named with what to do; a
mistyped passphrase is refused with the reason and the letter, its recipient and its chain stay
as they were (the number taken for the attempt is voided in the book); the right passphrase
signs it, numbered and archived, valid under BSrE's CA."""

from __future__ import annotations

from typing import Any

from alur.letters.chain import letter_paraf, letter_submit
from alur.letters.models import IssuedNumber, Letter, LetterStatus
from alur.letters.services import LetterInput, letter_create, recipient_add
from alur.org.demo import KABID_DAFDUK, KADIS_WK
from alur.org.models import Office, Position, User
from alur.tte.management.commands.tte_dev_setup import DEMO_PASSPHRASE
from alur.tte.models import IssuedDocument
from alur.tte.tests.bsre_peer import Peer


def _letter_waiting_for_the_kadis(office: Office) -> Letter:
    operator = User.objects.get(username="waykanan.operator")
    letter = letter_create(
        office=office,
        actor=operator,
        data=LetterInput(
            kind="surat",
            classification="400.12.2.1",
            subject="Permohonan Blanko KTP-el Triwulan I",
            body="Dengan hormat,\n\nKami mengajukan permohonan blanko KTP-el.",
            recipient="Direktur Jenderal Kependudukan dan Pencatatan Sipil",
        ),
        signer=Position.objects.get(office=office, title=KADIS_WK),
        paraf=[Position.objects.get(office=office, title=KABID_DAFDUK)],
    )
    recipient_add(
        letter=letter,
        actor=operator,
        name="Ditjen Dukcapil",
        channel="email",
        address="dukcapil@kemendagri.go.id",
    )
    letter_submit(letter=letter, actor=operator)
    return letter_paraf(letter=letter, actor=User.objects.get(username="waykanan.kabid.dafduk"))


def test_the_kadis_signs_a_letter_through_bsre_on_a_phone(walk: Any, bsre: Peer) -> None:
    office = Office.objects.get(code="18.08")
    kadis = bsre.signer(
        User.objects.get(username="waykanan.kadis"), passphrase=DEMO_PASSPHRASE, state="SUSPEND"
    )
    letter = _letter_waiting_for_the_kadis(office)
    page = f"/naskah/{letter.pk}/"

    # The office page says which national systems the office runs on.
    walk.login("waykanan.kadis")
    walk.goto(f"/kantor/{office.code}/")
    walk.sees("Sistem nasional yang dipakai")
    walk.sees("BSrE (BSSN)")

    # The certificate page: no file to upload, BSrE's word on the certificate and what to do.
    walk.goto("/naskah/sertifikat/")
    walk.sees("Sertifikat BSrE: ditangguhkan")
    walk.sees("tidak ada berkas sertifikat yang perlu diunggah")
    assert walk.page.get_by_role("button", name="Unggah").count() == 0

    # BSrE reactivates it; a mistyped passphrase is refused with the reason, nothing is lost.
    bsre.state(kadis, "ISSUE")
    walk.goto(page)
    walk.fill("Passphrase TTE (BSrE)", "TTE-Demo-2025")
    walk.press("Tandatangani (TTE)")
    walk.sees("Passphrase TTE salah")
    walk.sees("Sertifikat BSrE: aktif")
    assert "TTE-Demo-2025" not in walk.page.content()
    letter.refresh_from_db()
    assert letter.status == LetterStatus.REVIEW and letter.number_id is None
    assert letter.recipients.filter(name="Ditjen Dukcapil").exists()
    (voided,) = IssuedNumber.objects.filter(object_id=str(letter.pk))
    assert voided.voided_at is not None
    assert not IssuedDocument.objects.filter(number=voided.number).exists()

    # The right passphrase signs it.
    walk.fill("Passphrase TTE (BSrE)", DEMO_PASSPHRASE)
    walk.press("Tandatangani (TTE)")
    walk.sees("Naskah ditandatangani secara elektronik")
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SIGNED and letter.document is not None
    (status,) = bsre.validate(letter.document.file.read())
    assert status.intact and status.valid and status.trusted
    assert [r["nik"] for r in bsre.sign_requests()] == [kadis.nik, kadis.nik]
