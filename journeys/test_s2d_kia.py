"""S2d, a child identity card (KIA) of Kab. Way Kanan, walked as its people do on a phone.

A mother applies at the counter for her six-year-old son, without his photo. At step 2 the
operator checks the files: passing them on is refused, since a child of 5 or more needs the
3×4 photo; the operator returns the application with the photo ticked, and the mother hears it
on WhatsApp. She brings the photo to the counter: the operator, finding the case among those
waiting on outside parties, attaches it on the case page (the counter's resubmission), and step
2 opens again and passes. The Kasi of Identitas Penduduk verifies (3) — not the Kasi of Pindah
Datang, whose inbox does not show it — the operator prints the KIA on a blank (4) and the
officer hands it to the mother (5).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from alur.documents.models import CitizenDocument
from alur.intake.models import Application
from alur.intake.tests import samples
from alur.org.models import Office
from alur.registry.inputs import AddressInput, ResidentInput
from alur.registry.models import Resident
from alur.registry.services.residents import resident_register
from alur.workflow.choices import CaseStatus
from alur.workflow.models import ApplicantNotice
from journeys.test_s2a_kk_baru import (
    attach,
    open_case,
    receive_at_counter,
    reference_of,
    shot,
    step_done,
)
from journeys.test_s2e_akta_kelahiran import from_inbox_waiting

MOTHER_PHONE = "6281234560051"


def child_of_six(name: str) -> Resident:
    office = Office.objects.get(code="18.08")
    today = timezone.localdate()
    born = today.replace(year=today.year - 6, day=min(today.day, 28))
    home = AddressInput(
        address="Jl. Raya Pakuan Ratu No. 3",
        district_code="18.08.01",
        rt="001",
        rw="003",
        village="Blambangan Umpu",
    )
    data = ResidentInput(name=name, sex="L", birth_place="Way Kanan", birth_date=born, home=home)
    return resident_register(office=office, data=data, actor=None)[0]


def test_a_child_s_kia_returned_for_his_photo_then_handed_to_his_mother(
    walk: Any, whatsapp: Any
) -> None:
    child = child_of_six("Dimas Saputra")
    phone = whatsapp(MOTHER_PHONE)

    # Step 1 at the counter: the operator receives the mother, who has no photo with her.
    walk.login("waykanan.operator")
    receive_at_counter(walk, "Terima permohonan Kartu Identitas Anak (KIA)")
    walk.fill("Nama pemohon", "Lestari")
    walk.fill("NIK pemohon", "1808014708900001")
    walk.fill("Nomor HP/WhatsApp", "0" + MOTHER_PHONE[2:])
    walk.fill("Nama anak", "Dimas Saputra")
    walk.fill("NIK anak", child.nik)
    walk.fill("Tanggal lahir anak", child.birth_date.isoformat())
    attach(walk, "Akta kelahiran anak", "akta.pdf", samples.pdf())
    attach(walk, "Kartu Keluarga (KK)", "kk.jpg", samples.jpeg(), "image/jpeg")
    attach(walk, "KTP-el kedua orang tua", "ktp.png", samples.png(), "image/png")
    walk.press("Simpan dan buat nomor permohonan")
    walk.sees("Permohonan diterima")
    reference = reference_of(walk)
    case = Application.objects.get(case__reference=reference).case

    # Step 2: passing the files on is refused without the photo; they go back to the mother.
    open_case(walk, reference)
    walk.press("Lengkap — teruskan")
    walk.sees("wajib dilampirkan")
    shot(walk, "s2d-photo-refused")
    walk.page.get_by_label("Pas foto berwarna anak").check()
    walk.fill("Catatan untuk pemohon", "Pas foto 3x4 berwarna, latar merah.")
    walk.press("Kembalikan ke pemohon")
    walk.sees("Permohonan dikembalikan ke pemohon")
    case.refresh_from_db()
    assert case.status == CaseStatus.WAITING
    assert ApplicantNotice.objects.get(case=case).channels == "WhatsApp"
    assert any("Pas foto berwarna anak" in text for text in phone.everything())

    # She brings the photo to the counter: attached on the case page, step 2 opens again.
    from_inbox_waiting(walk, reference)
    walk.sees("Berkas susulan di loket")
    attach(walk, "Pas foto berwarna anak", "foto-3x4.jpg", samples.jpeg(), "image/jpeg")
    walk.press("Terima berkas susulan dan teruskan")
    walk.menu("Tugas saya")
    walk.follow(reference)
    walk.press("Lengkap — teruskan")
    walk.sees("Persyaratan lengkap")

    # Step 3: the Kasi of Identitas Penduduk verifies; the other Kasi does not see it.
    walk.login("waykanan.kasi.pindah")
    walk.menu("Tugas saya")
    assert walk.page.get_by_text(reference).count() == 0
    walk.login("waykanan.kasi.dafduk")
    open_case(walk, reference)
    step_done(walk, 3)

    # Step 4: the operator prints the KIA on a blank.
    walk.login("waykanan.operator")
    open_case(walk, reference)
    walk.fill("Nomor seri blanko KIA", "KIA-WK-000045")
    walk.press("Catat pencetakan dan teruskan")
    walk.sees("Pencetakan tercatat")

    # Step 5: the officer hands the card to the mother.
    walk.login("waykanan.petugas")
    open_case(walk, reference)
    walk.fill("Nama penerima", "Lestari")
    walk.fill("Identitas yang ditunjukkan", "KTP-el 1808014708900001")
    walk.press("Catat penyerahan")
    walk.sees("Penyerahan dokumen tercatat")

    case.refresh_from_db()
    assert case.status == CaseStatus.DONE
    card = CitizenDocument.objects.get(case=case)
    assert card.card_serial == "KIA-WK-000045" and card.recipient_name == "Lestari"
    assert card.data["photo"] is True
