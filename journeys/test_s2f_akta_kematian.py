"""S2f, a death certificate (akta kematian) of Kab. Way Kanan, walked as its people do on a phone.

A widow comes to the counter: the registration officer receives her from "Mulai prosedur" with
the four files and checks them (step 2). The Kasi finds the death letter lacks the village
head's stamp and returns it to the officer (step 3 "Tidak memenuhi persyaratan" → step 2, the
SOP's return path); the officer checks the stamped letter the widow brings and passes it on
again, and the Kasi passes it. The Kasi, acting Kabid, verifies as Kabid (4) and gives the blank
(5); the operator enters the death, which also updates the family's KK (6). The widow and two
witnesses sign the register at the counter (7): the officer records it on the case page (no
photo this time). The officer hands it to the Kadis (8), the Kadis signs with TTE (9), and the
officer tells the widow, whose phone the counter took, on WhatsApp (10).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from alur.documents.models import CitizenDocument
from alur.intake.models import Application
from alur.intake.tests import samples
from alur.outbox.models import OutboundMessage
from alur.registry.choices import ResidentStatus
from alur.tte.management.commands.tte_dev_setup import DEMO_PASSPHRASE
from alur.workflow.choices import CaseStatus
from alur.workflow.models import OutsideRecord
from journeys.test_s2a_kk_baru import (
    attach,
    open_case,
    receive_at_counter,
    reference_of,
    signer_certificate,
    step_done,
)
from journeys.test_s2e_akta_kelahiran import from_inbox_waiting, parents_family, record_outside

WIDOW_PHONE = "081234560031"


def test_a_death_certificate_from_the_counter_to_the_widow_s_whatsapp(
    walk: Any, whatsapp: Any
) -> None:
    signer_certificate("waykanan.kadis")
    _family, husband, widow = parents_family("Sutrisno", "Wartini")
    died_on = timezone.localdate() - timedelta(days=4)

    # Step 1 at the counter: the registration officer receives the widow.
    walk.login("waykanan.petugas.capil")
    receive_at_counter(walk, "Terima permohonan Akta kematian di loket")
    walk.fill("Nama pemohon", "Wartini")
    walk.fill("NIK pemohon", widow.nik)
    walk.fill("Nomor HP/WhatsApp", WIDOW_PHONE)
    walk.fill("Nama almarhum/almarhumah", "Sutrisno")
    walk.fill("NIK almarhum/almarhumah", husband.nik)
    walk.fill("Tanggal kematian", died_on.isoformat())
    walk.fill("Tempat kematian", "RSUD Way Kanan")
    attach(walk, "Surat keterangan kematian", "surat-kematian.pdf", samples.pdf())
    attach(walk, "Kartu Keluarga (KK) almarhum", "kk.jpg", samples.jpeg(), "image/jpeg")
    attach(walk, "KTP-el almarhum", "ktp.png", samples.png(), "image/png")
    attach(walk, "Formulir F-2.01 dengan pelapor", "f201.pdf", samples.pdf())
    walk.press("Simpan dan buat nomor permohonan")
    walk.sees("Permohonan diterima")
    reference = reference_of(walk)
    case = Application.objects.get(case__reference=reference).case

    # Step 2: the officer checks the files and passes them on.
    open_case(walk, reference)
    walk.press("Lengkap — teruskan")
    walk.sees("Persyaratan lengkap")

    # Step 3: the Kasi returns it to the officer: the death letter has no village stamp.
    walk.login("waykanan.kasi.capil")
    open_case(walk, reference)
    walk.page.get_by_label("Tidak memenuhi persyaratan — kembalikan").check()
    walk.fill("Catatan / alasan", "Surat keterangan kematian belum dicap kepala kampung.")
    walk.press("Simpan hasil langkah 3")
    walk.sees("Perkara dikembalikan")

    # The officer checks the stamped letter the widow brings, and passes it on again.
    walk.login("waykanan.petugas.capil")
    open_case(walk, reference)
    walk.sees("belum dicap kepala kampung")
    walk.press("Lengkap — teruskan")

    # Steps 3-5: the Kasi passes it, verifies as acting Kabid, gives the blank.
    walk.login("waykanan.kasi.capil")
    for step in (3, 4, 5):
        open_case(walk, reference)
        step_done(walk, step)
    walk.sees("diperiksa orang yang sama dengan langkah 3")

    # Step 6: the operator enters the death; the family's KK is updated with it.
    walk.login("waykanan.operator.capil")
    open_case(walk, reference)
    assert walk.page.locator("input[name=nik]").input_value() == husband.nik
    walk.fill("Nama pelapor", "Wartini")
    walk.fill("NIK pelapor", widow.nik)
    walk.fill("Hubungan pelapor dengan yang meninggal", "Istri")
    walk.fill("Saksi 1", "Slamet Riyadi")
    walk.fill("Saksi 2", "Ponirah")
    walk.press("Simpan isian dan teruskan")
    walk.sees("Data tersimpan")

    # Step 7: the widow and the witnesses sign the register; the officer records it.
    walk.login("waykanan.petugas.capil")
    from_inbox_waiting(walk, reference)
    walk.sees("Catat: Pemohon dan Saksi telah menandatangani Buku Register Akta Kematian")
    record_outside(walk, 7, "Wartini (pemohon); Slamet Riyadi, Ponirah (saksi)")
    assert OutsideRecord.objects.get(case=case).file == ""
    # Step 8: to the Kadis.
    walk.menu("Tugas saya")
    walk.follow(reference)
    step_done(walk, 8)

    # Step 9: the Kadis signs the certificate and the updated KK.
    walk.login("waykanan.kadis")
    open_case(walk, reference)
    walk.fill("Passphrase sertifikat TTE", DEMO_PASSPHRASE)
    walk.press("Tandatangani (TTE)")
    walk.sees("Dokumen ditandatangani secara elektronik")

    # Step 10: the officer tells the widow on WhatsApp.
    walk.login("waykanan.petugas.capil")
    open_case(walk, reference)
    step_done(walk, 10)

    case.refresh_from_db()
    assert case.status == CaseStatus.DONE
    husband.refresh_from_db()
    assert husband.status == ResidentStatus.DEAD
    kinds = set(CitizenDocument.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == {"akta_kematian", "kk"}
    assert all(d.signed_at for d in CitizenDocument.objects.filter(case=case))
    told = OutboundMessage.objects.get(dedupe_key=f"case-notice:{reference}:done")
    assert told.recipient == "6281234560031"
    # She has not written to the number: the outbox sends the status template with the text.
    assert any("sudah selesai" in text for text in whatsapp("6281234560031").everything())
