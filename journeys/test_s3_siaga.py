"""S3, Dukcapil Siaga of Kota Metro, walked as its people do on a phone.

A Dinas Sosial partner refers a man living on the street; the Dukcapil officer finds he needs a
domicile letter and a Dinsos letter; the Kasi cannot pass the file on while one is missing
(the return path): she records the domicile letter she obtained and asks the partner for the
other, which the partner sends from the referral's page. The operator registers him (a new NIK,
head of a new KK), the Kabid validates, the Kadis signs the KK with TTE, the recording officer
schedules jemput bola, finds nobody the first time and records the biometrics the second, the
operator prints the KK and the KTP-el, and the officer hands them over. The partner follows it
all on their own list and sees it finished.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.utils import timezone

from alur.documents.models import CitizenDocument
from alur.org.models import User
from alur.outreach.models import Referral
from alur.tte.tests.drivers import PASSPHRASE, certificate_for
from alur.workflow.choices import CaseStatus

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
DOMICILE = "Surat keterangan domisili dari desa/kelurahan"
DINSOS = "Surat keterangan Dinas Sosial (ODGJ/terlantar)"


def _file(name: str) -> dict[str, Any]:
    return {"name": f"{name}.png", "mimeType": "image/png", "buffer": PNG}


def _open_case(walk: Any, reference: str) -> None:
    walk.menu("Tugas saya")
    walk.follow(reference)


def _visit_time(days: int) -> str:
    return (timezone.localtime() + timedelta(days=days)).strftime("%Y-%m-%dT09:00")


def test_a_partner_refers_a_resident_who_gets_his_kk_and_ktp(walk: Any) -> None:
    certificate_for(User.objects.get(username="metro.kadis"))

    # Step 1: the partner refers him from their menu.
    walk.login("metro.mitra.dinsos")
    walk.menu("Rujukan penduduk rentan")
    walk.follow("Rujukan baru")
    walk.fill("Nama penduduk rentan", "Slamet Riyadi")
    walk.page.get_by_label("Kategori (Permendagri 96/2019)").select_option(label="Orang terlantar")
    walk.page.get_by_label("Jenis kelamin").select_option(label="Laki-laki")
    walk.fill("Tempat lahir", "Metro")
    walk.fill("Tanggal lahir (bila diketahui)", "1968-03-12")
    walk.fill("Alamat atau lokasi", "Emperan Pasar Cendrawasih, Metro Pusat")
    walk.fill("Desa/kelurahan", "Imopuro")
    walk.fill("Lintang (opsional)", "-5,1131")
    walk.fill("Bujur (opsional)", "105,3072")
    walk.fill("Nomor HP kontak", "081279003344")
    walk.press("Kirim rujukan")
    walk.sees(re.compile(r"Rujukan SIAGA-1872-\d{5} terkirim"))
    referral = Referral.objects.get(name="SLAMET RIYADI")
    reference = referral.case.reference

    # Step 2: the officer confirms and names the letters he needs.
    walk.login("metro.petugas")
    _open_case(walk, reference)
    walk.page.get_by_label(DOMICILE).check()
    walk.page.get_by_label(DINSOS).check()
    walk.press("Simpan dan laporkan ke Kasi")
    walk.sees("Kebutuhan surat pendukung tersimpan")

    # Step 3: the Kasi cannot verify with the letters missing; she records the domicile letter
    # and asks the partner for the Dinsos letter.
    walk.login("metro.kasi")
    _open_case(walk, reference)
    walk.press("Berkas terverifikasi — teruskan untuk pendaftaran")
    walk.sees("surat pendukung belum lengkap")
    walk.page.get_by_label(f"Pindaian {DOMICILE}").set_input_files(_file("domisili"))
    walk.press(f"Tandai diterima: {DOMICILE}")
    walk.sees("Surat pendukung tercatat diterima")
    assert referral.letters.get(kind="domisili").file
    walk.fill("Pesan untuk", "Mohon surat keterangan terlantar dari Dinsos.")
    walk.press("Minta surat kepada mitra")
    walk.sees("Permintaan surat terkirim")

    # The partner hears of it and sends the letter from the referral's page.
    walk.login("metro.mitra.dinsos")
    walk.goto("/pemberitahuan/")
    walk.sees(re.compile("meminta surat pendukung"))
    walk.menu("Rujukan penduduk rentan")
    walk.follow(referral.number)
    walk.sees("Menunggu surat pendukung dari Anda")
    walk.page.get_by_label(f"Berkas {DINSOS}").set_input_files(_file("dinsos"))
    walk.press(f"Kirim: {DINSOS}")
    walk.sees("Surat terkirim ke Disdukcapil")

    walk.login("metro.kasi")
    _open_case(walk, reference)
    walk.sees("Semua surat pendukung yang diperlukan sudah diterima")
    walk.press("Berkas terverifikasi — teruskan untuk pendaftaran")
    walk.sees("Berkas terverifikasi dan diteruskan")

    # Step 4: the operator registers him: a new NIK, head of a new KK.
    walk.login("metro.operator")
    _open_case(walk, reference)
    walk.page.get_by_label("Agama").select_option(label="Islam")
    walk.fill("Kode kecamatan", "18.72.01")
    walk.press("Daftarkan, buat NIK dan konsep KK")
    referral.refresh_from_db()
    assert referral.resident is not None and referral.family is not None
    walk.sees(referral.resident.nik)

    # Step 5: the Kabid validates; step 6: the Kadis signs the KK with TTE.
    walk.login("metro.kabid")
    _open_case(walk, reference)
    walk.press(re.compile("Simpan hasil langkah 5"))
    walk.login("metro.kadis")
    _open_case(walk, reference)
    walk.fill("Passphrase sertifikat TTE", PASSPHRASE)
    walk.press("Tandatangani (TTE)")
    assert CitizenDocument.objects.get(case=referral.case, kind="kk").signed_at

    # Step 7: jemput bola. The recording officer schedules his own visit; nobody is there the
    # first time, so he schedules another and records the biometrics.
    walk.login("metro.perekaman")
    _open_case(walk, reference)
    walk.fill("Jadwal kunjungan", _visit_time(1))
    walk.press("Jadwalkan jemput bola")
    walk.sees("Jemput bola dijadwalkan")
    walk.page.get_by_label("Penduduk tidak ditemukan di lokasi").check()
    walk.fill("Keterangan (wajib bila perekaman tidak berhasil)", "Sedang ke pasar Kopindo.")
    walk.press("Catat hasil kunjungan")
    walk.sees("Hasil kunjungan tercatat")
    walk.fill("Jadwal kunjungan", _visit_time(2))
    walk.press("Jadwalkan jemput bola")
    walk.page.get_by_label("Perekaman biometrik berhasil").check()
    walk.press("Catat hasil kunjungan")
    referral.resident.refresh_from_db()
    assert referral.resident.biometrics_recorded_at is not None

    # Step 8: the operator prints the KK and the KTP-el on a blank from Metro's stock.
    walk.login("metro.operator")
    _open_case(walk, reference)
    walk.fill("Nomor seri blanko KTP-el", "KTPEL-1872-000123")
    walk.press("Catat pencetakan dan teruskan")

    # Step 9: the officer hands them over in person.
    walk.login("metro.petugas")
    _open_case(walk, reference)
    walk.fill("Nama penerima", "Slamet Riyadi")
    walk.fill("Identitas yang ditunjukkan", referral.resident.nik)
    walk.press("Catat penyerahan")

    referral.case.refresh_from_db()
    assert referral.case.status == CaseStatus.DONE
    assert all(d.handed_over_at for d in CitizenDocument.objects.filter(case=referral.case))

    # The partner sees it finished on their own list.
    walk.login("metro.mitra.dinsos")
    walk.menu("Rujukan penduduk rentan")
    walk.follow(referral.number)
    walk.sees("Selesai: dokumen kependudukan sudah diserahkan")


def test_a_public_referral_is_taken_up_by_a_partner_and_closed_when_not_needed(walk: Any) -> None:
    # A neighbour refers an old woman on the public form.
    walk.goto("/siaga/rujuk/")
    walk.fill("Nama pelapor", "Ketua RT 03 Hadimulyo")
    walk.fill("Nama penduduk rentan", "Mbah Painem")
    walk.page.get_by_label("Kategori (Permendagri 96/2019)").select_option(label="Orang terlantar")
    walk.fill("Alamat atau lokasi", "Pos ronda RT 03, Hadimulyo Barat")
    walk.fill("Nomor HP kontak", "085266110022")
    walk.press("Kirim rujukan")
    walk.sees("Rujukan terkirim")
    referral = Referral.objects.get(name="MBAH PAINEM")
    assert referral.case is None

    # A partner opens the Siaga address and is taken to their own list, where it waits.
    walk.login("metro.mitra.kelurahan")
    walk.goto("/siaga/")
    assert walk.page.url.endswith("/siaga/mitra/")
    walk.follow(referral.number)
    walk.sees("Menunggu diteruskan oleh mitra")
    walk.press("Teruskan ke Disdukcapil")
    walk.sees("Rujukan diteruskan ke petugas Dukcapil")
    referral.refresh_from_db()

    # The officer finds she already has a KTP-el and closes the referral; the partner hears why.
    walk.login("metro.petugas")
    walk.menu("Tugas saya")
    walk.follow(referral.case.reference)
    walk.page.get_by_text("Rujukan tidak perlu ditindaklanjuti?").click()
    walk.fill("Alasan (disampaikan kepada mitra", "Sudah ber-KTP-el di Lampung Timur.")
    walk.press("Tutup rujukan")
    walk.sees("Rujukan ditutup")
    referral.case.refresh_from_db()
    assert referral.case.status == CaseStatus.CANCELLED

    walk.login("metro.mitra.kelurahan")
    walk.goto("/pemberitahuan/")
    walk.sees(re.compile("Sudah ber-KTP-el di Lampung Timur"))
    walk.menu("Rujukan penduduk rentan")
    walk.follow(referral.number)
    walk.sees("Dibatalkan")
