"""Approved means frozen, on a phone: an akta the Kasi and Kabid passed and that waits for the
Kadis offers nobody a correction form (the case page says how a correction goes), and a
letter's chain shows each button only to whom it belongs: the paraf to the post the slot names
(not the other Kabid, acting or not), the cancellation to the Sekretaris, a refused recipient
comes back with what was typed."""

from __future__ import annotations

from typing import Any

from alur.documents.models import CitizenDocument
from alur.letters.chain import letter_submit
from alur.letters.models import Letter, LetterStatus
from alur.letters.services import LetterInput, letter_create
from alur.org.demo import KABID_DAFDUK, KADIS_WK
from alur.org.models import Office, Position, User
from alur.workflow.tests.drive import run_until_step, start


def test_an_approved_akta_and_a_letter_chain_on_a_phone(walk: Any) -> None:
    # An akta kelahiran entered and printed, passed by the Kasi and Kabid, waiting for the Kadis.
    task = run_until_step(start("S2e"), 9)
    akta = CitizenDocument.objects.get(case=task.case, kind="akta_kelahiran")
    walk.login("waykanan.operator.capil")
    walk.goto(f"/perkara/{task.case.reference}/")
    walk.sees("Koreksi dilakukan oleh operator pada langkah pengisian")
    assert walk.page.get_by_role("button", name="Simpan koreksi").count() == 0
    akta.refresh_from_db()
    assert akta.data.get("version") == 1

    # A letter of Way Kanan initialled by the Kabid Pendaftaran Penduduk, signed by the Kadis.
    office = Office.objects.get(code="18.08")
    letter = letter_create(
        office=office,
        actor=User.objects.get(username="waykanan.operator"),
        data=LetterInput(
            kind="surat",
            classification="400.12.2.1",
            subject="Permohonan Blanko KTP-el",
            body="Dengan hormat,\n\nKami mengajukan permohonan blanko KTP-el.",
        ),
        signer=Position.objects.get(office=office, title=KADIS_WK),
        paraf=[Position.objects.get(office=office, title=KABID_DAFDUK)],
    )
    letter_submit(letter=letter, actor=User.objects.get(username="waykanan.operator"))
    page = f"/naskah/{letter.pk}/"

    # The Plt. Kabid Pencatatan Sipil holds another Kabid post: no paraf, no cancellation.
    walk.login("waykanan.kasi.capil")
    walk.goto(page)
    walk.sees(f"menunggu paraf {KABID_DAFDUK}")
    assert walk.page.get_by_role("button", name="Paraf", exact=True).count() == 0
    assert walk.page.get_by_role("button", name="Batalkan naskah").count() == 0

    # The Kabid Pendaftaran Penduduk initials it; a recipient with a wrong number is refused
    # with the reason, and the name typed stays in the form.
    walk.login("waykanan.kabid.dafduk")
    walk.goto(page)
    walk.press("Paraf", exact=True)
    walk.sees("Paraf tercatat")
    walk.fill("Nama penerima", "Ditjen Dukcapil")
    walk.fill("Nomor WhatsApp / alamat surel", "12")
    walk.press("Tambah penerima")
    walk.sees("tidak sah")
    assert walk.page.get_by_label("Nama penerima").input_value() == "Ditjen Dukcapil"

    # The Sekretaris, head of the office's administration, cancels it with a reason.
    walk.login("waykanan.sekretaris")
    walk.goto(page)
    walk.fill("Alasan pembatalan", "Permohonan digabung dengan surat triwulan berikutnya.")
    walk.press("Batalkan naskah")
    walk.sees("Naskah dibatalkan")
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.CANCELLED
