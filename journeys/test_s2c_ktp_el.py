"""S2c, a replacement KTP-el of Kab. Way Kanan, walked as its people do on a phone.

A man whose KTP-el was lost applies at the counter (the operator receives him from "Mulai
prosedur"). At step 2 the operator checks his data and biometric record: the record is not on
the server, so the card cannot be printed; the SOP's "Tidak ditemukan" returns the case to him,
and he is told why on WhatsApp (the counter took his phone). He comes back to the office: the
counter officer finds the case among those waiting on outside parties and records his coming on
the case page; step 2 opens again for the operator, who records his biometrics there and then
and prints the card on a blank. The officer matches the card with the files (3), archives them
and hands the card to PT POS (4).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from alur.documents.models import CitizenDocument
from alur.intake.models import Application
from alur.intake.tests import samples
from alur.org.models import Office
from alur.outbox.models import OutboundMessage
from alur.registry.inputs import AddressInput, ResidentInput
from alur.registry.models import Resident
from alur.registry.services.residents import resident_register
from alur.workflow.choices import CaseStatus
from alur.workflow.models import ApplicantNotice, OutsideRecord
from journeys.test_s2a_kk_baru import (
    attach,
    open_case,
    receive_at_counter,
    reference_of,
    shot,
    step_done,
)
from journeys.test_s2e_akta_kelahiran import from_inbox_waiting, record_outside


def resident_without_biometrics(name: str) -> Resident:
    office = Office.objects.get(code="18.08")
    home = AddressInput(
        address="Jl. Lintas Sumatera No. 40",
        district_code="18.08.01",
        rt="004",
        rw="002",
        village="Blambangan Umpu",
    )
    data = ResidentInput(
        name=name, sex="L", birth_place="Way Kanan", birth_date=date(1988, 3, 9), home=home
    )
    return resident_register(office=office, data=data, actor=None)[0]


def test_a_lost_ktp_el_goes_back_for_biometrics_then_to_pt_pos(walk: Any, whatsapp: Any) -> None:
    owner = resident_without_biometrics("Rahmat Hidayat")
    phone = whatsapp("6281234560041")  # what reaches his WhatsApp

    # Step 1 at the counter: the operator receives the application with its three files.
    walk.login("waykanan.operator")
    receive_at_counter(walk, "Terima permohonan KTP-el penggantian")
    walk.fill("Nama pemohon", "Rahmat Hidayat")
    walk.fill("NIK pemohon", owner.nik)
    walk.fill("Nomor HP/WhatsApp", "081234560041")
    walk.fill("Alasan penggantian", "hilang")
    attach(walk, "Surat keterangan kehilangan", "polisi.pdf", samples.pdf())
    attach(walk, "Kartu Keluarga (KK)", "kk.jpg", samples.jpeg(), "image/jpeg")
    attach(walk, "Formulir F-1.02", "f102.pdf", samples.pdf())
    walk.press("Simpan dan buat nomor permohonan")
    walk.sees("Permohonan diterima")
    reference = reference_of(walk)
    case = Application.objects.get(case__reference=reference).case

    # Step 2: no biometric record on the server: back to the applicant, who is told.
    open_case(walk, reference)
    walk.sees("Data dan rekaman biometrik pemohon tersimpan dalam server?")
    walk.sees("tidak ditemukan")
    shot(walk, "s2c-no-biometrics")
    walk.fill(
        "Catatan perbaikan",
        "Rekaman biometrik KTP-el Anda tidak ditemukan; datang ke kantor Dinas untuk perekaman.",
    )
    walk.press("Tidak ditemukan — kembalikan")
    walk.sees("Perkara dikembalikan")
    case.refresh_from_db()
    assert case.status == CaseStatus.WAITING
    told = OutboundMessage.objects.get(dedupe_key__startswith=f"case-notice:{reference}:return:")
    assert told.recipient == "6281234560041"
    notice = ApplicantNotice.objects.get(case=case)
    assert notice.channels == "WhatsApp" and "untuk perekaman" in notice.text
    # He has not written to the number: the outbox sends the status template with the text.
    assert any("untuk perekaman" in text for text in phone.everything())

    # He comes back; the counter officer records it on the case page.
    walk.login("waykanan.petugas")
    from_inbox_waiting(walk, reference)
    walk.sees("Catat: pemohon telah datang dan melengkapi kekurangan")
    record_outside(walk, 1, "Rahmat Hidayat")
    assert OutsideRecord.objects.get(case=case).party == "Rahmat Hidayat"

    # Step 2 again: the operator records his biometrics now and prints the card.
    walk.login("waykanan.operator")
    open_case(walk, reference)
    walk.page.get_by_label("Pemohon hadir: perekaman biometrik KTP-el dilakukan sekarang").check()
    walk.fill("Nomor seri blanko KTP-el", "KTP-WK-000123")
    walk.press("Catat pencetakan dan teruskan")
    walk.sees("Pencetakan tercatat")
    owner.refresh_from_db()
    assert owner.biometrics_recorded_at is not None

    # Step 3: the officer matches the printed card with the files.
    walk.login("waykanan.petugas")
    open_case(walk, reference)
    step_done(walk, 3)
    # Step 4: the files archived, the card handed to PT POS.
    walk.menu("Tugas saya")
    walk.follow(reference)
    walk.page.get_by_label("Dikirim lewat PT POS").check()
    walk.fill("Nomor resi PT POS", "RR123456789ID")
    walk.press("Catat penyerahan")
    walk.sees("Penyerahan dokumen tercatat")

    case.refresh_from_db()
    assert case.status == CaseStatus.DONE
    card = CitizenDocument.objects.get(case=case)
    assert card.card_serial == "KTP-WK-000123" and card.pos_tracking == "RR123456789ID"
